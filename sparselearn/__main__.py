"""``python -m sparselearn``: a tour of every capability on generated or shipped data.

Each subpackage that has a ``_tour`` module contributes rows: its ``TOUR`` is a list of
``(capability, problem, run)`` where ``run()`` does the work and returns a short quality
string. The tour times each ``run`` and prints one table.

``python -m sparselearn --compile`` instead compiles (and caches) every Numba kernel on tiny
problems, so that a fresh environment's first fit does not pay the compilation (see
:mod:`sparselearn._compile`).
"""

import importlib
import sys
import time

_SUBPACKAGES = ["linear_model", "decomposition", "bayes", "scoring", "ot", "sketching"]


def _collect_rows():
    rows = []
    for name in _SUBPACKAGES:
        module_name = f"sparselearn.{name}._tour"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name in (module_name, f"sparselearn.{name}"):
                continue  # capability not built yet
            raise
        rows.extend(module.TOUR)
    return rows


def _format_table(header, rows):
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = "  ".join("-" * w for w in widths)
    out = ["  ".join(str(h).ljust(w) for h, w in zip(header, widths)), line]
    out += ["  ".join(str(c).ljust(w) for c, w in zip(r, widths)) for r in rows]
    return "\n".join(out)


def main(argv=None):
    """Run every tour entry and print the table (capability, problem, time, quality); with
    ``--compile``, compile every kernel instead and print the seconds per capability."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv == ["--compile"]:
        from ._compile import compile_all

        timings = compile_all(verbose=False)
        print(_format_table(("capability", "compile and first run"),
                            [(name, f"{seconds:.1f} s") for name, seconds in timings]))
        return 0
    if argv:
        print("usage: python -m sparselearn [--compile]", file=sys.stderr)
        return 2
    results = []
    for capability, problem, run in _collect_rows():
        start = time.perf_counter()
        quality = run()
        elapsed = time.perf_counter() - start
        results.append((capability, problem, f"{elapsed:.2f} s", quality))
        print(f"  done: {capability} / {problem} ({elapsed:.2f} s)", file=sys.stderr)
    print(_format_table(("capability", "problem", "time", "quality"), results))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``python -m sparselearn``: a tour of every capability on generated or shipped data.

Each subpackage that has a ``_tour`` module contributes rows: its ``TOUR`` is a list of
``(capability, problem, run)`` where ``run()`` does the work and returns a
:class:`sparselearn._tour.Result` (sparselearn's time, the reference's time, what was
obtained), and its ``LEGEND`` explains the terms the rows use. The tour prints one table,
then the legend of each capability.

``python -m sparselearn --compile [--jobs N]`` instead compiles (and caches) every Numba kernel
on tiny problems, in N worker processes (default: one per core), so that a fresh environment's
first fit does not pay the compilation (see :mod:`sparselearn._compile`). When the tour finds
the cache cold (a fresh environment) on a machine with four cores or more, it first runs each
capability's rows in its own worker process, which compiles their kernels side by side, and
then times the rows in this process.
"""

import importlib
import sys
import textwrap
import time

_USAGE = "usage: python -m sparselearn [--compile [--jobs N]]"
MIN_WORKERS = 4  # cores from which the tour's first run compiles in worker processes

_SUBPACKAGES = ["linear_model", "decomposition", "bayes", "scoring", "ot", "sketching"]


def _collect_modules():
    modules = []
    for name in _SUBPACKAGES:
        module_name = f"sparselearn.{name}._tour"
        try:
            modules.append(importlib.import_module(module_name))
        except ModuleNotFoundError as exc:
            if exc.name in (module_name, f"sparselearn.{name}"):
                continue  # capability not built yet
            raise
    return modules


def _format_table(header, rows):
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = "  ".join("-" * w for w in widths)
    out = ["  ".join(str(h).ljust(w) for h, w in zip(header, widths)), line]
    out += ["  ".join(str(c).ljust(w) for c, w in zip(r, widths)) for r in rows]
    return "\n".join(out)


def _seconds(seconds):
    return f"{seconds:.2g} s" if seconds < 0.1 else f"{seconds:.2f} s"


def _format_tour(rows):
    """The tour's table: per capability, one line per problem with sparselearn's time and the
    reference's, and the result on the line below."""
    header = ("problem", "sparselearn", "reference")
    widths = [max(len(r[i + 1]) for r in [("",) + header, *rows]) for i in range(3)]
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths)),
           "  ".join("-" * w for w in widths)]
    current = None
    for capability, *cells, result in rows:
        if capability != current:
            out.append(capability.upper())
            current = capability
        out.append("  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip())
        out.append(f"    -> {result}")
    return "\n".join(out)


def main(argv=None):
    """Run every tour entry and print the table (capability, problem, sparselearn's time, the
    reference and its time, result) and the legend of each capability; with
    ``--compile``, compile every kernel instead and print the seconds per capability."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["--compile"]:
        n_jobs = _parse_jobs(argv[1:])
        if n_jobs == 0:
            print(_USAGE, file=sys.stderr)
            return 2
        from ._compile import compile_all

        start = time.perf_counter()
        timings = compile_all(verbose=False, n_jobs=n_jobs)
        print(_format_table(("capability", "compile and first run"),
                            [(name, f"{seconds:.1f} s") for name, seconds in timings]))
        print(f"\n{time.perf_counter() - start:.1f} s in all")
        return 0
    if argv:
        print(_USAGE, file=sys.stderr)
        return 2
    modules = _collect_modules()
    _compile_if_cold(modules)
    rows, legends = [], []
    for module in modules:
        for capability, problem, run in module.TOUR:
            outcome = run()
            reference = "-"
            if outcome.reference:
                reference = outcome.reference
                if outcome.reference_seconds is not None:
                    reference += f" {_seconds(outcome.reference_seconds)}"
            rows.append((capability, problem, _seconds(outcome.seconds), reference,
                         outcome.result))
            print(f"  done: {capability} / {problem}", file=sys.stderr)
        capabilities = dict.fromkeys(capability for capability, _, _ in module.TOUR)
        legends.append((" / ".join(capabilities), module.LEGEND))
    print(_format_tour(rows))
    print(textwrap.fill(
        "Times are wall-clock seconds of sparselearn's own work and of the reference on the "
        "same problem. The first call of a kernel in a process loads it from Numba's cache "
        "(a fraction of a second). A fresh environment compiles each kernel once, so a first "
        "run's times include compilation, except with four cores or more, where the tour "
        "compiles first, one capability per core (`python -m sparselearn --compile` compiles "
        "every kernel, e.g. when building an image).", 100,
        initial_indent="\n"))
    for capabilities, legend in legends:
        print(f"\n{capabilities}:")
        width = max(len(term) for term, _ in legend)
        for term, meaning in legend:
            print(textwrap.fill(meaning, 100, initial_indent=f"  {term.ljust(width)}  ",
                                subsequent_indent=" " * (width + 4)))
    return 0


def _parse_jobs(args):
    """``--jobs N`` after ``--compile``: N (None for one per core), or 0 when malformed."""
    if not args:
        return None
    if len(args) == 2 and args[0] == "--jobs" and args[1].isdigit() and int(args[1]) > 0:
        return int(args[1])
    return 0


def _compile_if_cold(modules):
    """In a fresh environment (most kernels uncached), run each capability's rows once in its
    own worker process first, so that compilation proceeds on every core and the rows then
    timed in this process load their kernels from the cache. Below ``MIN_WORKERS`` cores there
    is nothing to gain, and the rows compile as they run."""
    import os
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    # the workers' function lives in a module they import by name (this one runs as __main__)
    from ._compile import cold_kernel_fraction, run_tour_rows

    # on two cores the extra pass (rows run twice, shared kernels compiled in several workers:
    # about 45 % more CPU) eats the gain: measured 156 s against 152 s for the serial first run
    n_cores = os.cpu_count() or 1
    if n_cores < MIN_WORKERS or cold_kernel_fraction() <= 0.5:
        return
    n_workers = min(n_cores, len(modules))
    print(f"  first run in this environment: compiling on {n_workers} processes ...",
          file=sys.stderr)
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=n_workers, mp_context=get_context("spawn")) as pool:
        for name in pool.map(run_tour_rows, [module.__name__ for module in modules]):
            print(f"  compiled: {name}", file=sys.stderr)
    print(f"  compiled in {time.perf_counter() - start:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())

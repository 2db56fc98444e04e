"""``python -m sparselearn --compile`` compiles every capability's kernels and reports them."""

import inspect
import os
import re

import pytest

from sparselearn.__main__ import main


def test_compile_runs_every_capability(capsys):
    from sparselearn._compile import CAPABILITIES

    assert main(["--compile", "--jobs", "1"]) == 0  # in this process: its dispatchers are checked
    out = capsys.readouterr().out
    table, total = out.split("\n\n")
    assert re.fullmatch(r"\d+\.\d s in all", total.strip())
    rows = dict(re.split(r"\s{2,}", line.strip()) for line in table.splitlines()[2:])
    assert set(rows) == {capability for capability, _ in CAPABILITIES}
    assert all(value.endswith(" s") and float(value[:-2]) >= 0 for value in rows.values())
    # each kernel compiled once per argument type, not once more per constant: a kernel called
    # from another with a literal int or bool argument compiles a Literal[...] specialization
    # (seconds on a fresh install); callers pass np.int64(...) / np.bool_(...) instead. The one
    # intended exception: the penalty code of the per-penalty kernels (``prox.value_for`` and
    # the like), a literal by design, one specialization per penalty
    assert _literal_specializations() == []


def _literal_specializations():
    import importlib
    import pkgutil

    from numba.core import types
    from numba.core.registry import CPUDispatcher

    import sparselearn._core as core

    found = []
    for info in pkgutil.iter_modules(core.__path__):
        module = importlib.import_module(f"sparselearn._core.{info.name}")
        for name, kernel in vars(module).items():
            if isinstance(kernel, CPUDispatcher) and kernel.__module__ == module.__name__:
                params = list(inspect.signature(kernel.py_func).parameters)
                found += [f"{info.name}.{name}{signature}" for signature in kernel.signatures
                          if any(isinstance(arg, types.Literal)
                                 and not _penalty_code(param, arg)
                                 for param, arg in zip(params, signature))]
    return found


def _penalty_code(param, arg):
    """Whether a literal argument is the penalty code of a per-penalty kernel."""
    from numba.core import types

    from sparselearn._core.prox import N_PENALTIES

    return (param in ("code", "pcode") and isinstance(arg, types.IntegerLiteral)
            and 0 <= arg.literal_value < N_PENALTIES)


def test_per_penalty_kernels_compile_only_their_penalty(tmp_path):
    """A kernel made for one penalty passes its code on as a literal, so its callees compile
    that penalty's section only; the kernel for any penalty reads the code at run time and
    compiles every section. Both give the same scores. In a fresh process with an empty cache,
    where every compilation is seen."""
    import subprocess
    import sys

    code = """
import numpy as np
from numba.core import event
from sparselearn._core import prox
seen = []
class Listener(event.Listener):
    def on_start(self, ev):
        seen.append(ev.data["dispatcher"].py_func.__qualname__)
    def on_end(self, ev):
        pass
event.register("numba:compile", Listener())
rng = np.random.default_rng(0)
w, grad, ones = rng.standard_normal(6), rng.standard_normal(6), np.ones(6)
w[:2] = 0.0
params = np.array([0.3, 3.0, 0.0, 0.0])
fixed = prox.optimality_scores_for(prox.MCP)(prox.MCP, params, ones, ones, w, grad, ones)
print(len(seen), sorted({name for name in seen if name.startswith("_any_")}))
seen.clear()
generic = prox.optimality_scores(prox.MCP, params, ones, ones, w, grad, ones)
print(sorted({name for name in seen if name.startswith("_any_")}))
print(np.max(np.abs(fixed - generic)), np.max(fixed))
"""
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True,
                         text=True).stdout.splitlines()
    n_compiled, picked = out[0].split(" ", 1)
    assert int(n_compiled) > 0
    assert picked == "[]"  # MCP's kernel: no run-time dispatch over the penalties compiled
    assert out[1] == "['_any_derivative', '_any_prox', '_any_slope']"
    difference, largest = map(float, out[2].split())
    assert difference == 0.0 and largest > 0.0
    # the per-penalty kernel is a closure: Numba caches it per code, and a second process loads
    # it rather than compile it again
    again = subprocess.run([sys.executable, "-c", code], env=env, check=True,
                           capture_output=True, text=True).stdout.splitlines()
    assert again[0] == "0 []"



def test_compile_in_worker_processes_covers_every_capability():
    """The default ``--compile``: units in spawned workers, timings summed per capability
    (here every kernel is cached already, so the workers load rather than compile)."""
    from sparselearn._compile import CAPABILITIES, compile_all

    timings = compile_all(verbose=False, n_jobs=2)
    assert [name for name, _ in timings] == [capability for capability, _ in CAPABILITIES]
    assert all(seconds > 0 for _, seconds in timings)


def test_a_fresh_cache_reads_as_cold(tmp_path):
    """With an empty Numba cache every kernel is cold, which makes the tour compile first."""
    import subprocess
    import sys

    code = "from sparselearn._compile import cold_kernel_fraction; print(cold_kernel_fraction())"
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout
    assert float(out) == 1.0


def test_a_cold_tour_compiles_in_worker_processes_first(monkeypatch, capsys):
    """With the cache cold, each tour module's rows run once in a spawned worker before the
    timed pass (here the sketching rows, twice, on a cache that is warm in fact)."""
    import sparselearn._compile
    from sparselearn.__main__ import _compile_if_cold
    from sparselearn.sketching import _tour

    # the workers unpickle their function by module name: it cannot live in sparselearn.__main__,
    # which runs as __main__ under ``python -m sparselearn``
    assert sparselearn._compile.run_tour_rows.__module__ == "sparselearn._compile"
    monkeypatch.setattr(sparselearn._compile, "cold_kernel_fraction", lambda: 1.0)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    _compile_if_cold([_tour, _tour])  # two cores: the first run compiles as it goes
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    _compile_if_cold([_tour, _tour])
    err = capsys.readouterr().err
    assert "compiling on 2 processes" in err
    assert err.count("compiled: sparselearn.sketching._tour") == 2
    monkeypatch.setattr(sparselearn._compile, "cold_kernel_fraction", lambda: 0.2)
    _compile_if_cold([_tour, _tour])  # warm: nothing to do
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("argv", [["--compiel"], ["--compile", "--jobs"], ["--compile", "-j", "2"],
                                  ["--compile", "--jobs", "0"], ["--compile", "--jobs", "two"]])
def test_unknown_arguments_are_refused(capsys, argv):
    assert main(argv) == 2
    assert "usage" in capsys.readouterr().err


def test_tour_table_puts_times_side_by_side_and_results_below():
    from sparselearn.__main__ import _format_tour

    table = _format_tour([("ot", "plan", "0.12 s", "POT 0.30 s", "same plan"),
                          ("ot", "map", "0.013 s", "-", "error 0.1")])
    lines = table.splitlines()
    assert lines[0].split() == ["problem", "sparselearn", "reference"]
    assert lines[2] == "OT" and lines.count("OT") == 1
    assert lines[3].split() == ["plan", "0.12", "s", "POT", "0.30", "s"]
    assert lines[4].strip() == "-> same plan" and lines[6].strip() == "-> error 0.1"


def test_tour_runs_every_row_and_explains_its_terms(capsys):
    """The whole tour, as a user runs it: a time for sparselearn on every row, the reference
    named with its time where the row has one, a result sentence, and a legend per
    capability covering the abbreviations the rows use."""
    from sparselearn.__main__ import _collect_modules

    assert main([]) == 0
    out = capsys.readouterr().out
    modules = _collect_modules()
    n_rows = sum(len(module.TOUR) for module in modules)
    assert out.count("\n    -> ") == n_rows
    for module in modules:
        assert module.LEGEND, module.__name__
        for capability, problem, _ in module.TOUR:
            line = next(line for line in out.splitlines() if line.startswith(problem))
            ours, reference = re.split(r"\s{2,}", line.strip())[1:3]
            assert re.fullmatch(r"[0-9.e-]+ s", ours), line
            assert reference == "-" or re.search(r"[0-9.e-]+ s$", reference), line
        for term, meaning in module.LEGEND:
            assert f"  {term}" in out and meaning.split()[0] in out
    for abbreviation in ("SNS", "OMP", "MCP", "RVC", "JL", "SLIM"):
        assert re.search(rf"^  {abbreviation}\b", out, re.MULTILINE), abbreviation

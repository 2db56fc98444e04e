"""Examples run from any directory and save their figure next to themselves."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).parents[1] / "examples").glob("*/plot_*.py"))


def _savefig_targets(path):
    tree = ast.parse(path.read_text())
    return [ast.unparse(node.args[0]) for node in ast.walk(tree)
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "savefig"]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_figure_saved_next_to_the_script(path):
    targets = _savefig_targets(path)
    assert targets, f"{path.name} saves no figure"
    # the script's own path: sphinx-gallery sets sys.argv[0] to it but never defines __file__
    assert all("sys.argv[0]" in target for target in targets), targets


def test_an_example_runs_from_another_directory(tmp_path):
    script = Path(__file__).parents[1] / "examples" / "bayes" / "plot_sbl_recovery.py"
    figure = script.with_suffix(".png")
    before = figure.stat().st_mtime_ns if figure.exists() else None
    env = dict(os.environ, MPLBACKEND="Agg")
    subprocess.run([sys.executable, str(script)], cwd=tmp_path, check=True, capture_output=True,
                   env=env, timeout=300)
    assert figure.exists() and figure.stat().st_mtime_ns != before
    assert not any(tmp_path.iterdir())  # nothing written into the working directory


def test_examples_are_grouped_by_capability_in_the_gallery():
    """Every example lives in a topic folder with a header, and the gallery lists each folder."""
    examples = Path(__file__).parents[1] / "examples"
    conf = (Path(__file__).parents[1] / "docs" / "conf.py").read_text()
    sections = ast.literal_eval(conf.split("GALLERY_SECTIONS = ", 1)[1].splitlines()[0])
    folders = sorted(p.parent.name for p in examples.glob("*/plot_*.py"))
    assert set(folders) == set(sections)
    assert not list(examples.glob("plot_*.py"))  # none outside a section
    for name in sections:
        header = (examples / name / "GALLERY_HEADER.rst").read_text().splitlines()
        assert header[1] == "-" * len(header[0]), name


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_title_rules_match_the_title(path):
    """The gallery title's over- and underline are as long as the title (docutils refuses a
    shorter one, which fails the docs build)."""
    lines = ast.get_docstring(ast.parse(path.read_text()), clean=False).strip("\n").splitlines()
    if set(lines[0]) == {"="}:  # overline, title, underline
        over, title, under = lines[:3]
        assert over == under, lines[:3]
    else:  # title, underline
        title, under = lines[:2]
    assert set(under) == {"="} and len(under) >= len(title.rstrip()), lines[:3]


def _calls(tree):
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_written_as_a_user_would_write_it(path):
    """Public names only, no backend forcing, no blanket warning filter (a filter names the
    warning category it silences, inside ``warnings.catch_warnings``)."""
    source = path.read_text()
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            if name.split(".")[0] == "sparselearn":
                assert not any(part.startswith("_") for part in name.split(".")), name
    for call in _calls(tree):
        func = ast.unparse(call.func)
        assert func not in ("matplotlib.use", "mpl.use", "plt.switch_backend"), func
        if func in ("warnings.filterwarnings", "warnings.simplefilter"):
            keywords = {keyword.arg for keyword in call.keywords}
            assert "category" in keywords or len(call.args) >= 2, ast.unparse(call)
    assert "# noqa: E402" not in source


@pytest.mark.parametrize("path", [p for p in EXAMPLES if "perf_counter" in p.read_text()],
                         ids=lambda p: p.name)
def test_timed_examples_compile_before_timing(path):
    """A time shown to a reader is that of compiled code: an example that times anything runs
    it once first and says so (the first call of a Numba kernel includes its compilation,
    seconds against milliseconds)."""
    comments = [line.split("#", 1)[1].lower() for line in path.read_text().splitlines()
                if "#" in line]
    assert any("compil" in comment for comment in comments), path.name


def test_custom_penalty_example_matches_its_references(monkeypatch, tmp_path):
    """The tutorial of the docs' penalty / datafit page runs, its user-built penalty and loss
    reach the solvers and match their references (scikit-learn's Lasso on rescaled columns,
    the plain loss on rescaled rows), and the adaptive Lasso selects fewer false features."""
    import runpy

    import matplotlib
    import numpy as np

    matplotlib.use("Agg")
    script = Path(__file__).parents[1] / "examples" / "linear_model" / "plot_custom_penalty.py"
    copy = tmp_path / script.name  # its figures go next to the copy, not into the checkout
    copy.write_text(script.read_text())
    monkeypatch.setattr(sys, "argv", [str(copy)])
    ns = runpy.run_path(str(copy), run_name="__main__")
    scale = np.max(np.abs(ns["ours"].coef_))
    assert ns["gap_adaptive"] < 1e-6 * scale
    assert ns["gap_weighted"] < 1e-6 * np.max(np.abs(ns["weighted"].coef_))
    support = ns["coef"] != 0
    false_lasso = np.count_nonzero(ns["lasso"].coef_[~support])
    false_adaptive = np.count_nonzero(ns["adaptive"].coef_[~support])
    assert np.all(ns["adaptive"].coef_[support] != 0) and false_adaptive < false_lasso
    error = {name: np.linalg.norm(ns[name].coef_ - ns["coef"]) for name in ("plain", "weighted")}
    assert error["weighted"] < error["plain"]
    assert sorted(p.name for p in tmp_path.glob("*.png")) == [
        "plot_custom_penalty.png", "plot_custom_penalty_weighted.png"]

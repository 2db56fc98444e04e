"""The benchmarks page: its figures exist, come from the committed results, and the table of
comparisons names benchmarks that exist.

``asv_bench/plot_results.py`` draws the figures from the compact copy of the asv results
committed beside them; these checks rerun it on that copy (no asv needed).
"""

import ast
import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
STATIC = DOCS / "_static" / "benchmarks"
PAGE = DOCS / "benchmarks.rst"
BENCHMARKS = ROOT / "asv_bench" / "benchmarks"


@pytest.fixture(scope="module")
def plot_results():
    spec = importlib.util.spec_from_file_location("plot_results", ROOT / "asv_bench" / "plot_results.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _record_path():
    paths = sorted(STATIC.glob("results-*.json"))
    assert len(paths) == 1, f"expected one committed results copy in {STATIC}, found {paths}"
    return paths[0]


def _referenced(text):
    """Files named by figure, image, csv-table, include and download directives."""
    names = re.findall(r"^\s*\.\. (?:figure|image|include):: (\S+)", text, flags=re.M)
    names += re.findall(r"^\s*:file: (\S+)", text, flags=re.M)
    names += re.findall(r":download:`[^`<]*<([^>]+)>`", text)
    return [name.lstrip("/") for name in names]


def test_page_references_existing_files():
    page = PAGE.read_text()
    names = _referenced(page)
    assert any(name.endswith(".png") for name in names), "the page shows no figure"
    missing = [name for name in names if not (DOCS / name).exists()]
    assert not missing, missing
    for name in names:
        if name.endswith(".inc"):  # files named by the included text
            missing = [n for n in _referenced((DOCS / name).read_text()) if not (DOCS / n).exists()]
            assert not missing, missing


def test_page_documents_the_script_command():
    page = PAGE.read_text()
    assert "python asv_bench/plot_results.py --results" in page
    assert "python asv_bench/plot_results.py --from-json" in page


def test_script_redraws_the_page_from_the_committed_results(plot_results, tmp_path):
    plot_results.main(["--from-json", str(_record_path()), "--out", str(tmp_path)])
    drawn = {path.name for path in tmp_path.iterdir()}
    shown = {Path(name).name for name in _referenced(PAGE.read_text())
             if name.startswith("_static/benchmarks/") and not name.endswith(".json")}
    assert shown <= drawn, sorted(shown - drawn)
    # the committed tables and run description are the ones the committed results give
    for name in sorted(shown):
        if name.endswith((".csv", ".inc")):
            assert (tmp_path / name).read_text() == (STATIC / name).read_text(), name
        if name.endswith(".csv"):  # a csv-table needs a header and a body
            assert len((tmp_path / name).read_text().splitlines()) >= 2, name
    committed = {path.name for path in STATIC.glob("*.png")}
    assert committed == {name for name in drawn if name.endswith(".png")}


def test_committed_results_match_the_comparison_table(plot_results):
    import json

    record = json.loads(_record_path().read_text())
    # every benchmark the record holds, with its asv parameters, against the table's rows
    meta = {name: {"param_names": b["param_names"], "params": b["params"]}
            for name, b in record["benchmarks"].items()}
    problems = [p for p in plot_results.check_table(meta) if "no benchmark" not in p]
    assert not problems, problems
    rows, _ = plot_results.bars(record)
    assert rows, "no comparison has results"
    for row in rows:
        assert row.ratio > 0 and row.ours >= 0, row


def _classes(path):
    """``{class name: (base names, method names)}`` of a benchmark module."""
    tree = ast.parse(path.read_text())
    return {node.name: ([b.id for b in node.bases if isinstance(b, ast.Name)],
                        {n.name for n in node.body if isinstance(n, ast.FunctionDef)})
            for node in tree.body if isinstance(node, ast.ClassDef)}


def _has_method(classes, cls, method):
    if cls not in classes:
        return False
    bases, methods = classes[cls]
    return method in methods or any(_has_method(classes, base, method) for base in bases)


def test_comparison_table_names_existing_benchmarks(plot_results):
    names = {key.name for comp in plot_results.COMPARISONS
             for key in (comp.ours, *comp.references.values())}
    names |= {f"{plot_results.CURVE}.track_seconds", f"{plot_results.CURVE}.track_suboptimality"}
    missing = []
    for name in sorted(names):
        module, cls, method = name.split(".")
        path = BENCHMARKS / f"{module}.py"
        if not path.exists() or not _has_method(_classes(path), cls, method):
            missing.append(name)
    assert not missing, missing
    assert set(plot_results.CHARTS) >= {comp.chart for comp in plot_results.COMPARISONS}


def test_merging_runs_keeps_each_figure_from_its_latest_run(plot_results):
    def record(first, names):
        run = {"first": first, "last": first, "command": "asv run", "commits": [], "from_log": []}
        return {"run": run, "environment": {}, "machine": {},
                "benchmarks": {name: {"run": first} for name in names}}

    first = record("day 1", ["a.X", "b.Y"])
    second = plot_results.merge_records(first, record("day 2", ["b.Y", "c.Z"]))
    assert {k: v["run"] for k, v in second["benchmarks"].items()} == {
        "a.X": "day 1", "b.Y": "day 2", "c.Z": "day 2"}
    assert [(r["first"], r["benchmarks"]) for r in second["run"]["earlier"]] == [("day 1", ["a.X"])]
    third = plot_results.merge_records(second, record("day 3", ["a.X"]))
    assert third["run"]["first"] == "day 3"
    assert [(r["first"], r["benchmarks"]) for r in third["run"]["earlier"]] == [
        ("day 2", ["b.Y", "c.Z"])]

"""Figures of the benchmarks page from asv results.

The comparisons plotted are listed explicitly in ``COMPARISONS`` below: the benchmarks do not
share one naming scheme (a ``library`` / ``solver`` / ``method`` parameter, separate
``time_ours`` / ``time_reference`` methods, or ``track_`` values), so each row names the asv
benchmark and parameters of sparselearn's run and of each reference's. Where several
references run, the ratio is taken against the best one in the same run: the fastest for a
time, the most accurate for an error.

Two steps, one command each::

    # from the asv results of a run (several result directories are merged, the latest
    # measurement of a benchmark wins): writes the compact copy of the numbers used,
    # results-<machine>-<date>.json, then the figures and tables
    python asv_bench/plot_results.py --results asv_bench/results --machine devbox

    # asv run --python=same saves no results without --set-commit-hash: the tables it printed
    # can stand in for them (3 significant digits), from its output saved to a file
    python asv_bench/plot_results.py --results asv_bench/results --log asv.log --machine devbox

    # from that copy alone (no asv needed): the figures and tables again
    python asv_bench/plot_results.py --from-json docs/_static/benchmarks/results-devbox-<date>.json

Outputs (``--out``, default ``docs/_static/benchmarks``): one ``ratios-<capability>.png`` bar
chart per capability, ``suboptimality.png`` (suboptimality against time for the sparse GLMs),
one ``ratios-<capability>.csv`` table of the plotted numbers per chart, and ``run.inc``, the
machine and run description included by ``docs/benchmarks.rst``.

The script sits beside the asv configuration rather than under ``docs/`` because the table is
written in asv's terms (benchmark names and parameters): whoever renames a benchmark edits the
file next to it.
"""

import argparse
import ast
import csv
import datetime
import glob
import importlib.metadata
import json
import math
import os
import platform
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "docs" / "_static" / "benchmarks"

# the libraries whose versions the page reports (those of the environment that ran asv)
VERSIONS = ["numpy", "scipy", "scikit-learn", "numba", "skglm", "celer", "POT", "cvxpy",
            "highspy", "datasketch", "dask", "dask-ml", "ott-jax", "jax", "asv"]


@dataclass(frozen=True)
class Bench:
    """One asv measurement: the benchmark's full name and its parameter values."""

    name: str
    params: tuple = ()

    def describe(self):
        args = ", ".join(f"{key}={value!r}" for key, value in self.params)
        return f"{self.name}({args})" if args else self.name


def bench(name, **params):
    """A :class:`Bench` from keyword parameters (the names of the benchmark's ``param_names``)."""
    return Bench(name, tuple(params.items()))


@dataclass(frozen=True)
class Comparison:
    """One bar: sparselearn's measurement against one or several references'.

    ``metric`` is ``"time"`` (seconds), ``"error"`` (the unit named by ``unit``) or
    ``"iterations"``, all lower is better unless ``higher_is_better`` (a fraction of planted
    atoms recovered); ``complement`` turns an accuracy into an error rate (1 - x). The ratio is
    best reference / sparselearn (sparselearn / best reference where higher is better), so above
    1 means sparselearn is faster or more accurate.
    """

    chart: str
    label: str
    ours: Bench
    references: dict
    metric: str = "time"
    unit: str = ""
    complement: bool = False
    higher_is_better: bool = False


# -- the table ------------------------------------------------------------------------------

CHARTS = {
    "glm": "Sparse GLMs: solvers",
    "glm-more": "Sparse GLMs: cross-validation, batches, groups, raw features, dask",
    "decomposition": "Sparse coding, dictionary learning, NMF",
    "bayes": "Sparse Bayesian learning",
    "scoring": "SLIM scoring systems",
    "ot": "Entropic optimal transport",
    "sketching": "Sketching",
    "first-fit": "First fit after installation (compilation included; CPU seconds)",
}

LM = "bench_linear_model."
GLM_PEERS = {"skglm": "skglm", "celer": "celer", "sklearn": "scikit-learn"}
GLM_DATA = {"dense": "dense", "sparse": "sparse", "diabetes": "diabetes",
            "breast_cancer": "breast cancer"}


def _glm(cls, title, datasets, peers):
    """Rows of a ``_Compare`` benchmark: ``(dataset, library)`` parameters."""
    name = f"{LM}{cls}.time_solve"
    return [Comparison("glm", f"{title}, {GLM_DATA[data]}",
                       bench(name, dataset=data, library="sparselearn"),
                       {GLM_PEERS[p]: bench(name, dataset=data, library=p) for p in peers})
            for data in datasets]


def _pairs(chart, name, label, ours, theirs, **kwargs):
    """One row per parameter set ``params`` of a benchmark with a ``library``-like parameter:
    ``ours`` and ``theirs`` are ``(parameter name, value)`` pairs, ``label`` a format string
    over the other parameters."""
    grid = kwargs.pop("grid")
    rows = []
    for params in grid:
        ref = {peer: bench(name, **params, **{ours[0]: value}) for peer, value in theirs.items()}
        rows.append(Comparison(chart, _label(label, params),
                               bench(name, **params, **{ours[0]: ours[1]}), ref, **kwargs))
    return rows


def _label(label, params):
    """``label`` formatted with the parameter values, by name or by position (some parameter
    names are not identifiers: ``"n_samples, n_features, k"``)."""
    text = label.format(*params.values(), **{k: v for k, v in params.items() if k.isidentifier()})
    return re.sub(r"e([+-])0*(\d)", lambda m: "e" + m.group(1).strip("+") + m.group(2), text)


def _methods(chart, cls, label, ours, theirs, grid=({},), **kwargs):
    """Rows of a benchmark with one method per contender (``time_sparselearn``,
    ``time_sklearn``, ...): ``ours`` a method name, ``theirs`` peer -> method name."""
    return [Comparison(chart, _label(label, params), bench(f"{cls}.{ours}", **params),
                       {peer: bench(f"{cls}.{method}", **params) for peer, method in theirs.items()},
                       **kwargs)
            for params in grid]


ALL_PEERS = ["skglm", "celer", "sklearn"]
SHAPE3, SHAPE2 = "n_samples, n_features, k", "n_samples, n_features"  # asv parameter names

COMPARISONS = [
    # sparse GLMs: equal final objective (each library's tolerance calibrated)
    *_glm("LassoSingleAlpha", "Lasso", ["dense", "sparse", "diabetes", "breast_cancer"], ALL_PEERS),
    *_glm("LassoPath", "Lasso path", ["dense", "sparse", "diabetes", "breast_cancer"], ALL_PEERS),
    *_glm("L1LogisticSingleAlpha", "L1-logistic", ["dense", "sparse", "breast_cancer"], ALL_PEERS),
    *_glm("MCPPath", "MCP path", ["dense", "sparse", "diabetes"], ["skglm"]),
    *_glm("SCADPath", "SCAD path", ["dense", "diabetes"], ["skglm"]),
    *_glm("MCPLogisticPath", "MCP-logistic path", ["breast_cancer"], ["skglm"]),
    Comparison("glm", "Import + first MCP fit, warm caches",
               bench(f"{LM}ColdStart.track_import_and_first_fit", library="sparselearn"),
               {"skglm": bench(f"{LM}ColdStart.track_import_and_first_fit", library="skglm")}),
    *_pairs("glm", f"{LM}AcceleratedGradientIterations.track_iterations",
            "MCP accelerated gradient, {alpha_ratio} alpha_max", ("scheme", "yang"),
            {"Ghadimi-Lan": "ghadimi_lan", "proximal gradient": "ista"},
            grid=[{"alpha_ratio": 0.1}, {"alpha_ratio": 0.05}], metric="iterations",
            unit="iterations"),
    *[Comparison("glm-more", f"5-fold CV, 100 alphas, {pen} (vs LassoCV)",
                 bench(f"{LM}CrossValidation.time_cv", estimator=f"sparselearn-{key}"),
                 {"LassoCV": bench(f"{LM}CrossValidation.time_cv", estimator="sklearn-lassocv")})
      for key, pen in [("l1", "L1"), ("mcp", "MCP"), ("scad", "SCAD")]],
    *_pairs("glm-more", f"{LM}RawFeatures.time_fit", "Raw features, {problem}, {alpha_ratio} alpha_max",
            ("library", "sparselearn"), {"scikit-learn": "sklearn"},
            grid=[{"problem": k, "alpha_ratio": r} for k in ("lasso", "logistic") for r in (0.1, 0.01)]),
    *_pairs("glm-more", "bench_group.GroupLassoFit.time_fit", "Group lasso, {problem}, {alpha_ratio} alpha_max",
            ("library", "sparselearn"), {"skglm": "skglm"},
            grid=[{"problem": p, "alpha_ratio": r}
                  for p in ("n200_g100", "n500_g1000", "n500_g1000_sparse") for r in (0.1, 0.02)]),
    Comparison("glm-more", "200 permuted Lassos, batch",
               bench("bench_batch.PermutedLasso.time_fit", method="batch"),
               {"scikit-learn": bench("bench_batch.PermutedLasso.time_fit", method="sklearn"),
                "loop of fits": bench("bench_batch.PermutedLasso.time_fit", method="loop")}),
    Comparison("glm-more", "100 bootstrap L1-logistic fits, batch",
               bench("bench_batch.BootstrapLogistic.time_fit", method="batch"),
               {"loop of fits": bench("bench_batch.BootstrapLogistic.time_fit", method="loop")}),
    *_pairs("glm-more", "bench_batch.SpeedupVsBatchSize.time_fit", "{n_problems} permuted Lassos, batch",
            ("method", "batch"), {"loop of fits": "loop"},
            grid=[{"n_problems": k} for k in (1, 10, 50, 200)]),
    Comparison("glm-more", "Dask Lasso, 200 000 x 100",
               bench("bench_dask.DaskLasso.track_seconds", contender="sparselearn"),
               {"dask-ml proximal_grad": bench("bench_dask.DaskLasso.track_seconds",
                                               contender="dask_ml_proximal_grad"),
                "dask-ml ADMM": bench("bench_dask.DaskLasso.track_seconds", contender="dask_ml_admm")}),

    # sparse coding, dictionary learning, NMF
    *_methods("decomposition", "bench_decomposition.OMPPatches", "OMP coding, 8 atoms",
              "time_sparselearn", {"scikit-learn": "time_sklearn"}),
    *_methods("decomposition", "bench_decomposition.OMPPatches", "OMP coding residual",
              "track_residual_ratio", {}, metric="error", unit="residual ratio"),
    *_methods("decomposition", "bench_decomposition.LassoCDPatches", "Lasso-CD coding, {problem}",
              "time_sparselearn", {"scikit-learn": "time_sklearn"},
              grid=[{"problem": "centred-256"}, {"problem": "raw-100"}]),
    *_methods("decomposition", "bench_decomposition.MiniBatchStepPatches", "Online dictionary step",
              "time_sparselearn_step", {"scikit-learn": "time_sklearn_step"}),
    *_methods("decomposition", "bench_decomposition.MiniBatchPlantedRecovery",
              "Online learning, 120 steps", "time_sparselearn", {"scikit-learn": "time_sklearn"}),
    *_methods("decomposition", "bench_decomposition.MiniBatchPlantedRecovery",
              "Planted atoms recovered", "track_recovery_sparselearn",
              {"scikit-learn": "track_recovery_sklearn"}, metric="error", unit="recovered",
              higher_is_better=True),
    *_methods("decomposition", "bench_decomposition.OnlineRecoveryEqualSteps",
              "Planted atoms recovered, K={n_components}, s={n_nonzero_coefs}",
              "track_recovery_sparselearn",
              {"scikit-learn": "track_recovery_sklearn", "SPAMS": "track_recovery_spams"},
              grid=[{"n_components": k, "n_nonzero_coefs": s} for k in (50, 100) for s in (3, 5)],
              metric="error", unit="recovered", higher_is_better=True),
    *_methods("decomposition", "bench_decomposition.BatchRecoveryByInit",
              "Batch dictionary learning, init {init}", "time_sparselearn_cd",
              {"scikit-learn": "time_sklearn_cd"},
              grid=[{"init": i} for i in ("data", "random", "dict_init")]),
    *_methods("decomposition", "bench_decomposition.MaskedPlantedRecovery",
              "Masked vs plain dictionary learning", "track_recovery_error_masked",
              {"plain": "track_recovery_error_plain"}, metric="error", unit="recovery error"),
    # scikit-learn's NMF (max_iter=1000, the digits, rank 10) is timed once, in SemiNMFDigits
    Comparison("decomposition", "Sparse NMF, digits, rank 10",
               bench("bench_nmf.SparseNMFDigits.time_sparse_nmf"),
               {"scikit-learn NMF": bench("bench_nmf.SemiNMFDigits.time_sklearn_nmf")}),
    *_methods("decomposition", "bench_nmf.SparseNMFDigits", "Sparse NMF reconstruction error",
              "track_error_over_nmf", {}, metric="error", unit="error ratio"),

    # sparse Bayesian learning
    *_methods("bayes", "bench_bayes.FastSBLvsARD", "Fast SBL, {0}", "time_sbl_fast",
              {"ARDRegression": "time_ard"},
              grid=[{SHAPE3: s} for s in [(100, 256, 10), (200, 512, 20), (500, 1000, 20)]]),
    *_methods("bayes", "bench_bayes.FastSBLvsARD", "Fast SBL NMSE, {0}", "track_nmse_sbl_fast",
              {"ARDRegression": "track_nmse_ard"},
              grid=[{SHAPE3: s} for s in [(100, 256, 10), (200, 512, 20), (500, 1000, 20)]],
              metric="error", unit="NMSE"),
    *_methods("bayes", "bench_bayes.FastSBLModerateSparsity", "Fast SBL, k={k}, 20 seeds",
              "time_sbl_fast", {"ARDRegression": "time_ard"}, grid=[{"k": k} for k in (10, 20, 30)]),
    *_methods("bayes", "bench_bayes.FastSBLLowSNR", "Fast SBL NMSE, {snr_db} dB", "track_nmse_sbl_fast",
              {"ARDRegression": "track_nmse_ard"}, grid=[{"snr_db": 5.0}, {"snr_db": 10.0}],
              metric="error", unit="NMSE"),
    *_methods("bayes", "bench_bayes.KroneckerVsClassical", "Kronecker SBL, {n_cols_per_factor} columns per factor",
              "time_ksbl_svd", {"ARD, flattened": "time_ard_flat"},
              grid=[{"n_cols_per_factor": 8}, {"n_cols_per_factor": 10}]),
    *_methods("bayes", "bench_bayes.KroneckerVsClassical",
              "Kronecker SBL vs flat EM-SBL, {n_cols_per_factor} columns", "time_ksbl_svd",
              {"EM-SBL, flattened": "time_em_sbl_flat"},
              grid=[{"n_cols_per_factor": 8}, {"n_cols_per_factor": 10}]),
    *_methods("bayes", "bench_bayes.RVCvsLogisticRegression", "RVC, {0}", "time_rvc",
              {"LogisticRegression": "time_logistic_regression"},
              grid=[{SHAPE2: (400, 100)}, {SHAPE2: (300, 500)}]),
    *_methods("bayes", "bench_bayes.RVCvsLogisticRegression", "RVC test error, {0}",
              "track_accuracy_rvc", {"LogisticRegression": "track_accuracy_logistic_regression"},
              grid=[{SHAPE2: (400, 100)}, {SHAPE2: (300, 500)}], metric="error",
              unit="test error", complement=True),

    # SLIM
    *_methods("scoring", "bench_scoring.ProvenOptimumSmall", "Proven optimum, n=200, p=8",
              "time_sparselearn_default", {"plain HiGHS": "time_plain_highs"}),
    *_methods("scoring", "bench_scoring.HabermanTraining", "Haberman training errors",
              "track_errors_sparselearn", {"plain HiGHS, 10 s": "track_errors_plain_highs_10s"},
              metric="error", unit="errors"),
    *_methods("scoring", "bench_scoring.CrossValidatedError", "10-fold CV test error, {dataset}",
              "track_slim_test_error",
              {"rounded L1-logistic": "track_rounded_l1_logistic_test_error",
               "FasterRisk": "track_fasterrisk_test_error"},
              grid=[{"dataset": d} for d in ("breastcancer", "heart", "haberman", "mammographic")],
              metric="error", unit="% error"),

    # entropic OT: method="auto" against POT's fastest variant
    *[Comparison("ot", f"{label}, reg {reg:g}",
                 bench(f"bench_ot.{cls}.time_solve", reg=reg, solver="auto"),
                 {f"POT {v.replace('_', ' ')}": bench(f"bench_ot.{cls}.time_solve", reg=reg,
                                                       solver=f"pot_{v}")
                  for v in ("sinkhorn_log", "sinkhorn_stabilized", "sinkhorn_epsilon_scaling")})
      for cls, label in [("PointCloudOT500", "Point clouds, n=500"),
                         ("PointCloudOT1000", "Point clouds, n=1000"),
                         ("PointCloudOT2000", "Point clouds, n=2000"),
                         ("GridW1", "W1, 24 x 24 grid"),
                         ("GaussianMixture500", "Gaussian mixtures, n=500"),
                         ("GaussianMixtureL1_500", "Gaussian mixtures, L1, n=500"),
                         ("LineW2_1000", "1-D W2, n=1000"),
                         ("Uniform2D2000", "Uniform 2-D, n=2000")]
      for reg in (1e-2, 1e-3)],
    *_pairs("ot", "bench_monge.SparseMongeMapSuite.time_fit_map", "Sparse Monge map, d=10, n=400",
            ("solver", "gradient"), {"OTT-JAX": "ott_gradient"}, grid=[{}]),
    *_pairs("ot", "bench_inverse_ot.InverseOTvsCvxpy.time_fit", "Inverse OT, m={m}",
            ("solver", "sparselearn"), {"cvxpy": "cvxpy"}, grid=[{"m": m} for m in (10, 20, 40)]),

    # sketching
    *_methods("sketching", "bench_sketching.DenseLeastSquares", "Sketch-and-precondition 200k x 200, cond {cond:g}",
              "time_sketch_and_precondition", {"numpy lstsq": "time_numpy_lstsq"},
              grid=[{"cond": c} for c in (1.0, 1e6, 1e8)]),
    *_methods("sketching", "bench_sketching.DenseLeastSquares100k",
              "Sketch-and-precondition 100k x 200, cond {cond:g}", "time_sketch_and_precondition",
              {"numpy lstsq": "time_numpy_lstsq"}, grid=[{"cond": c} for c in (1.0, 1e6)]),
    *_methods("sketching", "bench_sketching.DenseLeastSquares",
              "Sketch-and-solve (approximate) 200k, cond {cond:g}", "time_sketch_and_solve",
              {"numpy lstsq": "time_numpy_lstsq"}, grid=[{"cond": c} for c in (1.0, 1e6, 1e8)]),
    *_methods("sketching", "bench_sketching.SparseLeastSquares", "Sparse least squares",
              "time_sketch_and_precondition", {"LSQR, 300 iterations": "time_scipy_lsqr"}),
    *_methods("sketching", "bench_sketching.SparseLeastSquares", "Sparse least squares, forward error",
              "track_sap_forward_error", {"LSQR, 300 iterations": "track_lsqr_forward_error"},
              metric="error", unit="forward error"),
    *_methods("sketching", "bench_sketching.ForwardError", "Forward error, residual {residual:g}",
              "track_sap_forward_error", {"numpy lstsq": "track_lstsq_forward_error"},
              grid=[{"residual": r} for r in (1e-6, 1e-3)], metric="error", unit="forward error"),
    *_methods("sketching", "bench_sketching.SketchTime", "CountSketch, {input}, k={sketch_size}",
              "time_sparselearn_countsketch", {"scipy": "time_scipy_clarkson_woodruff"},
              grid=[{"input": i, "sketch_size": k} for i in ("csr", "csc", "dense") for k in (800, 2000)]),
    *_pairs("sketching", "bench_sketching.TransformerTime.time_transform", "Transformer, transform",
            ("transformer", "sparselearn_countsketch"),
            {"SparseRandomProjection": "sklearn_sparse_random_projection"}, grid=[{}]),
    *_pairs("sketching", "bench_sketching.TransformerTime.time_fit_transform",
            "Transformer, fit_transform", ("transformer", "sparselearn_countsketch"),
            {"SparseRandomProjection": "sklearn_sparse_random_projection"}, grid=[{}]),
    *_pairs("sketching", "bench_sketching.TransformerTime.track_max_distance_distortion",
            "Transformer, max distortion", ("transformer", "sparselearn_countsketch"),
            {"SparseRandomProjection": "sklearn_sparse_random_projection"}, grid=[{}],
            metric="error", unit="distortion"),
    *_pairs("sketching", "bench_sketching.TransformerDenseOutput.time_fit_transform",
            "Dense-output fit_transform, {problem}", ("transformer", "sparselearn_countsketch"),
            {"SparseRandomProjection": "sklearn_sparse_random_projection"},
            grid=[{"problem": p} for p in ("5000x100000", "50000x2000")]),
    *_pairs("sketching", "bench_sketching.ProductSketchError.track_relative_error",
            "Product sketch A^T B error", ("method", "priority"),
            {"JL": "jl", "CountSketch": "countsketch"}, grid=[{}], metric="error",
            unit="relative error"),
    *_methods("sketching", "bench_minhash.MinHashSpeed", "MinHash, 10 sets, {densification}",
              "time_sparselearn_batched", {"datasketch": "time_datasketch_update_batch"},
              grid=[{"densification": d} for d in ("optimal", "reverse", "rotation")]),

    # compilation: a fresh install's import + first fit, against the peer's import + fit
    *_pairs("first-fit", "bench_compile.FirstFit.track_first_fit_seconds", "{estimator}",
            ("library", "sparselearn"), {"reference": "reference"},
            grid=[{"estimator": e} for e in ("lasso", "mcp_cv", "l1_logistic", "omp",
                                              "online_dictionary", "fast_sbl", "sinkhorn",
                                              "sketched_lstsq")]),
]

CURVE = "bench_linear_model.SuboptimalityCurve"
CURVE_PROBLEMS = {"lasso": "Lasso", "l1_logistic": "L1-logistic"}
CURVE_LIBRARIES = {"sparselearn": "sparselearn", "skglm": "skglm", "celer": "celer",
                   "sklearn": "scikit-learn"}
CURVE_FLOOR = 1e-14  # suboptimality below the objective's rounding level is drawn here
EQUAL_OBJECTIVE = 1e-6  # the suboptimality at which the GLM bar charts compare times

# the first fit rows name the reference by its library
FIRST_FIT_PEERS = {"lasso": "scikit-learn", "mcp_cv": "LassoCV", "l1_logistic": "liblinear",
                   "omp": "scikit-learn", "online_dictionary": "scikit-learn",
                   "fast_sbl": "ARDRegression", "sinkhorn": "POT", "sketched_lstsq": "numpy lstsq"}


# -- reading asv results ------------------------------------------------------------------

def _value(text):
    """A parameter value as asv stores it (its repr) back to Python."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def _needed():
    names = {b.name for c in COMPARISONS for b in (c.ours, *c.references.values())}
    names.update({f"{CURVE}.track_seconds", f"{CURVE}.track_suboptimality"})
    return names


def read_asv(result_dirs, machine, logs=()):
    """The compact record of every benchmark the figures use, from asv result directories.

    For each benchmark, the result file with its latest ``started_at`` wins (so a later run of
    one class, in another directory, adds to or replaces an earlier run's figures). ``logs``:
    the output of ``asv run`` runs whose results were not saved (``asv run --python=same``
    saves them only with ``--set-commit-hash``); their printed tables fill in the benchmarks no
    results file holds.
    """
    needed = _needed()
    merged, machine_info, commits = {}, {}, set()
    first_meta = None
    for directory in result_dirs:
        directory = Path(directory)
        meta = json.loads((directory / "benchmarks.json").read_text())
        first_meta = first_meta or meta
        machine_file = directory / machine / "machine.json"
        if machine_file.exists():
            machine_info.update(json.loads(machine_file.read_text()))
        for path in sorted(glob.glob(str(directory / machine / "*.json"))):
            if path.endswith("machine.json"):
                continue
            data = json.loads(Path(path).read_text())
            machine_info.update({k: v for k, v in data["params"].items() if v})
            columns = data["result_columns"]
            for name, row in data["results"].items():
                if name not in needed or name not in meta:
                    continue
                entry = dict(zip(columns, row))
                started = entry.get("started_at") or 0
                if name in merged and merged[name]["started_at"] >= started:
                    continue
                commits.add(data["commit_hash"])
                merged[name] = {
                    "param_names": meta[name]["param_names"],
                    "params": entry.get("params") or meta[name]["params"],
                    "unit": meta[name].get("unit", ""),
                    "type": meta[name]["type"],
                    "result": entry.get("result"),
                    "q_25": entry.get("stats_q_25"),
                    "q_75": entry.get("stats_q_75"),
                    "repeat": entry.get("stats_repeat"),
                    "started_at": started,
                    "commit": data["commit_hash"],
                    "python": data.get("python"),
                }
    starts = [b["started_at"] for b in merged.values() if b["started_at"]]
    from_log = []
    for log in logs:
        for name, entry in read_log(log, first_meta).items():
            if name not in merged:
                merged[name] = entry
                from_log.append(name)
        for line in Path(log).read_text(encoding="utf-8", errors="replace").splitlines():
            match = re.match(r"^=== \S+ (\w{3} \w{3} +\d+ [\d:]+ UTC \d{4})$", line)
            if match:
                when = datetime.datetime.strptime(match.group(1), "%a %b %d %H:%M:%S UTC %Y")
                starts.append(when.replace(tzinfo=datetime.timezone.utc).timestamp() * 1000)
    if not merged:
        raise SystemExit(f"no results of machine {machine!r} in {', '.join(map(str, result_dirs))}")
    return {
        "machine": machine_info,
        "environment": _environment(),
        "run": {
            "first": _iso(min(starts)), "last": _iso(max(starts)),
            "commits": sorted(commits),
            "from_log": sorted(from_log),
            "command": "asv run --python=same",
        },
        "benchmarks": merged,
    }


_TIME_UNITS = {"ns": 1e-9, "μs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_CELL = re.compile(r"^([0-9.eE+-]+)(?:±([0-9.eE+-]+))?(ns|μs|us|ms|s|m|h)?$")


def _cell(text):
    """``(value, half interquartile range)`` of a cell of asv's printed table (seconds for
    times), ``None`` for ``failed`` / ``n/a``."""
    match = _CELL.match(text.strip())
    if not match:
        return None
    scale = _TIME_UNITS.get(match.group(3), 1.0)
    err = float(match.group(2)) * scale if match.group(2) else 0.0
    return float(match.group(1)) * scale, err


def _tables(lines):
    """``(benchmark name as printed, table lines)`` of every result table of an asv log."""
    out, i = [], 0
    head = re.compile(r"^\[\s*[0-9.]+%\] ··· (\S+)\s+(ok|failed)$")
    while i < len(lines):
        match = head.match(lines[i].rstrip())
        if match and i + 1 < len(lines) and "··· =" in lines[i + 1]:
            start = lines[i + 1].index("··· =") + 4
            table = [lines[i + 1][start:].rstrip()]
            i += 2
            while i < len(lines) and lines[i].strip():
                table.append(lines[i][start:].rstrip() if len(lines[i]) > start else "")
                i += 1
            out.append((match.group(1), table))
        elif match:  # a benchmark without parameters: "name   value"
            pass
        i += 1
    return out


def _split(line, spans):
    return [line[a:b].strip() for a, b in spans]


def read_log(log, meta):
    """The results printed in an asv log, for the benchmarks of ``meta`` (asv's
    ``benchmarks.json``): the median and half interquartile range asv prints (3 significant
    digits for times), keyed like :func:`read_asv`'s."""
    lines = Path(log).read_text(encoding="utf-8", errors="replace").splitlines()
    needed = _needed()
    merged = {}
    for printed, table in _tables(lines):
        suffix = printed.lstrip(".")
        names = [n for n in meta if n != "version" and n.endswith(suffix)]
        if len(names) != 1 or names[0] not in needed:
            continue
        name = names[0]
        entry = meta[name]
        border = table[0]
        spans = [(m.start(), m.end()) for m in re.finditer(r"=+", border)]
        spans[-1] = (spans[-1][0], 10**6)
        param_names = entry["param_names"]
        values = [[_value(v) for v in vs] for vs in entry["params"]]
        printed_values = [[str(v) for v in vs] for vs in values]
        borders = [k for k, line in enumerate(table) if line.startswith("=")]
        results = {}
        if table[1].startswith("--") and len(borders) >= 3:  # the last parameter spans columns
            columns = _split(table[borders[1] - 1], spans)
            data = table[borders[1] + 1:borders[2]]
            n_rows = len(param_names) - 1
            for row in data:
                cells = _split(row, spans)
                for col, cell in zip(columns[n_rows:], cells[n_rows:]):
                    results[tuple(cells[:n_rows]) + (col,)] = _cell(cell)
        elif len(borders) >= 2:
            dashes = next(k for k, line in enumerate(table) if line.startswith("-"))
            data = table[dashes + 1:borders[1]]
            n_rows = len(param_names)
            for row in data:
                cells = _split(row, spans)
                results[tuple(cells[:n_rows])] = _cell(cells[-1])
        import itertools

        flat, q25, q75 = [], [], []
        for combo in itertools.product(*range_lists(printed_values)):
            key = tuple(printed_values[j][k] for j, k in enumerate(combo))
            cell = results.get(key)
            flat.append(None if cell is None else cell[0])
            q25.append(None if cell is None else cell[0] - cell[1])
            q75.append(None if cell is None else cell[0] + cell[1])
        merged[name] = {"param_names": param_names, "params": entry["params"],
                        "unit": entry.get("unit", ""), "type": entry["type"], "result": flat,
                        "q_25": q25, "q_75": q75, "repeat": None, "started_at": 0,
                        "commit": "", "python": ""}
    return merged


def range_lists(lists):
    return [range(len(values)) for values in lists]


def _iso(ms):
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).strftime(
        "%Y-%m-%d %H:%M UTC")


def _environment():
    """CPU, memory, OS and library versions of the machine running this script: it runs right
    after asv, in the environment asv used (``environment_type: existing``)."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 2**20:.0f} GiB"
    except OSError:
        pass
    versions = {}
    for package in VERSIONS:
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            pass
    return {"cpu": cpu, "cores": os.cpu_count(), "ram": ram,
            "os": f"{platform.system()} {platform.release()} ({platform.machine()})",
            "python": platform.python_version(), "versions": versions}


def lookup(record, key):
    """``(median, q_25, q_75)`` of one measurement, or ``None`` when it did not run (not in
    the results, failed, or skipped)."""
    entry = record["benchmarks"].get(key.name)
    if entry is None or entry["result"] is None:
        return None
    params = [[_value(v) for v in values] for values in entry["params"]]
    wanted = dict(key.params)
    if set(wanted) != set(entry["param_names"]):
        raise KeyError(f"{key.describe()}: parameters are {entry['param_names']}")
    index = 0
    for name, values in zip(entry["param_names"], params):
        if wanted[name] not in values:
            raise KeyError(f"{key.describe()}: {name}={wanted[name]!r} not in {values}")
        index = index * len(values) + values.index(wanted[name])
    value = entry["result"][index]
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    quartiles = []
    for stat in ("q_25", "q_75"):
        column = entry.get(stat)
        q = column[index] if column else None
        quartiles.append(value if q is None else q)
    return float(value), float(quartiles[0]), float(quartiles[1])


def check_table(meta):
    """The rows of ``COMPARISONS`` that do not name an existing benchmark and parameter set of
    ``meta`` (asv's ``benchmarks.json``), as messages."""
    problems = []
    for comp in COMPARISONS:
        for key in (comp.ours, *comp.references.values()):
            entry = meta.get(key.name)
            if entry is None:
                problems.append(f"{comp.label}: no benchmark {key.name}")
                continue
            wanted = dict(key.params)
            if set(wanted) != set(entry["param_names"]):
                problems.append(f"{comp.label}: {key.describe()} needs {entry['param_names']}")
                continue
            for name, values in zip(entry["param_names"], entry["params"]):
                if wanted[name] not in [_value(v) for v in values]:
                    problems.append(f"{comp.label}: {key.describe()}: {name} not in {values}")
    return problems


# -- ratios ---------------------------------------------------------------------------------

@dataclass
class Bar:
    comparison: Comparison
    ours: float
    peer: str
    theirs: float
    ratio: float
    low: float
    high: float
    missing: list = field(default_factory=list)


def bars(record):
    """One :class:`Bar` per comparison that has sparselearn's figure and at least one
    reference's, and the comparisons left out (with the measurements missing)."""
    out, left_out = [], []
    for comp in COMPARISONS:
        ours = lookup(record, comp.ours)
        refs = {peer: lookup(record, key) for peer, key in comp.references.items()}
        missing = [peer for peer, v in refs.items() if v is None]
        refs = {peer: v for peer, v in refs.items() if v is not None}
        if ours is None or (comp.references and not refs):
            left_out.append(comp)
            continue
        if comp.complement:
            ours = tuple(1.0 - v for v in ours[::-1])
            refs = {p: tuple(1.0 - x for x in v[::-1]) for p, v in refs.items()}
        if not comp.references:  # a ratio tracked by the benchmark itself (reference = 1)
            peer, theirs = "", 1.0
            ratio = low = high = 1.0 / ours[0] if ours[0] else math.inf
        else:
            pick = max if comp.higher_is_better else min
            peer = pick(refs, key=lambda p: refs[p][0])
            theirs = refs[peer][0]
            if comp.higher_is_better:
                ratio = _divide(ours[0], theirs)
                low, high = _divide(ours[1], refs[peer][2]), _divide(ours[2], refs[peer][1])
            else:
                ratio = _divide(theirs, ours[0])
                low, high = _divide(refs[peer][1], ours[2]), _divide(refs[peer][2], ours[1])
        if comp.chart == "first-fit":
            peer = FIRST_FIT_PEERS.get(dict(comp.ours.params)["estimator"], peer)
        out.append(Bar(comp, ours[0], peer, theirs, ratio, min(low, ratio), max(high, ratio),
                       missing))
    return out, left_out


def _divide(a, b):
    if b == 0:
        return math.inf if a > 0 else 1.0
    return a / b


# -- figures --------------------------------------------------------------------------------

def _seconds(value):
    if value >= 100:
        return f"{value:.0f} s"
    if value >= 1:
        return f"{value:.3g} s"
    if value >= 1e-3:
        return f"{value * 1e3:.3g} ms"
    return f"{value * 1e6:.3g} us"


def _number(value):
    if value == 0:
        return "0"
    if float(value).is_integer() and abs(value) < 1e9:
        return str(int(value))
    if abs(value) >= 1000 or abs(value) < 1e-2:
        return f"{value:.2g}"
    return f"{value:.3g}"


def _ratio(value):
    if math.isinf(value):
        return "inf"
    if value >= 1e5:
        return f"{value:.1e}x"
    if value >= 100:
        return f"{value:.0f}x"
    if value >= 10:
        return f"{value:.1f}x"
    return f"{value:.2f}x"


def _detail(bar):
    comp = bar.comparison
    if comp.metric == "time":
        return f"{_seconds(bar.ours)} vs {_seconds(bar.theirs)} {bar.peer}"
    if not comp.references:
        return f"{comp.unit} {_number(bar.ours)}"
    return f"{comp.unit} {_number(bar.ours)} vs {_number(bar.theirs)} {bar.peer}"


COLORS = {"time": "#3b75af", "error": "#e1812c", "iterations": "#519e3e"}
LEGEND = {"time": "time ratio (best reference's time / ours)",
          "error": "error ratio (> 1: sparselearn more accurate)",
          "iterations": "iteration ratio (reference's iterations / ours)"}


BAR_CAP = 1e4


def plot_chart(chart, rows, path):
    """Horizontal bars of reference / sparselearn, log scale, labelled with the ratio and the
    two figures."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    height = 1.1 + 0.36 * len(rows)
    fig, ax = plt.subplots(figsize=(8.6, height), layout="constrained")
    y = list(range(len(rows)))[::-1]
    finite = [r.ratio for r in rows if math.isfinite(r.ratio) and r.ratio > 0]
    # a ratio past BAR_CAP (an error ratio against a reference that did not converge) is drawn
    # at the cap, its label giving the value, so it does not squeeze every other bar
    top = min(max(finite + [1.0]), BAR_CAP)
    bottom = min(finite + [1.0])
    shown = [min(r.ratio, top) if math.isfinite(r.ratio) else top for r in rows]
    colors = [COLORS[r.comparison.metric] for r in rows]
    ax.barh(y, shown, color=colors, height=0.7, log=True)
    labels = []
    for yi, r, width in zip(y, rows, shown):
        high = min(r.high, top)
        if high > r.low and math.isfinite(r.high):
            ax.plot([max(r.low, 1e-300), high], [yi, yi], color="black", lw=1.0)
        if r.ratio > top:
            # a cut bar (past BAR_CAP, or infinite) carries its value inside it; its details are in the table below the
            # chart, so a long label past the cap does not stretch the axis for every other bar
            ax.text(width / 1.15, yi, f"{_ratio(r.ratio)} (bar cut at {_ratio(top)})",
                    va="center", ha="right", fontsize=9, color="white", in_layout=False)
            continue
        end = max(width, high if math.isfinite(r.high) else width, 1.0) * 1.15
        labels.append((end, ax.text(end, yi, f"{_ratio(r.ratio)}   {_detail(r)}", va="center",
                                    ha="left", fontsize=9, in_layout=False)))
    ax.axvline(1.0, color="black", lw=1.0)
    ax.set_yticks(y, [r.comparison.label for r in rows], fontsize=9.5)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_xlabel("reference / sparselearn (log scale; > 1: sparselearn faster or more accurate)",
                  fontsize=9.5)
    ax.set_title(CHARTS[chart], fontsize=11, loc="left", pad=20)
    ax.grid(axis="x", which="major", alpha=0.3)
    present = [m for m in COLORS if any(r.comparison.metric == m for r in rows)]
    ax.legend([plt.Rectangle((0, 0), 1, 1, color=COLORS[m]) for m in present],
              [LEGEND[m] for m in present], loc="lower right", bbox_to_anchor=(1.0, 1.0),
              ncols=len(present), fontsize=8.5, frameon=False, borderaxespad=0.2)
    _fit_labels(fig, ax, labels, min(bottom, 1.0) / 2.0, 1.2 * top)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _fit_labels(fig, ax, labels, left, right_min=10.0):
    """Widen the log x-axis to the right, from ``right_min``, until every bar label fits inside
    the axes: a label starting at ``x`` and taking a fraction ``f`` of the axes' width ends
    inside when ``log10(right) >= (log10(x) - f log10(left)) / (1 - f)``."""
    lo = math.log10(left)
    ax.set_xlim(left, max(right_min, 10.0))
    for _ in range(3):  # the layout (and so the axes' width) settles in a few passes
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        width = ax.get_window_extent(renderer).width
        right = math.log10(max(right_min, 10.0))
        for start, text in labels:
            frac = min(text.get_window_extent(renderer).width / width + 0.02, 0.9)
            right = max(right, (math.log10(start) - frac * lo) / (1.0 - frac))
        ax.set_xlim(left, 10.0 ** right)


def write_table(rows, path):
    """The plotted numbers as CSV (read by the page's csv-table)."""
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["comparison", "sparselearn", "best reference", "reference / ours"])
        for r in rows:
            fmt = _seconds if r.comparison.metric == "time" else _number
            ref = f"{fmt(r.theirs)} ({r.peer})" if r.comparison.references else "-"
            if r.missing:
                ref += f"; no result: {', '.join(r.missing)}"
            ours = fmt(r.ours) + (f" {r.comparison.unit}" if r.comparison.metric != "time" else "")
            writer.writerow([r.comparison.label, ours, ref, _ratio(r.ratio)])
        if not rows:  # a csv-table needs a body
            writer.writerow(["no results in this run", "-", "-", "-"])


def curve_points(record):
    """``{(problem, dataset): {library: [(seconds, suboptimality), ...]}}`` of the
    suboptimality curve benchmark, loosest tolerance first."""
    seconds = record["benchmarks"].get(f"{CURVE}.track_seconds")
    subopt = record["benchmarks"].get(f"{CURVE}.track_suboptimality")
    if not seconds or not subopt or seconds["result"] is None or subopt["result"] is None:
        return {}
    params = [[_value(v) for v in values] for values in seconds["params"]]
    out = {}
    index = 0
    import itertools

    for combo in itertools.product(*params):
        problem, dataset, library, _tol = combo
        t, s = seconds["result"][index], subopt["result"][index]
        index += 1
        if t is None or s is None or (isinstance(t, float) and math.isnan(t)):
            continue
        out.setdefault((problem, dataset), {}).setdefault(library, []).append((t, s))
    return out


def plot_curves(points, path):
    """Suboptimality against CPU time, one panel per (problem, data set), one line per library
    (each point a tolerance of the ladder)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = [(p, d) for p in CURVE_PROBLEMS for d in ("dense", "sparse") if (p, d) in points]
    ncols = 2
    nrows = (len(keys) + 1) // 2
    fig, axes = plt.subplots(nrows, ncols, figsize=(8.6, 3.4 * nrows), layout="constrained",
                             squeeze=False)
    markers = dict(zip(CURVE_LIBRARIES, "osD^"))
    for ax, key in zip(axes.flat, keys):
        for library, label in CURVE_LIBRARIES.items():
            data = points[key].get(library)
            if not data:
                continue
            t = [p[0] for p in data]
            s = [max(p[1], CURVE_FLOOR) for p in data]
            ax.plot(t, s, marker=markers[library], ms=4, lw=1.5 if library == "sparselearn" else 1.0,
                    label=label, zorder=3 if library == "sparselearn" else 2)
        ax.axhline(EQUAL_OBJECTIVE, color="gray", ls=":", lw=1.0)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(f"{CURVE_PROBLEMS[key[0]]}, {key[1]} data", fontsize=10)
        ax.set_xlabel("CPU time (s)")
        ax.set_ylabel("relative suboptimality")
        ax.grid(alpha=0.3, which="major")
        ax.legend(fontsize=8)
    for ax in list(axes.flat)[len(keys):]:
        ax.set_visible(False)
    fig.suptitle("Suboptimality against CPU time (one point per tolerance, 1e-2 ... 1e-10)",
                 fontsize=10.5)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_empty(title, path):
    """A figure saying that the run has no results for it (the page's figures always exist)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8.6, 1.2))
    ax.set_axis_off()
    ax.text(0.0, 0.8, title, fontsize=11, transform=ax.transAxes)
    ax.text(0.0, 0.25, "No results for these benchmarks in this run.", fontsize=10,
            transform=ax.transAxes)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def merge_records(earlier, later):
    """One record from an earlier compact record and a later run: the later run's figures
    replace or add to the earlier ones; ``run["earlier"]`` lists each earlier run with the
    benchmarks still taken from it (so the page says which figures come from which run)."""
    kept = sorted(set(earlier["benchmarks"]) - set(later["benchmarks"]))
    runs = [dict(r) for r in earlier["run"].get("earlier", [])]
    for run in runs:
        run["benchmarks"] = [name for name in run["benchmarks"] if name in kept]
    own = {k: v for k, v in earlier["run"].items() if k != "earlier"}
    own["benchmarks"] = [name for name in kept
                         if not any(name in run["benchmarks"] for run in runs)]
    runs = [run for run in [*runs, own] if run["benchmarks"]]
    run = dict(later["run"], earlier=runs)
    return {**later, "run": run, "benchmarks": {**earlier["benchmarks"], **later["benchmarks"]}}


def record_name(record):
    """The file name of a compact record: ``results-<machine>-<date of its last result>.json``."""
    return f"results-{record['machine'].get('machine', 'machine')}-{record['run']['last'][:10]}.json"


def write_run(record, left_out, path):
    """``run.inc``: the machine, environment and run, as reStructuredText for ``.. include::``."""
    env, machine, run = record["environment"], record["machine"], record["run"]
    repeats = [r for b in record["benchmarks"].values() if b["type"] == "time"
               for r in (b["repeat"] or []) if r]
    if run.get("from_log"):
        timing = ("timings are the medians of asv's repeats, with 3 significant digits as asv"
                  " prints them")
    elif repeats and max(repeats) > 1:
        timing = (f"timings are medians of {min(repeats)} to {max(repeats)} repeats"
                  if min(repeats) < max(repeats) else f"timings are medians of {max(repeats)} repeats")
    else:
        timing = "timings are single samples (asv --quick)"
    order = {name: i for i, name in enumerate(VERSIONS)}
    versions = ", ".join(f"{k} {v}" for k, v in sorted(env["versions"].items(),
                                                        key=lambda kv: order.get(kv[0], 99)))
    lines = [
        ".. list-table::",
        "   :widths: 25 75",
        "",
        "   * - machine",
        f"     - {env['cpu']}, {env['cores']} cores, {env['ram']} RAM"
        f" (asv machine ``{machine.get('machine', '')}``)",
        "   * - operating system",
        f"     - {env['os']}",
        "   * - Python and libraries",
        f"     - Python {env['python']}; {versions}",
        "   * - run",
        f"     - {run['first']} to {run['last']}: ``{run['command']}``, {timing}"
        + ("" if run.get("from_log") or not run["commits"] else
           f"; sparselearn commit {', '.join(c[:10] for c in run['commits'])}"),
        "",
    ]
    for earlier in run.get("earlier", []):
        modules = sorted({name.split(".")[0] for name in earlier["benchmarks"]})
        lines[-1:-1] = [
            "   * - earlier run",
            f"     - {earlier['first']} to {earlier['last']}: ``{earlier['command']}``, the "
            + ", ".join(f"``{m}``" for m in modules) + " figures",
        ]
    lines += [
        "The numbers behind every figure: :download:`" + record_name(record)
        + f" </_static/benchmarks/{record_name(record)}>` (the values this page plots, copied"
        " from asv's results).",
        "",
    ]
    if left_out:
        names = sorted({c.ours.name.rsplit('.', 1)[0] for c in left_out})
        lines += ["Not in this run (no result for sparselearn or for every reference): "
                  + ", ".join(f"``{n}``" for n in names) + ".", ""]
    Path(path).write_text("\n".join(lines))


def render(record, out):
    """Every figure and table of the page from a compact record; returns the files written."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rows, left_out = bars(record)
    written = []
    for chart in CHARTS:
        chart_rows = [r for r in rows if r.comparison.chart == chart]
        if chart_rows:
            plot_chart(chart, chart_rows, out / f"ratios-{chart}.png")
        else:
            plot_empty(CHARTS[chart], out / f"ratios-{chart}.png")
        write_table(chart_rows, out / f"ratios-{chart}.csv")
        written += [out / f"ratios-{chart}.png", out / f"ratios-{chart}.csv"]
    points = curve_points(record)
    if points:
        plot_curves(points, out / "suboptimality.png")
    else:
        plot_empty("Suboptimality against CPU time", out / "suboptimality.png")
    written.append(out / "suboptimality.png")
    write_run(record, left_out, out / "run.inc")
    written.append(out / "run.inc")
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", action="append", default=[],
                        help="an asv results directory (repeatable; holds benchmarks.json)")
    parser.add_argument("--log", action="append", default=[],
                        help="the output of an asv run whose results were not saved (repeatable)")
    parser.add_argument("--machine", default="devbox", help="the asv machine name")
    parser.add_argument("--from-json", help="a compact record written by an earlier run; with "
                        "--results, the new results replace or add to its figures")
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="output directory")
    args = parser.parse_args(argv)
    out = Path(args.out)
    if args.from_json and not args.results:
        record = json.loads(Path(args.from_json).read_text())
    elif args.results:
        record = read_asv(args.results, args.machine, args.log)
        if args.from_json:  # figures of the new run replace or add to the earlier record's
            record = merge_records(json.loads(Path(args.from_json).read_text()), record)
        out.mkdir(parents=True, exist_ok=True)
        for old in out.glob(f"results-{args.machine}-*.json"):
            old.unlink()
        target = out / record_name(record)
        target.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
        print(target)
    else:
        parser.error("give --results (asv result directories) or --from-json")
    for path in render(record, out):
        print(path)


if __name__ == "__main__":
    sys.exit(main())

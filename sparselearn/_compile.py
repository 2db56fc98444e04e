"""Compile every Numba kernel ahead of use: ``python -m sparselearn --compile``.

Numba compiles a kernel on its first call and caches it on disk (``cache=True``), so each fresh
environment (a CI job, a Docker image, a notebook VM) pays the compilation once, on its first fit.
Running this once, for instance in a Dockerfile after ``pip install``, moves that cost out of the
user's first fit. Each capability runs its estimators on a tiny problem, dense and sparse, which
compiles the same specializations a real fit uses.

Compilation is single-threaded Python and LLVM work, so the units below (a capability, or a part
of one) compile in separate worker processes, as many as there are cores; each worker writes
its kernels to the shared on-disk cache. Two workers that compile the same shared kernel both
write it, which is safe (Numba replaces cache files atomically) and costs only the repeat.
"""

import multiprocessing
import os
import time
import warnings
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import scipy.sparse as sp


def _glm_problem(rng):
    X = rng.standard_normal((40, 12))
    return X, X[:, 0] + 0.1 * rng.standard_normal(40)


def _linear_model(rng):
    from .linear_model import SparseClassifier, SparseRegressor, SparseRegressorCV, penalized_path

    from .penalties import PENALTIES

    X, y = _glm_problem(rng)
    # the working-set solver's kernels (and alpha_max) are compiled per penalty
    # (sparselearn._core.prox); the design's format and the datafit are run-time arguments of
    # the same kernels
    for name in PENALTIES:
        penalized_path(X, y, penalty=name, n_alphas=2, max_iter=5)
        SparseClassifier(penalty=name, max_iter=5).fit(X, y > 0)
    for Xf in (X, sp.csc_matrix(X)):
        for datafit in ("quadratic", "huber", "poisson"):
            target = np.abs(np.round(y)) if datafit == "poisson" else y
            SparseRegressor(penalty="mcp", datafit=datafit).fit(Xf, target)
        SparseClassifier().fit(Xf, y > 0)
        for solver in ("fista", "agd"):
            SparseRegressor(penalty="l1", solver=solver, max_iter=50).fit(Xf, y)
    SparseRegressorCV(n_alphas=3, cv=2).fit(X, y)
    penalized_path(X, y, n_alphas=3)


def _batch_fits(rng):
    from .linear_model import SparseClassifier, SparseRegressor

    X, y = _glm_problem(rng)
    # batch coordinate descent (2-D y, 2-D sample_weight), dense and sparse, every datafit
    Y = np.column_stack([y, -y])
    counts = rng.integers(1, 3, size=(40, 2)).astype(float)
    for Xf in (X, sp.csc_matrix(X)):
        SparseRegressor(penalty="mcp").fit(Xf, Y)
        # the exact polish on the support (batches of POLISH_MIN_PROBLEMS = 4 targets or more)
        SparseRegressor(penalty="l1").fit(Xf, np.column_stack([Y, 2 * Y]))
        for datafit in ("huber", "poisson"):
            target = np.abs(np.round(y)) if datafit == "poisson" else y
            SparseRegressor(penalty="l1", datafit=datafit).fit(Xf, target, sample_weight=counts)
        SparseClassifier(penalty="l1").fit(Xf, y > 0, sample_weight=counts)


def _group_penalties(rng):
    """Group penalties: block coordinate descent (every datafit, dense and CSC) and FISTA."""
    from .linear_model import SparseClassifier, SparseRegressor
    from .penalties import (GroupLasso, GroupMCP, GroupSCAD, GroupSparseEnvelope,
                            SparseGroupLasso)

    X, y = _glm_problem(rng)
    penalties = [GroupLasso(alpha=0.05, groups=3), SparseGroupLasso(alpha=0.05, groups=3),
                 GroupMCP(alpha=0.05, groups=3), GroupSCAD(alpha=0.05, groups=3)]
    for Xf in (X, sp.csc_matrix(X)):
        for datafit in ("quadratic", "huber", "poisson"):
            target = np.abs(np.round(y)) if datafit == "poisson" else y
            for penalty in penalties:
                SparseRegressor(penalty=penalty, datafit=datafit, max_iter=5).fit(Xf, target)
        SparseClassifier(penalty=penalties[0], max_iter=5).fit(Xf, y > 0)
        SparseRegressor(penalty=GroupSparseEnvelope(alpha=0.05, k=2, groups=3),
                        max_iter=50).fit(Xf, y)
        SparseRegressor(penalty=penalties[0], solver="fista", max_iter=50).fit(Xf, y)


def _coding_problem(rng):
    X = rng.standard_normal((30, 8))
    D = rng.standard_normal((10, 8))
    return X, D / np.linalg.norm(D, axis=1, keepdims=True)


def _sparse_coding(rng):
    from .decomposition import sparse_encode

    X, D = _coding_problem(rng)
    for algorithm in ("omp", "mp", "iht", "topk", "threshold", "lars", "lasso_lars"):
        sparse_encode(X, D, algorithm=algorithm, n_nonzero_coefs=2, alpha=0.1)
    for algorithm in ("cd", "fista"):
        for penalty in ("l1", "mcp"):
            sparse_encode(X, D, algorithm=algorithm, penalty=penalty, alpha=0.1)
    for algorithm in ("omp", "mp", "iht", "lars", "lasso_lars", "cd", "fista"):
        # the threaded twins, which coders take with n_jobs > 1 (more than 16 signals)
        sparse_encode(X, D, algorithm=algorithm, n_nonzero_coefs=2, alpha=0.1, n_jobs=-1)


def _dictionary_learning(rng):
    from .decomposition import (DictionaryLearning, MaskedDictionaryLearning,
                                MiniBatchDictionaryLearning, SemiNMF, SparseNMF)

    X, _ = _coding_problem(rng)
    DictionaryLearning(n_components=4, max_iter=2, random_state=0).fit(X)
    MiniBatchDictionaryLearning(n_components=4, max_iter=1, batch_size=10, random_state=0).fit(X)
    MaskedDictionaryLearning(n_components=4, n_nonzero_coefs=2, mask_size=6, max_iter=1,
                             batch_size=10, random_state=0).fit(X)
    SemiNMF(n_components=3, max_iter=2, tol=0, random_state=0).fit(X)
    SemiNMF(n_components=3, solver="mu", max_features_per_component=4, max_iter=2, tol=0,
            random_state=0).fit(X)
    SparseNMF(n_components=3, loss="correntropy", max_iter=2, tol=0, random_state=0).fit(np.abs(X))


def _bayes(rng):
    from .bayes import KroneckerSBL, RelevanceVectorClassifier, SparseBayesianRegression

    X = rng.standard_normal((30, 10))
    y = X[:, 0] + 0.1 * rng.standard_normal(30)
    SparseBayesianRegression().fit(X, y)
    SparseBayesianRegression(method="em", max_iter=5).fit(X, y)
    # the Gram entry of the fast kernel (what a fit on dask arrays runs)
    from .bayes._regression import _sparse_bayesian_learning_gram
    _sparse_bayesian_learning_gram(X.T @ X, X.T @ y[:, None], np.array([[y @ y]]), 30, "fast",
                                   None, 1000, 1e-3, 1e6)
    RelevanceVectorClassifier().fit(X, y > 0)
    KroneckerSBL(max_iter=3).fit([rng.standard_normal((4, 3)), rng.standard_normal((5, 3))],
                                 rng.standard_normal(20))


def _scoring(rng):
    from .scoring import SLIMClassifier

    X = (rng.random((40, 3)) > 0.5).astype(float)
    SLIMClassifier(max_coef=2, max_features=2, time_limit=5, random_state=0).fit(X, X[:, 0] > 0)


def _point_clouds(rng):
    return rng.standard_normal((15, 2)), rng.standard_normal((12, 2)) + 1.0


def _ot_solvers(rng):
    from .ot import SinkhornTransport, sinkhorn, sinkhorn_newton_sparse

    xs, xt = _point_clouds(rng)
    M = ((xs[:, None] - xt[None]) ** 2).sum(-1)
    M /= M.max()
    sinkhorn(None, None, M, 0.1)
    sinkhorn_newton_sparse(None, None, M, 0.05)
    SinkhornTransport(reg=0.1).fit(xs, xt).transform(xs)


def _ot_maps(rng):
    from .ot import InverseOT, SparseMongeMap, inverse_ot_path

    xs, xt = _point_clouds(rng)
    for cost in ("elastic_l1", "elastic_stvs", "elastic_sq_k_overlap"):
        for formula in ("barycentric", "gradient"):
            SparseMongeMap(cost=cost, gamma=0.3, k=1, reg=1.0, formula=formula).fit(
                xs, xt).displacement(xs)
    # sparse inverse OT: both potentials solvers, the path and the score
    coupling = rng.random((15, 12))
    for solver in ("sinkhorn", "sns"):
        InverseOT(alpha=0.01, solver=solver, max_iter=5).fit(xs, xt, coupling).score(
            xs, xt, coupling)
    inverse_ot_path(xs, xt, coupling, n_alphas=2, max_iter=5)


def _sketching(rng):
    from .sketching import (CoordinatedSampler, MinHashSketch, SketchedLeastSquares,
                            SketchTransformer, jaccard_estimate, make_sketch, merge_minhash,
                            near_duplicate_pairs)

    A = rng.standard_normal((200, 5))
    b = A @ np.ones(5) + 0.1 * rng.standard_normal(200)
    ill = A * np.logspace(0, -9, 5)  # cond 1e9: the CG phase (the Gram phase below 7e6)
    for Af in (A, sp.csr_matrix(A)):
        for sketch in ("gaussian", "srht", "countsketch", "sparse_sign"):
            SketchTransformer(sketch=sketch, n_components=3, random_state=0).fit_transform(Af)
        SketchTransformer(n_components=3, dense_output=True, random_state=0).fit_transform(Af)
        SketchedLeastSquares(random_state=0).fit(Af, b)
    for Af in (ill, sp.csr_matrix(ill)):
        SketchedLeastSquares(random_state=0).fit(Af, b)
    wide = rng.standard_normal((200, 12))  # CSR rows of 12 nonzeros: the row-by-row kernel
    for kind in ("countsketch", "sparse_sign"):  # (5 above: the flat one)
        make_sketch(kind, 8, random_state=0).fit(200).apply(sp.csc_matrix(A))
        make_sketch(kind, 8, random_state=0).fit(200).apply(sp.csr_matrix(wide))
    sampler = CoordinatedSampler(sketch_size=20, random_state=0)
    sampler.estimate_product(sampler.sketch(A), sampler.sketch(A))
    sets = sp.csr_matrix(A > 0.5)
    for densification in ("optimal", "reverse", "rotation"):
        minhash = MinHashSketch(16, densification=densification, random_state=0).fit(sets)
        raw = minhash.transform(sets, densify=False)
        signatures = minhash.densify(merge_minhash([raw, raw]))
        jaccard_estimate(signatures, pairwise=True)
        near_duplicate_pairs(signatures, n_bands=4, threshold=0.5)


# capability -> the units it compiles in, each a function of a random generator; a unit is what
# one worker process runs
CAPABILITIES = [("sparse GLMs", [_linear_model, _batch_fits, _group_penalties]),
                ("sparse coding and dictionary learning", [_sparse_coding, _dictionary_learning]),
                ("sparse Bayesian learning", [_bayes]),
                ("SLIM scoring systems", [_scoring]),
                ("optimal transport", [_ot_solvers, _ot_maps]),
                ("sketching", [_sketching])]


def _run_unit(unit):
    """Run one unit on its tiny problems; returns its seconds (wall clock, in its process)."""
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        unit(np.random.default_rng(0))
    return time.perf_counter() - start


def compile_all(verbose=True, n_jobs=None):
    """Compile (and cache) every kernel by running each capability once on a tiny problem.

    Parameters
    ----------
    verbose : bool, default=True
        Print a line per capability as it finishes.
    n_jobs : int or None, default=None
        Worker processes compiling units side by side; ``None`` uses every core
        (``os.cpu_count()``), ``1`` compiles in this process (whose dispatchers then hold
        every compiled specialization).

    Returns
    -------
    timings : list of (str, float)
        Per capability, the seconds its units took (summed over its units, each timed in the
        process that ran it).
    """
    units = [(capability, unit) for capability, parts in CAPABILITIES for unit in parts]
    if n_jobs is None:
        n_jobs = os.cpu_count() or 1
    if n_jobs == 1:
        seconds = [_run_unit(unit) for _, unit in units]
    else:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=min(n_jobs, len(units)), mp_context=context) as pool:
            seconds = list(pool.map(_run_unit, [unit for _, unit in units]))
    totals = {}
    for (capability, _), elapsed in zip(units, seconds):
        totals[capability] = totals.get(capability, 0.0) + elapsed
    timings = list(totals.items())
    if verbose:
        for capability, elapsed in timings:
            print(f"  compiled: {capability} ({elapsed:.1f} s)")
    return timings


def run_tour_rows(module_name):
    """Run one tour module's rows and drop the results: what a worker of the tour's first run
    does, so that the rows' kernels are compiled and cached before they are timed.

    Parameters
    ----------
    module_name : str
        A ``sparselearn.<capability>._tour`` module.

    Returns
    -------
    module_name : str
        The same name, once every row has run.
    """
    import importlib

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _, _, run in importlib.import_module(module_name).TOUR:
            run()
    return module_name


def cold_kernel_fraction():
    """Fraction of the package's cached Numba kernels with no valid entry in the disk cache.

    A kernel counts as cold when Numba's cache holds no index for it, or one written for other
    source code (Numba stamps each index with a hash of the source file). A fresh environment
    gives 1.0; after ``python -m sparselearn --compile``, close to 0. Kernels declared
    ``inline="always"`` are left out: their callers compile them in, never on their own.

    Returns
    -------
    fraction : float
        Cold kernels over all kernels with ``cache=True``, in [0, 1].
    """
    import importlib
    import pkgutil

    from numba.core.registry import CPUDispatcher

    from . import _core

    total = cold = 0
    for info in pkgutil.iter_modules(_core.__path__):
        module = importlib.import_module(f"{_core.__name__}.{info.name}")
        for kernel in vars(module).values():
            if not isinstance(kernel, CPUDispatcher) or kernel.__module__ != module.__name__:
                continue
            index = getattr(kernel._cache, "_cache_file", None)
            if index is None or kernel.targetoptions.get("inline") == "always":
                continue  # not cached, or compiled into its callers only
            total += 1
            cold += not index._load_index()  # {} when missing or stale
    return cold / total if total else 0.0

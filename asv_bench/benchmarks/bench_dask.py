"""Sparse GLMs on dask arrays (issue 17): one pass over the data against dask-ml's solvers.

Problem: a Lasso on ``N_SAMPLES x N_FEATURES`` raw features (column means around 3, a planted
sparse model plus noise), held as a dask array of ``CHUNK``-row chunks, on a
``LocalCluster(n_workers=2, threads_per_worker=1)``; ``alpha = 0.01 alpha_max``.

Contenders:

- ``sparselearn``: ``SparseRegressor(penalty=L1(alpha))`` on the dask array (one pass builds the
  centred Gram statistics; the in-memory solver finishes on the client);
- ``dask_ml_proximal_grad`` and ``dask_ml_admm``: ``dask_ml.linear_model.LinearRegression
  (penalty="l1", solver=...)`` with defaults otherwise. dask-glm minimizes
  ``sum (y - X b)^2 + lambda ||b||_1`` with ``lambda = 1 / C``, so ``C = 1 / (2 n alpha)`` gives
  the same minimizer as ``(1 / 2n) ||y - X b||^2 + alpha ||b||_1`` (its intercept column is
  penalized as well; the objective below is evaluated on each model's own coefficients and
  intercept, unpenalized intercept, so that only helps dask-ml).

Each contender runs once in ``setup_cache`` (dask-ml's solvers take minutes here); the tracked
figures are its wall-clock seconds and its relative objective gap to the in-memory optimum
(``SparseRegressor`` on the NumPy array at ``tol = 1e-10``). dask-ml is optional (the ``bench``
extra): without it its rows are NaN.

``DaskStreaming`` is the issue's streaming acceptance run: ``STREAM_ROWS x STREAM_FEATURES``
float64 (3.2 GB) drawn on the workers by ``dask.array.random`` (seeded, never persisted) on a
``LocalCluster`` of two single-threaded worker processes with a 1 GiB memory limit each; the
Lasso fit's client memory growth, the workers' peak memory, the seconds, and the largest
coefficient error against the in-memory fit on the Gram of the same chunks accumulated one
chunk at a time on the client.
"""

from . import _threads  # noqa: F401

import time
import warnings

import numpy as np

N_SAMPLES = 200_000
N_FEATURES = 100
CHUNK = 25_000
ALPHA_RATIO = 0.01
CONTENDERS = ["sparselearn", "dask_ml_proximal_grad", "dask_ml_admm"]


def _problem(seed=0):
    rng = np.random.default_rng(seed)
    X = 3.0 + rng.standard_normal((N_SAMPLES, N_FEATURES))
    coef = np.zeros(N_FEATURES)
    coef[rng.choice(N_FEATURES, 10, replace=False)] = rng.uniform(1.0, 3.0, 10)
    y = X @ coef + 2.0 + rng.standard_normal(N_SAMPLES)
    return X, y


def _objective(X, y, coef, intercept, alpha):
    residual = y - X @ coef - intercept
    return 0.5 * residual @ residual / len(y) + alpha * np.abs(coef).sum()


def _fit(name, dX, dy, alpha):
    if name == "sparselearn":
        from sparselearn.linear_model import SparseRegressor
        from sparselearn.penalties import L1

        model = SparseRegressor(penalty=L1(alpha=alpha), tol=1e-8).fit(dX, dy)
        return model.coef_, model.intercept_
    from dask_ml.linear_model import LinearRegression

    solver = name.removeprefix("dask_ml_")
    model = LinearRegression(penalty="l1", solver=solver, C=1.0 / (2 * N_SAMPLES * alpha))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(dX, dy)
    return np.asarray(model.coef_), float(model.intercept_)


class DaskLasso:
    """One-pass dask Lasso against dask-ml's proximal gradient and ADMM."""

    timeout = 3600
    params = [CONTENDERS]
    param_names = ["contender"]

    def setup_cache(self):
        import dask.array as da
        from dask.distributed import Client, LocalCluster

        from sparselearn.linear_model import SparseRegressor
        from sparselearn.penalties import L1

        X, y = _problem()
        Xc = X - X.mean(axis=0)
        alpha = ALPHA_RATIO * np.max(np.abs(Xc.T @ (y - y.mean()))) / N_SAMPLES
        best = SparseRegressor(penalty=L1(alpha=alpha), tol=1e-10).fit(X, y)
        optimum = _objective(X, y, best.coef_, best.intercept_, alpha)
        results = {}
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=False) as cluster, \
                Client(cluster):
            dX = da.from_array(X, chunks=(CHUNK, N_FEATURES)).persist()
            dy = da.from_array(y, chunks=CHUNK).persist()
            _fit("sparselearn", dX[:CHUNK], dy[:CHUNK], alpha)  # compile outside the timing
            for name in CONTENDERS:
                try:
                    start = time.perf_counter()
                    coef, intercept = _fit(name, dX, dy, alpha)
                    seconds = time.perf_counter() - start
                except ImportError:
                    results[name] = (np.nan, np.nan)
                    continue
                gap = (_objective(X, y, coef, intercept, alpha) - optimum) / optimum
                results[name] = (seconds, gap)
        return results

    def track_seconds(self, results, contender):
        return results[contender][0]

    track_seconds.unit = "seconds"

    def track_relative_objective_gap(self, results, contender):
        return results[contender][1]

    track_relative_objective_gap.unit = "relative"


STREAM_ROWS = 2_000_000
STREAM_FEATURES = 200
STREAM_CHUNK = 50_000
STREAM_ALPHA = 0.01


def _stream():
    """The streaming problem as lazy dask arrays: seeded chunks, drawn where they are used."""
    import dask.array as da

    state = da.random.default_rng(7)
    X = 3.0 + state.standard_normal((STREAM_ROWS, STREAM_FEATURES),
                                    chunks=(STREAM_CHUNK, STREAM_FEATURES))
    coef = np.zeros(STREAM_FEATURES)
    coef[::20] = np.linspace(-2.0, 2.0, 10)
    y = X @ coef + state.standard_normal(STREAM_ROWS, chunks=STREAM_CHUNK) + 1.0
    return X, y


def _chunkwise_reference(X, y):
    """The in-memory fit on the same chunks, one chunk on the client at a time: their centred
    Gram (shifted by the first chunk's mean), then ``SparseRegressor`` on a square factor of it
    with the same least-squares objective."""
    import dask

    from sparselearn.linear_model import SparseRegressor
    from sparselearn.penalties import L1

    shift, total = None, 0.0
    products = 0.0
    for X_block, y_block in zip(X.blocks, y.blocks):
        X_chunk, y_chunk = dask.compute(X_block, y_block)
        rows = np.column_stack([X_chunk, y_chunk])
        shift = rows[0].copy() if shift is None else shift
        rows -= shift
        total = total + rows.sum(axis=0)
        products = products + rows.T @ rows
    mean = total / STREAM_ROWS
    cov = products / STREAM_ROWS - np.outer(mean, mean)
    factor = np.linalg.cholesky(cov[:-1, :-1])
    scale = np.sqrt(STREAM_FEATURES)
    target = scale * np.linalg.solve(factor, cov[:-1, -1])
    return SparseRegressor(penalty=L1(alpha=STREAM_ALPHA), tol=1e-12, fit_intercept=False).fit(
        scale * factor.T, target).coef_


class DaskStreaming:
    """A Lasso on 3.2 GB drawn on the workers: memory on the client and the workers, accuracy."""

    timeout = 3600

    def setup_cache(self):
        import resource
        import threading

        import psutil
        from dask.distributed import Client, LocalCluster

        from sparselearn.linear_model import SparseRegressor
        from sparselearn.penalties import L1

        X, y = _stream()
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                          memory_limit="1GiB") as cluster, Client(cluster) as client:
            SparseRegressor(penalty=L1(alpha=STREAM_ALPHA)).fit(X[:STREAM_CHUNK],
                                                               y[:STREAM_CHUNK])  # warm-up
            process = psutil.Process()
            baseline = peak = process.memory_info().rss
            done = threading.Event()

            def sample():
                nonlocal peak
                while not done.wait(0.02):
                    peak = max(peak, process.memory_info().rss)

            sampler = threading.Thread(target=sample)
            sampler.start()
            start = time.perf_counter()
            try:
                model = SparseRegressor(penalty=L1(alpha=STREAM_ALPHA), tol=1e-12).fit(X, y)
            finally:
                seconds = time.perf_counter() - start
                done.set()
                sampler.join()
            worker_peaks = client.run(
                lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
            reference = _chunkwise_reference(X, y)
        return {"client_growth_mb": (peak - baseline) / 2**20,
                "worker_peak_mb": max(worker_peaks.values()) / 2**20,
                "seconds": seconds,
                "max_coef_error": float(np.max(np.abs(model.coef_ - reference)))}

    def track_client_memory_growth(self, results):
        return results["client_growth_mb"]

    track_client_memory_growth.unit = "MB"

    def track_worker_peak_memory(self, results):
        return results["worker_peak_mb"]

    track_worker_peak_memory.unit = "MB"

    def track_seconds(self, results):
        return results["seconds"]

    track_seconds.unit = "seconds"

    def track_max_coef_error(self, results):
        return results["max_coef_error"]

    track_max_coef_error.unit = "absolute"

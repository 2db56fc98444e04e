"""Batched GLM fits (issue 19, FaSTGLZ): many problems on one design, solved together.

- ``PermutedLasso``: 200 permuted responses, n = 200, p = 2000, alpha = 0.1 alpha_max (of the
  observed response), as one ``SparseRegressor().fit(X, Y)`` against scikit-learn's
  ``Lasso().fit(X, Y)`` (column by column) and a warm-started loop of ``SparseRegressor``.
- ``BootstrapLogistic``: 100 bootstrap L1-logistic fits with integer-count weights as one fit
  with a 2-D ``sample_weight`` against the warm-started loop.
- ``SpeedupVsBatchSize``: the batch against the loop as the number of problems B grows (the
  comparison FaSTGLZ reports).

All at the same relative tolerance (1e-8: coefficients within 1e-6 of scikit-learn's at
``tol=1e-12``); ``track_max_coef_difference`` reports the agreement. Kernels are compiled in
``setup``, outside the timings.
"""

from . import _threads  # noqa: F401  (single-threaded BLAS, before numpy)

import time

import numpy as np

TOL = 1e-8


def permuted_problem(n_samples=200, n_features=2000, n_permutations=200, seed=0):
    """``X``, the permuted responses ``Y`` (n_samples, n_permutations) and alpha."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features))
    coef = np.zeros(n_features)
    coef[:10] = rng.choice([-2.0, 2.0], size=10)
    y = X @ coef + rng.standard_normal(n_samples)
    Y = np.column_stack([rng.permutation(y) for _ in range(n_permutations)])
    yc = y - y.mean()
    alpha = 0.1 * np.max(np.abs((X - X.mean(0)).T @ yc)) / n_samples
    return X, Y, alpha


def bootstrap_problem(n_samples=200, n_features=500, n_resamples=100, seed=0):
    """``X``, binary ``y``, integer bootstrap counts (n_samples, n_resamples) and alpha."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features))
    z = X[:, :5] @ np.array([2.0, -2.0, 1.5, -1.5, 1.0])
    y = (z + rng.logistic(size=n_samples) > 0).astype(int)
    counts = rng.multinomial(n_samples, np.full(n_samples, 1.0 / n_samples),
                             size=n_resamples).T.astype(float)
    s = np.where(y == 1, 1.0, -1.0)
    alpha = 0.1 * np.max(np.abs(X.T @ (s * 0.5 - s.mean() * 0.5))) / n_samples
    return X, y, counts, alpha


def run_batch_regression(X, Y, alpha):
    from sparselearn.linear_model import SparseRegressor
    from sparselearn.penalties import L1

    return SparseRegressor(penalty=L1(alpha=alpha), tol=TOL).fit(X, Y).coef_


def run_loop_regression(X, Y, alpha):
    from sparselearn.linear_model import SparseRegressor
    from sparselearn.penalties import L1

    est = SparseRegressor(penalty=L1(alpha=alpha), tol=TOL, warm_start=True)
    return np.array([est.fit(X, Y[:, k]).coef_.copy() for k in range(Y.shape[1])])


def run_sklearn_regression(X, Y, alpha):
    from sklearn.linear_model import Lasso

    return Lasso(alpha=alpha, tol=1e-12, max_iter=100_000).fit(X, Y).coef_


def run_batch_logistic(X, y, counts, alpha):
    from sparselearn.linear_model import SparseClassifier
    from sparselearn.penalties import L1

    return SparseClassifier(penalty=L1(alpha=alpha), tol=TOL).fit(
        X, y, sample_weight=counts).coef_


def run_loop_logistic(X, y, counts, alpha):
    from sparselearn.linear_model import SparseClassifier
    from sparselearn.penalties import L1

    clf = SparseClassifier(penalty=L1(alpha=alpha), tol=TOL, warm_start=True)
    return np.array([clf.fit(X, y, sample_weight=counts[:, k]).coef_[0].copy()
                     for k in range(counts.shape[1])])


def _warm_up():
    X, Y, alpha = permuted_problem(30, 40, 3)
    run_batch_regression(X, Y, alpha)
    run_loop_regression(X, Y, alpha)
    X, y, counts, alpha = bootstrap_problem(30, 40, 3)
    run_batch_logistic(X, y, counts, alpha)
    run_loop_logistic(X, y, counts, alpha)


class PermutedLasso:
    """200 permuted responses, n = 200, p = 2000, alpha = 0.1 alpha_max."""

    timer = time.process_time
    params = ["batch", "loop", "sklearn"]
    param_names = ["method"]
    number = 1
    repeat = (1, 3, 300.0)
    timeout = 1800

    def setup(self, method):
        _warm_up()
        self.X, self.Y, self.alpha = permuted_problem()

    def time_fit(self, method):
        RUNS[method](self.X, self.Y, self.alpha)

    def track_max_coef_difference(self, method):
        if method == "sklearn":
            return 0.0
        ref = run_sklearn_regression(self.X, self.Y, self.alpha)
        return float(np.max(np.abs(RUNS[method](self.X, self.Y, self.alpha) - ref)))


class BootstrapLogistic:
    """100 bootstrap L1-logistic fits, n = 200, p = 500, integer-count weights."""

    timer = time.process_time
    params = ["batch", "loop"]
    param_names = ["method"]
    number = 1
    repeat = (1, 3, 300.0)
    timeout = 1800

    def setup(self, method):
        _warm_up()
        self.problem = bootstrap_problem()

    def time_fit(self, method):
        (run_batch_logistic if method == "batch" else run_loop_logistic)(*self.problem)


class SpeedupVsBatchSize:
    """Batch against loop as the number of permuted responses grows (n = 200, p = 2000)."""

    timer = time.process_time
    params = ([1, 10, 50, 200], ["batch", "loop"])
    param_names = ["n_problems", "method"]
    number = 1
    repeat = (1, 3, 300.0)
    timeout = 1800

    def setup(self, n_problems, method):
        _warm_up()
        X, Y, self.alpha = permuted_problem()
        self.X, self.Y = X, Y[:, :n_problems]

    def time_fit(self, n_problems, method):
        RUNS[method](self.X, self.Y, self.alpha)


RUNS = {"batch": run_batch_regression, "loop": run_loop_regression,
        "sklearn": run_sklearn_regression}

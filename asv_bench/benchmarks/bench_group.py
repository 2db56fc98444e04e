"""Group lasso: sparselearn's block coordinate descent against skglm's ``GroupBCD``, same run.

Both minimize ``||y - Xw||^2 / (2 n) + alpha sum_g sqrt(|g|) ||w_g||`` (skglm's
``QuadraticGroup`` + ``WeightedGroupL2``) without intercept, at ``alpha = ratio * alpha_max``.
Both stop on the same absolute optimality violation (the largest distance of ``-grad_g`` to the
subdifferential; sparselearn's ``tol`` is relative to ``max |X.T y| / n``, converted here), and
``track_suboptimality`` reports how far each final objective is from the best of the two at a
tolerance 1e-6 times tighter. skglm's jitclasses are compiled in ``setup`` (a first solve), so
the timings are of the solves alone. Single-threaded BLAS; CPU time of the process.

Problems: the issue's (n = 200, 100 groups of 10, 5 true) and a wider one (n = 500, 1000 groups
of 10, 10 true), each dense and sparse (CSC, 10 % density; skglm runs its sparse path).
"""

from . import _threads  # noqa: F401  (single-threaded BLAS, before numpy)

import time

import numpy as np
import scipy.sparse as sp

PROBLEMS = ["n200_g100", "n500_g1000", "n500_g1000_sparse"]
LIBRARIES = ["sparselearn", "skglm"]
RATIOS = [0.1, 0.02]
SIZE = 10
TOL = 1e-8


def _problem(name):
    rng = np.random.default_rng(0)
    n_samples, n_groups, n_active = {"n200_g100": (200, 100, 5),
                                     "n500_g1000": (500, 1000, 10),
                                     "n500_g1000_sparse": (500, 1000, 10)}[name]
    n_features = n_groups * SIZE
    if name.endswith("sparse"):
        X = sp.random(n_samples, n_features, density=0.1, format="csc", random_state=0,
                      data_rvs=rng.standard_normal)
    else:
        X = np.asfortranarray(rng.standard_normal((n_samples, n_features)))
    coef = np.zeros(n_features)
    coef[:n_active * SIZE] = rng.standard_normal(n_active * SIZE)
    y = X @ coef + 0.5 * rng.standard_normal(n_samples)
    return X, y, n_groups


def _objective(X, y, w, alpha):
    norms = np.linalg.norm(w.reshape(-1, SIZE), axis=1)
    return float(np.sum((y - X @ w) ** 2) / (2 * len(y)) + alpha * np.sqrt(SIZE) * norms.sum())


class _Runner:
    """One library on one problem: ``fit(tol)`` returns the coefficients."""

    def __init__(self, library, name, ratio):
        self.X, self.y, n_groups = _problem(name)
        n_samples = len(self.y)
        grad0 = np.abs(self.X.T @ self.y) / n_samples
        from sparselearn.penalties import GroupLasso

        self.alpha = ratio * GroupLasso(groups=SIZE).alpha_max(self.X.T @ self.y / n_samples)
        self.scale = float(grad0.max())  # sparselearn's tol is relative to it
        self.library = library
        if library == "sparselearn":
            from sparselearn.linear_model import SparseRegressor

            self.estimator = SparseRegressor(penalty=GroupLasso(alpha=self.alpha, groups=SIZE),
                                             fit_intercept=False)
        else:
            from skglm.datafits import QuadraticGroup
            from skglm.penalties import WeightedGroupL2

            grp_ptr = np.arange(0, n_groups * SIZE + 1, SIZE, dtype=np.int32)
            grp_indices = np.arange(n_groups * SIZE, dtype=np.int32)
            self.datafit = QuadraticGroup(grp_ptr, grp_indices)
            self.penalty = WeightedGroupL2(self.alpha, np.full(n_groups, np.sqrt(SIZE)),
                                           grp_ptr, grp_indices)

    def fit(self, tol):
        """``tol``: absolute optimality violation."""
        if self.library == "sparselearn":
            self.estimator.set_params(tol=tol / self.scale, max_iter=1000)
            return self.estimator.fit(self.X, self.y).coef_
        from skglm.solvers import GroupBCD

        return GroupBCD(tol=tol, max_iter=1000, fit_intercept=False).solve(
            self.X, self.y, self.datafit, self.penalty)[0]


class GroupLassoFit:
    """One group lasso fit at ``alpha = ratio * alpha_max``, absolute tolerance 1e-8 x
    ``max |X.T y| / n``."""

    timer = time.process_time
    params = (PROBLEMS, RATIOS, LIBRARIES)
    param_names = ["problem", "alpha_ratio", "library"]
    number = 1
    repeat = (3, 7, 120.0)
    timeout = 1800

    def setup_cache(self):
        """The best objective of each problem, both libraries at a 1e-6 times tighter tol."""
        best = {}
        for name in PROBLEMS:
            for ratio in RATIOS:
                values = []
                for library in LIBRARIES:
                    runner = _Runner(library, name, ratio)
                    w = runner.fit(TOL * 1e-6 * runner.scale)
                    values.append(_objective(runner.X, runner.y, w, runner.alpha))
                best[name, ratio] = min(values)
        return best

    def setup(self, best, name, ratio, library):
        self.runner = _Runner(library, name, ratio)
        self.tol = TOL * self.runner.scale
        self.runner.fit(self.tol)  # compile (skglm's jitclasses: every process) outside timing

    def time_fit(self, best, name, ratio, library):
        self.runner.fit(self.tol)

    def track_suboptimality(self, best, name, ratio, library):
        w = self.runner.fit(self.tol)
        value = _objective(self.runner.X, self.runner.y, w, self.runner.alpha)
        return (value - best[name, ratio]) / abs(best[name, ratio])

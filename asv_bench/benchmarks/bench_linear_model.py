"""Sparse GLMs: sparselearn against skglm, celer and scikit-learn, at equal final objective.

Each class times every library on the same problem in the same run. ``setup_cache`` calibrates
each library's tolerance so that its objective is within 1e-6 relative suboptimality of the best
objective found (see ``_glm_problems``); ``track_suboptimality`` reports what it reached.
Ratios: divide a library's time by the fastest reference's time in the same run.
"""

from . import _threads  # noqa: F401  (single-threaded BLAS, before numpy)

import subprocess
import sys
import textwrap
import time
import warnings

import numpy as np

from . import _glm_problems as problems

ALL = ["sparselearn", "skglm", "celer", "sklearn"]
DATASETS = ["dense", "sparse", "diabetes", "breast_cancer"]


class _Compare:
    # CPU time of the benchmark process (BLAS is single-threaded): robust to other load on the
    # machine, which wall-clock timings here are not.
    timer = time.process_time
    kind = None
    n_alphas = 1
    libraries = ALL
    datasets = DATASETS
    gamma = 3.0
    number = 1
    repeat = (1, 3, 120.0)
    timeout = 1800

    def setup_cache(self):
        return {name: problems.calibrate(self.libraries, self.kind, name, self.n_alphas, self.gamma)
                for name in self.datasets}

    def setup(self, calibration, name, library):
        problems.dataset(name)  # build outside the timing
        problems.warm_up(library, self.kind, self.gamma)  # compile outside the timing
        self.tol = calibration[name][library][0]

    def time_solve(self, calibration, name, library):
        problems.run(library, self.kind, name, self.n_alphas, self.tol, self.gamma)

    def track_suboptimality(self, calibration, name, library):
        return calibration[name][library][1]

    def track_tol(self, calibration, name, library):
        return calibration[name][library][0]


class LassoSingleAlpha(_Compare):
    """Lasso at alpha_max / 20."""

    kind = "lasso_single"
    params = (DATASETS, ALL)
    param_names = ["dataset", "library"]

    def setup_cache(self):
        return super().setup_cache()


class LassoPath(_Compare):
    """Lasso over 50 alphas from alpha_max to alpha_max / 100, warm-started."""

    kind = "lasso"
    n_alphas = 50
    params = (DATASETS, ALL)
    param_names = ["dataset", "library"]

    def setup_cache(self):
        return super().setup_cache()


class MCPPath(_Compare):
    """MCP (gamma = 3) over 50 alphas (celer and scikit-learn have no MCP)."""

    kind = "mcp"
    n_alphas = 50
    libraries = ["sparselearn", "skglm"]
    datasets = ["dense", "sparse", "diabetes"]
    params = (datasets, libraries)
    param_names = ["dataset", "library"]

    def setup_cache(self):
        return super().setup_cache()


class SCADPath(_Compare):
    """SCAD (gamma = 3.7) over 50 alphas."""

    kind = "scad"
    n_alphas = 50
    gamma = 3.7
    libraries = ["sparselearn", "skglm"]
    datasets = ["dense", "diabetes"]
    params = (datasets, libraries)
    param_names = ["dataset", "library"]

    def setup_cache(self):
        return super().setup_cache()


class L1LogisticSingleAlpha(_Compare):
    """L1-logistic regression at alpha_max / 20 (liblinear for scikit-learn)."""

    kind = "l1_log_single"
    libraries = ALL
    datasets = ["dense", "sparse", "breast_cancer"]
    params = (datasets, ALL)
    param_names = ["dataset", "library"]

    def setup_cache(self):
        return super().setup_cache()


class MCPLogisticPath(_Compare):
    """MCP-logistic over 10 alphas (goal: >= 5x faster than skglm)."""

    kind = "mcp_log"
    n_alphas = 10
    libraries = ["sparselearn", "skglm"]
    # breast cancer only: skglm's ProxNewton MCP path takes minutes there (221 s measured) and
    # does not converge in 50 iterations; on the dense problem it did not finish in 10 minutes
    datasets = ["breast_cancer"]
    params = (datasets, libraries)
    param_names = ["dataset", "library"]

    def setup_cache(self):
        return super().setup_cache()


class CrossValidation:
    """5-fold CV over a 100-alpha path on the dense problem: sparselearn's SparseRegressorCV
    for the Lasso, MCP and SCAD against scikit-learn's LassoCV for the Lasso (the goal: MCP/SCAD
    CV no slower than LassoCV is for the Lasso)."""

    params = ["sparselearn-l1", "sparselearn-mcp", "sparselearn-scad", "sklearn-lassocv"]
    param_names = ["estimator"]
    timer = time.process_time
    number = 1
    repeat = (1, 3, 120.0)
    timeout = 1800

    def setup(self, estimator):
        self.X, self.y, _ = problems.dataset("dense")
        problems.warm_up("sklearn" if estimator.startswith("sklearn") else "sparselearn",
                         "lasso" if estimator.endswith(("l1", "lassocv")) else estimator[-4:])

    def time_cv(self, estimator):
        if estimator == "sklearn-lassocv":
            from sklearn.linear_model import LassoCV

            LassoCV(cv=5, fit_intercept=True).fit(self.X, self.y)
            return
        from sparselearn.linear_model import SparseRegressorCV
        from sparselearn.penalties import L1, MCP, SCAD

        pen = {"sparselearn-l1": L1(), "sparselearn-mcp": MCP(gamma=3.0),
               "sparselearn-scad": SCAD(gamma=3.7)}[estimator]
        SparseRegressorCV(penalty=pen, cv=5).fit(self.X, self.y)


_COLD_START = """
import time
start = time.perf_counter()
import numpy as np
{imports}
rng = np.random.default_rng(0)
X = rng.standard_normal((200, 500)); y = X[:, :5].sum(1) + rng.standard_normal(200)
{fit}
print(time.perf_counter() - start)
"""

_COLD = {
    "sparselearn": ("from sparselearn.linear_model import SparseRegressor\n"
                    "from sparselearn.penalties import MCP",
                    "SparseRegressor(penalty=MCP(alpha=0.1, gamma=3.0)).fit(X, y)"),
    "skglm": ("from skglm import MCPRegression", "MCPRegression(alpha=0.1, gamma=3.0).fit(X, y)"),
}


class ColdStart:
    """Seconds for import + the first MCP fit (200 x 500) in a fresh process, after a first run
    has filled the compilation caches (goal: < 1.5 s; skglm recompiles its jitclasses)."""

    params = ["sparselearn", "skglm"]
    param_names = ["library"]
    timeout = 600
    unit = "seconds"

    def track_import_and_first_fit(self, library):
        imports, fit = _COLD[library]
        code = textwrap.dedent(_COLD_START.format(imports=imports, fit=fit))
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)  # warm caches
        times = []
        for _ in range(3):
            out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                                 text=True)
            times.append(float(out.stdout.strip().splitlines()[-1]))
        return sorted(times)[1]


class AcceleratedGradientIterations:
    """Yang, Asgharian & Bhatnagar's nonconvex AG against its baselines (original Ghadimi-Lan AG
    and proximal gradient) on LS-MCP, as in the paper: N = 500, p = 2050, Toeplitz correlation
    0.5, 50 non-zeros, standardized columns, gamma = 3. Iterations to the same stationarity
    tolerance (1e-6, relative to alpha_max) and the objective each reaches."""

    params = (["yang", "ghadimi_lan", "ista"], [0.1, 0.05])
    param_names = ["scheme", "alpha_ratio"]
    timeout = 600

    def setup(self, scheme, alpha_ratio):
        import numpy as np

        from sparselearn.datasets import make_sparse_regression

        X, y, _ = make_sparse_regression(500, 2050, 50, rho=0.5, snr=3.0, random_state=0)
        self.X = np.asfortranarray(X / (np.linalg.norm(X, axis=0) / np.sqrt(500)))
        self.y = y
        self.alpha_max = float(np.max(np.abs(self.X.T @ y))) / 500

    def _run(self, scheme, alpha_ratio):
        import numpy as np

        from sparselearn.datafits import Quadratic
        from sparselearn.penalties import MCP
        from sparselearn.solvers import accelerated_gradient, objective

        sw = np.full(500, 1.0 / 500)
        pen = MCP(alpha=alpha_ratio * self.alpha_max, gamma=3.0)
        w, b, info = accelerated_gradient(self.X, self.y, sw, Quadratic(), pen, np.zeros(2050),
                                          tol=1e-6 * self.alpha_max, max_iter=100_000,
                                          scheme=scheme, warn=False)
        return info["n_iter"], objective(self.X, self.y, sw, Quadratic(), pen, w, b)

    def track_iterations(self, scheme, alpha_ratio):
        return self._run(scheme, alpha_ratio)[0]

    def track_objective(self, scheme, alpha_ratio):
        return self._run(scheme, alpha_ratio)[1]


def _raw_problem(kind):
    """Raw features as users have them: n = 20000, p = 200, column means in [-5, 8] and scales
    in [0.5, 5], 10 informative features; an intercept is fitted."""
    rng = np.random.default_rng(0)
    n, p = 20_000, 200
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 5.0, p) + rng.uniform(-5.0, 8.0, p)
    w = np.zeros(p)
    w[:10] = rng.standard_normal(10)
    z = (X - X.mean(0)) @ (w if kind == "lasso" else w / 3)
    if kind == "lasso":
        y = z + 3.0 + rng.standard_normal(n)
        alpha_max = np.max(np.abs((X - X.mean(0)).T @ (y - y.mean()))) / n
    else:
        y = (z + 0.5 + rng.logistic(size=n) > 0).astype(int)
        alpha_max = np.max(np.abs((X - X.mean(0)).T @ (y - y.mean()))) / n
    return np.asfortranarray(X), y, alpha_max


def _raw_fit(kind, library, X, y, alpha):
    """``(coef, intercept)``. The peers: scikit-learn's Lasso (it centres X and y itself) and
    LogisticRegression with liblinear, whose intercept is a penalized feature, so it gets
    ``intercept_scaling=100`` (the intercept's penalty then vanishes); ``saga`` leaves it
    unpenalized but took 9-87 s here."""
    from sklearn.linear_model import Lasso, LogisticRegression

    from sparselearn.linear_model import SparseClassifier, SparseRegressor
    from sparselearn.penalties import L1

    n = X.shape[0]
    if library == "sparselearn":
        cls = SparseRegressor if kind == "lasso" else SparseClassifier
        est = cls(penalty=L1(alpha=alpha), tol=1e-7).fit(X, y)
    elif kind == "lasso":
        est = Lasso(alpha=alpha, tol=1e-10, max_iter=100_000).fit(X, y)
    else:
        est = LogisticRegression(l1_ratio=1.0, C=1.0 / (alpha * n), solver="liblinear",
                                 intercept_scaling=100.0, tol=1e-8, max_iter=10_000).fit(X, y)
    return est.coef_.ravel(), float(np.ravel(est.intercept_)[0])


class RawFeatures:
    """Lasso and L1-logistic on raw (uncentred) features against scikit-learn, intercept fitted.
    Goal: at least as fast as the peer at equal objective; ``track_suboptimality`` is each
    library's objective relative to the best of the two."""

    params = (["lasso", "logistic"], [0.1, 0.01], ["sparselearn", "sklearn"])
    param_names = ["problem", "alpha_ratio", "library"]
    timer = time.process_time
    number = 1
    repeat = (1, 3, 60.0)
    timeout = 600

    def setup(self, kind, alpha_ratio, library):
        self.X, self.y, alpha_max = _raw_problem(kind)
        self.alpha = alpha_ratio * alpha_max
        _raw_fit(kind, library, self.X[:200], self.y[:200], self.alpha)  # compile outside

    def time_fit(self, kind, alpha_ratio, library):
        _raw_fit(kind, library, self.X, self.y, self.alpha)

    def _objective(self, kind, coef, intercept):
        z = self.X @ coef + intercept
        if kind == "lasso":
            loss = 0.5 * np.mean((self.y - z) ** 2)
        else:
            loss = np.mean(np.logaddexp(0.0, -(2 * self.y - 1) * z))
        return loss + self.alpha * np.abs(coef).sum()

    def track_suboptimality(self, kind, alpha_ratio, library):
        values = {lib: self._objective(kind, *_raw_fit(kind, lib, self.X, self.y, self.alpha))
                  for lib in ("sparselearn", "sklearn")}
        best = min(values.values())
        return (values[library] - best) / best


class SuboptimalityCurve:
    """Suboptimality against time, as benchopt and skglm plot it: the Lasso and L1-logistic
    regression at alpha_max / 20 (the problems of ``LassoSingleAlpha`` and
    ``L1LogisticSingleAlpha``) on the ``dense`` and ``sparse`` data, every library at each
    tolerance of the ladder 1e-2 ... 1e-10, one point per (library, tolerance).

    ``track_seconds`` is the median process CPU time of up to ``n_repeat`` solves at that
    tolerance (fewer once they add up to ``repeat_budget`` seconds; single-threaded BLAS,
    kernels compiled first, the objective evaluated outside the timing);
    ``track_suboptimality`` is the relative excess of the objective reached over the best
    objective any library reaches on that problem. A library's ladder stops after the first
    tolerance whose solve takes more than ``rung_budget`` seconds (liblinear and celer need
    seconds to minutes for the tightest L1-logistic tolerances): the tighter tolerances are NaN.
    All points come from one ``setup_cache`` process, so the libraries share the machine state.
    """

    kinds = {"lasso": "lasso_single", "l1_logistic": "l1_log_single"}
    params = (list(kinds), ["dense", "sparse"], ALL, list(problems.TOL_LADDER))
    param_names = ["problem", "dataset", "library", "tol"]
    n_repeat = 3
    repeat_budget = 3.0
    rung_budget = 2.0
    timeout = 600

    def _solve(self, kind, name, library, tol):
        """``(median CPU seconds, objective)`` of the repeated solves."""
        X, y, y_cls = problems.dataset(name)
        target = y_cls if "log" in kind else y
        alphas = problems.grid(name, kind, 1)
        seconds = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            while len(seconds) < self.n_repeat and sum(seconds) < self.repeat_budget:
                start = time.process_time()
                coef = problems.RUNNERS[library](kind, X, target, alphas, tol, 3.0)
                seconds.append(time.process_time() - start)
        coef = np.asarray(coef).reshape(X.shape[1])
        return float(np.median(seconds)), problems.objective(kind, X, target, coef, alphas[0], 3.0)

    def setup_cache(self):
        out = {}
        for label, kind in self.kinds.items():
            for library in ALL:
                problems.warm_up(library, kind)
            for name in self.params[1]:
                points = {}
                for library in ALL:
                    for tol in problems.TOL_LADDER:
                        points[library, tol] = self._solve(kind, name, library, tol)
                        if points[library, tol][0] > self.rung_budget:
                            break
                best = min(objective for _, objective in points.values())
                for library in ALL:
                    for tol in problems.TOL_LADDER:
                        seconds, objective = points.get((library, tol), (np.nan, np.nan))
                        out[label, name, library, tol] = (float(seconds),
                                                          float((objective - best) / abs(best)))
        return out

    setup_cache.timeout = 7200

    def track_seconds(self, points, problem, dataset, library, tol):
        return points[problem, dataset, library, tol][0]

    track_seconds.unit = "seconds"

    def track_suboptimality(self, points, problem, dataset, library, tol):
        return points[problem, dataset, library, tol][1]

    track_suboptimality.unit = "relative"

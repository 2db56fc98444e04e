"""Problems and library runners shared by the sparse-GLM benchmarks.

Every library solves the same problem without intercept, in the scikit-learn scaling
(``||y - Xw||^2 / (2n) + pen(w)``, mean logistic loss); celer and liblinear sum the logistic
loss, so their regularization is rescaled by ``n``. Comparisons are made at equal final
objective: ``calibrate`` finds, for each library, the loosest tolerance of a ladder whose result
is within ``SUBOPT`` relative suboptimality of the best objective any library reaches at a tight
tolerance, and the timed run uses that tolerance.
"""

import warnings
from functools import lru_cache

import numpy as np
import scipy.sparse as sp

SUBOPT = 1e-6
TOL_LADDER = (1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10)


@lru_cache(maxsize=None)
def dataset(name):
    """``(X, y_regression, y_classification)`` for a named data set (seeded)."""
    rng = np.random.default_rng(0)
    if name == "dense":
        from sparselearn.datasets import make_sparse_regression

        X, y, _ = make_sparse_regression(1000, 5000, 20, rho=0.5, snr=3.0, random_state=0)
        X = np.asfortranarray(X)
    elif name == "sparse":
        X = sp.random(5000, 20000, density=0.01, format="csc", random_state=0,
                      data_rvs=rng.standard_normal)
        w = np.zeros(20000)
        w[rng.choice(20000, 50, replace=False)] = rng.standard_normal(50)
        y = X @ w + 0.1 * rng.standard_normal(5000)
    elif name == "diabetes":
        from sklearn.datasets import load_diabetes
        from sklearn.preprocessing import PolynomialFeatures, StandardScaler

        X0, y = load_diabetes(return_X_y=True)
        X = StandardScaler().fit_transform(PolynomialFeatures(3, include_bias=False).fit_transform(X0))
        X = np.asfortranarray(X)
        y = (y - y.mean()) / y.std()
    elif name == "breast_cancer":
        from sklearn.datasets import load_breast_cancer
        from sklearn.preprocessing import PolynomialFeatures, StandardScaler

        X0, y_cls = load_breast_cancer(return_X_y=True)
        X = StandardScaler().fit_transform(PolynomialFeatures(2, include_bias=False).fit_transform(X0))
        X = np.asfortranarray(X)
        y = 2.0 * y_cls - 1.0
    else:
        raise ValueError(name)
    y = np.asarray(y, dtype=np.float64)
    if name == "breast_cancer":
        y_cls = y
    else:
        y_cls = np.where(y > np.median(y), 1.0, -1.0)
    return X, y, y_cls


def alpha_max(X, y):
    return float(np.max(np.abs(X.T @ y))) / X.shape[0]


def grid(name, kind, n_alphas):
    X, y, y_cls = dataset(name)
    target = y_cls if "log" in kind else y
    a_max = alpha_max(X, target) / (2.0 if "log" in kind else 1.0)
    if n_alphas == 1:  # single-alpha problems: a moderately sparse solution
        return np.array([a_max * 0.05])
    return np.geomspace(a_max, a_max * 1e-2, n_alphas)


def objective(kind, X, y, w, alpha, gamma):
    n = X.shape[0]
    z = X @ w
    loss = np.mean(np.logaddexp(0.0, -y * z)) if "log" in kind else np.sum((y - z) ** 2) / (2 * n)
    aw = np.abs(w)
    if "mcp" in kind:
        pen = np.where(aw <= gamma * alpha, alpha * aw - aw**2 / (2 * gamma), gamma * alpha**2 / 2)
    elif "scad" in kind:
        pen = np.where(aw <= alpha, alpha * aw,
                       np.where(aw <= gamma * alpha,
                                (2 * gamma * alpha * aw - aw**2 - alpha**2) / (2 * (gamma - 1)),
                                alpha**2 * (gamma + 1) / 2))
    else:
        pen = alpha * aw
    return loss + pen.sum()


# ---------------------------------------------------------------- runners (return coefs per alpha)

def _sparselearn(kind, X, y, alphas, tol, gamma):
    from sparselearn.linear_model import penalized_path
    from sparselearn.penalties import L1, MCP, SCAD

    pen = MCP(gamma=gamma) if "mcp" in kind else SCAD(gamma=gamma) if "scad" in kind else L1()
    datafit = "logistic" if "log" in kind else "quadratic"
    _, coefs, _ = penalized_path(X, y, penalty=pen, alphas=alphas, datafit=datafit, tol=tol)
    return coefs


def _skglm(kind, X, y, alphas, tol, gamma):
    from skglm.datafits import Logistic, Quadratic
    from skglm.penalties import L1, SCAD, MCPenalty
    from skglm.solvers import AndersonCD, ProxNewton

    if "mcp" in kind:
        pen = MCPenalty(alpha=alphas[0], gamma=gamma)
    elif "scad" in kind:
        pen = SCAD(alpha=alphas[0], gamma=gamma)
    else:
        pen = L1(alpha=alphas[0])
    if "log" in kind:  # ProxNewton has no path method: warm-started loop over alphas
        solver = ProxNewton(tol=tol, fit_intercept=False, max_iter=50)
        w = np.zeros(X.shape[1])
        coefs = []
        for alpha in alphas:
            pen.alpha = alpha
            w = solver.solve(X, y, Logistic(), pen, w_init=w.copy())[0]
            coefs.append(w.copy())
        return np.array(coefs).T
    solver = AndersonCD(tol=tol, fit_intercept=False)
    _, coefs, _ = solver.path(X, y, Quadratic(), pen, alphas=alphas)
    return coefs


def _celer(kind, X, y, alphas, tol, gamma):
    from celer import celer_path

    if "log" in kind:
        _, coefs, _ = celer_path(X, y, "logreg", alphas=alphas * X.shape[0], tol=tol)
    else:
        _, coefs, _ = celer_path(X, y, "lasso", alphas=alphas, tol=tol)
    return coefs


def _sklearn(kind, X, y, alphas, tol, gamma):
    if "log" in kind:
        from sklearn.linear_model import LogisticRegression

        clf = LogisticRegression(l1_ratio=1.0, solver="liblinear", fit_intercept=False, tol=tol,
                                 max_iter=10_000, warm_start=True)
        coefs = []
        for alpha in alphas:
            clf.set_params(C=1.0 / (alpha * X.shape[0])).fit(X, y)
            coefs.append(clf.coef_.ravel().copy())
        return np.array(coefs).T
    from sklearn.linear_model import lasso_path

    _, coefs, _ = lasso_path(X, y, alphas=alphas, tol=tol, max_iter=100_000)
    return coefs


RUNNERS = {"sparselearn": _sparselearn, "skglm": _skglm, "celer": _celer, "sklearn": _sklearn}


def run(library, kind, name, n_alphas, tol, gamma=3.0):
    """Solve problem ``kind`` on data ``name`` with ``library``; returns the objective per alpha."""
    X, y, y_cls = dataset(name)
    target = y_cls if "log" in kind else y
    alphas = grid(name, kind, n_alphas)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        coefs = RUNNERS[library](kind, X, target, alphas, tol, gamma)
    coefs = np.asarray(coefs).reshape(X.shape[1], -1)
    return np.array([objective(kind, X, target, coefs[:, k], alphas[k], gamma)
                     for k in range(len(alphas))])


NONCONVEX_TOL = 1e-6


def warm_up(library, kind, gamma=3.0):
    """Compile a library's kernels on a tiny problem, outside the timing (skglm's jitclasses and
    numba functions, sparselearn's cached kernels), so the timed run measures the solve."""
    rng = np.random.default_rng(0)
    X = np.asfortranarray(rng.standard_normal((30, 40)))
    y = X[:, 0] + 0.1 * rng.standard_normal(30)
    if "log" in kind:
        y = np.where(y > 0, 1.0, -1.0)
    alphas = np.geomspace(alpha_max(X, y) / 2, alpha_max(X, y) / 20, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for X_ in (X, sp.csc_matrix(X)):
            RUNNERS[library](kind, X_, y, alphas, 1e-4, gamma)


def calibrate(libraries, kind, name, n_alphas, gamma=3.0):
    """Per library: the loosest tolerance reaching ``SUBOPT`` vs the best objective found, and the
    suboptimality it reaches.

    Nonconvex problems (MCP, SCAD) have several stationary points and the libraries may end in
    different ones, so "equal objective" is not defined: every library runs at the same KKT
    tolerance ``NONCONVEX_TOL`` (sparselearn and skglm measure it the same way: the largest
    fixed-point / subdifferential violation) and the reported figure is the largest relative
    excess of its objective over the best one found, per alpha.
    """
    if "mcp" in kind or "scad" in kind:
        objs = {lib: run(lib, kind, name, n_alphas, NONCONVEX_TOL, gamma) for lib in libraries}
        best = np.min(np.array(list(objs.values())), axis=0)
        return {lib: (NONCONVEX_TOL, float(np.max((obj - best) / np.abs(best))))
                for lib, obj in objs.items()}
    best = None
    for library in libraries:
        obj = run(library, kind, name, n_alphas, TOL_LADDER[-1], gamma)
        best = obj if best is None else np.minimum(best, obj)
    out = {}
    for library in libraries:
        chosen = (TOL_LADDER[-1], np.inf)
        for tol in TOL_LADDER:
            obj = run(library, kind, name, n_alphas, tol, gamma)
            subopt = float(np.max((obj - best) / np.abs(best)))
            if subopt <= SUBOPT:
                chosen = (tol, subopt)
                break
            chosen = (tol, subopt)
        out[library] = chosen
    return out

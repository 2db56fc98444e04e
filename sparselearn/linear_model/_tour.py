"""Tour rows for sparse GLMs (see ``python -m sparselearn``)."""

import numpy as np

from .._tour import Result, timed
from ..datasets import make_sparse_regression

LEGEND = [
    ("CD", "coordinate descent on a working set of features"),
    ("MCP", "minimax concave penalty: an L1 penalty that flattens out, so large coefficients "
            "are not shrunk"),
    ("rho", "correlation between neighbouring features of the design"),
]


def _lasso_vs_sklearn():
    from sklearn.linear_model import Lasso

    from ..penalties import L1
    from . import SparseRegressor

    X, y, _ = make_sparse_regression(200, 500, 10, random_state=0)
    ours, seconds = timed(SparseRegressor(penalty=L1(alpha=0.05), tol=1e-10).fit, X, y)
    ref, ref_seconds = timed(Lasso(alpha=0.05, tol=1e-12, max_iter=100_000).fit, X, y)
    diff = np.max(np.abs(ours.coef_ - ref.coef_))
    return Result(seconds, f"same coefficients as scikit-learn's Lasso (max difference {diff:.0e})",
                  "scikit-learn Lasso", ref_seconds)


def _mcp_cv_recovery():
    from sklearn.linear_model import LassoCV

    from ..penalties import MCP
    from . import SparseRegressorCV

    X, y, coef = make_sparse_regression(200, 1000, 10, rho=0.5, random_state=0)
    truth = set(np.flatnonzero(coef))
    ours, seconds = timed(SparseRegressorCV(penalty=MCP(gamma=3.0), n_alphas=30, eps=1e-2,
                                            cv=3).fit, X, y)
    ref, ref_seconds = timed(LassoCV(alphas=30, eps=1e-2, cv=3).fit, X, y)

    def found(est):
        selected = set(np.flatnonzero(est.coef_))
        return f"{len(selected & truth)}/10 true features and {len(selected - truth)} false"

    return Result(seconds, f"MCP selects {found(ours)}; the Lasso selects {found(ref)}",
                  "scikit-learn LassoCV", ref_seconds)


def _logistic_vs_cvxpy():
    import cvxpy as cp

    from ..penalties import L1
    from . import SparseClassifier

    rng = np.random.default_rng(0)
    X = rng.standard_normal((300, 100))
    s = np.where(rng.uniform(size=300) < 1 / (1 + np.exp(-X[:, :5].sum(1))), 1.0, -1.0)
    clf, seconds = timed(SparseClassifier(penalty=L1(alpha=0.01), tol=1e-10).fit, X, s)
    w, b = cp.Variable(100), cp.Variable()
    problem = cp.Problem(cp.Minimize(cp.sum(cp.logistic(-cp.multiply(s, X @ w + b))) / 300
                                     + 0.01 * cp.norm1(w)))
    opt, ref_seconds = timed(problem.solve)
    z = X @ clf.coef_.ravel() + clf.intercept_[0]
    ours = np.mean(np.logaddexp(0, -s * z)) + 0.01 * np.abs(clf.coef_).sum()
    return Result(seconds, f"objective within {abs(ours - opt) / opt:.0e} (relative) of cvxpy's",
                  "cvxpy", ref_seconds)


TOUR = [
    ("sparse GLMs", "Lasso 200x500 (CD)", _lasso_vs_sklearn),
    ("sparse GLMs", "MCP, 3-fold CV path, n=200 p=1000 rho=0.5", _mcp_cv_recovery),
    ("sparse GLMs", "L1-logistic 300x100", _logistic_vs_cvxpy),
]

"""Tour rows for sparse GLMs (see ``python -m sparselearn``)."""

import numpy as np

from .._tour import Result, timed
from ..datasets import make_sparse_regression

LEGEND = [
    ("CD", "coordinate descent on a working set of features"),
    ("MCP", "minimax concave penalty: an L1 penalty that flattens out, so large coefficients "
            "are not shrunk"),
    ("rho", "correlation between neighbouring features of the design"),
    ("group MCP", "MCP of each group's norm: selects whole groups of features, without the "
                  "shrinkage (and the extra groups) of the group lasso"),
    ("BCD", "block coordinate descent: one group of coefficients at a time"),
    ("batch", "many problems on one design (here permuted responses, the columns of a 2-D y) "
              "solved together by one fit"),
    ("perm.", "permuted responses: fits that break the link between X and y (a permutation "
              "test's null)"),
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


def _group_lasso_vs_cvxpy():
    import cvxpy as cp

    from ..penalties import GroupLasso, GroupMCP
    from . import SparseRegressor

    rng = np.random.default_rng(0)
    n_samples, n_groups, size = 200, 100, 10
    X = rng.standard_normal((n_samples, n_groups * size))
    coef = np.zeros(n_groups * size)
    coef[:5 * size] = rng.standard_normal(5 * size)
    y = X @ coef + rng.standard_normal(n_samples)
    pen = GroupLasso(groups=size)
    alpha = 0.1 * pen.alpha_max(X.T @ y / n_samples)
    weight = np.sqrt(size)
    ours, seconds = timed(SparseRegressor(penalty=GroupLasso(alpha=alpha, groups=size),
                                          fit_intercept=False, tol=1e-8).fit, X, y)
    w = cp.Variable(n_groups * size)
    problem = cp.Problem(cp.Minimize(
        cp.sum_squares(y - X @ w) / (2 * n_samples)
        + alpha * weight * cp.sum(cp.norm(cp.reshape(w, (n_groups, size), order="C"), 2,
                                          axis=1))))
    opt, ref_seconds = timed(problem.solve)
    gap = (ours.objective_ - opt) / opt
    mcp = SparseRegressor(penalty=GroupMCP(alpha=alpha, groups=size), fit_intercept=False).fit(X, y)
    in_use = [int(np.count_nonzero(pen.generalized_support(c, per_group=True)))
              for c in (ours.coef_, mcp.coef_)]
    return Result(seconds, f"objective within {abs(gap):.0e} (relative) of cvxpy's; "
                  f"{in_use[0]} groups in use, {in_use[1]} with group MCP (5 true)",
                  "cvxpy", ref_seconds)


def _batch_vs_sklearn():
    from sklearn.linear_model import Lasso

    from ..penalties import L1
    from . import SparseRegressor

    rng = np.random.default_rng(0)
    X, y, _ = make_sparse_regression(200, 1000, 10, random_state=0)
    Y = np.column_stack([rng.permutation(y) for _ in range(50)])
    alpha = 0.1 * np.max(np.abs((X - X.mean(0)).T @ (y - y.mean()))) / len(y)
    SparseRegressor(penalty=L1(alpha=alpha)).fit(X[:20, :20], Y[:20, :2])  # compile
    ours, seconds = timed(SparseRegressor(penalty=L1(alpha=alpha), tol=1e-8).fit, X, Y)
    ref, ref_seconds = timed(Lasso(alpha=alpha, tol=1e-12, max_iter=100_000).fit, X, Y)
    diff = np.max(np.abs(ours.coef_ - ref.coef_))
    return Result(seconds, f"50 Lasso fits in one batch, same coefficients as scikit-learn's "
                  f"Lasso().fit(X, Y) (max difference {diff:.0e})", "scikit-learn Lasso",
                  ref_seconds)


TOUR = [
    ("sparse GLMs", "Lasso 200x500 (CD)", _lasso_vs_sklearn),
    ("sparse GLMs", "MCP, 3-fold CV path, n=200 p=1000 rho=0.5", _mcp_cv_recovery),
    ("sparse GLMs", "L1-logistic 300x100", _logistic_vs_cvxpy),
    ("sparse GLMs", "group lasso, 100 groups of 10, n=200 (BCD)", _group_lasso_vs_cvxpy),
    ("sparse GLMs", "batch: 50 perm. responses, Lasso 200x1000", _batch_vs_sklearn),
]

"""Tour rows for sparse GLMs (see ``python -m sparselearn``)."""

import numpy as np

from ..datasets import make_sparse_regression


def _lasso_vs_sklearn():
    from sklearn.linear_model import Lasso

    from ..penalties import L1
    from . import SparseRegressor

    X, y, _ = make_sparse_regression(200, 500, 10, random_state=0)
    ours = SparseRegressor(penalty=L1(alpha=0.05), tol=1e-10).fit(X, y)
    ref = Lasso(alpha=0.05, tol=1e-12, max_iter=100_000).fit(X, y)
    return f"max |coef - sklearn Lasso| = {np.max(np.abs(ours.coef_ - ref.coef_)):.1e}"


def _mcp_cv_recovery():
    from ..penalties import L1, MCP
    from . import SparseRegressorCV

    X, y, coef = make_sparse_regression(200, 1000, 10, rho=0.5, random_state=0)
    truth = set(np.flatnonzero(coef))
    out = []
    for name, pen in (("MCP", MCP(gamma=3.0)), ("Lasso", L1())):
        est = SparseRegressorCV(penalty=pen, n_alphas=30, eps=1e-2, cv=3).fit(X, y)
        found = set(np.flatnonzero(est.coef_))
        out.append(f"{name} {len(found & truth)}/10 found, {len(found - truth)} FP")
    return "; ".join(out)


def _logistic_vs_cvxpy():
    import cvxpy as cp

    from ..penalties import L1
    from . import SparseClassifier

    rng = np.random.default_rng(0)
    X = rng.standard_normal((300, 100))
    s = np.where(rng.uniform(size=300) < 1 / (1 + np.exp(-X[:, :5].sum(1))), 1.0, -1.0)
    clf = SparseClassifier(penalty=L1(alpha=0.01), tol=1e-10).fit(X, s)
    w, b = cp.Variable(100), cp.Variable()
    opt = cp.Problem(cp.Minimize(cp.sum(cp.logistic(-cp.multiply(s, X @ w + b))) / 300
                                 + 0.01 * cp.norm1(w))).solve()
    z = X @ clf.coef_.ravel() + clf.intercept_[0]
    ours = np.mean(np.logaddexp(0, -s * z)) + 0.01 * np.abs(clf.coef_).sum()
    return f"objective rel. diff vs cvxpy {abs(ours - opt) / opt:.1e}"


TOUR = [
    ("sparse GLMs", "Lasso 200x500 (CD)", _lasso_vs_sklearn),
    ("sparse GLMs", "CV path, n=200 p=1000 rho=0.5", _mcp_cv_recovery),
    ("sparse GLMs", "L1-logistic 300x100", _logistic_vs_cvxpy),
]

"""Nonconvex penalties: stationarity (prox fixed point), objective decrease, support recovery."""

import numpy as np
import pytest
import scipy.sparse as sp

from sparselearn.datafits import Logistic, Quadratic
from sparselearn.linear_model import SparseClassifier, SparseRegressor, SparseRegressorCV
from sparselearn.penalties import CEL0, L0, L1, MCP, SCAD, LogSum, Lq
from sparselearn.solvers import accelerated_gradient

from .conftest import correlated_design

# alphas above the noise level (sigma sqrt(2 log p / n) ~ 0.1): exact support on seeds 0-19
NONCONVEX = [MCP(alpha=0.2, gamma=3.0), SCAD(alpha=0.2, gamma=3.7), Lq(alpha=0.05, q=0.5),
             Lq(alpha=0.05, q=2 / 3), L0(alpha=0.05), CEL0(alpha=0.05), LogSum(alpha=0.1, eps=0.5)]


def _fixed_point_violation(est, X, y, penalty):
    """Largest L_j |w_j - prox(w_j - g_j / L_j)| at the fitted point (quadratic datafit)."""
    n = X.shape[0]
    r = X @ est.coef_ + est.intercept_ - y
    grad = X.T @ r / n
    lipschitz = (X**2).sum(0) / n
    return np.max(penalty.fixed_point_score(est.coef_, grad, lipschitz, curvatures=lipschitz))


@pytest.mark.parametrize("penalty", NONCONVEX, ids=repr)
@pytest.mark.parametrize("sparse", [False, True])
def test_stationary_and_recovers_support(regression_data, penalty, sparse):
    X, y, w_true = regression_data
    Xf = sp.csc_matrix(X) if sparse else X
    est = SparseRegressor(penalty=penalty, tol=1e-9).fit(Xf, y)
    assert _fixed_point_violation(est, X, y, penalty) <= 1e-8
    # objective below that of the all-zero model and of the truth
    assert est.objective_ < Quadratic().value(y, np.full_like(y, y.mean()))
    np.testing.assert_array_equal(np.flatnonzero(est.coef_), np.flatnonzero(w_true))


@pytest.mark.parametrize("penalty", [MCP(alpha=0.2), SCAD(alpha=0.2), LogSum(alpha=0.1, eps=0.5)],
                         ids=repr)
def test_agd_reaches_a_stationary_point(regression_data, penalty):
    X, y, w_true = regression_data
    est = SparseRegressor(penalty=penalty, solver="agd", tol=1e-8, max_iter=100_000).fit(X, y)
    assert _fixed_point_violation(est, X, y, penalty) <= 1e-6
    np.testing.assert_array_equal(np.flatnonzero(est.coef_), np.flatnonzero(w_true))


def test_agd_needs_fewer_iterations_than_baselines(rng):
    """Yang et al.'s step rule beats original Ghadimi-Lan and ISTA on LS-MCP (their Table)."""
    X = correlated_design(rng, 200, 400, rho=0.5)
    X /= np.linalg.norm(X, axis=0) / np.sqrt(200)
    w = np.zeros(400)
    w[:10] = 2.0
    y = X @ w + rng.standard_normal(200)
    sw = np.full(200, 1 / 200)
    iters = {}
    for scheme in ("yang", "ghadimi_lan", "ista"):
        _, _, info = accelerated_gradient(X, y, sw, Quadratic(), MCP(alpha=0.1), np.zeros(400),
                                          tol=1e-6, max_iter=50_000, scheme=scheme)
        iters[scheme] = info["n_iter"]
    assert iters["yang"] < iters["ghadimi_lan"]
    assert iters["yang"] < iters["ista"]


def test_mcp_logistic_stationary(rng):
    X = rng.standard_normal((300, 30))
    proba = 1 / (1 + np.exp(-(2 * X[:, 0] - 2 * X[:, 1])))
    y = np.where(rng.uniform(size=300) < proba, 1.0, -1.0)  # Bernoulli labels: not separable
    pen = MCP(alpha=0.05, gamma=3.0)
    clf = SparseClassifier(penalty=pen, tol=1e-9).fit(X, y)
    w, b = clf.coef_.ravel(), clf.intercept_[0]
    raw = Logistic().raw_gradient(y, X @ w + b)
    # stationarity: -grad in the (Frechet) subdifferential. The prox fixed point with the logistic
    # step 1 / L_j = 4 n / ||X_j||^2 > gamma would be stricter than stationarity for MCP.
    assert np.max(pen.subdiff_distance(w, X.T @ raw)) <= 1e-7
    assert abs(raw.sum()) <= 1e-7  # intercept
    assert set(np.flatnonzero(w)) >= {0, 1}


def test_mcp_fewer_false_positives_than_lasso_at_cv_alpha():
    """Issue 2: n=200, p=1000, 10 non-zeros, rho=0.5; CV-chosen alphas."""
    rng = np.random.default_rng(0)
    X = correlated_design(rng, 200, 1000, rho=0.5)
    w = np.zeros(1000)
    support = rng.choice(1000, 10, replace=False)
    w[support] = rng.choice([-1, 1], 10) * rng.uniform(1.0, 2.0, 10)
    y = X @ w + rng.standard_normal(200)
    lasso = SparseRegressorCV(penalty=L1(), n_alphas=30, eps=1e-2, cv=3).fit(X, y)
    mcp = SparseRegressorCV(penalty=MCP(gamma=3.0), n_alphas=30, eps=1e-2, cv=3).fit(X, y)
    fp = {name: np.setdiff1d(np.flatnonzero(est.coef_), support).size
          for name, est in (("lasso", lasso), ("mcp", mcp))}
    assert set(support) <= set(np.flatnonzero(mcp.coef_))
    assert fp["mcp"] < fp["lasso"]

"""Convex problems: objectives equal cvxpy's optimum, coefficients match scikit-learn."""

import cvxpy as cp
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import ElasticNet as SkElasticNet
from sklearn.linear_model import Lasso

from sparselearn.linear_model import SparseClassifier, SparseRegressor
from sparselearn.penalties import L1, ElasticNet


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("solver", ["cd", "fista", "agd"])
def test_lasso_matches_sklearn(regression_data, sparse, solver):
    X, y, _ = regression_data
    Xf = sp.csc_matrix(X) if sparse else X
    alpha = 0.05
    ours = SparseRegressor(penalty=L1(alpha=alpha), solver=solver, tol=1e-10,
                           max_iter=None if solver == "cd" else 100_000).fit(Xf, y)
    ref = Lasso(alpha=alpha, tol=1e-14, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-7)
    assert ours.intercept_ == pytest.approx(ref.intercept_, abs=1e-7)


@pytest.mark.parametrize("sparse", [False, True])
def test_enet_matches_sklearn_and_cvxpy(regression_data, sparse):
    X, y, _ = regression_data
    alpha, l1_ratio = 0.1, 0.6
    Xf = sp.csr_matrix(X) if sparse else X
    ours = SparseRegressor(penalty=ElasticNet(alpha=alpha, l1_ratio=l1_ratio), tol=1e-10).fit(Xf, y)
    ref = SkElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-14, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-7)
    n = X.shape[0]
    w, b = cp.Variable(X.shape[1]), cp.Variable()
    obj = (cp.sum_squares(y - X @ w - b) / (2 * n) + alpha * l1_ratio * cp.norm1(w)
           + alpha * (1 - l1_ratio) / 2 * cp.sum_squares(w))
    opt = cp.Problem(cp.Minimize(obj)).solve(solver=cp.CLARABEL, tol_gap_abs=1e-12, tol_gap_rel=1e-12)
    assert ours.objective_ == pytest.approx(opt, rel=1e-6)
    assert ours.objective_ <= opt + 1e-9


def test_lasso_objective_equals_cvxpy_with_sample_weights(regression_data, rng):
    X, y, _ = regression_data
    sw = rng.uniform(0.2, 3.0, X.shape[0])
    alpha = 0.03
    ours = SparseRegressor(penalty=L1(alpha=alpha), tol=1e-10).fit(X, y, sample_weight=sw)
    w, b = cp.Variable(X.shape[1]), cp.Variable()
    s = sw / sw.sum()
    obj = cp.sum(cp.multiply(s, cp.square(y - X @ w - b))) / 2 + alpha * cp.norm1(w)
    opt = cp.Problem(cp.Minimize(obj)).solve(solver=cp.CLARABEL, tol_gap_abs=1e-12, tol_gap_rel=1e-12)
    assert ours.objective_ == pytest.approx(opt, rel=1e-6)
    # integer weights = repeated samples
    counts = rng.integers(1, 4, X.shape[0])
    rep = SparseRegressor(penalty=L1(alpha=alpha), tol=1e-10).fit(np.repeat(X, counts, 0),
                                                                   np.repeat(y, counts))
    weighted = SparseRegressor(penalty=L1(alpha=alpha), tol=1e-10).fit(X, y, sample_weight=counts)
    np.testing.assert_allclose(rep.coef_, weighted.coef_, atol=1e-8)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("solver", ["cd", "fista"])
def test_l1_logistic_objective_equals_cvxpy(rng, sparse, solver):
    X = rng.standard_normal((80, 25))
    y = (X[:, 0] - 2 * X[:, 3] + 0.5 * rng.standard_normal(80) > 0).astype(int)
    alpha = 0.02
    Xf = sp.csc_matrix(X) if sparse else X
    clf = SparseClassifier(penalty=L1(alpha=alpha), solver=solver, tol=1e-10,
                           max_iter=None if solver == "cd" else 100_000).fit(Xf, y)
    s = 2.0 * y - 1.0
    w, b = cp.Variable(X.shape[1]), cp.Variable()
    obj = cp.sum(cp.logistic(-cp.multiply(s, X @ w + b))) / X.shape[0] + alpha * cp.norm1(w)
    opt = cp.Problem(cp.Minimize(obj)).solve(solver=cp.CLARABEL, tol_gap_abs=1e-12, tol_gap_rel=1e-12)
    z = X @ clf.coef_.ravel() + clf.intercept_[0]
    ours = np.mean(np.logaddexp(0, -s * z)) + alpha * np.abs(clf.coef_).sum()
    assert ours == pytest.approx(opt, rel=1e-6)


@pytest.mark.parametrize("datafit", ["poisson", "huber"])
def test_poisson_and_huber_objectives_equal_cvxpy(rng, datafit):
    X = rng.standard_normal((70, 15)) / 2
    alpha = 0.02
    if datafit == "poisson":
        y = rng.poisson(np.exp(0.5 + X[:, 0] - X[:, 1])).astype(float)
    else:
        y = X[:, 0] - 2 * X[:, 1] + rng.standard_t(1.5, 70)
    est = SparseRegressor(penalty=L1(alpha=alpha), datafit=datafit, tol=1e-10).fit(X, y)
    w, b = cp.Variable(X.shape[1]), cp.Variable()
    z = X @ w + b
    if datafit == "poisson":
        loss = cp.sum(cp.exp(z) - cp.multiply(y, z)) / len(y)
    else:
        loss = cp.sum(cp.huber(y - z, 1.35)) / (2 * len(y))  # cvxpy huber = 2 x ours
    opt = cp.Problem(cp.Minimize(loss + alpha * cp.norm1(w))).solve(solver=cp.CLARABEL)
    assert est.objective_ == pytest.approx(opt, rel=1e-5)
    assert est.objective_ <= opt + 1e-7


def test_positive_lasso_matches_sklearn(regression_data):
    X, y, _ = regression_data
    ours = SparseRegressor(penalty=L1(alpha=0.05, positive=True), tol=1e-10).fit(X, y)
    ref = Lasso(alpha=0.05, positive=True, tol=1e-14, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-7)
    assert np.all(ours.coef_ >= 0)

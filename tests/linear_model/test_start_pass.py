"""The one-pass start of a GLM fit: gradient and coordinate curvatures read each column once.

``gradient_and_curvatures`` replaces three passes over ``X`` (``X.T d``, ``X.T h`` and the
centred column norms); ``fit_path`` hands its result to the first working-set solve. These tests
check the kernel against numpy (dense and CSC, weighted, large offsets) and that a fit seeded
this way reaches scikit-learn's Lasso objective on raw features, with and without sample
weights, dense and sparse alike.
"""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import Lasso

from sparselearn._core.cd import gradient_and_curvatures
from sparselearn.datafits import Logistic, Quadratic
from sparselearn.linear_model import SparseClassifier, SparseRegressor
from sparselearn.penalties import L1
from sparselearn.solvers import Design, alpha_max, fit_path


def _raw(rng, n=120, p=15, density=None):
    if density is None:
        X = rng.standard_normal((n, p)) * rng.uniform(0.5, 3.0, p) + rng.uniform(-50, 80, p)
    else:
        X = sp.random(n, p, density=density, format="csc", random_state=int(rng.integers(1000)),
                      data_rvs=lambda k: rng.uniform(2.0, 6.0, k))
    return X


@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("density", [None, 0.3])
def test_gradient_and_curvatures_match_numpy(rng, fit_intercept, density):
    X = _raw(rng, density=density)
    dense = X.toarray() if sp.issparse(X) else X
    n, p = dense.shape
    d = rng.standard_normal(n)
    h = rng.uniform(0.1, 2.0, n)
    grad, lipschitz, h_cols = gradient_and_curvatures(*Design(X).arrays, p, d, h, fit_intercept)
    np.testing.assert_allclose(grad, dense.T @ d, rtol=1e-11, atol=1e-9)
    if fit_intercept:
        mu = dense.T @ h / h.sum()
        np.testing.assert_allclose(h_cols, dense.T @ h, rtol=1e-12)
        expected = ((dense - mu) ** 2 * h[:, None]).sum(0)
    else:
        np.testing.assert_array_equal(h_cols, 0.0)
        expected = (dense ** 2 * h[:, None]).sum(0)
    # centred from X_ij - mu_j: offsets 20x the spread lose no digits
    np.testing.assert_allclose(lipschitz, expected, rtol=1e-11)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("sparse", [False, True])
def test_raw_lasso_objective_equals_sklearn(rng, weighted, sparse):
    X = _raw(rng, n=200, p=30, density=0.3 if sparse else None)
    dense = X.toarray() if sp.issparse(X) else X
    w = np.zeros(30)
    w[:4] = [1.5, -2.0, 1.0, 0.5]
    y = (dense - dense.mean(0)) @ w + 3.0 + 0.3 * rng.standard_normal(200)
    sw = rng.uniform(0.2, 2.0, 200) if weighted else None
    alpha = 0.02 * alpha_max(X, y, None if sw is None else sw / sw.sum(), Quadratic(), L1(),
                             fit_intercept=True)[0]
    ours = SparseRegressor(penalty=L1(alpha=alpha), tol=1e-10).fit(X, y, sample_weight=sw)
    ref = Lasso(alpha=alpha, tol=1e-12, max_iter=100_000).fit(
        dense, y, sample_weight=None if sw is None else sw * 200 / sw.sum())
    s = np.full(200, 1 / 200) if sw is None else sw / sw.sum()

    def objective(coef, intercept):
        return 0.5 * s @ (y - dense @ coef - intercept) ** 2 + alpha * np.abs(coef).sum()

    assert objective(ours.coef_, ours.intercept_) <= objective(ref.coef_, ref.intercept_) * (
        1 + 1e-9)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-6)
    # KKT along the centred columns, the intercept's derivative zero
    r = s * (dense @ ours.coef_ + ours.intercept_ - y)
    assert abs(r.sum()) <= 1e-8
    grad = dense.T @ r
    support = ours.coef_ != 0
    np.testing.assert_allclose(grad[support], -alpha * np.sign(ours.coef_[support]), atol=1e-7)
    assert np.all(np.abs(grad[~support]) <= alpha * (1 + 1e-6))


def test_seeded_start_equals_given_start(rng):
    """fit_path seeded by the one-pass start takes the same iterates as one given ``alpha_max``'s
    start (which computes its curvatures in the solver), for a prox-Newton datafit too."""
    X = _raw(rng)
    signal = X[:, 0] - X[:, 0].mean()
    y = np.where(signal / signal.std() + rng.logistic(size=120) > 0, 1.0, -1.0)
    sw = np.full(120, 1 / 120)
    for datafit, target in ((Quadratic(), X[:, 0] + rng.standard_normal(120)), (Logistic(), y)):
        a_max, start = alpha_max(X, target, sw, datafit, L1(), fit_intercept=True)
        alphas = [0.3 * a_max, 0.05 * a_max]
        seeded = fit_path(X, target, sw, datafit, L1(), alphas, fit_intercept=True, tol=1e-6)
        given = fit_path(X, target, sw, datafit, L1(), alphas, fit_intercept=True, tol=1e-6,
                         start=start)
        np.testing.assert_allclose(seeded[0], given[0], rtol=1e-9, atol=1e-12)
        np.testing.assert_array_equal(seeded[2]["n_iter"], given[2]["n_iter"])


def test_classifier_raw_features_sparse_equals_dense(rng):
    X = _raw(rng, n=150, p=12, density=0.4)
    y = (X.toarray()[:, 0] - X.toarray()[:, 0].mean() + 0.5 * rng.standard_normal(150)) > 0
    a = SparseClassifier(penalty=L1(alpha=0.01), tol=1e-9).fit(X, y)
    b = SparseClassifier(penalty=L1(alpha=0.01), tol=1e-9).fit(X.toarray(), y)
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-7)
    assert a.intercept_[0] == pytest.approx(b.intercept_[0], abs=1e-7)

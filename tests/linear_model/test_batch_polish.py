"""The exact polish of the batch solver (quadratic datafit, L1 and elastic net): a Newton step
on the support and signs of each problem, with feature-sign drops, checked by the KKT
conditions and against independent fits."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import Lasso

from sparselearn._core import batch_cd, batch_polish, blas
from sparselearn.linear_model import SparseRegressor
from sparselearn.penalties import L1, ElasticNet


def _permuted(rng, n=40, p=120, n_problems=6):
    """Permuted responses on a p > n design: supports of about n / 2, ill-conditioned."""
    X = rng.standard_normal((n, p))
    y = X[:, :5] @ np.array([2.0, -2.0, 1.5, -1.5, 1.0]) + rng.standard_normal(n)
    Y = np.column_stack([y] + [rng.permutation(y) for _ in range(n_problems - 1)])
    return X, Y


def _alpha(X, Y, ratio):
    Xc, Yc = X - X.mean(0), Y - Y.mean(0)
    return ratio * np.max(np.abs(Xc.T @ Yc)) / X.shape[0]


def _kkt_violation(X, y, w, b, alpha, l1_ratio=1.0, weights=None, fit_intercept=True,
                   sample_weight=None):
    """Largest distance of -grad to the subdifferential (objective
    ``sum_i s_i (y_i - x_i w - b)^2 / 2 + penalty``, ``s`` the sample weights normalized to
    sum to 1), and the intercept's own derivative."""
    n = X.shape[0]
    s = np.full(n, 1 / n) if sample_weight is None else sample_weight / sample_weight.sum()
    weights = np.ones(X.shape[1]) if weights is None else weights
    resid = s * (X @ w + b - y)
    grad = X.T @ resid + alpha * (1 - l1_ratio) * weights * w
    slope = alpha * l1_ratio * weights
    dist = np.where(w != 0, np.abs(grad + slope * np.sign(w)),
                    np.maximum(np.abs(grad) - slope, 0.0))
    return max(dist.max(), abs(resid.sum()) if fit_intercept else 0.0)


@pytest.fixture
def polish_counter(monkeypatch):
    """Counts the outcomes of :func:`batch_polish.polish_on_support` during a fit."""
    counts = {0: 0, 1: 0, 2: 0}
    original = batch_cd.polish_problems

    def counting(*args, **kwargs):
        statuses = original(*args, **kwargs)
        for status in statuses:
            counts[int(status)] += 1
        return statuses

    monkeypatch.setattr(batch_cd, "polish_problems", counting)
    return counts


@pytest.mark.parametrize("sparse", [False, True])
def test_polished_lasso_batch_matches_sklearn_and_kkt(rng, sparse, polish_counter):
    X, Y = _permuted(rng)
    alpha = _alpha(X, Y[:, :1], 0.05)
    est = SparseRegressor(penalty=L1(alpha=alpha), tol=1e-8).fit(
        sp.csc_matrix(X) if sparse else X, Y)
    assert polish_counter[2] > 0  # the support problems were solved exactly
    ref = Lasso(alpha=alpha, tol=1e-14, max_iter=1_000_000).fit(X, Y)
    np.testing.assert_allclose(est.coef_, ref.coef_, atol=1e-8)
    np.testing.assert_allclose(est.intercept_, ref.intercept_, atol=1e-8)
    for k in range(Y.shape[1]):
        assert _kkt_violation(X, Y[:, k], est.coef_[k], est.intercept_[k], alpha) <= 1e-10


@pytest.mark.parametrize("fit_intercept", [False, True])
def test_polished_elastic_net_with_weights_equals_single_fits(rng, fit_intercept,
                                                              polish_counter):
    X, Y = _permuted(rng)
    weights = rng.uniform(0.5, 2.0, size=X.shape[1])
    weights[:2] = 0.0  # unpenalized features stay free
    alpha = _alpha(X, Y[:, :1], 0.05)
    penalty = ElasticNet(alpha=alpha, l1_ratio=0.7, weights=weights)
    make = lambda: SparseRegressor(penalty=penalty, tol=1e-12,  # noqa: E731
                                   fit_intercept=fit_intercept)
    batch = make().fit(X, Y)
    assert polish_counter[2] > 0
    for k in range(Y.shape[1]):
        assert _kkt_violation(X, Y[:, k], batch.coef_[k], batch.intercept_[k], alpha, 0.7,
                              weights, fit_intercept) <= 1e-10
        single = make().fit(X, Y[:, k])
        np.testing.assert_allclose(batch.coef_[k], single.coef_, atol=1e-10)
        np.testing.assert_allclose(batch.intercept_[k], single.intercept_, atol=1e-10)


def test_polished_elastic_net_bootstrap_weights_kkt(rng, polish_counter):
    X, Y = _permuted(rng, n=60, n_problems=1)  # about 38 distinct samples per replicate
    counts = rng.multinomial(X.shape[0], np.full(X.shape[0], 1 / X.shape[0]),
                             size=4).T.astype(float)
    alpha = _alpha(X, Y, 0.1)
    est = SparseRegressor(penalty=ElasticNet(alpha=alpha, l1_ratio=0.8), tol=1e-12).fit(
        X, Y[:, 0], sample_weight=counts)
    assert polish_counter[2] > 0
    for k in range(counts.shape[1]):
        assert _kkt_violation(X, Y[:, 0], est.coef_[k], est.intercept_[k], alpha, 0.8,
                              sample_weight=counts[:, k]) <= 1e-10


def _face_objective(X, y, h, w, b, alpha):
    return 0.5 * np.sum(h * (y - X @ w - b) ** 2) + alpha * np.abs(w).sum()


@pytest.mark.parametrize("fit_intercept", [False, True])
def test_polish_on_support_descends_and_solves_the_face(rng, fit_intercept):
    """From points with a random support (some signs wrong for the face minimizer), the
    polish never raises the objective, and when it reports the minimizer the restricted
    optimality conditions hold on the support it ends with."""
    n, p = 30, 12
    X = rng.standard_normal((n, p))
    y = X[:, :3] @ np.array([1.0, -1.0, 0.5]) + 0.3 * rng.standard_normal(n)
    h = rng.uniform(0.5, 1.5, size=n)
    h /= h.sum()
    alpha = 0.02
    arrays = (np.asfortranarray(X), np.zeros(0), np.zeros(0, dtype=np.int32),
              np.zeros(0, dtype=np.int32), False)
    params = np.array([alpha, 0.0, 0.0, 0.0])
    statuses = set()
    for _ in range(20):
        w = np.where(rng.random(p) < 0.6, rng.standard_normal(p), 0.0)
        b = rng.standard_normal() if fit_intercept else 0.0
        z = X @ w + b
        W, B, Z = w[None, :].copy(), np.array([b]), z[None, :].copy()
        D, H, U = (h * (z - y))[None, :], h[None, :], np.zeros((1, n))
        before = _face_objective(X, y, h, w, b, alpha)
        status = batch_polish.polish_on_support(*arrays, D, H, U, Z, W, B, 0, fit_intercept,
                                                batch_cd._prox.L1, params, np.ones(p), 3)
        statuses.add(status)
        assert _face_objective(X, y, h, W[0], B[0], alpha) <= before + 1e-12
        np.testing.assert_allclose(Z[0], X @ W[0] + B[0], atol=1e-10)
        assert set(np.flatnonzero(W[0])) <= set(np.flatnonzero(w))
        if status == 2:
            support = np.flatnonzero(W[0])
            np.testing.assert_array_equal(np.sign(W[0, support]), np.sign(w[support]))
            resid = h * (X @ W[0] + B[0] - y)
            grad = X[:, support].T @ resid + alpha * np.sign(W[0, support])
            np.testing.assert_allclose(grad, 0.0, atol=1e-10)
            if fit_intercept:
                assert abs(resid.sum()) <= 1e-10
    assert 2 in statuses


def test_compiled_working_sets_match_the_single_solver_selection(rng):
    """The compiled selection of convex problems takes the support and the same scores as
    :func:`next_working_set` (ties, many at 0, may pick other features of equal score)."""
    W = np.where(rng.random((30, 200)) < 0.05, 1.0, 0.0)
    scores = np.where(W != 0, 0.0, np.maximum(rng.standard_normal((30, 200)) - 1.0, 0.0))
    scores[:, 5:9] = scores[:, 4:5]  # ties above 0
    scores[:3] = np.where(W[:3] != 0, 0.0, 0.0)  # nothing violates: filled with zero scores
    active = np.arange(30, dtype=np.int64)
    tol = np.full(30, 1e-8)
    for p0 in (1, 10, 250):
        compiled, sizes = batch_cd.working_sets(scores, W, active, tol, p0, True)
        reference, ref_sizes = batch_cd.working_sets(scores, W, active, tol, p0, False)
        np.testing.assert_array_equal(sizes, ref_sizes)
        for a in range(30):
            chosen = compiled[a, :sizes[a]]
            assert np.all(np.diff(chosen) > 0)
            assert set(np.flatnonzero(W[a])) <= set(chosen)
            np.testing.assert_array_equal(np.sort(scores[a, chosen]),
                                          np.sort(scores[a, reference[a, :sizes[a]]]))


@pytest.mark.parametrize("n_problems", [1, 2, 3, 5])
def test_batch_equals_its_single_fits(rng, n_problems):
    """Batches below POLISH_MIN_PROBLEMS run the single solver's iterations (its working
    sets); from it on the problems are polished to their exact minimizer on smaller working
    sets: either way each problem equals its own single fit to the tolerance and satisfies
    the optimality conditions."""
    X, Y = _permuted(rng, n_problems=n_problems)
    alpha = _alpha(X, Y[:, :1], 0.05)
    make = lambda: SparseRegressor(penalty=L1(alpha=alpha), tol=1e-10)  # noqa: E731
    batch = make().fit(X, Y)
    assert batch.coef_.shape == (n_problems, X.shape[1])
    for k in range(n_problems):
        single = make().fit(X, Y[:, k])
        np.testing.assert_allclose(batch.coef_[k], single.coef_, atol=1e-8)
        np.testing.assert_allclose(batch.intercept_[k], single.intercept_, atol=1e-8)
        assert _kkt_violation(X, Y[:, k], batch.coef_[k], batch.intercept_[k], alpha) <= 1e-9


def test_gram_is_the_product_of_the_transpose(rng):
    A = rng.standard_normal((9, 5))
    np.testing.assert_allclose(blas.gram(A, np.empty((5, 5))), A.T @ A, rtol=1e-13)
    np.testing.assert_array_equal(blas.gram(np.zeros((0, 3)), np.ones((3, 3))), 0.0)

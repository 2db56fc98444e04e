"""Batched fits: a 2-D y or a 2-D sample_weight solved together, and the resampling functions
built on them (bootstrap, permutation test, stability selection)."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Lasso

from sparselearn.linear_model import (SparseClassifier, SparseRegressor, bootstrap_fit,
                                      penalized_path, permutation_test, stability_selection)
from sparselearn.penalties import L0, L1, MCP, SCAD, ElasticNet, GroupLasso


def _planted(rng, n=50, p=80, k=3, noise=1.0):
    X = rng.standard_normal((n, p))
    coef = np.zeros(p)
    coef[:k] = rng.choice([-2.0, 2.0], size=k)
    return X, X @ coef + noise * rng.standard_normal(n), coef


@pytest.mark.parametrize("sparse", [False, True])
def test_multi_target_matches_sklearn_lasso(rng, sparse):
    X, _, _ = _planted(rng, n=50, p=200)
    Y = X[:, :5] @ rng.standard_normal((5, 20)) + rng.standard_normal((50, 20))
    alpha = 0.1 * np.max(np.abs((X - X.mean(0)).T @ (Y - Y.mean(0)))) / 50
    ref = Lasso(alpha=alpha, tol=1e-14, max_iter=100_000).fit(X, Y)
    Xf = sp.csc_matrix(X) if sparse else X
    est = SparseRegressor(penalty=L1(alpha=alpha), tol=1e-10).fit(Xf, Y)
    assert est.coef_.shape == (20, 200)
    np.testing.assert_allclose(est.coef_, ref.coef_, atol=1e-6)
    np.testing.assert_allclose(est.intercept_, ref.intercept_, atol=1e-6)
    assert est.n_iter_.shape == est.stop_crit_.shape == est.objective_.shape == (20,)


CASES = [
    ("quadratic", L1(alpha=0.1)),
    ("quadratic", MCP(alpha=0.1, gamma=3.0)),
    ("quadratic", L0(alpha=0.02)),
    ("huber", SCAD(alpha=0.1)),
    ("poisson", L1(alpha=0.05)),
    ("logistic", L1(alpha=0.02)),
    ("logistic", ElasticNet(alpha=0.02, l1_ratio=0.5)),
]


def _target(datafit, rng, X):
    z = X[:, :3] @ np.array([1.0, -1.0, 0.5])
    if datafit == "logistic":
        return (z + rng.logistic(size=z.size) > 0).astype(int)
    if datafit == "poisson":
        return rng.poisson(np.exp(0.5 * z)).astype(float)
    return z + rng.standard_normal(z.size)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("datafit, penalty", CASES)
def test_each_problem_equals_its_single_fit(rng, datafit, penalty, sparse):
    X = rng.standard_normal((40, 60))
    y = _target(datafit, rng, X)
    counts = rng.multinomial(40, np.full(40, 1 / 40), size=4).T.astype(float)
    Xf = sp.csc_matrix(X) if sparse else X
    if datafit == "logistic":
        make = lambda: SparseClassifier(penalty=penalty, tol=1e-10)  # noqa: E731
    else:
        make = lambda: SparseRegressor(penalty=penalty, datafit=datafit, tol=1e-10)  # noqa: E731
    batch = make().fit(Xf, y, sample_weight=counts)
    assert batch.coef_.shape == (4, 60)
    for k in range(4):
        single = make().fit(Xf, y, sample_weight=counts[:, k])
        np.testing.assert_allclose(batch.coef_[k], np.ravel(single.coef_), atol=1e-7)
        np.testing.assert_allclose(batch.intercept_[k], np.ravel(single.intercept_)[0],
                                   atol=1e-7)


def test_multi_target_each_column_equals_single_fit_default_penalty(rng):
    X, y, _ = _planted(rng)
    Y = np.column_stack([y, 3 * y + 1, rng.permutation(y)])
    est = SparseRegressor(tol=1e-10).fit(X, Y)  # per-target data-relative default alpha
    for k in range(3):
        single = SparseRegressor(tol=1e-10).fit(X, Y[:, k])
        np.testing.assert_allclose(est.coef_[k], single.coef_, atol=1e-7)
        assert est.penalty_[k].alpha == pytest.approx(single.penalty_.alpha)


def _logistic_duality_gap(X, y_pm, sw, alpha, w, b):
    """Primal minus dual of the weighted L1-logistic problem with intercept; the dual point is
    the rescaled negative gradient (Fenchel dual: weighted binary entropies)."""
    z = X @ w + b
    sigma = 1.0 / (1.0 + np.exp(y_pm * z))  # sigma(-y z)
    primal = np.sum(sw * np.logaddexp(0.0, -y_pm * z)) + alpha * np.abs(w).sum()
    theta = sw * y_pm * sigma
    scale = min(1.0, alpha / np.max(np.abs(X.T @ theta)))
    s = np.clip(scale * sigma, 1e-300, 1 - 1e-16)
    dual = -np.sum(sw * (s * np.log(s) + (1 - s) * np.log1p(-s)))
    return primal - dual


def test_bootstrap_l1_logistic_duality_gap_and_single_fits(rng):
    X = rng.standard_normal((60, 40))
    y = (X[:, 0] - X[:, 1] + rng.logistic(size=60) > 0).astype(int)
    alpha = 0.02
    res = bootstrap_fit(SparseClassifier(penalty=L1(alpha=alpha), tol=1e-10), X, y, 8,
                        random_state=0)
    assert res.coefs.shape == (8, 40) and res.counts.shape == (60, 8)
    np.testing.assert_array_equal(res.counts.sum(axis=0), 60)
    assert np.all(res.counts == np.round(res.counts))
    y_pm = np.where(y == 1, 1.0, -1.0)
    for k in range(8):
        sw = res.counts[:, k] / 60
        assert _logistic_duality_gap(X, y_pm, sw, alpha, res.coefs[k], res.intercepts[k]) <= 1e-6
        single = SparseClassifier(penalty=L1(alpha=alpha), tol=1e-10).fit(
            X, y, sample_weight=res.counts[:, k])
        np.testing.assert_allclose(res.coefs[k], single.coef_[0], atol=1e-7)
    assert np.all(res.ci_low <= res.ci_high)


def test_bootstrap_intervals_cover_planted_coefficient(rng):
    X, y, coef = _planted(rng, n=80, p=20, noise=0.5)
    res = bootstrap_fit(SparseRegressor(penalty=L1(alpha=0.02)), X, y, 40, random_state=1)
    for j in range(3):  # the small L1 bias sits well inside the bootstrap spread
        assert res.ci_low[j] - 0.1 <= coef[j] <= res.ci_high[j] + 0.1
        assert res.selection_frequency[j] == 1.0


def test_permutation_pvalues(rng):
    X, y, _ = _planted(rng, n=60, p=40, noise=1.0)
    res = permutation_test(SparseRegressor(penalty=L1(alpha=0.1)), X, y, 99, random_state=0)
    assert res.null_coefs.shape == (99, 40)
    assert np.all(res.pvalues[:3] <= 0.05)
    assert np.all((res.pvalues >= 0.01) & (res.pvalues <= 1))  # the +1 correction: 1 / (1 + 99)
    # a global null: p-values of a pure-noise response are super-uniform
    noise = rng.standard_normal(60)
    null = permutation_test(SparseRegressor(penalty=L1(alpha=0.02)), X, noise, 99,
                            random_state=1)
    for level in (0.05, 0.2, 0.5):
        assert np.mean(null.pvalues <= level) <= level + 0.15


def test_permutation_pvalues_classifier(rng):
    X = rng.standard_normal((80, 15))
    y = (2 * X[:, 0] + rng.logistic(size=80) > 0).astype(int)
    res = permutation_test(SparseClassifier(penalty=L1(alpha=0.02), tol=1e-8), X, y, 49,
                           random_state=0)
    assert res.pvalues[0] == pytest.approx(0.02)
    assert np.median(res.pvalues[1:]) > 0.2


@pytest.mark.parametrize("sparse", [False, True])
def test_stability_selection_finds_planted_support(rng, sparse):
    X, y, coef = _planted(rng, n=80, p=60, k=4, noise=1.0)
    Xf = sp.csr_matrix(X) if sparse else X
    res = stability_selection(SparseRegressor(), Xf, y, n_resamples=40, random_state=0)
    np.testing.assert_array_equal(res.stable_set, np.flatnonzero(coef))
    assert res.probabilities.shape == (10, 60)
    assert np.all(np.diff(res.alphas) < 0)
    np.testing.assert_array_equal(res.masks.sum(axis=0), 40)


def test_path_with_2d_y_equals_column_paths(rng):
    X, y, _ = _planted(rng)
    Y = np.column_stack([y, -y + 1, rng.permutation(y)])
    alphas, coefs, info = penalized_path(X, Y, n_alphas=5, fit_intercept=True, tol=1e-10)
    assert coefs.shape == (3, 80, 5) and info["intercepts"].shape == (3, 5)
    assert info["converged"].all()
    for k in range(3):
        _, single, single_info = penalized_path(X, Y[:, k], alphas=alphas, fit_intercept=True,
                                                tol=1e-10)
        # down to 1e-3 alpha_max with p > n: ill-conditioned, so 1e-6 on the coefficients
        np.testing.assert_allclose(coefs[k], single, atol=1e-6)
        np.testing.assert_allclose(info["intercepts"][k], single_info["intercepts"], atol=1e-6)
    # the shared grid starts at the largest alpha_max: one problem is all zero there
    assert np.any(np.all(coefs[:, :, 0] == 0, axis=1))


def test_path_with_2d_sample_weight(rng):
    X, y, _ = _planted(rng)
    SW = rng.integers(0, 3, size=(50, 3)).astype(float)
    alphas, coefs, info = penalized_path(X, y, n_alphas=4, sample_weight=SW, tol=1e-10)
    for k in range(3):
        _, single, _ = penalized_path(X, y, alphas=alphas, sample_weight=SW[:, k], tol=1e-10)
        np.testing.assert_allclose(coefs[k], single, atol=1e-6)


def test_float32_kept_and_predict_shapes(rng):
    X, y, _ = _planted(rng)
    Y = np.column_stack([y, y])
    est = SparseRegressor(penalty=L1(alpha=0.1)).fit(X.astype(np.float32), Y)
    assert est.coef_.dtype == np.float32 and est.predict(X).shape == (50, 2)
    SW = rng.integers(0, 3, size=(50, 3)).astype(float)
    clf = SparseClassifier(penalty=L1(alpha=0.02)).fit(X, y > 0, sample_weight=SW)
    assert clf.n_replicates_ == 3
    assert clf.decision_function(X).shape == clf.predict(X).shape == (50, 3)
    proba = clf.predict_proba(X)
    assert proba.shape == (50, 3, 2)
    np.testing.assert_allclose(proba.sum(axis=-1), 1.0)


def test_batch_warm_start_and_convergence_warning(rng):
    X, y, _ = _planted(rng)
    Y = np.column_stack([y, rng.permutation(y)])
    with pytest.warns(ConvergenceWarning, match="max_iter"):
        SparseRegressor(penalty=L1(alpha=0.01), max_iter=1, tol=1e-12).fit(X, Y)
    est = SparseRegressor(penalty=L1(alpha=0.05), warm_start=True, tol=1e-8).fit(X, Y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        est.fit(X, Y)
    np.testing.assert_array_equal(est.n_iter_, 0)  # the warm start is already optimal


def test_batch_bad_input(rng):
    X, y, _ = _planted(rng)
    SW = np.ones((50, 2))
    with pytest.raises(ValueError, match="sample_weight"):
        SparseRegressor().fit(X, np.column_stack([y, y]), sample_weight=SW)
    with pytest.raises(ValueError, match="sample_weight"):
        SparseRegressor().fit(X, y, sample_weight=np.ones((49, 2)))
    with pytest.raises(ValueError, match="sample_weight"):
        SparseRegressor().fit(X, y, sample_weight=-SW)
    SW[:, 1] = 0.0
    with pytest.raises(ValueError, match="sample_weight"):
        SparseRegressor().fit(X, y, sample_weight=SW)
    with pytest.raises(ValueError, match="binary"):
        SparseClassifier().fit(X, np.arange(50) % 3, sample_weight=np.ones((50, 2)))
    with pytest.raises(TypeError, match="estimator"):
        bootstrap_fit(Lasso(), X, y, 5)
    with pytest.raises(ValueError, match="y"):
        permutation_test(SparseRegressor(), X, np.column_stack([y, y]), 5)
    with pytest.raises(ValueError, match="coef_init"):
        penalized_path(X, np.column_stack([y, y]), n_alphas=2, coef_init=np.zeros((3, 80)))


def test_group_penalty_batch_equals_column_fits(rng):
    X, y, _ = _planted(rng, n=50, p=30)
    Y = np.column_stack([y, rng.permutation(y)])
    est = SparseRegressor(penalty=GroupLasso(alpha=0.1, groups=3), tol=1e-10).fit(X, Y)
    alphas, coefs, _ = penalized_path(X, Y, penalty=GroupLasso(groups=3), n_alphas=3,
                                      tol=1e-10)
    for k in range(2):
        single = SparseRegressor(penalty=GroupLasso(alpha=0.1, groups=3), tol=1e-10).fit(
            X, Y[:, k])
        np.testing.assert_allclose(est.coef_[k], single.coef_, atol=1e-7)
        _, path, _ = penalized_path(X, Y[:, k], penalty=GroupLasso(groups=3), alphas=alphas,
                                    tol=1e-10)
        np.testing.assert_allclose(coefs[k], path, atol=1e-7)

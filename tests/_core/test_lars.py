"""LAR and LARS-Lasso coders: equal to scikit-learn's lars_path / Lars / LassoLars, and optimal."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Lars, Lasso, LassoLars, lars_path_gram

from sparselearn._core.lars import lars_gram
from sparselearn.decomposition import sparse_encode

_EQ_TOL32 = float(np.finfo(np.float32).eps)


def _problem(seed, n_components=12, n_features=20, n_samples=5):
    rng = np.random.default_rng(seed)
    D = rng.standard_normal((n_components, n_features))
    D /= np.linalg.norm(D, axis=1, keepdims=True)
    X = rng.standard_normal((n_samples, n_features))
    return X, D, np.ascontiguousarray(D @ D.T), np.ascontiguousarray(X @ D.T)


def _lasso_kkt(G, cov, codes, alpha, positive):
    """Largest violation of the Lasso optimality conditions of ``1/2||x - cD||^2 + alpha|c|_1``."""
    grad = cov - codes @ G  # correlations of the residuals
    worst = 0.0
    for g, c in zip(grad, codes):
        on = c != 0
        worst = max(worst, np.max(np.abs(g[on] - alpha * np.sign(c[on])), initial=0.0))
        off = g[~on] if positive else np.abs(g[~on])
        worst = max(worst, np.max(off - alpha, initial=0.0))
        if positive:
            worst = max(worst, -np.min(c, initial=0.0))
    return worst


@pytest.mark.parametrize("alpha", [0.05, 0.4])
def test_lasso_lars_matches_lars_path_and_kkt(global_random_seed, alpha):
    X, D, G, cov = _problem(global_random_seed)
    n_features = X.shape[1]
    codes, n_iter, status = lars_gram(G, cov, alpha, n_features * _EQ_TOL32, 1000, True, False)
    assert not status.any()
    for x_cov, code in zip(cov, codes):
        # lars_path's alpha is the correlation divided by n_samples (here n_features)
        _, _, path = lars_path_gram(Xy=x_cov, Gram=G, n_samples=n_features,
                                    alpha_min=alpha / n_features, method="lasso")
        np.testing.assert_allclose(code, path[:, -1], atol=1e-10)
    assert _lasso_kkt(G, cov, codes, alpha, False) < 1e-9
    assert np.all(n_iter >= np.count_nonzero(codes, axis=1))


@pytest.mark.parametrize("alpha", [0.05, 0.4])
def test_positive_lasso_lars_is_the_nonnegative_lasso(global_random_seed, alpha):
    # scikit-learn's positive LassoLars takes the largest inactive correlation as the level,
    # which with a sign constraint is not the active atoms' level once a step ends without a
    # new atom, and stops off the path (its documentation warns that only the first steps agree
    # with the coordinate-descent Lasso): ours is the exact non-negative Lasso solution
    X, D, G, cov = _problem(global_random_seed)
    codes, _, status = lars_gram(G, cov, alpha, X.shape[1] * _EQ_TOL32, 1000, True, True)
    assert not status.any()
    assert codes.min() >= 0.0
    assert _lasso_kkt(G, cov, codes, alpha, True) < 1e-9
    reference = Lasso(alpha=alpha / X.shape[1], fit_intercept=False, positive=True, tol=1e-12,
                      max_iter=100000).fit(D.T, X.T).coef_
    np.testing.assert_allclose(codes, reference, atol=1e-6)


@pytest.mark.parametrize("n_nonzero", [1, 4, 12])
def test_lar_matches_sklearn_lars(global_random_seed, n_nonzero):
    X, D, G, cov = _problem(global_random_seed)
    codes, n_iter, _ = lars_gram(G, cov, 0.0, X.shape[1] * _EQ_TOL32, n_nonzero, False, False)
    reference = Lars(fit_intercept=False, precompute=G, n_nonzero_coefs=n_nonzero,
                     fit_path=False).fit(D.T, X.T, Xy=cov.T).coef_
    np.testing.assert_allclose(codes, reference, atol=1e-10)
    assert np.all(np.count_nonzero(codes, axis=1) <= n_nonzero)
    if n_nonzero == 1:
        # one step: the most correlated atom, moved until a second one ties with it
        best = np.argmax(np.abs(cov), axis=1)
        np.testing.assert_array_equal(np.flatnonzero(codes.any(axis=0)), np.unique(best))
        residual_corr = cov - codes @ G
        level = np.abs(residual_corr[np.arange(len(best)), best])
        second = np.sort(np.abs(residual_corr), axis=1)[:, -2]
        np.testing.assert_allclose(second, level, rtol=1e-10)


def test_lasso_lars_overcomplete_matches_sklearn(global_random_seed):
    # more atoms than features: a Lasso path with drops and rank-deficient Gram blocks
    X, D, G, cov = _problem(global_random_seed, n_components=15, n_features=6, n_samples=6)
    for alpha in (0.01, 0.2):
        codes = sparse_encode(X, D, algorithm="lasso_lars", alpha=alpha)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            reference = LassoLars(alpha=alpha / X.shape[1], fit_intercept=False, precompute=G,
                                  fit_path=False, max_iter=1000).fit(D.T, X.T, Xy=cov.T).coef_
        np.testing.assert_allclose(codes, reference, atol=1e-8)
        assert _lasso_kkt(G, cov, codes, alpha, False) < 1e-7


@pytest.mark.parametrize("algorithm", ["lasso_lars", "lars"])
def test_sparse_encode_lars_float32_and_sklearn(global_random_seed, algorithm):
    from sklearn.decomposition import sparse_encode as sk_sparse_encode

    X, D, _, _ = _problem(global_random_seed, n_samples=4)
    for dtype in (np.float64, np.float32):
        Xd, Dd = X.astype(dtype), D.astype(dtype)
        ours = sparse_encode(Xd, Dd, algorithm=algorithm, alpha=0.3, n_nonzero_coefs=3)
        theirs = sk_sparse_encode(Xd, Dd, algorithm=algorithm, alpha=0.3, n_nonzero_coefs=3)
        assert ours.dtype == dtype
        np.testing.assert_allclose(ours, theirs, atol=1e-9 if dtype == np.float64 else 1e-4)


def test_lasso_lars_equals_cd_optimum(global_random_seed):
    X, D, G, cov = _problem(global_random_seed)
    lars = sparse_encode(X, D, algorithm="lasso_lars", alpha=0.2, positive=True)
    cd = sparse_encode(X, D, algorithm="cd", alpha=0.2, positive=True, tol=1e-10)
    np.testing.assert_allclose(lars, cd, atol=1e-7)


def test_lasso_lars_max_iter_caps_the_path():
    X, D, G, cov = _problem(0)
    codes, n_iter, _ = lars_gram(G, cov, 1e-3, X.shape[1] * _EQ_TOL32, 2, True, False)
    assert np.all(n_iter <= 2)
    assert np.all(np.count_nonzero(codes, axis=1) <= 2)


def test_lars_duplicated_atom_used_once():
    # an atom and its copy: LAR never puts both in the active set (the Gram block is singular)
    rng = np.random.default_rng(0)
    D = rng.standard_normal((4, 10))
    D /= np.linalg.norm(D, axis=1, keepdims=True)
    D = np.vstack([D, D[[0]]])
    X = 3.0 * D[[0]] + 0.5 * D[[2]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        codes = sparse_encode(X, D, algorithm="lars", n_nonzero_coefs=3)
    assert np.count_nonzero(codes[0, [0, 4]]) == 1
    np.testing.assert_allclose(codes @ D, X, atol=1e-10)


def test_lars_positive_refused():
    X, D, _, _ = _problem(0)
    with pytest.raises(ValueError, match="positive"):
        sparse_encode(X, D, algorithm="lars", positive=True)

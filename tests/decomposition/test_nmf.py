"""SemiNMF and SparseNMF: scikit-learn API, the digits bounds (truncated SVD <= semi-NMF <= NMF),
monotone objectives, robustness of the correntropy loss to corrupted features, the kernels."""

import warnings

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment
from sklearn.datasets import load_digits
from sklearn.decomposition import NMF, TruncatedSVD
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.estimator_checks import parametrize_with_checks

from sparselearn._core import nmf as _nmf
from sparselearn.decomposition import SemiNMF, SparseNMF


@parametrize_with_checks([SemiNMF(), SparseNMF(), SemiNMF(solver="mu", sparsity=0.1),
                          SemiNMF(max_features_per_component=2),
                          SparseNMF(loss="correntropy", sparsity=0.1)])
def test_sklearn_compatible(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check(estimator)


@pytest.fixture(scope="module")
def digits():
    X = load_digits().data
    svd = TruncatedSVD(10, algorithm="arpack", random_state=0).fit(X)
    svd_err = np.linalg.norm(X - svd.transform(X) @ svd.components_)
    nmf = NMF(10, max_iter=1000, random_state=0).fit(X)
    return X, svd_err, nmf.reconstruction_err_


@pytest.mark.parametrize("solver", ["als", "mu"])
def test_semi_nmf_digits_between_svd_and_nmf(digits, solver):
    X, svd_err, nmf_err = digits
    model = SemiNMF(10, solver=solver, random_state=0).fit(X)
    assert svd_err <= model.reconstruction_err_ <= 1.001 * nmf_err
    # the reported error is the fitted factorization's
    W = model.transform(X)
    assert np.isclose(model.reconstruction_err_,
                      np.linalg.norm(X - model.inverse_transform(W)), rtol=1e-10)


@pytest.mark.parametrize("solver", ["als", "mu"])
@pytest.mark.parametrize("sparsity", [0.0, 5.0])
@pytest.mark.parametrize("init", ["svd", "kmeans", "random"])
def test_semi_nmf_objective_decreases(digits, solver, sparsity, init, global_random_seed):
    X = digits[0][:400]
    model = SemiNMF(10, sparsity=sparsity, init=init, solver=solver, max_iter=60, tol=0,
                    random_state=global_random_seed).fit(X)
    errors = model.error_
    assert errors.shape == (61,) and model.n_iter_ == 60
    assert np.all(np.diff(errors) <= 1e-10 * errors[0])
    assert errors[-1] < errors[0]
    # the objective matches its definition at the fitted factors
    W = model.transform(X)
    objective = 0.5 * np.sum((X - W @ model.components_) ** 2) + sparsity * W.sum()
    assert objective <= errors[-1] * (1 + 1e-9)
    if sparsity > 0:
        assert np.all(np.linalg.norm(model.components_, axis=1) <= 1 + 1e-12)


def test_semi_nmf_sparse_components(digits, global_random_seed):
    # Shafran et al.'s sparsity: few features (neurons, here pixels) per component
    X = digits[0][:400] - digits[0][:400].mean(axis=0)
    model = SemiNMF(10, max_features_per_component=12, max_iter=60, tol=0,
                    random_state=global_random_seed, init="random").fit(X)
    assert np.all(np.count_nonzero(model.components_, axis=1) <= 12)
    assert np.all(np.linalg.norm(model.components_, axis=1) <= 1 + 1e-12)
    assert np.all(np.diff(model.error_) <= 1e-10 * model.error_[0])
    dense = SemiNMF(10, random_state=0).fit(X)
    assert dense.reconstruction_err_ < model.reconstruction_err_ < np.linalg.norm(X)


def test_sparse_ball_row_is_the_exact_block_step(rng):
    # with at most s nonzeros per component, the block step is the best over all supports
    from itertools import combinations

    n_components, n_features, s = 3, 6, 2
    H = rng.standard_normal((n_components, n_features))
    W = rng.uniform(size=(20, n_components))
    X = rng.standard_normal((20, n_features))
    P, Q = W.T @ X, W.T @ W
    c = P[0] - Q[0, 1:] @ H[1:]

    def value(h):
        return 0.5 * Q[0, 0] * h @ h - c @ h

    best = np.inf
    for support in combinations(range(n_features), s):
        h = np.zeros(n_features)
        h[list(support)] = c[list(support)] / max(Q[0, 0], np.linalg.norm(c[list(support)]))
        best = min(best, value(h))
    row = H.copy()
    _nmf.ball_components(row, P, Q, np.ones(n_features), False, s)
    # the first row's step, taken with the other rows as they were
    assert np.count_nonzero(row[0]) <= s
    assert value(row[0]) <= best + 1e-12


def test_semi_nmf_mixed_sign_data(rng):
    # exact semi-NMF data (nonnegative codes, components of any sign): recovered to rounding;
    # scikit-learn's NMF rejects such data
    W = rng.uniform(size=(80, 3))
    H = rng.standard_normal((3, 12))
    X = W @ H
    assert X.min() < 0
    model = SemiNMF(3, tol=1e-12, max_iter=2000, random_state=0).fit(X)
    assert model.reconstruction_err_ <= 1e-4 * np.linalg.norm(X)
    assert np.all(model.transform(X) >= 0)
    with pytest.raises(ValueError, match="Negative values"):
        NMF(3).fit(X)


def test_sparsity_gives_sparse_codes(digits):
    X = digits[0][:400]
    dense = SemiNMF(10, random_state=0).fit_transform(X)
    sparse = SemiNMF(10, sparsity=20.0, random_state=0).fit_transform(X)
    assert np.mean(sparse == 0) > np.mean(dense == 0) + 0.2


def test_sparse_nmf_frobenius_objective_decreases(digits):
    X = digits[0][:400]
    for sparsity in (0.0, 5.0):
        model = SparseNMF(10, sparsity=sparsity, max_iter=40, tol=0).fit(X)
        assert np.all(np.diff(model.error_) <= 1e-10 * model.error_[0])
        assert np.all(model.components_ >= 0)
        assert np.all(np.linalg.norm(model.components_, axis=1) <= 1 + 1e-12)
    # fixed kernel width: the half-quadratic steps decrease the correntropy objective too
    model = SparseNMF(10, loss="correntropy", kernel_width=30.0, max_iter=40, tol=0).fit(X)
    assert np.all(np.diff(model.error_) <= 1e-10 * model.error_[0])


def test_sparse_nmf_close_to_sklearn_nmf(digits):
    X, _, nmf_err = digits
    model = SparseNMF(10, max_iter=500, random_state=0).fit(X)
    assert model.reconstruction_err_ <= 1.01 * nmf_err


def _planted_unmixing(seed, n_samples=300, n_features=50, n_components=4):
    """Sparse nonnegative abundances and endmembers, 10 % of the features (bands) corrupted by
    large positive outliers."""
    rng = np.random.default_rng(seed)
    H = rng.uniform(size=(n_components, n_features))
    W = rng.uniform(size=(n_samples, n_components)) * (rng.uniform(size=(n_samples, n_components))
                                                       < 0.5)
    X = W @ H + 0.01 * rng.uniform(size=(n_samples, n_features))
    bad = rng.choice(n_features, n_features // 10, replace=False)
    X[:, bad] += 10 * X.max() * rng.uniform(size=(n_samples, bad.size))
    return X, W, bad


def abundance_error(W_true, W_est):
    """Relative error of the abundances after matching the components (Hungarian on cosines)
    and rescaling each by least squares (NMF identifies components up to order and scale)."""
    unit = W_true / np.linalg.norm(W_true, axis=0)
    est = W_est / np.maximum(np.linalg.norm(W_est, axis=0), 1e-300)
    _, cols = linear_sum_assignment(-(unit.T @ est))
    E = W_est[:, cols]
    scale = (E * W_true).sum(0) / np.maximum((E * E).sum(0), 1e-300)
    return np.linalg.norm(W_true - E * scale) / np.linalg.norm(W_true)


def test_correntropy_robust_to_corrupted_features(global_random_seed):
    X, W, bad = _planted_unmixing(global_random_seed)
    errors = {}
    for loss in ("frobenius", "correntropy"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model = SparseNMF(4, loss=loss, sparsity=0.1, max_iter=500,
                              random_state=global_random_seed)
            errors[loss] = abundance_error(W, model.fit_transform(X))
    assert errors["correntropy"] * 2 <= errors["frobenius"]
    # the corrupted features are the ones weighed down
    clean = np.setdiff1d(np.arange(X.shape[1]), bad)
    weights = model.feature_weights_
    assert weights[bad].max() < 1e-6 * np.median(weights[clean])


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_float32_preserved_and_transform_matches(digits):
    X = digits[0][:200]
    for Est in (SemiNMF, SparseNMF):
        model = Est(5, max_iter=50, random_state=0)
        W32 = model.fit_transform(X.astype(np.float32))
        assert W32.dtype == np.float32 and model.components_.dtype == np.float32
        assert model.transform(X.astype(np.float32)).dtype == np.float32
        W64 = Est(5, max_iter=50, random_state=0).fit_transform(X)
        np.testing.assert_allclose(W32, W64, rtol=1e-3, atol=1e-3 * W64.max())
        np.testing.assert_allclose(model.transform(X.astype(np.float32)), W32, rtol=1e-5,
                                   atol=1e-5 * W32.max())


def test_bad_input_named():
    X = np.random.default_rng(0).standard_normal((20, 4))
    with pytest.raises(ValueError, match=r"SparseNMF \(input X\)"):
        SparseNMF(2).fit(X)
    with pytest.raises(ValueError, match="n_components"):
        SemiNMF(30, init="kmeans").fit(X)
    with pytest.raises(ValueError, match="sparsity"):
        SemiNMF(2, sparsity=-1.0).fit(X)
    with pytest.raises(ValueError, match="kernel_width"):
        SparseNMF(2, loss="correntropy", kernel_width=0.0).fit(np.abs(X))
    model = SemiNMF(2).fit(X)
    with pytest.raises(ValueError, match="X has 3 columns"):
        model.inverse_transform(np.ones((2, 3)))


def test_ball_row_is_the_constrained_minimizer(rng):
    cvxpy = pytest.importorskip("cvxpy")
    for uniform in (True, False):
        c = 3.0 * rng.standard_normal(7)
        d = np.ones(7) if uniform else rng.uniform(0.01, 1.0, size=7)
        a = 0.5
        out = np.empty(7)
        _nmf._ball_row(c, d, a, out)
        h = cvxpy.Variable(7)
        objective = cvxpy.sum(cvxpy.multiply(d, 0.5 * a * cvxpy.square(h) - cvxpy.multiply(c, h)))
        cvxpy.Problem(cvxpy.Minimize(objective), [cvxpy.norm(h) <= 1]).solve()
        np.testing.assert_allclose(out, h.value, atol=1e-5)
        assert np.linalg.norm(out) <= 1 + 1e-12


def test_hals_codes_nonnegative_lasso(rng):
    # the coding step against scikit-learn's positive Lasso (objective scaled by n_features)
    from sklearn.linear_model import Lasso

    H = rng.standard_normal((4, 15))
    x = rng.uniform(size=(1, 4)) @ H + 0.1 * rng.standard_normal((1, 15))
    alpha = 0.3
    W, _ = _nmf.nonneg_codes(x, H, alpha, np.ones(15), 10000, 1e-12)
    ref = Lasso(alpha=alpha / 15, positive=True, fit_intercept=False, tol=1e-12,
                max_iter=100000).fit(H.T, x[0]).coef_
    np.testing.assert_allclose(W[0], ref, atol=1e-6)


@pytest.mark.parametrize("Est", [SemiNMF, SparseNMF])
def test_warning_at_max_iter_1_and_sparse_equals_dense(Est, rng):
    import scipy.sparse as sp

    X = rng.uniform(size=(30, 8)) * (rng.uniform(size=(30, 8)) < 0.4)
    with pytest.warns(ConvergenceWarning, match="max_iter=1"):
        Est(3, max_iter=1, random_state=0).fit(X)
    dense = Est(3, max_iter=20, tol=0, random_state=0)
    sparse = Est(3, max_iter=20, tol=0, random_state=0)
    np.testing.assert_allclose(sparse.fit_transform(sp.csr_matrix(X)), dense.fit_transform(X))
    np.testing.assert_allclose(sparse.components_, dense.components_)
    np.testing.assert_allclose(sparse.transform(sp.csr_matrix(X)), dense.transform(X))

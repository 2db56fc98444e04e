import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.utils.estimator_checks import parametrize_with_checks

from sparselearn.datasets import make_least_squares
from sparselearn.sketching import SketchedLeastSquares


def _problem(n, d, cond, seed, noise=1e-3):
    """A with singular values from 1 to 1 / cond, b = A x + r with r orthogonal to range(A):
    x is the exact least-squares solution and ||r|| = noise."""
    return make_least_squares(n, d, cond=cond, noise=noise, random_state=seed)


@pytest.mark.parametrize("cond", [1.0, 1e6, 1e8])
@pytest.mark.parametrize("sketch", ["sparse_sign", "srht", "countsketch", "gaussian"])
def test_precondition_matches_lstsq(cond, sketch, global_random_seed):
    A, b, x_true = _problem(3000, 20, cond, global_random_seed)
    x_ref = np.linalg.lstsq(A, b, rcond=None)[0]
    reg = SketchedLeastSquares(sketch=sketch, fit_intercept=False,
                               random_state=global_random_seed).fit(A, b)
    res = np.linalg.norm(b - A @ reg.coef_)
    res_ref = np.linalg.norm(b - A @ x_ref)
    assert abs(res - res_ref) <= 1e-10 * res_ref
    err = np.linalg.norm(reg.coef_ - x_true)
    err_ref = np.linalg.norm(x_ref - x_true)
    # forward error: lstsq's own (rounding level) times 100, plus the cond * 1e-14 * ||x|| a
    # solver stopped at a relative residual of 1e-13 may add (measured worst over seeds 0-19:
    # 103x err_ref at cond 1e6 with the sparse-sign sketch, within this bound)
    assert err <= 100 * max(err_ref, 1e-15) + cond * 1e-14 * np.linalg.norm(x_true)
    assert 0 < reg.n_iter_ <= 100 and reg.sketch_size_ == 160


def test_sketch_and_solve_residual_bound(global_random_seed):
    A, b, _ = _problem(4000, 20, 1e3, global_random_seed, noise=1.0)
    res_ref = np.linalg.norm(b - A @ np.linalg.lstsq(A, b, rcond=None)[0])
    for sketch in ["sparse_sign", "srht", "gaussian"]:
        reg = SketchedLeastSquares(method="sketch_and_solve", sketch=sketch, fit_intercept=False,
                                   random_state=global_random_seed).fit(A, b)
        ratio = np.linalg.norm(b - A @ reg.coef_) / res_ref
        # 1 + d/(k - d) = 1.14 in expectation for a Gaussian sketch at k = 8 d
        assert 1.0 <= ratio < 1.25
        assert reg.n_iter_ == 1


def test_intercept_and_sparse_match_linear_regression(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    X = sp.random(2000, 15, density=0.1, random_state=global_random_seed, format="csr")
    X = X + sp.csr_matrix(np.eye(2000, 15))  # full column rank
    y = X @ rng.standard_normal(15) + 3.0 + 0.1 * rng.standard_normal(2000)
    ref = LinearRegression().fit(X.toarray(), y)
    for data in (X, X.tocsc(), X.toarray()):
        reg = SketchedLeastSquares(random_state=global_random_seed).fit(data, y)
        np.testing.assert_allclose(reg.coef_, ref.coef_, rtol=1e-9, atol=1e-11)
        assert abs(reg.intercept_ - ref.intercept_) < 1e-9
        np.testing.assert_allclose(reg.predict(data), ref.predict(X.toarray()), atol=1e-9)


@pytest.mark.parametrize("method", ["sketch_and_precondition", "sketch_and_solve"])
def test_ridge_matches_sklearn(method, global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    X = rng.standard_normal((1500, 12))
    y = X @ rng.standard_normal(12) + rng.standard_normal(1500)
    ref = Ridge(alpha=50.0).fit(X, y)
    reg = SketchedLeastSquares(method=method, l2_reg=50.0,
                               random_state=global_random_seed).fit(X, y)
    if method == "sketch_and_precondition":
        np.testing.assert_allclose(reg.coef_, ref.coef_, rtol=1e-9, atol=1e-9)
    else:  # sketch-and-solve: a (1 + eps)-approximate ridge objective (seeds 0-5: <= 1.26)
        def ridge_objective(coef, intercept):
            return np.sum((y - X @ coef - intercept) ** 2) + 50.0 * np.sum(coef**2)

        ratio = ridge_objective(reg.coef_, reg.intercept_) / ridge_objective(ref.coef_,
                                                                               ref.intercept_)
        assert 1.0 - 1e-12 <= ratio <= 1.5
    # l2_reg also reaches the direct (small problem) path
    small = SketchedLeastSquares(l2_reg=50.0, sketch_size=5000).fit(X, y)
    assert small.sketch_size_ == 0
    np.testing.assert_allclose(small.coef_, ref.coef_, rtol=1e-9)


def test_rank_deficient_gives_min_norm_solution():
    rng = np.random.default_rng(0)
    B = rng.standard_normal((2000, 5))
    A = np.hstack([B, B[:, :2] + B[:, 2:4]])  # rank 5, 7 columns
    b = rng.standard_normal(2000)
    x_ref = np.linalg.lstsq(A, b, rcond=None)[0]
    reg = SketchedLeastSquares(fit_intercept=False, random_state=0).fit(A, b)
    assert reg.rank_ == 5
    np.testing.assert_allclose(reg.coef_, x_ref, atol=1e-9)


def test_float32_kept():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((600, 4)).astype(np.float32)
    y = (X @ np.arange(4.0)).astype(np.float32)
    reg = SketchedLeastSquares(random_state=0).fit(X, y)
    assert reg.coef_.dtype == np.float32
    np.testing.assert_allclose(reg.coef_, np.arange(4.0), atol=1e-5)


def test_convergence_warning_at_max_iter():
    A, b, _ = _problem(2000, 10, 1e6, 0)
    with pytest.warns(ConvergenceWarning, match="max_iter"):
        SketchedLeastSquares(max_iter=1, fit_intercept=False, random_state=0).fit(A, b)


def test_bad_parameters():
    X, y = np.ones((50, 2)), np.ones(50)
    with pytest.raises(ValueError, match="sketch_size"):
        SketchedLeastSquares(sketch_size=0).fit(X, y)
    with pytest.raises(ValueError, match="l2_reg"):
        SketchedLeastSquares(l2_reg=-1.0).fit(X, y)
    with pytest.raises(ValueError, match="sketch"):
        SketchedLeastSquares(sketch="fourier").fit(X, y)
    X_nan = X.copy()
    X_nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        SketchedLeastSquares().fit(X_nan, y)


def test_verbose_default_is_int_zero():
    default = SketchedLeastSquares().verbose
    assert type(default) is int and default == 0


def test_verbose_prints(capsys):
    A, b, _ = _problem(1000, 5, 10.0, 0)
    SketchedLeastSquares(verbose=1, random_state=0).fit(A, b)
    assert "SketchedLeastSquares" in capsys.readouterr().out


def _expected_failed_checks(estimator):
    if estimator.method == "sketch_and_solve":
        # sketch-and-solve returns the solution of a random sketch of the data: repeating
        # rows changes n_samples and hence the sketch, so weights and repetitions give
        # different (equally valid) approximations. Sketch-and-precondition passes.
        reason = "sketch-and-solve sketches repeated rows differently from weighted rows"
        return {
            "check_sample_weight_equivalence_on_dense_data": reason,
            "check_sample_weight_equivalence_on_sparse_data": reason,
        }
    return {}


@parametrize_with_checks(
    [
        SketchedLeastSquares(random_state=0),
        SketchedLeastSquares(method="sketch_and_solve", sketch="srht", sketch_size=4,
                             random_state=0),
    ],
    expected_failed_checks=_expected_failed_checks,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.mark.parametrize("l2_reg", [0.0, 10.0])
def test_sample_weight_matches_sklearn(l2_reg, global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    X = rng.standard_normal((1500, 8)) * np.logspace(0, -3, 8)
    y = X @ rng.standard_normal(8) + 1.5 + 0.1 * rng.standard_normal(1500)
    w = rng.exponential(size=1500)
    w[:100] = 0.0
    ref = Ridge(alpha=l2_reg, solver="svd").fit(X, y, sample_weight=w) if l2_reg else (
        LinearRegression().fit(X, y, sample_weight=w))
    for data in (X, sp.csr_matrix(X)):
        reg = SketchedLeastSquares(l2_reg=l2_reg, random_state=global_random_seed)
        reg.fit(data, y, sample_weight=w)
        np.testing.assert_allclose(reg.coef_, ref.coef_, rtol=1e-8, atol=1e-10)
        assert abs(reg.intercept_ - ref.intercept_) < 1e-8
    # integer weights = repeated rows
    counts = rng.integers(0, 3, size=1500)
    rep = SketchedLeastSquares(random_state=0).fit(np.repeat(X, counts, axis=0),
                                                   np.repeat(y, counts))
    wtd = SketchedLeastSquares(random_state=0).fit(X, y, sample_weight=counts)
    np.testing.assert_allclose(wtd.coef_, rep.coef_, rtol=1e-8, atol=1e-10)
    with pytest.raises(ValueError, match="sample_weight"):
        SketchedLeastSquares().fit(X, y, sample_weight=np.ones(10))


@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "csr"])
def test_multi_output_matches_linear_regression(rng, sparse):
    """A 2-D y: one sketch and preconditioner for every column, coef_ of shape
    (n_targets, n_features) and intercept_ per target, as LinearRegression."""
    from sklearn.linear_model import LinearRegression

    A = rng.standard_normal((3000, 15)) + 3.0
    Y = A @ rng.standard_normal((15, 3)) + rng.standard_normal((3000, 3)) + 5.0
    weights = rng.uniform(0.5, 2.0, 3000)
    X = sp.csr_matrix(A) if sparse else A
    ours = SketchedLeastSquares(random_state=0).fit(X, Y, sample_weight=weights)
    ref = LinearRegression().fit(A, Y, sample_weight=weights)
    assert ours.coef_.shape == (3, 15) and ours.intercept_.shape == (3,)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-9)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-8)
    np.testing.assert_allclose(ours.predict(X), ref.predict(A), atol=1e-8)
    one = SketchedLeastSquares(random_state=0).fit(X, Y[:, 1], sample_weight=weights)
    np.testing.assert_allclose(one.coef_, ours.coef_[1], atol=1e-10)


@pytest.mark.parametrize("cond", [1e4, 1e6])
@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "csr"])
def test_forward_error_bound(cond, sparse, global_random_seed):
    """The forward error of a backward-stable solver, u (cond + cond^2 ||r|| / (||A|| ||x||)),
    up to a small constant (||A|| = ||x|| = 1 here). Measured worst over seeds 0-19: 0.023 of
    the bound (lstsq: 0.014); the stopping rule of the CG phase alone (backward error <= 1e-13)
    reached 26 times the bound at cond 1e6, ||r|| = 1e-6."""
    noise = 1e-6
    A, b, x_true = _problem(3000, 20, cond, global_random_seed, noise=noise)
    bound = np.finfo(np.float64).eps * (cond + cond**2 * noise)
    data = sp.csr_matrix(A) if sparse else A
    reg = SketchedLeastSquares(fit_intercept=False, random_state=global_random_seed).fit(data, b)
    assert np.linalg.norm(reg.coef_ - x_true) <= 0.1 * bound
    # the Gram phase: a few passes over A, not the 15-20 CG iterations
    assert reg.n_iter_ <= 8


def test_csr_gram_matches_dense(rng):
    from sparselearn._core.sketch_lsq import csr_gram

    A = sp.random(300, 12, density=0.2, random_state=0, format="csr")
    G = np.zeros((12, 12))
    csr_gram(A.data, A.indices, A.indptr, G)
    np.testing.assert_allclose(G, (A.T @ A).toarray(), rtol=1e-13, atol=1e-14)


@pytest.mark.parametrize("weighted", [False, True])
def test_gram_centering_matches_explicit(rng, weighted):
    """A_c^T A_c of the implicitly centered (and weighted) matrix, dense and CSR, also when the
    mean dominates the spread (dense: centered block by block; CSR: no Gram phase)."""
    from sparselearn.sketching._linear_ops import CSROps, DenseOps

    for scale in (0.1, 1e3):
        A = rng.standard_normal((500, 6)) + scale
        root_w = np.sqrt(rng.uniform(0.5, 2.0, 500)) if weighted else None
        r = np.ones(500) if root_w is None else root_w
        A_w = A * r[:, None]
        offset = (r @ A_w) / (r @ r)
        A_c = A_w - np.outer(r, offset)
        G = DenseOps(A_w, offset, root_w).gram()
        np.testing.assert_allclose(G, A_c.T @ A_c, rtol=1e-10, atol=1e-8)
        G_csr = CSROps(sp.csr_matrix(A_w), offset, root_w).gram()
        if scale > 1:
            assert G_csr is None
        else:
            np.testing.assert_allclose(G_csr, A_c.T @ A_c, rtol=1e-10, atol=1e-8)


def test_gram_phase_hands_over_when_stalled():
    """A Gram factor too inaccurate for the corrections to contract: the CG phase takes over
    from where the Gram phase stopped and still reaches lstsq."""
    from sparselearn.sketching._least_squares import _refine
    from sparselearn.sketching._linear_ops import DenseOps

    A, b, _ = _problem(2000, 10, 1e3, 0)
    M = np.linalg.inv(np.linalg.qr(A)[1])  # A M orthonormal: the ideal preconditioner
    # a factor of 3 I (not I): each correction is a third of the right one, contraction 2/3
    chol = np.sqrt(3.0) * np.eye(10)
    x, n_iter, converged = _refine(DenseOps(A, np.zeros(10)), b, M, chol, np.zeros(10),
                                   0.0, 1.0, 1e-13, 100, 0)
    x_ref = np.linalg.lstsq(A, b, rcond=None)[0]
    assert converged and n_iter > 1
    np.testing.assert_allclose(x, x_ref, rtol=1e-9)


def _unsorted(X):
    """``X`` (CSR or CSC) with each row's (column's) entries stored in reverse order."""
    X = X.copy()
    for k in range(X.shape[0] if X.format == "csr" else X.shape[1]):
        lo, hi = X.indptr[k], X.indptr[k + 1]
        X.indices[lo:hi] = X.indices[lo:hi][::-1].copy()
        X.data[lo:hi] = X.data[lo:hi][::-1].copy()
    X.has_sorted_indices = False
    return X


def test_unsorted_sparse_input_is_left_as_given(rng):
    X = sp.random(300, 8, density=0.3, random_state=0, format="csr") + sp.csr_matrix(
        np.eye(300, 8))
    y = X @ rng.standard_normal(8) + 0.01 * rng.standard_normal(300)
    ref = SketchedLeastSquares(random_state=0).fit(X, y)
    Xu = _unsorted(X)
    indices = Xu.indices.copy()
    reg = SketchedLeastSquares(random_state=0).fit(Xu, y)
    np.testing.assert_array_equal(Xu.indices, indices)  # the caller's matrix is not sorted
    np.testing.assert_allclose(reg.coef_, ref.coef_, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(reg.predict(Xu), ref.predict(X), rtol=1e-10, atol=1e-12)

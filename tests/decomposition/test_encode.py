import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.decomposition import sparse_encode as sk_sparse_encode
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import orthogonal_mp_gram

from sparselearn.decomposition import sparse_encode
from sparselearn._core.encode import lipschitz as _lipschitz
from sparselearn.decomposition._synthetic import planted_dictionary_data
from sparselearn.penalties import CEL0, L0, L1, MCP, SCAD, Lq

NONCONVEX = ["l0", "mcp", "scad", "lq", "cel0"]


def _unit_dictionary(rng, n_components, n_features):
    D = rng.standard_normal((n_components, n_features))
    return D / np.linalg.norm(D, axis=1, keepdims=True)


def _exact_support(codes, truth):
    return np.mean([np.array_equal(np.flatnonzero(c), np.flatnonzero(t)) for c, t in zip(codes, truth)])


# ---------------------------------------------------------------------------- greedy coders


@pytest.mark.parametrize("n_nonzero_coefs", [1, 5, 12])
def test_omp_matches_sklearn(rng, n_nonzero_coefs):
    D = _unit_dictionary(rng, 60, 30)
    X = rng.standard_normal((40, 30))
    codes = sparse_encode(X, D, algorithm="omp", n_nonzero_coefs=n_nonzero_coefs)
    ref = orthogonal_mp_gram(D @ D.T, D @ X.T, n_nonzero_coefs=n_nonzero_coefs).T
    np.testing.assert_allclose(codes, ref, atol=1e-10)
    assert np.all(np.count_nonzero(codes, axis=1) == n_nonzero_coefs)


def test_omp_residual_tolerance_matches_sklearn(rng):
    D = _unit_dictionary(rng, 50, 20)
    X = rng.standard_normal((30, 20))
    tol = 0.3 * np.mean(np.sum(X**2, axis=1))
    codes = sparse_encode(X, D, algorithm="omp", alpha=tol)
    ref = orthogonal_mp_gram(D @ D.T, D @ X.T, tol=tol, norms_squared=np.sum(X**2, axis=1)).T
    # scikit-learn always takes one step before testing tol; a signal whose squared norm is
    # already within tol needs no atom, and gets none here
    small = np.sum(X**2, axis=1) <= tol
    np.testing.assert_allclose(codes[~small], ref[~small], atol=1e-10)
    assert np.all(codes[small] == 0)
    assert np.all(np.sum((X - codes @ D) ** 2, axis=1) <= tol + 1e-9)


@pytest.mark.parametrize("algorithm", ["omp", "iht", "mp"])
def test_planted_support_recovery(global_random_seed, algorithm):
    # classical regime: m = 100 features, n = 256 atoms, k <= 10 non-zeros, noiseless
    k = 10 if algorithm != "mp" else 4
    X, D, C = planted_dictionary_data(40, 256, 100, k, random_state=global_random_seed)
    codes = sparse_encode(X, D, algorithm=algorithm, n_nonzero_coefs=k, max_iter=300, tol=1e-10)
    hit = np.all((codes != 0) == (C != 0), axis=1)
    # k = 10 with m = 100 is beyond OMP's coherence guarantee: a greedy step can go wrong on
    # an occasional signal (1 of 40 at seed 6), and then scikit-learn's OMP misses it too
    assert hit.mean() >= 0.95
    if algorithm == "omp":
        ref = orthogonal_mp_gram(D @ D.T, D @ X.T, n_nonzero_coefs=k).T
        np.testing.assert_array_equal(hit, np.all((ref != 0) == (C != 0), axis=1))
    if algorithm != "mp":
        np.testing.assert_allclose(codes[hit], C[hit], atol=1e-6)


def test_mp_residual_decreases_and_tol(rng):
    D = _unit_dictionary(rng, 40, 20)
    X = rng.standard_normal((10, 20))
    errors = [np.sum((X - sparse_encode(X, D, algorithm="mp", n_nonzero_coefs=k) @ D) ** 2)
              for k in (1, 2, 4, 8)]
    assert np.all(np.diff(errors) < 0)
    target = 0.5 * np.min(np.sum(X**2, axis=1))
    codes = sparse_encode(X, D, algorithm="mp", alpha=target, max_iter=1000)
    assert np.all(np.sum((X - codes @ D) ** 2, axis=1) <= target + 1e-12)


def test_topk_and_threshold(rng):
    D = _unit_dictionary(rng, 30, 10)
    X = rng.standard_normal((8, 10))
    cov = X @ D.T
    codes = sparse_encode(X, D, algorithm="topk", n_nonzero_coefs=3)
    for c, r in zip(codes, cov):
        keep = np.argsort(-np.abs(r))[:3]
        np.testing.assert_array_equal(np.flatnonzero(c), np.sort(keep))
        np.testing.assert_allclose(c[keep], r[keep])
    pos = sparse_encode(X, D, algorithm="topk", n_nonzero_coefs=3, positive=True)
    assert np.all(pos >= 0)
    ours = sparse_encode(X, D, algorithm="threshold", alpha=0.4)
    ref = sk_sparse_encode(X, D, algorithm="threshold", alpha=0.4)
    np.testing.assert_allclose(ours, ref, atol=1e-12)


def test_iht_objective_not_worse_than_topk(rng):
    X, D, _ = planted_dictionary_data(20, 80, 40, 6, noise=0.1, random_state=1)
    topk = sparse_encode(X, D, algorithm="topk", n_nonzero_coefs=6)
    iht = sparse_encode(X, D, algorithm="iht", n_nonzero_coefs=6, max_iter=500)
    assert np.all(np.count_nonzero(iht, axis=1) <= 6)
    assert np.sum((X - iht @ D) ** 2) < np.sum((X - topk @ D) ** 2)


# ---------------------------------------------------------------------------- penalized coders


@pytest.mark.parametrize("algorithm", ["cd", "fista"])
@pytest.mark.parametrize("positive", [False, True])
def test_l1_codes_match_cvxpy(rng, algorithm, positive):
    cp = pytest.importorskip("cvxpy")
    D = _unit_dictionary(rng, 40, 20)
    X = rng.standard_normal((3, 20))
    alpha = 0.2
    codes = sparse_encode(X, D, algorithm=algorithm, penalty="l1", alpha=alpha, tol=1e-12,
                          max_iter=100_000, positive=positive)
    for x, code in zip(X, codes):
        c = cp.Variable(40, nonneg=positive)
        cp.Problem(cp.Minimize(0.5 * cp.sum_squares(x - D.T @ c) + alpha * cp.norm1(c))).solve(
            solver=cp.CLARABEL, tol_gap_abs=1e-12, tol_gap_rel=1e-12, tol_feas=1e-12)
        np.testing.assert_allclose(code, c.value, atol=1e-6)


def test_lasso_cd_matches_sklearn(rng):
    D = _unit_dictionary(rng, 50, 25)
    X = rng.standard_normal((10, 25))
    ours = sparse_encode(X, D, algorithm="lasso_cd", alpha=0.3, tol=1e-12, max_iter=10_000)
    ref = sk_sparse_encode(X, D, algorithm="lasso_lars", alpha=0.3)
    np.testing.assert_allclose(ours, ref, atol=1e-8)


def _smooth_patches(rng, n, size=8):
    """8x8 patches of a smooth random image (a 2-D random walk scaled to [0, 1]), not centred:
    atoms correlated through their mean, where optimality conditions relative to the largest
    correlation are a loose stopping rule."""
    image = np.cumsum(np.cumsum(rng.standard_normal((64, 64)), axis=0), axis=1)
    image = (image - image.min()) / (image.max() - image.min())
    corners = rng.integers(0, 64 - size + 1, size=(n, 2))
    return np.array([image[i:i + size, j:j + size].ravel() for i, j in corners])


def test_lasso_cd_default_tol_within_1e6_of_the_optimum(rng):
    """Issue 15: at the default tol, ``lasso_cd`` codes image patches over 100 data atoms within
    1e-6 relative of the optimal objective (each signal's duality gap, computed here in numpy,
    within 1e-6 of its objective); the fixed-point rule alone stopped 7e-6 to 1e-4 above it."""
    X = _smooth_patches(rng, 300)
    D = _smooth_patches(rng, 100)
    D /= np.linalg.norm(D, axis=1, keepdims=True)
    alpha = 0.1

    def objective(C):
        return 0.5 * np.sum((X - C @ D) ** 2, axis=1) + alpha * np.abs(C).sum(axis=1)

    def gap(C):
        R = X - C @ D
        s = np.minimum(1.0, alpha / np.abs(R @ D.T).max(axis=1))
        return objective(C) - (s * np.sum(X * R, axis=1) - 0.5 * s**2 * np.sum(R * R, axis=1))

    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        codes = sparse_encode(X, D, algorithm="lasso_cd", alpha=alpha)
    ref = sparse_encode(X, D, algorithm="lasso_cd", alpha=alpha, tol=1e-14, max_iter=10_000)
    assert np.all(gap(ref) <= 1e-10 * objective(ref))  # the reference is optimal
    assert np.all(gap(codes) <= 1e-6 * objective(codes))
    assert objective(codes).sum() - objective(ref).sum() <= 1e-6 * objective(ref).sum()
    # SparseCoder's transform (the same default tol) and the elastic net too
    from sparselearn.decomposition import SparseCoder

    coder = SparseCoder(D, transform_algorithm="lasso_cd", transform_alpha=alpha)
    assert objective(coder.transform(X)).sum() - objective(ref).sum() \
        <= 1e-6 * objective(ref).sum()


def _correlated_dictionary(rng, n_components, n_features):
    """Centred random walks: strongly correlated atoms spanning n_features - 1 dimensions (as
    centred image patches), where plain coordinate descent crawls."""
    D = np.cumsum(rng.standard_normal((n_components, n_features)), axis=1)
    D -= D.mean(axis=1, keepdims=True)
    return D / np.linalg.norm(D, axis=1, keepdims=True)


def _cvxpy_codes(cp, X, D, penalty_expr, nonneg=False):
    codes = []
    for x in X:
        c = cp.Variable(D.shape[0], nonneg=nonneg)
        cp.Problem(cp.Minimize(0.5 * cp.sum_squares(x - D.T @ c) + penalty_expr(c))).solve(
            solver=cp.CLARABEL, tol_gap_abs=1e-12, tol_gap_rel=1e-12, tol_feas=1e-12)
        codes.append(c.value)
    return np.array(codes)


@pytest.mark.parametrize("positive", [False, True])
def test_l1_cd_exact_on_correlated_rank_deficient_dictionary(global_random_seed, positive):
    """Working-set CD with exact support solves reaches the Lasso optimum (cvxpy) in a few outer
    iterations even at tol=1e-10, with supports filling much of the span (the regime of image
    patches, where plain coordinate descent needs hundreds of sweeps)."""
    cp = pytest.importorskip("cvxpy")
    from sparselearn.decomposition._encode import _sparse_encode

    rng = np.random.default_rng(global_random_seed)
    D = _correlated_dictionary(rng, 96, 24)
    X = np.cumsum(rng.standard_normal((4, 24)), axis=1)
    X -= X.mean(axis=1, keepdims=True)
    alpha = 0.02 * np.abs(X @ D.T).max()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        codes, n_iter = _sparse_encode(X, D, algorithm="cd", alpha=alpha, positive=positive,
                                       tol=1e-10, max_iter=30)
    ref = _cvxpy_codes(cp, X, D, lambda c: alpha * cp.norm1(c), nonneg=positive)

    def objective(C):
        return 0.5 * np.sum((X - C @ D) ** 2, axis=1) + alpha * np.abs(C).sum(axis=1)

    assert np.count_nonzero(codes, axis=1).max() >= 8
    np.testing.assert_array_less(objective(codes) - objective(ref), 1e-9 * objective(ref))
    np.testing.assert_allclose(codes, ref, atol=1e-6)
    # the default tol certifies a duality gap within 1e-6 of the objective
    default = sparse_encode(X, D, algorithm="cd", alpha=alpha, positive=positive)
    np.testing.assert_array_less(objective(default) - objective(ref), 1e-6 * objective(ref))


def test_elastic_net_and_unpenalized_atoms_match_cvxpy(rng):
    cp = pytest.importorskip("cvxpy")
    from sparselearn.penalties import ElasticNet

    D = _correlated_dictionary(rng, 60, 20)
    X = np.cumsum(rng.standard_normal((3, 20)), axis=1)
    alpha = 0.05 * np.abs(X @ D.T).max()
    codes = sparse_encode(X, D, algorithm="cd", penalty=ElasticNet(alpha=alpha, l1_ratio=0.7),
                          tol=1e-10)
    ref = _cvxpy_codes(cp, X, D, lambda c: alpha * (0.7 * cp.norm1(c) + 0.15 * cp.sum_squares(c)))
    np.testing.assert_allclose(codes, ref, atol=1e-6)

    weights = np.ones(60)
    weights[[3, 17]] = 0.0  # unpenalized atoms: no sign constraint in the support solve
    codes = sparse_encode(X, D, algorithm="cd", penalty=L1(alpha=alpha, weights=weights),
                          tol=1e-10)
    ref = _cvxpy_codes(cp, X, D, lambda c: alpha * cp.norm1(cp.multiply(weights, c)))
    np.testing.assert_allclose(codes, ref, atol=1e-5)


def test_l1_cd_with_duplicate_atoms_reaches_the_optimum(rng):
    """Duplicated atoms make the support Gram singular: the solver leaves the copy out or falls
    back to coordinate sweeps, and still reaches the optimal objective."""
    cp = pytest.importorskip("cvxpy")
    D = _unit_dictionary(rng, 30, 12)
    D = np.vstack([D, D[:10], -D[10:15]])
    X = rng.standard_normal((5, 12))
    alpha = 0.05
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        codes = sparse_encode(X, D, algorithm="cd", alpha=alpha, tol=1e-10)
    ref = _cvxpy_codes(cp, X, D, lambda c: alpha * cp.norm1(c))

    def objective(C):
        return 0.5 * np.sum((X - C @ D) ** 2, axis=1) + alpha * np.abs(C).sum(axis=1)

    np.testing.assert_allclose(objective(codes), objective(ref), rtol=1e-9)


def test_cholesky_delete_matches_refactorization(rng):
    from sparselearn._core.cholesky import chol_append, chol_delete, chol_restride

    A = rng.standard_normal((9, 30))
    G = A @ A.T + 0.1 * np.eye(9)
    active = np.arange(9, dtype=np.int64)
    ridge = np.zeros(9)
    ld = 4
    chol = np.zeros(81)
    for k in range(9):
        if k == ld:
            chol_restride(chol, k, ld, 9)
            ld = 9
        assert chol_append(G, active, k, k, ridge, 1e-10, chol, ld)
    L = chol.reshape(9, 9)
    np.testing.assert_allclose(np.tril(L) @ np.tril(L).T, G, atol=1e-10)
    for a in (4, 0, 6):
        chol_delete(chol, 9, len(active), a)
        active = np.delete(active, a)
        k = len(active)
        L = chol.reshape(9, 9)[:k, :k]
        np.testing.assert_allclose(np.tril(L) @ np.tril(L).T, G[np.ix_(active, active)], atol=1e-10)
    # a dependent atom is refused and leaves the factor intact
    G2 = np.vstack([A[:3], A[:1]]) @ np.vstack([A[:3], A[:1]]).T
    chol2 = np.zeros(16)
    act2 = np.arange(4, dtype=np.int64)
    for k in range(3):
        assert chol_append(G2, act2, k, k, np.zeros(4), 1e-10, chol2, 4)
    assert not chol_append(G2, act2, 3, 3, np.zeros(4), 1e-10, chol2, 4)


def _fixed_point_scores(pen, codes, X, D, lipschitz):
    G = D @ D.T
    curvs = np.diag(G)
    grads = codes @ G - X @ D.T
    return np.array([pen.fixed_point_score(c, g, lipschitz, curvatures=curvs)
                     for c, g in zip(codes, grads)])


@pytest.mark.parametrize("name", NONCONVEX + ["l1"])
def test_codes_are_prox_fixed_points(global_random_seed, name):
    X, D, _ = planted_dictionary_data(15, 60, 30, 4, noise=0.05, random_state=global_random_seed)
    pen = {"l1": L1, "l0": L0, "mcp": MCP, "scad": SCAD, "lq": Lq, "cel0": CEL0}[name](alpha=0.05)
    G = D @ D.T
    for algorithm, lipschitz in (("cd", np.diag(G)), ("fista", _lipschitz(G))):
        codes = sparse_encode(X, D, algorithm=algorithm, penalty=pen, tol=1e-10, max_iter=20_000)
        scores = _fixed_point_scores(pen, codes, X, D, lipschitz)
        assert scores.max() <= 1e-7, (algorithm, scores.max())
        assert np.count_nonzero(codes) > 0


@pytest.mark.parametrize("name", NONCONVEX)
def test_nonconvex_improves_on_its_l1_start(name):
    X, D, _ = planted_dictionary_data(20, 60, 30, 4, noise=0.05, random_state=3)
    pen = {"l0": L0, "mcp": MCP, "scad": SCAD, "lq": Lq, "cel0": CEL0}[name](alpha=0.05)
    curvs = np.ones(60)

    def objective(codes):
        return 0.5 * np.sum((X - codes @ D) ** 2) + sum(pen.value(c, curvs) for c in codes)

    start = sparse_encode(X, D, algorithm="cd", alpha=pen.zero_threshold(1.0), tol=1e-10)
    codes = sparse_encode(X, D, algorithm="cd", penalty=pen, tol=1e-10)
    assert objective(codes) < objective(start)
    again = sparse_encode(X, D, algorithm="cd", penalty=pen, init=start, tol=1e-10)
    np.testing.assert_allclose(codes, again, atol=1e-12)


def test_nonconvex_warm_start_beats_zero_start():
    # l0 coding of a planted, noisy problem: the default start (l1 solution) keeps the support
    X, D, C = planted_dictionary_data(60, 256, 100, 8, noise=0.02, random_state=0)
    exact = {}
    for init in ("l1", "zeros"):
        codes = sparse_encode(X, D, algorithm="fista", penalty="l0", alpha=0.02, init=init,
                              tol=1e-8, max_iter=5000)
        exact[init] = _exact_support(codes, C)
    assert exact["l1"] >= 0.9
    assert exact["l1"] > exact["zeros"]


# ---------------------------------------------------------------------------- input handling


def test_float32_kept_and_sparse_equals_dense(rng):
    D = _unit_dictionary(rng, 30, 12)
    X = rng.standard_normal((10, 12))
    X[X < 0.3] = 0.0
    for algorithm in ("omp", "cd", "fista", "iht", "mp", "topk", "threshold"):
        dense = sparse_encode(X, D, algorithm=algorithm, n_nonzero_coefs=3, alpha=None)
        assert dense.dtype == np.float64
        assert sparse_encode(X.astype(np.float32), D, algorithm=algorithm,
                             n_nonzero_coefs=3).dtype == np.float32
        np.testing.assert_allclose(sparse_encode(sp.csr_matrix(X), D, algorithm=algorithm,
                                                 n_nonzero_coefs=3), dense, atol=1e-12)


def test_precomputed_gram_and_cov(rng):
    D = _unit_dictionary(rng, 30, 12)
    X = rng.standard_normal((10, 12))
    for algorithm in ("omp", "cd"):
        a = sparse_encode(X, D, algorithm=algorithm, alpha=0.1 if algorithm == "cd" else None)
        b = sparse_encode(X, D, gram=D @ D.T, cov=D @ X.T, algorithm=algorithm,
                          alpha=0.1 if algorithm == "cd" else None)
        np.testing.assert_allclose(a, b)


def test_bad_input(rng):
    D = _unit_dictionary(rng, 20, 10)
    X = rng.standard_normal((5, 10))
    with pytest.raises(ValueError, match="zero atoms"):
        sparse_encode(X, np.vstack([D, np.zeros(10)]))
    with pytest.raises(ValueError, match="features"):
        sparse_encode(X, D[:, :8])
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        sparse_encode(bad, D)
    with pytest.raises(ValueError, match="n_features"):
        sparse_encode(X, D, algorithm="omp", n_nonzero_coefs=11)
    with pytest.raises(ValueError, match="n_nonzero_coefs"):
        sparse_encode(X, D, algorithm="topk", n_nonzero_coefs=21)
    with pytest.raises(ValueError, match="alpha"):
        sparse_encode(X, D, algorithm="cd", alpha=-1.0)
    with pytest.raises(ValueError, match="algorithm"):
        sparse_encode(X, D, algorithm="lars_path")
    with pytest.raises(ValueError, match="positive"):
        sparse_encode(X, D, algorithm="omp", positive=True)
    with pytest.raises(ValueError, match="gamma"):
        sparse_encode(X, D, algorithm="cd", penalty=MCP(gamma=0.5))
    with pytest.raises(ValueError, match="init"):
        sparse_encode(X, D, algorithm="cd", init=np.zeros((4, 20)))


def test_convergence_warning():
    X, D, _ = planted_dictionary_data(5, 40, 20, 4, noise=0.1, random_state=0)
    for algorithm in ("cd", "fista"):
        with pytest.warns(ConvergenceWarning, match="max_iter"):
            sparse_encode(X, D, algorithm=algorithm, alpha=0.01, max_iter=1, tol=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sparse_encode(X, D, algorithm="cd", alpha=0.01, tol=1e-8)


def test_parallel_equals_serial(rng):
    # n_jobs > 1 runs the threaded twin of each kernel (more than 16 signals): same codes
    X, D, _ = planted_dictionary_data(30, 50, 20, 3, noise=0.1, random_state=0)
    for algorithm in ("omp", "mp", "iht", "lars", "lasso_lars", "cd", "fista"):
        np.testing.assert_array_equal(sparse_encode(X, D, algorithm=algorithm, alpha=None, n_jobs=1),
                                      sparse_encode(X, D, algorithm=algorithm, alpha=None, n_jobs=-1))

"""The duality-gap certificate of the L1 / elastic-net Gram coder (sparselearn._core.coding)."""

import numpy as np
import pytest

from sparselearn._core import coding as _coding
from sparselearn.penalties import L1, ElasticNet


def _patches(rng, n, size=8):
    """Patches of a smooth random image (a 2-D random walk scaled to [0, 1]), not centred: the
    atoms are strongly correlated through their mean, the hard case of the fixed-point rule."""
    image = np.cumsum(np.cumsum(rng.standard_normal((64, 64)), axis=0), axis=1)
    image = (image - image.min()) / (image.max() - image.min())
    corners = rng.integers(0, 64 - size + 1, size=(n, 2))
    return np.array([image[i:i + size, j:j + size].ravel() for i, j in corners])


def _gap_numpy(X, D, codes, lam, ridge, positive):
    """Per-signal duality gap and primal of ``0.5 ||x - c D||^2 + lam |c|_1 + ridge c^2 / 2``
    with the dual point of scikit-learn's ``enet_coordinate_descent_gram``, written on the
    residual itself (augmented with ``-sqrt(ridge) c`` for the elastic net)."""
    R = X - codes @ D
    R_aug = np.hstack([R, -np.sqrt(ridge) * codes])
    corr = R @ D.T - ridge * codes
    worst = np.maximum(corr, 0.0) if positive else np.abs(corr)
    s = np.minimum(1.0, np.min(lam / np.maximum(worst, 1e-300), axis=1))
    primal = 0.5 * np.sum(R_aug**2, axis=1) + np.sum(lam * np.abs(codes), axis=1)
    dual = s * np.sum(X * R, axis=1) - 0.5 * s**2 * np.sum(R_aug**2, axis=1)
    return primal - dual, primal


@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("ridge_scale", [0.0, 0.5])
def test_gap_kernel_matches_numpy(rng, positive, ridge_scale):
    X = _patches(rng, 20)
    D = _patches(rng, 30)
    D /= np.linalg.norm(D, axis=1, keepdims=True)
    G = np.ascontiguousarray(D @ D.T)
    lam = rng.uniform(0.05, 0.2, 30)
    ridge = ridge_scale * rng.uniform(size=30)
    codes = rng.standard_normal((20, 30)) * (rng.uniform(size=(20, 30)) < 0.3)
    if positive:
        codes = np.abs(codes)
    expected_gap, expected_primal = _gap_numpy(X, D, codes, lam, ridge, positive)
    for i in range(20):
        cov = D @ X[i]
        gap, primal = _coding._l1_gap(cov, cov - G @ codes[i], codes[i].copy(), lam, ridge,
                                      positive, float(X[i] @ X[i]))
        np.testing.assert_allclose(gap, expected_gap[i], rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(primal, expected_primal[i], rtol=1e-12)
    # at the optimum (zero code of a signal whose correlations are all below lam) the gap is 0
    gap, _ = _coding._l1_gap(np.full(30, 0.01), np.full(30, 0.01), np.zeros(30), lam, ridge,
                             positive, 1.0)
    assert gap == 0.0


def _patch_problem(rng, n_signals, pen):
    """Uncentred patches over 100 unit-norm patch atoms: signals, atoms, Gram matrix,
    correlations, and the penalty's per-atom L1 level and ridge."""
    X = _patches(rng, n_signals)
    D = _patches(rng, 100)
    D /= np.linalg.norm(D, axis=1, keepdims=True)
    weights = pen._weights(100)
    l1_ratio = 1.0 if isinstance(pen, L1) else pen.l1_ratio
    lam = pen.alpha * l1_ratio * weights
    ridge = pen.alpha * (1.0 - l1_ratio) * weights
    return X, D, np.ascontiguousarray(D @ D.T), np.ascontiguousarray(X @ D.T), lam, ridge


@pytest.mark.parametrize("pen", [L1(alpha=0.1), L1(alpha=0.1, positive=True),
                                 ElasticNet(alpha=0.15, l1_ratio=0.7)], ids=repr)
def test_cd_gram_certifies_each_code(rng, pen):
    """With the squared norms, every code's duality gap (numpy, independent of the kernel) is
    within ``GAP_FACTOR * tol`` of its objective."""
    X, D, G, cov, lam, ridge = _patch_problem(rng, 200, pen)
    weights = pen._weights(100)
    params = pen._params()
    args = (G, cov, None, pen._code, params, weights, np.ascontiguousarray(np.diag(G)), 1000, 1e-4)
    codes = np.zeros(cov.shape)
    _, converged = _coding.cd_gram(*args[:2], codes, *args[3:], np.einsum("ij,ij->i", X, X))
    assert converged.all()
    gap, primal = _gap_numpy(X, D, codes, lam, ridge, pen.positive)
    assert np.all(gap <= _coding.GAP_FACTOR * 1e-4 * primal + 1e-12)
    if pen.positive:
        assert codes.min() >= 0.0


@pytest.mark.parametrize("pen", [L1(alpha=0.1), L1(alpha=0.02, positive=True),
                                 ElasticNet(alpha=0.05, l1_ratio=0.7)], ids=repr)
def test_several_atoms_enter_per_outer_iteration(rng, pen):
    """Issue 15 item 4: on uncentred patches (atoms correlated through their mean) the newcomers
    enter at zero with the sign of their correlation and the exact support solve keeps those it
    confirms, so an outer iteration lets in several atoms: fewer outer iterations than non-zeros
    (a coordinate sweep deciding the newcomers let in about one per iteration, 0.9-1.2 per
    non-zero). At a tight tol the codes satisfy the optimality conditions to rounding level."""
    X, D, G, cov, lam, ridge = _patch_problem(rng, 100, pen)
    weights = pen._weights(100)
    norms_sq = np.einsum("ij,ij->i", X, X)
    for tol in (1e-4, 1e-14):
        codes = np.zeros(cov.shape)
        n_iters, converged = _coding.cd_gram(G, cov, codes, pen._code, pen._params(), weights,
                                             np.ascontiguousarray(np.diag(G)), 1000, tol, norms_sq)
        assert converged.all()
        nnz = np.count_nonzero(codes, axis=1)
        assert n_iters.sum() <= 0.8 * nnz.sum()
    corr = cov - codes @ G - ridge * codes  # optimality conditions at tol = 1e-14
    scale = np.abs(cov).max()
    on = codes != 0.0
    np.testing.assert_allclose(corr[on], (lam * np.sign(codes))[on], atol=1e-9 * scale)
    off = np.maximum(corr, 0.0) if pen.positive else np.abs(corr)
    assert np.all(off[~on] <= (lam + 1e-9 * scale)[np.nonzero(~on)[1]])
    if pen.positive:
        assert codes.min() >= 0.0


def test_warm_start_reaches_the_cold_optimum(rng):
    """From a non-optimal start (a learner's previous codes) every signal converges, including
    those where every newcomer is refused at first (the support is re-solved, then the worst
    violator enters alone), and reaches the optimum of the cold start."""
    X = _patches(rng, 100)
    X -= X.mean(axis=0)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    D = X[rng.choice(100, 16, replace=False)] + 0.1 * rng.standard_normal((16, 64))
    D /= np.linalg.norm(D, axis=1, keepdims=True)
    G = np.ascontiguousarray(D @ D.T)
    cov = np.ascontiguousarray(X @ D.T)
    pen = L1(alpha=0.1)
    args = (pen._code, pen._params(), pen._weights(16), np.ascontiguousarray(np.diag(G)), 1000)
    norms_sq = np.einsum("ij,ij->i", X, X)
    start = rng.standard_normal(cov.shape) * (rng.uniform(size=cov.shape) < 0.4)
    results = []
    for init in (start, np.zeros(cov.shape)):
        codes = init.copy()
        _, converged = _coding.cd_gram(G, cov, codes, *args, 1e-14, norms_sq)
        assert converged.all()
        results.append(codes)
    np.testing.assert_allclose(results[0], results[1], atol=1e-9)

"""One coordinate descent: the design form (GLM) and the Gram form (coding) share the update."""

import numpy as np
import pytest

from sparselearn._core import cd
from sparselearn._core import prox as P


@pytest.mark.parametrize("pcode, shape", [(P.L1, 0.0), (P.MCP, 3.0), (P.L0, 0.0)])
def test_coordinate_update_minimizes_along_the_coordinate(pcode, shape):
    params = np.array([0.4, shape, 0.0, 0.0])
    grid = np.linspace(-6, 6, 24001)
    for old, grad, lipschitz in [(0.0, 1.3, 2.0), (1.0, -0.2, 0.7), (-2.0, 3.0, 1.5)]:
        new = cd.coordinate_update(pcode, params, 1.0, 0.0, old, grad, lipschitz)

        def model(x):
            return (grad * (x - old) + 0.5 * lipschitz * (x - old) ** 2
                    + P.value_1d(pcode, params, 1.0, 0.0, x))

        assert model(new) <= min(model(x) for x in grid) + 1e-12


def test_design_and_gram_forms_reach_the_same_lasso(rng):
    X = np.asfortranarray(rng.standard_normal((40, 15)))
    y = X[:, :3] @ np.array([1.0, -2.0, 0.5]) + 0.1 * rng.standard_normal(40)
    params, weights, curvs = np.array([0.1, 0, 0, 0]), np.ones(15), np.zeros(15)
    n = 40
    # design form: quadratic model at w = 0 with h = 1 / n (exact for least squares)
    d = -y / n
    h = np.full(n, 1.0 / n)
    lipschitz = (X ** 2).sum(0) / n
    w, b = np.zeros(15), np.zeros(1)
    empty = np.zeros(0)
    idx = np.zeros(0, np.int32)
    cd.model_cd(X, empty, idx, idx, False, d, h, 1.0 / n, X.T @ d, 0.0, w, b, False,
                np.arange(15), lipschitz, 0.0, np.zeros(15), P.L1, params, weights, curvs,
                100_000, 1e-13, 0)
    # Gram form: 0.5 c^T G c - c^T cov with G = X^T X / n, cov = X^T y / n
    G = X.T @ X / n
    code = np.zeros(15)
    residual = X.T @ y / n
    cd.gram_cd_sweeps(G, residual, code, np.arange(15), 15, P.L1, params, weights, curvs, 1e-13,
                      100_000, True)
    np.testing.assert_allclose(w, code, atol=1e-10)
    # and both satisfy the Lasso optimality conditions
    grad = X.T @ (X @ w - y) / n
    assert np.max(P.subdiff_distances(P.L1, params, weights, curvs, w, grad)) <= 1e-9


def test_centred_moves_make_the_intercept_model_offset_free(rng):
    """With an intercept, model_cd on raw columns takes the iterates of the centred columns."""
    n, p = 60, 8
    Xc = rng.standard_normal((n, p))
    Xc -= Xc.mean(0)
    offsets = rng.uniform(-20, 20, p)
    y = Xc[:, :2] @ np.array([1.5, -1.0]) + 4.0 + 0.1 * rng.standard_normal(n)
    params, weights, curvs = np.array([0.05, 0, 0, 0]), np.ones(p), np.zeros(p)
    h = np.full(n, 1.0 / n)
    empty, idx = np.zeros(0), np.zeros(0, np.int32)
    results = []
    for X in (Xc, Xc + offsets):
        X = np.asfortranarray(X)
        d = -y / n  # quadratic datafit at w = 0, b = 0
        h_cols = X.T @ h
        mu = h_cols / h.sum()
        lipschitz = ((X - mu) ** 2 * h[:, None]).sum(0)
        w, b = np.zeros(p), np.zeros(1)
        _, n_epochs = cd.model_cd(X, empty, idx, idx, False, d, h, 1.0 / n, X.T @ d, d.sum(), w, b,
                                  True, np.arange(p), lipschitz, 1.0, h_cols, P.L1, params,
                                  weights, curvs, 10_000, 1e-12, 0)
        results.append((w, b[0] + mu @ w, n_epochs))
    (w0, c0, e0), (w1, c1, e1) = results
    np.testing.assert_allclose(w1, w0, atol=1e-10)
    assert c1 == pytest.approx(c0, abs=1e-9)  # the same intercept of the centred model
    assert e1 == e0

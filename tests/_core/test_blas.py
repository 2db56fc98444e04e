"""The kernels' direct BLAS calls (sparselearn._core.blas) against NumPy's products."""

import numpy as np
import pytest

from sparselearn._core.blas import gemm, gemv

SHAPES = [(1, 1, 1), (2, 7, 3), (7, 2, 5), (5, 4, 1), (0, 3, 2), (3, 0, 2), (4, 3, 0)]


@pytest.mark.parametrize("m, n, k", SHAPES)
def test_gemv_matches_numpy(rng, m, n, k):
    A = rng.standard_normal((m, n))
    x = rng.standard_normal(n)
    x_t = rng.standard_normal(m)
    out = np.full(m, np.nan)  # overwritten, whatever it held
    assert gemv(A, x, out, np.bool_(False)) is out
    np.testing.assert_allclose(out, A @ x, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(gemv(A, x_t, np.full(n, np.nan), np.bool_(True)), A.T @ x_t,
                               rtol=1e-12, atol=1e-12)
    # a Fortran-ordered matrix enters as its (C-ordered) transpose with the other flag
    F = np.asfortranarray(rng.standard_normal((n, m)))
    np.testing.assert_allclose(gemv(F.T, x_t, np.empty(n), np.bool_(True)), F @ x_t,
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(gemv(F.T, x, np.empty(m), np.bool_(False)), F.T @ x,
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("m, n, k", SHAPES)
def test_gemm_matches_numpy(rng, m, n, k):
    A = rng.standard_normal((m, k))
    B = rng.standard_normal((k, n))
    out = np.full((m, n), np.nan)
    assert gemm(A, B, out, np.bool_(False)) is out
    np.testing.assert_allclose(out, A @ B, rtol=1e-12, atol=1e-12)
    A_t = np.ascontiguousarray(A.T)
    np.testing.assert_allclose(gemm(A_t, B, np.full((m, n), np.nan), np.bool_(True)), A @ B,
                               rtol=1e-12, atol=1e-12)
    F = np.asfortranarray(rng.standard_normal((k, m)))  # F^T B through the C view F.T
    np.testing.assert_allclose(gemm(F.T, B, np.empty((m, n)), np.bool_(False)), F.T @ B,
                               rtol=1e-12, atol=1e-12)


def test_row_blocks_of_a_larger_array(rng):
    # the kernels pass leading row blocks (gram_rows[:k]) and rows of C arrays
    G = rng.standard_normal((6, 9))
    x = rng.standard_normal(3)
    np.testing.assert_allclose(gemv(G[:3], x, np.empty(9), np.bool_(True)), G[:3].T @ x,
                               rtol=1e-12)
    S = rng.standard_normal((3, 3))
    np.testing.assert_allclose(gemm(S, G[:3], np.empty((3, 9)), np.bool_(False)), S @ G[:3],
                               rtol=1e-12)
    np.testing.assert_allclose(gemv(G, G[2, :9], np.empty(6), np.bool_(False)), G @ G[2],
                               rtol=1e-12)

"""The kernels' direct LAPACK calls (sparselearn._core.lapack) against NumPy's linear algebra."""

import numpy as np
import pytest

from sparselearn._core.lapack import (cholesky_in_place, solve, spd_inverse, spd_solve,
                                     symmetric_eigenvalues)


@pytest.mark.parametrize("n", [1, 2, 7, 40])
def test_spd_routines_match_numpy(rng, n):
    M = rng.standard_normal((n, n + 3))
    A = M @ M.T
    b = rng.standard_normal(n)
    x, ok = spd_solve(A, b)
    assert ok
    np.testing.assert_allclose(x, np.linalg.solve(A, b), rtol=1e-9, atol=1e-12)
    inverse, L, ok = spd_inverse(A)
    assert ok
    np.testing.assert_allclose(L, np.linalg.cholesky(A), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(inverse, np.linalg.inv(A), rtol=1e-8, atol=1e-10)
    np.testing.assert_array_equal(inverse, inverse.T)
    G = rng.standard_normal((n, n))  # not symmetric: the transposed-system bookkeeping shows
    x, ok = solve(G, b)
    assert ok
    np.testing.assert_allclose(G @ x, b, rtol=1e-9, atol=1e-9)


def test_failures_are_reported_not_raised():
    indefinite = np.array([[1.0, 2.0], [2.0, 1.0]])
    assert not spd_solve(indefinite, np.ones(2))[1]
    assert not spd_inverse(indefinite)[2]
    assert not cholesky_in_place(indefinite.copy())
    assert not solve(np.zeros((2, 2)), np.ones(2))[1]


@pytest.mark.parametrize("n", [1, 2, 9])
def test_symmetric_eigenvalues_match_numpy(rng, n):
    M = rng.standard_normal((n, n))
    A = M + M.T
    eigenvalues, ok = symmetric_eigenvalues(A)
    assert ok
    np.testing.assert_allclose(eigenvalues, np.linalg.eigvalsh(A), rtol=1e-10, atol=1e-12)

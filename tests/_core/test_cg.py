"""The package's one conjugate gradient (sparselearn._core.cg), driven as its callers drive it."""

import numpy as np
import pytest

from sparselearn._core.cg import pcg_start, pcg_step, precondition

NO_DIAG = np.empty(0)
NO_FACTOR = np.empty((0, 0))


def _pcg(H, rhs, diag=NO_DIAG, factor=NO_FACTOR, rel_tol=1e-10, max_iter=None):
    """Reverse-communication loop over the kernels; returns (x, n_iter, converged)."""
    n = rhs.shape[0]
    max_iter = 10 * n if max_iter is None else max_iter
    x = np.zeros(n)
    res = rhs.copy()
    z = np.empty(n)
    p = np.empty(n)
    rz = pcg_start(res, diag, factor, z, p)
    target = rel_tol * np.linalg.norm(rhs)
    n_iter = 0
    converged = np.linalg.norm(res) <= target
    while not converged and n_iter < max_iter:
        hp = H @ p
        ok, rz, res_sq = pcg_step(x, res, p, hp, p @ hp, rz, diag, factor, z)
        if not ok:
            break
        n_iter += 1
        converged = np.sqrt(res_sq) <= target
    return x, n_iter, converged


def _spd(rng, n, cond):
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    return (Q * np.logspace(0, -np.log10(cond), n)) @ Q.T


@pytest.mark.parametrize("preconditioner", ["none", "jacobi", "factor"])
def test_pcg_solves_spd_system(rng, preconditioner):
    n = 60
    H = _spd(rng, n, 1e4)
    rhs = rng.standard_normal(n)
    diag, factor = NO_DIAG, NO_FACTOR
    if preconditioner == "jacobi":
        diag = np.diag(H).copy()
    elif preconditioner == "factor":
        # factored inverse of an approximate H (eigenvalues off by up to 10 %), as
        # sketch-and-precondition's V Sigma^-1
        w, V = np.linalg.eigh(H)
        w_approx = w * (1.0 + 0.1 * rng.uniform(-1.0, 1.0, n))
        factor = np.ascontiguousarray(V / np.sqrt(w_approx))
    x, n_iter, converged = _pcg(H, rhs, diag, factor, rel_tol=1e-10)
    x_ref = np.linalg.solve(H, rhs)
    assert converged
    assert np.linalg.norm(H @ x - rhs) <= 1.01e-10 * np.linalg.norm(rhs)
    assert np.linalg.norm(x - x_ref) <= 1e-5 * np.linalg.norm(x_ref)  # cond 1e4 x residual
    if preconditioner == "factor":
        assert n_iter <= 15  # M^T H M has condition number <= 1.1 / 0.9


def test_jacobi_preconditioning_needs_fewer_iterations(rng):
    # well-conditioned core, badly scaled: D A D with D spanning three decades
    n = 200
    A = np.eye(n) + 0.3 * _spd(rng, n, 10.0)
    d = np.logspace(0, 3, n)
    H = d[:, None] * A * d[None, :]
    rhs = rng.standard_normal(n)
    x_plain, it_plain, ok_plain = _pcg(H, rhs, rel_tol=1e-8, max_iter=2000)
    x_jac, it_jac, ok_jac = _pcg(H, rhs, diag=np.diag(H).copy(), rel_tol=1e-8, max_iter=2000)
    assert ok_jac
    assert 4 * it_jac < it_plain
    assert np.linalg.norm(H @ x_jac - rhs) <= 1.01e-8 * np.linalg.norm(rhs)
    x_ref = np.linalg.solve(H, rhs)
    assert np.linalg.norm(x_jac - x_ref) <= 1e-6 * np.linalg.norm(x_ref)


@pytest.mark.parametrize("preconditioner", ["none", "jacobi", "factor"])
def test_zero_rhs_gives_zero_without_nan(preconditioner):
    n = 5
    H = np.diag(np.arange(1.0, n + 1))
    diag = np.diag(H).copy() if preconditioner == "jacobi" else NO_DIAG
    factor = np.eye(n) if preconditioner == "factor" else NO_FACTOR
    x = np.zeros(n)
    res = np.zeros(n)
    z = np.empty(n)
    p = np.empty(n)
    rz = pcg_start(res, diag, factor, z, p)
    assert rz == 0.0 and not p.any()
    hp = H @ p
    ok, rz, res_sq = pcg_step(x, res, p, hp, p @ hp, rz, diag, factor, z)
    assert not ok and res_sq == 0.0
    assert not x.any() and np.all(np.isfinite(x))
    x, n_iter, converged = _pcg(H, np.zeros(n), diag, factor)
    assert converged and n_iter == 0 and not x.any()


def test_step_refuses_non_positive_curvature():
    H = -np.eye(3)
    x = np.zeros(3)
    res = np.array([1.0, 2.0, 3.0])
    z, p = np.empty(3), np.empty(3)
    rz = pcg_start(res, NO_DIAG, NO_FACTOR, z, p)
    hp = H @ p
    ok, rz_after, _ = pcg_step(x, res, p, hp, p @ hp, rz, NO_DIAG, NO_FACTOR, z)
    assert not ok and rz_after == rz
    assert not x.any() and np.array_equal(res, [1.0, 2.0, 3.0])


def test_precondition_kinds(rng):
    r = rng.standard_normal(4)
    z = np.empty(4)
    diag = np.array([1.0, 2.0, 4.0, 8.0])
    assert np.isclose(precondition(r, diag, NO_FACTOR, z), r @ (r / diag))
    assert np.allclose(z, r / diag)
    F = rng.standard_normal((4, 2))
    assert np.isclose(precondition(r, NO_DIAG, F, z), np.sum((F.T @ r) ** 2))
    assert np.allclose(z, F @ (F.T @ r))
    assert np.isclose(precondition(r, NO_DIAG, NO_FACTOR, z), r @ r)
    assert np.array_equal(z, r)

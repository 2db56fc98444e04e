"""Preconditioned conjugate gradient (PCG): the one CG of the package.

Solves ``H x = rhs`` for a symmetric positive (semi-)definite ``H`` by reverse communication:
the caller owns the loop and applies ``H``, these kernels do the rest of each iteration. So
the same CG serves operators that live inside Numba code (the sparse or matrix-free Newton
Hessian of :mod:`sparselearn._core.sns`) and operators that are passes over a dense, CSR or
dask matrix driven from Python (:mod:`sparselearn._core.sketch_lsq`). A cached ``@njit`` kernel
cannot take the operator as a function argument: Numba compiles a kernel that receives a
jitted function anew in every process (no cache hit), so the operator stays with the caller.

The preconditioner ``P ~ H^{-1}`` is given by explicit arrays, one of

- ``diag`` of size n (non-empty): Jacobi, ``z = r / diag``;
- ``factor`` of shape ``(n, k)``, ``k > 0`` (``diag`` empty): a factored inverse,
  ``z = factor (factor^T r)`` (sketch-and-precondition: ``factor = V Sigma^{-1}`` from the SVD
  of the sketched matrix, i.e. CG on the normal equations of ``A factor``);
- both empty: no preconditioner, ``z = r``.

Pass ``np.empty(0)`` / ``np.empty((0, 0))`` for the unused one. One iteration::

    res = rhs - H x                                    # caller (res = rhs when x = 0)
    rz = pcg_start(res, diag, factor, z, p)
    loop:
        hp = H p                                       # caller
        ok, rz, res_sq = pcg_step(x, res, p, hp, p . hp, rz, diag, factor, z)
        if not ok: stop                                # no positive curvature along p
        test res_sq = ||res||^2 or rz = res^T P res    # caller's stopping rule

``x``, ``res``, ``p`` and ``z`` are updated in place. The caller may pass a curvature
``p^T H p`` computed more accurately than ``p . hp`` (e.g. ``||A p||^2`` for ``H = A^T A``).
"""

from numba import njit
import numpy as np


@njit(cache=True)
def precondition(res, diag, factor, z):
    """``z = P res``; returns ``res^T P res`` (computed as ``||factor^T res||^2`` for a
    factored preconditioner, so it is never negative)."""
    if diag.shape[0] > 0:
        for k in range(res.shape[0]):
            z[k] = res[k] / diag[k]
        return np.dot(res, z)
    # copies as loops: a slice assignment from an array compiles numba's formatted
    # shape-mismatch error (about 3 s of a first SNS fit)
    if factor.shape[1] > 0:
        t = np.dot(factor.T, res)
        zt = np.dot(factor, t)
        for k in range(z.shape[0]):
            z[k] = zt[k]
        return np.dot(t, t)
    for k in range(z.shape[0]):
        z[k] = res[k]
    return np.dot(res, res)


@njit(cache=True)
def pcg_start(res, diag, factor, z, p):
    """First direction ``p = z = P res``; returns ``rz = res^T P res``."""
    rz = precondition(res, diag, factor, z)
    for k in range(p.shape[0]):
        p[k] = z[k]
    return rz


@njit(cache=True)
def pcg_step(x, res, p, hp, curvature, rz, diag, factor, z):
    """One PCG step along ``p`` given ``hp = H p`` and ``curvature = p^T H p``.

    ``x += alpha p``, ``res -= alpha hp`` (``alpha = rz / curvature``), ``z = P res`` and the
    next direction ``p = z + beta p``. Returns ``(ok, rz_new, res_sq)``: ``ok`` is False, and
    nothing is updated, when ``curvature <= 0`` (``p = 0``, or ``H`` not positive definite
    along ``p``); ``res_sq = ||res||^2`` of the updated residual.
    """
    if not curvature > 0.0:
        return False, rz, np.dot(res, res)
    alpha = rz / curvature
    for k in range(x.shape[0]):
        x[k] += alpha * p[k]
        res[k] -= alpha * hp[k]
    res_sq = np.dot(res, res)
    rz_new = precondition(res, diag, factor, z)
    beta = rz_new / rz if rz > 0.0 else 0.0
    for k in range(p.shape[0]):
        p[k] = z[k] + beta * p[k]
    return True, rz_new, res_sq

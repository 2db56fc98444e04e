"""Sketch-and-precondition least squares: the iterative phase and its one-pass CSR kernels.

:func:`refined_normal_pcg` runs the preconditioned CG of :mod:`sparselearn._core.cg` on the
normal equations, driven from Python because the passes over ``A`` may be dask tasks.
:func:`refined_gram_solve` is the Gram variant for in-memory ``A`` with a few columns: the
correction of each refinement is solved directly with a Cholesky factor of the preconditioned
Gram matrix ``M^T (A^T A + l2 I) M`` (formed once), so each refinement is one pass over ``A``.
:func:`csr_gram` forms ``A^T A`` of a CSR matrix.

The iterative phase of sketch-and-precondition needs ``A^T A t`` (and ``||A t||^2``) per
iteration and ``A^T (b - A x)`` per refinement. :func:`csr_pass` computes either in one pass over
the rows of a CSR matrix, with an optional implicit column centering ``A_c = A - 1 offset^T``
(the intercept; ``A_c = A - r offset^T`` with a row vector ``r``, all ones unless the rows carry
sample weights): it takes ``shift = offset . x`` and ``r`` and returns the sums the caller
needs to finish the centering (``A_c^T q = A^T q - offset * (r . q)``).

No kernel validates its input.
"""

from math import inf, sqrt

import numpy as np
import scipy.linalg as sla
from numba import njit

from .cg import pcg_start, pcg_step

# at most this many refinement restarts (recomputed residual) of the preconditioned CG
MAX_REFINEMENTS = 4
# a Gram refinement contracts the error by about u cond(A)^2 per pass; stop contracting by this
# factor and the Gram phase hands over (or stops at the attainable accuracy)
GRAM_CONTRACTION = 0.5
_EPS = np.finfo(np.float64).eps


def refined_normal_pcg(ops, b, M, x, l2_reg, sigma_max, tol, max_iter, verbose=0):
    """PCG on the normal equations ``(A^T A + l2 I) x = A^T b``, preconditioner ``M M^T``,
    with iterative refinement. Returns ``(x, n_iter, converged)``.

    ``ops`` applies ``A`` (``ops.normal_matvec(t) = (||A t||^2, A^T A t)``,
    ``ops.residual_gradient(x, b) = (||b - A x||^2, A^T (b - A x))``, one pass over ``A``
    each); ``M`` (``d x rank``) is the right preconditioner (``A M`` well conditioned), so this
    is CG on ``M^T (A^T A + l2 I) M y = M^T A^T b`` (LSQR on ``A M``) written in ``x = M y``.
    Each refinement recomputes the gradient ``g = A^T (b - A x) - l2 x`` from scratch and solves
    for a correction from zero (as in SPIR / FOSSILS); the inner loop stops at
    ``||M^T res|| <= tol / 2 (||r|| + sigma_max ||x||)``, the refinements once the true
    ``||M^T g|| <= tol (||r|| + sigma_max ||x||)`` or it stops decreasing (the attainable
    accuracy is reached).
    """
    M = np.ascontiguousarray(M, dtype=np.float64)
    no_diag = np.empty(0)
    d = M.shape[0]
    dx = np.empty(d)
    z = np.empty(d)
    p = np.empty(d)
    n_iter = 0
    previous = inf
    converged = False
    for _ in range(MAX_REFINEMENTS + 1):
        rr, res = ops.residual_gradient(x, b)
        if l2_reg > 0:
            res -= l2_reg * x
            rr += l2_reg * (x @ x)
        rz = pcg_start(res, no_diag, M, z, p)
        s_norm = sqrt(rz)
        r_norm = sqrt(rr)
        threshold = tol * (r_norm + sigma_max * sqrt(x @ x))
        if verbose:
            print(
                f"[SketchedLeastSquares] iter {n_iter}: ||M^T grad|| = {s_norm:.3e} "
                f"(target {threshold:.3e})"
            )
        if s_norm <= threshold or s_norm > 0.5 * previous:
            converged = True
            break
        if n_iter >= max_iter:
            break
        previous = s_norm
        dx[:] = 0.0
        while n_iter < max_iter:
            qq, hp = ops.normal_matvec(p)
            if l2_reg > 0:
                hp += l2_reg * p
                qq += l2_reg * (p @ p)
            ok, rz, _ = pcg_step(dx, res, p, hp, qq, rz, no_diag, M, z)
            if not ok:
                break
            n_iter += 1
            if sqrt(rz) <= 0.5 * tol * (r_norm + sigma_max * sqrt(np.sum((x + dx) ** 2))):
                break
        x = x + dx
    return x, n_iter, converged


def refined_gram_solve(ops, b, M, chol, x, l2_reg, sigma_max, tol, max_passes, verbose=0):
    """Iterative refinement with a direct solve of each correction. Returns
    ``(x, n_passes, status)``, ``status`` one of ``"converged"``, ``"max_iter"`` or
    ``"stalled"`` (the corrections stopped contracting before the backward-error test held: the
    Gram matrix is too inaccurate for this ``A``, hand over to :func:`refined_normal_pcg`).

    ``chol`` is the lower Cholesky factor of ``M^T (G + l2 I) M``, ``G`` the computed
    ``A^T A``. Each refinement recomputes ``g = A^T (b - A x) - l2 x`` (one pass) and adds
    ``dx = M (M^T (G + l2 I) M)^{-1} M^T g``, an estimate of the remaining forward error
    ``x* - x`` with relative accuracy about ``u cond(A)^2`` (the rounding of ``G``). It stops
    when the backward-error test ``||M^T g|| <= tol (||r|| + sigma_max ||x||)`` holds and
    ``||dx|| <= max(tol, u) ||x||`` (the forward-error estimate), or when ``||dx||`` stops
    halving (the attainable accuracy of the recomputed residual, about ``u cond(A)``, is
    reached; that last ``dx`` is rounding and is not applied).
    """
    previous = inf
    forward_tol = max(tol, _EPS)
    n_passes = 0
    while n_passes < max_passes:
        rr, grad = ops.residual_gradient(x, b)
        n_passes += 1
        if l2_reg > 0:
            grad -= l2_reg * x
            rr += l2_reg * (x @ x)
        s = M.T @ grad
        s_norm = sqrt(s @ s)
        x_norm = sqrt(x @ x)
        backward_ok = s_norm <= tol * (sqrt(rr) + sigma_max * x_norm)
        dx = M @ sla.cho_solve((chol, True), s, check_finite=False)
        dx_norm = sqrt(dx @ dx)
        if verbose:
            print(
                f"[SketchedLeastSquares] pass {n_passes}: ||M^T grad|| = {s_norm:.3e}, "
                f"||correction|| / ||w|| = {dx_norm / max(x_norm, 1e-300):.3e}"
            )
        if dx_norm > GRAM_CONTRACTION * previous:
            return x, n_passes, "converged" if backward_ok else "stalled"
        x = x + dx
        if backward_ok and dx_norm <= forward_tol * x_norm:
            return x, n_passes, "converged"
        previous = dx_norm
    return x, n_passes, "max_iter"


@njit(cache=True)
def csr_gram(data, indices, indptr, out):
    """``out += A^T A`` for a CSR ``A`` (dense ``d x d`` output, both triangles): the outer
    product of each row's nonzeros."""
    n_rows = indptr.shape[0] - 1
    for i in range(n_rows):
        start = indptr[i]
        end = indptr[i + 1]
        for p in range(start, end):
            v = data[p]
            col = indices[p]
            for q in range(start, end):
                out[col, indices[q]] += v * data[q]


@njit(cache=True)
def csr_pass(data, indices, indptr, b, x, shift, row_shift, out):
    """One pass over the rows of a CSR ``A``: ``out = A^T q`` with ``q = A x - shift * row_shift``
    when ``b`` is empty (a normal-equations product), else the residual
    ``q = b - (A x - shift * row_shift)``. Returns ``(||q||^2, row_shift . q)``."""
    n_rows = indptr.shape[0] - 1
    has_b = b.shape[0] > 0
    sign = -1.0 if has_b else 1.0
    out[:] = 0.0
    qq = 0.0
    q_sum = 0.0
    for i in range(n_rows):
        q = (b[i] if has_b else 0.0) - sign * shift * row_shift[i]
        for p in range(indptr[i], indptr[i + 1]):
            q += sign * data[p] * x[indices[p]]
        qq += q * q
        q_sum += row_shift[i] * q
        for p in range(indptr[i], indptr[i + 1]):
            out[indices[p]] += data[p] * q
    return qq, q_sum

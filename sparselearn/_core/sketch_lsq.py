"""Sketch-and-precondition least squares: the iterative phase and its one-pass CSR kernels.

:func:`refined_normal_pcg` runs the preconditioned CG of :mod:`sparselearn._core.cg` on the
normal equations, driven from Python because the passes over ``A`` may be dask tasks.

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
from numba import njit

from .cg import pcg_start, pcg_step

# at most this many refinement restarts (recomputed residual) of the preconditioned CG
MAX_REFINEMENTS = 4


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

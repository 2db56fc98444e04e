"""Progressive Cholesky factors of Gram submatrices, shared by the sparse coders.

A factor ``L`` of ``G[A, A] (+ diag(ridge_A))`` for an active set ``A`` is stored flat, row by
row with leading dimension ``ld`` (``L[a, t] = chol[a * ld + t]``), so that one buffer serves
supports of any size up to its capacity: atoms are appended (one triangular solve), removed
(Givens rotations) and the triangular systems solved in place. OMP appends only; the exact
support solves of the L1 coordinate descent append, remove and re-stride.
"""

from math import sqrt

from numba import njit

from .linalg import FASTMATH


@njit(cache=True, fastmath=FASTMATH)
def chol_append(G, active, k, j, ridge, pivot, chol, ld):
    """Append atom ``j`` as row ``k`` of the Cholesky factor ``L`` (flat, leading dimension ``ld``,
    ``L L^T = G[A, A] + diag(ridge_A)``, ``A = active[:k]``). Returns False, leaving the
    factor of ``A`` intact, when the new pivot is below ``pivot`` times its diagonal entry."""
    row = k * ld
    for a in range(k):
        acc = G[active[a], j]
        for t in range(a):
            acc -= chol[a * ld + t] * chol[row + t]
        chol[row + a] = acc / chol[a * ld + a]
    diag = G[j, j] + ridge[j]
    acc = diag
    for t in range(k):
        acc -= chol[row + t] * chol[row + t]
    if acc <= pivot * diag:
        return False
    chol[row + k] = sqrt(acc)
    return True


@njit(cache=True)
def chol_delete(chol, ld, k, a):
    """Remove row and column ``a`` from a ``k x k`` Cholesky factor: shift the rows below up and
    restore the triangle with Givens rotations on column pairs (``O((k - a)^2)``)."""
    for i in range(a, k - 1):
        for t in range(i + 2):
            chol[i * ld + t] = chol[(i + 1) * ld + t]
    for i in range(a, k - 1):
        x = chol[i * ld + i]
        y = chol[i * ld + i + 1]
        r = sqrt(x * x + y * y)
        c = x / r
        s = y / r
        chol[i * ld + i] = r
        chol[i * ld + i + 1] = 0.0
        for t in range(i + 1, k - 1):
            xt = chol[t * ld + i]
            yt = chol[t * ld + i + 1]
            chol[t * ld + i] = c * xt + s * yt
            chol[t * ld + i + 1] = c * yt - s * xt


@njit(cache=True, fastmath=FASTMATH)
def chol_forward(chol, ld, k, start, rhs, sol):
    """Rows ``start..k-1`` of ``sol = L^{-1} rhs`` (rows above ``start`` already in ``sol``)."""
    for a in range(start, k):
        acc = rhs[a]
        for t in range(a):
            acc -= chol[a * ld + t] * sol[t]
        sol[a] = acc / chol[a * ld + a]


@njit(cache=True, fastmath=FASTMATH)
def chol_backward(chol, ld, k, sol):
    """``sol = L^{-T} sol`` in place, column oriented (contiguous rows of ``L``)."""
    for a in range(k - 1, -1, -1):
        value = sol[a] / chol[a * ld + a]
        sol[a] = value
        for t in range(a):
            sol[t] -= chol[a * ld + t] * value


@njit(cache=True)
def chol_restride(chol, k, ld, new_ld):
    """Move the rows of a ``k``-row factor from stride ``ld`` to the larger ``new_ld``."""
    for a in range(k - 1, 0, -1):
        for t in range(a, -1, -1):
            chol[a * new_ld + t] = chol[a * ld + t]

"""One-pass CSR kernels for sketch-and-precondition least squares.

The iterative phase of sketch-and-precondition needs ``A^T A t`` (and ``||A t||^2``) per
iteration and ``A^T (b - A x)`` per refinement. Both are computed here in one pass over the
rows of a CSR matrix, with an optional implicit column centering ``A_c = A - 1 offset^T``
(the intercept; ``A_c = A - r offset^T`` with a row vector ``r``, all ones unless the rows carry
sample weights): the kernels take ``shift = offset . t`` and ``r`` and return the sums the caller
needs to finish the centering (``A_c^T q = A^T q - offset * (r . q)``).

No kernel validates its input.
"""

from numba import njit


@njit(cache=True)
def csr_normal_matvec(data, indices, indptr, t, shift, row_shift, out):
    """out = A^T q with q = A t - shift * row_shift; returns (||q||^2, row_shift . q)."""
    n_rows = indptr.shape[0] - 1
    out[:] = 0.0
    qq = 0.0
    q_sum = 0.0
    for i in range(n_rows):
        q = -shift * row_shift[i]
        for p in range(indptr[i], indptr[i + 1]):
            q += data[p] * t[indices[p]]
        qq += q * q
        q_sum += row_shift[i] * q
        for p in range(indptr[i], indptr[i + 1]):
            out[indices[p]] += data[p] * q
    return qq, q_sum


@njit(cache=True)
def csr_residual_gradient(data, indices, indptr, b, x, shift, row_shift, out):
    """out = A^T r with r = b - (A x - shift * row_shift); returns (||r||^2, row_shift . r)."""
    n_rows = indptr.shape[0] - 1
    out[:] = 0.0
    rr = 0.0
    r_sum = 0.0
    for i in range(n_rows):
        r = b[i] + shift * row_shift[i]
        for p in range(indptr[i], indptr[i + 1]):
            r -= data[p] * x[indices[p]]
        rr += r * r
        r_sum += row_shift[i] * r
        for p in range(indptr[i], indptr[i + 1]):
            out[indices[p]] += data[p] * r
    return rr, r_sum

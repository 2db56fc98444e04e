"""Matrix products for the kernels by direct BLAS calls, cheap to compile.

Inside ``@njit`` code, ``A @ B`` and ``np.dot`` are implemented by Numba with layout dispatch,
contiguity copies and shape checks with formatted error messages; each call site compiles for
about a second and every combination of layouts is a new specialization, paid on each fresh
install by the kernel's first call. The functions here call scipy's BLAS
(``scipy.linalg.cython_blas``) the way :mod:`sparselearn._core.lapack` calls LAPACK: each
routine's address is registered with LLVM under a fixed symbol name when this module is
imported, and the kernels call it as an external function, which compiles in a fraction of the
time and still caches on disk.

Every function takes C-ordered float64 arrays (one signature each; the transpose of a
Fortran-ordered matrix is C-ordered, so pass ``A.T`` with the other ``transpose`` flag) and
writes its result into ``out``. BLAS reads a C-ordered matrix as its transpose: the product
``out = op(A) B`` is computed as ``out^T = B^T op(A)^T`` in column-major terms. Empty
dimensions are handled here (BLAS rejects a zero leading dimension).
"""

import numpy as np
from numba import njit

from .lapack import bind_scipy_routine

_ROUTINES = {"dgemv": 11, "dgemm": 13}  # BLAS name -> number of pointer arguments


_dgemv, _dgemm = (bind_scipy_routine(name, n, "scipy.linalg.cython_blas")
                  for name, n in _ROUTINES.items())

_NO_TRANSPOSE = 78  # 'N'
_TRANSPOSE = 84  # 'T'


@njit(cache=True)
def gemv(A, x, out, transpose):
    """``out = A x`` (``transpose`` False) or ``out = A^T x`` (True), in place.

    Parameters
    ----------
    A : (m, n) C-ordered float64 array
    x : (n,) or, transposed, (m,) C-ordered float64 array
    out : (m,) or, transposed, (n,) C-ordered float64 array, overwritten
    transpose : bool (pass ``np.bool_``), whether to multiply by ``A^T``

    Returns
    -------
    out : the array ``out``
    """
    m, n = A.shape
    if m == 0 or n == 0:
        for i in range(out.shape[0]):
            out[i] = 0.0
        return out
    ints = np.empty(3, np.int32)  # rows and columns of A^T (column-major view), increment
    ints[0] = n
    ints[1] = m
    ints[2] = 1
    scalars = np.empty(2, np.float64)  # alpha, beta
    scalars[0] = 1.0
    scalars[1] = 0.0
    trans = np.empty(1, np.uint8)
    trans[0] = _NO_TRANSPOSE if transpose else _TRANSPOSE  # BLAS holds A^T
    _dgemv(trans.ctypes, ints[0:].ctypes, ints[1:].ctypes, scalars[0:].ctypes, A.ctypes,
           ints[0:].ctypes, x.ctypes, ints[2:].ctypes, scalars[1:].ctypes, out.ctypes,
           ints[2:].ctypes)
    return out


@njit(cache=True)
def gemm(A, B, out, transpose):
    """``out = A B`` (``transpose`` False) or ``out = A^T B`` (True), in place.

    Parameters
    ----------
    A : (m, k) or, transposed, (k, m) C-ordered float64 array
    B : (k, n) C-ordered float64 array
    out : (m, n) C-ordered float64 array, overwritten (not overlapping ``A`` or ``B``)
    transpose : bool (pass ``np.bool_``), whether to multiply by ``A^T``

    Returns
    -------
    out : the array ``out``
    """
    m, n = out.shape
    k = B.shape[0]
    if m == 0 or n == 0:
        return out
    if k == 0:
        for i in range(m):
            for j in range(n):
                out[i, j] = 0.0
        return out
    # column-major: out^T (n x m) = B^T (n x k) op(A)^T (k x m)
    ints = np.empty(4, np.int32)  # n, m, k, leading dimension of A
    ints[0] = n
    ints[1] = m
    ints[2] = k
    ints[3] = A.shape[1]
    scalars = np.empty(2, np.float64)  # alpha, beta
    scalars[0] = 1.0
    scalars[1] = 0.0
    trans = np.empty(2, np.uint8)
    trans[0] = _NO_TRANSPOSE
    trans[1] = _TRANSPOSE if transpose else _NO_TRANSPOSE
    _dgemm(trans[0:].ctypes, trans[1:].ctypes, ints[0:].ctypes, ints[1:].ctypes,
           ints[2:].ctypes, scalars[0:].ctypes, B.ctypes, ints[0:].ctypes, A.ctypes,
           ints[3:].ctypes, scalars[1:].ctypes, out.ctypes, ints[0:].ctypes)
    return out


_dsyrk = bind_scipy_routine("dsyrk", 10, "scipy.linalg.cython_blas")


@njit(cache=True)
def gram(A, out):
    """``out = A^T A`` (the Gram matrix of the columns of ``A``), in place, by ``dsyrk``: half
    the operations of :func:`gemm`, then the other triangle mirrored.

    Parameters
    ----------
    A : (m, n) C-ordered float64 array
    out : (n, n) C-ordered float64 array, overwritten (not overlapping ``A``)

    Returns
    -------
    out : the array ``out``
    """
    m, n = A.shape
    if n == 0:
        return out
    if m == 0:  # no rows: BLAS rejects the zero leading dimension
        out[:, :] = 0.0
        return out
    # column-major: A is held as A^T (n x m, leading dimension n); out = A^T (A^T)^T
    ints = np.empty(2, np.int32)  # n, m
    ints[0] = n
    ints[1] = m
    scalars = np.empty(2, np.float64)  # alpha, beta
    scalars[0] = 1.0
    scalars[1] = 0.0
    flags = np.empty(2, np.uint8)
    flags[0] = 85  # 'U': the column-major upper triangle is the row-major lower one
    flags[1] = _NO_TRANSPOSE
    _dsyrk(flags[0:].ctypes, flags[1:].ctypes, ints[0:].ctypes, ints[1:].ctypes,
           scalars[0:].ctypes, A.ctypes, ints[0:].ctypes, scalars[1:].ctypes, out.ctypes,
           ints[0:].ctypes)
    for i in range(n):
        for j in range(i + 1, n):
            out[i, j] = out[j, i]
    return out

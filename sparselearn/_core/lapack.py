"""Dense linear algebra for the kernels by direct LAPACK calls, cheap to compile.

Inside ``@njit`` code, ``np.linalg.solve``, ``inv`` and ``cholesky`` are implemented by Numba
with layout conversions, checks and formatted error messages; compiling one call costs seconds
(``np.linalg.solve`` alone about 4 s on an idle core), paid on every fresh install by each
kernel's first call. The functions here call scipy's LAPACK (``scipy.linalg.cython_lapack``)
directly: each routine's address is registered with LLVM under a fixed symbol name when this
module is imported, and the kernels call it as an external function, so they compile in a
fraction of the time and still cache on disk (the cached code refers to the symbol, which is
registered again in each process).

Every function takes C-ordered float64 arrays. LAPACK reads a C-ordered matrix as its
transpose; for the symmetric matrices of the Cholesky routines the transpose is the matrix
itself (a column-major upper factor is the row-major lower factor), and the general solve asks
LAPACK for the transposed system. The functions return a success flag instead of raising
(kernels never raise on a singular system: the caller decides what a failure means).
"""

import llvmlite.binding as llvm
import numpy as np
from numba import njit, types
from numba.core.extending import get_cython_function_address

_ROUTINES = {  # LAPACK name -> number of pointer arguments
    "dpotrf": 5, "dpotrs": 8, "dpotri": 5, "dgetrf": 6, "dgetrs": 9, "dsyev": 9,
}


def bind_scipy_routine(name, n_args, module="scipy.linalg.cython_lapack"):
    """Register scipy's Fortran routine ``name`` (from ``module``, ``cython_lapack`` or
    ``cython_blas``) with LLVM as ``sparselearn_<name>`` and return it as an external function
    of ``n_args`` pointers: the cached code names the symbol, so it stays valid across
    processes."""
    symbol = f"sparselearn_{name}"
    llvm.add_symbol(symbol, get_cython_function_address(module, name))
    return types.ExternalFunction(symbol, types.void(*([types.voidptr] * n_args)))


_dpotrf, _dpotrs, _dpotri, _dgetrf, _dgetrs, _dsyev = (
    bind_scipy_routine(name, n) for name, n in _ROUTINES.items())

_UPPER = 85  # 'U': the column-major upper triangle is the row-major lower one
_TRANSPOSE = 84  # 'T'
_NO_VECTORS = 78  # 'N'


@njit(cache=True)
def cholesky_in_place(A):
    """Overwrite the lower triangle of the symmetric positive definite ``A`` (n x n, C order)
    with ``L``, ``A = L L^T``, and zero the strict upper triangle. Returns False (``A`` then
    partly overwritten) when ``A`` is not numerically positive definite."""
    n = A.shape[0]
    ints = np.empty(2, np.int32)  # n, info
    ints[0] = n
    uplo = np.empty(1, np.uint8)
    uplo[0] = _UPPER
    _dpotrf(uplo.ctypes, ints[0:].ctypes, A.ctypes, ints[0:].ctypes, ints[1:].ctypes)
    for i in range(n):
        for j in range(i + 1, n):
            A[i, j] = 0.0
    return ints[1] == 0


@njit(cache=True)
def cholesky_solve_in_place(L, b):
    """Overwrite ``b`` (length n) with the solution of ``L L^T x = b`` for a factor from
    :func:`cholesky_in_place`."""
    ints = np.empty(3, np.int32)  # n, nrhs, info
    ints[0] = L.shape[0]
    ints[1] = 1
    uplo = np.empty(1, np.uint8)
    uplo[0] = _UPPER
    _dpotrs(uplo.ctypes, ints[0:].ctypes, ints[1:].ctypes, L.ctypes, ints[0:].ctypes, b.ctypes,
            ints[0:].ctypes, ints[2:].ctypes)


@njit(cache=True)
def spd_solve(A, b):
    """Solve ``A x = b`` for symmetric positive definite ``A``; returns ``(x, ok)``, ``ok``
    False when the Cholesky factorization fails. ``A`` and ``b`` are not modified."""
    L = A.copy()
    x = b.copy()
    if not cholesky_in_place(L):
        return x, False
    cholesky_solve_in_place(L, x)
    return x, True


@njit(cache=True)
def spd_inverse(A):
    """The inverse of a symmetric positive definite ``A`` and its Cholesky factor ``L``;
    returns ``(inverse, L, ok)``. ``A`` is not modified."""
    n = A.shape[0]
    L = A.copy()
    if not cholesky_in_place(L):
        return A.copy(), L, False
    inverse = L.copy()
    ints = np.empty(2, np.int32)
    ints[0] = n
    uplo = np.empty(1, np.uint8)
    uplo[0] = _UPPER
    _dpotri(uplo.ctypes, ints[0:].ctypes, inverse.ctypes, ints[0:].ctypes, ints[1:].ctypes)
    for i in range(n):  # dpotri fills one triangle (the row-major lower one)
        for j in range(i + 1, n):
            inverse[i, j] = inverse[j, i]
    return inverse, L, ints[1] == 0


@njit(cache=True)
def solve(A, b):
    """Solve ``A x = b`` for a general square ``A`` by LU with partial pivoting; returns
    ``(x, ok)``, ``ok`` False when ``A`` is exactly singular. ``A`` and ``b`` are not
    modified."""
    n = A.shape[0]
    LU = A.copy()
    x = b.copy()
    pivots = np.empty(max(n, 1), np.int32)
    ints = np.empty(3, np.int32)  # n, nrhs, info
    ints[0] = n
    ints[1] = 1
    _dgetrf(ints[0:].ctypes, ints[0:].ctypes, LU.ctypes, ints[0:].ctypes, pivots.ctypes,
            ints[2:].ctypes)
    if ints[2] != 0:
        return x, False
    trans = np.empty(1, np.uint8)
    trans[0] = _TRANSPOSE  # LAPACK holds A^T: solve the transposed system
    _dgetrs(trans.ctypes, ints[0:].ctypes, ints[1:].ctypes, LU.ctypes, ints[0:].ctypes,
            pivots.ctypes, x.ctypes, ints[0:].ctypes, ints[2:].ctypes)
    return x, True


@njit(cache=True)
def symmetric_eigenvalues(A):
    """The eigenvalues of the symmetric ``A`` (n x n, C order; its lower triangle is read), in
    ascending order; returns ``(eigenvalues, ok)``, ``ok`` False when the QR iteration did not
    converge. ``A`` is not modified."""
    n = A.shape[0]
    work_a = A.copy()
    eigenvalues = np.zeros(n)
    lwork = max(1, 3 * n - 1)
    work = np.empty(lwork)
    ints = np.empty(3, np.int32)  # n, lwork, info
    ints[0] = n
    ints[1] = lwork
    flags = np.empty(2, np.uint8)
    flags[0] = _NO_VECTORS
    flags[1] = _UPPER
    if n == 0:
        return eigenvalues, True
    _dsyev(flags[0:].ctypes, flags[1:].ctypes, ints[0:].ctypes, work_a.ctypes, ints[0:].ctypes,
           eigenvalues.ctypes, work.ctypes, ints[1:].ctypes, ints[2:].ctypes)
    return eigenvalues, ints[2] == 0

"""Linear algebra on dense (Fortran-ordered) or CSC design matrices.

Kernels take the design as ``(X, data, indices, indptr, is_sparse)``: a dense Fortran array ``X``
when ``is_sparse`` is False, else the CSC triple (``X`` is then an unused 1 x 1 array). One compiled
signature serves both, so solvers are written once.

The column primitives come in a dense and a CSC flavour. Hot loops test ``is_sparse`` themselves
and call the flavour directly (measured: a branching helper is not inlined by LLVM and costs
about 45 ns a column, doubling the time of a sparse gradient). Dense primitives let LLVM
reassociate sums so that reductions vectorize; NaN/inf semantics are kept ("nnan"/"ninf" are
left out). Sparse gathers gain nothing from it and are compiled without.
"""

import numpy as np
from numba import njit

FASTMATH = {"reassoc", "contract", "nsz", "arcp"}


# ---------------------------------------------------------------- column primitives

@njit(cache=True, fastmath=FASTMATH)
def dense_col_dot(X, j, v):
    """``X[:, j] @ v`` for a dense Fortran ``X``."""
    total = 0.0
    for i in range(X.shape[0]):
        total += X[i, j] * v[i]
    return total


@njit(cache=True)
def csc_col_dot(data, indices, indptr, j, v):
    """``X[:, j] @ v`` for CSC ``X``."""
    total = 0.0
    for k in range(indptr[j], indptr[j + 1]):
        total += data[k] * v[indices[k]]
    return total


@njit(cache=True, fastmath=FASTMATH)
def dense_col_dot_weighted(X, j, h, v):
    """``X[:, j] @ (h * v)`` for a dense Fortran ``X``."""
    total = 0.0
    for i in range(X.shape[0]):
        total += X[i, j] * h[i] * v[i]
    return total


@njit(cache=True)
def csc_col_dot_weighted(data, indices, indptr, j, h, v):
    """``X[:, j] @ (h * v)`` for CSC ``X``."""
    total = 0.0
    for k in range(indptr[j], indptr[j + 1]):
        i = indices[k]
        total += data[k] * h[i] * v[i]
    return total


@njit(cache=True, fastmath=FASTMATH)
def dense_col_axpy(X, j, a, v):
    """``v += a * X[:, j]`` in place, dense Fortran ``X``."""
    for i in range(X.shape[0]):
        v[i] += a * X[i, j]


@njit(cache=True)
def csc_col_axpy(data, indices, indptr, j, a, v):
    """``v += a * X[:, j]`` in place, CSC ``X``."""
    for k in range(indptr[j], indptr[j + 1]):
        v[indices[k]] += a * data[k]


# ---------------------------------------------------------------- whole-matrix kernels

@njit(cache=True)
def matvec(X, data, indices, indptr, is_sparse, n_samples, w):
    """``X @ w``, skipping zero coefficients."""
    out = np.zeros(n_samples)
    for j in range(w.shape[0]):
        if w[j] != 0.0:
            if is_sparse:
                csc_col_axpy(data, indices, indptr, j, w[j], out)
            else:
                dense_col_axpy(X, j, w[j], out)
    return out


@njit(cache=True)
def rmatvec(X, data, indices, indptr, is_sparse, n_features, v):
    """``X.T @ v``."""
    out = np.empty(n_features)
    if is_sparse:
        for j in range(n_features):
            out[j] = csc_col_dot(data, indices, indptr, j, v)
    else:
        for j in range(n_features):
            out[j] = dense_col_dot(X, j, v)
    return out


@njit(cache=True)
def power_iteration(X, data, indices, indptr, is_sparse, n_samples, n_features, h, mu, max_iter,
                    tol, seed):
    """Largest eigenvalue of ``Xc.T diag(h) Xc`` with ``Xc = X - 1 mu^T`` (the Lipschitz constant
    of a quadratic datafit; ``mu`` the column offsets an intercept absorbs, zeros for none)."""
    np.random.seed(seed)
    v = np.random.standard_normal(n_features)
    norm = np.sqrt(np.sum(v * v))
    v /= norm
    eig = 0.0
    for _ in range(max_iter):
        Xv = matvec(X, data, indices, indptr, is_sparse, n_samples, v)
        Xv -= np.dot(mu, v)
        Xv *= h
        v_new = rmatvec(X, data, indices, indptr, is_sparse, n_features, Xv)
        v_new -= mu * np.sum(Xv)
        norm = np.sqrt(np.sum(v_new * v_new))
        if norm == 0.0:
            return 0.0
        v_new /= norm
        converged = abs(norm - eig) <= tol * norm
        eig = norm
        v = v_new
        if converged:
            break
    return eig

"""Linear algebra on dense (Fortran-ordered) or CSC design matrices.

Kernels take the design as ``(X, data, indices, indptr, is_sparse)``: a dense Fortran array ``X``
when ``is_sparse`` is False, else the CSC triple (``X`` is then a 1 x 1 placeholder). One compiled
signature serves both, so solvers are written once.
"""

import numpy as np
from numba import njit


@njit(cache=True)
def col_dot(X, data, indices, indptr, is_sparse, j, v):
    """``X[:, j] @ v``."""
    total = 0.0
    if is_sparse:
        for k in range(indptr[j], indptr[j + 1]):
            total += data[k] * v[indices[k]]
    else:
        for i in range(X.shape[0]):
            total += X[i, j] * v[i]
    return total


@njit(cache=True)
def col_dot_weighted(X, data, indices, indptr, is_sparse, j, h, v):
    """``X[:, j] @ (h * v)``."""
    total = 0.0
    if is_sparse:
        for k in range(indptr[j], indptr[j + 1]):
            i = indices[k]
            total += data[k] * h[i] * v[i]
    else:
        for i in range(X.shape[0]):
            total += X[i, j] * h[i] * v[i]
    return total


@njit(cache=True)
def col_axpy(X, data, indices, indptr, is_sparse, j, a, v):
    """``v += a * X[:, j]`` in place."""
    if is_sparse:
        for k in range(indptr[j], indptr[j + 1]):
            v[indices[k]] += a * data[k]
    else:
        for i in range(X.shape[0]):
            v[i] += a * X[i, j]


@njit(cache=True)
def col_sq_norms(X, data, indices, indptr, is_sparse, n_features, h):
    """``sum_i h_i X_ij^2`` for every column ``j``."""
    out = np.zeros(n_features)
    for j in range(n_features):
        total = 0.0
        if is_sparse:
            for k in range(indptr[j], indptr[j + 1]):
                total += h[indices[k]] * data[k] * data[k]
        else:
            for i in range(X.shape[0]):
                total += h[i] * X[i, j] * X[i, j]
        out[j] = total
    return out


@njit(cache=True)
def matvec(X, data, indices, indptr, is_sparse, n_samples, w):
    """``X @ w``, skipping zero coefficients."""
    out = np.zeros(n_samples)
    for j in range(w.shape[0]):
        if w[j] != 0.0:
            col_axpy(X, data, indices, indptr, is_sparse, j, w[j], out)
    return out


@njit(cache=True)
def rmatvec(X, data, indices, indptr, is_sparse, n_features, v):
    """``X.T @ v``."""
    out = np.empty(n_features)
    for j in range(n_features):
        out[j] = col_dot(X, data, indices, indptr, is_sparse, j, v)
    return out


@njit(cache=True)
def power_iteration(X, data, indices, indptr, is_sparse, n_samples, n_features, h, max_iter, tol, seed):
    """Largest eigenvalue of ``X.T diag(h) X`` (the Lipschitz constant of a quadratic datafit)."""
    np.random.seed(seed)
    v = np.random.standard_normal(n_features)
    norm = np.sqrt(np.sum(v * v))
    v /= norm
    eig = 0.0
    for _ in range(max_iter):
        Xv = matvec(X, data, indices, indptr, is_sparse, n_samples, v)
        Xv *= h
        v_new = rmatvec(X, data, indices, indptr, is_sparse, n_features, Xv)
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

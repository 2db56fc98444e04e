"""The design matrix as the Numba kernels take it: dense Fortran float64 or a CSC triple."""

import numpy as np
import scipy.sparse as sp

from .._core import linalg as _linalg

_PLACEHOLDER = np.zeros((1, 1), order="F")
_EMPTY_F = np.zeros(0)
_EMPTY_I = np.zeros(0, dtype=np.int32)


class Design:
    """Wrap ``X`` once; ``arrays`` is the ``(X, data, indices, indptr, is_sparse)`` tuple."""

    def __init__(self, X):
        if sp.issparse(X):
            X = sp.csc_matrix(X, dtype=np.float64)
            X.sort_indices()
            index_dtype = np.int32 if X.nnz < 2**31 - 1 else np.int64
            self.arrays = (
                _PLACEHOLDER,
                np.ascontiguousarray(X.data, dtype=np.float64),
                np.ascontiguousarray(X.indices, dtype=index_dtype),
                np.ascontiguousarray(X.indptr, dtype=index_dtype),
                True,
            )
        else:
            X = np.asfortranarray(X, dtype=np.float64)
            self.arrays = (X, _EMPTY_F, _EMPTY_I, _EMPTY_I, False)
        self.X = X
        self.is_sparse = sp.issparse(X)
        self.n_samples, self.n_features = X.shape

    def matvec(self, w):
        return _linalg.matvec(*self.arrays, self.n_samples, np.asarray(w, dtype=np.float64))

    def rmatvec(self, v):
        return _linalg.rmatvec(*self.arrays, self.n_features, np.asarray(v, dtype=np.float64))

    def col_sq_norms(self, h):
        return _linalg.col_sq_norms(*self.arrays, self.n_features, h)

    def spectral_norm_sq(self, h, max_iter=100, tol=1e-6, seed=0):
        """Largest eigenvalue of ``X.T diag(h) X`` by power iteration."""
        return _linalg.power_iteration(*self.arrays, self.n_samples, self.n_features, h, max_iter,
                                       tol, seed)


def as_design(X):
    return X if isinstance(X, Design) else Design(X)

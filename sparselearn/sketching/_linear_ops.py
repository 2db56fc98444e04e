"""Passes over a tall matrix for sketched least squares: dense, CSR and dask backends.

Each backend wraps ``A`` (``n x d``), a column offset ``mu`` and a row vector ``r`` (the implicit
centering used for the intercept, ``A_c = A - r mu^T``; ``mu = 0`` without intercept, ``r = 1``
unless ``A`` holds rows scaled by the square roots of sample weights) and provides

``sketch(op)``
    ``S A_c`` for a fitted sketch operator ``op``;
``normal_matvec(t)``
    ``(||A_c t||^2, A_c^T A_c t)`` in one pass over ``A``;
``residual_gradient(x, b)``
    ``(||r||^2, A_c^T r)`` with ``r = b - A_c x``, in one pass over ``A``;
``gram_cost()``, ``gram()``
    the estimated cost of ``A_c^T A_c`` in passes over ``A`` (``inf`` where it is not
    formed: dask) and the matrix itself (float64, ``d x d``; ``None`` when the centering
    would cancel most of its digits).

Dense passes go through row blocks small enough to stay in cache, so each block is read
from memory once for both products. All arithmetic is float64.
"""

from math import inf

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp

from .._core import sketch_lsq as _kl

# bytes of a dense row block (read once for A t and A^T q)
_BLOCK_BYTES = 2**20
# bytes of a dense row block of the Gram matrix (one BLAS-3 syrk each)
_GRAM_BLOCK_BYTES = 2**21
# a dense Gram matrix (n d^2 flops, BLAS-3) costs about d / 32 memory-bound passes (4 n d flops)
_GRAM_FLOPS_PER_PASS = 32
# centering A^T A by subtraction may lose this factor of relative accuracy at most
_GRAM_MAX_CANCELLATION = 100.0
_NO_B = np.empty(0)  # csr_pass without b: a normal-equations product


class _Passes:
    """``normal_matvec`` and ``residual_gradient`` from the backend's one ``_pass(x, b)``."""

    def normal_matvec(self, t):
        return self._pass(t, None)

    def residual_gradient(self, x, b):
        return self._pass(x, b)

    def gram_cost(self):
        return inf

    def _center_gram(self, G):
        # A_c^T A_c = A^T A - (r.r) mu mu^T, as A^T r = (r.r) mu (mu the r-weighted mean);
        # None when the subtraction would cancel most digits (the mean dominates the spread)
        if not np.any(self.offset):
            return G
        r = self._row_shift_vector()
        mean_part = float(r @ r) * np.outer(self.offset, self.offset)
        G = G - mean_part
        if np.trace(mean_part) > _GRAM_MAX_CANCELLATION * np.trace(G):
            return None
        return G


class DenseOps(_Passes):
    def __init__(self, A, offset, row_shift=None):
        self.A = A
        self.offset = offset
        self.row_shift = row_shift
        n, d = A.shape
        self.n_rows, self.n_features = n, d
        self.block = max(16, _BLOCK_BYTES // (8 * max(d, 1)))

    def _row_shift_vector(self):
        return np.ones(self.n_rows) if self.row_shift is None else self.row_shift

    def _blocks(self):
        A, step = self.A, self.block
        for start in range(0, self.n_rows, step):
            block = A[start : start + step]
            if block.dtype != np.float64:
                block = block.astype(np.float64)
            yield start, block

    def sketch(self, op):
        SA = op.apply(self.A).astype(np.float64, copy=False)
        if np.any(self.offset):
            SA = SA - np.outer(op.apply(self._row_shift_vector()), self.offset)
        return SA

    def gram_cost(self):
        return self.n_features / _GRAM_FLOPS_PER_PASS

    def gram(self):
        G = self._syrk(center=False)
        centered = self._center_gram(G)
        return self._syrk(center=True) if centered is None else centered

    def _syrk(self, center):
        # upper triangle of sum over row blocks B of B^T B (B centered when asked), symmetrized
        d = self.n_features
        step = max(16, _GRAM_BLOCK_BYTES // (8 * max(d, 1)))
        G = np.zeros((d, d), order="F")
        r = self._row_shift_vector() if center else None
        for start in range(0, self.n_rows, step):
            block = self.A[start : start + step]
            if block.dtype != np.float64:
                block = block.astype(np.float64)
            if center:
                block = block - np.outer(r[start : start + block.shape[0]], self.offset)
            G = sla.blas.dsyrk(1.0, block.T, beta=1.0, c=G, trans=0, overwrite_c=1)
        upper = np.triu(G)
        return upper + np.triu(G, 1).T

    def _pass(self, x, b):
        # q = A_c x (b None) or b - A_c x; returns (||q||^2, A_c^T q)
        shift = float(self.offset @ x)
        if b is not None:
            shift = -shift
        out = np.zeros(self.n_features)
        qq = 0.0
        q_sum = 0.0
        row_shift = self.row_shift
        for start, block in self._blocks():
            stop = start + block.shape[0]
            q = block @ x if b is None else b[start:stop] - block @ x
            r_block = None if row_shift is None else row_shift[start:stop]
            if shift:
                q -= shift if r_block is None else shift * r_block
            qq += q @ q
            q_sum += q.sum() if r_block is None else r_block @ q
            out += block.T @ q
        out -= self.offset * q_sum
        return qq, out


class CSROps(DenseOps):
    def __init__(self, A, offset, row_shift=None):
        A = sp.csr_matrix(A, dtype=np.float64)
        if not A.has_sorted_indices:  # a sorted copy: the caller's matrix is left as given
            A = A.sorted_indices()
        self.A = A
        self.offset = offset
        self.row_shift = row_shift
        self.n_rows, self.n_features = A.shape
        self._shift = self._row_shift_vector()

    def gram_cost(self):
        # sum_i nnz_i^2 multiply-adds against 4 nnz flops per pass
        row_nnz = np.diff(self.A.indptr).astype(np.float64)
        return float(row_nnz @ row_nnz) / max(4.0 * self.A.nnz, 1.0)

    def gram(self):
        A = self.A
        G = np.zeros((self.n_features, self.n_features))
        _kl.csr_gram(A.data, A.indices, A.indptr, G)
        return self._center_gram(G)  # None (no Gram phase) when the mean dominates

    def _pass(self, x, b):
        out = np.empty(self.n_features)
        A = self.A
        qq, q_sum = _kl.csr_pass(
            A.data, A.indices, A.indptr, _NO_B if b is None else b, x, float(self.offset @ x),
            self._shift, out,
        )
        out -= self.offset * q_sum
        return qq, out


def _block_pass(block, b, x, shift):
    # one row chunk: (||q||^2, sum q, A^T q) with q = A x - shift (b None) or b - (A x - shift)
    if sp.issparse(block):
        A = sp.csr_matrix(block, dtype=np.float64)
        if not A.has_sorted_indices:
            A = A.sorted_indices()
        out = np.empty(A.shape[1])
        ones = np.ones(A.shape[0])
        b = _NO_B if b is None else np.asarray(b, dtype=np.float64)
        qq, q_sum = _kl.csr_pass(A.data, A.indices, A.indptr, b, x, shift, ones, out)
        return qq, q_sum, out
    block = np.asarray(block, dtype=np.float64)
    q = block @ x - shift if b is None else np.asarray(b, dtype=np.float64) - block @ x + shift
    return q @ q, q.sum(), block.T @ q


class DaskOps(_Passes):
    """Passes over a dask array (row chunks, one column chunk), one task per row chunk."""

    def __init__(self, A, offset):
        self.A = A.rechunk({1: -1})
        self.offset = offset
        self.row_shift = None
        self.n_rows, self.n_features = A.shape

    def _row_shift_vector(self):
        return np.ones(self.n_rows)

    def sketch(self, op):
        SA = np.asarray(op.apply(self.A).compute(), dtype=np.float64)
        if np.any(self.offset):
            SA = SA - np.outer(op.apply(np.ones(self.n_rows)), self.offset)
        return SA

    def align(self, b):
        import dask.array as da

        if not isinstance(b, da.Array):
            b = da.from_array(np.asarray(b), chunks=self.A.chunks[0])
        return b.rechunk((self.A.chunks[0],))

    def _sum(self, tasks):
        import dask

        parts = dask.compute(*tasks)
        total_sq = sum(p[0] for p in parts)
        total_sum = sum(p[1] for p in parts)
        vec = np.sum([p[2] for p in parts], axis=0)
        return total_sq, total_sum, vec

    def _pass(self, x, b):
        import dask

        shift = float(self.offset @ x)
        blocks = self.A.to_delayed().ravel()
        b_blocks = [None] * len(blocks) if b is None else b.to_delayed().ravel()
        qq, q_sum, out = self._sum(
            [
                dask.delayed(_block_pass)(blk, bb, x, shift)
                for blk, bb in zip(blocks, b_blocks)
            ]
        )
        return qq, out - self.offset * q_sum

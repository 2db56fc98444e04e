"""Sketch operators: Gaussian, SRHT, CountSketch and sparse sign, for dense, sparse and dask input.

A sketch ``S`` (``sketch_size x n_rows``) maps a tall matrix ``A`` (``n_rows x d``) to the
small matrix ``S A`` (``sketch_size x d``) while approximately preserving the norms of all vectors
in the column space of ``A`` (a subspace embedding):

.. math::

    (1 - \\varepsilon) \\|A x\\|_2 \\le \\|S A x\\|_2 \\le (1 + \\varepsilon) \\|A x\\|_2
    \\quad \\text{for all } x.

Each ``S`` here is a function of ``(n_rows, sketch_size, random_state)`` only; its column ``i`` is
drawn from a hash of the global row index ``i`` and the seed, so ``S`` is never formed, dense and
sparse input give the same ``S A``, and a row-chunked matrix is sketched chunk by chunk and summed
(:meth:`BaseSketch.apply_block`; dask arrays are handled so automatically).

Which sketch for which guarantee
--------------------------------
=================  =====================  =============================================================
sketch             cost of ``S A``        guarantee at sketch size ``k``
=================  =====================  =============================================================
Gaussian           ``O(k nnz(A))``        subspace embedding for ``k = O(d / eps^2)``; dense (see below)
SRHT               ``O(n d log n)``       subspace embedding for ``k = O((d + log n) log d / eps^2)``; dense
sparse sign        ``O(zeta nnz(A))``     subspace embedding for ``k = O(d log d / eps^2)``, ``zeta``
                                          of order ``log d`` (OSNAP); ``k ~ 3 d``, ``zeta = 8`` in practice
CountSketch        ``O(nnz(A))``          subspace embedding only for ``k = O(d^2 / eps^2)``
=================  =====================  =============================================================

All four give the usual ``(1 + eps)`` residual guarantee of sketch-and-solve least squares and
all four are valid preconditioners (:class:`SketchedLeastSquares`). The coordinate-wise
guarantee ``||x' - x*||_inf <= eps / sqrt(d) ||A x* - b|| ||A^+||`` of sketch-and-solve (Song, Ye,
Yin & Zhang, ICML 2023, with ``k = eps^-2 d log^3(n / delta)`` rows of a dense sketch, ``S A`` in
``O(n d log n)``) holds for the *dense* sketches (Gaussian, SRHT) only: CountSketch and
sparse sign sketches (like leverage-score sampling) have counterexamples (Price, Song & Woodruff,
2017). Use ``srht`` or ``gaussian`` when entry-wise accuracy of sketch-and-solve matters.
"""

import numbers
from abc import ABC, abstractmethod

import numpy as np
import scipy.sparse as sp

from .._core import sketch as _ks
from ._validation import (
    check_matrix,
    check_sketch_finite,
    check_sketch_size,
    is_dask_array,
    seed_from_random_state,
)

__all__ = [
    "BaseSketch",
    "GaussianSketch",
    "SRHTSketch",
    "CountSketch",
    "SparseSignSketch",
    "make_sketch",
    "gaussian_sketch",
    "srht_sketch",
    "countsketch",
    "sparse_sign_sketch",
]

# entries of a dense block of S kept in memory at once (Gaussian / SRHT blocks)
_BLOCK_ENTRIES = 2**21
# CSR input with fewer nonzeros per row than this on average goes through the flat kernel
# (branch-free over the nonzeros), longer rows row by row: CountSketch of 400000 nonzeros, one
# process, alternating medians, d = 200, k = 2000: flat 1.43x faster at 2 per row, 1.29x at 6,
# 1.06x at 8, 0.93x at 12; d = 1000, k = 800: 1.63x at 2, about even from 6 on
_FLAT_CSR_ROW_NNZ = 8


class BaseSketch(ABC):
    """Common interface of the sketch operators: ``fit(n_rows)`` draws ``S``, ``apply`` uses it.

    Parameters
    ----------
    sketch_size : int
        Number of rows ``k`` of ``S``.
    random_state : int, RandomState instance or None, default=None
        Seed of the hash that defines ``S``. Equal integers give equal sketches.

    Attributes
    ----------
    n_rows_ : int
        Number of rows of the matrices this sketch applies to.
    seed_ : int
        The integer seed actually used.

    Examples
    --------
    Every operator applies the same ``S`` to a whole matrix, to row blocks of it (streamed
    data) or as an explicit matrix:

    >>> import numpy as np
    >>> from sparselearn.sketching import BaseSketch, CountSketch
    >>> A = np.random.default_rng(0).standard_normal((300, 4))
    >>> S = CountSketch(40, random_state=0).fit(300)
    >>> isinstance(S, BaseSketch)
    True
    >>> SA = S.apply(A)
    >>> blocks = S.apply_block(A[:100], 0) + S.apply_block(A[100:], 100)
    >>> np.allclose(SA, blocks), np.allclose(SA, S.to_matrix() @ A)
    (True, True)
    """

    def __init__(self, sketch_size, random_state=None):
        self.sketch_size = sketch_size
        self.random_state = random_state

    def __repr__(self):
        params = ", ".join(f"{k}={v!r}" for k, v in self._params().items())
        return f"{type(self).__name__}({params})"

    def _params(self):
        return {"sketch_size": self.sketch_size, "random_state": self.random_state}

    # -- drawing -------------------------------------------------------------------------------

    def fit(self, n_rows):
        """Draw the sketch for matrices with ``n_rows`` rows.

        Parameters
        ----------
        n_rows : int
            Number of rows of the matrices to sketch.

        Returns
        -------
        self : object
            The fitted sketch.
        """
        if not isinstance(n_rows, numbers.Integral) or isinstance(n_rows, bool) or n_rows < 1:
            raise ValueError(f"n_rows must be a positive integer; got {n_rows!r}.")
        self.n_rows_ = int(n_rows)
        self._k = check_sketch_size(self.sketch_size)
        self.seed_ = seed_from_random_state(self.random_state)
        self._draw()
        return self

    def _draw(self):
        pass

    def _check_fitted(self):
        if not hasattr(self, "n_rows_"):
            raise ValueError(
                f"This {type(self).__name__} is not fitted yet; call fit(n_rows) first."
            )

    # -- application ---------------------------------------------------------------------------

    def apply(self, A):
        """Compute ``S @ A`` without forming ``S``.

        Parameters
        ----------
        A : {array-like, sparse matrix, dask array} of shape (n_rows, d) or (n_rows,)
            Matrix or vector to sketch. A dask array is sketched block by block and a lazy
            dask array is returned (call ``.compute()``).

        Returns
        -------
        SA : ndarray of shape (sketch_size, d) or (sketch_size,)
            The sketch, in the dtype of ``A`` (float32 kept, others become float64).
        """
        self._check_fitted()
        if is_dask_array(A):
            from ._dask import sketch_dask

            if A.shape[0] != self.n_rows_:
                raise ValueError(
                    f"A has {A.shape[0]} rows but the sketch was fitted for {self.n_rows_} rows."
                )
            return sketch_dask(self, A)
        A, was_1d = check_matrix(A, ensure_finite=False, sort_csr=False)
        return self._apply_checked(A, was_1d)

    def _apply_checked(self, A, was_1d):
        # apply() after check_matrix (the sketching functions check A once, then come here)
        if A.shape[0] != self.n_rows_:
            raise ValueError(
                f"A has {A.shape[0]} rows but the sketch was fitted for {self.n_rows_} rows."
            )
        with np.errstate(invalid="ignore", over="ignore"):  # non-finite A: refused below
            SA = self._apply_full(A)
        SA = check_sketch_finite(SA)
        return SA[:, 0] if was_1d else SA

    def apply_block(self, A_block, row_offset):
        """Compute ``S[:, row_offset:row_offset + m] @ A_block`` for a block of ``m`` rows.

        Summing the results over the row blocks of ``A`` gives ``S @ A`` (up to rounding).

        Parameters
        ----------
        A_block : {array-like, sparse matrix} of shape (m, d) or (m,)
            Rows ``row_offset .. row_offset + m - 1`` of the matrix to sketch.
        row_offset : int
            Global index of the first row of ``A_block``.

        Returns
        -------
        SA_block : ndarray of shape (sketch_size, d) or (sketch_size,)
            The block's contribution to ``S @ A``.
        """
        self._check_fitted()
        A_block, was_1d = check_matrix(A_block, name="A_block", ensure_finite=False,
                                       sort_csr=False)
        row_offset = int(row_offset)
        if row_offset < 0 or row_offset + A_block.shape[0] > self.n_rows_:
            raise ValueError(
                f"rows {row_offset}..{row_offset + A_block.shape[0] - 1} are outside the "
                f"{self.n_rows_} rows the sketch was fitted for."
            )
        with np.errstate(invalid="ignore", over="ignore"):
            SA = self._apply_rows(A_block, row_offset)
        SA = check_sketch_finite(SA, name="A_block")
        return SA[:, 0] if was_1d else SA

    def _apply_full(self, A):
        return self._apply_rows(A, 0)

    @abstractmethod
    def _apply_rows(self, A, row_offset):
        """``S[:, row_offset:row_offset + len(A)] @ A`` (each operator computes its block)."""

    @abstractmethod
    def to_matrix(self):
        """The sketch matrix ``S`` itself (for testing and small problems).

        Returns
        -------
        S : ndarray or scipy.sparse.csr_matrix of shape (sketch_size, n_rows)
            Dense for the Gaussian and SRHT sketches, CSR for CountSketch and sparse sign.
        """


class SparseSignSketch(BaseSketch):
    """Sparse sign (OSNAP) sketch: ``nnz_per_col`` entries ``+-1/sqrt(nnz_per_col)`` per column.

    Column ``i`` of ``S`` has one nonzero in each of ``nnz_per_col`` contiguous blocks of rows of
    ``S``, at a hashed position with a hashed sign. Applying it costs ``O(nnz_per_col nnz(A))``.
    With ``sketch_size ~ 3 d`` and ``nnz_per_col = 8`` it is the sketch recommended for
    sketched least squares (Tropp et al., PARLA / RandBLAS defaults).

    Parameters
    ----------
    sketch_size : int
        Number of rows ``k`` of ``S``.
    nnz_per_col : int, default=8
        Nonzeros per column of ``S`` (``zeta``); clipped to ``sketch_size``.
    random_state : int, RandomState instance or None, default=None
        Seed of the hash that defines ``S``.

    Attributes
    ----------
    n_rows_ : int
        Number of rows of the matrices this sketch applies to.
    seed_ : int
        The integer seed actually used.
    nnz_per_col_ : int
        Nonzeros per column actually used.

    References
    ----------
    J. Nelson and H. L. Nguyen, "OSNAP: Faster numerical linear algebra algorithms via sparser
    subspace embeddings", FOCS 2013.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.sketching import SparseSignSketch
    >>> A = np.random.default_rng(0).standard_normal((1000, 5))
    >>> S = SparseSignSketch(30, random_state=0).fit(1000)
    >>> S.apply(A).shape
    (30, 5)
    """

    def __init__(self, sketch_size, nnz_per_col=8, random_state=None):
        super().__init__(sketch_size, random_state)
        self.nnz_per_col = nnz_per_col

    def _params(self):
        return {
            "sketch_size": self.sketch_size,
            "nnz_per_col": self.nnz_per_col,
            "random_state": self.random_state,
        }

    def _draw(self):
        zeta = self.nnz_per_col
        if not isinstance(zeta, numbers.Integral) or isinstance(zeta, bool) or zeta < 1:
            raise ValueError(f"nnz_per_col must be a positive integer; got {zeta!r}.")
        self.nnz_per_col_ = int(min(zeta, self._k))

    def _apply_rows(self, A, row_offset):
        out = np.zeros((self._k, A.shape[1]), dtype=A.dtype)
        if sp.issparse(A):
            if A.format == "csc":
                kernel = _ks.sparse_sign_csc
            elif A.indptr[-1] - A.indptr[0] < _FLAT_CSR_ROW_NNZ * A.shape[0]:
                kernel = _ks.sparse_sign_csr_flat
            else:
                kernel = _ks.sparse_sign_csr
            kernel(A.data, A.indices, A.indptr, row_offset, self.seed_, self.nnz_per_col_, out)
        else:
            _ks.sparse_sign_dense(A, row_offset, self.seed_, self.nnz_per_col_, out)
        return out

    def to_matrix(self):
        self._check_fitted()
        nnz = self.n_rows_ * self.nnz_per_col_
        rows = np.empty(nnz, dtype=np.int64)
        cols = np.empty(nnz, dtype=np.int64)
        vals = np.empty(nnz, dtype=np.float64)
        _ks.sparse_sign_coo(
            self.n_rows_, 0, self.seed_, self._k, self.nnz_per_col_, rows, cols, vals
        )
        return sp.csr_matrix((vals, (rows, cols)), shape=(self._k, self.n_rows_))


class CountSketch(SparseSignSketch):
    """CountSketch (Clarkson-Woodruff transform): one ``+-1`` per column of ``S``.

    Row ``i`` of ``A`` is added, with a hashed sign, to the hashed row ``h(i)`` of ``S A``:
    ``O(nnz(A))`` time and ``O(sketch_size d)`` extra memory. A subspace embedding needs
    ``sketch_size = O(d^2 / eps^2)``; for smaller sketches prefer :class:`SparseSignSketch`.

    Parameters
    ----------
    sketch_size : int
        Number of rows ``k`` of ``S`` (hash buckets).
    random_state : int, RandomState instance or None, default=None
        Seed of the hash that defines ``S``.

    Attributes
    ----------
    n_rows_ : int
        Number of rows of the matrices this sketch applies to.
    seed_ : int
        The integer seed actually used.
    nnz_per_col_ : int
        Always 1.

    References
    ----------
    K. L. Clarkson and D. P. Woodruff, "Low rank approximation and regression in input sparsity
    time", STOC 2013.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.sketching import CountSketch
    >>> S = CountSketch(4, random_state=0).fit(6)
    >>> S.to_matrix().getnnz(axis=0).tolist()
    [1, 1, 1, 1, 1, 1]
    """

    def __init__(self, sketch_size, random_state=None):
        super().__init__(sketch_size, nnz_per_col=1, random_state=random_state)

    def _params(self):
        return {"sketch_size": self.sketch_size, "random_state": self.random_state}


class GaussianSketch(BaseSketch):
    """Gaussian sketch: ``S`` with i.i.d. ``N(0, 1/k)`` entries (hashed, never stored whole).

    Costs ``O(k nnz(A))``; columns of ``S`` are generated block by block and multiplied with
    BLAS. A subspace embedding for ``k = O(d / eps^2)`` and a dense sketch: sketch-and-solve
    with it has the coordinate-wise (``l_inf``) guarantee of Song, Ye, Yin & Zhang (2023).

    Parameters
    ----------
    sketch_size : int
        Number of rows ``k`` of ``S``.
    random_state : int, RandomState instance or None, default=None
        Seed of the hash that defines ``S``.

    Attributes
    ----------
    n_rows_ : int
        Number of rows of the matrices this sketch applies to.
    seed_ : int
        The integer seed actually used.

    References
    ----------
    X. Meng, M. A. Saunders and M. W. Mahoney, "LSRN: A parallel iterative solver for strongly
    over- or underdetermined systems", SIAM J. Sci. Comput. 36(2), 2014.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.sketching import GaussianSketch
    >>> S = GaussianSketch(20, random_state=0).fit(100)
    >>> S.apply(np.ones(100)).shape
    (20,)
    """

    def _block_columns(self, n_rows, row_offset):
        step = max(1, _BLOCK_ENTRIES // self._k)
        for start in range(0, n_rows, step):
            stop = min(n_rows, start + step)
            block = np.empty((self._k, stop - start), dtype=np.float64)
            self._fill_block(row_offset + start, block)
            yield start, stop, block

    def _fill_block(self, row_offset, block):
        _ks.gaussian_block(row_offset, self.seed_, block)

    def _apply_rows(self, A, row_offset):
        out = np.zeros((self._k, A.shape[1]), dtype=A.dtype)
        if sp.issparse(A) and A.format == "csc":
            A = A.tocsr()
        for start, stop, block in self._block_columns(A.shape[0], row_offset):
            block = block.astype(A.dtype, copy=False)
            if sp.issparse(A):
                out += (A[start:stop].T @ block.T).T
            else:
                out += block @ A[start:stop]
        return out

    def to_matrix(self):
        self._check_fitted()
        S = np.empty((self._k, self.n_rows_))
        for start, stop, block in self._block_columns(self.n_rows_, 0):
            S[:, start:stop] = block
        return S


class SRHTSketch(GaussianSketch):
    """Subsampled randomized Hadamard transform ``S = sqrt(1/k) P H D``.

    ``D`` holds random signs, ``H`` is the (unnormalized, Sylvester) Walsh-Hadamard matrix of
    the next power of two ``n_pad >= n_rows`` (``A`` is zero-padded) and ``P`` keeps ``k``
    distinct rows chosen uniformly. A whole in-memory dense ``A`` is transformed with the fast
    Walsh-Hadamard transform in ``O(n_pad d log n_pad)``; sparse input and row blocks (dask) use
    explicit blocks of ``S`` (``O(k nnz)``). A dense sketch: sketch-and-solve with it has the
    coordinate-wise guarantee of Song, Ye, Yin & Zhang (2023).

    Parameters
    ----------
    sketch_size : int
        Number of rows ``k`` of ``S``; at most ``n_rows``.
    random_state : int, RandomState instance or None, default=None
        Seed of the hash that defines ``S``.

    Attributes
    ----------
    n_rows_ : int
        Number of rows of the matrices this sketch applies to.
    seed_ : int
        The integer seed actually used.
    sampled_rows_ : ndarray of shape (sketch_size,)
        Rows of ``H D`` kept, sorted.

    References
    ----------
    N. Ailon and B. Chazelle, "The fast Johnson-Lindenstrauss transform and approximate nearest
    neighbors", SIAM J. Comput. 39(1), 2009. J. A. Tropp, "Improved analysis of the subsampled
    randomized Hadamard transform", Adv. Adapt. Data Anal. 3, 2011.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.sketching import SRHTSketch
    >>> S = SRHTSketch(8, random_state=0).fit(100)
    >>> S.apply(np.ones((100, 3))).shape
    (8, 3)
    """

    def _draw(self):
        if self._k > self.n_rows_:
            raise ValueError(
                f"sketch_size={self._k} must not exceed the number of rows ({self.n_rows_}) "
                "for the SRHT, which samples distinct rows."
            )
        n_pad = 1 << max(0, int(self.n_rows_ - 1).bit_length())
        self._n_pad = n_pad
        rng = np.random.default_rng(self.seed_)
        self.sampled_rows_ = np.sort(rng.choice(n_pad, size=self._k, replace=False)).astype(
            np.int64
        )

    def _fill_block(self, row_offset, block):
        _ks.srht_block(row_offset, self.seed_, self.sampled_rows_, block)

    def _apply_full(self, A):
        if sp.issparse(A):
            return self._apply_rows(A, 0)
        n_rows, d = A.shape
        X = np.zeros((self._n_pad, d), dtype=A.dtype)
        signs = np.empty(n_rows, dtype=A.dtype)
        _ks.rademacher(n_rows, 0, self.seed_, signs)
        np.multiply(A, signs[:, None], out=X[:n_rows])
        _ks.fwht_rows(X)
        out = X[self.sampled_rows_]
        out *= 1.0 / np.sqrt(self._k)
        return out


_SKETCHES = {
    "gaussian": GaussianSketch,
    "srht": SRHTSketch,
    "countsketch": CountSketch,
    "sparse_sign": SparseSignSketch,
}


def make_sketch(sketch, sketch_size, random_state=None, **params):
    """Build an unfitted sketch operator by name.

    Parameters
    ----------
    sketch : {"gaussian", "srht", "countsketch", "sparse_sign"}
        Kind of sketch.
    sketch_size : int
        Number of rows of ``S``.
    random_state : int, RandomState instance or None, default=None
        Seed of the hash that defines ``S``.
    **params : dict
        Extra parameters of the operator (``nnz_per_col`` for ``"sparse_sign"``).

    Returns
    -------
    sketch : BaseSketch
        Call ``fit(n_rows)`` then ``apply``.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.sketching import make_sketch
    >>> A = np.random.default_rng(0).standard_normal((1000, 5))
    >>> S = make_sketch("sparse_sign", 50, random_state=0, nnz_per_col=4).fit(1000)
    >>> S.apply(A).shape
    (50, 5)
    """
    if sketch not in _SKETCHES:
        raise ValueError(f"sketch must be one of {sorted(_SKETCHES)}; got {sketch!r}.")
    check_sketch_size(sketch_size)
    return _SKETCHES[sketch](sketch_size, random_state=random_state, **params)


def _sketch(kind, A, sketch_size, random_state, **params):
    op = make_sketch(kind, sketch_size, random_state, **params)
    if is_dask_array(A):
        return op.fit(int(A.shape[0])).apply(A)
    A, was_1d = check_matrix(A, ensure_finite=False, sort_csr=False)  # S A is checked
    return op.fit(int(A.shape[0]))._apply_checked(A, was_1d)


def gaussian_sketch(A, sketch_size, random_state=None):
    """Gaussian sketch ``S @ A`` with ``S`` of i.i.d. ``N(0, 1/sketch_size)`` entries.

    Parameters
    ----------
    A : {array-like, sparse matrix, dask array} of shape (n_rows, d) or (n_rows,)
        Matrix to sketch.
    sketch_size : int
        Number of rows of the sketch.
    random_state : int, RandomState instance or None, default=None
        Seed; ``S`` depends only on ``(n_rows, sketch_size, random_state)``.

    Returns
    -------
    SA : ndarray of shape (sketch_size, d) or (sketch_size,)
        The sketch (a lazy dask array for dask input).

    See Also
    --------
    GaussianSketch : the operator form, to apply the same ``S`` to several matrices.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.sketching import gaussian_sketch
    >>> gaussian_sketch(np.eye(50), 10, random_state=0).shape
    (10, 50)
    """
    return _sketch("gaussian", A, sketch_size, random_state)


def srht_sketch(A, sketch_size, random_state=None):
    """Subsampled randomized Hadamard transform ``S @ A`` in ``O(n d log n)``.

    Parameters
    ----------
    A : {array-like, sparse matrix, dask array} of shape (n_rows, d) or (n_rows,)
        Matrix to sketch.
    sketch_size : int
        Number of rows of the sketch, at most ``n_rows``.
    random_state : int, RandomState instance or None, default=None
        Seed; ``S`` depends only on ``(n_rows, sketch_size, random_state)``.

    Returns
    -------
    SA : ndarray of shape (sketch_size, d) or (sketch_size,)
        The sketch (a lazy dask array for dask input).

    See Also
    --------
    SRHTSketch : the operator form.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.sketching import srht_sketch
    >>> srht_sketch(np.ones((64, 2)), 16, random_state=0).shape
    (16, 2)
    """
    return _sketch("srht", A, sketch_size, random_state)


def countsketch(A, sketch_size, random_state=None):
    """CountSketch ``S @ A`` in ``O(nnz(A))``: each row of ``A`` lands, signed, in one bucket.

    Unlike :func:`scipy.linalg.clarkson_woodruff_transform`, ``S`` is a hash of the row index
    and the seed, so row blocks can be sketched separately and summed.

    Parameters
    ----------
    A : {array-like, sparse matrix, dask array} of shape (n_rows, d) or (n_rows,)
        Matrix to sketch.
    sketch_size : int
        Number of rows (buckets) of the sketch.
    random_state : int, RandomState instance or None, default=None
        Seed; ``S`` depends only on ``(n_rows, sketch_size, random_state)``.

    Returns
    -------
    SA : ndarray of shape (sketch_size, d) or (sketch_size,)
        The sketch (a lazy dask array for dask input).

    See Also
    --------
    CountSketch : the operator form.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.sketching import countsketch
    >>> SA = countsketch(np.ones((100, 3)), 10, random_state=0)
    >>> SA.shape
    (10, 3)
    """
    return _sketch("countsketch", A, sketch_size, random_state)


def sparse_sign_sketch(A, sketch_size, random_state=None, nnz_per_col=8):
    """Sparse sign (OSNAP) sketch ``S @ A`` with ``nnz_per_col`` nonzeros per column of ``S``.

    Parameters
    ----------
    A : {array-like, sparse matrix, dask array} of shape (n_rows, d) or (n_rows,)
        Matrix to sketch.
    sketch_size : int
        Number of rows of the sketch.
    random_state : int, RandomState instance or None, default=None
        Seed; ``S`` depends only on ``(n_rows, sketch_size, random_state)``.
    nnz_per_col : int, default=8
        Nonzeros ``+-1/sqrt(nnz_per_col)`` per column of ``S``.

    Returns
    -------
    SA : ndarray of shape (sketch_size, d) or (sketch_size,)
        The sketch (a lazy dask array for dask input).

    See Also
    --------
    SparseSignSketch : the operator form.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.sketching import sparse_sign_sketch
    >>> sparse_sign_sketch(np.ones((100, 3)), 12, random_state=0).shape
    (12, 3)
    """
    return _sketch("sparse_sign", A, sketch_size, random_state, nnz_per_col=nnz_per_col)

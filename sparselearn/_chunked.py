"""Statistics of chunked (dask) data in one pass: the layer the dask fit paths stand on.

A dask array ``X`` is read as its row chunks (one column chunk; more are merged by a rechunk in
the same graph). The targets and the sample weights are aligned with those row chunks, every
chunk is reduced to a small summary in one task, and the summaries are merged pairwise in a
tree of ``split_every``-way merges built with ``dask.delayed`` (dask's public API only: any
scheduler runs it, ``dask.distributed`` included). Each function that reads the chunks of ``X``
counts one pass in :data:`passes`, which is what the tests read.

Two summaries of the weighted rows of ``A = [X, Y]`` exist:

- :class:`Moments`: the weight, the weighted mean and the centred second-moment matrix. Each
  chunk is centred on its own mean before its cross-products are formed, and two chunks merge
  with the parallel update of Chan, Golub & LeVeque (1979), so the result does not lose digits
  to feature offsets (columns around 1e6 give the same centred Gram as columns around 0);
- the R factor of the QR decomposition of ``sqrt(s) [1, X, Y]`` (TSQR, Demmel et al. 2012: a
  QR per chunk, then a QR of each stacked pair of R factors), used when the Gram of the
  centred design is too ill-conditioned to be factored (``rcond < RCOND_MIN``).

Both give a :class:`GramFactor`: the weighted means and an upper-trapezoidal ``R`` with
``R^T R`` the centred weighted covariance of ``[X, Y]``, from which a fit builds a small dense
design with the same least-squares objective as the whole data.

With ``n_folds``, every row goes to the fold :func:`fold_of` its global row index hashes to,
and each chunk returns one summary per fold: the K fold summaries of cross-validation come
from the same single pass.

dask is imported inside the functions, so importing this module does not import it.
"""

import numbers
import threading
from contextlib import contextmanager

import numpy as np
import scipy.linalg
from sklearn.model_selection import BaseCrossValidator
from sklearn.utils import check_scalar

__all__ = ["passes", "is_dask_collection", "as_row_chunked", "align_rows", "single_threaded",
           "tree_reduce", "fold_of", "HashFolds", "Moments", "GramFactor", "moments_pass", "qr_pass",
           "gram_factors", "newton_pass", "target_pass", "working_set_pass", "RCOND_MIN",
           "SPLIT_EVERY"]

#: Below this reciprocal condition number of the diagonally scaled Gram of the centred design,
#: the Cholesky factor of the Gram loses too many digits and a QR pass replaces it.
RCOND_MIN = 1e-10

#: Fan-in of the merge tree: each merge task combines this many summaries.
SPLIT_EVERY = 8


class PassCounter:
    """Number of passes made over the chunks of a dask ``X`` (incremented once per pass).

    Attributes
    ----------
    count : int
        Passes so far in this process.
    """

    def __init__(self):
        self.count = 0
        self._lock = threading.Lock()

    def add(self):
        """Count one pass."""
        with self._lock:
            self.count += 1


#: The pass counter: ``passes.count`` before and after a fit gives the passes it made.
passes = PassCounter()


def is_dask_collection(obj):
    """True for a dask collection (array, dataframe, ...), checked without importing dask."""
    if type(obj).__module__.split(".")[0] not in ("dask", "dask_expr"):
        return False
    return hasattr(obj, "__dask_graph__")


def as_row_chunked(X, name="X", known_rows=True):
    """``X`` as a 2-D dask array with one column chunk and known row chunks.

    Parameters
    ----------
    X : dask.array.Array of shape (n_samples, n_features)
        The design; its columns are merged into one chunk (lazily, in the same graph).
    name : str, default="X"
        The argument's name in the errors.
    known_rows : bool, default=True
        Refuse unknown row chunk sizes (a fit aligns ``y`` with them); ``False`` accepts them
        (a prediction maps each chunk on its own).

    Returns
    -------
    X : dask.array.Array
        The same array, rechunked to a single column chunk when needed.
    """
    import dask.array as da

    if not isinstance(X, da.Array):
        raise TypeError(f"{name} must be a dask array (a dask DataFrame converts with "
                        f"{name}.to_dask_array(lengths=True)); got {type(X).__name__}.")
    if X.ndim != 2:
        raise ValueError(f"{name} must be 2-D (n_samples, n_features); got a dask array with "
                         f"{X.ndim} dimension(s).")
    if (known_rows and any(np.isnan(c) for c in X.chunks[0])) \
            or any(np.isnan(c) for c in X.chunks[1]):
        raise ValueError(f"{name} has unknown chunk sizes (NaN in {name}.chunks); compute them "
                         f"first with {name}.compute_chunk_sizes().")
    _check_real(X.dtype, name)
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"{name} must have at least one sample and one feature; got shape "
                         f"{X.shape}.")
    if len(X.chunks[1]) > 1:
        X = X.rechunk({1: -1})
    return X


def align_rows(v, X, name, ndim=(1,), real=True):
    """``v`` (NumPy or dask) as a dask array chunked along rows like ``X``.

    Parameters
    ----------
    v : array-like or dask.array.Array of shape (n_samples,) or (n_samples, n_columns)
        A vector (``y``, ``sample_weight``) or a matrix (a 2-D ``y``) of one entry per row.
    X : dask.array.Array of shape (n_samples, n_features)
        The design, already passed through :func:`as_row_chunked`.
    name : str
        The argument's name in the errors.
    ndim : tuple of int, default=(1,)
        Accepted numbers of dimensions.
    real : bool, default=True
        Refuse entries that are not real numbers (False for class labels).

    Returns
    -------
    v : dask.array.Array
        Row chunks equal to ``X``'s, one column chunk.
    """
    import dask.array as da

    if not isinstance(v, da.Array):
        v = np.asarray(v)
        if real:
            _check_real(v.dtype, name)
        if v.ndim in ndim and v.shape[:1] == X.shape[:1]:
            chunks = (X.chunks[0],) + tuple((s,) for s in v.shape[1:])
            return da.from_array(v, chunks=chunks)
    else:
        if real:
            _check_real(v.dtype, name)
        if any(np.isnan(c) for c in v.chunks[0]):
            raise ValueError(f"{name} has unknown chunk sizes (NaN in {name}.chunks); compute "
                             f"them first with {name}.compute_chunk_sizes().")
    if v.ndim not in ndim:
        raise ValueError(f"{name} must have {' or '.join(map(str, ndim))} dimension(s); got "
                         f"shape {v.shape}.")
    if v.shape[0] != X.shape[0]:
        raise ValueError(f"inconsistent numbers of samples: {name} has {v.shape[0]} entries but "
                         f"X has {X.shape[0]} rows.")
    return v.rechunk((X.chunks[0],) + tuple((s,) for s in v.shape[1:]))


def _check_real(dtype, name):
    if np.dtype(dtype).kind == "c":
        raise ValueError(f"{name} must be real; complex input is not supported.")
    if np.dtype(dtype).kind not in "biuf":
        raise ValueError(f"{name} must hold real numbers; got dtype {dtype}.")


_threads_lock = threading.Lock()
_threads_users = 0
_threads_limiter = None


@contextmanager
def single_threaded():
    """One BLAS thread and one Numba thread while a chunk task runs (no oversubscription).

    The dask workers already run one task per core; a BLAS call inside a task that spawned its
    own threads would multiply them. The BLAS limit is process-wide: the first task to enter
    sets it and the last to leave restores it (a counter, so concurrent tasks of the threaded
    scheduler do not restore it under each other); Numba's is per thread.
    """
    global _threads_users, _threads_limiter
    import numba
    from threadpoolctl import threadpool_limits

    with _threads_lock:
        if _threads_users == 0:
            _threads_limiter = threadpool_limits(1)
        _threads_users += 1
    numba_threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        yield
    finally:
        numba.set_num_threads(numba_threads)
        with _threads_lock:
            _threads_users -= 1
            if _threads_users == 0:
                _threads_limiter.restore_original_limits()
                _threads_limiter = None


def tree_reduce(parts, merge, split_every=SPLIT_EVERY):
    """Merge a list of delayed summaries in a tree of ``split_every``-way ``merge`` calls.

    Parameters
    ----------
    parts : list of dask.delayed.Delayed
        One summary per chunk.
    merge : callable
        ``merge(*summaries)`` returns the summary of their union (associative).
    split_every : int, default=SPLIT_EVERY
        Fan-in of each merge task (at least 2).

    Returns
    -------
    root : dask.delayed.Delayed
        The summary of all chunks.
    """
    import dask

    merge_task = dask.delayed(merge, pure=True)
    split_every = max(int(split_every), 2)
    level = list(parts)
    while len(level) > 1:
        level = [merge_task(*level[i:i + split_every]) if len(level[i:i + split_every]) > 1
                 else level[i] for i in range(0, len(level), split_every)]
    return level[0]


def fold_of(index, n_splits, seed=0):
    """Fold of each global row index: a 64-bit hash (SplitMix64's finalizer) modulo ``n_splits``.

    The folds depend on the row index alone, not on the chunking, so a chunked pass and an
    in-memory split agree, and no shuffle is needed.

    Parameters
    ----------
    index : ndarray of int
        Global row indices (non-negative).
    n_splits : int
        Number of folds.
    seed : int, default=0
        Seed of the hash (another seed, other folds).

    Returns
    -------
    fold : ndarray of int64
        Fold of each row, in ``[0, n_splits)``.
    """
    z = np.asarray(index, dtype=np.uint64) + np.uint64((int(seed) * 0x9E3779B97F4A7C15) % 2**64)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    return (z % np.uint64(n_splits)).astype(np.int64)


class HashFolds(BaseCrossValidator):
    """K folds from a hash of the row index: reproducible, no shuffle, the same in memory and
    on dask arrays.

    Row ``i`` is in the test set of fold ``hash(i, random_state) mod n_splits`` (SplitMix64's
    finalizer of the index). The folds depend on the row index and the seed only, not on the
    order the rows are read or how a dask array is chunked, so ``SparseRegressorCV`` fitted on
    a dask array (which builds the fold statistics in its single pass over the data) and on
    the same data in memory with ``cv=HashFolds(...)`` see the same folds. The fold sizes are
    random (binomial around ``n_samples / n_splits``), as with a shuffled ``KFold``.

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds, at least 2.
    random_state : int, default=0
        Seed of the hash (a non-negative integer): another seed, other folds.

    See Also
    --------
    sklearn.model_selection.KFold : contiguous or shuffled folds (in memory only).

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.linear_model import HashFolds
    >>> X = np.zeros((10, 2))
    >>> [test.tolist() for _, test in HashFolds(n_splits=3).split(X)]
    [[0, 5, 9], [1, 2, 6, 7, 8], [3, 4]]
    """

    def __init__(self, n_splits=5, random_state=0):
        self.n_splits = n_splits
        self.random_state = random_state

    def _check_params(self):
        check_scalar(self.n_splits, "n_splits", numbers.Integral, min_val=2)
        check_scalar(self.random_state, "random_state", numbers.Integral, min_val=0)

    def get_n_splits(self, X=None, y=None, groups=None):
        """Number of folds.

        Parameters
        ----------
        X, y, groups : object
            Ignored (scikit-learn's signature).

        Returns
        -------
        n_splits : int
        """
        self._check_params()
        return int(self.n_splits)

    def split(self, X, y=None, groups=None):
        """Training and test indices of each fold.

        Parameters
        ----------
        X : array-like, sparse matrix or dask array of shape (n_samples, n_features)
            The data; only its number of rows is used.
        y, groups : object
            Ignored (scikit-learn's signature).

        Yields
        ------
        train : ndarray
            The training indices of the fold.
        test : ndarray
            The test indices of the fold.
        """
        self._check_params()
        n_samples = _n_rows(X)
        if n_samples < self.n_splits:
            raise ValueError(f"Cannot have n_splits={self.n_splits} greater than the number of "
                             f"samples in X: n_samples={n_samples}.")
        fold = fold_of(np.arange(n_samples), self.n_splits, self.random_state)
        # checked above, not lazily at the first next(): a bad parameter fails at the call
        return ((np.flatnonzero(fold != k), np.flatnonzero(fold == k))
                for k in range(self.n_splits))


def _n_rows(X):
    shape = getattr(X, "shape", None)
    if shape is None:
        try:
            return len(X)
        except TypeError:
            raise TypeError(f"X must be an array with one row per sample; got "
                            f"{type(X).__name__}.") from None
    if len(shape) == 0:
        raise ValueError("X must be an array with one row per sample; got a scalar.")
    return int(shape[0])


# ---------------------------------------------------------------------------------------------
# summaries


class Moments:
    """Weight, weighted mean and centred second moments of a set of weighted rows.

    Parameters
    ----------
    weight : float
        Sum of the row weights ``W``.
    mean : ndarray of shape (n_columns,)
        Weighted mean of the rows (zeros when ``weight`` is 0).
    m2 : ndarray of shape (n_columns, n_columns) or (n_columns, len(columns))
        ``sum_i s_i (a_i - mean)(a_i - mean)^T``, or its columns ``columns`` only.
    n_rows : int
        Number of rows.
    columns : ndarray of int or None, default=None
        The columns of the second-moment matrix kept in ``m2`` (None: all, ``m2`` square).
    diag : ndarray of shape (n_columns,) or None, default=None
        The diagonal of the full centred second-moment matrix (kept with ``columns``, whose
        ``m2`` does not hold it).
    """

    def __init__(self, weight, mean, m2, n_rows, columns=None, diag=None):
        self.weight = float(weight)
        self.mean = mean
        self.m2 = m2
        self.n_rows = int(n_rows)
        self.columns = columns
        self.diag = np.diag(m2).copy() if columns is None else diag

    @classmethod
    def of_rows(cls, A, s, columns=None):
        """The moments of the rows of ``A`` (float64) with weights ``s``.

        The rows are centred on their weighted mean before the cross-products are formed,
        and the mean's rounding error is removed by a second (cheap) correction pass. With
        ``columns`` only the cross-products of every column with those columns are formed
        (``n_columns x len(columns)``), with the diagonal of the whole matrix.
        """
        n_rows, n_columns = A.shape
        n_kept = n_columns if columns is None else len(columns)
        weight = float(s.sum())
        if not weight > 0:
            return cls(0.0, np.zeros(n_columns), np.zeros((n_columns, n_kept)), n_rows, columns,
                       None if columns is None else np.zeros(n_columns))
        mean = (s @ A) / weight
        centred = A - mean
        correction = (s @ centred) / weight
        if columns is None:
            # one operand transposed against itself: NumPy's symmetric rank-k product, twice
            # as fast as a general product of two arrays
            rooted = centred * np.sqrt(s)[:, None]
            m2 = rooted.T @ rooted - weight * np.outer(correction, correction)
            return cls(weight, mean + correction, 0.5 * (m2 + m2.T), n_rows)
        weighted = centred * s[:, None]
        m2 = weighted.T @ centred[:, columns] - weight * np.outer(correction,
                                                                  correction[columns])
        diag = np.einsum("ij,ij->j", weighted, centred) - weight * correction**2
        return cls(weight, mean + correction, m2, n_rows, columns, diag)

    @staticmethod
    def merge(*parts):
        """The moments of the union of disjoint row sets (Chan, Golub & LeVeque's update)."""
        total = parts[0]
        for part in parts[1:]:
            total = total._merged(part)
        return total

    def _merged(self, other):
        n_rows = self.n_rows + other.n_rows
        if other.weight == 0:
            return Moments(self.weight, self.mean, self.m2, n_rows, self.columns, self.diag)
        if self.weight == 0:
            return Moments(other.weight, other.mean, other.m2, n_rows, other.columns, other.diag)
        weight = self.weight + other.weight
        delta = other.mean - self.mean
        factor = self.weight * other.weight / weight
        mean = self.mean + delta * (other.weight / weight)
        if self.columns is None:
            m2 = self.m2 + other.m2 + np.outer(delta, delta) * factor
            return Moments(weight, mean, m2, n_rows)
        m2 = self.m2 + other.m2 + np.outer(delta, delta[self.columns]) * factor
        diag = self.diag + other.diag + delta**2 * factor
        return Moments(weight, mean, m2, n_rows, self.columns, diag)

    def mean_loss(self, n_x, coefs, intercepts):
        """Weighted mean of ``(y - x^T w - b)^2`` over the rows, for each column of ``coefs``.

        Parameters
        ----------
        n_x : int
            Number of leading columns that are features (the next one is the target).
        coefs : ndarray of shape (n_x, n_fits)
            Coefficients.
        intercepts : ndarray of shape (n_fits,)
            Intercepts.

        Returns
        -------
        loss : ndarray of shape (n_fits,)
        """
        if not self.weight > 0:
            return np.zeros(coefs.shape[1])
        cov = self.m2[: n_x + 1, : n_x + 1] / self.weight
        V = np.vstack([-coefs, np.ones(coefs.shape[1])])
        offset = self.mean[n_x] - self.mean[:n_x] @ coefs - intercepts
        return offset**2 + np.maximum(np.einsum("ik,ij,jk->k", V, cov, V), 0.0)


class GramFactor:
    """The means and a square-root factor of the centred weighted covariance of ``[X, Y]``.

    Parameters
    ----------
    weight : float
        Sum of the sample weights.
    mean : ndarray of shape (n_features + n_targets,)
        Weighted column means of ``[X, Y]``.
    R : ndarray of shape (n_rows, n_features + n_targets)
        ``R^T R = sum_i s_i (a_i - mean)(a_i - mean)^T / weight``.
    method : {"gram", "qr"}
        How ``R`` was obtained: Cholesky of the one-pass Gram or TSQR.
    """

    def __init__(self, weight, mean, R, method):
        self.weight = weight
        self.mean = mean
        self.R = R
        self.method = method

    @classmethod
    def from_moments(cls, moments, n_x):
        """Factor the centred Gram; None when its feature block is too ill-conditioned.

        Constant features (zero centred variance) get zero columns; the others are scaled to
        unit variance, factored by Cholesky and kept when LAPACK's estimate of the reciprocal
        condition number is at least :data:`RCOND_MIN`. The target block is factored from its
        Schur complement (an eigen-decomposition: a target that the features fit exactly gives
        a zero row, not a failure).
        """
        cov = moments.m2 / moments.weight
        n_cols = cov.shape[0]
        var = np.diag(cov)[:n_x]
        scale_floor = (64 * np.finfo(float).eps) ** 2 * np.maximum(moments.mean[:n_x] ** 2, 1e-300)
        active = np.flatnonzero(var > scale_floor)
        R = np.zeros((active.size + n_cols - n_x, n_cols))
        if active.size:
            d = np.sqrt(var[active])
            scaled = cov[np.ix_(active, active)] / np.outer(d, d)
            try:
                chol = scipy.linalg.cholesky(scaled, lower=False)
            except np.linalg.LinAlgError:
                return None
            anorm = np.max(np.sum(np.abs(scaled), axis=0))
            rcond, info = scipy.linalg.lapack.dpocon(chol, anorm)
            if info != 0 or not rcond >= RCOND_MIN:
                return None
            R_aa = chol * d  # R^T R = D chol^T chol D
            R[: active.size, active] = R_aa
            R_ay = scipy.linalg.solve_triangular(R_aa, cov[active, n_x:], trans="T", lower=False)
            R[: active.size, n_x:] = R_ay
            schur = cov[n_x:, n_x:] - R_ay.T @ R_ay
        else:
            schur = cov[n_x:, n_x:]
        eigvals, eigvecs = np.linalg.eigh(0.5 * (schur + schur.T))
        R[active.size:, n_x:] = np.sqrt(np.maximum(eigvals, 0.0))[:, None] * eigvecs.T
        return cls(moments.weight, moments.mean.copy(), R, "gram")

    @classmethod
    def from_qr(cls, R_full):
        """From the R factor of ``sqrt(s) [1, X, Y]``: row 0 holds ``sqrt(W)`` and the means."""
        R_full = np.atleast_2d(R_full)
        if R_full.shape[0] == 0 or R_full[0, 0] == 0:
            n_cols = R_full.shape[1] - 1
            return cls(0.0, np.zeros(n_cols), np.zeros((0, n_cols)), "qr")
        root_weight = abs(R_full[0, 0])
        sign = np.sign(R_full[0, 0])
        mean = sign * R_full[0, 1:] / root_weight
        return cls(root_weight**2, mean, R_full[1:, 1:] / root_weight, "qr")

    def moments(self):
        """The same statistics as :class:`Moments` (``m2 = weight R^T R``)."""
        return Moments(self.weight, self.mean, self.weight * (self.R.T @ self.R), 0)


# ---------------------------------------------------------------------------------------------
# the passes


def _rows(X_block, Y_block, sw_block):
    """The float64 rows ``[X, Y]`` of one chunk and their weights; refuses NaN and infinity."""
    X_block = np.asarray(X_block, dtype=np.float64)
    Y_block = np.asarray(Y_block, dtype=np.float64).reshape(X_block.shape[0], -1)
    if not np.all(np.isfinite(X_block)):
        raise ValueError("X contains NaN or infinity.")
    if not np.all(np.isfinite(Y_block)):
        raise ValueError("y contains NaN or infinity.")
    return np.hstack([X_block, Y_block]), _row_weights(sw_block, X_block.shape[0])


def _row_weights(sw_block, n_rows):
    """The float64 weights of a chunk's rows (ones for None); refuses negative or non-finite."""
    if sw_block is None:
        return np.ones(n_rows)
    s = np.asarray(sw_block, dtype=np.float64)
    if not np.all(np.isfinite(s)) or np.any(s < 0):
        raise ValueError("sample_weight must hold finite non-negative weights.")
    return s


def _fold_split(A, s, start, n_folds, seed):
    if n_folds is None:
        return [(A, s)]
    fold = fold_of(np.arange(start, start + A.shape[0]), n_folds, seed)
    return [(A[fold == k], s[fold == k]) for k in range(n_folds)]


def _chunk_moments(X_block, Y_block, sw_block, start, n_folds, seed):
    with single_threaded():
        A, s = _rows(X_block, Y_block, sw_block)
        return [Moments.of_rows(A_k, s_k) for A_k, s_k in _fold_split(A, s, start, n_folds, seed)]


def _chunk_qr(X_block, Y_block, sw_block, start, n_folds, seed):
    with single_threaded():
        A, s = _rows(X_block, Y_block, sw_block)
        factors = []
        for A_k, s_k in _fold_split(A, s, start, n_folds, seed):
            root = np.sqrt(s_k)[:, None]
            factors.append(np.linalg.qr(np.hstack([root, root * A_k]), mode="r"))
        return factors


def _merge_moment_lists(*lists):
    return [Moments.merge(*parts) for parts in zip(*lists)]


def _stacked_r(factors):
    return np.linalg.qr(np.vstack(factors), mode="r")


def _merge_r_lists(*lists):
    with single_threaded():
        return [_stacked_r(parts) for parts in zip(*lists)]


def _block_tasks(chunk_function, X, Y, sw, *args, starts=False):
    """One delayed ``chunk_function(X_block, Y_block, sw_block[, start], *args)`` per row
    chunk (``start``, the chunk's first global row index, with ``starts``)."""
    import dask

    x_blocks = X.to_delayed().ravel()
    y_blocks = Y.to_delayed().ravel()
    w_blocks = [None] * len(x_blocks) if sw is None else sw.to_delayed().ravel()
    task = dask.delayed(chunk_function, pure=True)
    if not starts:
        return [task(xb, yb, wb, *args) for xb, yb, wb in zip(x_blocks, y_blocks, w_blocks)]
    first_rows = np.concatenate([[0], np.cumsum(X.chunks[0])[:-1]]).astype(int)
    return [task(xb, yb, wb, int(start), *args)
            for xb, yb, wb, start in zip(x_blocks, y_blocks, w_blocks, first_rows)]


def _chunk_tasks(chunk_function, X, Y, sw, n_folds, seed):
    return _block_tasks(chunk_function, X, Y, sw, n_folds, seed, starts=True)


def _compute_pass(root):
    import dask

    passes.add()
    (result,) = dask.compute(root)
    return result


def moments_pass(X, Y, sw=None, n_folds=None, seed=0, split_every=SPLIT_EVERY):
    """One pass: the :class:`Moments` of ``[X, Y]`` (per fold with ``n_folds``).

    Parameters
    ----------
    X : dask.array.Array of shape (n_samples, n_features)
        From :func:`as_row_chunked`.
    Y : dask.array.Array of shape (n_samples,) or (n_samples, n_targets)
        Aligned with ``X`` (:func:`align_rows`).
    sw : dask.array.Array of shape (n_samples,) or None, default=None
        Sample weights aligned with ``X``; None: unit weights.
    n_folds : int or None, default=None
        Split the rows into the hash folds of :func:`fold_of`.
    seed : int, default=0
        Seed of the fold hash.
    split_every : int, default=SPLIT_EVERY
        Fan-in of the merge tree.

    Returns
    -------
    moments : list of Moments
        One entry (all rows) or one per fold.
    """
    tasks = _chunk_tasks(_chunk_moments, X, Y, sw, n_folds, seed)
    return _compute_pass(tree_reduce(tasks, _merge_moment_lists, split_every))


def qr_pass(X, Y, sw=None, n_folds=None, seed=0, split_every=SPLIT_EVERY):
    """One pass: the R factor of ``sqrt(s) [1, X, Y]`` by TSQR (per fold with ``n_folds``).

    Parameters are those of :func:`moments_pass`.

    Returns
    -------
    factors : list of ndarray
        Upper-triangular R factors, one entry (all rows) or one per fold.
    """
    tasks = _chunk_tasks(_chunk_qr, X, Y, sw, n_folds, seed)
    return _compute_pass(tree_reduce(tasks, _merge_r_lists, split_every))


def gram_factors(X, Y, sw=None, n_folds=None, seed=0, split_every=SPLIT_EVERY):
    """The :class:`GramFactor` of all rows and, with ``n_folds``, of each training fold.

    One pass builds the moments (per fold); when the Gram of a fitted row set (all rows, or all
    rows but one fold) cannot be factored accurately, a second pass computes TSQR factors.

    Parameters are those of :func:`moments_pass`.

    Returns
    -------
    full : GramFactor
        Of all rows.
    train : list of GramFactor
        Of the rows outside each fold (empty without ``n_folds``).
    test : list of Moments
        Of the rows of each fold (empty without ``n_folds``).
    """
    n_x = X.shape[1]
    parts = moments_pass(X, Y, sw, n_folds, seed, split_every)
    full_moments = Moments.merge(*parts)
    if not full_moments.weight > 0:
        raise ValueError("sample_weight must have a positive sum.")
    if n_folds is None:
        train_moments, test = [], []
    else:
        train_moments = [Moments.merge(*(parts[:k] + parts[k + 1:])) for k in range(n_folds)]
        test = parts
        if any(not m.weight > 0 for m in train_moments + test):
            raise ValueError("every fold and its complement must hold samples of positive "
                             "weight; use fewer folds (cv) or more samples.")
    full = GramFactor.from_moments(full_moments, n_x)
    train = [GramFactor.from_moments(m, n_x) for m in train_moments]
    if full is not None and all(f is not None for f in train):
        return full, train, test
    factors = qr_pass(X, Y, sw, n_folds, seed, split_every)
    full = GramFactor.from_qr(_stacked_r(factors))
    train = [GramFactor.from_qr(_stacked_r(factors[:k] + factors[k + 1:]))
             for k in range(len(train_moments))]
    return full, train, test


def _chunk_newton(X_block, y_block, sw_block, code, params, w, b, dw, db, steps, curvature):
    """One chunk's share of a prox-Newton outer iteration of a GLM datafit (code, params):
    the datafit sums at ``(w, b) + t (dw, db)`` for every ``t`` of ``steps``, and at
    ``t = steps[0]`` the gradient sums and (with ``curvature``) the moments of ``X`` weighted by
    the curvatures."""
    from ._core import datafit as datafit_kernels

    with single_threaded():
        A, s = _rows(X_block, y_block, sw_block)
        X_rows, y = A[:, :-1], np.ascontiguousarray(A[:, -1])
        z0 = X_rows @ w + b
        u = X_rows @ dw + db
        losses = np.array([datafit_kernels.value(code, params, y, z0 + t * u, s) for t in steps])
        z = z0 + steps[0] * u
        grad, hess = np.empty_like(y), np.empty_like(y)
        datafit_kernels.raw_grad_hess(code, params, y, z, s, grad, hess)
        return {"losses": losses, "grad_x": X_rows.T @ grad, "grad_b": grad.sum(),
                "weight": s.sum(),
                "curvature": Moments.of_rows(X_rows, hess) if curvature else None,
                "weighted_y": s @ y, "weighted_x": X_rows.T @ s, "weighted_xy": X_rows.T @ (s * y)}


def _merge_newton(*parts):
    merged = {key: sum(part[key] for part in parts) for key in parts[0] if key != "curvature"}
    merged["curvature"] = (None if parts[0]["curvature"] is None
                           else Moments.merge(*(part["curvature"] for part in parts)))
    return merged


def newton_pass(X, y, sw, datafit, w, b, dw, db, steps, split_every=SPLIT_EVERY,
                curvature=True):
    """One pass: the sums a prox-Newton outer iteration needs (unnormalized by the weights).

    Parameters
    ----------
    X : dask.array.Array of shape (n_samples, n_features)
        From :func:`as_row_chunked`.
    y : dask.array.Array of shape (n_samples,)
        Target in the datafit's domain, aligned with ``X``.
    sw : dask.array.Array of shape (n_samples,) or None
        Sample weights aligned with ``X``; None: unit weights.
    datafit : Datafit
        The loss.
    w, dw : ndarray of shape (n_features,)
        The current coefficients and the direction.
    b, db : float
        The current intercept and its direction.
    steps : sequence of float
        Step sizes ``t`` scored in the same pass; the gradient and curvature sums are at
        ``(w, b) + steps[0] (dw, db)``.
    split_every : int, default=SPLIT_EVERY
        Fan-in of the merge tree.
    curvature : bool, default=True
        Build the curvature-weighted moments (``n_features^2`` per row: the pass's main cost);
        False when the caller already holds them (a datafit whose curvatures do not depend on
        the point, as Huber's bound).

    Returns
    -------
    sums : dict
        ``losses`` (``sum_i s_i f(y_i, z_i)`` per step), ``grad_x`` and ``grad_b`` (``X^T d``,
        ``sum d`` with ``d_i = s_i f'(z_i)``), ``curvature`` (:class:`Moments` of ``X`` with
        weights ``s_i f''(z_i)``, None without ``curvature``), ``weight`` (``sum s``),
        ``weighted_y`` (``s^T y``), ``weighted_x`` (``X^T s``) and ``weighted_xy``
        (``X^T (s y)``).
    """
    tasks = _block_tasks(_chunk_newton, X, y, sw, datafit._code, datafit._params(),
                         np.asarray(w, dtype=np.float64), float(b),
                         np.asarray(dw, dtype=np.float64), float(db),
                         np.asarray(steps, dtype=np.float64), bool(curvature))
    return _compute_pass(tree_reduce(tasks, _merge_newton, split_every))


def _chunk_target(y_block, sw_block, datafit, points):
    from ._core import datafit as datafit_kernels

    y = np.ascontiguousarray(np.asarray(y_block, dtype=np.float64).ravel())
    if not np.all(np.isfinite(y)):
        raise ValueError("y contains NaN or infinity.")
    y = datafit.check_target(y)
    s = _row_weights(sw_block, y.shape[0])
    grad, hess = np.empty_like(y), np.empty_like(y)
    grad_sums = np.empty(len(points))
    for k, b in enumerate(points):
        datafit_kernels.raw_grad_hess(datafit._code, datafit._params(), y, np.full_like(y, b), s,
                                      grad, hess)
        grad_sums[k] = grad.sum()
    return {"weight": s.sum(), "weighted_y": s @ y, "grad_b": grad_sums,
            "min": y.min(initial=np.inf), "max": y.max(initial=-np.inf)}


def _merge_target(*parts):
    merged = {key: sum(part[key] for part in parts) for key in ("weight", "weighted_y", "grad_b")}
    merged["min"] = min(part["min"] for part in parts)
    merged["max"] = max(part["max"] for part in parts)
    return merged


def target_pass(y, sw, datafit, points=(), split_every=SPLIT_EVERY):
    """One pass over the target alone (not counted in :data:`passes`, which counts passes
    over ``X``): its checks, weighted sums and range, and the datafit's intercept gradient at
    given intercepts.

    Parameters
    ----------
    y : dask.array.Array of shape (n_samples,)
        Target in the datafit's domain (:func:`align_rows`); checked against the datafit.
    sw : dask.array.Array of shape (n_samples,) or None
        Sample weights aligned with ``y``; None: unit weights.
    datafit : Datafit
        The loss.
    points : sequence of float, default=()
        Intercepts ``b`` at which to sum ``s_i f'(y_i, b)`` (the model ``w = 0``).
    split_every : int, default=SPLIT_EVERY
        Fan-in of the merge tree.

    Returns
    -------
    sums : dict
        ``weight`` (``sum s``), ``weighted_y`` (``s^T y``), ``min`` and ``max`` (of ``y``) and
        ``grad_b`` (one sum per point).
    """
    import dask

    y_blocks = y.to_delayed().ravel()
    w_blocks = [None] * len(y_blocks) if sw is None else sw.to_delayed().ravel()
    task = dask.delayed(_chunk_target, pure=True)
    points = np.asarray(points, dtype=np.float64)
    tasks = [task(yb, wb, datafit, points) for yb, wb in zip(y_blocks, w_blocks)]
    (result,) = dask.compute(tree_reduce(tasks, _merge_target, split_every))
    return result


def _chunk_working_set(X_block, y_block, sw_block, w, ws):
    with single_threaded():
        A, s = _rows(X_block, y_block, sw_block)
        n_x = A.shape[1] - 1
        residual = A[:, n_x] - A[:, :n_x] @ w
        kept = np.append(ws, n_x)
        gram = Moments.of_rows(np.ascontiguousarray(A[:, kept]), s)
        A[:, n_x] = residual  # the rows are this task's own float64 copy
        return [gram, Moments.of_rows(A, s, columns=np.array([n_x]))]


def working_set_pass(X, y, sw, w, ws, split_every=SPLIT_EVERY):
    """One pass of a working-set least-squares solver: the residual's cross-moments with every
    feature (the full gradient) and the moments of ``[X[:, ws], y]`` (the working set's Gram).

    Parameters
    ----------
    X : dask.array.Array of shape (n_samples, n_features)
        From :func:`as_row_chunked`.
    y : dask.array.Array of shape (n_samples,) or (n_samples, 1)
        Target aligned with ``X``.
    sw : dask.array.Array of shape (n_samples,) or None
        Sample weights aligned with ``X``; None: unit weights.
    w : ndarray of shape (n_features,)
        The current coefficients.
    ws : ndarray of int
        The working set: the features whose Gram (with ``y``) the pass builds.
    split_every : int, default=SPLIT_EVERY
        Fan-in of the merge tree.

    Returns
    -------
    gram : Moments
        Of ``[X[:, ws], y]`` (square).
    residual : Moments
        Of ``[X, y - X w]`` with ``columns=[n_features]``: ``m2[:, 0]`` holds the centred
        cross-moments of every feature with the residual, ``diag`` the centred second
        moment of every feature.
    """
    tasks = _block_tasks(_chunk_working_set, X, y, sw, np.asarray(w, dtype=np.float64),
                         np.asarray(ws, dtype=np.int64))
    return _compute_pass(tree_reduce(tasks, _merge_moment_lists, split_every))

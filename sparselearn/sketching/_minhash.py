"""Densified one-permutation MinHash: signatures, Jaccard estimates and LSH near-duplicates."""

import numbers

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.base import _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from .._core import minhash as _minhash
from ._validation import seed_from_random_state

__all__ = [
    "MinHashSketch",
    "jaccard_estimate",
    "lsh_bands",
    "merge_minhash",
    "near_duplicate_pairs",
]

EMPTY = _minhash.EMPTY


class MinHashSketch(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Densified one-permutation MinHash signatures of sets (the nonzero columns of each row).

    Row ``i`` of ``X`` is the set :math:`S_i` of its nonzero columns. Its signature has
    ``n_hashes`` integer entries, and for two sets the fraction of equal entries estimates
    their Jaccard similarity

    .. math::

        J(S_a, S_b) = \\frac{|S_a \\cap S_b|}{|S_a \\cup S_b|}.

    Each element is hashed *once* (one permutation hashing): the hash picks one of ``k =
    n_hashes`` bins and a rank, and each bin keeps the smallest rank it receives, in
    :math:`O(|S| + k)` per set where classic MinHash (datasketch's ``MinHash``) evaluates
    ``k`` hashes per element. Bins that receive nothing are then *densified*: filled from the
    non-empty bins by a choice that depends only on the seed and on which bins are empty, so
    that a bin equal in two sets stays equal wherever it is copied.

    Parameters
    ----------
    n_hashes : int, default=256
        Signature length ``k`` (number of bins). The standard deviation of a Jaccard estimate
        is about :math:`\\sqrt{J(1-J)/k}`.
    densification : {"optimal", "reverse", "rotation"}, default="optimal"
        How empty bins are filled.

        - "optimal": each empty bin probes bins along its own hash sequence and copies the
          first non-empty one (Shrivastava, 2017): the variance of MinHash with ``k``
          independent permutations, up to the sampling of the bins. Expected
          :math:`O(k^2/m)` probes for a set filling ``m`` bins.
        - "reverse": each non-empty bin offers its value along its own hash sequence, round
          by round, to the empty bins (Mai et al., 2019): the same consistency with
          :math:`O(k \\log k)` work whatever ``m``, for sets much smaller than ``k``.
        - "rotation": each empty bin copies the next non-empty bin to its right (Shrivastava &
          Li, 2014), the older baseline, with a larger variance on small sets.
    random_state : int, RandomState instance or None, default=None
        Seed of the element hash and of the densification sequences. Signatures are
        comparable only when computed with the same ``random_state`` and ``n_hashes``.

    Attributes
    ----------
    seed_ : int
        Integer seed of the hashes.
    n_features_in_ : int
        Number of features (possible elements) seen in fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen in fit, when ``X`` has string column names.

    See Also
    --------
    jaccard_estimate : Jaccard similarity from two signature arrays.
    near_duplicate_pairs : LSH banding search for pairs of similar sets.
    merge_minhash : Merge raw sketches of parts of the same sets.

    Notes
    -----
    Element ``e`` (a column index) gets a 64-bit hash ``h(e)``; its high 32 bits give the bin
    ``floor(h_hi k / 2^32)`` and its low 32 bits the rank. ``transform(X, densify=False)``
    returns the raw sketch, with ``EMPTY`` (the largest int64, ``np.iinfo(np.int64).max``)
    in empty bins. Raw sketches of two parts of the same sets merge by an elementwise minimum
    (:func:`merge_minhash`) into the raw sketch of the union, which :meth:`densify` then
    completes. Densified sketches must not be merged: a filled bin is a copy, and the minimum
    of two copies is not the sketch of the union (rotation is the exception: its copies carry
    ``distance * 2**32``, so the minimum picks the nearest non-empty bin of the union).

    A set with no element keeps an all-``EMPTY`` signature: two empty sets agree
    everywhere (estimate 1, as datasketch), an empty and a non-empty set nowhere.

    References
    ----------
    A. Shrivastava, "Optimal densification for fast and accurate minwise hashing", ICML 2017.
    T. Mai, A. Rao, M. Kapilevich, R. Rossi, Y. Abbasi-Yadkori, R. Sinha, "On densification
    for minwise hashing", UAI 2019. A. Shrivastava and P. Li, "Densifying one permutation
    hashing via rotation for fast near neighbor search", ICML 2014.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.sketching import MinHashSketch, jaccard_estimate
    >>> X = np.zeros((2, 1000), dtype=bool)
    >>> X[0, :600] = True
    >>> X[1, 200:800] = True                      # Jaccard 400 / 800 = 0.5
    >>> sig = MinHashSketch(n_hashes=1024, random_state=0).fit_transform(X)
    >>> sig.shape, sig.dtype
    ((2, 1024), dtype('int64'))
    >>> round(float(jaccard_estimate(sig[0], sig[1])), 1)
    0.5
    """

    _parameter_constraints = {
        "n_hashes": [Interval(numbers.Integral, 1, 2**31 - 1, closed="both")],
        "densification": [StrOptions({"optimal", "reverse", "rotation"})],
        "random_state": ["random_state"],
    }

    def __init__(self, n_hashes=256, *, densification="optimal", random_state=None):
        self.n_hashes = n_hashes
        self.densification = densification
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Draw the hash functions for sets over the columns of ``X``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Sets as rows (only its number of columns is used, and its values checked).
        y : Ignored
            Not used, present for API consistency.

        Returns
        -------
        self : object
            Fitted transformer.
        """
        self._check_sets(X, reset=True)
        self.seed_ = seed_from_random_state(self.random_state)
        return self

    def transform(self, X, densify=True):
        """MinHash signatures of the rows of ``X``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Row ``i`` is the set of its nonzero columns (binary 0/1 or bool data is the usual
            case; any nonzero value counts as a member).
        densify : bool, default=True
            Fill the empty bins. ``False`` returns the raw one-permutation sketches (empty bins
            hold ``EMPTY``), to merge with :func:`merge_minhash` before :meth:`densify`.

        Returns
        -------
        signatures : ndarray of shape (n_samples, n_hashes), dtype int64
            One signature per row.
        """
        check_is_fitted(self)
        if not isinstance(densify, (bool, np.bool_)):
            raise TypeError(f"densify must be a bool; got {densify!r}.")
        X = self._check_sets(X, reset=False)
        out = np.empty((X.shape[0], self.n_hashes), dtype=np.int64)
        _minhash.oph_csr(X.indptr, X.indices, X.data, self.seed_, self.n_hashes, out)
        if densify:
            self._densify_inplace(out)
        return out

    def densify(self, sketches):
        """Fill the empty bins of raw sketches (``transform(X, densify=False)``).

        Parameters
        ----------
        sketches : array-like of shape (n_samples, n_hashes)
            Raw one-permutation sketches made by this transformer (or by one with the same
            ``n_hashes`` and ``random_state``), possibly merged with :func:`merge_minhash`.

        Returns
        -------
        signatures : ndarray of shape (n_samples, n_hashes), dtype int64
            Densified signatures, equal to ``transform`` of the sets the sketches describe.
        """
        check_is_fitted(self)
        sketches = _check_signatures(sketches, "sketches", n_hashes=self.n_hashes)
        if np.any((sketches < 0) | ((sketches >= 2**32) & (sketches != EMPTY))):
            raise ValueError(
                "sketches must be raw one-permutation sketches (transform(X, densify=False)): "
                "ranks in [0, 2**32) and EMPTY; got values outside that range (densified "
                "signatures cannot be densified again)."
            )
        out = np.array(sketches, dtype=np.int64, order="C", copy=True)
        self._densify_inplace(out)
        return out

    def _densify_inplace(self, sketches):
        if self.densification == "optimal":
            _minhash.densify_optimal(sketches, self.seed_)
        elif self.densification == "reverse":
            _minhash.densify_reverse(sketches, self.seed_)
        else:
            _minhash.densify_rotation(sketches)

    def _check_sets(self, X, reset):
        X = validate_data(self, X, accept_sparse="csr", dtype="numeric", reset=reset,
                          ensure_all_finite=True)
        if X.dtype.kind not in "biuf":
            raise TypeError(f"X must hold numbers or booleans; got dtype {X.dtype}.")
        if X.shape[1] >= 2**32:
            raise ValueError(f"X has {X.shape[1]} columns; at most 2**32 - 1 are supported.")
        # row i is the set of its nonzero columns, whatever their values (as a sparse matrix's
        # structure; binary data is the usual case): stored zeros are not members
        X = sp.csr_matrix(X, copy=True) if not sp.issparse(X) else X.tocsr(copy=True)
        X.eliminate_zeros()
        X.sort_indices()
        indices = X.indices.astype(np.int64, copy=False)
        indptr = X.indptr.astype(np.int64, copy=False)
        data = np.ones(indices.shape[0], dtype=np.int8)
        return sp.csr_matrix((data, indices, indptr), shape=X.shape, copy=False)

    @property
    def _n_features_out(self):
        return self.n_hashes

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.transformer_tags.preserves_dtype = []
        return tags


def merge_minhash(sketches):
    """Merge raw one-permutation sketches of parts of the same sets.

    If ``sketches[p][i]`` is the raw sketch (``MinHashSketch.transform(X_p, densify=False)``)
    of part ``p`` of set ``i``, the result is the raw sketch of the union of the parts, ready
    for :meth:`MinHashSketch.densify`. Merge raw sketches only: densified signatures do not
    merge into the signature of the union (except with ``densification="rotation"``).

    Parameters
    ----------
    sketches : list of array-like of shape (n_samples, n_hashes)
        Raw sketches made with the same ``n_hashes`` and ``random_state``, one per part.

    Returns
    -------
    merged : ndarray of shape (n_samples, n_hashes), dtype int64
        Elementwise minimum: each bin keeps the smallest rank of the union.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.sketching import MinHashSketch, merge_minhash
    >>> X = np.eye(4, dtype=bool)[[0, 1]]        # sets {0} and {1}
    >>> Y = np.eye(4, dtype=bool)[[2, 3]]        # sets {2} and {3}
    >>> mh = MinHashSketch(n_hashes=16, random_state=0).fit(X)
    >>> merged = merge_minhash([mh.transform(X, densify=False), mh.transform(Y, densify=False)])
    >>> bool(np.array_equal(mh.densify(merged), mh.transform(X | Y)))
    True
    """
    if not isinstance(sketches, (list, tuple)):
        raise TypeError(
            "sketches must be a list of raw sketch arrays (one per part of the sets); got "
            f"{type(sketches).__name__}."
        )
    if len(sketches) == 0:
        raise ValueError("sketches is empty: give at least one raw sketch array to merge.")
    checked = [_check_signatures(s, "sketches", ndim=(1, 2)) for s in sketches]
    shape = checked[0].shape
    for s in checked[1:]:
        if s.shape != shape:
            raise ValueError(
                f"sketches must all have the same shape; got {shape} and {s.shape}."
            )
    return np.minimum.reduce(checked)


def jaccard_estimate(sig_a, sig_b=None, *, pairwise=False):
    """Jaccard similarities estimated from MinHash signatures.

    The estimate is the fraction of signature positions where two signatures agree.

    Parameters
    ----------
    sig_a : array-like of shape (n_hashes,) or (n_samples_a, n_hashes)
        Signatures (integer), from :class:`MinHashSketch` or any MinHash.
    sig_b : array-like of shape (n_hashes,) or (n_samples_b, n_hashes), default=None
        Signatures made with the same hashes. None compares ``sig_a`` with itself
        (``pairwise=True`` then gives the full similarity matrix).
    pairwise : bool, default=False
        False: row ``i`` of ``sig_a`` against row ``i`` of ``sig_b`` (one row broadcasts
        against many). True: every row of ``sig_a`` against every row of ``sig_b``.

    Returns
    -------
    similarity : float or ndarray
        A float for two 1-D signatures; shape ``(n_samples,)`` row-wise; shape
        ``(n_samples_a, n_samples_b)`` pairwise.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.sketching import jaccard_estimate
    >>> float(jaccard_estimate(np.array([1, 2, 3, 4]), np.array([1, 2, 0, 0])))
    0.5
    """
    if not isinstance(pairwise, (bool, np.bool_)):
        raise TypeError(f"pairwise must be a bool; got {pairwise!r}.")
    A = _check_signatures(sig_a, "sig_a", ndim=(1, 2))
    B = A if sig_b is None else _check_signatures(sig_b, "sig_b", ndim=(1, 2))
    if A.shape[-1] != B.shape[-1]:
        raise ValueError(
            f"sig_b has {B.shape[-1]} hashes per signature and sig_a {A.shape[-1]}; "
            "signatures must come from the same MinHash."
        )
    scalar = A.ndim == 1 and B.ndim == 1
    A2, B2 = np.atleast_2d(A), np.atleast_2d(B)
    if pairwise:
        out = np.empty((A2.shape[0], B2.shape[0]))
        _minhash.pairwise_agreement(A2, B2, out)
        return out
    if A2.shape[0] != B2.shape[0]:
        if A2.shape[0] == 1:
            A2 = np.broadcast_to(A2, B2.shape)
        elif B2.shape[0] == 1:
            B2 = np.broadcast_to(B2, A2.shape)
        else:
            raise ValueError(
                f"sig_a has {A2.shape[0]} rows and sig_b {B2.shape[0]}; row-wise estimates "
                "need equal numbers of rows (or one row); use pairwise=True for all pairs."
            )
    out = np.empty(A2.shape[0])
    _minhash.rowwise_agreement(np.ascontiguousarray(A2), np.ascontiguousarray(B2), out)
    return float(out[0]) if scalar else out


def lsh_bands(signatures, n_bands):
    """Locality-sensitive hashing bands of MinHash signatures.

    The signature is cut into ``n_bands`` bands of ``r = n_hashes // n_bands`` consecutive
    entries (the last ``n_hashes - r n_bands`` entries are unused), and each band is hashed to
    one 64-bit integer. Two sets of Jaccard similarity :math:`J` share at least one band hash
    with probability :math:`1 - (1 - J^r)^{b}`, an S-curve in :math:`J` rising near
    :math:`(1/b)^{1/r}`.

    Parameters
    ----------
    signatures : array-like of shape (n_samples, n_hashes)
        MinHash signatures (integer).
    n_bands : int
        Number of bands ``b``, at most ``n_hashes``.

    Returns
    -------
    bands : ndarray of shape (n_samples, n_bands), dtype int64
        Band hashes; equal values in a column put two rows in the same bucket.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.sketching import lsh_bands
    >>> sig = np.array([[1, 2, 3, 4], [1, 2, 5, 6]])
    >>> bands = lsh_bands(sig, 2)
    >>> bool(bands[0, 0] == bands[1, 0]), bool(bands[0, 1] == bands[1, 1])
    (True, False)
    """
    signatures = _check_signatures(signatures, "signatures")
    n_hashes = signatures.shape[1]
    n_bands = _check_n_bands(n_bands, n_hashes)
    out = np.empty((signatures.shape[0], n_bands), dtype=np.int64)
    _minhash.band_hashes(signatures, n_bands, n_hashes // n_bands, out)
    return out


def near_duplicate_pairs(signatures, n_bands, threshold=0.5):
    """Pairs of similar sets: LSH banding candidates verified on the full signatures.

    Rows that share the hash of at least one band (:func:`lsh_bands`) are candidates; a
    candidate pair is kept when its estimated Jaccard similarity (the agreement over all
    ``n_hashes`` entries) is at least ``threshold``. Pairs far above the S-curve's threshold
    :math:`(1/b)^{1/r}` are found with high probability; pairs below it are rarely
    candidates, which keeps the search far below the ``n^2`` comparisons of an exhaustive one.

    Parameters
    ----------
    signatures : array-like of shape (n_samples, n_hashes)
        MinHash signatures (integer).
    n_bands : int
        Number of LSH bands, at most ``n_hashes``. More bands catch lower similarities (and
        give more candidates).
    threshold : float, default=0.5
        Estimated Jaccard similarity a candidate must reach, in [0, 1].

    Returns
    -------
    pairs : ndarray of shape (n_pairs, 2), dtype int64
        Row indices ``(i, j)`` with ``i < j``, sorted.
    similarity : ndarray of shape (n_pairs,)
        Estimated Jaccard similarity of each pair.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.sketching import MinHashSketch, near_duplicate_pairs
    >>> X = np.zeros((3, 500), dtype=bool)
    >>> X[0, :100] = X[1, 5:100] = X[2, 300:400] = True    # rows 0 and 1: Jaccard 0.95
    >>> sig = MinHashSketch(n_hashes=128, random_state=0).fit_transform(X)
    >>> pairs, sim = near_duplicate_pairs(sig, n_bands=32, threshold=0.8)
    >>> pairs.tolist()
    [[0, 1]]
    """
    signatures = _check_signatures(signatures, "signatures")
    n_bands = _check_n_bands(n_bands, signatures.shape[1])
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, numbers.Real)
        or not 0 <= threshold <= 1
    ):
        raise ValueError(f"threshold must be a real number in [0, 1]; got {threshold!r}.")
    bands = np.empty((signatures.shape[0], n_bands), dtype=np.int64)
    _minhash.band_hashes(signatures, n_bands, signatures.shape[1] // n_bands, bands)
    candidates = _minhash.bucket_pairs(bands)
    if candidates.shape[0]:
        keys = np.unique(candidates[:, 0] * signatures.shape[0] + candidates[:, 1])
        candidates = np.column_stack(np.divmod(keys, signatures.shape[0]))
    candidates = np.ascontiguousarray(candidates, dtype=np.int64)
    similarity = np.empty(candidates.shape[0])
    _minhash.pair_agreement(signatures, candidates, similarity)
    keep = similarity >= threshold
    return candidates[keep], similarity[keep]


def _check_signatures(sig, name, ndim=2, n_hashes=None):
    """Integer signature array, C-contiguous int64; errors name ``name``."""
    if sp.issparse(sig):
        raise TypeError(f"{name} must be a dense integer array of signatures; got a sparse "
                        "matrix.")
    sig = np.asarray(sig)
    ndims = (ndim,) if isinstance(ndim, int) else ndim
    if sig.dtype.kind not in "iu":
        raise TypeError(
            f"{name} must be an integer array of MinHash signatures; got dtype {sig.dtype}."
        )
    if sig.ndim not in ndims:
        raise ValueError(
            f"{name} must have {' or '.join(map(str, ndims))} dimensions; got shape "
            f"{sig.shape}."
        )
    if sig.size == 0:
        raise ValueError(f"{name} is empty (shape {sig.shape}); signatures need entries.")
    if n_hashes is not None and sig.shape[-1] != n_hashes:
        raise ValueError(
            f"{name} has {sig.shape[-1]} entries per row; this MinHashSketch has "
            f"n_hashes={n_hashes}."
        )
    if sig.dtype == np.uint64 and np.any(sig > np.iinfo(np.int64).max):
        sig = sig.view(np.int64)  # keep the bits: only equality matters
    return np.ascontiguousarray(sig, dtype=np.int64)


def _check_n_bands(n_bands, n_hashes):
    if (
        isinstance(n_bands, bool)
        or not isinstance(n_bands, numbers.Integral)
        or not 1 <= n_bands <= n_hashes
    ):
        raise ValueError(
            f"n_bands must be an integer in [1, n_hashes={n_hashes}]; got {n_bands!r}."
        )
    return int(n_bands)

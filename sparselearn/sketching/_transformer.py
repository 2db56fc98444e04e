"""SketchTransformer: random feature-space sketches as a scikit-learn transformer."""

import numbers
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.base import _fit_context
from sklearn.random_projection import johnson_lindenstrauss_min_dim
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.extmath import safe_sparse_dot
from sklearn.utils.validation import check_is_fitted, validate_data

from .._core import sketch as _ks
from ._operators import make_sketch
from ._validation import is_dask_array, seed_from_random_state

__all__ = ["SketchTransformer"]


class SketchTransformer(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Reduce dimensionality with a random sketch of the feature space.

    ``transform(X) = X @ S.T`` where ``S`` (``n_components x n_features``) is one of the
    sketches of :mod:`sparselearn.sketching`, drawn at ``fit`` from ``random_state``. Pairwise
    distances are preserved up to ``1 +- eps`` (Johnson-Lindenstrauss), like
    :class:`sklearn.random_projection.SparseRandomProjection`, but the default CountSketch has a
    single nonzero per column of ``S``: a sparse ``X`` is sketched in ``O(nnz(X))``.

    Parameters
    ----------
    sketch : {"countsketch", "sparse_sign", "gaussian", "srht"}, default="countsketch"
        Sketch of the feature space. "gaussian" matches
        :class:`sklearn.random_projection.GaussianRandomProjection`; "srht" needs
        ``n_components <= n_features``.
    n_components : int or "auto", default="auto"
        Target dimension; "auto" uses
        :func:`sklearn.random_projection.johnson_lindenstrauss_min_dim` with ``eps``, capped
        at ``n_features`` with a warning when the bound exceeds it (small inputs: the sketch
        then keeps as many components as features, where scikit-learn's random projections
        raise).
    eps : float, default=0.1
        Distortion for ``n_components="auto"``.
    nnz_per_col : int, default=8
        Nonzeros per column of ``S`` for ``sketch="sparse_sign"``.
    dense_output : bool, default=False
        Return a dense array for sparse input (the product stays sparse otherwise, as in
        ``SparseRandomProjection``).
    random_state : int, RandomState instance or None, default=None
        Seed of the sketch.

    Attributes
    ----------
    n_components_ : int
        Target dimension.
    components_ : {ndarray, sparse matrix} of shape (n_components_, n_features)
        The sketch matrix ``S`` (CSR for "countsketch" and "sparse_sign").
    seed_ : int
        Integer seed of the hash that defines ``S``.
    n_features_in_ : int
        Number of features seen in fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen in fit, when ``X`` has string column names.

    See Also
    --------
    sklearn.random_projection.SparseRandomProjection : Achlioptas / Li sparse projections.

    References
    ----------
    K. L. Clarkson and D. P. Woodruff, "Low rank approximation and regression in input
    sparsity time", STOC 2013. D. M. Kane and J. Nelson, "Sparser Johnson-Lindenstrauss
    transforms", J. ACM 61(1), 2014.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.sketching import SketchTransformer
    >>> X = np.random.default_rng(0).standard_normal((50, 2000))
    >>> SketchTransformer(n_components=300, random_state=0).fit_transform(X).shape
    (50, 300)
    """

    _parameter_constraints = {
        "sketch": [StrOptions({"countsketch", "sparse_sign", "gaussian", "srht"})],
        "n_components": [Interval(numbers.Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "eps": [Interval(numbers.Real, 0, 1, closed="neither")],
        "nnz_per_col": [Interval(numbers.Integral, 1, None, closed="left")],
        "dense_output": ["boolean"],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        sketch="countsketch",
        n_components="auto",
        *,
        eps=0.1,
        nnz_per_col=8,
        dense_output=False,
        random_state=None,
    ):
        self.sketch = sketch
        self.n_components = n_components
        self.eps = eps
        self.nnz_per_col = nnz_per_col
        self.dense_output = dense_output
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Draw the sketch matrix for the features of ``X``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data (only its shape is used).
        y : Ignored
            Not used, present for API consistency.

        Returns
        -------
        self : object
            Fitted transformer.
        """
        X = validate_data(self, X, accept_sparse=("csr", "csc"), dtype=[np.float64, np.float32])
        n_samples, n_features = X.shape
        if self.n_components == "auto":
            k = int(johnson_lindenstrauss_min_dim(n_samples, eps=self.eps))
            if k > n_features:
                warnings.warn(
                    f"eps={self.eps} and n_samples={n_samples} lead to a target dimension of "
                    f"{k}, larger than n_features={n_features}; n_components_ is capped at "
                    f"{n_features} (no reduction, and the eps distortion bound does not apply). "
                    "Set n_components or a larger eps.",
                    UserWarning,
                )
                k = n_features
        else:
            k = int(self.n_components)
            if self.sketch == "srht" and k > n_features:
                raise ValueError(
                    f"n_components={k} must not exceed n_features={n_features} for the SRHT."
                )
            if k > n_features:
                warnings.warn(
                    f"The number of components ({k}) is higher than the number of features "
                    f"({n_features}): the sketch does not reduce dimensionality.",
                    UserWarning,
                )
        self.seed_ = seed_from_random_state(self.random_state)
        params = {"nnz_per_col": self.nnz_per_col} if self.sketch == "sparse_sign" else {}
        op = make_sketch(self.sketch, k, random_state=self.seed_, **params).fit(n_features)
        self.components_ = op.to_matrix()
        self.n_components_ = k
        self._columns = None
        if sp.issparse(self.components_):
            # the nonzeros of S column by column (each column has the same number, in distinct
            # rows), for the dense-output product of a sparse X (:meth:`transform`)
            S = self.components_.tocsc()
            counts = np.diff(S.indptr)
            zeta = int(counts[0])
            if np.all(counts == zeta):  # else transform falls back to the sparse product
                self._columns = (S.indices.astype(np.intp).reshape(n_features, zeta),
                                 S.data.reshape(n_features, zeta))
        return self

    def transform(self, X):
        """Sketch the features of ``X``.

        Parameters
        ----------
        X : {array-like, sparse matrix, dask array} of shape (n_samples, n_features)
            Data. A dask array is transformed chunk by chunk (lazy dense result).

        Returns
        -------
        X_new : {ndarray, sparse matrix, dask array} of shape (n_samples, n_components_)
            ``X @ components_.T``; sparse only for sparse ``X``, a sparse sketch and
            ``dense_output=False``.
        """
        check_is_fitted(self)
        if is_dask_array(X):
            if X.ndim != 2 or X.shape[1] != self.n_features_in_:
                raise ValueError(
                    f"X has shape {X.shape}; expected {self.n_features_in_} features."
                )
            X = X.rechunk({1: -1})
            dtype = np.float32 if X.dtype == np.float32 else np.float64
            return X.map_blocks(
                self._transform_dense_block,
                chunks=(X.chunks[0], (self.n_components_,)),
                dtype=dtype,
                meta=np.empty((0, 0), dtype=dtype),
            )
        X = validate_data(
            self, X, accept_sparse=("csr", "csc"), dtype=[np.float64, np.float32], reset=False
        )
        if self.dense_output and sp.issparse(X) and getattr(self, "_columns", None) is not None:
            return self._sparse_to_dense(X)
        S = self.components_
        if S.dtype != X.dtype:
            S = S.astype(X.dtype)
        return safe_sparse_dot(X, S.T, dense_output=self.dense_output)

    def _sparse_to_dense(self, X):
        # X @ S.T row by row into a zeroed output (fresh zero pages, no memset): no sparse
        # intermediate, each output row written once while in cache
        X = X.tocsr()
        buckets, values = self._columns
        out = np.zeros((X.shape[0], self.n_components_), dtype=X.dtype)
        _ks.sketch_rows_csr(X.data, X.indices, X.indptr, buckets, values.astype(X.dtype, copy=False), out)
        return out

    def _transform_dense_block(self, block):
        out = self.transform(block)
        return out.toarray() if sp.issparse(out) else out

    @property
    def _n_features_out(self):
        return self.n_components_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags

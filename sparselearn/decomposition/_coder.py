"""``SparseCoder``: sparse coding over a fixed dictionary as a scikit-learn transformer."""

import numpy as np
from sklearn.base import BaseEstimator, _fit_context
from sklearn.utils.validation import validate_data

from .._checks import check_named_array
from ._base import TRANSFORM_CONSTRAINTS, _BaseSparseCoding
from ._encode import _check_X_dictionary

__all__ = ["SparseCoder"]


class SparseCoder(_BaseSparseCoding, BaseEstimator):
    r"""Sparse coding of signals over a fixed dictionary.

    ``transform`` solves, for each row ``x``, :math:`\min_c \tfrac12\|x - cD\|^2 + \sum_j
    \mathrm{pen}(c_j)` (``"cd"``, ``"fista"``) or its ``k``-sparse version (``"omp"``, ``"mp"``,
    ``"iht"``) with :func:`sparse_encode`; parameter names are scikit-learn's. The dictionary
    is a parameter: ``transform`` needs no ``fit``.

    Parameters
    ----------
    dictionary : ndarray of shape (n_components, n_features)
        The atoms, one per row (unit norm is assumed by the greedy algorithms).
    transform_algorithm : {"omp", "mp", "iht", "topk", "fista", "cd", "threshold", \
"lasso_cd", "lasso_lars", "lars"}, default="omp"
        Coding algorithm (see :func:`sparse_encode`).
    transform_n_nonzero_coefs : int, default=None
        Atoms per signal for the greedy algorithms (default ``max(n_features // 10, 1)``).
    transform_alpha : float, default=None
        Penalty strength (``"cd"``, ``"fista"``, ``"threshold"``; default 1.0) or targeted squared
        residual (``"omp"``, ``"mp"``).
    transform_penalty : {"l1", "l0", "mcp", "scad", "lq", "cel0"} or Penalty, default="l1"
        Penalty of ``"cd"`` / ``"fista"``.
    transform_max_iter : int, default=1000
        Iteration cap of the iterative coders. They stop at :func:`sparse_encode`'s default
        ``tol=1e-4``: for ``"cd"`` / ``"lasso_cd"`` with the L1 or elastic-net penalty, each
        code's duality gap is within ``1e-6`` of its objective (the objective within ``1e-6``
        relative of the optimum).
    positive_code : bool, default=False
        Non-negative codes.
    split_sign : bool, default=False
        Return ``transform``'s codes split into their positive and negative parts,
        ``[max(c, 0), max(-c, 0)]`` (shape (n_samples, 2 n_components)), as scikit-learn: a
        non-negative representation for downstream classifiers.
    n_jobs : int, default=None
        Numba threads over signals (``None``: 1, ``-1``: all).

    Attributes
    ----------
    components_ : ndarray of shape (n_components, n_features)
        The dictionary (validated copy), set by ``fit``.
    n_components_ : int
        Number of atoms.
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features seen during ``fit`` (string column names only).

    See Also
    --------
    sparse_encode : The function behind ``transform``.
    DictionaryLearning : Learns the dictionary.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.decomposition import SparseCoder
    >>> rng = np.random.default_rng(0)
    >>> D = rng.standard_normal((12, 6)); D /= np.linalg.norm(D, axis=1, keepdims=True)
    >>> X = np.array([[0.0, 1.0], [3.0, 0.0]]) @ D[[2, 9]]
    >>> coder = SparseCoder(D, transform_algorithm="omp", transform_n_nonzero_coefs=1).fit(X)
    >>> np.flatnonzero(coder.transform(X)[1])
    array([2])
    """

    _parameter_constraints = {"dictionary": ["array-like"], **TRANSFORM_CONSTRAINTS}

    def __init__(self, dictionary, *, transform_algorithm="omp", transform_n_nonzero_coefs=None,
                 transform_alpha=None, transform_penalty="l1", transform_max_iter=1000,
                 positive_code=False, split_sign=False, n_jobs=None):
        self.dictionary = dictionary
        self.transform_algorithm = transform_algorithm
        self.transform_n_nonzero_coefs = transform_n_nonzero_coefs
        self.transform_alpha = transform_alpha
        self.transform_penalty = transform_penalty
        self.transform_max_iter = transform_max_iter
        self.positive_code = positive_code
        self.split_sign = split_sign
        self.n_jobs = n_jobs

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Validate the dictionary against ``X`` (nothing is learned).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Signals (only their number of features is used).
        y : Ignored
            Not used, present for API consistency.

        Returns
        -------
        self : SparseCoder
            The validated coder.
        """
        X = validate_data(self, X, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32])
        dictionary = self._dictionary(X)
        self.components_ = dictionary
        self.n_components_ = dictionary.shape[0]
        return self

    def __sklearn_is_fitted__(self):
        # the dictionary is a parameter: transform needs no fit
        return True

    def _dictionary(self, X=None):
        if X is None:
            return check_named_array(self.dictionary, "dictionary", ndim=2, dtype=np.float64)
        return _check_X_dictionary(X, self.dictionary)[1]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        return tags

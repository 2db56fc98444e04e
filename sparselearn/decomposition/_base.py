"""Shared pieces of the coders and dictionary learners: transform / inverse_transform, parameter
constraints, dictionary initialization (atom replacement is in
:mod:`sparselearn._core.dict_learning`)."""

import numbers

import numpy as np
import scipy.sparse as sp
from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin, _fit_context
from sklearn.utils import check_array
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from .._blas_threads import single_thread_blas
from .._chunked import is_dask_collection
from ..penalties import Penalty
from ._encode import ALGORITHMS, PENALTIES, _sparse_encode

TRANSFORM_CONSTRAINTS = {
    "transform_algorithm": [StrOptions(set(ALGORITHMS))],
    "transform_penalty": [StrOptions(set(PENALTIES)), Penalty],
    "transform_n_nonzero_coefs": [Interval(numbers.Integral, 1, None, closed="left"), None],
    "transform_alpha": [Interval(numbers.Real, 0, None, closed="left"), None],
    "transform_max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
    "positive_code": ["boolean"],
    "split_sign": ["boolean"],
    "n_jobs": [numbers.Integral, None],
}


class _BaseSparseCoding(ClassNamePrefixFeaturesOutMixin, TransformerMixin):
    """``transform`` (sparse codes over ``components_``) and ``inverse_transform``."""

    def _transform_alpha(self):
        """``transform_alpha``, or the learner's ``alpha`` for the penalized algorithms (as
        scikit-learn)."""
        if self.transform_alpha is None and hasattr(self, "alpha") and self.transform_algorithm in (
                "cd", "fista", "lasso_cd", "lasso_lars", "threshold"):
            return self.alpha
        return self.transform_alpha

    def _transform_n_nonzero_coefs(self, dictionary):
        """``transform_n_nonzero_coefs`` (``None``: :func:`sparse_encode`'s default)."""
        return self.transform_n_nonzero_coefs

    def _encode(self, X, dictionary):
        code, _ = _sparse_encode(
            X, dictionary, algorithm=self.transform_algorithm, penalty=self.transform_penalty,
            alpha=self._transform_alpha(),
            n_nonzero_coefs=self._transform_n_nonzero_coefs(dictionary),
            positive=self.positive_code, max_iter=self.transform_max_iter, n_jobs=self.n_jobs)
        if self.split_sign:
            code = np.hstack([np.maximum(code, 0), -np.minimum(code, 0)])
        return code

    def transform(self, X):
        """Encode the rows of ``X`` as sparse combinations of the atoms.

        Parameters
        ----------
        X : {array-like, sparse matrix, dask array} of shape (n_samples, n_features)
            Signals to encode; a dask array gives a lazy dask array of codes.

        Returns
        -------
        X_new : ndarray or dask array of shape (n_samples, n_components)
            Sparse codes (``transform_algorithm`` and its ``transform_*`` parameters); with
            ``split_sign=True`` their positive and negative parts side by side, shape
            (n_samples, 2 n_components).
        """
        check_is_fitted(self)
        if is_dask_collection(X):  # lazy: the in-memory transform mapped over the row chunks
            from ..linear_model._dask import lazy_method
            return lazy_method(self, "transform", X)
        X = validate_data(self, X, reset=False, accept_sparse=["csr", "csc"],
                          dtype=[np.float64, np.float32])
        return self._encode(X, self._dictionary(X))

    def inverse_transform(self, X):
        """Signals rebuilt from codes: ``X @ components_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_components)
            Codes (shape (n_samples, 2 n_components) with ``split_sign=True``).

        Returns
        -------
        X_original : ndarray of shape (n_samples, n_features)
            Reconstructed signals.
        """
        check_is_fitted(self)
        X = check_array(X, dtype=[np.float64, np.float32], input_name="X")
        dictionary = self._dictionary()
        expected = dictionary.shape[0] * (2 if self.split_sign else 1)
        if X.shape[1] != expected:
            raise ValueError(f"X must have one column per atom{' and sign' * self.split_sign} "
                             f"of the dictionary (the codes of transform): Expected {expected}, "
                             f"got {X.shape[1]}.")
        if self.split_sign:
            X = X[:, :dictionary.shape[0]] - X[:, dictionary.shape[0]:]
        return (X @ dictionary).astype(X.dtype, copy=False)

    def _dictionary(self, X=None):
        """The atoms ``transform`` codes ``X`` over (``X`` is validated already)."""
        return self.components_

    @property
    def _n_features_out(self):
        return self._dictionary().shape[0] * (2 if self.split_sign else 1)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


class _BaseDictionaryLearner(_BaseSparseCoding):
    """``fit`` of the dictionary learners: validated input, densified to float64, learned by
    ``_fit(X)`` with BLAS on one thread."""

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the dictionary from the rows of ``X``.

        Parameters
        ----------
        X : {array-like, sparse matrix, dask array} of shape (n_samples, n_features)
            Training signals (sparse input is densified). ``DictionaryLearning`` (BCD) and
            ``MiniBatchDictionaryLearning`` fit a dask array chunk by chunk (see
            :ref:`scaling`).
        y : Ignored
            Not used, present for API consistency.

        Returns
        -------
        self : object
            The fitted learner.
        """
        if is_dask_collection(X):  # passes over the row chunks (DictionaryLearning, MiniBatch)
            from ._dask import fit_learner
            return fit_learner(self, X)
        X = validate_data(self, X, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32])
        with single_thread_blas():
            self._fit(np.ascontiguousarray(dense(X), dtype=np.float64))
        self._cast_fitted(X.dtype)
        return self

    # fitted arrays kept in the dtype of the training data (learned in float64)
    _FITTED_ARRAYS = ("components_",)

    def _cast_fitted(self, dtype):
        """Cast the fitted arrays to ``dtype`` (float32 input gives float32 arrays, as
        scikit-learn)."""
        for name in self._FITTED_ARRAYS:
            if hasattr(self, name):
                setattr(self, name, getattr(self, name).astype(dtype, copy=False))


def dense(X):
    """Dense float array of validated input (fitting a dictionary densifies sparse input)."""
    return X.toarray() if sp.issparse(X) else X


def initial_dictionary(X, n_components, dict_init, init, rng, normalize=True, positive=False):
    """Unit-norm initial atoms: ``dict_init``, random data samples (``"data"``, as SPAMS) or
    Gaussian atoms (``"random"``). Zero data rows are replaced by Gaussian atoms.
    ``normalize=False`` returns ``dict_init`` as given (the dictionary of a learner that runs
    no iteration, ``max_iter=0``, as scikit-learn). ``positive=True`` (``positive_dict``) takes
    the absolute values of the atoms, which keeps them unit-norm and non-zero."""
    n_samples, n_features = X.shape
    if dict_init is not None:
        D = check_array(dict_init, dtype=np.float64, input_name="dict_init", copy=True)
        if D.shape != (n_components, n_features):
            raise ValueError(f"dict_init must have shape ({n_components}, {n_features}), "
                             f"got {D.shape}.")
        if not normalize:
            return D
    elif init == "data":
        rows = rng.choice(n_samples, n_components, replace=n_components > n_samples)
        D = np.array(X[rows], dtype=np.float64)
    else:
        D = rng.standard_normal((n_components, n_features))
    norms = np.linalg.norm(D, axis=1)
    zero = norms == 0
    if np.any(zero):
        D[zero] = rng.standard_normal((int(zero.sum()), n_features))
        norms[zero] = np.linalg.norm(D[zero], axis=1)
    D /= norms[:, None]
    if positive:
        np.abs(D, out=D)
    return D

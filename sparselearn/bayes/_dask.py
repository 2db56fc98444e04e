"""Sparse Bayesian regression on dask arrays: one pass over the data, then the in-memory kernels.

The marginal likelihood of the linear model sees the (centred) data only through the Gram
``X^T X``, ``X^T y``, ``y^T y`` and the number of samples. One pass over the row chunks builds
them (:func:`sparselearn._chunked.moments_pass`: per-chunk shifted moments merged in a tree, so
feature offsets cost no digits), and the client runs the in-memory algorithm on them:
``method="fast"`` the Gram entry of the fast marginal-likelihood kernel (the same loop, which
reads the Gram rows of the features that enter instead of computing them), ``method="em"``
EM-SBL on a square root of the statistics (``n_features + n_targets`` rows with the same inner
products). Predictions on dask input are lazy (``map_blocks`` over the row chunks).
"""

import numpy as np

from .. import _chunked
from ..linear_model._dask import lazy_method
from ._regression import _sparse_bayesian_learning_gram

__all__ = ["fit_regression", "predict_lazy"]


def fit_regression(estimator, X, y, threshold_lambda):
    """``SparseBayesianRegression.fit`` on a dask ``X``: one pass, then the fit of the Gram
    statistics on the client. Sets the estimator's attributes and returns it.

    Parameters
    ----------
    estimator : SparseBayesianRegression
        The estimator (its parameters are validated already).
    X : dask.array.Array of shape (n_samples, n_features)
        Training data (known row chunks).
    y : array-like or dask.array.Array of shape (n_samples,) or (n_samples, n_targets)
        Targets.
    threshold_lambda : float
        The resolved pruning threshold of ``method="em"``.

    Returns
    -------
    estimator : SparseBayesianRegression
        Fitted.
    """
    X = _chunked.as_row_chunked(X, "X")
    Y = _chunked.align_rows(y, X, "y", ndim=(1, 2))
    y_ndim = Y.ndim
    if y_ndim == 1:
        Y = Y[:, None]
    if Y.shape[1] == 0:
        raise ValueError("y must have at least one target column.")
    n_features = X.shape[1]
    (moments,) = _chunked.moments_pass(X, Y)
    n_samples = moments.n_rows
    m2 = moments.m2
    if estimator.fit_intercept:
        X_offset, y_offset = moments.mean[:n_features], moments.mean[n_features:]
    else:  # the uncentred Gram
        m2 = m2 + moments.weight * np.outer(moments.mean, moments.mean)
        X_offset, y_offset = np.zeros(n_features), np.zeros(Y.shape[1])
    result = _sparse_bayesian_learning_gram(
        m2[:n_features, :n_features], m2[:n_features, n_features:], m2[n_features:, n_features:],
        n_samples, estimator.method, estimator.noise_var, estimator.max_iter, estimator.tol,
        threshold_lambda)
    if y_ndim == 1:
        y_offset = float(y_offset[0]) if estimator.fit_intercept else 0.0
    dtype = np.dtype(X.dtype if X.dtype in (np.float32, np.float64) else np.float64)
    estimator._store(result, X_offset, y_offset, y_ndim, dtype)
    estimator.n_features_in_ = n_features
    if hasattr(estimator, "feature_names_in_"):
        del estimator.feature_names_in_
    return estimator


class _PredictiveStd:
    """The predictive standard deviation of a fitted ``SparseBayesianRegression`` as a method
    of its own (what :func:`lazy_method` maps over the chunks)."""

    def __init__(self, estimator):
        self.estimator = estimator
        self.n_features_in_ = estimator.n_features_in_

    def predict_std(self, X):
        return self.estimator.predict(X, return_std=True)[1]


def predict_lazy(estimator, X, return_std):
    """``SparseBayesianRegression.predict`` on a dask ``X``: dask arrays of the predictive mean
    (and standard deviation), computed chunk by chunk, never on the client.

    Parameters
    ----------
    estimator : SparseBayesianRegression
        Fitted.
    X : dask.array.Array of shape (n_samples, n_features)
        Samples.
    return_std : bool
        Also return the predictive standard deviation.

    Returns
    -------
    y_mean : dask.array.Array
        Rows chunked as ``X``.
    y_std : dask.array.Array
        The same shape, when ``return_std``.
    """
    y_mean = lazy_method(estimator, "predict", X)
    if not return_std:
        return y_mean
    return y_mean, lazy_method(_PredictiveStd(estimator), "predict_std", X)

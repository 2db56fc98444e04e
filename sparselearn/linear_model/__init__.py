"""Sparse generalized linear models with convex and nonconvex penalties.

``SparseRegressor`` (least squares, Huber, Poisson), ``SparseClassifier`` (logistic),
``SparseRegressorCV`` (alpha by cross-validation), ``penalized_path`` and ``HashFolds`` (the
reproducible folds cross-validation uses on dask arrays); resampling inference on batched fits:
``bootstrap_fit``, ``permutation_test``, ``stability_selection``.
"""

from .._chunked import HashFolds

from ._cv import SparseRegressorCV
from ._estimators import SparseClassifier, SparseRegressor
from ._path import penalized_path
from ._resampling import bootstrap_fit, permutation_test, stability_selection

__all__ = ["SparseRegressor", "SparseClassifier", "SparseRegressorCV", "penalized_path",
           "HashFolds", "bootstrap_fit", "permutation_test", "stability_selection"]

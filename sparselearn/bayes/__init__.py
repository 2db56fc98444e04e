"""Sparse Bayesian learning.

- :class:`SparseBayesianRegression`: fast marginal likelihood (Tipping & Faul) and EM-SBL,
  M-SBL for 2-D targets.
- :class:`RelevanceVectorClassifier`: sparse Bayesian logistic regression (Laplace
  approximation) on the same fast engine, one-vs-rest for more than two classes.
- :class:`KroneckerSBL`: SBL for Kronecker-structured dictionaries (He & Joseph), AM and SVD
  updates, block sparsity, complex data.
"""
from ._classification import RelevanceVectorClassifier, relevance_vector_classification
from ._kronecker import KroneckerSBL, kron_matvec, kronecker_sbl
from ._regression import SparseBayesianRegression, sparse_bayesian_learning

__all__ = [
    "KroneckerSBL",
    "RelevanceVectorClassifier",
    "SparseBayesianRegression",
    "kron_matvec",
    "kronecker_sbl",
    "relevance_vector_classification",
    "sparse_bayesian_learning",
]

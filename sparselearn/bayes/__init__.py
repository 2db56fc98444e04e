"""Sparse Bayesian learning.

- :class:`SparseBayesianRegression`: fast marginal likelihood (Tipping & Faul) and EM-SBL,
  M-SBL for 2-D targets.
- :class:`RelevanceVectorClassifier`: binary sparse Bayesian classification (Laplace).
- :class:`KroneckerSBL`: SBL for Kronecker-structured dictionaries (He & Joseph), AM and SVD
  updates, block sparsity, complex data.
"""
from ._regression import SparseBayesianRegression, sparse_bayesian_learning

__all__ = ["SparseBayesianRegression", "sparse_bayesian_learning"]

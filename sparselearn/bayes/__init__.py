"""Sparse Bayesian learning.

- :class:`SparseBayesianRegression`: fast marginal likelihood (Tipping & Faul) and EM-SBL,
  M-SBL for 2-D targets.
- :class:`KroneckerSBL`: SBL for Kronecker-structured dictionaries (He & Joseph), AM and SVD
  updates, block sparsity, complex data.
"""
from ._kronecker import KroneckerSBL, kron_matvec, kronecker_sbl
from ._regression import SparseBayesianRegression, sparse_bayesian_learning

__all__ = [
    "KroneckerSBL",
    "SparseBayesianRegression",
    "kron_matvec",
    "kronecker_sbl",
    "sparse_bayesian_learning",
]

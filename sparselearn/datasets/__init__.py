"""Small generators and shipped data sets."""

from ._generators import make_correlated_design, make_sparse_regression

__all__ = ["make_correlated_design", "make_sparse_regression"]

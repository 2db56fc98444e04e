"""Small generators and shipped data sets."""

from ._generators import (make_correlated_design, make_least_squares, make_planted_dictionary,
                          make_sparse_regression)
from ._slim_data import (binarize_heart, binarize_mammographic, load_breastcancer,
                         load_haberman, load_heart, load_mammographic)

__all__ = ["make_correlated_design", "make_sparse_regression", "make_planted_dictionary", "make_least_squares",
           "load_breastcancer", "load_haberman",
           "load_heart", "load_mammographic", "binarize_heart",
           "binarize_mammographic"]

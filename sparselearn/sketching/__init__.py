"""Random sketching: sketch operators, sketched least squares and product sketches.

Sketches (``S A`` for a tall ``A``, ``S`` defined by a hash of row index and seed)
    :func:`gaussian_sketch`, :func:`srht_sketch`, :func:`countsketch`,
    :func:`sparse_sign_sketch` and their operator forms :class:`GaussianSketch`,
    :class:`SRHTSketch`, :class:`CountSketch`, :class:`SparseSignSketch` (``fit(n_rows)``,
    ``apply(A)``); dense, ``scipy.sparse`` and ``dask.array`` input.
Least squares
    :class:`SketchedLeastSquares` (sketch-and-solve, sketch-and-precondition).
Matrix products
    :class:`CoordinatedSampler` (coordinated threshold / priority sampling, with JL and
    CountSketch baselines) and :func:`importance_sampled_product`.
Features
    :class:`SketchTransformer` (a scikit-learn transformer applying any sketch to features).
"""

from ._least_squares import SketchedLeastSquares
from ._operators import (
    BaseSketch,
    CountSketch,
    GaussianSketch,
    SparseSignSketch,
    SRHTSketch,
    countsketch,
    gaussian_sketch,
    make_sketch,
    sparse_sign_sketch,
    srht_sketch,
)
from ._products import CoordinatedSampler, ProductSketch, importance_sampled_product
from ._transformer import SketchTransformer

__all__ = [
    "BaseSketch",
    "CoordinatedSampler",
    "CountSketch",
    "GaussianSketch",
    "ProductSketch",
    "SRHTSketch",
    "SketchTransformer",
    "SketchedLeastSquares",
    "SparseSignSketch",
    "countsketch",
    "gaussian_sketch",
    "importance_sampled_product",
    "make_sketch",
    "sparse_sign_sketch",
    "srht_sketch",
]

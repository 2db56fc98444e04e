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
    CountSketch baselines; inner products and join correlations) and
    :func:`importance_sampled_product`.
Features
    :class:`SketchTransformer` (a scikit-learn transformer applying any sketch to features).

Which sketch gives which guarantee
----------------------------------
All four sketches are subspace embeddings at a suitable size ``k`` (Gaussian: ``O(d/eps^2)``;
SRHT: ``O((d + log n) log d / eps^2)``; sparse sign with ``O(log d)`` nonzeros per column:
``O(d log d / eps^2)``; CountSketch: ``O(d^2/eps^2)``), hence give sketch-and-solve its
``(1 + eps)`` residual bound and make valid preconditioners. Only the *dense* sketches
(Gaussian, SRHT) give sketch-and-solve the coordinate-wise bound
``||x' - x*||_inf <= eps / sqrt(d) ||A x* - b|| ||A^+||`` of Song, Ye, Yin & Zhang (ICML 2023);
CountSketch and sparse sign sketches have counterexamples (Price, Song & Woodruff, 2017).
"""

from ._least_squares import SketchedLeastSquares
from ._minhash import (
    MinHashSketch,
    jaccard_estimate,
    lsh_bands,
    merge_minhash,
    near_duplicate_pairs,
)
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
    "MinHashSketch",
    "ProductSketch",
    "SRHTSketch",
    "SketchTransformer",
    "SketchedLeastSquares",
    "SparseSignSketch",
    "countsketch",
    "gaussian_sketch",
    "importance_sampled_product",
    "jaccard_estimate",
    "lsh_bands",
    "make_sketch",
    "merge_minhash",
    "near_duplicate_pairs",
    "sparse_sign_sketch",
    "srht_sketch",
]

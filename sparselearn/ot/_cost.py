"""Ground-cost matrices between point clouds (dense or scipy.sparse rows)."""

import numpy as np
from sklearn.metrics import pairwise_distances
from sklearn.metrics.pairwise import euclidean_distances

METRICS = ("sqeuclidean", "euclidean", "cityblock", "cosine", "chebyshev")


def _cost_matrix(X, Y, metric):
    """``C_ij = c(x_i, y_j)`` as a C-contiguous float64 array (squared Euclidean clipped at 0)."""
    if metric == "sqeuclidean":
        C = euclidean_distances(X, Y, squared=True)
    else:
        C = pairwise_distances(X, Y, metric=metric)
    return np.ascontiguousarray(np.maximum(C, 0.0), dtype=np.float64)

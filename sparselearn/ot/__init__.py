"""Entropic optimal transport: log-domain Sinkhorn, Sinkhorn-Newton-Sparse, transport estimators.

Functions first (POT's calling convention ``(a, b, M, reg)``), an sklearn-style estimator on top.
"""

from ._distance import entropic_ot_value, transport_cost, wasserstein_distance
from ._sinkhorn import sinkhorn, sinkhorn2, sinkhorn_newton_sparse
from ._transport import SinkhornTransport

__all__ = [
    "SinkhornTransport",
    "entropic_ot_value",
    "sinkhorn",
    "sinkhorn2",
    "sinkhorn_newton_sparse",
    "transport_cost",
    "wasserstein_distance",
]

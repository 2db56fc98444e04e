"""Entropic optimal transport: log-domain Sinkhorn, Sinkhorn-Newton-Sparse, transport estimators.

Functions first (POT's calling convention ``(a, b, M, reg)``), sklearn-style estimators on top:
the transport map of a plan, and feature-sparse Monge maps for elastic costs.
"""

from ._distance import entropic_ot_value, transport_cost, wasserstein_distance
from ._monge import SparseMongeMap
from ._sinkhorn import sinkhorn, sinkhorn2, sinkhorn_newton_sparse
from ._transport import SinkhornTransport

__all__ = [
    "SinkhornTransport",
    "SparseMongeMap",
    "entropic_ot_value",
    "sinkhorn",
    "sinkhorn2",
    "sinkhorn_newton_sparse",
    "transport_cost",
    "wasserstein_distance",
]

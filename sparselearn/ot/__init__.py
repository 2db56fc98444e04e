"""Entropic optimal transport: log-domain Sinkhorn, Sinkhorn-Newton-Sparse, transport estimators.

Functions first (POT's calling convention ``(a, b, M, reg)``), sklearn-style estimators on top:
the transport map of a plan, feature-sparse Monge maps for elastic costs, and sparse inverse OT
(the interaction matrix of a bilinear cost from an observed coupling).
"""

from ._distance import entropic_ot_value, transport_cost, wasserstein_distance
from ._inverse import InverseOT, inverse_ot_path
from ._monge import SparseMongeMap
from ._sinkhorn import sinkhorn, sinkhorn2, sinkhorn_newton_sparse
from ._transport import SinkhornTransport

__all__ = [
    "InverseOT",
    "SinkhornTransport",
    "SparseMongeMap",
    "entropic_ot_value",
    "inverse_ot_path",
    "sinkhorn",
    "sinkhorn2",
    "sinkhorn_newton_sparse",
    "transport_cost",
    "wasserstein_distance",
]

"""Tour rows for ``python -m sparselearn``: entropic OT."""

import numpy as np


def _sns_vs_pot():
    import ot  # POT, imported lazily

    from ._sinkhorn import sinkhorn_newton_sparse

    rng = np.random.default_rng(0)
    xs, xt = rng.normal(size=(300, 2)), rng.normal(size=(300, 2)) + 1.0
    M = ot.dist(xs, xt)
    M /= M.max()
    P, log = sinkhorn_newton_sparse(None, None, M, 1e-2, tol=1e-10, return_log=True)
    P_ref = ot.sinkhorn([], [], M, 1e-2, method="sinkhorn_log", stopThr=1e-10, numItermax=10**5)
    return (
        f"err {np.abs(P - P_ref).max():.0e} vs POT sinkhorn_log; {log['n_iter']} it "
        f"({log['n_newton']} Newton)"
    )


def _transport_map():
    from ._transport import SinkhornTransport

    rng = np.random.default_rng(0)
    Xs = rng.normal(size=(200, 2))
    shift = np.array([3.0, -1.0])
    est = SinkhornTransport(reg=1e-2, norm="max").fit(Xs, Xs + shift)
    X_new = 0.5 * rng.normal(size=(50, 2))
    error = np.abs(est.transform(X_new) - (X_new + shift)).max()
    return f"out-of-sample map err {error:.1e}, {est.n_iter_} it"


TOUR = [
    ("ot", "SNS plan, 300x300 clouds, reg 1e-2", _sns_vs_pot),
    ("ot", "SinkhornTransport translation map", _transport_map),
]

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


def _w1_grid():
    from ._sinkhorn import sinkhorn, sinkhorn_newton_sparse

    x = np.linspace(0, 1, 24)
    grid = np.stack(np.meshgrid(x, x), -1).reshape(-1, 2)
    d1 = np.exp(-((grid - [0.3, 0.3]) ** 2).sum(1) / 0.02) + 0.05
    d2 = np.exp(-((grid - [0.7, 0.6]) ** 2).sum(1) / 0.03) + 0.05
    M = np.sqrt(((grid[:, None] - grid[None]) ** 2).sum(-1))
    M /= M.max()
    a, b = d1 / d1.sum(), d2 / d2.sum()
    P, log = sinkhorn_newton_sparse(a, b, M, 1e-3, return_log=True)
    P_sk, log_sk = sinkhorn(a, b, M, 1e-3, max_iter=20000, return_log=True)
    rel = abs(np.sum(P * M) - np.sum(P_sk * M)) / np.sum(P_sk * M)
    return (
        f"SNS {log['n_iter']} it ({len(log['reg_stages'])} reg stages) vs Sinkhorn "
        f"{log_sk['n_iter']} it, cost rel diff {rel:.0e}"
    )


def _transport_map():
    from ._transport import SinkhornTransport

    rng = np.random.default_rng(0)
    Xs = rng.normal(size=(200, 2))
    shift = np.array([3.0, -1.0])
    # absolute reg: with norm="max" the reg is ~1 in squared-distance units, where the entropic
    # map shrinks new points toward the mean (about 0.8 x), an error of 0.3 that is not a bug
    est = SinkhornTransport(reg=0.05).fit(Xs, Xs + shift)
    X_new = 0.5 * rng.normal(size=(50, 2))
    error = np.abs(est.transform(X_new) - (X_new + shift)).max()
    return f"out-of-sample map err {error:.1e}, {est.n_iter_} it"


TOUR = [
    ("ot", "SNS plan, 300x300 clouds, reg 1e-2", _sns_vs_pot),
    ("ot", "SNS, W1 between 24x24 grid densities, reg 1e-3", _w1_grid),
    ("ot", "SinkhornTransport translation map", _transport_map),
]

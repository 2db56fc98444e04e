"""Tour rows for ``python -m sparselearn``: entropic OT."""

import warnings

import numpy as np

from .._tour import Result, timed

LEGEND = [
    ("reg", "entropic regularization, relative to a cost scaled to [0, 1]"),
    ("SNS", "Sinkhorn-Newton-Sparse (Tang et al., ICLR 2024): Sinkhorn steps, then Newton steps "
            "on a sparsified Hessian"),
    ("W1", "optimal transport with the Euclidean distance as cost"),
    ("transport map", "where the fitted plan sends a new point (barycentric / entropic map)"),
    ("elastic cost", "h(x - y) = 0.5 ||x - y||^2 + gamma ||x - y||_1 (Cuturi, Klein, Ablin, ICML "
                     "2023): its entropic Monge map moves each point along few features"),
    ("displacement", "T(x) - x, the move the map gives a point; its nonzero entries are the "
                     "features it changes"),
    ("inverse OT", "recovering the interaction matrix A of a cost -x^T A y from pairs sampled "
                   "from its entropic plan (l1-penalized likelihood, Andrade et al., ICLR 2024)"),
    ("exp-cone", "the same convex program written for cvxpy with log-sum-exp (exponential "
                 "cone) terms, solved by Clarabel"),
]


def _sns_vs_pot():
    import ot  # POT, imported lazily

    from ._sinkhorn import sinkhorn_newton_sparse

    rng = np.random.default_rng(0)
    xs, xt = rng.normal(size=(300, 2)), rng.normal(size=(300, 2)) + 1.0
    M = ot.dist(xs, xt)
    M /= M.max()
    (P, log), seconds = timed(sinkhorn_newton_sparse, None, None, M, 1e-2, tol=1e-10,
                              return_log=True)
    P_ref, ref_seconds = timed(ot.sinkhorn, [], [], M, 1e-2, method="sinkhorn_log",
                               stopThr=1e-10, numItermax=10**5)
    return Result(seconds, f"same plan as POT (max difference {np.abs(P - P_ref).max():.0e}) in "
                           f"{log['n_iter']} iterations, {log['n_newton']} of them Newton steps",
                  "POT sinkhorn_log", ref_seconds)


def _w1_grid():
    from ._sinkhorn import sinkhorn, sinkhorn_newton_sparse

    x = np.linspace(0, 1, 24)
    grid = np.stack(np.meshgrid(x, x), -1).reshape(-1, 2)
    d1 = np.exp(-((grid - [0.3, 0.3]) ** 2).sum(1) / 0.02) + 0.05
    d2 = np.exp(-((grid - [0.7, 0.6]) ** 2).sum(1) / 0.03) + 0.05
    M = np.sqrt(((grid[:, None] - grid[None]) ** 2).sum(-1))
    M /= M.max()
    a, b = d1 / d1.sum(), d2 / d2.sum()
    (P, log), seconds = timed(sinkhorn_newton_sparse, a, b, M, 1e-3, return_log=True)
    (P_sk, log_sk), ref_seconds = timed(sinkhorn, a, b, M, 1e-3, max_iter=20000, return_log=True)
    rel = abs(np.sum(P * M) - np.sum(P_sk * M)) / np.sum(P_sk * M)
    return Result(seconds, f"same transport cost as Sinkhorn (relative difference {rel:.0e}) in "
                           f"{log['n_iter']} iterations instead of {log_sk['n_iter']}",
                  "Sinkhorn (sparselearn)", ref_seconds)


def _transport_map():
    import ot  # POT, imported lazily

    from ._transport import SinkhornTransport

    rng = np.random.default_rng(0)
    Xs = rng.normal(size=(200, 2))
    shift = np.array([3.0, -1.0])
    X_new = 0.5 * rng.normal(size=(50, 2))
    # the entropic map pulls new points toward the mean as reg grows and snaps them onto single
    # samples as it shrinks; reg = 0.05 (absolute: squared distances, no norm) balances the two
    est, seconds = timed(SinkhornTransport(reg=0.05).fit, Xs, Xs + shift)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ref, ref_seconds = timed(ot.da.SinkhornTransport(reg_e=0.05).fit, Xs=Xs, Xt=Xs + shift)
    ref_note = ", not converged in its default 1000 iterations" if any(
        "did not converge" in str(w.message) for w in caught) else ""
    error = np.abs(est.transform(X_new) - (X_new + shift)).max()
    ref_error = np.abs(ref.transform(Xs=X_new) - (X_new + shift)).max()
    return Result(seconds, f"50 new points land within {error:.2f} of their true image "
                           f"(POT: {ref_error:.2f}{ref_note})", "POT SinkhornTransport",
                  ref_seconds)


def _sparse_monge_map():
    from ._monge import SparseMongeMap
    from ._transport import SinkhornTransport

    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 10))
    shift = np.zeros(10)
    shift[:2] = 3.0
    Y = X + shift + 0.3 * rng.normal(size=(400, 10))
    X_new = rng.normal(size=(400, 10))
    SparseMongeMap(gamma=0.5).fit(X[:10], Y[:10]).displacement(X[:2])  # load the kernels
    SinkhornTransport(reg=2.0).fit(X[:10], Y[:10])
    est, seconds = timed(SparseMongeMap(cost="elastic_l1", gamma=0.5, reg=1.0).fit, X, Y)
    moves = est.displacement(X_new)
    # the plain entropic map of the same plan family: h = 0.5 ||z||^2 at reg 1 is POT's
    # squared Euclidean cost at reg 2
    ref, ref_seconds = timed(SinkhornTransport(reg=2.0).fit, X, Y)
    error = np.mean(np.sum((moves - shift) ** 2, axis=1))
    ref_error = np.mean(np.sum((ref.transform(X_new) - X_new - shift) ** 2, axis=1))
    moved = np.mean(np.sum(moves != 0, axis=1))
    share = np.abs(moves[:, :2]).sum() / np.abs(moves).sum()
    return Result(seconds, f"400 new points move {moved:.1f} of 10 features on average, "
                           f"{100 * share:.0f} % of the displacement along the 2 shifted ones; "
                           f"error to the true map {error / ref_error:.2f}x the plain entropic "
                           "map's", "plain entropic map (SinkhornTransport)", ref_seconds)


def _inverse_ot():
    import cvxpy as cp  # imported lazily

    from ._inverse import InverseOT
    from ._sinkhorn import sinkhorn

    rng = np.random.default_rng(0)
    d, m, n_pairs, reg = 5, 40, 5000, 1.0
    A_true = np.eye(d)
    A_true[0, 1], A_true[2, 3] = 0.7, -0.7
    X, Y = rng.normal(size=(m, d)), rng.normal(size=(m, d))
    P = sinkhorn(None, None, -X @ A_true @ Y.T, reg, tol=1e-12)
    cells = rng.choice(m * m, size=n_pairs, p=(P / P.sum()).ravel())
    counts = np.bincount(cells, minlength=m * m).reshape(m, m)
    alpha = np.sqrt(np.log(d * d) / n_pairs)  # lambda_0 = 1 with the adaptive weights
    with warnings.catch_warnings():  # compile the kernels, untimed (2 iterations warn)
        warnings.simplefilter("ignore")
        InverseOT(alpha=alpha, max_iter=2).fit(X[:5], Y[:5], counts[:5, :5] + 1)
    est, seconds = timed(InverseOT(reg=reg, alpha=alpha, tol=1e-8).fit, X, Y, counts)

    def exp_cone():
        P_hat = counts / counts.sum()
        a, b = P_hat.sum(axis=1), P_hat.sum(axis=0)
        rows, cols = a > 0, b > 0
        Xk, Yk, ak, bk = X[rows], Y[cols], a[rows], b[cols]
        A, g = cp.Variable((d, d)), cp.Variable(Yk.shape[0])
        logits = (Xk @ A @ Yk.T - np.ones((Xk.shape[0], 1)) @ cp.reshape(g, (1, -1), order="C"))
        objective = (-cp.sum(cp.multiply(A, Xk.T @ P_hat[np.ix_(rows, cols)] @ Yk)) + bk @ g
                     + reg * (ak @ cp.log_sum_exp(logits / reg + np.log(bk), axis=1))
                     + alpha * cp.sum(cp.multiply(est.penalty_weights_, cp.abs(A))))
        problem = cp.Problem(cp.Minimize(objective))
        with warnings.catch_warnings():  # Clarabel's "may be inaccurate" at its tolerances
            warnings.simplefilter("ignore")
            problem.solve(solver="CLARABEL")
        return problem.value

    ref_value, ref_seconds = timed(exp_cone)
    exact = "exact" if np.array_equal(est.support_, A_true != 0) else "not the exact"
    return Result(seconds, f"{exact} support of the planted A ({int(est.support_.sum())} of "
                           f"{d * d} entries); objective {est.objective_ - ref_value:+.0e} from "
                           f"cvxpy's", "cvxpy exp-cone (Clarabel)", ref_seconds)


TOUR = [
    ("ot", "SNS plan, 300x300 point clouds, reg 1e-2", _sns_vs_pot),
    ("ot", "SNS, W1 between 24x24 grid densities, reg 1e-3", _w1_grid),
    ("ot", "transport map of a translation, 200 points", _transport_map),
    ("ot", "feature-sparse Monge map, elastic l1 cost, d = 10, 400 points", _sparse_monge_map),
    ("ot", "inverse OT, d = 5, 40x40 points, 5000 sampled pairs", _inverse_ot),
]

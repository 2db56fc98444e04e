"""Entropic OT: SNS and log-domain Sinkhorn against POT's Sinkhorn variants, same run.

Each problem is solved to marginal error 1e-9 (||P 1 - a||_1 + ||P^T 1 - b||_1). ``time_*``
measures wall time, ``track_iterations`` the iteration count, ``track_marginal_error`` the error
recomputed from the returned plan and ``track_cost_rel_diff`` the relative transport-cost
difference to our SNS plan.
"""

from . import _threads  # noqa: F401

import warnings

import numpy as np
import ot

from sparselearn.ot import sinkhorn, sinkhorn_newton_sparse

TOL = 1e-9
MAX_ITER = 20000


def _point_clouds(n, seed=0):
    rng = np.random.default_rng(seed)
    xs = rng.normal(size=(n, 2))
    xt = rng.normal(size=(n, 2)) + 1.0
    M = ot.dist(xs, xt)
    return np.full(n, 1.0 / n), np.full(n, 1.0 / n), np.ascontiguousarray(M / M.max())


def _grid_w1(k=24):
    x = np.linspace(0, 1, k)
    grid = np.stack(np.meshgrid(x, x), -1).reshape(-1, 2)
    d1 = np.exp(-((grid - [0.3, 0.3]) ** 2).sum(1) / 0.02) + 0.05
    d2 = np.exp(-((grid - [0.7, 0.6]) ** 2).sum(1) / 0.03) + 0.05
    M = ot.dist(grid, grid, metric="euclidean")
    return d1 / d1.sum(), d2 / d2.sum(), np.ascontiguousarray(M / M.max())


def _run(solver, a, b, M, reg):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if solver == "sns":
            P, log = sinkhorn_newton_sparse(a, b, M, reg, tol=TOL, max_iter=MAX_ITER,
                                            return_log=True)
            return P, log["n_iter"]
        if solver == "sinkhorn":
            P, log = sinkhorn(a, b, M, reg, tol=TOL, max_iter=MAX_ITER, return_log=True)
            return P, log["n_iter"]
        method = solver.replace("pot_", "")
        P, log = ot.sinkhorn(a, b, M, reg, method=method, stopThr=TOL, numItermax=MAX_ITER,
                             log=True)
        n_iter = log.get("niter", log.get("n_iter", len(log.get("err", [])) * 10))
        return P, n_iter


SOLVERS = ["sns", "sinkhorn", "pot_sinkhorn_log", "pot_sinkhorn_stabilized",
           "pot_sinkhorn_epsilon_scaling"]


def _skip_slow(reg, solver):
    """POT's ``sinkhorn_log`` (several log-sum-exp passes per iteration) needs 5 000 - 9 000
    iterations at reg = 1e-3 on these problems: minutes per run (measured > 60 s from n = 500
    and on the grid), so that combination is skipped (asv skips on NotImplementedError)."""
    if solver == "pot_sinkhorn_log" and reg <= 1e-3:
        raise NotImplementedError("POT sinkhorn_log at reg 1e-3 runs for minutes")


class PointCloudOT:
    """Squared Euclidean cost normalized to max 1, uniform weights."""

    params = ([500, 1000, 2000], [1e-2, 1e-3], SOLVERS)
    param_names = ["n", "reg", "solver"]
    timeout = 600

    def setup(self, n, reg, solver):
        _skip_slow(reg, solver)
        self.a, self.b, self.M = _point_clouds(n)
        # compile the kernels outside the timed region
        sinkhorn_newton_sparse(self.a[:5] * n / 5, self.b[:5] * n / 5, self.M[:5, :5], reg,
                               max_iter=30)

    def time_solve(self, n, reg, solver):
        _run(solver, self.a, self.b, self.M, reg)

    def track_iterations(self, n, reg, solver):
        return _run(solver, self.a, self.b, self.M, reg)[1]

    def track_marginal_error(self, n, reg, solver):
        P = _run(solver, self.a, self.b, self.M, reg)[0]
        return float(np.abs(P.sum(1) - self.a).sum() + np.abs(P.sum(0) - self.b).sum())

    def track_cost_rel_diff(self, n, reg, solver):
        P = _run(solver, self.a, self.b, self.M, reg)[0]
        P_sns = _run("sns", self.a, self.b, self.M, reg)[0]
        cost_sns = np.sum(P_sns * self.M)
        return float(abs(np.sum(P * self.M) - cost_sns) / cost_sns)


class GridW1(PointCloudOT):
    """Two discretized densities on a 24 x 24 grid, Euclidean (W1) cost normalized to max 1."""

    params = ([1e-2, 1e-3], SOLVERS)
    param_names = ["reg", "solver"]

    def setup(self, reg, solver):
        _skip_slow(reg, solver)
        self.a, self.b, self.M = _grid_w1()
        sinkhorn_newton_sparse(None, None, self.M[:5, :5], reg, max_iter=30)

    def time_solve(self, reg, solver):
        _run(solver, self.a, self.b, self.M, reg)

    def track_iterations(self, reg, solver):
        return _run(solver, self.a, self.b, self.M, reg)[1]

    def track_marginal_error(self, reg, solver):
        P = _run(solver, self.a, self.b, self.M, reg)[0]
        return float(np.abs(P.sum(1) - self.a).sum() + np.abs(P.sum(0) - self.b).sum())

    def track_cost_rel_diff(self, reg, solver):
        P = _run(solver, self.a, self.b, self.M, reg)[0]
        P_sns = _run("sns", self.a, self.b, self.M, reg)[0]
        cost_sns = np.sum(P_sns * self.M)
        return float(abs(np.sum(P * self.M) - cost_sns) / cost_sns)

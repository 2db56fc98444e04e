"""Sparse inverse OT (``InverseOT``): against a cvxpy exponential-cone solve, and scaling in N.

The problems are the acceptance setting of issue 20: d = 5 features, A* the identity plus
``A[0, 1] = 0.7`` and ``A[2, 3] = -0.7``, ``m`` Gaussian source and target points, ``n_pairs``
pairs drawn from the entropic plan of the cost ``-x^T A* y`` (reg = 1), the penalty
``alpha = sqrt(log(d^2) / N)`` with the default adaptive weights (``1 / |A_mle|``; the cvxpy
program gets the fitted weights).

- ``InverseOTvsCvxpy``: the same convex program (the semi-dual, log-sum-exp rows) solved by
  cvxpy with Clarabel, at small ``m`` where the conic solver is practical; ``track_objective_gap``
  is our objective minus cvxpy's (negative: ours is lower).
- ``InverseOTCounts``: fits on the pair counts (an ``m x m`` coupling) as ``N`` grows; the plan
  size does not grow with ``N``.
- ``InverseOTPaired``: fits on ``N`` continuous paired samples (no repeated point), where
  each evaluation solves an ``N x N`` plan: the cost of the finite-sample problem itself.

``time_*`` measures process CPU time (one BLAS and numba thread).
"""

from . import _threads  # noqa: F401

import time
import warnings

import numpy as np

from sparselearn.ot import InverseOT, sinkhorn

D = 5
REG = 1.0


def _truth():
    A = np.eye(D)
    A[0, 1], A[2, 3] = 0.7, -0.7
    return A


def _counts(m, n_pairs, seed=0):
    """Points and the counts of ``n_pairs`` pairs drawn from the entropic plan of A*."""
    rng = np.random.default_rng(seed)
    X, Y = rng.normal(size=(m, D)), rng.normal(size=(m, D))
    plan = sinkhorn(None, None, -X @ _truth() @ Y.T, REG, tol=1e-12)
    cells = rng.choice(m * m, size=n_pairs, p=(plan / plan.sum()).ravel())
    return X, Y, np.bincount(cells, minlength=m * m).reshape(m, m)


def _paired(n_pairs, seed=0):
    """``n_pairs`` continuous pairs: Y = X A*^T / 2 + noise (a Gaussian coupling whose
    interaction has the support of A*)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_pairs, D))
    Y = 0.5 * X @ _truth() + rng.normal(size=(n_pairs, D))
    return X, Y


def _alpha(n_pairs):
    return np.sqrt(np.log(D * D) / n_pairs)  # lambda_0 = 1 with the default adaptive weights


def _cvxpy_objective(X, Y, counts, alpha, weights):
    import cvxpy as cp

    P = counts / counts.sum()
    a, b = P.sum(axis=1), P.sum(axis=0)
    rows, cols = a > 0, b > 0
    X, Y, a, b, P = X[rows], Y[cols], a[rows], b[cols], P[np.ix_(rows, cols)]
    A, g = cp.Variable((D, D)), cp.Variable(Y.shape[0])
    logits = X @ A @ Y.T - np.ones((X.shape[0], 1)) @ cp.reshape(g, (1, -1), order="C")
    objective = (-cp.sum(cp.multiply(A, X.T @ P @ Y)) + b @ g
                 + REG * (a @ cp.log_sum_exp(logits / REG + np.log(b), axis=1))
                 + alpha * cp.sum(cp.multiply(weights, cp.abs(A))))
    problem = cp.Problem(cp.Minimize(objective))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        problem.solve(solver="CLARABEL")
    return problem.value


def _compile():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        X, Y, counts = _counts(6, 50)
        InverseOT(alpha=0.1, max_iter=3).fit(X, Y, counts)


class InverseOTvsCvxpy:
    params = ([10, 20, 40], ["sparselearn", "cvxpy"])
    param_names = ["m", "solver"]
    timeout = 600
    timer = time.process_time

    def setup(self, m, solver):
        _compile()
        self.X, self.Y, self.counts = _counts(m, 5000)
        self.alpha = _alpha(5000)
        self.weights = InverseOT(reg=REG, alpha=self.alpha, tol=1e-8).fit(
            self.X, self.Y, self.counts).penalty_weights_  # given to cvxpy, not timed there

    def time_fit(self, m, solver):
        if solver == "cvxpy":
            _cvxpy_objective(self.X, self.Y, self.counts, self.alpha, self.weights)
        else:
            InverseOT(reg=REG, alpha=self.alpha, tol=1e-8).fit(self.X, self.Y, self.counts)

    def track_objective_gap(self, m, solver):
        ours = InverseOT(reg=REG, alpha=self.alpha, tol=1e-8).fit(self.X, self.Y, self.counts)
        if solver == "cvxpy":
            return 0.0
        return ours.objective_ - _cvxpy_objective(self.X, self.Y, self.counts, self.alpha,
                                                  ours.penalty_weights_)


class InverseOTCounts:
    params = [500, 5000, 50000]
    param_names = ["n_pairs"]
    timeout = 300
    timer = time.process_time

    def setup(self, n_pairs):
        _compile()
        self.X, self.Y, self.counts = _counts(80, n_pairs)
        self.est = InverseOT(reg=REG, alpha=_alpha(n_pairs))

    def time_fit(self, n_pairs):
        self.est.fit(self.X, self.Y, self.counts)

    def track_n_iter(self, n_pairs):
        return self.est.fit(self.X, self.Y, self.counts).n_iter_

    def track_support_exact(self, n_pairs):
        est = self.est.fit(self.X, self.Y, self.counts)
        return int(np.array_equal(est.support_, _truth() != 0))


class InverseOTPaired:
    params = [100, 300, 1000]
    param_names = ["n_pairs"]
    timeout = 300
    timer = time.process_time

    def setup(self, n_pairs):
        _compile()
        self.X, self.Y = _paired(n_pairs)
        self.est = InverseOT(reg=REG, alpha=_alpha(n_pairs))

    def time_fit(self, n_pairs):
        self.est.fit(self.X, self.Y)

    def track_n_iter(self, n_pairs):
        return self.est.fit(self.X, self.Y).n_iter_

"""Working-set coordinate descent over (datafit, penalty); the algorithm is
:mod:`sparselearn._core.working_set`."""

from .._core.working_set import working_set_cd
from .._design import as_design, check_problem
from ._common import check_iteration_params, check_tol, finish, penalty_curvatures

__all__ = ["solve_working_set"]


def solve_working_set(design, y, sw, datafit, penalty, w, b=0.0, fit_intercept=False, tol=1e-4,
                      max_iter=50, max_epochs=10_000, p0=10, n_anderson=5, verbose=0,
                      curvs=None, warn=True, cache=None):
    """Minimize ``F(Xw + b) + pen(w)`` from ``(w, b)``.

    Parameters
    ----------
    design : Design, array-like or sparse matrix of shape (n_samples, n_features)
        The design matrix.
    y : array-like of shape (n_samples,)
        Target, in the datafit's domain (labels in {-1, +1} for the logistic loss).
    sw : array-like of shape (n_samples,) or None
        Sample weights normalized to sum to 1; None means uniform ``1 / n_samples``.
    datafit : Datafit
        The loss ``F``.
    penalty : Penalty
        The penalty.
    w : array-like of shape (n_features,)
        Starting coefficients (copied).
    b : float, default=0.0
        Starting intercept.
    fit_intercept : bool, default=False
        Optimize the intercept too.
    tol : float, default=1e-4
        Stop when every feature's optimality score (gradient units) is at most ``tol``.
    max_iter : int, default=50
        Maximum number of outer iterations.
    max_epochs : int, default=10000
        Maximum number of coordinate-descent epochs per working set.
    p0 : int, default=10
        Minimum working-set size.
    n_anderson : int, default=5
        Number of iterates Anderson extrapolation combines (0 turns it off).
    verbose : int, default=0
        Print the violation and support size at each outer iteration when positive.
    curvs : ndarray of shape (n_features,) or None, default=None
        Per-feature datafit curvatures for penalties that need them (CEL0); None computes them.
    warn : bool, default=True
        Emit a ConvergenceWarning when ``tol`` is not reached.
    cache : dict or None, default=None
        Shared by the successive solves of a path (same data, datafit and weights): the
        final point of a solve and its datafit gradient are kept, so the next solve, warm-started
        there, skips recomputing them (the gradient does not depend on alpha).

    Returns
    -------
    w : ndarray of shape (n_features,)
        Coefficients.
    b : float
        Intercept.
    info : dict
        ``n_iter`` (outer iterations that made a pass: 0 when the start is already optimal, as
        scikit-learn's coordinate descent), ``stop_crit`` (final largest score),
        ``converged``, ``n_epochs`` (total), ``history`` (largest score at each outer
        iteration).

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.datafits import Logistic
    >>> from sparselearn.penalties import L1
    >>> from sparselearn.solvers import solve_working_set
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((200, 10))
    >>> y = np.where(X[:, 0] + rng.logistic(size=200) > 0, 1.0, -1.0)
    >>> w, b, info = solve_working_set(X, y, np.full(200, 1 / 200), Logistic(), L1(alpha=0.05),
    ...                                np.zeros(10), tol=1e-8)
    >>> np.flatnonzero(w), info["converged"]
    (array([0]), True)
    """
    check_tol(tol)
    check_iteration_params(max_iter=max_iter, max_epochs=max_epochs, p0=p0, n_anderson=n_anderson)
    design = as_design(design)
    y, sw, w = check_problem(design, y, sw, w, datafit, penalty)
    return _solve_working_set(design, y, sw, datafit, penalty, w, b, fit_intercept, tol, max_iter,
                              max_epochs, p0, n_anderson, verbose, curvs, warn, cache)


def _solve_working_set(design, y, sw, datafit, penalty, w, b=0.0, fit_intercept=False, tol=1e-4,
                       max_iter=50, max_epochs=10_000, p0=10, n_anderson=5, verbose=0, curvs=None,
                       warn=True, cache=None, progress=None):
    if curvs is None:
        curvs = penalty_curvatures(penalty, design, datafit, sw, fit_intercept)
    w, b, n_iter, stop_crit, n_epochs, history = working_set_cd(
        design.arrays, y, sw, datafit._code, datafit._params(), w, b, fit_intercept,
        penalty._code, penalty._params(), penalty._weights(design.n_features), curvs, tol,
        max_iter, max_epochs, p0, n_anderson, verbose, cache, progress)
    stopped = progress is not None and progress.stopped  # the callback asked: no warning
    info = finish(n_iter, stop_crit, tol, "cd", warn and not stopped, unit="outer iterations")
    info.update(n_epochs=n_epochs, history=history)
    return w, b, info

"""The solver dispatcher and the one fit path that estimators, paths and CV share."""

import numpy as np
from sklearn.base import clone

from .._design import as_design, check_problem
from ._common import _objective, absolute_tol, gradient_at_start, penalty_curvatures
from .gradient import _accelerated_gradient, _fista
from .working_set import _solve_working_set

__all__ = ["solve", "fit_path", "alpha_max", "SOLVERS"]

SOLVERS = ("auto", "cd", "agd", "fista")


def solve(design, y, sw, datafit, penalty, w, b=0.0, fit_intercept=False, solver="auto", tol=1e-4,
          max_iter=None, verbose=0, warn=True, cache=None):
    """Minimize ``F(Xw + b) + pen(w)`` with the chosen solver; returns ``(w, b, info)`` where
    ``info`` has ``n_iter``, ``stop_crit``, ``converged`` and ``objective``. ``cache`` (a dict
    shared along a path) lets the coordinate-descent solver reuse the previous end point's
    gradient. ``tol`` is absolute here (gradient units; see :func:`absolute_tol`). ``sw`` holds
    the sample weights normalized to sum 1 (None: uniform); ``X`` (or a :class:`Design`), ``y``,
    ``sw`` and ``w`` are checked for shape and finiteness, ``y`` against the datafit.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.datafits import Quadratic
    >>> from sparselearn.penalties import L1
    >>> from sparselearn.solvers import solve
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((50, 20)); y = 2 * X[:, 0]
    >>> w, b, info = solve(X, y, np.full(50, 1 / 50), Quadratic(), L1(alpha=0.1), np.zeros(20))
    >>> np.flatnonzero(w), round(float(w[0]), 1)
    (array([0]), 1.9)
    """
    design = as_design(design)
    y, sw, w = check_problem(design, y, sw, w, datafit, penalty)
    return _solve(design, y, sw, datafit, penalty, w, b, fit_intercept, solver, tol, max_iter,
                  verbose, warn, cache)


def _solve(design, y, sw, datafit, penalty, w, b, fit_intercept, solver, tol, max_iter, verbose,
           warn, cache):
    """:func:`solve` on validated arrays."""
    curvs = penalty_curvatures(penalty, design, datafit, sw, fit_intercept)
    if solver in ("auto", "cd"):
        w, b, info = _solve_working_set(design, y, sw, datafit, penalty, w, b, fit_intercept, tol,
                                        max_iter=100 if max_iter is None else max_iter,
                                        verbose=verbose, curvs=curvs, warn=warn, cache=cache)
    elif solver == "agd":
        w, b, info = _accelerated_gradient(design, y, sw, datafit, penalty, w, b, fit_intercept,
                                           tol, 10_000 if max_iter is None else max_iter,
                                           curvs=curvs, warn=warn)
    elif solver == "fista":
        w, b, info = _fista(design, y, sw, datafit, penalty, w, b, fit_intercept, tol,
                            10_000 if max_iter is None else max_iter, curvs=curvs, warn=warn)
    else:
        raise ValueError(f"solver must be one of {SOLVERS}, got {solver!r}.")
    info["objective"] = _objective(design, y, sw, datafit, penalty, w, b, curvs)
    return w, b, info


def alpha_max(design, y, sw, datafit, penalty, fit_intercept=False, check_input=True):
    """Smallest alpha at which ``w = 0`` (with the optimal intercept) is stationary.

    Returns ``(alpha_max, start)``; ``start = (b0, grad0)``, the intercept-only start and the
    gradient there, which :func:`fit_path` takes to skip recomputing them.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.datafits import Quadratic
    >>> from sparselearn.penalties import L1
    >>> from sparselearn.solvers import alpha_max
    >>> X = np.eye(2); y = np.array([1.0, -3.0])
    >>> float(alpha_max(X, y, None, Quadratic(), L1())[0])  # max |X.T y| / n
    1.5
    """
    if check_input:
        design = as_design(design)
        y, sw, _ = check_problem(design, y, sw, None, datafit, penalty)
    b0, grad0, h = gradient_at_start(design, y, sw, datafit, fit_intercept, check_input=False)
    lipschitz = design.col_sq_norms(h, design.col_means(h) if fit_intercept else None)
    curvs = penalty_curvatures(penalty, design, datafit, sw, fit_intercept)
    return penalty.alpha_max(grad0, lipschitz, curvatures=curvs), (b0, grad0)


def fit_path(design, y, sw, datafit, penalty, alphas=None, *, fit_intercept=False, solver="auto",
             tol=1e-4, max_iter=None, coef_init=None, intercept_init=None, start=None, verbose=0,
             warn=True, check_input=True):
    """Solve along ``alphas`` (decreasing) with warm starts: the fit of every estimator.

    ``tol`` is relative to the largest gradient at the intercept-only start (see
    :func:`gradient_at_start`), so one ``tol`` means the same for any scaling of the data.
    ``alphas=None`` fits ``penalty.alpha`` alone. ``coef_init`` / ``intercept_init`` give the
    starting point (default: zero and the intercept-only intercept); ``start`` is the
    ``(b0, grad0)`` pair from :func:`alpha_max`, when known. ``check_input=False`` skips the
    checks of ``design``, ``y`` and ``sw`` (callers that have validated them).

    Returns
    -------
    coefs : ndarray of shape (n_features, n_alphas)
    intercepts : ndarray of shape (n_alphas,)
    info : dict of arrays ``n_iter``, ``stop_crit``, ``converged``, ``objective`` (one per alpha).

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.datafits import Quadratic
    >>> from sparselearn.penalties import L1
    >>> from sparselearn.solvers import fit_path
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((50, 20)); y = 2 * X[:, 0] + 1
    >>> coefs, intercepts, info = fit_path(X, y, None, Quadratic(), L1(), [1.0, 0.1],
    ...                                    fit_intercept=True, tol=1e-8)
    >>> [np.flatnonzero(c).tolist() for c in coefs.T], info["converged"].tolist()
    ([[0], [0]], [True, True])
    """
    if check_input:
        design = as_design(design)
        y, sw, coef_init = check_problem(design, y, sw, coef_init, datafit, penalty)
    if start is None:
        start = gradient_at_start(design, y, sw, datafit, fit_intercept, check_input=False)[:2]
    b0, grad0 = start
    weights = np.full(len(y), 1.0 / len(y)) if sw is None else sw
    if not (np.all(np.isfinite(grad0)) and np.isfinite(b0)
            and np.all(np.isfinite(design.col_sq_norms(weights)))):
        _non_finite()
    tol = absolute_tol(tol, grad0)
    if alphas is None:
        alphas = [penalty.alpha]
    n_features = design.n_features
    w = np.zeros(n_features) if coef_init is None else np.array(coef_init, dtype=np.float64)
    b = b0 if intercept_init is None else float(intercept_init)
    coefs = np.empty((n_features, len(alphas)))
    intercepts = np.empty(len(alphas))
    info = {"n_iter": [], "stop_crit": [], "converged": [], "objective": []}
    pen = clone(penalty)
    cache = {}
    inner_verbose = verbose if len(alphas) == 1 else max(verbose - 1, 0)
    for k, alpha in enumerate(alphas):
        pen.alpha = float(alpha)  # our own clone; set_params' signature inspection per alpha
        # costs a fifth of a small path
        w, b, res = _solve(design, y, sw, datafit, pen, w, b, fit_intercept, solver, tol,
                           max_iter, inner_verbose, warn, cache)
        if not (np.all(np.isfinite(w)) and np.isfinite(b)):
            _non_finite()
        coefs[:, k] = w
        intercepts[k] = b
        for key in info:
            info[key].append(res[key])
        if verbose and len(alphas) > 1:
            print(f"[fit_path] alpha {k + 1}/{len(alphas)} = {alpha:.3e}: "
                  f"{np.count_nonzero(w)} non-zeros, {res['n_iter']} iterations")
    return coefs, intercepts, {key: np.asarray(val) for key, val in info.items()}


def _non_finite():
    raise ValueError(
        "Coordinate descent iterations resulted in non-finite parameter values: X or y has "
        "values too large for float64 arithmetic (the gradient overflows); scale them."
    )

"""Generic solvers over (datafit, penalty).

``solve`` dispatches to working-set coordinate descent (default), FISTA or the nonconvex
accelerated gradient method of Yang, Asgharian & Bhatnagar, and returns the objective too.
"""

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from .._core import agd as _agd
from .._core import datafit as _datafit_kernels
from .._core import prox as _prox
from ._design import Design, as_design, check_problem
from .working_set import curvatures_for, objective, solve_working_set

__all__ = ["solve", "solve_working_set", "accelerated_gradient", "fista", "objective", "Design",
           "as_design", "gradient_at_start", "SOLVERS"]

SOLVERS = ("auto", "cd", "agd", "fista")
_AGD_PENALTIES = (_prox.L1, _prox.MCP, _prox.SCAD, _prox.ENET, _prox.CEL0)
_AGD_SCHEMES = {"yang": 0, "ghadimi_lan": 1, "ista": 2}


def gradient_at_start(design, y, sw, datafit, fit_intercept):
    """Intercept-only start ``b0`` and the datafit gradient ``X.T d0`` there (``w = 0``).

    ``||X.T d0||_inf`` is the Lasso's ``alpha_max`` and the unit in which the estimators' relative
    ``tol`` is expressed.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.datafits import Quadratic
    >>> from sparselearn.solvers import gradient_at_start
    >>> X = np.eye(3); y = np.array([1.0, 2.0, 6.0])
    >>> b0, grad0, _ = gradient_at_start(X, y, np.full(3, 1 / 3), Quadratic(), fit_intercept=True)
    >>> b0, grad0
    (3.0, array([ 0.66666667,  0.33333333, -1.        ]))
    """
    design = as_design(design)
    y, sw, _ = check_problem(design, y, sw, None, datafit)
    b0 = datafit.intercept_only(y, sw) if fit_intercept else 0.0
    d = np.empty_like(y)
    h = np.empty_like(y)
    _datafit_kernels.raw_grad_hess(datafit._code, datafit._params(), y, np.full_like(y, b0), sw,
                                   d, h)
    return b0, design.rmatvec(d), h


def absolute_tol(tol, grad0):
    """``tol`` relative to the largest gradient at the start (1 when that gradient is 0)."""
    scale = float(np.max(np.abs(grad0), initial=0.0))
    return tol * (scale if scale > 0 else 1.0)


def _global_lipschitz(design, datafit, sw, fit_intercept):
    """Lipschitz constant of the datafit gradient in ``(w, b)``: the intercept column adds at
    most ``bound * sum(sw)`` to the squared spectral norm."""
    bound = _datafit_kernels.curvature_bound(datafit._code)
    if not np.isfinite(bound):
        raise ValueError(
            f"solver='agd' and solver='fista' need a datafit with bounded curvature; "
            f"{type(datafit).__name__} has none: use solver='cd' (prox-Newton)."
        )
    lipschitz = bound * design.spectral_norm_sq(sw, max_iter=200, tol=1e-8)
    if fit_intercept:
        lipschitz += bound * float(np.sum(sw))
    return lipschitz


def accelerated_gradient(design, y, sw, datafit, penalty, w, b=0.0, fit_intercept=False, tol=1e-4,
                         max_iter=10_000, scheme="yang", curvs=None, warn=True):
    """Nonconvex accelerated gradient (Yang, Asgharian & Bhatnagar, 2023).

    ``scheme`` is ``"yang"`` (the paper's step rule, default), ``"ghadimi_lan"`` (the original
    Ghadimi-Lan parameters) or ``"ista"`` (proximal gradient); the last two are the paper's
    baselines. The Lipschitz constant is ``max(L_F, c)`` with ``c`` the curvature of the concave
    part (``1 / gamma`` for MCP, ``1 / (gamma - 1)`` for SCAD), as in the paper.
    Returns ``(w, b, info)``.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.datafits import Quadratic
    >>> from sparselearn.penalties import MCP
    >>> from sparselearn.solvers import accelerated_gradient
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((50, 20)); y = 2 * X[:, 0]
    >>> w, b, info = accelerated_gradient(X, y, np.full(50, 1 / 50), Quadratic(), MCP(alpha=0.1),
    ...                                   np.zeros(20), tol=1e-8)
    >>> np.flatnonzero(w), info["converged"]
    (array([0]), True)
    """
    design = as_design(design)
    y, sw, w = check_problem(design, y, sw, w, datafit)
    if penalty._code not in _AGD_PENALTIES:
        raise ValueError(
            f"solver='agd' handles L1, ElasticNet, MCP, SCAD and CEL0 penalties, not "
            f"{type(penalty).__name__}: use solver='cd'."
        )
    if scheme not in _AGD_SCHEMES:
        raise ValueError(f"scheme must be one of {sorted(_AGD_SCHEMES)}, got {scheme!r}.")
    if curvs is None:
        curvs = curvatures_for(penalty, design, datafit, sw)
    lipschitz = _global_lipschitz(design, datafit, sw, fit_intercept)
    params = penalty._params()
    if penalty._code == _prox.MCP:
        lipschitz = max(lipschitz, 1.0 / params[1])
    elif penalty._code == _prox.SCAD:
        lipschitz = max(lipschitz, 1.0 / (params[1] - 1.0))
    elif penalty._code == _prox.ENET:
        lipschitz += params[0] * (1.0 - params[1]) * float(np.max(penalty._weights(design.n_features)))
    elif penalty._code == _prox.CEL0:
        lipschitz = max(lipschitz, float(np.max(curvs, initial=0.0)))
    w = np.array(w, dtype=np.float64, copy=True)
    b_arr = np.array([float(b)])
    n_iter, crit = _agd.accelerated_gradient(
        *design.arrays, y, sw, datafit._code, datafit._params(), w, b_arr, fit_intercept,
        penalty._code, params, penalty._weights(design.n_features), curvs, lipschitz, max_iter,
        tol, _AGD_SCHEMES[scheme])
    return w, float(b_arr[0]), _finish(n_iter, crit, tol, "agd", warn)


def fista(design, y, sw, datafit, penalty, w, b=0.0, fit_intercept=False, tol=1e-4,
          max_iter=10_000, curvs=None, warn=True):
    """FISTA with adaptive restart; for convex penalties (a heuristic for nonconvex ones).

    Returns ``(w, b, info)``.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.datafits import Quadratic
    >>> from sparselearn.penalties import L1
    >>> from sparselearn.solvers import fista
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((50, 20)); y = 2 * X[:, 0]
    >>> w, b, info = fista(X, y, np.full(50, 1 / 50), Quadratic(), L1(alpha=0.1), np.zeros(20),
    ...                    tol=1e-8)
    >>> np.flatnonzero(w)
    array([0])
    """
    design = as_design(design)
    y, sw, w = check_problem(design, y, sw, w, datafit)
    if curvs is None:
        curvs = curvatures_for(penalty, design, datafit, sw)
    lipschitz = _global_lipschitz(design, datafit, sw, fit_intercept)
    w = np.array(w, dtype=np.float64, copy=True)
    b_arr = np.array([float(b)])
    n_iter, crit = _agd.fista(
        *design.arrays, y, sw, datafit._code, datafit._params(), w, b_arr, fit_intercept,
        penalty._code, penalty._params(), penalty._weights(design.n_features), curvs, lipschitz,
        max_iter, tol)
    return w, float(b_arr[0]), _finish(n_iter, crit, tol, "fista", warn)


def _finish(n_iter, crit, tol, name, warn):
    converged = bool(crit <= tol)
    if not converged and warn:
        warnings.warn(
            f"solver='{name}' did not converge: optimality violation {crit:.3e} > tol={tol:.1e} "
            f"after {n_iter} iterations. Increase max_iter or tol.",
            ConvergenceWarning,
            stacklevel=4,
        )
    return {"n_iter": int(n_iter), "stop_crit": float(crit), "converged": converged}


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
    y, sw, w = check_problem(design, y, sw, w, datafit)
    curvs = curvatures_for(penalty, design, datafit, sw)
    if solver in ("auto", "cd"):
        w, b, info = solve_working_set(design, y, sw, datafit, penalty, w, b, fit_intercept, tol,
                                       max_iter=100 if max_iter is None else max_iter,
                                       verbose=verbose, curvs=curvs, warn=warn, cache=cache)
    elif solver == "agd":
        w, b, info = accelerated_gradient(design, y, sw, datafit, penalty, w, b, fit_intercept, tol,
                                          10_000 if max_iter is None else max_iter, curvs=curvs,
                                          warn=warn)
    elif solver == "fista":
        w, b, info = fista(design, y, sw, datafit, penalty, w, b, fit_intercept, tol,
                           10_000 if max_iter is None else max_iter, curvs=curvs, warn=warn)
    else:
        raise ValueError(f"solver must be one of {SOLVERS}, got {solver!r}.")
    info["objective"] = objective(design, y, sw, datafit, penalty, w, b, curvs)
    return w, b, info

"""Full-gradient solvers: FISTA and the nonconvex accelerated gradient method (Yang, Asgharian &
Bhatnagar, 2023). Both need a datafit of bounded curvature; the loops are in
:mod:`sparselearn._core.agd`.
"""

import numpy as np

from .._core import agd as _agd
from .._core import datafit as _datafit_kernels
from .._core import prox as _prox
from .._design import as_design, check_problem
from ._common import check_iteration_params, check_tol, finish, penalty_curvatures

__all__ = ["accelerated_gradient", "fista"]

_AGD_SCHEMES = {"yang": 0, "ghadimi_lan": 1, "ista": 2}


def _centring(design, sw, fit_intercept):
    """Column offsets the intercept absorbs (``sw``-weighted means; zeros without intercept)."""
    return design.col_means(sw) if fit_intercept else np.zeros(design.n_features)


def _global_lipschitz(design, datafit, sw, fit_intercept, mu):
    """Lipschitz constant of the datafit gradient in ``(w, c)`` for the centred design
    ``X - 1 mu^T``: the intercept column adds at most ``bound * sum(sw)``."""
    bound = _datafit_kernels.curvature_bound(datafit._code)
    if not np.isfinite(bound):
        raise ValueError(
            f"solver='agd' and solver='fista' need a datafit with bounded curvature; "
            f"{type(datafit).__name__} has none: use solver='cd' (prox-Newton)."
        )
    lipschitz = bound * design.spectral_norm_sq(sw, max_iter=200, tol=1e-8, mu=mu)
    if fit_intercept:
        lipschitz += bound * float(np.sum(sw))
    return lipschitz


def accelerated_gradient(design, y, sw, datafit, penalty, w, b=0.0, fit_intercept=False, tol=1e-4,
                         max_iter=10_000, scheme="yang", curvs=None, warn=True):
    """Nonconvex accelerated gradient (Yang, Asgharian & Bhatnagar, 2023).

    ``scheme`` is ``"yang"`` (the paper's step rule, default), ``"ghadimi_lan"`` (the original
    Ghadimi-Lan parameters) or ``"ista"`` (proximal gradient); the last two are the paper's
    baselines. The penalty is split as ``slope |x| + q(x)`` (penalties with
    ``accelerated_gradient = True``); the Lipschitz constant is ``max(L_F, c)`` with ``c`` the
    curvature of a concave ``q`` (``1 / gamma`` for MCP), ``L_F + c`` for a convex one, as in the
    paper.

    Parameters
    ----------
    design : Design, array-like or sparse matrix of shape (n_samples, n_features)
        The design matrix.
    y : array-like of shape (n_samples,)
        Target, in the datafit's domain (labels in {-1, +1} for the logistic loss).
    sw : array-like of shape (n_samples,) or None
        Sample weights normalized to sum to 1; None means uniform ``1 / n_samples``.
    datafit : Datafit
        The loss ``F``; its gradient must be Lipschitz (quadratic, logistic, Huber).
    penalty : Penalty
        The penalty.
    w : array-like of shape (n_features,)
        Starting coefficients (copied).
    b : float, default=0.0
        Starting intercept.
    fit_intercept : bool, default=False
        Optimize the intercept too.
    tol : float, default=1e-4
        Absolute tolerance on the proximal-gradient fixed-point residual (gradient units).
    max_iter : int, default=10000
        Maximum number of iterations.
    scheme : {"yang", "ghadimi_lan", "ista"}, default="yang"
        Step rule (see above).
    curvs : ndarray of shape (n_features,) or None, default=None
        Per-feature datafit curvatures for penalties that need them (CEL0); None computes them.
    warn : bool, default=True
        Emit a ConvergenceWarning when ``tol`` is not reached.

    Returns
    -------
    w : ndarray of shape (n_features,)
        Coefficients.
    b : float
        Intercept.
    info : dict
        ``n_iter``, ``stop_crit`` (final residual) and ``converged``.

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
    check_tol(tol)
    check_iteration_params(max_iter=max_iter)
    design = as_design(design)
    y, sw, w = check_problem(design, y, sw, w, datafit, penalty)
    return _accelerated_gradient(design, y, sw, datafit, penalty, w, b, fit_intercept, tol,
                                 max_iter, scheme, curvs, warn)


def _accelerated_gradient(design, y, sw, datafit, penalty, w, b=0.0, fit_intercept=False,
                          tol=1e-4, max_iter=10_000, scheme="yang", curvs=None, warn=True):
    if not penalty.accelerated_gradient:
        raise ValueError(
            f"solver='agd' needs a penalty with a finite slope at 0 (L1, ElasticNet, MCP, SCAD, "
            f"CEL0, LogSum), not {type(penalty).__name__}: use solver='cd'."
        )
    if scheme not in _AGD_SCHEMES:
        raise ValueError(f"scheme must be one of {sorted(_AGD_SCHEMES)}, got {scheme!r}.")
    if curvs is None:
        curvs = penalty_curvatures(penalty, design, datafit, sw, fit_intercept)
    params = penalty._params()
    weights = penalty._weights(design.n_features)
    mu = _centring(design, sw, fit_intercept)
    lipschitz = _prox.ag_lipschitz(penalty._code, params, weights, curvs,
                                   _global_lipschitz(design, datafit, sw, fit_intercept, mu))
    w = np.array(w, dtype=np.float64, copy=True)
    b_arr = np.array([float(b) + float(mu @ w)])
    n_iter, crit = _agd.accelerated_gradient(
        *design.arrays, y, sw, datafit._code, datafit._params(), w, b_arr, fit_intercept, mu,
        penalty._code, params, weights, curvs, lipschitz, max_iter, tol, _AGD_SCHEMES[scheme])
    return w, float(b_arr[0] - mu @ w), finish(n_iter, crit, tol, "agd", warn)


def fista(design, y, sw, datafit, penalty, w, b=0.0, fit_intercept=False, tol=1e-4,
          max_iter=10_000, curvs=None, warn=True):
    """FISTA with adaptive restart; for convex penalties (a heuristic for nonconvex ones).

    Parameters
    ----------
    design : Design, array-like or sparse matrix of shape (n_samples, n_features)
        The design matrix.
    y : array-like of shape (n_samples,)
        Target, in the datafit's domain (labels in {-1, +1} for the logistic loss).
    sw : array-like of shape (n_samples,) or None
        Sample weights normalized to sum to 1; None means uniform ``1 / n_samples``.
    datafit : Datafit
        The loss ``F``; its gradient must be Lipschitz (quadratic, logistic, Huber).
    penalty : Penalty
        The penalty.
    w : array-like of shape (n_features,)
        Starting coefficients (copied).
    b : float, default=0.0
        Starting intercept.
    fit_intercept : bool, default=False
        Optimize the intercept too.
    tol : float, default=1e-4
        Absolute tolerance on the proximal-gradient fixed-point residual (gradient units).
    max_iter : int, default=10000
        Maximum number of iterations.
    curvs : ndarray of shape (n_features,) or None, default=None
        Per-feature datafit curvatures for penalties that need them (CEL0); None computes them.
    warn : bool, default=True
        Emit a ConvergenceWarning when ``tol`` is not reached.

    Returns
    -------
    w : ndarray of shape (n_features,)
        Coefficients.
    b : float
        Intercept.
    info : dict
        ``n_iter``, ``stop_crit`` (final residual) and ``converged``.

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
    check_tol(tol)
    check_iteration_params(max_iter=max_iter)
    design = as_design(design)
    y, sw, w = check_problem(design, y, sw, w, datafit, penalty)
    return _fista(design, y, sw, datafit, penalty, w, b, fit_intercept, tol, max_iter, curvs, warn)


def _fista(design, y, sw, datafit, penalty, w, b=0.0, fit_intercept=False, tol=1e-4,
           max_iter=10_000, curvs=None, warn=True):
    if curvs is None:
        curvs = penalty_curvatures(penalty, design, datafit, sw, fit_intercept)
    mu = _centring(design, sw, fit_intercept)
    lipschitz = _global_lipschitz(design, datafit, sw, fit_intercept, mu)
    w = np.array(w, dtype=np.float64, copy=True)
    b_arr = np.array([float(b) + float(mu @ w)])
    n_iter, crit = _agd.fista(
        *design.arrays, y, sw, datafit._code, datafit._params(), w, b_arr, fit_intercept, mu,
        penalty._code, penalty._params(), penalty._weights(design.n_features), curvs, lipschitz,
        max_iter, tol)
    return w, float(b_arr[0] - mu @ w), finish(n_iter, crit, tol, "fista", warn)

"""What every solver shares: the start point, the tolerance scale, curvatures, the objective."""

import numbers
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_scalar

from .._core import datafit as _datafit_kernels
from .._core import prox as _prox
from .._core.cd import gradient_and_curvatures
from .._checks import check_named_array
from .._design import as_design, check_problem


def gradient_at_start(design, y, sw, datafit, fit_intercept, check_input=True):
    """Intercept-only start ``b0`` and the datafit gradient ``X.T d0`` there (``w = 0``).

    ``||X.T d0||_inf`` is the Lasso's ``alpha_max`` and the unit in which the estimators' relative
    ``tol`` is expressed.

    Parameters
    ----------
    design : Design, array-like or sparse matrix of shape (n_samples, n_features)
        The design matrix.
    y : array-like of shape (n_samples,)
        Target, in the datafit's domain (labels in {-1, +1} for the logistic loss).
    sw : array-like of shape (n_samples,) or None
        Sample weights normalized to sum to 1; None means uniform ``1 / n_samples``.
    datafit : Datafit
        The loss ``F`` (see :mod:`sparselearn.datafits`).
    fit_intercept : bool
        Start from the optimal intercept with ``w = 0``; otherwise from ``b0 = 0``.
    check_input : bool, default=True
        False skips the checks of ``design``, ``y`` and ``sw`` (callers that have validated
        them).

    Returns
    -------
    b0 : float
        The starting intercept.
    grad0 : ndarray of shape (n_features,)
        The datafit gradient ``X.T d0`` at ``(0, b0)``.
    h0 : ndarray of shape (n_samples,)
        The datafit curvatures per sample there.

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
    if check_input:
        design = as_design(design)
        y, sw, _ = check_problem(design, y, sw, None, datafit)
    b0 = datafit.intercept_only(y, sw) if fit_intercept else 0.0
    d = np.empty_like(y)
    h = np.empty_like(y)
    _datafit_kernels.raw_grad_hess(datafit._code, datafit._params(), y, np.full_like(y, b0), sw,
                                   d, h)
    return b0, design.rmatvec(d), h


def start_state(design, y, sw, datafit, fit_intercept):
    """:func:`gradient_at_start` and the coordinate curvatures there, in one pass over ``X``.

    Returns ``(b0, grad0, state)``: ``state`` is the working-set solver's ``cache`` at the
    start ``(0, b0)`` (predictor, datafit derivatives, gradient, curvatures), so that a solve
    starting there makes no second pass over ``X`` before its first coordinate-descent sweep.
    The arrays are not checked.
    """
    b0 = datafit.intercept_only(y, sw) if fit_intercept else 0.0
    z = np.full(y.shape[0], b0)
    d = np.empty_like(z)
    h = np.empty_like(z)
    _datafit_kernels.raw_grad_hess(datafit._code, datafit._params(), y, z, sw, d, h)
    grad, lipschitz, h_cols = gradient_and_curvatures(*design.arrays, design.n_features, d, h,
                                                      bool(fit_intercept))
    state = {"w": np.zeros(design.n_features), "b": b0, "z": z, "d": d, "h": h, "grad": grad,
             "lipschitz": lipschitz, "h_cols": h_cols}
    return b0, grad, state


def check_tol(tol, name="tol"):
    """A tolerance: a real number >= 0 (errors name the parameter)."""
    check_scalar(tol, name, numbers.Real, min_val=0)
    if np.isnan(tol):
        raise ValueError(f"{name} must be a number >= 0, got nan.")


def check_iteration_params(**params):
    """Positive integers (``max_iter``, ``max_epochs``, ``p0``; None allowed for ``max_iter``)
    and ``n_anderson >= 0``; errors name the parameter."""
    for name, value in params.items():
        if value is None and name == "max_iter":
            continue
        check_scalar(value, name, numbers.Integral, min_val=0 if name == "n_anderson" else 1)


def absolute_tol(tol, grad0):
    """``tol`` relative to the largest gradient at the start (1 when that gradient is 0).

    Parameters
    ----------
    tol : float
        Relative tolerance, >= 0.
    grad0 : array-like of shape (n_features,)
        The datafit gradient at the start (see :func:`gradient_at_start`).

    Returns
    -------
    tol : float
        ``tol * max |grad0|``, the tolerance in gradient units the solvers stop on.

    Examples
    --------
    >>> from sparselearn.solvers import absolute_tol
    >>> absolute_tol(1e-4, [0.5, -2.0])
    0.0002
    """
    check_tol(tol)
    grad0 = check_named_array(grad0, "grad0", ndim=1)
    scale = float(np.max(np.abs(grad0), initial=0.0))
    return tol * (scale if scale > 0 else 1.0)


def penalty_curvatures(penalty, design, datafit, sw, fit_intercept=False):
    """Per-feature datafit curvature ``a_j^2`` for penalties that need it (zeros otherwise).

    With an intercept the curvature is that of the centred column (the intercept absorbs the
    column's offset), so the penalty does not depend on where the features are centred."""
    if not penalty.needs_curvatures:
        return np.zeros(design.n_features)
    bound = _datafit_kernels.curvature_bound(datafit._code)
    if not np.isfinite(bound):
        raise ValueError(
            f"{type(penalty).__name__} needs a datafit with bounded curvature (quadratic, "
            f"logistic, huber), not {type(datafit).__name__}."
        )
    return bound * design.col_sq_norms(sw, centred=fit_intercept)


def objective(design, y, sw, datafit, penalty, w, b, curvs=None, fit_intercept=False):
    """``F(Xw + b) + pen(w)`` with normalized sample weights ``sw`` (summing to 1).

    Parameters
    ----------
    design : Design, array-like or sparse matrix of shape (n_samples, n_features)
        The design matrix.
    y : array-like of shape (n_samples,)
        Target, in the datafit's domain (labels in {-1, +1} for the logistic loss).
    sw : array-like of shape (n_samples,) or None
        Sample weights normalized to sum to 1; None means uniform ``1 / n_samples``.
    datafit : Datafit
        The loss ``F`` (see :mod:`sparselearn.datafits`).
    penalty : Penalty
        The penalty ``pen`` (see :mod:`sparselearn.penalties`).
    w : array-like of shape (n_features,)
        Coefficients.
    b : float
        Intercept.
    curvs : ndarray of shape (n_features,) or None, default=None
        Per-feature datafit curvatures for penalties that need them (CEL0); None computes them.
    fit_intercept : bool, default=False
        Matters only to penalties that need curvatures: with an intercept they are those of the
        centred columns.

    Returns
    -------
    value : float

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.datafits import Quadratic
    >>> from sparselearn.penalties import L1
    >>> from sparselearn.solvers import objective
    >>> float(objective(np.eye(2), np.array([1.0, 1.0]), np.full(2, 0.5), Quadratic(), L1(alpha=0.5),
    ...                 np.array([1.0, 0.0]), 0.0))  # 0.25 (datafit) + 0.5 (penalty)
    0.75
    """
    design = as_design(design)
    y, sw, w = check_problem(design, y, sw, w, datafit, penalty)
    return _objective(design, y, sw, datafit, penalty, w, b, curvs, fit_intercept)


def _objective(design, y, sw, datafit, penalty, w, b, curvs=None, fit_intercept=False):
    z = design.matvec(w) + b
    if curvs is None:
        curvs = penalty_curvatures(penalty, design, datafit, sw, fit_intercept)
    return (_datafit_kernels.value(datafit._code, datafit._params(), y, z, sw)
            + _prox.value_for(penalty._code)(penalty._code, penalty._params(),
                                             penalty._weights(design.n_features), curvs, w))


def finish(n_iter, crit, tol, name, warn, unit="iterations"):
    """The ``info`` dict of a solve; a ConvergenceWarning naming the knobs when it stopped early."""
    converged = bool(crit <= tol)
    if not converged and warn:
        warnings.warn(
            f"Objective did not converge. You might want to increase the number of iterations "
            f"(max_iter) or tol: solver='{name}' stopped at optimality violation {crit:.3e} > "
            f"tol={tol:.1e} after {n_iter} {unit}.",
            ConvergenceWarning,
            stacklevel=4,
        )
    return {"n_iter": int(n_iter), "stop_crit": float(crit), "converged": converged}

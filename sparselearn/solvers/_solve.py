"""The solver dispatcher and the one fit path that estimators, paths and CV share."""

import copy

import numpy as np

from .._checks import check_named_array
from .._design import as_design, check_problem
from ._common import (_objective, check_iteration_params, check_tol, gradient_at_start,
                      penalty_curvatures, start_state)
from ._group import solve_grouped
from .gradient import _accelerated_gradient, _fista
from .working_set import _solve_working_set

__all__ = ["solve", "fit_path", "alpha_max", "SOLVERS"]

SOLVERS = ("auto", "cd", "agd", "fista")


def solve(design, y, sw, datafit, penalty, w, b=0.0, fit_intercept=False, solver="auto", tol=1e-4,
          max_iter=None, verbose=0, warn=True, cache=None):
    """Minimize ``F(Xw + b) + pen(w)`` from ``(w, b)`` with the chosen solver.

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
        The penalty (see :mod:`sparselearn.penalties`).
    w : array-like of shape (n_features,)
        Starting coefficients (copied).
    b : float, default=0.0
        Starting intercept.
    fit_intercept : bool, default=False
        Optimize the intercept too.
    solver : {"auto", "cd", "agd", "fista"}, default="auto"
        ``"cd"`` (and ``"auto"``): working-set coordinate descent, prox-Newton for
        non-quadratic datafits (:func:`solve_working_set`); ``"agd"``: the nonconvex
        accelerated gradient method (:func:`accelerated_gradient`); ``"fista"``: FISTA with
        restarts (:func:`fista`).
    tol : float, default=1e-4
        Absolute tolerance on the optimality violation, in gradient units (see
        :func:`absolute_tol` for the relative form the estimators use).
    max_iter : int or None, default=None
        Iteration cap: outer iterations of ``"cd"`` (default 100), iterations of the gradient
        methods (default 10000).
    verbose : int, default=0
        Print the progress of ``"cd"`` when positive.
    warn : bool, default=True
        Emit a ConvergenceWarning when ``tol`` is not reached.
    cache : dict or None, default=None
        Shared by the successive solves of a path: lets coordinate descent reuse the previous
        end point's gradient.

    Returns
    -------
    w : ndarray of shape (n_features,)
        Coefficients.
    b : float
        Intercept.
    info : dict
        ``n_iter``, ``stop_crit`` (final violation), ``converged`` and ``objective``.

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
    check_tol(tol)
    check_iteration_params(max_iter=max_iter)
    design = as_design(design)
    y, sw, w = check_problem(design, y, sw, w, datafit, penalty)
    return _solve(design, y, sw, datafit, penalty, w, b, fit_intercept, solver, tol, max_iter,
                  verbose, warn, cache)


def _solve(design, y, sw, datafit, penalty, w, b, fit_intercept, solver, tol, max_iter, verbose,
           warn, cache, progress=None):
    """:func:`solve` on validated arrays; ``progress`` (a :class:`sparselearn._progress.Progress`
    or None) gets every outer iteration of the working-set solver (the other solvers run in one
    kernel: one update when they end)."""
    if getattr(penalty, "grouped", False):  # group penalties: block coordinate descent
        w, b, info = solve_grouped(design, y, sw, datafit, penalty, w, b, fit_intercept, solver,
                                   tol, max_iter, verbose, warn, cache)
        if progress is not None:
            progress.update(line=f"group solver: {info['n_iter']} iterations, violation "
                                 f"{info['stop_crit']:.3e}",
                            state={"iteration": info["n_iter"], "coef": w, "intercept": b},
                            violation=info["stop_crit"], support=int(np.count_nonzero(w)))
        return w, b, info
    curvs = penalty_curvatures(penalty, design, datafit, sw, fit_intercept)
    if solver in ("auto", "cd"):
        w, b, info = _solve_working_set(design, y, sw, datafit, penalty, w, b, fit_intercept, tol,
                                        max_iter=100 if max_iter is None else max_iter,
                                        verbose=verbose, curvs=curvs, warn=warn, cache=cache,
                                        progress=progress)
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
    if progress is not None and solver in ("agd", "fista"):
        progress.update(line=f"{solver}: {info['n_iter']} iterations, violation "
                             f"{info['stop_crit']:.3e}",
                        state={"iteration": info["n_iter"], "coef": w, "intercept": b},
                        violation=info["stop_crit"], support=int(np.count_nonzero(w)))
    return w, b, info


def alpha_max(design, y, sw, datafit, penalty, fit_intercept=False, check_input=True):
    """Smallest alpha at which ``w = 0`` (with the optimal intercept) is stationary.

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
        The penalty (see :mod:`sparselearn.penalties`). Its ``alpha`` is ignored; its other parameters (the shape, the
        weights) count.
    fit_intercept : bool, default=False
        With the optimal intercept at ``w = 0`` (otherwise ``b = 0``).
    check_input : bool, default=True
        False skips the checks of ``design``, ``y`` and ``sw``.

    Returns
    -------
    alpha_max : float
    start : tuple
        ``(b0, grad0)``, the intercept-only start and the gradient there, which
        :func:`fit_path` takes to skip recomputing them.

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
    lipschitz = design.col_sq_norms(h, centred=fit_intercept)
    curvs = penalty_curvatures(penalty, design, datafit, sw, fit_intercept)
    return penalty.alpha_max(grad0, lipschitz, curvatures=curvs), (b0, grad0)


def fit_path(design, y, sw, datafit, penalty, alphas=None, *, fit_intercept=False, solver="auto",
             tol=1e-4, max_iter=None, coef_init=None, intercept_init=None, start=None, verbose=0,
             warn=True, check_input=True, progress=None):
    """Solve along ``alphas`` (decreasing) with warm starts: the fit of every estimator.

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
        The penalty (see :mod:`sparselearn.penalties`). Its ``alpha`` is replaced by each of ``alphas`` in turn (on a copy).
    alphas : array-like of shape (n_alphas,) or None, default=None
        The regularization strengths, best decreasing; None fits ``penalty.alpha`` alone.
    fit_intercept : bool, default=False
        Fit an intercept.
    solver : {"auto", "cd", "agd", "fista"}, default="auto"
        See :func:`solve`.
    tol : float, default=1e-4
        Relative to the largest gradient at the intercept-only start (see
        :func:`gradient_at_start`), so one ``tol`` means the same for any scaling of the data.
    max_iter : int or None, default=None
        Iteration cap of each solve (see :func:`solve`).
    coef_init : array-like of shape (n_features,) or None, default=None
        Starting coefficients (default zero).
    intercept_init : float or None, default=None
        Starting intercept (default: the intercept-only optimum).
    start : tuple or None, default=None
        ``(b0, grad0)`` from :func:`alpha_max`, when known.
    verbose : int, default=0
        One line per alpha when positive, the solvers' own progress above 1.
    warn : bool, default=True
        Emit a ConvergenceWarning for each alpha where ``tol`` is not reached.
    check_input : bool, default=True
        False skips the checks of ``design``, ``y`` and ``sw`` (callers that have validated
        them).
    progress : object, default=None
        The estimators' progress reporter (``sparselearn._progress.Progress``): it receives
        every outer iteration of the working-set solver (the other solvers: one report each)
        and stops the solve when its callback asks; ``verbose`` is then ignored.

    Returns
    -------
    coefs : ndarray of shape (n_features, n_alphas)
    intercepts : ndarray of shape (n_alphas,)
    info : dict
        Arrays ``n_iter``, ``stop_crit``, ``converged``, ``objective`` (one entry per alpha).

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
    check_tol(tol)
    check_iteration_params(max_iter=max_iter)
    if alphas is not None:
        alphas = check_named_array(alphas, "alphas", ndim=1)
        if np.any(alphas < 0):
            raise ValueError("alphas must be >= 0.")
    if check_input:
        design = as_design(design)
        y, sw, coef_init = check_problem(design, y, sw, coef_init, datafit, penalty)
    if start is None:  # gradient and curvatures in one pass, handed to the first solve
        b0, grad0, cache = start_state(design, y, sw, datafit, fit_intercept)
        norms = cache["lipschitz"]
    else:
        (b0, grad0), cache = start, {}
        norms = design.col_sq_norms(np.full(len(y), 1.0 / len(y)) if sw is None else sw)
    if not (np.all(np.isfinite(grad0)) and np.isfinite(b0) and np.all(np.isfinite(norms))):
        _non_finite()
    scale = float(np.max(np.abs(grad0), initial=0.0))
    tol = tol * (scale if scale > 0 else 1.0)  # absolute_tol, without its checks
    if alphas is None:
        alphas = [penalty.alpha]
    n_features = design.n_features
    w = np.zeros(n_features) if coef_init is None else np.array(coef_init, dtype=np.float64)
    b = b0 if intercept_init is None else float(intercept_init)
    coefs = np.empty((n_features, len(alphas)))
    intercepts = np.empty(len(alphas))
    info = {"n_iter": [], "stop_crit": [], "converged": [], "objective": []}
    pen = copy.copy(penalty)  # shallow: only alpha changes (clone's get_params costs 0.2 ms)
    inner_verbose = verbose if len(alphas) == 1 else max(verbose - 1, 0)
    for k, alpha in enumerate(alphas):
        pen.alpha = float(alpha)  # our own clone; set_params' signature inspection per alpha
        # costs a fifth of a small path
        w, b, res = _solve(design, y, sw, datafit, pen, w, b, fit_intercept, solver, tol,
                           max_iter, inner_verbose, warn, cache, progress)
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

"""Batch fits: many problems on one design (targets, sample weights and alphas per problem).

The algorithm is :mod:`sparselearn._core.batch_cd`; this module builds its arrays from a
:class:`~sparselearn._design.Design`, a datafit and a penalty, and runs it along an alpha grid
with warm starts, as :func:`sparselearn.solvers.fit_path` does for one problem.

BLAS runs on one thread during a batch fit: its products (the batch's gradients, the Gram
matrices of the exact polish) are small enough that a threaded BLAS gains little, and on a
loaded machine its waiting threads cost several times the product's CPU time (measured here,
200 permuted Lassos n = 200, p = 2000 on 2 busy cores: the fit 0.6 s CPU single-threaded,
2.4 s with OpenBLAS's default threads). The coordinate-descent loops, most of the time, are
single-threaded either way.
"""

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from .._core import batch_cd as _batch
from .._core import datafit as _datafit_kernels
from .._blas_threads import single_thread_blas
from .._core.working_set import coordinate_curvatures

__all__ = ["batch_start", "batch_alpha_max", "fit_batch_path"]


def batch_start(design, Y, SW, datafit, fit_intercept):
    """Intercept-only start of every problem: ``(b0, grad0, h0)`` with one row per problem
    (:func:`sparselearn.solvers.gradient_at_start` for a batch, in one pass over ``X``)."""
    n_problems, n_samples = Y.shape
    if fit_intercept:
        b0 = np.array([datafit.intercept_only(Y[k], SW[k]) for k in range(n_problems)])
    else:
        b0 = np.zeros(n_problems)
    D = np.empty((n_problems, n_samples))
    H = np.empty((n_problems, n_samples))
    Z = np.repeat(b0[:, None], n_samples, axis=1)
    everyone = np.arange(n_problems, dtype=np.int64)
    _batch.batch_raw_grad_hess(datafit._code, datafit._params(), Y, Z, SW, everyone, D, H)
    grad0 = np.empty((n_problems, design.n_features))
    with single_thread_blas():
        _batch.batch_gradients(design.arrays, D, everyone, grad0)
    return b0, grad0, H


def _curvatures(penalty, design, datafit, SW, fit_intercept):
    """Per-problem ``a_j^2`` of penalties that need them (CEL0), as
    :func:`sparselearn.solvers.penalty_curvatures`; zeros otherwise."""
    n_problems, n_features = SW.shape[0], design.n_features
    if not penalty.needs_curvatures:
        return np.zeros((n_problems, n_features))
    bound = _datafit_kernels.curvature_bound(datafit._code)
    if not np.isfinite(bound):
        raise ValueError(
            f"{type(penalty).__name__} needs a datafit with bounded curvature (quadratic, "
            f"logistic, huber), not {type(datafit).__name__}."
        )
    return bound * _batch_curvatures(design, SW, fit_intercept)[0]


def _batch_curvatures(design, H, fit_intercept):
    """Coordinate curvatures and ``X.T h`` of every row of ``H``."""
    shape = (H.shape[0], design.n_features)
    lipschitz, h_cols = np.empty(shape), np.empty(shape)
    _batch.batch_curvatures(*design.arrays, H, np.arange(H.shape[0], dtype=np.int64),
                            fit_intercept, lipschitz, h_cols)
    return lipschitz, h_cols


def batch_alpha_max(design, Y, SW, datafit, penalty, fit_intercept, start=None):
    """``alpha_max`` of every problem (:func:`sparselearn.solvers.alpha_max` for a batch).

    Returns ``(alpha_max, start)``, ``alpha_max`` of shape (n_problems,) and ``start`` the
    ``(b0, grad0)`` pair :func:`fit_batch_path` takes.
    """
    b0, grad0, H0 = batch_start(design, Y, SW, datafit, fit_intercept)
    lipschitz = _batch_curvatures(design, H0, fit_intercept)[0]
    curvs = _curvatures(penalty, design, datafit, SW, fit_intercept)
    values = np.array([penalty.alpha_max(grad0[k], lipschitz[k], curvatures=curvs[k])
                       for k in range(Y.shape[0])])
    return values, (b0, grad0)


def fit_batch_path(design, Y, SW, datafit, penalty, alphas=None, *, fit_intercept=False, tol=1e-4,
                   max_iter=None, coef_init=None, intercept_init=None, start=None, verbose=0,
                   warn=True, p0=10, n_anderson=5, max_epochs=10_000):
    """Solve every problem of a batch along its alpha grid with warm starts.

    Parameters
    ----------
    design : Design
        The shared design (validated).
    Y, SW : ndarray of shape (n_problems, n_samples)
        Targets (in the datafit's domain) and sample weights (each row summing to 1).
    datafit : Datafit
        The loss.
    penalty : Penalty
        The penalty; its ``alpha`` is replaced by each problem's alphas.
    alphas : None or ndarray of shape (n_alphas,) or (n_problems, n_alphas), default=None
        Regularization strengths (decreasing along a row); None fits ``penalty.alpha`` alone.
    fit_intercept : bool, default=False
        Fit an intercept per problem.
    tol : float, default=1e-4
        Relative tolerance: problem ``k`` stops when its largest optimality score is at most
        ``tol * max |grad0_k|`` (as :func:`sparselearn.solvers.fit_path`).
    max_iter : int or None, default=None
        Outer iterations per solve (default 100).
    coef_init, intercept_init : ndarray or None, default=None
        Starting points, one row (entry) per problem; default zero and the intercept-only
        optimum.
    start : tuple or None, default=None
        ``(b0, grad0)`` from :func:`batch_alpha_max`, when known.
    verbose : int, default=0
        Print the progress of the outer iterations.
    warn : bool, default=True
        One ConvergenceWarning when some problem does not reach ``tol``.
    p0, n_anderson, max_epochs : int
        Working-set and inner-solver knobs (see :func:`sparselearn.solvers.solve_working_set`).

    Returns
    -------
    coefs : ndarray of shape (n_problems, n_features, n_alphas)
    intercepts : ndarray of shape (n_problems, n_alphas)
    info : dict
        Arrays of shape (n_problems, n_alphas): ``n_iter``, ``stop_crit``, ``converged``,
        ``objective``; and ``tol`` (n_problems,), the absolute tolerances.
    """
    n_problems, n_samples = Y.shape
    n_features = design.n_features
    if start is None:
        start = batch_start(design, Y, SW, datafit, fit_intercept)[:2]
    b0, grad0 = start
    if not (np.all(np.isfinite(grad0)) and np.all(np.isfinite(b0))):
        _non_finite()
    scale = np.max(np.abs(grad0), axis=1, initial=0.0)
    tol_abs = tol * np.where(scale > 0, scale, 1.0)
    if alphas is None:
        alphas = np.full((n_problems, 1), float(penalty.alpha))
    alphas = np.asarray(alphas, dtype=np.float64)
    if alphas.ndim == 1:
        alphas = np.repeat(alphas[None, :], n_problems, axis=0)
    n_alphas = alphas.shape[1]
    W = np.zeros((n_problems, n_features)) if coef_init is None else np.array(coef_init,
                                                                               dtype=np.float64)
    b = b0.copy() if intercept_init is None else np.array(intercept_init, dtype=np.float64)
    curvs = _curvatures(penalty, design, datafit, SW, fit_intercept)
    weights = penalty._weights(n_features)
    shared = None
    if datafit._code == _datafit_kernels.QUAD and np.all(SW == SW[:1]):
        shared = coordinate_curvatures(design.arrays, SW[0].copy(), n_features, fit_intercept)
    params = np.repeat(penalty._params()[None, :], n_problems, axis=0)
    coefs = np.empty((n_problems, n_features, n_alphas))
    intercepts = np.empty((n_problems, n_alphas))
    info = {key: np.empty((n_problems, n_alphas)) for key in ("stop_crit", "objective")}
    info["n_iter"] = np.empty((n_problems, n_alphas), dtype=np.int64)
    info["converged"] = np.empty((n_problems, n_alphas), dtype=bool)
    everyone = np.arange(n_problems, dtype=np.int64)
    for a in range(n_alphas):
        params[:, 0] = alphas[:, a]
        with single_thread_blas():
            W, b, n_iter, stop_crit, _ = _batch.batch_working_set_cd(
                design.arrays, Y, SW, datafit._code, datafit._params(), W, b, fit_intercept,
                penalty._code, params, weights, curvs, tol_abs,
                100 if max_iter is None else max_iter, max_epochs, p0, n_anderson,
                max(verbose - 1, 0), shared)
        if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b))):
            _non_finite()
        Z = np.array([design.matvec(W[k]) for k in range(n_problems)]).reshape(
            n_problems, n_samples) + b[:, None]
        coefs[:, :, a] = W
        intercepts[:, a] = b
        info["n_iter"][:, a] = n_iter
        info["stop_crit"][:, a] = stop_crit
        info["converged"][:, a] = stop_crit <= tol_abs
        info["objective"][:, a] = _batch.batch_values(
            datafit._code, datafit._params(), Y, Z, SW, penalty._code, params, weights, curvs, W,
            everyone)
        if verbose:
            print(f"[fit_batch_path] alpha {a + 1}/{n_alphas}: {n_problems} problems, "
                  f"{int(np.sum(info['converged'][:, a]))} converged, mean support "
                  f"{np.count_nonzero(W) / n_problems:.1f}")
    n_failed = int(np.sum(~info["converged"]))
    if n_failed and warn:
        worst = float(np.max(info["stop_crit"] / tol_abs[:, None]))
        warnings.warn(
            f"Objective did not converge for {n_failed} of {info['converged'].size} batch "
            f"problems. You might want to increase the number of iterations (max_iter) or tol: "
            f"solver='cd' stopped at up to {worst:.1e} x tol.",
            ConvergenceWarning,
            stacklevel=3,
        )
    info["tol"] = tol_abs
    return coefs, intercepts, info


def _non_finite():
    raise ValueError(
        "Coordinate descent iterations resulted in non-finite parameter values: X or y has "
        "values too large for float64 arithmetic (the gradient overflows); scale them."
    )

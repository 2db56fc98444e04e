"""Full-gradient solvers on a design: FISTA and the nonconvex accelerated gradient method.

Both work on ``F(Xw + b) + pen(w)`` with a datafit of bounded curvature (step ``1 / L``).

``accelerated_gradient`` is the method of Yang, Asgharian & Bhatnagar, "Accelerated gradient
methods for sparse statistical learning with nonconvex penalties" (Statistics and Computing,
2023): the penalty is split as ``alpha_1 |x| + q(x)`` with ``q`` smooth (concave for MCP, SCAD
and CEL0), ``q`` moves into the smooth part and the Ghadimi-Lan accelerated scheme runs with
soft-thresholding. ``scheme`` selects the step rules:

* 0 (Yang et al.): ``a_k = 2 / (1 + sqrt(1 + 4 / a_{k-1}^2))``, ``beta_k = 0.99 / L``,
  ``lambda_k = beta_k / a_k``;
* 1 (Ghadimi & Lan 2016, original): ``a_k = 2 / (k + 1)``, ``beta_k = 1 / (2L)``,
  ``lambda_k = k beta_k / 2``;
* 2 (proximal gradient / ISTA): step ``1 / L``, no momentum.

It stops when the gradient mapping ``max |md - ag| / beta_k`` is at most ``tol``.

Both kernels take ``mu``, the column offsets an intercept absorbs, and work in the centred
parametrization ``z = (X - 1 mu^T) w + c``, ``c = b + mu . w``: the step ``1 / L`` then depends on
the spectral norm of the centred design, not on the offsets of raw features. ``b`` holds ``c``
on entry and exit; pass zeros without an intercept.
"""

from math import sqrt

import numpy as np
from numba import njit

from . import datafit as _datafit
from . import fista as _fista
from . import prox as _prox
from .linalg import matvec, rmatvec


@njit(cache=True, nogil=True)
def _gradient(X, data, indices, indptr, is_sparse, y, sw, dcode, dparams, mu, w, b, n_samples,
              n_features, d, hess):
    z = matvec(X, data, indices, indptr, is_sparse, n_samples, w)
    z += b - np.dot(mu, w)
    _datafit.raw_grad_hess(dcode, dparams, y, z, sw, d, hess)
    grad_b = np.sum(d)
    return rmatvec(X, data, indices, indptr, is_sparse, n_features, d) - grad_b * mu, grad_b


@njit(cache=True, nogil=True)
def accelerated_gradient(X, data, indices, indptr, is_sparse, y, sw, dcode, dparams, w, b,
                         fit_intercept, mu, pcode, params, weights, curvs, lipschitz, max_iter, tol,
                         scheme):
    """Nonconvex accelerated gradient (see module docstring); ``w``, ``b`` updated in place.

    Returns ``(n_iter, crit)``.
    """
    n_samples = y.shape[0]
    n_features = w.shape[0]
    d = np.empty(n_samples)
    hess = np.empty(n_samples)
    l1_params = params.copy()
    x = w.copy()
    ag = w.copy()
    md = w.copy()
    x_b = b[0]
    ag_b = b[0]
    a = 1.0
    crit = np.inf
    n_iter = np.int64(0)
    for k in range(1, max_iter + 1):
        n_iter = k
        if scheme == 0:
            a = 2.0 / (1.0 + sqrt(1.0 + 4.0 / (a * a)))
            beta = 0.99 / lipschitz
            lam = beta / a
        elif scheme == 1:
            a = 2.0 / (k + 1.0)
            beta = 1.0 / (2.0 * lipschitz)
            lam = k * beta / 2.0
        else:
            a = 1.0
            beta = 1.0 / lipschitz
            lam = beta
        if scheme == 2:
            md[:] = ag
            md_b = ag_b
        else:
            md[:] = (1.0 - a) * ag + a * x
            md_b = (1.0 - a) * ag_b + a * x_b
        grad, grad_b = _gradient(X, data, indices, indptr, is_sparse, y, sw, dcode, dparams, mu, md,
                                 md_b, n_samples, n_features, d, hess)
        crit = 0.0
        for j in range(n_features):
            alpha_1, dq = _prox.ag_split_1d(pcode, params, weights[j], curvs[j], md[j])
            g = grad[j] + dq
            l1_params[0] = alpha_1
            ag[j] = _prox.prox_1d(_prox.L1, l1_params, 1.0, 0.0, md[j] - beta * g, beta)
            if scheme != 2:
                x[j] = _prox.prox_1d(_prox.L1, l1_params, 1.0, 0.0, x[j] - lam * g, lam)
            crit = max(crit, abs(md[j] - ag[j]) / beta)
        if fit_intercept:
            ag_b = md_b - beta * grad_b
            x_b = x_b - lam * grad_b
            crit = max(crit, abs(grad_b))
        if crit <= tol:
            break
    w[:] = ag
    b[0] = ag_b
    return n_iter, crit


@njit(cache=True, nogil=True)
def _objective(y, sw, dcode, dparams, z, pcode, params, weights, curvs, w):
    return _datafit.value(dcode, dparams, y, z, sw) + _prox.value(pcode, params, weights, curvs, w)


@njit(cache=True, nogil=True)
def _fista_step(X, data, indices, indptr, is_sparse, y, sw, dcode, dparams, mu, point, point_b,
                z_point, fit_intercept, step, pcode, params, weights, curvs, d, hess, trial):
    """Proximal gradient step from ``(point, point_b)`` (linear predictor ``z_point``) into
    ``trial``; returns ``(crit, trial_b, z_trial, value at trial)``."""
    _datafit.raw_grad_hess(dcode, dparams, y, z_point, sw, d, hess)
    grad_b = np.sum(d)
    grad = rmatvec(X, data, indices, indptr, is_sparse, point.shape[0], d) - grad_b * mu
    if not fit_intercept:
        grad_b = 0.0
    crit = max(_fista.prox_gradient_step(point, grad, step, pcode, params, weights, curvs, trial),
               abs(grad_b))
    trial_b = point_b - step * grad_b
    z_trial = matvec(X, data, indices, indptr, is_sparse, y.shape[0], trial)
    z_trial += trial_b - np.dot(mu, trial)
    return crit, trial_b, z_trial, _objective(y, sw, dcode, dparams, z_trial, pcode, params,
                                              weights, curvs, trial)


@njit(cache=True, nogil=True)
def fista(X, data, indices, indptr, is_sparse, y, sw, dcode, dparams, w, b, fit_intercept, mu,
          pcode, params, weights, curvs, lipschitz, max_iter, tol):
    """FISTA on ``F(Xw + b) + pen(w)`` (the iteration and restart rule of
    :mod:`sparselearn._core.fista`); ``w``, ``b`` updated in place. The linear predictor of the
    extrapolated point is extrapolated too, so an iteration costs one product with ``X`` and
    one with ``X.T`` (two with ``X.T`` on a restart). Stops when ``L max |x_{k+1} - p_k|``
    and the intercept's ``|grad_b|`` are at most ``tol``.

    Returns ``(n_iter, crit)``.
    """
    n_samples = y.shape[0]
    n_features = w.shape[0]
    d = np.empty(n_samples)
    hess = np.empty(n_samples)
    step = 1.0 / lipschitz
    x = w.copy()
    x_prev = w.copy()
    point = w.copy()
    trial = np.empty(n_features)
    x_b = b[0]
    x_b_prev = b[0]
    z = matvec(X, data, indices, indptr, is_sparse, n_samples, x)
    z += x_b - np.dot(mu, x)
    z_prev = z.copy()
    z_point = z.copy()
    value = _objective(y, sw, dcode, dparams, z, pcode, params, weights, curvs, x)
    t_k = 1.0
    crit = np.inf
    n_iter = np.int64(0)
    for k in range(1, max_iter + 1):
        n_iter = k
        t_next, beta = _fista.momentum(t_k)
        _fista.extrapolate(x, x_prev, beta, point)
        _fista.extrapolate(z, z_prev, beta, z_point)
        point_b = x_b + beta * (x_b - x_b_prev)
        crit, trial_b, z_trial, trial_value = _fista_step(
            X, data, indices, indptr, is_sparse, y, sw, dcode, dparams, mu, point, point_b, z_point,
            fit_intercept, step, pcode, params, weights, curvs, d, hess, trial)
        if _fista.restart(trial_value, value, beta):
            t_next = 1.0
            crit, trial_b, z_trial, trial_value = _fista_step(
                X, data, indices, indptr, is_sparse, y, sw, dcode, dparams, mu, x, x_b, z,
                fit_intercept, step, pcode, params, weights, curvs, d, hess, trial)
        x_prev[:] = x
        x[:] = trial
        x_b_prev = x_b
        x_b = trial_b
        z_prev[:] = z
        z[:] = z_trial
        value = trial_value
        t_k = t_next
        if crit <= tol:
            break
    w[:] = x
    b[0] = x_b
    return n_iter, crit

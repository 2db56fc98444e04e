"""Full-gradient solvers: FISTA and the nonconvex accelerated gradient method.

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
"""

from math import sqrt

import numpy as np
from numba import njit

from . import datafit as _datafit
from . import prox as _prox
from .linalg import matvec, rmatvec


@njit(cache=True)
def _gradient(X, data, indices, indptr, is_sparse, y, sw, dcode, dparams, w, b, n_samples,
              n_features, d, hess):
    z = matvec(X, data, indices, indptr, is_sparse, n_samples, w)
    z += b
    _datafit.raw_grad_hess(dcode, dparams, y, z, sw, d, hess)
    return rmatvec(X, data, indices, indptr, is_sparse, n_features, d), np.sum(d)


@njit(cache=True)
def accelerated_gradient(X, data, indices, indptr, is_sparse, y, sw, dcode, dparams, w, b,
                         fit_intercept, pcode, params, weights, curvs, lipschitz, max_iter, tol,
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
    n_iter = 0
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
        grad, grad_b = _gradient(X, data, indices, indptr, is_sparse, y, sw, dcode, dparams, md,
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


@njit(cache=True)
def fista(X, data, indices, indptr, is_sparse, y, sw, dcode, dparams, w, b, fit_intercept,
          pcode, params, weights, curvs, lipschitz, max_iter, tol):
    """FISTA (Beck & Teboulle, 2009) with gradient-based adaptive restart (O'Donoghue & Candes,
    2015); ``w``, ``b`` updated in place. Stops when ``L max |x_{k+1} - y_k| <= tol``.

    Returns ``(n_iter, crit)``.
    """
    n_samples = y.shape[0]
    n_features = w.shape[0]
    d = np.empty(n_samples)
    hess = np.empty(n_samples)
    step = 1.0 / lipschitz
    x_prev = w.copy()
    yk = w.copy()
    x_b_prev = b[0]
    y_b = b[0]
    t = 1.0
    crit = np.inf
    n_iter = 0
    x = w.copy()
    x_b = b[0]
    for k in range(1, max_iter + 1):
        n_iter = k
        grad, grad_b = _gradient(X, data, indices, indptr, is_sparse, y, sw, dcode, dparams, yk,
                                 y_b, n_samples, n_features, d, hess)
        crit = 0.0
        for j in range(n_features):
            x[j] = _prox.prox_1d(pcode, params, weights[j], curvs[j], yk[j] - step * grad[j], step)
            crit = max(crit, abs(x[j] - yk[j]) * lipschitz)
        x_b = y_b - step * grad_b if fit_intercept else y_b
        if fit_intercept:
            crit = max(crit, abs(grad_b))
        if crit <= tol:
            break
        # restart the momentum when it points against the gradient step
        restart = np.dot(yk - x, x - x_prev) + (y_b - x_b) * (x_b - x_b_prev)
        if restart > 0.0:
            t = 1.0
        t_next = 0.5 * (1.0 + sqrt(1.0 + 4.0 * t * t))
        momentum = (t - 1.0) / t_next
        yk = x + momentum * (x - x_prev)
        y_b = x_b + momentum * (x_b - x_b_prev)
        x_prev[:] = x
        x_b_prev = x_b
        t = t_next
    w[:] = x
    b[0] = x_b
    return n_iter, crit

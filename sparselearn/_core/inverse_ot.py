"""Sparse inverse optimal transport kernels (Andrade, Peyré & Poon, ICLR 2024).

The problem, in the conventions of :mod:`sparselearn._core.sinkhorn`: points ``X`` (n, d1) with
weights ``a`` and ``Y`` (m, d2) with weights ``b`` (strictly positive, equal mass 1), an observed
coupling summarized by its moment ``C_hat = X^T P_hat Y`` (d1, d2), and the l1-penalized
negative log-likelihood of the entropic model with cost ``c_A(x, y) = -x^T A y``:

    F(A) = -<A, C_hat> + W(A) + alpha ||A||_1,
    W(A) = max_{P 1 = a, P^T 1 = b} <X A Y^T, P> - reg KL(P | a b^T).

``W`` is convex (a maximum of linear functions of ``A``), with gradient ``X^T P_A Y`` where
``P_A`` is the entropic plan of the cost matrix ``M = -X A Y^T``. Its value comes from the dual
``D(f, g)`` of the Sinkhorn kernels (POT's entropy ``sum P log P``):

    W(A) = -D(f, g) + reg (<a, log a> + <b, log b>),

so ``W(0) = 0``. Each evaluation solves the potentials for the current ``A`` by the stabilized
Sinkhorn (or Sinkhorn-Newton-Sparse), warm-started from the potentials of the previous
evaluation; the outer loop is the package's FISTA (:mod:`sparselearn._core.fista`) with
backtracking on the Lipschitz constant and function-value restart. The caller centres ``X`` and
``Y`` (weighted by ``a`` and ``b``; this leaves ``F`` unchanged and shrinks the range of ``M``).
Kernels never validate their input.
"""

from math import fabs

import numpy as np
from numba import njit

from .fista import extrapolate, momentum, prox_gradient_step, restart
from .prox import L1, N_PARAMS
from .sinkhorn import dual_value, plan_from_potentials, sinkhorn_scaling
from .sns import INFO_N_ITER, INFO_SIZE, sinkhorn_newton_sparse

SINKHORN = 0
SNS = 1

_GROW = 2.0  # backtracking: Lipschitz estimate multiplied by this when the bound fails
_SHRINK = 0.9  # and by this at the start of each iteration (lets the estimate adapt downwards)
_MAX_LIPSCHITZ = 1e300
_SNS_WARMUP = np.int64(10)  # Sinkhorn iterations before the Newton steps of SNS
_SLACK = 1e-12  # relative rounding slack of the sufficient-decrease test


@njit(cache=True)
def bilinear_cost(X, A, Y, M):
    """``M = -X A Y^T`` (the cost matrix of ``c_A(x, y) = -x^T A y``) written into ``M``."""
    XA = np.dot(X, A)
    n, m = M.shape
    d2 = A.shape[1]
    for i in range(n):
        for j in range(m):
            s = 0.0
            for k in range(d2):
                s += XA[i, k] * Y[j, k]
            M[i, j] = -s


@njit(cache=True)
def plan_moment(X, P, Y):
    """``X^T P Y``, the moment of a plan (the gradient of ``W``)."""
    return np.dot(X.T, np.dot(P, Y))


@njit(cache=True)
def smooth_value(X, Y, a, b, neg_entropy, C_hat, A, reg, f, g, M, P, grad, solver, inner_tol,
                 inner_max_iter, err_hist, dual_hist, info):
    """Value and gradient of the smooth part ``-<A, C_hat> + W(A)`` at ``A`` (d1, d2).

    Solves the potentials ``(f, g)`` (updated in place, the warm start) of the cost
    ``M = -X A Y^T`` to marginal error ``inner_tol``, writes the plan into ``P`` and the
    gradient ``X^T P Y - C_hat`` into ``grad`` (d1, d2). ``neg_entropy`` is
    ``<a, log a> + <b, log b>``. Returns ``(value, inner iterations, marginal error)``.
    """
    bilinear_cost(X, A, Y, M)
    if solver == SINKHORN:
        n_inner, err, _ = sinkhorn_scaling(M, a, b, reg, f, g, inner_tol, inner_max_iter,
                                           err_hist, dual_hist, np.int64(0), P)
        plan_from_potentials(M, f, g, reg, P)
    else:
        info[:] = 0
        n, m = M.shape
        # the plan is left in P by the kernel (its anchored form: no exponential pass)
        err, _ = sinkhorn_newton_sparse(M, a, b, reg, f, g, inner_tol, inner_max_iter,
                                        _SNS_WARMUP, min(1.0, 2.0 / min(n, m)), n + m,
                                        err_hist, dual_hist, info, P, np.bool_(True))
        n_inner = info[INFO_N_ITER]
    W = -dual_value(a, b, f, g, reg, P.sum()) + reg * neg_entropy
    moment = plan_moment(X, P, Y)
    value = W
    d1, d2 = A.shape
    for k in range(d1):
        for j in range(d2):
            value -= A[k, j] * C_hat[k, j]
            grad[k, j] = moment[k, j] - C_hat[k, j]
    return value, n_inner, err


@njit(cache=True)
def l1_norm(x, weights):
    """``sum_j weights_j |x_j|``."""
    s = 0.0
    for j in range(x.shape[0]):
        s += weights[j] * fabs(x[j])
    return s


@njit(cache=True)
def l1_violation(x, grad, alpha, weights):
    """Optimality violation of ``x`` for ``f + alpha sum_j weights_j |x_j|``: the largest
    distance of ``-grad_j`` to ``alpha weights_j`` times the subdifferential of ``|x_j|``."""
    worst = 0.0
    for j in range(x.shape[0]):
        level = alpha * weights[j]
        if x[j] > 0.0:
            v = fabs(grad[j] + level)
        elif x[j] < 0.0:
            v = fabs(grad[j] - level)
        else:
            v = max(fabs(grad[j]) - level, 0.0)
        worst = max(worst, v)
    return worst


@njit(cache=True)
def _backtrack(point, value_p, grad_p, lipschitz, alpha, params, weights, curvs, trial,
               grad_t, X, Y, a, b, neg_entropy, C_hat, reg, f, g, M, P, solver, inner_tol,
               inner_max_iter, err_hist, dual_hist, info):
    """Proximal gradient step from ``point`` with the Beck-Teboulle backtracking on the
    Lipschitz estimate. Writes the step into ``trial`` and its smooth gradient into ``grad_t``;
    returns ``(smooth value at trial, Lipschitz estimate, inner iterations, worst error)``."""
    d1, d2 = C_hat.shape
    n_inner = 0
    worst_err = 0.0
    while True:
        prox_gradient_step(point, grad_p, 1.0 / lipschitz, np.int64(L1), params, weights, curvs,
                           trial)
        value_t, k, err = smooth_value(X, Y, a, b, neg_entropy, C_hat, trial.reshape((d1, d2)),
                                       reg, f, g, M, P, grad_t.reshape((d1, d2)), solver,
                                       inner_tol, inner_max_iter, err_hist, dual_hist, info)
        n_inner += k
        worst_err = max(worst_err, err)
        bound = value_p
        sq = 0.0
        for j in range(point.shape[0]):
            step = trial[j] - point[j]
            bound += grad_p[j] * step
            sq += step * step
        bound += 0.5 * lipschitz * sq
        if value_t <= bound + _SLACK * (1.0 + fabs(value_p)) or lipschitz >= _MAX_LIPSCHITZ:
            return value_t, lipschitz, n_inner, worst_err
        lipschitz *= _GROW


@njit(cache=True)
def inverse_ot_fista(X, Y, a, b, C_hat, reg, alpha, weights, A, f, g, lipschitz, max_iter, tol,
                     solver, inner_tol, inner_max_iter):
    """FISTA with backtracking and restart on ``F`` (module docstring) from ``A`` (d1, d2).

    The penalty is the weighted ``alpha sum_kl weights_kl |A_kl|`` (``weights`` of shape
    (d1 * d2,), row-major; all ones for the plain l1 norm).

    ``A``, the potentials ``f`` (n) and ``g`` (m) are updated in place (the warm start of the
    next call). Stops when the optimality violation (:func:`l1_violation`) of the last
    accepted iterate is at most ``tol`` (gradient units) or after ``max_iter`` iterations.
    Returns ``(n_iter, objective, violation, lipschitz, inner iterations, worst inner marginal
    error)``.
    """
    n, m = X.shape[0], Y.shape[0]
    d1, d2 = A.shape
    p = d1 * d2
    neg_entropy = 0.0
    for i in range(n):
        neg_entropy += a[i] * np.log(a[i])
    for j in range(m):
        neg_entropy += b[j] * np.log(b[j])
    M = np.empty((n, m))
    P = np.empty((n, m))
    err_hist = np.empty(inner_max_iter + 2)
    dual_hist = np.empty(inner_max_iter + 2)
    info = np.zeros(INFO_SIZE, dtype=np.int64)
    params = np.zeros(N_PARAMS)
    params[0] = alpha
    curvs = np.zeros(p)

    x = A.ravel().copy()
    x_prev = x.copy()
    point = np.empty(p)
    trial = np.empty(p)
    grad_x = np.empty(p)
    grad_p = np.empty(p)
    grad_t = np.empty(p)
    value_x, n_inner, worst_err = smooth_value(
        X, Y, a, b, neg_entropy, C_hat, x.reshape((d1, d2)), reg, f, g, M, P,
        grad_x.reshape((d1, d2)), solver, inner_tol, inner_max_iter, err_hist, dual_hist, info)
    F_x = value_x + alpha * l1_norm(x, weights)
    violation = l1_violation(x, grad_x, alpha, weights)
    t = 1.0
    n_iter = np.int64(0)
    while violation > tol and n_iter < max_iter:
        n_iter += 1
        t_next, beta = momentum(t)
        lipschitz *= _SHRINK
        if beta > 0.0:
            extrapolate(x, x_prev, beta, point)
            value_p, k, err = smooth_value(
                X, Y, a, b, neg_entropy, C_hat, point.reshape((d1, d2)), reg, f, g, M, P,
                grad_p.reshape((d1, d2)), solver, inner_tol, inner_max_iter, err_hist,
                dual_hist, info)
            n_inner += k
            worst_err = max(worst_err, err)
        else:
            point[:] = x
            grad_p[:] = grad_x
            value_p = value_x
        value_t, lipschitz, k, err = _backtrack(
            point, value_p, grad_p, lipschitz, alpha, params, weights, curvs, trial, grad_t, X,
            Y, a, b, neg_entropy, C_hat, reg, f, g, M, P, solver, inner_tol, inner_max_iter,
            err_hist, dual_hist, info)
        n_inner += k
        worst_err = max(worst_err, err)
        F_t = value_t + alpha * l1_norm(trial, weights)
        if restart(F_t, F_x, beta):
            # momentum back to 1: a monotone proximal step from x instead
            t_next = 1.0
            value_t, lipschitz, k, err = _backtrack(
                x, value_x, grad_x, lipschitz, alpha, params, weights, curvs, trial, grad_t, X,
                Y, a, b, neg_entropy, C_hat, reg, f, g, M, P, solver, inner_tol,
                inner_max_iter, err_hist, dual_hist, info)
            n_inner += k
            worst_err = max(worst_err, err)
            F_t = value_t + alpha * l1_norm(trial, weights)
        x_prev[:] = x
        x[:] = trial
        grad_x[:] = grad_t
        value_x = value_t
        F_x = F_t
        t = t_next
        violation = l1_violation(x, grad_x, alpha, weights)
    A[:, :] = x.reshape((d1, d2))
    # the potentials of the returned A (the last evaluation may have been a rejected point)
    smooth_value(X, Y, a, b, neg_entropy, C_hat, A, reg, f, g, M, P, grad_t.reshape((d1, d2)),
                 solver, inner_tol, inner_max_iter, err_hist, dual_hist, info)
    return n_iter, F_x, violation, lipschitz, n_inner, worst_err


@njit(cache=True)
def inverse_ot_path(X, Y, a, b, C_hat, reg, alphas, weights, A, f, g, lipschitz, max_iter, tol,
                    solver, inner_tol, inner_max_iter, coefs, n_iters, objectives, violations):
    """:func:`inverse_ot_fista` along ``alphas``, each solve warm-started from the previous
    ``A``, potentials and Lipschitz estimate. Fills ``coefs`` (d1, d2, n_alphas), ``n_iters``,
    ``objectives`` and ``violations``; returns ``(inner iterations, worst inner error)``."""
    n_inner = 0
    worst_err = 0.0
    for k in range(alphas.shape[0]):
        n_it, obj, viol, lipschitz, k_inner, err = inverse_ot_fista(
            X, Y, a, b, C_hat, reg, alphas[k], weights, A, f, g, lipschitz, max_iter, tol,
            solver, inner_tol, inner_max_iter)
        coefs[:, :, k] = A
        n_iters[k] = n_it
        objectives[k] = obj
        violations[k] = viol
        n_inner += k_inner
        worst_err = max(worst_err, err)
    return n_inner, worst_err


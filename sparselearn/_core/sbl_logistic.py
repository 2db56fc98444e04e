"""Numba kernels for the relevance vector classifier: fast marginal likelihood with a Laplace
approximation (Tipping 2001; Tipping & Faul 2003).

For Bernoulli targets ``t in {0, 1}`` and ``p = sigmoid(Phi_A w_A)``, the posterior over the
active weights is approximated by a Gaussian around its mode ``w_MP`` (found by Newton's method
on the penalized log-likelihood); with ``B = diag(p (1 - p))`` at the mode the model is locally
the linear-Gaussian one with noise covariance ``B^-1`` and targets
``t_hat = Phi w_MP + B^-1 (t - p)``. The sparsity and quality factors of every column become

    S_m = phi_m^T B phi_m - (Phi_A^T B phi_m)^T Sigma (Phi_A^T B phi_m),
    Q_m = phi_m^T (t - p),

(the second because ``Sigma Phi_A^T B t_hat = w_MP`` at the mode), and the add / re-estimate /
delete moves and their gains are those of the regression kernel (``sbl.select_move``).

Columns ``0 .. n_fixed - 1`` (the intercept) stay in the model with a fixed precision.
Kernels take validated, contiguous float64 arrays and never check input.
"""
import numpy as np
from numba import njit

from .blas import gemm, gemv
from .lapack import spd_inverse, spd_solve
from .sbl import MOVE_ADD, MOVE_NONE, apply_move, select_move


@njit(cache=True, inline="always")
def _softplus(z):
    if z > 0.0:
        return z + np.log1p(np.exp(-z))
    return np.log1p(np.exp(z))


@njit(cache=True, inline="always")
def _sigmoid(z):
    if z >= 0.0:
        return 1.0 / (1.0 + np.exp(-z))
    ez = np.exp(z)
    return ez / (1.0 + ez)


@njit(cache=True, inline="always")
def _penalized_loglik(phi_active, t, w, alpha):
    """``sum_i [t_i z_i - log(1 + e^{z_i})] - 0.5 sum_a alpha_a w_a^2`` with ``z = Phi_A w``."""
    z = gemv(phi_active, w, np.empty(t.shape[0]), np.bool_(False))
    value = 0.0
    for i in range(t.shape[0]):
        value += t[i] * z[i] - _softplus(z[i])
    for a in range(w.shape[0]):
        value -= 0.5 * alpha[a] * w[a] * w[a]
    return value


@njit(cache=True)
def posterior_mode(phi_active, t, w, alpha, max_newton, grad_tol):
    """Mode of ``p(w | t, alpha)`` by damped Newton (IRLS) from ``w``.

    Returns ``w_MP``, ``Sigma = (Phi_A^T B Phi_A + diag(alpha))^-1``, the curvature weights
    ``B = p (1 - p)``, ``p``, the Laplace log evidence
    ``log p(t | w_MP) - 0.5 w^T A w + 0.5 log|Sigma| + 0.5 sum log alpha`` and whether the
    gradient test was met.
    """
    n_samples, k = phi_active.shape
    w = w.copy()
    p = np.empty(n_samples)
    curv = np.empty(n_samples)
    z = np.empty(n_samples)
    resid = np.empty(n_samples)
    grad = np.empty(k)
    weighted = np.empty((n_samples, k))
    trial = np.empty(k)
    objective = _penalized_loglik(phi_active, t, w, alpha)
    hessian = np.empty((k, k))
    ok = False
    for _ in range(max_newton):
        gemv(phi_active, w, z, np.bool_(False))
        for i in range(n_samples):
            p[i] = _sigmoid(z[i])
            curv[i] = max(p[i] * (1.0 - p[i]), 1e-12)
            resid[i] = t[i] - p[i]
        gemv(phi_active, resid, grad, np.bool_(True))
        for a in range(k):
            grad[a] -= alpha[a] * w[a]
        _weighted_hessian(phi_active, curv, alpha, weighted, hessian)
        gnorm = 0.0
        for a in range(k):
            gnorm = max(gnorm, abs(grad[a]))
        if gnorm <= grad_tol:
            ok = True
            break
        step, solved = spd_solve(hessian, grad)
        if not solved:
            raise np.linalg.LinAlgError("the Laplace precision is not positive definite")
        # backtracking: Newton's step on a concave objective, halved until it improves
        scale = 1.0
        improved = False
        for _ls in range(30):
            for a in range(k):
                trial[a] = w[a] + scale * step[a]
            value = _penalized_loglik(phi_active, t, trial, alpha)
            if value >= objective:
                for a in range(k):
                    w[a] = trial[a]
                objective = value
                improved = True
                break
            scale *= 0.5
        if not improved:
            ok = True  # at the mode up to round-off
            break
    gemv(phi_active, w, z, np.bool_(False))
    for i in range(n_samples):
        p[i] = _sigmoid(z[i])
        curv[i] = max(p[i] * (1.0 - p[i]), 1e-12)
    _weighted_hessian(phi_active, curv, alpha, weighted, hessian)
    sigma, chol, solved = spd_inverse(hessian)
    if not solved:
        raise np.linalg.LinAlgError("the Laplace precision is not positive definite")
    logdet_hessian = 0.0
    log_alpha = 0.0
    for a in range(k):
        logdet_hessian += 2.0 * np.log(chol[a, a])
        log_alpha += np.log(alpha[a])
    for a in range(k):
        for b in range(a + 1, k):
            avg = 0.5 * (sigma[a, b] + sigma[b, a])
            sigma[a, b] = avg
            sigma[b, a] = avg
    evidence = _penalized_loglik(phi_active, t, w, alpha) + 0.5 * (log_alpha - logdet_hessian)
    return w, sigma, curv, p, evidence, ok


@njit(cache=True, inline="always")
def _weighted_hessian(phi_active, curv, alpha, weighted, hessian):
    """``hessian = Phi_A^T B Phi_A + diag(alpha)`` with ``B = diag(curv)``, in place
    (``weighted`` receives ``B Phi_A``)."""
    for i in range(phi_active.shape[0]):
        for a in range(phi_active.shape[1]):
            weighted[i, a] = phi_active[i, a] * curv[i]
    gemm(phi_active, weighted, hessian, np.bool_(True))
    for a in range(alpha.shape[0]):
        hessian[a, a] += alpha[a]


@njit(cache=True, inline="always")
def _gather(phi, active, n_active):
    out = np.empty((phi.shape[0], n_active))
    for i in range(phi.shape[0]):
        for a in range(n_active):
            out[i, a] = phi[i, active[a]]
    return out


@njit(cache=True, inline="always")
def laplace_factors(phi, phi_sq, t, phi_active, sigma, curv, p):
    """Sparsity ``S`` and quality ``Q`` (shape (n_features, 1)) of every column at the mode."""
    n_samples, n_features = phi.shape
    k = phi_active.shape[1]
    weighted = np.empty((n_samples, k))
    resid = np.empty(n_samples)
    for i in range(n_samples):
        resid[i] = t[i] - p[i]
        for a in range(k):
            weighted[i, a] = phi_active[i, a] * curv[i]
    cross = gemm(weighted, phi, np.empty((k, n_features)), np.bool_(True))  # Phi_A^T B Phi
    sigma_cross = gemm(sigma, cross, np.empty((k, n_features)), np.bool_(False))
    diag_b = gemv(phi_sq, curv, np.empty(n_features), np.bool_(True))
    q_lin = gemv(phi, resid, np.empty(n_features), np.bool_(True))
    s_factor = np.empty(n_features)
    q_factor = np.empty((n_features, 1))
    for m in range(n_features):
        acc = 0.0
        for a in range(k):
            acc += cross[a, m] * sigma_cross[a, m]
        s_factor[m] = diag_b[m] - acc
        q_factor[m, 0] = q_lin[m]
    return s_factor, q_factor


@njit(cache=True)
def fast_laplace_classifier(phi, t, n_fixed, fixed_alpha, max_iter, tol, max_active,
                            max_newton, grad_tol):
    """Sequential sparse Bayesian logistic regression (relevance vector classifier).

    Parameters
    ----------
    phi : (n_samples, n_features) float64; its first ``n_fixed`` columns are always active
    t : (n_samples,) float64 in {0, 1}
    n_fixed : number of leading always-active columns (0 or 1: the intercept)
    fixed_alpha : their (fixed) prior precision
    max_iter : number of moves allowed
    tol : convergence on ``|d log alpha|`` of the re-estimations
    max_active : capacity of the active set (fixed columns included)
    max_newton, grad_tol : Newton iterations and gradient tolerance of each mode search

    Returns
    -------
    active, alpha, w, sigma, n_iter, scores, converged
        ``active`` lists column indices (fixed columns first), ``w`` the posterior mode,
        ``sigma`` the Laplace covariance, ``scores`` the Laplace log evidence per iteration.
    """
    n_samples, n_features = phi.shape
    phi_sq = np.empty((n_samples, n_features))
    for i in range(n_samples):
        for j in range(n_features):
            phi_sq[i, j] = phi[i, j] * phi[i, j]
    alpha = np.empty(max_active)
    active = np.empty(max_active, dtype=np.int64)
    w_all = np.zeros(max_active)
    position = -np.ones(n_features, dtype=np.int64)
    scores = np.empty(max_iter + 1)
    n_active = np.int64(0)
    for j in range(n_fixed):
        active[j] = j
        alpha[j] = fixed_alpha
        position[j] = j
        n_active += 1

    phi_active = _gather(phi, active, n_active)
    if n_active > 0:
        w, sigma, curv, p, evidence, _ = posterior_mode(
            phi_active, t, w_all[:n_active], alpha[:n_active], max_newton, grad_tol)
    else:
        w = np.zeros(0)
        sigma = np.zeros((0, 0))
        p = np.full(n_samples, 0.5)
        curv = np.full(n_samples, 0.25)
        evidence = -n_samples * np.log(2.0)
    scores[0] = evidence
    n_scores = np.int64(1)
    converged = False
    n_iter = np.int64(0)
    for it in range(max_iter):
        n_iter = it + 1
        s_factor, q_factor = laplace_factors(phi, phi_sq, t, phi_active, sigma, curv, p)
        # fixed columns: S = Q = 0 makes every move on them worthless (zero gain)
        for j in range(n_fixed):
            s_factor[j] = 0.0
            q_factor[j, 0] = 0.0
        # with an intercept the last free column may leave; without, one column stays
        code, col, a_new, gain, max_dlog, any_structural = select_move(
            s_factor, q_factor, alpha, position, n_active, np.int64(1), np.bool_(True))
        if code == MOVE_NONE or ((not any_structural) and max_dlog < tol):
            converged = True
            break
        for a in range(n_active):
            w_all[a] = w[a]
        if code == MOVE_ADD:
            if n_active >= max_active:
                converged = True
                break
            w_all[n_active] = 0.0
        n_active = apply_move(code, col, a_new, active, alpha, position, n_active,
                              w_all.reshape((max_active, 1)))
        phi_active = _gather(phi, active, n_active)
        w, sigma, curv, p, evidence, _ = posterior_mode(
            phi_active, t, w_all[:n_active].copy(), alpha[:n_active].copy(), max_newton, grad_tol)
        scores[n_scores] = evidence
        n_scores += 1
    return (active[:n_active].copy(), alpha[:n_active].copy(), w.copy(), sigma, n_iter,
            scores[:n_scores].copy(), converged)

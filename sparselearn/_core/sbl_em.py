"""EM sparse Bayesian learning (Wipf & Rao 2004) and its multiple-measurement form M-SBL (2007).

Pure functions on validated float64 arrays: no input checks, no scikit-learn.

This module is numpy/scipy-level rather than Numba: each EM step is a handful of dense
Cholesky factorizations and matrix products that LAPACK/BLAS already run at full speed, and
the Python loop only steps once per such factorization, so compiling it would not save time.

The E-step factorizes the ``k x k`` posterior precision when the active set is smaller than
the number of samples, and the ``n x n`` marginal covariance (Woodbury form) otherwise.
"""
import numpy as np
from scipy.linalg import cho_factor, cho_solve

_LOG_2PI = np.log(2.0 * np.pi)


def e_step(phi_active, y, gamma, noise_var, n_samples=None):
    """Posterior of the weights on the active columns, and the log marginal likelihood.

    The model is ``Y = Phi W + E`` with rows ``W_i ~ N(0, gamma_i I)`` and
    ``E ~ N(0, noise_var I)``, column by column.

    Parameters
    ----------
    phi_active : ndarray of shape (n_samples, n_active)
        Active columns.
    y : ndarray of shape (n_samples, n_targets)
        Targets.
    gamma : ndarray of shape (n_active,)
        Prior variances, all positive.
    noise_var : float
        Noise variance.
    n_samples : int or None, default=None
        Number of samples the likelihood counts; None: the rows of ``phi_active`` (another
        value when the rows are a square root of the data's Gram, of the same inner products).

    Returns
    -------
    mu : ndarray of shape (n_active, n_targets)
        Posterior mean ``Sigma Phi^T Y / noise_var``.
    diag_sigma : ndarray of shape (n_active,)
        Diagonal of the posterior covariance ``Sigma = (Phi^T Phi / noise_var + Gamma^-1)^-1``.
    sigma : ndarray of shape (n_active, n_active) or None
        ``Sigma`` itself when ``n_active <= n_samples``, else None (Woodbury branch).
    score : float
        ``log N(Y | 0, noise_var I + Phi Gamma Phi^T)``, summed over the targets.
    """
    n_rows, n_active = phi_active.shape
    n_samples = n_rows if n_samples is None else n_samples
    n_targets = y.shape[1]
    if n_active == 0:
        resid2 = np.sum(y * y)
        score = -0.5 * (n_targets * n_samples * (_LOG_2PI + np.log(noise_var)) + resid2 / noise_var)
        return np.zeros((0, n_targets)), np.zeros(0), np.zeros((0, 0)), score
    if n_active <= n_rows:
        hessian = phi_active.T @ phi_active / noise_var
        hessian[np.diag_indices(n_active)] += 1.0 / gamma
        chol = cho_factor(hessian, lower=True)
        sigma = cho_solve(chol, np.eye(n_active))
        sigma = 0.5 * (sigma + sigma.T)
        mu = sigma @ (phi_active.T @ y) / noise_var
        logdet_c = (n_samples * np.log(noise_var) + np.sum(np.log(gamma))
                    + 2.0 * np.sum(np.log(np.diag(chol[0]))))
        resid2 = np.sum((y - phi_active @ mu) ** 2)
        quad = resid2 / noise_var + np.sum(mu * mu / gamma[:, None])
        diag_sigma = np.diag(sigma).copy()
    else:
        cov = (phi_active * gamma) @ phi_active.T
        cov[np.diag_indices(n_rows)] += noise_var
        chol = cho_factor(cov, lower=True)
        cinv_y = cho_solve(chol, y)
        cinv_phi = cho_solve(chol, phi_active)
        mu = gamma[:, None] * (phi_active.T @ cinv_y)
        diag_sigma = gamma - gamma ** 2 * np.sum(phi_active * cinv_phi, axis=0)
        logdet_c = 2.0 * np.sum(np.log(np.diag(chol[0])))
        quad = np.sum(y * cinv_y)
        sigma = None
    score = -0.5 * (n_targets * (n_samples * _LOG_2PI + logdet_c) + quad)
    return mu, diag_sigma, sigma, score


def infinite_optimum(phi_active, y, gamma, noise_var):
    """Columns whose variance is best set to zero given the others (Tipping & Faul).

    With ``S_i = phi_i^T C^-1 phi_i`` and ``Q_i = phi_i^T C^-1 Y``, the leave-one-out factors are
    ``s_i = S_i / (1 - gamma_i S_i)`` and ``q_i = Q_i / (1 - gamma_i S_i)``; the marginal likelihood
    is maximized at ``gamma_i = 0`` exactly when ``mean(q_i^2) <= s_i``.

    Returns
    -------
    drop : ndarray of bool of shape (n_active,)
    """
    n_samples = phi_active.shape[0]
    cov = (phi_active * gamma) @ phi_active.T
    cov[np.diag_indices(n_samples)] += noise_var
    chol = cho_factor(cov, lower=True)
    cinv_phi = cho_solve(chol, phi_active)
    big_s = np.sum(phi_active * cinv_phi, axis=0)
    big_q = cinv_phi.T @ y
    denom = 1.0 - gamma * big_s
    small_s = big_s / denom
    small_q2 = np.mean(big_q ** 2, axis=1) / denom ** 2
    return small_q2 <= small_s


def em_sbl(phi, y, noise_var, learn_noise, max_iter, tol, prune_gamma, n_samples=None):
    """EM-SBL / M-SBL on columns ``phi`` and targets ``y`` of shape (n_samples, n_targets).

    Rows of the weight matrix share one variance ``gamma_i`` (M-SBL when ``n_targets > 1``):

    - E-step: ``Sigma = (Phi^T Phi / noise_var + Gamma^-1)^-1``, ``Mu = Sigma Phi^T Y / noise_var``;
    - M-step: ``gamma_i <- ||Mu_i||^2 / L + Sigma_ii``;
    - noise (once the variances have converged for the current noise, like the fast method):
      ``noise_var <- (||Y - Phi Mu||^2 / L + noise_var sum_i (1 - Sigma_ii / gamma_i)) / n``;
    - a variance below ``prune_gamma`` is set to zero (the column leaves for good); when the
      variances have converged at the initial noise, the columns whose optimal variance is
      zero given the others are removed too, before the noise is learned.

    Stops when ``max |d gamma| <= tol * max gamma`` and, when the noise is learned, its relative
    change is below ``tol``. Every step is an EM step, so the marginal likelihood never decreases.

    ``n_samples`` (None: the rows of ``phi``) is the number of samples the likelihood and the
    noise update count: the rows may be a square root of the data's Gram (the same inner
    products, :func:`e_step`).

    Returns
    -------
    active, gamma_active, sigma_active, mu_active, noise_var, n_iter, scores, converged
    """
    n_rows, n_features = phi.shape
    n_samples = n_rows if n_samples is None else n_samples
    n_targets = y.shape[1]
    gamma = np.ones(n_features)
    gamma[np.sum(phi * phi, axis=0) == 0.0] = 0.0
    scores = []
    converged = False
    noise_fixed_phase = learn_noise  # first converge the variances at the initial noise
    n_iter = 0
    for n_iter in range(1, max_iter + 1):
        active = np.flatnonzero(gamma > prune_gamma)
        gamma_active = gamma[active]
        phi_active = phi[:, active]
        mu, diag_sigma, _, score = e_step(phi_active, y, gamma_active, noise_var, n_samples)
        scores.append(score)
        new_gamma = np.sum(mu * mu, axis=1) / n_targets + diag_sigma
        change = np.max(np.abs(new_gamma - gamma_active), initial=0.0)
        gamma = np.zeros(n_features)
        gamma[active] = new_gamma
        gamma_converged = change <= tol * np.max(new_gamma, initial=0.0)
        if gamma_converged and (noise_fixed_phase or not learn_noise) and active.size:
            # EM approaches gamma_i = 0 only slowly: remove the columns whose optimal variance
            # is zero before the noise is learned, so that they cannot start fitting it
            drop = infinite_optimum(phi_active, y, new_gamma, noise_var)
            if np.any(drop) and not np.all(drop):
                gamma[active[drop]] = 0.0
                continue
        if learn_noise and (gamma_converged or not noise_fixed_phase):
            noise_fixed_phase = False
            resid2 = np.sum((y - phi_active @ mu) ** 2)
            dof = np.sum(1.0 - diag_sigma / gamma_active)
            new_noise = (resid2 / n_targets + noise_var * dof) / n_samples
            noise_change = abs(new_noise - noise_var) / noise_var
            noise_var = max(new_noise, 1e-300)
            if gamma_converged and noise_change < tol:
                converged = True
                break
        elif gamma_converged:
            converged = True
            break
    active = np.flatnonzero(gamma > prune_gamma)
    mu, diag_sigma, sigma, score = e_step(phi[:, active], y, gamma[active], noise_var,
                                           n_samples)
    if sigma is None:  # Woodbury branch: full covariance of a large active set
        phi_active = phi[:, active]
        hessian = phi_active.T @ phi_active / noise_var
        hessian[np.diag_indices(active.size)] += 1.0 / gamma[active]
        sigma = np.linalg.inv(hessian)
    scores.append(score)
    return active, gamma[active], sigma, mu, noise_var, n_iter, np.asarray(scores), converged

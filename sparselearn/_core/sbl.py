"""Numba kernels for sparse Bayesian learning: the fast marginal-likelihood loop.

Tipping & Faul (2003) sequential algorithm: the model holds an active set of basis functions
(columns of ``Phi``) with finite precisions ``alpha``; every iteration computes the sparsity
and quality factors ``S_m = phi_m^T C^-1 phi_m`` and ``Q_m = phi_m^T C^-1 y`` of every column
through the active posterior only, and applies the single add / re-estimate / delete move with
the largest gain in log marginal likelihood. Only the ``k x k`` posterior of the active set is
factorized, and ``Phi^T phi_a`` is cached for each active column, so an iteration costs
``O(n_features k^2)`` plus ``O(n_samples n_features)`` when a column enters.

Multiple measurement vectors (``Y`` with ``L`` columns sharing the precisions, M-SBL) enter
only through ``mean_l Q_{ml}^2``: every gain and every optimal precision is that of the
single-vector formulas with ``Q^2`` replaced by its mean over the columns, times ``L``.

Kernels take arrays that are already validated and contiguous; they never check input.
"""
import numpy as np
from numba import njit

_LOG_2PI = np.log(2.0 * np.pi)

# move codes reported by the selection step
MOVE_NONE = 0
MOVE_ADD = 1
MOVE_REESTIMATE = 2
MOVE_DELETE = 3


@njit(cache=True)
def _active_posterior(gram_rows, phity, alpha, active, n_active, beta):
    """Posterior of the active weights: Sigma, Mu and log|Sigma^-1|."""
    k = n_active
    hessian = np.empty((k, k))
    for a in range(k):
        for b in range(k):
            hessian[a, b] = beta * gram_rows[a, active[b]]
        hessian[a, a] += alpha[a]
    chol = np.linalg.cholesky(hessian)
    logdet_hessian = 0.0
    for a in range(k):
        logdet_hessian += 2.0 * np.log(chol[a, a])
    sigma = np.linalg.inv(hessian)
    # symmetrize against round-off
    for a in range(k):
        for b in range(a + 1, k):
            avg = 0.5 * (sigma[a, b] + sigma[b, a])
            sigma[a, b] = avg
            sigma[b, a] = avg
    phity_active = np.empty((k, phity.shape[1]))
    for a in range(k):
        phity_active[a] = phity[active[a]]
    mu = beta * (sigma @ phity_active)
    return sigma, mu, logdet_hessian, phity_active


@njit(cache=True)
def _residual_norm2(y_norm2, mu, phity_active, gram_rows, active, n_active):
    """||Y - Phi_A Mu||_F^2 from cached inner products (clipped at zero)."""
    k = n_active
    gram_aa = np.empty((k, k))
    for a in range(k):
        for b in range(k):
            gram_aa[a, b] = gram_rows[a, active[b]]
    fit2 = np.sum(mu * (gram_aa @ mu))
    cross = np.sum(mu * phity_active)
    value = y_norm2 - 2.0 * cross + fit2
    if value < 1e-300:
        value = 1e-300
    return value


@njit(cache=True)
def _log_marginal(n_samples, n_targets, beta, alpha, n_active, logdet_hessian, resid2, mu):
    """log p(Y | alpha, beta) summed over the columns of Y."""
    penalty = 0.0
    log_alpha = 0.0
    for a in range(n_active):
        log_alpha += np.log(alpha[a])
        for t in range(n_targets):
            penalty += alpha[a] * mu[a, t] * mu[a, t]
    return -0.5 * (
        n_targets * n_samples * (_LOG_2PI - np.log(beta))
        - n_targets * log_alpha
        + n_targets * logdet_hessian
        + beta * resid2
        + penalty
    )


@njit(cache=True)
def sparsity_quality(gram_rows, n_active, sigma, mu, phity, col_norm2, beta):
    """Sparsity ``S`` and quality ``mean_l Q^2`` factors of every column (Woodbury form).

    ``S_m = beta ||phi_m||^2 - beta^2 g_m^T Sigma g_m`` and
    ``Q_m = beta phi_m^T Y - beta g_m^T Mu`` with ``g_m = Phi_A^T phi_m`` (rows of
    ``gram_rows``).
    """
    n_features = phity.shape[0]
    n_targets = phity.shape[1]
    g = gram_rows[:n_active]
    sigma_g = sigma @ g
    s_factor = np.empty(n_features)
    q_factor = np.empty((n_features, n_targets))
    fitted = g.T @ mu
    for m in range(n_features):
        acc = 0.0
        for a in range(n_active):
            acc += sigma_g[a, m] * g[a, m]
        s_factor[m] = beta * col_norm2[m] - beta * beta * acc
        for t in range(n_targets):
            q_factor[m, t] = beta * phity[m, t] - beta * fitted[m, t]
    return s_factor, q_factor


@njit(cache=True)
def select_move(s_factor, q_factor, alpha, position, n_active, n_targets, allow_add):
    """Best single move: returns (code, column, new_alpha, gain, max |d log alpha|, any add/delete).

    ``position[m]`` is the slot of column ``m`` in the active set, or -1.
    """
    n_features = s_factor.shape[0]
    best_gain = 0.0
    best_code = MOVE_NONE
    best_col = -1
    best_alpha = 0.0
    max_dlog = 0.0
    any_structural = False
    for m in range(n_features):
        big_s = s_factor[m]
        big_q2 = 0.0
        for t in range(n_targets):
            big_q2 += q_factor[m, t] * q_factor[m, t]
        big_q2 /= n_targets
        pos = position[m]
        if pos >= 0:
            a_old = alpha[pos]
            denom = a_old - big_s
            if denom <= 0.0:
                continue
            small_s = a_old * big_s / denom
            small_q2 = big_q2 * (a_old / denom) ** 2
        else:
            small_s = big_s
            small_q2 = big_q2
        theta = small_q2 - small_s
        gain = 0.0
        code = MOVE_NONE
        a_new = 0.0
        if theta > 0.0 and small_s > 0.0:
            a_new = small_s * small_s / theta
            if pos >= 0:
                delta = 1.0 / a_new - 1.0 / a_old
                arg = 1.0 + big_s * delta
                if arg > 0.0:
                    gain = 0.5 * n_targets * (big_q2 * delta / arg - np.log(arg))
                    code = MOVE_REESTIMATE
                    dlog = abs(np.log(a_new) - np.log(a_old))
                    if dlog > max_dlog:
                        max_dlog = dlog
            elif allow_add and big_q2 > 0.0:
                gain = 0.5 * n_targets * ((big_q2 - big_s) / big_s + np.log(big_s / big_q2))
                code = MOVE_ADD
                if gain > 0.0:
                    any_structural = True
        elif pos >= 0 and n_active > 1:
            a_old = alpha[pos]
            arg = 1.0 - big_s / a_old
            if arg > 0.0:
                gain = 0.5 * n_targets * (big_q2 / (big_s - a_old) - np.log(arg))
                code = MOVE_DELETE
                if gain > 0.0:
                    any_structural = True
        if code != MOVE_NONE and gain > best_gain:
            best_gain = gain
            best_code = code
            best_col = m
            best_alpha = a_new
    return best_code, best_col, best_alpha, best_gain, max_dlog, any_structural


@njit(cache=True)
def apply_move(code, col, a_new, active, alpha, position, n_active, slot_rows):
    """Apply an add, re-estimate or delete move to the active set, in place.

    ``slot_rows`` holds one row per active slot that travels with it (the Gram rows, or
    a column view of the weights); on an add, the caller fills row ``n_active`` itself.
    A delete moves the last slot into the freed one. Returns the new active count.
    """
    if code == MOVE_ADD:
        active[n_active] = col
        alpha[n_active] = a_new
        position[col] = n_active
        return n_active + 1
    if code == MOVE_REESTIMATE:
        alpha[position[col]] = a_new
        return n_active
    pos = position[col]
    last = n_active - 1
    if pos != last:
        active[pos] = active[last]
        alpha[pos] = alpha[last]
        slot_rows[pos] = slot_rows[last]
        position[active[pos]] = pos
    position[col] = -1
    return n_active - 1


@njit(cache=True)
def fast_marginal_likelihood(phi, y, beta, learn_noise, beta_max, max_iter, tol, max_active,
                             init_active, init_alpha):
    """Tipping & Faul sequential sparse Bayesian learning.

    Parameters
    ----------
    phi : (n_samples, n_features) Fortran-ordered float64
    y : (n_samples, n_targets) float64
    beta : initial noise precision
    learn_noise : re-estimate beta whenever the precisions have converged for the current beta
        (a sweep); columns are added during the first sweep only
    beta_max : cap on the noise precision
    max_iter : number of moves (and noise updates) allowed
    tol : convergence on ``|d log alpha|`` of re-estimations and on ``|d log beta|``
    max_active : capacity of the active set
    init_active, init_alpha : warm start (columns and their precisions); empty arrays start
        from the single column best aligned with the targets

    Returns
    -------
    active, alpha, sigma, mu, beta, n_iter, scores, converged
    """
    n_samples, n_features = phi.shape
    n_targets = y.shape[1]
    phity = phi.T @ y
    col_norm2 = np.empty(n_features)
    for m in range(n_features):
        col_norm2[m] = np.dot(phi[:, m], phi[:, m])
    y_norm2 = np.sum(y * y)

    gram_rows = np.zeros((max_active, n_features))
    alpha = np.empty(max_active)
    active = np.empty(max_active, dtype=np.int64)
    position = -np.ones(n_features, dtype=np.int64)
    scores = np.empty(max_iter + 1)

    if init_active.size > 0:
        n_active = init_active.size
        for a in range(n_active):
            active[a] = init_active[a]
            alpha[a] = init_alpha[a]
            position[init_active[a]] = a
            gram_rows[a] = phi.T @ phi[:, init_active[a]]
        return _fml_loop(phi, phity, col_norm2, y_norm2, n_samples, n_targets, gram_rows, alpha,
                         active, position, n_active, scores, beta, learn_noise, beta_max,
                         max_iter, tol, max_active)
    # initial basis: the column best aligned with the targets
    best = -1
    best_proj = -1.0
    for m in range(n_features):
        if col_norm2[m] > 0.0:
            proj = 0.0
            for t in range(n_targets):
                proj += phity[m, t] * phity[m, t]
            proj /= n_targets * col_norm2[m]
            if proj > best_proj:
                best_proj = proj
                best = m
    if best < 0:
        return (active[:0].copy(), alpha[:0].copy(), np.zeros((0, 0)),
                np.zeros((0, n_targets)), beta, 0, scores[:0].copy(), True)
    excess = best_proj - 1.0 / beta
    if excess < 1e-3 * best_proj:
        excess = 1e-3 * best_proj
    if excess <= 0.0:
        excess = 1e-300
    n_active = 1
    active[0] = best
    alpha[0] = col_norm2[best] / excess
    position[best] = 0
    gram_rows[0] = phi.T @ phi[:, best]
    return _fml_loop(phi, phity, col_norm2, y_norm2, n_samples, n_targets, gram_rows, alpha,
                     active, position, n_active, scores, beta, learn_noise, beta_max, max_iter,
                     tol, max_active)


@njit(cache=True)
def _fml_loop(phi, phity, col_norm2, y_norm2, n_samples, n_targets, gram_rows, alpha, active,
              position, n_active, scores, beta, learn_noise, beta_max, max_iter, tol, max_active):
    """The move loop of :func:`fast_marginal_likelihood` from a given active set."""
    sigma, mu, logdet_h, phity_act = _active_posterior(gram_rows, phity, alpha, active, n_active, beta)
    resid2 = _residual_norm2(y_norm2, mu, phity_act, gram_rows, active, n_active)
    scores[0] = _log_marginal(n_samples, n_targets, beta, alpha, n_active, logdet_h, resid2, mu)
    n_scores = 1
    converged = False
    allow_add = True
    n_iter = 0
    for it in range(max_iter):
        n_iter = it + 1
        s_factor, q_factor = sparsity_quality(gram_rows, n_active, sigma, mu, phity, col_norm2, beta)
        code, col, a_new, gain, max_dlog, any_structural = select_move(
            s_factor, q_factor, alpha, position, n_active, n_targets, allow_add)
        alpha_converged = (not any_structural) and max_dlog < tol
        if alpha_converged or code == MOVE_NONE:
            if not learn_noise:
                converged = True
                break
            # re-estimate the noise between sweeps: MacKay update, EM fallback keeps the
            # marginal likelihood monotone. Columns enter only during the first sweep, at the
            # conservative initial noise; later sweeps re-estimate and delete only, which stops
            # the noise from running away with columns that fit it.
            allow_add = False
            gamma_eff = 0.0
            for a in range(n_active):
                gamma_eff += 1.0 - alpha[a] * sigma[a, a]
            old_beta = beta
            old_score = scores[n_scores - 1]
            candidate = n_targets * (n_samples - gamma_eff) / resid2
            if candidate > beta_max:
                candidate = beta_max
            accepted = False
            for attempt in range(2):
                if candidate <= 0.0 or not np.isfinite(candidate):
                    candidate = old_beta
                sigma_c, mu_c, logdet_c, phity_c = _active_posterior(
                    gram_rows, phity, alpha, active, n_active, candidate)
                resid_c = _residual_norm2(y_norm2, mu_c, phity_c, gram_rows, active, n_active)
                score_c = _log_marginal(n_samples, n_targets, candidate, alpha, n_active,
                                        logdet_c, resid_c, mu_c)
                if score_c >= old_score - 1e-10 * abs(old_score):
                    accepted = True
                    break
                # EM step on the noise variance (never decreases the likelihood)
                noise_var = (resid2 / n_targets + gamma_eff / old_beta) / n_samples
                candidate = min(1.0 / noise_var, beta_max)
            if not accepted or abs(np.log(candidate) - np.log(old_beta)) < tol:
                if accepted:
                    beta = candidate
                    sigma, mu, logdet_h, phity_act = sigma_c, mu_c, logdet_c, phity_c
                    resid2 = resid_c
                    scores[n_scores] = score_c
                    n_scores += 1
                converged = code == MOVE_NONE or alpha_converged
                break
            beta = candidate
            sigma, mu, logdet_h, phity_act = sigma_c, mu_c, logdet_c, phity_c
            resid2 = resid_c
            scores[n_scores] = score_c
            n_scores += 1
            continue

        if code == MOVE_ADD:
            if n_active >= max_active:
                converged = True
                break
            gram_rows[n_active] = phi.T @ phi[:, col]
        n_active = apply_move(code, col, a_new, active, alpha, position, n_active, gram_rows)
        sigma, mu, logdet_h, phity_act = _active_posterior(
            gram_rows, phity, alpha, active, n_active, beta)
        resid2 = _residual_norm2(y_norm2, mu, phity_act, gram_rows, active, n_active)
        scores[n_scores] = _log_marginal(n_samples, n_targets, beta, alpha, n_active,
                                         logdet_h, resid2, mu)
        n_scores += 1
    return (active[:n_active].copy(), alpha[:n_active].copy(), sigma, mu, beta, n_iter,
            scores[:n_scores].copy(), converged)


@njit(cache=True)
def _residual_noise(phi, y, active, alpha, sigma, mu):
    """MacKay residual noise estimate ``||Y - Phi_A Mu||^2 / (L (n - sum_a (1 - alpha_a Sigma_aa)))``."""
    n_samples = phi.shape[0]
    n_targets = y.shape[1]
    resid = y.copy()
    for a in range(active.size):
        for t in range(n_targets):
            resid[:, t] -= mu[a, t] * phi[:, active[a]]
    dof = float(n_samples)
    for a in range(active.size):
        dof -= 1.0 - alpha[a] * sigma[a, a]
    if dof < 1.0:
        dof = 1.0
    return np.sum(resid * resid) / (n_targets * dof)


@njit(cache=True)
def pilot_noise(phi, y, ratio, max_rounds, max_iter, tol, max_active):
    """Conservative noise variance for the adding sweep of the fast method, and its model.

    Looks for the stable fixed point of ``s -> ratio * est(s)``, where ``est(s)`` is the MacKay
    residual noise estimate ``||Y - Phi_A Mu||^2 / (L (n - sum_a (1 - alpha_a Sigma_aa)))``
    of a fit at the noise ``s`` held fixed. Starting at the variance of the targets
    (``mean(y^2)``, all noise), repeat: fit at ``s`` (warm-started from the previous fit) and
    set ``s <- ratio * est(s)`` while this falls by 5 %. The sequence comes down from above,
    so the sweep that adds columns never runs at a noise below the truth, where columns that
    fit the noise raise the marginal likelihood.

    Where ``s`` stops falling, ``s`` is a fixed point, but a stable one only if the map rises
    above the identity below it. At a high noise the fit shrinks a dense signal so much that its
    residual, hence ``ratio * est(s)``, stays near ``var(y)`` although the noise is far lower
    (k = 20 of 256 columns, 37 dB, ratio 10: ``ratio * est = 1.8 var(y)`` at ``s = var(y)``
    but ``0.012 var(y)`` at ``s = 0.1 var(y)``). So a stop at the start, ``s = var(y)``, is
    checked by probe fits from scratch (a shrunken fit also picks wrong columns) at ``s/2,
    s/4, ...`` down to ``s / ratio``: at the first probe where ``ratio * est`` is below the
    probe noise, the descent goes on from the probe; if none (a noisy problem, where ``est``
    is the real noise), it stops at ``var(y)``. A stop after the descent has begun is the
    stable fixed point: the fit there left a residual well below ``s``.

    Returns
    -------
    noise_var, n_rounds, active, alpha
        The noise, the number of fits, and the model (columns, precisions) fitted at it.
    """
    n_targets = y.shape[1]
    noise_var = np.sum(y * y) / (phi.shape[0] * n_targets)
    active = np.empty(0, dtype=np.int64)
    alpha = np.empty(0)
    if noise_var <= 0.0:
        return 1.0, 0, active, alpha
    active, alpha, sigma, mu, _, _, _, _ = fast_marginal_likelihood(
        phi, y, 1.0 / noise_var, False, 1e300, max_iter, tol, max_active, active, alpha)
    estimate = _residual_noise(phi, y, active, alpha, sigma, mu)
    n_rounds = 1
    while n_rounds < max_rounds:
        proposal = ratio * estimate
        if proposal < 0.95 * noise_var:
            noise_var = proposal
        elif n_rounds > 1:
            break
        else:
            # stalled at var(y): cold probes at s/2, s/4, ... down to s/ratio; the first one
            # above its fixed point (ratio * est < probe) resumes the descent
            probe = noise_var
            found = False
            while probe > 2.0 * noise_var / ratio and n_rounds < max_rounds:
                probe *= 0.5
                p_active, p_alpha, p_sigma, p_mu, _, _, _, _ = fast_marginal_likelihood(
                    phi, y, 1.0 / probe, False, 1e300, max_iter, tol, max_active, active[:0],
                    alpha[:0])
                n_rounds += 1
                p_estimate = _residual_noise(phi, y, p_active, p_alpha, p_sigma, p_mu)
                if ratio * p_estimate < 0.95 * probe:
                    found = True
                    break
            if not found:
                break
            noise_var = ratio * p_estimate
            active, alpha = p_active, p_alpha
        active, alpha, sigma, mu, _, _, _, _ = fast_marginal_likelihood(
            phi, y, 1.0 / noise_var, False, 1e300, max_iter, tol, max_active, active, alpha)
        estimate = _residual_noise(phi, y, active, alpha, sigma, mu)
        n_rounds += 1
    return noise_var, n_rounds, active, alpha

"""Numba kernels for sparse Bayesian learning: the fast marginal-likelihood loop.

Tipping & Faul (2003) sequential algorithm: the model holds an active set of basis functions
(columns of ``Phi``) with finite precisions ``alpha``; the sparsity and quality factors
``S_m = phi_m^T C^-1 phi_m`` and ``Q_m = phi_m^T C^-1 y`` of every column are kept through the
active posterior only, and every iteration applies the single add / re-estimate / delete move
with the largest gain in log marginal likelihood. A move updates ``Sigma``, ``Mu``, ``S`` and
``Q`` by the rank-one formulas of the paper's appendix, ``O(n_features k)`` for ``k`` active
columns (plus ``O(n_samples n_features)`` for ``Phi^T phi`` when a column enters); they are
recomputed in full (``O(n_features k^2)``) when the noise changes and before convergence is
declared, which also clears the round-off of the updates.

Multiple measurement vectors (``Y`` with ``L`` columns sharing the precisions, M-SBL) enter
only through ``mean_l Q_{ml}^2``: every gain and every optimal precision is that of the
single-vector formulas with ``Q^2`` replaced by its mean over the columns, times ``L``.

Kernels take arrays that are already validated and contiguous; they never check input.
"""
import numpy as np
from numba import njit

from .blas import gemm, gemv
from .lapack import spd_inverse

_LOG_2PI = np.log(2.0 * np.pi)

# move codes reported by the selection step
MOVE_NONE = 0
MOVE_ADD = 1
MOVE_REESTIMATE = 2
MOVE_DELETE = 3


@njit(cache=True, inline="always")
def _active_posterior(gram_rows, phity, alpha, active, n_active, beta):
    """Posterior of the active weights: Sigma, Mu and log|Sigma^-1|."""
    k = n_active
    hessian = np.empty((k, k))
    for a in range(k):
        for b in range(k):
            hessian[a, b] = beta * gram_rows[a, active[b]]
        hessian[a, a] += alpha[a]
    sigma, chol, ok = spd_inverse(hessian)
    if not ok:
        raise np.linalg.LinAlgError("the posterior precision is not positive definite")
    logdet_hessian = 0.0
    for a in range(k):
        logdet_hessian += 2.0 * np.log(chol[a, a])
    # symmetrize against round-off
    for a in range(k):
        for b in range(a + 1, k):
            avg = 0.5 * (sigma[a, b] + sigma[b, a])
            sigma[a, b] = avg
            sigma[b, a] = avg
    n_targets = phity.shape[1]
    phity_active = np.empty((k, n_targets))
    for a in range(k):
        for t in range(n_targets):
            phity_active[a, t] = phity[active[a], t]
    mu = gemm(sigma, phity_active, np.empty((k, n_targets)), np.bool_(False))
    for a in range(k):
        for t in range(n_targets):
            mu[a, t] *= beta
    return sigma, mu, logdet_hessian


@njit(cache=True)
def _residual_norm2(y_norm2, mu, phity, gram_rows, active, n_active):
    """||Y - Phi_A Mu||_F^2 from cached inner products (clipped at zero)."""
    k = n_active
    gram_aa = np.empty((k, k))
    for a in range(k):
        for b in range(k):
            gram_aa[a, b] = gram_rows[a, active[b]]
    gram_mu = gemm(gram_aa, mu, np.empty(mu.shape), np.bool_(False))
    fit2 = 0.0
    cross = 0.0
    for a in range(k):
        for t in range(mu.shape[1]):
            fit2 += mu[a, t] * gram_mu[a, t]
            cross += mu[a, t] * phity[active[a], t]
    value = y_norm2 - 2.0 * cross + fit2
    if value < 1e-300:
        value = 1e-300
    return value


@njit(cache=True, inline="always")
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


@njit(cache=True, inline="always")
def sparsity_quality(gram_rows, n_active, sigma, mu, phity, col_norm2, beta):
    """Sparsity ``S`` and quality ``mean_l Q^2`` factors of every column (Woodbury form).

    ``S_m = beta ||phi_m||^2 - beta^2 g_m^T Sigma g_m`` and
    ``Q_m = beta phi_m^T Y - beta g_m^T Mu`` with ``g_m = Phi_A^T phi_m`` (rows of
    ``gram_rows``).
    """
    n_features = phity.shape[0]
    n_targets = phity.shape[1]
    g = gram_rows[:n_active]
    sigma_g = gemm(sigma, g, np.empty((n_active, n_features)), np.bool_(False))
    s_factor = np.empty(n_features)
    q_factor = np.empty((n_features, n_targets))
    fitted = gemm(g, mu, np.empty((n_features, n_targets)), np.bool_(True))
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
        for j in range(slot_rows.shape[1]):
            slot_rows[pos, j] = slot_rows[last, j]
        position[active[pos]] = pos
    position[col] = -1
    return n_active - 1


@njit(cache=True)
def _refresh(gram_rows, phity, col_norm2, y_norm2, alpha, active, n_active, beta, n_samples,
             n_targets):
    """Full recomputation of the posterior, the factors ``S``, ``Q`` and the log marginal
    likelihood (after a change of noise, and to clear the round-off of the rank-one updates).

    Returns sigma, mu, s_factor, q_factor, score, resid2.
    """
    sigma, mu, logdet_h = _active_posterior(gram_rows, phity, alpha, active, n_active, beta)
    resid2 = _residual_norm2(y_norm2, mu, phity, gram_rows, active, n_active)
    score = _log_marginal(n_samples, n_targets, beta, alpha, n_active, logdet_h, resid2, mu)
    s_factor, q_factor = sparsity_quality(gram_rows, n_active, sigma, mu, phity, col_norm2, beta)
    return sigma, mu, s_factor, q_factor, score, resid2


@njit(cache=True)
def _rank_one_reestimate(slot, a_new, alpha, gram_rows, n_active, sigma, mu, s_factor,
                         q_factor, beta):
    """Re-estimate the precision of an active slot: rank-one update of ``Sigma``, ``Mu``,
    ``S`` and ``Q`` (Tipping & Faul 2003, appendix), in place."""
    k = n_active
    sigma_j = sigma[:, slot].copy()
    mu_j = mu[slot].copy()
    kappa = 1.0 / (sigma_j[slot] + 1.0 / (a_new - alpha[slot]))
    for a in range(k):
        for b in range(k):
            sigma[a, b] -= kappa * sigma_j[a] * sigma_j[b]
        for t in range(mu.shape[1]):
            mu[a, t] -= kappa * sigma_j[a] * mu_j[t]
    proj = gemv(gram_rows[:k], sigma_j, np.empty(s_factor.shape[0]), np.bool_(True))
    for m in range(s_factor.shape[0]):
        proj_m = beta * proj[m]
        s_factor[m] += kappa * proj_m * proj_m
        for t in range(mu.shape[1]):
            q_factor[m, t] += kappa * proj_m * mu_j[t]
    alpha[slot] = a_new


@njit(cache=True)
def _rank_one_add(col, a_new, gram_row, gram_rows, n_active, sigma, mu, s_factor, q_factor,
                  beta):
    """Add column ``col`` with precision ``a_new``: the grown ``Sigma`` and ``Mu``, and the
    rank-one update of ``S`` and ``Q`` in place (``gram_row = Phi^T phi_col``)."""
    k = n_active
    n_targets = mu.shape[1]
    sigma_ii = 1.0 / (a_new + s_factor[col])
    mu_i = np.empty(n_targets)
    for t in range(n_targets):
        mu_i[t] = sigma_ii * q_factor[col, t]
    comm = np.empty(k)
    for a in range(k):
        acc = 0.0
        for b in range(k):
            acc += sigma[a, b] * gram_rows[b, col]
        comm[a] = acc
    grown = np.empty((k + 1, k + 1))
    grown_mu = np.empty((k + 1, n_targets))
    for a in range(k):
        for b in range(k):
            grown[a, b] = sigma[a, b] + beta * beta * sigma_ii * comm[a] * comm[b]
        grown[a, k] = -beta * sigma_ii * comm[a]
        grown[k, a] = grown[a, k]
        for t in range(n_targets):
            grown_mu[a, t] = mu[a, t] - beta * comm[a] * mu_i[t]
    grown[k, k] = sigma_ii
    for t in range(n_targets):
        grown_mu[k, t] = mu_i[t]
    proj = gemv(gram_rows[:k], comm, np.empty(s_factor.shape[0]), np.bool_(True))
    for m in range(s_factor.shape[0]):
        proj_m = beta * gram_row[m] - beta * beta * proj[m]
        s_factor[m] -= sigma_ii * proj_m * proj_m
        for t in range(n_targets):
            q_factor[m, t] -= mu_i[t] * proj_m
    return grown, grown_mu


@njit(cache=True)
def _rank_one_delete(slot, gram_rows, n_active, sigma, mu, s_factor, q_factor, beta):
    """Delete an active slot: the shrunk ``Sigma`` and ``Mu`` (the last slot moves into the
    freed one, as :func:`apply_move` does) and the rank-one update of ``S`` and ``Q``."""
    k = n_active
    n_targets = mu.shape[1]
    sigma_j = sigma[:, slot].copy()
    mu_j = mu[slot].copy()
    sigma_jj = sigma_j[slot]
    proj = gemv(gram_rows[:k], sigma_j, np.empty(s_factor.shape[0]), np.bool_(True))
    for m in range(s_factor.shape[0]):
        proj_m = beta * proj[m]
        s_factor[m] += proj_m * proj_m / sigma_jj
        for t in range(n_targets):
            q_factor[m, t] += proj_m * mu_j[t] / sigma_jj
    order = np.empty(k - 1, np.int64)  # the last slot moves into the freed one
    for a in range(k - 1):
        order[a] = k - 1 if a == slot else a
    shrunk = np.empty((k - 1, k - 1))
    shrunk_mu = np.empty((k - 1, n_targets))
    for a in range(k - 1):
        oa = order[a]
        for b in range(k - 1):
            ob = order[b]
            shrunk[a, b] = sigma[oa, ob] - sigma_j[oa] * sigma_j[ob] / sigma_jj
        for t in range(n_targets):
            shrunk_mu[a, t] = mu[oa, t] - sigma_j[oa] * mu_j[t] / sigma_jj
    return shrunk, shrunk_mu


@njit(cache=True, inline="always")
def _mackay_noise(alpha, sigma, n_active, resid2, n_samples, n_targets):
    """MacKay residual noise ``||Y - Phi_A Mu||^2 / (L (n - sum_a (1 - alpha_a Sigma_aa)))``."""
    dof = float(n_samples)
    for a in range(n_active):
        dof -= 1.0 - alpha[a] * sigma[a, a]
    if dof < 1.0:
        dof = 1.0
    return resid2 / (n_targets * dof)


@njit(cache=True)
def _gram_row(phit, gram, col, out):
    """Write row ``col`` of ``Phi^T Phi`` into ``out``: read from ``gram`` when it is given
    (not empty), else computed from ``phit = Phi^T``."""
    if gram.shape[0] > 0:
        for m in range(out.shape[0]):
            out[m] = gram[col, m]
    else:
        gemv(phit, phit[col], out, np.bool_(False))


def fast_marginal_likelihood(phi, y, beta, learn_noise, beta_max, max_iter, tol, max_active,
                             add_ratio, level_gain, cold_probes):
    """Tipping & Faul sequential sparse Bayesian learning on the columns ``phi``: the
    statistics ``Phi^T Y``, ``||phi_m||^2`` and ``||Y||^2``, then :func:`_fast_loop` (the
    Gram rows of the columns that enter are computed from ``phi``).

    Parameters and returns are those of :func:`_fast_loop`, with ``phi`` of shape
    (n_samples, n_features) (Fortran-ordered: its transpose is passed on without a copy) and
    ``y`` of shape (n_samples, n_targets).
    """
    phit = np.ascontiguousarray(phi.T, dtype=np.float64)
    y = np.ascontiguousarray(y, dtype=np.float64)
    phity = phit @ y
    col_norm2 = np.einsum("ij,ij->i", phit, phit)
    y_norm2 = float(np.einsum("ij,ij->", y, y))
    return _fast_loop(phit, np.empty((0, 0)), phity, col_norm2, y_norm2, phit.shape[1],
                      *_loop_options(beta, learn_noise, beta_max, max_iter, tol, max_active,
                                     add_ratio, level_gain, cold_probes))


def fast_marginal_likelihood_gram(gram, phity, y_norm2, n_samples, beta, learn_noise, beta_max,
                                  max_iter, tol, max_active, add_ratio, level_gain, cold_probes):
    """:func:`fast_marginal_likelihood` on the sufficient statistics of the data: the Gram
    ``gram = Phi^T Phi`` ((n_features, n_features)), ``phity = Phi^T Y``
    ((n_features, n_targets)), ``y_norm2 = ||Y||_F^2`` and the number of samples (the rows of
    ``Phi``, which the marginal likelihood and the noise estimate count). The same loop, which
    reads the Gram rows instead of computing them; parameters and returns otherwise those of
    :func:`_fast_loop`.
    """
    gram = np.ascontiguousarray(gram, dtype=np.float64)
    col_norm2 = np.diag(gram).copy()
    return _fast_loop(np.empty((0, 0)), gram, np.ascontiguousarray(phity, dtype=np.float64),
                      col_norm2, float(y_norm2), int(n_samples),
                      *_loop_options(beta, learn_noise, beta_max, max_iter, tol, max_active,
                                     add_ratio, level_gain, cold_probes))


def _loop_options(beta, learn_noise, beta_max, max_iter, tol, max_active, add_ratio,
                  level_gain, cold_probes):
    """The scalar arguments of :func:`_fast_loop` as the types of its one signature."""
    return (float(beta), bool(learn_noise), float(beta_max), int(max_iter), float(tol),
            int(max_active), float(add_ratio), float(level_gain), bool(cold_probes))


@njit(cache=True)
def _fast_loop(phit, gram, phity, col_norm2, y_norm2, n_samples, beta, learn_noise, beta_max,
               max_iter, tol, max_active, add_ratio, level_gain, cold_probes):
    """Tipping & Faul sequential sparse Bayesian learning, in one run.

    Every iteration applies the add / re-estimate / delete move with the largest gain in log
    marginal likelihood and updates ``Sigma``, ``Mu`` and the factors ``S``, ``Q`` of every
    column by the rank-one formulas of Tipping & Faul (2003, appendix): ``O(n_features k)``
    per move, plus ``O(n_samples n_features)`` when a column enters. They are recomputed in
    full whenever the noise changes and before any convergence is declared.

    With a fixed noise (``learn_noise`` False) the moves run at the noise precision ``beta``
    until no column would enter or leave and every re-estimation changes ``log alpha`` by
    less than ``tol``.

    With a learned noise the run has two phases.

    1. Adding phase, a continuation in the noise: the moves run at an adding noise ``s`` that
       starts at ``1 / beta`` and comes down. When the moves have settled at ``s`` (no move
       gains more than ``level_gain``, or the ``tol`` rule at ``1e-2``), ``s`` goes to
       ``add_ratio`` times the MacKay residual noise of the model
       ``||Y - Phi_A Mu||^2 / (L (n - sum_a (1 - alpha_a Sigma_aa)))`` if that is at least 5 %
       lower (by at most a factor 100 at once). A column outside the model enters at ``s``
       when its ``z^2 = (phi^T r)^2 / s`` exceeds about 1, so at ``add_ratio`` times the noise a
       null column needs ``z^2`` above about ``add_ratio``. Where the noise does not fall at
       the start (a model fitted at a high noise is shrunk and leaves much of ``Y`` to the
       residual), ``s`` is halved down to ``2 / add_ratio`` of its start (from the model of
       the level above, or with ``cold_probes`` from the initial column, as a fresh run
       would): the first level whose fit leaves a residual noise below ``s / add_ratio``
       resumes the descent; if none does (a noisy problem), the model fitted at the start is
       restored. The phase ends when the moves have converged (``tol``) at an ``s`` that no
       longer falls.
    2. Noise phase: the noise precision is re-estimated whenever the precisions have
       converged for the current noise (MacKay update, with the EM update as a fallback that
       never lowers the marginal likelihood), and the moves re-estimate and delete only. The
       run stops when the precisions have converged and the noise changes ``log beta`` by less
       than ``tol``.

    Parameters
    ----------
    phit : (n_features, n_samples) C-ordered float64 ``Phi^T``, the columns as rows (empty
        with ``gram``)
    gram : (n_features, n_features) C-ordered float64 ``Phi^T Phi``, or empty: rows computed
        from ``phit``
    phity : (n_features, n_targets) float64 ``Phi^T Y``
    col_norm2 : (n_features,) float64 squared column norms
    y_norm2 : ``||Y||_F^2``
    n_samples : number of samples
    beta : noise precision (fixed noise), or the inverse of the initial adding noise
    learn_noise : whether the noise is learned (two phases) or fixed
    beta_max : cap on the noise precision
    max_iter : number of iterations (moves and noise updates) allowed at each adding noise
        (a level that spends them moves on) and in the last phase (which then stops
        unconverged)
    tol : convergence on ``|d log alpha|`` of re-estimations and on ``|d log beta|``
    max_active : capacity of the active set
    add_ratio : ratio of the adding noise to the residual noise
    level_gain : largest gain (nats) at which the moves have settled at an adding-noise level
    cold_probes : fit each halved adding noise from the initial column

    Returns
    -------
    active, alpha, sigma, mu, beta, n_iter, scores, converged
        ``scores`` holds the log marginal likelihood after each iteration of the last phase
        (the adding phase's are at noises that are not the model's); ``n_iter`` counts the
        iterations of both phases.
    """
    n_features, n_targets = phity.shape

    gram_rows = np.zeros((max_active, n_features))
    alpha = np.empty(max_active)
    active = np.empty(max_active, dtype=np.int64)
    position = -np.ones(n_features, dtype=np.int64)
    scores = np.empty(max_iter + 2)

    # initial basis: the column best aligned with the targets
    best = np.int64(-1)
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
    n_active = np.int64(1)
    active[0] = best
    alpha[0] = col_norm2[best] / excess
    position[best] = 0
    _gram_row(phit, gram, best, gram_rows[0])

    sigma, mu, s_factor, q_factor, score, resid2 = _refresh(
        gram_rows, phity, col_norm2, y_norm2, alpha, active, n_active, beta, n_samples, n_targets)
    # scores of the last phase only (the adding phase's are at noises that are not the model's)
    scores[0] = score
    n_scores = np.int64(1)
    converged = False
    adding = learn_noise
    descending = False
    level_tol = 1e-2 if tol < 1e-2 else tol
    start_noise = 1.0 / beta
    saved_active = active[:0].copy()
    saved_alpha = alpha[:0].copy()
    saved_noise = 0.0
    fresh = True  # S, Q, Sigma, Mu are exact (no rank-one update since the last refresh)
    allow_add = np.bool_(True)
    n_iter = np.int64(0)
    level_iter = 0  # iterations at the current adding noise, or in the last phase
    while True:
        if level_iter >= max_iter and not adding:
            break
        n_iter += 1
        level_iter += 1
        code, col, a_new, gain, max_dlog, any_structural = select_move(
            s_factor, q_factor, alpha, position, n_active, n_targets, allow_add)
        if adding and level_tol > tol:
            settled = (((not any_structural) and max_dlog < level_tol) or code == MOVE_NONE
                       or gain < level_gain)
        else:
            settled = ((not any_structural) and max_dlog < tol) or code == MOVE_NONE
        capped = adding and level_iter >= max_iter
        if capped:
            settled = True  # this level's budget is spent: move on
        if settled and not fresh and adding and level_tol > tol and not capped:
            # an intermediate adding level: the noise estimate needs only the residual of
            # the updated posterior, O(k^2); the new level refreshes everything
            resid2 = _residual_norm2(y_norm2, mu, phity, gram_rows, active, n_active)
        elif settled and not fresh:
            # confirm on exact statistics
            sigma, mu, s_factor, q_factor, score, resid2 = _refresh(
                gram_rows, phity, col_norm2, y_norm2, alpha, active, n_active, beta,
                n_samples, n_targets)
            fresh = True
            if not capped:
                continue
        if settled and adding:
            level_iter = 0
            noise_add = 1.0 / beta
            proposal = add_ratio * _mackay_noise(alpha, sigma, n_active, resid2, n_samples,
                                                 n_targets)
            if proposal < 0.01 * noise_add:
                proposal = 0.01 * noise_add
            if proposal < 1.0 / beta_max:
                proposal = 1.0 / beta_max
            new_noise = 0.0
            if proposal < 0.95 * noise_add:
                descending = True
                new_noise = proposal
            elif not descending and noise_add > 2.0 * start_noise / add_ratio:
                # stalled at the start: halve the adding noise, remembering the first model
                if saved_noise == 0.0:
                    saved_active = active[:n_active].copy()
                    saved_alpha = alpha[:n_active].copy()
                    saved_noise = noise_add
                new_noise = 0.5 * noise_add
                if cold_probes:
                    # probe from the initial column, as a fresh run would
                    for a in range(n_active):
                        position[active[a]] = -1
                    n_active = np.int64(1)
                    active[0] = best
                    position[best] = 0
                    _gram_row(phit, gram, best, gram_rows[0])
                    excess = best_proj - new_noise
                    if excess < 1e-3 * best_proj:
                        excess = 1e-3 * best_proj
                    alpha[0] = col_norm2[best] / excess
            elif not descending and saved_noise > 0.0:
                # no level resumed the descent: back to the model fitted at the start
                for a in range(n_active):
                    position[active[a]] = -1
                n_active = saved_active.size
                for a in range(n_active):
                    active[a] = saved_active[a]
                    alpha[a] = saved_alpha[a]
                    position[saved_active[a]] = a
                    _gram_row(phit, gram, saved_active[a], gram_rows[a])
                descending = True
                new_noise = saved_noise
            elif level_tol > tol:
                level_tol = tol
                continue
            else:
                # the adding noise has settled: the noise phase starts, and with it the scores
                adding = False
                scores[0] = score
                n_scores = np.int64(1)
            if new_noise > 0.0:
                beta = 1.0 / new_noise
                sigma, mu, s_factor, q_factor, score, resid2 = _refresh(
                    gram_rows, phity, col_norm2, y_norm2, alpha, active, n_active, beta,
                    n_samples, n_targets)
                continue
        if settled:
            if not learn_noise:
                converged = True
                break
            # re-estimate the noise between sweeps: MacKay update, EM fallback keeps the
            # marginal likelihood monotone. Columns enter only during the adding phase; later
            # sweeps re-estimate and delete only, which stops the noise from running away with
            # columns that fit it.
            allow_add = False
            gamma_eff = 0.0
            for a in range(n_active):
                gamma_eff += 1.0 - alpha[a] * sigma[a, a]
            old_beta = beta
            old_score = score
            candidate = n_targets * (n_samples - gamma_eff) / resid2
            if candidate > beta_max:
                candidate = beta_max
            accepted = False
            for attempt in range(2):
                if candidate <= 0.0 or not np.isfinite(candidate):
                    candidate = old_beta
                sigma_c, mu_c, s_c, q_c, score_c, resid_c = _refresh(
                    gram_rows, phity, col_norm2, y_norm2, alpha, active, n_active, candidate,
                    n_samples, n_targets)
                if score_c >= old_score - 1e-10 * abs(old_score):
                    accepted = True
                    break
                # EM step on the noise variance (never decreases the likelihood)
                noise_var = (resid2 / n_targets + gamma_eff / old_beta) / n_samples
                candidate = min(1.0 / noise_var, beta_max)
            if accepted:
                small = abs(np.log(candidate) - np.log(old_beta)) < tol
                beta = candidate
                sigma, mu, s_factor, q_factor = sigma_c, mu_c, s_c, q_c
                score, resid2 = score_c, resid_c
                scores[n_scores] = score
                n_scores += 1
                if not small and level_iter < max_iter:
                    continue
                converged = small
            else:
                converged = True
            break

        if code == MOVE_ADD:
            if n_active >= max_active:
                converged = True
                break
            _gram_row(phit, gram, col, gram_rows[n_active])
            sigma, mu = _rank_one_add(col, a_new, gram_rows[n_active], gram_rows, n_active,
                                      sigma, mu, s_factor, q_factor, beta)
        elif code == MOVE_REESTIMATE:
            _rank_one_reestimate(position[col], a_new, alpha, gram_rows, n_active, sigma, mu,
                                 s_factor, q_factor, beta)
        else:
            sigma, mu = _rank_one_delete(position[col], gram_rows, n_active, sigma, mu,
                                         s_factor, q_factor, beta)
        n_active = apply_move(code, col, a_new, active, alpha, position, n_active, gram_rows)
        fresh = False
        score += gain
        if not adding:
            scores[n_scores] = score
            n_scores += 1
    if not fresh:
        sigma, mu, s_factor, q_factor, score, resid2 = _refresh(
            gram_rows, phity, col_norm2, y_norm2, alpha, active, n_active, beta, n_samples,
            n_targets)
        scores[n_scores - 1] = score
    return (active[:n_active].copy(), alpha[:n_active].copy(), sigma, mu, beta, n_iter,
            scores[:n_scores].copy(), converged)

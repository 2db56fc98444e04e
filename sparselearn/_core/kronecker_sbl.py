"""Kronecker-structured sparse Bayesian learning (He & Joseph, IEEE TSP 2024).

Pure functions on validated arrays: no input checks, no scikit-learn. The model is
``y = np.kron(A_1, ..., A_I) @ x + e`` with the prior ``x ~ N(0, diag(gamma_1 kron ... kron
gamma_I))``; the Kronecker product is never formed.

This module is numpy-level rather than Numba: every step is a few small eigendecompositions,
SVDs, NNLS solves and tensor contractions (``np.tensordot``) that LAPACK/BLAS already run at
full speed, for any number of factors and for complex data, and the Python loop steps once per
such batch of calls, so compiling it would not save time.
"""
import numpy as np
from scipy.optimize import nnls

# EM iterations run at the initial noise variance before it is learned: early posteriors are
# poor, and an EM noise update there drags the noise below its level (AM) or lets it run away
# after a premature pruning, and both lock the factors on a wrong support. Nothing is pruned
# during the warm-up: an index removed while the noise is still a guess cannot come back.
NOISE_WARMUP = 10
# Initial noise variance, as a fraction of mean |y|^2, per M-step. The rank-1 SVD M-step is not
# an EM step: held at a noise well above the truth it shrinks the weaker entries of each factor,
# and the EM noise update then grows with the unexplained signal, so "svd" starts lower. AM's
# exact M-step does not shrink, while a low start can drag its noise below its level, so "am"
# starts higher.
NOISE_INIT = {"am": 0.1, "svd": 0.03}
# Default relative pruning threshold per M-step.
PRUNE = {"am": 1e-2, "svd": 1e-3}
# relative floor on a pattern-coupled variance (He & Joseph's PC-KroSBL code floors at 1e-5)
COUPLED_FLOOR = 1e-5
# floor on the learned noise variance, in the unit-power scaling of y
NOISE_FLOOR = 1e-10


def mode_product(tensor, matrix, mode):
    """Multiply ``tensor`` along axis ``mode`` by ``matrix`` (shape (new, old))."""
    return np.moveaxis(np.tensordot(matrix, tensor, axes=(1, mode)), 0, mode)


def kron_matvec(factors, x):
    """``np.kron(A_1, ..., A_I) @ x`` by mode products, for ``x`` in ``np.kron`` (C) order."""
    tensor = np.reshape(x, [f.shape[1] for f in factors])
    for mode, factor in enumerate(factors):
        tensor = mode_product(tensor, factor, mode)
    return tensor.ravel()


def outer(vectors):
    """Outer product tensor of the vectors; its ravel is ``np.kron`` of them."""
    out = vectors[0]
    for v in vectors[1:]:
        out = np.multiply.outer(out, v)
    return out


def posterior(factors, gammas, y_tensor, noise_var):
    """E-step through per-factor eigendecompositions of ``A_i Gamma_i A_i^H``.

    With ``A_i Gamma_i A_i^H = U_i P_i U_i^H``, ``C^-1 = (kron U_i) D (kron U_i)^H`` with
    ``D = diag(1 / (noise_var + kron p_i))``, so ``mu = (kron G_i) D (kron U_i)^H y`` and
    ``diag Sigma = kron gamma_i - (kron |G_i|^2) diag D`` with ``G_i = Gamma_i A_i^H U_i``.

    Returns
    -------
    mean : ndarray of shape (n_1, ..., n_I)
        Posterior mean tensor.
    diag_sigma : ndarray of shape (n_1, ..., n_I)
        Diagonal of the posterior covariance.
    new_noise : float
        EM update of the noise variance, ``(||y - A mu||^2 + tr(A Sigma A^H)) / m``.
    """
    eig_u, eig_p, mats_g = [], [], []
    thin = False
    for factor, gamma in zip(factors, gammas):
        if factor.shape[0] > factor.shape[1]:
            # a tall factor: A_i Gamma_i A_i^H has rank <= n_i; its range comes from the thin
            # SVD of A_i Gamma_i^(1/2) (O(m_i n_i^2), not O(m_i^3)). On the rest of the basis
            # G_i = 0 and D = 1 / noise_var, which only adds ||y||^2 - ||z||^2 to the residual.
            u_vecs, s_vals, _ = np.linalg.svd(factor * np.sqrt(gamma), full_matrices=False)
            p_vals = s_vals ** 2
            thin = True
        else:
            b_mat = (factor * gamma) @ factor.conj().T
            p_vals, u_vecs = np.linalg.eigh(b_mat)
        eig_p.append(np.maximum(p_vals, 0.0))
        eig_u.append(u_vecs)
        mats_g.append(gamma[:, None] * (factor.conj().T @ u_vecs))
    z = y_tensor
    for mode, u_vecs in enumerate(eig_u):
        z = mode_product(z, u_vecs.conj().T, mode)
    power = outer(eig_p)
    d_inv = 1.0 / (noise_var + power)
    mean = d_inv * z
    for mode, g_mat in enumerate(mats_g):
        mean = mode_product(mean, g_mat, mode)
    reduction = d_inv
    for mode, g_mat in enumerate(mats_g):
        reduction = mode_product(reduction, np.abs(g_mat) ** 2, mode)
    diag_sigma = np.maximum(outer(gammas) - reduction, 0.0)
    # residual y - A mu = (kron U) noise_var D z ; tr(A Sigma A^H) = noise_var sum(P D)
    resid2 = noise_var ** 2 * np.sum(np.abs(d_inv * z) ** 2)
    if thin:
        resid2 += max(np.sum(np.abs(y_tensor) ** 2) - np.sum(np.abs(z) ** 2), 0.0)
    trace = noise_var * np.sum(power * d_inv)
    new_noise = (resid2 + trace) / y_tensor.size
    return mean, diag_sigma, new_noise


def rank_one_svd(second_moment):
    """SVD-KroSBL M-step: successive rank-1 SVDs of the unfoldings of ``second_moment``."""
    shape = second_moment.shape
    gammas = []
    rest = second_moment
    for mode in range(len(shape) - 1):
        mat = rest.reshape(shape[mode], -1)
        u, s, vt = np.linalg.svd(mat, full_matrices=False)
        gammas.append(np.abs(u[:, 0]))
        rest = np.abs(s[0] * vt[0])
    gammas.append(rest.reshape(shape[-1]))
    return gammas


def em_objective(second_moment, gammas):
    """EM objective of the M-step, ``sum_j log g_j + Lambda_j / g_j`` for ``g = kron gamma_i``."""
    g = outer(gammas)
    return float(np.sum(np.log(g) + second_moment / g))


def alternating(second_moment, gammas, couplings=None, inner_tol=1e-5, inner_max_iter=100):
    """AM-KroSBL M-step: exact block-coordinate minimization of :func:`em_objective`.

    Each factor in turn gets ``gamma_i <- mean over the other modes of Lambda / (kron of the
    other gammas)``, its exact minimizer; then the factors are normalized (:func:`normalize`).
    ``couplings[i]``, when not None, is the pattern-coupling matrix ``C_i`` of factor ``i``:
    its update is then projected on ``{C_i g, g >= 0}`` (:func:`project_coupled`) before the
    next factor is updated, as in He & Joseph's PC-KroSBL. Returns new arrays.
    """
    gammas = [g.copy() for g in gammas]
    n_modes = len(gammas)
    if couplings is None:
        couplings = [None] * n_modes
    for _ in range(inner_max_iter):
        old = outer(gammas)
        for mode in range(n_modes):
            others = [g if i != mode else np.ones_like(g) for i, g in enumerate(gammas)]
            ratio = second_moment / outer(others)
            axes = tuple(i for i in range(n_modes) if i != mode)
            update = ratio.mean(axis=axes) if axes else ratio
            if couplings[mode] is not None:
                update = project_coupled(update, couplings[mode])
            gammas[mode] = update
        normalize(gammas)
        new = outer(gammas)
        if np.linalg.norm(new - old) <= inner_tol * np.linalg.norm(new):
            break
    return gammas


def normalize(gammas):
    """Remove the scale ambiguity in place: unit-norm factors, scale carried by the last one.

    The Kronecker product of the factors is unchanged (up to rounding).
    """
    scale = 1.0
    for mode in range(len(gammas) - 1):
        norm = np.linalg.norm(gammas[mode])
        if norm > 0:
            gammas[mode] = gammas[mode] / norm
            scale *= norm
    gammas[-1] = gammas[-1] * scale


def coupling_matrix(index, coupling):
    """Pattern-coupling matrix ``I + coupling N`` on the surviving indices ``index`` of a factor,
    where ``N`` links indices that are neighbours in the original grid."""
    adjacent = np.abs(np.subtract.outer(index, index)) == 1
    return np.eye(index.size) + coupling * adjacent


def project_coupled(gamma, c_mat):
    """Closest coupled variance ``C g`` (``g >= 0``, NNLS) to ``gamma``, floored at
    ``COUPLED_FLOOR`` times its maximum so that no variance of a live index is exactly zero
    (the next factor's update divides by it)."""
    base, _ = nnls(c_mat, gamma)
    coupled = c_mat @ base
    return coupled + COUPLED_FLOOR * np.max(coupled, initial=0.0)


def embed(gammas, indices, sizes):
    """Kronecker tensor of the per-factor variances put back on full grids of ``sizes``."""
    full = [np.zeros(n) for n in sizes]
    for vec, g, idx in zip(full, gammas, indices):
        vec[idx] = g
    return outer(full)


def ksbl_em(work, y_tensor, indices, gammas, noise, learn_noise, method, max_iter, tol, prune,
            coupled_modes, coupling, progress=None):
    """The EM iterations of KroSBL on unit-scaled data.

    Parameters
    ----------
    work : list of ndarray of shape (m_i, n_i)
        Factors with unit-norm (or zero) columns.
    y_tensor : ndarray of shape (m_1, ..., m_I)
        Unit-power measurements.
    indices : list of ndarray of int
        Live indices of each factor; updated in place as indices are pruned.
    gammas : list of ndarray
        Initial variances on the live indices.
    noise : float
        Known, or initial, noise variance.
    learn_noise : bool
        Learn the noise (after ``NOISE_WARMUP`` iterations held at ``noise``, without pruning).
    method : {"svd", "am"}
        M-step: :func:`rank_one_svd` or :func:`alternating`.
    max_iter : int
    tol : float
        Stop when ``||d gamma|| / ||gamma|| < tol`` for ``gamma = kron gamma_i``.
    prune : float
        Index ``j`` of factor ``i`` leaves when the second moment it carries (summed over the
        other modes) is below ``prune`` times the factor's largest.
    coupled_modes : list of int
        Factors with a pattern-coupled prior.
    coupling : float
        Coupling strength.
    progress : Progress or None, default=None
        A :class:`sparselearn._progress.Progress`, updated after every iteration with the
        relative change of ``gamma`` and the state ``gammas``, ``indices`` (live, unit-scaled),
        ``noise_var`` (unit-scaled); the loop stops when it returns True.

    Returns
    -------
    mean, gammas, indices, noise, n_iter, converged
        ``mean`` is the posterior mean on the live grid ``np.ix_(*indices)``.
    """
    n_modes = len(work)
    sizes = [w.shape[1] for w in work]
    gamma_full = embed(gammas, indices, sizes)
    converged = False
    n_iter = 0
    for n_iter in range(1, max_iter + 1):
        active = [w[:, i] for w, i in zip(work, indices)]
        mean, diag_sigma, new_noise = posterior(active, gammas, y_tensor, noise)
        second_moment = diag_sigma + np.abs(mean) ** 2
        couplings = [coupling_matrix(indices[mode], coupling) if mode in coupled_modes
                     else None for mode in range(n_modes)]
        if method == "svd":
            gammas = rank_one_svd(second_moment)
            for mode in coupled_modes:
                gammas[mode] = project_coupled(gammas[mode], couplings[mode])
        else:
            gammas = alternating(second_moment, gammas, couplings)
        if learn_noise and n_iter > NOISE_WARMUP:
            noise = max(new_noise, NOISE_FLOOR)
        # prune per factor, on the share of the second moment each index carries
        warming_up = learn_noise and n_iter <= NOISE_WARMUP
        for mode in range(0 if warming_up else n_modes):
            others = tuple(j for j in range(n_modes) if j != mode)
            energy = second_moment.sum(axis=others) if others else second_moment
            keep = energy >= prune * np.max(energy, initial=0.0)
            keep &= gammas[mode] > 0
            if not np.any(keep):
                keep[np.argmax(gammas[mode])] = True
            gammas[mode] = gammas[mode][keep]
            indices[mode] = indices[mode][keep]
        new_full = embed(gammas, indices, sizes)
        change = np.linalg.norm(new_full - gamma_full) / max(np.linalg.norm(gamma_full), 1e-300)
        gamma_full = new_full
        if progress is not None and progress.update(
                line=f"iteration {n_iter}: relative change of gamma {change:.3e}, "
                     f"{int(np.prod([i.size for i in indices]))} entries kept",
                state={"gammas": gammas, "indices": indices, "noise_var": noise},
                gamma_change=change):
            break
        if change < tol and not warming_up:
            converged = True
            break
    active = [w[:, i] for w, i in zip(work, indices)]
    mean, _, _ = posterior(active, gammas, y_tensor, noise)
    return mean, gammas, indices, noise, n_iter, converged


def kronecker_sbl(factors, y, method, noise_var, max_iter, tol, prune, coupled_modes, coupling,
                  progress=None):
    """KroSBL on validated factors (float64 or complex128) and ``y`` (a vector, ``np.kron``
    order): unit-norm columns and unit-power measurements (so that the thresholds do not depend
    on units), :func:`ksbl_em`, and back to the original units.

    ``noise_var`` None learns the noise from ``NOISE_INIT[method]``; ``prune`` is a float
    (see ``PRUNE`` for the defaults); ``progress`` goes to :func:`ksbl_em`. Returns the dict of
    ``sparselearn.bayes.kronecker_sbl``.
    """
    is_complex = np.iscomplexobj(y) or any(np.iscomplexobj(f) for f in factors)
    col_norms = [np.linalg.norm(f, axis=0) for f in factors]
    col_scales = [np.where(c > 0, c, 1.0) for c in col_norms]
    work = [f / c for f, c in zip(factors, col_scales)]
    y_scale = float(np.sqrt(np.mean(np.abs(y) ** 2)))
    if y_scale <= 0.0:
        y_scale = 1.0
    y_tensor = (y / y_scale).reshape([f.shape[0] for f in factors])
    n_meas = y.size
    n_full = int(np.prod([f.shape[1] for f in factors]))
    learn_noise = noise_var is None
    noise = NOISE_INIT[method] if learn_noise else float(noise_var) / y_scale ** 2
    init = (n_meas / n_full) ** (1.0 / len(factors))
    indices = [np.flatnonzero(c > 0) for c in col_norms]
    gammas = [np.full(i.size, init) for i in indices]
    # no coupling is the plain prior
    coupled_modes = list(coupled_modes) if coupling > 0 else []
    for mode in coupled_modes:
        gammas[mode] = coupling_matrix(indices[mode], coupling) @ gammas[mode]
    mean, gammas, indices, noise, n_iter, converged = ksbl_em(
        work, y_tensor, indices, gammas, noise, learn_noise, method, max_iter, tol, prune,
        coupled_modes, coupling, progress)
    coef = np.zeros([f.shape[1] for f in factors], dtype=complex if is_complex else float)
    coef[np.ix_(*indices)] = mean if is_complex else mean.real
    coef = coef / outer(col_scales) * y_scale
    full_gammas = []
    for mode, (g, idx) in enumerate(zip(gammas, indices)):
        vec = np.zeros(factors[mode].shape[1])
        vec[idx] = g / col_scales[mode][idx] ** 2
        full_gammas.append(vec)
    full_gammas[-1] *= y_scale ** 2
    return {
        "coef": coef.ravel(),
        "gammas": full_gammas,
        "noise_var": noise * y_scale ** 2,
        "n_iter": n_iter,
        "converged": converged,
    }

"""Least angle regression on a precomputed Gram matrix, batched over signals.

``lars_gram`` codes many signals at once, serially; ``lars_gram_parallel`` splits them over
threads (``numba.prange`` over chunks of ``CHUNK`` signals), for problems large enough to pay
its longer compilation back. The atoms enter only
through their Gram matrix ``G = D D^T`` and the correlations ``cov = X D^T`` (one row per
signal), so the cost per signal does not depend on ``n_features``. Two modes:

* LAR (``lasso=False``): Efron, Hastie, Johnstone & Tibshirani, "Least angle regression", Ann.
  Statist. 32 (2004): atoms join one per step, the code moving along the equiangular direction
  until the next atom is as correlated with the residual as the active ones. Stopped after
  ``max_iter`` steps (scikit-learn's ``Lars(n_nonzero_coefs=max_iter)``) or when the largest
  correlation reaches ``alpha_min``.
* LARS-Lasso (``lasso=True``): the same path with the Lasso modification (an active coefficient
  reaching zero leaves the active set), which is the exact solution path of
  ``min_c 1/2 ||x - c D||^2 + alpha ||c||_1``; stopped at ``alpha = alpha_min`` by linear
  interpolation between the two bracketing breakpoints.

The active set's Gram block is held as a progressive Cholesky factor (flat, leading dimension
the largest possible active set): an atom joining costs one triangular solve, an atom leaving
Givens rotations (:func:`sparselearn._core.cholesky.chol_delete`). The step, drop and stopping
rules follow scikit-learn's ``lars_path`` (Gram form) so that the codes agree with
``Lars`` / ``LassoLars`` fitted on ``D^T``: the largest correlation is taken over the inactive
atoms; an atom whose Cholesky pivot falls below ``1e-7`` is skipped (its correlation set to 0);
in LAR mode a coefficient crossing zero flips its sign without a new atom joining at the next
step; a Lasso path whose correlation level rises again stops.

Pure functions on arrays: no validation. Per-signal status flags: 1 = a degenerate atom was
skipped, 2 = the Lasso path stopped early because the correlation level rose (residual too
small to control it).
"""

from math import sqrt

import numpy as np
from numba import njit, prange

from .cholesky import chol_backward, chol_delete, chol_forward
from .greedy import CHUNK

_TINY32 = float(np.finfo(np.float32).tiny)
_EPS = float(np.finfo(np.float64).eps)
_BIG = float(np.finfo(np.float64).max)
_DEGENERATE_PIVOT = 1e-7


@njit(cache=True)
def _direction(chol, ld, n_active, signs, scratch, work, ls):
    """Equiangular direction: ``ls = A * (L L^T)^{-1} s`` with ``A = (s^T (L L^T)^{-1} s)^{-1/2}``.
    Returns ``A``. When the factor is too ill-conditioned for a finite ``A``, its diagonal is
    raised by ``2^i eps`` until it is (as scikit-learn does)."""
    chol_forward(chol, ld, n_active, np.int64(0), signs, work)
    for t in range(n_active):
        ls[t] = work[t]
    chol_backward(chol, ld, n_active, ls)
    total = 0.0
    for t in range(n_active):
        total += ls[t] * signs[t]
    if total > 0.0 and np.isfinite(total):
        aa = 1.0 / sqrt(total)
    else:
        aa = np.inf
    i = 0
    while not np.isfinite(aa) and i < 200:
        for a in range(n_active * ld):
            scratch[a] = chol[a]
        bump = (2.0 ** i) * _EPS
        for a in range(n_active):
            scratch[a * ld + a] += bump
        chol_forward(scratch, ld, n_active, np.int64(0), signs, work)
        for t in range(n_active):
            ls[t] = work[t]
        chol_backward(scratch, ld, n_active, ls)
        total = 0.0
        for t in range(n_active):
            total += ls[t] * signs[t]
        aa = 1.0 / sqrt(max(total, _EPS))
        i += 1
    for t in range(n_active):
        ls[t] *= aa
    return aa


@njit(cache=True)
def _lars_one(G, cov0, alpha_min, eq_tol, max_iter, lasso, positive, code):
    """LAR / LARS-Lasso for one signal with correlations ``cov0``; writes ``code``.
    Returns ``(n_iter, status)``."""
    n_components = G.shape[0]
    ld = max(min(max_iter, n_components), 1)
    corr = cov0.copy()
    prev = np.zeros(n_components)
    direction = np.zeros(n_components)
    in_active = np.zeros(n_components, dtype=np.bool_)
    left = np.zeros(n_components, dtype=np.bool_)
    active = np.empty(ld, dtype=np.int64)
    signs = np.zeros(ld)
    ls = np.zeros(ld)
    work = np.zeros(ld)
    row = np.zeros(ld)
    chol = np.zeros(ld * ld)
    scratch = np.zeros(ld * ld)
    for j in range(n_components):
        code[j] = 0.0
    n_iter = np.int64(0)
    n_active = np.int64(0)
    drop = False
    status = 0
    prev_alpha = 0.0
    active_level = 0.0
    while True:
        # largest correlation over the inactive atoms
        c_idx = -1
        best = 0.0
        for j in range(n_components):
            if in_active[j]:
                continue
            value = corr[j] if positive else abs(corr[j])
            if c_idx < 0 or value > best:
                best = value
                c_idx = j
        level = best if c_idx >= 0 else 0.0
        if n_active > 0 and positive:
            # the active atoms' common correlation: with non-negative codes an inactive atom's
            # correlation is only bounded above, so the largest one is not the level after a
            # step that no atom joined (scikit-learn takes it, and stops off the path)
            level = active_level
        if level <= alpha_min + eq_tol:
            if abs(level - alpha_min) > eq_tol and n_iter > 0:
                ss = (prev_alpha - alpha_min) / (prev_alpha - level)
                for j in range(n_components):
                    code[j] = prev[j] + ss * (code[j] - prev[j])
            break
        if n_iter >= max_iter or n_active >= n_components:
            break
        if not drop:
            if n_active >= ld:
                break
            # new Cholesky row: L^{-1} G[active, j], pivot sqrt(|G_jj - ||row||^2|)
            for a in range(n_active):
                row[a] = G[active[a], c_idx]
            chol_forward(chol, ld, n_active, np.int64(0), row, work)
            sq = 0.0
            for a in range(n_active):
                sq += work[a] * work[a]
            pivot = max(sqrt(abs(G[c_idx, c_idx] - sq)), _EPS)
            if pivot < _DEGENERATE_PIVOT:
                status |= 1
                corr[c_idx] = 0.0
                continue
            for a in range(n_active):
                chol[n_active * ld + a] = work[a]
            chol[n_active * ld + n_active] = pivot
            if positive:
                signs[n_active] = 1.0
            else:
                signs[n_active] = 1.0 if corr[c_idx] > 0.0 else (-1.0 if corr[c_idx] < 0.0
                                                                 else 0.0)
            active[n_active] = c_idx
            in_active[c_idx] = True
            n_active += 1
        if lasso and n_iter > 0 and prev_alpha < level:
            status |= 2
            break
        aa = _direction(chol, ld, n_active, signs, scratch, work, ls)
        # correlation of every atom with the direction
        for j in range(n_components):
            direction[j] = 0.0
        for t in range(n_active):
            lt = ls[t]
            grow = G[active[t]]
            for j in range(n_components):
                direction[j] += grow[j] * lt
        gamma = level / aa
        for j in range(n_components):
            if in_active[j]:
                continue
            # an atom that just left the active set moves away from the tie it left (its
            # rounded correlation would otherwise bring it back at a zero step); it may still
            # reach the opposite bound
            if not (left[j] and (positive or corr[j] > 0.0)):
                step = (level - corr[j]) / (aa - direction[j] + _TINY32)
                if 0.0 < step < gamma:
                    gamma = step
            if not positive and not (left[j] and corr[j] < 0.0):
                step = (level + corr[j]) / (aa + direction[j] + _TINY32)
                if 0.0 < step < gamma:
                    gamma = step
        # first active coefficient to cross zero
        drop = False
        z_pos = _BIG
        for t in range(n_active):
            z = -code[active[t]] / (ls[t] + _TINY32)
            if 0.0 < z < z_pos:
                z_pos = z
        if z_pos < gamma:
            for t in range(n_active):
                if -code[active[t]] / (ls[t] + _TINY32) == z_pos:
                    signs[t] = -signs[t]
            if lasso:
                gamma = z_pos
            drop = True
        n_iter += 1
        for j in range(n_components):
            left[j] = False
            prev[j] = code[j]
        prev_alpha = level
        active_level = level - gamma * aa
        for t in range(n_active):
            code[active[t]] += gamma * ls[t]
        for j in range(n_components):
            corr[j] -= gamma * direction[j]
        if drop and lasso:
            # remove (from the last) the atoms whose coefficient reached zero
            t = n_active - 1
            while t >= 0:
                a = active[t]
                if -prev[a] / (ls[t] + _TINY32) == z_pos:
                    chol_delete(chol, ld, n_active, t)
                    for u in range(t, n_active - 1):
                        active[u] = active[u + 1]
                        signs[u] = signs[u + 1]
                    n_active -= 1
                    in_active[a] = False
                    left[a] = True
                    code[a] = 0.0
                    # its correlation, exact
                    value = cov0[a]
                    for k in range(n_components):
                        value -= G[a, k] * code[k]
                    corr[a] = value
                t -= 1
    return n_iter, status


@njit(cache=True)
def _lars_rows(G, cov, alpha_min, eq_tol, max_iter, lasso, positive, codes, n_iter, status, start,
               stop):
    """LAR / LARS-Lasso of the signals ``start`` to ``stop - 1`` (see :func:`lars_gram`)."""
    for i in range(start, stop):
        it, st = _lars_one(G, cov[i], alpha_min, eq_tol, max_iter, lasso, positive, codes[i])
        n_iter[i] = it
        status[i] = st


@njit(cache=True)
def lars_gram(G, cov, alpha_min, eq_tol, max_iter, lasso, positive):
    """LAR (``lasso=False``) or LARS-Lasso (``lasso=True``) codes of every signal.

    Parameters
    ----------
    G : ndarray of shape (n_components, n_components)
        Gram matrix of the atoms, C-contiguous float64.
    cov : ndarray of shape (n_samples, n_components)
        Correlations ``X D^T``, C-contiguous float64.
    alpha_min : float
        Correlation level at which the path stops (``alpha`` of the Lasso
        ``1/2 ||x - c D||^2 + alpha ||c||_1``; 0 for LAR).
    eq_tol : float
        Absolute tolerance on the correlation level for the stop at ``alpha_min``.
    max_iter : int
        Largest number of steps (of atoms for LAR).
    lasso, positive : bool
        Lasso modification; non-negative codes.

    Returns
    -------
    codes : ndarray of shape (n_samples, n_components)
    n_iter : ndarray of shape (n_samples,) of int64
    status : ndarray of shape (n_samples,) of int64
        Bit flags: 1 a degenerate atom was skipped, 2 the Lasso path stopped early.
    """
    n_samples, n_components = cov.shape
    codes = np.zeros((n_samples, n_components))
    n_iter = np.zeros(n_samples, dtype=np.int64)
    status = np.zeros(n_samples, dtype=np.int64)
    _lars_rows(G, cov, alpha_min, eq_tol, max_iter, lasso, positive, codes, n_iter, status,
               np.int64(0), n_samples)
    return codes, n_iter, status


@njit(parallel=True, cache=True)
def lars_gram_parallel(G, cov, alpha_min, eq_tol, max_iter, lasso, positive):
    """:func:`lars_gram` in parallel over chunks of ``CHUNK`` signals."""
    n_samples, n_components = cov.shape
    codes = np.zeros((n_samples, n_components))
    n_iter = np.zeros(n_samples, dtype=np.int64)
    status = np.zeros(n_samples, dtype=np.int64)
    for chunk in prange((n_samples + CHUNK - 1) // CHUNK):
        _lars_rows(G, cov, alpha_min, eq_tol, max_iter, lasso, positive, codes, n_iter, status,
                   chunk * CHUNK, min((chunk + 1) * CHUNK, n_samples))
    return codes, n_iter, status

"""Greedy and thresholding sparse coders on a precomputed Gram matrix.

Every kernel codes many signals at once. ``omp_gram``, ``mp_gram`` and ``niht_gram`` run
serially and have ``*_parallel`` twins that split the signals over threads (``numba.prange``
over chunks of ``CHUNK`` signals, same codes): a parallel kernel compiles for seconds, so the
caller (:func:`sparselearn._core.encode.encode`) takes it only for problems large enough to
pay it back. The dictionary ``D`` (``n_components x n_features``) enters only through its Gram matrix
``G = D D^T`` and the correlations ``cov = X D^T`` (``n_samples x n_components``, C order), so
the per-signal cost does not depend on ``n_features``.

* ``omp_gram``: batch orthogonal matching pursuit with progressive Cholesky updates
  (Rubinstein, Zibulevsky & Elad, "Efficient implementation of the K-SVD algorithm using batch
  orthogonal matching pursuit", 2008); same atom choice rule as scikit-learn's
  ``orthogonal_mp_gram`` (largest ``|correlation|`` with the residual).
* ``mp_gram``: matching pursuit (Mallat & Zhang, 1993), atoms chosen by normalized correlation.
* ``niht_gram``: normalized iterative hard thresholding (Blumensath & Davies, 2010).
* ``topk_gram``: keep the ``k`` largest correlations; ``soft_threshold_codes``: soft thresholding of
  the correlations (scikit-learn's ``algorithm="threshold"``).

Status codes returned per signal: 0 = done (including a residual orthogonal to every atom),
1 = stopped early because the next atom was linearly dependent on the chosen ones,
2 = ``max_iter`` reached.
"""

from math import sqrt

import numpy as np
from numba import njit, prange

from .cholesky import chol_append, chol_backward, chol_forward
from .prox import soft_threshold
from .sort import argsort_stable

_TINY = 1e-14
CHUNK = 16  # signals per task of the parallel kernels


@njit(cache=True)
def _argmax_abs(values, positive):
    best = -1.0
    arg = -1
    for j in range(values.shape[0]):
        a = values[j] if positive else abs(values[j])
        if a > best:
            best = a
            arg = j
    return arg, best


@njit(cache=True)
def _omp_one(G, cov, norm_sq, n_nonzero, tol, no_ridge, code):
    """OMP for one signal; writes ``code``; returns (n_active, status)."""
    n_components = G.shape[0]
    corr = cov.copy()
    selected = np.empty(n_nonzero, dtype=np.int64)
    chol = np.zeros(n_nonzero * n_nonzero)  # G[sel, sel] = L L^T, leading dimension n_nonzero
    rhs = np.empty(n_nonzero)
    fwd = np.empty(n_nonzero)
    gamma = np.empty(n_nonzero)
    n_active = np.int64(0)
    residual_sq = norm_sq
    status = 0
    while n_active < n_nonzero:
        if tol >= 0.0 and residual_sq <= tol:
            break
        lam, best = _argmax_abs(corr, np.bool_(False))
        if best * best <= _TINY * max(norm_sq, _TINY) or lam < 0:
            break  # the residual is orthogonal to every atom: nothing left to explain
        if not chol_append(G, selected, n_active, lam, no_ridge, _TINY, chol, n_nonzero):
            status = 1
            break
        selected[n_active] = lam
        rhs[n_active] = cov[lam]
        n_active += 1
        # gamma = G[sel, sel]^{-1} cov[sel]: one new row of L^{-1} rhs, then the back solve
        chol_forward(chol, n_nonzero, n_active, n_active - 1, rhs, fwd)
        for t in range(n_active):
            gamma[t] = fwd[t]
        chol_backward(chol, n_nonzero, n_active, gamma)
        # correlations of the new residual: cov - G[:, sel] gamma (G symmetric: contiguous rows)
        for j in range(n_components):
            corr[j] = cov[j]
        projected = 0.0
        for t in range(n_active):
            row = selected[t]
            g = gamma[t]
            projected += g * cov[row]
            for j in range(n_components):
                corr[j] -= g * G[row, j]
        for t in range(n_active):
            corr[selected[t]] = 0.0
        residual_sq = norm_sq - projected
    for t in range(n_active):
        code[selected[t]] = gamma[t]
    return n_active, status


@njit(cache=True)
def _omp_rows(G, cov, norms_sq, n_nonzero, tol, codes, status, start, stop):
    """OMP of the signals ``start`` to ``stop - 1`` into ``codes`` and ``status``."""
    no_ridge = np.zeros(G.shape[0])
    for i in range(start, stop):
        _, status[i] = _omp_one(G, cov[i], norms_sq[i], n_nonzero, tol, no_ridge, codes[i])


@njit(cache=True)
def omp_gram(G, cov, norms_sq, n_nonzero, tol):
    """Batch OMP: codes of shape (n_samples, n_components) and a status per signal.

    Stops a signal after ``n_nonzero`` atoms, or, when ``tol >= 0``, as soon as its squared
    residual norm is ``<= tol``.
    """
    n_samples, n_components = cov.shape
    codes = np.zeros((n_samples, n_components))
    status = np.zeros(n_samples, dtype=np.int64)
    _omp_rows(G, cov, norms_sq, n_nonzero, tol, codes, status, np.int64(0), n_samples)
    return codes, status


@njit(parallel=True, cache=True)
def omp_gram_parallel(G, cov, norms_sq, n_nonzero, tol):
    """:func:`omp_gram` in parallel over chunks of signals."""
    n_samples, n_components = cov.shape
    codes = np.zeros((n_samples, n_components))
    status = np.zeros(n_samples, dtype=np.int64)
    for chunk in prange((n_samples + CHUNK - 1) // CHUNK):
        _omp_rows(G, cov, norms_sq, n_nonzero, tol, codes, status, chunk * CHUNK,
                  min((chunk + 1) * CHUNK, n_samples))
    return codes, status


@njit(cache=True)
def _mp_rows(G, cov, norms_sq, n_nonzero, tol, max_iter, positive, codes, status, start, stop):
    """Matching pursuit of the signals ``start`` to ``stop - 1`` into ``codes`` and ``status``."""
    n_components = cov.shape[1]
    inv_norms = np.zeros(n_components)
    for j in range(n_components):
        if G[j, j] > 0.0:
            inv_norms[j] = 1.0 / sqrt(G[j, j])
    for i in range(start, stop):
        corr = cov[i].copy()
        scaled = np.empty(n_components)
        code = codes[i]
        residual_sq = norms_sq[i]
        n_used = 0
        status[i] = 2
        for _ in range(max_iter):
            if residual_sq <= tol:
                status[i] = 0
                break
            for j in range(n_components):
                scaled[j] = corr[j] * inv_norms[j]
            lam, best = _argmax_abs(scaled, positive)
            if best <= 0.0 or best * best <= _TINY * max(norms_sq[i], _TINY):
                status[i] = 0 if residual_sq <= _TINY * max(norms_sq[i], _TINY) else 1
                break
            if code[lam] == 0.0:
                if n_used == n_nonzero:
                    status[i] = 0
                    break
                n_used += 1
            delta = corr[lam] / G[lam, lam]
            code[lam] += delta
            residual_sq -= delta * corr[lam]
            for j in range(n_components):
                corr[j] -= delta * G[lam, j]


@njit(cache=True)
def mp_gram(G, cov, norms_sq, n_nonzero, tol, max_iter, positive):
    """Matching pursuit: repeatedly add to the code the projection of the residual on the atom of
    largest normalized correlation, until ``n_nonzero`` distinct atoms are used (the next pick
    would be a new one), the squared residual is ``<= tol``, or ``max_iter`` steps."""
    n_samples, n_components = cov.shape
    codes = np.zeros((n_samples, n_components))
    status = np.zeros(n_samples, dtype=np.int64)
    _mp_rows(G, cov, norms_sq, n_nonzero, tol, max_iter, positive, codes, status, np.int64(0),
             n_samples)
    return codes, status


@njit(parallel=True, cache=True)
def mp_gram_parallel(G, cov, norms_sq, n_nonzero, tol, max_iter, positive):
    """:func:`mp_gram` in parallel over chunks of signals."""
    n_samples, n_components = cov.shape
    codes = np.zeros((n_samples, n_components))
    status = np.zeros(n_samples, dtype=np.int64)
    for chunk in prange((n_samples + CHUNK - 1) // CHUNK):
        _mp_rows(G, cov, norms_sq, n_nonzero, tol, max_iter, positive, codes, status,
                 chunk * CHUNK, min((chunk + 1) * CHUNK, n_samples))
    return codes, status


@njit(cache=True)
def _hard_threshold_k(v, n_nonzero, positive, out):
    """``out`` = best ``n_nonzero``-sparse approximation of ``v`` (non-negative if ``positive``)."""
    n = v.shape[0]
    key = np.empty(n)
    for j in range(n):
        if positive:
            key[j] = -max(v[j], 0.0)
        else:
            key[j] = -abs(v[j])
    order = argsort_stable(key)
    out[:] = 0.0
    for t in range(n_nonzero):
        j = order[t]
        if key[j] < 0.0:
            out[j] = v[j]


@njit(cache=True)
def topk_gram(cov, n_nonzero, positive):
    """Keep, per signal, the ``n_nonzero`` largest correlations ``|cov|`` (others set to 0)."""
    n_samples, n_components = cov.shape
    codes = np.zeros((n_samples, n_components))
    for i in range(n_samples):
        _hard_threshold_k(cov[i], n_nonzero, positive, codes[i])
    return codes


@njit(cache=True)
def soft_threshold_codes(cov, alpha, positive):
    """``sign(cov) max(|cov| - alpha, 0)`` (only the positive part if ``positive``)."""
    n_samples, n_components = cov.shape
    codes = np.empty((n_samples, n_components))
    for i in range(n_samples):
        for j in range(n_components):
            c = soft_threshold(cov[i, j], alpha)
            codes[i, j] = max(c, 0.0) if positive else c
    return codes


@njit(cache=True)
def _quad_form_sparse(G, v):
    """``v^T G v`` skipping the zeros of ``v``."""
    total = 0.0
    n = v.shape[0]
    for a in range(n):
        if v[a] != 0.0:
            acc = 0.0
            for b in range(n):
                if v[b] != 0.0:
                    acc += G[a, b] * v[b]
            total += v[a] * acc
    return total


@njit(cache=True)
def _niht_rows(G, cov, n_nonzero, max_iter, tol, positive, codes, n_iters, status, start, stop):
    """Normalized IHT of the signals ``start`` to ``stop - 1`` (see :func:`niht_gram`)."""
    n_components = cov.shape[1]
    shrink_c = 0.01
    kappa = 2.0
    for i in range(start, stop):
        code = codes[i]
        grad = cov[i].copy()  # negative gradient cov - G c
        trial = np.zeros(n_components)
        g_support = np.zeros(n_components)
        diff = np.empty(n_components)
        support = np.zeros(n_components, dtype=np.bool_)
        _hard_threshold_k(grad, n_nonzero, positive, trial)
        for j in range(n_components):
            support[j] = trial[j] != 0.0
        status[i] = 2
        it = 0
        for it in range(max_iter):
            for j in range(n_components):
                g_support[j] = grad[j] if support[j] else 0.0
            num = 0.0
            for j in range(n_components):
                num += g_support[j] * g_support[j]
            den = _quad_form_sparse(G, g_support)
            if num == 0.0 or den <= 0.0:
                status[i] = 0
                break
            mu = num / den
            for _ in range(60):
                for j in range(n_components):
                    diff[j] = code[j] + mu * grad[j]
                _hard_threshold_k(diff, n_nonzero, positive, trial)
                same = True
                for j in range(n_components):
                    if (trial[j] != 0.0) != support[j]:
                        same = False
                        break
                if same:
                    break
                for j in range(n_components):
                    diff[j] = trial[j] - code[j]
                dn = 0.0
                for j in range(n_components):
                    dn += diff[j] * diff[j]
                dq = _quad_form_sparse(G, diff)
                if dq <= 0.0 or mu <= (1.0 - shrink_c) * dn / dq:
                    break
                mu /= kappa * (1.0 - shrink_c)
            change = 0.0
            size = 0.0
            for j in range(n_components):
                delta = trial[j] - code[j]
                if delta != 0.0:
                    change += delta * delta
                    for t in range(n_components):
                        grad[t] -= delta * G[j, t]
                code[j] = trial[j]
                size += trial[j] * trial[j]
                support[j] = trial[j] != 0.0
            if change <= tol * tol * size:
                status[i] = 0
                break
        n_iters[i] = it + 1


@njit(cache=True)
def niht_gram(G, cov, n_nonzero, max_iter, tol, positive):
    """Normalized IHT (Blumensath & Davies, 2010) on ``0.5 ||x - c D||^2`` s.t. ``||c||_0 <= k``.

    Step ``mu = ||g_S||^2 / (g_S^T G g_S)`` on the current support ``S``; when the support changes
    the step is shrunk until ``mu <= (1 - c) ||dc||^2 / (dc^T G dc)`` (``c = 0.01``,
    shrink factor ``kappa (1 - c)``, ``kappa = 2``), which makes the objective decrease.
    A signal stops when ``||dc|| <= tol ||c||``. Returns codes, iterations and status per signal.
    """
    n_samples, n_components = cov.shape
    codes = np.zeros((n_samples, n_components))
    n_iters = np.zeros(n_samples, dtype=np.int64)
    status = np.zeros(n_samples, dtype=np.int64)
    _niht_rows(G, cov, n_nonzero, max_iter, tol, positive, codes, n_iters, status, np.int64(0),
               n_samples)
    return codes, n_iters, status


@njit(parallel=True, cache=True)
def niht_gram_parallel(G, cov, n_nonzero, max_iter, tol, positive):
    """:func:`niht_gram` in parallel over chunks of signals."""
    n_samples, n_components = cov.shape
    codes = np.zeros((n_samples, n_components))
    n_iters = np.zeros(n_samples, dtype=np.int64)
    status = np.zeros(n_samples, dtype=np.int64)
    for chunk in prange((n_samples + CHUNK - 1) // CHUNK):
        _niht_rows(G, cov, n_nonzero, max_iter, tol, positive, codes, n_iters, status,
                   chunk * CHUNK, min((chunk + 1) * CHUNK, n_samples))
    return codes, n_iters, status

"""Penalized sparse coding on a precomputed Gram matrix: coordinate descent and FISTA.

Per signal ``x`` (row ``i``), with ``G = D D^T`` and ``cov_i = D x``, both kernels minimize

    F(c) = 0.5 c^T G c - c^T cov_i + sum_j pen(c_j)     (= 0.5 ||x - c D||^2 + pen(c) + const)

for any penalty of :mod:`sparselearn._core.prox` (``code``, ``params``, per-atom ``weights`` and
curvatures ``curvs``; CEL0 takes ``curvs = diag(G)``, the squared atom norms). Signals are solved in
parallel (``numba.prange``); ``codes`` holds the starting point and is overwritten.

Stopping rule (both kernels): the largest prox fixed-point residual ``L_j |c_j - prox(c_j - g_j /
L_j, 1 / L_j)|`` is ``<= tol * max_j |cov_ij|`` (``L_j = G_jj`` for CD, ``L = ||G||_2`` for FISTA).
For L1 this is the largest violation of the optimality conditions.
"""

import numpy as np
from numba import njit, prange

from .prox import prox_1d, value_1d


@njit(cache=True)
def _scale(cov_row):
    scale = 0.0
    for j in range(cov_row.shape[0]):
        scale = max(scale, abs(cov_row[j]))
    return scale


@njit(cache=True)
def _cd_sweep(G, residual, code, pen_code, params, weights, curvs):
    """One full coordinate sweep; ``residual = cov - G c`` kept up to date. Returns the largest
    fixed-point residual met before each update (the optimality violation of the sweep)."""
    worst = 0.0
    for j in range(code.shape[0]):
        old = code[j]
        g_jj = G[j, j]
        if g_jj <= 0.0:
            continue
        new = prox_1d(pen_code, params, weights[j], curvs[j], old + residual[j] / g_jj, 1.0 / g_jj)
        delta = new - old
        if delta != 0.0:
            worst = max(worst, g_jj * abs(delta))
            code[j] = new
            for t in range(code.shape[0]):
                residual[t] -= delta * G[j, t]
    return worst


@njit(cache=True)
def _cd_active(G, cov_row, residual, code, pen_code, params, weights, curvs, threshold, max_sweeps):
    """Sweeps restricted to the non-zero coordinates, updating the residual on them only
    (``n_active^2`` per sweep); the full residual is rebuilt at the end."""
    n = code.shape[0]
    active = np.empty(n, dtype=np.int64)
    n_active = 0
    for j in range(n):
        if code[j] != 0.0:
            active[n_active] = j
            n_active += 1
    if n_active == 0:
        return
    for _ in range(max_sweeps):
        worst = 0.0
        for a in range(n_active):
            j = active[a]
            g_jj = G[j, j]
            old = code[j]
            new = prox_1d(pen_code, params, weights[j], curvs[j], old + residual[j] / g_jj, 1.0 / g_jj)
            delta = new - old
            if delta != 0.0:
                worst = max(worst, g_jj * abs(delta))
                code[j] = new
                for b in range(n_active):
                    t = active[b]
                    residual[t] -= delta * G[j, t]
        if worst <= threshold:
            break
    for t in range(n):
        residual[t] = cov_row[t]
    for a in range(n_active):
        j = active[a]
        c = code[j]
        if c != 0.0:
            for t in range(n):
                residual[t] -= c * G[j, t]


@njit(parallel=True, cache=True)
def cd_gram(G, cov, codes, pen_code, params, weights, curvs, max_iter, tol):
    """Cyclic coordinate descent with active-set sweeps between full sweeps.

    ``max_iter`` counts full sweeps. Returns (n_iter, converged) per signal.
    """
    n_samples, n_components = cov.shape
    n_iters = np.zeros(n_samples, dtype=np.int64)
    converged = np.zeros(n_samples, dtype=np.bool_)
    for i in prange(n_samples):
        code = codes[i]
        residual = cov[i].copy()
        for j in range(n_components):
            if code[j] != 0.0:
                for t in range(n_components):
                    residual[t] -= code[j] * G[j, t]
        threshold = tol * _scale(cov[i])
        for it in range(max_iter):
            n_iters[i] = it + 1
            worst = _cd_sweep(G, residual, code, pen_code, params, weights, curvs)
            if worst <= threshold:
                converged[i] = True
                break
            _cd_active(G, cov[i], residual, code, pen_code, params, weights, curvs, threshold,
                       10 * n_components)
    return n_iters, converged


@njit(cache=True)
def _objective(code, g_code, cov_row, pen_code, params, weights, curvs):
    total = 0.0
    for j in range(code.shape[0]):
        c = code[j]
        if c != 0.0:
            total += c * (0.5 * g_code[j] - cov_row[j]) + value_1d(pen_code, params, weights[j], curvs[j], c)
    return total


@njit(cache=True)
def _sparse_gram_product(G, code, out):
    out[:] = 0.0
    for j in range(code.shape[0]):
        c = code[j]
        if c != 0.0:
            for t in range(code.shape[0]):
                out[t] += c * G[j, t]


@njit(cache=True)
def _prox_step(point, g_point, cov_row, step, pen_code, params, weights, curvs, out):
    """``out = prox(point - step * (G point - cov))``; returns the fixed-point residual."""
    worst = 0.0
    for j in range(point.shape[0]):
        out[j] = prox_1d(pen_code, params, weights[j], curvs[j],
                         point[j] - step * (g_point[j] - cov_row[j]), step)
        worst = max(worst, abs(out[j] - point[j]))
    return worst / step


@njit(parallel=True, cache=True)
def fista_gram(G, cov, codes, lipschitz, pen_code, params, weights, curvs, max_iter, tol):
    """FISTA (Beck & Teboulle, 2009) with function-value restart (O'Donoghue & Candes, 2015).

    When the accelerated step does not decrease ``F``, momentum is reset and a plain proximal
    gradient step is taken from the current iterate, so ``F`` decreases monotonically: with the
    global prox of :func:`prox_1d` and step ``1 / L`` this also holds for nonconvex penalties.
    Returns (n_iter, converged) per signal.
    """
    n_samples, n_components = cov.shape
    n_iters = np.zeros(n_samples, dtype=np.int64)
    converged = np.zeros(n_samples, dtype=np.bool_)
    step = 1.0 / lipschitz
    for i in prange(n_samples):
        cov_row = cov[i]
        code = codes[i]
        prev = code.copy()
        g_code = np.empty(n_components)
        g_prev = np.empty(n_components)
        _sparse_gram_product(G, code, g_code)
        g_prev[:] = g_code
        point = np.empty(n_components)
        g_point = np.empty(n_components)
        trial = np.empty(n_components)
        g_trial = np.empty(n_components)
        value = _objective(code, g_code, cov_row, pen_code, params, weights, curvs)
        threshold = tol * _scale(cov_row)
        t_k = 1.0
        for it in range(max_iter):
            n_iters[i] = it + 1
            t_next = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * t_k * t_k))
            beta = (t_k - 1.0) / t_next
            for j in range(n_components):
                point[j] = code[j] + beta * (code[j] - prev[j])
                g_point[j] = g_code[j] + beta * (g_code[j] - g_prev[j])
            residual = _prox_step(point, g_point, cov_row, step, pen_code, params, weights, curvs, trial)
            _sparse_gram_product(G, trial, g_trial)
            trial_value = _objective(trial, g_trial, cov_row, pen_code, params, weights, curvs)
            if trial_value > value and beta > 0.0:
                # restart: proximal gradient step from the current iterate
                t_next = 1.0
                residual = _prox_step(code, g_code, cov_row, step, pen_code, params, weights, curvs, trial)
                _sparse_gram_product(G, trial, g_trial)
                trial_value = _objective(trial, g_trial, cov_row, pen_code, params, weights, curvs)
            prev[:] = code
            g_prev[:] = g_code
            code[:] = trial
            g_code[:] = g_trial
            value = trial_value
            t_k = t_next
            if residual <= threshold:
                converged[i] = True
                break
    return n_iters, converged

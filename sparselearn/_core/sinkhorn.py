"""Stabilized (absorbing) Sinkhorn kernels and plan helpers.

The plan is kept as ``P = diag(u) K diag(v)`` around an anchor kernel
``K = exp((f + g - M) / reg)`` (Schmitzer 2019, "absorption"): an iteration is two mat-vecs
with ``K``, fused into one pass over memory, and no exponential. When a scaling leaves
``[exp(-LOG_TAU), exp(LOG_TAU)]`` (or a mat-vec underflows to 0), the scalings are absorbed into
the potentials and the half-update that failed is done in the log domain, fused with the
re-exponentiation of ``K`` (one exponential per entry). Between absorptions ``K`` entries stay
below ``max(a, b) exp(2 LOG_TAU)``, and an entry that underflowed at absorption stays below
``1e-308 exp(2 LOG_TAU)`` (``~1e-135``): negligible in any marginal.

Conventions (POT's), shared with :mod:`sparselearn._core.sns`: the plan is
``P_ij = exp((f_i + g_j - M_ij) / reg)`` for dual potentials ``f`` (rows) and ``g`` (columns);
the concave dual (Lyapunov potential) is

    D(f, g) = <a, f> + <b, g> - reg * sum_ij P_ij + reg;

the marginal error is ``||P 1 - a||_1 + ||P^T 1 - b||_1``. All arrays are float64, ``M`` is
C-contiguous of shape ``(n, m)``; ``a`` and ``b`` are strictly positive (callers drop zero-mass
points). Kernels never validate their input.
"""

from math import exp, inf, log

import numpy as np
from numba import njit

LOG_TAU = 100.0  # absorb when |log u| or |log v| exceeds this
_TAU = exp(LOG_TAU)
_INV_TAU = exp(-LOG_TAU)
# reassociation lets LLVM vectorize the row dot products and column accumulations
_REASSOC = {"reassoc", "contract"}


@njit(cache=True)
def row_col_vectors(n, m):
    """Uninitialized work vectors for one row-side and one column-side quantity (sizes n, m)."""
    return np.empty(n), np.empty(m)


# exp_segment: exp(t) = 2^k exp(r), k = round(t / ln 2), r = t - k ln 2 in two parts (Cody-Waite),
# exp(r) by its Taylor polynomial of degree 13 (|r| <= ln(2) / 2: truncation below 1e-17)
_LOG2E = 1.4426950408889634
_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_EXP_LOW = -1400.0  # exp underflows to 0 from -745; the clamp keeps 2^(k/2) a normal number
_EXP_HIGH = 709.0  # exp(709) < max float64


@njit(cache=True, fastmath={"contract"})
def exp_segment(x, low_bits, high_bits):
    """``x <- exp(x)`` for a 1-D C-contiguous ``x`` (a row of a plan, ``K[i]``) within 1 ulp
    (0 below -1400, capped at exp(709)).

    Branch-free, so LLVM vectorizes it (numba's ``math.exp`` is a scalar libm call without
    Intel SVML). It takes a 1-D array, not a row index into a 2-D one: with 2-D indexing
    LLVM left the loop scalar (measured on a 2000 x 2000 plan: 22 ms against 6 ms, same bits).
    ``2^k`` is built as ``2^(k >> 1) 2^(k - (k >> 1))`` from exponent bits written to the
    int64 workspaces ``low_bits`` and ``high_bits`` (size at least ``x.shape[0]``), so results
    down to the subnormal range stay exact.
    """
    low = low_bits.view(np.float64)
    high = high_bits.view(np.float64)
    for j in range(x.shape[0]):
        t = min(max(x[j], _EXP_LOW), _EXP_HIGH)
        k = np.floor(t * _LOG2E + 0.5)
        r = (t - k * _LN2_HI) - k * _LN2_LO
        p = 1.0 / 6227020800.0
        p = p * r + 1.0 / 479001600.0
        p = p * r + 1.0 / 39916800.0
        p = p * r + 1.0 / 3628800.0
        p = p * r + 1.0 / 362880.0
        p = p * r + 1.0 / 40320.0
        p = p * r + 1.0 / 5040.0
        p = p * r + 1.0 / 720.0
        p = p * r + 1.0 / 120.0
        p = p * r + 1.0 / 24.0
        p = p * r + 1.0 / 6.0
        p = p * r + 0.5
        p = p * r + 1.0
        p = p * r + 1.0
        ki = np.int64(k)
        half = ki >> 1
        low_bits[j] = (half + 1023) << 52
        high_bits[j] = (ki - half + 1023) << 52
        x[j] = p
    for j in range(x.shape[0]):
        x[j] = x[j] * low[j] * high[j]


@njit(cache=True)
def plan_from_potentials(M, f, g, reg, P):
    """``P_ij = exp((f_i + g_j - M_ij) / reg)`` written into ``P``."""
    n, m = M.shape
    inv_reg = 1.0 / reg
    low_bits = np.empty(m, dtype=np.int64)
    high_bits = np.empty(m, dtype=np.int64)
    for i in range(n):
        fi = f[i]
        for j in range(m):
            P[i, j] = (fi + g[j] - M[i, j]) * inv_reg
        exp_segment(P[i], low_bits, high_bits)


@njit(cache=True)
def dual_value(a, b, f, g, reg, plan_mass):
    """``D(f, g) = <a, f> + <b, g> - reg (sum P - 1)``."""
    value = 0.0
    for i in range(a.shape[0]):
        value += a[i] * f[i]
    for j in range(b.shape[0]):
        value += b[j] * g[j]
    return value - reg * (plan_mass - 1.0)


# ---------------------------------------------------------------------------------------------
# passes over the plan (serial: threaded versions, chosen at run time, made every first call
# compile both paths, and on two cores they ran at 0.53x the serial speed at n = 2048)
# ---------------------------------------------------------------------------------------------


@njit(cache=True)
def absorb_rows(M, a, g, reg, f, K):
    """Exact row update ``f_i = reg log a_i - reg LSE_j((g_j - M_ij) / reg)`` and
    ``K = exp((f + g - M) / reg)``, whose rows then sum to ``a``. One exponential per entry."""
    n, m = M.shape
    inv_reg = 1.0 / reg
    low_bits = np.empty(m, dtype=np.int64)
    high_bits = np.empty(m, dtype=np.int64)
    for i in range(n):
        row_max = -inf
        for j in range(m):
            t = g[j] - M[i, j]
            if t > row_max:
                row_max = t
        for j in range(m):
            K[i, j] = (g[j] - M[i, j] - row_max) * inv_reg
        exp_segment(K[i], low_bits, high_bits)
        s = 0.0
        for j in range(m):
            s += K[i, j]
        scale = a[i] / s
        for j in range(m):
            K[i, j] *= scale
        f[i] = reg * log(scale) - row_max


@njit(cache=True)
def absorb_cols(M, b, f, reg, g, K, col_max, col_scale):
    """Exact column update ``g_j = reg log b_j - reg LSE_i((f_i - M_ij) / reg)`` and
    ``K = exp((f + g - M) / reg)``, whose columns then sum to ``b`` (in C order);
    ``col_max`` and ``col_scale`` are workspace of size m."""
    n, m = M.shape
    inv_reg = 1.0 / reg
    for j in range(m):
        col_max[j] = -inf
        col_scale[j] = 0.0
    for i in range(n):
        fi = f[i]
        for j in range(m):
            t = fi - M[i, j]
            if t > col_max[j]:
                col_max[j] = t
    low_bits = np.empty(m, dtype=np.int64)
    high_bits = np.empty(m, dtype=np.int64)
    for i in range(n):
        fi = f[i]
        for j in range(m):
            K[i, j] = (fi - M[i, j] - col_max[j]) * inv_reg
        exp_segment(K[i], low_bits, high_bits)
        for j in range(m):
            col_scale[j] += K[i, j]
    for j in range(m):
        scale = b[j] / col_scale[j]
        col_scale[j] = scale
        g[j] = reg * log(scale) - col_max[j]
    for i in range(n):
        for j in range(m):
            K[i, j] *= col_scale[j]


@njit(cache=True, fastmath=_REASSOC)
def col_sums(K, u, out):
    """``out = K^T u``."""
    n, m = K.shape
    for j in range(m):
        out[j] = 0.0
    for i in range(n):
        ui = u[i]
        for j in range(m):
            out[j] += K[i, j] * ui


@njit(cache=True, fastmath=_REASSOC)
def fused_sweep(K, a, u, v, u_new, col):
    """One pass over ``K``: the row sums of ``diag(u) K diag(v)`` (hence its row marginal error
    and mass), the row update ``u_new = a / (K v)`` and ``col = K^T u_new``.

    Returns ``(err, mass, ok)``: ``ok`` is False when some ``u_new`` leaves the absorption
    range (``col`` is then meaningless).
    """
    n, m = K.shape
    for j in range(m):
        col[j] = 0.0
    err = 0.0
    mass = 0.0
    ok = True
    for i in range(n):
        s = 0.0
        for j in range(m):
            s += K[i, j] * v[j]
        row = u[i] * s
        mass += row
        err += abs(row - a[i])
        ui = a[i] / s if s > 0.0 else 2.0 * _TAU
        u_new[i] = ui
        if ui > _TAU or ui < _INV_TAU:
            ok = False
        elif ok:
            for j in range(m):
                col[j] += K[i, j] * ui
    return err, mass, ok


@njit(cache=True)
def _potential_dot(w, base, scaling, reg):
    """``sum_i w_i (base_i + reg log scaling_i)``."""
    s = 0.0
    for i in range(w.shape[0]):
        s += w[i] * (base[i] + reg * log(scaling[i]))
    return s


@njit(cache=True)
def _in_range(x):
    for k in range(x.shape[0]):
        if not (_INV_TAU <= x[k] <= _TAU):
            return False
    return True


@njit(cache=True)
def remaining_iterations(envelope, n_iter, tol):
    """Sinkhorn iterations still needed to reach ``tol``, extrapolated from the contraction
    rate ``(e_k / e_{k-w})^(1/w)`` over the last half ``w`` of the run, where
    ``e = envelope[:n_iter]`` is the running minimum of the marginal errors (Sinkhorn's error
    is not monotone); ``inf`` when it did not contract over the window."""
    window = max(5, n_iter // 2)
    if n_iter <= window:
        return inf
    err = envelope[n_iter - 1]
    before = envelope[n_iter - 1 - window]
    if err <= tol:
        return 0.0
    if not err < before:
        return inf
    return log(tol / err) / (log(err / before) / window)


@njit(cache=True)
def scaling_iterations(M, a, b, reg, f, g, tol, max_iter, err_hist, dual_hist, start, K,
                       switch_cost, check_from, u, v):
    """Stabilized Sinkhorn from potentials ``(f, g)``, leaving the plan as ``diag(u) K diag(v)``.

    On return ``(f, g)`` are the anchor potentials of ``K = exp((f + g - M) / reg)`` (updated
    in place) and ``u``, ``v`` (sizes n, m, any content on entry) the scalings, in
    ``[exp(-LOG_TAU), exp(LOG_TAU)]``: the potentials of the iterate are
    ``(f + reg log u, g + reg log v)`` and its plan needs no exponential
    (:func:`scale_plan`). See :func:`sinkhorn_scaling` for the iterations and the rest.
    """
    n, m = M.shape
    for i in range(n):
        u[i] = 1.0
    for j in range(m):
        v[j] = 1.0
    u_new, col = row_col_vectors(n, m)
    col_max, col_scale = np.empty(m), np.empty(m)
    envelope = np.empty(max_iter if switch_cost < inf else 0)  # running minimum of the errors

    # iteration 1: both half-updates in the log domain would cost two exponential passes; the
    # row half is exact (absorb_rows), the column half a scaling unless it leaves the range
    absorb_rows(M, a, g, reg, f, K)
    col_sums(K, u, col)
    n_absorb = 1
    for j in range(m):
        v[j] = b[j] / col[j] if col[j] > 0.0 else _TAU * 2.0
    if not _in_range(v):
        absorb_cols(M, b, f, reg, g, K, col_max, col_scale)
        n_absorb += 1
        for j in range(m):
            v[j] = 1.0
    n_iter = np.int64(1)
    err = inf
    while True:
        err, mass, ok = fused_sweep(K, a, u, v, u_new, col)
        dual = (_potential_dot(a, f, u, reg) + _potential_dot(b, g, v, reg)
                - reg * (mass - 1.0))
        err_hist[start + n_iter - 1] = err
        dual_hist[start + n_iter - 1] = dual
        if err < tol or n_iter >= max_iter:
            break
        if switch_cost < inf:
            envelope[n_iter - 1] = min(err, envelope[n_iter - 2]) if n_iter > 1 else err
            if n_iter >= check_from and remaining_iterations(envelope, n_iter, tol) > switch_cost:
                break
        if ok:
            for i in range(n):
                u[i] = u_new[i]
        else:
            # row half in the log domain: absorb v into g, exact f, fresh K (rows sum to a)
            for j in range(m):
                g[j] += reg * log(v[j])
                v[j] = 1.0
            absorb_rows(M, a, g, reg, f, K)
            n_absorb += 1
            for i in range(n):
                u[i] = 1.0
            col_sums(K, u, col)
        for j in range(m):
            v[j] = b[j] / col[j] if col[j] > 0.0 else _TAU * 2.0
        if not _in_range(v):
            for i in range(n):
                f[i] += reg * log(u[i])
                u[i] = 1.0
            absorb_cols(M, b, f, reg, g, K, col_max, col_scale)
            n_absorb += 1
            for j in range(m):
                v[j] = 1.0
        n_iter += 1
    return n_iter, err, n_absorb


@njit(cache=True)
def sinkhorn_scaling(M, a, b, reg, f, g, tol, max_iter, err_hist, dual_hist, start, K,
                     switch_cost=inf, check_from=40):
    """Stabilized Sinkhorn from potentials ``(f, g)`` (updated in place), ``K`` workspace.

    Same iterates as log-domain Sinkhorn (one iteration: rows exact, then columns exact), run
    as scalings of an absorbed kernel: one fused pass over ``K`` per iteration that also yields
    the marginal error of the current iterate (the column marginal is exact after each
    iteration, so the error is the row error). ``err_hist[start + k]`` and
    ``dual_hist[start + k]`` receive the error and dual value after iteration ``k + 1``.

    With a finite ``switch_cost`` (the auto method), the run also stops, from iteration
    ``check_from`` on, as soon as the iterations still needed, extrapolated from the observed
    contraction rate (:func:`remaining_iterations`), exceed ``switch_cost``: the caller then
    finishes with Newton steps. Returns ``(n_iter, err, n_absorb)``; on return ``K`` holds
    ``exp((f0 + g0 - M) / reg)`` for the last anchor, not the plan.
    """
    n, m = M.shape
    u, v = row_col_vectors(n, m)
    out = scaling_iterations(M, a, b, reg, f, g, tol, max_iter, err_hist, dual_hist, start, K,
                             switch_cost, np.int64(check_from), u, v)
    for i in range(n):
        f[i] += reg * log(u[i])
    for j in range(m):
        g[j] += reg * log(v[j])
    return out


@njit(cache=True)
def scale_plan(K, u, v):
    """``K <- diag(u) K diag(v)`` in place (the plan of anchored scalings, no exponential)."""
    n, m = K.shape
    for i in range(n):
        ui = u[i]
        for j in range(m):
            K[i, j] *= ui * v[j]

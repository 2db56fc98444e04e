"""Elastic costs ``h(z) = 0.5 ||z||^2 + R(z)`` and their entropic Monge maps (Cuturi et al. 2023).

Each regularizer ``R`` (a code plus ``gamma`` and, for the k-overlap norm, ``k``) has its value,
a (sub)gradient and the proximal operator ``prox_R(z) = argmin_w 0.5 ||w - z||^2 + R(w)``, which
is also the gradient of the convex conjugate ``h*`` of ``h``:

- ``L1``: ``R(z) = gamma ||z||_1``; prox = soft thresholding at ``gamma``;
- ``STVS``: ``R(z) = gamma^2 sum_i (s_i - exp(-2 s_i) / 2 + 1 / 2)``,
  ``s_i = asinh(|z_i| / (2 gamma))`` (Schreck et al. 2016); prox = soft thresholding with
  vanishing shrinkage ``z (1 - gamma^2 / z^2)_+``;
- ``SQ_K_OVERLAP``: ``R(z) = gamma / 2 ||z||_(k)^2``, the squared k-overlap (k-support) norm
  ``||z||_(k)^2 = min { sum_i z_i^2 / theta_i : 0 < theta_i <= 1, sum_i theta_i <= k }``
  (Argyriou et al. 2012; McDonald et al. 2016); value and prox by a sort and a search over the
  breakpoints of that variational form.

The entropic map of a fitted plan with target points ``Y`` and target potential ``g`` weighs
target ``j`` by ``p_j(x) ∝ exp((g_j - h(x - y_j)) / reg)`` (log-sum-exp, one row at a time) and
moves ``x`` by ``-prox_R(r(x))``, with ``r(x) = x - sum_j p_j(x) y_j`` (barycentric form)
or ``r(x) = sum_j p_j(x) grad h(x - y_j)`` (gradient form, the paper's map). Centred
pointwise, the same residual of the source's self-transport is subtracted (the
Sinkhorn-divergence potential ``f_XY - f_XX``); centred affinely, an affine model of that
residual at new points (fitted on the self-transport's leave-one-out residuals); refitted, the
prox's relative shrinkage of each kept feature is squared (the non-negative garrote for l1).
Kernels never validate their input; arrays are float64.
"""

from math import asinh, exp, log, sqrt

import numpy as np
from numba import njit

from .sort import argsort_stable

L1 = 0
STVS = 1
SQ_K_OVERLAP = 2


# ---------------------------------------------------------------------------------------------
# squared k-overlap norm: value, gradient and prox through its variational form
# ---------------------------------------------------------------------------------------------


@njit(cache=True)
def _decreasing_magnitudes(w):
    """``(order, a)``: ``a = |w|[order]`` in decreasing order."""
    d = w.shape[0]
    neg = np.empty(d)
    for i in range(d):
        neg[i] = -abs(w[i])
    order = argsort_stable(neg)
    a = np.empty(d)
    for i in range(d):
        a[i] = -neg[order[i]]
    return order, a


@njit(cache=True)
def _k_overlap_split(a_sorted, k):
    """First ``m`` in ``0..k-1`` with ``a_(m+1) (k - m) <= sum_{i > m} a_(i)``, and that tail sum.

    ``a_sorted`` is ``|w|`` in decreasing order (0-based here: ``a_sorted[m]`` is ``a_(m+1)``).
    The top ``m`` entries have ``theta = 1`` in the variational form, the others
    ``theta_i = |w_i| (k - m) / tail``.
    """
    d = a_sorted.shape[0]
    tail = 0.0
    for i in range(d):
        tail += a_sorted[i]
    for m in range(k):
        if a_sorted[m] * (k - m) <= tail:
            return m, tail
        tail -= a_sorted[m]
    return k - 1, tail + a_sorted[k - 1]  # not reached: m = k - 1 always qualifies


@njit(cache=True)
def sq_k_overlap_norm(w, k):
    """``||w||_(k)^2``, the squared k-overlap norm (``1 <= k <= len(w)``)."""
    a = _decreasing_magnitudes(w)[1]
    m, tail = _k_overlap_split(a, k)
    value = 0.0
    for i in range(m):
        value += a[i] * a[i]
    return value + tail * tail / (k - m)


@njit(cache=True)
def _sq_k_overlap_gradient(w, k, gamma, out):
    """A subgradient of ``gamma / 2 ||w||_(k)^2`` (0 on zero entries of the tail)."""
    order, a = _decreasing_magnitudes(w)
    m, tail = _k_overlap_split(a, k)
    level = gamma * tail / (k - m)
    for rank in range(w.shape[0]):
        i = order[rank]
        if rank < m:
            out[i] = gamma * w[i]
        elif w[i] > 0.0:
            out[i] = level
        elif w[i] < 0.0:
            out[i] = -level
        else:
            out[i] = 0.0


@njit(cache=True)
def _sq_k_overlap_prox(z, k, gamma, out):
    """``argmin_w 0.5 ||w - z||^2 + gamma / 2 ||w||_(k)^2``.

    With ``theta`` fixed the minimizer is ``w_i = theta_i z_i / (theta_i + gamma)``; the optimal
    ``theta`` is ``clip(gamma (|z_i| / T - 1), 0, 1)`` with ``sum theta = k`` (or all ones when at
    most ``k`` entries are nonzero). So, with ``a = |z|`` sorted decreasingly, the top ``q``
    entries shrink to ``a_i / (1 + gamma)``, entries ``q+1..l`` shift down by ``T``, the rest are
    zero, and ``T = gamma A / (k - q + gamma (l - q))`` with ``A = a_(q+1) + ... + a_(l)``. The
    pair ``(q, l)`` is found by a search over the sorted entries (prefix sums); the one with the
    smallest violation of its consistency conditions is kept, so ties and round-off cannot
    leave it undefined.
    """
    d = z.shape[0]
    order, a = _decreasing_magnitudes(z)
    nnz = 0
    for i in range(d):
        if a[i] > 0.0:
            nnz += 1
    if nnz <= k:
        for i in range(d):
            out[i] = z[i] / (1.0 + gamma)
        return
    prefix = np.zeros(d + 1)
    for i in range(d):
        prefix[i + 1] = prefix[i] + a[i]
    ratio = (1.0 + gamma) / gamma  # entries above ratio * T saturate (theta = 1)
    best_violation = np.inf
    best_q, best_l, best_T = 0, d, 0.0
    for q in range(k):
        for l in range(max(k, q + 1), d + 1):
            A = prefix[l] - prefix[q]
            T = gamma * A / (k - q + gamma * (l - q))
            violation = 0.0
            if q > 0:
                violation = max(violation, ratio * T - a[q - 1])
            violation = max(violation, a[q] - ratio * T)
            violation = max(violation, T - a[l - 1])
            if l < d:
                violation = max(violation, a[l] - T)
            if violation < best_violation:
                best_violation, best_q, best_l, best_T = violation, q, l, T
                if violation <= 0.0:
                    break
        if best_violation <= 0.0:
            break
    for rank in range(d):
        i = order[rank]
        if rank < best_q:
            magnitude = a[rank] / (1.0 + gamma)
        elif rank < best_l:
            magnitude = max(a[rank] - best_T, 0.0)
        else:
            magnitude = 0.0
        out[i] = magnitude if z[i] >= 0.0 else -magnitude


# ---------------------------------------------------------------------------------------------
# dispatchers over the regularizer code
# ---------------------------------------------------------------------------------------------


@njit(cache=True)
def regularizer_value(code, gamma, k, z):
    """``R(z)`` for the regularizer ``code`` with strength ``gamma`` (and ``k``)."""
    d = z.shape[0]
    if code == SQ_K_OVERLAP:
        return 0.5 * gamma * sq_k_overlap_norm(z, k)
    value = 0.0
    if code == L1:
        for i in range(d):
            value += abs(z[i])
        return gamma * value
    # STVS
    for i in range(d):
        s = asinh(abs(z[i]) / (2.0 * gamma))
        value += s - 0.5 * exp(-2.0 * s) + 0.5
    return gamma * gamma * value


@njit(cache=True)
def regularizer_gradient(code, gamma, k, z, out):
    """A (sub)gradient of ``R`` at ``z`` into ``out`` (0 where ``z_i = 0``)."""
    d = z.shape[0]
    if code == SQ_K_OVERLAP:
        _sq_k_overlap_gradient(z, k, gamma, out)
        return
    for i in range(d):
        if z[i] == 0.0:
            out[i] = 0.0
            continue
        if code == L1:
            slope = gamma
        else:  # STVS: gamma^2 (1 + exp(-2 s)) / sqrt(z^2 + 4 gamma^2)
            s = asinh(abs(z[i]) / (2.0 * gamma))
            slope = gamma * gamma * (1.0 + exp(-2.0 * s)) / sqrt(z[i] * z[i] + 4.0 * gamma * gamma)
        out[i] = slope if z[i] > 0.0 else -slope


@njit(cache=True)
def regularizer_prox(code, gamma, k, z, out):
    """``prox_R(z) = argmin_w 0.5 ||w - z||^2 + R(w)`` into ``out`` (``= grad h*(z)``)."""
    d = z.shape[0]
    if code == SQ_K_OVERLAP:
        _sq_k_overlap_prox(z, k, gamma, out)
        return
    for i in range(d):
        zi = z[i]
        if code == L1:
            magnitude = abs(zi) - gamma
            out[i] = 0.0 if magnitude <= 0.0 else (magnitude if zi > 0.0 else -magnitude)
        else:  # STVS: z (1 - gamma^2 / z^2)_+
            out[i] = zi - gamma * gamma / zi if abs(zi) > gamma else 0.0


@njit(cache=True)
def elastic_cost_matrix(X, Y, code, gamma, k, C):
    """``C_ij = h(x_i - y_j) = 0.5 ||x_i - y_j||^2 + R(x_i - y_j)`` into ``C``."""
    n, d = X.shape
    m = Y.shape[0]
    z = np.empty(d)
    for i in range(n):
        for j in range(m):
            sq = 0.0
            for t in range(d):
                z[t] = X[i, t] - Y[j, t]
                sq += z[t] * z[t]
            C[i, j] = 0.5 * sq + regularizer_value(code, gamma, k, z)


@njit(cache=True)
def self_transport_potential(C, a, reg, f, tol, max_iter):
    """Potential of the entropic self-transport of the weights ``a`` for a symmetric cost ``C``.

    The plan ``P_ik = exp((f_i + f_k - C_ik) / reg)`` with both marginals ``a`` has one
    potential ``f`` (in place; its start is the warm start), the fixed point of
    ``f_i = reg log a_i - reg log sum_k exp((f_k - C_ik) / reg)``; the averaged iteration
    ``f <- (f + update) / 2`` of Feydy et al. (2019) converges in a few dozen steps. Stops when
    the marginal error ``sum_i |(P 1)_i - a_i|`` of the current ``f`` is at most ``tol``.
    Returns ``(n_iter, marginal error)``.
    """
    n = C.shape[0]
    inv_reg = 1.0 / reg
    update = np.empty(n)
    logits = np.empty(n)
    err = np.inf
    n_iter = np.int64(0)
    while n_iter < max_iter:
        n_iter += 1
        for i in range(n):
            top = -np.inf
            for k in range(n):
                logits[k] = (f[k] - C[i, k]) * inv_reg
                if logits[k] > top:
                    top = logits[k]
            total = 0.0
            for k in range(n):
                total += exp(logits[k] - top)
            update[i] = reg * (log(a[i]) - top - log(total))
        err = 0.0
        for i in range(n):  # (P 1)_i = a_i exp((f_i - update_i) / reg)
            err += a[i] * abs(exp((f[i] - update[i]) * inv_reg) - 1.0)
        if err <= tol:
            break
        for i in range(n):
            f[i] = 0.5 * (f[i] + update[i])
    return n_iter, err


@njit(cache=True)
def _add_residuals(x, Y, g, inv_reg, code, gamma, k, sign, gradient_form, z, grad, logits,
                   barycentric, gradient):
    """Add ``sign (x - sum_j p_j y_j)`` to ``barycentric`` and, when ``gradient_form``,
    ``sign sum_j p_j grad h(x - y_j)`` to ``gradient``, for the weights
    ``p_j ∝ exp((g_j - h(x - y_j)) / reg)`` (log-sum-exp; ``g_j = -inf`` gives weight 0)."""
    m, d = Y.shape
    top = -np.inf
    for j in range(m):
        if g[j] == -np.inf:
            logits[j] = -np.inf
            continue
        sq = 0.0
        for t in range(d):
            z[t] = x[t] - Y[j, t]
            sq += z[t] * z[t]
        logits[j] = (g[j] - 0.5 * sq - regularizer_value(code, gamma, k, z)) * inv_reg
        if logits[j] > top:
            top = logits[j]
    total = 0.0
    for j in range(m):
        logits[j] = exp(logits[j] - top) if logits[j] > -np.inf else 0.0
        total += logits[j]
    for j in range(m):
        p = sign * logits[j] / total
        if p == 0.0:
            continue
        for t in range(d):
            z[t] = x[t] - Y[j, t]
            barycentric[t] += p * z[t]
        if gradient_form:
            regularizer_gradient(code, gamma, k, z, grad)
            for t in range(d):
                gradient[t] += p * (z[t] + grad[t])


@njit(cache=True)
def _self_logits(x, X_source, f_self, inv_reg, code, gamma, k, z, logits, same):
    """Logits ``(f_k - h(x - x_k)) / reg`` of ``x`` on the source points into ``logits``, and
    ``same[k]`` true where ``x_k == x`` (``h(0) = 0``: a fitted point's own atom)."""
    n, d = X_source.shape
    for j in range(n):
        sq = 0.0
        for t in range(d):
            z[t] = x[t] - X_source[j, t]
            sq += z[t] * z[t]
        same[j] = sq == 0.0
        logits[j] = (f_self[j] - 0.5 * sq - regularizer_value(code, gamma, k, z)) * inv_reg


@njit(cache=True)
def _log_sum_exp(logits, same, keep_same):
    """``log sum exp(logits[j])`` over the ``j`` with ``same[j] == keep_same`` (``-inf`` if
    none)."""
    top = -np.inf
    for j in range(logits.shape[0]):
        if same[j] == keep_same and logits[j] > top:
            top = logits[j]
    if top == -np.inf:
        return top
    total = 0.0
    for j in range(logits.shape[0]):
        if same[j] == keep_same:
            total += exp(logits[j] - top)
    return top + log(total)


@njit(cache=True)
def _own_mass(logits, same):
    """``(mass, lse_other)``: the softmax weight of ``logits`` on the entries with ``same``
    true, and the log-sum-exp of the others (``-inf`` if none)."""
    own = _log_sum_exp(logits, same, np.bool_(True))
    other = _log_sum_exp(logits, same, np.bool_(False))
    if own == -np.inf:
        return 0.0, other
    if other == -np.inf:
        return 1.0, other
    total = max(own, other) + log(1.0 + exp(-abs(own - other)))
    return exp(own - total), other


@njit(cache=True)
def self_transport_blur(X, f_self, reg, code, gamma, k, residual, self_mass):
    """Leave-one-out residuals of the source's entropic self-transport, and each point's mass
    on itself.

    Row ``i`` of the self-transport weighs ``x_k`` by ``q_k ∝ exp((f_k - h(x_i - x_k)) / reg)``.
    ``self_mass[i]`` gets the weight of the points equal to ``x_i`` (its own atom) and
    ``residual[i]`` gets ``x_i - sum_k q'_k x_k`` for the weights ``q'`` renormalized over the
    other points: the residual a new point at ``x_i`` would have (0 when no other point exists).
    """
    n, d = X.shape
    z = np.empty(d)
    logits = np.empty(n)
    same = np.empty(n, dtype=np.bool_)
    inv_reg = 1.0 / reg
    for i in range(n):
        _self_logits(X[i], X, f_self, inv_reg, code, gamma, k, z, logits, same)
        self_mass[i], other = _own_mass(logits, same)
        for t in range(d):
            residual[i, t] = 0.0
        if other == -np.inf:
            continue
        for t in range(d):
            residual[i, t] = X[i, t]
        for j in range(n):
            if same[j]:
                continue
            q = exp(logits[j] - other)
            for t in range(d):
                residual[i, t] -= q * X[j, t]


NO_CENTER = 0
POINTWISE = 1
AFFINE = 2


@njit(cache=True)
def entropic_displacement(X, Y, g, X_source, f_self, blur_coef, reg, code, gamma, k,
                          gradient_form, center, refit, out):
    """Displacement ``T(x) - x`` of the entropic Monge map, row by row.

    The weights of ``x`` on the targets are
    ``p_j(x) = exp((g_j - h(x - y_j)) / reg) / sum_l exp((g_l - h(x - y_l)) / reg)``. The
    residual is ``r = x - sum_j p_j y_j`` (``gradient_form`` false) or
    ``r = sum_j p_j grad h(x - y_j)`` (true; ``grad h(z) = z + grad R(z)``). ``center``:
    ``NO_CENTER``; ``POINTWISE`` subtracts the same residual of the self-transport of the
    source (points ``X_source``, potential ``f_self``); ``AFFINE`` subtracts
    ``(1 - w(x)) ([x, 1] @ blur_coef)``, the affine model of the self-transport's leave-one-out
    residual, with ``w(x)`` the self-transport weight of ``x`` on source points equal to it.
    ``out`` gets ``-prox_R(r)``, whose zeros are exact; with ``refit``, a nonzero entry
    ``s = prox_R(r)_t`` becomes ``b (1 - (1 - s / r_t)^2)`` with ``b`` the (centred)
    barycentric residual: the prox's relative shrinkage squared (the non-negative garrote
    ``r - gamma^2 / r`` for the l1 prox).
    """
    n, d = X.shape
    n_source = X_source.shape[0]
    m = max(Y.shape[0], n_source)
    z = np.empty(d)
    grad = np.empty(d)
    barycentric = np.empty(d)
    gradient = np.empty(d)
    shrunk = np.empty(d)
    logits = np.empty(m)
    self_logits = np.empty(n_source)
    same = np.empty(n_source, dtype=np.bool_)
    inv_reg = 1.0 / reg
    for i in range(n):
        x = X[i]
        for t in range(d):
            barycentric[t] = 0.0
            gradient[t] = 0.0
        _add_residuals(x, Y, g, inv_reg, code, gamma, k, 1.0, gradient_form, z, grad, logits,
                       barycentric, gradient)
        if center == POINTWISE:
            _add_residuals(x, X_source, f_self, inv_reg, code, gamma, k, -1.0, gradient_form,
                           z, grad, logits, barycentric, gradient)
        elif center == AFFINE:
            _self_logits(x, X_source, f_self, inv_reg, code, gamma, k, z, self_logits, same)
            weight = 1.0 - _own_mass(self_logits, same)[0]
            for t in range(d):
                blur = blur_coef[d, t]
                for s in range(d):
                    blur += x[s] * blur_coef[s, t]
                barycentric[t] -= weight * blur
                gradient[t] -= weight * blur
        source = gradient if gradient_form else barycentric
        regularizer_prox(code, gamma, k, source, shrunk)
        for t in range(d):
            if refit and shrunk[t] != 0.0:
                kept = shrunk[t] / source[t]
                out[i, t] = -barycentric[t] * (1.0 - (1.0 - kept) * (1.0 - kept))
            else:
                out[i, t] = -shrunk[t]

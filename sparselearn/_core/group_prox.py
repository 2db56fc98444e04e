"""Group penalties: values, proximal operators and optimality scores over groups of features.

The group structure is ``(gindptr, gindices)``: the features of group ``g`` are
``gindices[gindptr[g]:gindptr[g + 1]]`` (disjoint groups; features in no group are given as
singleton groups of weight 0 by the caller, so kernels see a partition). ``gweights[g] >= 0``
scales ``alpha`` for group ``g``; a weight of 0 leaves the group unpenalized.

============== ============= ===============================================================
code           params[1]     penalty of group ``g`` (``a = alpha gweights[g]``, ``r = ||w_g||``)
============== ============= ===============================================================
GROUP_L2       -             ``a r`` (group lasso)
SPARSE_GROUP   l1_ratio      ``alpha l1_ratio ||w_g||_1 + (1 - l1_ratio) a r``
GROUP_MCP      gamma         ``MCP(r; a, gamma)``
GROUP_SCAD     gamma         ``SCAD(r; a, gamma)``
GROUP_ENVELOPE k             not separable: ``alpha S_k(gweights[0] r_0, gweights[1] r_1, ...)``
============== ============= ===============================================================

``S_k`` is the sparse envelope function, the convex envelope of ``0.5 ||t||^2`` restricted to
vectors with at most ``k`` non-zeros (Beck & Refael), that is half the squared k-support norm;
its conjugate is half the sum of the ``k`` largest ``u_i^2``. Group lasso, group MCP and group
SCAD are radial: their prox rescales ``v_g`` by the scalar prox of the group norm, which the
scalar kernels of :mod:`sparselearn._core.prox` (L1, MCP, SCAD) compute.
"""

from math import sqrt

import numpy as np
from numba import njit

from . import prox as _prox
from .sort import argsort_stable, median_in_place

GROUP_L2 = 0
SPARSE_GROUP = 1
GROUP_MCP = 2
GROUP_SCAD = 3
GROUP_ENVELOPE = 4


@njit(cache=True, nogil=True)
def _scalar_code(code):
    """The scalar penalty applied to the group norm by a radial group penalty."""
    if code == GROUP_MCP:
        return _prox.MCP
    if code == GROUP_SCAD:
        return _prox.SCAD
    return _prox.L1


@njit(cache=True, nogil=True)
def _scalar_params(params):
    return np.array([params[0], params[1], 0.0, 0.0])


@njit(cache=True, nogil=True)
def concavity(code, params, weight):
    """How far the penalty of a group is from convex: ``rho`` such that ``pen + rho r^2 / 2`` is
    convex (0 for the convex penalties); a block step ``1 / L`` needs ``L > rho`` for its prox to
    be a contraction."""
    if weight <= 0.0:
        return 0.0
    if code == GROUP_MCP:
        return 1.0 / params[1]
    if code == GROUP_SCAD:
        return 1.0 / (params[1] - 1.0)
    return 0.0


# ---------------------------------------------------------------- block-separable penalties

@njit(cache=True, nogil=True)
def block_value(code, params, weight, v):
    """Penalty of one group with coefficients ``v`` (separable codes only)."""
    if weight <= 0.0:
        return 0.0
    sq = 0.0
    l1 = 0.0
    for j in range(v.shape[0]):
        sq += v[j] * v[j]
        l1 += abs(v[j])
    norm = sqrt(sq)
    if code == SPARSE_GROUP:
        return params[0] * (params[1] * l1 + (1.0 - params[1]) * weight * norm)
    if norm == 0.0:
        return 0.0
    return _prox.value_1d(_scalar_code(code), _scalar_params(params), weight, 0.0, norm)


@njit(cache=True, nogil=True)
def block_prox(code, params, weight, v, step, out):
    """``out = argmin_x ||x - v||^2 / (2 step) + pen_g(x)`` for one group (a global minimizer)."""
    n = v.shape[0]
    if weight <= 0.0:
        for j in range(n):
            out[j] = v[j]
        return
    if code == SPARSE_GROUP:
        # prox of l1 + group l2 = group shrinkage of the soft-thresholded vector
        t1 = step * params[0] * params[1]
        sq = 0.0
        for j in range(n):
            out[j] = _prox.soft_threshold(v[j], t1)
            sq += out[j] * out[j]
        norm = sqrt(sq)
        t2 = step * params[0] * (1.0 - params[1]) * weight
        scale = 0.0 if norm <= t2 else 1.0 - t2 / norm
        for j in range(n):
            out[j] *= scale
        return
    sq = 0.0
    for j in range(n):
        sq += v[j] * v[j]
    norm = sqrt(sq)
    if norm == 0.0:
        for j in range(n):
            out[j] = 0.0
        return
    new_norm = _prox.prox_1d(_scalar_code(code), _scalar_params(params), weight, 0.0, norm, step)
    scale = max(new_norm, 0.0) / norm
    for j in range(n):
        out[j] = scale * v[j]


@njit(cache=True, nogil=True)
def block_subdiff_distance(code, params, weight, w, grad):
    """Distance of ``-grad_g`` to the (Frechet) subdifferential of ``pen_g`` at ``w_g``."""
    n = w.shape[0]
    if weight <= 0.0:
        sq = 0.0
        for j in range(n):
            sq += grad[j] * grad[j]
        return sqrt(sq)
    if code == SPARSE_GROUP:
        lam1 = params[0] * params[1]
        lam2 = params[0] * (1.0 - params[1]) * weight
        norm_w = 0.0
        for j in range(n):
            norm_w += w[j] * w[j]
        norm_w = sqrt(norm_w)
        sq = 0.0
        if norm_w == 0.0:
            # -grad in the sum of the box of radius lam1 and the ball of radius lam2
            for j in range(n):
                s = _prox.soft_threshold(grad[j], lam1)
                sq += s * s
            return max(sqrt(sq) - lam2, 0.0)
        for j in range(n):
            if w[j] != 0.0:
                r = grad[j] + lam1 * np.sign(w[j]) + lam2 * w[j] / norm_w
                sq += r * r
            else:
                s = max(abs(grad[j]) - lam1, 0.0)
                sq += s * s
        return sqrt(sq)
    # radial: split grad into its component along w_g and the orthogonal rest
    norm_w = 0.0
    for j in range(n):
        norm_w += w[j] * w[j]
    norm_w = sqrt(norm_w)
    grad_sq = 0.0
    for j in range(n):
        grad_sq += grad[j] * grad[j]
    scode = _scalar_code(code)
    sparams = _scalar_params(params)
    if norm_w == 0.0:
        return _prox.subdiff_distance_1d(scode, sparams, weight, 0.0, 0.0, sqrt(grad_sq))
    g_par = 0.0
    for j in range(n):
        g_par += grad[j] * w[j]
    g_par /= norm_w
    perp = 0.0  # summed term by term: grad_sq - g_par^2 would cancel to sqrt(eps) accuracy
    for j in range(n):
        r = grad[j] - g_par * w[j] / norm_w
        perp += r * r
    along = _prox.subdiff_distance_1d(scode, sparams, weight, 0.0, norm_w, g_par)
    return sqrt(along * along + perp)


@njit(cache=True, nogil=True)
def block_zero_threshold(code, params, weight):
    """Largest ``||grad_g||`` for which ``w_g = 0`` is stationary, per unit of ``alpha`` scaling:
    the radius of the subdifferential at 0 (group lasso / MCP / SCAD: ``alpha weight``)."""
    if weight <= 0.0:
        return 0.0
    return params[0] * weight


# ---------------------------------------------------------------- the sparse group envelope

@njit(cache=True, nogil=True)
def _envelope_slope(s, a, c, k, lam, m):
    """Derivative in ``s`` of the envelope prox's dual objective (non-increasing in ``s``).

    ``a_g = w_g r_g`` and ``c_g = lam w_g^2``; group ``g`` is shrunk by the quadratic part when
    ``s <= a_g / (c_g + 1)`` (``big``), thresholded when ``s < a_g / c_g`` (``mid``), else 0."""
    total = -k * s
    for g in range(m):
        if a[g] <= 0.0:
            continue
        if s <= a[g] / (c[g] + 1.0):
            total += s
        elif s * c[g] < a[g]:
            total += a[g] - c[g] * s
    return total


@njit(cache=True, nogil=True)
def envelope_threshold(a, c, k):
    """The dual level ``s >= 0`` of the envelope prox: the root of :func:`_envelope_slope`.

    Expected linear time in the number of groups: the candidate breakpoints are halved at each
    round around their median (a selection, not a sort), and the groups whose regime is settled
    on the remaining interval are summed once into running totals.

    Parameters
    ----------
    a : ndarray of shape (n_groups,)
        ``gweights_g ||v_g||`` (0 for unpenalized groups, which take no part).
    c : ndarray of shape (n_groups,)
        ``step alpha gweights_g^2``.
    k : float
        Number of groups the envelope leaves unthresholded.

    Returns
    -------
    s : float
    """
    m = a.shape[0]
    n_pos = 0
    for g in range(m):
        if a[g] > 0.0:
            n_pos += 1
    if n_pos <= k:
        return 0.0
    # breakpoints of group g: a_g / (c_g + 1) (big -> mid) and a_g / c_g (mid -> zero)
    cand = np.empty(n_pos, dtype=np.int64)
    n_cand = 0
    for g in range(m):
        if a[g] > 0.0:
            cand[n_cand] = g
            n_cand += 1
    lo = 0.0
    hi = np.inf
    # settled totals: slope on [lo, hi] = -k s + n_big s + sum_mid (a - c s) + candidates
    n_big = 0.0
    sum_mid_a = 0.0
    sum_mid_c = 0.0
    points = np.empty(2 * n_pos)
    while n_cand > 0:
        n_points = 0
        for t in range(n_cand):
            g = cand[t]
            b1 = a[g] / (c[g] + 1.0)
            b2 = a[g] / c[g] if c[g] > 0.0 else np.inf
            if lo < b1 < hi:
                points[n_points] = b1
                n_points += 1
            if lo < b2 < hi:
                points[n_points] = b2
                n_points += 1
        if n_points == 0:
            break
        pivot = median_in_place(points[:n_points])
        # slope at the pivot: settled part + candidates
        slope = (n_big - k) * pivot + sum_mid_a - sum_mid_c * pivot
        for t in range(n_cand):
            g = cand[t]
            if pivot <= a[g] / (c[g] + 1.0):
                slope += pivot
            elif pivot * c[g] < a[g]:
                slope += a[g] - c[g] * pivot
        if slope > 0.0:
            lo = pivot
        elif slope < 0.0:
            hi = pivot
        else:
            return pivot
        # settle the candidates with no breakpoint left strictly inside (lo, hi)
        kept = 0
        for t in range(n_cand):
            g = cand[t]
            b1 = a[g] / (c[g] + 1.0)
            b2 = a[g] / c[g] if c[g] > 0.0 else np.inf
            if lo < b1 < hi or lo < b2 < hi:
                cand[kept] = g
                kept += 1
            elif hi <= b1:
                n_big += 1.0
            elif hi <= b2:
                sum_mid_a += a[g]
                sum_mid_c += c[g]
            # else: lo >= b2, the group is thresholded to 0 on the interval
        n_cand = kept
    # no breakpoint inside (lo, hi): the slope is affine there
    for t in range(n_cand):  # only when the loop broke with candidates left
        g = cand[t]
        b1 = a[g] / (c[g] + 1.0)
        b2 = a[g] / c[g] if c[g] > 0.0 else np.inf
        if hi <= b1:
            n_big += 1.0
        elif hi <= b2:
            sum_mid_a += a[g]
            sum_mid_c += c[g]
    denom = (k - n_big) + sum_mid_c
    if denom <= 0.0:  # the slope does not decrease on the interval: its root is an end
        return lo if sum_mid_a <= 0.0 else hi
    s = sum_mid_a / denom
    return min(max(s, lo), hi)


@njit(cache=True, nogil=True)
def envelope_prox(params, gweights, gindptr, gindices, v, step, out):
    """``out = prox_{step alpha S_k(D r)}(v)``: each group is scaled by ``1 / (1 + c_g)``, soft
    thresholded at ``step alpha w_g s`` or set to 0, with ``s`` from :func:`envelope_threshold`."""
    m = gindptr.shape[0] - 1
    alpha = params[0]
    k = params[1]
    norms = np.zeros(m)
    a = np.zeros(m)
    c = np.zeros(m)
    for g in range(m):
        sq = 0.0
        for p in range(gindptr[g], gindptr[g + 1]):
            sq += v[gindices[p]] ** 2
        norms[g] = sqrt(sq)
        if gweights[g] > 0.0:
            a[g] = gweights[g] * norms[g]
            c[g] = step * alpha * gweights[g] ** 2
    s = envelope_threshold(a, c, k) if alpha > 0.0 else 0.0
    for g in range(m):
        if gweights[g] <= 0.0 or alpha <= 0.0:
            scale = 1.0
        elif norms[g] == 0.0:
            scale = 0.0
        elif s <= a[g] / (c[g] + 1.0):
            scale = 1.0 / (1.0 + c[g])
        elif s * c[g] < a[g]:
            scale = 1.0 - step * alpha * gweights[g] * s / norms[g]
        else:
            scale = 0.0
        for p in range(gindptr[g], gindptr[g + 1]):
            out[gindices[p]] = scale * v[gindices[p]]


@njit(cache=True, nogil=True)
def sparse_envelope(t, k):
    """``S_k(t)`` for ``t >= 0``: half the squared k-support norm (Argyriou, Foygel & Srebro,
    2012): with ``t`` sorted decreasingly, ``0.5 (sum_{i < k-r-1} t_i^2 + (sum_{i >= k-r-1} t_i)^2
    / (r + 1))`` for the ``r`` in ``0..k-1`` at which the tail average falls between its
    neighbours."""
    m = t.shape[0]
    kk = int(k)
    if m <= kk:
        return 0.5 * np.sum(t * t)
    ts = np.empty(m)
    order = argsort_stable(-t)
    for i in range(m):
        ts[i] = t[order[i]]
    # tail[i] = sum_{j >= i} ts[j]
    tail = np.zeros(m + 1)
    for i in range(m - 1, -1, -1):
        tail[i] = tail[i + 1] + ts[i]
    for r in range(kk):
        head = kk - r - 1  # number of entries kept as squares
        avg = tail[head] / (r + 1)
        upper = np.inf if head == 0 else ts[head - 1]
        if upper > avg >= ts[head]:
            total = 0.0
            for i in range(head):
                total += ts[i] * ts[i]
            return 0.5 * (total + tail[head] * avg)
    return 0.5 * tail[0] * tail[0] / kk  # r = k - 1 (all mass spread, reached for ties)


# ---------------------------------------------------------------- over all groups

@njit(cache=True, nogil=True)
def group_norms(gindptr, gindices, w):
    """``||w_g||`` for every group."""
    m = gindptr.shape[0] - 1
    norms = np.zeros(m)
    for g in range(m):
        sq = 0.0
        for p in range(gindptr[g], gindptr[g + 1]):
            sq += w[gindices[p]] ** 2
        norms[g] = sqrt(sq)
    return norms


@njit(cache=True, nogil=True)
def _gather(gindptr, gindices, g, w):
    n = gindptr[g + 1] - gindptr[g]
    block = np.empty(n)
    for q in range(n):
        block[q] = w[gindices[gindptr[g] + q]]
    return block


@njit(cache=True, nogil=True)
def value(code, params, gweights, gindptr, gindices, w):
    """The penalty of ``w``."""
    m = gindptr.shape[0] - 1
    if code == GROUP_ENVELOPE:
        norms = group_norms(gindptr, gindices, w)
        n_pen = 0
        for g in range(m):
            if gweights[g] > 0.0:
                n_pen += 1
        t = np.empty(n_pen)
        n_pen = 0
        for g in range(m):
            if gweights[g] > 0.0:
                t[n_pen] = gweights[g] * norms[g]
                n_pen += 1
        return params[0] * sparse_envelope(t, params[1])
    total = 0.0
    for g in range(m):
        total += block_value(code, params, gweights[g], _gather(gindptr, gindices, g, w))
    return total


@njit(cache=True, nogil=True)
def prox(code, params, gweights, gindptr, gindices, v, step):
    """``argmin_x ||x - v||^2 / (2 step) + pen(x)``."""
    out = v.copy()
    if code == GROUP_ENVELOPE:
        envelope_prox(params, gweights, gindptr, gindices, v, step, out)
        return out
    m = gindptr.shape[0] - 1
    for g in range(m):
        block = _gather(gindptr, gindices, g, v)
        new = np.empty_like(block)
        block_prox(code, params, gweights[g], block, step, new)
        for q in range(block.shape[0]):
            out[gindices[gindptr[g] + q]] = new[q]
    return out


@njit(cache=True, nogil=True)
def subdiff_distances(code, params, gweights, gindptr, gindices, w, grad):
    """Per group, the distance of ``-grad_g`` to the subdifferential of ``pen_g`` at ``w_g``
    (block-separable codes)."""
    m = gindptr.shape[0] - 1
    out = np.zeros(m)
    for g in range(m):
        out[g] = block_subdiff_distance(code, params, gweights[g],
                                        _gather(gindptr, gindices, g, w),
                                        _gather(gindptr, gindices, g, grad))
    return out


@njit(cache=True, nogil=True)
def fixed_point_scores(code, params, gweights, gindptr, gindices, w, grad, lipschitz):
    """Per group, ``L ||w_g - prox(w - grad / L, 1 / L)_g||``: 0 exactly at prox fixed points
    (the gradient mapping of a proximal-gradient step of length ``1 / lipschitz``)."""
    m = gindptr.shape[0] - 1
    step = 1.0 / lipschitz
    point = prox(code, params, gweights, gindptr, gindices, w - step * grad, step)
    out = np.zeros(m)
    for g in range(m):
        sq = 0.0
        for p in range(gindptr[g], gindptr[g + 1]):
            j = gindices[p]
            sq += (w[j] - point[j]) ** 2
        out[g] = lipschitz * sqrt(sq)
    return out


@njit(cache=True, nogil=True)
def sparse_group_alpha_max(l1_ratio, weights, gindptr, gindices, grad0):
    """Largest, over the groups of weight > 0, of the ``alpha`` at which
    ``||S_{alpha l1_ratio}(grad0_g)|| = alpha (1 - l1_ratio) w_g`` (bisection: the left side
    decreases and the right side increases with ``alpha``)."""
    best = 0.0
    for g in range(weights.shape[0]):
        if weights[g] <= 0.0:
            continue
        start = gindptr[g]
        stop = gindptr[g + 1]
        top = 0.0
        sq = 0.0
        for p in range(start, stop):
            top = max(top, abs(grad0[gindices[p]]))
            sq += grad0[gindices[p]] ** 2
        if l1_ratio >= 1.0:
            best = max(best, top)
            continue
        if l1_ratio <= 0.0:
            best = max(best, sqrt(sq) / weights[g])
            continue
        lo = 0.0
        hi = top / l1_ratio
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            shrunk = 0.0
            for p in range(start, stop):
                s = abs(grad0[gindices[p]]) - mid * l1_ratio
                if s > 0.0:
                    shrunk += s * s
            if sqrt(shrunk) > mid * (1.0 - l1_ratio) * weights[g]:
                lo = mid
            else:
                hi = mid
            if hi - lo <= 1e-15 * hi:
                break
        best = max(best, hi)
    return best

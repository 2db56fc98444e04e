"""Separable penalties as cached Numba kernels: value, prox, fixed-point score.

A penalty is a small integer ``code`` plus a parameter array ``params`` of length 4:

======  ============================  =====================================
code    params                        penalty of one coordinate ``x``
======  ============================  =====================================
L1      [alpha, -, -, positive]       ``alpha |x|``
L0      [alpha, -, -, positive]       ``alpha 1{x != 0}``
MCP     [alpha, gamma, -, positive]   Zhang (2010): ``alpha|x| - x^2/(2 gamma)`` up to ``gamma alpha``
SCAD    [alpha, gamma, -, positive]   Fan & Li (2001), ``gamma > 2``
LQ      [alpha, q, -, positive]       ``alpha |x|^q``, ``0 < q < 1``
CEL0    [alpha, -, -, positive]       Soubies et al. (2015), curvature ``a^2`` per coordinate
ENET    [alpha, l1_ratio, -, pos.]    ``alpha (l1_ratio |x| + (1 - l1_ratio) x^2 / 2)``
======  ============================  =====================================

Per coordinate ``j`` the kernels also take ``weight`` (multiplies ``alpha``; 0 leaves the coordinate
unpenalized) and ``curv`` (the datafit curvature ``a_j^2`` along coordinate ``j``, used by CEL0 only).
``positive`` (1.0) adds the constraint ``x >= 0``; for these penalties, symmetric and non-decreasing in
``|x|``, ``prox_{pen + 1{x >= 0}}(v) = prox_pen(max(v, 0))``.

``prox_1d(code, params, weight, curv, v, step)`` returns a global minimizer of
``0.5 (x - v)^2 / step + pen(x)``: closed forms in the convex regime, and comparison of the
candidates (stationary points of each smooth piece, breakpoints, 0) otherwise.
"""

from math import acos, copysign, cos, fabs, pi, sqrt

import numpy as np
from numba import njit

L1 = 0
L0 = 1
MCP = 2
SCAD = 3
LQ = 4
CEL0 = 5
ENET = 6

N_PARAMS = 4


@njit(cache=True)
def soft_threshold(v, threshold):
    """``sign(v) max(|v| - threshold, 0)``."""
    if v > threshold:
        return v - threshold
    if v < -threshold:
        return v + threshold
    return 0.0


@njit(cache=True)
def prox_box(v, lower, upper):
    """Projection of ``v`` on ``[lower, upper]`` (prox of the box indicator)."""
    return min(max(v, lower), upper)


@njit(cache=True)
def _mcp_value(ax, alpha, gamma):
    if ax <= gamma * alpha:
        return alpha * ax - ax * ax / (2.0 * gamma)
    return 0.5 * gamma * alpha * alpha


@njit(cache=True)
def _scad_value(ax, alpha, gamma):
    if ax <= alpha:
        return alpha * ax
    if ax <= gamma * alpha:
        return (2.0 * gamma * alpha * ax - ax * ax - alpha * alpha) / (2.0 * (gamma - 1.0))
    return 0.5 * alpha * alpha * (gamma + 1.0)


@njit(cache=True)
def _cel0_value(ax, alpha, curv):
    if alpha == 0.0 or ax == 0.0:
        return 0.0
    if curv <= 0.0:
        return alpha
    b = sqrt(2.0 * alpha / curv)
    if ax <= b:
        return alpha - 0.5 * curv * (ax - b) ** 2
    return alpha


@njit(cache=True)
def value_1d(code, params, weight, curv, x):
    """Penalty of one coordinate ``x`` (``inf`` if ``positive`` and ``x < 0``)."""
    if params[3] > 0.0 and x < 0.0:
        return np.inf
    alpha = params[0] * weight
    ax = fabs(x)
    if code == L1:
        return alpha * ax
    if code == L0:
        return alpha if x != 0.0 else 0.0
    if code == MCP:
        return _mcp_value(ax, alpha, params[1])
    if code == SCAD:
        return _scad_value(ax, alpha, params[1])
    if code == LQ:
        return alpha * ax ** params[1]
    if code == CEL0:
        return _cel0_value(ax, alpha, curv)
    # ENET
    l1_ratio = params[1]
    return alpha * (l1_ratio * ax + 0.5 * (1.0 - l1_ratio) * x * x)


@njit(cache=True)
def value(code, params, weights, curvs, w):
    """Penalty of a vector: sum of ``value_1d`` over coordinates."""
    total = 0.0
    for j in range(w.shape[0]):
        if w[j] != 0.0:  # every penalty here is 0 at 0
            total += value_1d(code, params, weights[j], curvs[j], w[j])
    return total


# The prox helpers below work on a >= 0 (= |v|) and return the magnitude of the minimizer.
# Where the 1-D prox problem is not convex, they compare the candidates: stationary points of
# each smooth piece (clipped to it), the breakpoints, and 0.

@njit(cache=True)
def _prox_mcp(a, t, alpha, gamma):
    if t < gamma:  # strongly convex prox problem: firm thresholding
        if a <= t * alpha:
            return 0.0
        if a <= gamma * alpha:
            return (a - t * alpha) / (1.0 - t / gamma)
        return a
    # concave on [0, gamma alpha]: minimum at 0 or at max(a, gamma alpha)
    cand = max(a, gamma * alpha)
    if 0.5 * (cand - a) ** 2 / t + 0.5 * gamma * alpha * alpha < 0.5 * a * a / t:
        return cand
    return 0.0


@njit(cache=True)
def _prox_scad(a, t, alpha, gamma):
    if t < gamma - 1.0:
        if a <= alpha * (1.0 + t):
            return max(a - t * alpha, 0.0)
        if a <= gamma * alpha:
            return ((gamma - 1.0) * a - gamma * t * alpha) / (gamma - 1.0 - t)
        return a
    # general step: the pieces [0, alpha] (soft threshold clipped), [alpha, gamma alpha]
    # (concave: endpoints) and [gamma alpha, inf) (identity clipped)
    best = 0.0
    f_best = 0.5 * a * a / t
    for cand in (min(max(a - t * alpha, 0.0), alpha), alpha, gamma * alpha, max(a, gamma * alpha)):
        f = 0.5 * (cand - a) ** 2 / t + _scad_value(cand, alpha, gamma)
        if f < f_best:
            best = cand
            f_best = f
    return best


@njit(cache=True)
def _half_root(av, c):
    """Largest positive root ``x`` of ``x - av + c x^{-1/2} = 0`` (q = 1/2), or 0 if none.

    With ``y = sqrt(x)``: the depressed cubic ``y^3 - av y + c = 0``, solved in trigonometric form
    (Xu, Chang, Xu & Zhang, "L1/2 regularization: a thresholding representation theory", 2012).
    """
    p = av / 3.0
    scale = p * sqrt(p)
    if scale <= 0.0:  # |v| so small (or subnormal) that the threshold is not reached
        return 0.0
    arg = -0.5 * c / scale
    if arg < -1.0:
        return 0.0  # single real root, negative: no stationary point with x > 0
    if arg > 1.0:
        arg = 1.0
    y = 2.0 * sqrt(p) * cos(acos(arg) / 3.0)
    return y * y if y > 0.0 else 0.0


@njit(cache=True)
def _two_thirds_root(av, c):
    """Largest positive root ``x`` of ``x - av + c x^{-1/3} = 0`` (q = 2/3), or 0 if none.

    With ``y = x^{1/3}``: the quartic ``y^4 - av y + c = 0``, solved by Ferrari's method as in
    Cao, Sun & Xu, "Fast image deconvolution using closed-form thresholding formulas of L_q
    (q = 1/2, 2/3) regularization" (2013): ``m`` is the positive root of the resolvent cubic
    ``m^3 - c m - av^2 / 8 = 0`` and ``y = (sqrt(2m) + sqrt(2 av / sqrt(2m) - 2m)) / 2``.
    """
    if av <= 0.0:
        return 0.0
    r = av * av / 16.0
    p3 = c / 3.0
    disc = r * r - p3 * p3 * p3
    if disc >= 0.0:
        s = sqrt(disc)
        m = np.cbrt(r + s) + np.cbrt(r - s)
    else:
        m = 2.0 * sqrt(p3) * cos(acos(min(r / (p3 * sqrt(p3)), 1.0)) / 3.0)
    if m <= 0.0:
        return 0.0
    s2m = sqrt(2.0 * m)
    inner = 2.0 * av / s2m - 2.0 * m
    if inner < 0.0:
        return 0.0
    y = 0.5 * (s2m + sqrt(inner))
    return y * y * y


@njit(cache=True)
def _prox_lq(a, t, alpha, q):
    c = t * alpha * q
    if fabs(q - 0.5) < 1e-12:
        x = _half_root(a, c)
    elif fabs(q - 2.0 / 3.0) < 1e-12:
        x = _two_thirds_root(a, c)
    else:
        # any q in (0, 1): h(x) = x + c x^{q-1} is convex, Newton from x = a decreases
        # monotonically to the largest root of h(x) = a when one exists.
        x = a
        for _ in range(100):
            h = x + c * x ** (q - 1.0) - a
            dh = 1.0 + c * (q - 1.0) * x ** (q - 2.0)
            if dh <= 0.0:
                x = 0.0
                break
            step_x = h / dh
            x -= step_x
            if x <= 0.0:
                x = 0.0
                break
            if fabs(step_x) <= 1e-15 * max(x, 1.0):
                break
    if x <= 0.0:
        return 0.0
    # compare the stationary point with 0 (the prox objective is not convex)
    if 0.5 * (x - a) ** 2 / t + alpha * x**q < 0.5 * a * a / t:
        return x
    return 0.0


@njit(cache=True)
def _prox_cel0(a, t, alpha, curv):
    if curv <= 0.0:  # no curvature information: CEL0 degenerates to L0
        return a if a * a > 2.0 * t * alpha else 0.0
    b = sqrt(2.0 * alpha / curv)
    best = 0.0
    f_best = 0.5 * a * a / t
    denom = 1.0 - t * curv
    # stationary point of 0.5 (x - a)^2 / t + alpha - curv (x - b)^2 / 2 on [0, b] (if convex)
    inner = min(max((a - t * curv * b) / denom, 0.0), b) if denom > 0.0 else 0.0
    for cand in (inner, b, max(a, b)):
        f = 0.5 * (cand - a) ** 2 / t + _cel0_value(cand, alpha, curv)
        if f < f_best:
            best = cand
            f_best = f
    return best


@njit(cache=True)
def prox_1d(code, params, weight, curv, v, step):
    """Global minimizer of ``0.5 (x - v)^2 / step + weight-scaled pen(x)``."""
    if params[3] > 0.0 and v <= 0.0:
        return 0.0
    alpha = params[0] * weight
    if code == L1:
        return soft_threshold(v, step * alpha)
    if code == L0:
        return v if v * v > 2.0 * step * alpha else 0.0
    if code == ENET:
        l1_ratio = params[1]
        return soft_threshold(v, step * alpha * l1_ratio) / (1.0 + step * alpha * (1.0 - l1_ratio))
    if alpha == 0.0:
        return v
    a = fabs(v)
    if code == MCP:
        x = _prox_mcp(a, step, alpha, params[1])
    elif code == SCAD:
        x = _prox_scad(a, step, alpha, params[1])
    elif code == LQ:
        x = _prox_lq(a, step, alpha, params[1])
    else:
        x = _prox_cel0(a, step, alpha, curv)
    return copysign(x, v)


@njit(cache=True)
def prox(code, params, weights, curvs, v, step):
    """Vectorized ``prox_1d`` (one step for all coordinates)."""
    out = np.empty_like(v)
    for j in range(v.shape[0]):
        out[j] = prox_1d(code, params, weights[j], curvs[j], v[j], step)
    return out


@njit(cache=True)
def subdiff_distance_1d(code, params, weight, curv, x, grad):
    """Distance of ``-grad`` to the (Frechet) subdifferential of the penalty at ``x``.

    For L0 and Lq the subdifferential at 0 is the whole line, so the distance there is 0: use
    ``fixed_point_score`` to rank or stop on those penalties.
    """
    alpha = params[0] * weight
    positive = params[3] > 0.0
    if x == 0.0:
        if code == L0 or code == LQ:
            return 0.0 if alpha > 0.0 else fabs(grad)
        if code == CEL0:
            slope = sqrt(2.0 * alpha * curv) if curv > 0.0 else np.inf
        elif code == ENET:
            slope = alpha * params[1]
        else:  # L1, MCP, SCAD: right derivative alpha at 0
            slope = alpha
        if positive:
            return max(-grad - slope, 0.0)
        return max(fabs(grad) - slope, 0.0)
    if positive and x < 0.0:
        return np.inf
    ax = fabs(x)
    s = 1.0 if x > 0.0 else -1.0
    if code == L1:
        deriv = alpha * s
    elif code == L0:
        deriv = 0.0
    elif code == MCP:
        deriv = s * max(alpha - ax / params[1], 0.0)
    elif code == SCAD:
        gamma = params[1]
        if ax <= alpha:
            deriv = alpha * s
        else:
            deriv = s * max(gamma * alpha - ax, 0.0) / (gamma - 1.0)
    elif code == LQ:
        deriv = s * alpha * params[1] * ax ** (params[1] - 1.0)
    elif code == CEL0:
        if curv > 0.0 and alpha > 0.0:
            b = sqrt(2.0 * alpha / curv)
            deriv = s * curv * max(b - ax, 0.0)
        else:
            deriv = 0.0
    else:
        deriv = alpha * (params[1] * s + (1.0 - params[1]) * x)
    return fabs(grad + deriv)


@njit(cache=True)
def fixed_point_score_1d(code, params, weight, curv, x, grad, lipschitz):
    """``lipschitz |x - prox(x - grad / lipschitz, 1 / lipschitz)|``: zero iff ``x`` is a prox fixed
    point; equals the subdifferential distance at 0 for L1, and is informative for L0 / Lq."""
    if lipschitz <= 0.0:
        return 0.0
    step = 1.0 / lipschitz
    return lipschitz * fabs(x - prox_1d(code, params, weight, curv, x - step * grad, step))


@njit(cache=True)
def optimality_score_1d(code, params, weight, curv, x, grad, lipschitz):
    """Stationarity violation used by the solvers to stop and to rank features.

    The distance to the Frechet subdifferential for penalties with a finite slope at 0 (L1,
    elastic net, MCP, SCAD, CEL0): it does not depend on a step size, whereas a prox fixed point
    with a step above ``gamma`` (MCP) is stricter than stationarity. For L0 and Lq, whose
    subdifferential at 0 is the whole line, the prox fixed-point score (step ``1 / lipschitz``).
    """
    if code == L0 or code == LQ:
        return fixed_point_score_1d(code, params, weight, curv, x, grad, lipschitz)
    return subdiff_distance_1d(code, params, weight, curv, x, grad)


@njit(cache=True)
def is_convex(code):
    return code == L1 or code == ENET

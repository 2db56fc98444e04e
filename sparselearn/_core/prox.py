"""Separable penalties as cached Numba kernels: one section per penalty, then the dispatchers.

A penalty is a small integer ``code`` plus a parameter array ``params`` of length 4,
``[alpha, shape, -, positive]``:

======  ==============  =================================================================
code    shape           penalty of one coordinate ``x``
======  ==============  =================================================================
L1      -               ``alpha |x|``
L0      -               ``alpha 1{x != 0}``
MCP     gamma           Zhang (2010): ``alpha|x| - x^2/(2 gamma)`` up to ``gamma alpha``
SCAD    gamma           Fan & Li (2001), ``gamma > 2``
LQ      q               ``alpha |x|^q``, ``0 < q < 1``
CEL0    -               Soubies et al. (2015), curvature ``a^2`` per coordinate
ENET    l1_ratio        ``alpha (l1_ratio |x| + (1 - l1_ratio) x^2 / 2)``
LOGSUM  eps             ``alpha log(1 + |x| / eps)`` (Candes, Wakin & Boyd, 2008)
======  ==============  =================================================================

Per coordinate ``j`` the kernels also take ``weight`` (multiplies ``alpha``; 0 leaves the coordinate
unpenalized) and ``curv`` (the datafit curvature ``a_j^2`` along coordinate ``j``, used by CEL0 only).
``positive`` (1.0) adds the constraint ``x >= 0``; for these penalties, symmetric and non-decreasing in
``|x|``, ``prox_{pen + 1{x >= 0}}(v) = prox_pen(max(v, 0))``.

Each penalty's section defines five functions of the magnitude ``a = |x| >= 0`` and the weighted
``alpha > 0``, ``shape = params[1]``:

* ``_NAME_value(a, alpha, shape, curv)``: the penalty;
* ``_NAME_prox(a, t, alpha, shape, curv)``: magnitude of a global minimizer of
  ``0.5 (x - a)^2 / t + pen(x)``;
* ``_NAME_derivative(a, alpha, shape, curv)``: the derivative at ``a > 0``;
* ``_NAME_slope(alpha, shape, curv)``: the right derivative at 0 (``inf`` when the subdifferential
  at 0 is the whole line, as for L0 and Lq: stationarity is then measured by the prox fixed point);
* ``_NAME_curvature(alpha, shape, curv)``: with ``pen(x) = slope |x| + q(x)``, a bound on ``|q''|``,
  negative when ``q`` is concave (the split of the accelerated gradient method, Yang et al. 2023).

The section functions (and the Lq roots) are ``@njit(inline="always")``: Numba inlines them into
the dispatchers instead of compiling and caching each one, which keeps a fresh install's first
compilation short (each compiled function costs a fixed ~0.1 s besides its size). The thin
wrappers written on top of the dispatchers (subdifferential distance, fixed-point and optimality
scores) are inlined into their callers for the same reason.
The dispatchers at the end of the module (``value_1d``, ``prox_1d``, ``derivative_1d``,
``slope_at_zero_1d``, ``curvature_1d``) pick the section by code; everything else (vector forms,
subdifferential distance, fixed-point score, AG split, zero thresholds) is written once on top of
them. A run-time code compiles every section into a dispatcher; a compile-time one (the
per-penalty kernels ``value_for(code)``, ``optimality_scores_for(code)``,
``concavities_for(code)`` and :func:`sparselearn._core.cd.model_cd_for`, which the working-set
GLM solver calls) compiles that penalty's only, which cuts a fit's first compilation by about a
fifth. Adding a penalty is a new section, a new code, its row of ``_SECTIONS`` and one line per
``_any_*`` function here, plus one class in :mod:`sparselearn.penalties` (see the contributor
guide).
"""

import functools
from math import acos, copysign, cos, fabs, inf, log, sqrt

import numpy as np
from numba import njit, types
from numba.extending import overload

L1 = 0
L0 = 1
MCP = 2
SCAD = 3
LQ = 4
CEL0 = 5
ENET = 6
LOGSUM = 7

N_PARAMS = 4


@njit(cache=True, inline="always")
def soft_threshold(v, threshold):
    """``sign(v) max(|v| - threshold, 0)``."""
    if v > threshold:
        return v - threshold
    if v < -threshold:
        return v + threshold
    return 0.0


# Where the 1-D prox problem is not convex, the prox functions compare the candidates: stationary
# points of each smooth piece (clipped to it), the breakpoints, and 0.

# ----------------------------------------------------------------------------------------- L1

@njit(inline="always")
def _l1_value(a, alpha, shape, curv):
    return alpha * a


@njit(inline="always")
def _l1_prox(a, t, alpha, shape, curv):
    return max(a - t * alpha, 0.0)


@njit(inline="always")
def _l1_derivative(a, alpha, shape, curv):
    return alpha


@njit(inline="always")
def _l1_slope(alpha, shape, curv):
    return alpha


@njit(inline="always")
def _l1_curvature(alpha, shape, curv):
    return 0.0


# ----------------------------------------------------------------------------------------- L0

@njit(inline="always")
def _l0_value(a, alpha, shape, curv):
    return alpha if a != 0.0 else 0.0


@njit(inline="always")
def _l0_prox(a, t, alpha, shape, curv):
    return a if a * a > 2.0 * t * alpha else 0.0


@njit(inline="always")
def _l0_derivative(a, alpha, shape, curv):
    return 0.0


@njit(inline="always")
def _l0_slope(alpha, shape, curv):
    return inf


@njit(inline="always")
def _l0_curvature(alpha, shape, curv):
    return 0.0


# ---------------------------------------------------------------------------------------- MCP

@njit(inline="always")
def _mcp_value(a, alpha, gamma, curv):
    if a <= gamma * alpha:
        return alpha * a - a * a / (2.0 * gamma)
    return 0.5 * gamma * alpha * alpha


@njit(inline="always")
def _mcp_prox(a, t, alpha, gamma, curv):
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


@njit(inline="always")
def _mcp_derivative(a, alpha, gamma, curv):
    return max(alpha - a / gamma, 0.0)


@njit(inline="always")
def _mcp_slope(alpha, gamma, curv):
    return alpha


@njit(inline="always")
def _mcp_curvature(alpha, gamma, curv):
    return -1.0 / gamma


# --------------------------------------------------------------------------------------- SCAD

@njit(inline="always")
def _scad_value(a, alpha, gamma, curv):
    if a <= alpha:
        return alpha * a
    if a <= gamma * alpha:
        return (2.0 * gamma * alpha * a - a * a - alpha * alpha) / (2.0 * (gamma - 1.0))
    return 0.5 * alpha * alpha * (gamma + 1.0)


@njit(inline="always")
def _scad_prox(a, t, alpha, gamma, curv):
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
        f = 0.5 * (cand - a) ** 2 / t + _scad_value(cand, alpha, gamma, curv)
        if f < f_best:
            best = cand
            f_best = f
    return best


@njit(inline="always")
def _scad_derivative(a, alpha, gamma, curv):
    if a <= alpha:
        return alpha
    return max(gamma * alpha - a, 0.0) / (gamma - 1.0)


@njit(inline="always")
def _scad_slope(alpha, gamma, curv):
    return alpha


@njit(inline="always")
def _scad_curvature(alpha, gamma, curv):
    return -1.0 / (gamma - 1.0)


# ----------------------------------------------------------------------------------------- Lq

@njit(inline="always")
def _lq_value(a, alpha, q, curv):
    return alpha * a**q


@njit(cache=True, inline="always")
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


@njit(cache=True, inline="always")
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


@njit(cache=True, inline="always")
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


@njit(inline="always")
def _lq_derivative(a, alpha, q, curv):
    return alpha * q * a ** (q - 1.0)


@njit(inline="always")
def _lq_slope(alpha, q, curv):
    return inf


@njit(inline="always")
def _lq_curvature(alpha, q, curv):
    return 0.0


# --------------------------------------------------------------------------------------- CEL0

@njit(inline="always")
def _cel0_value(a, alpha, shape, curv):
    if a == 0.0 or alpha == 0.0:
        return 0.0
    if curv <= 0.0:
        return alpha
    b = sqrt(2.0 * alpha / curv)
    if a <= b:
        return alpha - 0.5 * curv * (a - b) ** 2
    return alpha


@njit(inline="always")
def _cel0_prox(a, t, alpha, shape, curv):
    if curv <= 0.0:  # no curvature information: CEL0 degenerates to L0
        return _l0_prox(a, t, alpha, shape, curv)
    b = sqrt(2.0 * alpha / curv)
    best = 0.0
    f_best = 0.5 * a * a / t
    denom = 1.0 - t * curv
    # stationary point of 0.5 (x - a)^2 / t + alpha - curv (x - b)^2 / 2 on [0, b] (if convex)
    inner = min(max((a - t * curv * b) / denom, 0.0), b) if denom > 0.0 else 0.0
    for cand in (inner, b, max(a, b)):
        f = 0.5 * (cand - a) ** 2 / t + _cel0_value(cand, alpha, shape, curv)
        if f < f_best:
            best = cand
            f_best = f
    return best


@njit(inline="always")
def _cel0_derivative(a, alpha, shape, curv):
    if curv <= 0.0:
        return 0.0
    return curv * max(sqrt(2.0 * alpha / curv) - a, 0.0)


@njit(inline="always")
def _cel0_slope(alpha, shape, curv):
    return sqrt(2.0 * alpha * curv) if curv > 0.0 else inf


@njit(inline="always")
def _cel0_curvature(alpha, shape, curv):
    return -curv


# -------------------------------------------------------------------------------- elastic net

@njit(inline="always")
def _enet_value(a, alpha, l1_ratio, curv):
    return alpha * (l1_ratio * a + 0.5 * (1.0 - l1_ratio) * a * a)


@njit(inline="always")
def _enet_prox(a, t, alpha, l1_ratio, curv):
    return max(a - t * alpha * l1_ratio, 0.0) / (1.0 + t * alpha * (1.0 - l1_ratio))


@njit(inline="always")
def _enet_derivative(a, alpha, l1_ratio, curv):
    return alpha * (l1_ratio + (1.0 - l1_ratio) * a)


@njit(inline="always")
def _enet_slope(alpha, l1_ratio, curv):
    return alpha * l1_ratio


@njit(inline="always")
def _enet_curvature(alpha, l1_ratio, curv):
    return alpha * (1.0 - l1_ratio)


# ------------------------------------------------------------------------------------ log-sum

@njit(inline="always")
def _logsum_value(a, alpha, eps, curv):
    return alpha * log(1.0 + a / eps)


@njit(inline="always")
def _logsum_prox(a, t, alpha, eps, curv):
    # stationary points on x > 0: (x - a)(eps + x) + t alpha = 0; the larger root is the local
    # minimum, compared with 0
    disc = (a + eps) ** 2 - 4.0 * t * alpha
    if disc < 0.0:
        return 0.0
    x = 0.5 * (a - eps + sqrt(disc))
    if x <= 0.0:
        return 0.0
    if 0.5 * (x - a) ** 2 / t + alpha * log(1.0 + x / eps) < 0.5 * a * a / t:
        return x
    return 0.0


@njit(inline="always")
def _logsum_derivative(a, alpha, eps, curv):
    return alpha / (eps + a)


@njit(inline="always")
def _logsum_slope(alpha, eps, curv):
    return alpha / eps


@njit(inline="always")
def _logsum_curvature(alpha, eps, curv):
    return -alpha / (eps * eps)


# -------------------------------------------------------------------------------- dispatchers
#
# The five dispatchers pick a section by code through ``_section``: where the code is a
# run-time integer (``int64``), every section is typed and compiled in (one kernel serves all
# penalties); where it is a compile-time constant (``Literal[int]``: a kernel of
# :func:`for_penalty`, and everything it calls with the code), only that penalty's section is,
# which leaves the other seven out of a fit's first compilation.

VALUE, PROX, DERIVATIVE, SLOPE, CURVATURE = range(5)


@njit(inline="always")
def _lq_prox(a, t, alpha, q, curv):
    return _prox_lq(a, t, alpha, q)


_SECTIONS = {
    L1: (_l1_value, _l1_prox, _l1_derivative, _l1_slope, _l1_curvature),
    L0: (_l0_value, _l0_prox, _l0_derivative, _l0_slope, _l0_curvature),
    MCP: (_mcp_value, _mcp_prox, _mcp_derivative, _mcp_slope, _mcp_curvature),
    SCAD: (_scad_value, _scad_prox, _scad_derivative, _scad_slope, _scad_curvature),
    LQ: (_lq_value, _lq_prox, _lq_derivative, _lq_slope, _lq_curvature),
    CEL0: (_cel0_value, _cel0_prox, _cel0_derivative, _cel0_slope, _cel0_curvature),
    ENET: (_enet_value, _enet_prox, _enet_derivative, _enet_slope, _enet_curvature),
    LOGSUM: (_logsum_value, _logsum_prox, _logsum_derivative, _logsum_slope,
             _logsum_curvature),
}
N_PENALTIES = len(_SECTIONS)


# run-time code: every section of one kind (plain functions, compiled by ``_section``)

def _any_value(kind, code, a, t, alpha, shape, curv):
    if code == L1:
        return _l1_value(a, alpha, shape, curv)
    if code == L0:
        return _l0_value(a, alpha, shape, curv)
    if code == MCP:
        return _mcp_value(a, alpha, shape, curv)
    if code == SCAD:
        return _scad_value(a, alpha, shape, curv)
    if code == LQ:
        return _lq_value(a, alpha, shape, curv)
    if code == CEL0:
        return _cel0_value(a, alpha, shape, curv)
    if code == ENET:
        return _enet_value(a, alpha, shape, curv)
    return _logsum_value(a, alpha, shape, curv)


def _any_prox(kind, code, a, t, alpha, shape, curv):
    if code == L1:
        return _l1_prox(a, t, alpha, shape, curv)
    if code == L0:
        return _l0_prox(a, t, alpha, shape, curv)
    if code == MCP:
        return _mcp_prox(a, t, alpha, shape, curv)
    if code == SCAD:
        return _scad_prox(a, t, alpha, shape, curv)
    if code == LQ:
        return _lq_prox(a, t, alpha, shape, curv)
    if code == CEL0:
        return _cel0_prox(a, t, alpha, shape, curv)
    if code == ENET:
        return _enet_prox(a, t, alpha, shape, curv)
    return _logsum_prox(a, t, alpha, shape, curv)


def _any_derivative(kind, code, a, t, alpha, shape, curv):
    if code == L1:
        return _l1_derivative(a, alpha, shape, curv)
    if code == L0:
        return _l0_derivative(a, alpha, shape, curv)
    if code == MCP:
        return _mcp_derivative(a, alpha, shape, curv)
    if code == SCAD:
        return _scad_derivative(a, alpha, shape, curv)
    if code == LQ:
        return _lq_derivative(a, alpha, shape, curv)
    if code == CEL0:
        return _cel0_derivative(a, alpha, shape, curv)
    if code == ENET:
        return _enet_derivative(a, alpha, shape, curv)
    return _logsum_derivative(a, alpha, shape, curv)


def _any_slope(kind, code, a, t, alpha, shape, curv):
    if code == L1:
        return _l1_slope(alpha, shape, curv)
    if code == L0:
        return _l0_slope(alpha, shape, curv)
    if code == MCP:
        return _mcp_slope(alpha, shape, curv)
    if code == SCAD:
        return _scad_slope(alpha, shape, curv)
    if code == LQ:
        return _lq_slope(alpha, shape, curv)
    if code == CEL0:
        return _cel0_slope(alpha, shape, curv)
    if code == ENET:
        return _enet_slope(alpha, shape, curv)
    return _logsum_slope(alpha, shape, curv)


def _any_curvature(kind, code, a, t, alpha, shape, curv):
    if code == L1:
        return _l1_curvature(alpha, shape, curv)
    if code == L0:
        return _l0_curvature(alpha, shape, curv)
    if code == MCP:
        return _mcp_curvature(alpha, shape, curv)
    if code == SCAD:
        return _scad_curvature(alpha, shape, curv)
    if code == LQ:
        return _lq_curvature(alpha, shape, curv)
    if code == CEL0:
        return _cel0_curvature(alpha, shape, curv)
    if code == ENET:
        return _enet_curvature(alpha, shape, curv)
    return _logsum_curvature(alpha, shape, curv)


_ANY = (_any_value, _any_prox, _any_derivative, _any_slope, _any_curvature)


def _section(kind, code, a, t, alpha, shape, curv):
    """Section ``kind`` of the penalty ``code``: compiled code only (see ``_ol_section``)."""
    raise NotImplementedError("only callable from compiled code")


@overload(_section, prefer_literal=True, inline="always")
def _ol_section(kind, code, a, t, alpha, shape, curv):
    """A constant ``code`` compiles its own section only; a run-time one, all of them."""
    if not isinstance(kind, types.IntegerLiteral):
        raise TypeError("_section: kind must be a constant")
    if isinstance(code, types.IntegerLiteral):
        fn = _SECTIONS[code.literal_value][kind.literal_value]
        if kind.literal_value == PROX:
            return lambda kind, code, a, t, alpha, shape, curv: fn(a, t, alpha, shape, curv)
        if kind.literal_value in (VALUE, DERIVATIVE):
            return lambda kind, code, a, t, alpha, shape, curv: fn(a, alpha, shape, curv)
        return lambda kind, code, a, t, alpha, shape, curv: fn(alpha, shape, curv)
    return _ANY[kind.literal_value]


@njit(cache=True)
def value_1d(code, params, weight, curv, x):
    """Penalty of one coordinate ``x`` (``inf`` if ``positive`` and ``x < 0``)."""
    if params[3] > 0.0 and x < 0.0:
        return np.inf
    return _section(VALUE, code, fabs(x), 0.0, params[0] * weight, params[1], curv)


@njit(cache=True)
def prox_1d(code, params, weight, curv, v, step):
    """Global minimizer of ``0.5 (x - v)^2 / step + weight-scaled pen(x)``."""
    if params[3] > 0.0 and v <= 0.0:
        return 0.0
    alpha = params[0] * weight
    if alpha == 0.0:
        return v
    x = _section(PROX, code, fabs(v), step, alpha, params[1], curv)
    return copysign(x, v) if x != 0.0 else 0.0


@njit(cache=True)
def derivative_1d(code, params, weight, curv, a):
    """Derivative of the weighted penalty at ``a > 0``."""
    alpha = params[0] * weight
    if alpha == 0.0:
        return 0.0
    return _section(DERIVATIVE, code, a, 0.0, alpha, params[1], curv)


@njit(cache=True)
def slope_at_zero_1d(code, params, weight, curv):
    """Right derivative of the weighted penalty at 0 (``inf``: the subdifferential is the line)."""
    alpha = params[0] * weight
    if alpha == 0.0:
        return 0.0
    return _section(SLOPE, code, 0.0, 0.0, alpha, params[1], curv)


@njit(cache=True)
def curvature_1d(code, params, weight, curv):
    """Bound on ``|q''|`` for ``pen = slope |x| + q(x)``, negative when ``q`` is concave."""
    alpha = params[0] * weight
    if alpha == 0.0:
        return 0.0
    return _section(CURVATURE, code, 0.0, 0.0, alpha, params[1], curv)


# ------------------------------------------------------------- written once for every penalty

# Kernels made per penalty. ``NAME_for(code)`` returns the kernel ``NAME`` compiled for the
# penalty ``code`` alone: the code is then a constant of the closure (Numba prunes the other
# branch of ``if fixed < 0`` before typing), so the kernel and everything it calls with the
# code compile the sections of that penalty only, and Numba caches each closure per value of
# ``fixed``. ``NAME = NAME_for(ANY)`` reads the code from its argument (every section compiled
# in). Both take the same arguments, ``code`` included. The single-problem GLM solver calls the
# per-penalty kernels; the others, the kernels for any code.

ANY = -1


@functools.cache
def value_for(fixed):
    """:func:`value` for the penalty ``fixed`` alone (``ANY``: the code argument's)."""
    fixed = int(fixed)

    @njit(cache=True)
    def value(code, params, weights, curvs, w):
        """Penalty of a vector: sum of ``value_1d`` over coordinates."""
        if fixed < 0:
            pcode = code
        else:
            pcode = fixed
        total = 0.0
        for j in range(w.shape[0]):
            if w[j] != 0.0:  # every penalty here is 0 at 0
                total += value_1d(pcode, params, weights[j], curvs[j], w[j])
        return total

    return value


value = value_for(ANY)


@njit(cache=True)
def prox(code, params, weights, curvs, v, step):
    """Vectorized ``prox_1d`` (one step for all coordinates)."""
    out = np.empty_like(v)
    for j in range(v.shape[0]):
        out[j] = prox_1d(code, params, weights[j], curvs[j], v[j], step)
    return out


@njit(cache=True, inline="always")
def subdiff_distance_1d(code, params, weight, curv, x, grad):
    """Distance of ``-grad`` to the (Frechet) subdifferential of the penalty at ``x``.

    For L0 and Lq the subdifferential at 0 is the whole line, so the distance there is 0: use
    ``fixed_point_score_1d`` to rank or stop on those penalties.
    """
    positive = params[3] > 0.0
    if x == 0.0:
        slope = slope_at_zero_1d(code, params, weight, curv)
        if positive:
            return max(-grad - slope, 0.0)
        return max(fabs(grad) - slope, 0.0)
    if positive and x < 0.0:
        return np.inf
    return fabs(grad + copysign(derivative_1d(code, params, weight, curv, fabs(x)), x))


@njit(cache=True, inline="always")
def fixed_point_score_1d(code, params, weight, curv, x, grad, lipschitz):
    """``lipschitz |x - prox(x - grad / lipschitz, 1 / lipschitz)|``: zero iff ``x`` is a prox fixed
    point; equals the subdifferential distance at 0 for L1, and is informative for L0 / Lq."""
    if lipschitz <= 0.0:
        return 0.0
    step = 1.0 / lipschitz
    return lipschitz * fabs(x - prox_1d(code, params, weight, curv, x - step * grad, step))


@njit(cache=True, inline="always")
def optimality_score_1d(code, params, weight, curv, x, grad, lipschitz):
    """Stationarity violation used by the solvers to stop and to rank features.

    The distance to the Frechet subdifferential for penalties with a finite slope at 0 (L1,
    elastic net, MCP, SCAD, CEL0, log-sum): it does not depend on a step size, whereas a prox
    fixed point with a step above ``gamma`` (MCP) is stricter than stationarity. For L0 and Lq,
    whose subdifferential at 0 is the whole line, the prox fixed-point score (step
    ``1 / lipschitz``).
    """
    if slope_at_zero_1d(code, params, weight, curv) == inf:
        return fixed_point_score_1d(code, params, weight, curv, x, grad, lipschitz)
    return subdiff_distance_1d(code, params, weight, curv, x, grad)


@njit(cache=True)
def subdiff_distances(code, params, weights, curvs, w, grad):
    """``subdiff_distance_1d`` of every coordinate."""
    out = np.empty(w.shape[0])
    for j in range(w.shape[0]):
        out[j] = subdiff_distance_1d(code, params, weights[j], curvs[j], w[j], grad[j])
    return out


@njit(cache=True)
def fixed_point_scores(code, params, weights, curvs, w, grad, lipschitz):
    """``fixed_point_score_1d`` of every coordinate (``lipschitz`` per coordinate)."""
    out = np.empty(w.shape[0])
    for j in range(w.shape[0]):
        out[j] = fixed_point_score_1d(code, params, weights[j], curvs[j], w[j], grad[j],
                                      lipschitz[j])
    return out


@functools.cache
def optimality_scores_for(fixed):
    """:func:`optimality_scores` for the penalty ``fixed`` alone (see :func:`value_for`)."""
    fixed = int(fixed)

    @njit(cache=True)
    def optimality_scores(code, params, weights, curvs, w, grad, lipschitz):
        """``optimality_score_1d`` of every coordinate (``lipschitz`` per coordinate)."""
        if fixed < 0:
            pcode = code
        else:
            pcode = fixed
        out = np.empty(w.shape[0])
        for j in range(w.shape[0]):
            out[j] = optimality_score_1d(pcode, params, weights[j], curvs[j], w[j], grad[j],
                                         lipschitz[j])
        return out

    return optimality_scores


optimality_scores = optimality_scores_for(ANY)


@njit(cache=True)
def ag_split_1d(code, params, weight, curv, x):
    """``(alpha_1, q'(x))`` with ``pen(x) = alpha_1 |x| + q(x)``, ``q`` smooth (penalties with a
    finite slope at 0; Yang, Asgharian & Bhatnagar 2023, Section 2)."""
    slope = slope_at_zero_1d(code, params, weight, curv)
    if slope == inf:  # degenerate CEL0 coordinate (no curvature): left unpenalized by the split
        return 0.0, 0.0
    if x == 0.0:
        return slope, 0.0
    dq = derivative_1d(code, params, weight, curv, fabs(x)) - slope  # <= 0 when q is concave
    return slope, dq if x > 0.0 else -dq


@functools.cache
def concavities_for(fixed):
    """:func:`concavities` for the penalty ``fixed`` alone (see :func:`value_for`)."""
    fixed = int(fixed)

    @njit(cache=True)
    def concavities(code, params, weights, curvs):
        """Per-feature ``max(-q'', 0)`` for ``pen = slope |x| + q(x)``: a coordinate model with
        at least this curvature is convex in that coordinate."""
        if fixed < 0:
            pcode = code
        else:
            pcode = fixed
        out = np.empty(weights.shape[0])
        for j in range(weights.shape[0]):
            out[j] = max(-curvature_1d(pcode, params, weights[j], curvs[j]), 0.0)
        return out

    return concavities


concavities = concavities_for(ANY)


@njit(cache=True)
def ag_lipschitz(code, params, weights, curvs, lipschitz):
    """Step constant of the split problem: ``lipschitz`` plus the largest curvature of a convex
    ``q``, or ``max(lipschitz, |q''|)`` for a concave ``q`` (Yang et al. 2023)."""
    convex = 0.0
    concave = 0.0
    for j in range(weights.shape[0]):
        c = curvature_1d(code, params, weights[j], curvs[j])
        convex = max(convex, c)
        concave = max(concave, -c)
    return max(lipschitz + convex, concave)


@njit(cache=True)
def prox_zero_boundary(code, params, weight, curv, v, step, over_alpha):
    """Boundary of the set where ``prox(v, step) = 0``, by bisection (the prox is monotone).

    ``over_alpha``: the smallest ``alpha`` (``params[0]``) that maps ``v`` to 0; otherwise the
    largest ``|v|`` mapped to 0 at the given ``alpha``.
    """
    p = params.copy()
    p[3] = 0.0
    if over_alpha:  # zero for alpha >= boundary
        lo, hi = 0.0, max(fabs(v), 1e-300)
        p[0] = hi
        while prox_1d(code, p, weight, curv, v, step) != 0.0 and hi < 1e300:
            hi *= 2.0
            p[0] = hi
    else:  # zero for |v| <= boundary
        lo, hi = 0.0, 1.0
        while prox_1d(code, p, weight, curv, hi, step) == 0.0 and hi < 1e300:
            hi *= 2.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if over_alpha:
            p[0] = mid
            zero = prox_1d(code, p, weight, curv, v, step) == 0.0
            if zero:
                hi = mid
            else:
                lo = mid
        else:
            zero = prox_1d(code, p, weight, curv, mid, step) == 0.0
            if zero:
                lo = mid
            else:
                hi = mid
        if hi - lo <= 1e-14 * hi:
            break
    return hi if over_alpha else lo


@njit(cache=True)
def zero_threshold(code, params, curvature):
    """The correlation ``|r|`` below which a coordinate of curvature ``curvature`` stays at 0:
    ``curvature`` times the largest ``|v|`` with ``prox(v, 1 / curvature) = 0``."""
    return curvature * prox_zero_boundary(code, params, 1.0, curvature, 0.0, 1.0 / curvature,
                                          np.bool_(False))


@functools.cache
def alpha_max_for(fixed):
    """:func:`alpha_max` for the penalty ``fixed`` alone (see :func:`value_for`)."""
    fixed = int(fixed)

    @njit(cache=True)
    def alpha_max(code, params, weights, curvs, grad0, lipschitz):
        """Smallest ``alpha`` for which ``w = 0`` is a prox fixed point (coordinate steps
        ``1 / lipschitz_j``), given the gradient ``grad0`` at 0: the largest per-coordinate
        :func:`prox_zero_boundary` over ``alpha``."""
        if fixed < 0:
            pcode = code
        else:
            pcode = fixed
        best = 0.0
        for j in range(grad0.shape[0]):
            g = fabs(grad0[j])
            if weights[j] > 0.0 and lipschitz[j] > 0.0 and g > 0.0:
                boundary = prox_zero_boundary(pcode, params, weights[j], curvs[j],
                                              g / lipschitz[j], 1.0 / lipschitz[j],
                                              np.bool_(True))
                best = max(best, boundary)
        return best

    return alpha_max


alpha_max = alpha_max_for(ANY)

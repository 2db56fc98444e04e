"""Separable datafits ``F(z) = sum_i s_i f(y_i, z_i)`` of the linear predictor ``z = Xw + b``.

``s`` holds the sample weights divided by their sum, so that ``sum_i s_i = 1``:
with unit weights, ``F`` is the mean loss (scikit-learn's ``1 / n`` scaling).

======== ======== ==================================================== =========================
code     params   ``f(y, z)``                                          curvature bound
======== ======== ==================================================== =========================
QUAD     [-]      ``(y - z)^2 / 2``                                    1
LOGISTIC [-]      ``log(1 + exp(-y z))``, ``y`` in {-1, +1}            1/4
POISSON  [-]      ``exp(z) - y z`` (log link, constant dropped)        none (local Newton)
HUBER    [delta]  ``r^2/2`` if ``|r| <= delta`` else ``delta |r| - delta^2/2``  1
======== ======== ==================================================== =========================
"""

from math import exp, fabs, log

import numpy as np
from numba import njit

QUAD = 0
LOGISTIC = 1
POISSON = 2
HUBER = 3


@njit(cache=True, nogil=True, inline="always")
def _log1pexp(t):
    """``log(1 + exp(t))`` without overflow."""
    if t > 0.0:
        return t + log(1.0 + exp(-t))
    return log(1.0 + exp(t))


@njit(cache=True, nogil=True, inline="always")
def loss_1d(code, params, y, z):
    if code == QUAD:
        return 0.5 * (y - z) ** 2
    if code == LOGISTIC:
        return _log1pexp(-y * z)
    if code == POISSON:
        return exp(z) - y * z
    r = fabs(y - z)
    delta = params[0]
    if r <= delta:
        return 0.5 * r * r
    return delta * r - 0.5 * delta * delta


@njit(cache=True, nogil=True)
def value(code, params, y, z, sw):
    """``sum_i s_i f(y_i, z_i)``."""
    total = 0.0
    for i in range(y.shape[0]):
        total += sw[i] * loss_1d(code, params, y[i], z[i])
    return total


@njit(cache=True, nogil=True)
def raw_grad_hess(code, params, y, z, sw, grad, hess):
    """Fill ``grad_i = s_i f'(y_i, z_i)`` and ``hess_i = s_i c_i`` where ``c_i`` is ``f''`` for
    logistic and Poisson (prox-Newton) and the global curvature bound for quadratic and Huber
    (then the quadratic model majorizes ``F``)."""
    for i in range(y.shape[0]):
        zi = z[i]
        yi = y[i]
        if code == QUAD:
            grad[i] = sw[i] * (zi - yi)
            hess[i] = sw[i]
        elif code == LOGISTIC:
            # sigma(-y z) computed without overflow
            t = yi * zi
            if t > 0.0:
                e = exp(-t)
                sig = e / (1.0 + e)
            else:
                sig = 1.0 / (1.0 + exp(t))
            grad[i] = -sw[i] * yi * sig
            hess[i] = sw[i] * sig * (1.0 - sig)
        elif code == POISSON:
            mu = exp(zi)
            grad[i] = sw[i] * (mu - yi)
            hess[i] = sw[i] * mu
        else:
            r = yi - zi
            delta = params[0]
            if r > delta:
                r = delta
            elif r < -delta:
                r = -delta
            grad[i] = -sw[i] * r
            hess[i] = sw[i]


def curvature_bound(code):
    """Global bound on ``f''`` (``inf`` when there is none). Plain Python: every caller is
    Python, and a kernel here would cost a compilation on a fresh install's first fit."""
    if code == QUAD or code == HUBER:
        return 1.0
    if code == LOGISTIC:
        return 0.25
    return np.inf


@njit(cache=True, nogil=True)
def huber_intercept_only(y, sw, delta):
    """Optimal intercept of the Huber model with ``w = 0``: the root of the non-increasing
    ``b -> sum_i s_i clip(y_i - b, -delta, delta)``, by bisection on ``[min y, max y]``."""
    lo, hi = np.min(y), np.max(y)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        total = 0.0
        for i in range(y.shape[0]):
            total += sw[i] * min(max(y[i] - mid, -delta), delta)
        if total > 0.0:
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-15 * max(abs(lo), abs(hi), 1e-300):
            break
    return 0.5 * (lo + hi)

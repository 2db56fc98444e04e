"""FISTA, written once: momentum, proximal gradient step and the restart rule.

FISTA (Beck & Teboulle, 2009) with function-value restart (O'Donoghue & Candes, 2015), as both
drivers run it: the GLM solver (:func:`sparselearn._core.agd.fista`, design form with a datafit)
and the sparse coders (:func:`sparselearn._core.coding.fista_gram`, Gram form, many signals in
parallel). They differ only in how they evaluate the smooth part and its gradient. Each
iteration

1. ``t_{k+1} = (1 + sqrt(1 + 4 t_k^2)) / 2``, ``beta = (t_k - 1) / t_{k+1}``
   (:func:`momentum`), extrapolates ``p = x_k + beta (x_k - x_{k-1})``;
2. takes ``trial = prox(p - step grad(p), step)`` (:func:`prox_gradient_step`), whose residual
   ``max |trial - p| / step`` is the stopping criterion;
3. restarts when ``F(trial) > F(x_k)`` (and ``beta > 0``): momentum back to ``t = 1`` and
   ``trial = prox(x_k - step grad(x_k), step)`` instead (:func:`restart`). ``F`` then decreases
   monotonically; with the global prox of :func:`sparselearn._core.prox.prox_1d` and
   ``step = 1 / L`` this also holds for nonconvex penalties.
"""

from math import sqrt

from numba import njit

from .prox import prox_1d


@njit(cache=True)
def momentum(t_k):
    """``(t_{k+1}, beta)`` of the FISTA sequence."""
    t_next = 0.5 * (1.0 + sqrt(1.0 + 4.0 * t_k * t_k))
    return t_next, (t_k - 1.0) / t_next


@njit(cache=True)
def extrapolate(current, previous, beta, out):
    """``out = current + beta (current - previous)``."""
    for j in range(current.shape[0]):
        out[j] = current[j] + beta * (current[j] - previous[j])


@njit(cache=True)
def prox_gradient_step(point, grad, step, pcode, params, weights, curvs, out):
    """``out = prox(point - step grad, step)``; returns ``max |out - point| / step``."""
    worst = 0.0
    for j in range(point.shape[0]):
        out[j] = prox_1d(pcode, params, weights[j], curvs[j], point[j] - step * grad[j], step)
        worst = max(worst, abs(out[j] - point[j]))
    return worst / step


@njit(cache=True)
def restart(trial_value, value, beta):
    """The restart rule: the extrapolated step did not decrease ``F``."""
    return beta > 0.0 and trial_value > value

"""Working-set coordinate descent (prox-Newton for non-quadratic datafits): the outer loop.

Outer loop (one full pass over the features per iteration):

1. At the current ``(w, b)`` compute ``d = s f'(z)`` and curvatures ``h`` of the datafit, the full
   gradient ``X.T d`` and each feature's optimality score: the distance of ``-grad_j`` to the
   subdifferential of the penalty, or for L0 and Lq (whose subdifferential at 0 is the whole
   line) the prox fixed-point score ``L_j |w_j - prox(w_j - grad_j / L_j, 1 / L_j)|``.
   With an intercept, feature ``j`` is scored along its centred column ``X_j - mu_j`` (``mu_j``
   its ``h``-weighted mean, absorbed by the intercept), as the inner solver moves it: scores,
   curvatures and iterations then do not depend on the offsets of raw features.
2. Stop when the largest score (intercept's ``|sum d|`` included) is at most ``tol``.
3. Working set: the support plus the highest-scoring features, ``max(p0, 2 |support|)`` in all
   (Bertrand et al., "Beyond L1", NeurIPS 2022; Massias et al., celer, ICML 2018), or half the
   violating features when that is more.
4. Coordinate descent with Anderson extrapolation on the quadratic model of the datafit restricted
   to the working set, down to ``0.3 x`` the outer violation (:func:`sparselearn._core.cd.model_cd`).
5. For the quadratic datafit the model is exact; otherwise a backtracking line search on the true
   objective along the model's step (prox-Newton). When the Newton model's step does not descend
   (possible with nonconvex penalties), the next model uses the curvature bound of the datafit
   instead (logistic: 1/4), which majorizes it, so that step descends (MM).

The outer loop is a Python driver: each iteration is one full gradient (a compiled pass over
``X``), a selection by ``argpartition`` and one call of the compiled :func:`model_cd`, so the
interpreter costs nothing measurable; it takes arrays only (no validation).
"""

import numpy as np

from . import datafit as _datafit
from . import linalg as _linalg
from . import prox as _prox
from .cd import gradient_and_curvatures, model_cd_for


def coordinate_curvatures(arrays, h, n_features, fit_intercept):
    """Curvature of the model along each coordinate and ``X.T h``.

    Without an intercept ``sum_i h_i X_ij^2``; with one, coordinate ``j`` moves along the column
    centred at its ``h``-weighted mean (the intercept absorbs the offset, see
    :func:`sparselearn._core.cd.model_cd`), curvature ``sum_i h_i (X_ij - mu_j)^2``.
    """
    _, lipschitz, h_cols = gradient_and_curvatures(*arrays, n_features, h, h, fit_intercept)
    return lipschitz, h_cols


def _backtrack(objective, w, z, step_w, u, obj_old, max_halvings=30):
    """Largest ``t`` in 1, 1/2, 1/4, ... with ``F(z + t u) + pen(w + t step_w) <= obj_old``.

    ``objective`` is ``(dcode, dparams, y, sw, pcode, params, weights, curvs)``. Returns
    ``(accepted, t, w + t step_w, z + t u)``.
    """
    dcode, dparams, y, sw, pcode, params, weights, curvs = objective
    t = 1.0
    for _ in range(max_halvings):
        w_try = w + t * step_w
        z_try = z + t * u
        if (_datafit.value(dcode, dparams, y, z_try, sw)
                + _prox.value_for(pcode)(pcode, params, weights, curvs, w_try)) <= obj_old:
            return True, t, w_try, z_try
        t *= 0.5
    return False, t, w_try, z_try


def next_working_set(scores, support, tol, p0):
    """Sorted indices of the next working set (of features or of groups).

    At least ``p0``, twice the support (skglm, celer) and half the current violators (scores
    above ``tol``): when many violate, one pass over more of them is cheaper than more full
    gradients. The support always enters; the rest by decreasing score.
    """
    n = scores.shape[0]
    n_violators = int(np.count_nonzero(scores > tol))
    ws_size = min(n, max(p0, 2 * int(support.sum()), n_violators // 2))
    ranked = scores.copy()
    ranked[support] = np.inf
    if ws_size < n:
        ws = np.argpartition(-ranked, ws_size - 1)[:ws_size]
    else:
        ws = np.arange(n)
    return np.sort(ws).astype(np.int64)


def working_set_cd(arrays, y, sw, dcode, dparams, w, b, fit_intercept, pcode, params, weights,
                   curvs, tol, max_iter, max_epochs, p0, n_anderson, verbose, cache, progress=None):
    """Minimize ``F(Xw + b) + pen(w)`` from ``(w, b)`` (copied); ``arrays`` is the design tuple.

    ``progress`` (a :class:`sparselearn._progress.Progress` or None, then ``verbose`` prints)
    is updated at every optimality check with the violation, the support size and the state
    ``iteration`` (outer iterations done, 0 at the start), ``coef``, ``intercept``; the solve
    stops there when it returns True (the callback asked to stop).

    Returns ``(w, b, n_iter, stop_crit, n_epochs, history)``; see
    :func:`sparselearn.solvers.solve_working_set` for the parameters and ``cache``.
    """
    n_samples, n_features = y.shape[0], w.shape[0]
    w = np.array(w, dtype=np.float64, copy=True)
    b_arr = np.array([float(b)])
    quadratic_model_exact = dcode == _datafit.QUAD
    uniform = bool(np.all(sw == sw[0]))

    z = _linalg.matvec(*arrays, n_samples, w) + b_arr[0]
    d = np.empty(n_samples)
    h = np.empty(n_samples)
    lipschitz = h_cols = None
    history = []
    n_epochs_total = 0
    stop_crit = np.inf
    n_iter = 0
    bound = _datafit.curvature_bound(dcode)
    # prox-Newton with a nonconvex penalty: where a coordinate's model curvature is below the
    # penalty's concavity, the model is nonconvex in it and its minimizer may jump (a feature
    # swapped for another) along a direction the true objective rises on. After such a rejected
    # step the models use at least that curvature (each coordinate's model convex, its step a
    # descent direction), which converges far faster than the majorizing steps alone
    concavity = None if quadratic_model_exact else _prox.concavities_for(pcode)(pcode, params, weights, curvs)
    convexify = False
    majorize = False  # True: next model uses the curvature bound (MM step, monotone)
    reuse = (cache is not None and "w" in cache and cache["b"] == b_arr[0]
             and np.array_equal(cache["w"], w))
    if cache is not None and quadratic_model_exact and "lipschitz" in cache:
        lipschitz, h_cols = cache["lipschitz"], cache["h_cols"]
    for n_iter in range(1, max_iter + 1):
        if reuse:  # warm start at the previous solve's end point: its gradient still holds
            z, d, h, grad = cache["z"].copy(), cache["d"].copy(), cache["h"].copy(), cache["grad"]
            if not quadratic_model_exact:
                lipschitz, h_cols = cache["lipschitz"], cache["h_cols"]
            reuse = False
        else:
            _datafit.raw_grad_hess(dcode, dparams, y, z, sw, d, h)
            if majorize:
                h = bound * sw
            if lipschitz is None or not quadratic_model_exact:  # one pass for all three
                grad, lipschitz, h_cols = gradient_and_curvatures(*arrays, n_features, d, h,
                                                                  fit_intercept)
            else:
                grad = _linalg.rmatvec(*arrays, n_features, d)
        lipschitz_b = float(np.sum(h))
        grad_b = float(np.sum(d))
        # with an intercept, scores use the derivative along the centred columns (the directions
        # the inner solver moves along): the same at the optimum (grad_b = 0), offset-free before
        grad_scores = grad - (h_cols / lipschitz_b) * grad_b if fit_intercept else grad
        scores = _prox.optimality_scores_for(pcode)(pcode, params, weights, curvs, w,
                                                  grad_scores, lipschitz)
        stop_crit = max(float(np.max(scores, initial=0.0)),
                        abs(grad_b) if fit_intercept else 0.0)
        history.append(stop_crit)
        if progress is not None:
            if progress.update(line=f"outer iter {n_iter}: max violation {stop_crit:.3e}, "
                                    f"support {np.count_nonzero(w)}",
                               state={"iteration": n_iter - 1, "coef": w,
                                      "intercept": float(b_arr[0])},
                               violation=stop_crit, support=int(np.count_nonzero(w))):
                n_iter -= 1  # stopped at this check: no pass was made
                break
        elif verbose:
            print(f"  outer iter {n_iter}: max violation {stop_crit:.3e}, "
                  f"support {np.count_nonzero(w)}")
        if stop_crit <= tol:
            n_iter -= 1  # this check found the point optimal: no pass was made (0 at a solution)
            if cache is not None:
                cache.update(w=w.copy(), b=float(b_arr[0]), z=z.copy(), d=d.copy(), h=h.copy(),
                             grad=grad, lipschitz=lipschitz, h_cols=h_cols)
            break
        ws = next_working_set(scores, w != 0, tol, p0)
        # forcing sequence: 0.3 for the exact quadratic model; min(0.3, sqrt(violation)) for
        # prox-Newton, which makes the outer convergence superlinear (Lee, Sun & Saunders 2014)
        eta = 0.3 if quadratic_model_exact else min(0.3, np.sqrt(stop_crit))
        inner_tol = max(eta * stop_crit, 0.3 * tol)
        w_old = w.copy()
        b_old = b_arr[0]
        h_const = float(h[0]) if (uniform and quadratic_model_exact) else -1.0
        model_curvature = np.maximum(lipschitz, concavity) if convexify else lipschitz
        u, n_epochs = model_cd_for(pcode)(*arrays, d, h, h_const, grad, grad_b, w, b_arr,
                                          fit_intercept, ws, model_curvature, lipschitz_b,
                                          h_cols, pcode, params, weights, curvs, max_epochs,
                                          inner_tol, n_anderson)
        n_epochs_total += n_epochs
        if quadratic_model_exact:
            z += u
            continue
        # prox-Newton: backtracking on the true objective along the model step
        obj_old = (_datafit.value(dcode, dparams, y, z, sw)
                   + _prox.value_for(pcode)(pcode, params, weights, curvs, w_old))
        step_w = w - w_old
        step_b = b_arr[0] - b_old
        accepted, t, w_try, z_try = _backtrack((dcode, dparams, y, sw, pcode, params, weights,
                                                curvs), w_old, z, step_w, u, obj_old)
        if accepted:
            w = w_try
            b_arr[0] = b_old + t * step_b
            z = z_try
            majorize = False
        else:
            w = w_old
            b_arr[0] = b_old
            if not convexify and np.any(concavity > 0.0):
                convexify = True
                continue
            if majorize or not np.isfinite(bound):
                break  # even the majorizing model gives no decrease: numerically stationary
            # the Newton model's step does not descend (nonconvex penalty, far from the
            # solution): take a majorization-minimization step instead, which always descends
            majorize = True
    return w, float(b_arr[0]), n_iter, stop_crit, n_epochs_total, history

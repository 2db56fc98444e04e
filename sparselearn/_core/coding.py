"""Penalized sparse coding on a precomputed Gram matrix: coordinate descent and FISTA.

Per signal ``x`` (row ``i``), with ``G = D D^T`` and ``cov_i = D x``, both kernels minimize

    F(c) = 0.5 c^T G c - c^T cov_i + sum_j pen(c_j)     (= 0.5 ||x - c D||^2 + pen(c) + const)

for any penalty of :mod:`sparselearn._core.prox` (``code``, ``params``, per-atom ``weights`` and
curvatures ``curvs``; CEL0 takes ``curvs = diag(G)``, the squared atom norms). ``codes`` holds the
starting point and is overwritten. ``cd_gram`` and ``fista_gram`` solve the signals serially;
their ``*_parallel`` twins split them over threads (``numba.prange`` over chunks of ``CHUNK``
signals, same codes) and compile for longer, for problems large enough to pay that back.

Stopping rule (both kernels): the largest prox fixed-point residual ``L_j |c_j - prox(c_j - g_j /
L_j, 1 / L_j)|`` is ``<= tol * max_j |cov_ij|`` (``L_j = G_jj`` for CD, ``L = ||G||_2`` for FISTA).
For L1 this is the largest violation of the optimality conditions.

Coordinate descent on L1 / elastic net, given the squared signal norms ``||x_i||^2``, stops on
the Lasso duality gap instead (:func:`_l1_gap`, the certificate of scikit-learn's
``enet_coordinate_descent_gram``): a signal stops when ``gap <= GAP_FACTOR * tol * primal``, so its
objective is certified within ``GAP_FACTOR * tol`` relative of the optimum (1e-6 at the default
``tol = 1e-4``). The gap costs ``O(n_components)`` from the residual correlations the outer
iteration already has, so it is checked at every outer iteration. The fixed-point threshold then
only selects the atoms let in; when it passes but the gap does not, it is lowered to ``_TIGHTEN``
times the worst residual, so the violators below it enter the working set. A fixed-point
residual at rounding level (``_ROUNDING * max_j |cov_ij|``) stops regardless. With unpenalized
atoms (zero weight: no bounded dual) or without the norms (the dictionary-learning steps), the
fixed-point rule applies.

For the L1 and elastic-net penalties, coordinate descent is an active-set method: each outer
iteration checks the optimality conditions on all atoms, lets the worst violators into the support
at zero with the sign of their residual correlation, and solves exactly on the support: the
quadratic problem with the signs fixed, ``(G_AA + rho I) z = cov_A - lam s_A``, by Cholesky,
followed by the line search of the feature-sign / active-set method (Osborne, Presnell & Turlach,
2000; Lee, Battle, Raina & Ng, "Efficient sparse coding algorithms", NIPS 2006): newcomers that
``z`` gives the other sign leave, then the code moves towards ``z`` up to the first sign change,
the atom that reaches zero leaves and the solve is repeated. Each move decreases the objective
(the sign-fixed quadratic is convex with minimizer ``z``; a newcomer alone always keeps its sign),
so a few outer iterations reach the optimum to rounding precision where plain coordinate descent
on correlated atoms (image patches) needs hundreds of sweeps. Coordinate sweeps remain the
fallback when no newcomer can enter (a singular support).
"""

import numpy as np
from numba import njit, prange

from .cholesky import chol_append, chol_backward, chol_delete, chol_forward, chol_restride
from .cd import coordinate_update, gram_cd_sweeps
from .fista import extrapolate, momentum, prox_gradient_step, restart
from .greedy import CHUNK
from .prox import ENET, L1, value_1d

_PIVOT = 1e-10  # Cholesky pivots below this fraction of the diagonal: G_AA taken as singular
_WS_MIN = 8     # atoms let into the working set per outer iteration, at least
_LD_MIN = 64    # initial row stride of the Cholesky factor (doubled as the support grows)
GAP_FACTOR = 1e-2  # L1 / elastic-net CD: duality gap <= GAP_FACTOR * tol * primal objective
_TIGHTEN = 1e-2    # fixed-point threshold after a failed gap check, times the worst residual
_ROUNDING = 1e-14  # fixed-point residual (times max |cov|) below which the gap is not pursued


@njit(cache=True)
def _scale(cov_row):
    scale = 0.0
    for j in range(cov_row.shape[0]):
        scale = max(scale, abs(cov_row[j]))
    return scale


@njit(cache=True)
def _cd_active(G, cov_row, residual, code, pen_code, params, weights, curvs, threshold, max_sweeps):
    """Sweeps restricted to the non-zero coordinates, updating the residual on them only
    (``n_active^2`` per sweep); the full residual is rebuilt at the end."""
    n = code.shape[0]
    active = np.empty(n, dtype=np.int64)
    n_active = np.int64(0)
    for j in range(n):
        if code[j] != 0.0:
            active[n_active] = j
            n_active += 1
    if n_active == 0:
        return
    gram_cd_sweeps(G, residual, code, active, n_active, pen_code, params, weights, curvs, threshold,
           max_sweeps, np.bool_(False))
    for t in range(n):
        residual[t] = cov_row[t]
    for a in range(n_active):
        j = active[a]
        c = code[j]
        if c != 0.0:
            for t in range(n):
                residual[t] -= c * G[j, t]


@njit(cache=True)
def _rebuild_residual(G, cov_row, code, residual):
    """``residual = cov - G code`` over the non-zero coordinates (``G`` symmetric: contiguous rows)."""
    n = code.shape[0]
    for t in range(n):
        residual[t] = cov_row[t]
    for j in range(n):
        c = code[j]
        if c != 0.0:
            for t in range(n):
                residual[t] -= c * G[j, t]


@njit(cache=True)
def _support_solve(cov_row, code, lam, active, k, signs, rhs, fwd, sol, chol, ld):
    """Exact minimization over the support ``active[:k]`` (factor ``chol``) with the signs
    ``signs[:k]`` fixed, with the active-set line search (see the module docstring). Newcomers
    enter at zero with the sign of their residual correlation: those the solution gives the
    other sign leave at once (no move), then the code moves towards the solution up to the first
    sign change and the atom that reaches zero leaves. An atom with ``signs = 0`` is unpenalized.
    After a deletion at row ``a`` only the forward solve below ``a`` is redone (the rows above
    and their right-hand sides are unchanged). Returns the new support size."""
    for a in range(k):
        rhs[a] = cov_row[active[a]] - lam[active[a]] * signs[a]
    start = np.int64(0)
    while k > 0:
        chol_forward(chol, ld, k, start, rhs, fwd)
        for a in range(k):
            sol[a] = fwd[a]
        chol_backward(chol, ld, k, sol)
        dropped = False
        for a in range(k - 1, -1, -1):  # newcomers of the wrong sign leave without a move
            if code[active[a]] == 0.0 and signs[a] * sol[a] <= 0.0 and signs[a] != 0.0:
                start = _drop_row(chol, ld, k, a, active, signs, rhs)
                k -= 1
                dropped = True
        if dropped:
            continue
        step = 1.0
        hit = -1
        for a in range(k):
            if signs[a] * sol[a] <= 0.0 and signs[a] != 0.0:
                c = code[active[a]]
                t = c / (c - sol[a])
                if t < step:
                    step = t
                    hit = a
        if hit < 0:
            for a in range(k):
                code[active[a]] = sol[a]
            break
        for a in range(k):
            j = active[a]
            c = code[j] + step * (sol[a] - code[j])
            code[j] = 0.0 if (a == hit or c * signs[a] <= 0.0) else c
        for a in range(k - 1, -1, -1):
            if code[active[a]] == 0.0 and signs[a] != 0.0:
                start = _drop_row(chol, ld, k, a, active, signs, rhs)
                k -= 1
    return k


@njit(cache=True)
def _sign(value, lam_j):
    """Sign an atom keeps in the support solve: that of ``value``, 0 for an unpenalized atom."""
    if lam_j <= 0.0:
        return 0.0
    return 1.0 if value > 0.0 else -1.0


@njit(cache=True)
def _drop_row(chol, ld, k, a, active, signs, rhs):
    """Remove row ``a`` of a ``k``-row support (factor, atoms, signs, right-hand sides); returns
    ``a``, the first row whose forward solve changes."""
    chol_delete(chol, ld, k, a)
    for b in range(a, k - 1):
        active[b] = active[b + 1]
        signs[b] = signs[b + 1]
        rhs[b] = rhs[b + 1]
    return a


@njit(cache=True)
def _fixed_point_score(G, residual, code, pen_code, params, weights, curvs, j):
    """``G_jj |c_j - prox(c_j + residual_j / G_jj, 1 / G_jj)|`` (0 for a zero atom)."""
    g_jj = G[j, j]
    if g_jj <= 0.0:
        return 0.0
    new = coordinate_update(pen_code, params, weights[j], curvs[j], code[j], -residual[j], g_jj)
    return g_jj * abs(new - code[j])


@njit(cache=True)
def _l1_scores(G, residual, code, pen_code, params, weights, curvs, lam, shrink, active, k, scores):
    """:func:`_fixed_point_scores` for L1 / elastic net in two passes: the closed form
    ``shrink_j max(|residual_j| - lam_j, 0)`` of an inactive atom on every atom (branch free),
    then the prox on the support ``active[:k]`` (``k < 0``: the support is found by scanning)."""
    n = code.shape[0]
    if params[3] > 0.0:
        for j in range(n):
            scores[j] = max(residual[j] - lam[j], 0.0) * shrink[j]
    else:
        for j in range(n):
            scores[j] = max(abs(residual[j]) - lam[j], 0.0) * shrink[j]
    if k < 0:
        for j in range(n):
            if code[j] != 0.0:
                scores[j] = _fixed_point_score(G, residual, code, pen_code, params, weights, curvs, j)
    else:
        for a in range(k):
            j = active[a]
            scores[j] = _fixed_point_score(G, residual, code, pen_code, params, weights, curvs, j)
    worst = 0.0
    for j in range(n):
        worst = max(worst, scores[j])
    return worst


@njit(cache=True)
def _l1_gap(cov_row, residual, code, lam, ridge, positive, norm_sq):
    """Duality gap and primal objective of ``0.5 ||x - c D||^2 + sum_j lam_j |c_j| + ridge_j
    c_j^2 / 2`` (``positive``: ``c >= 0``) at ``c = code``, from ``residual = cov - G c`` and
    ``norm_sq = ||x||^2``. The elastic net is the Lasso of the augmented atoms ``[D_j,
    sqrt(ridge_j) e_j]``, with residual correlations ``r_j - ridge_j c_j``; the dual point is the
    augmented residual scaled into the dual-feasible set, ``s = min(1, min_j lam_j / |r_j -
    ridge_j c_j|)`` (positive part for ``positive``), as scikit-learn's gap. Written as ``gap(1) +
    (1 - s) (x^T R - (1 + s) ||R_aug||^2 / 2)``, where ``gap(1) = sum_j (lam_j |c_j| + ridge_j
    c_j^2 - c_j r_j)`` needs no ``||x||^2`` (no cancellation at a converged code). Every ``lam_j``
    must be positive."""
    n = code.shape[0]
    s = 1.0
    gap1 = 0.0
    c_cov = 0.0
    ridge_sq = 0.0
    l1 = 0.0
    for j in range(n):
        c = code[j]
        r = residual[j] - ridge[j] * c
        if positive:
            if r * s > lam[j]:
                s = lam[j] / r
        elif abs(r) * s > lam[j]:
            s = lam[j] / abs(r)
        if c != 0.0:
            l1 += lam[j] * abs(c)
            ridge_sq += ridge[j] * c * c
            gap1 += lam[j] * abs(c) + ridge[j] * c * c - c * residual[j]
            c_cov += c * cov_row[j]
    c_r = gap1 - l1 - ridge_sq  # -c^T r
    # ||R||^2 = ||x||^2 - c^T cov - c^T r; ||R_aug||^2 adds sum ridge c^2; x^T R = ||x||^2 - c^T cov
    xr = norm_sq - c_cov
    r_aug_sq = max(xr + c_r + ridge_sq, 0.0)
    primal = 0.5 * r_aug_sq + l1
    gap = gap1 + (1.0 - s) * (xr - 0.5 * (1.0 + s) * r_aug_sq)
    return gap, primal


@njit(cache=True)
def _cd_exact_one(G, cov_row, residual, code, pen_code, params, weights, curvs, lam, ridge, shrink,
                  threshold, max_iter, scores, ws, cand, active, signs, rhs, fwd, sol, chol,
                  norm_sq, gap_tol, floor):
    """One signal, L1 / elastic net. Each outer iteration checks the optimality conditions on all
    atoms and lets in the worst violators (half as many as the support holds, at least
    ``_WS_MIN``: a geometrically growing working set, as in celer) at zero, each with the sign of
    its residual correlation, appended to the Cholesky factor of the support; the exact solve
    with sign search (:func:`_support_solve`) then keeps those the solution confirms. Several
    atoms thus enter per outer iteration, where a coordinate sweep deciding the newcomers let
    only the first of a group of correlated atoms in (the others lose their correlation to it).
    Atoms in the span of the support wait; when no newcomer can enter (a singular support, or
    every newcomer refused), coordinate sweeps on the support and all violators make the
    progress. ``norm_sq >= 0`` (``||x||^2``) adds the duality-gap certificate ``gap <= gap_tol
    * primal`` (see the module docstring); ``floor`` is the rounding level of the fixed-point
    residual. Returns (n_iter, converged)."""
    n = code.shape[0]
    ld = min(n, _LD_MIN)
    k = np.int64(0)
    valid = False
    single = False
    for it in range(max_iter):
        worst = _l1_scores(G, residual, code, pen_code, params, weights, curvs, lam, shrink,
                           active, k if valid else -1, scores)
        if norm_sq >= 0.0:
            gap, primal = _l1_gap(cov_row, residual, code, lam, ridge, params[3] > 0.0, norm_sq)
            if gap <= gap_tol * primal or worst <= floor:
                return it + 1, True
            if worst <= threshold:
                threshold = max(_TIGHTEN * worst, floor)
        elif worst <= threshold:
            return it + 1, True
        if not valid:  # factor the current support
            k = np.int64(0)
            valid = True
            for j in range(n):
                if code[j] != 0.0:
                    if k == ld:
                        chol_restride(chol, k, ld, min(2 * ld, n))
                        ld = min(2 * ld, n)
                    if not chol_append(G, active, k, j, ridge, _PIVOT, chol, ld):
                        valid = False
                        break
                    active[k] = j
                    signs[k] = _sign(code[j], lam[j])
                    k += 1
        # newcomers: the worst violators outside the support, worst first
        n_cand = 0
        for j in range(n):
            if code[j] == 0.0 and scores[j] > threshold:
                cand[n_cand] = j
                n_cand += 1
        n_new = min(n_cand, 1 if single else max(k // 2, _WS_MIN))
        for b in range(n_new):  # partial selection sort, worst first
            best = b
            for c in range(b + 1, n_cand):
                if scores[cand[c]] > scores[cand[best]]:
                    best = c
            cand[b], cand[best] = cand[best], cand[b]
        entered = False
        solved = False
        if valid:
            n_added = 0
            for b in range(n_new):  # enter at zero with the sign of their residual correlation
                j = cand[b]
                if k == ld:
                    chol_restride(chol, k, ld, min(2 * ld, n))
                    ld = min(2 * ld, n)
                if chol_append(G, active, k, j, ridge, _PIVOT, chol, ld):
                    active[k] = j
                    signs[k] = _sign(residual[j], lam[j])
                    k += 1
                    n_added += 1
            if n_added > 0 or n_new == 0:
                k = _support_solve(cov_row, code, lam, active, k, signs, rhs, fwd, sol, chol, ld)
                solved = True
                entered = n_new == 0
                for b in range(n_new):
                    entered = entered or code[cand[b]] != 0.0
        if not entered and solved and not single:
            # every newcomer refused: the code is now optimal on its support, where the worst
            # violator alone always enters (its sign is the solution's); next time it alone enters
            single = True
        elif not entered:  # no newcomer can enter: coordinate sweeps on the support and violators
            single = False
            valid = False
            if solved:
                _rebuild_residual(G, cov_row, code, residual)
            n_ws = np.int64(0)
            for j in range(n):
                if code[j] != 0.0 or scores[j] > threshold:
                    ws[n_ws] = j
                    n_ws += 1
            gram_cd_sweeps(G, residual, code, ws, n_ws, pen_code, params, weights, curvs, threshold,
                   100 * n, np.bool_(True))
        else:
            single = False
        _rebuild_residual(G, cov_row, code, residual)
    return max_iter, False


@njit(cache=True)
def _cd_rows(G, cov, codes, pen_code, params, weights, curvs, max_iter, tol, norms_sq, lam, ridge,
             shrink, exact, certify, n_iters, converged, start, stop):
    """Coordinate descent of the signals ``start`` to ``stop - 1`` (see :func:`cd_gram`)."""
    n_components = cov.shape[1]
    gap_tol = GAP_FACTOR * tol
    residual = np.empty(n_components)
    scores = np.empty(n_components)
    ws = np.empty(n_components, dtype=np.int64)
    cand = np.empty(n_components, dtype=np.int64)
    active = np.empty(n_components, dtype=np.int64)
    signs = np.empty(n_components)
    rhs = np.empty(n_components)
    fwd = np.empty(n_components)
    sol = np.empty(n_components)
    chol = np.empty(n_components * n_components if exact else 1)
    all_atoms = np.arange(n_components)
    for i in range(start, stop):
        code = codes[i]
        _rebuild_residual(G, cov[i], code, residual)
        scale = _scale(cov[i])
        threshold = tol * scale
        if exact:
            n_iters[i], converged[i] = _cd_exact_one(
                G, cov[i], residual, code, pen_code, params, weights, curvs, lam, ridge, shrink,
                threshold, max_iter, scores, ws, cand, active, signs, rhs, fwd, sol, chol,
                norms_sq[i] if certify else -1.0, gap_tol, _ROUNDING * scale)
            continue
        for it in range(max_iter):
            n_iters[i] = it + 1
            worst = gram_cd_sweeps(G, residual, code, all_atoms, n_components, pen_code, params,
                                   weights, curvs, 0.0, np.int64(1), np.bool_(True))
            if worst <= threshold:
                converged[i] = True
                break
            _cd_active(G, cov[i], residual, code, pen_code, params, weights, curvs, threshold,
                       10 * n_components)


@njit(cache=True)
def _cd_setup(G, pen_code, params, weights, norms_sq, n_samples):
    """Per-atom L1 level ``lam``, ridge and exact-solve shrink factor of :func:`cd_gram`, and
    whether the exact path and the duality-gap certificate apply."""
    n_components = G.shape[0]
    exact = pen_code == L1 or pen_code == ENET
    certify = exact and norms_sq.shape[0] == n_samples
    lam = np.zeros(n_components)
    ridge = np.zeros(n_components)
    shrink = np.zeros(n_components)
    if exact:
        l1_ratio = 1.0 if pen_code == L1 else params[1]
        for j in range(n_components):
            lam[j] = params[0] * weights[j] * l1_ratio
            ridge[j] = params[0] * weights[j] * (1.0 - l1_ratio)
            if G[j, j] > 0.0:
                shrink[j] = G[j, j] / (G[j, j] + ridge[j])
            if lam[j] <= 0.0:  # unpenalized atom: no bounded dual, fixed-point rule only
                certify = False
    return lam, ridge, shrink, exact, certify


@njit(cache=True)
def cd_gram(G, cov, codes, pen_code, params, weights, curvs, max_iter, tol, norms_sq):
    """Coordinate descent per signal. L1 / elastic net: working-set sweeps and exact support
    solves (:func:`_cd_exact_one`), ``max_iter`` counting the outer iterations; other penalties:
    cyclic full sweeps with sweeps restricted to the support in between, ``max_iter`` counting
    full sweeps. ``norms_sq``: the squared signal norms ``||x_i||^2``, which add the duality-gap
    certificate of L1 / elastic net (shape (n_samples,)), or shape (0,) for the fixed-point rule
    only. Returns (n_iter, converged) per signal.
    """
    n_samples = cov.shape[0]
    n_iters = np.zeros(n_samples, dtype=np.int64)
    converged = np.zeros(n_samples, dtype=np.bool_)
    lam, ridge, shrink, exact, certify = _cd_setup(G, pen_code, params, weights, norms_sq,
                                                   n_samples)
    _cd_rows(G, cov, codes, pen_code, params, weights, curvs, max_iter, tol, norms_sq, lam, ridge,
             shrink, exact, certify, n_iters, converged, np.int64(0), n_samples)
    return n_iters, converged


@njit(parallel=True, cache=True)
def cd_gram_parallel(G, cov, codes, pen_code, params, weights, curvs, max_iter, tol, norms_sq):
    """:func:`cd_gram` in parallel over chunks of ``CHUNK`` signals."""
    n_samples = cov.shape[0]
    n_iters = np.zeros(n_samples, dtype=np.int64)
    converged = np.zeros(n_samples, dtype=np.bool_)
    lam, ridge, shrink, exact, certify = _cd_setup(G, pen_code, params, weights, norms_sq,
                                                   n_samples)
    for chunk in prange((n_samples + CHUNK - 1) // CHUNK):
        _cd_rows(G, cov, codes, pen_code, params, weights, curvs, max_iter, tol, norms_sq, lam,
                 ridge, shrink, exact, certify, n_iters, converged, chunk * CHUNK,
                 min((chunk + 1) * CHUNK, n_samples))
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
def _gram_gradient(g_point, cov_row, out):
    """Gradient ``G p - cov`` of the smooth part from ``g_point = G p``."""
    for j in range(g_point.shape[0]):
        out[j] = g_point[j] - cov_row[j]


@njit(cache=True)
def _fista_rows(G, cov, codes, step, pen_code, params, weights, curvs, max_iter, tol, n_iters,
                converged, start, stop):
    """FISTA of the signals ``start`` to ``stop - 1`` (see :func:`fista_gram`)."""
    n_components = cov.shape[1]
    for i in range(start, stop):
        cov_row = cov[i]
        code = codes[i]
        prev = code.copy()
        g_code = np.empty(n_components)
        g_prev = np.empty(n_components)
        _sparse_gram_product(G, code, g_code)
        for j in range(n_components):
            g_prev[j] = g_code[j]
        point = np.empty(n_components)
        g_point = np.empty(n_components)
        grad = np.empty(n_components)
        trial = np.empty(n_components)
        g_trial = np.empty(n_components)
        value = _objective(code, g_code, cov_row, pen_code, params, weights, curvs)
        threshold = tol * _scale(cov_row)
        t_k = 1.0
        for it in range(max_iter):
            n_iters[i] = it + 1
            t_next, beta = momentum(t_k)
            extrapolate(code, prev, beta, point)
            extrapolate(g_code, g_prev, beta, g_point)
            _gram_gradient(g_point, cov_row, grad)
            residual = prox_gradient_step(point, grad, step, pen_code, params, weights, curvs,
                                          trial)
            _sparse_gram_product(G, trial, g_trial)
            trial_value = _objective(trial, g_trial, cov_row, pen_code, params, weights, curvs)
            if restart(trial_value, value, beta):
                t_next = 1.0
                _gram_gradient(g_code, cov_row, grad)
                residual = prox_gradient_step(code, grad, step, pen_code, params, weights, curvs,
                                              trial)
                _sparse_gram_product(G, trial, g_trial)
                trial_value = _objective(trial, g_trial, cov_row, pen_code, params, weights, curvs)
            for j in range(n_components):
                prev[j] = code[j]
                g_prev[j] = g_code[j]
                code[j] = trial[j]
                g_code[j] = g_trial[j]
            value = trial_value
            t_k = t_next
            if residual <= threshold:
                converged[i] = True
                break


@njit(cache=True)
def fista_gram(G, cov, codes, lipschitz, pen_code, params, weights, curvs, max_iter, tol):
    """FISTA per signal (the iteration and restart rule of :mod:`sparselearn._core.fista`), with
    ``G p`` kept up to date by linearity. Returns (n_iter, converged) per signal.
    """
    n_samples = cov.shape[0]
    n_iters = np.zeros(n_samples, dtype=np.int64)
    converged = np.zeros(n_samples, dtype=np.bool_)
    _fista_rows(G, cov, codes, 1.0 / lipschitz, pen_code, params, weights, curvs, max_iter, tol,
                n_iters, converged, np.int64(0), n_samples)
    return n_iters, converged


@njit(parallel=True, cache=True)
def fista_gram_parallel(G, cov, codes, lipschitz, pen_code, params, weights, curvs, max_iter,
                        tol):
    """:func:`fista_gram` in parallel over chunks of ``CHUNK`` signals."""
    n_samples = cov.shape[0]
    n_iters = np.zeros(n_samples, dtype=np.int64)
    converged = np.zeros(n_samples, dtype=np.bool_)
    for chunk in prange((n_samples + CHUNK - 1) // CHUNK):
        _fista_rows(G, cov, codes, 1.0 / lipschitz, pen_code, params, weights, curvs, max_iter,
                    tol, n_iters, converged, chunk * CHUNK, min((chunk + 1) * CHUNK, n_samples))
    return n_iters, converged

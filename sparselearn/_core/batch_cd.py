"""Batch working-set coordinate descent: ``B`` GLM problems on one design, advanced together.

The problems share the design ``X`` and differ in their targets (the columns of a 2-D ``Y``:
independent outputs, permuted responses), their sample weights (bootstrap replicates,
subsamples, CV folds) and their penalty parameters (one ``alpha`` per problem). Following
FaSTGLZ (Conroy, Walz, Cheung & Sajda, "Fast Simultaneous Training of Generalized Linear
Models", JMLR 2016), the passes over all of ``X`` are made once for the whole batch: each outer
iteration forms the gradients ``X.T d_k`` of every unfinished problem as one matrix product
(BLAS-3 for a dense ``X``; for a CSC one each column read once for all problems,
:func:`batch_gradients`) and, for the datafits whose curvatures change (logistic, Poisson),
their coordinate curvatures in one pass (:func:`batch_curvatures`), where single fits make
``B`` separate passes. The inner loops (one residual of length ``n`` per problem, the columns
of the working set read from cache) cost the same per problem, so they run one problem after
the other in one compiled call, with :func:`sparselearn._core.cd.model_cd`, the loop body of
the single-problem solver.

FaSTGLZ shares a Cholesky factor between its ADMM subproblems; here each least-squares problem
with a convex sign-determined penalty (L1, elastic net) gets its own small factor instead, once
its support settles: on a fixed support and signs the problem is a linear system, solved by
:func:`sparselearn._core.batch_polish.polish_on_support` (a Newton step with feature-sign
drops, compiled). Coordinate descent finds supports fast but converges slowly on them when the
support is large and ill-conditioned (a support of 150 of n = 200 samples: about 10x per 7
epochs); the exact step ends those problems at the next optimality check. Those problems
also take smaller working sets than the single solver (``WS_SUPPORT_FACTOR``, ``WS_VIOLATOR_FRACTION``): a batch outer iteration
costs each problem about one inner epoch. (Measured on 200 permuted responses, n = 200,
p = 2000, CPU time: the fit 0.60 s -> 0.51 s, 3.9x the warm-started loop of single fits; the
compiled polish 0.35 s -> 0.12 s of it, the inner coordinate descent 0.42 s -> 0.25 s.)

Each problem keeps its own working set, tolerance, stopping test (the optimality scores of
:func:`sparselearn._core.prox.optimality_scores`: distance to the subdifferential, or the prox
fixed-point residual for L0 and Lq), prox-Newton line search and MM fallback, exactly as
:func:`sparselearn._core.working_set.working_set_cd`; a problem that has converged leaves the
batch, the others go on. The outer loop is a Python driver over whole-batch arrays: its cost
does not grow with ``B`` beyond the compiled calls, one small factorization per polished
problem and, for nonconvex penalties, one working-set selection per problem.
"""

import numpy as np
from numba import njit

from . import datafit as _datafit
from . import prox as _prox
from .cd import dense_centred_sq_norm as _dense_centred_sq_norm
from .cd import model_cd
from . import linalg as _linalg
from .batch_polish import polish_problems
from .linalg import FASTMATH, dense_col_dot
from .sort import select_in_place
from .working_set import next_working_set

# batches of fewer problems are not polished (see batch_working_set_cd)
POLISH_MIN_PROBLEMS = 4
# the polish runs on a support about to settle: at most this many signs changed in the last
# inner solve
POLISH_MAX_MOVED = 2
# the polish runs once its Gram matrix costs less than this many times the coordinate descent
# spent on the problem so far (|S|^2 <= ratio epochs (|ws| + |S|)), see _polish_stable
POLISH_COST_RATIO = 4
# features the polish's sign search may drop before it gives up
MAX_SIGN_DROPS = 3
# working sets of polished problems (batch_top_scores): the support grown by a quarter, or a
# tenth of the violators when more. An outer iteration of the batch costs each problem about
# one inner epoch (its gradient is a row of one BLAS-3 product), and the polish ends the
# slow convergence on the support, so the batch checks optimality more often on smaller sets
# than the single solver (twice the support, half the violators), which the problems that are
# not polished keep (a multi-output fit of a few targets then equals its single fits).
WS_SUPPORT_FACTOR = 1.25
WS_VIOLATOR_FRACTION = 0.1


@njit(cache=True, nogil=True)
def batch_raw_grad_hess(code, params, Y, Z, SW, active, D, H):
    """:func:`sparselearn._core.datafit.raw_grad_hess` for the rows ``active`` of ``Y``, ``Z``,
    ``SW``, written to the same rows of ``D`` and ``H``."""
    for a in range(active.shape[0]):
        k = active[a]
        _datafit.raw_grad_hess(code, params, Y[k], Z[k], SW[k], D[k], H[k])


@njit(cache=True, nogil=True)
def batch_values(dcode, dparams, Y, Z, SW, pcode, PARAMS, weights, CURVS, W, active):
    """Objective ``F_k(z_k) + pen_k(w_k)`` of the problems ``active``."""
    out = np.empty(active.shape[0])
    for a in range(active.shape[0]):
        k = active[a]
        out[a] = (_datafit.value(dcode, dparams, Y[k], Z[k], SW[k])
                  + _prox.value(pcode, PARAMS[k], weights, CURVS[k], W[k]))
    return out


@njit(cache=True, nogil=True)
def batch_slopes(pcode, PARAMS, weights, CURVS):
    """Right derivative at 0 of each problem's penalty along each feature
    (:func:`sparselearn._core.prox.slope_at_zero_1d`; ``inf`` for L0 and Lq)."""
    n_problems, n_features = CURVS.shape
    out = np.empty((n_problems, n_features))
    for k in range(n_problems):
        for j in range(n_features):
            out[k, j] = _prox.slope_at_zero_1d(pcode, PARAMS[k], weights[j], CURVS[k, j])
    return out


@njit(cache=True, nogil=True)
def batch_scores(pcode, PARAMS, weights, CURVS, SLOPES, W, GRAD, HCOLS, grad_b, lip_b,
                 fit_intercept, LIP, active, scores):
    """Optimality scores of every feature of the problems ``active`` (rows of ``scores``) and
    each problem's largest violation (the intercept's ``|grad_b|`` included).

    With an intercept, feature ``j`` is scored along its centred column: its gradient is
    ``GRAD[k, j] - HCOLS[k, j] grad_b[k] / lip_b[k]`` (as the single-problem solver). A zero
    coefficient of a penalty with a finite slope at 0 (``SLOPES``, from :func:`batch_slopes`)
    scores ``max(|g| - slope, 0)`` (``max(-g - slope, 0)`` with ``positive``), the zero branch
    of :func:`sparselearn._core.prox.subdiff_distance_1d` without its dispatch; the others
    (the support, L0 and Lq) go through :func:`sparselearn._core.prox.optimality_score_1d`.
    """
    n_active = active.shape[0]
    n_features = W.shape[1]
    crit = np.zeros(n_active)
    for a in range(n_active):
        k = active[a]
        ratio = grad_b[k] / lip_b[k] if (fit_intercept and lip_b[k] > 0.0) else 0.0
        positive = PARAMS[k, 3] > 0.0
        worst = abs(grad_b[k]) if fit_intercept else 0.0
        for j in range(n_features):
            g = GRAD[k, j] - HCOLS[k, j] * ratio
            slope = SLOPES[k, j]
            if W[k, j] == 0.0 and slope < np.inf:
                score = max(-g - slope, 0.0) if positive else max(abs(g) - slope, 0.0)
            else:
                score = _prox.optimality_score_1d(pcode, PARAMS[k], weights[j], CURVS[k, j],
                                                  W[k, j], g, LIP[k, j])
            scores[k, j] = score
            if score > worst:
                worst = score
        crit[a] = worst
    return crit


@njit(cache=True, nogil=True)
def batch_model_cd(X, data, indices, indptr, is_sparse, D, H, h_const, GRAD, grad_b, W, b,
                   fit_intercept, ws, sizes, active, LIP, lip_b, HCOLS, pcode, PARAMS, weights,
                   CURVS, max_epochs, inner_tol, n_anderson, U):
    """:func:`sparselearn._core.cd.model_cd` on each problem ``active[a]`` (row ``k`` of every
    per-problem array) over its working set ``ws[a, :sizes[a]]``; ``W`` and ``b`` are updated
    in place, the change of each linear predictor goes to ``U[k]``. Returns the epochs run per
    active problem."""
    n_active = active.shape[0]
    epochs = np.zeros(n_active, dtype=np.int64)
    b_k = np.zeros(1)
    for a in range(n_active):
        k = active[a]
        b_k[0] = b[k]
        u, n_epochs = model_cd(X, data, indices, indptr, is_sparse, D[k], H[k], h_const[k],
                               GRAD[k], grad_b[k], W[k], b_k, fit_intercept, ws[a, :sizes[a]],
                               LIP[k], lip_b[k], HCOLS[k], pcode, PARAMS[k], weights, CURVS[k],
                               max_epochs, inner_tol[k], n_anderson)
        b[k] = b_k[0]
        U[k] = u
        epochs[a] = n_epochs
    return epochs


@njit(cache=True, nogil=True)
def batch_backtrack(dcode, dparams, Y, SW, pcode, PARAMS, weights, CURVS, W_old, b_old, W, b, Z,
                    U, obj_old, active, max_halvings):
    """Prox-Newton line search of each problem ``active[a]``: the largest ``t`` in 1, 1/2, ...
    with ``F(z + t u) + pen(w_old + t (w - w_old)) <= obj_old[a]``.

    On acceptance ``W[k]``, ``b[k]`` and ``Z[k]`` hold the accepted point; otherwise ``W[k]``
    and ``b[k]`` are reset to the old point. Returns the acceptance flags.
    """
    n_active = active.shape[0]
    accepted = np.zeros(n_active, dtype=np.bool_)
    n_features = W.shape[1]
    n_samples = Z.shape[1]
    w_try = np.empty(n_features)
    z_try = np.empty(n_samples)
    for a in range(n_active):
        k = active[a]
        t = 1.0
        for _ in range(max_halvings):
            for j in range(n_features):
                w_try[j] = W_old[k, j] + t * (W[k, j] - W_old[k, j])
            for i in range(n_samples):
                z_try[i] = Z[k, i] + t * U[k, i]
            obj = (_datafit.value(dcode, dparams, Y[k], z_try, SW[k])
                   + _prox.value(pcode, PARAMS[k], weights, CURVS[k], w_try))
            if obj <= obj_old[a]:
                accepted[a] = True
                break
            t *= 0.5
        if accepted[a]:
            W[k] = w_try
            Z[k] = z_try
            b[k] = b_old[k] + t * (b[k] - b_old[k])
        else:
            W[k] = W_old[k]
            b[k] = b_old[k]
    return accepted


def working_sets(scores, W, active, tol, p0, convex, support_factor=2.0,
                 violator_fraction=0.5):
    """Working set of each problem ``active``: its support plus its highest-scoring features.
    For a nonconvex penalty each is chosen by the single-problem solver's
    :func:`sparselearn._core.working_set.next_working_set` (``max(p0, 2 |support|,
    n_violators / 2)`` features), so that ties resolve the same way and a nonconvex problem
    reaches the same local minimum in a batch as alone; for a convex one (whose minimum does
    not depend on the working sets) by :func:`batch_top_scores`, in one compiled call, with
    ``max(p0, support_factor |support|, violator_fraction n_violators)`` features.

    Returns ``(ws, sizes)``: row ``a`` of ``ws`` holds the sorted working set of problem
    ``active[a]`` in its first ``sizes[a]`` entries.
    """
    if convex:
        return batch_top_scores(scores, W, active, tol, p0, float(support_factor),
                                float(violator_fraction))
    chosen = [next_working_set(scores[k], W[k] != 0, tol[k], p0) for k in active]
    sizes = np.array([c.size for c in chosen], dtype=np.int64)
    ws = np.zeros((active.size, max(int(sizes.max()), 1)), dtype=np.int64)
    for a, c in enumerate(chosen):
        ws[a, :c.size] = c
    return ws, sizes


@njit(cache=True, nogil=True)
def batch_top_scores(scores, W, active, tol, p0, support_factor, violator_fraction):
    """The working sets of :func:`working_sets` with ties broken by index: the support and
    the non-support features scoring above the ``m``-th largest non-support score, then
    those equal to it from the lowest index until ``m`` are in (the scores are >= 0), ``m``
    filling ``max(p0, support_factor |support|, violator_fraction n_violators)``."""
    n_active = active.shape[0]
    n_features = W.shape[1]
    sizes = np.empty(n_active, dtype=np.int64)
    n_support = np.zeros(n_active, dtype=np.int64)
    for a in range(n_active):
        k = active[a]
        n_violators = 0
        for j in range(n_features):
            if W[k, j] != 0.0:
                n_support[a] += 1
            if scores[k, j] > tol[k]:
                n_violators += 1
        sizes[a] = min(n_features, max(p0, int(support_factor * n_support[a]),
                                       int(violator_fraction * n_violators)))
    ws = np.zeros((n_active, max(np.max(sizes), 1)), dtype=np.int64)
    positive = np.empty(n_features)
    for a in range(n_active):
        k = active[a]
        wanted = sizes[a] - n_support[a]
        # the scores are >= 0 and most are 0: the m-th largest comes from the positive ones
        n_positive = 0
        for j in range(n_features):
            if W[k, j] == 0.0 and scores[k, j] > 0.0:
                positive[n_positive] = scores[k, j]
                n_positive += 1
        if wanted == 0:
            threshold = np.inf
        elif wanted <= n_positive:
            threshold = select_in_place(positive[:n_positive], n_positive - wanted)
        else:
            threshold = 0.0
        n_ties = wanted  # features at the threshold taken, by index, after those above it
        for j in range(n_features):
            if W[k, j] == 0.0 and scores[k, j] > threshold:
                n_ties -= 1
        filled = 0
        for j in range(n_features):
            if W[k, j] != 0.0 or scores[k, j] > threshold:
                ws[a, filled] = j
                filled += 1
            elif scores[k, j] == threshold and n_ties > 0:
                ws[a, filled] = j
                filled += 1
                n_ties -= 1
    return ws, sizes


@njit(cache=True, nogil=True)
def batch_rmatvec(X, data, indices, indptr, is_sparse, D, active, out):
    """``out[k] = X.T @ D[k]`` for the rows ``active``, reading each column of ``X`` once for
    all of them (the column stays in cache while every problem uses it)."""
    n_features = out.shape[1]
    n_active = active.shape[0]
    for j in range(n_features):
        if is_sparse:
            start, end = indptr[j], indptr[j + 1]
            for a in range(n_active):
                k = active[a]
                total = 0.0
                for idx in range(start, end):
                    total += data[idx] * D[k, indices[idx]]
                out[k, j] = total
        else:
            for a in range(n_active):
                k = active[a]
                out[k, j] = dense_col_dot(X, j, D[k])


def batch_gradients(arrays, D, active, out):
    """``out[k] = X.T @ D[k]`` for the rows ``active``: one matrix product (BLAS-3) for a dense
    design, :func:`batch_rmatvec` (each CSC column read once for all rows) for a sparse one."""
    if arrays[4]:
        batch_rmatvec(*arrays, D, active, out)
    elif active.size == out.shape[0]:
        np.matmul(D, arrays[0], out=out)
    else:
        out[active] = D[active] @ arrays[0]


@njit(cache=True, nogil=True)
def batch_curvatures(X, data, indices, indptr, is_sparse, H, active, fit_intercept, lipschitz,
                     h_cols):
    """Per-problem coordinate curvatures and ``X.T h`` for the rows ``active`` of ``H``, each
    column of ``X`` read once for all of them.

    Without an intercept ``sum_i h_i X_ij^2``; with one, the curvature of the column centred at
    its ``h``-weighted mean ``mu_j``, ``sum_i h_i (X_ij - mu_j)^2`` (see
    :func:`sparselearn._core.working_set.coordinate_curvatures`), computed in two passes over
    the column, as :func:`sparselearn._core.cd.gradient_and_curvatures`.
    """
    n_features = lipschitz.shape[1]
    n_active = active.shape[0]
    totals = np.zeros(n_active)
    for a in range(n_active):
        totals[a] = np.sum(H[active[a]])
    for j in range(n_features):
        for a in range(n_active):
            k = active[a]
            if is_sparse:
                h_col = 0.0
                for idx in range(indptr[j], indptr[j + 1]):
                    h_col += H[k, indices[idx]] * data[idx]
                mu = h_col / totals[a] if (fit_intercept and totals[a] > 0.0) else 0.0
                # entries off the pattern contribute h_i mu^2 each
                total = 0.0
                zeros = totals[a]
                for idx in range(indptr[j], indptr[j + 1]):
                    i = indices[idx]
                    diff = data[idx] - mu
                    total += H[k, i] * diff * diff
                    zeros -= H[k, i]
                total += zeros * mu * mu
            else:
                h_col = dense_col_dot(X, j, H[k])
                mu = h_col / totals[a] if (fit_intercept and totals[a] > 0.0) else 0.0
                total = _dense_centred_sq_norm(X, j, H[k], mu)
            lipschitz[k, j] = total
            h_cols[k, j] = h_col if fit_intercept else 0.0


@njit(cache=True, nogil=True)
def batch_signs(W, active):
    """Signs of the rows ``active`` of ``W`` (int8, one row per active problem)."""
    out = np.zeros((active.shape[0], W.shape[1]), dtype=np.int8)
    for a in range(active.shape[0]):
        for j in range(W.shape[1]):
            x = W[active[a], j]
            if x > 0.0:
                out[a, j] = 1
            elif x < 0.0:
                out[a, j] = -1
    return out


@njit(cache=True, nogil=True)
def batch_sign_changes(W, active, signs_before):
    """Per active problem: how many coefficients changed sign (or left or joined the support)
    since ``signs_before`` (from :func:`batch_signs`), and the support size."""
    moved = np.zeros(active.shape[0], dtype=np.int64)
    n_support = np.zeros(active.shape[0], dtype=np.int64)
    for a in range(active.shape[0]):
        for j in range(W.shape[1]):
            x = W[active[a], j]
            sign = 1 if x > 0.0 else (-1 if x < 0.0 else 0)
            if sign != 0:
                n_support[a] += 1
            if sign != signs_before[a, j]:
                moved[a] += 1
    return moved, n_support


def _polish_stable(arrays, D, H, U, Z, W, b, active, signs_before, sizes, epochs, n_support_max,
                   fit_intercept, pcode, PARAMS, weights):
    """:func:`sparselearn._core.batch_polish.polish_on_support` on the problems ``active``
    whose support the last inner solve left almost unchanged (at most two signs changed: a
    support about to settle), not too large for their design (fewer features than weighted
    samples) and whose Gram matrix costs less than the coordinate descent spent on them so far
    (``|S|^2 <= 4 epochs (|ws| + |S|)``, BLAS-3 running several times faster per operation
    than the inner loops), in one compiled call. Returns the statuses of the polished
    problems."""
    moved, n_support = batch_sign_changes(W, active, signs_before)
    chosen = np.flatnonzero((moved <= POLISH_MAX_MOVED) & (n_support > 0)
                            & (n_support < n_support_max[active])
                            & (n_support ** 2 <= POLISH_COST_RATIO * epochs * (sizes + n_support)))
    return polish_problems(*arrays, D, H, U, Z, W, b, active[chosen], fit_intercept, pcode,
                           PARAMS, weights, MAX_SIGN_DROPS)


def batch_working_set_cd(arrays, Y, SW, dcode, dparams, W, b, fit_intercept, pcode, PARAMS,
                         weights, CURVS, tol, max_iter, max_epochs, p0, n_anderson, verbose,
                         shared_quadratic_curvatures=None):
    """Minimize ``F_k(X w_k + b_k) + pen_k(w_k)`` for every problem ``k`` of a batch.

    Parameters
    ----------
    arrays : tuple
        The design tuple ``(X, data, indices, indptr, is_sparse)`` of the kernels.
    Y, SW : ndarray of shape (n_problems, n_samples)
        Targets and sample weights (each row summing to 1).
    W, b : ndarray of shape (n_problems, n_features) and (n_problems,)
        Starting points (copied).
    PARAMS, CURVS : ndarray of shape (n_problems, 4) and (n_problems, n_features)
        Penalty parameters and curvatures of each problem; ``weights`` are shared.
    tol : ndarray of shape (n_problems,)
        Absolute tolerance of each problem on its largest optimality score.
    shared_quadratic_curvatures : tuple or None
        ``(lipschitz, h_cols)`` of a quadratic datafit whose problems share their weights:
        computed once instead of per problem.

    Returns
    -------
    W, b, n_iter, stop_crit, n_epochs : per-problem arrays (as the single-problem solver).
    """
    n_problems, n_samples = Y.shape
    n_features = W.shape[1]
    W = np.array(W, dtype=np.float64, order="C", copy=True)
    b = np.array(b, dtype=np.float64, copy=True)
    quadratic = dcode == _datafit.QUAD
    uniform = np.all(SW == SW[:, :1], axis=1)
    Z = np.repeat(b[:, None], n_samples, axis=1)
    for k in np.flatnonzero(np.any(W != 0, axis=1)):
        Z[k] += _linalg.matvec(*arrays, n_samples, W[k])
    D = np.zeros((n_problems, n_samples))
    H = np.zeros((n_problems, n_samples))
    GRAD = np.zeros((n_problems, n_features))
    LIP = np.zeros((n_problems, n_features))
    HCOLS = np.zeros((n_problems, n_features))
    scores = np.zeros((n_problems, n_features))
    U = np.zeros((n_problems, n_samples))
    if shared_quadratic_curvatures is not None:
        LIP[:] = shared_quadratic_curvatures[0]
        HCOLS[:] = shared_quadratic_curvatures[1]
    bound = _datafit.curvature_bound(dcode)
    if quadratic:
        concavity = np.zeros((n_problems, n_features))
    else:
        concavity = np.array([_prox.concavities(pcode, PARAMS[k], weights, CURVS[k])
                              for k in range(n_problems)]).reshape(n_problems, n_features)
    has_concavity = np.any(concavity > 0.0, axis=1)
    slopes = batch_slopes(pcode, PARAMS, weights, CURVS)
    convex = pcode in (_prox.L1, _prox.ENET)
    # small batches (a few targets of one multi-output fit) skip the polish, so that each
    # problem's coefficients equal its own single fit's, as scikit-learn's multi-target fits
    polish = quadratic and convex and n_problems >= POLISH_MIN_PROBLEMS
    if polish:  # a larger support makes the system of polish_on_support singular
        n_support_max = np.count_nonzero(SW > 0.0, axis=1) - int(fit_intercept)
    convexify = np.zeros(n_problems, dtype=bool)
    majorize = np.zeros(n_problems, dtype=bool)
    done = np.zeros(n_problems, dtype=bool)
    n_iter = np.full(n_problems, max_iter, dtype=np.int64)
    stop_crit = np.full(n_problems, np.inf)
    n_epochs = np.zeros(n_problems, dtype=np.int64)
    lipschitz_known = np.zeros(n_problems, dtype=bool)
    if shared_quadratic_curvatures is not None:
        lipschitz_known[:] = True
    for it in range(1, max_iter + 1):
        active = np.flatnonzero(~done).astype(np.int64)
        if active.size == 0:
            break
        batch_raw_grad_hess(dcode, dparams, Y, Z, SW, active, D, H)
        maj = active[majorize[active]]
        if maj.size:
            H[maj] = bound * SW[maj]
        need = active if not quadratic else active[~lipschitz_known[active]]
        if need.size:
            batch_curvatures(*arrays, H, need, fit_intercept, LIP, HCOLS)
            lipschitz_known[need] = True
        batch_gradients(arrays, D, active, GRAD)
        lip_b = H.sum(axis=1)
        grad_b = D.sum(axis=1)
        crit = batch_scores(pcode, PARAMS, weights, CURVS, slopes, W, GRAD, HCOLS, grad_b, lip_b,
                            fit_intercept, LIP, active, scores)
        stop_crit[active] = crit
        if verbose:
            print(f"  outer iter {it}: {active.size} problems left, largest violation "
                  f"{np.max(crit):.3e}")
        finished = crit <= tol[active]
        n_iter[active[finished]] = it - 1
        done[active[finished]] = True
        active = active[~finished]
        if active.size == 0:
            break
        if polish:
            ws, sizes = working_sets(scores, W, active, tol, p0, convex, WS_SUPPORT_FACTOR,
                                     WS_VIOLATOR_FRACTION)
        else:
            ws, sizes = working_sets(scores, W, active, tol, p0, convex)
        eta = np.full(active.size, 0.3) if quadratic else np.minimum(0.3, np.sqrt(crit[~finished]))
        inner_tol = np.zeros(n_problems)
        inner_tol[active] = np.maximum(eta * crit[~finished], 0.3 * tol[active])
        h_const = np.full(n_problems, -1.0)
        if quadratic:
            uni = active[uniform[active]]
            h_const[uni] = H[uni, 0]
        model_lip = LIP
        if np.any(convexify[active]):
            model_lip = LIP.copy()
            conv = active[convexify[active]]
            model_lip[conv] = np.maximum(LIP[conv], concavity[conv])
        W_old = W.copy() if not quadratic else W
        if polish:
            signs_before = batch_signs(W, active)
        b_old = b.copy()
        if not quadratic:
            obj_old = batch_values(dcode, dparams, Y, Z, SW, pcode, PARAMS, weights, CURVS, W,
                                   active)
        epochs = batch_model_cd(*arrays, D, H, h_const, GRAD, grad_b, W, b, fit_intercept, ws,
                                sizes, active, model_lip, lip_b, HCOLS, pcode, PARAMS, weights,
                                CURVS, max_epochs, inner_tol, n_anderson, U)
        n_epochs[active] += epochs
        if quadratic:
            Z[active] += U[active]
            if polish:
                _polish_stable(arrays, D, H, U, Z, W, b, active, signs_before, sizes,
                               n_epochs[active], n_support_max, fit_intercept, pcode, PARAMS,
                               weights)
            continue
        accepted = batch_backtrack(dcode, dparams, Y, SW, pcode, PARAMS, weights, CURVS, W_old,
                                   b_old, W, b, Z, U, obj_old, active, 30)
        majorize[active[accepted]] = False
        rejected = active[~accepted]
        for k in rejected:
            if not convexify[k] and has_concavity[k]:
                convexify[k] = True
            elif majorize[k] or not np.isfinite(bound):
                done[k] = True  # numerically stationary: even the MM step does not descend
                n_iter[k] = it
            else:
                majorize[k] = True
    return W, b, n_iter, stop_crit, n_epochs

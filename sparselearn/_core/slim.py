"""Numba kernels for SLIM integer scoring systems: the exact 0-1 loss and its discrete search.

A scoring system is an integer vector ``coef`` and an integer intercept ``b``; sample ``i``
is predicted positive iff ``X[i] @ coef + b > 0``. With ``t_i = floor(-X[i] @ coef)`` a
positive sample is correct iff ``b >= t_i + 1`` and a negative one iff ``b <= t_i``, so the
best integer intercept for fixed ``coef`` is found by sorting ``t`` and sweeping.

The objective (per-sample loss weights ``w``, ``n_total`` samples before merging rows) is

    sum_i w_i 1[sample i misclassified] / n_total + C0 ||coef||_0 + C1 ||coef||_1

Feasibility of a model is: ``||coef||_0 <= max_features``; per group ``g`` of features,
``sum_{j in g} 1[coef_j != 0] <= group_caps[g]`` (``groups`` is a 0/1 matrix); linear rows
``lin_lo <= lin_A @ coef <= lin_hi``; and error counts (``counts`` = row multiplicities) on the
positive / negative class at most ``max_pos_err`` / ``max_neg_err``. Coefficient sets
(per feature, sorted) arrive as padded 2-D arrays ``values`` with lengths ``n_values``.

Kernels take ``XT`` = ``X.T`` (C-contiguous, shape (n_features, n_samples)) so that a
feature's column is a contiguous row. They never validate their input.
"""

import numpy as np
from numba import njit

from .sort import argsort_stable

_TOL = 1e-12


@njit(cache=True)
def best_intercept(scores, y, w, counts, b_lo, b_hi, max_pos_err, max_neg_err):
    """Best integer intercept in ``[b_lo, b_hi]`` for fixed scores.

    Returns ``(b, loss)`` where ``loss = sum_i w_i err_i`` (not normalised); ``loss`` is
    ``inf`` when no intercept meets the error caps. Ties go to the smallest ``|b|``.
    """
    n = scores.shape[0]
    t = np.empty(n)
    for i in range(n):
        t[i] = np.floor(-scores[i] + 1e-9)
    order = argsort_stable(t)
    # loss at b = b_lo: positives with t_i >= b_lo wrong, negatives with t_i < b_lo wrong
    loss = 0.0
    pos_err = 0.0
    neg_err = 0.0
    for i in range(n):
        if y[i] > 0:
            if t[i] >= b_lo:
                loss += w[i]
                pos_err += counts[i]
        else:
            if t[i] < b_lo:
                loss += w[i]
                neg_err += counts[i]
    best_loss = np.inf
    best_b = 0.0
    b = b_lo
    k = np.int64(0)
    # skip samples whose breakpoint t_i + 1 <= b_lo (already accounted for)
    while k < n and t[order[k]] + 1.0 <= b_lo:
        k += 1
    while True:
        # the loss is constant on [b, next_b - 1]
        if k < n:
            next_b = min(t[order[k]] + 1.0, b_hi + 1.0)
        else:
            next_b = b_hi + 1.0
        if pos_err <= max_pos_err and neg_err <= max_neg_err:
            hi = next_b - 1.0
            cand = 0.0
            if cand < b:
                cand = b
            if cand > hi:
                cand = hi
            if loss < best_loss - _TOL:
                best_loss = loss
                best_b = cand
            elif loss <= best_loss + _TOL and abs(cand) < abs(best_b):
                best_b = cand
        if next_b > b_hi:
            break
        b = next_b
        while k < n and t[order[k]] + 1.0 <= b:
            i = order[k]
            if y[i] > 0:
                loss -= w[i]
                pos_err -= counts[i]
            else:
                loss += w[i]
                neg_err += counts[i]
            k += 1
    return best_b, best_loss


@njit(cache=True)
def zero_one_loss(XT, y, w, coef, intercept):
    """Weighted number of misclassified samples, ``sum_i w_i 1[y_i (x_i.coef + b) <= 0]``
    with the convention that a score of exactly 0 predicts the negative class."""
    n = XT.shape[1]
    loss = 0.0
    for i in range(n):
        s = intercept
        for j in range(XT.shape[0]):
            s += coef[j] * XT[j, i]
        if y[i] > 0:
            if s <= 0.0:
                loss += w[i]
        elif s > 0.0:
            loss += w[i]
    return loss


@njit(cache=True)
def _is_feasible(coef, max_features, groups, group_caps, lin_A, lin_lo, lin_hi):
    n_features = coef.shape[0]
    nnz = 0
    for j in range(n_features):
        if coef[j] != 0:
            nnz += 1
    if nnz > max_features:
        return False
    for g in range(groups.shape[0]):
        used = 0
        for j in range(n_features):
            if groups[g, j] != 0 and coef[j] != 0:
                used += 1
        if used > group_caps[g]:
            return False
    for r in range(lin_A.shape[0]):
        total = 0.0
        for j in range(n_features):
            total += lin_A[r, j] * coef[j]
        if total < lin_lo[r] - 1e-9 or total > lin_hi[r] + 1e-9:
            return False
    return True


@njit(cache=True)
def _penalty(coef, C0, C1):
    value = 0.0
    for j in range(coef.shape[0]):
        if coef[j] != 0:
            value += C0 + C1 * abs(coef[j])
    return value


@njit(cache=True)
def _scores(XT, coef):
    n = XT.shape[1]
    scores = np.zeros(n)
    for j in range(XT.shape[0]):
        if coef[j] != 0:
            for i in range(n):
                scores[i] += coef[j] * XT[j, i]
    return scores


@njit(cache=True)
def _objective_at(scores, coef, y, w, counts, b_lo, b_hi, C0, C1, n_total, max_pos_err,
                  max_neg_err):
    """Objective of a (feasible) ``coef`` whose scores ``X @ coef`` are given, with its best
    intercept: returns ``(objective, b)``."""
    b, loss = best_intercept(scores, y, w, counts, b_lo, b_hi, max_pos_err, max_neg_err)
    return loss / n_total + _penalty(coef, C0, C1), b


@njit(cache=True)
def evaluate_model(XT, y, w, counts, coef, b_lo, b_hi, C0, C1, n_total, max_features,
                   groups, group_caps, lin_A, lin_lo, lin_hi, max_pos_err, max_neg_err):
    """Objective of ``coef`` with its best intercept: returns ``(objective, b)``;
    ``objective`` is ``inf`` for an infeasible model."""
    if not _is_feasible(coef, max_features, groups, group_caps, lin_A, lin_lo, lin_hi):
        return np.inf, 0.0
    return _objective_at(_scores(XT, coef), coef, y, w, counts, b_lo, b_hi, C0, C1, n_total,
                         max_pos_err, max_neg_err)


@njit(cache=True)
def local_search(XT, y, w, counts, values, n_values, coef_init, b_lo, b_hi, C0, C1, n_total,
                 max_features, groups, group_caps, lin_A, lin_lo, lin_hi, max_pos_err,
                 max_neg_err, max_sweeps, use_swaps):
    """Discrete local search on the exact SLIM objective.

    Each sweep tries every single-coordinate move ``coef_j <- v`` (``v`` in the feature's
    coefficient set) and applies the best improving one; when none improves and
    ``use_swaps`` is set, it tries swaps (drop a feature in the support, add another one
    at any of its nonzero values) and applies the first improving one. The intercept is
    re-optimised exactly for every candidate. Stops at a local optimum for both
    neighbourhoods or after ``max_sweeps`` sweeps.

    Returns ``(coef, b, objective, n_sweeps)``.
    """
    n_features, n = XT.shape
    coef = coef_init.copy()
    obj, b = evaluate_model(XT, y, w, counts, coef, b_lo, b_hi, C0, C1, n_total, max_features,
                            groups, group_caps, lin_A, lin_lo, lin_hi, max_pos_err,
                            max_neg_err)
    scores = _scores(XT, coef)
    trial = np.empty(n)
    sweep = 0
    while sweep < max_sweeps:
        sweep += 1
        best_obj = obj
        best_j = -1
        best_v = 0
        best_b = b
        for j in range(n_features):
            old = coef[j]
            for k in range(n_values[j]):
                v = values[j, k]
                if v == old:
                    continue
                coef[j] = v
                if _is_feasible(coef, max_features, groups, group_caps, lin_A, lin_lo,
                                lin_hi):
                    delta = v - old
                    for i in range(n):
                        trial[i] = scores[i] + delta * XT[j, i]
                    cand, bb = _objective_at(trial, coef, y, w, counts, b_lo, b_hi, C0, C1,
                                             n_total, max_pos_err, max_neg_err)
                    if cand < best_obj - _TOL:
                        best_obj = cand
                        best_j = j
                        best_v = v
                        best_b = bb
            coef[j] = old
        if best_j >= 0:
            delta = best_v - coef[best_j]
            coef[best_j] = best_v
            for i in range(n):
                scores[i] += delta * XT[best_j, i]
            obj = best_obj
            b = best_b
            continue
        if not use_swaps:
            break
        improved = False
        for j in range(n_features):
            if coef[j] == 0:
                continue
            old_j = coef[j]
            for k in range(n_features):
                if k == j or coef[k] != 0:
                    continue
                for m in range(n_values[k]):
                    v = values[k, m]
                    if v == 0:
                        continue
                    coef[j] = 0
                    coef[k] = v
                    if _is_feasible(coef, max_features, groups, group_caps, lin_A, lin_lo,
                                    lin_hi):
                        for i in range(n):
                            trial[i] = scores[i] - old_j * XT[j, i] + v * XT[k, i]
                        cand, bb = _objective_at(trial, coef, y, w, counts, b_lo, b_hi, C0,
                                                 C1, n_total, max_pos_err, max_neg_err)
                        if cand < obj - _TOL:
                            obj = cand
                            b = bb
                            for i in range(n):
                                scores[i] = trial[i]
                            improved = True
                            break
                    coef[j] = old_j
                    coef[k] = 0
                if improved:
                    break
            if improved:
                break
        if not improved:
            break
    # fresh scores (no drift from the incremental updates) for the returned objective
    obj, b = evaluate_model(XT, y, w, counts, coef, b_lo, b_hi, C0, C1, n_total, max_features,
                            groups, group_caps, lin_A, lin_lo, lin_hi, max_pos_err,
                            max_neg_err)
    return coef, b, obj, sweep


@njit(cache=True)
def enumerate_models(XT, y, w, counts, nz_values, n_nz, has_zero, b_lo, b_hi, C0, C1, n_total,
                     max_features, groups, group_caps, lin_A, lin_lo, lin_hi, max_pos_err,
                     max_neg_err):
    """Exhaustive search over every feasible integer model.

    Supports are enumerated by size (features whose set lacks 0 are always in), then every
    combination of nonzero values on the support, each with its exact best intercept.
    ``nz_values[j, :n_nz[j]]`` are feature ``j``'s nonzero allowed values.

    Returns ``(coef, b, objective, n_models)``; ``objective`` is ``inf`` when no model is
    feasible.
    """
    n_features, n = XT.shape
    forced = np.zeros(n_features, dtype=np.int64)
    free = np.zeros(n_features, dtype=np.int64)
    n_forced = 0
    n_free = 0
    for j in range(n_features):
        if has_zero[j]:
            free[n_free] = j
            n_free += 1
        else:
            forced[n_forced] = j
            n_forced += 1
    best_obj = np.inf
    best_b = 0.0
    best_coef = np.zeros(n_features, dtype=np.int64)
    n_models = 0
    coef = np.zeros(n_features, dtype=np.int64)
    support = np.zeros(n_features, dtype=np.int64)
    digits = np.zeros(n_features, dtype=np.int64)
    comb = np.zeros(n_features, dtype=np.int64)
    scores = np.zeros(n)
    max_size = min(max_features, n_features)
    for k_free in range(0, max_size - n_forced + 1):
        if k_free > n_free:
            break
        for s in range(k_free):
            comb[s] = s
        while True:
            size = n_forced + k_free
            for s in range(n_forced):
                support[s] = forced[s]
            for s in range(k_free):
                support[n_forced + s] = free[comb[s]]
            for j in range(n_features):
                coef[j] = 0
            for s in range(size):
                digits[s] = 0
                coef[support[s]] = nz_values[support[s], 0]
            scores[:] = 0.0
            for s in range(size):
                j = support[s]
                for i in range(n):
                    scores[i] += coef[j] * XT[j, i]
            while True:
                n_models += 1
                if _is_feasible(coef, max_features, groups, group_caps, lin_A, lin_lo,
                                lin_hi):
                    cand, bb = _objective_at(scores, coef, y, w, counts, b_lo, b_hi, C0, C1,
                                             n_total, max_pos_err, max_neg_err)
                    if cand < best_obj - _TOL:
                        best_obj = cand
                        best_b = bb
                        best_coef[:] = coef
                # odometer step over the support's nonzero values
                s = 0
                while s < size:
                    j = support[s]
                    old = coef[j]
                    if digits[s] + 1 < n_nz[j]:
                        digits[s] += 1
                        coef[j] = nz_values[j, digits[s]]
                        delta = coef[j] - old
                        for i in range(n):
                            scores[i] += delta * XT[j, i]
                        break
                    digits[s] = 0
                    coef[j] = nz_values[j, 0]
                    delta = coef[j] - old
                    for i in range(n):
                        scores[i] += delta * XT[j, i]
                    s += 1
                if s == size:
                    break
            # next combination of k_free indices out of n_free
            s = k_free - 1
            while s >= 0 and comb[s] == n_free - k_free + s:
                s -= 1
            if s < 0:
                break
            comb[s] += 1
            for r in range(s + 1, k_free):
                comb[r] = comb[r - 1] + 1
    return best_coef, best_b, best_obj, n_models

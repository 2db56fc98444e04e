"""Primal heuristics for SLIM: rounded convex fits, discrete local search, enumeration.

They work on the exact 0-1 objective (no margin, no big-M) through the `_core.slim`
kernels, so a model they return is scored exactly as `SLIMClassifier.predict` scores it.
"""

import math
import warnings
from functools import reduce

import numpy as np

from .._core import slim as _slim

__all__ = [
    "evaluate",
    "objective_at",
    "local_search",
    "count_models",
    "enumerate_models",
    "rounded_starts",
    "project_to_sets",
    "reduce_by_gcd",
]


def evaluate(problem, coef):
    """``(objective, intercept)`` of integer ``coef`` with its best intercept."""
    args = problem.kernel_args()
    obj, b = _slim.evaluate_model(
        args["XT"], args["y"], args["w"], args["counts"], np.asarray(coef, dtype=np.int64),
        args["b_lo"], args["b_hi"], args["C0"], args["C1"], args["n_total"],
        args["max_features"], args["groups"], args["group_caps"], args["lin_A"],
        args["lin_lo"], args["lin_hi"], args["max_pos_err"], args["max_neg_err"],
    )
    return float(obj), int(b)


def objective_at(problem, coef, intercept):
    """Exact objective of ``coef`` with the given intercept (no re-optimisation)."""
    args = problem.kernel_args()
    coef = np.asarray(coef, dtype=np.int64)
    loss = _slim.zero_one_loss(args["XT"], args["y"], args["w"], coef.astype(float),
                               float(intercept))
    return float(loss / problem.n_total + problem.C0 * np.count_nonzero(coef)
                 + problem.C1 * np.abs(coef).sum())


def local_search(problem, coef_init, max_sweeps=1000, use_swaps=True):
    """Coordinate moves then swaps from ``coef_init``: ``(coef, intercept, objective)``."""
    args = problem.kernel_args()
    values, n_values = problem.padded_values()
    coef, b, obj, _ = _slim.local_search(
        args["XT"], args["y"], args["w"], args["counts"], values, n_values,
        np.asarray(coef_init, dtype=np.int64), args["b_lo"], args["b_hi"], args["C0"],
        args["C1"], args["n_total"], args["max_features"], args["groups"],
        args["group_caps"], args["lin_A"], args["lin_lo"], args["lin_hi"],
        args["max_pos_err"], args["max_neg_err"], int(max_sweeps), bool(use_swaps),
    )
    return coef, int(b), float(obj)


def count_models(problem):
    """Number of integer models (supports of size <= max_features) enumeration would visit."""
    # generating polynomial prod_j (1[0 in L_j] + m_j x), truncated at degree max_features
    poly = np.zeros(problem.max_features + 1, dtype=object)
    poly[0] = 1
    for v in problem.values:
        has_zero = 0 in set(v.tolist())
        m = int(np.count_nonzero(v))
        new = np.zeros_like(poly)
        if has_zero:
            new += poly
        new[1:] += m * poly[:-1]
        poly = new
    return int(sum(poly))


def enumerate_models(problem):
    """Exact optimum by exhaustive enumeration: ``(coef, intercept, objective, n_models)``."""
    args = problem.kernel_args()
    n_features = problem.n_features
    nz = [v[v != 0] for v in problem.values]
    n_nz = np.array([len(v) for v in nz], dtype=np.int64)
    nz_values = np.zeros((n_features, max(1, n_nz.max(initial=1))), dtype=np.int64)
    for j, v in enumerate(nz):
        nz_values[j, : len(v)] = v
    has_zero = np.array([0 in set(v.tolist()) for v in problem.values], dtype=np.bool_)
    coef, b, obj, n_models = _slim.enumerate_models(
        args["XT"], args["y"], args["w"], args["counts"], nz_values, n_nz, has_zero,
        args["b_lo"], args["b_hi"], args["C0"], args["C1"], args["n_total"],
        args["max_features"], args["groups"], args["group_caps"], args["lin_A"],
        args["lin_lo"], args["lin_hi"], args["max_pos_err"], args["max_neg_err"],
    )
    return coef, int(b), float(obj), int(n_models)


def project_to_sets(problem, coef_real):
    """Round each real coefficient to the nearest value of its coefficient set."""
    coef = np.zeros(problem.n_features, dtype=np.int64)
    for j, v in enumerate(problem.values):
        coef[j] = v[np.argmin(np.abs(v - coef_real[j]))]
    return coef


def _keep_largest(problem, coef, coef_real):
    """Zero the smallest coefficients until the size and group caps hold."""
    coef = coef.copy()
    order = np.argsort(-np.abs(coef_real))
    kept = []
    for j in order:
        if coef[j] == 0:
            continue
        trial = kept + [j]
        ok = len(trial) <= problem.max_features
        for g in range(problem.groups.shape[0]):
            if problem.groups[g, trial].sum() > problem.group_caps[g]:
                ok = False
        if ok or 0 not in set(problem.values[j].tolist()):
            kept.append(j)
        else:
            coef[j] = 0
    return coef


def rounded_starts(problem, random_state, n_C=8, multipliers=None):
    """Integer starting points from L1-logistic fits over a grid of C, scaled and rounded.

    Each continuous fit ``w`` is scaled by ``m / max|w_j|`` for several ``m`` up to the
    largest allowed coefficient, rounded into the coefficient sets, trimmed to the size
    and group caps; the zero model is always included.
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    X, y = problem.X, problem.y
    starts = [np.zeros(problem.n_features, dtype=np.int64)]
    if len(np.unique(y)) < 2 or problem.n_features == 0:
        return starts
    max_abs = max(int(np.abs(v).max()) for v in problem.values)
    if multipliers is None:
        multipliers = sorted({1, 2, 3, 5, max(1, max_abs // 2), max_abs})
    scale = X.std(axis=0)
    scale[scale == 0] = 1.0
    # smallest C that selects anything, then a log grid above it
    Cs = np.logspace(-2.5, 1.5, n_C) / max(1.0, np.sqrt(problem.n_features))
    for C in Cs:
        model = LogisticRegression(
            l1_ratio=1.0, C=C, solver="liblinear", random_state=random_state, max_iter=200
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            warnings.simplefilter("ignore", FutureWarning)
            warnings.simplefilter("ignore", UserWarning)
            try:
                model.fit(X / scale, y, sample_weight=problem.w)
            except ValueError:
                continue
        coef_real = model.coef_.ravel() / scale
        if not np.any(coef_real):
            continue
        for m in multipliers:
            scaled = coef_real * (m / np.abs(coef_real).max())
            coef = _keep_largest(problem, project_to_sets(problem, scaled), scaled)
            starts.append(coef)
    unique = {tuple(c.tolist()): c for c in starts}
    return list(unique.values())


def reduce_by_gcd(problem, coef, objective):
    """Divide ``coef`` by the gcd of its entries when that keeps it feasible and no worse.

    Returns ``(coef, intercept, objective)``; the intercept is re-optimised exactly.
    """
    nz = [abs(int(c)) for c in coef if c != 0]
    if not nz:
        obj, b = evaluate(problem, coef)
        return coef, b, obj
    g = reduce(math.gcd, nz)
    if g <= 1:
        obj, b = evaluate(problem, coef)
        return coef, b, obj
    reduced = np.asarray(coef, dtype=np.int64) // g
    if any(reduced[j] not in set(problem.values[j].tolist()) for j in range(len(coef))):
        obj, b = evaluate(problem, coef)
        return coef, b, obj
    obj_r, b_r = evaluate(problem, reduced)
    obj, b = evaluate(problem, coef)
    if obj_r <= obj + 1e-12:
        return reduced, b_r, obj_r
    return coef, b, obj

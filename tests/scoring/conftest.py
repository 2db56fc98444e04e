"""Brute-force SLIM oracle for tests: every integer model, every intercept."""

import itertools

import numpy as np
import pytest


def brute_force(X, y_pm, values, C0, C1, b_range, w=None, max_features=None, feasible=None,
                max_pos_err=np.inf, max_neg_err=np.inf):
    """Exact optimum of the SLIM objective by enumeration (tiny problems only).

    Returns ``(objective, coef, intercept)``; objective ``inf`` when nothing is feasible.
    """
    n, p = X.shape
    w = np.ones(n) if w is None else w
    best = (np.inf, None, None)
    for coef in itertools.product(*values):
        coef = np.array(coef)
        nnz = np.count_nonzero(coef)
        if max_features is not None and nnz > max_features:
            continue
        if feasible is not None and not feasible(coef):
            continue
        scores = X @ coef
        pen = C0 * nnz + C1 * np.abs(coef).sum()
        for b in range(b_range[0], b_range[1] + 1):
            pred = scores + b > 0
            err = np.where(y_pm > 0, ~pred, pred)
            if err[y_pm > 0].sum() > max_pos_err or err[y_pm < 0].sum() > max_neg_err:
                continue
            obj = w[err].sum() / n + pen
            if obj < best[0] - 1e-12:
                best = (obj, coef, b)
    return best


def objective(X, y_pm, coef, intercept, C0, C1, w=None):
    """SLIM objective recomputed in plain numpy."""
    w = np.ones(len(y_pm)) if w is None else w
    pred = X @ coef + intercept > 0
    err = np.where(y_pm > 0, ~pred, pred)
    return w[err].sum() / len(y_pm) + C0 * np.count_nonzero(coef) + C1 * np.abs(coef).sum()


class _Oracle:
    brute_force = staticmethod(brute_force)
    objective = staticmethod(objective)


@pytest.fixture
def oracle():
    """Brute-force SLIM oracle (``brute_force``, ``objective``)."""
    return _Oracle


def make_binary_problem(seed, n_samples=40, n_features=3, noise=0.15):
    """Seeded binary features and a noisy linear integer rule (a SLIM-friendly problem)."""
    rng = np.random.default_rng(seed)
    X = (rng.random((n_samples, n_features)) < 0.5).astype(float)
    true = rng.integers(-2, 3, n_features)
    true[0] = 2
    score = X @ true - 1
    y = (score > 0).astype(int)
    flip = rng.random(n_samples) < noise
    y[flip] = 1 - y[flip]
    if y.min() == y.max():
        y[0] = 1 - y[0]
    return X, y


@pytest.fixture
def binary_problem(global_random_seed):
    return make_binary_problem(global_random_seed)

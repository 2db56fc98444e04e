"""Kernels of sparselearn._core.slim against plain numpy oracles."""

import itertools

import numpy as np
import pytest

from sparselearn._core import slim as _slim


def _no_constraints(p):
    return (np.zeros((0, p), dtype=np.int8), np.zeros(0, dtype=np.int64), np.zeros((0, p)),
            np.zeros(0), np.zeros(0))


@pytest.mark.parametrize("real_scores", [False, True])
def test_best_intercept_matches_scan(global_random_seed, real_scores):
    rng = np.random.default_rng(global_random_seed)
    for _ in range(200):
        n = int(rng.integers(1, 15))
        scores = rng.integers(-6, 7, n).astype(float)
        if real_scores:
            scores += rng.normal(size=n)
        y = rng.choice([-1.0, 1.0], n)
        counts = rng.integers(1, 4, n).astype(float)
        w = counts * rng.choice([0.5, 1.0, 2.0], n)
        lo, hi = int(rng.integers(-9, 1)), int(rng.integers(0, 9))
        max_pos, max_neg = float(rng.integers(0, 6)), float(rng.integers(0, 6))
        best_loss, best_b = np.inf, None
        for b in range(lo, hi + 1):
            pred = scores + b > 0
            err = np.where(y > 0, ~pred, pred)
            if counts[err & (y > 0)].sum() > max_pos or counts[err & (y < 0)].sum() > max_neg:
                continue
            loss = w[err].sum()
            if loss < best_loss - 1e-12 or (abs(loss - best_loss) < 1e-12
                                            and abs(b) < abs(best_b)):
                best_loss, best_b = loss, b
        b, loss = _slim.best_intercept(scores, y, w, counts, float(lo), float(hi), max_pos,
                                       max_neg)
        if best_b is None:
            assert loss == np.inf
        else:
            assert loss == pytest.approx(best_loss)
            assert b == best_b


def test_enumeration_and_local_search_match_brute_force(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    n, p = 30, 3
    X = rng.integers(0, 3, (n, p)).astype(float)
    y = np.where(X @ np.array([1, -2, 1]) + rng.integers(-1, 2, n) > 0, 1.0, -1.0)
    w = np.ones(n)
    values = np.tile(np.arange(-3, 4), (p, 1)).astype(np.int64)
    nz = np.tile(np.array([-3, -2, -1, 1, 2, 3]), (p, 1)).astype(np.int64)
    C0, C1 = 0.01, 1e-4
    groups, caps, A, lo, hi = _no_constraints(p)
    best = np.inf
    for coef in itertools.product(range(-3, 4), repeat=p):
        coef = np.array(coef, dtype=np.int64)
        obj, _ = _slim.evaluate_model(X.T.copy(), y, w, w, coef, -25.0, 25.0, C0, C1, float(n),
                                      p, groups, caps, A, lo, hi, np.inf, np.inf)
        best = min(best, obj)
    coef, b, obj, n_models = _slim.enumerate_models(
        X.T.copy(), y, w, w, nz, np.full(p, 6), np.ones(p, dtype=np.bool_), -25.0, 25.0, C0,
        C1, float(n), p, groups, caps, A, lo, hi, np.inf, np.inf)
    assert n_models == 7 ** p
    assert obj == pytest.approx(best, abs=1e-12)
    # the reported objective is the one recomputed from (coef, b)
    pred = X @ coef + b > 0
    err = np.where(y > 0, ~pred, pred)
    assert obj == pytest.approx(err.sum() / n + C0 * np.count_nonzero(coef)
                                + C1 * np.abs(coef).sum())
    start = np.zeros(p, dtype=np.int64)
    start_obj, _ = _slim.evaluate_model(X.T.copy(), y, w, w, start, -25.0, 25.0, C0, C1,
                                        float(n), p, groups, caps, A, lo, hi, np.inf, np.inf)
    ls_coef, ls_b, ls_obj, _ = _slim.local_search(
        X.T.copy(), y, w, w, values, np.full(p, 7), start, -25.0, 25.0, C0, C1, float(n), p,
        groups, caps, A, lo, hi, np.inf, np.inf, 100, True)
    assert best - 1e-12 <= ls_obj <= start_obj
    # local optimum: no single-coordinate move improves
    for j in range(p):
        for v in range(-3, 4):
            trial = ls_coef.copy()
            trial[j] = v
            obj_t, _ = _slim.evaluate_model(X.T.copy(), y, w, w, trial, -25.0, 25.0, C0, C1,
                                            float(n), p, groups, caps, A, lo, hi, np.inf,
                                            np.inf)
            assert obj_t >= ls_obj - 1e-12


def test_enumeration_respects_size_and_groups():
    rng = np.random.default_rng(0)
    n, p = 25, 4
    X = rng.integers(0, 2, (n, p)).astype(float)
    y = np.where(X.sum(axis=1) >= 2, 1.0, -1.0)
    w = np.ones(n)
    nz = np.tile(np.array([-1, 1]), (p, 1)).astype(np.int64)
    groups = np.array([[1, 1, 0, 0]], dtype=np.int8)
    caps = np.array([1], dtype=np.int64)
    coef, _, obj, n_models = _slim.enumerate_models(
        X.T.copy(), y, w, w, nz, np.full(p, 2), np.ones(p, dtype=np.bool_), -5.0, 5.0, 0.0,
        1e-4, float(n), 2, groups, caps, np.zeros((0, p)), np.zeros(0), np.zeros(0), np.inf,
        np.inf)
    # supports of size <= 2 with +-1 values: 1 + 4*2 + 6*4
    assert n_models == 1 + 8 + 24
    assert np.count_nonzero(coef) <= 2
    assert np.count_nonzero(coef[:2]) <= 1

"""Kernel-level checks of the SNS and Sinkhorn building blocks against dense references."""

import numpy as np

from sparselearn._core.sinkhorn import exp_segment, plan_from_potentials


def _exp_rows(X, j0=0, j1=None):
    X = np.array(X, dtype=np.float64, ndmin=2)
    j1 = X.shape[1] if j1 is None else j1
    out = X.copy()
    low, high = np.empty(j1 - j0, dtype=np.int64), np.empty(j1 - j0, dtype=np.int64)
    for i in range(out.shape[0]):
        exp_segment(out, i, j0, j1, low, high)
    return out


def test_exp_segment_matches_numpy_to_an_ulp(rng):
    t = np.concatenate([
        np.linspace(-745.5, 709.0, 200_001),  # the whole float64 range of exp, subnormals too
        rng.uniform(-40.0, 5.0, 10_000),
        [0.0, -0.0, 1.0, -1.0, np.log(2.0), -np.log(2.0) / 2, 1e-300, -1e-300],
    ])
    got = _exp_rows(t)[0]
    ref = np.exp(t)
    normal = ref >= np.finfo(np.float64).tiny
    assert np.all(np.abs(got[normal] - ref[normal]) <= np.spacing(ref[normal]))
    # subnormal results: the same absolute accuracy (one subnormal spacing, 5e-324)
    assert np.all(np.abs(got[~normal] - ref[~normal]) <= 5e-324)
    assert got[t == 0.0].tolist() == [1.0, 1.0]


def test_exp_segment_limits_and_segment_bounds():
    # far below the range (and -inf: forbidden pairs of an infinite cost) gives exactly 0;
    # above 709 the result is capped at exp(709), never inf
    t = np.array([-np.inf, -1e6, -1401.0, -800.0, 710.0, 1e6])
    got = _exp_rows(t)[0]
    assert got[:4].tolist() == [0.0, 0.0, 0.0, 0.0]
    assert np.all(got[4:] == np.exp(709.0))
    # only the segment j0:j1 of row i changes
    X = np.full((3, 6), -1.0)
    low, high = np.empty(3, dtype=np.int64), np.empty(3, dtype=np.int64)
    exp_segment(X, 1, 2, 5, low, high)
    expected = np.full((3, 6), -1.0)
    expected[1, 2:5] = np.exp(-1.0)
    np.testing.assert_array_equal(X, expected)


def test_plan_from_potentials_is_the_gibbs_plan(rng):
    n, m, reg = 40, 30, 1e-3
    M = rng.random((n, m))
    f = rng.uniform(-0.1, 0.1, n)
    g = rng.uniform(-0.1, 0.1, m)
    P = np.empty((n, m))
    plan_from_potentials(M, f, g, reg, P)
    # the same exponents as the kernel (times 1 / reg), then numpy's exp: within an ulp
    ref = np.exp((f[:, None] + g[None] - M) * (1.0 / reg))
    assert np.any(ref == 0.0) and np.any(ref > 1.0)  # underflow and large entries both occur
    assert np.all(np.abs(P - ref) <= np.maximum(np.spacing(ref), 5e-324))

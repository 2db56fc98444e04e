"""Every prox returns the global minimizer of 0.5 (x - v)^2 / t + pen(x) (brute-force grid)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sparselearn._core import prox as P
from sparselearn.penalties import CEL0, L0, L1, MCP, SCAD, ElasticNet, LogSum, Lq

PENALTIES = [
    L1(alpha=0.7),
    L0(alpha=0.7),
    MCP(alpha=0.7, gamma=3.0),
    MCP(alpha=0.7, gamma=1.2),
    SCAD(alpha=0.7, gamma=3.7),
    SCAD(alpha=0.7, gamma=2.2),
    Lq(alpha=0.7, q=0.5),
    Lq(alpha=0.7, q=2 / 3),
    Lq(alpha=0.7, q=0.3),
    CEL0(alpha=0.7),
    ElasticNet(alpha=0.7, l1_ratio=0.3),
    MCP(alpha=0.7, gamma=3.0, positive=True),
    Lq(alpha=0.7, q=0.5, positive=True),
    LogSum(alpha=0.7, eps=0.5),
    LogSum(alpha=0.7, eps=0.05),
]
GRID = np.linspace(-8.0, 8.0, 16001)


def _grid_min(pen, v, step, weight, curv):
    params = pen._params()
    values = np.array([P.value_1d(pen._code, params, weight, curv, x) for x in GRID])
    return np.min(0.5 * (GRID - v) ** 2 / step + values)


@pytest.mark.parametrize("pen", PENALTIES, ids=repr)
@settings(max_examples=40, deadline=None)
@given(
    v=st.floats(-5.0, 5.0),
    step=st.sampled_from([0.1, 0.5, 1.0, 2.0, 5.0]),
    weight=st.sampled_from([0.0, 0.5, 1.0, 2.0]),
    curv=st.floats(0.05, 3.0),
)
def test_prox_is_global_minimizer(pen, v, step, weight, curv):
    params = pen._params()
    x = P.prox_1d(pen._code, params, weight, curv, v, step)
    f_x = 0.5 * (x - v) ** 2 / step + P.value_1d(pen._code, params, weight, curv, x)
    # the prox value is never above the grid minimum (grid spacing 1e-3)
    assert f_x <= _grid_min(pen, v, step, weight, curv) + 1e-12
    if pen.positive:
        assert x >= 0


def test_closed_forms_match_generic_newton():
    """q = 1/2 and 2/3 closed forms agree with the generic Newton path on the stationarity equation."""
    rng = np.random.default_rng(0)
    for q in (0.5, 2 / 3):
        for v, t in zip(rng.uniform(-6, 6, 300), rng.uniform(0.1, 3, 300)):
            params = np.array([0.8, q, 0.0, 0.0])
            closed = P.prox_1d(P.LQ, params, 1.0, 0.0, v, t)
            generic = np.copysign(P._prox_lq(abs(v), t, 0.8, q + 1e-13), v)  # Newton branch
            assert closed == pytest.approx(generic, abs=1e-9)


def test_known_thresholds():
    # L1: soft threshold; L0: hard threshold at sqrt(2 t alpha); MCP: firm threshold
    assert L1(alpha=1.0).prox([3.0, -0.5, -2.0], 1.0) == pytest.approx([2.0, 0.0, -1.0])
    assert L0(alpha=2.0).prox([1.9, 2.1], 1.0) == pytest.approx([0.0, 2.1])
    assert MCP(alpha=1.0, gamma=3.0).prox([0.5, 2.0, 4.0], 1.0) == pytest.approx([0.0, 1.5, 4.0])
    # half thresholding threshold: (54^(1/3) / 4) (2 t alpha)^(2/3)
    thr = 54 ** (1 / 3) / 4 * (2 * 1.0) ** (2 / 3)
    assert Lq(alpha=1.0, q=0.5).prox([thr - 1e-6], 1.0)[0] == 0.0
    assert Lq(alpha=1.0, q=0.5).prox([thr + 1e-6], 1.0)[0] > 0.0
    assert ElasticNet(alpha=1.0, l1_ratio=0.5).prox([3.0], 1.0) == pytest.approx([2.5 / 1.5])


def test_weighted_prox_scales_alpha():
    pen = L1(alpha=1.0, weights=[0.0, 1.0, 2.0])
    assert pen.prox([1.5, 1.5, 1.5], 1.0) == pytest.approx([1.5, 0.5, 0.0])

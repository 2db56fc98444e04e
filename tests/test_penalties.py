import numpy as np
import pytest

from sparselearn._core import prox as P
from sparselearn.penalties import (PENALTIES, CEL0, L0, L1, MCP, SCAD, ElasticNet, GroupPenalty,
                                   LogSum, Lq, Penalty)

ALL = [L1(0.5), L0(0.5), MCP(0.5), SCAD(0.5), Lq(0.5, q=0.5), Lq(0.5, q=2 / 3), CEL0(0.5),
       ElasticNet(0.5, l1_ratio=0.7), LogSum(0.5, eps=0.3)]


@pytest.mark.parametrize("pen", ALL, ids=repr)
def test_alpha_max_is_the_zero_threshold(pen):
    rng = np.random.default_rng(0)
    grad = rng.standard_normal(6)
    lipschitz = rng.uniform(0.5, 2.0, 6)
    a_max = pen.alpha_max(grad, lipschitz, curvatures=lipschitz)
    w0 = np.zeros(6)
    above = pen.set_params(alpha=a_max * (1 + 1e-6)).fixed_point_score(w0, grad, lipschitz, lipschitz)
    below = pen.set_params(alpha=a_max * (1 - 1e-3)).fixed_point_score(w0, grad, lipschitz, lipschitz)
    assert np.max(above) == 0.0
    assert np.max(below) > 0.0


def test_subdiff_distance_l1_and_mcp():
    pen = L1(alpha=1.0)
    assert pen.subdiff_distance([0.0, 0.0, 2.0], [0.5, -3.0, -1.0]) == pytest.approx([0, 2, 0])
    mcp = MCP(alpha=1.0, gamma=2.0)
    # at |x| > gamma alpha the MCP is flat: distance is |grad|
    assert mcp.subdiff_distance([5.0], [0.3]) == pytest.approx([0.3])
    # inside: derivative alpha - x / gamma
    assert mcp.subdiff_distance([1.0], [-0.5]) == pytest.approx([0.0])


def test_value_formulas():
    assert MCP(alpha=1.0, gamma=3.0).value([1.0, 5.0]) == pytest.approx(1 - 1 / 6 + 1.5)
    assert SCAD(alpha=1.0, gamma=3.7).value([0.5, 10.0]) == pytest.approx(0.5 + 4.7 / 2)
    assert Lq(alpha=2.0, q=0.5).value([4.0, -9.0]) == pytest.approx(2 * (2 + 3))
    assert L0(alpha=2.0).value([0.0, 1e-3, -4.0]) == pytest.approx(4.0)
    assert ElasticNet(alpha=2.0, l1_ratio=0.5).value([2.0]) == pytest.approx(2 * (1 + 0.25 * 4))
    # CEL0 reaches alpha at sqrt(2 alpha) / a and equals alpha beyond
    assert CEL0(alpha=2.0).value([2.0, 10.0], curvatures=[1.0, 1.0]) == pytest.approx(4.0)


@pytest.mark.parametrize("pen, name", [
    (L1(alpha=-1.0), "alpha"), (MCP(alpha=1.0, gamma=1.0), "gamma"), (SCAD(gamma=2.0), "gamma"),
    (Lq(q=1.0), "q"), (Lq(q=0.0), "q"), (ElasticNet(l1_ratio=1.5), "l1_ratio"),
    (L1(alpha=np.nan), "alpha"),
])
def test_invalid_parameters_named(pen, name):
    with pytest.raises(ValueError, match=name):
        pen.prox([1.0], 1.0)


def test_weights_shape_checked():
    with pytest.raises(ValueError, match="weights"):
        L1(weights=[1.0, 2.0]).prox([1.0, 1.0, 1.0], 1.0)


def test_every_penalty_class_is_registered_and_tested():
    assert set(PENALTIES) == {type(pen).name for pen in ALL}
    for name, cls in PENALTIES.items():
        assert cls.name == name and cls()._code is not None


@pytest.mark.parametrize("pen", ALL, ids=repr)
def test_derivative_and_slope_match_finite_differences(pen):
    """The section's derivative (away from 0) and slope at 0 are those of its value."""
    params, curv, h = pen._params(), 0.8, 1e-6
    for a in (0.05, 0.3, 0.9, 2.5):
        fd = (P.value_1d(pen._code, params, 1.0, curv, a + h)
              - P.value_1d(pen._code, params, 1.0, curv, a - h)) / (2 * h)
        assert P.derivative_1d(pen._code, params, 1.0, curv, a) == pytest.approx(fd, abs=1e-5)
    slope = P.slope_at_zero_1d(pen._code, params, 1.0, curv)
    if np.isfinite(slope):
        assert slope == pytest.approx(P.value_1d(pen._code, params, 1.0, curv, 1e-7) / 1e-7, rel=1e-5)
    else:
        assert P.value_1d(pen._code, params, 1.0, curv, 1e-15) / 1e-15 > 1e3  # infinite slope: the subdifferential at 0 is the whole line
    assert pen.accelerated_gradient == bool(np.isfinite(slope))


@pytest.mark.parametrize("pen", [p for p in ALL if p.accelerated_gradient], ids=repr)
def test_ag_split_reassembles_the_penalty(pen):
    """pen(x) = slope |x| + q(x) with q' from the split and |q''| within the declared curvature."""
    params, curv = pen._params(), 0.8
    xs = np.linspace(-3.0, 3.0, 6001)
    slope = P.ag_split_1d(pen._code, params, 1.0, curv, 0.5)[0]
    dq = np.array([P.ag_split_1d(pen._code, params, 1.0, curv, x)[1] for x in xs])
    q = np.array([P.value_1d(pen._code, params, 1.0, curv, x) for x in xs]) - slope * np.abs(xs)
    # q' integrates to q (trapezoid rule) and its slope stays within the curvature bound
    q_int = np.concatenate([[0.0], np.cumsum(0.5 * (dq[1:] + dq[:-1]) * np.diff(xs))])
    np.testing.assert_allclose(q_int - q_int[3000], q - q[3000], atol=1e-5)
    bound = abs(P.curvature_1d(pen._code, params, 1.0, curv))
    assert np.max(np.abs(np.diff(dq) / np.diff(xs))) <= bound * (1 + 1e-6) + 1e-9


def test_logsum_prox_and_alpha_max():
    pen = LogSum(alpha=0.5, eps=1.0)
    # stationary point of 0.5 (x - 3)^2 + 0.5 log(1 + x): x^2 - 2x - 2.5 = 0
    assert pen.prox([3.0], step=1.0)[0] == pytest.approx(1 + np.sqrt(3.5))
    # in the convex regime of the prox (curvature alpha / eps^2 below 1 / step) alpha_max is
    # where the slope alpha / eps at 0 equals the largest gradient
    assert pen.alpha_max(np.array([0.2, -0.6]), lipschitz=1.0) == pytest.approx(0.6, rel=1e-8)
    with pytest.raises(ValueError, match="eps"):
        LogSum(eps=0.0).value([1.0])


class _NoKernelPenalty(Penalty):
    """A penalty written outside sparselearn: a Penalty subclass without a compiled kernel."""

    def __init__(self, alpha=1.0, weights=None, positive=False):
        self.alpha = alpha
        self.weights = weights
        self.positive = positive


class _NoKernelGroupPenalty(GroupPenalty):
    def __init__(self, alpha=1.0, groups=2, weights=None):
        self.alpha = alpha
        self.groups = groups
        self.weights = weights


@pytest.mark.parametrize("pen", [_NoKernelPenalty(0.1), _NoKernelGroupPenalty(0.1)], ids=repr)
def test_penalty_without_kernel_is_refused_by_name(pen):
    """Every entry point refuses a user's Penalty subclass naming the argument (it failed with a
    ZeroDivisionError inside a kernel)."""
    from sparselearn.datafits import Quadratic
    from sparselearn.decomposition import sparse_encode
    from sparselearn.linear_model import SparseRegressor
    from sparselearn.solvers import solve

    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((12, 4)), rng.standard_normal(12)
    match = r"penalty: _NoKernel\w* has no compiled kernel"
    with pytest.raises(ValueError, match=match):
        SparseRegressor(penalty=pen).fit(X, y)
    with pytest.raises(ValueError, match=match):
        solve(X, y, None, Quadratic(), pen, np.zeros(4))
    if not getattr(pen, "grouped", False):
        with pytest.raises(ValueError, match=match):
            sparse_encode(X[:2], X[2:6], algorithm="cd", penalty=pen)
        with pytest.raises(ValueError, match=match):
            pen.value(np.ones(4))


def test_a_subclass_does_not_replace_its_parent_by_name():
    """A user's subclass of L1 inherits ``name = "l1"``; registering it replaced L1 for every
    later ``penalty="l1"`` in the process (the docs build's next example then failed)."""
    registered = dict(PENALTIES)

    class Reweighted(L1):
        pass

    assert PENALTIES == registered and PENALTIES["l1"] is L1

    class Named(L1):
        name = "test_named_l1"

    try:
        assert PENALTIES["test_named_l1"] is Named
    finally:
        del PENALTIES["test_named_l1"]

import numpy as np
import pytest

from sparselearn.penalties import CEL0, L0, L1, MCP, SCAD, ElasticNet, Lq

ALL = [L1(0.5), L0(0.5), MCP(0.5), SCAD(0.5), Lq(0.5, q=0.5), Lq(0.5, q=2 / 3), CEL0(0.5),
       ElasticNet(0.5, l1_ratio=0.7)]


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

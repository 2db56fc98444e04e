import numpy as np
import ot
import pytest
from scipy.stats import wasserstein_distance as scipy_w1

from sparselearn.ot import entropic_ot_value, sinkhorn, transport_cost, wasserstein_distance


def test_transport_cost_and_entropic_value(rng):
    M = rng.random((8, 6))
    P = sinkhorn(None, None, M, 0.1, tol=1e-12)
    assert transport_cost(P, M) == pytest.approx(np.sum(P * M), rel=1e-14)
    value = entropic_ot_value(P, M, 0.1)
    assert value == pytest.approx(np.sum(P * M) + 0.1 * np.sum(P * np.log(P)), rel=1e-12)
    # the Sinkhorn plan minimizes the entropic objective: the independent plan is worse
    assert value < entropic_ot_value(np.full((8, 6), 1 / 48), M, 0.1)
    P_zero = np.zeros((8, 6))
    P_zero[0, 0] = 1.0
    assert entropic_ot_value(P_zero, M, 0.1) == pytest.approx(M[0, 0])  # 0 log 0 = 0
    with pytest.raises(ValueError, match="same shape"):
        transport_cost(P, M[:, :3])
    with pytest.raises(ValueError, match="non-negative"):
        entropic_ot_value(-P, M, 0.1)


def test_w1_on_a_line_matches_scipy(rng):
    xs, xt = rng.normal(size=30), rng.normal(size=25) + 1.0
    a, b = rng.random(30) + 0.1, rng.random(25) + 0.1
    a, b = a / a.sum(), b / b.sum()
    expected = scipy_w1(xs, xt, a, b)
    assert wasserstein_distance(xs, xt, p=1, method="emd", a=a, b=b) == pytest.approx(expected)
    approx = wasserstein_distance(xs, xt, p=1, method="sns", a=a, b=b, reg=1e-3)
    assert approx == pytest.approx(expected, rel=1e-2)


@pytest.mark.parametrize("method", ["sns", "sinkhorn"])
def test_w2_point_clouds_close_to_emd(method, rng):
    xs, xt = rng.normal(size=(40, 2)), rng.normal(size=(35, 2)) + 2.0
    exact = wasserstein_distance(xs, xt, p=2, method="emd")
    assert exact == pytest.approx(np.sqrt(ot.emd2([], [], ot.dist(xs, xt))))
    entropic = wasserstein_distance(xs, xt, p=2, method=method, max_iter=20000)
    assert exact <= entropic + 1e-9 and entropic == pytest.approx(exact, rel=1e-2)


def test_w1_between_densities_on_a_grid():
    # two discretized densities on a 12 x 12 grid, the paper's W1 setting
    grid = np.stack(np.meshgrid(np.linspace(0, 1, 12), np.linspace(0, 1, 12)), -1).reshape(-1, 2)
    d1 = np.exp(-((grid - 0.3) ** 2).sum(1) / 0.02) + 1e-3
    d2 = np.exp(-((grid - 0.7) ** 2).sum(1) / 0.03) + 1e-3
    a, b = d1 / d1.sum(), d2 / d2.sum()
    exact = ot.emd2(a, b, ot.dist(grid, grid, metric="euclidean"))
    w1 = wasserstein_distance(grid, grid, p=1, a=a, b=b, method="sns", reg=1e-3, max_iter=5000)
    assert w1 == pytest.approx(exact, rel=1e-2)


def test_bad_input():
    with pytest.raises(ValueError, match="same dimension"):
        wasserstein_distance(np.ones((3, 2)), np.ones((3, 3)))
    with pytest.raises(ValueError, match="method"):
        wasserstein_distance(np.ones((3, 2)), np.ones((3, 2)), method="exact")
    with pytest.raises(ValueError, match="xs contains NaN"):
        wasserstein_distance(np.full((3, 2), np.nan), np.ones((3, 2)))

"""method="auto": the rule picks Sinkhorn or SNS, and gives the forced method's solution."""

import warnings

import numpy as np
import ot
import pytest

from sparselearn._core.sinkhorn import remaining_iterations
from sparselearn.ot import SinkhornTransport, sinkhorn, sinkhorn2, wasserstein_distance
from sparselearn.ot._sinkhorn import _AUTO_MARGIN, _AUTO_STAGE_COST, _reg_stages


def _clouds(rng, n, metric="sqeuclidean"):
    xs = rng.normal(size=(n, 2))
    xt = rng.normal(size=(n, 2)) + 1.0
    M = ot.dist(xs, xt, metric=metric)
    return np.full(n, 1.0 / n), np.full(n, 1.0 / n), M / M.max()


def _marginal_error(P, a, b):
    return np.abs(P.sum(1) - a).sum() + np.abs(P.sum(0) - b).sum()


def test_remaining_iterations_extrapolates_the_contraction_rate():
    # e_k = 0.9^k: from e_40 = 0.9^40 to 1e-9 takes log(1e-9 / 0.9^40) / log(0.9) more
    err = 0.9 ** np.arange(1, 41)
    expected = np.log(1e-9 / err[-1]) / np.log(0.9)
    assert remaining_iterations(err, 40, 1e-9) == pytest.approx(expected, rel=1e-10)
    # no contraction over the window (or too short a record): nothing to extrapolate from
    assert remaining_iterations(np.ones(40), 40, 1e-9) == np.inf
    assert remaining_iterations(err, 5, 1e-9) == np.inf
    assert remaining_iterations(err, 40, 1.0) == 0.0


def test_auto_keeps_sinkhorn_where_it_is_fast(rng):
    # reg = 5e-2 of the cost range: Sinkhorn needs far fewer iterations than SNS costs
    a, b, M = _clouds(rng, 60)
    reg = 5e-2
    P_ref, log_ref = sinkhorn(a, b, M, reg, stopThr=1e-10, return_log=True)
    assert log_ref["n_iter"] < _AUTO_STAGE_COST * len(_reg_stages(reg, "auto", M))
    P, log = sinkhorn(a, b, M, reg, method="auto", stopThr=1e-10, return_log=True)
    assert log["method"] == "sinkhorn"
    assert log["n_iter"] == log_ref["n_iter"]
    np.testing.assert_allclose(P, P_ref, rtol=0, atol=1e-15)


def test_auto_takes_sns_at_small_reg(rng):
    # reg = 1e-3 of the range (below the 2e-3 threshold): SNS from the start
    a, b, M = _clouds(rng, 60)
    P_sns, log_sns = sinkhorn(a, b, M, 1e-3, method="sns", stopThr=1e-10, return_log=True)
    P, log = sinkhorn(a, b, M, 1e-3, method="auto", stopThr=1e-10, return_log=True)
    assert log["method"] == "sns" and log["n_iter"] == log_sns["n_iter"]
    np.testing.assert_allclose(P, P_sns, rtol=0, atol=1e-14)
    assert _marginal_error(P, a, b) < 1e-10


def _rotated_grids(metric):
    """A 9 x 9 grid against itself rotated by 0.5 rad and shifted (deterministic)."""
    x = np.linspace(0.0, 1.0, 9)
    X = np.stack(np.meshgrid(x, x), -1).reshape(-1, 2)
    c, s = np.cos(0.5), np.sin(0.5)
    Y = X @ np.array([[c, s], [-s, c]]) + 0.3
    M = ot.dist(X, Y, metric=metric)
    w = np.full(81, 1.0 / 81)
    return w, w.copy(), M / M.max()


def test_auto_switches_to_newton_when_sinkhorn_contracts_slowly():
    # L1 cost at reg = 5e-3 of the range: above the SNS threshold, so Sinkhorn starts, but it
    # contracts slowly (thousands of iterations); the rate check hands over to SNS
    a, b, M = _rotated_grids("cityblock")
    reg, tol = 5e-3, 1e-10
    P_sk, log_sk = sinkhorn(a, b, M, reg, stopThr=tol, numItermax=50000, return_log=True)
    sns_cost = _AUTO_STAGE_COST * len(_reg_stages(reg, "auto", M))
    assert log_sk["n_iter"] > 4 * _AUTO_MARGIN * sns_cost  # Sinkhorn is clearly the slow one
    P, log = sinkhorn(a, b, M, reg, method="auto", stopThr=tol, numItermax=50000,
                      return_log=True)
    assert log["method"] == "sns"
    assert log["stage_iter"][0] >= 40  # the Sinkhorn part, then the SNS stages
    assert log["n_sinkhorn"] >= log["stage_iter"][0] and log["n_newton"] > 0
    assert log["n_trials"] >= log["n_newton"] and log["n_reanchor"] >= 0
    assert log["n_iter"] < sns_cost
    assert _marginal_error(P, a, b) < tol
    # the same entropic plan as the forced methods
    P_sns = sinkhorn(a, b, M, reg, method="sns", stopThr=tol)
    assert np.abs(P - P_sk).max() < 1e-8
    assert np.abs(P - P_sns).max() < 1e-8
    assert log["cost"] == pytest.approx(log_sk["cost"], rel=1e-6)


def test_auto_keeps_sinkhorn_on_the_squared_euclidean_grid():
    # the same grids with the squared Euclidean cost: Sinkhorn converges in a few hundred
    # iterations, fewer than SNS costs, and auto stays with it
    a, b, M = _rotated_grids("sqeuclidean")
    reg = 5e-3
    P_sk, log_sk = sinkhorn(a, b, M, reg, stopThr=1e-10, return_log=True)
    assert log_sk["n_iter"] < _AUTO_STAGE_COST * len(_reg_stages(reg, "auto", M))
    P, log = sinkhorn(a, b, M, reg, method="auto", stopThr=1e-10, return_log=True)
    assert log["method"] == "sinkhorn" and log["n_iter"] == log_sk["n_iter"]
    np.testing.assert_allclose(P, P_sk, rtol=0, atol=1e-15)


def test_auto_in_sinkhorn2_and_pot_log(rng):
    a, b, M = _clouds(rng, 40)
    cost, log = sinkhorn2(a, b, M, 1e-3, method="auto", log=True)
    assert log["method"] == "sns"
    assert float(cost) == pytest.approx(float(sinkhorn2(a, b, M, 1e-3, method="sns")), rel=1e-7)
    P = sinkhorn(a, b, M, 1e-1, method="AUTO")  # case-insensitive, as POT's names
    np.testing.assert_allclose(P, sinkhorn(a, b, M, 1e-1), atol=1e-15)


def test_auto_is_the_default_of_distance_and_transport(rng):
    xs = rng.normal(size=(40, 2))
    xt = rng.normal(size=(30, 2)) + 1.0
    d_auto = wasserstein_distance(xs, xt)
    assert d_auto == pytest.approx(wasserstein_distance(xs, xt, method="sns"), rel=1e-7)
    est = SinkhornTransport(reg=1.0).fit(xs, Xt=xt)
    assert est.method == "auto" and est.log_["method"] == "sinkhorn"
    ref = SinkhornTransport(reg=1.0, method="sinkhorn").fit(xs, Xt=xt)
    np.testing.assert_allclose(est.coupling_, ref.coupling_, atol=1e-15)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        small = SinkhornTransport(reg=1e-3, norm="max").fit(xs, Xt=xt)
    assert small.log_["method"] == "sns"


def test_unknown_method_names_auto_among_the_choices():
    with pytest.raises(ValueError, match="auto"):
        sinkhorn(None, None, np.ones((2, 2)), 0.1, method="newton")

"""POT's calling conventions in sparselearn.ot: values and log keys against POT itself."""

import inspect
import warnings

import numpy as np
import ot
import pytest
from sklearn.exceptions import ConvergenceWarning

from sparselearn.ot import SinkhornTransport, sinkhorn, sinkhorn2, sinkhorn_newton_sparse

POT_METHODS = ["sinkhorn", "sinkhorn_log", "sinkhorn_stabilized", "sinkhorn_epsilon_scaling"]


def _problem(rng, n=25, m=18):
    x = rng.normal(size=(n, 2))
    y = rng.normal(size=(m, 2)) + 0.5
    a = rng.random(n) + 0.1
    b = rng.random(m) + 0.1
    return a / a.sum(), b / b.sum(), ot.dist(x, y)


def _pot_plan(a, b, M, reg):
    return ot.sinkhorn(a, b, M, reg, method="sinkhorn_log", stopThr=1e-13, numItermax=100000)


def test_signature_is_pot_s():
    for ours, theirs in [(sinkhorn, ot.sinkhorn), (sinkhorn2, ot.sinkhorn2)]:
        mine = inspect.signature(ours).parameters
        pot = inspect.signature(theirs).parameters
        pot_names = [p for p in pot if p != "kwargs"]
        assert list(mine)[: len(pot_names)] == pot_names
        for name in pot_names:
            assert mine[name].default == pot[name].default, name


@pytest.mark.parametrize("method", POT_METHODS + ["sns"])
def test_plan_matches_pot_for_each_method(method, rng):
    a, b, M = _problem(rng)
    P = sinkhorn(a, b, M, 0.5, method=method, stopThr=1e-11)
    np.testing.assert_allclose(P, _pot_plan(a, b, M, 0.5), atol=1e-10)


def test_positional_order_and_our_names(rng):
    a, b, M = _problem(rng)
    P_pot_style = sinkhorn(a, b, M, 0.5, "sinkhorn_log", 5000, 1e-11)
    P_ours = sinkhorn(a, b, M, 0.5, tol=1e-11, max_iter=5000)
    np.testing.assert_array_equal(P_pot_style, P_ours)
    # our names override POT's when both are given
    with pytest.warns(ConvergenceWarning):
        sinkhorn(a, b, M, 0.01, numItermax=5000, max_iter=2, stopThr=1e-11)


def test_uniform_weights_from_empty_lists(rng):
    _, _, M = _problem(rng)
    n, m = M.shape
    P = sinkhorn([], [], M, 0.5, stopThr=1e-11)
    np.testing.assert_allclose(P, _pot_plan(ot.unif(n), ot.unif(m), M, 0.5), atol=1e-10)
    np.testing.assert_allclose(P.sum(axis=1), np.full(n, 1 / n), atol=1e-11)


def test_pot_log_keys_and_values(rng):
    a, b, M = _problem(rng)
    reg = 0.5
    P, log = sinkhorn(a, b, M, reg, method="sinkhorn_log", stopThr=1e-11, log=True)
    _, log_pot = ot.sinkhorn(a, b, M, reg, method="sinkhorn_log", stopThr=1e-13, log=True)
    assert set(log_pot) <= set(log)
    # niter is POT's index of the last iteration; err follows POT's schedule (every 10th)
    assert log["niter"] == log["n_iter"] - 1
    assert len(log["err"]) == (log["n_iter"] - 1) // 10 + 1
    # the Gibbs form of POT's log: P = exp(log_u + log_v - M / reg) = diag(u) K diag(v)
    np.testing.assert_allclose(
        P, np.exp(log["log_u"][:, None] + log["log_v"][None] - M / reg), rtol=1e-12
    )
    np.testing.assert_allclose(P, log["u"][:, None] * np.exp(-M / reg) * log["v"][None],
                               rtol=1e-10)
    # potentials agree with POT's up to the constant shift (log_u + c, log_v - c)
    shift = np.mean(log["log_u"] - log_pot["log_u"])
    np.testing.assert_allclose(log["log_u"] - shift, log_pot["log_u"], atol=1e-8)
    np.testing.assert_allclose(log["log_v"] + shift, log_pot["log_v"], atol=1e-8)
    # sparselearn's own record is unchanged under return_log
    _, own = sinkhorn(a, b, M, reg, tol=1e-11, return_log=True)
    assert {"n_iter", "err", "dual", "u", "v", "cost", "marginal_error"} <= set(own)
    assert len(own["err"]) == own["n_iter"]
    np.testing.assert_allclose(own["u"], log["alpha"])
    with pytest.raises(ValueError, match="return_log"):
        sinkhorn(a, b, M, reg, log=True, return_log=True)


@pytest.mark.parametrize("method", ["sinkhorn", "sinkhorn_log", "sns"])
def test_multiple_targets_return_costs_as_pot(method, rng):
    a, _, M = _problem(rng)
    B = rng.random((M.shape[1], 3))
    B /= B.sum(axis=0)
    costs = sinkhorn(a, B, M, 0.5, method=method, stopThr=1e-11)
    expected = ot.sinkhorn(a, B, M, 0.5, method="sinkhorn", stopThr=1e-13, numItermax=100000)
    assert costs.shape == (3,)
    np.testing.assert_allclose(costs, expected, rtol=1e-9)
    np.testing.assert_allclose(sinkhorn2(a, B, M, 0.5, method=method, stopThr=1e-11), costs)
    costs_log, log = sinkhorn(a, B, M, 0.5, method=method, stopThr=1e-11, log=True)
    np.testing.assert_allclose(costs_log, costs)
    for key in ("u", "v", "log_u", "log_v"):
        assert log[key].shape == ((M.shape[0], 3) if key in ("u", "log_u") else (M.shape[1], 3))
    for k in range(3):
        P = np.exp(log["log_u"][:, k, None] + log["log_v"][None, :, k] - M / 0.5)
        np.testing.assert_allclose(P.sum(axis=0), B[:, k], atol=1e-10)
        assert np.sum(P * M) == pytest.approx(costs[k], rel=1e-9)


def test_sinkhorn2_is_pot_s_cost(rng):
    a, b, M = _problem(rng)
    value = sinkhorn2(a, b, M, 0.5, stopThr=1e-11)
    assert value == pytest.approx(float(np.sum(_pot_plan(a, b, M, 0.5) * M)), rel=1e-9)
    assert np.ndim(value) == 0
    value32 = sinkhorn2(a.astype(np.float32), b.astype(np.float32), M.astype(np.float32), 0.5)
    assert value32.dtype == np.float32
    value_log, log = sinkhorn2(a, b, M, 0.5, stopThr=1e-11, log=True)
    assert value_log == value and "niter" in log
    # POT's sinkhorn2 default is warn=False
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sinkhorn2(a, b, M, 0.5, stopThr=0, numItermax=1)
    with pytest.warns(UserWarning, match="did not converge"):
        sinkhorn2(a, b, M, 0.5, stopThr=0, numItermax=1, warn=True)


def test_warn_false_silences_convergence_warning(rng):
    a, b, M = _problem(rng)
    with pytest.warns(UserWarning):
        sinkhorn(a, b, M, 0.5, stopThr=0, numItermax=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sinkhorn(a, b, M, 0.5, stopThr=0, numItermax=1, warn=False)


def test_warmstart_from_the_solution_converges_at_once(rng):
    a, b, M = _problem(rng)
    _, log = sinkhorn(a, b, M, 0.5, stopThr=1e-11, log=True)
    _, log_warm = sinkhorn(a, b, M, 0.5, stopThr=1e-10, log=True,
                           warmstart=(log["log_u"], log["log_v"]))
    assert log_warm["n_iter"] == 1 < log["n_iter"]
    with pytest.raises(ValueError, match="warmstart"):
        sinkhorn(a, b, M, 0.5, warmstart=(log["log_u"][:-1], log["log_v"]))


@pytest.mark.parametrize(
    "method, func, match",
    [
        ("greenkhorn", sinkhorn, "method='greenkhorn'"),
        ("screenkhorn", sinkhorn, "method='screenkhorn'"),
        ("new_method", sinkhorn, "method='new_method'"),
        ("sinkhorn_epsilon_scaling", sinkhorn2, "method='sinkhorn_epsilon_scaling'"),
        ("greenkhorn", sinkhorn2, "method='greenkhorn'"),
    ],
)
def test_bad_method_is_a_value_error_naming_method(method, func, match, rng):
    a, b, M = _problem(rng)
    with pytest.raises(ValueError, match=match):
        func(a, b, M, 0.5, method=method)


def test_unknown_keyword_is_a_type_error_and_pot_tuning_is_accepted(rng):
    a, b, M = _problem(rng)
    with pytest.raises(TypeError, match="nonsense"):
        sinkhorn(a, b, M, 0.5, nonsense=1)
    P = sinkhorn(a, b, M, 0.5, method="sinkhorn_stabilized", tau=1e3, print_period=5,
                 stopThr=1e-11)
    np.testing.assert_allclose(P, _pot_plan(a, b, M, 0.5), atol=1e-10)


def test_sns_accepts_pot_names(rng):
    a, b, M = _problem(rng)
    P, log = sinkhorn_newton_sparse(a, b, M, 0.05, stopThr=1e-11, numItermax=500, log=True)
    assert {"niter", "err", "u", "v", "log_u", "log_v", "n_iter"} <= set(log)
    np.testing.assert_allclose(P, _pot_plan(a, b, M, 0.05), atol=1e-9)
    with pytest.warns(ConvergenceWarning):
        sinkhorn_newton_sparse(a, b, M, 0.05, numItermax=2, stopThr=1e-14)


# ---------------------------------------------------------------------------------------------
# SinkhornTransport with POT's names
# ---------------------------------------------------------------------------------------------


def _classif(rng, n=30, m=24):
    ys = np.arange(n) % 3
    yt = np.arange(m) % 3
    centers = np.array([[0.0, 0.0], [4.0, 0.0], [0.0, 4.0]])
    Xs = centers[ys] + rng.normal(size=(n, 2))
    Xt = centers[yt] * 1.2 + rng.normal(size=(m, 2)) + 1.0
    return Xs, ys, Xt, yt


@pytest.mark.parametrize("method", ["sns", "sinkhorn_log"])
def test_transport_matches_pot_da(method, rng):
    Xs, ys, Xt, yt = _classif(rng)
    ours = SinkhornTransport(reg_e=2.0, method=method, norm="median", tol=1e-11)
    ours.fit(Xs=Xs, Xt=Xt)
    ref = ot.da.SinkhornTransport(reg_e=2.0, norm="median", tol=1e-13, max_iter=100000)
    ref.fit(Xs=Xs, Xt=Xt)
    np.testing.assert_allclose(ours.cost_, ref.cost_, rtol=1e-12)
    np.testing.assert_allclose(ours.coupling_, ref.coupling_, atol=1e-10)
    Xs_new = Xs[:7] + 0.3
    np.testing.assert_allclose(ours.transform(Xs=Xs_new), ref.transform(Xs=Xs_new), atol=1e-7)
    np.testing.assert_allclose(ours.inverse_transform(Xt=Xt), ref.inverse_transform(Xt=Xt),
                               atol=1e-7)
    np.testing.assert_allclose(ours.transform_labels(ys=ys), ref.transform_labels(ys),
                               atol=1e-9)
    np.testing.assert_allclose(ours.inverse_transform_labels(yt=yt),
                               ref.inverse_transform_labels(yt), atol=1e-9)


def test_ferradans_map_matches_pot(rng):
    Xs, _, Xt, _ = _classif(rng)
    kw = dict(reg_e=2.0, norm="max", out_of_sample_map="ferradans")
    ours = SinkhornTransport(tol=1e-11, **kw).fit(Xs=Xs, Xt=Xt)
    ref = ot.da.SinkhornTransport(tol=1e-13, max_iter=100000, **kw).fit(Xs=Xs, Xt=Xt)
    Xs_new = Xs[:9] + 0.2
    for X in (Xs, Xs_new):
        np.testing.assert_allclose(ours.transform(Xs=X), ref.transform(Xs=X), atol=1e-8)
    np.testing.assert_allclose(ours.inverse_transform(Xt=Xt[:5] - 0.1),
                               ref.inverse_transform(Xt=Xt[:5] - 0.1), atol=1e-8)


def test_label_aware_cost_as_pot(rng):
    Xs, ys, Xt, yt = _classif(rng)
    yt_semi = yt.copy()
    yt_semi[::4] = -1
    # finite limit_max: POT's corrected cost matrix and plan
    ours = SinkhornTransport(reg_e=1.0, limit_max=10, norm="max", tol=1e-11)
    ours.fit(Xs=Xs, ys=ys, Xt=Xt, yt=yt_semi)
    ref = ot.da.SinkhornTransport(reg_e=1.0, limit_max=10, norm="max", tol=1e-13,
                                  max_iter=100000)
    ref.fit(Xs=Xs, ys=ys, Xt=Xt, yt=yt_semi)
    np.testing.assert_allclose(ours.cost_, ref.cost_, rtol=1e-12)
    np.testing.assert_allclose(ours.coupling_, ref.coupling_, atol=1e-10)
    assert ours.limit_max == 10 and ours.limit_max_ == pytest.approx(ref.limit_max)
    # limit_max=inf: different known labels never exchange mass, unlabelled targets may
    est = SinkhornTransport(reg_e=1.0, tol=1e-11).fit(Xs, ys, Xt, yt_semi)
    mismatch = (ys[:, None] != yt_semi[None]) & (yt_semi[None] != -1)
    assert np.all(np.isinf(est.cost_[mismatch])) and np.all(est.coupling_[mismatch] == 0)
    np.testing.assert_allclose(est.coupling_.sum(axis=1), np.full(len(ys), 1 / len(ys)),
                               atol=1e-10)
    # the same through the keyword ys and the scikit-learn positional y
    est_kw = SinkhornTransport(reg_e=1.0, tol=1e-11).fit(Xs=Xs, ys=ys, Xt=Xt, yt=yt_semi)
    np.testing.assert_array_equal(est_kw.coupling_, est.coupling_)
    with pytest.raises(ValueError, match="ys"):
        SinkhornTransport().fit(Xs, ys, Xt, yt, ys=ys)
    with pytest.raises(ValueError, match="limit_max"):
        SinkhornTransport().fit(Xs, ys, Xt, np.full_like(yt, 5))


def test_transport_pot_parameters(rng):
    Xs, ys, Xt, _ = _classif(rng)
    # reg_e overrides reg; log=True gives POT's keys; distribution_estimation gives weights
    est = SinkhornTransport(reg=5.0, reg_e=1.0, log=True, tol=1e-11,
                            distribution_estimation=ot.da.distribution_estimation_uniform)
    est.fit(Xs=Xs, Xt=Xt)
    ref = SinkhornTransport(reg=1.0, tol=1e-11).fit(Xs, Xt)
    np.testing.assert_allclose(est.coupling_, ref.coupling_, atol=1e-12)
    assert {"niter", "err", "log_u", "log_v", "u", "v"} <= set(est.log_)

    def by_first_coordinate(X):  # weights from the samples, as POT's distribution_estimation
        w = X[:, 0] - X[:, 0].min() + 1.0
        return w / w.sum()

    est_w = SinkhornTransport(distribution_estimation=by_first_coordinate, tol=1e-11)
    est_w.fit(Xs=Xs, Xt=Xt)
    np.testing.assert_allclose(est_w.coupling_.sum(axis=1), by_first_coordinate(Xs), atol=1e-10)
    np.testing.assert_allclose(est_w.coupling_.sum(axis=0), by_first_coordinate(Xt), atol=1e-10)
    # fit_transform in POT's keywords, and log / loglog normalizations as POT
    mapped = SinkhornTransport(reg=1.0, tol=1e-11).fit_transform(Xs=Xs, Xt=Xt)
    np.testing.assert_allclose(mapped, ref.transform(Xs), atol=1e-12)
    for norm in ("log", "loglog"):
        ours = SinkhornTransport(norm=norm, tol=1e-11).fit(Xs=Xs, Xt=Xt)
        theirs = ot.da.SinkhornTransport(norm=norm).fit(Xs=Xs, Xt=Xt)
        np.testing.assert_allclose(ours.cost_, theirs.cost_, rtol=1e-12)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"out_of_sample_map": "unknown"}, "out_of_sample_map"),
        ({"method": "greenkhorn"}, "method"),
        ({"limit_max": -1.0}, "limit_max"),
        ({"reg_e": 0.0}, "reg_e"),
        ({"distribution_estimation": "uniform"}, "distribution_estimation"),
    ],
)
def test_transport_bad_pot_parameters(params, match, rng):
    Xs, _, Xt, _ = _classif(rng)
    est = SinkhornTransport(**params)  # scikit-learn: validated in fit, not in __init__
    with pytest.raises(ValueError, match=match):
        est.fit(Xs=Xs, Xt=Xt)


@pytest.mark.parametrize("which", ["a", "b", "b2d"])
@pytest.mark.parametrize(
    "bad, match",
    [(lambda w: w.astype(complex), "real numbers"), (lambda w: w.astype(object), "real numbers"),
     (lambda w: np.where(np.arange(w.shape[0])[:, None] == 0, np.nan, w) if w.ndim == 2
      else np.where(np.arange(w.shape[0]) == 0, np.nan, w), "NaN"),
     (lambda w: -w, "non-negative")],
)
def test_bad_weights_are_value_errors_naming_them(which, bad, match, rng):
    a, b, M = _problem(rng)
    if which == "b2d":
        b = np.column_stack([b, b])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ComplexWarning followed by a result
        with pytest.raises(ValueError, match=match) as info:
            if which == "a":
                sinkhorn(bad(a), b, M, 0.5)
            else:
                sinkhorn(a, bad(b), M, 0.5)
    assert str(info.value).startswith("a " if which == "a" else "b ")

import pickle

import numpy as np
import ot
import pytest
from scipy import sparse
from sklearn.base import clone
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from sparselearn.ot import SinkhornTransport, sinkhorn_newton_sparse


@parametrize_with_checks(
    [SinkhornTransport(), SinkhornTransport(method="sinkhorn", norm="max"),
     SinkhornTransport(reg_e=0.5, out_of_sample_map="ferradans", log=True)],
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def _clouds(rng, n=40, m=30, d=2):
    Xs = rng.normal(size=(n, d))
    Xt = rng.normal(size=(m, d)) * 0.5 + 3.0
    return Xs, Xt


@pytest.mark.parametrize("method", ["sns", "sinkhorn"])
def test_coupling_matches_pot(method, rng):
    Xs, Xt = _clouds(rng)
    est = SinkhornTransport(reg=0.1, method=method, norm="max", tol=1e-12).fit(Xs, Xt)
    M = ot.dist(Xs, Xt)
    M /= M.max()
    n, m = M.shape
    P_ref = ot.sinkhorn(np.full(n, 1 / n), np.full(m, 1 / m), M, 0.1, method="sinkhorn_log",
                        stopThr=1e-13, numItermax=100000)
    np.testing.assert_allclose(est.coupling_, P_ref, atol=1e-9)
    assert est.transport_cost_ == pytest.approx(np.sum(P_ref * M), rel=1e-8)
    assert est.cost_scale_ == pytest.approx(ot.dist(Xs, Xt).max())


def test_reg_init_anneals_sns_to_the_same_plan(rng):
    Xs, Xt = _clouds(rng)
    kw = dict(reg=1e-3, norm="max", tol=1e-10, max_iter=5000)
    annealed = SinkhornTransport(**kw).fit(Xs, Xt)
    direct = SinkhornTransport(reg_init=None, **kw).fit(Xs, Xt)
    # the annealed solve passes through larger regs first; both end at the same optimum
    assert len(annealed.log_["reg_stages"]) > 1 and len(direct.log_["reg_stages"]) == 1
    np.testing.assert_allclose(annealed.coupling_, direct.coupling_, atol=1e-8)


def test_transform_is_barycentric_projection_on_fitted_points(rng):
    Xs, Xt = _clouds(rng)
    est = SinkhornTransport(reg=0.05, norm="max").fit(Xs, Xt)
    P = est.coupling_
    expected = (P @ Xt) / P.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(est.transform(Xs), expected, atol=1e-8)
    # POT's SinkhornTransport does the same on the fitted samples (same plan)
    pot = ot.da.SinkhornTransport(reg_e=0.05, norm="max", max_iter=100000, tol=1e-12,
                                  log=False).fit(Xs=Xs, Xt=Xt)
    np.testing.assert_allclose(est.transform(Xs), pot.transform(Xs=Xs), atol=1e-6)
    backward = (P.T @ Xs) / P.sum(axis=0)[:, None]
    np.testing.assert_allclose(est.inverse_transform(Xt), backward, atol=1e-8)


def test_out_of_sample_map_recovers_translation(rng):
    # absolute reg (norm=None): with norm="max" the reg was 0.01 * max sq. distance ~ 0.7-1.0,
    # where the entropic map of N(0, I) -> N(s, I) is s + 0.8 x (Gaussian closed form), a
    # shrinkage of 0.2-0.4 at |x| ~ 1 that broke a 0.3 tolerance on some seeds
    Xs = rng.normal(size=(200, 2))
    shift = np.array([4.0, -1.0])
    est = SinkhornTransport(reg=0.05, tol=1e-11).fit(Xs, Xs + shift)
    X_new = rng.normal(size=(10, 2)) * 0.5
    mapped = est.transform(X_new)
    np.testing.assert_allclose(mapped, X_new + shift, atol=0.3)  # seeds 0-9: at most 0.15
    # exact translation equivariance of the squared-Euclidean entropic map: the plan of
    # (Xs, Xs + s) is that of (Xs, Xs), the potentials differ by a linear term
    self_map = SinkhornTransport(reg=0.05, tol=1e-11).fit(Xs, Xs).transform(X_new)
    np.testing.assert_allclose(mapped, self_map + shift, atol=1e-7)


def test_weights_and_sparse_input(rng):
    Xs, Xt = _clouds(rng, 20, 15)
    a = rng.random(20) + 0.1
    a /= a.sum()
    est = SinkhornTransport(reg=0.1, norm="max").fit(Xs, Xt, a=a)
    np.testing.assert_allclose(est.coupling_.sum(axis=1), a, atol=1e-9)
    P_ref = sinkhorn_newton_sparse(a, None, ot.dist(Xs, Xt) / ot.dist(Xs, Xt).max(), 0.1)
    np.testing.assert_allclose(est.coupling_, P_ref, atol=1e-10)
    sparse_est = SinkhornTransport(reg=0.1, norm="max").fit(
        sparse.csr_matrix(Xs), sparse.csr_matrix(Xt), a=a
    )
    np.testing.assert_allclose(sparse_est.coupling_, est.coupling_, atol=1e-10)
    np.testing.assert_allclose(sparse_est.transform(sparse.csr_matrix(Xs)), est.transform(Xs),
                               atol=1e-10)


def test_clone_pickle_pipeline(rng):
    Xs, Xt = _clouds(rng)
    est = SinkhornTransport(reg=0.2, metric="euclidean")
    assert clone(est).get_params() == est.get_params()
    est.fit(Xs, Xt)
    restored = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(restored.transform(Xs), est.transform(Xs))
    pipe = make_pipeline(StandardScaler(), SinkhornTransport(reg=0.2)).fit(Xs, Xt)
    Z = StandardScaler().fit_transform(Xs)
    np.testing.assert_allclose(pipe.transform(Xs), SinkhornTransport(reg=0.2).fit(Z, Xt).transform(Z))


def test_float32_kept(rng):
    Xs, Xt = _clouds(rng)
    est = SinkhornTransport(reg=0.1, norm="max").fit(Xs.astype(np.float32), Xt.astype(np.float32))
    assert est.transform(Xs.astype(np.float32)).dtype == np.float32


@pytest.mark.parametrize(
    "params, fit_kwargs, match",
    [
        (dict(reg=0.0), {}, "reg"),
        (dict(method="emd"), {}, "method"),
        (dict(metric="nope"), {}, "metric"),
        (dict(reg_init=-1.0), {}, "reg_init"),
        ({}, dict(a=-np.ones(40)), "non-negative"),
        ({}, dict(a=np.ones(40), b=np.ones(30)), "same total mass"),
    ],
)
def test_bad_input(params, fit_kwargs, match, rng):
    Xs, Xt = _clouds(rng)
    with pytest.raises(ValueError, match=match):
        SinkhornTransport(**params).fit(Xs, Xt, **fit_kwargs)


def test_bad_target(rng):
    Xs, Xt = _clouds(rng)
    with pytest.raises(ValueError, match="Xt has 3 features"):
        SinkhornTransport().fit(Xs, np.ones((5, 3)))
    with pytest.raises(ValueError, match="NaN"):
        SinkhornTransport().fit(Xs, np.full((5, 2), np.nan))


def test_verbose_default_is_int_zero():
    default = SinkhornTransport().verbose
    assert type(default) is int and default == 0

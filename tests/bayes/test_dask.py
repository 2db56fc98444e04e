"""SparseBayesianRegression on dask arrays (issue 17): one pass builds the Gram statistics, the
in-memory kernels run on them, predictions are lazy."""

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
pytest.importorskip("distributed")

from sparselearn import _chunked  # noqa: E402
from sparselearn.bayes import SparseBayesianRegression  # noqa: E402

N_SAMPLES, N_FEATURES, CHUNK = 1_200, 30, 300
SUPPORT = [1, 5, 9, 20, 27]


def _problem(rng, n_targets=None):
    """Features with means around 3, a sparse truth, noise and an intercept."""
    X = rng.standard_normal((N_SAMPLES, N_FEATURES)) + 3.0 * (1 + 0.1 * rng.random(N_FEATURES))
    coef = np.zeros((N_FEATURES, n_targets or 1))
    coef[SUPPORT] = rng.choice([-1.0, 1.0], (len(SUPPORT), coef.shape[1])) \
        * rng.uniform(0.5, 2.0, (len(SUPPORT), coef.shape[1]))
    y = X @ coef + 0.3 * rng.standard_normal((N_SAMPLES, coef.shape[1])) + 1.0
    return X, (y[:, 0] if n_targets is None else y)


def _counted_fit(estimator, X, y):
    before = _chunked.passes.count
    estimator.fit(X, y)
    return estimator, _chunked.passes.count - before


def _assert_same_fit(est, ref):
    np.testing.assert_array_equal(est.active_, ref.active_)
    np.testing.assert_allclose(est.coef_, ref.coef_, rtol=0, atol=1e-8)
    np.testing.assert_allclose(est.intercept_, ref.intercept_, rtol=0, atol=1e-8)
    assert est.alpha_ == pytest.approx(ref.alpha_, rel=1e-8)
    np.testing.assert_allclose(est.lambda_[ref.active_], ref.lambda_[ref.active_], rtol=1e-8)
    assert np.all(np.isinf(np.delete(est.lambda_, ref.active_)))
    np.testing.assert_allclose(est.sigma_, ref.sigma_, rtol=1e-7, atol=1e-12)
    assert est.n_iter_ == ref.n_iter_


@pytest.mark.parametrize("method", ["fast", "em"])
def test_fit_matches_in_memory_in_one_pass(client, rng, method):
    X, y = _problem(rng)
    est, n_passes = _counted_fit(SparseBayesianRegression(method),
                                 da.from_array(X, chunks=(CHUNK, N_FEATURES)), y)
    ref = SparseBayesianRegression(method).fit(X, y)
    assert n_passes == 1
    _assert_same_fit(est, ref)
    assert set(SUPPORT) <= set(est.active_.tolist())  # a real recovery, not a trivial fit
    assert est.n_features_in_ == N_FEATURES


@pytest.mark.parametrize("method", ["fast", "em"])
def test_multi_target_and_no_intercept(threads, rng, method):
    X, Y = _problem(rng, n_targets=2)
    for fit_intercept in (True, False):
        est, n_passes = _counted_fit(
            SparseBayesianRegression(method, fit_intercept=fit_intercept),
            da.from_array(X, chunks=(CHUNK, 16)), da.from_array(Y, chunks=(500, 2)))
        ref = SparseBayesianRegression(method, fit_intercept=fit_intercept).fit(X, Y)
        assert n_passes == 1
        np.testing.assert_allclose(est.coef_, ref.coef_, rtol=0, atol=1e-8)
        np.testing.assert_allclose(est.intercept_, ref.intercept_, rtol=0, atol=1e-8)
        assert est.alpha_ == pytest.approx(ref.alpha_, rel=1e-8)


def test_known_noise(threads, rng):
    X, y = _problem(rng)
    est = SparseBayesianRegression(noise_var=0.09).fit(da.from_array(X, chunks=CHUNK), y)
    ref = SparseBayesianRegression(noise_var=0.09).fit(X, y)
    _assert_same_fit(est, ref)


def test_predict_is_lazy(client, rng):
    X, y = _problem(rng)
    X_lazy = da.from_array(X, chunks=(CHUNK, N_FEATURES))
    est = SparseBayesianRegression().fit(X_lazy, y)
    before = _chunked.passes.count
    mean = est.predict(X_lazy)
    mean_std = est.predict(X_lazy, return_std=True)
    assert _chunked.passes.count == before
    assert isinstance(mean, da.Array) and mean.chunks[0] == X_lazy.chunks[0]
    assert all(isinstance(part, da.Array) for part in mean_std)
    ref_mean, ref_std = est.predict(X, return_std=True)
    np.testing.assert_allclose(mean.compute(), ref_mean, rtol=0, atol=1e-10)
    np.testing.assert_allclose(mean_std[0].compute(), ref_mean, rtol=0, atol=1e-10)
    np.testing.assert_allclose(mean_std[1].compute(), ref_std, rtol=1e-12)


def test_bad_dask_input(threads, rng):
    X, y = _problem(rng)
    X_lazy = da.from_array(X, chunks=CHUNK)
    with pytest.raises(ValueError, match="y"):
        SparseBayesianRegression().fit(X_lazy, y[:-1])
    unknown = X_lazy[da.from_array(y, chunks=CHUNK) > -np.inf]  # unknown row chunk sizes
    with pytest.raises(ValueError, match="X has unknown chunk sizes"):
        SparseBayesianRegression().fit(unknown, y)
    est = SparseBayesianRegression().fit(X_lazy, y)
    with pytest.raises(ValueError, match="X has 29 features"):
        est.predict(X_lazy[:, 1:])

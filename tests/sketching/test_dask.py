import numpy as np
import pytest
import scipy.sparse as sp

da = pytest.importorskip("dask.array")
import dask  # noqa: E402

from sparselearn.sketching import (  # noqa: E402
    SketchedLeastSquares,
    countsketch,
    gaussian_sketch,
    sparse_sign_sketch,
    srht_sketch,
)

FUNCS = [gaussian_sketch, srht_sketch, countsketch, sparse_sign_sketch]


@pytest.mark.parametrize("func", FUNCS)
def test_dask_sketch_equals_numpy(func, global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    A = rng.standard_normal((1000, 6))
    A_dask = da.from_array(A, chunks=(137, 4))  # uneven row and column chunks
    with dask.config.set(scheduler="synchronous"):
        lazy = func(A_dask, 48, global_random_seed)
        assert isinstance(lazy, da.Array)
        SA = lazy.compute()
    np.testing.assert_allclose(SA, func(A, 48, global_random_seed), rtol=1e-12, atol=1e-12)
    # vectors too
    b = rng.standard_normal(1000)
    Sb = func(da.from_array(b, chunks=300), 48, global_random_seed).compute()
    np.testing.assert_allclose(Sb, func(b, 48, global_random_seed), rtol=1e-12, atol=1e-12)


def test_dask_sparse_chunks():
    A = sp.random(800, 5, density=0.1, random_state=0, format="csr")
    blocks = [A[i : i + 200] for i in range(0, 800, 200)]
    A_dask = da.concatenate(
        [da.from_array(blk, chunks=blk.shape, asarray=False) for blk in blocks], axis=0
    )
    SA = countsketch(A_dask, 30, 3).compute(scheduler="synchronous")
    np.testing.assert_allclose(SA, countsketch(A, 30, 3), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("method", ["sketch_and_precondition", "sketch_and_solve"])
def test_sketched_least_squares_on_dask(method):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((3000, 8)) * np.logspace(0, -4, 8)
    y = X @ rng.standard_normal(8) + 2.0 + 0.01 * rng.standard_normal(3000)
    X_dask = da.from_array(X, chunks=(500, 8))
    y_dask = da.from_array(y, chunks=700)  # realigned to X's chunks
    with dask.config.set(scheduler="threads"):
        reg = SketchedLeastSquares(method=method, random_state=0).fit(X_dask, y_dask)
        pred = reg.predict(X_dask).compute()
    ref = SketchedLeastSquares(method=method, random_state=0).fit(X, y)
    np.testing.assert_allclose(reg.coef_, ref.coef_, rtol=1e-8)
    assert abs(reg.intercept_ - ref.intercept_) < 1e-8
    np.testing.assert_allclose(pred, ref.predict(X), rtol=1e-8)
    assert reg.n_features_in_ == 8


def test_dask_errors():
    A_dask = da.ones((100, 3), chunks=(30, 3))
    with pytest.raises(ValueError, match="rows"):
        from sparselearn.sketching import CountSketch

        CountSketch(5, random_state=0).fit(99).apply(A_dask)
    with pytest.raises(ValueError, match="inconsistent"):
        SketchedLeastSquares().fit(A_dask, np.ones(99))
    A_nan = da.from_array(np.full((100, 2), np.nan), chunks=(50, 2))
    with pytest.raises(ValueError, match="NaN"):
        countsketch(A_nan, 5, 0).compute(scheduler="synchronous")


@pytest.mark.parametrize("method", ["threshold", "priority", "jl", "countsketch"])
def test_coordinated_sampler_on_dask_equals_numpy(method):
    from sparselearn.sketching import CoordinatedSampler

    A = sp.random(3000, 20, density=0.2, random_state=0, format="csr")
    B = sp.random(3000, 10, density=0.2, random_state=1, format="csr")
    A_dask = da.from_array(A.toarray(), chunks=(700, 20))
    sampler = CoordinatedSampler(150, method=method, random_state=4)
    with dask.config.set(scheduler="synchronous"):
        S_dask = sampler.sketch(A_dask)
    S_np = sampler.sketch(A)
    if method in ("threshold", "priority"):
        np.testing.assert_array_equal(S_dask.rows, S_np.rows)
        np.testing.assert_allclose(S_dask.probabilities, S_np.probabilities, rtol=1e-12)
    W_dask = sampler.estimate_product(S_dask, sampler.sketch(B))
    W_np = sampler.estimate_product(S_np, sampler.sketch(B))
    np.testing.assert_allclose(W_dask, W_np, rtol=1e-10, atol=1e-10)


def test_sketch_transformer_on_dask():
    from sparselearn.sketching import SketchTransformer

    X = np.random.default_rng(0).standard_normal((500, 300))
    tr = SketchTransformer(n_components=40, random_state=0).fit(X)
    Z = tr.transform(da.from_array(X, chunks=(128, 100)))
    assert isinstance(Z, da.Array)
    np.testing.assert_allclose(Z.compute(scheduler="synchronous"), tr.transform(X), rtol=1e-12)
    with pytest.raises(ValueError, match="features"):
        tr.transform(da.ones((10, 5)))

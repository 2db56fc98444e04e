import numpy as np
import pytest
import scipy.sparse as sp

from sparselearn.sketching import CoordinatedSampler, importance_sampled_product


def _pair(seed, n=1500):
    A = sp.random(n, 5, density=0.3, random_state=seed, format="csr")
    B = sp.random(n, 4, density=0.3, random_state=seed + 1, format="csr")
    return A, B


@pytest.mark.parametrize("method", ["threshold", "priority", "jl", "countsketch"])
def test_product_estimators_are_unbiased(method, global_random_seed):
    A, B = _pair(global_random_seed)
    truth = (A.T @ B).toarray()
    ests = []
    for s in range(300):
        sampler = CoordinatedSampler(80, method=method, random_state=1000 * global_random_seed + s)
        ests.append(sampler.estimate_product(sampler.sketch(A), sampler.sketch(B)))
    ests = np.array(ests)
    z = (ests.mean(axis=0) - truth) / (ests.std(axis=0) / np.sqrt(len(ests)))
    # 20 entries: |z| < 4.5 for all unless biased (a bias of 1 std error per sketch gives z ~ 17)
    assert np.abs(z).max() < 4.5


def test_sampling_error_bound(global_random_seed):
    # k = 2 / (delta eps^2) + 1: error <= eps ||A||_F ||B||_F with probability 1 - delta
    A, B = _pair(global_random_seed, n=3000)
    eps, delta = 0.2, 0.2
    k = int(2 / (delta * eps**2)) + 1
    bound = eps * sp.linalg.norm(A) * sp.linalg.norm(B)
    failures = 0
    for s in range(20):
        for method in ("threshold", "priority"):
            sampler = CoordinatedSampler(k, method=method, random_state=s)
            W = sampler.estimate_product(sampler.sketch(A), sampler.sketch(B))
            failures += np.linalg.norm(W - (A.T @ B).toarray()) > bound
    assert failures <= 2  # expected <= 8 by the bound (Markov); in practice 0


def test_sizes_and_exactness():
    A, B = _pair(0)
    s = CoordinatedSampler(100, method="priority", random_state=0).sketch(A)
    assert len(s.rows) == 100 and np.all(np.diff(s.rows) > 0)
    assert s.nbytes < 100 * (4 + 8 + 4) + s.values.nnz * 12 + 1000
    sizes = [len(CoordinatedSampler(100, random_state=r).sketch(A).rows) for r in range(50)]
    assert 85 < np.mean(sizes) < 105  # threshold: at most k in expectation (std error 1.4)
    # k >= n: everything kept with probability 1, the estimate is exact
    big = CoordinatedSampler(10**6, method="priority", random_state=0)
    W = big.estimate_product(big.sketch(A), big.sketch(B))
    np.testing.assert_allclose(W, (A.T @ B).toarray(), atol=1e-12)
    # dense input gives the same sketch as sparse
    sampler = CoordinatedSampler(100, method="threshold", random_state=3)
    np.testing.assert_array_equal(sampler.sketch(A).rows, sampler.sketch(A.toarray()).rows)


def test_inner_product_of_vectors():
    rng = np.random.default_rng(0)
    a = rng.standard_normal(5000)
    b = a + 0.5 * rng.standard_normal(5000)
    sampler = CoordinatedSampler(2000, method="priority", random_state=0)
    est = sampler.estimate_inner_product(sampler.sketch(a), sampler.sketch(b))
    assert isinstance(est, float)
    assert abs(est - a @ b) < 0.1 * np.linalg.norm(a) * np.linalg.norm(b)


def _join_like(seed, n=5000, d=200, s=3):
    # sparse rows (s nonzeros of d), half of the keys present in both tables
    rng = np.random.default_rng(seed)

    def table(present):
        cols = rng.integers(0, d, size=(len(present), s))
        vals = rng.standard_normal((len(present), s))
        M = sp.csr_matrix((vals.ravel(), (np.repeat(present, s), cols.ravel())), shape=(n, d))
        return M

    keys = rng.permutation(n)
    return table(keys[: 3 * n // 4]), table(keys[n // 4 :])


def test_sampling_beats_linear_sketches_at_equal_bytes():
    A, B = _join_like(0)
    truth = (A.T @ B).toarray()
    err = {}
    for method in ("priority", "jl", "countsketch"):
        errors = []
        for s in range(5):
            if method == "priority":
                sampler = CoordinatedSampler(600, method=method, random_state=s)
                SA, SB = sampler.sketch(A), sampler.sketch(B)
                budget = max(SA.nbytes, SB.nbytes)
            else:
                sampler = CoordinatedSampler(budget // (8 * 200), method=method, random_state=s)
                SA, SB = sampler.sketch(A), sampler.sketch(B)
                assert SA.nbytes <= budget
            errors.append(np.linalg.norm(sampler.estimate_product(SA, SB) - truth))
        err[method] = np.mean(errors)
    assert err["priority"] < 0.5 * min(err["jl"], err["countsketch"]), err
    # sketches with different seeds are refused rather than silently combined
    s1 = CoordinatedSampler(300, random_state=1)
    s2 = CoordinatedSampler(300, random_state=2)
    with pytest.raises(ValueError, match="seed"):
        s1.estimate_product(s1.sketch(A), s2.sketch(B))


def test_bad_input():
    A, B = _pair(0)
    sampler = CoordinatedSampler(50, random_state=0)
    with pytest.raises(ValueError, match="sketch_size"):
        CoordinatedSampler(0).sketch(A)
    with pytest.raises(ValueError, match="method"):
        CoordinatedSampler(10, method="minhash").sketch(A)
    with pytest.raises(ValueError, match="rows"):
        sampler.estimate_product(sampler.sketch(A), sampler.sketch(B[:100]))
    other = CoordinatedSampler(50, method="priority", random_state=0)
    with pytest.raises(ValueError, match="methods"):
        sampler.estimate_product(sampler.sketch(A), other.sketch(B))
    with pytest.raises(TypeError, match="ProductSketch"):
        sampler.estimate_product(A, B)
    A_nan = A.toarray()
    A_nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        sampler.sketch(A_nan)


def test_importance_sampled_product(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    A = rng.standard_normal((400, 3)) * rng.exponential(size=(400, 1)) ** 2
    B = rng.standard_normal((400, 2))
    truth = A.T @ B
    ests = np.array([importance_sampled_product(A, B, 50, random_state=s) for s in range(400)])
    z = (ests.mean(axis=0) - truth) / (ests.std(axis=0) / np.sqrt(400))
    assert np.abs(z).max() < 4.5
    # lower error than uniform sampling on rows with very unequal norms
    uniform = []
    for s in range(400):
        idx = np.random.default_rng(s).integers(0, 400, 50)
        uniform.append(400 / 50 * A[idx].T @ B[idx])
    err_imp = np.mean(np.linalg.norm(ests - truth, axis=(1, 2)))
    err_uni = np.mean(np.linalg.norm(np.array(uniform) - truth, axis=(1, 2)))
    assert err_imp < err_uni
    np.testing.assert_allclose(
        importance_sampled_product(sp.csr_matrix(A), B, 50, random_state=1),
        importance_sampled_product(A, B, 50, random_state=1),
    )
    with pytest.raises(ValueError, match="same number of rows"):
        importance_sampled_product(A, B[:10], 5)


def test_join_correlation():
    rng = np.random.default_rng(0)
    n_keys = 20000
    keys_a = rng.choice(n_keys, 8000, replace=False)
    keys_b = np.concatenate([keys_a[:5000], rng.choice(np.setdiff1d(np.arange(n_keys), keys_a),
                                                       3000, replace=False)])
    latent = rng.standard_normal(n_keys)
    x = latent[keys_a] + 0.5 * rng.standard_normal(8000)
    y = 2 * latent[keys_b] + rng.standard_normal(8000)
    common, ia, ib = np.intersect1d(keys_a, keys_b, return_indices=True)
    true_corr = np.corrcoef(x[ia], y[ib])[0, 1]
    estimates = []
    for s in range(5):
        sampler = CoordinatedSampler(2000, method="priority", random_state=s)
        stats = sampler.estimate_join_correlation(
            sampler.sketch_join_column(keys_a, x, n_keys),
            sampler.sketch_join_column(keys_b, y, n_keys),
        )
        estimates.append(stats)
    assert abs(np.mean([e["join_size"] for e in estimates]) - len(common)) < 0.1 * len(common)
    assert abs(np.mean([e["correlation"] for e in estimates]) - true_corr) < 0.1
    with pytest.raises(ValueError, match="distinct"):
        CoordinatedSampler(10, random_state=0).sketch_join_column([1, 1], [0.0, 1.0], 5)
    with pytest.raises(ValueError, match="n_keys"):
        CoordinatedSampler(10, random_state=0).sketch_join_column([7], [0.0], 5)

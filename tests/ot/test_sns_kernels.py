"""Kernel-level checks of the SNS and Sinkhorn building blocks against dense references."""

import numpy as np

from sparselearn._core.sinkhorn import exp_segment, plan_from_potentials


def _exp_rows(X, j0=0, j1=None):
    X = np.array(X, dtype=np.float64, ndmin=2)
    j1 = X.shape[1] if j1 is None else j1
    out = X.copy()
    low, high = np.empty(j1 - j0, dtype=np.int64), np.empty(j1 - j0, dtype=np.int64)
    for i in range(out.shape[0]):
        exp_segment(out[i, j0:j1], low, high)
    return out


def test_exp_segment_matches_numpy_to_an_ulp(rng):
    t = np.concatenate([
        np.linspace(-745.5, 709.0, 200_001),  # the whole float64 range of exp, subnormals too
        rng.uniform(-40.0, 5.0, 10_000),
        [0.0, -0.0, 1.0, -1.0, np.log(2.0), -np.log(2.0) / 2, 1e-300, -1e-300],
    ])
    got = _exp_rows(t)[0]
    ref = np.exp(t)
    normal = ref >= np.finfo(np.float64).tiny
    assert np.all(np.abs(got[normal] - ref[normal]) <= np.spacing(ref[normal]))
    # subnormal results: the same absolute accuracy (one subnormal spacing, 5e-324)
    assert np.all(np.abs(got[~normal] - ref[~normal]) <= 5e-324)
    assert got[t == 0.0].tolist() == [1.0, 1.0]


def test_exp_segment_limits_and_segment_bounds():
    # far below the range (and -inf: forbidden pairs of an infinite cost) gives exactly 0;
    # above 709 the result is capped at exp(709), never inf
    t = np.array([-np.inf, -1e6, -1401.0, -800.0, 710.0, 1e6])
    got = _exp_rows(t)[0]
    assert got[:4].tolist() == [0.0, 0.0, 0.0, 0.0]
    assert np.all(got[4:] == np.exp(709.0))
    # only the segment j0:j1 of row i changes
    X = np.full((3, 6), -1.0)
    low, high = np.empty(3, dtype=np.int64), np.empty(3, dtype=np.int64)
    exp_segment(X[1, 2:5], low, high)
    expected = np.full((3, 6), -1.0)
    expected[1, 2:5] = np.exp(-1.0)
    np.testing.assert_array_equal(X, expected)


def test_plan_from_potentials_is_the_gibbs_plan(rng):
    n, m, reg = 40, 30, 1e-3
    M = rng.random((n, m))
    f = rng.uniform(-0.1, 0.1, n)
    g = rng.uniform(-0.1, 0.1, m)
    P = np.empty((n, m))
    plan_from_potentials(M, f, g, reg, P)
    # the same exponents as the kernel (times 1 / reg), then numpy's exp: within an ulp
    ref = np.exp((f[:, None] + g[None] - M) * (1.0 / reg))
    assert np.any(ref == 0.0) and np.any(ref > 1.0)  # underflow and large entries both occur
    assert np.all(np.abs(P - ref) <= np.maximum(np.spacing(ref), 5e-324))


def _scaled_plan(rng, n=23, m=17):
    K = rng.random((n, m)) ** 4  # a few large entries per row, many small ones
    u = rng.uniform(0.5, 2.0, n)
    v = rng.uniform(0.5, 2.0, m)
    return K, u, v, u[:, None] * K * v[None]


def _dense_hessian(P):
    n, m = P.shape
    H = np.zeros((n + m, n + m))
    H[:n, :n] = np.diag(P.sum(1))
    H[n:, n:] = np.diag(P.sum(0))
    H[:n, n:] = P
    H[n:, :n] = P.T
    return H


def test_hessian_products_against_dense_matrix(rng):
    from sparselearn._core.sns import _hess_dense, _hess_sparse, _sparsify

    K, u, v, P = _scaled_plan(rng)
    n, m = P.shape
    row, col = P.sum(1), P.sum(0)
    x = rng.normal(size=n + m)
    out = np.empty(n + m)
    _hess_dense(row, col, K, u, v, x[:n], x[n:], np.empty(m), out)
    np.testing.assert_allclose(out, _dense_hessian(P) @ x, rtol=1e-13)
    # the sparsified Hessian keeps the exact diagonal and the kept plan entries off it
    indptr = np.empty(n + 1, dtype=np.int64)
    indices, data = np.empty(n * m, dtype=np.int64), np.empty(n * m)
    nnz = _sparsify(K, u, v, 0.2, np.empty(n * m), indptr, indices, data)
    Ps = np.zeros_like(P)
    for i in range(n):
        Ps[i, indices[indptr[i]:indptr[i + 1]]] = data[indptr[i]:indptr[i + 1]]
    assert nnz == np.count_nonzero(Ps)
    _hess_sparse(row, col, indptr, indices, data, x[:n], x[n:], out)
    H = _dense_hessian(P)
    H[:n, n:], H[n:, :n] = Ps, Ps.T
    np.testing.assert_allclose(out, H @ x, rtol=1e-13)


def test_sparsify_keeps_the_largest_entries(rng):
    from sparselearn._core.sns import _sparsify

    K, u, v, P = _scaled_plan(rng, 300, 250)
    n, m = P.shape
    indptr = np.empty(n + 1, dtype=np.int64)
    indices, data = np.empty(n * m, dtype=np.int64), np.empty(n * m)
    for n_sample, density in [(n * m, 0.05), (4096, 0.05), (4096, 2.0 / m)]:
        nnz = _sparsify(K, u, v, density, np.empty(n_sample), indptr, indices, data)
        kept = np.zeros(P.shape, dtype=bool)
        for i in range(n):
            kept[i, indices[indptr[i]:indptr[i + 1]]] = True
        np.testing.assert_array_equal(P[kept], data[:nnz])
        # every kept entry is at least every dropped one (a threshold rule)
        assert P[kept].min() >= P[~kept].max()
        if n_sample == n * m:  # the exact order statistic: ceil(density n m) entries
            assert nnz == int(np.ceil(density * n * m))
        else:  # the windowed sample's quantile: near the target count
            assert 0.7 * density * n * m <= nnz <= 1.3 * density * n * m


def _annealing_problem(rng, n=60, m=50):
    xs = rng.normal(size=(n, 2))
    xt = rng.normal(size=(m, 2)) + 1.0
    M = ((xs[:, None] - xt[None]) ** 2).sum(-1)
    return np.full(n, 1.0 / n), np.full(m, 1.0 / m), M / M.max()


def test_annealed_sns_carries_the_density_and_returns_the_plan(rng):
    from sparselearn._core.sns import INFO_SIZE, annealed_sns, sinkhorn_newton_sparse

    a, b, M = _annealing_problem(rng)
    n, m = M.shape
    regs, density0 = [2e-2, 6e-3, 2e-3], 2.0 / 50
    hist = np.empty(2000)
    f, g = np.zeros(n), np.zeros(m)
    err, density, info, stage_iter, P = annealed_sns(
        M, a, b, regs, f, g, 1e-10, 1e-2, 1000, 20, 5, density0, n + m, hist, hist.copy())
    assert err < 1e-10 and len(stage_iter) == 3
    # the same stages run one by one, each opened at the density the previous one ended with
    f_ref, g_ref, d = np.zeros(n), np.zeros(m), density0
    K = np.empty((n, m))
    densities = []
    for k, reg in enumerate(regs):
        last = k == len(regs) - 1
        _, d = sinkhorn_newton_sparse(
            M, a, b, reg, f_ref, g_ref, 1e-10 if last else 1e-2, 1000, 20 if k == 0 else 5, d,
            n + m, hist, hist.copy(), np.zeros(INFO_SIZE, dtype=np.int64), K, np.bool_(last))
        densities.append(d)
    np.testing.assert_array_equal(f, f_ref)
    np.testing.assert_array_equal(g, g_ref)
    assert density == densities[-1] and densities[-1] > density0  # grown, then carried
    # the workspace holds the anchored plan of the last stage: the Gibbs plan of (f, g)
    np.testing.assert_allclose(P, np.exp((f[:, None] + g[None] - M) / regs[-1]), rtol=1e-12)
    np.testing.assert_array_equal(P, K)
    assert np.abs(P.sum(1) - a).sum() + np.abs(P.sum(0) - b).sum() < 1e-10


class _StopAfterFirstStage:
    def update(self, line, state, marginal_error):
        return True


def test_annealed_sns_stopped_early_returns_the_plan_at_the_target_reg(rng):
    from sparselearn._core.sns import annealed_sns

    a, b, M = _annealing_problem(rng)
    n, m = M.shape
    regs = [2e-2, 6e-3, 2e-3]
    hist = np.empty(2000)
    f, g = np.zeros(n), np.zeros(m)
    P_in = np.empty((n, m))
    err, _, _, stage_iter, P = annealed_sns(
        M, a, b, regs, f, g, 1e-10, 1e-2, 1000, 20, 5, 0.04, n + m, hist, hist.copy(),
        _StopAfterFirstStage(), P_in)
    assert err == np.inf and len(stage_iter) == 1
    assert P is P_in  # the caller's workspace
    ref = np.exp((f[:, None] + g[None] - M) * (1.0 / regs[-1]))
    assert np.all(np.abs(P - ref) <= np.maximum(np.spacing(ref), 5e-324))

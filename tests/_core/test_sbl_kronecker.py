"""Kronecker SBL core: mode products, the E-step against dense formulas, the M-steps."""
import numpy as np
import pytest

from sparselearn._core import kronecker_sbl as ksbl


def _kron(mats):
    out = mats[0]
    for m in mats[1:]:
        out = np.kron(out, m)
    return out


def _factors(rng, shapes, complex_=False):
    out = []
    for shape in shapes:
        f = rng.standard_normal(shape)
        if complex_:
            f = f + 1j * rng.standard_normal(shape)
        out.append(f)
    return out


@pytest.mark.parametrize("shapes", [[(3, 4)], [(3, 4), (2, 5)], [(3, 4), (2, 5), (4, 3)]])
@pytest.mark.parametrize("complex_", [False, True])
def test_kron_matvec_is_np_kron(shapes, complex_, rng):
    factors = _factors(rng, shapes, complex_)
    x = rng.standard_normal(int(np.prod([s[1] for s in shapes])))
    np.testing.assert_allclose(ksbl.kron_matvec(factors, x), _kron(factors) @ x, rtol=1e-12,
                               atol=1e-12)


def test_mode_product_and_outer(rng):
    tensor = rng.standard_normal((3, 4, 5))
    mat = rng.standard_normal((6, 4))
    np.testing.assert_allclose(ksbl.mode_product(tensor, mat, 1),
                               np.einsum("ij,ajb->aib", mat, tensor), rtol=1e-12)
    vecs = [rng.random(2), rng.random(3), rng.random(4)]
    assert ksbl.outer(vecs).shape == (2, 3, 4)
    np.testing.assert_allclose(ksbl.outer(vecs).ravel(), _kron(vecs), rtol=1e-14)


@pytest.mark.parametrize("complex_", [False, True])
def test_posterior_matches_dense_formulas(complex_, rng):
    factors = _factors(rng, [(3, 4), (4, 2), (2, 3)], complex_)
    gammas = [0.1 + rng.random(f.shape[1]) for f in factors]
    y = _factors(rng, [(24,)], complex_)[0]
    noise_var = 0.2
    mean, diag_sigma, new_noise = ksbl.posterior(factors, gammas, y.reshape(3, 4, 2), noise_var)
    A, g = _kron(factors), _kron(gammas)
    sigma = np.linalg.inv(A.conj().T @ A / noise_var + np.diag(1.0 / g))
    mu = sigma @ A.conj().T @ y / noise_var
    np.testing.assert_allclose(mean.ravel(), mu, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(diag_sigma.ravel(), np.diag(sigma).real, rtol=1e-9, atol=1e-12)
    em_noise = (np.sum(np.abs(y - A @ mu) ** 2) + np.trace(A @ sigma @ A.conj().T).real) / y.size
    assert new_noise == pytest.approx(em_noise, rel=1e-9)


def test_alternating_decreases_the_em_objective(rng):
    # a second moment that is not rank one: each exact block update lowers the objective, and
    # the result is a block-coordinate minimum (no single factor can improve it)
    second_moment = rng.random((4, 5, 3)) ** 2 + 0.01
    start = [np.ones(4), np.ones(5), np.ones(3)]
    values = [ksbl.em_objective(second_moment, start)]
    gammas = start
    for _ in range(20):
        gammas = ksbl.alternating(second_moment, gammas, inner_max_iter=1)
        values.append(ksbl.em_objective(second_moment, gammas))
    assert values[-1] < values[0]
    assert np.all(np.diff(values) <= 1e-12 * np.abs(values[:-1]))
    final = ksbl.alternating(second_moment, start, inner_tol=1e-12, inner_max_iter=1000)
    best = ksbl.em_objective(second_moment, final)
    for mode in range(3):
        for scale in (0.9, 1.1):
            for j in range(final[mode].size):
                moved = [g.copy() for g in final]
                moved[mode][j] *= scale
                assert ksbl.em_objective(second_moment, moved) > best


def test_alternating_recovers_a_rank_one_tensor(rng):
    truth = [0.5 + rng.random(4), 0.5 + rng.random(3)]
    gammas = ksbl.alternating(ksbl.outer(truth), [np.ones(4), np.ones(3)], inner_tol=1e-12)
    np.testing.assert_allclose(ksbl.outer(gammas), ksbl.outer(truth), rtol=1e-8)


def test_rank_one_svd_exact_on_rank_one(rng):
    truth = [0.1 + rng.random(4), 0.1 + rng.random(5), 0.1 + rng.random(3)]
    gammas = ksbl.rank_one_svd(ksbl.outer(truth))
    assert [g.shape for g in gammas] == [(4,), (5,), (3,)]
    assert all(np.all(g >= 0) for g in gammas)
    np.testing.assert_allclose(ksbl.outer(gammas), ksbl.outer(truth), rtol=1e-10)


def test_normalize_keeps_the_kronecker_product(rng):
    gammas = [rng.random(3), rng.random(4), rng.random(2)]
    before = ksbl.outer(gammas)
    ksbl.normalize(gammas)
    np.testing.assert_allclose(ksbl.outer(gammas), before, rtol=1e-12)
    assert np.linalg.norm(gammas[0]) == pytest.approx(1.0)
    assert np.linalg.norm(gammas[1]) == pytest.approx(1.0)


def test_coupling_matrix_links_grid_neighbours_only():
    c_mat = ksbl.coupling_matrix(np.array([0, 1, 3, 4, 7]), 0.5)
    expected = np.eye(5)
    for i, j in [(0, 1), (2, 3)]:  # 1-3 and 4-7 are not neighbours on the original grid
        expected[i, j] = expected[j, i] = 0.5
    np.testing.assert_array_equal(c_mat, expected)


def test_project_coupled_is_nnls_on_the_cone(rng):
    c_mat = ksbl.coupling_matrix(np.arange(6), 0.8)
    inside = c_mat @ np.array([1.0, 0.0, 0.0, 2.0, 0.0, 0.5])
    projected = ksbl.project_coupled(inside, c_mat)
    np.testing.assert_allclose(projected, inside + ksbl.COUPLED_FLOOR * inside.max(), rtol=1e-10)
    # an isolated spike is spread over its neighbours, and nothing is exactly zero
    spike = np.zeros(6)
    spike[2] = 1.0
    projected = ksbl.project_coupled(spike, c_mat)
    assert projected[1] > 0.1 and projected[3] > 0.1 and np.all(projected > 0)


def _planted(rng, complex_=False):
    factors = _factors(rng, [(6, 8), (7, 8)], complex_)
    x = np.zeros((8, 8), dtype=complex if complex_ else float)
    x[np.ix_([1, 5], [2, 6])] = 1.0 + rng.random((2, 2))
    return factors, x.ravel(), ksbl.kron_matvec(factors, x.ravel())


@pytest.mark.parametrize("method", ["svd", "am"])
def test_kronecker_sbl_recovers_and_is_unit_equivariant(method, rng):
    factors, x, y = _planted(rng)
    result = ksbl.kronecker_sbl(factors, y, method, 1e-8, 200, 1e-6, ksbl.PRUNE[method], [], 0.8)
    assert result["converged"]
    np.testing.assert_allclose(result["coef"], x, atol=1e-3)
    # internal unit scaling: y -> 10 y and A_1 -> 3 A_1 give coef * 10 / 3, noise * 100
    scaled = ksbl.kronecker_sbl([3 * factors[0], factors[1]], 10 * y, method, 1e-6, 200, 1e-6,
                                ksbl.PRUNE[method], [], 0.8)
    np.testing.assert_allclose(scaled["coef"], result["coef"] * 10 / 3, rtol=1e-6, atol=1e-9)
    assert scaled["noise_var"] == pytest.approx(100 * result["noise_var"])


def test_ksbl_em_learned_noise_warmup(rng):
    # the noise is held at its initial value and nothing is pruned for NOISE_WARMUP iterations;
    # afterwards the noise is learned (noiseless data: it falls) and the support is pruned
    factors, _, y = _planted(rng)
    work = [f / np.linalg.norm(f, axis=0) for f in factors]
    y_tensor = (y / np.sqrt(np.mean(y ** 2))).reshape(6, 7)

    def run(max_iter):
        return ksbl.ksbl_em(work, y_tensor, [np.arange(8), np.arange(8)],
                            [np.ones(8), np.ones(8)], 0.1, True, "am", max_iter, 1e-6,
                            ksbl.PRUNE["am"], [], 0.8)

    _, _, indices, noise, n_iter, converged = run(ksbl.NOISE_WARMUP)
    assert noise == 0.1 and not converged and [i.size for i in indices] == [8, 8]
    _, _, indices, noise, n_iter, converged = run(300)
    assert converged and n_iter > ksbl.NOISE_WARMUP
    assert noise < 1e-4
    assert [i.tolist() for i in indices] == [[1, 5], [2, 6]]

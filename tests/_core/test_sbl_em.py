"""EM-SBL / M-SBL core: the E-step against dense formulas, the pruning rule, the EM loop."""
import numpy as np
import pytest
from scipy.stats import multivariate_normal

from sparselearn._core.sbl_em import e_step, em_sbl, infinite_optimum


def _dense_posterior(phi, y, gamma, noise_var):
    sigma = np.linalg.inv(phi.T @ phi / noise_var + np.diag(1.0 / gamma))
    mu = sigma @ phi.T @ y / noise_var
    cov = noise_var * np.eye(phi.shape[0]) + (phi * gamma) @ phi.T
    score = sum(multivariate_normal(np.zeros(phi.shape[0]), cov).logpdf(col) for col in y.T)
    return mu, sigma, score


@pytest.mark.parametrize("n_active", [5, 12])  # Cholesky of the k x k precision / of C (Woodbury)
@pytest.mark.parametrize("n_targets", [1, 3])
def test_e_step_matches_dense_formulas(n_active, n_targets, rng):
    n_samples = 8
    phi = rng.standard_normal((n_samples, n_active))
    y = rng.standard_normal((n_samples, n_targets))
    gamma = 0.2 + rng.random(n_active)
    mu, diag_sigma, sigma, score = e_step(phi, y, gamma, 0.3)
    mu_d, sigma_d, score_d = _dense_posterior(phi, y, gamma, 0.3)
    np.testing.assert_allclose(mu, mu_d, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(diag_sigma, np.diag(sigma_d), rtol=1e-9)
    assert score == pytest.approx(score_d, rel=1e-10)
    if n_active <= n_samples:
        np.testing.assert_allclose(sigma, sigma_d, rtol=1e-9, atol=1e-12)
    else:
        assert sigma is None


def test_e_step_empty_model_is_white_noise(rng):
    y = rng.standard_normal((6, 2))
    mu, diag_sigma, sigma, score = e_step(np.zeros((6, 0)), y, np.zeros(0), 0.5)
    assert mu.shape == (0, 2) and diag_sigma.shape == (0,) and sigma.shape == (0, 0)
    direct = sum(multivariate_normal(np.zeros(6), 0.5 * np.eye(6)).logpdf(c) for c in y.T)
    assert score == pytest.approx(direct, rel=1e-12)


def test_infinite_optimum_is_the_leave_one_out_rule(rng):
    # two columns carry the signal, the others are noise with large variances: the rule must
    # keep the first and drop some of the others, exactly where d log p / d gamma_i at 0 <= 0
    n_samples, n_cols = 30, 8
    phi = rng.standard_normal((n_samples, n_cols))
    y = (phi[:, :2] @ np.array([[2.0, 1.0], [-1.5, 2.0]])
         + 0.1 * rng.standard_normal((n_samples, 2)))
    gamma = np.r_[1.0, 1.0, np.full(n_cols - 2, 0.5)]
    noise_var = 0.01
    drop = infinite_optimum(phi, y, gamma, noise_var)
    expected = []
    for i in range(n_cols):
        others = np.arange(n_cols) != i
        cov = noise_var * np.eye(n_samples) + (phi[:, others] * gamma[others]) @ phi[:, others].T
        s = phi[:, i] @ np.linalg.solve(cov, phi[:, i])
        q = phi[:, i] @ np.linalg.solve(cov, y)
        expected.append(np.mean(q ** 2) <= s)
    assert np.array_equal(drop, expected)
    assert not drop[0] and not drop[1] and drop[2:].any()


def _sparse_problem(rng, n_samples=40, n_features=80, n_targets=1, noise=0.05):
    phi = rng.standard_normal((n_samples, n_features))
    phi /= np.linalg.norm(phi, axis=0)
    w = np.zeros((n_features, n_targets))
    support = np.sort(rng.choice(n_features, 4, replace=False))
    w[support] = rng.choice([-1.0, 1.0], (4, n_targets)) * (1.0 + rng.random((4, n_targets)))
    y = phi @ w + noise * rng.standard_normal((n_samples, n_targets))
    return phi, y, support


@pytest.mark.parametrize("learn_noise", [False, True])
@pytest.mark.parametrize("n_targets", [1, 3])
def test_em_sbl_monotone_and_fixed_point(learn_noise, n_targets, rng):
    phi, y, support = _sparse_problem(rng, n_targets=n_targets)
    active, gamma, sigma, mu, noise_var, n_iter, scores, converged = em_sbl(
        phi, y, 0.0025 if not learn_noise else 0.1, learn_noise, 3000, 1e-6, 1e-6)
    assert converged and n_iter < 3000
    assert np.all(np.diff(scores) >= -1e-8 * np.abs(scores[:-1]))  # EM never decreases
    assert np.isin(support, active).all()
    if learn_noise:
        assert np.array_equal(active, support)
    else:
        # at the known noise the likelihood may keep small noise-fitting columns, but at
        # convergence none of them has its optimum at zero (else it would have been removed)
        assert not infinite_optimum(phi[:, active], y, gamma, noise_var).any()
    # returned posterior is that of the returned hyperparameters, and gamma is its EM fixed point
    mu_d, sigma_d, score_d = _dense_posterior(phi[:, active], y, gamma, noise_var)
    np.testing.assert_allclose(mu, mu_d, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(sigma, sigma_d, rtol=1e-8, atol=1e-14)
    assert scores[-1] == pytest.approx(score_d, rel=1e-10)
    np.testing.assert_allclose(gamma, np.sum(mu * mu, axis=1) / n_targets + np.diag(sigma),
                               rtol=0, atol=10 * 1e-6 * gamma.max())  # the stopping rule


def test_em_sbl_full_covariance_of_a_large_active_set(rng):
    # one step from all 80 columns on 40 samples: the final covariance comes from the Woodbury
    # branch (sigma None) and must still be the full k x k posterior covariance
    phi, y, _ = _sparse_problem(rng)
    active, gamma, sigma, mu, noise_var, n_iter, scores, converged = em_sbl(
        phi, y, 0.01, False, 1, 1e-6, 1e-12)
    assert n_iter == 1 and not converged and active.size > phi.shape[0]
    _, sigma_d, _ = _dense_posterior(phi[:, active], y, gamma, noise_var)
    np.testing.assert_allclose(sigma, sigma_d, rtol=1e-6, atol=1e-10)


def test_em_sbl_zero_columns_never_enter(rng):
    phi, y, _ = _sparse_problem(rng)
    phi[:, [0, 7]] = 0.0
    active, *_ = em_sbl(phi, y, 0.01, True, 500, 1e-4, 1e-6)
    assert 0 not in active and 7 not in active

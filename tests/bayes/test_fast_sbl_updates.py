"""Rank-one updates of the fast marginal-likelihood loop against a direct computation (issue 15).

Every move of ``_core.sbl.fast_marginal_likelihood`` updates the posterior ``Sigma``, ``Mu``
and the factors ``S``, ``Q`` of every column in ``O(n_features k)``; these tests check them,
move by move, against ``C = noise I + Phi_A diag(1 / alpha) Phi_A^T`` formed explicitly.
"""
import numpy as np
import pytest

from sparselearn._core import sbl as _sbl


def _direct(phi, y, active, alpha, beta):
    """Sigma, Mu, S, Q from the explicit covariance (numpy, no Woodbury)."""
    phi_a = phi[:, active]
    cov = np.eye(phi.shape[0]) / beta + (phi_a / alpha) @ phi_a.T
    cov_inv = np.linalg.inv(cov)
    sigma = np.linalg.inv(beta * phi_a.T @ phi_a + np.diag(alpha))
    mu = beta * sigma @ phi_a.T @ y
    s_factor = np.einsum("im,ij,jm->m", phi, cov_inv, phi)
    q_factor = phi.T @ cov_inv @ y
    return sigma, mu, s_factor, q_factor


def _state(phi, y, active, alpha, beta):
    """The kernel's state for ``active`` / ``alpha``, refreshed in full."""
    n_samples, n_features = phi.shape
    max_active = n_samples
    gram_rows = np.zeros((max_active, n_features))
    active_buf = np.zeros(max_active, dtype=np.int64)
    alpha_buf = np.zeros(max_active)
    position = -np.ones(n_features, dtype=np.int64)
    for a, (col, prec) in enumerate(zip(active, alpha)):
        gram_rows[a] = phi.T @ phi[:, col]
        active_buf[a], alpha_buf[a], position[col] = col, prec, a
    phity = phi.T @ y
    col_norm2 = np.einsum("ij,ij->j", phi, phi)
    sigma, mu, s_factor, q_factor, _, _ = _sbl._refresh(
        gram_rows, phity, col_norm2, float(np.sum(y * y)), alpha_buf, active_buf, len(active),
        beta, n_samples, y.shape[1])
    return gram_rows, active_buf, alpha_buf, position, sigma, mu, s_factor, q_factor


def _close(state_part, direct_part):
    np.testing.assert_allclose(state_part, direct_part, rtol=1e-8,
                               atol=1e-10 * np.abs(direct_part).max())


@pytest.mark.parametrize("n_targets", [1, 3])
def test_rank_one_moves_match_direct_formulas(n_targets, global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    n_samples, n_features, beta = 30, 50, 20.0
    phi = rng.standard_normal((n_samples, n_features))
    phi /= np.linalg.norm(phi, axis=0)
    phi = np.asfortranarray(phi)
    y = phi[:, :4] @ rng.standard_normal((4, n_targets)) + 0.2 * rng.standard_normal(
        (n_samples, n_targets))
    active = [0, 7, 12]
    alpha = [0.5, 2.0, 8.0]
    gram_rows, active_buf, alpha_buf, position, sigma, mu, s_factor, q_factor = _state(
        phi, y, active, alpha, beta)
    n_active = len(active)

    # re-estimate slot 1: alpha 2 -> 0.3
    _sbl._rank_one_reestimate(1, 0.3, alpha_buf, gram_rows, n_active, sigma, mu, s_factor,
                              q_factor, beta)
    alpha[1] = 0.3
    for got, want in zip((sigma, mu, s_factor, q_factor), _direct(phi, y, active, alpha, beta)):
        _close(got, want)

    # add column 3 with precision 1.5
    gram_rows[n_active] = phi.T @ phi[:, 3]
    sigma, mu = _sbl._rank_one_add(3, 1.5, gram_rows[n_active], gram_rows, n_active, sigma, mu,
                                   s_factor, q_factor, beta)
    n_active = _sbl.apply_move(_sbl.MOVE_ADD, 3, 1.5, active_buf, alpha_buf, position,
                               n_active, gram_rows)
    active, alpha = active + [3], alpha + [1.5]
    for got, want in zip((sigma, mu, s_factor, q_factor), _direct(phi, y, active, alpha, beta)):
        _close(got, want)

    # delete the first slot: the last one moves into it
    sigma, mu = _sbl._rank_one_delete(0, gram_rows, n_active, sigma, mu, s_factor, q_factor,
                                      beta)
    n_active = _sbl.apply_move(_sbl.MOVE_DELETE, active[0], 0.0, active_buf, alpha_buf,
                               position, n_active, gram_rows)
    active = list(active_buf[:n_active])
    alpha = list(alpha_buf[:n_active])
    assert active == [3, 7, 12]
    for got, want in zip((sigma, mu, s_factor, q_factor), _direct(phi, y, active, alpha, beta)):
        _close(got, want)


def test_fixed_noise_fit_is_a_stationary_point(global_random_seed):
    # at a known noise the run stops where no column would enter or leave: every active
    # precision is at its optimum s^2 / (q^2 - s) and every inactive column has Q^2 <= S,
    # with S and Q from the explicit covariance
    rng = np.random.default_rng(global_random_seed)
    phi = rng.standard_normal((40, 80))
    phi = np.asfortranarray(phi / np.linalg.norm(phi, axis=0))
    w = np.zeros(80)
    w[rng.choice(80, 5, replace=False)] = rng.choice([-1.0, 1.0], 5) * (1 + rng.random(5))
    y = (phi @ w + 0.01 * rng.standard_normal(40))[:, None]
    beta = 1e4
    active, alpha, sigma, mu, beta_out, n_iter, scores, converged = \
        _sbl.fast_marginal_likelihood(phi, y, beta, False, 1e6, 1000, 1e-8, 40, 20.0, 1e-2,
                                      False)
    assert converged and beta_out == beta
    _, _, s_factor, q_factor = _direct(phi, y, list(active), alpha, beta)
    inside = np.zeros(80, dtype=bool)
    inside[active] = True
    s_small = alpha * s_factor[active] / (alpha - s_factor[active])
    q_small = alpha * q_factor[active, 0] / (alpha - s_factor[active])
    np.testing.assert_allclose(alpha, s_small ** 2 / (q_small ** 2 - s_small), rtol=1e-6)
    assert np.all(q_factor[~inside, 0] ** 2 <= s_factor[~inside] * (1 + 1e-9))
    # at the true noise the optimum keeps every true column (and some null ones: a null
    # column's q^2 / s is chi2_1, above 1 a third of the time, hence the adding ratio)
    assert np.isin(np.flatnonzero(w), active).all()
    assert np.all(np.diff(scores) >= -1e-9 * np.abs(scores[:-1]))

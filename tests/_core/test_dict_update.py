"""Kernels of sparselearn._core.dict_update against plain numpy oracles, and the drivers of
sparselearn._core.dict_learning against the steps they are made of."""

import numpy as np
import pytest

from sparselearn._core import dict_learning as _drivers
from sparselearn._core import dict_update as _dict_update
from sparselearn._core import prox as _prox


def _unit_rows(M):
    return M / np.linalg.norm(M, axis=1, keepdims=True)


def _surrogate(D, A, B):
    """The objective BCD minimizes: ``0.5 tr(D^T A D) - tr(D^T B)``."""
    return 0.5 * np.trace(D.T @ A @ D) - np.trace(D.T @ B)


def _statistics(rng, n_samples=60, n_components=8, n_features=12, density=0.4):
    codes = rng.standard_normal((n_samples, n_components))
    codes *= rng.uniform(size=codes.shape) < density
    X = rng.standard_normal((n_samples, n_features))
    return codes.T @ codes, codes.T @ X


@pytest.mark.parametrize("positive", [False, True])
def test_bcd_sweeps_decrease_the_surrogate_and_stay_feasible(rng, positive):
    A, B = _statistics(rng)
    D = _unit_rows(rng.standard_normal((A.shape[0], B.shape[1])))
    if positive:
        D = np.abs(D)
    values = [_surrogate(D, A, B)]
    for _ in range(10):
        unused = _dict_update.update_dict_bcd(D, A, B, 1, positive, 0.0)
        values.append(_surrogate(D, A, B))
        assert not unused.any()
        assert np.all(np.linalg.norm(D, axis=1) <= 1.0 + 1e-12)
        if positive:
            assert np.all(D >= 0.0)
    assert np.all(np.diff(values) <= 1e-10 * np.abs(values[:-1]))
    assert values[-1] < values[0]


def test_bcd_converges_to_an_interior_minimizer(rng):
    # with atoms of norm 0.5 the unit-ball constraint is inactive: the minimizer is A^-1 B
    n_components, n_features = 6, 10
    D_true = 0.5 * _unit_rows(rng.standard_normal((n_components, n_features)))
    codes = rng.standard_normal((200, n_components))
    A, B = codes.T @ codes, codes.T @ (codes @ D_true)
    D = _unit_rows(rng.standard_normal((n_components, n_features)))
    _dict_update.update_dict_bcd(D, A, B, 500, False, 0.0)
    np.testing.assert_allclose(D, D_true, atol=1e-8)


def test_bcd_one_sweep_projects_the_block_minimizer(rng):
    # each atom update is the exact minimizer over the unit ball with the other atoms fixed
    A, B = _statistics(rng, n_components=3)
    D = _unit_rows(rng.standard_normal((3, B.shape[1])))
    expected = D.copy()
    for k in range(3):
        target = expected[k] + (B[k] - A[k] @ expected) / A[k, k]
        expected[k] = target / max(np.linalg.norm(target), 1.0)
    _dict_update.update_dict_bcd(D, A, B, 1, False, 0.0)
    np.testing.assert_allclose(D, expected, rtol=1e-12, atol=1e-12)


def test_bcd_flags_and_keeps_atoms_below_min_usage(rng):
    A, B = _statistics(rng, n_components=5)
    A[2, :] = A[:, 2] = 0.0
    B[2] = 0.0
    A[4, 4] = 1e-3  # used, but less than min_usage
    D = _unit_rows(rng.standard_normal((5, B.shape[1])))
    before = D.copy()
    unused = _dict_update.update_dict_bcd(D, A, B, 1, False, 1e-2)
    np.testing.assert_array_equal(unused, [False, False, True, False, True])
    np.testing.assert_array_equal(D[[2, 4]], before[[2, 4]])
    assert not np.allclose(D[[0, 1, 3]], before[[0, 1, 3]])


def test_ksvd_sweep_decreases_the_residual_and_keeps_supports(rng):
    n_samples, n_components, n_features = 80, 10, 12
    D = _unit_rows(rng.standard_normal((n_components, n_features)))
    codes = rng.standard_normal((n_samples, n_components))
    codes *= rng.uniform(size=codes.shape) < 0.3
    codes[:, 7] = 0.0  # an atom no signal uses
    X = rng.standard_normal((n_samples, n_features))
    support = codes != 0
    before_atom = D[7].copy()
    residual_before = np.linalg.norm(X - codes @ D)
    unused = _dict_update.update_dict_ksvd(D, codes, X)
    assert np.flatnonzero(unused).tolist() == [7]
    np.testing.assert_array_equal(D[7], before_atom)
    assert np.linalg.norm(X - codes @ D) <= residual_before + 1e-12
    assert not np.any(codes[~support])
    np.testing.assert_allclose(np.linalg.norm(D[unused == 0], axis=1), 1.0)


def test_ksvd_recovers_a_rank_one_atom(rng):
    # signals that use one atom only: its SVD update is exact
    atom = _unit_rows(rng.standard_normal((1, 8)))[0]
    weights = rng.standard_normal(30)
    X = np.outer(weights, atom)
    D = _unit_rows(rng.standard_normal((1, 8)))
    codes = np.ones((30, 1))
    _dict_update.update_dict_ksvd(D, codes, X)
    np.testing.assert_allclose(np.abs(D[0] @ atom), 1.0)
    np.testing.assert_allclose(codes @ D, X, atol=1e-12)


def test_adam_step_matches_numpy_reference(rng):
    shape = (4, 6)
    D = rng.standard_normal(shape)
    first, second = np.zeros(shape), np.zeros(shape)
    ref_D, ref_m, ref_v = D.copy(), np.zeros(shape), np.zeros(shape)
    lr, beta1, beta2, eps = 0.01, 0.9, 0.999, 1e-8
    for step in range(1, 6):
        grad = rng.standard_normal(shape)
        _dict_update.adam_step(D, grad, first, second, step, lr, beta1, beta2, eps)
        ref_m = beta1 * ref_m + (1 - beta1) * grad
        ref_v = beta2 * ref_v + (1 - beta2) * grad**2
        m_hat = ref_m / (1 - beta1**step)
        v_hat = ref_v / (1 - beta2**step)
        ref_D = ref_D - lr * m_hat / (np.sqrt(v_hat) + eps)
        np.testing.assert_allclose(first, ref_m, rtol=1e-12)
        np.testing.assert_allclose(second, ref_v, rtol=1e-12)
        np.testing.assert_allclose(D, ref_D, rtol=1e-12)


def test_adam_first_step_moves_each_entry_by_the_learning_rate():
    # bias correction: the first step is lr * sign(grad) (up to eps)
    D = np.zeros((2, 3))
    grad = np.array([[1.0, -2.0, 0.5], [-3.0, 4.0, -1e-3]])
    _dict_update.adam_step(D, grad, np.zeros_like(D), np.zeros_like(D), 1, 0.1, 0.9, 0.999, 1e-12)
    np.testing.assert_allclose(D, -0.1 * np.sign(grad), rtol=1e-6)


def test_normalize_rows_gives_unit_rows_and_keeps_zero_rows(rng):
    D = rng.standard_normal((5, 7)) * rng.uniform(0.1, 10.0, (5, 1))
    D[3] = 0.0
    directions = D.copy()
    _dict_update.normalize_rows(D)
    norms = np.linalg.norm(D, axis=1)
    np.testing.assert_allclose(norms[[0, 1, 2, 4]], 1.0, rtol=1e-14)
    np.testing.assert_array_equal(D[3], 0.0)
    for k in (0, 1, 2, 4):
        np.testing.assert_allclose(D[k] * np.linalg.norm(directions[k]), directions[k], rtol=1e-12)


# ---------------------------------------------------------------------------------------------
# drivers of sparselearn._core.dict_learning
# ---------------------------------------------------------------------------------------------


def _planted(rng, n_samples=300, n_components=10, n_features=16, n_nonzero=2, noise=0.01):
    D_true = _unit_rows(rng.standard_normal((n_components, n_features)))
    codes = np.zeros((n_samples, n_components))
    for i in range(n_samples):
        atoms = rng.choice(n_components, n_nonzero, replace=False)
        codes[i, atoms] = rng.choice([-1.0, 1.0], n_nonzero) * rng.uniform(1.0, 2.0, n_nonzero)
    X = codes @ D_true + noise * rng.standard_normal((n_samples, n_features))
    return np.ascontiguousarray(X), D_true


def _l1_coding(alpha, n_components, positive=False):
    params = np.array([alpha, 0.0, 0.0, 1.0 if positive else 0.0])
    return {"algorithm": "cd", "positive": positive, "max_iter": 1000, "tol": 1e-4,
            "penalty": (_prox.L1, params, np.ones(n_components), True)}


def _data_init(rng, X, n_components):
    return _unit_rows(X[rng.choice(X.shape[0], n_components, replace=False)])


def test_batch_driver_cost_history_does_not_increase_with_cd_and_bcd(rng):
    # warm-started CD decreases the objective in C, a BCD sweep the objective in D
    X, D_true = _planted(rng)
    D = _data_init(rng, X, 10)
    coding = _l1_coding(0.1, 10)
    errors, converged, failures, all_zero = _drivers.batch_dict_learning(
        X, D, coding, "bcd", False, 40, 0.0, np.random.RandomState(0))
    assert failures == [] and not all_zero
    # with tol=0 it stops early only at a fixed point
    assert errors.shape == (40,) or (converged and errors[-1] == errors[-2])
    assert np.all(np.diff(errors) <= 1e-9 * errors[:-1])
    assert errors[-1] < 0.7 * errors[0]
    assert np.all(np.linalg.norm(D, axis=1) <= 1.0 + 1e-12)


def test_batch_driver_first_iteration_is_coding_then_one_bcd_sweep(rng):
    X, _ = _planted(rng)
    D0 = _data_init(rng, X, 10)
    coding = _l1_coding(0.1, 10)
    codes, _, _ = _drivers.encode_signals(X, D0.copy(), coding)
    expected = D0.copy()
    unused = _dict_update.update_dict_bcd(expected, codes.T @ codes, codes.T @ X, 1, False,
                                        1e-10 * np.trace(codes.T @ codes) / 10)
    assert not unused.any()
    D = D0.copy()
    errors, converged, _, _ = _drivers.batch_dict_learning(
        X, D, coding, "bcd", False, 1, 1e-8, np.random.RandomState(0))
    np.testing.assert_array_equal(D, expected)
    residual = X - codes @ expected
    objective = 0.5 * np.sum(residual**2) + 0.1 * np.abs(codes).sum()
    np.testing.assert_allclose(errors, [objective], rtol=1e-12)
    assert not converged


def test_batch_driver_replaces_an_unused_atom_by_the_worst_represented_residual(rng):
    X, _ = _planted(rng, n_samples=120)
    D = _data_init(rng, X, 10)
    D[4] = -D[3]  # a duplicate (|cos| = 1) of atom 3
    coding = {"algorithm": "omp", "positive": False, "max_iter": 1000, "tol": 1e-4,
              "n_nonzero_coefs": 2}
    _drivers.batch_dict_learning(X, D, coding, "ksvd", False, 1, 0.0, np.random.RandomState(0))
    cos = np.abs(D @ D.T)
    np.fill_diagonal(cos, 0.0)
    assert cos.max() < 0.99
    np.testing.assert_allclose(np.linalg.norm(D, axis=1), 1.0)


def test_online_step_cost_is_the_batch_objective_before_the_update(rng):
    X, _ = _planted(rng, n_samples=40)
    D = _data_init(rng, X, 10)
    before = D.copy()
    coding = _l1_coding(0.1, 10)
    codes, _, _ = _drivers.encode_signals(X, before, coding)
    cost, _ = _drivers.minibatch_step(D, np.zeros((10, 10)), np.zeros((10, 16)), X, 0, coding,
                                      False, False, np.random.RandomState(0))
    residual = X - codes @ before
    expected = (0.5 * np.sum(residual**2) + 0.1 * np.abs(codes).sum()) / X.shape[0]
    np.testing.assert_allclose(cost, expected, rtol=1e-12)
    assert not np.array_equal(D, before)


def test_online_step_resets_the_statistics_of_replaced_atoms(rng):
    # atom 6 is orthogonal to the signals and to the other atoms: no code uses it, so it is
    # replaced by a normalized signal of the batch and its statistics are reset
    X, _ = _planted(rng, n_samples=40)
    X[:, 15] = 0.0
    D = _data_init(rng, X, 10)
    D[6] = np.eye(16)[15]
    A, B = np.zeros((10, 10)), np.zeros((10, 16))
    _drivers.minibatch_step(D, A, B, X, 0, _l1_coding(0.1, 10), False, True,
                            np.random.RandomState(0))
    k = 6
    assert np.all(np.diag(A)[np.arange(10) != k] > 0.0)
    assert np.all(A[k] == 0.0) and np.all(A[:, k] == 0.0) and np.all(B[k] == 0.0)
    signals = X / np.linalg.norm(X, axis=1, keepdims=True)
    assert np.min(np.linalg.norm(signals - D[k], axis=1)) < 1e-12


@pytest.mark.parametrize("max_no_improvement, tol, expected_steps, expected_stopped", [
    (0, 0.0, 2, True),        # the smoothed cost never improves on itself: stop at step 2
    (None, 0.0, 2 * 5, False),  # no rule: every batch of both epochs
    (None, 1e6, 2, True),      # any dictionary change is below tol: stop at step 2
])
def test_online_driver_stopping_rules(rng, max_no_improvement, tol, expected_steps,
                                      expected_stopped):
    X, _ = _planted(rng, n_samples=50)
    D = _data_init(rng, X, 10)
    n_iter, n_steps, stopped, _ = _drivers.online_dict_learning(
        X, D, np.zeros((10, 10)), np.zeros((10, 16)), _l1_coding(0.1, 10), 10, 2, True, False,
        True, tol, max_no_improvement, np.random.RandomState(0))
    assert (n_steps, stopped) == (expected_steps, expected_stopped)
    assert n_iter == (1 if stopped else 2)


def test_masked_driver_without_mask_takes_adam_steps_on_the_plain_loss(rng):
    # mask_size = n_features: hidden = visible = all coordinates; one epoch of one batch is one
    # Adam step on the full reconstruction loss with OMP codes, then unit rows
    X, _ = _planted(rng, n_samples=30)
    D = _data_init(rng, X, 10)
    D0 = D.copy()
    losses, n_steps = _drivers.masked_dict_learning(X, D, 2, X.shape[1], 30, 1, 0.01, False,
                                                    np.random.RandomState(0))
    codes, _, _ = _drivers.encode_signals(X, D0, {"algorithm": "omp", "positive": False,
                                                  "n_nonzero_coefs": 2})
    residual = X - codes @ D0
    np.testing.assert_allclose(losses, [np.sum(residual**2) / 30], rtol=1e-12)
    grad = -2.0 / 30 * codes.T @ residual
    expected = D0 - 0.01 * grad / (np.abs(grad) + 1e-8)  # Adam's first step
    expected /= np.linalg.norm(expected, axis=1, keepdims=True)
    np.testing.assert_allclose(D, expected, rtol=1e-6, atol=1e-8)
    assert n_steps == 1


def test_masked_driver_only_hidden_coordinates_drive_the_step(rng):
    # with a mask, the gradient is zero on visible coordinates: before renormalization only
    # hidden entries move, so each row is a rescaling of the old one on some coordinates
    X, _ = _planted(rng, n_samples=20)
    D = _data_init(rng, X, 10)
    D0 = D.copy()
    state = np.random.RandomState(3)
    visible = np.sort(np.random.RandomState(3).choice(16, 12, replace=False))
    _drivers.masked_dict_learning(X, D, 2, 12, 20, 1, 0.05, False, state)
    scale = D[:, visible] / D0[:, visible]
    np.testing.assert_allclose(scale, scale[:, :1] * np.ones((1, 12)), rtol=1e-10)
    assert not np.allclose(D, D0)

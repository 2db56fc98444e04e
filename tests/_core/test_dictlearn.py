"""Kernels of sparselearn._core.dictlearn against plain numpy oracles."""

import numpy as np
import pytest

from sparselearn._core import dictlearn as _dictlearn


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
        unused = _dictlearn.update_dict_bcd(D, A, B, 1, positive, 0.0)
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
    _dictlearn.update_dict_bcd(D, A, B, 500, False, 0.0)
    np.testing.assert_allclose(D, D_true, atol=1e-8)


def test_bcd_one_sweep_projects_the_block_minimizer(rng):
    # each atom update is the exact minimizer over the unit ball with the other atoms fixed
    A, B = _statistics(rng, n_components=3)
    D = _unit_rows(rng.standard_normal((3, B.shape[1])))
    expected = D.copy()
    for k in range(3):
        target = expected[k] + (B[k] - A[k] @ expected) / A[k, k]
        expected[k] = target / max(np.linalg.norm(target), 1.0)
    _dictlearn.update_dict_bcd(D, A, B, 1, False, 0.0)
    np.testing.assert_allclose(D, expected, rtol=1e-12, atol=1e-12)


def test_bcd_flags_and_keeps_atoms_below_min_usage(rng):
    A, B = _statistics(rng, n_components=5)
    A[2, :] = A[:, 2] = 0.0
    B[2] = 0.0
    A[4, 4] = 1e-3  # used, but less than min_usage
    D = _unit_rows(rng.standard_normal((5, B.shape[1])))
    before = D.copy()
    unused = _dictlearn.update_dict_bcd(D, A, B, 1, False, 1e-2)
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
    unused = _dictlearn.update_dict_ksvd(D, codes, X)
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
    _dictlearn.update_dict_ksvd(D, codes, X)
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
        _dictlearn.adam_step(D, grad, first, second, step, lr, beta1, beta2, eps)
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
    _dictlearn.adam_step(D, grad, np.zeros_like(D), np.zeros_like(D), 1, 0.1, 0.9, 0.999, 1e-12)
    np.testing.assert_allclose(D, -0.1 * np.sign(grad), rtol=1e-6)


def test_normalize_rows_gives_unit_rows_and_keeps_zero_rows(rng):
    D = rng.standard_normal((5, 7)) * rng.uniform(0.1, 10.0, (5, 1))
    D[3] = 0.0
    directions = D.copy()
    _dictlearn.normalize_rows(D)
    norms = np.linalg.norm(D, axis=1)
    np.testing.assert_allclose(norms[[0, 1, 2, 4]], 1.0, rtol=1e-14)
    np.testing.assert_array_equal(D[3], 0.0)
    for k in (0, 1, 2, 4):
        np.testing.assert_allclose(D[k] * np.linalg.norm(directions[k]), directions[k], rtol=1e-12)

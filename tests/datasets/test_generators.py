"""Synthetic generators: shapes, seeds, and the planted truth their docstrings state."""

import numpy as np
import pytest

from sparselearn.datasets import make_correlated_design, make_sparse_regression


def test_correlated_design_shape_dtype_and_seeds():
    X = make_correlated_design(30, 7, rho=0.3, random_state=0)
    assert X.shape == (30, 7) and X.dtype == np.float64 and np.all(np.isfinite(X))
    np.testing.assert_array_equal(X, make_correlated_design(30, 7, rho=0.3, random_state=0))
    same_stream = make_correlated_design(30, 7, rho=0.3, random_state=np.random.RandomState(0))
    np.testing.assert_array_equal(X, same_stream)
    assert not np.allclose(X, make_correlated_design(30, 7, rho=0.3, random_state=1))


@pytest.mark.parametrize("rho", [0.0, 0.5, 0.9])
def test_correlated_design_has_toeplitz_correlation(global_random_seed, rho):
    # unit-variance features with corr(x_i, x_j) = rho^|i - j|
    X = make_correlated_design(40_000, 5, rho=rho, random_state=global_random_seed)
    lags = np.abs(np.subtract.outer(np.arange(5), np.arange(5)))
    np.testing.assert_allclose(np.cov(X.T), rho**lags, atol=0.03)
    np.testing.assert_allclose(X.mean(axis=0), 0.0, atol=0.03)


def test_correlated_design_with_rho_zero_is_the_seeds_gaussian_draw():
    X = make_correlated_design(8, 4, rho=0.0, random_state=3)
    np.testing.assert_array_equal(X, np.random.RandomState(3).standard_normal((8, 4)))


@pytest.mark.parametrize("n_samples, n_features, n_informative", [(50, 100, 5), (80, 20, 20),
                                                                  (10, 1, 1)])
def test_sparse_regression_planted_truth(global_random_seed, n_samples, n_features,
                                         n_informative):
    X, y, coef = make_sparse_regression(n_samples, n_features, n_informative, snr=2.5,
                                        random_state=global_random_seed)
    assert X.shape == (n_samples, n_features) and y.shape == (n_samples,)
    assert coef.shape == (n_features,)
    assert X.dtype == y.dtype == coef.dtype == np.float64
    # n_informative non-zeros with magnitudes in [1, 2]
    support = np.flatnonzero(coef)
    assert support.size == n_informative
    assert np.all((np.abs(coef[support]) >= 1.0) & (np.abs(coef[support]) <= 2.0))
    # y = X coef + noise with ||X coef|| / ||noise|| = snr
    noise = y - X @ coef
    assert np.linalg.norm(X @ coef) / np.linalg.norm(noise) == pytest.approx(2.5, rel=1e-12)


def test_sparse_regression_design_is_the_correlated_design():
    X, _, _ = make_sparse_regression(20, 6, 2, rho=0.4, random_state=7)
    np.testing.assert_array_equal(X, make_correlated_design(20, 6, rho=0.4, random_state=7))


def test_sparse_regression_random_signs_and_positions():
    coefs = np.array([make_sparse_regression(5, 50, 5, random_state=s)[2] for s in range(40)])
    assert np.any(coefs > 0) and np.any(coefs < 0)
    assert np.count_nonzero(coefs.any(axis=0)) > 25  # supports move with the seed


def test_sparse_regression_seeds():
    first = make_sparse_regression(30, 40, 4, random_state=0)
    for a, b in zip(first, make_sparse_regression(30, 40, 4, random_state=0)):
        np.testing.assert_array_equal(a, b)
    other = make_sparse_regression(30, 40, 4, random_state=1)
    for a, b in zip(first, other):
        assert not np.array_equal(a, b)


@pytest.mark.parametrize("kwargs, name", [
    ({"n_samples": 0}, "n_samples"), ({"n_samples": 2.5}, "n_samples"),
    ({"n_features": 0}, "n_features"), ({"rho": 1.0}, "rho"), ({"rho": -0.1}, "rho"),
    ({"rho": np.nan}, "rho"), ({"random_state": "zero"}, "random_state"),
])
def test_correlated_design_bad_parameters(kwargs, name):
    params = {"n_samples": 10, "n_features": 3, **kwargs}
    with pytest.raises(ValueError, match=name):
        make_correlated_design(**params)


@pytest.mark.parametrize("kwargs, name", [
    ({"n_samples": 0}, "n_samples"), ({"n_features": -1}, "n_features"),
    ({"n_informative": 0}, "n_informative"), ({"n_informative": 11}, "n_informative"),
    ({"rho": 1.5}, "rho"), ({"snr": 0.0}, "snr"), ({"snr": -1.0}, "snr"),
    ({"snr": np.inf}, "snr"), ({"snr": np.nan}, "snr"),
])
def test_sparse_regression_bad_parameters(kwargs, name):
    params = {"n_samples": 10, "n_features": 10, "n_informative": 3, **kwargs}
    with pytest.raises(ValueError, match=name):
        make_sparse_regression(**params)


def test_planted_dictionary_has_unit_atoms_and_k_sparse_codes(global_random_seed):
    from sparselearn.datasets import make_planted_dictionary

    X, D, C = make_planted_dictionary(50, 12, 8, 3, random_state=global_random_seed)
    np.testing.assert_allclose(np.linalg.norm(D, axis=1), 1.0)
    assert np.all(np.count_nonzero(C, axis=1) == 3)
    assert np.all(np.abs(C[C != 0]) >= 1.0)  # magnitudes bounded away from 0
    np.testing.assert_allclose(X, C @ D)  # no noise by default
    X2, D2, C2 = make_planted_dictionary(50, 12, 8, 3, unit_codes=True, noise=0.1,
                                         random_state=global_random_seed, dictionary=D)
    np.testing.assert_array_equal(D2, D)
    np.testing.assert_allclose(np.linalg.norm(C2, axis=1), 1.0)
    assert 0.05 < np.std(X2 - C2 @ D2) < 0.2


def test_planted_dictionary_refuses_more_atoms_per_signal_than_atoms():
    from sparselearn.datasets import make_planted_dictionary

    with pytest.raises(ValueError, match="n_nonzero_coefs"):
        make_planted_dictionary(5, 3, 4, 4)
    with pytest.raises(ValueError, match="dictionary"):
        make_planted_dictionary(5, 3, 4, 2, dictionary=np.ones((2, 4)))

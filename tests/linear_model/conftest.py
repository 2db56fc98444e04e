import numpy as np
import pytest


def correlated_design(rng, n_samples, n_features, rho=0.5):
    """Gaussian design with Toeplitz correlation rho^|i - j| between features."""
    Z = rng.standard_normal((n_samples, n_features))
    X = np.empty_like(Z)
    X[:, 0] = Z[:, 0]
    for j in range(1, n_features):
        X[:, j] = rho * X[:, j - 1] + np.sqrt(1 - rho**2) * Z[:, j]
    return X


@pytest.fixture
def regression_data(rng):
    X = correlated_design(rng, 60, 40)
    w = np.zeros(40)
    w[[1, 5, 11, 20]] = [2.0, -1.5, 1.0, 3.0]
    y = X @ w + 0.3 * rng.standard_normal(60) + 1.0
    return X, y, w


def pytest_collection_modifyitems(config, items):
    """Deselect the scikit-learn parameter sets listed in test_sklearn_compat.EXCLUDED_PARAMS."""
    kept, dropped = [], []
    for item in items:
        excluded = getattr(getattr(item, "module", None), "EXCLUDED_PARAMS", {})
        (dropped if item.name in excluded else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept

"""Seeded synthetic problems with a planted sparse truth."""

import numbers

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, validate_params

__all__ = ["make_correlated_design", "make_sparse_regression"]


_SIZE = [Interval(numbers.Integral, 1, None, closed="left")]
_RHO = [Interval(numbers.Real, 0, 1, closed="left")]


@validate_params(
    {"n_samples": _SIZE, "n_features": _SIZE, "rho": _RHO, "random_state": ["random_state"]},
    prefer_skip_nested_validation=True,
)
def make_correlated_design(n_samples, n_features, rho=0.5, random_state=None):
    """Gaussian design whose features have Toeplitz correlation ``rho^|i - j|``.

    Parameters
    ----------
    n_samples, n_features : int
        Shape of the design.
    rho : float, default=0.5
        Correlation of neighbouring features, in [0, 1).
    random_state : int, RandomState instance or None, default=None
        Seed.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.datasets import make_correlated_design
    >>> X = make_correlated_design(20000, 3, rho=0.5, random_state=0)
    >>> np.round(np.corrcoef(X.T), 1)
    array([[1. , 0.5, 0.2],
           [0.5, 1. , 0.5],
           [0.2, 0.5, 1. ]])
    """
    rng = check_random_state(random_state)
    Z = rng.standard_normal((n_samples, n_features))
    X = np.empty_like(Z)
    X[:, 0] = Z[:, 0]
    scale = np.sqrt(1.0 - rho**2)
    for j in range(1, n_features):
        X[:, j] = rho * X[:, j - 1] + scale * Z[:, j]
    return X


@validate_params(
    {"n_samples": _SIZE, "n_features": _SIZE, "n_informative": _SIZE, "rho": _RHO,
     "snr": [Interval(numbers.Real, 0, None, closed="neither")], "random_state": ["random_state"]},
    prefer_skip_nested_validation=True,
)
def make_sparse_regression(n_samples=200, n_features=1000, n_informative=10, rho=0.5, snr=3.0,
                           random_state=None):
    """Sparse linear model ``y = X w + noise`` on a correlated Gaussian design.

    The ``n_informative`` non-zero coefficients sit at random positions with random signs and
    magnitudes in [1, 2]; the noise level gives ``||X w|| / ||noise|| = snr``.

    Parameters
    ----------
    n_samples, n_features, n_informative : int
        Problem size and number of non-zero coefficients.
    rho : float, default=0.5
        Toeplitz correlation of the features.
    snr : float, default=3.0
        Signal-to-noise ratio.
    random_state : int, RandomState instance or None, default=None
        Seed.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    coef : ndarray of shape (n_features,)
        The planted coefficients.

    Examples
    --------
    >>> from sparselearn.datasets import make_sparse_regression
    >>> X, y, coef = make_sparse_regression(50, 100, 5, random_state=0)
    >>> X.shape, int((coef != 0).sum())
    ((50, 100), 5)
    """
    if n_informative > n_features:
        raise ValueError(f"n_informative={n_informative} exceeds n_features={n_features}.")
    rng = check_random_state(random_state)
    X = make_correlated_design(n_samples, n_features, rho, rng)
    coef = np.zeros(n_features)
    support = rng.choice(n_features, n_informative, replace=False)
    coef[support] = rng.choice([-1.0, 1.0], n_informative) * rng.uniform(1.0, 2.0, n_informative)
    signal = X @ coef
    noise = rng.standard_normal(n_samples)
    noise *= np.linalg.norm(signal) / (snr * np.linalg.norm(noise))
    return X, signal + noise, coef

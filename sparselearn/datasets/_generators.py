"""Seeded synthetic problems with a planted sparse truth."""

import numbers

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, validate_params

__all__ = ["make_correlated_design", "make_sparse_regression", "make_planted_dictionary",
           "make_least_squares"]


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


@validate_params(
    {"n_samples": _SIZE, "n_components": _SIZE, "n_features": _SIZE,
     "n_nonzero_coefs": _SIZE, "noise": [Interval(numbers.Real, 0, None, closed="left")],
     "unit_codes": ["boolean"], "random_state": ["random_state"],
     "dictionary": ["array-like", None]},
    prefer_skip_nested_validation=True,
)
def make_planted_dictionary(n_samples, n_components, n_features, n_nonzero_coefs, noise=0.0,
                            unit_codes=False, random_state=None, dictionary=None):
    """Signals ``X = C D + noise`` coded over a planted dictionary, for dictionary learning.

    ``D`` has unit-norm Gaussian atoms (rows); each code ``C[i]`` has ``n_nonzero_coefs``
    entries on a uniformly drawn support, with Gaussian values (rescaled to unit norm if
    ``unit_codes``, as in Chidambaram et al. 2023, else with magnitudes bounded away from 0,
    ``1 + |g|``); the noise is Gaussian with standard deviation ``noise`` per coordinate. The
    layout is scikit-learn's (atoms and codes in rows, ``X = C @ D``).

    Parameters
    ----------
    n_samples : int
        Number of signals.
    n_components : int
        Number of planted atoms.
    n_features : int
        Dimension of a signal.
    n_nonzero_coefs : int
        Atoms per signal, at most ``n_components``.
    noise : float, default=0.0
        Standard deviation of the Gaussian noise.
    unit_codes : bool, default=False
        Rescale each code to unit norm.
    random_state : int, RandomState instance or None, default=None
        Seed.
    dictionary : array-like of shape (n_components, n_features), default=None
        Use this dictionary instead of drawing one: more signals from the same model,
        independent of earlier draws (Chidambaram et al. start the learned dictionary from such
        fresh noisy signals, never from training signals).

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
        The signals.
    D : ndarray of shape (n_components, n_features)
        The planted dictionary, unit-norm atoms in rows.
    C : ndarray of shape (n_samples, n_components)
        The planted codes.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.datasets import make_planted_dictionary
    >>> X, D, C = make_planted_dictionary(100, 30, 10, 3, noise=0.01, random_state=0)
    >>> X.shape, D.shape, int(np.count_nonzero(C[0]))
    ((100, 10), (30, 10), 3)
    """
    if n_nonzero_coefs > n_components:
        raise ValueError(f"n_nonzero_coefs={n_nonzero_coefs} must be at most "
                         f"n_components={n_components}.")
    rng = check_random_state(random_state)
    if dictionary is None:
        D = rng.standard_normal((n_components, n_features))
        D /= np.linalg.norm(D, axis=1, keepdims=True)
    else:
        D = np.asarray(dictionary)
        if D.dtype.kind not in "biuf" or D.shape != (n_components, n_features) \
                or not np.all(np.isfinite(D)):
            raise ValueError(f"dictionary must be a finite real array of shape ({n_components}, "
                             f"{n_features}); got shape {D.shape}, dtype {D.dtype}.")
        D = D.astype(np.float64)
    C = np.zeros((n_samples, n_components))
    for i in range(n_samples):
        support = rng.choice(n_components, n_nonzero_coefs, replace=False)
        values = rng.standard_normal(n_nonzero_coefs)
        if unit_codes:
            values /= np.linalg.norm(values)
        else:
            values = np.sign(values) * (1.0 + np.abs(values))
        C[i, support] = values
    X = C @ D
    if noise:
        X = X + noise * rng.standard_normal(X.shape)
    return X, D, C


@validate_params(
    {"n_samples": _SIZE, "n_features": _SIZE,
     "cond": [Interval(numbers.Real, 1, None, closed="left")],
     "noise": [Interval(numbers.Real, 0, None, closed="left")],
     "random_state": ["random_state"]},
    prefer_skip_nested_validation=True,
)
def make_least_squares(n_samples, n_features, cond=1.0, noise=1e-3, random_state=None):
    """A least-squares problem with a known solution and a chosen condition number.

    ``A = U diag(s) V^T`` with orthonormal ``U`` (n_samples x n_features) and ``V``, singular
    values ``s`` log-spaced from 1 down to ``1 / cond``; ``x`` is a random unit vector and
    ``b = A x + r`` with ``r`` orthogonal to the range of ``A`` and ``||r|| = noise``, so ``x``
    is the exact least-squares solution (up to the rounding of ``A``) and ``noise`` the optimal
    residual norm. The forward error of a solver is then ``||x_hat - x||``.

    Parameters
    ----------
    n_samples : int
        Number of rows, at least ``n_features``.
    n_features : int
        Number of columns.
    cond : float, default=1.0
        Condition number of ``A``, >= 1.
    noise : float, default=1e-3
        Norm of the optimal residual ``r``, >= 0.
    random_state : int, RandomState instance or None, default=None
        Seed.

    Returns
    -------
    A : ndarray of shape (n_samples, n_features)
        The design.
    b : ndarray of shape (n_samples,)
        The right-hand side.
    x : ndarray of shape (n_features,)
        The exact least-squares solution.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.datasets import make_least_squares
    >>> A, b, x = make_least_squares(50, 5, cond=1e3, noise=0.1, random_state=0)
    >>> round(float(np.linalg.cond(A)), 6), round(float(np.linalg.norm(b - A @ x)), 6)
    (1000.0, 0.1)
    """
    if n_samples < n_features:
        raise ValueError(f"n_samples={n_samples} must be at least n_features={n_features}.")
    rng = check_random_state(random_state)
    U, _ = np.linalg.qr(rng.standard_normal((n_samples, n_features)))
    V, _ = np.linalg.qr(rng.standard_normal((n_features, n_features)))
    A = (U * np.logspace(0, -np.log10(cond), n_features)) @ V.T
    x = rng.standard_normal(n_features)
    x /= np.linalg.norm(x)
    r = rng.standard_normal(n_samples)
    r -= U @ (U.T @ r)
    norm = np.linalg.norm(r)
    r *= noise / norm if norm > 0 else 0.0
    return A, A @ x + r, x

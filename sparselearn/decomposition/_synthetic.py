"""Planted dictionaries for tests, the tour, examples and benchmarks."""

import numpy as np
from sklearn.utils import check_random_state


def planted_dictionary_data(n_samples, n_components, n_features, n_nonzero_coefs, noise=0.0,
                            unit_codes=False, random_state=None, dictionary=None):
    """Signals ``X = C D + noise`` from a planted dictionary.

    ``D`` has unit-norm Gaussian atoms (rows); each code ``C[i]`` has ``n_nonzero_coefs`` entries
    on a uniformly drawn support, Gaussian values (rescaled to unit norm if ``unit_codes``, as in
    Chidambaram et al. 2023, else with magnitudes bounded away from 0); the noise is Gaussian of
    standard deviation ``noise`` per coordinate.

    Given ``dictionary`` (shape ``(n_components, n_features)``), that ``D`` is used instead of a
    new draw: more signals from the same model, independent of the first ones. Chidambaram et
    al. initialize the learned dictionary with such fresh noisy signals (normalized), never with
    training signals.

    Returns ``X`` (n_samples, n_features), ``D`` (n_components, n_features), ``C`` (n_samples,
    n_components).
    """
    rng = check_random_state(random_state)
    if dictionary is None:
        D = rng.standard_normal((n_components, n_features))
        D /= np.linalg.norm(D, axis=1, keepdims=True)
    else:
        D = np.asarray(dictionary, dtype=np.float64)
        if D.shape != (n_components, n_features):
            raise ValueError(f"dictionary must have shape ({n_components}, {n_features}), "
                             f"got {D.shape}.")
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

"""Input checks shared by the linear-model functions (estimators use ``validate_data``)."""

import numpy as np
from sklearn.utils import check_array
from sklearn.utils.validation import _check_sample_weight, validate_data

from .._checks import check_named_array
from ..datafits import get_datafit
from ..penalties import L1, PENALTIES, Penalty


def check_penalty(penalty):
    """A Penalty from ``None`` (``L1()``), a name of ``PENALTIES`` (``"mcp"``: that penalty with
    its default parameters, as ``sparse_encode`` takes it) or a Penalty; invalid parameters and
    anything else are refused by name."""
    if penalty is None:
        return L1()
    if isinstance(penalty, str):
        if penalty not in PENALTIES:
            raise ValueError(
                f"penalty must be one of {sorted(PENALTIES)} or a Penalty instance, got "
                f"{penalty!r}."
            )
        return PENALTIES[penalty]()
    if not isinstance(penalty, Penalty):
        raise ValueError(
            f"penalty must be a sparselearn.penalties.Penalty instance (L1, MCP, ...) or one of "
            f"{sorted(PENALTIES)}, got {penalty!r}."
        )
    penalty._check()
    return penalty


def normalized_sample_weight(sample_weight, X):
    """Sample weights summing to 1 (sklearn's Lasso normalizes them to sum to n_samples; the
    objective ``sum_i s_i f_i / sum_i s_i`` is the same)."""
    sw = _check_sample_weight(sample_weight, X, dtype=np.float64, ensure_non_negative=True)
    total = sw.sum()
    if not total > 0:
        raise ValueError("sample_weight must have a positive sum.")
    return sw / total


def check_Xy(X, y, sample_weight=None):
    """Validated float64 ``X`` (dense or CSC), ``y`` and normalized sample weights."""
    X = check_named_array(X, "X", ndim=2, accept_sparse=["csc", "csr"],
                          dtype=[np.float64, np.float32])
    y = check_named_array(y, "y", ndim=(1, 2)).ravel()
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"inconsistent numbers of samples: y has {y.shape[0]} entries but X "
                         f"has {X.shape[0]} rows.")
    return X, y, normalized_sample_weight(sample_weight, X)


def check_coef_init(coef_init, n_features):
    """``coef_init`` as float64 of shape ``(n_features,)`` (None passes through)."""
    if coef_init is None:
        return None
    coef_init = check_array(coef_init, ensure_2d=False, dtype=np.float64, input_name="coef_init")
    if coef_init.shape != (n_features,):
        raise ValueError(f"coef_init must have shape ({n_features},), got {coef_init.shape}.")
    return coef_init


def validate_regression(estimator, X, y, sample_weight, multi_output=False):
    """The checks of a regressor's ``fit``: ``X`` (float64 or float32, dense, CSC or CSR; sets
    ``n_features_in_``), the penalty, the datafit and ``y`` for it, normalized sample weights.
    ``multi_output=True`` accepts a 2-D ``y`` (one column per target).

    Returns ``(X, y, sample_weight, penalty, datafit)`` with ``y`` as float64.
    """
    X, y = validate_data(estimator, X, y, accept_sparse=["csc", "csr"],
                         dtype=[np.float64, np.float32], y_numeric=True,
                         multi_output=multi_output)
    penalty = check_penalty(estimator.penalty)
    datafit = get_datafit(estimator.datafit)
    y = datafit.check_target(np.asarray(y, dtype=np.float64))
    return X, y, normalized_sample_weight(sample_weight, X), penalty, datafit

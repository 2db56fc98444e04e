"""Atom-recovery metrics between a planted dictionary and a learned one."""

import numbers

import numpy as np
from sklearn.utils._param_validation import Interval, validate_params

from .._checks import check_named_array

__all__ = ["dictionary_recovery_score", "dictionary_recovery_error"]


def _abs_cosines(D_true, D_est):
    D_true = check_named_array(D_true, "D_true", ndim=2)
    D_est = check_named_array(D_est, "D_est", ndim=2)
    if D_true.shape[1] != D_est.shape[1]:
        raise ValueError(f"D_true has {D_true.shape[1]} features but D_est has {D_est.shape[1]}; "
                         "both have shape (n_components, n_features).")
    norms_true = np.linalg.norm(D_true, axis=1)
    norms_est = np.linalg.norm(D_est, axis=1)
    if np.any(norms_true == 0):
        raise ValueError("D_true has zero atoms.")
    norms_est[norms_est == 0] = np.inf  # a zero learned atom matches nothing
    return np.abs(D_true @ D_est.T) / np.outer(norms_true, norms_est)


@validate_params(
    {"D_true": ["array-like"], "D_est": ["array-like"],
     "threshold": [Interval(numbers.Real, 0, 1, closed="both")]},
    prefer_skip_nested_validation=True,
)
def dictionary_recovery_score(D_true, D_est, *, threshold=0.99):
    r"""Fraction of the true atoms recovered by a learned dictionary.

    An atom :math:`d` of ``D_true`` counts as recovered when some learned atom :math:`\hat d`
    has :math:`|\cos(d, \hat d)| > \text{threshold}` (sign and scale free), the criterion of
    Aharon, Elad & Bruckstein (2006) with ``threshold = 0.99``.

    Parameters
    ----------
    D_true : array-like of shape (n_true_components, n_features)
        Planted atoms (rows).
    D_est : array-like of shape (n_components, n_features)
        Learned atoms (rows); may hold more atoms than ``D_true``.
    threshold : float, default=0.99
        Smallest absolute cosine that counts as a match.

    Returns
    -------
    score : float
        Fraction in [0, 1].

    See Also
    --------
    dictionary_recovery_error : Mean cosine distance (Chidambaram et al., 2023).

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.decomposition import dictionary_recovery_score
    >>> D = np.eye(3)
    >>> dictionary_recovery_score(D, -D[[0, 2]])
    0.6666666666666666
    """
    return float(np.mean(_abs_cosines(D_true, D_est).max(axis=1) > threshold))


@validate_params({"D_true": ["array-like"], "D_est": ["array-like"]}, prefer_skip_nested_validation=True)
def dictionary_recovery_error(D_true, D_est):
    r"""Mean over true atoms of the smallest sign-free cosine distance to a learned atom.

    .. math::
        \frac{1}{p} \sum_{k=1}^{p} \min_{l} \big(1 - |\cos(d_k, \hat d_l)|\big),

    the metric of Chidambaram, Wu, Cheng & Ge, "Hiding Data Helps: On the Benefits of Masking for
    Sparse Coding", ICML 2023 (0 = every true atom recovered exactly).

    Parameters
    ----------
    D_true : array-like of shape (n_true_components, n_features)
        Planted atoms (rows).
    D_est : array-like of shape (n_components, n_features)
        Learned atoms (rows).

    Returns
    -------
    error : float
        Mean cosine distance in [0, 1].

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.decomposition import dictionary_recovery_error
    >>> dictionary_recovery_error(np.eye(2), np.eye(2))
    0.0
    """
    return float(np.mean(1.0 - _abs_cosines(D_true, D_est).max(axis=1)))

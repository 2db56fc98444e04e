"""Transport costs, entropic objective values and Wasserstein distances."""

from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from ._cost import _cost_matrix
from ._sinkhorn import _solve
from ._validation import _check_cost, _check_problem

__all__ = ["entropic_ot_value", "transport_cost", "wasserstein_distance"]


@validate_params({"P": ["array-like"], "M": ["array-like"]}, prefer_skip_nested_validation=True)
def transport_cost(P, M):
    r"""Transport cost of a plan: :math:`\langle M, P \rangle = \sum_{ij} M_{ij} P_{ij}`.

    Parameters
    ----------
    P : array-like of shape (n, m)
        Transport plan (non-negative).
    M : array-like of shape (n, m)
        Cost matrix.

    Returns
    -------
    cost : float

    Examples
    --------
    >>> from sparselearn.ot import transport_cost
    >>> transport_cost([[0.5, 0.0], [0.0, 0.5]], [[0.0, 1.0], [1.0, 0.0]])
    0.0
    """
    P, M = _check_pair(P, M)
    return float(np.sum(P * M))


@validate_params(
    {"P": ["array-like"], "M": ["array-like"], "reg": [Interval(Real, 0, None, closed="left")]},
    prefer_skip_nested_validation=True,
)
def entropic_ot_value(P, M, reg):
    r"""Entropic OT objective of a plan, the quantity :func:`~sparselearn.ot.sinkhorn` minimizes.

    .. math::

        \langle M, P \rangle + \mathrm{reg} \sum_{ij} P_{ij} \log P_{ij},
        \qquad 0 \log 0 = 0.

    Parameters
    ----------
    P : array-like of shape (n, m)
        Transport plan (non-negative).
    M : array-like of shape (n, m)
        Cost matrix.
    reg : float
        Entropic regularization, ``>= 0``.

    Returns
    -------
    value : float

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.ot import entropic_ot_value
    >>> P = np.full((2, 2), 0.25)
    >>> bool(np.isclose(entropic_ot_value(P, np.zeros((2, 2)), reg=1.0), np.log(0.25)))
    True
    """
    P, M = _check_pair(P, M)
    positive = P > 0
    entropy_term = float(np.sum(P[positive] * np.log(P[positive])))
    return float(np.sum(P * M)) + reg * entropy_term


@validate_params(
    {
        "xs": ["array-like"],
        "xt": ["array-like"],
        "p": [StrOptions({"1", "2"}), Interval(Real, 1, 2, closed="both")],
        "reg": [Interval(Real, 0, None, closed="neither"), None],
        "method": [StrOptions({"auto", "sns", "sinkhorn", "emd"})],
        "a": ["array-like", None],
        "b": ["array-like", None],
        "tol": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def wasserstein_distance(
    xs, xt, p=2, reg=None, method="auto", a=None, b=None, tol=1e-9, max_iter=1000
):
    r"""Wasserstein distance between two weighted point clouds (or discretized densities).

    .. math::

        W_p = \Big(\sum_{ij} P_{ij} \, \|x_i - y_j\|^p\Big)^{1/p}

    where ``P`` is the exact optimal plan (``method="emd"``, POT's network simplex) or the
    entropic plan of :func:`sinkhorn_newton_sparse` / :func:`sinkhorn` (the "sharp" Sinkhorn
    distance: transport cost of the entropic plan, without the entropy term). A density on a
    grid is passed as its grid points ``xs`` with the density values as weights ``a``.

    Parameters
    ----------
    xs : array-like of shape (n,) or (n, d)
        Source points (1-D means points on a line).
    xt : array-like of shape (m,) or (m, d)
        Target points, same ``d``.
    p : {1, 2}, default=2
        Order: ``p=1`` uses the Euclidean distance, ``p=2`` the squared Euclidean distance.
    reg : float or None, default=None
        Entropic regularization (absolute, POT's epsilon); ``None`` means ``1e-3 max(M)``.
        Ignored by ``method="emd"``.
    method : {"auto", "sns", "sinkhorn", "emd"}, default="auto"
        Solver. ``"auto"`` chooses between :func:`sinkhorn` and :func:`sinkhorn_newton_sparse`
        (the rule of :func:`sinkhorn`'s ``method="auto"``; with the default ``reg`` it is SNS).
    a, b : array-like of shape (n,) and (m,) or None
        Weights (same total mass); ``None`` means uniform.
    tol : float, default=1e-9
        Marginal-error tolerance of the entropic solvers.
    max_iter : int, default=1000
        Iteration cap of the entropic solvers.

    Returns
    -------
    distance : float

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.ot import wasserstein_distance
    >>> x = np.array([[0.0], [1.0]])
    >>> round(wasserstein_distance(x, x + 3.0, p=1, method="emd"), 6)
    3.0
    """
    p = int(float(p))
    if p not in (1, 2):
        raise ValueError(f"p must be 1 or 2, got {p}.")
    xs = _check_points(xs, "xs")
    xt = _check_points(xt, "xt")
    if xs.shape[1] != xt.shape[1]:
        raise ValueError(
            f"xs and xt must have the same dimension, got {xs.shape[1]} and {xt.shape[1]}."
        )
    M = _cost_matrix(xs, xt, "euclidean" if p == 1 else "sqeuclidean")
    a, b, M = _check_problem(a, b, M)
    if method == "emd":
        import ot  # POT, imported lazily

        cost = float(ot.emd2(a, b, M, numItermax=max(int(max_iter), 10**6)))
    else:
        if reg is None:
            reg = 1e-3 * float(M.max()) if M.max() > 0 else 1e-3
        P = _solve(a, b, M, reg, method, tol, int(max_iter), False, False, check_input=False)
        cost = float(np.sum(P * M))
    return max(cost, 0.0) ** (1.0 / p)


def _check_pair(P, M):
    M = _check_cost(M)
    P = _check_cost(P, name="P")
    if P.shape != M.shape:
        raise ValueError(f"P and M must have the same shape, got {P.shape} and {M.shape}.")
    if np.any(P < 0):
        raise ValueError("P must be non-negative.")
    return P, M


def _check_points(x, name):
    x = np.asarray(x)
    try:
        if x.dtype.kind == "c":
            raise TypeError
        x = x.astype(np.float64, copy=False)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array of real numbers, got dtype {x.dtype}.") from None
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2 or x.shape[0] == 0:
        raise ValueError(f"{name} must be a non-empty array of points, got shape {x.shape}.")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} contains NaN or infinity.")
    return x

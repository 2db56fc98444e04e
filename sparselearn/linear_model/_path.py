"""Regularization paths: geometric alpha grid from alpha_max, warm starts."""

import numbers

import numpy as np
from sklearn.utils import check_scalar
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions, validate_params

from .._checks import check_named_array
from .._chunked import is_dask_collection
from .._design import Design
from ..datafits import Datafit, get_datafit
from ..penalties import PENALTIES
from ..solvers import SOLVERS, alpha_max, fit_path
from . import _batch
from ._validation import check_coef_init, check_penalty, check_Xy, normalized_sample_weight

__all__ = ["penalized_path"]


def _alpha_grid(alpha_max_value, n_alphas, eps):
    if alpha_max_value <= 0:
        return np.full(n_alphas, np.finfo(float).resolution)  # as scikit-learn's grid
    return np.geomspace(alpha_max_value, alpha_max_value * eps, n_alphas)


def check_alphas(alphas):
    """A user's grid, sorted decreasing; a TypeError or ValueError naming ``alphas[i]`` (as
    scikit-learn's LassoCV) or ``alphas`` when it is unusable."""
    values = np.ravel(np.asarray(alphas, dtype=object))
    for i, value in enumerate(values):
        check_scalar(value, f"alphas[{i}]", target_type=numbers.Real, min_val=0.0,
                     include_boundaries="left")
    alphas = np.sort(values.astype(np.float64))[::-1]
    if alphas.size == 0 or np.any(~np.isfinite(alphas)):
        raise ValueError("alphas must be a non-empty array of finite values >= 0.")
    return alphas


@validate_params(
    {
        "X": ["array-like", "sparse matrix"],
        "y": ["array-like"],
        "penalty": [HasMethods(["prox", "value"]), StrOptions(set(PENALTIES)), None],
        "alphas": ["array-like", None],
        "n_alphas": [Interval(numbers.Integral, 1, None, closed="left")],
        "eps": [Interval(numbers.Real, 0, 1, closed="right")],
        "datafit": [StrOptions({"quadratic", "logistic", "poisson", "huber"}), Datafit],
        "fit_intercept": ["boolean"],
        "sample_weight": ["array-like", None],
        "solver": [StrOptions(set(SOLVERS))],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "coef_init": ["array-like", None],
        "verbose": ["verbose"],
    },
    prefer_skip_nested_validation=True,
)
def penalized_path(X, y, *, penalty=None, alphas=None, n_alphas=100, eps=1e-3,
                   datafit="quadratic", fit_intercept=False, sample_weight=None, solver="auto",
                   tol=1e-6, max_iter=None, coef_init=None, verbose=0):
    """Compute a regularization path of a penalized GLM with warm starts.

    Solves, for each ``alpha`` in a decreasing grid,

    .. math:: \\min_w F(Xw) + \\mathrm{pen}_\\alpha(w)

    (``F`` the mean datafit, e.g. ``||y - Xw||^2 / (2 n)``), starting each problem from the
    previous solution, as scikit-learn's ``lasso_path`` does.

    Parameters
    ----------
    X : {array-like, sparse matrix, dask array} of shape (n_samples, n_features)
        Design matrix. A dask array (``datafit="quadratic"``) is read in one pass that builds
        the weighted Gram of ``[X, y]``; the path is then solved in memory.
    y : array-like of shape (n_samples,) or (n_samples, n_targets)
        Target; for ``datafit="logistic"``, labels in {-1, +1}. Each column of a 2-D ``y`` is
        an independent problem (in-memory ``X``); all are solved together (batch coordinate
        descent) on one alpha grid.
    penalty : Penalty or str, default=None
        Penalty whose ``alpha`` is varied (its other parameters are kept), or its name
        (``"mcp"``). Default ``L1()``.
    alphas : array-like, default=None
        Grid to use; by default ``n_alphas`` values geometrically spaced from ``alpha_max``
        (the smallest alpha with an all-zero solution) down to ``eps * alpha_max``.
    n_alphas : int, default=100
        Number of alphas when ``alphas`` is None.
    eps : float, default=1e-3
        Ratio of the smallest to the largest alpha.
    datafit : {"quadratic", "logistic", "poisson", "huber"} or Datafit, default="quadratic"
        The loss.
    fit_intercept : bool, default=False
        Fit an unpenalized intercept (returned in ``info["intercepts"]``).
    sample_weight : array-like of shape (n_samples,) or (n_samples, n_replicates), \
default=None
        Sample weights (normalized to sum to n_samples). Each column of a 2-D
        ``sample_weight`` weights one path of a 1-D ``y`` (bootstrap replicates, subsamples),
        solved together as for a 2-D ``y``.
    solver : {"auto", "cd", "agd", "fista"}, default="auto"
        See :class:`SparseRegressor`.
    tol : float, default=1e-6
        Relative optimality tolerance of each solve (see :class:`SparseRegressor`).
    max_iter : int, default=None
        Iterations per alpha (solver default when None).
    coef_init : array-like of shape (n_features,) or (n_problems, n_features), default=None
        Warm start for the first alpha (one row per problem of a batch).
    verbose : int, default=0
        Print one line per alpha when > 0.

    Returns
    -------
    alphas : ndarray of shape (n_alphas,)
        The alphas, decreasing.
    coefs : ndarray of shape (n_features, n_alphas) or (n_problems, n_features, n_alphas)
        Coefficients along the path; for a batch (2-D ``y`` or ``sample_weight``) one path per
        problem, all on the grid from the largest ``alpha_max`` of the problems.
    info : dict
        ``n_iter``, ``stop_crit``, ``converged``, ``objective`` (per alpha), ``intercepts``
        (arrays of shape (n_problems, n_alphas) for a batch).

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.linear_model import penalized_path
    >>> from sparselearn.penalties import MCP
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((50, 20)); y = X[:, 0] - 2 * X[:, 1]
    >>> alphas, coefs, info = penalized_path(X, y, penalty=MCP(gamma=3.0), n_alphas=10)
    >>> coefs.shape
    (20, 10)
    """
    if is_dask_collection(X):  # one pass over the chunks, then the in-memory path
        from ._dask import regression_path
        return regression_path(X, y, penalty=penalty, alphas=alphas, n_alphas=n_alphas, eps=eps,
                               datafit=datafit, fit_intercept=fit_intercept,
                               sample_weight=sample_weight, solver=solver, tol=tol,
                               max_iter=max_iter, coef_init=coef_init, verbose=verbose)
    if _batch.is_2d(y) and np.asarray(y).shape[1] != 1 or _batch.is_2d(sample_weight):
        return _penalized_path_batch(X, y, penalty, alphas, n_alphas, eps, datafit,
                                     fit_intercept, sample_weight, solver, tol, max_iter,
                                     coef_init, verbose)
    X, y, sw = check_Xy(X, y, sample_weight)
    datafit = get_datafit(datafit)
    y = datafit.check_target(y)
    penalty = check_penalty(penalty)
    coef_init = check_coef_init(coef_init, X.shape[1])
    design = Design(X, check_finite=False)  # validated above
    start = None
    if alphas is None:
        a_max, start = alpha_max(design, y, sw, datafit, penalty, fit_intercept, check_input=False)
        alphas = _alpha_grid(a_max, n_alphas, eps)
    else:
        alphas = check_alphas(alphas)
    coefs, intercepts, info = fit_path(
        design, y, sw, datafit, penalty, alphas, fit_intercept=fit_intercept, solver=solver,
        tol=tol, max_iter=max_iter, coef_init=coef_init, start=start, verbose=verbose,
        check_input=False)
    info["intercepts"] = intercepts
    return alphas, coefs, info


def _penalized_path_batch(X, y, penalty, alphas, n_alphas, eps, datafit, fit_intercept,
                          sample_weight, solver, tol, max_iter, coef_init, verbose):
    """:func:`penalized_path` for a 2-D ``y`` or a 2-D ``sample_weight``."""
    X = check_named_array(X, "X", ndim=2, accept_sparse=["csc", "csr"],
                          dtype=[np.float64, np.float32])
    Y = check_named_array(y, "y", ndim=(1, 2))
    if Y.shape[0] != X.shape[0]:
        raise ValueError(f"inconsistent numbers of samples: y has {Y.shape[0]} rows but X has "
                         f"{X.shape[0]}.")
    datafit = get_datafit(datafit)
    Y = datafit.check_target(Y)
    sw = None if _batch.is_2d(sample_weight) else normalized_sample_weight(sample_weight, X)
    Y, SW = _batch.problems(Y, sw, sample_weight, X.shape[0])
    return _batch.batch_path(X, Y, SW, datafit, check_penalty(penalty), alphas, n_alphas, eps,
                             fit_intercept=fit_intercept, solver=solver, tol=tol,
                             max_iter=max_iter, coef_init=coef_init, verbose=verbose,
                             alpha_grid=_alpha_grid, check_alphas=check_alphas)

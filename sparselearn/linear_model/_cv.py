"""Cross-validation over a regularization path: SparseRegressorCV."""

import numbers

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, RegressorMixin, _fit_context, clone
from sklearn.model_selection import check_cv
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted, validate_data

from .._chunked import is_dask_collection
from .._design import Design
from .._progress import Progress
from ..datafits import Quadratic
from ..solvers import alpha_max, fit_path
from ._estimators import SparseRegressor
from ._path import _alpha_grid, check_alphas
from ._validation import validate_regression

__all__ = ["SparseRegressorCV"]


def _fold_losses(X, y, sw, train, test, datafit, penalty, alphas, fit_intercept, solver, tol,
                 max_iter):
    """Path on the training fold; the held-out loss for each alpha: the mean squared error for
    the quadratic datafit (LassoCV's ``mse_path_``), the datafit's mean loss otherwise."""
    sw_train = sw[train] / sw[train].sum()
    coefs, intercepts, _ = fit_path(
        Design(X[train], check_finite=False), y[train], sw_train, datafit, penalty, alphas,
        fit_intercept=fit_intercept, solver=solver, tol=tol, max_iter=max_iter, warn=False,
        check_input=False)
    Z = np.asarray(X[test] @ coefs) + intercepts
    scale = 2.0 if isinstance(datafit, Quadratic) else 1.0  # (y - z)^2 / 2 -> squared error
    return np.array([scale * datafit.value(y[test], Z[:, k], sw[test])
                     for k in range(len(alphas))])


def store_cv_results(estimator, alphas, losses):
    """Set ``mse_path_``, ``alphas_``, ``alpha_`` (the smallest mean held-out loss) and
    ``cv_results_`` from one held-out loss array per fold (each of shape (n_alphas,)); returns
    the index of ``alpha_`` in ``alphas``."""
    estimator.mse_path_ = np.column_stack(losses)
    mean = estimator.mse_path_.mean(axis=1)
    best = int(np.argmin(mean))
    estimator.alphas_ = alphas
    estimator.alpha_ = float(alphas[best])
    estimator.cv_results_ = {"alphas": alphas, "mean_test_loss": mean,
                             "std_test_loss": estimator.mse_path_.std(axis=1)}
    for k in range(len(losses)):
        estimator.cv_results_[f"split{k}_test_loss"] = estimator.mse_path_[:, k]
    return best


class SparseRegressorCV(RegressorMixin, BaseEstimator):
    r"""Sparse regression with ``alpha`` chosen by k-fold cross-validation over a path.

    For each fold, the path of :func:`penalized_path` (warm starts, geometric grid from
    ``alpha_max``) is fitted on the training part and the held-out loss (the mean squared error
    for the quadratic datafit, as LassoCV; the datafit's mean loss otherwise) is measured;
    ``alpha_`` minimizes the mean over folds and the model is refitted on all the data along the
    path down to ``alpha_``.
    Works for every penalty, including MCP and SCAD (as R's ``ncvreg::cv.ncvreg``).

    Parameters
    ----------
    penalty : Penalty or str, default=None
        Penalty whose ``alpha`` is selected (its other parameters are kept), or its name
        (``"mcp"``); ``None``: ``L1()``.
    datafit : {"quadratic", "huber", "poisson"} or Datafit, default="quadratic"
        The loss (also the CV criterion).
    alphas : array-like, default=None
        Grid; by default ``n_alphas`` values from ``alpha_max`` to ``eps * alpha_max``.
    n_alphas : int, default=100
        Number of alphas when ``alphas`` is None.
    eps : float, default=1e-3
        Ratio of the smallest to the largest alpha.
    cv : int, cross-validation generator or iterable, default=5
        As scikit-learn's ``LassoCV``. For a dask ``X``: an int ``k`` (``HashFolds(k)``) or a
        :class:`~sparselearn.linear_model.HashFolds`, whose folds come from a hash of the row
        index, so that the statistics of every fold are built in the single pass over the data
        (``cv=HashFolds(k)`` in memory gives the same folds).
    fit_intercept : bool, default=True
        Fit an unpenalized intercept.
    solver : {"auto", "cd", "agd", "fista"}, default="auto"
        See :class:`SparseRegressor`.
    tol : float, default=1e-4
        Relative optimality tolerance of each solve (see :class:`SparseRegressor`).
    max_iter : int, default=None
        Solver iterations per alpha.
    n_jobs : int, default=None
        Folds fitted in parallel by joblib, in threads (``prefer="threads"``: the solver
        kernels release the GIL, so threads run concurrently without copying ``X`` to worker
        processes); ``None`` means 1 unless in a ``joblib.parallel_backend`` context.
    verbose : int, default=0
        0 silent; 1 a progress bar over the folds x alphas with the best test loss so far
        (plain lines without tqdm) once the fit runs longer than a few seconds; 2 a line per
        fold and per alpha of the final refit (see :ref:`progress`).
    callback : callable, default=None
        Called after every fold (its whole path of alphas) with a dict of the state:
        ``iteration`` (folds done, from 1), ``best_test_loss`` (that fold's smallest test
        loss), ``fold`` (from 0), ``test_loss`` (the fold's test loss per alpha), ``elapsed``
        (seconds). A truthy return value skips the remaining folds: ``alpha_`` is then chosen
        on the folds done (the columns of ``mse_path_``) and the refit runs as usual.

    Attributes
    ----------
    alpha_ : float
        Selected alpha.
    alphas_ : ndarray of shape (n_alphas,)
        The grid, decreasing.
    mse_path_ : ndarray of shape (n_alphas, n_folds)
        Held-out loss per alpha and fold: the mean squared error for the quadratic datafit (as
        LassoCV's), the mean Huber or Poisson loss otherwise.
    cv_results_ : dict
        ``alphas``, ``mean_test_loss``, ``std_test_loss`` and ``split{k}_test_loss``.
    coef_ : ndarray of shape (n_features,)
        Coefficients refitted at ``alpha_``.
    intercept_ : float
        Intercept refitted at ``alpha_``, in the dtype of ``X``.
    estimator_ : SparseRegressor
        The refitted estimator.
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has them.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.linear_model import SparseRegressorCV
    >>> from sparselearn.penalties import MCP
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((100, 30)); y = X[:, 0] - 2 * X[:, 1] + 0.1 * rng.standard_normal(100)
    >>> cv = SparseRegressorCV(penalty=MCP(gamma=3.0), n_alphas=20).fit(X, y)
    >>> np.flatnonzero(cv.coef_)
    array([0, 1])
    """

    _parameter_constraints = {
        **SparseRegressor._parameter_constraints,
        "alphas": ["array-like", None],
        "n_alphas": [Interval(numbers.Integral, 1, None, closed="left")],
        "eps": [Interval(numbers.Real, 0, 1, closed="right")],
        "cv": ["cv_object"],
        "n_jobs": [numbers.Integral, None],
        "callback": [callable, None],
    }
    _parameter_constraints.pop("warm_start")

    def __init__(self, penalty=None, datafit="quadratic", alphas=None, n_alphas=100, eps=1e-3,
                 cv=5, fit_intercept=True, solver="auto", tol=1e-4, max_iter=None, n_jobs=None,
                 verbose=0, callback=None):
        self.penalty = penalty
        self.datafit = datafit
        self.alphas = alphas
        self.n_alphas = n_alphas
        self.eps = eps
        self.cv = cv
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.tol = tol
        self.max_iter = max_iter
        self.n_jobs = n_jobs
        self.verbose = verbose
        self.callback = callback

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Select alpha by cross-validation and refit.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Target.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        if is_dask_collection(X):  # every hash fold's statistics in one pass
            from ._dask import fit_regressor_cv
            return fit_regressor_cv(self, X, y, sample_weight)
        X, y64, sw, penalty, datafit = validate_regression(self, X, y, sample_weight)
        X64 = X.astype(np.float64) if X.dtype != np.float64 else X
        if hasattr(X64, "tocsr"):
            X64 = X64.tocsr()  # row slicing for the folds
        design = Design(X64, check_finite=False)
        a_max, start = alpha_max(design, y64, sw, datafit, penalty, self.fit_intercept,
                                 check_input=False)
        alphas = (_alpha_grid(a_max, self.n_alphas, self.eps) if self.alphas is None
                  else check_alphas(self.alphas))
        folds = list(check_cv(self.cv).split(X64, y64))
        # threads: the solver kernels release the GIL (numba nogil), and threads share X
        fold_jobs = Parallel(n_jobs=self.n_jobs, prefer="threads", return_as="generator")(
            delayed(_fold_losses)(X64, y64, sw, train, test, datafit, penalty, alphas,
                                  self.fit_intercept, self.solver, self.tol, self.max_iter)
            for train, test in folds
        )
        losses = []
        with Progress("SparseRegressorCV", self.verbose, len(folds) * len(alphas),
                      self.callback, "fit") as progress:
            for k, fold_loss in enumerate(fold_jobs):
                losses.append(fold_loss)
                best_loss = float(np.min(fold_loss))
                if progress.update(
                        len(alphas), line=f"fold {k + 1}/{len(folds)}: best test loss "
                        f"{best_loss:.6e} at alpha {alphas[np.argmin(fold_loss)]:.3e}",
                        state={"iteration": k + 1, "fold": k, "test_loss": fold_loss},
                        best_test_loss=best_loss):
                    break
        best = store_cv_results(self, alphas, losses)
        # refit along the path down to alpha_ (warm starts keep nonconvex fits on the same branch)
        coefs, intercepts, info = fit_path(
            design, y64, sw, datafit, penalty, alphas[: best + 1], fit_intercept=self.fit_intercept,
            solver=self.solver, tol=self.tol, max_iter=self.max_iter, start=start,
            verbose=max(int(self.verbose) - 1, 0), check_input=False)
        estimator = SparseRegressor(penalty=clone(penalty).set_params(alpha=self.alpha_),
                                    datafit=self.datafit, fit_intercept=self.fit_intercept,
                                    solver=self.solver, tol=self.tol, max_iter=self.max_iter)
        estimator.coef_ = coefs[:, -1].astype(X.dtype, copy=False)
        estimator.intercept_ = X.dtype.type(intercepts[-1])
        estimator.n_iter_ = int(info["n_iter"][-1])
        estimator.stop_crit_ = float(info["stop_crit"][-1])
        estimator.objective_ = float(info["objective"][-1])
        estimator.penalty_ = estimator.penalty
        estimator.n_features_in_ = X.shape[1]
        if hasattr(self, "feature_names_in_"):
            estimator.feature_names_in_ = self.feature_names_in_
        self.estimator_ = estimator
        self.coef_ = estimator.coef_
        self.intercept_ = estimator.intercept_
        self.n_iter_ = estimator.n_iter_
        return self

    def predict(self, X):
        """Predict with the model refitted at ``alpha_``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        if is_dask_collection(X):
            from ._dask import lazy_method
            return lazy_method(self, "predict", X)
        validate_data(self, X, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32],
                      reset=False)
        return self.estimator_.predict(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

"""Sparse Bayesian regression: fast marginal likelihood (Tipping & Faul) and EM-SBL / M-SBL."""
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, MultiOutputMixin, RegressorMixin, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import Hidden, Interval, StrOptions, validate_params
from sklearn.utils.validation import check_is_fitted, validate_data

from .._checks import check_named_Xy
from .._chunked import is_dask_collection
from .._core import sbl as _sbl
from .._core.sbl_em import em_sbl

__all__ = ["SparseBayesianRegression", "sparse_bayesian_learning"]

# The fast method's adding phase (``_core.sbl.fast_marginal_likelihood``) runs at this multiple
# of the residual noise estimate. Even at the true noise the marginal-likelihood optimum keeps
# many null features when n_features >> n_samples: a null column enters when its
# ``z^2 = (x_j^T r)^2 / noise_var`` exceeds 1. At ``ratio`` times the noise it must exceed about
# ``ratio``: P(chi2_1 > 20) = 8e-6, so a 256-feature problem adds a null feature once in about
# 500 fits (at 10: 0.0016, one fit in 2.5, which made fast SBL miss the exact support on 5 of
# 20 seeds at k = 10, 37 dB; see the FastSBLvsARD asv case).
_ADD_RATIO = 20.0
# The adding noise starts at the mean square of y (all noise) and comes down; at each level the
# moves stop once no move gains more than this (nats): the levels only estimate the noise and
# bring the model near the next one's (seeds 0-19 at k = 10, 20, 30 of 256: the same supports
# as a full convergence at each level, with a third of the iterations)
_START_NOISE = 1.0
_LEVEL_GAIN = 1e-2
# The fast method is greedy: near the recovery limit (k = 30 of 256 features, 100 samples) its
# adding phase can lock on a poor local optimum that leaves about a tenth of y to the noise
# (evidence -60 where the good optimum has +150). When the fit leaves more than this fraction
# of the mean square of y unexplained, a second run is tried, with the search of the first
# pilot estimate (each level converged, the halved levels fitted from the initial column, at
# twice the ratio), and the one with the larger marginal likelihood kept (seeds 0-19 at
# k = 30: exact support 16 -> 19, as EM-SBL; problems that are this noisy pay a second run).
_RESTART_NOISE_FRACTION = 1e-2
_RESTART_ADD_RATIO = 40.0


_SBL_PARAMS = {
    "method": [StrOptions({"fast", "em"})],
    "noise_var": [Interval(Real, 0, None, closed="neither"), None],
    "max_iter": [Interval(Integral, 1, None, closed="left")],
    "tol": [Interval(Real, 0, None, closed="left")],
    "threshold_lambda": [Interval(Real, 0, None, closed="neither")],
    "threshold_alpha": [Interval(Real, 0, None, closed="neither"),
                        Hidden(StrOptions({"deprecated"}))],
}


def _resolve_threshold(threshold_lambda, threshold_alpha):
    """``threshold_lambda``, or the deprecated ``threshold_alpha`` (with a FutureWarning) if set."""
    if isinstance(threshold_alpha, str) and threshold_alpha == "deprecated":
        return threshold_lambda
    warnings.warn(
        "`threshold_alpha` was renamed to `threshold_lambda` in 0.1 (it thresholds the weight "
        "precisions lambda, not the noise precision alpha_) and will be removed in 0.2; "
        "the value of `threshold_alpha` is used.", FutureWarning, stacklevel=4)
    return threshold_alpha


@validate_params({"X": ["array-like"], "y": ["array-like"], **_SBL_PARAMS},
                 prefer_skip_nested_validation=True)
def sparse_bayesian_learning(X, y, *, method="fast", noise_var=None, max_iter=1000, tol=1e-3,
                             threshold_lambda=1e6, threshold_alpha="deprecated"):
    """Sparse Bayesian learning on a design ``X`` and targets ``y`` (no intercept).

    The model is ``y = X w + e`` with ``e ~ N(0, noise_var I)`` and independent priors
    ``w_j ~ N(0, 1 / lambda_j)``; the precisions ``lambda_j`` (and the noise variance when
    ``noise_var`` is None) maximize the log marginal likelihood
    ``log N(y | 0, noise_var I + X diag(1 / lambda) X^T)``. A 2-D ``y`` of shape
    ``(n_samples, n_targets)`` shares the precisions over its columns (M-SBL).

    Internally the columns of ``X`` are scaled to unit norm and ``y`` to unit variance; the
    solution is mapped back, so results do not depend on the units.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Design (basis functions as columns). Zero columns are never selected.
    y : ndarray of shape (n_samples,) or (n_samples, n_targets)
        Targets.
    method : {"fast", "em"}, default="fast"
        Tipping & Faul sequential algorithm or EM-SBL (Wipf & Rao).
    noise_var : float or None, default=None
        Known noise variance; None learns it.
    max_iter : int, default=1000
        Maximum number of iterations: EM steps for "em"; for "fast", moves at each adding noise
        and in the final phase (the noise learning, or the whole fit at a known noise).
    tol : float, default=1e-3
        "fast": stop when no column would enter or leave and every re-estimation changes
        ``log lambda`` by less than ``tol``; "em": stop when ``max |d gamma| <= tol max gamma``.
        With a learned noise both also require a relative noise change below ``tol``.
    threshold_lambda : float, default=1e6
        "em" prunes a weight whose precision, in the unit-norm / unit-variance scaling,
        exceeds ``threshold_lambda``. The fast method deletes columns by marginal likelihood.
    threshold_alpha : float, default="deprecated"
        Former name of ``threshold_lambda``; when set, it is used and a ``FutureWarning`` is
        emitted.

        .. deprecated:: 0.1
           Renamed ``threshold_lambda``; ``threshold_alpha`` will be removed in 0.2.

    Returns
    -------
    result : dict
        ``coef`` (n_targets, n_features), ``lambda`` (n_features, ``inf`` when pruned),
        ``active`` (sorted indices), ``sigma`` (posterior covariance of the active weights),
        ``noise_var``, ``n_iter``, ``scores`` (log marginal likelihood per iteration; for
        "fast" with a learned noise, of the noise-learning phase), ``converged``.

    See Also
    --------
    SparseBayesianRegression : the estimator form, with input checks and an intercept.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.bayes import sparse_bayesian_learning
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((50, 100))
    >>> w = np.zeros(100)
    >>> w[[3, 30, 60]] = [2.0, -1.0, 1.5]
    >>> result = sparse_bayesian_learning(X, X @ w + 0.01 * rng.standard_normal(50))
    >>> result["active"]
    array([ 3, 30, 60])
    """
    threshold = _resolve_threshold(threshold_lambda, threshold_alpha)
    X, y = check_named_Xy(X, y, y_ndim=(1, 2))
    return _sparse_bayesian_learning(X, y, method, noise_var, max_iter, tol, threshold)


class _Columns:
    """The unit-scaled problem as its columns ``phi`` and targets ``y`` (in memory)."""

    def __init__(self, phi, y):
        self.phi, self.y = phi, y
        self.n_samples, self.n_features = phi.shape

    def fast(self, *args):
        return _sbl.fast_marginal_likelihood(self.phi, self.y, *args)

    def em(self, *args):
        return em_sbl(self.phi, self.y, *args)


class _Statistics:
    """The unit-scaled problem as its sufficient statistics: ``gram = Phi^T Phi``,
    ``phity = Phi^T Y``, ``yty = Y^T Y`` and the number of samples (a one-pass summary of data
    that stay out of memory).

    EM-SBL runs on a square root of the statistics: ``n_features + n_targets`` rows ``[Z, T]``
    with ``[Z, T]^T [Z, T] = [Phi, Y]^T [Phi, Y]``, which give every inner product of its E- and
    M-steps, with the number of samples passed on.
    """

    def __init__(self, gram, phity, yty, n_samples):
        self.gram = np.ascontiguousarray(gram, dtype=np.float64)
        self.phity = np.ascontiguousarray(phity, dtype=np.float64)
        self.yty = np.asarray(yty, dtype=np.float64)
        self.n_samples = int(n_samples)
        self.n_features = self.gram.shape[0]

    def fast(self, *args):
        return _sbl.fast_marginal_likelihood_gram(self.gram, self.phity, float(np.trace(self.yty)),
                                                  self.n_samples, *args)

    def em(self, *args):
        full = np.block([[self.gram, self.phity], [self.phity.T, self.yty]])
        eigvals, eigvecs = np.linalg.eigh(0.5 * (full + full.T))
        root = np.sqrt(np.maximum(eigvals, 0.0))[:, None] * eigvecs.T
        return em_sbl(np.asfortranarray(root[:, :self.n_features]),
                      np.ascontiguousarray(root[:, self.n_features:]), *args,
                      n_samples=self.n_samples)


def _fast_fit(problem, noise_unit, learn_noise, max_iter, tol, restart=False):
    """One run of :func:`sparselearn._core.sbl.fast_marginal_likelihood` (with a learned noise,
    the first run or the restart's search) on a :class:`_Columns` or :class:`_Statistics`
    problem; returns its tuple."""
    max_active = max(1, min(problem.n_features, problem.n_samples))
    if learn_noise:
        noise_unit = _START_NOISE
    ratio, level_gain = (_RESTART_ADD_RATIO, 0.0) if restart else (_ADD_RATIO, _LEVEL_GAIN)
    return problem.fast(1.0 / noise_unit, learn_noise, 1e6, int(max_iter), float(tol), max_active,
                        ratio, level_gain, restart)


def _final_score(fit):
    scores = fit[6]
    return scores[-1] if len(scores) else -np.inf


def _unit_scales(col_norm2, y_mean_square):
    """The column norms (1 for zero columns) and the root mean square of ``y`` (1 when zero)
    that scale the problem to unit-norm columns and unit-variance targets."""
    col_norm = np.sqrt(col_norm2)
    scale_cols = np.where(col_norm > 0, col_norm, 1.0)
    y_scale = float(np.sqrt(y_mean_square))
    if not np.isfinite(y_scale) or y_scale <= 0.0:
        y_scale = 1.0
    return scale_cols, y_scale


def _sparse_bayesian_learning(X, y, method, noise_var, max_iter, tol, threshold_lambda):
    """:func:`sparse_bayesian_learning` on validated float64 arrays."""
    y2 = y.reshape(y.shape[0], -1)
    scale_cols, y_scale = _unit_scales(np.einsum("ij,ij->j", X, X), float(np.mean(y2 * y2)))
    problem = _Columns(np.asfortranarray(X / scale_cols, dtype=np.float64),
                       np.ascontiguousarray(y2 / y_scale, dtype=np.float64))
    return _unit_fit(problem, scale_cols, y_scale, y2.shape[1], method, noise_var, max_iter, tol,
                     threshold_lambda)


def _sparse_bayesian_learning_gram(gram, xty, yty, n_samples, method, noise_var, max_iter, tol,
                                   threshold_lambda):
    """:func:`sparse_bayesian_learning` on the statistics of data ``X``, ``Y`` (2-D): the Gram
    ``X^T X``, ``X^T Y``, ``Y^T Y`` and the number of samples (float64). The same scaling and
    kernels as in memory; ``"fast"`` runs the kernel's Gram entry."""
    n_targets = xty.shape[1]
    scale_cols, y_scale = _unit_scales(np.diag(gram).copy(),
                                       np.trace(yty) / (n_samples * n_targets))
    problem = _Statistics(gram / np.outer(scale_cols, scale_cols),
                          xty / scale_cols[:, None] / y_scale, yty / y_scale**2, n_samples)
    return _unit_fit(problem, scale_cols, y_scale, n_targets, method, noise_var, max_iter, tol,
                     threshold_lambda)


def _unit_fit(problem, scale_cols, y_scale, n_targets, method, noise_var, max_iter, tol,
              threshold_lambda):
    """The fit of the unit-scaled ``problem``, mapped back to the units of the data."""
    n_samples, n_features = problem.n_samples, problem.n_features
    learn_noise = noise_var is None
    noise_unit = 0.1 if learn_noise else float(noise_var) / y_scale ** 2
    if method == "fast":
        fit = _fast_fit(problem, noise_unit, learn_noise, max_iter, tol)
        if learn_noise and 1.0 / fit[4] > _RESTART_NOISE_FRACTION:
            again = _fast_fit(problem, noise_unit, learn_noise, max_iter, tol, restart=True)
            if _final_score(again) > _final_score(fit):
                fit = again
        active, alpha, sigma, mu, beta, n_iter, scores, converged = fit
        noise_unit = 1.0 / beta
        order = np.argsort(active)
        active, alpha, mu = active[order], alpha[order], mu[order]
        sigma = sigma[np.ix_(order, order)]
    else:
        active, gamma, sigma, mu, noise_unit, n_iter, scores, converged = problem.em(
            noise_unit, learn_noise, int(max_iter), float(tol), 1.0 / threshold_lambda)
        alpha = 1.0 / gamma
    # back to the original units: w_j = w_unit_j * y_scale / ||x_j||
    unit = y_scale / scale_cols[active]
    coef = np.zeros((n_targets, n_features))
    coef[:, active] = (mu * unit[:, None]).T
    lambda_ = np.full(n_features, np.inf)
    lambda_[active] = alpha / unit ** 2
    return {
        "coef": coef,
        "lambda": lambda_,
        "active": active,
        "sigma": sigma * np.outer(unit, unit),
        "noise_var": noise_unit * y_scale ** 2,
        "n_iter": int(n_iter),
        "scores": np.asarray(scores) - n_samples * n_targets * np.log(y_scale),
        "converged": bool(converged),
    }


class SparseBayesianRegression(MultiOutputMixin, RegressorMixin, BaseEstimator):
    """Sparse Bayesian regression (relevance vector machine on the features).

    The model is

    .. math::

        y = X w + b + e, \\quad e \\sim \\mathcal{N}(0, \\alpha^{-1} I), \\quad
        w_j \\sim \\mathcal{N}(0, \\lambda_j^{-1}),

    and the precisions :math:`\\lambda_j` and the noise precision :math:`\\alpha` maximize the
    log marginal likelihood (type-II maximum likelihood)

    .. math::

        \\begin{aligned}
        \\log p(y) &= -\\tfrac12 \\left[ n \\log 2\\pi + \\log |C| + y^T C^{-1} y \\right], \\\\
        C &= \\alpha^{-1} I + X \\Lambda^{-1} X^T.
        \\end{aligned}

    Most :math:`\\lambda_j` go to infinity: the corresponding features leave the model.
    ``method="fast"`` is the sequential algorithm of Tipping & Faul (2003): starting from one
    feature, each iteration adds, re-estimates or deletes the single feature with the largest
    gain in marginal likelihood, factorizing only the posterior of the active set
    (``O(n_features k^2)`` per iteration for ``k`` active features). ``method="em"`` is EM-SBL
    (Wipf & Rao, 2004), which starts from all features and prunes. A 2-D ``y`` fits the
    multiple-measurement model M-SBL (Wipf & Rao, 2007): the columns of ``y`` share the
    precisions, hence the support.

    Read more in the module :mod:`sparselearn.bayes`.

    Parameters
    ----------
    method : {"fast", "em"}, default="fast"
        Marginal-likelihood maximization algorithm.
    noise_var : float or None, default=None
        Known noise variance :math:`\\alpha^{-1}`; None learns it. With ``method="fast"`` a
        learned noise starts conservatively high: features enter during an adding phase run at
        an adding noise that starts at ``var(y)`` and comes down to twenty times the residual
        estimate ``||y - X_A w_A||^2 / (n - sum_a (1 - lambda_a sigma_aa))`` of the model
        fitted at it (where the descent stalls at the start on a shrunken, underfitted model,
        the adding noise is halved). Then the noise is re-estimated between sweeps (once the
        precisions have converged for the current noise), and later sweeps re-estimate and
        delete. This keeps the model from running away to dense solutions whose features fit
        the noise, at low SNR too. When the fit leaves more than 1 % of the mean square of
        ``y`` to the noise, a second run (each adding level converged, at forty times the
        estimate) is tried and the fit with the larger marginal likelihood kept.
        ``method="em"`` starts at ``0.1 var(y)``.
    max_iter : int, default=1000
        Maximum number of iterations: EM steps for "em"; for "fast", moves at each adding noise
        and in the final phase (the noise learning, or the whole fit at a known noise).
    tol : float, default=1e-3
        Stopping tolerance. "fast": no feature would enter or leave and every re-estimation
        changes ``log lambda_j`` by less than ``tol``; "em": ``max |d gamma| <= tol max gamma``
        with ``gamma = 1 / lambda``. With a learned noise, its relative change must also be
        below ``tol``.
    fit_intercept : bool, default=True
        Center ``X`` and ``y`` before fitting and estimate the intercept.
    threshold_lambda : float, default=1e6
        For ``method="em"``: a weight whose precision :math:`\\lambda_j` exceeds
        ``threshold_lambda`` (measured for unit-norm features and unit-variance targets) is
        pruned, as scikit-learn's ``ARDRegression`` names it. The fast method deletes features
        when this raises the marginal likelihood and ignores it.
    compute_score : bool, default=False
        Keep the log marginal likelihood of every iteration in ``scores_``; otherwise only the
        final value is kept.
    verbose : int, default=0
        Print a summary of the fit when positive.
    threshold_alpha : float, default="deprecated"
        Former name of ``threshold_lambda`` (it never concerned the noise precision
        ``alpha_``); when set, ``fit`` uses it and emits a ``FutureWarning``.

        .. deprecated:: 0.1
           Renamed ``threshold_lambda``; ``threshold_alpha`` will be removed in 0.2.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        Posterior mean of the weights (zero outside ``active_``).
    intercept_ : float or ndarray of shape (n_targets,)
        Independent term (0.0 when ``fit_intercept=False``).
    alpha_ : float
        Estimated (or given) noise precision.
    noise_var_ : float
        ``1 / alpha_``.
    lambda_ : ndarray of shape (n_features,)
        Weight precisions; ``inf`` for features outside the model.
    sigma_ : ndarray of shape (n_active, n_active)
        Posterior covariance of the active weights, in the order of ``active_``.
    active_ : ndarray of shape (n_active,)
        Sorted indices of the features in the model.
    scores_ : ndarray
        Log marginal likelihood (of the centered data) per iteration, or only the final value
        when ``compute_score=False``. It never decreases. With ``method="fast"`` and a learned
        noise it covers the noise-learning phase (the adding phase runs at noises that are not
        the model's).
    n_iter_ : int
        Number of iterations run.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    sklearn.linear_model.ARDRegression : ARD with MacKay updates on all features.
    RelevanceVectorClassifier : the same engine for binary classification.
    KroneckerSBL : SBL for Kronecker-structured dictionaries.

    Notes
    -----
    On the active set, ``sigma_ = (alpha_ X_A^T X_A + diag(lambda_A))^-1`` and
    ``coef_[A] = alpha_ sigma_ X_A^T y``; ``predict(X, return_std=True)`` returns
    ``sqrt(1 / alpha_ + x_A^T sigma_ x_A)``.

    References
    ----------
    .. [1] M. E. Tipping, "Sparse Bayesian learning and the relevance vector machine",
       JMLR 1, 2001.
    .. [2] M. E. Tipping and A. C. Faul, "Fast marginal likelihood maximisation for sparse
       Bayesian models", AISTATS 2003.
    .. [3] D. P. Wipf and B. D. Rao, "Sparse Bayesian learning for basis selection",
       IEEE TSP 52(8), 2004.
    .. [4] D. P. Wipf and B. D. Rao, "An empirical Bayesian strategy for solving the
       simultaneous sparse approximation problem", IEEE TSP 55(7), 2007.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.bayes import SparseBayesianRegression
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((50, 100))
    >>> y = 3 * X[:, 5] - 2 * X[:, 40] + 0.01 * rng.standard_normal(50)
    >>> sbl = SparseBayesianRegression().fit(X, y)
    >>> sbl.active_
    array([ 5, 40])
    >>> mean, std = sbl.predict(X[:2], return_std=True)
    """

    _parameter_constraints = {
        **_SBL_PARAMS,
        "fit_intercept": ["boolean"],
        "compute_score": ["boolean"],
        "verbose": ["verbose"],
    }

    def __init__(self, method="fast", *, noise_var=None, max_iter=1000, tol=1e-3,
                 fit_intercept=True, threshold_lambda=1e6, compute_score=False, verbose=0,
                 threshold_alpha="deprecated"):
        self.method = method
        self.noise_var = noise_var
        self.max_iter = max_iter
        self.tol = tol
        self.fit_intercept = fit_intercept
        self.threshold_lambda = threshold_lambda
        self.compute_score = compute_score
        self.verbose = verbose
        self.threshold_alpha = threshold_alpha

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Fit the model by type-II maximum likelihood.

        Parameters
        ----------
        X : array-like or dask array of shape (n_samples, n_features)
            Training data; a dask array is read in one pass, which builds the Gram statistics
            the fit runs on (see :ref:`scaling`).
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Targets; several columns share the support (M-SBL).

        Returns
        -------
        self : object
            Fitted estimator.
        """
        threshold = _resolve_threshold(self.threshold_lambda, self.threshold_alpha)
        if is_dask_collection(X):  # one pass builds the Gram statistics, then the same kernels
            from ._dask import fit_regression
            return fit_regression(self, X, y, threshold)
        X, y = validate_data(self, X, y, dtype=[np.float64, np.float32], multi_output=True,
                             y_numeric=True)
        X64 = X.astype(np.float64, copy=False)
        y64 = np.asarray(y, dtype=np.float64)
        if self.fit_intercept:
            X_offset = X64.mean(axis=0)
            y_offset = y64.mean(axis=0)
        else:
            X_offset = np.zeros(X64.shape[1])
            y_offset = np.zeros(y64.shape[1:]) if y64.ndim == 2 else 0.0
        result = _sparse_bayesian_learning(
            X64 - X_offset, y64 - y_offset, self.method, self.noise_var, self.max_iter, self.tol,
            threshold)
        return self._store(result, X_offset, y_offset, y64.ndim, X.dtype)

    def _store(self, result, X_offset, y_offset, y_ndim, dtype):
        """Set the fitted attributes from the result of the unit-scaled fit of the centred data
        (``X_offset``, ``y_offset`` the means, zeros without intercept); returns ``self``."""
        if not result["converged"]:
            warnings.warn(
                f"SparseBayesianRegression(method={self.method!r}) did not converge in "
                f"max_iter={self.max_iter} iterations; increase max_iter or tol.",
                ConvergenceWarning)
        coef = result["coef"]
        self.coef_ = (coef[0] if y_ndim == 1 else coef).astype(dtype, copy=False)
        intercept = y_offset - coef @ X_offset
        if y_ndim == 1:
            self.intercept_ = float(intercept[0]) if self.fit_intercept else 0.0
        else:
            self.intercept_ = intercept if self.fit_intercept else np.zeros(coef.shape[0])
        self.noise_var_ = float(result["noise_var"])
        self.alpha_ = 1.0 / self.noise_var_
        self.lambda_ = result["lambda"]
        self.sigma_ = result["sigma"]
        self.active_ = result["active"]
        scores = result["scores"]
        self.scores_ = scores if self.compute_score else scores[-1:]
        self.n_iter_ = result["n_iter"]
        self.X_offset_ = X_offset
        if self.verbose:
            print(f"[SparseBayesianRegression] method={self.method} n_iter={self.n_iter_} "
                  f"n_active={self.active_.size} noise_var={self.noise_var_:.4g} "
                  f"log-evidence={scores[-1]:.6g}")
        return self

    def predict(self, X, return_std=False):
        """Predict with the posterior mean, and optionally the predictive standard deviation.

        Parameters
        ----------
        X : array-like or dask array of shape (n_samples, n_features)
            Samples; a dask array gives lazy dask arrays.
        return_std : bool, default=False
            Also return ``sqrt(1 / alpha_ + x_A^T sigma_ x_A)`` (on centered features).

        Returns
        -------
        y_mean : ndarray or dask array of shape (n_samples,) or (n_samples, n_targets)
            Predictive mean.
        y_std : ndarray of the same shape as ``y_mean``
            Predictive standard deviation, returned when ``return_std=True``.
        """
        check_is_fitted(self)
        if is_dask_collection(X):  # lazy: map_blocks over the row chunks
            from ._dask import predict_lazy
            return predict_lazy(self, X, return_std)
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
        y_mean = X @ self.coef_.T + self.intercept_
        if not return_std:
            return y_mean
        X_active = (X - self.X_offset_)[:, self.active_]
        var = np.einsum("ij,jk,ik->i", X_active, self.sigma_, X_active) + self.noise_var_
        y_std = np.sqrt(np.maximum(var, 0.0))
        if y_mean.ndim == 2:
            y_std = np.repeat(y_std[:, None], y_mean.shape[1], axis=1)
        return y_mean, y_std.astype(y_mean.dtype, copy=False)

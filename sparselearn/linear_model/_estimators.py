"""Sparse GLM estimators: SparseRegressor and SparseClassifier."""

import numbers

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, _fit_context
from sklearn.preprocessing import LabelEncoder
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from .._design import Design
from ..datafits import Datafit, Poisson, get_datafit
from ..penalties import PENALTIES
from ..solvers import SOLVERS, fit_path
from ._validation import check_penalty, normalized_sample_weight, validate_regression

__all__ = ["SparseRegressor", "SparseClassifier"]

_COMMON_CONSTRAINTS = {
    "penalty": [HasMethods(["prox", "value"]), StrOptions(set(PENALTIES)), None],
    "fit_intercept": ["boolean"],
    "solver": [StrOptions(set(SOLVERS))],
    "tol": [Interval(numbers.Real, 0, None, closed="left")],
    "max_iter": [Interval(numbers.Integral, 1, None, closed="left"), None],
    "warm_start": ["boolean"],
    "verbose": ["verbose"],
}


def _linear_predictor(estimator, X):
    X = validate_data(estimator, X, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32],
                      reset=False)
    return X @ estimator.coef_.T + estimator.intercept_


class SparseRegressor(RegressorMixin, BaseEstimator):
    r"""Sparse linear regression with a convex or nonconvex penalty.

    Minimizes, with sample weights ``s`` normalized to sum to ``n_samples``,

    .. math:: \frac{1}{n} \sum_i s_i f(y_i, x_i^T w + b) + \mathrm{pen}(w)

    where ``f`` is the least-squares loss ``(y - z)^2 / 2`` (scikit-learn's Lasso objective
    ``||y - Xw - b||^2 / (2n) + alpha ||w||_1`` with ``penalty=L1(alpha)``), Huber, or the Poisson
    negative log-likelihood with log link.

    Parameters
    ----------
    penalty : Penalty or str, default=None
        One of :mod:`sparselearn.penalties` (L1, ElasticNet, MCP, SCAD, Lq, L0, CEL0, LogSum),
        or its name (``"mcp"``: the penalty with its default parameters); ``None`` means
        ``L1(alpha=1.0)``.
    datafit : {"quadratic", "huber", "poisson"} or Datafit, default="quadratic"
        The loss.
    fit_intercept : bool, default=True
        Fit an unpenalized intercept.
    solver : {"auto", "cd", "agd", "fista"}, default="auto"
        ``"cd"`` (= ``"auto"``): working-set coordinate descent with Anderson acceleration
        (prox-Newton steps for Poisson); ``"agd"``: the nonconvex accelerated gradient method of
        Yang, Asgharian & Bhatnagar (L1, ElasticNet, MCP, SCAD, CEL0); ``"fista"``: FISTA.
    tol : float, default=1e-4
        Relative optimality tolerance. The solver stops when the largest violation of the
        optimality conditions is at most ``tol * ||X.T grad F(z_0)||_inf``, the largest datafit
        gradient at the intercept-only model (the Lasso's ``alpha_max``), so that ``tol`` does
        not depend on the scale of ``y``. The violation of feature ``j`` is the distance of
        ``-grad_j`` to the penalty's subdifferential at ``w_j`` (L1, elastic net, MCP, SCAD,
        CEL0), or the prox fixed-point residual ``L_j |w_j - prox(w_j - grad_j / L_j, 1 / L_j)|``
        for L0 and Lq, whose subdifferential at 0 is the whole line; the intercept's gradient
        counts too.
    max_iter : int, default=None
        Outer iterations (``cd``: 100) or gradient steps (``agd``/``fista``: 10000).
    warm_start : bool, default=False
        Start from the previous ``coef_`` and ``intercept_``.
    verbose : int, default=0
        Print solver progress when > 0.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        Coefficients, in the dtype of ``X``.
    intercept_ : float
        Intercept (0.0 when ``fit_intercept=False``).
    n_iter_ : int
        Iterations of the solver.
    stop_crit_ : float
        Final optimality violation.
    objective_ : float
        Final objective value.
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has them.

    See Also
    --------
    SparseClassifier : the logistic counterpart.
    SparseRegressorCV : alpha chosen by cross-validation.
    penalized_path : the regularization path.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.linear_model import SparseRegressor
    >>> from sparselearn.penalties import MCP
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((100, 30))
    >>> y = X[:, :3] @ np.array([3.0, -2.0, 1.5]) + 0.1 * rng.standard_normal(100)
    >>> est = SparseRegressor(penalty=MCP(alpha=0.1, gamma=3.0), tol=1e-8).fit(X, y)
    >>> np.flatnonzero(est.coef_)
    array([0, 1, 2])
    """

    _parameter_constraints = {
        **_COMMON_CONSTRAINTS,
        "datafit": [StrOptions({"quadratic", "huber", "poisson"}), Datafit],
    }

    def __init__(self, penalty=None, datafit="quadratic", fit_intercept=True, solver="auto",
                 tol=1e-4, max_iter=None, warm_start=False, verbose=0):
        self.penalty = penalty
        self.datafit = datafit
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.tol = tol
        self.max_iter = max_iter
        self.warm_start = warm_start
        self.verbose = verbose

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data (float64 or float32; CSC and CSR accepted).
        y : array-like of shape (n_samples,)
            Target.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        X, y64, sw, penalty, datafit = validate_regression(self, X, y, sample_weight)
        design = Design(X, check_finite=False)
        w0, b0 = self._initial_point(X.shape[1])
        coefs, intercepts, info = fit_path(
            design, y64, sw, datafit, penalty, fit_intercept=self.fit_intercept,
            solver=self.solver, tol=self.tol, max_iter=self.max_iter, coef_init=w0,
            intercept_init=b0, verbose=self.verbose, check_input=False)
        w, b = coefs[:, 0], intercepts[0]
        info = {key: val[0] for key, val in info.items()}
        self.coef_ = w.astype(X.dtype, copy=False)
        self.intercept_ = float(b)
        self.n_iter_ = info["n_iter"]
        self.stop_crit_ = info["stop_crit"]
        self.objective_ = info["objective"]
        return self

    def _initial_point(self, n_features):
        """The previous fit with ``warm_start``, else ``(None, None)`` (zero, intercept-only)."""
        if self.warm_start and hasattr(self, "coef_") and self.coef_.shape == (n_features,):
            return np.asarray(self.coef_, dtype=np.float64), self.intercept_
        return None, None

    def predict(self, X):
        """Predict: ``X @ coef_ + intercept_`` (``exp`` of it for the Poisson datafit).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        z = _linear_predictor(self, X)
        z = np.asarray(z).ravel()
        if isinstance(get_datafit(self.datafit), Poisson):
            return np.exp(z)
        return z

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


class SparseClassifier(ClassifierMixin, BaseEstimator):
    r"""Sparse logistic regression with a convex or nonconvex penalty.

    For two classes minimizes

    .. math:: \frac{1}{n} \sum_i s_i \log(1 + e^{-y_i (x_i^T w + b)}) + \mathrm{pen}(w),

    with ``y_i = +1`` for ``classes_[1]`` and ``-1`` otherwise (``alpha = 1 / (C n)`` in terms of
    scikit-learn's ``LogisticRegression``). More classes are fitted one-vs-rest.

    Parameters
    ----------
    penalty : Penalty or str, default=None
        One of :mod:`sparselearn.penalties` or its name (``"l1"``, ``"mcp"``, ...); ``None``
        means ``L1(alpha=1.0)``.
    fit_intercept : bool, default=True
        Fit an unpenalized intercept.
    solver : {"auto", "cd", "agd", "fista"}, default="auto"
        ``"cd"``: working-set prox-Newton coordinate descent; see :class:`SparseRegressor`.
    tol : float, default=1e-4
        Relative optimality tolerance (see :class:`SparseRegressor`).
    max_iter : int, default=None
        Solver iterations (solver default when None).
    warm_start : bool, default=False
        Start from the previous solution.
    verbose : int, default=0
        Print solver progress when > 0.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        Coefficients (one row per class one-vs-rest when there are more than two classes).
    intercept_ : ndarray of shape (1,) or (n_classes,)
        Intercepts.
    n_iter_ : ndarray of shape (1,) or (n_classes,)
        Solver iterations per fitted problem.
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has them.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.linear_model import SparseClassifier
    >>> from sparselearn.penalties import L1
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((200, 20)); y = (X[:, 0] - X[:, 1] > 0).astype(int)
    >>> clf = SparseClassifier(penalty=L1(alpha=0.01)).fit(X, y)
    >>> clf.score(X, y) > 0.9
    True
    """

    _parameter_constraints = dict(_COMMON_CONSTRAINTS)

    def __init__(self, penalty=None, fit_intercept=True, solver="auto", tol=1e-4, max_iter=None,
                 warm_start=False, verbose=0):
        self.penalty = penalty
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.tol = tol
        self.max_iter = max_iter
        self.warm_start = warm_start
        self.verbose = verbose

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Class labels (at least two classes).
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        X, y = validate_data(self, X, y, accept_sparse=["csc", "csr"],
                             dtype=[np.float64, np.float32])
        check_classification_targets(y)
        encoder = LabelEncoder()
        y_enc = encoder.fit_transform(y)
        classes = encoder.classes_
        if classes.size < 2:
            raise ValueError(
                f"SparseClassifier needs samples of at least 2 classes in y, got 1 class: "
                f"{classes[0]!r}."
            )
        penalty = check_penalty(self.penalty)
        datafit = get_datafit("logistic")
        sw = normalized_sample_weight(sample_weight, X)
        design = Design(X, check_finite=False)
        n_problems = 1 if classes.size == 2 else classes.size
        warm = (self.warm_start and hasattr(self, "coef_")
                and self.coef_.shape == (n_problems, X.shape[1]))
        coefs = np.zeros((n_problems, X.shape[1]))
        intercepts = np.zeros(n_problems)
        n_iters = np.zeros(n_problems, dtype=int)
        for k in range(n_problems):
            positive = 1 if n_problems == 1 else k
            y_pm = np.where(y_enc == positive, 1.0, -1.0)
            w0, b0 = (self.coef_[k], self.intercept_[k]) if warm else (None, None)
            coef, intercept, info = fit_path(
                design, y_pm, sw, datafit, penalty, fit_intercept=self.fit_intercept,
                solver=self.solver, tol=self.tol, max_iter=self.max_iter, coef_init=w0,
                intercept_init=b0, verbose=self.verbose, check_input=False)
            coefs[k], intercepts[k], n_iters[k] = coef[:, 0], intercept[0], info["n_iter"][0]
        self.classes_ = classes
        self.coef_ = coefs.astype(X.dtype, copy=False)
        self.intercept_ = intercepts
        self.n_iter_ = n_iters
        return self

    def decision_function(self, X):
        """Linear scores: shape (n_samples,) for two classes, else (n_samples, n_classes).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        scores : ndarray
        """
        check_is_fitted(self)
        scores = np.asarray(_linear_predictor(self, X))
        return scores.ravel() if scores.shape[1] == 1 else scores

    def predict_proba(self, X):
        """Class probabilities (one-vs-rest scores normalized for more than two classes).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        scores = self.decision_function(X)
        if scores.ndim == 1:
            p1 = _sigmoid(scores)
            return np.column_stack([1.0 - p1, p1])
        proba = _sigmoid(scores)
        return proba / proba.sum(axis=1, keepdims=True)

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`."""
        return np.log(self.predict_proba(X))

    def predict(self, X):
        """Predicted class labels.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
        """
        scores = self.decision_function(X)
        if scores.ndim == 1:
            return self.classes_[(scores > 0).astype(int)]
        return self.classes_[np.argmax(scores, axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


def _sigmoid(t):
    return np.exp(-np.logaddexp(0.0, -t))


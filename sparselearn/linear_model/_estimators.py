"""Sparse GLM estimators: SparseRegressor and SparseClassifier."""

import numbers

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, _fit_context
from sklearn.preprocessing import LabelEncoder
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from .._chunked import is_dask_collection
from .._design import Design
from .._progress import Progress
from ..datafits import Datafit, Poisson, get_datafit
from ..penalties import L1, PENALTIES, ElasticNet
from ..solvers import SOLVERS, alpha_max, fit_path
from . import _batch
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
    "callback": [callable, None],
}


#: ``penalty=None``: SparseRegressor fits ``L1`` (equivariant to the scale of ``y``) and
#: SparseClassifier the elastic net ``ElasticNet(l1_ratio=0.5)``, with ``alpha`` this fraction
#: of the ``alpha_max`` of the problem being fitted.
DEFAULT_ALPHA_RATIO = {"regression": 5e-2, "classification": 3e-3}


def _problem_penalty(spec, penalty, design, y, sw, datafit, fit_intercept, task):
    """The penalty of one fitted problem: ``penalty`` itself, or with ``spec=None`` the default
    of ``task`` ("regression" or "classification") with ``alpha = DEFAULT_ALPHA_RATIO[task] *
    alpha_max`` for this problem.

    Returns ``(penalty, start)``, ``start`` the ``(b0, grad0)`` pair of :func:`alpha_max` (None
    when the penalty was given)."""
    if spec is not None:
        return penalty, None
    default = L1() if task == "regression" else ElasticNet(l1_ratio=0.5)
    a_max, start = alpha_max(design, y, sw, datafit, default, fit_intercept, check_input=False)
    return default.set_params(alpha=float(DEFAULT_ALPHA_RATIO[task] * a_max)), start


def _linear_predictor(estimator, X):
    X = validate_data(estimator, X, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32],
                      reset=False)
    return X @ estimator.coef_.T + estimator.intercept_


class SparseRegressor(RegressorMixin, BaseEstimator):
    r"""Sparse linear regression with a convex or nonconvex penalty.

    Minimizes, with sample weights :math:`s` normalized to sum to ``n_samples``,

    .. math:: \frac{1}{n} \sum_i s_i f(y_i, x_i^T w + b) + \mathrm{pen}(w)

    where :math:`f` is the least-squares loss :math:`(y - z)^2 / 2` (scikit-learn's Lasso
    objective :math:`\|y - Xw - b\|^2 / (2n) + \alpha \|w\|_1` with ``penalty=L1(alpha)``),
    Huber, or the Poisson negative log-likelihood with log link.

    Parameters
    ----------
    penalty : Penalty or str, default=None
        One of :mod:`sparselearn.penalties` (L1, ElasticNet, MCP, SCAD, Lq, L0, CEL0, LogSum;
        group penalties: GroupLasso, SparseGroupLasso, GroupMCP, GroupSCAD,
        GroupSparseEnvelope, fitted by block coordinate descent over groups), or its name (``"mcp"``: the penalty with its default parameters). ``None`` (the
        default) fits the Lasso ``L1`` with ``alpha`` set relative to the data:
        ``alpha = 0.05 * alpha_max``, ``alpha_max`` the smallest alpha whose solution is all
        zero for this ``X``, ``y`` (per target), so the default gives a useful model at any
        scale of the data (scaling ``y`` scales ``coef_``; 10-fold R^2 0.462 on standardized
        diabetes, as ``LinearRegression`` and ``LassoCV``); the penalty used is in
        ``penalty_``. A given penalty is used as
        it is (``L1(alpha=0.1)`` is scikit-learn's ``Lasso(alpha=0.1)``).
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
        0 silent; 1 a progress bar with the optimality violation (plain lines without tqdm)
        once the fit runs longer than a few seconds; 2 a line per outer iteration of the
        working-set solver (see :ref:`progress`).
    callback : callable, default=None
        Called at every optimality check of the working-set solver (``solver="auto"`` or
        ``"cd"``; ``"agd"`` and ``"fista"`` run in one compiled kernel and report once, when
        they end) with a dict of the state: ``iteration`` (outer iterations done, 0 at the
        start), ``violation`` (the optimality violation the solver stops on), ``support``
        (non-zero coefficients), ``coef`` and ``intercept`` (the current iterate, in the
        solver's units; live arrays, copy what you keep), ``elapsed`` (seconds). A truthy return
        value stops the fit there (``n_iter_`` is that iteration, no ``ConvergenceWarning``);
        with several targets or classes, the remaining problems stop at their start.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        Coefficients, in the dtype of ``X``; one row per target for a 2-D ``y`` (as
        scikit-learn's ``Lasso``), or per column of a 2-D ``sample_weight``.
    intercept_ : float or ndarray of shape (n_targets,)
        Intercept (0.0 when ``fit_intercept=False``), in the dtype of ``X``.
    n_iter_ : int or ndarray of shape (n_targets,)
        Iterations of the solver (``cd``: outer working-set iterations; 0 when a warm start
        is already optimal).
    stop_crit_ : float or ndarray of shape (n_targets,)
        Final optimality violation.
    objective_ : float or ndarray of shape (n_targets,)
        Final objective value.
    penalty_ : Penalty or list of Penalty
        The penalty fitted (one per target for a 2-D ``y``): ``penalty`` itself, or the
        data-relative default when ``penalty=None``.
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
                 tol=1e-4, max_iter=None, warm_start=False, verbose=0, callback=None):
        self.penalty = penalty
        self.datafit = datafit
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.tol = tol
        self.max_iter = max_iter
        self.warm_start = warm_start
        self.verbose = verbose
        self.callback = callback

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the model.

        Parameters
        ----------
        X : {array-like, sparse matrix, dask array} of shape (n_samples, n_features)
            Training data (float64 or float32; CSC and CSR accepted). A dask array is read
            in one pass that builds the weighted Gram of ``[X, y]`` for the quadratic datafit
            (working-set passes above 4096 features), or one pass per prox-Newton step for
            Poisson and Huber; ``y`` and ``sample_weight`` may be dask arrays too.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Target; each column of a 2-D ``y`` is an independent problem with the same penalty
            (all solved together by batch coordinate descent).
        sample_weight : array-like of shape (n_samples,) or (n_samples, n_replicates), \
default=None
            Sample weights; each column of a 2-D ``sample_weight`` (bootstrap counts,
            subsample indicators) weights one fit of a 1-D ``y``: ``coef_`` then has one row
            per column.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        if is_dask_collection(X):  # one pass over the chunks, then the in-memory solver
            from ._dask import fit_regressor
            return fit_regressor(self, X, y, sample_weight)
        replicates = _batch.is_2d(sample_weight)
        X, Y, sw, penalty, datafit = validate_regression(
            self, X, y, None if replicates else sample_weight, multi_output=True)
        design = Design(X, check_finite=False)
        if Y.ndim == 2 or replicates:  # a batch: one problem per target or weight column
            Y_b, SW_b = _batch.problems(Y, sw, sample_weight, X.shape[0])
            W0, B0 = self._initial_point((Y_b.shape[0],), X.shape[1])
            coefs, intercepts, info, penalties = _batch.fit_problems(
                design, Y_b, SW_b, datafit, penalty, L1() if self.penalty is None else None,
                DEFAULT_ALPHA_RATIO["regression"], fit_intercept=self.fit_intercept,
                solver=self.solver, tol=self.tol, max_iter=self.max_iter, coef_init=W0,
                intercept_init=B0, verbose=self.verbose)
            self.coef_ = coefs.astype(X.dtype, copy=False)
            self.intercept_ = intercepts.astype(X.dtype, copy=False)
            self.n_iter_, self.stop_crit_ = info["n_iter"], info["stop_crit"]
            self.objective_, self.penalty_ = info["objective"], penalties
            return self
        Y2 = Y[:, None] if Y.ndim == 1 else Y
        n_targets, n_features = Y2.shape[1], X.shape[1]
        W0, B0 = self._initial_point(Y.shape[1:], n_features)
        coefs = np.empty((n_targets, n_features))
        intercepts = np.empty(n_targets)
        n_iter = np.empty(n_targets, dtype=int)
        stop_crit = np.empty(n_targets)
        objective = np.empty(n_targets)
        penalties = []
        progress = Progress(type(self).__name__, self.verbose, None, self.callback)
        for k in range(n_targets):
            y_k = np.ascontiguousarray(Y2[:, k])
            pen, start = _problem_penalty(self.penalty, penalty, design, y_k, sw, datafit,
                                          self.fit_intercept, "regression")
            coef, intercept, info = fit_path(
                design, y_k, sw, datafit, pen, fit_intercept=self.fit_intercept,
                solver=self.solver, tol=self.tol, max_iter=self.max_iter,
                coef_init=None if W0 is None else W0[k],
                intercept_init=None if B0 is None else B0[k], start=start,
                verbose=self.verbose, check_input=False, progress=progress)
            coefs[k], intercepts[k] = coef[:, 0], intercept[0]
            n_iter[k], stop_crit[k] = info["n_iter"][0], info["stop_crit"][0]
            objective[k] = info["objective"][0]
            penalties.append(pen)
        progress.close()
        coefs = coefs.astype(X.dtype, copy=False)
        intercepts = intercepts.astype(X.dtype, copy=False)
        if Y.ndim == 1:
            self.coef_, self.intercept_ = coefs[0], intercepts[0]
            self.n_iter_, self.stop_crit_ = int(n_iter[0]), float(stop_crit[0])
            self.objective_, self.penalty_ = float(objective[0]), penalties[0]
        else:
            self.coef_, self.intercept_ = coefs, intercepts
            self.n_iter_, self.stop_crit_, self.objective_ = n_iter, stop_crit, objective
            self.penalty_ = penalties
        return self

    def _initial_point(self, target_shape, n_features):
        """The previous fit as ``(coefs, intercepts)`` with one row per target when
        ``warm_start`` and it has the shape of this fit, else ``(None, None)`` (zero,
        intercept-only)."""
        expected = target_shape + (n_features,)
        if not (self.warm_start and hasattr(self, "coef_") and self.coef_.shape == expected):
            return None, None
        coefs = np.asarray(self.coef_, dtype=np.float64).reshape(-1, n_features)
        return coefs, np.asarray(self.intercept_, dtype=np.float64).reshape(-1)

    def predict(self, X):
        """Predict: ``X @ coef_ + intercept_`` (``exp`` of it for the Poisson datafit).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_targets)
            In the dtype of ``X`` (float32 or float64).
        """
        check_is_fitted(self)
        if is_dask_collection(X):
            return _lazy(self, "predict", X)
        z = np.asarray(_linear_predictor(self, X))
        if isinstance(get_datafit(self.datafit), Poisson):
            return np.exp(z)
        return z

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.multi_output = True
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
        One of :mod:`sparselearn.penalties` or its name (``"l1"``, ``"mcp"``, ...). ``None``
        (the default) fits ``ElasticNet(l1_ratio=0.5)`` with ``alpha = 0.003 * alpha_max``
        per fitted problem, ``alpha_max`` the smallest alpha giving an all-zero model for this
        data (as accurate as ``LogisticRegression()`` on standardized data); the penalty used
        is in ``penalty_``.
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
        0 silent; 1 a progress bar with the optimality violation (plain lines without tqdm)
        once the fit runs longer than a few seconds; 2 a line per outer iteration of the
        working-set solver (see :ref:`progress`).
    callback : callable, default=None
        Called at every optimality check of the working-set solver (``solver="auto"`` or
        ``"cd"``; ``"agd"`` and ``"fista"`` run in one compiled kernel and report once, when
        they end) with a dict of the state: ``iteration`` (outer iterations done, 0 at the
        start), ``violation`` (the optimality violation the solver stops on), ``support``
        (non-zero coefficients), ``coef`` and ``intercept`` (the current iterate, in the
        solver's units; live arrays, copy what you keep), ``elapsed`` (seconds). A truthy return
        value stops the fit there (``n_iter_`` is that iteration, no ``ConvergenceWarning``);
        with several targets or classes, the remaining problems stop at their start.
    class_weight : dict or "balanced", default=None
        Weights of the classes, multiplying the sample weights (as ``LogisticRegression``):
        ``{label: weight}``, or ``"balanced"`` for ``n_samples / (n_classes * count(label))``.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        Coefficients (one row per class one-vs-rest when there are more than two classes).
    intercept_ : ndarray of shape (1,) or (n_classes,)
        Intercepts, in the dtype of ``X`` (as ``coef_``).
    n_iter_ : ndarray of shape (1,) or (n_classes,)
        Solver iterations per fitted problem.
    n_replicates_ : int
        Number of columns of a 2-D ``sample_weight`` (one fit each; ``coef_`` and
        ``intercept_`` then have one row per replicate); set only by such a fit.
    penalty_ : Penalty or list of Penalty
        The penalty fitted (one per class one-vs-rest for more than two classes): ``penalty``
        itself, or the data-relative default when ``penalty=None``.
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

    _parameter_constraints = {
        **_COMMON_CONSTRAINTS,
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    def __init__(self, penalty=None, fit_intercept=True, solver="auto", tol=1e-4, max_iter=None,
                 warm_start=False, verbose=0, class_weight=None, callback=None):
        self.penalty = penalty
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.tol = tol
        self.max_iter = max_iter
        self.warm_start = warm_start
        self.verbose = verbose
        self.callback = callback
        self.class_weight = class_weight

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the model.

        Parameters
        ----------
        X : {array-like, sparse matrix, dask array} of shape (n_samples, n_features)
            Training data (float64 or float32). A dask array (two classes) is fitted by
            prox-Newton with one pass over the data per outer iteration (``max_iter`` of
            them, default 50).
        y : array-like of shape (n_samples,)
            Class labels (at least two classes).
        sample_weight : array-like of shape (n_samples,) or (n_samples, n_replicates), \
default=None
            Sample weights (multiplied by the class weights). Each column of a 2-D
            ``sample_weight`` (bootstrap counts, subsample indicators) weights one binary fit,
            all solved together: ``coef_`` then has one row per column.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        if is_dask_collection(X):  # prox-Newton, one pass per outer iteration
            from ._dask import fit_classifier
            return fit_classifier(self, X, y, sample_weight)
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
        if _batch.is_2d(sample_weight):  # one binary fit per column of weights, as a batch
            return self._fit_replicates(X, y_enc, classes, sample_weight, penalty, datafit)
        sw = normalized_sample_weight(sample_weight, X)
        if self.class_weight is not None:
            weights = compute_class_weight(self.class_weight, classes=classes, y=y)
            sw = normalized_sample_weight(sw * weights[y_enc], X)
        design = Design(X, check_finite=False)
        n_problems = 1 if classes.size == 2 else classes.size
        warm = (self.warm_start and hasattr(self, "coef_")
                and self.coef_.shape == (n_problems, X.shape[1]))
        coefs = np.zeros((n_problems, X.shape[1]))
        intercepts = np.zeros(n_problems)
        n_iters = np.zeros(n_problems, dtype=int)
        penalties = []
        progress = Progress(type(self).__name__, self.verbose, None, self.callback)
        for k in range(n_problems):
            positive = 1 if n_problems == 1 else k
            y_pm = np.where(y_enc == positive, 1.0, -1.0)
            pen, start = _problem_penalty(self.penalty, penalty, design, y_pm, sw, datafit,
                                          self.fit_intercept, "classification")
            w0, b0 = (self.coef_[k], self.intercept_[k]) if warm else (None, None)
            coef, intercept, info = fit_path(
                design, y_pm, sw, datafit, pen, fit_intercept=self.fit_intercept,
                solver=self.solver, tol=self.tol, max_iter=self.max_iter, coef_init=w0,
                intercept_init=b0, start=start, verbose=self.verbose, check_input=False,
                progress=progress)
            coefs[k], intercepts[k], n_iters[k] = coef[:, 0], intercept[0], info["n_iter"][0]
            penalties.append(pen)
        progress.close()
        self.classes_ = classes
        self.coef_ = coefs.astype(X.dtype, copy=False)
        self.intercept_ = intercepts.astype(X.dtype, copy=False)
        self.n_iter_ = n_iters
        self.penalty_ = penalties[0] if n_problems == 1 else penalties
        return self

    def _fit_replicates(self, X, y_enc, classes, sample_weight, penalty, datafit):
        """Fit one binary problem per column of a 2-D ``sample_weight`` (batch solver)."""
        if classes.size != 2:
            raise ValueError(f"a 2-D sample_weight (one fit per column) needs a binary y, got "
                             f"{classes.size} classes.")
        SW = _batch.replicate_weights(sample_weight, X.shape[0]).T
        if self.class_weight is not None:
            weights = compute_class_weight(self.class_weight, classes=classes,
                                           y=classes[y_enc])
            SW = SW * weights[y_enc][:, None]
        SW = _batch.replicate_weights(SW, X.shape[0])
        y_pm = np.where(y_enc == 1, 1.0, -1.0)
        Y = np.repeat(y_pm[None, :], SW.shape[0], axis=0)
        n_problems = SW.shape[0]
        warm = (self.warm_start and hasattr(self, "coef_")
                and self.coef_.shape == (n_problems, X.shape[1]))
        coefs, intercepts, info, penalties = _batch.fit_problems(
            Design(X, check_finite=False), Y, SW, datafit, penalty,
            ElasticNet(l1_ratio=0.5) if self.penalty is None else None,
            DEFAULT_ALPHA_RATIO["classification"], fit_intercept=self.fit_intercept,
            solver=self.solver, tol=self.tol, max_iter=self.max_iter,
            coef_init=np.asarray(self.coef_, dtype=np.float64) if warm else None,
            intercept_init=np.asarray(self.intercept_, dtype=np.float64) if warm else None,
            verbose=self.verbose)
        self.classes_ = classes
        self.coef_ = coefs.astype(X.dtype, copy=False)
        self.intercept_ = intercepts.astype(X.dtype, copy=False)
        self.n_iter_ = info["n_iter"]
        self.penalty_ = penalties
        self.n_replicates_ = n_problems
        return self

    def decision_function(self, X):
        """Linear scores: shape (n_samples,) for two classes, else (n_samples, n_classes)
        (or (n_samples, n_replicates) after a fit with a 2-D ``sample_weight``).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        scores : ndarray
        """
        check_is_fitted(self)
        if is_dask_collection(X):
            return _lazy(self, "decision_function", X)
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
            (n_samples, n_replicates, 2) after a fit with a 2-D ``sample_weight``.
        """
        if is_dask_collection(X):
            return _lazy(self, "predict_proba", X)
        scores = self.decision_function(X)
        if scores.ndim == 1:
            p1 = _sigmoid(scores)
            return np.column_stack([1.0 - p1, p1])
        if self.classes_.size == 2:  # replicates: (n_samples, n_replicates, 2)
            p1 = _sigmoid(scores)
            return np.stack([1.0 - p1, p1], axis=-1)
        proba = _sigmoid(scores)
        return proba / proba.sum(axis=1, keepdims=True)

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probabilities in the order of ``classes_``.
        """
        if is_dask_collection(X):
            return _lazy(self, "predict_log_proba", X)
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
            (n_samples, n_replicates) after a fit with a 2-D ``sample_weight``.
        """
        if is_dask_collection(X):
            return _lazy(self, "predict", X)
        scores = self.decision_function(X)
        if scores.ndim == 1 or self.classes_.size == 2:  # (n_samples, n_replicates) too
            return self.classes_[(scores > 0).astype(int)]
        return self.classes_[np.argmax(scores, axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


def _lazy(estimator, method, X):
    """``estimator.method(X)`` on a dask ``X``: a lazy dask array, chunk by chunk."""
    check_is_fitted(estimator)
    from ._dask import lazy_method
    return lazy_method(estimator, method, X)


def _sigmoid(t):
    return np.exp(-np.logaddexp(0.0, -t))


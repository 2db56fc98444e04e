"""Relevance vector classification: sparse Bayesian logistic regression with a Laplace
approximation, on the fast marginal-likelihood engine (Tipping 2001; Tipping & Faul 2003)."""
import warnings
from numbers import Integral, Real

import numpy as np
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import Interval, validate_params
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from .._checks import check_named_Xy
from .._core import sbl_logistic as _sbl_logistic
from .._progress import Progress

__all__ = ["RelevanceVectorClassifier", "relevance_vector_classification"]

# prior precision of the intercept (unit-norm bias column): practically flat
_INTERCEPT_PRECISION = 1e-6
_MAX_NEWTON = 25  # Newton iterations per posterior-mode search
_GRAD_TOL = 1e-6  # gradient tolerance of the mode search


_RVC_PARAMS = {
    "max_iter": [Interval(Integral, 1, None, closed="left")],
    "tol": [Interval(Real, 0, None, closed="left")],
    "fit_intercept": ["boolean"],
}


@validate_params({"X": ["array-like"], "t": ["array-like"], **_RVC_PARAMS,
                  "max_newton": [Interval(Integral, 1, None, closed="left")],
                  "grad_tol": [Interval(Real, 0, None, closed="neither")]},
                 prefer_skip_nested_validation=True)
def relevance_vector_classification(X, t, *, fit_intercept=True, max_iter=1000, tol=1e-3,
                                    max_newton=_MAX_NEWTON, grad_tol=_GRAD_TOL):
    """Binary sparse Bayesian logistic regression on ``X`` and targets ``t`` in {0, 1}.

    The model is ``P(t_i = 1) = sigmoid(x_i^T w + b)`` with priors ``w_j ~ N(0, 1 / lambda_j)``
    and a flat prior on ``b``; the precisions maximize the Laplace approximation of the log
    evidence. Internally the columns of ``X`` are scaled to unit norm.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Design (finite; zero columns never enter).
    t : ndarray of shape (n_samples,)
        Targets in {0, 1}.
    fit_intercept : bool, default=True
        Add an always-present intercept with a flat prior.
    max_iter : int, default=1000
        Maximum number of add / re-estimate / delete moves.
    tol : float, default=1e-3
        Stop when no feature would enter or leave and every re-estimation changes
        ``log lambda_j`` by less than ``tol``.
    max_newton : int, default=25
        Newton iterations per posterior-mode search.
    grad_tol : float, default=1e-6
        Gradient tolerance of the mode search (unit-norm scaling).

    Returns
    -------
    result : dict
        ``coef`` (n_features,), ``intercept``, ``lambda`` (n_features, ``inf`` outside the
        model), ``active`` (sorted feature indices), ``sigma`` (Laplace covariance of the
        active weights, in the order of ``active``), ``n_iter``, ``scores`` (Laplace log
        evidence per iteration), ``converged``.

    See Also
    --------
    RelevanceVectorClassifier : the estimator form, with input checks and multi-class.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.bayes import relevance_vector_classification
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((300, 20))
    >>> t = (X[:, 0] - 2 * X[:, 3] + 0.3 * rng.standard_normal(300) > 0).astype(float)
    >>> result = relevance_vector_classification(X, t)
    >>> {0, 3} <= set(result["active"].tolist())
    True
    """
    X, t = check_named_Xy(X, t, y_name="t")
    if not np.all((t == 0) | (t == 1)):
        raise ValueError("t must hold binary targets 0 and 1; use RelevanceVectorClassifier "
                         "for other labels.")
    return _relevance_vector_classification(X, t, fit_intercept, max_iter, tol, max_newton,
                                            grad_tol)


def _relevance_vector_classification(X, t, fit_intercept, max_iter, tol, max_newton, grad_tol):
    """:func:`relevance_vector_classification` on validated float64 arrays."""
    n_samples, n_features = X.shape
    col_norm = np.sqrt(np.einsum("ij,ij->j", X, X))
    scale = np.where(col_norm > 0, col_norm, 1.0)
    phi = X / scale
    n_fixed = 1 if fit_intercept else 0
    if fit_intercept:
        phi = np.hstack([np.full((n_samples, 1), 1.0 / np.sqrt(n_samples)), phi])
    phi = np.ascontiguousarray(phi, dtype=np.float64)
    # zero columns must never enter: their S = Q = 0 gives no gain, nothing more to do
    max_active = n_fixed + max(1, min(n_features, n_samples))
    active, alpha, w, sigma, n_iter, scores, converged = _sbl_logistic.fast_laplace_classifier(
        phi, np.ascontiguousarray(t, dtype=np.float64), n_fixed, _INTERCEPT_PRECISION,
        int(max_iter), float(tol), max_active, int(max_newton), float(grad_tol))
    intercept = float(w[0] / np.sqrt(n_samples)) if fit_intercept else 0.0
    feats = active[n_fixed:] - n_fixed
    order = np.argsort(feats)
    feats = feats[order]
    w_feats = w[n_fixed:][order]
    alpha_feats = alpha[n_fixed:][order]
    sigma_feats = sigma[n_fixed:, n_fixed:][np.ix_(order, order)]
    coef = np.zeros(n_features)
    coef[feats] = w_feats / scale[feats]
    lambda_ = np.full(n_features, np.inf)
    lambda_[feats] = alpha_feats * scale[feats] ** 2
    return {
        "coef": coef,
        "intercept": intercept,
        "lambda": lambda_,
        "active": feats,
        "sigma": sigma_feats / np.outer(scale[feats], scale[feats]),
        "n_iter": int(n_iter),
        "scores": np.asarray(scores),
        "converged": bool(converged),
    }


class RelevanceVectorClassifier(ClassifierMixin, BaseEstimator):
    """Relevance vector classifier: sparse Bayesian logistic regression.

    The model is Bernoulli with a logistic link and an automatic-relevance prior,

    .. math::

        P(t_i = 1 \\mid w, b) = \\sigma(x_i^T w + b), \\quad
        w_j \\sim \\mathcal{N}(0, \\lambda_j^{-1}),

    with a flat prior on the intercept :math:`b`. The weights cannot be integrated out in
    closed form, so the posterior is replaced by its Laplace approximation around the mode
    :math:`w_{MP}` (found by Newton's method / IRLS): with
    :math:`B = \\operatorname{diag}(p_i (1 - p_i))` at the mode,

    .. math::

        \\begin{aligned}
        \\Sigma &= (X_A^T B X_A + \\operatorname{diag}(\\lambda_A))^{-1}, \\\\
        \\log p(t \\mid \\lambda) &\\approx \\log p(t \\mid w_{MP})
        - \\tfrac12 w_{MP}^T \\Lambda w_{MP} \\\\
        &\\quad + \\tfrac12 \\log |\\Sigma| + \\tfrac12 \\sum_{j \\in A} \\log\\lambda_j,
        \\end{aligned}

    which is the evidence of a linear-Gaussian model with noise covariance :math:`B^{-1}`.
    The precisions are optimized by the sequential algorithm of Tipping & Faul (2003), the
    engine of :class:`SparseBayesianRegression`: each iteration adds, re-estimates or deletes
    the single feature with the largest gain, using the factors
    :math:`S_m = x_m^T B x_m - x_m^T B X_A \\Sigma X_A^T B x_m` and
    :math:`Q_m = x_m^T (t - p)`, then re-finds the mode (warm-started Newton). Most
    :math:`\\lambda_j` are infinite: those features are not in the model.

    More than two classes are fitted one-vs-rest; the probabilities are the normalized
    one-vs-rest probabilities.

    Parameters
    ----------
    max_iter : int, default=1000
        Maximum number of add / re-estimate / delete moves per binary problem.
    tol : float, default=1e-3
        Stop when no feature would enter or leave and every re-estimation changes
        ``log lambda_j`` by less than ``tol``.
    fit_intercept : bool, default=True
        Fit an intercept (always in the model, flat prior).
    verbose : int, default=0
        0 silent; 1 a progress bar over the binary (one-vs-rest) fits (plain lines without
        tqdm) once the fit runs longer than a few seconds; 2 a summary line per binary fit (see
        :ref:`progress`). The moves of one binary fit run in one compiled kernel, so progress
        is reported per binary fit.
    callback : callable, default=None
        Called after every binary (one-vs-rest) fit with a dict of the state: ``iteration``
        (binary fits done, from 1), ``log_evidence``, ``label`` (the class fitted against the
        rest), ``n_iter`` and ``n_active`` of that fit, ``coef`` and ``intercept`` (its
        weights), ``elapsed`` (seconds). A truthy return value stops the fit there: the
        remaining classes keep the intercept-only model (no feature in it), and no
        ``ConvergenceWarning`` is raised for them. A binary fit cannot be stopped midway.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        Posterior mode of the weights (zero outside the model); one row for two classes,
        the weights of ``classes_[1]``, as scikit-learn's ``LogisticRegression``.
    intercept_ : ndarray of shape (1,) or (n_classes,)
        Intercepts (zeros when ``fit_intercept=False``).
    lambda_ : ndarray of the shape of ``coef_``
        Weight precisions; ``inf`` outside the model.
    active_ : ndarray of shape (n_active,)
        Sorted indices of the features in the model (of any class).
    sigma_ : ndarray of shape (n_active_c, n_active_c) or list of them
        Laplace posterior covariance of the active weights of each binary model (in the
        order of its sorted active features); a list for more than two classes.
    scores_ : ndarray or list of ndarray
        Laplace log evidence per iteration (one array per binary model).
    n_iter_ : int
        Largest number of iterations run over the binary models.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    SparseBayesianRegression : the same engine for regression.
    sklearn.linear_model.LogisticRegression : dense (L2) or L1 logistic regression.

    Notes
    -----
    The Laplace evidence is an approximation, so (unlike the regression case) it is not
    guaranteed to increase at every move. ``predict_proba`` uses the posterior mode,
    :math:`\\sigma(x^T w_{MP} + b)` with the fitted ``coef_`` and ``intercept_``.

    Type-II maximum likelihood is not a variable-selection test: under the model, an
    irrelevant feature has :math:`Q_m^2 \\sim S_m \\chi^2_1`, and it enters whenever
    :math:`Q_m^2 > S_m`, which happens for about a third of them when there are many more
    samples than features. They enter with large precisions, hence small weights; the relevant
    features carry the large ones. Features are scaled to unit norm internally, so the
    result does not depend on their units.

    References
    ----------
    .. [1] M. E. Tipping, "Sparse Bayesian learning and the relevance vector machine",
       JMLR 1, 2001.
    .. [2] M. E. Tipping and A. C. Faul, "Fast marginal likelihood maximisation for sparse
       Bayesian models", AISTATS 2003.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.bayes import RelevanceVectorClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((300, 30))
    >>> y = (2 * X[:, 3] - 3 * X[:, 7] + 0.3 * rng.standard_normal(300) > 0).astype(int)
    >>> rvc = RelevanceVectorClassifier().fit(X, y)
    >>> np.sort(np.argsort(-np.abs(rvc.coef_[0]))[:2])
    array([3, 7])
    >>> bool(rvc.active_.size < 10)
    True
    >>> rvc.predict_proba(X[:2]).shape
    (2, 2)
    """

    _parameter_constraints = {**_RVC_PARAMS, "verbose": ["verbose"], "callback": [callable, None]}

    def __init__(self, *, max_iter=1000, tol=1e-3, fit_intercept=True, verbose=0, callback=None):
        self.max_iter = max_iter
        self.tol = tol
        self.fit_intercept = fit_intercept
        self.verbose = verbose
        self.callback = callback

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Fit the model by type-II maximum likelihood (Laplace approximation).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        X, y = validate_data(self, X, y, dtype=[np.float64, np.float32])
        check_classification_targets(y)
        self.classes_, y_index = np.unique(y, return_inverse=True)
        n_classes = self.classes_.size
        if n_classes < 2:
            raise ValueError(
                f"RelevanceVectorClassifier needs samples of at least two classes in y; got 1 "
                f"class ({self.classes_[0]!r}).")
        X64 = X.astype(np.float64, copy=False)
        targets = [1] if n_classes == 2 else range(n_classes)
        results = []
        with Progress("RelevanceVectorClassifier", self.verbose, len(targets), self.callback,
                      "fit") as progress:
            for cls in targets:
                # after a requested stop, the remaining classes get the start (no move)
                result = _relevance_vector_classification(
                    X64, (y_index == cls).astype(np.float64), self.fit_intercept,
                    0 if progress.stopped else self.max_iter, self.tol, _MAX_NEWTON, _GRAD_TOL)
                results.append(result)
                if progress.stopped:
                    continue
                if not result["converged"]:
                    warnings.warn(
                        f"RelevanceVectorClassifier did not converge in max_iter="
                        f"{self.max_iter} iterations for class {self.classes_[cls]!r}; increase "
                        f"max_iter or tol.", ConvergenceWarning)
                progress.update(
                    line=f"class {self.classes_[cls]!r}: n_iter={result['n_iter']} "
                         f"n_active={result['active'].size} "
                         f"log-evidence={result['scores'][-1]:.6g}",
                    state={"label": self.classes_[cls], "n_iter": result["n_iter"],
                           "n_active": result["active"].size, "coef": result["coef"],
                           "intercept": result["intercept"]},
                    log_evidence=float(result["scores"][-1]))
        self.coef_ = np.vstack([r["coef"] for r in results]).astype(X.dtype, copy=False)
        self.intercept_ = np.array([r["intercept"] for r in results], dtype=X.dtype)
        self.lambda_ = np.vstack([r["lambda"] for r in results])
        self.active_ = np.unique(np.concatenate([r["active"] for r in results]))
        if n_classes == 2:
            self.sigma_ = results[0]["sigma"]
            self.scores_ = results[0]["scores"]
        else:
            self.sigma_ = [r["sigma"] for r in results]
            self.scores_ = [r["scores"] for r in results]
        self.n_iter_ = max(r["n_iter"] for r in results)
        return self

    def decision_function(self, X):
        """Log-odds ``X coef_^T + intercept_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            Log-odds of ``classes_[1]`` for two classes, of each class one-vs-rest otherwise.
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
        scores = X @ self.coef_.T + self.intercept_
        return scores[:, 0] if scores.shape[1] == 1 else scores

    def predict_proba(self, X):
        """Class probabilities at the posterior mode.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities of the classes in the order of ``classes_``.
        """
        scores = self.decision_function(X)
        if scores.ndim == 1:
            p1 = expit(scores)
            return np.column_stack([1.0 - p1, p1])
        proba = expit(scores)
        return proba / proba.sum(axis=1, keepdims=True)

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probabilities in the order of ``classes_``.
        """
        return np.log(self.predict_proba(X))

    def predict(self, X):
        """Most probable class.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            Predicted class labels.
        """
        scores = self.decision_function(X)
        index = (scores > 0).astype(int) if scores.ndim == 1 else scores.argmax(axis=1)
        return self.classes_[index]

"""Resampling inference for sparse GLMs, on batched fits: the bootstrap, permutation tests and
stability selection.

Each function turns its resamples into one batch of problems on the design ``X``: bootstrap
replicates and subsamples are the columns of a 2-D ``sample_weight`` (integer counts, 0/1
indicators), permuted responses the columns of a 2-D ``y``. The batch is solved together by
batch coordinate descent (:mod:`sparselearn._core.batch_cd`), which shares the passes over
``X`` between the problems (FaSTGLZ, Conroy et al. 2016).
"""

import numbers

import numpy as np
from sklearn.base import clone
from sklearn.utils import Bunch, check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, validate_params
from sklearn.utils.validation import validate_data

from .._checks import check_named_array
from .._design import Design
from ..datafits import get_datafit
from ..penalties import L1, ElasticNet
from ..solvers import alpha_max
from . import _batch
from ._estimators import DEFAULT_ALPHA_RATIO, SparseClassifier, SparseRegressor
from ._path import check_alphas
from ._validation import check_penalty, normalized_sample_weight

__all__ = ["bootstrap_fit", "permutation_test", "stability_selection"]

_ESTIMATOR = [HasMethods(["fit", "get_params"])]


@validate_params(
    {
        "estimator": _ESTIMATOR,
        "X": ["array-like", "sparse matrix"],
        "y": ["array-like"],
        "n_resamples": [Interval(numbers.Integral, 1, None, closed="left")],
        "confidence_level": [Interval(numbers.Real, 0, 1, closed="neither")],
        "sample_weight": ["array-like", None],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def bootstrap_fit(estimator, X, y, n_resamples=100, *, confidence_level=0.95, sample_weight=None,
                  random_state=None):
    """Fit a sparse GLM on bootstrap replicates of the samples, all at once.

    Each replicate draws ``n_samples`` samples with replacement; replicate ``k`` is the fit
    with the integer counts ``c_k`` (how often each sample was drawn) as sample weights, which
    is the fit on the resampled data. The ``n_resamples`` fits are solved together by batch
    coordinate descent (the columns of a 2-D ``sample_weight``).

    Parameters
    ----------
    estimator : SparseRegressor or SparseClassifier
        The model (cloned; a classifier must have a binary ``y``).
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Training data.
    y : array-like of shape (n_samples,)
        Target.
    n_resamples : int, default=100
        Number of bootstrap replicates.
    confidence_level : float, default=0.95
        Level of the percentile intervals.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights multiplying the bootstrap counts.
    random_state : int, RandomState instance or None, default=None
        Seeds the resampling.

    Returns
    -------
    result : Bunch
        ``coefs`` (n_resamples, n_features) and ``intercepts`` (n_resamples,): one fit per
        replicate; ``ci_low``, ``ci_high`` (n_features,): percentile intervals of each
        coefficient at ``confidence_level``; ``selection_frequency`` (n_features,): the
        fraction of replicates in which each feature is nonzero; ``counts`` (n_samples,
        n_resamples): the bootstrap counts; ``estimator``: the fitted batch estimator.

    See Also
    --------
    permutation_test : p-values from permuted responses.
    stability_selection : selection probabilities over subsamples and alphas.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.linear_model import SparseRegressor, bootstrap_fit
    >>> from sparselearn.penalties import L1
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((100, 20)); y = 2 * X[:, 0] + rng.standard_normal(100)
    >>> res = bootstrap_fit(SparseRegressor(penalty=L1(alpha=0.1)), X, y, 50, random_state=0)
    >>> res.coefs.shape, bool(res.ci_low[0] > 1.5), float(res.selection_frequency[0])
    ((50, 20), True, 1.0)
    """
    _check_estimator(estimator)
    X, y, n_samples = _check_Xy(estimator, X, y)
    rng = check_random_state(random_state)
    counts = rng.multinomial(n_samples, np.full(n_samples, 1.0 / n_samples),
                             size=n_resamples).T.astype(np.float64)
    weights = counts
    if sample_weight is not None:
        base = normalized_sample_weight(sample_weight, np.empty((n_samples, 1)))
        weights = counts * base[:, None]
        empty = weights.sum(axis=0) <= 0
        weights[:, empty] = counts[:, empty]  # a replicate of zero-weight samples only
    fitted = clone(estimator).fit(X, y, sample_weight=weights)
    coefs = np.asarray(fitted.coef_, dtype=np.float64)
    tail = 50.0 * (1.0 - confidence_level)
    return Bunch(
        coefs=coefs,
        intercepts=np.asarray(fitted.intercept_, dtype=np.float64),
        ci_low=np.percentile(coefs, tail, axis=0),
        ci_high=np.percentile(coefs, 100.0 - tail, axis=0),
        selection_frequency=np.mean(coefs != 0, axis=0),
        counts=counts,
        estimator=fitted,
    )


@validate_params(
    {
        "estimator": _ESTIMATOR,
        "X": ["array-like", "sparse matrix"],
        "y": ["array-like"],
        "n_permutations": [Interval(numbers.Integral, 1, None, closed="left")],
        "sample_weight": ["array-like", None],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def permutation_test(estimator, X, y, n_permutations=100, *, sample_weight=None,
                     random_state=None):
    """Per-feature permutation p-values of a sparse GLM, from one batch fit.

    The model is fitted to ``y`` and to ``n_permutations`` random permutations of it (which
    break any link between ``X`` and ``y``), all together as one batch of problems (a 2-D
    ``y``). The statistic of feature ``j`` is ``|w_j|``; its p-value, with the ``+1``
    correction that makes it valid at any number of permutations,

    .. math:: p_j = \\frac{1 + \\#\\{k : |w^{(k)}_j| \\ge |w_j|\\}}{1 + K}.

    A feature the observed fit leaves at zero gets ``p = 1``.

    Parameters
    ----------
    estimator : SparseRegressor or SparseClassifier
        The model (cloned; a classifier must have a binary ``y``).
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Training data.
    y : array-like of shape (n_samples,)
        Target.
    n_permutations : int, default=100
        Number of permuted responses ``K``.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights (they stay with the samples; the responses move).
    random_state : int, RandomState instance or None, default=None
        Seeds the permutations.

    Returns
    -------
    result : Bunch
        ``pvalues`` (n_features,); ``coef`` (n_features,): the observed fit;
        ``null_coefs`` (n_permutations, n_features): the fits to the permuted responses;
        ``estimator``: the fitted observed model.

    See Also
    --------
    bootstrap_fit : bootstrap replicates and intervals.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.linear_model import SparseRegressor, permutation_test
    >>> from sparselearn.penalties import L1
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((100, 20)); y = X[:, 0] + rng.standard_normal(100)
    >>> res = permutation_test(SparseRegressor(penalty=L1(alpha=0.05)), X, y, 99,
    ...                        random_state=0)
    >>> float(res.pvalues[0])
    0.01
    """
    _check_estimator(estimator)
    X, y, n_samples = _check_Xy(estimator, X, y)
    rng = check_random_state(random_state)
    perms = np.array([rng.permutation(n_samples) for _ in range(n_permutations)])
    observed = clone(estimator).fit(X, y, sample_weight=sample_weight)
    if isinstance(estimator, SparseRegressor):
        y_arr = np.asarray(y)
        null = clone(estimator).fit(X, y_arr[perms].T, sample_weight=sample_weight)
        null_coefs = np.asarray(null.coef_, dtype=np.float64)
    else:
        null_coefs = _permuted_classifier_fits(observed, X, y, perms, sample_weight)
    coef = np.asarray(observed.coef_, dtype=np.float64).ravel()
    statistic = np.abs(coef)
    exceed = np.sum(np.abs(null_coefs) >= statistic, axis=0)
    pvalues = (1.0 + exceed) / (1.0 + n_permutations)
    pvalues[coef == 0] = 1.0
    return Bunch(pvalues=pvalues, coef=coef, null_coefs=null_coefs, estimator=observed)


@validate_params(
    {
        "estimator": _ESTIMATOR,
        "X": ["array-like", "sparse matrix"],
        "y": ["array-like"],
        "n_resamples": [Interval(numbers.Integral, 1, None, closed="left")],
        "sample_fraction": [Interval(numbers.Real, 0, 1, closed="right")],
        "alphas": ["array-like", None],
        "threshold": [Interval(numbers.Real, 0, 1, closed="right")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def stability_selection(estimator, X, y, *, n_resamples=100, sample_fraction=0.5, alphas=None,
                        threshold=0.6, random_state=None):
    """Stability selection (Meinshausen & Buhlmann 2010): selection probabilities over
    subsamples and a grid of alphas.

    Each resample keeps ``floor(sample_fraction * n_samples)`` samples drawn without
    replacement (0/1 weights: the columns of a 2-D ``sample_weight``, one batch fit per alpha,
    warm-started along the grid). The selection probability of feature ``j`` at ``alpha`` is the
    fraction of subsamples whose fit selects it; its stability score is the largest over the
    grid, and the stable set holds the features whose score reaches ``threshold``.

    Parameters
    ----------
    estimator : SparseRegressor or SparseClassifier
        The model (cloned); its penalty's ``alpha`` is replaced by each of ``alphas`` (a
        ``penalty=None`` estimator uses ``L1``).
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Training data.
    y : array-like of shape (n_samples,)
        Target (binary for a classifier).
    n_resamples : int, default=100
        Number of subsamples.
    sample_fraction : float, default=0.5
        Fraction of the samples in each subsample.
    alphas : array-like, default=None
        Regularization grid; by default 10 values geometrically spaced from ``alpha_max`` of
        the full data down to ``alpha_max / 4`` (lower alphas let noise features reach high
        selection probabilities on half-samples: the stability score is a maximum over the
        grid, so its low end sets the false selections; Meinshausen & Buhlmann bound their
        expected number by ``q^2 / ((2 threshold - 1) n_features)``, ``q`` the mean number
        of features selected at the low end).
    threshold : float, default=0.6
        Stability score a feature needs to enter the stable set.
    random_state : int, RandomState instance or None, default=None
        Seeds the subsampling.

    Returns
    -------
    result : Bunch
        ``selection_probabilities`` (n_features,): the stability scores;
        ``probabilities`` (n_alphas, n_features): the selection probability at each alpha;
        ``alphas`` (n_alphas,), decreasing; ``stable_set``: indices of the features whose
        score is at least ``threshold``; ``threshold``; ``masks`` (n_samples, n_resamples):
        the subsample indicators.

    References
    ----------
    N. Meinshausen and P. Buhlmann, "Stability selection", J. R. Statist. Soc. B 72 (2010).

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.linear_model import SparseRegressor, stability_selection
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((100, 30))
    >>> y = X[:, :3] @ np.array([2.0, -2.0, 2.0]) + rng.standard_normal(100)
    >>> res = stability_selection(SparseRegressor(), X, y, n_resamples=50, random_state=0)
    >>> res.stable_set
    array([0, 1, 2])
    """
    _check_estimator(estimator)
    X, y, n_samples = _check_Xy(estimator, X, y)
    penalty = check_penalty(estimator.penalty) if estimator.penalty is not None else L1()
    if alphas is None:
        a_max = _full_data_alpha_max(estimator, penalty, X, y)
        alphas = np.geomspace(a_max, a_max / 4.0, 10)
    else:
        alphas = check_alphas(alphas)
    rng = check_random_state(random_state)
    size = max(int(np.floor(sample_fraction * n_samples)), 1)
    masks = np.zeros((n_samples, n_resamples))
    for k in range(n_resamples):
        masks[rng.choice(n_samples, size=size, replace=False), k] = 1.0
    model = clone(estimator).set_params(warm_start=True)
    probabilities = np.empty((alphas.size, X.shape[1]))
    for a, alpha in enumerate(alphas):
        model.set_params(penalty=clone(penalty).set_params(alpha=float(alpha)))
        model.fit(X, y, sample_weight=masks)
        probabilities[a] = np.mean(np.asarray(model.coef_) != 0, axis=0)
    scores = probabilities.max(axis=0)
    return Bunch(selection_probabilities=scores, probabilities=probabilities, alphas=alphas,
                 stable_set=np.flatnonzero(scores >= threshold), threshold=threshold,
                 masks=masks)


def _check_estimator(estimator):
    if not isinstance(estimator, (SparseRegressor, SparseClassifier)):
        raise TypeError(f"estimator must be a SparseRegressor or a SparseClassifier, got "
                        f"{type(estimator).__name__}.")


def _check_Xy(estimator, X, y):
    """``X`` (2-D, dense or sparse) and a 1-D ``y`` as long as ``X`` (numeric for a
    regressor; a classifier's labels may be strings); errors name the argument."""
    X = check_named_array(X, "X", ndim=2, accept_sparse=["csc", "csr"],
                          dtype=[np.float64, np.float32])
    regressor = isinstance(estimator, SparseRegressor)
    y_arr = np.asarray(y) if not hasattr(y, "shape") else y
    if np.ndim(y_arr) != 1:
        raise ValueError(f"y must be 1-D (one response; the resamples make the batch), got "
                         f"shape {np.shape(y_arr)}.")
    if regressor:
        y = check_named_array(y, "y", ndim=1)
    else:  # class labels, strings included; the fit checks them
        y = np.asarray(y)
        if np.iscomplexobj(y):
            raise ValueError("y must hold class labels; complex input is not supported.")
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"inconsistent numbers of samples: y has {y.shape[0]} entries but X "
                         f"has {X.shape[0]} rows.")
    if X.shape[0] < 2:
        raise ValueError(f"X must have at least 2 samples to resample, got {X.shape[0]}.")
    return X, y, X.shape[0]


def _full_data_alpha_max(estimator, penalty, X, y):
    """``alpha_max`` of ``penalty`` for the estimator's datafit on all the data."""
    regressor = isinstance(estimator, SparseRegressor)
    X, y = _validated(X, y, regressor)
    datafit = get_datafit(estimator.datafit if regressor else "logistic")
    y = datafit.check_target(y)
    design = Design(X, check_finite=False)
    sw = np.full(X.shape[0], 1.0 / X.shape[0])
    value = alpha_max(design, y, sw, datafit, penalty, estimator.fit_intercept,
                      check_input=False)[0]
    return value if value > 0 else 1.0


def _validated(X, y, regressor):
    """``X`` and a float ``y`` (labels as +-1 for a classifier) checked by a throw-away fit's
    validation."""
    probe = SparseRegressor() if regressor else SparseClassifier()
    X, y = validate_data(probe, X, y, accept_sparse=["csc", "csr"],
                         dtype=[np.float64, np.float32], y_numeric=regressor)
    if regressor:
        return X, np.asarray(y, dtype=np.float64)
    classes, y_enc = np.unique(y, return_inverse=True)
    if classes.size != 2:
        raise ValueError(f"a SparseClassifier here needs a binary y, got {classes.size} "
                         f"classes.")
    return X, np.where(y_enc == 1, 1.0, -1.0)


def _permuted_classifier_fits(observed, X, y, perms, sample_weight):
    """Binary logistic fits of the permuted labels ``y[perm]`` (one batch), with the settings
    of the fitted classifier ``observed``."""
    if observed.classes_.size != 2:
        raise ValueError(f"permutation_test needs a binary y for a SparseClassifier, got "
                         f"{observed.classes_.size} classes.")
    X, _ = _validated(X, y, regressor=False)
    y_enc = np.searchsorted(observed.classes_, np.asarray(y))
    labels = y_enc[perms]  # (n_permutations, n_samples)
    sw = normalized_sample_weight(sample_weight, X)
    SW = np.repeat(sw[None, :], perms.shape[0], axis=0)
    if observed.class_weight is not None:
        from sklearn.utils.class_weight import compute_class_weight

        weights = compute_class_weight(observed.class_weight, classes=observed.classes_,
                                       y=np.asarray(y))
        SW = SW * weights[labels]
        SW /= SW.sum(axis=1, keepdims=True)
    penalty = check_penalty(observed.penalty)
    coefs, _, _, _ = _batch.fit_problems(
        Design(X, check_finite=False), np.where(labels == 1, 1.0, -1.0), SW,
        get_datafit("logistic"), penalty,
        None if observed.penalty is not None else ElasticNet(l1_ratio=0.5),
        DEFAULT_ALPHA_RATIO["classification"], fit_intercept=observed.fit_intercept,
        solver=observed.solver, tol=observed.tol, max_iter=observed.max_iter)
    return coefs

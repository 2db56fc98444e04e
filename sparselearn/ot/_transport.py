"""SinkhornTransport: entropic OT between two point clouds as a scikit-learn transformer."""

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.metrics.pairwise import euclidean_distances
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import check_array, check_is_fitted, column_or_1d, validate_data

from ._cost import METRICS, _cost_matrix
from ._sinkhorn import _SINKHORN_METHODS, _pot_log, _solve
from ._validation import _check_marginal

__all__ = ["SinkhornTransport"]


# auto_wrap_output_keys=None: scikit-learn's output wrapper has the signature transform(self, X)
# and would refuse POT's keyword call transform(Xs=...)
class SinkhornTransport(TransformerMixin, BaseEstimator, auto_wrap_output_keys=None):
    r"""Entropic optimal transport from a source to a target point cloud.

    ``fit(Xs, Xt)`` solves

    .. math::

        \min_{P \ge 0,\; P 1 = a,\; P^T 1 = b} \langle C, P \rangle
        + \mathrm{reg} \sum_{ij} P_{ij} \log P_{ij},
        \qquad C_{ij} = c(x^s_i, x^t_j),

    with Sinkhorn-Newton-Sparse or log-domain Sinkhorn; ``transform`` maps source points onto
    the target by the entropic map (barycentric projection)

    .. math::

        T(x) = \sum_j w_j(x)\, x^t_j, \qquad
        w_j(x) \propto \exp\big((v_j - c(x, x^t_j)) / \mathrm{reg}\big),

    where :math:`v` is the target dual potential. On a fitted source point :math:`x^s_i` this is
    exactly :math:`\sum_j P_{ij} x^t_j / \sum_j P_{ij}`; on new points it is the entropic
    (Pooladian & Niles-Weed) extension of the map, not a nearest-neighbour shift.

    Same role as POT's :class:`ot.da.SinkhornTransport` with scikit-learn conventions, and a
    drop-in for it: POT's constructor
    names (``reg_e``, ``log``, ``distribution_estimation``, ``out_of_sample_map``,
    ``limit_max``), ``fit(Xs=None, ys=None, Xt=None, yt=None)`` (labels make the cost
    label-aware as in POT), ``transform(Xs=...)``, ``inverse_transform(Xt=...)``,
    ``transform_labels(ys=...)``, ``inverse_transform_labels(yt=...)`` and POT's fitted
    ``cost_`` (the cost matrix), ``coupling_`` and ``log_``, besides the scikit-learn forms
    ``fit(X, y)`` / ``transform(X)``.

    Parameters
    ----------
    reg : float, default=1.0
        Entropic regularization, relative to the cost after ``norm``.
    method : {"auto", "sns", "sinkhorn", "sinkhorn_log", "sinkhorn_stabilized", \
            "sinkhorn_epsilon_scaling"}, default="auto"
        Solver: :func:`sinkhorn_newton_sparse`, or the log-domain :func:`sinkhorn` (POT's
        four Sinkhorn names all run it: they compute the same plan); ``"auto"`` chooses
        between them from ``reg`` relative to the cost range and the observed Sinkhorn
        contraction rate (the rule of :func:`sinkhorn`'s ``method="auto"``; ``log_["method"]``
        names the solver that finished).
    metric : {"sqeuclidean", "euclidean", "cityblock", "cosine", "chebyshev"}, \
            default="sqeuclidean"
        Ground cost between points.
    norm : {"max", "median", "mean", "log", "loglog"} or None, default=None
        Normalize the cost matrix as POT's ``norm``: divide by its max / median / mean, or
        apply ``log(1 + C)`` / ``log(1 + log(1 + C))``; the same normalization is applied to
        the costs of new points in ``transform``.
    tol : float, default=1e-9
        Marginal-error tolerance (POT's default is 1e-8).
    max_iter : int, default=1000
        Iteration cap.
    n_sinkhorn_iter : int, default=20
        Sinkhorn warm-up iterations of SNS.
    sparsity : float in (0, 1] or None, default=None
        Hessian density of SNS (see :func:`sinkhorn_newton_sparse`).
    reg_init : "auto", float or None, default="auto"
        Start of the reg annealing of SNS (see :func:`sinkhorn_newton_sparse`), in units of
        the cost after ``norm``; None turns it off. Ignored by the Sinkhorn methods.
    verbose : int, default=0
        0 silent; 1 a progress bar over the reg annealing stages of SNS with the marginal error
        (plain lines without tqdm) once the fit runs longer than a few seconds; 2 a line per
        stage and a solver summary (see :ref:`progress`).
    reg_e : float or None, default=None
        POT's name for ``reg``; overrides it when given.
    log : bool, default=False
        Record ``log_`` with POT's keys (``niter``, ``err``, ``log_u``, ``log_v``, ``u``,
        ``v``, ...; see :func:`sinkhorn`); otherwise ``log_`` holds sparselearn's record.
    distribution_estimation : callable or None, default=None
        POT's ``distribution_estimation``: a function of the samples returning their weights
        (e.g. :func:`ot.da.distribution_estimation_uniform`); None means uniform weights. Weights
        passed to ``fit`` as ``a`` / ``b`` take precedence.
    out_of_sample_map : {"continuous", "ferradans"}, default="continuous"
        How ``transform`` maps points: ``"continuous"`` is the entropic map below (the
        barycentric projection on fitted points, extended smoothly to new ones);
        ``"ferradans"`` is the barycentric projection on fitted points and, for a new point,
        the projection of its nearest fitted point shifted by the difference (POT's
        nearest-neighbour scheme).
    limit_max : float, default=np.inf
        Label-aware cost (when ``fit`` gets source labels ``ys`` and target labels ``yt``):
        pairs with two different known labels (``-1`` marks a missing target label) get cost
        ``max(C_ij, limit_max * max(C))``; ``np.inf`` forbids them (their plan entries are
        exactly zero). As in POT.
    callback : callable, default=None
        Called after every reg annealing stage of SNS (the Newton iterations of a stage run in
        one compiled kernel), or once after a plain Sinkhorn solve, with a dict of the state:
        ``iteration`` (stages done, from 1), ``marginal_error``, ``reg`` (the stage's
        regularization, in units of the normalized cost), ``n_iter`` (iterations so far), ``f``
        and ``g`` (the dual potentials on the support, live: copy what you keep), ``elapsed``
        (seconds). A truthy return value stops the annealing after that stage: the plan is
        then formed from that stage's potentials at the target ``reg`` (not its optimum:
        ``log_["marginal_error"]`` says how far), and no ``ConvergenceWarning`` is raised.

    Attributes
    ----------
    coupling_ : ndarray of shape (n_source, n_target)
        Transport plan.
    cost_ : ndarray of shape (n_source, n_target)
        Cost matrix the plan was computed on (after ``norm`` and the label correction), as
        POT's ``cost_``; forbidden pairs hold ``inf``.
    log_ : dict
        Solver record (see :func:`sinkhorn_newton_sparse`; POT's keys with ``log=True``).
    n_iter_ : int
        Solver iterations.
    transport_cost_ : float
        Transport cost ``<cost_, coupling_>``.
    source_potential_, target_potential_ : ndarray of shape (n_source,), (n_target,)
        Dual potentials ``u``, ``v`` with ``P_ij = exp((u_i + v_j - C_ij) / reg)``.
    cost_scale_ : float
        Factor the raw cost was divided by (1.0 without a scaling ``norm``).
    limit_max_ : float
        Cost given to pairs of different labels (``limit_max * max(C)``, or ``inf``).
    mu_s_, mu_t_ : ndarray of shape (n_source,), (n_target,)
        Source and target weights.
    xs_, xt_ : ndarray
        Fitted source and target points.
    n_features_in_ : int
        Number of features.
    feature_names_in_ : ndarray of str
        Feature names, when ``Xs`` has string column names.

    See Also
    --------
    sinkhorn_newton_sparse, sinkhorn

    Notes
    -----
    scikit-learn requires the second argument of ``fit`` to be named ``y``: it is POT's
    ``ys`` (source labels), which can also be passed by the name ``ys``. A 2-D second
    argument is read as the target samples (``fit(Xs, Xt)``). Unlike POT, parameters are
    validated in ``fit``, not in the constructor (scikit-learn's convention), and the
    constructor's ``limit_max`` is never modified (the effective value is ``limit_max_``).

    References
    ----------
    .. [1] X. Tang et al., "Accelerating Sinkhorn algorithm with sparse Newton iterations",
       ICLR 2024.
    .. [2] N. Courty, R. Flamary, D. Tuia, A. Rakotomamonjy, "Optimal transport for domain
       adaptation", IEEE TPAMI 39(9), 2017.
    .. [3] A.-A. Pooladian, J. Niles-Weed, "Entropic estimation of optimal transport maps",
       arXiv:2109.12004, 2021.
    .. [4] S. Ferradans, N. Papadakis, G. Peyré, J.-F. Aujol, "Regularized discrete optimal
       transport", SIAM J. Imaging Sci. 7(3), 2014.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.ot import SinkhornTransport
    >>> rng = np.random.default_rng(0)
    >>> Xs = rng.normal(size=(30, 2))
    >>> Xt = Xs + np.array([5.0, 0.0])
    >>> est = SinkhornTransport(reg=0.05).fit(Xs, Xt)
    >>> est.coupling_.shape
    (30, 30)
    >>> bool(np.allclose(est.transform(Xs), Xt, atol=0.1))
    True
    >>> est = SinkhornTransport(reg_e=0.05).fit(Xs=Xs, Xt=Xt)  # POT's names
    >>> bool(np.allclose(est.transform(Xs=Xs), Xt, atol=0.1))
    True
    """

    _parameter_constraints = {
        "reg": [Interval(Real, 0, None, closed="neither")],
        "method": [StrOptions({"auto", "sns"} | set(_SINKHORN_METHODS))],
        "metric": [StrOptions(set(METRICS))],
        "norm": [StrOptions({"max", "median", "mean", "log", "loglog"}), None],
        "tol": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "n_sinkhorn_iter": [Interval(Integral, 0, None, closed="left")],
        "sparsity": [Interval(Real, 0, 1, closed="right"), None],
        "reg_init": [StrOptions({"auto"}), Interval(Real, 0, None, closed="neither"), None],
        "verbose": ["verbose"],
        "callback": [callable, None],
        "reg_e": [Interval(Real, 0, None, closed="neither"), None],
        "log": ["boolean"],
        "distribution_estimation": [callable, None],
        "out_of_sample_map": [StrOptions({"continuous", "ferradans"})],
        "limit_max": [Interval(Real, 0, None, closed="neither"), Options(float, {np.inf})],
    }

    def __init__(
        self,
        reg=1.0,
        method="auto",
        metric="sqeuclidean",
        norm=None,
        tol=1e-9,
        max_iter=1000,
        n_sinkhorn_iter=20,
        sparsity=None,
        reg_init="auto",
        verbose=0,
        reg_e=None,
        log=False,
        distribution_estimation=None,
        out_of_sample_map="continuous",
        limit_max=np.inf,
        callback=None,
    ):
        self.reg = reg
        self.method = method
        self.metric = metric
        self.norm = norm
        self.tol = tol
        self.max_iter = max_iter
        self.n_sinkhorn_iter = n_sinkhorn_iter
        self.sparsity = sparsity
        self.reg_init = reg_init
        self.verbose = verbose
        self.reg_e = reg_e
        self.log = log
        self.distribution_estimation = distribution_estimation
        self.out_of_sample_map = out_of_sample_map
        self.limit_max = limit_max
        self.callback = callback

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, Xs=None, y=None, Xt=None, yt=None, *, ys=None, a=None, b=None):
        """Compute the transport plan from ``Xs`` to ``Xt``.

        Parameters
        ----------
        Xs : {array-like, sparse matrix} of shape (n_source, n_features)
            Source samples.
        y : array-like of shape (n_source,) or None
            Source labels (POT's ``ys``; scikit-learn's ``y``). Used, with ``yt``, for the
            label-aware cost (see ``limit_max``). A 2-D array here is read as ``Xt`` (the
            form ``fit(Xs, Xt)``).
        Xt : {array-like, sparse matrix} of shape (n_target, n_features) or None
            Target samples. ``None`` means ``Xs`` itself: the entropic self-transport, a
            smoothing of ``Xs``.
        yt : array-like of shape (n_target,) or None
            Target labels, ``-1`` for an unlabelled sample.
        ys : array-like of shape (n_source,) or None
            POT's keyword for ``y``.
        a : array-like of shape (n_source,) or None
            Source weights; ``None`` means ``distribution_estimation(Xs)`` or uniform.
        b : array-like of shape (n_target,) or None
            Target weights with the mass of ``a``; ``None`` means uniform (or
            ``distribution_estimation(Xt)``).

        Returns
        -------
        self : object
            Fitted estimator.
        """
        if Xs is None:
            raise ValueError("fit needs the source samples Xs.")
        if ys is not None:
            if y is not None:
                raise ValueError("Pass the source labels once, as ys or as y, not both.")
            y = ys
        if y is not None and Xt is None and (sp.issparse(y) or np.asarray(y).ndim == 2):
            Xt, y = y, None  # fit(Xs, Xt)
        Xs = validate_data(
            self, Xs, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32], reset=True
        )
        if Xt is None:
            Xt = Xs
        else:
            Xt = check_array(
                Xt, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32], input_name="Xt"
            )
            if Xt.shape[1] != Xs.shape[1]:
                raise ValueError(
                    f"Xt has {Xt.shape[1]} features but Xs has {Xs.shape[1]}; they must match."
                )
        a = self._weights(a, Xs, "a")
        b = self._weights(b, Xt, "b")
        mass_a, mass_b = a.sum(), b.sum()
        if abs(mass_a - mass_b) > 1e-6 * max(mass_a, mass_b):
            raise ValueError(
                f"a and b must have the same total mass, got {mass_a:.6g} and {mass_b:.6g}."
            )
        C = _cost_matrix(Xs, Xt, self.metric)
        C, scale = _normalize_cost(C, self.norm, None)
        limit = np.inf if np.isinf(self.limit_max) else float(self.limit_max * C.max())
        if y is not None and yt is not None:
            C = _label_cost(C, y, yt, limit, a, b)
        reg = self._reg()
        P, record = _solve(
            a,
            b * (mass_a / mass_b),
            C,
            reg,
            self.method if self.method in ("auto", "sns") else "sinkhorn",
            self.tol,
            self.max_iter,
            True,
            self.verbose,
            n_sinkhorn_iter=self.n_sinkhorn_iter,
            sparsity=self.sparsity,
            reg_init=self.reg_init,
            check_input=False,
            callback=self.callback,
            summary_level=2,
            label="SinkhornTransport",
        )
        self.coupling_ = P
        self.cost_ = C
        self.log_ = _pot_log(record, reg) if self.log else record
        self.n_iter_ = record["n_iter"]
        self.transport_cost_ = record["cost"]
        self.source_potential_ = record["u"]
        self.target_potential_ = record["v"]
        self.cost_scale_ = scale
        self.limit_max_ = limit
        self.mu_s_ = a
        self.mu_t_ = b * (mass_a / mass_b)
        self.xs_ = Xs
        self.xt_ = Xt
        return self

    def fit_transform(self, Xs=None, y=None, Xt=None, yt=None, *, ys=None, a=None, b=None):
        """Fit, then map the source samples onto the target.

        Parameters
        ----------
        Xs : {array-like, sparse matrix} of shape (n_source, n_features)
            Source samples.
        y : array-like of shape (n_source,) or None
            Source labels (POT's ``ys``), or ``Xt`` when 2-D (see :meth:`fit`).
        Xt : {array-like, sparse matrix} of shape (n_target, n_features) or None
            Target samples; ``None`` means ``Xs``.
        yt : array-like of shape (n_target,) or None
            Target labels.
        ys : array-like of shape (n_source,) or None
            POT's keyword for ``y``.
        a, b : array-like or None
            Source and target weights (see :meth:`fit`).

        Returns
        -------
        Xs_mapped : ndarray of shape (n_source, n_features)
            ``transform(Xs)``.
        """
        return self.fit(Xs, y, Xt, yt, ys=ys, a=a, b=b).transform(Xs)

    def transform(self, Xs=None, ys=None, Xt=None, yt=None, batch_size=128):
        """Map source samples onto the target.

        Parameters
        ----------
        Xs : {array-like, sparse matrix} of shape (n_samples, n_features)
            Source samples (fitted or new).
        ys, Xt, yt : None
            Accepted for POT's signature; not used.
        batch_size : int, default=128
            Accepted for POT's signature; not used (no batching is needed).

        Returns
        -------
        Xs_mapped : ndarray of shape (n_samples, n_features)
            ``sum_j w_j(x) xt_j`` for each row ``x`` (see ``out_of_sample_map``).
        """
        check_is_fitted(self)
        if Xs is None:
            raise ValueError("transform needs the samples Xs.")
        X = validate_data(
            self, Xs, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32], reset=False
        )
        if self.out_of_sample_map == "ferradans":
            mapped = _ferradans(X, self.xs_, self.xt_, self.coupling_)
        else:
            weights = _softmax_weights(X, self.xt_, self.target_potential_, self)
            mapped = _weighted_rows(weights, self.xt_, X.dtype)
        return mapped

    def inverse_transform(self, Xt=None, *, Xs=None, ys=None, yt=None, batch_size=128):
        """Map target samples back onto the source by the reverse map.

        Parameters
        ----------
        Xt : {array-like, sparse matrix} of shape (n_samples, n_features)
            Target samples.
        Xs, ys, yt : None
            Accepted for POT's signature; not used.
        batch_size : int, default=128
            Accepted for POT's signature; not used.

        Returns
        -------
        Xt_mapped : ndarray of shape (n_samples, n_features)
            ``sum_i w_i(y) xs_i`` with ``w_i(y) ∝ exp((u_i - c(xs_i, y)) / reg)``
            (``"continuous"``), or POT's nearest-neighbour scheme (``"ferradans"``).
        """
        check_is_fitted(self)
        if Xt is None:
            raise ValueError("inverse_transform needs the samples Xt.")
        X = validate_data(
            self, Xt, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32], reset=False
        )
        if self.out_of_sample_map == "ferradans":
            return _ferradans(X, self.xt_, self.xs_, self.coupling_.T)
        weights = _softmax_weights(X, self.xs_, self.source_potential_, self)
        return _weighted_rows(weights, self.xs_, X.dtype)

    def transform_labels(self, ys=None):
        """Propagate source labels to the target samples (soft labels).

        Parameters
        ----------
        ys : array-like of shape (n_source,)
            Source labels.

        Returns
        -------
        yt_soft : ndarray of shape (n_target, n_classes)
            ``P^T`` with columns normalized, applied to the one-hot source labels: the
            label distribution of the mass each target sample receives (classes in sorted
            order).
        """
        check_is_fitted(self)
        return _propagate(self.coupling_, ys, "ys")

    def inverse_transform_labels(self, yt=None):
        """Propagate target labels to the source samples (soft labels).

        Parameters
        ----------
        yt : array-like of shape (n_target,)
            Target labels.

        Returns
        -------
        ys_soft : ndarray of shape (n_source, n_classes)
            Label distribution of the mass each source sample sends (classes in sorted
            order).
        """
        check_is_fitted(self)
        return _propagate(self.coupling_.T, yt, "yt")

    def _reg(self):
        return float(self.reg if self.reg_e is None else self.reg_e)

    def _weights(self, w, X, name):
        if w is None and self.distribution_estimation is not None:
            w = np.asarray(self.distribution_estimation(X), dtype=np.float64).ravel()
        return _check_marginal(w, X.shape[0], name, "source samples" if name == "a" else
                               "target samples")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.required = False
        return tags


def _normalize_cost(C, norm, scale):
    """POT's ``cost_normalization``: ``(C normalized, divisor)``; ``scale`` reuses a divisor."""
    if norm in ("log", "loglog"):
        C = np.log1p(C)
        return (np.log1p(C) if norm == "loglog" else C), 1.0
    if scale is None:
        if norm is None:
            scale = 1.0
        else:
            value = {"max": np.max, "median": np.median, "mean": np.mean}[norm](C)
            scale = float(value) if value > 0 else 1.0
    return C / scale, scale


def _label_cost(C, ys, yt, limit, a, b):
    """Raise the cost of pairs with two different known labels to ``limit`` (POT's rule)."""
    ys = column_or_1d(ys, warn=True)
    yt = column_or_1d(yt, warn=True)
    if ys.shape[0] != C.shape[0]:
        raise ValueError(f"ys has {ys.shape[0]} labels but Xs has {C.shape[0]} samples.")
    if yt.shape[0] != C.shape[1]:
        raise ValueError(f"yt has {yt.shape[0]} labels but Xt has {C.shape[1]} samples.")
    mismatch = (ys[:, None] != yt[None, :]) & (ys != -1)[:, None] & (yt != -1)[None, :]
    C = C.copy()
    C[mismatch] = np.maximum(C[mismatch], limit)
    if np.isinf(limit):
        open_rows = np.isfinite(C[:, b > 0]).any(axis=1)
        open_cols = np.isfinite(C[a > 0, :]).any(axis=0)
        if not (np.all(open_rows | (a == 0)) and np.all(open_cols | (b == 0))):
            raise ValueError(
                "With limit_max=inf, a labelled sample whose label appears on no sample of "
                "the other side (and no unlabelled sample, yt=-1) cannot be transported; "
                "use a finite limit_max or check ys and yt."
            )
    return C


def _propagate(P, labels, name):
    """Column-normalized ``P^T`` applied to the one-hot ``labels`` (rows of ``P``)."""
    if labels is None:
        raise ValueError(f"{name} (the labels to propagate) is required.")
    labels = column_or_1d(labels, warn=True)
    if labels.shape[0] != P.shape[0]:
        raise ValueError(
            f"{name} has {labels.shape[0]} labels but the coupling has {P.shape[0]} rows."
        )
    classes = np.unique(labels)
    masks = (labels[:, None] == classes[None, :]).astype(np.float64)
    mass = P.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        transp = np.where(mass > 0, P / mass, 0.0)
    return transp.T @ masks


def _ferradans(X, X_fit, Y_fit, P):
    """POT's out-of-sample map: barycentric projection of the nearest fitted point, shifted."""
    row_mass = P.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        bary = np.where(row_mass > 0, P / row_mass, 0.0) @ _dense(Y_fit)
    Xd, Fd = _dense(X), _dense(X_fit)
    if Xd.shape == Fd.shape and np.array_equal(Xd, Fd):
        return bary.astype(X.dtype, copy=False)
    nearest = np.argmin(euclidean_distances(Xd, Fd, squared=True), axis=1)
    return (bary[nearest] + Xd - Fd[nearest]).astype(X.dtype, copy=False)


def _dense(X):
    return X.toarray() if sp.issparse(X) else np.asarray(X)


def _softmax_weights(X, Y, potential, est):
    """Row-stochastic ``w_ij ∝ exp((potential_j - C(x_i, y_j)) / reg)``, stable in log domain."""
    C, _ = _normalize_cost(_cost_matrix(X, Y, est.metric), est.norm, est.cost_scale_)
    logits = (potential[None, :] - C) / est._reg()
    logits -= logits.max(axis=1, keepdims=True)
    weights = np.exp(logits)
    weights /= weights.sum(axis=1, keepdims=True)
    return weights


def _weighted_rows(weights, Y, dtype):
    mapped = weights @ Y if not hasattr(Y, "tocsr") else np.asarray((Y.T @ weights.T).T)
    return np.asarray(mapped, dtype=dtype)

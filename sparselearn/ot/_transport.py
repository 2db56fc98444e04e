"""SinkhornTransport: entropic OT between two point clouds as a scikit-learn transformer."""

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_array, check_is_fitted, validate_data

from ._cost import METRICS, _cost_matrix
from ._sinkhorn import _solve
from ._validation import _check_marginal

__all__ = ["SinkhornTransport"]


class SinkhornTransport(TransformerMixin, BaseEstimator):
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

    where ``v`` is the target dual potential. On a fitted source point ``x^s_i`` this is exactly
    ``sum_j P_ij x^t_j / sum_j P_ij``; on new points it is the entropic (Pooladian &
    Niles-Weed) extension of the map, not a nearest-neighbour shift.

    Same role as POT's ``ot.da.SinkhornTransport`` with scikit-learn conventions.

    Parameters
    ----------
    reg : float, default=1.0
        Entropic regularization (POT's ``reg_e``), relative to the cost after ``norm``.
    method : {"sns", "sinkhorn"}, default="sns"
        Solver: :func:`sinkhorn_newton_sparse` or :func:`sinkhorn`.
    metric : {"sqeuclidean", "euclidean", "cityblock", "cosine", "chebyshev"}, \
            default="sqeuclidean"
        Ground cost between points.
    norm : {"max", "median", "mean"} or None, default=None
        Divide the cost matrix by its max / median / mean (as POT's ``norm``); the same
        factor is applied to the costs of new points in ``transform``.
    tol : float, default=1e-9
        Marginal-error tolerance.
    max_iter : int, default=1000
        Iteration cap.
    n_sinkhorn_iter : int, default=20
        Sinkhorn warm-up iterations of SNS.
    sparsity : float in (0, 1] or None, default=None
        Hessian density of SNS (see :func:`sinkhorn_newton_sparse`).
    reg_init : "auto", float or None, default="auto"
        Start of the reg annealing of SNS (see :func:`sinkhorn_newton_sparse`), in units of
        the cost after ``norm``; None turns it off. Ignored by ``method="sinkhorn"``.
    verbose : int, default=0
        Print a solver summary.

    Attributes
    ----------
    coupling_ : ndarray of shape (n_source, n_target)
        Transport plan.
    log_ : dict
        Solver record (see :func:`sinkhorn_newton_sparse`).
    n_iter_ : int
        Solver iterations.
    cost_ : float
        Transport cost ``<C, coupling_>`` (normalized cost).
    source_potential_, target_potential_ : ndarray of shape (n_source,), (n_target,)
        Dual potentials ``u``, ``v`` with ``P_ij = exp((u_i + v_j - C_ij) / reg)``.
    cost_scale_ : float
        Factor the raw cost was divided by (1.0 without ``norm``).
    xs_, xt_ : ndarray
        Fitted source and target points.
    n_features_in_ : int
        Number of features.
    feature_names_in_ : ndarray of str
        Feature names, when ``Xs`` has string column names.

    See Also
    --------
    sinkhorn_newton_sparse, sinkhorn

    References
    ----------
    .. [1] X. Tang et al., "Accelerating Sinkhorn algorithm with sparse Newton iterations",
       ICLR 2024.
    .. [2] N. Courty, R. Flamary, D. Tuia, A. Rakotomamonjy, "Optimal transport for domain
       adaptation", IEEE TPAMI 39(9), 2017.
    .. [3] A.-A. Pooladian, J. Niles-Weed, "Entropic estimation of optimal transport maps",
       arXiv:2109.12004, 2021.

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
    """

    _parameter_constraints = {
        "reg": [Interval(Real, 0, None, closed="neither")],
        "method": [StrOptions({"sns", "sinkhorn"})],
        "metric": [StrOptions(set(METRICS))],
        "norm": [StrOptions({"max", "median", "mean"}), None],
        "tol": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "n_sinkhorn_iter": [Interval(Integral, 0, None, closed="left")],
        "sparsity": [Interval(Real, 0, 1, closed="right"), None],
        "reg_init": [StrOptions({"auto"}), Interval(Real, 0, None, closed="neither"), None],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        reg=1.0,
        method="sns",
        metric="sqeuclidean",
        norm=None,
        tol=1e-9,
        max_iter=1000,
        n_sinkhorn_iter=20,
        sparsity=None,
        reg_init="auto",
        verbose=0,
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

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, Xs, Xt=None, a=None, b=None):
        """Compute the transport plan from ``Xs`` to ``Xt``.

        Parameters
        ----------
        Xs : {array-like, sparse matrix} of shape (n_source, n_features)
            Source samples.
        Xt : {array-like, sparse matrix} of shape (n_target, n_features) or None
            Target samples. ``None`` (or a 1-D label vector, as scikit-learn passes ``y``)
            means ``Xs`` itself: the entropic self-transport, a smoothing of ``Xs``.
        a : array-like of shape (n_source,) or None
            Source weights; ``None`` means uniform.
        b : array-like of shape (n_target,) or None
            Target weights with the mass of ``a``; ``None`` means uniform.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        Xs = validate_data(
            self, Xs, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32], reset=True
        )
        if Xt is not None and not sp.issparse(Xt):
            Xt = np.asarray(Xt)
        if Xt is None or Xt.ndim == 1:
            Xt = Xs
        else:
            Xt = check_array(
                Xt, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32], input_name="Xt"
            )
            if Xt.shape[1] != Xs.shape[1]:
                raise ValueError(
                    f"Xt has {Xt.shape[1]} features but Xs has {Xs.shape[1]}; they must match."
                )
        a = _check_marginal(a, Xs.shape[0], "a", "source samples")
        b = _check_marginal(b, Xt.shape[0], "b", "target samples")
        mass_a, mass_b = a.sum(), b.sum()
        if abs(mass_a - mass_b) > 1e-6 * max(mass_a, mass_b):
            raise ValueError(
                f"a and b must have the same total mass, got {mass_a:.6g} and {mass_b:.6g}."
            )
        C = _cost_matrix(Xs, Xt, self.metric)
        scale = _norm_factor(C, self.norm)
        C /= scale
        P, log = _solve(
            a,
            b * (mass_a / mass_b),
            C,
            self.reg,
            self.method,
            self.tol,
            self.max_iter,
            True,
            self.verbose,
            n_sinkhorn_iter=self.n_sinkhorn_iter,
            sparsity=self.sparsity,
            reg_init=self.reg_init,
            check_input=False,
        )
        self.coupling_ = P
        self.log_ = log
        self.n_iter_ = log["n_iter"]
        self.cost_ = log["cost"]
        self.source_potential_ = log["u"]
        self.target_potential_ = log["v"]
        self.cost_scale_ = scale
        self.xs_ = Xs
        self.xt_ = Xt
        return self

    def transform(self, Xs):
        """Map source samples onto the target by the entropic map.

        Parameters
        ----------
        Xs : {array-like, sparse matrix} of shape (n_samples, n_features)
            Source samples (fitted or new).

        Returns
        -------
        Xs_mapped : ndarray of shape (n_samples, n_features)
            ``sum_j w_j(x) xt_j`` for each row ``x``.
        """
        check_is_fitted(self)
        X = validate_data(
            self, Xs, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32], reset=False
        )
        weights = _softmax_weights(X, self.xt_, self.target_potential_, self)
        return _weighted_rows(weights, self.xt_, X.dtype)

    def inverse_transform(self, Xt):
        """Map target samples back onto the source by the reverse entropic map.

        Parameters
        ----------
        Xt : {array-like, sparse matrix} of shape (n_samples, n_features)
            Target samples.

        Returns
        -------
        Xt_mapped : ndarray of shape (n_samples, n_features)
            ``sum_i w_i(y) xs_i`` with ``w_i(y) ∝ exp((u_i - c(xs_i, y)) / reg)``.
        """
        check_is_fitted(self)
        X = validate_data(
            self, Xt, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32], reset=False
        )
        weights = _softmax_weights(X, self.xs_, self.source_potential_, self)
        return _weighted_rows(weights, self.xs_, X.dtype)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.required = False
        return tags


def _norm_factor(C, norm):
    if norm is None:
        return 1.0
    value = {"max": np.max, "median": np.median, "mean": np.mean}[norm](C)
    return float(value) if value > 0 else 1.0


def _softmax_weights(X, Y, potential, est):
    """Row-stochastic ``w_ij ∝ exp((potential_j - C(x_i, y_j)) / reg)``, stable in log domain."""
    C = _cost_matrix(X, Y, est.metric) / est.cost_scale_
    logits = (potential[None, :] - C) / est.reg
    logits -= logits.max(axis=1, keepdims=True)
    weights = np.exp(logits)
    weights /= weights.sum(axis=1, keepdims=True)
    return weights


def _weighted_rows(weights, Y, dtype):
    mapped = weights @ Y if not hasattr(Y, "tocsr") else np.asarray((Y.T @ weights.T).T)
    return np.asarray(mapped, dtype=dtype)

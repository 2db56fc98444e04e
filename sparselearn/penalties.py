"""Separable penalties: L1, L0, MCP, SCAD, Lq, CEL0 and ElasticNet.

Each penalty is a small scikit-learn style object (``get_params`` / ``set_params``, so
``GridSearchCV`` can tune ``penalty__alpha``) holding its parameters. The numerics live in cached
Numba kernels of ``sparselearn._core.prox``, reached through an integer code and a parameter
array, so no penalty is ever compiled per process (unlike numba jitclasses).

Every penalty offers ``value``, ``prox``, ``subdiff_distance``, ``fixed_point_score`` and
``generalized_support``; ``weights`` (one non-negative number per feature, 0 = unpenalized) scales
``alpha`` per coordinate and ``positive=True`` adds the constraint ``w >= 0``.
"""

import numbers

import numpy as np
from sklearn.base import BaseEstimator

from ._core import prox as _prox
from ._checks import check_kernel_code
from ._design import check_vector

__all__ = ["Penalty", "L1", "L0", "MCP", "SCAD", "Lq", "CEL0", "ElasticNet", "LogSum",
           "GroupPenalty", "GroupLasso", "SparseGroupLasso", "GroupMCP", "GroupSCAD",
           "GroupSparseEnvelope"]


PENALTIES = {}
"""Every penalty class by its short name (``"l1"``, ``"mcp"``, ...), filled as classes are defined;
``sparse_encode(penalty=name)`` and the dictionary learners look names up here."""


class Penalty(BaseEstimator):
    r"""Base class: a separable penalty :math:`\sum_j \mathrm{pen}(w_j)` with per-feature weights.

    A subclass sets ``_code`` (its section of ``sparselearn._core.prox``), ``name``,
    ``_extra_param`` (the name of its shape parameter, if any) and declares what the solvers may
    ask of it: ``convex``, ``accelerated_gradient`` (a finite slope at 0, so the split of the
    accelerated gradient method applies) and ``needs_curvatures`` (the penalty depends on the
    datafit's curvature per feature, as CEL0). Solvers ask these attributes, never the class.
    Every penalty has the methods below: its value, prox, distance of ``-grad`` to its
    subdifferential, prox fixed-point score, generalized support and ``alpha_max``.

    The formulas live in compiled kernels, so a subclass written outside sparselearn cannot
    add new ones (estimators and solvers refuse a penalty without ``_code``, naming it); it
    can subclass a penalty and compute its parameters, as the gallery example
    :ref:`sphx_glr_auto_examples_linear_model_plot_custom_penalty.py` does for an adaptive
    Lasso. A new formula is added to the package as the :ref:`contributor guide
    <contributing>` describes.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.penalties import L1, MCP, Penalty
    >>> isinstance(MCP(alpha=1.0), Penalty)
    True
    >>> pen = L1(alpha=1.0)
    >>> float(pen.value(np.array([2.0, -1.0, 0.0])))
    3.0
    >>> pen.prox(np.array([2.0, -0.5]), step=1.0)
    array([1., 0.])
    """

    _code = None
    #: Name of the shape parameter (``params[1]`` of the kernels), and its domain as
    #: ``(words for the error message, predicate)``.
    _extra_param = None
    _extra_domain = None
    #: Short name used by ``sparse_encode(penalty=...)``.
    name = None
    #: True for penalties whose prox fixed points are global minimizers (convex problems).
    convex = False
    #: True when ``pen = slope |x| + q(x)`` with ``q`` smooth: ``solver="agd"`` applies.
    accelerated_gradient = True
    #: True when the penalty needs the datafit's curvature per feature (``curvatures=``).
    needs_curvatures = False
    #: ``c`` when the slope at 0 is ``c alpha`` (``alpha_max`` in closed form); None otherwise.
    _slope_factor = 1.0

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # only a class that names itself registers: a user's subclass of L1 inherits
        # ``name = "l1"`` and must not replace L1 under that name
        if cls.__dict__.get("name") is not None:
            PENALTIES[cls.name] = cls

    def _check(self):
        """Raise a ValueError naming the offending parameter."""
        check_kernel_code(self, "penalty")
        alpha = self.alpha
        if not isinstance(alpha, numbers.Real) or not np.isfinite(alpha) or alpha < 0:
            raise ValueError(
                f"{type(self).__name__}: alpha must be a finite number >= 0, got {alpha!r}."
            )
        if not isinstance(self.positive, (bool, np.bool_)):
            raise ValueError(f"{type(self).__name__}: positive must be a bool, got {self.positive!r}.")
        if self._extra_param is not None:
            value = getattr(self, self._extra_param)
            requirement, valid = self._extra_domain
            if not isinstance(value, numbers.Real) or not np.isfinite(value) or not valid(value):
                raise ValueError(f"{type(self).__name__}: {self._extra_param} must be "
                                 f"{requirement}, got {value!r}.")

    def _params(self):
        extra = getattr(self, self._extra_param) if self._extra_param else 0.0
        return np.array([float(self.alpha), float(extra), 0.0, 1.0 if self.positive else 0.0])

    def _weights(self, n_features):
        """Per-feature weights as a float64 array of length ``n_features``."""
        if self.weights is None:
            return np.ones(n_features)
        weights = np.asarray(self.weights, dtype=np.float64)
        if weights.shape != (n_features,):
            raise ValueError(
                f"{type(self).__name__}: weights must have shape ({n_features},), got {weights.shape}."
            )
        if not np.all(np.isfinite(weights)) or np.any(weights < 0):
            raise ValueError(f"{type(self).__name__}: weights must be finite and >= 0.")
        return weights

    def _curvatures(self, n_features, curvatures=None):
        if curvatures is None:
            return np.zeros(n_features)
        return np.asarray(curvatures, dtype=np.float64)

    def _arrays(self, w, curvatures=None, name="w"):
        self._check()
        w = check_vector(w, name)
        n_features = w.shape[0]
        return w, self._params(), self._weights(n_features), self._curvatures(n_features, curvatures)

    def value(self, w, curvatures=None):
        r"""Penalty value :math:`\sum_j \mathrm{pen}(w_j)`.

        Parameters
        ----------
        w : array-like of shape (n_features,)
            Coefficients.
        curvatures : array-like of shape (n_features,), default=None
            The datafit's curvature along each coordinate, for penalties that use it
            (``needs_curvatures``, as CEL0); ignored by the others.

        Returns
        -------
        value : float
            The penalty at ``w`` (with its weights).
        """
        w, params, weights, curvs = self._arrays(np.ravel(w), curvatures)
        return _prox.value_for(self._code)(self._code, params, weights, curvs, w)

    def prox(self, v, step, curvatures=None):
        r"""Coordinate-wise :math:`\arg\min_x (x - v)^2 / (2\,\mathrm{step}) + \mathrm{pen}(x)`
        (a global minimizer).

        Parameters
        ----------
        v : array-like of shape (n_features,)
            Points to shrink.
        step : float
            Step size (the inverse of the coordinate's Lipschitz constant), > 0.
        curvatures : array-like of shape (n_features,), default=None
            The datafit's curvature along each coordinate, for penalties that use it
            (``needs_curvatures``, as CEL0); ignored by the others.

        Returns
        -------
        x : ndarray of shape (n_features,)
            The proximal point of each coordinate.
        """
        v, params, weights, curvs = self._arrays(np.ravel(v), curvatures, name="v")
        return _prox.prox(self._code, params, weights, curvs, v, float(step))

    def subdiff_distance(self, w, grad, curvatures=None):
        r"""Distance of :math:`-\mathrm{grad}_j` to the subdifferential of the penalty at
        :math:`w_j`, per feature.

        Parameters
        ----------
        w : array-like of shape (n_features,)
            Coefficients.
        grad : array-like of shape (n_features,)
            Gradient of the datafit at ``w``.
        curvatures : array-like of shape (n_features,), default=None
            The datafit's curvature along each coordinate, for penalties that use it
            (``needs_curvatures``, as CEL0); ignored by the others.

        Returns
        -------
        distances : ndarray of shape (n_features,)
            0 where the first-order optimality condition holds.
        """
        w, params, weights, curvs = self._arrays(np.ravel(w), curvatures)
        grad = check_vector(np.ravel(grad), "grad", w.shape[0], "w")
        return _prox.subdiff_distances(self._code, params, weights, curvs, w, grad)

    def fixed_point_score(self, w, grad, lipschitz, curvatures=None):
        r"""Prox fixed-point residual
        :math:`L_j \,|w_j - \mathrm{prox}(w_j - \mathrm{grad}_j / L_j,\ 1 / L_j)|` per feature:
        0 at stationary points.

        Parameters
        ----------
        w : array-like of shape (n_features,)
            Coefficients.
        grad : array-like of shape (n_features,)
            Gradient of the datafit at ``w``.
        lipschitz : float or array-like of shape (n_features,)
            Per-feature Lipschitz constants :math:`L_j` of the datafit's gradient.
        curvatures : array-like of shape (n_features,), default=None
            The datafit's curvature along each coordinate, for penalties that use it
            (``needs_curvatures``, as CEL0); ignored by the others.

        Returns
        -------
        scores : ndarray of shape (n_features,)
            The residual of each coordinate.
        """
        w, params, weights, curvs = self._arrays(np.ravel(w), curvatures)
        grad = check_vector(np.ravel(grad), "grad", w.shape[0], "w")
        lipschitz = np.broadcast_to(np.asarray(lipschitz, dtype=np.float64), w.shape).copy()
        return _prox.fixed_point_scores(self._code, params, weights, curvs, w, grad, lipschitz)

    def generalized_support(self, w):
        """Boolean mask of the features a solution uses (non-zero coefficients).

        Parameters
        ----------
        w : array-like of shape (n_features,)
            Coefficients.

        Returns
        -------
        support : ndarray of bool of shape (n_features,)
            True where ``w`` is non-zero.
        """
        return np.asarray(w) != 0

    def alpha_max(self, grad0, lipschitz=None, curvatures=None):
        r"""Smallest ``alpha`` for which ``w = 0`` is a prox fixed point, given the gradient at 0.

        For penalties with slope :math:`c\,\alpha` at 0 (L1, elastic net, MCP, SCAD) this is
        :math:`\max_j |\mathrm{grad}_j| / (c\,\mathrm{weight}_j)`; for the others it depends on the per-feature Lipschitz
        constants ``lipschitz`` (the coordinate step is ``1 / lipschitz_j``) and is found by
        bisection on the prox kernel.

        Parameters
        ----------
        grad0 : array-like of shape (n_features,)
            Gradient of the datafit at ``w = 0``.
        lipschitz : float or array-like of shape (n_features,), default=None
            Per-feature Lipschitz constants; needed by the penalties without a closed form.
        curvatures : array-like of shape (n_features,), default=None
            The datafit's curvature along each coordinate, for penalties that use it
            (``needs_curvatures``, as CEL0); ignored by the others.

        Returns
        -------
        alpha_max : float
            The smallest ``alpha`` at which every coefficient stays at 0.
        """
        grad0 = np.asarray(grad0, dtype=np.float64).ravel()
        # with w >= 0 only a negative gradient (a positive correlation) moves w_j off 0
        grad0 = np.maximum(-grad0, 0.0) if self.positive else np.abs(grad0)
        weights = self._weights(grad0.shape[0])
        penalized = weights > 0
        if not np.any(penalized):
            return 0.0
        slope = self._slope_at_zero()
        if slope is not None:
            return float(np.max(grad0[penalized] / weights[penalized])) / slope
        if lipschitz is None:
            raise ValueError(f"{type(self).__name__}.alpha_max needs the Lipschitz constants.")
        lipschitz = np.broadcast_to(np.asarray(lipschitz, dtype=np.float64), grad0.shape).copy()
        curvs = self._curvatures(grad0.shape[0], curvatures)
        return float(_prox.alpha_max_for(self._code)(self._code, self._params(), weights, curvs,
                                                     grad0, lipschitz))

    def zero_threshold(self, curvature):
        """The correlation ``|r|`` below which a coordinate of curvature ``curvature`` stays at 0.

        It is ``curvature`` times the largest ``|v|`` with ``prox(v, 1 / curvature) = 0``.

        Parameters
        ----------
        curvature : float
            The datafit's curvature along the coordinate, > 0.

        Returns
        -------
        threshold : float
            The zero threshold.
        """
        self._check()
        return float(_prox.zero_threshold(self._code, self._params(), float(curvature)))

    def _slope_at_zero(self):
        """Slope of the penalty at 0+ divided by alpha (None: not of the form c alpha |x|)."""
        return self._slope_factor


class L1(Penalty):
    r"""L1 penalty (Lasso): :math:`\alpha \sum_j w_j |x_j|`.

    Parameters
    ----------
    alpha : float, default=1.0
        Regularization strength, >= 0.
    weights : array-like of shape (n_features,), default=None
        Per-feature multipliers of ``alpha`` (0 leaves a feature unpenalized).
    positive : bool, default=False
        Constrain the coefficients to be non-negative.

    Examples
    --------
    >>> from sparselearn.penalties import L1
    >>> L1(alpha=1.0).prox([3.0, -0.5], step=1.0)
    array([2., 0.])
    """

    _code = _prox.L1
    name = "l1"
    convex = True

    def __init__(self, alpha=1.0, weights=None, positive=False):
        self.alpha = alpha
        self.weights = weights
        self.positive = positive


class L0(Penalty):
    r"""L0 penalty: :math:`\alpha \sum_j w_j 1\{x_j \neq 0\}` (hard thresholding).

    The prox keeps ``v`` when ``v^2 > 2 step alpha``. Solutions are coordinate-wise minima;
    the problem is combinatorial and solvers return local solutions.

    Parameters
    ----------
    alpha : float, default=1.0
        Price of one non-zero coefficient.
    weights : array-like of shape (n_features,), default=None
        Per-feature multipliers of ``alpha``.
    positive : bool, default=False
        Constrain the coefficients to be non-negative.

    Examples
    --------
    >>> from sparselearn.penalties import L0
    >>> L0(alpha=2.0).prox([1.9, 2.1], step=1.0)  # hard threshold at sqrt(2 * step * alpha)
    array([0. , 2.1])
    """

    _code = _prox.L0
    name = "l0"
    accelerated_gradient = False
    _slope_factor = None

    def __init__(self, alpha=1.0, weights=None, positive=False):
        self.alpha = alpha
        self.weights = weights
        self.positive = positive


class MCP(Penalty):
    r"""Minimax concave penalty (Zhang, 2010).

    .. math::
        \mathrm{pen}(x) = \begin{cases} \alpha |x| - \frac{x^2}{2\gamma} & |x| \le \gamma\alpha \\
        \frac{\gamma \alpha^2}{2} & |x| > \gamma\alpha \end{cases}

    Parameters
    ----------
    alpha : float, default=1.0
        Regularization strength, >= 0.
    gamma : float, default=3.0
        Concavity, > 1 (the penalty tends to L1 as gamma grows).
    weights : array-like of shape (n_features,), default=None
        Per-feature multipliers of ``alpha``.
    positive : bool, default=False
        Constrain the coefficients to be non-negative.

    References
    ----------
    C.-H. Zhang, "Nearly unbiased variable selection under minimax concave penalty",
    Ann. Statist. 38(2), 2010.

    Examples
    --------
    >>> from sparselearn.penalties import MCP
    >>> MCP(alpha=1.0, gamma=3.0).prox([0.5, 2.0, 4.0], step=1.0)  # firm thresholding
    array([0. , 1.5, 4. ])
    """

    _code = _prox.MCP
    name = "mcp"
    _extra_param = "gamma"
    _extra_domain = ("> 1", lambda gamma: gamma > 1)

    def __init__(self, alpha=1.0, gamma=3.0, weights=None, positive=False):
        self.alpha = alpha
        self.gamma = gamma
        self.weights = weights
        self.positive = positive



class SCAD(Penalty):
    r"""Smoothly clipped absolute deviation penalty (Fan & Li, 2001).

    .. math::
        \mathrm{pen}(x) = \begin{cases} \alpha|x| & |x| \le \alpha \\
        \frac{2\gamma\alpha|x| - x^2 - \alpha^2}{2(\gamma - 1)} & \alpha < |x| \le \gamma\alpha \\
        \frac{(\gamma + 1)\alpha^2}{2} & |x| > \gamma\alpha \end{cases}

    Parameters
    ----------
    alpha : float, default=1.0
        Regularization strength, >= 0.
    gamma : float, default=3.7
        Concavity, > 2.
    weights : array-like of shape (n_features,), default=None
        Per-feature multipliers of ``alpha``.
    positive : bool, default=False
        Constrain the coefficients to be non-negative.

    References
    ----------
    J. Fan, R. Li, "Variable selection via nonconcave penalized likelihood and its oracle
    properties", JASA 96, 2001.

    Examples
    --------
    >>> from sparselearn.penalties import SCAD
    >>> SCAD(alpha=1.0, gamma=3.7).prox([0.5, 1.5, 5.0], step=1.0)
    array([0. , 0.5, 5. ])
    """

    _code = _prox.SCAD
    name = "scad"
    _extra_param = "gamma"
    _extra_domain = ("> 2", lambda gamma: gamma > 2)

    def __init__(self, alpha=1.0, gamma=3.7, weights=None, positive=False):
        self.alpha = alpha
        self.gamma = gamma
        self.weights = weights
        self.positive = positive



class Lq(Penalty):
    r"""Lq quasi-norm penalty :math:`\alpha \sum_j |x_j|^q`, ``0 < q < 1``.

    The prox has closed forms for ``q = 1/2`` (Xu et al., 2012) and ``q = 2/3`` (Cao, Sun & Xu,
    2013); other ``q`` use a monotone Newton solve of the stationarity equation.

    Parameters
    ----------
    alpha : float, default=1.0
        Regularization strength, >= 0.
    q : float, default=0.5
        Exponent, strictly between 0 and 1.
    weights : array-like of shape (n_features,), default=None
        Per-feature multipliers of ``alpha``.
    positive : bool, default=False
        Constrain the coefficients to be non-negative.

    Examples
    --------
    >>> from sparselearn.penalties import Lq
    >>> x = Lq(alpha=1.0, q=0.5).prox([1.0, 3.0], step=1.0)
    >>> x[0], round(float(x[1]), 4)
    (np.float64(0.0), 2.6955)
    """

    _code = _prox.LQ
    name = "lq"
    _extra_domain = ("in the open interval (0, 1)", lambda q: 0 < q < 1)
    accelerated_gradient = False
    _slope_factor = None
    _extra_param = "q"

    def __init__(self, alpha=1.0, q=0.5, weights=None, positive=False):
        self.alpha = alpha
        self.q = q
        self.weights = weights
        self.positive = positive



class CEL0(Penalty):
    r"""Continuous exact L0 relaxation (Soubies, Blanc-Feraud & Aubert, 2015).

    .. math::
        \mathrm{pen}(x_j) = \alpha - \frac{a_j^2}{2}\Big(|x_j| - \frac{\sqrt{2\alpha}}{a_j}\Big)^2
        1\Big\{|x_j| \le \frac{\sqrt{2\alpha}}{a_j}\Big\}

    where :math:`a_j^2` is the curvature of the datafit along coordinate ``j``
    (``||X_j||^2 / n`` for the quadratic datafit; solvers pass it as ``curvatures``). With the
    quadratic datafit, CEL0 has the same global minimizers as the L0-penalized problem.

    Parameters
    ----------
    alpha : float, default=1.0
        Price of one non-zero coefficient (as in :class:`L0`).
    weights : array-like of shape (n_features,), default=None
        Per-feature multipliers of ``alpha``.
    positive : bool, default=False
        Constrain the coefficients to be non-negative.

    References
    ----------
    E. Soubies, L. Blanc-Feraud, G. Aubert, "A continuous exact l0 penalty (CEL0) for least
    squares regularized problem", SIAM J. Imaging Sci. 8(3), 2015.

    Examples
    --------
    >>> from sparselearn.penalties import CEL0
    >>> pen = CEL0(alpha=0.5)
    >>> float(pen.value([0.0, 0.5, 3.0], curvatures=[1.0, 1.0, 1.0]))  # alpha reached at |x| >= 1
    0.875
    """

    _code = _prox.CEL0
    name = "cel0"
    needs_curvatures = True
    _slope_factor = None

    def __init__(self, alpha=1.0, weights=None, positive=False):
        self.alpha = alpha
        self.weights = weights
        self.positive = positive


class ElasticNet(Penalty):
    r"""Elastic net: :math:`\alpha (\rho \|x\|_1 + \frac{1 - \rho}{2}\|x\|_2^2)`, ``rho = l1_ratio``.

    Parameters
    ----------
    alpha : float, default=1.0
        Regularization strength, >= 0.
    l1_ratio : float, default=0.5
        Mix between L1 (1.0) and ridge (0.0), as scikit-learn's ``ElasticNet``.
    weights : array-like of shape (n_features,), default=None
        Per-feature multipliers of ``alpha``.
    positive : bool, default=False
        Constrain the coefficients to be non-negative.

    Examples
    --------
    >>> from sparselearn.penalties import ElasticNet
    >>> ElasticNet(alpha=1.0, l1_ratio=0.5).prox([3.0, 0.2], step=1.0)
    array([1.66666667, 0.        ])
    """

    _code = _prox.ENET
    name = "elasticnet"
    _extra_param = "l1_ratio"
    _extra_domain = ("in [0, 1]", lambda l1_ratio: 0 <= l1_ratio <= 1)
    convex = True

    def __init__(self, alpha=1.0, l1_ratio=0.5, weights=None, positive=False):
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.weights = weights
        self.positive = positive


    def _slope_at_zero(self):
        if self.l1_ratio == 0:
            raise ValueError("ElasticNet with l1_ratio=0 (ridge) has no alpha_max.")
        return float(self.l1_ratio)


class LogSum(Penalty):
    r"""Log-sum penalty :math:`\alpha \sum_j \log(1 + |x_j| / \varepsilon)`.

    The penalty of reweighted L1 minimization (Candes, Wakin & Boyd, 2008): its slope at 0 is
    ``alpha / eps`` and it flattens for ``|x| >> eps``, so large coefficients are barely shrunk.
    Nonconvex; its prox compares the larger root of a quadratic with 0.

    Parameters
    ----------
    alpha : float, default=1.0
        Regularization strength, >= 0.
    eps : float, default=1.0
        Scale of the logarithm, > 0 (smaller: closer to L0).
    weights : array-like of shape (n_features,), default=None
        Per-feature multipliers of ``alpha``.
    positive : bool, default=False
        Constrain the coefficients to be non-negative.

    References
    ----------
    E. J. Candes, M. B. Wakin, S. P. Boyd, "Enhancing sparsity by reweighted l1 minimization",
    J. Fourier Anal. Appl. 14, 2008.

    Examples
    --------
    >>> from sparselearn.penalties import LogSum
    >>> LogSum(alpha=0.5, eps=1.0).prox([0.3, 3.0], step=1.0)
    array([0.        , 2.87082869])
    """

    _code = _prox.LOGSUM
    name = "logsum"
    _extra_param = "eps"
    _extra_domain = ("> 0", lambda eps: eps > 0)
    _slope_factor = None  # the prox is not convex near 0: alpha_max by bisection on the prox

    def __init__(self, alpha=1.0, eps=1.0, weights=None, positive=False):
        self.alpha = alpha
        self.eps = eps
        self.weights = weights
        self.positive = positive


# the group penalties live in their own module (they need the base class above)
from ._group_penalties import (GroupLasso, GroupMCP, GroupPenalty, GroupSCAD,  # noqa: E402
                              GroupSparseEnvelope, SparseGroupLasso)

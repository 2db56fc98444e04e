"""Group penalties: group lasso, sparse group lasso, group MCP, group SCAD and the weighted group
sparse envelope.

They select groups of features (the dummy columns of one categorical variable, the basis of one
spline, the weights of one neuron) instead of single features. Each is a small scikit-learn style
object like the separable penalties of :mod:`sparselearn.penalties` (which exports them), with
``value``, ``prox``, ``subdiff_distance``, ``fixed_point_score``, ``generalized_support`` and
``alpha_max``; the numerics are cached Numba kernels of ``sparselearn._core.group_prox``.
Solvers recognise them by ``grouped = True`` and run block coordinate descent over groups
(``sparselearn._core.group_bcd``), or proximal gradient for the envelope, whose prox couples
the groups (``block_separable = False``).

``groups`` is either

- an int ``s``: contiguous groups of ``s`` features (the last one shorter when ``s`` does not
  divide ``n_features``);
- a list of index arrays, one per group;
- a vector of group ids of length ``n_features`` (integers; a negative id puts the feature in no
  group).

Groups are disjoint; features in no group are not penalized.
"""

import numbers

import numpy as np

from ._core import group_prox as _gprox
from ._checks import check_kernel_code
from ._design import check_vector
from .penalties import Penalty

__all__ = ["GroupPenalty", "GroupLasso", "SparseGroupLasso", "GroupMCP", "GroupSCAD",
           "GroupSparseEnvelope"]


class GroupPenalty(Penalty):
    r"""Base class of the group penalties: :math:`\sum_g \mathrm{pen}(w_g)` over disjoint groups
    of features.

    A subclass sets ``_gcode`` (its section of ``sparselearn._core.group_prox``), ``convex``,
    ``block_separable`` and, if it has one, ``_extra_param`` with its domain. Solvers read
    ``grouped = True`` (never the class) to take the group path: block coordinate descent with
    working sets over groups when ``block_separable``, proximal gradient otherwise.

    ``groups`` is an int ``s`` (contiguous groups of ``s`` features, the last one shorter when
    ``s`` does not divide ``n_features``), a list of index arrays (one per group) or a vector of
    group ids of length ``n_features`` (integers; a negative id puts the feature in no group).
    Groups are disjoint; features in no group are not penalized.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.penalties import GroupLasso, GroupPenalty
    >>> pen = GroupLasso(alpha=1.0, groups=[[0, 1], [2]], weights=[1.0, 1.0])
    >>> isinstance(pen, GroupPenalty), float(pen.value([3.0, 4.0, -1.0]))
    (True, 6.0)
    """

    #: Solvers dispatch on this attribute.
    grouped = True
    #: True when the penalty is a sum of one term per group (block coordinate descent applies).
    block_separable = True
    accelerated_gradient = False
    needs_curvatures = False
    _gcode = None
    _default_weights = "sqrt"

    # ------------------------------------------------------------ checks and group structure

    def _check(self):
        """Raise a ValueError naming the offending parameter."""
        check_kernel_code(self, "penalty", "_gcode")
        alpha = self.alpha
        name = type(self).__name__
        if (isinstance(alpha, bool) or not isinstance(alpha, numbers.Real)
                or not np.isfinite(alpha) or alpha < 0):
            raise ValueError(f"{name}: alpha must be a finite number >= 0, got {alpha!r}.")
        if self._extra_param is not None:
            value = getattr(self, self._extra_param)
            requirement, valid = self._extra_domain
            if (isinstance(value, bool) or not isinstance(value, numbers.Real)
                    or not np.isfinite(value) or not valid(value)):
                raise ValueError(f"{name}: {self._extra_param} must be {requirement}, "
                                 f"got {value!r}.")
        if self.groups is None:
            raise ValueError(f"{name}: groups must be given (an int group size, a list of "
                             "index arrays or a vector of group ids).")

    def _params(self):
        extra = getattr(self, self._extra_param) if self._extra_param else 0.0
        return np.array([float(self.alpha), float(extra), 0.0, 0.0])

    def _user_groups(self, n_features):
        """The groups as a list of int64 index arrays (user order), validated."""
        name = type(self).__name__
        groups = self.groups
        if isinstance(groups, numbers.Integral) and not isinstance(groups, bool):
            if groups < 1:
                raise ValueError(f"{name}: groups, as a group size, must be >= 1, got {groups}.")
            return [np.arange(start, min(start + groups, n_features), dtype=np.int64)
                    for start in range(0, n_features, int(groups))]
        if isinstance(groups, (str, bytes, numbers.Number)) or groups is None:
            raise ValueError(f"{name}: groups must be an int, a list of index arrays or a vector "
                             f"of group ids, got {groups!r}.")
        try:
            is_list = len(groups) > 0 and np.ndim(groups[0]) >= 1
        except TypeError as exc:
            raise ValueError(f"{name}: groups must be an int, a list of index arrays or a vector "
                             f"of group ids, got {groups!r}.") from exc
        if is_list:
            out = [self._index_array(g, n_features, k) for k, g in enumerate(groups)]
        else:
            ids = self._index_array(groups, None, None, what="group ids")
            if ids.shape != (n_features,):
                raise ValueError(f"{name}: groups, as a vector of group ids, must have shape "
                                 f"({n_features},) (one id per feature), got {ids.shape}.")
            labels = np.unique(ids[ids >= 0])
            out = [np.flatnonzero(ids == label).astype(np.int64) for label in labels]
        if not out:
            raise ValueError(f"{name}: groups must hold at least one group.")
        seen = np.zeros(n_features, dtype=int)
        for g in out:
            np.add.at(seen, g, 1)
        if np.any(seen > 1):
            raise ValueError(f"{name}: groups must be disjoint (overlapping groups are not "
                             f"supported); feature {int(np.flatnonzero(seen > 1)[0])} is in "
                             "several groups.")
        return out

    def _index_array(self, indices, n_features, k, what="indices"):
        name = type(self).__name__
        where = "groups" if k is None else f"groups[{k}]"
        arr = np.asarray(indices)
        if arr.dtype.kind == "f" and arr.size and np.all(np.isfinite(arr)) \
                and np.all(arr == np.round(arr)):
            arr = arr.astype(np.int64)
        if arr.dtype.kind not in "iu" or arr.ndim != 1 or arr.size == 0:
            raise ValueError(f"{name}: {where} must be a non-empty 1-D array of integer {what}, "
                             f"got {indices!r}.")
        arr = arr.astype(np.int64)
        if n_features is not None and (np.any(arr < 0) or np.any(arr >= n_features)):
            raise ValueError(f"{name}: {where} holds feature indices outside [0, {n_features}).")
        if n_features is not None and np.unique(arr).size != arr.size:
            raise ValueError(f"{name}: {where} lists a feature twice.")
        return arr

    def _group_weights(self, groups):
        name = type(self).__name__
        sizes = np.array([len(g) for g in groups], dtype=np.float64)
        if self.weights is None:
            return np.sqrt(sizes) if self._default_weights == "sqrt" else np.ones(len(groups))
        weights = np.asarray(self.weights)
        if weights.dtype.kind not in "biuf":
            raise ValueError(f"{name}: weights must hold real numbers.")
        weights = weights.astype(np.float64)
        if weights.shape != (len(groups),):
            raise ValueError(f"{name}: weights must have shape ({len(groups)},) (one per group), "
                             f"got {weights.shape}.")
        if not np.all(np.isfinite(weights)) or np.any(weights < 0):
            raise ValueError(f"{name}: weights must be finite and >= 0.")
        return weights

    def _structure(self, n_features):
        """``(gindptr, gindices, gweights, n_groups)``: the user's groups, then one unpenalized
        singleton group per feature in no group (so the kernels see a partition)."""
        self._check()
        groups = self._user_groups(n_features)
        weights = self._group_weights(groups)
        covered = np.zeros(n_features, dtype=bool)
        for g in groups:
            covered[g] = True
        free = np.flatnonzero(~covered)
        blocks = groups + [np.array([j], dtype=np.int64) for j in free]
        gweights = np.concatenate([weights, np.zeros(free.size)])
        gindptr = np.zeros(len(blocks) + 1, dtype=np.int64)
        gindptr[1:] = np.cumsum([len(g) for g in blocks])
        gindices = np.concatenate(blocks).astype(np.int64) if blocks else np.zeros(0, np.int64)
        return gindptr, gindices, gweights, len(groups)

    def n_groups(self, n_features):
        """Number of groups for ``n_features`` features.

        Parameters
        ----------
        n_features : int
            Number of features.

        Returns
        -------
        n_groups : int
        """
        if isinstance(n_features, bool) or not isinstance(n_features, numbers.Integral) \
                or n_features < 1:
            raise ValueError(f"n_features must be an int >= 1, got {n_features!r}.")
        return self._structure(int(n_features))[3]

    def _arrays(self, w, curvatures=None, name="w"):
        w = check_vector(np.ravel(w), name)
        if w.shape[0] == 0:
            raise ValueError(f"{name} must not be empty.")
        return (w,) + self._structure(w.shape[0])

    # ------------------------------------------------------------ the penalty's verbs

    def value(self, w, curvatures=None):
        """Penalty value.

        Parameters
        ----------
        w : array-like of shape (n_features,)
            Coefficients.
        curvatures : None
            Unused (kept for the interface of :class:`Penalty`).

        Returns
        -------
        value : float
        """
        w, gindptr, gindices, gweights, _ = self._arrays(w)
        return float(_gprox.value(self._gcode, self._params(), gweights, gindptr, gindices, w))

    def prox(self, v, step, curvatures=None):
        """``argmin_x ||x - v||^2 / (2 step) + pen(x)`` (a global minimizer).

        Parameters
        ----------
        v : array-like of shape (n_features,)
            Point.
        step : float
            Step size, > 0.
        curvatures : None
            Unused.

        Returns
        -------
        x : ndarray of shape (n_features,)
        """
        v, gindptr, gindices, gweights, _ = self._arrays(v, name="v")
        step = _check_step(step)
        return _gprox.prox(self._gcode, self._params(), gweights, gindptr, gindices, v, step)

    def subdiff_distance(self, w, grad, curvatures=None):
        """Per group, the distance of ``-grad_g`` to the subdifferential of the penalty at ``w``.

        Zero for every group (and ``grad_j = 0`` on the unpenalized features) exactly at the
        stationary points of ``F + pen`` when ``grad`` is the gradient of ``F``.

        Parameters
        ----------
        w : array-like of shape (n_features,)
            Coefficients.
        grad : array-like of shape (n_features,)
            Gradient of the datafit at ``w``.
        curvatures : None
            Unused.

        Returns
        -------
        distances : ndarray of shape (n_groups,)
        """
        if not self.block_separable:
            raise ValueError(f"{type(self).__name__} couples the groups: use fixed_point_score.")
        w, gindptr, gindices, gweights, n_groups = self._arrays(w)
        grad = check_vector(np.ravel(grad), "grad", w.shape[0], "w")
        dist = _gprox.subdiff_distances(self._gcode, self._params(), gweights, gindptr,
                                        gindices, w, grad)
        return dist[:n_groups]

    def fixed_point_score(self, w, grad, lipschitz, curvatures=None):
        r"""Per group, :math:`L \|w_g - \mathrm{prox}(w - \mathrm{grad} / L, 1 / L)_g\|`: 0 at prox
        fixed points.

        Parameters
        ----------
        w : array-like of shape (n_features,)
            Coefficients.
        grad : array-like of shape (n_features,)
            Gradient of the datafit at ``w``.
        lipschitz : float
            Inverse step ``L``, > 0.
        curvatures : None
            Unused.

        Returns
        -------
        scores : ndarray of shape (n_groups,)
        """
        w, gindptr, gindices, gweights, n_groups = self._arrays(w)
        grad = check_vector(np.ravel(grad), "grad", w.shape[0], "w")
        lipschitz = _check_step(lipschitz, "lipschitz")
        scores = _gprox.fixed_point_scores(self._gcode, self._params(), gweights, gindptr,
                                           gindices, w, grad, lipschitz)
        return scores[:n_groups]

    def generalized_support(self, w, per_group=False):
        """The features (or the groups) a solution uses.

        Parameters
        ----------
        w : array-like of shape (n_features,)
            Coefficients.
        per_group : bool, default=False
            Return one entry per group (``||w_g|| > 0``) instead of one per feature.

        Returns
        -------
        support : ndarray of bool, shape (n_features,) or (n_groups,)
        """
        w, gindptr, gindices, _, n_groups = self._arrays(w)
        if not per_group:
            return w != 0
        return _gprox.group_norms(gindptr, gindices, w)[:n_groups] > 0

    def alpha_max(self, grad0, lipschitz=None, curvatures=None):
        """Smallest ``alpha`` for which ``w = 0`` is stationary, given the datafit gradient at 0.

        Parameters
        ----------
        grad0 : array-like of shape (n_features,)
            Datafit gradient at ``w = 0``.
        lipschitz : None
            Unused (kept for the interface of :class:`Penalty`).
        curvatures : None
            Unused.

        Returns
        -------
        alpha_max : float
        """
        grad0 = check_vector(np.ravel(grad0), "grad0")
        gindptr, gindices, gweights, n_groups = self._structure(grad0.shape[0])
        norms = _gprox.group_norms(gindptr, gindices, grad0)[:n_groups]
        weights = gweights[:n_groups]
        penalized = weights > 0
        if not np.any(penalized):
            return 0.0
        return float(np.max(norms[penalized] / weights[penalized]))


    def zero_threshold(self, curvature):
        """Not defined per feature for a group penalty: raises a ValueError (a group stays at 0
        while ``||grad_g|| <= alpha w_g``, see :meth:`alpha_max` and :meth:`subdiff_distance`).

        Parameters
        ----------
        curvature : float
            Unused.

        Returns
        -------
        threshold : float
            Never returned.
        """
        raise ValueError(f"{type(self).__name__} acts on groups, not on single coordinates: "
                         "zero_threshold is not defined; use alpha_max or subdiff_distance.")


def _is_positive(x):
    return isinstance(x, numbers.Real) and not isinstance(x, bool) and np.isfinite(x) and x > 0


def _check_step(step, name="step"):
    if not _is_positive(step):
        raise ValueError(f"{name} must be a finite number > 0, got {step!r}.")
    return float(step)


class GroupLasso(GroupPenalty):
    r"""Group lasso (Yuan & Lin, 2006): :math:`\alpha \sum_g w_g \|x_g\|_2`.

    Selects whole groups: at a solution ``x_g = 0`` unless ``||grad_g|| > alpha w_g``. The prox
    shrinks each group's norm by ``step alpha w_g`` (block soft thresholding).

    Parameters
    ----------
    alpha : float, default=1.0
        Regularization strength, >= 0.
    groups : int, list of array-like or array-like of shape (n_features,)
        The groups (see :class:`GroupPenalty`): a group size, a list of index arrays
        or a vector of group ids (negative: no group, unpenalized).
    weights : array-like of shape (n_groups,), default=None
        Per-group multipliers of ``alpha`` (0 leaves a group unpenalized); default
        ``sqrt(group size)``, as grpreg and skglm.

    References
    ----------
    M. Yuan, Y. Lin, "Model selection and estimation in regression with grouped variables",
    JRSS B 68(1), 2006.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.penalties import GroupLasso
    >>> pen = GroupLasso(alpha=1.0, groups=[[0, 1], [2, 3]], weights=[1.0, 1.0])
    >>> pen.prox(np.array([3.0, 4.0, 0.3, 0.4]), step=1.0)  # norms 5 -> 4 and 0.5 -> 0
    array([2.4, 3.2, 0. , 0. ])
    """

    _gcode = _gprox.GROUP_L2
    convex = True

    def __init__(self, alpha=1.0, groups=None, weights=None):
        self.alpha = alpha
        self.groups = groups
        self.weights = weights


class SparseGroupLasso(GroupPenalty):
    r"""Sparse group lasso (Simon, Friedman, Hastie & Tibshirani, 2013).

    .. math::
        \alpha \Big(\rho \|x\|_1 + (1 - \rho) \sum_g w_g \|x_g\|_2\Big), \quad \rho =
        \mathrm{l1\_ratio}

    Sparse between and within groups. Its prox soft-thresholds each coefficient, then shrinks
    each group's norm. The L1 part applies to the features of the groups only; a group of weight
    0 is unpenalized.

    Parameters
    ----------
    alpha : float, default=1.0
        Regularization strength, >= 0.
    l1_ratio : float, default=0.5
        Mix between the L1 (1.0) and the group (0.0) parts.
    groups : int, list of array-like or array-like of shape (n_features,)
        The groups (see :class:`GroupLasso`).
    weights : array-like of shape (n_groups,), default=None
        Per-group multipliers of the group part; default ``sqrt(group size)``.

    References
    ----------
    N. Simon, J. Friedman, T. Hastie, R. Tibshirani, "A sparse-group lasso", J. Comput. Graph.
    Stat. 22(2), 2013.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.penalties import SparseGroupLasso
    >>> pen = SparseGroupLasso(alpha=1.0, l1_ratio=0.5, groups=[[0, 1]], weights=[1.0])
    >>> pen.prox(np.array([3.5, 0.3]), step=1.0)  # 0.3 is soft-thresholded away
    array([2.5, 0. ])
    """

    _gcode = _gprox.SPARSE_GROUP
    convex = True
    _extra_param = "l1_ratio"
    _extra_domain = ("in [0, 1]", lambda l1_ratio: 0 <= l1_ratio <= 1)

    def __init__(self, alpha=1.0, l1_ratio=0.5, groups=None, weights=None):
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.groups = groups
        self.weights = weights

    def alpha_max(self, grad0, lipschitz=None, curvatures=None):
        r"""Smallest ``alpha`` for which ``w = 0`` is stationary, given the datafit gradient at 0.

        Group :math:`g` stays at 0 while
        :math:`\|S_{\alpha\rho}(\nabla_g)\| \le \alpha (1 - \rho) w_g` (:math:`S` soft
        thresholding, :math:`\nabla_g` the gradient on the group); the left side decreases and
        the right side increases with
        ``alpha``, so each group's threshold is found by bisection.

        Parameters
        ----------
        grad0 : array-like of shape (n_features,)
            Datafit gradient at ``w = 0``.
        lipschitz : None
            Unused.
        curvatures : None
            Unused.

        Returns
        -------
        alpha_max : float
        """
        grad0 = check_vector(np.ravel(grad0), "grad0")
        gindptr, gindices, gweights, n_groups = self._structure(grad0.shape[0])
        return float(_gprox.sparse_group_alpha_max(float(self.l1_ratio), gweights[:n_groups],
                                                   gindptr, gindices, grad0))


class GroupMCP(GroupPenalty):
    r"""Group minimax concave penalty (grpreg's ``"grMCP"``): MCP of each group's norm.

    .. math::
        \sum_g \mathrm{MCP}(\|x_g\|_2; \alpha w_g, \gamma), \quad
        \mathrm{MCP}(r; a, \gamma) = \begin{cases} a r - \frac{r^2}{2\gamma} & r \le \gamma a \\
        \frac{\gamma a^2}{2} & r > \gamma a \end{cases}

    Nonconvex: large groups are not shrunk, which removes the bias of the group lasso and
    selects fewer false groups. The prox applies the firm threshold to the group norm.

    Parameters
    ----------
    alpha : float, default=1.0
        Regularization strength, >= 0.
    gamma : float, default=3.0
        Concavity, > 1.
    groups : int, list of array-like or array-like of shape (n_features,)
        The groups (see :class:`GroupLasso`).
    weights : array-like of shape (n_groups,), default=None
        Per-group multipliers of ``alpha``; default ``sqrt(group size)``.

    References
    ----------
    P. Breheny, J. Huang, "Group descent algorithms for nonconvex penalized linear and logistic
    regression models with grouped predictors", Stat. Comput. 25, 2015.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.penalties import GroupMCP
    >>> pen = GroupMCP(alpha=1.0, gamma=3.0, groups=[[0, 1], [2, 3]], weights=[1.0, 1.0])
    >>> pen.prox(np.array([3.0, 4.0, 0.6, 0.8]), step=1.0)  # norm 5 > gamma alpha: kept
    array([3., 4., 0., 0.])
    """

    _gcode = _gprox.GROUP_MCP
    _extra_param = "gamma"
    _extra_domain = ("> 1", lambda gamma: gamma > 1)

    def __init__(self, alpha=1.0, gamma=3.0, groups=None, weights=None):
        self.alpha = alpha
        self.gamma = gamma
        self.groups = groups
        self.weights = weights


class GroupSCAD(GroupPenalty):
    r"""Group SCAD (grpreg's ``"grSCAD"``): the SCAD penalty of each group's norm.

    .. math:: \sum_g \mathrm{SCAD}(\|x_g\|_2; \alpha w_g, \gamma)

    with SCAD as in :class:`sparselearn.penalties.SCAD`. Nonconvex.

    Parameters
    ----------
    alpha : float, default=1.0
        Regularization strength, >= 0.
    gamma : float, default=3.7
        Concavity, > 2.
    groups : int, list of array-like or array-like of shape (n_features,)
        The groups (see :class:`GroupLasso`).
    weights : array-like of shape (n_groups,), default=None
        Per-group multipliers of ``alpha``; default ``sqrt(group size)``.

    References
    ----------
    P. Breheny, J. Huang, "Group descent algorithms for nonconvex penalized linear and logistic
    regression models with grouped predictors", Stat. Comput. 25, 2015.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.penalties import GroupSCAD
    >>> pen = GroupSCAD(alpha=1.0, gamma=3.7, groups=[[0, 1]], weights=[1.0])
    >>> pen.prox(np.array([6.0, 8.0]), step=1.0)  # norm 10 > gamma alpha: kept
    array([6., 8.])
    """

    _gcode = _gprox.GROUP_SCAD
    _extra_param = "gamma"
    _extra_domain = ("> 2", lambda gamma: gamma > 2)

    def __init__(self, alpha=1.0, gamma=3.7, groups=None, weights=None):
        self.alpha = alpha
        self.gamma = gamma
        self.groups = groups
        self.weights = weights


class GroupSparseEnvelope(GroupPenalty):
    r"""Weighted group sparse envelope (Refael, Arbel & Huleihel): select about ``k`` groups.

    .. math::
        \alpha\, S_k(w_1 \|x_1\|_2, \dots, w_G \|x_G\|_2), \qquad
        S_k = \Big(\tfrac12 \|\cdot\|_2^2 + \iota_{\{\|t\|_0 \le k\}}\Big)^{**}

    ``S_k`` (Beck & Refael's sparse envelope function) is the convex envelope of half the squared
    norm of vectors with at most ``k`` non-zeros: it equals ``||t||^2 / 2`` on them, and is half
    the squared k-support norm (Argyriou, Foygel & Srebro, 2012). Its conjugate is half the sum
    of the ``k`` largest ``u_i^2``. The penalty is convex; it acts as a ridge on the ``k``
    largest (weighted) groups and thresholds the others, so the number of groups kept is set by
    ``k`` rather than by ``alpha``.

    Its prox keeps the structure of the conjugate: with ``r_g = ||v_g||``, ``a_g = w_g r_g``,
    ``c_g = step alpha w_g^2`` and the dual level ``s`` (the root of a monotone piecewise affine
    equation), group ``g`` is scaled by ``1 / (1 + c_g)`` when ``s <= a_g / (1 + c_g)``, has its
    norm soft-thresholded by ``step alpha w_g s`` when ``s < a_g / c_g``, and is set to 0
    otherwise. ``s`` is found in expected linear time by median selection over the breakpoints
    (no sort). Solvers use proximal gradient (FISTA) with it: its prox couples the groups.

    Parameters
    ----------
    alpha : float, default=1.0
        Regularization strength, >= 0.
    k : int, default=1
        Number of groups the envelope leaves unthresholded, >= 1.
    groups : int, list of array-like or array-like of shape (n_features,)
        The groups (see :class:`GroupLasso`).
    weights : array-like of shape (n_groups,), default=None
        Per-group multipliers of the group norms; default 1.

    References
    ----------
    Y. Refael, I. Arbel, W. Huleihel, "Learning k-level structured sparse neural networks using
    group envelope regularization", 2023 (arXiv:2212.12921).
    A. Beck, Y. Refael, "Sparse regularization via bidualization", J. Global Optim. 82, 2022.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.penalties import GroupSparseEnvelope
    >>> pen = GroupSparseEnvelope(alpha=1.0, k=1, groups=[[0], [1], [2]])
    >>> float(pen.value([3.0, 0.0, 0.0]))  # 1-sparse: half the squared norm
    4.5
    >>> pen.prox(np.array([4.0, 1.0, 0.5]), step=1.0)
    array([2., 0., 0.])
    """

    _gcode = _gprox.GROUP_ENVELOPE
    convex = True
    block_separable = False
    _default_weights = "ones"
    _extra_param = "k"
    _extra_domain = ("an integer >= 1", lambda k: k >= 1 and float(k).is_integer())

    def __init__(self, alpha=1.0, k=1, groups=None, weights=None):
        self.alpha = alpha
        self.k = k
        self.groups = groups
        self.weights = weights

    def alpha_max(self, grad0, lipschitz=None, curvatures=None):
        """Not defined: the envelope is differentiable at 0 with gradient 0, so ``w = 0`` is
        stationary for no ``alpha`` unless the gradient vanishes; raises a ValueError.

        Parameters
        ----------
        grad0 : array-like of shape (n_features,)
            Datafit gradient at ``w = 0``.
        lipschitz : None
            Unused.
        curvatures : None
            Unused.

        Returns
        -------
        alpha_max : float
            Never returned.
        """
        check_vector(np.ravel(grad0), "grad0")
        raise ValueError("GroupSparseEnvelope has no alpha_max (w = 0 is a solution for no "
                         "alpha): pass the alphas of a path explicitly.")

"""Datafits of sparse GLMs: Quadratic, Logistic, Poisson, Huber.

A datafit is a separable loss of the linear predictor :math:`z = Xw + b`, averaged with sample
weights (normalized to sum to ``n_samples``, as scikit-learn's Lasso does):

.. math::  F(w, b) = \\frac{1}{\\sum_i s_i} \\sum_i s_i f(y_i, x_i^T w + b).

Each class computes its loss with compiled (Numba) kernels; adding one is described in the
:doc:`contributor guide </contributing>`.
"""

import numbers

import numpy as np
from sklearn.base import BaseEstimator

from ._core import datafit as _datafit
from ._checks import check_kernel_code
from ._design import as_design, check_vector

__all__ = ["Datafit", "Quadratic", "Logistic", "Poisson", "Huber", "get_datafit"]


class Datafit(BaseEstimator):
    r"""Base class of the datafits: a separable loss of the linear predictor.

    A datafit is :math:`F(Xw) = \frac{1}{n} \sum_i f(y_i, (Xw)_i)`; it gives its value, its
    gradient :math:`X^\top \nabla F`, per-feature and global Lipschitz constants, and the
    intercept of the intercept-only model. Subclasses set the code of their compiled loss
    (``_code``): a subclass written outside sparselearn has none and is refused by the
    estimators and solvers, naming ``datafit``. From user code a loss is reweighted per sample
    with ``sample_weight`` (see
    :ref:`sphx_glr_auto_examples_linear_model_plot_custom_penalty.py`); a new loss is added to
    the package as the :ref:`contributor guide <contributing>` describes.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.datafits import Datafit, Quadratic
    >>> df = Quadratic()
    >>> isinstance(df, Datafit)
    True
    >>> y = np.array([1.0, -1.0])
    >>> float(df.value(y, np.zeros(2)))  # ||y||^2 / (2 n)
    0.5
    """

    _code = None

    def _check(self):
        """Raise a ValueError naming an invalid parameter."""

    def _params(self):
        return np.zeros(1)

    def check_target(self, y):
        """Validate the target for this loss (raise a ValueError naming ``y``).

        Parameters
        ----------
        y : ndarray of shape (n_samples,)
            Targets.

        Returns
        -------
        y : ndarray of shape (n_samples,)
            The targets as a float64 array.
        """
        return y

    def intercept_only(self, y, sw):
        """Optimal intercept of the model with ``w = 0``.

        Parameters
        ----------
        y : ndarray of shape (n_samples,)
            Targets.
        sw : ndarray of shape (n_samples,)
            Sample weights normalized to sum to 1.

        Returns
        -------
        intercept : float
            The intercept minimizing the weighted mean loss when every coefficient is 0.
        """
        return float(np.dot(sw, y))

    @staticmethod
    def _normalized_weights(n_samples, sample_weight):
        if sample_weight is None:
            return np.full(n_samples, 1.0 / n_samples)
        sample_weight = np.asarray(sample_weight, dtype=np.float64)
        return sample_weight / sample_weight.sum()

    def value(self, y, Xw, sample_weight=None):
        """Weighted mean loss :math:`F` at the linear predictor ``Xw`` (intercept included).

        Parameters
        ----------
        y : ndarray of shape (n_samples,)
            Targets.
        Xw : ndarray of shape (n_samples,)
            Linear predictor :math:`z = Xw + b` (intercept included).
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights, normalized to sum to 1; None weighs every sample ``1 / n_samples``.

        Returns
        -------
        value : float
            :math:`\\sum_i s_i f(y_i, z_i)` with the normalized weights :math:`s`.
        """
        y, Xw = _check_y_Xw(y, Xw)
        sw = self._normalized_weights(y.shape[0], sample_weight)
        return _datafit.value(self._code, self._params(), y, Xw, sw)

    def raw_gradient(self, y, Xw, sample_weight=None):
        """Derivative of the weighted mean loss with respect to each sample's predictor.

        Parameters
        ----------
        y : ndarray of shape (n_samples,)
            Targets.
        Xw : ndarray of shape (n_samples,)
            Linear predictor :math:`z = Xw + b` (intercept included).
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights, normalized to sum to 1; None weighs every sample ``1 / n_samples``.

        Returns
        -------
        raw_gradient : ndarray of shape (n_samples,)
            :math:`\\partial F / \\partial z_i`; the gradient with respect to :math:`w` is
            ``X.T @ raw_gradient``.
        """
        y, Xw = _check_y_Xw(y, Xw)
        sw = self._normalized_weights(y.shape[0], sample_weight)
        grad = np.empty_like(y)
        hess = np.empty_like(y)
        _datafit.raw_grad_hess(self._code, self._params(), y, Xw, sw, grad, hess)
        return grad

    def gradient(self, X, y, Xw, sample_weight=None):
        """Gradient of :math:`F` with respect to :math:`w`: ``X.T @ raw_gradient``.

        Parameters
        ----------
        X : {ndarray, sparse matrix} of shape (n_samples, n_features)
            Design.
        y : ndarray of shape (n_samples,)
            Targets.
        Xw : ndarray of shape (n_samples,)
            Linear predictor :math:`z = Xw + b` (intercept included).
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights, normalized to sum to 1; None weighs every sample ``1 / n_samples``.

        Returns
        -------
        gradient : ndarray of shape (n_features,)
            :math:`X^\\top \\nabla_z F`.
        """
        return X.T @ self.raw_gradient(y, Xw, sample_weight)

    def lipschitz(self, X, sample_weight=None):
        """Per-feature Lipschitz constants of the gradient (``inf`` for Poisson).

        Parameters
        ----------
        X : {ndarray, sparse matrix} of shape (n_samples, n_features)
            Design.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights, normalized to sum to 1; None weighs every sample ``1 / n_samples``.

        Returns
        -------
        lipschitz : ndarray of shape (n_features,)
            For each feature :math:`j`, a bound on the curvature of :math:`F` along :math:`w_j`:
            the loss's curvature bound times :math:`\\sum_i s_i X_{ij}^2`.
        """
        design = as_design(X)
        sw = self._normalized_weights(design.n_samples, sample_weight)
        norms = design.col_sq_norms(sw)
        return _datafit.curvature_bound(self._code) * norms

    def global_lipschitz(self, X, sample_weight=None):
        """Lipschitz constant of the gradient as a function of ``w`` (``inf`` for Poisson).

        Parameters
        ----------
        X : {ndarray, sparse matrix} of shape (n_samples, n_features)
            Design.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights, normalized to sum to 1; None weighs every sample ``1 / n_samples``.

        Returns
        -------
        lipschitz : float
            The loss's curvature bound times the largest eigenvalue of
            :math:`X^\\top \\operatorname{diag}(s) X`.
        """
        design = as_design(X)
        sw = self._normalized_weights(design.n_samples, sample_weight)
        return _datafit.curvature_bound(self._code) * design.spectral_norm_sq(sw)


class Quadratic(Datafit):
    r"""Least squares: :math:`f(y, z) = (y - z)^2 / 2` (objective :math:`\|y - Xw\|^2 / (2n)`).

    Examples
    --------
    >>> from sparselearn.datafits import Quadratic
    >>> float(Quadratic().value([1.0, 3.0], [0.0, 1.0]))  # mean of (1/2, 2)
    1.25
    """

    _code = _datafit.QUAD


class Logistic(Datafit):
    r"""Logistic loss :math:`f(y, z) = \log(1 + e^{-yz})` with labels ``y`` in {-1, +1}.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.datafits import Logistic
    >>> bool(np.isclose(Logistic().value([1.0, -1.0], [0.0, 0.0]), np.log(2)))
    True
    """

    _code = _datafit.LOGISTIC

    def check_target(self, y):
        y = np.asarray(y, dtype=np.float64)
        if not np.all(np.isin(y, (-1.0, 1.0))):
            raise ValueError("Logistic datafit: y must take values in {-1, +1}.")
        return y

    def intercept_only(self, y, sw):
        p = np.clip(float(np.dot(sw, (y + 1) / 2)), 1e-12, 1 - 1e-12)
        return float(np.log(p / (1 - p)))


class Poisson(Datafit):
    r"""Poisson log-likelihood with log link: :math:`f(y, z) = e^z - yz` (``y >= 0`` counts).

    Its gradient is not globally Lipschitz: solvers use prox-Newton steps with a line search.

    Examples
    --------
    >>> from sparselearn.datafits import Poisson
    >>> Poisson().raw_gradient([2.0, 0.0], [0.0, 0.0])  # (exp(z) - y) / n
    array([-0.5,  0.5])
    """

    _code = _datafit.POISSON

    def check_target(self, y):
        y = np.asarray(y, dtype=np.float64)
        if np.any(y < 0):
            raise ValueError("Poisson datafit: y must be non-negative.")
        return y

    def intercept_only(self, y, sw):
        return float(np.log(max(float(np.dot(sw, y)), 1e-300)))


class Huber(Datafit):
    r"""Huber loss of the residual ``r = y - z``: :math:`r^2/2` if :math:`|r| \le \delta`, else
    :math:`\delta |r| - \delta^2 / 2`.

    Parameters
    ----------
    delta : float, default=1.35
        Threshold between the quadratic and linear regimes, > 0.

    Examples
    --------
    >>> from sparselearn.datafits import Huber
    >>> float(Huber(delta=1.0).value([0.0, 0.0], [0.5, 3.0]))  # mean of (0.125, 2.5)
    1.3125
    """

    _code = _datafit.HUBER

    def __init__(self, delta=1.35):
        self.delta = delta

    def _check(self):
        if not isinstance(self.delta, numbers.Real) or not self.delta > 0:
            raise ValueError(f"Huber: delta must be > 0, got {self.delta!r}.")

    def _params(self):
        return np.array([float(self.delta)])

    def intercept_only(self, y, sw):
        return float(_datafit.huber_intercept_only(y, sw, float(self.delta)))


_BY_NAME = {"quadratic": Quadratic, "logistic": Logistic, "poisson": Poisson, "huber": Huber}


def get_datafit(datafit):
    """A Datafit instance from a name ("quadratic", "logistic", "poisson", "huber") or instance.

    Parameters
    ----------
    datafit : {"quadratic", "logistic", "poisson", "huber"} or Datafit
        A name (the datafit with its default parameters) or an instance (checked and returned
        as is).

    Returns
    -------
    datafit : Datafit

    Examples
    --------
    >>> from sparselearn.datafits import get_datafit
    >>> get_datafit("huber")
    Huber()
    """
    if isinstance(datafit, Datafit):
        check_kernel_code(datafit, "datafit")
        datafit._check()
        return datafit
    if isinstance(datafit, str) and datafit in _BY_NAME:
        return _BY_NAME[datafit]()
    raise ValueError(
        f"datafit must be one of {sorted(_BY_NAME)} or a Datafit instance, got {datafit!r}."
    )


def _check_y_Xw(y, Xw):
    """``y`` and ``Xw`` as finite float64 vectors of one length; errors name the argument."""
    y = check_vector(y, "y")
    if y.ndim != 1 or y.shape[0] == 0:
        raise ValueError(f"y must be a non-empty vector; got shape {y.shape}.")
    return y, check_vector(Xw, "Xw", y.shape[0], "y")

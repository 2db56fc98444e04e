"""Kronecker-structured sparse Bayesian learning (He & Joseph, IEEE TSP 2024).

The public function and estimator validate their input and call
:mod:`sparselearn._core.kronecker_sbl`, which holds the algorithm.
"""
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import Interval, StrOptions, validate_params
from sklearn.utils.validation import check_is_fitted, validate_data

from .._checks import check_named_array
from .._core import kronecker_sbl as _ksbl
from .._progress import Progress

__all__ = ["KroneckerSBL", "kronecker_sbl", "kron_matvec"]


def kron_matvec(factors, x):
    """Kronecker matrix-vector product ``np.kron(A_1, ..., A_I) @ x``, by mode products, unformed.

    Parameters
    ----------
    factors : list of ndarray of shape (m_i, n_i)
        Factor matrices.
    x : ndarray of shape (n_1 ... n_I,)
        Vector in ``np.kron`` (C) order.

    Returns
    -------
    y : ndarray of shape (m_1 ... m_I,)
        ``np.kron(A_1, ..., A_I) @ x``.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.bayes import kron_matvec
    >>> A, B, x = np.ones((2, 3)), np.eye(2), np.arange(6.0)
    >>> np.allclose(kron_matvec([A, B], x), np.kron(A, B) @ x)
    True
    """
    factors = _check_factor_list(factors)
    x = check_named_array(x, "x", ndim=1, allow_complex=True)
    expected = int(np.prod([f.shape[1] for f in factors]))
    if x.shape[0] != expected:
        raise ValueError(
            f"x has length {x.shape[0]}, but the Kronecker product of the factors has "
            f"{expected} columns (n_1 ... n_I = {[f.shape[1] for f in factors]}).")
    return _ksbl.kron_matvec(factors, x)


@validate_params(
    {
        "factors": [list, tuple],
        "y": ["array-like"],
        "method": [StrOptions({"svd", "am"})],
        "noise_var": [Interval(Real, 0, None, closed="neither"), None],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "block_sparse": ["boolean", list, tuple],
        "coupling": [Interval(Real, 0, None, closed="left")],
        "prune": [Interval(Real, 0, 1, closed="left"), None],
    },
    prefer_skip_nested_validation=True,
)
def kronecker_sbl(factors, y, *, method="svd", noise_var=None, max_iter=150, tol=1e-4,
                  block_sparse=False, coupling=0.8, prune=None):
    r"""Kronecker-structured SBL: recover ``x`` from ``y = np.kron(A_1, ..., A_I) @ x + e``.

    The prior is :math:`x \sim \mathcal N(0, \operatorname{diag}(\gamma_1 \otimes \cdots \otimes
    \gamma_I))` (complex Gaussian for complex data) and
    :math:`e \sim \mathcal N(0, \sigma^2 I)`, :math:`\sigma^2` = ``noise_var``. The EM
    algorithm alternates

    - E-step, never forming the Kronecker product: with
      :math:`A_i \Gamma_i A_i^H = U_i P_i U_i^H` and :math:`G_i = \Gamma_i A_i^H U_i`,
      :math:`C^{-1} = (\otimes_i U_i)\, D\, (\otimes_i U_i)^H` with
      :math:`D = \operatorname{diag}\big(1 / (\sigma^2 + \otimes_i p_i)\big)`, so
      :math:`\mu = (\otimes_i G_i)\, D\, (\otimes_i U_i)^H y` and
      :math:`\operatorname{diag}\Sigma = \otimes_i \gamma_i - (\otimes_i |G_i|^2)
      \operatorname{diag} D`, all by mode products;
    - M-step on :math:`\Lambda = \operatorname{diag}\Sigma + |\mu|^2` (a tensor of shape
      ``(n_1, ..., n_I)``): ``method="am"`` cycles the exact per-factor updates, :math:`\gamma_i`
      the mean over the other modes of :math:`\Lambda` divided by the Kronecker product of the
      other :math:`\gamma_k` (a block-coordinate descent of the EM objective, hence
      convergent), then normalizes; ``method="svd"`` takes successive rank-1 SVDs of the
      unfoldings of :math:`\Lambda`;
    - ``block_sparse``: pattern coupling (PC-KroSBL) of the listed factors (all for True), each
      :math:`\gamma_i = (I + c N_i)\, g_i` with :math:`g_i \ge 0`, :math:`c` = ``coupling`` and
      :math:`N_i` the adjacency of neighbouring indices, so that the nonzeros of factor
      :math:`i` come in blocks. As in the authors' code, each coupled factor's update is
      projected on that cone by non-negative least squares (floored at ``1e-5`` times its
      maximum) right where it is computed: inside the alternating cycle for "am", after its
      rank-1 SVD for "svd". Couple only the factors whose support is block-shaped: a coupled
      factor favours blocks of about three adjacent indices, so coupling a factor with
      isolated nonzeros spreads its support;
    - index :math:`j` of factor :math:`i` leaves the model when the second moment it carries
      (the sum of :math:`\Lambda` over the other modes at :math:`j`) is below ``prune`` times
      the largest one (pruning on :math:`\gamma_i` itself removes indices the rank-1 SVD or
      the AM weighting underrates although they still carry signal); with ``noise_var=None``
      the noise variance is held at its initial value (nothing pruned) for the first 10
      iterations, then gets the EM update
      :math:`\big(\|y - A\mu\|^2 + \operatorname{tr}(A \Sigma A^H)\big) / m`.

    It stops when :math:`\|\Delta\gamma\| / \|\gamma\| < \mathrm{tol}` for
    :math:`\gamma = \otimes_i \gamma_i`.

    Parameters
    ----------
    factors : list of ndarray of shape (m_i, n_i)
        Factor matrices ``A_1, ..., A_I`` (real or complex), any number ``I >= 1``.
    y : array-like of shape (m_1 ... m_I,)
        Measurements in ``np.kron`` order.
    method : {"svd", "am"}, default="svd"
        M-step.
    noise_var : float or None, default=None
        Known noise variance; None learns it, starting at ``0.1 mean |y|^2`` ("am") or
        ``0.03 mean |y|^2`` ("svd"), held there for 10 iterations without pruning, then
        updated by EM.
    max_iter : int, default=150
        Maximum number of EM iterations.
    tol : float, default=1e-4
        Relative change of ``kron gamma_i`` to stop.
    block_sparse : bool or list of int, default=False
        Pattern-coupled prior (block sparsity) on every factor (True) or on the listed factors
        (indices into ``factors``).
    coupling : float, default=0.8
        Coupling strength of the block-sparse prior.
    prune : float or None, default=None
        Relative pruning threshold; None uses 1e-2 for "am" and 1e-3 for "svd".

    Returns
    -------
    result : dict
        ``coef`` (``np.kron`` order), ``gammas`` (list of per-factor vectors, zero when
        pruned), ``noise_var``, ``n_iter``, ``converged``.

    See Also
    --------
    KroneckerSBL : the estimator form, with input checks.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.bayes import kronecker_sbl
    >>> rng = np.random.default_rng(0)
    >>> A1, A2 = rng.standard_normal((12, 16)), rng.standard_normal((12, 16))
    >>> x1, x2 = np.zeros(16), np.zeros(16)
    >>> x1[[2, 9]], x2[[4, 11]] = [1.0, -1.5], [2.0, 1.0]
    >>> x = np.kron(x1, x2)  # support {2, 9} x {4, 11}: indices 36, 43, 148, 155
    >>> result = kronecker_sbl([A1, A2], np.kron(A1, A2) @ x, noise_var=1e-6)
    >>> np.flatnonzero(np.abs(result["coef"]) > 0.1)
    array([ 36,  43, 148, 155])
    """
    factors, y = _check_factors(factors, y)
    return _kronecker_sbl(factors, y, method, noise_var, max_iter, tol, block_sparse, coupling,
                          prune)


def _kronecker_sbl(factors, y, method, noise_var, max_iter, tol, block_sparse, coupling, prune,
                   progress=None):
    """:func:`kronecker_sbl` on checked factors and ``y``, reporting to ``progress``."""
    if prune is None:
        prune = _ksbl.PRUNE[method]
    coupled_modes = _coupled_modes(block_sparse, len(factors)) if coupling > 0 else []
    return _ksbl.kronecker_sbl(factors, y, method, noise_var, max_iter, tol, prune,
                               coupled_modes, coupling, progress)


def _coupled_modes(block_sparse, n_modes):
    """Factors with a pattern-coupled prior: all for True, none for False, else the listed ones."""
    if isinstance(block_sparse, (bool, np.bool_)):
        return list(range(n_modes)) if block_sparse else []
    modes = sorted({int(m) for m in block_sparse})
    if any(m < -n_modes or m >= n_modes for m in modes):
        raise ValueError(f"block_sparse lists factors {modes}, but there are {n_modes} factors.")
    return sorted({m % n_modes for m in modes})


def _check_factor_list(factors, name="factors"):
    """The factor matrices as finite, non-empty, non-zero float64 or complex128 2-D arrays."""
    if not isinstance(factors, (list, tuple)):
        raise TypeError(f"{name} must be a list of factor matrices [A_1, ..., A_I]; got "
                        f"{type(factors).__name__}.")
    if len(factors) == 0:
        raise ValueError(f"{name} must hold at least one matrix A_i.")
    checked = []
    for i, factor in enumerate(factors):
        factor = check_named_array(factor, f"{name}[{i}]", ndim=2, allow_complex=True)
        if not np.any(factor):
            raise ValueError(f"{name}[{i}] is zero (rank 0): nothing can be recovered.")
        checked.append(factor)
    return checked


def _is_factor_list(X):
    """True for a list of factor matrices; False for a sample table (a list of rows included)."""
    return isinstance(X, (list, tuple)) and (len(X) == 0 or any(np.ndim(f) >= 2 for f in X))


def _check_factors(factors, y):
    checked = _check_factor_list(factors)
    y = check_named_array(y, "y", ndim=(1, 2), allow_complex=True)
    if y.ndim == 2 and 1 in y.shape:
        y = y.ravel()
    if y.ndim != 1:
        raise ValueError(f"y must be a vector, got shape {y.shape}.")
    expected = int(np.prod([f.shape[0] for f in checked]))
    if y.size != expected:
        raise ValueError(
            f"y has length {y.size}, but the Kronecker product of the factors has "
            f"{expected} rows (m_1 ... m_I = {[f.shape[0] for f in checked]}).")
    return checked, y


class KroneckerSBL(RegressorMixin, BaseEstimator):
    """Sparse Bayesian learning with a Kronecker-structured dictionary and prior.

    Recovers a sparse ``x`` from

    .. math::

        \\begin{aligned}
        y &= (A_1 \\otimes A_2 \\otimes \\cdots \\otimes A_I)\\, x + e, \\\\
        x &\\sim \\mathcal{N}(0, \\operatorname{diag}(\\gamma_1 \\otimes \\cdots \\otimes
        \\gamma_I)), \\quad e \\sim \\mathcal{N}(0, \\sigma^2 I),
        \\end{aligned}

    where the support of ``x`` is a Kronecker product of per-factor supports (for instance
    angles of arrival, angles of departure and IRS angles in channel estimation). The
    hyperparameters maximize the marginal likelihood by EM; the E-step uses per-factor
    eigendecompositions and mode products, so neither ``A_1 kron ... kron A_I`` nor the
    ``n x n`` posterior covariance is ever formed. Real and complex data are supported.

    Parameters
    ----------
    method : {"svd", "am"}, default="svd"
        M-step: ``"am"``, alternating minimization over the factors (convergent), or
        ``"svd"``, the rank-1 SVD approximation (faster, usually as accurate).
    noise_var : float or None, default=None
        Known noise variance; None learns it by EM.
    max_iter : int, default=150
        Maximum number of EM iterations.
    tol : float, default=1e-4
        Stop when ``||d gamma|| / ||gamma|| < tol`` for ``gamma = kron gamma_i``.
    block_sparse : bool or list of int, default=False
        Pattern-coupled prior (PC-KroSBL): each entry's variance is coupled with its
        neighbours along a factor, favouring block-sparse supports; True couples every factor,
        a list couples only the listed factors (as the paper's IRS channel, where the angle
        spread makes two factors block-sparse and the third 1-sparse). Best with
        ``method="svd"``; with "am" the coupled EM needs many more iterations.
    coupling : float, default=0.8
        Coupling strength of the block-sparse prior (the paper's beta).
    prune : float or None, default=None
        Relative pruning threshold per factor; None uses 1e-2 (AM) or 1e-3 (SVD).
    verbose : int, default=0
        0 silent; 1 a progress bar with the relative change of the hyperparameters (plain lines
        without tqdm) once the fit runs longer than a few seconds; 2 a line per EM iteration
        (see :ref:`progress`).
    callback : callable, default=None
        Called after every EM iteration with a dict of the state: ``iteration`` (from 1),
        ``gamma_change`` (``||d gamma|| / ||gamma||``), ``gammas`` and ``indices`` (the
        per-factor hyperparameters on the live indices, in the unit-scaled problem),
        ``noise_var`` (unit-scaled), ``elapsed`` (seconds). A truthy return value stops the fit
        after that iteration (the posterior mean is then computed at its hyperparameters,
        ``n_iter_`` is that iteration, and no ``ConvergenceWarning`` is raised).

    Attributes
    ----------
    coef_ : ndarray of shape (n_1 ... n_I,)
        Posterior mean of ``x`` in ``np.kron`` order (complex for complex data).
    gammas_ : list of ndarray of shape (n_i,)
        Per-factor hyperparameters (zero for pruned entries); ``np.kron`` of them is the prior
        variance of ``x``.
    noise_var_ : float
        Estimated (or given) noise variance.
    n_iter_ : int
        Number of EM iterations run.
    n_factors_ : int
        Number of factors ``I``.

    See Also
    --------
    SparseBayesianRegression : SBL that ignores the structure.
    kron_matvec : ``(A_1 kron ... kron A_I) x`` by mode products.

    Notes
    -----
    ``fit`` and ``predict`` take either the list of factor matrices ``[A_1, ..., A_I]`` (a list
    or tuple holding 2-D arrays) or a single real 2-D sample table ``X`` of shape
    ``(n_samples, n_features)`` (an array, or a list of rows): a product of one
    factor, ``A_1 = X``, for which the model is sparse Bayesian regression without intercept
    (scikit-learn's regressor API, ``check_estimator`` included). ``predict`` on a 2-D ``X``
    returns ``X @ coef_``, so after a fit on factors it also takes the formed product
    ``np.kron(A_1, ..., A_I)``. Complex data goes through the factor list.

    References
    ----------
    .. [1] Y. He and G. Joseph, "Bayesian algorithms for Kronecker-structured sparse vector
       recovery with application to IRS-MIMO channel estimation", IEEE TSP, 2024,
       arXiv:2307.14719.
    .. [2] J. Fang, Y. Shen, H. Li, P. Wang, "Pattern-coupled sparse Bayesian learning for
       recovery of block-sparse signals", IEEE TSP 63(2), 2015.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.bayes import KroneckerSBL, kron_matvec
    >>> rng = np.random.default_rng(0)
    >>> A1, A2 = rng.standard_normal((8, 12)), rng.standard_normal((9, 12))
    >>> X = np.zeros((12, 12)); X[np.ix_([2, 7], [1, 5])] = [[1.0, -2.0], [1.5, 1.0]]
    >>> y = kron_matvec([A1, A2], X.ravel())
    >>> ksbl = KroneckerSBL(noise_var=1e-6).fit([A1, A2], y)
    >>> np.flatnonzero(np.abs(ksbl.coef_) > 1e-3).tolist()
    [25, 29, 85, 89]
    """

    _parameter_constraints = {
        "method": [StrOptions({"svd", "am"})],
        "noise_var": [Interval(Real, 0, None, closed="neither"), None],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "block_sparse": ["boolean", list, tuple],
        "coupling": [Interval(Real, 0, None, closed="left")],
        "prune": [Interval(Real, 0, 1, closed="left"), None],
        "verbose": ["verbose"],
        "callback": [callable, None],
    }

    def __init__(self, method="svd", noise_var=None, max_iter=150, tol=1e-4,
                 block_sparse=False, coupling=0.8, prune=None, verbose=0, callback=None):
        self.method = method
        self.noise_var = noise_var
        self.max_iter = max_iter
        self.tol = tol
        self.block_sparse = block_sparse
        self.coupling = coupling
        self.prune = prune
        self.verbose = verbose
        self.callback = callback

    def fit(self, X, y):
        """Estimate ``x`` and the Kronecker hyperparameters.

        Parameters
        ----------
        X : list of array-like of shape (m_i, n_i), or array-like of shape (n_samples, n_features)
            Factor matrices ``A_1, ..., A_I``, or one real sample table (a single factor).
        y : array-like of shape (m_1 ... m_I,)
            Measurements in ``np.kron`` order.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        self._validate_params()
        out_dtype = None
        if _is_factor_list(X):
            factors = _check_factor_list(X, name="X")
        else:
            X, y = validate_data(self, X, y, dtype=[np.float64, np.float32], y_numeric=True)
            out_dtype = X.dtype  # float32 kept in coef_, as ARDRegression
            X = X.astype(np.float64, copy=False)
            factors = [X]
        factors, y = _check_factors(factors, y)
        with Progress("KroneckerSBL", self.verbose, self.max_iter, self.callback) as progress:
            result = _kronecker_sbl(factors, y, self.method, self.noise_var, self.max_iter,
                                    self.tol, self.block_sparse, self.coupling, self.prune,
                                    progress)
        if not result["converged"] and not progress.stopped:
            warnings.warn(f"KroneckerSBL did not converge in max_iter={self.max_iter} "
                          "iterations; increase max_iter or tol.", ConvergenceWarning)
        self.coef_ = result["coef"] if out_dtype is None else result["coef"].astype(out_dtype)
        self.gammas_ = result["gammas"]
        self.noise_var_ = float(result["noise_var"])
        self.n_iter_ = result["n_iter"]
        self.n_factors_ = len(factors)
        if len(factors) > 1:
            self.n_features_in_ = self.coef_.shape[0]
            if hasattr(self, "feature_names_in_"):
                del self.feature_names_in_
        return self

    def predict(self, X):
        """Noiseless measurements ``(A_1 kron ... kron A_I) coef_``.

        Parameters
        ----------
        X : list of array-like of shape (m_i, n_i), or array-like of shape (n_samples, n_features)
            Factor matrices with the fitted ``n_i``, or a real 2-D matrix with
            ``n_features = n_1 ... n_I`` columns (the formed Kronecker product).

        Returns
        -------
        y : ndarray of shape (m_1 ... m_I,) or (n_samples,)
            Predicted measurements.
        """
        check_is_fitted(self)
        if not _is_factor_list(X):
            X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
            return X @ self.coef_
        factors = _check_factor_list(X, name="X")
        shapes = [g.size for g in self.gammas_]
        if [f.shape[1] for f in factors] != shapes:
            raise ValueError(f"X (the factors) must have {shapes} columns, as in fit; got "
                             f"{[f.shape[1] for f in factors]}.")
        return _ksbl.kron_matvec(factors, self.coef_)

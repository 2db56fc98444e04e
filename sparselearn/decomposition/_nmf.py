"""Semi-nonnegative and sparse nonnegative matrix factorization.

The estimators validate their parameters and draw the starting point; the loops are the drivers
of :mod:`sparselearn._core.nmf`.
"""

import numbers
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_array, check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.extmath import randomized_svd
from sklearn.utils.validation import check_is_fitted, check_non_negative, validate_data

from .._blas_threads import single_thread_blas
from .._core import nmf as _nmf
from .._progress import Progress

__all__ = ["SemiNMF", "SparseNMF"]

# coordinate-descent sweeps and tolerance of the final coding step and of ``transform``
_CODES_MAX_SWEEPS = 1000
_CODES_TOL = 1e-7
_EXACT_SVD_SIZE = 1000  # exact SVD when min(n_samples, n_features) is at most this


def _truncated_svd(X, n_components, rng):
    """Leading singular triplets of ``X`` (exact for small matrices, randomized otherwise)."""
    k = min(n_components, *X.shape)
    if min(X.shape) <= _EXACT_SVD_SIZE:
        U, s, Vt = np.linalg.svd(X, full_matrices=False)
        return U[:, :k], s[:k], Vt[:k]
    return randomized_svd(X, k, random_state=rng)


class _BaseNMF(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Shared ``fit`` / ``transform`` / ``inverse_transform`` of the factorizations."""

    _parameter_constraints = {
        "n_components": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "sparsity": [Interval(numbers.Real, 0, None, closed="left")],
        "max_iter": [Interval(numbers.Integral, 0, None, closed="left")],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
        "callback": [callable, None],
    }

    _nonnegative_data = False

    def _validate_X(self, X, reset):
        X = validate_data(self, X, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32],
                          reset=reset)
        if self._nonnegative_data:
            check_non_negative(X, f"{type(self).__name__} (input X)")
        return X

    @staticmethod
    def _dense64(X):
        X = X.toarray() if sp.issparse(X) else X
        return np.ascontiguousarray(X, dtype=np.float64)

    def _fit_transform(self, X, stacklevel):
        """Validate ``X``, learn the factorization, set the fitted attributes; return the codes.
        ``stacklevel``: of the convergence warning, so that it points at the caller."""
        X = self._validate_X(X, reset=True)
        Xd = self._dense64(X)
        n_components = self.n_components or Xd.shape[1]
        rng = check_random_state(self.random_state)
        with single_thread_blas(), Progress(type(self).__name__, self.verbose, self.max_iter,
                                            self.callback) as progress:
            W, H, d, errors, converged = self._fit(Xd, n_components, rng, progress)
            W, _ = _nmf.nonneg_codes(Xd, H, self.sparsity, d, _CODES_MAX_SWEEPS, _CODES_TOL)
        if not converged and not progress.stopped and self.tol > 0 and self.max_iter > 0:
            warnings.warn(f"{type(self).__name__} did not converge in max_iter={self.max_iter} "
                          "iterations; increase max_iter or tol.", ConvergenceWarning,
                          stacklevel=stacklevel)
        self.components_ = H.astype(X.dtype, copy=False)
        self.feature_weights_ = d.astype(X.dtype, copy=False)
        self.error_ = errors
        self.n_iter_ = len(errors) - 1
        self.reconstruction_err_ = float(np.linalg.norm(Xd - W @ H))
        return W.astype(X.dtype, copy=False)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, X, y=None):
        """Learn the factorization of ``X`` and return its codes.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data (sparse input is densified).
        y : Ignored
            Not used, present for API consistency.

        Returns
        -------
        W : ndarray of shape (n_samples, n_components)
            The nonnegative codes of the rows of ``X``, in the dtype of ``X``.
        """
        # stack: _fit_transform, here, scikit-learn's _fit_context and set_output wrappers
        return self._fit_transform(X, stacklevel=5)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the factorization of ``X``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data (sparse input is densified).
        y : Ignored
            Not used, present for API consistency.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        self._fit_transform(X, stacklevel=4)  # _fit_transform, here, _fit_context wrapper
        return self

    def transform(self, X):
        r"""Nonnegative codes of the rows of ``X`` over the learned components.

        Solves
        :math:`\min_{w \ge 0} \sum_f d_f (x_f - (wH)_f)^2 / 2 + \mathrm{sparsity} \sum_k w_k`
        per row to
        convergence (coordinate descent), ``d`` the fitted ``feature_weights_``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Data to encode (sparse input is densified).

        Returns
        -------
        W : ndarray of shape (n_samples, n_components)
            The codes, in the dtype of ``X``.
        """
        check_is_fitted(self)
        X = self._validate_X(X, reset=False)
        H = self.components_.astype(np.float64)
        d = self.feature_weights_.astype(np.float64)
        with single_thread_blas():
            W, _ = _nmf.nonneg_codes(self._dense64(X), H, self.sparsity, d, _CODES_MAX_SWEEPS,
                                     _CODES_TOL)
        return W.astype(X.dtype, copy=False)

    def inverse_transform(self, X):
        """Data reconstructed from codes: ``X @ components_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_components)
            Codes, e.g. the output of ``transform``.

        Returns
        -------
        X_original : ndarray of shape (n_samples, n_features)
            The reconstruction.
        """
        check_is_fitted(self)
        X = check_array(X, dtype=[np.float64, np.float32], input_name="X")
        n_components = self.components_.shape[0]
        if X.shape[1] != n_components:
            raise ValueError(f"X has {X.shape[1]} columns, but {type(self).__name__} has "
                             f"{n_components} components.")
        return X @ self.components_.astype(X.dtype, copy=False)

    @property
    def _n_features_out(self):
        return self.components_.shape[0]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.input_tags.positive_only = self._nonnegative_data
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


class SemiNMF(_BaseNMF):
    r"""Semi-nonnegative matrix factorization (Ding, Li & Jordan, 2010), optionally sparse.

    Factors data of any sign as :math:`X \approx W H` with nonnegative codes :math:`W`
    (n_samples, n_components) and components :math:`H` of any sign, minimizing

    .. math::
        \tfrac12 \|X - W H\|_F^2 + \lambda \textstyle\sum_{ij} W_{ij},
        \qquad W \ge 0,

    with :math:`\lambda` = ``sparsity``. In Ding et al.'s notation :math:`X^\top \approx F G^\top`
    with :math:`G = W \ge 0` and :math:`F = H^\top` free; Shafran et al. (2025) use this
    factorization, sparsified, to decompose MLP activations into features. scikit-learn's
    :class:`~sklearn.decomposition.NMF` rejects negative data; with nonnegative data, semi-NMF's
    error lies between the truncated SVD's and NMF's.

    Each iteration updates :math:`H` and then :math:`W`. Without sparsity, :math:`H` is the least
    squares solution :math:`(W^\top W)^{-1} W^\top X`; with sparsity (``sparsity > 0`` on the
    codes, or ``max_features_per_component`` on the components), the rows of :math:`H` are
    kept in the unit l2 ball (otherwise scaling :math:`W` down and :math:`H` up would remove the
    penalty) and each takes its exact block coordinate step. :math:`W` takes one sweep of
    coordinate descent (HALS, ``solver="als"``) or Ding et al.'s multiplicative update
    (``solver="mu"``, slower to converge). Both steps are exact minimizations or majorizations,
    so the objective (``error_``) never increases. After the last iteration the codes are solved
    to convergence for the final components, so ``fit_transform(X)`` equals
    ``fit(X).transform(X)``.

    Parameters
    ----------
    n_components : int or None, default=None
        Number of components; ``None`` takes ``n_features``.
    sparsity : float, default=0.0
        Weight :math:`\lambda \ge 0` of the l1 penalty on the codes, on the scale of the data
        (unit-norm components).
    max_features_per_component : int or None, default=None
        At most this many nonzero entries (features) per component, the sparsity of Shafran et
        al.'s features over neurons (they keep the largest entries by winner-take-all masking).
        Here each component's update is the exact block step under this constraint and the unit
        ball: it keeps the largest entries of its least squares direction, so the objective
        still never increases. ``None``: dense components.
    init : {"svd", "kmeans", "random"}, default="svd"
        Starting codes: the larger of the positive and negative parts of each of the leading
        left singular vectors (scaled by the square root of its singular value); the k-means
        cluster indicators plus 0.2, as Ding et al.; or uniform random codes on the data's scale.
        With ``solver="mu"``, whose updates never move a zero, zero starting codes are set to
        0.2 times the mean code.
    solver : {"als", "mu"}, default="als"
        Update of the codes: coordinate descent (HALS) or multiplicative.
    max_iter : int, default=200
        Maximum number of iterations (0: the starting point, with its least squares
        components).
    tol : float, default=1e-4
        Stop when an iteration decreases the objective by less than ``tol`` times its
        starting value (as scikit-learn's NMF).
    verbose : int, default=0
        0 silent; 1 a progress bar with the objective (plain lines without tqdm) once the fit
        runs longer than a few seconds; 2 the objective at every iteration (see
        :ref:`progress`).
    random_state : int, RandomState instance or None, default=None
        Seed of the ``"kmeans"`` and ``"random"`` starts and of the randomized SVD used for
        large data.
    callback : callable, default=None
        Called after every iteration with a dict of the state: ``iteration`` (from 1),
        ``objective``, ``W`` (the codes) and ``H`` (the components; live arrays, copy what you
        keep), ``elapsed`` (seconds). A truthy return value stops the fit after that iteration
        (``n_iter_`` is then that iteration, and no ``ConvergenceWarning`` is raised).

    Attributes
    ----------
    components_ : ndarray of shape (n_components, n_features)
        The components :math:`H` (any sign), in the dtype of the training data.
    feature_weights_ : ndarray of shape (n_features,)
        All ones (the squared loss weighs every feature alike); present for the common
        ``transform``.
    error_ : ndarray of shape (n_iter_ + 1,)
        The objective at the start and after each iteration (non-increasing).
    n_iter_ : int
        Number of iterations run.
    reconstruction_err_ : float
        Frobenius norm :math:`\|X - W H\|_F` of the fitted factorization.
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit`` (only when ``X`` has string feature names).

    See Also
    --------
    SparseNMF : Both factors nonnegative, squared or correntropy loss.
    sklearn.decomposition.NMF : Nonnegative data and factors.

    References
    ----------
    C. Ding, T. Li, M. I. Jordan, "Convex and semi-nonnegative matrix factorizations",
    IEEE TPAMI 32(1), 2010. O. Shafran, A. Geiger, M. Geva, "Decomposing MLP activations into
    interpretable features via semi-nonnegative matrix factorization", 2025, arXiv:2506.10920.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.decomposition import SemiNMF
    >>> rng = np.random.default_rng(0)
    >>> X = rng.random((50, 3)) @ rng.standard_normal((3, 8))
    >>> model = SemiNMF(3, tol=1e-8, random_state=0).fit(X)
    >>> bool(model.reconstruction_err_ < 1e-3 * np.linalg.norm(X))
    True
    >>> bool(np.all(model.transform(X) >= 0))
    True
    """

    _parameter_constraints = {
        **_BaseNMF._parameter_constraints,
        "init": [StrOptions({"svd", "kmeans", "random"})],
        "solver": [StrOptions({"als", "mu"})],
        "max_features_per_component": [Interval(numbers.Integral, 1, None, closed="left"),
                                       None],
    }

    def __init__(self, n_components=None, *, sparsity=0.0, max_features_per_component=None,
                 init="svd", solver="als", max_iter=200, tol=1e-4, verbose=0, random_state=None,
                 callback=None):
        self.n_components = n_components
        self.sparsity = sparsity
        self.max_features_per_component = max_features_per_component
        self.init = init
        self.solver = solver
        self.max_iter = max_iter
        self.tol = tol
        self.verbose = verbose
        self.random_state = random_state
        self.callback = callback

    def _start(self, X, n_components, rng):
        n_samples = X.shape[0]
        if self.init == "svd":
            U, s, _ = _truncated_svd(X, n_components, rng)
            W = _nmf.svd_codes(U, s, n_components)
            missing = np.all(W == 0.0, axis=0)
        elif self.init == "kmeans":
            if n_components > n_samples:
                raise ValueError(f"init='kmeans' needs n_components <= n_samples; got "
                                 f"n_components={n_components} with {n_samples} samples.")
            from sklearn.cluster import KMeans

            labels = KMeans(n_components, n_init=1,
                            random_state=rng.randint(np.iinfo(np.int32).max)).fit_predict(X)
            W = np.full((n_samples, n_components), 0.2)
            W[np.arange(n_samples), labels] += 1.0
            missing = np.zeros(n_components, dtype=bool)
        else:
            missing = np.ones(n_components, dtype=bool)
            W = np.zeros((n_samples, n_components))
        if np.any(missing):  # random codes on the data's scale
            scale = np.sqrt(max(np.abs(X).mean(), np.finfo(float).tiny) / n_components)
            W[:, missing] = scale * rng.uniform(size=(n_samples, int(missing.sum())))
        if self.solver == "mu":  # multiplicative updates never move a zero: fill them
            W[W == 0.0] = 0.2 * W.mean()
        return W

    def _fit(self, X, n_components, rng, progress):
        W = self._start(X, n_components, rng)
        n_nonzero = self.max_features_per_component or 0
        W, H, errors, converged = _nmf.semi_nmf(X, W, float(self.sparsity), self.solver,
                                                self.max_iter, self.tol, n_nonzero, progress)
        return W, H, np.ones(X.shape[1]), errors, converged


class SparseNMF(_BaseNMF):
    r"""Sparse nonnegative matrix factorization, squared or correntropy loss.

    Factors nonnegative data as :math:`X \approx W H` with :math:`W, H \ge 0`, the rows of
    :math:`H` in the unit l2 ball, minimizing

    .. math::
        \sum_f \phi\big(\|X_{:f} - W H_{:f}\|^2\big) + \lambda \textstyle\sum_{ij} W_{ij},

    with :math:`\lambda` = ``sparsity`` and :math:`\phi(e) = e / 2` (``loss="frobenius"``) or the
    correntropy loss :math:`\phi(e) = \sigma^2 (1 - e^{-e / (2\sigma^2)})` (``"correntropy"``),
    which saturates on features (hyperspectral bands) with large residuals: Wang, Pan, Xiang &
    Zhu (2016) minimize it by half-quadratic optimization, an iteratively reweighted sparse NMF in
    which feature :math:`f` weighs :math:`d_f = e^{-e_f / (2\sigma^2)}`, so corrupted features
    stop driving the fit. Each iteration reweighs the features, takes one exact block
    coordinate step on every row of :math:`H` and one coordinate-descent sweep (HALS) on the
    columns of :math:`W`; with the Frobenius loss, or a fixed ``kernel_width``, the objective
    (``error_``) never increases. After the last iteration the codes are solved to convergence
    for the final components and weights, so ``fit_transform(X)`` equals ``fit(X).transform(X)``.

    Parameters
    ----------
    n_components : int or None, default=None
        Number of components; ``None`` takes ``n_features``.
    loss : {"frobenius", "correntropy"}, default="frobenius"
        The loss per feature.
    sparsity : float, default=0.0
        Weight :math:`\lambda \ge 0` of the l1 penalty on the codes (the abundances), on the
        scale of the data (components in the unit ball).
    kernel_width : "auto" or float, default="auto"
        The correntropy width :math:`\sigma`; ``"auto"`` sets :math:`\sigma^2` to 8 times the
        median over features of the squared residual norms :math:`e_f`, re-estimated at each
        iteration (the objective then need not decrease): the median ignores the corrupted
        features, and the factor keeps the weight of a feature whose residual is 10 times the
        median's above 1/2. The starting point is taken on the features weighted by this rule
        applied to their energies :math:`\|X_{:f}\|^2`, so that corrupted features do not
        draw it. Ignored with ``loss="frobenius"``.
    init : {"svd", "random"}, default="svd"
        Starting point: NNDSVD (Boutsidis & Gallopoulos, 2008) or uniform random factors on the
        data's scale.
    max_iter : int, default=200
        Maximum number of iterations.
    tol : float, default=1e-4
        Stop when an iteration changes the objective by less than ``tol`` times its
        starting value (as scikit-learn's NMF).
    verbose : int, default=0
        0 silent; 1 a progress bar with the objective (plain lines without tqdm) once the fit
        runs longer than a few seconds; 2 the objective at every iteration (see
        :ref:`progress`).
    random_state : int, RandomState instance or None, default=None
        Seed of the ``"random"`` start and of the randomized SVD used for large data.
    callback : callable, default=None
        Called after every iteration with a dict of the state: ``iteration`` (from 1),
        ``objective``, ``W`` (the codes) and ``H`` (the components; live arrays, copy what you
        keep), ``elapsed`` (seconds). A truthy return value stops the fit after that iteration
        (``n_iter_`` is then that iteration, and no ``ConvergenceWarning`` is raised).

    Attributes
    ----------
    components_ : ndarray of shape (n_components, n_features)
        The nonnegative components :math:`H` (rows of l2 norm at most 1), in the dtype of the
        training data.
    feature_weights_ : ndarray of shape (n_features,)
        The final half-quadratic weights :math:`d_f` (all ones with ``loss="frobenius"``);
        ``transform`` uses them.
    error_ : ndarray of shape (n_iter_ + 1,)
        The objective at the start and after each iteration.
    n_iter_ : int
        Number of iterations run.
    reconstruction_err_ : float
        Frobenius norm :math:`\|X - W H\|_F` of the fitted factorization.
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit`` (only when ``X`` has string feature names).

    See Also
    --------
    SemiNMF : Components of any sign, data of any sign.
    sklearn.decomposition.NMF : Squared or beta-divergence loss, multiplicative or CD solvers.

    References
    ----------
    Y. Wang, C. Pan, S. Xiang, F. Zhu, "Robust hyperspectral unmixing with correntropy-based
    metric", IEEE TIP 24(11), 2015, arXiv:1305.7311. C. Boutsidis, E. Gallopoulos, "SVD based
    initialization: a head start for nonnegative matrix factorization", Pattern Recognition
    41(4), 2008. A. Cichocki, A.-H. Phan, "Fast local algorithms for large scale nonnegative
    matrix and tensor factorizations", IEICE Trans. Fundamentals E92-A(3), 2009 (HALS).

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.decomposition import SparseNMF
    >>> rng = np.random.default_rng(0)
    >>> X = rng.random((60, 3)) @ rng.random((3, 10))
    >>> model = SparseNMF(3, random_state=0).fit(X)
    >>> bool(model.reconstruction_err_ < 0.05 * np.linalg.norm(X))
    True
    >>> bool(np.all(model.components_ >= 0))
    True
    """

    _parameter_constraints = {
        **_BaseNMF._parameter_constraints,
        "loss": [StrOptions({"frobenius", "correntropy"})],
        "kernel_width": [StrOptions({"auto"}), Interval(numbers.Real, 0, None, closed="neither")],
        "init": [StrOptions({"svd", "random"})],
    }

    _nonnegative_data = True

    def __init__(self, n_components=None, *, loss="frobenius", sparsity=0.0, kernel_width="auto",
                 init="svd", max_iter=200, tol=1e-4, verbose=0, random_state=None, callback=None):
        self.n_components = n_components
        self.loss = loss
        self.sparsity = sparsity
        self.kernel_width = kernel_width
        self.init = init
        self.max_iter = max_iter
        self.tol = tol
        self.verbose = verbose
        self.random_state = random_state
        self.callback = callback

    def _fit(self, X, n_components, rng, progress):
        n_samples, n_features = X.shape
        width = None if self.loss == "frobenius" else self.kernel_width
        if self.init == "svd":
            # correntropy: the start is taken on the features weighted as the residual of the
            # zero model (the feature energies) would weigh them, so that corrupted features
            # do not draw the leading singular vectors
            energy = np.einsum("ij,ij->j", X, X)
            d0 = _nmf.correntropy_weights(energy, _nmf.kernel_variance(energy, width))
            U, s, Vt = _truncated_svd(X * np.sqrt(d0), n_components, rng)
            W, H = _nmf.nndsvd(U, s, Vt, n_components)
            missing = np.all(W == 0.0, axis=0)
        else:
            W, H = np.zeros((n_samples, n_components)), np.zeros((n_components, n_features))
            missing = np.ones(n_components, dtype=bool)
        if np.any(missing):  # random factors on the data's scale
            scale = np.sqrt(max(X.mean(), np.finfo(float).tiny) / n_components)
            n_missing = int(missing.sum())
            W[:, missing] = scale * rng.uniform(size=(n_samples, n_missing))
            H[missing] = scale * rng.uniform(size=(n_missing, n_features))
        return _nmf.sparse_nmf(X, W, H, float(self.sparsity), width, self.max_iter, self.tol,
                               progress)

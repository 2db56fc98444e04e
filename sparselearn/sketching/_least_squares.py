"""Sketched least squares: sketch-and-solve and sketch-and-precondition (Blendenpik / LSRN).

Solves the (ridge-regularized) least-squares problem

.. math::

    \\min_x \\; \\|A x - b\\|_2^2 + \\lambda \\|x\\|_2^2

for tall ``A`` (``n >> d``), dense, sparse or dask.
"""

import numbers
import warnings
from math import sqrt

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
from sklearn.base import BaseEstimator, RegressorMixin, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.extmath import safe_sparse_dot
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data
from threadpoolctl import threadpool_limits

from .._core.sketch_lsq import refined_gram_solve, refined_normal_pcg
from ._linear_ops import CSROps, DaskOps, DenseOps
from ._operators import make_sketch
from ._validation import is_dask_array, seed_from_random_state

__all__ = ["SketchedLeastSquares"]

# default sketch size, as a multiple of the number of columns
_DEFAULT_OVERSAMPLING = 8
# form A^T A (Gram phase) when it costs at most this many passes over A: the CG phase takes
# 15-30 passes to tol 1e-13 at the default sketch size, the Gram phase 2-5 after it
_GRAM_MAX_PASSES = 12.0
# and when u cond(A)^2, the relative accuracy of a Gram correction (its contraction per
# pass), is at most this (cond(A) <= 1e7)
_GRAM_MAX_ROUNDING = 1e-2


def _sketch_precondition(SA, l2_reg):
    """SVD preconditioner ``M = V Sigma^-1`` of ``[S A; sqrt(l2_reg) I]`` (rank-revealing)."""
    k, d = SA.shape
    if l2_reg > 0:
        SA = np.vstack([SA, sqrt(l2_reg) * np.eye(d)])
    with threadpool_limits(limits=1, user_api="blas"):
        U, sigma, Vt = sla.svd(SA, full_matrices=False, lapack_driver="gesdd", check_finite=False)
    rank = int(np.sum(sigma > sigma[0] * max(SA.shape) * np.finfo(np.float64).eps))
    rank = max(rank, 1)
    M = Vt[:rank].T / sigma[:rank]
    return U[:k, :rank], sigma, M, rank


def sketched_lstsq(ops, b, sketch_op, method, l2_reg, tol, max_iter, verbose=0):
    """Solve ``min ||A_c x - b||^2 + l2_reg ||x||^2`` with ``ops`` wrapping ``A_c``.

    ``b`` of shape (n,) or (n, n_targets): one sketch and one preconditioner serve every
    column. Returns ``(x, n_iter, converged, rank)``, ``x`` of shape (d,) or (d, n_targets),
    ``n_iter`` the most CG iterations of any column.
    """
    SA = ops.sketch(sketch_op)
    Sb = sketch_op.apply(b)
    if is_dask_array(Sb):
        Sb = Sb.compute()
    Sb = np.asarray(Sb, dtype=np.float64)
    U, sigma, M, rank = _sketch_precondition(SA, l2_reg)
    x = M @ (U.T @ Sb)  # sketch-and-solve (Rokhlin & Tygert warm start)
    if method == "sketch_and_solve":
        return x, 1, True, rank
    chol = _gram_factor(ops, M, sigma, rank, l2_reg)
    if b.ndim == 1:
        x, n_iter, converged = _refine(ops, b, M, chol, x, l2_reg, sigma[0], tol, max_iter,
                                       verbose)
        return x, max(n_iter, 1), converged, rank
    n_iter, converged = 1, True
    for j in range(b.shape[1]):
        x[:, j], n_iter_j, converged_j = _refine(
            ops, np.ascontiguousarray(b[:, j]), M, chol, x[:, j], l2_reg, sigma[0], tol,
            max_iter, verbose
        )
        n_iter, converged = max(n_iter, n_iter_j), converged and converged_j
    return x, n_iter, converged, rank


def _gram_factor(ops, M, sigma, rank, l2_reg):
    """Lower Cholesky factor of ``M^T (A^T A + l2_reg I) M``, or None (no Gram phase).

    Formed when ``A^T A`` is cheap next to the CG passes it replaces and accurate enough for
    the corrections to contract: ``u cond(A)^2 <= 1e-2``, ``cond(A)`` estimated by the
    sketch's singular values (within ``(1 +- eps)``).
    """
    cond = sigma[0] / sigma[rank - 1]
    if ops.gram_cost() > _GRAM_MAX_PASSES or np.finfo(np.float64).eps * cond**2 > _GRAM_MAX_ROUNDING:
        return None
    G = ops.gram()
    if G is None:
        return None
    if l2_reg > 0:
        G[np.diag_indices_from(G)] += l2_reg
    H = M.T @ G @ M
    try:
        return np.linalg.cholesky(0.5 * (H + H.T))
    except np.linalg.LinAlgError:
        return None


def _refine(ops, b, M, chol, x, l2_reg, sigma_max, tol, max_iter, verbose):
    """Gram phase (when ``chol`` is given) then, if it stalls, the CG phase; returns
    ``(x, n_iter, converged)`` with ``n_iter`` the passes over ``A`` of both phases."""
    n_gram = 0
    if chol is not None:
        x, n_gram, status = refined_gram_solve(
            ops, b, M, chol, x, l2_reg, sigma_max, tol, max_iter, verbose
        )
        if status != "stalled":
            return x, n_gram, status == "converged"
    x, n_iter, converged = refined_normal_pcg(
        ops, b, M, x, l2_reg, sigma_max, tol, max_iter - n_gram, verbose
    )
    return x, n_gram + n_iter, converged


class SketchedLeastSquares(RegressorMixin, BaseEstimator):
    r"""Least squares (optionally ridge) for tall data by random sketching.

    Minimizes

    .. math::

        \\|y - X w - b\\|_2^2 + \\text{l2\\_reg} \\, \\|w\\|_2^2

    (``b`` the intercept, unpenalized), for ``n_samples >> n_features``.

    ``method="sketch_and_solve"`` solves the small sketched problem
    :math:`\min_w \|S (X w - y)\|^2 + \mathrm{l2\_reg} \|w\|^2` exactly: one pass over ``X``;
    its residual is
    within ``(1 + O(d / k))`` of optimal for a subspace embedding of size ``k``.

    ``method="sketch_and_precondition"`` (default) factors the sketch, :math:`SX = U \Sigma V^\top`,
    uses :math:`M = V \Sigma^{-1}` as a right preconditioner (``X M`` has condition number about
    ``(1 + sqrt(d/k)) / (1 - sqrt(d/k))``), starts from the sketch-and-solve solution and runs
    conjugate gradients on the preconditioned normal equations (equivalent to LSQR on
    ``X M``), one pass over ``X`` per iteration, with iterative refinement restarts on a
    recomputed residual (forward stable, as in Epperly, Meier & Nakatsukasa). It reaches the
    accuracy of a direct solver on ill-conditioned problems.

    When ``X`` is in memory (dense or sparse), ``X^T X`` costs at most a dozen passes over
    ``X`` (dense: ``n_features <= 384``) and the sketch estimates ``u cond(X)^2 <= 1e-2``, the
    iterations are replaced by a Gram phase: ``X^T X`` is formed once (BLAS-3) and each
    refinement solves its correction directly with the Cholesky factor of
    ``M^T (X^T X + l2_reg I) M``, one pass over ``X`` each. The corrections contract by about
    ``u cond(X)^2`` per pass (``u`` the unit roundoff), so 2 passes suffice on
    well-conditioned data and about 5 at ``cond(X) = 1e6``; the recomputed residual keeps the
    accuracy of a backward-stable solver. Should the corrections stop contracting before the
    backward-error test holds, the CG phase takes over.

    Parameters
    ----------
    method : {"sketch_and_precondition", "sketch_and_solve"}, default="sketch_and_precondition"
        Solver.
    sketch : {"sparse_sign", "srht", "countsketch", "gaussian"}, default="sparse_sign"
        Sketch operator; see :mod:`sparselearn.sketching` for costs and guarantees. Only the
        dense sketches ("srht", "gaussian") give sketch-and-solve a coordinate-wise guarantee.
    sketch_size : int, default=None
        Rows of the sketch; ``None`` means ``8 * n_features`` (plus one with an intercept).
        When it is not smaller than ``n_samples`` the problem is solved directly (LAPACK).
    nnz_per_col : int, default=8
        Nonzeros per column of the sparse sign sketch.
    l2_reg : float, default=0.0
        Ridge penalty ``lambda`` (as ``alpha`` in :class:`sklearn.linear_model.Ridge`).
    fit_intercept : bool, default=True
        Fit an unpenalized intercept (``X`` is centered implicitly; sparse ``X`` stays sparse).
    tol : float, default=1e-13
        Stopping tolerance of sketch-and-precondition. The CG phase stops when the
        preconditioned gradient ``s = M^T (X^T (y - X w) - l2_reg w)`` satisfies
        ``||s|| <= tol (||r|| + ||X||_2 ||w||)`` (a normwise backward-error test), or when
        refinement stops decreasing it. The Gram phase also asks the forward-error estimate
        (the last correction ``dw``, an estimate of ``w* - w``) for ``||dw|| <= tol ||w||``,
        or stops when the corrections stop halving (the attainable accuracy, about
        ``u cond(X)``, is reached): its forward error is that of a backward-stable direct
        solver, ``O(u cond(X) + u cond(X)^2 ||r|| / (||X|| ||w||))``.
    max_iter : int, default=100
        Maximum number of CG iterations and Gram-phase refinements (passes over ``X``).
    verbose : int, default=0
        Print the gradient norm at each refinement.
    random_state : int, RandomState instance or None, default=None
        Seed of the sketch.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        Coefficients (one row per target for a 2-D ``y``, as scikit-learn's LinearRegression).
    intercept_ : float or ndarray of shape (n_targets,)
        Intercept (zero when ``fit_intercept=False``).
    n_iter_ : int
        CG iterations and Gram-phase refinements run (passes over ``X`` after the sketch);
        sketch-and-solve and the direct solve of small problems count as one iteration.
    sketch_size_ : int
        Sketch size used (0 when the problem was solved directly).
    rank_ : int
        Numerical rank of the sketched matrix.
    n_features_in_ : int
        Number of features seen in fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen in fit, when ``X`` has string column names.

    See Also
    --------
    sklearn.linear_model.LinearRegression : direct least squares.
    sklearn.linear_model.Ridge : ridge regression.

    References
    ----------
    H. Avron, P. Maymounkov and S. Toledo, "Blendenpik: Supercharging LAPACK's least-squares
    solver", SIAM J. Sci. Comput. 32(3), 2010.
    X. Meng, M. A. Saunders and M. W. Mahoney, "LSRN: A parallel iterative solver for strongly
    over- or underdetermined systems", SIAM J. Sci. Comput. 36(2), 2014.
    V. Rokhlin and M. Tygert, "A fast randomized algorithm for overdetermined linear
    least-squares regression", PNAS 105(36), 2008.
    E. N. Epperly, M. Meier and Y. Nakatsukasa, "Fast randomized least-squares solvers can be
    just as accurate and stable as classical direct solvers", arXiv:2406.03468, 2024.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.sketching import SketchedLeastSquares
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((2000, 10))
    >>> y = X @ np.arange(10.0) + 1.0
    >>> reg = SketchedLeastSquares(random_state=0).fit(X, y)
    >>> np.round(reg.coef_, 6).tolist()
    [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]
    >>> round(reg.intercept_, 6)
    1.0
    """

    _parameter_constraints = {
        "method": [StrOptions({"sketch_and_precondition", "sketch_and_solve"})],
        "sketch": [StrOptions({"sparse_sign", "srht", "countsketch", "gaussian"})],
        "sketch_size": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "nnz_per_col": [Interval(numbers.Integral, 1, None, closed="left")],
        "l2_reg": [Interval(numbers.Real, 0, None, closed="left")],
        "fit_intercept": ["boolean"],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
        "max_iter": [Interval(numbers.Integral, 0, None, closed="left")],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        method="sketch_and_precondition",
        sketch="sparse_sign",
        sketch_size=None,
        nnz_per_col=8,
        l2_reg=0.0,
        fit_intercept=True,
        tol=1e-13,
        max_iter=100,
        verbose=0,
        random_state=None,
    ):
        self.method = method
        self.sketch = sketch
        self.sketch_size = sketch_size
        self.nnz_per_col = nnz_per_col
        self.l2_reg = l2_reg
        self.fit_intercept = fit_intercept
        self.tol = tol
        self.max_iter = max_iter
        self.verbose = verbose
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the linear model.

        Parameters
        ----------
        X : {array-like, sparse matrix, dask array} of shape (n_samples, n_features)
            Training data. A dask array (row chunks) is streamed: the sketch is summed over
            chunks and each CG iteration is one pass over the chunks.
        y : {array-like, dask array} of shape (n_samples,) or (n_samples, n_targets)
            Target values; several targets share one sketch and one preconditioner (not with
            dask input).
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the squared residuals (not supported with dask input). The weighted
            problem is solved on rows scaled by ``sqrt(sample_weight)`` (a scaled copy of
            ``X``).

        Returns
        -------
        self : object
            Fitted estimator.
        """
        if is_dask_array(X):
            if sample_weight is not None:
                raise ValueError("sample_weight is not supported with dask input.")
            ops, b, y_mean, dtype = self._prepare_dask(X, y)
        else:
            X, y = validate_data(
                self,
                X,
                y,
                accept_sparse=("csr", "csc"),
                dtype=[np.float64, np.float32],
                y_numeric=True,
                multi_output=True,
            )
            dtype = X.dtype
            y = np.asarray(y, dtype=np.float64)
            root_w = None
            if sample_weight is not None:
                sample_weight = _check_sample_weight(sample_weight, X, dtype=np.float64)
                root_w = np.sqrt(sample_weight)
            if self.fit_intercept:
                if root_w is None:
                    offset = np.asarray(X.mean(axis=0), dtype=np.float64).ravel()
                    y_mean = y.mean(axis=0)
                else:
                    total = sample_weight.sum()
                    if total <= 0:
                        raise ValueError("sample_weight must have a positive sum.")
                    offset = np.asarray(
                        safe_sparse_dot(sample_weight, X), dtype=np.float64
                    ).ravel() / total
                    y_mean = sample_weight @ y / total
            else:
                offset = np.zeros(X.shape[1])
                y_mean = np.zeros(y.shape[1:])
            b = y - y_mean
            if root_w is not None:
                X = sp.diags(root_w) @ X if sp.issparse(X) else X * root_w[:, None]
                b = b * (root_w if b.ndim == 1 else root_w[:, None])
            ops = (
                CSROps(X, offset, root_w) if sp.issparse(X) else DenseOps(X, offset, root_w)
            )
        n_samples, n_features = ops.n_rows, ops.n_features
        k = self.sketch_size
        if k is None:
            k = _DEFAULT_OVERSAMPLING * n_features + int(self.fit_intercept)
        if k >= n_samples:
            coef, rank = self._direct_solve(ops, b)
            self.n_iter_, self.sketch_size_, self.rank_ = 1, 0, rank
        else:
            seed = seed_from_random_state(self.random_state)
            params = {"nnz_per_col": self.nnz_per_col} if self.sketch == "sparse_sign" else {}
            op = make_sketch(self.sketch, k, random_state=seed, **params).fit(n_samples)
            coef, n_iter, converged, rank = sketched_lstsq(
                ops, b, op, self.method, self.l2_reg, self.tol, self.max_iter, self.verbose
            )
            if not converged:
                warnings.warn(
                    f"SketchedLeastSquares did not reach tol={self.tol} in "
                    f"max_iter={self.max_iter} iterations; increase max_iter or sketch_size.",
                    ConvergenceWarning,
                )
            self.n_iter_, self.sketch_size_, self.rank_ = n_iter, k, rank
        intercept = y_mean - ops.offset @ coef
        if coef.ndim == 1:  # one target: coef_ (n_features,), a float intercept_
            self.coef_ = coef.astype(dtype, copy=False)
            self.intercept_ = float(intercept) if self.fit_intercept else 0.0
        else:  # (n_targets, n_features), as LinearRegression
            self.coef_ = coef.T.astype(dtype)
            self.intercept_ = (intercept if self.fit_intercept
                               else np.zeros(coef.shape[1])).astype(dtype)
        return self

    def _prepare_dask(self, X, y):
        # dask input: validated shape-wise here, values chunk by chunk in the passes
        self._check_params_dask(X)
        if X.ndim != 2:
            raise ValueError(f"X must be 2-D; got a dask array with {X.ndim} dimensions.")
        self.n_features_in_ = int(X.shape[1])
        if hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        dtype = np.float32 if X.dtype == np.float32 else np.float64
        offset = (
            np.asarray(X.mean(axis=0).compute(), dtype=np.float64)
            if self.fit_intercept
            else np.zeros(X.shape[1])
        )
        ops = DaskOps(X, offset)
        n_y = y.shape[0] if hasattr(y, "shape") else len(y)
        if n_y != X.shape[0] or (hasattr(y, "ndim") and y.ndim != 1):
            raise ValueError(
                f"X and y have inconsistent shapes: {X.shape} and {getattr(y, 'shape', n_y)}; "
                "y must be 1-D with one value per row of X."
            )
        b = ops.align(y).astype(np.float64)
        y_mean = float(b.mean().compute()) if self.fit_intercept else 0.0
        if not np.isfinite(y_mean) or not np.all(np.isfinite(offset)):
            raise ValueError("Input X or y contains NaN or infinity.")
        return ops, b - y_mean if y_mean else b, y_mean, dtype

    def _check_params_dask(self, X):
        if X.shape[0] < 2:
            raise ValueError(f"n_samples={X.shape[0]} is too small; need at least 2 samples.")

    def _direct_solve(self, ops, b):
        # small problems: no sketch, LAPACK on the (centered, augmented) data
        A = ops.A
        if is_dask_array(A):
            A = A.compute()
            b = np.asarray(b.compute())
        A = A.toarray() if sp.issparse(A) else np.asarray(A, dtype=np.float64)
        A = A - np.outer(ops._row_shift_vector(), ops.offset)
        rhs = b
        if self.l2_reg > 0:
            A = np.vstack([A, sqrt(self.l2_reg) * np.eye(A.shape[1])])
            rhs = np.concatenate([b, np.zeros((A.shape[1],) + b.shape[1:])])
        cond = max(A.shape) * np.finfo(np.float64).eps  # as LinearRegression
        coef, _, rank, _ = sla.lstsq(
            A, rhs, cond=cond, lapack_driver="gelsd", check_finite=False
        )
        return coef, int(rank)

    def predict(self, X):
        """Predict with the linear model.

        Parameters
        ----------
        X : {array-like, sparse matrix, dask array} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_targets)
            ``X @ coef_.T + intercept_`` (lazy for dask input).
        """
        check_is_fitted(self)
        if is_dask_array(X):
            return X @ self.coef_.T + self.intercept_
        X = validate_data(
            self, X, accept_sparse=("csr", "csc"), dtype=[np.float64, np.float32], reset=False
        )
        return safe_sparse_dot(X, self.coef_.T) + self.intercept_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.multi_output = True
        return tags

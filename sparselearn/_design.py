"""The design matrix as the Numba kernels take it (dense Fortran float64 or a CSC triple), and the
checks of a solver call's arrays against it.

This module sits just above :mod:`sparselearn._core`: datafits, penalties, solvers and estimators
all import it, and it imports nothing of theirs.
"""

import numpy as np
import scipy.sparse as sp

from ._checks import check_kernel_code
from ._core import linalg as _linalg
from ._core.cd import gradient_and_curvatures

_PLACEHOLDER = np.zeros((1, 1), order="F")
_EMPTY_F = np.zeros(0)
_EMPTY_I = np.zeros(0, dtype=np.int32)


class Design:
    """Wrap ``X`` once; ``arrays`` is the ``(X, data, indices, indptr, is_sparse)`` tuple.

    The solvers take this form of a dense (Fortran-ordered) or sparse (CSC) design and pass
    ``arrays`` to the Numba kernels; wrapping once lets a path or a CV loop reuse it.

    Parameters
    ----------
    X : ndarray or scipy sparse matrix of shape (n_samples, n_features)
        The design; copied only when its dtype or layout needs it.
    check_finite : bool, default=True
        Raise a ValueError when ``X`` holds NaN or infinity (the estimators, which have
        validated ``X`` already, skip this pass).

    Examples
    --------
    >>> import numpy as np
    >>> import scipy.sparse as sp
    >>> from sparselearn.solvers import Design
    >>> X = np.array([[1.0, 0.0], [2.0, 3.0]])
    >>> dense, sparse = Design(X), Design(sp.csr_matrix(X))
    >>> dense.matvec([1.0, 1.0]), sparse.rmatvec([1.0, 1.0])
    (array([1., 5.]), array([3., 3.]))
    """

    def __init__(self, X, check_finite=True):
        values = X.data if sp.issparse(X) else np.asarray(X)
        if np.iscomplexobj(values):
            raise ValueError("X must be real; complex input is not supported.")
        if values.dtype.kind not in "biuf":
            try:
                values.astype(np.float64)
            except (ValueError, TypeError):
                raise ValueError(f"X must hold real numbers; got an array of dtype "
                                 f"{values.dtype} whose entries are not all numbers.") from None
        if sp.issparse(X):
            X = sp.csc_matrix(X, dtype=np.float64)
            if not X.has_sorted_indices:  # a sorted copy: the caller's matrix is left as given
                X = X.sorted_indices()
            index_dtype = np.int32 if X.nnz < 2**31 - 1 else np.int64
            self.arrays = (
                _PLACEHOLDER,
                np.ascontiguousarray(X.data, dtype=np.float64),
                np.ascontiguousarray(X.indices, dtype=index_dtype),
                np.ascontiguousarray(X.indptr, dtype=index_dtype),
                True,
            )
        else:
            X = np.asfortranarray(X, dtype=np.float64)
            self.arrays = (X, _EMPTY_F, _EMPTY_I, _EMPTY_I, False)
        if X.ndim != 2:
            raise ValueError(f"X must be 2-D (n_samples, n_features); got shape {X.shape}.")
        if X.shape[0] == 0 or X.shape[1] == 0:
            raise ValueError(f"X must have at least one sample and one feature; got shape "
                             f"{X.shape}.")
        if check_finite and not np.all(np.isfinite(X.data if sp.issparse(X) else X)):
            raise ValueError("X contains NaN or infinity.")
        self.X = X
        self.is_sparse = sp.issparse(X)
        self.n_samples, self.n_features = X.shape

    def matvec(self, w):
        """The product ``X @ w``.

        Parameters
        ----------
        w : array-like of shape (n_features,)
            Coefficients.

        Returns
        -------
        Xw : ndarray of shape (n_samples,)
        """
        return _linalg.matvec(*self.arrays, self.n_samples, np.asarray(w, dtype=np.float64))

    def rmatvec(self, v):
        """The product ``X.T @ v``.

        Parameters
        ----------
        v : array-like of shape (n_samples,)
            One value per sample.

        Returns
        -------
        XTv : ndarray of shape (n_features,)
        """
        return _linalg.rmatvec(*self.arrays, self.n_features, np.asarray(v, dtype=np.float64))

    def col_sq_norms(self, h, centred=False):
        r"""Weighted squared column norms :math:`\sum_i h_i (X_{ij} - \mu_j)^2`.

        One pass of ``sparselearn._core.cd.gradient_and_curvatures``, the kernel every
        coordinate-descent fit compiles anyway (a kernel of its own cost a fresh install's first
        fit two more compilations).

        Parameters
        ----------
        h : ndarray of shape (n_samples,)
            Non-negative sample weights.
        centred : bool, default=False
            If True, :math:`\mu` are the ``h``-weighted column means (the offsets an intercept
            absorbs); otherwise :math:`\mu = 0`.

        Returns
        -------
        norms : ndarray of shape (n_features,)
        """
        h = np.asarray(h, dtype=np.float64)
        return gradient_and_curvatures(*self.arrays, self.n_features, h, h, bool(centred))[1]

    def col_means(self, h):
        """``h``-weighted column means ``X.T h / sum(h)``: the offsets an intercept absorbs.

        Parameters
        ----------
        h : ndarray of shape (n_samples,)
            Non-negative sample weights.

        Returns
        -------
        means : ndarray of shape (n_features,)
        """
        return self.rmatvec(h) / float(np.sum(h))

    def spectral_norm_sq(self, h, max_iter=100, tol=1e-6, seed=0, mu=None):
        r"""Largest eigenvalue of :math:`X_c^\top \operatorname{diag}(h) X_c`,
        :math:`X_c = X - \mathbf 1 \mu^\top`, by power iteration.

        Parameters
        ----------
        h : ndarray of shape (n_samples,)
            Non-negative sample weights.
        max_iter : int, default=100
            Maximum number of power iterations.
        tol : float, default=1e-6
            Stop when the relative change of the estimate is below ``tol``.
        seed : int, default=0
            Seed of the random start vector.
        mu : ndarray of shape (n_features,), default=None
            Column offsets :math:`\mu`; None for no offsets.

        Returns
        -------
        eigenvalue : float
        """
        mu = np.zeros(self.n_features) if mu is None else np.asarray(mu, dtype=np.float64)
        return _linalg.power_iteration(*self.arrays, self.n_samples, self.n_features, h, mu,
                                       max_iter, tol, seed)


def as_design(X, check_finite=True):
    """``X`` itself if it is already a :class:`~sparselearn.solvers.Design`, else ``Design(X)``.

    Parameters
    ----------
    X : Design, array-like or sparse matrix of shape (n_samples, n_features)
        The design matrix.
    check_finite : bool, default=True
        Refuse NaN and infinite entries (a ValueError naming ``X``).

    Returns
    -------
    design : Design
        The design as the solvers take it (dense Fortran-ordered or CSC float64 arrays).

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.solvers import as_design
    >>> design = as_design(np.eye(2))
    >>> as_design(design) is design
    True
    """
    return X if isinstance(X, Design) else Design(X, check_finite)


def check_problem(design, y, sw, w, datafit, penalty=None):
    """Validate the arrays of a solver call against ``design``, ``datafit`` (and ``penalty``).

    Returns ``(y, sw, w)`` as float64 arrays; ``sw=None`` means uniform weights ``1 / n``;
    ``w=None`` (no coefficients yet) is passed through.
    Raises a ValueError naming the offending argument.
    """
    check_kernel_code(datafit, "datafit")
    if penalty is not None:
        penalty._check()
    n_samples, n_features = design.n_samples, design.n_features
    y = check_vector(y, "y", n_samples, "X")
    y = datafit.check_target(y)
    if sw is None:
        sw = np.full(n_samples, 1.0 / n_samples)
    else:
        sw = check_vector(sw, "sw", n_samples, "X")
        if np.any(sw < 0) or not sw.sum() > 0:
            raise ValueError("sw must hold finite non-negative sample weights, not all zero.")
    if w is None:
        return y, sw, None
    w = check_vector(w, "w", n_features, "X")
    return y, sw, w


def check_vector(x, name, size=None, other="X"):
    """``x`` as a finite real float64 vector of length ``size`` (contiguous when 1-D); a
    ValueError names ``name``.

    Cheap enough for every solver call: a dtype test, a shape test and one finiteness pass.
    """
    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        kind = "complex numbers" if x.dtype.kind == "c" else f"dtype {x.dtype}"
        raise ValueError(f"{name} must hold real numbers; got {kind}.")
    x = x.astype(np.float64, copy=False)
    if x.ndim == 1 and not x.flags.c_contiguous:  # a strided view (a column of a C array):
        x = np.ascontiguousarray(x)  # one kernel specialization for every caller, not two
    if size is not None and x.shape != (size,):
        raise ValueError(f"{name} must have shape ({size},) to match {other}; got {x.shape}.")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} contains NaN or infinity.")
    return x

"""Sparse coding of signals over a fixed dictionary: ``sparse_encode``.

``sparse_encode`` validates its input and resolves its parameters; the dispatch from an algorithm
name to its kernel (greedy coders of :mod:`sparselearn._core.greedy`, penalized coders of
:mod:`sparselearn._core.coding`) is :func:`sparselearn._core.encode.encode`. Every algorithm works
on the Gram matrix ``D D^T`` and the correlations ``X D^T`` and codes the signals in parallel.
"""

import numbers
import warnings
from contextlib import contextmanager

import numpy as np
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_array
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from .._checks import check_named_array
from .._chunked import is_dask_collection
from .._core import encode as _encode
from ..penalties import PENALTIES, Penalty

__all__ = ["sparse_encode"]

ALGORITHMS = ("omp", "mp", "iht", "topk", "fista", "cd", "threshold", "lasso_cd", "lasso_lars",
              "lars")


@validate_params(
    {
        "X": ["array-like", "sparse matrix"],
        "dictionary": ["array-like"],
        "gram": ["array-like", None],
        "cov": ["array-like", None],
        "algorithm": [StrOptions(set(ALGORITHMS))],
        "penalty": [StrOptions(set(PENALTIES)), Penalty],
        "alpha": [Interval(numbers.Real, 0, None, closed="left"), None],
        "n_nonzero_coefs": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "positive": ["boolean"],
        "init": ["array-like", StrOptions({"l1", "zeros"}), None],
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
        "n_jobs": [numbers.Integral, None],
        "copy_cov": ["boolean"],
        "check_input": ["boolean"],
        "verbose": ["verbose"],
    },
    prefer_skip_nested_validation=True,
)
def sparse_encode(X, dictionary, *, gram=None, cov=None, algorithm="omp", penalty="l1", alpha=None,
                  n_nonzero_coefs=None, positive=False, init=None, max_iter=1000, tol=1e-4,
                  n_jobs=None, copy_cov=True, check_input=True, verbose=0):
    r"""Sparse codes of the rows of ``X`` over the atoms (rows) of ``dictionary``.

    Each signal :math:`x` (a row of ``X``) gets the code :math:`c` solving

    .. math::
        \min_c \; \tfrac12 \|x - c D\|_2^2 + \sum_j \mathrm{pen}(c_j)
        \quad\text{or}\quad \min_{\|c\|_0 \le k} \tfrac12 \|x - c D\|_2^2,

    the first for the penalized algorithms (``"cd"``, ``"fista"``), the second approximately for the
    greedy ones (``"omp"``, ``"mp"``, ``"iht"``). ``D`` has shape ``(n_components, n_features)``
    as in scikit-learn.

    Parameters
    ----------
    X : {array-like, sparse matrix, dask array} of shape (n_samples, n_features)
        Signals, one per row. A dask array gives a dask array of codes, each row chunk coded
        on its worker (``cov`` must then be None; ``init`` may be a dask array).
    dictionary : array-like of shape (n_components, n_features)
        Atoms, one per row; no atom may be zero. The greedy algorithms assume unit-norm atoms
        (OMP chooses by raw correlation, as scikit-learn does).
    gram : array-like of shape (n_components, n_components), default=None
        Precomputed ``dictionary @ dictionary.T``.
    cov : array-like of shape (n_components, n_samples), default=None
        Precomputed ``dictionary @ X.T`` (scikit-learn's layout).
    algorithm : {"omp", "mp", "iht", "topk", "fista", "cd", "threshold", "lasso_cd", \
"lasso_lars", "lars"}, default="omp"
        * ``"omp"``: batch orthogonal matching pursuit, progressive Cholesky updates;
        * ``"mp"``: matching pursuit (atoms by normalized correlation, until ``n_nonzero_coefs``
          atoms are used);
        * ``"iht"``: normalized iterative hard thresholding with ``n_nonzero_coefs`` atoms;
        * ``"topk"``: keep the ``n_nonzero_coefs`` largest correlations ``X D^T``;
        * ``"threshold"``: soft thresholding of the correlations at ``alpha`` (scikit-learn's);
        * ``"cd"``: coordinate descent on the penalized problem (any ``penalty``); for L1 and
          the elastic net, a growing working set of the worst violators with an exact Cholesky
          solve on the support and sign search (feature-sign / active-set line search), which
          reaches the optimum to rounding precision in a few iterations;
        * ``"fista"``: FISTA with restart on the penalized problem (any ``penalty``);
        * ``"lasso_cd"``: scikit-learn's name, solved as ``"cd"`` with the L1 penalty;
        * ``"lasso_lars"``: the LARS-Lasso homotopy (Efron et al., 2004) followed from
          ``alpha_max`` down to ``alpha`` (the L1 penalty, whatever ``penalty`` is), at most
          ``max_iter`` steps: the exact Lasso solution, equal to scikit-learn's ``LassoLars``
          (which scikit-learn runs with ``alpha / n_features`` on its ``1 / (2 n_features)``
          scaled datafit, the same problem);
        * ``"lars"``: least angle regression stopped after ``n_nonzero_coefs`` atoms (or when
          the residual is orthogonal to every atom), as scikit-learn's ``Lars``; ``alpha`` is not
          used.
    penalty : {"l1", "l0", "mcp", "scad", "lq", "cel0", "elasticnet", "logsum"} or Penalty, default="l1"
        Penalty of ``"cd"`` / ``"fista"``. A string builds the penalty of
        :mod:`sparselearn.penalties` with its default shape parameters (MCP ``gamma=3``, SCAD
        ``gamma=3.7``, Lq ``q=1/2``); pass an object (e.g. ``MCP(alpha=0.1, gamma=2.0)``) to choose
        them. CEL0 is scaled by the squared atom norms (the curvature of the datafit).
    alpha : float, default=None
        Regularization strength: the penalty's ``alpha`` for ``"cd"``/``"fista"`` (default 1.0, or
        the object's own when ``penalty`` is an object), the L1 weight of ``"lasso_cd"`` and
        ``"lasso_lars"`` (default 1.0), the threshold of ``"threshold"``
        (default 1.0), and for ``"omp"``/``"mp"`` the targeted squared residual norm, which then
        overrides ``n_nonzero_coefs`` (as scikit-learn's ``tol``).
    n_nonzero_coefs : int, default=None
        Number of atoms per signal for ``"omp"``, ``"mp"``, ``"iht"``, ``"topk"``, ``"lars"``.
        Default:
        ``min(max(n_features // 10, 1), n_components)`` as scikit-learn. At most ``n_features``
        for ``"omp"`` and at most ``n_components``.
    positive : bool, default=False
        Non-negative codes (not available for ``"omp"`` and ``"lars"``, as in scikit-learn).
    init : {"l1", "zeros"} or array-like of shape (n_samples, n_components), default=None
        Starting codes of ``"cd"``/``"fista"``. ``None`` means ``"zeros"`` for convex penalties and
        ``"l1"`` for nonconvex ones: the nonconvex solver starts from the L1 solution whose zero
        threshold on the correlations matches the penalty's (started from zero, L0 or MCP coders
        often lose the support).
    max_iter : int, default=1000
        Iterations of ``"cd"`` (full sweeps; outer working-set iterations for L1 / elastic net),
        ``"fista"``, ``"iht"``, and steps of ``"mp"``.
    tol : float, default=1e-4
        Accuracy of the iterative coders (``"lars"`` and ``"lasso_lars"`` are exact up to rounding
        and do not use it). ``"cd"`` (and ``"lasso_cd"``) with
        the L1 or elastic-net penalty stops a signal when its duality gap (the certificate of
        scikit-learn's coordinate descent, with the dual point scaled as there) is
        ``<= 0.01 * tol`` times its objective, which certifies the objective within
        ``0.01 * tol`` relative of the optimum: ``1e-6`` at the default (scikit-learn's
        ``gap <= tol * ||x||^2`` allows much more on signals the atoms represent well). The
        nonconvex penalties, ``"fista"``, and L1 with unpenalized (zero-weight) atoms stop when
        every prox fixed-point residual is ``<= tol * max_j |(X D^T)_ij|``; ``"iht"`` when
        ``||dc|| <= tol ||c||``.
    n_jobs : int, default=None
        Numba threads used over signals (``None``: 1, ``-1``: all).
    copy_cov : bool, default=True
        Accepted for scikit-learn compatibility: ``cov`` is never overwritten here.
    check_input : bool, default=True
        Validate the inputs (estimators that already did set it to False).
    verbose : int, default=0
        Print a summary of the iterations.

    Returns
    -------
    code : ndarray or dask array of shape (n_samples, n_components)
        Sparse codes, in the dtype of ``X`` (float32 kept); lazy for a dask ``X``.

    See Also
    --------
    SparseCoder : The same as a transformer.
    sklearn.decomposition.sparse_encode : The reference this function follows.

    Notes
    -----
    OMP follows Rubinstein, Zibulevsky & Elad (2008); normalized IHT Blumensath & Davies (2010);
    the exact support solves of ``"cd"`` the active-set method of Osborne, Presnell & Turlach
    (2000) and the feature-sign search of Lee, Battle, Raina & Ng (2006);
    FISTA Beck & Teboulle (2009) with the function-value restart of O'Donoghue & Candes (2015), which
    keeps the objective monotone for the nonconvex penalties too. The nonconvex coders are those of
    Rentzeperis, Calatroni, Perrinet & Prandi, "Beyond l1 sparse coding in V1", PLoS Comput. Biol.
    (2023).

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.decomposition import sparse_encode
    >>> rng = np.random.default_rng(0)
    >>> D = rng.standard_normal((8, 20)); D /= np.linalg.norm(D, axis=1, keepdims=True)
    >>> X = 2.0 * D[[1]] - 1.5 * D[[6]]
    >>> code = sparse_encode(X, D, algorithm="omp", n_nonzero_coefs=2)
    >>> np.round(code, 6)
    array([[ 0. ,  2. ,  0. ,  0. ,  0. ,  0. , -1.5,  0. ]])
    """
    if is_dask_collection(X):  # lazy: the codes of each row chunk, computed on its worker
        from ._dask import encode_lazy
        return encode_lazy(X, dictionary, gram=gram, cov=cov, algorithm=algorithm,
                           penalty=penalty, alpha=alpha, n_nonzero_coefs=n_nonzero_coefs,
                           positive=positive, init=init, max_iter=max_iter, tol=tol)
    if check_input:
        X, dictionary = _check_X_dictionary(X, dictionary)
    code, _ = _sparse_encode(X, dictionary, gram=gram, cov=cov, algorithm=algorithm,
                             penalty=penalty, alpha=alpha, n_nonzero_coefs=n_nonzero_coefs,
                             positive=positive, init=init, max_iter=max_iter, tol=tol,
                             n_jobs=n_jobs, verbose=verbose)
    return code


# ---------------------------------------------------------------------------------------------
# private core shared with the estimators
# ---------------------------------------------------------------------------------------------


def _check_X_dictionary(X, dictionary):
    X = check_named_array(X, "X", ndim=2, accept_sparse=["csr", "csc"],
                          dtype=[np.float64, np.float32])
    dictionary = check_named_array(dictionary, "dictionary", ndim=2, dtype=np.float64)
    if dictionary.shape[1] != X.shape[1]:
        raise ValueError(
            f"Dictionary and X have different numbers of features: dictionary has "
            f"{dictionary.shape[1]} (columns) but X has {X.shape[1]}; dictionary must have shape "
            "(n_components, n_features)."
        )
    norms = np.linalg.norm(dictionary, axis=1)
    zero = np.flatnonzero(norms == 0)
    if zero.size:
        raise ValueError(f"dictionary has zero atoms (rows {zero[:10].tolist()}); remove them.")
    return X, dictionary


def _make_penalty(penalty, alpha, positive):
    """Penalty object from a name or an object; ``alpha`` and ``positive`` override."""
    if isinstance(penalty, Penalty):
        pen = clone(penalty)
        if alpha is not None:
            pen.set_params(alpha=float(alpha))
    else:
        pen = PENALTIES[penalty](alpha=1.0 if alpha is None else float(alpha))
    if positive:
        pen.set_params(positive=True)
    pen._check()
    return pen


def _threads(n_jobs):
    import numba

    available = numba.config.NUMBA_NUM_THREADS
    if n_jobs is None:
        return 1
    if n_jobs < 0:
        return max(available + 1 + n_jobs, 1)
    if n_jobs == 0:
        raise ValueError("n_jobs == 0 has no meaning; use None, a positive int or -1.")
    return min(n_jobs, available)


@contextmanager
def numba_threads(n_jobs):
    """Context running the Numba kernels on ``n_jobs`` threads (see :func:`sparse_encode`)."""
    import numba

    threads = _threads(n_jobs)
    previous_threads = numba.get_num_threads()
    numba.set_num_threads(threads)
    try:
        yield
    finally:
        numba.set_num_threads(previous_threads)


def _penalty_arrays(pen, n_components):
    """A checked penalty as the coders of :mod:`sparselearn._core.encode` take it."""
    return pen._code, pen._params(), pen._weights(n_components), bool(pen.convex)


def _coding_params(algorithm, penalty, alpha, n_nonzero_coefs, positive, max_iter, tol, n_features,
                   n_components):
    """Checked parameters of :func:`sparse_encode` resolved into the keyword arguments of
    :func:`sparselearn._core.encode.encode` (defaults, penalty as arrays)."""
    if algorithm == "lasso_cd":
        algorithm, penalty = "cd", "l1"
    coding = {"algorithm": algorithm, "positive": bool(positive), "max_iter": int(max_iter),
              "tol": float(tol)}
    if algorithm in ("omp", "lars") and positive:
        raise ValueError(f"Positive constraint not supported for '{algorithm}' coding method. "
                         "positive=True (positive_code=True) needs 'lasso_lars', 'cd' or 'fista' "
                         "(as in scikit-learn).")
    if algorithm in _encode.LARS:
        # stop of the path in correlation units: scikit-learn's float32 equality tolerance on
        # its alpha, which is the correlation divided by n_features
        coding["lars_tol"] = float(n_features * np.finfo(np.float32).eps)
        coding["lars_alpha"] = (1.0 if alpha is None else float(alpha)) \
            if algorithm == "lasso_lars" else 0.0
    if algorithm in _encode.GREEDY or algorithm == "lars":
        if n_nonzero_coefs is None:
            n_nonzero_coefs = int(min(max(n_features // 10, 1), n_components))
        if n_nonzero_coefs > n_components:
            raise ValueError(
                f"n_nonzero_coefs={n_nonzero_coefs} exceeds the number of atoms ({n_components})."
            )
        if algorithm == "omp" and n_nonzero_coefs > n_features and alpha is None:
            raise ValueError(
                f"n_nonzero_coefs={n_nonzero_coefs} exceeds n_features={n_features}: OMP cannot "
                "select more atoms than the signal dimension."
            )
        coding["n_nonzero_coefs"] = int(n_nonzero_coefs)
    if algorithm in ("omp", "mp") and alpha is not None:
        coding["tol_residual"] = float(alpha)
        coding["n_nonzero_coefs"] = min(n_features, n_components)
    if algorithm == "threshold":
        coding["threshold"] = 1.0 if alpha is None else float(alpha)
    if algorithm == "lasso_lars":
        # the path ignores it; the learners' objective uses it
        coding["penalty"] = _penalty_arrays(_make_penalty("l1", coding["lars_alpha"], positive),
                                            n_components)
    if algorithm in _encode.PENALIZED:
        coding["penalty"] = _penalty_arrays(_make_penalty(penalty, alpha, positive), n_components)
    return coding


def _sparse_encode(X, dictionary, *, gram=None, cov=None, algorithm="omp", penalty="l1", alpha=None,
                   n_nonzero_coefs=None, positive=False, init=None, max_iter=1000, tol=1e-4,
                   n_jobs=None, verbose=0):
    """Validated-input core. Returns ``(codes, n_iter)``, ``n_iter`` the largest per-signal count."""
    n_samples, n_features = X.shape
    n_components = dictionary.shape[0]
    out_dtype = X.dtype if X.dtype in (np.float32, np.float64) else np.float64
    if gram is None:
        gram = dictionary @ dictionary.T
    else:
        gram = check_array(gram, dtype=np.float64, input_name="gram")
        if gram.shape != (n_components, n_components):
            raise ValueError(f"gram must have shape ({n_components}, {n_components}), got {gram.shape}.")
    gram = np.ascontiguousarray(gram, dtype=np.float64)
    if cov is None:
        cov = X @ dictionary.T
        cov = cov.toarray() if sp.issparse(cov) else cov
    else:
        cov = check_array(cov, dtype=np.float64, input_name="cov").T
        if cov.shape != (n_samples, n_components):
            raise ValueError(f"cov must have shape ({n_components}, {n_samples}), got {cov.T.shape}.")
    cov = np.ascontiguousarray(cov, dtype=np.float64)
    coding = _coding_params(algorithm, penalty, alpha, n_nonzero_coefs, positive, max_iter, tol,
                            n_features, n_components)
    algorithm = coding["algorithm"]
    # OMP / MP: residual targets; CD: the duality-gap certificate of L1 / elastic net
    norms_sq = _row_norms_sq(X) if algorithm in ("omp", "mp", "cd") else None
    if init is not None and not isinstance(init, str):
        init = check_array(init, dtype=np.float64, input_name="init", order="C", copy=True)
        if init.shape != (n_samples, n_components):
            raise ValueError(f"init must have shape ({n_samples}, {n_components}), got {init.shape}.")
    with numba_threads(n_jobs):
        codes, n_iter, failures = _encode.encode(gram, cov, init=init, norms_sq=norms_sq, **coding)
    _warn_failures(failures, max_iter)
    if verbose:
        nnz = np.count_nonzero(codes, axis=1)
        print(f"[sparse_encode] {algorithm}: {n_samples} signals, {n_iter} iterations at most, "
              f"{nnz.mean():.2f} non-zeros per signal on average")
    return codes.astype(out_dtype, copy=False), n_iter


def _row_norms_sq(X):
    if sp.issparse(X):
        return np.asarray(X.multiply(X).sum(axis=1), dtype=np.float64).ravel()
    X = np.asarray(X, dtype=np.float64)
    return np.einsum("ij,ij->i", X, X)


def _warn_failures(failures, max_iter, stacklevel=4):
    """Warnings for the ``failures`` of :func:`sparselearn._core.encode.encode`."""
    for algorithm, n_failed, n_signals in failures:
        if algorithm in ("lars", "lasso_lars"):
            warnings.warn(
                f"sparse_encode ({algorithm}): on {n_failed} of {n_signals} signals an atom was "
                "skipped because it is (numerically) a combination of the active ones (degenerate "
                "Cholesky pivot), as scikit-learn's lars_path does.", ConvergenceWarning,
                stacklevel=stacklevel)
        elif algorithm == "lasso_lars early":
            warnings.warn(
                f"sparse_encode (lasso_lars): the path stopped early on {n_failed} of {n_signals} "
                "signals: the residual is too small for the correlation level to be controlled "
                "(as scikit-learn's lars_path).", ConvergenceWarning, stacklevel=stacklevel)
        elif algorithm == "omp":
            warnings.warn(
                f"Orthogonal matching pursuit ended prematurely on {n_failed} signal(s): the next "
                "atom was linearly dependent on the chosen ones.", RuntimeWarning,
                stacklevel=stacklevel)
        else:
            warnings.warn(
                f"sparse_encode ({algorithm}): {n_failed} of {n_signals} signals did not converge "
                f"in max_iter={max_iter}; increase max_iter or tol.", ConvergenceWarning,
                stacklevel=stacklevel)

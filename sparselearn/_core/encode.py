"""Sparse coding on a Gram matrix: one dispatcher from an algorithm name to its kernel.

:func:`encode` codes the signals whose correlations with the atoms are the rows of ``cov``
(``X D^T``, shape (n_samples, n_components)) over atoms whose Gram matrix is ``gram``
(``D D^T``): ``"omp"``, ``"mp"``, ``"iht"``, ``"topk"`` and ``"threshold"`` run the kernels of
:mod:`sparselearn._core.greedy`, ``"cd"`` and ``"fista"`` the penalized kernels of
:mod:`sparselearn._core.coding`. It is shared by ``sparse_encode`` and the dictionary-learning
drivers of :mod:`sparselearn._core.dict_learning`.

This module is numpy-level rather than Numba: a call runs one compiled kernel over all signals
(two for a nonconvex penalty started from its L1 problem; FISTA adds one ``eigh`` for the step),
so the Python dispatch costs nothing measurable.

Pure functions on arrays: no validation, no scikit-learn. The parameters arrive resolved (the
number of atoms, the residual target of OMP / MP, the threshold) and the penalty as arrays,
``(code, params, weights, convex)`` as :mod:`sparselearn._core.prox` takes them. Signals a kernel
could not finish are reported, not warned about: the caller turns ``failures`` into warnings.
"""

import numba
import numpy as np
from scipy.linalg import eigh

from . import coding as _coding
from . import greedy as _greedy
from . import lars as _lars
from .prox import L1, zero_threshold

GREEDY = ("omp", "mp", "iht", "topk")
LARS = ("lars", "lasso_lars")
PENALIZED = ("cd", "fista")


def lipschitz(gram):
    """Largest eigenvalue of ``gram``: the Lipschitz constant of the coding datafit's gradient."""
    n = gram.shape[0]
    return float(eigh(gram, eigvals_only=True, subset_by_index=[n - 1, n - 1])[0])


def l1_start_alpha(pen_code, params, curvature):
    """``alpha`` of the L1 problem whose zero threshold at ``curvature`` is the penalty's: the
    correlation ``|r|`` below which a coordinate of that curvature stays at 0."""
    return zero_threshold(pen_code, params, curvature)


def use_parallel(cov, parallel=None):
    """Whether to code the rows of ``cov`` with the threaded kernels: ``parallel`` if given, else
    when more than one Numba thread is set (the estimators' ``n_jobs``; default one) and there
    is more than one chunk of ``CHUNK`` signals. A serial fit, the default, never compiles a
    parallel kernel (seconds more on a fresh install)."""
    if parallel is not None:
        return bool(parallel)
    return numba.get_num_threads() > 1 and cov.shape[0] > _greedy.CHUNK


def encode(gram, cov, algorithm, *, norms_sq=None, n_nonzero_coefs=1, tol_residual=-1.0,
           threshold=1.0, positive=False, penalty=None, init=None, max_iter=1000, tol=1e-4,
           lars_alpha=0.0, lars_tol=0.0, parallel=None):
    """Codes of the signals with correlations ``cov`` over atoms with Gram matrix ``gram``.

    Parameters
    ----------
    gram : ndarray of shape (n_components, n_components)
        ``D D^T``, C-contiguous float64.
    cov : ndarray of shape (n_samples, n_components)
        ``X D^T``, C-contiguous float64.
    algorithm : {"omp", "mp", "iht", "topk", "threshold", "cd", "fista", "lars", "lasso_lars"}
        Kernel (``"lars"``: LAR with ``n_nonzero_coefs`` steps; ``"lasso_lars"``: the LARS-Lasso
        homotopy to ``lars_alpha`` in at most ``max_iter`` steps, see
        :mod:`sparselearn._core.lars`).
    norms_sq : ndarray of shape (n_samples,), default=None
        Squared signal norms: the residual targets of ``"omp"`` / ``"mp"``, and for ``"cd"`` with
        the L1 / elastic-net penalty the duality-gap certificate (a code stops only when its gap
        is ``<= 1e-2 * tol`` times its objective; ``None``: the fixed-point rule only, see
        :mod:`sparselearn._core.coding`).
    n_nonzero_coefs : int
        Atoms per signal of the greedy kernels.
    tol_residual : float
        Targeted squared residual norm of ``"omp"`` / ``"mp"`` (negative: none).
    threshold : float
        Threshold of ``"threshold"``.
    positive : bool
        Non-negative codes (greedy kernels; the penalty carries its own).
    penalty : tuple (code, params, weights, convex), default=None
        Penalty of ``"cd"`` / ``"fista"`` as :mod:`sparselearn._core.prox` takes it.
    init : {None, "zeros", "l1"} or ndarray of shape (n_samples, n_components)
        Start of ``"cd"`` / ``"fista"``: an array is the start and is overwritten with the codes
        (C-contiguous float64); ``"zeros"``; ``"l1"``, for a nonconvex penalty, the codes of the
        L1 problem whose zero threshold at the median atom curvature matches the penalty's
        (zeros for a convex one); ``None``: ``"zeros"`` if convex, else ``"l1"``.
    max_iter, tol : int, float
        Iteration cap and tolerance of ``"mp"``, ``"iht"``, ``"cd"``, ``"fista"``
        (``max_iter`` also caps the steps of ``"lasso_lars"``).
    lars_alpha, lars_tol : float
        Correlation level where the LARS path stops, and its absolute tolerance.
    parallel : bool or None, default=None
        Run the threaded twin of the kernel (same codes); ``None``: by :func:`use_parallel`.
        ``"topk"`` and ``"threshold"`` always run serially.

    Returns
    -------
    codes : ndarray of shape (n_samples, n_components)
        float64 codes.
    n_iter : int
        Largest per-signal iteration count (``n_nonzero_coefs`` for OMP, ``max_iter`` for MP).
    failures : list of (str, int, int)
        ``(algorithm, n_failed, n_samples)`` per kernel run with signals that did not converge
        (``"omp"``: ended early on a linearly dependent atom; ``"lars"`` / ``"lasso_lars"``:
        a degenerate atom was skipped; ``"lasso_lars early"``: the Lasso path stopped early).
    """
    n_iter = 1
    failures = []
    par = use_parallel(cov, parallel)
    if algorithm in ("omp", "mp"):
        if algorithm == "omp":
            omp = _greedy.omp_gram_parallel if par else _greedy.omp_gram
            codes, status = omp(gram, cov, norms_sq, int(n_nonzero_coefs),
                                             tol_residual)
            _failed(failures, "omp", status == 1)
            n_iter = int(n_nonzero_coefs)
        else:
            mp = _greedy.mp_gram_parallel if par else _greedy.mp_gram
            codes, status = mp(gram, cov, norms_sq, int(n_nonzero_coefs), tol_residual,
                                            int(max_iter), bool(positive))
            _failed(failures, "mp", status == 2)
            n_iter = int(max_iter)
    elif algorithm in LARS:
        lasso = algorithm == "lasso_lars"
        steps = int(max_iter) if lasso else int(n_nonzero_coefs)
        lars = _lars.lars_gram_parallel if par else _lars.lars_gram
        codes, n_iters, status = lars(gram, cov, float(lars_alpha), float(lars_tol),
                                                 steps, lasso, bool(positive))
        _failed(failures, algorithm, (status & 1) == 1)
        _failed(failures, "lasso_lars early", (status & 2) == 2)
        n_iter = int(n_iters.max(initial=0))
    elif algorithm == "topk":
        codes = _greedy.topk_gram(cov, int(n_nonzero_coefs), bool(positive))
    elif algorithm == "threshold":
        codes = _greedy.soft_threshold_codes(cov, float(threshold), bool(positive))
    elif algorithm == "iht":
        niht = _greedy.niht_gram_parallel if par else _greedy.niht_gram
        codes, n_iters, status = niht(gram, cov, int(n_nonzero_coefs), int(max_iter),
                                                   float(tol), bool(positive))
        _failed(failures, "iht", status == 2)
        n_iter = int(n_iters.max(initial=0))
    else:
        codes, n_iter = _penalized(gram, cov, algorithm, penalty, init, max_iter, tol, failures,
                                   norms_sq, par)
    return codes, n_iter, failures


def _failed(failures, algorithm, mask):
    n_failed = int(np.sum(mask))
    if n_failed:
        failures.append((algorithm, n_failed, mask.size))


def _penalized(gram, cov, algorithm, penalty, init, max_iter, tol, failures, norms_sq=None,
               par=False):
    pen_code, params, weights, convex = penalty
    n_samples, n_components = cov.shape
    curvs = np.ascontiguousarray(np.diag(gram), dtype=np.float64)
    if init is None:
        init = "zeros" if convex else "l1"
    if isinstance(init, str):
        codes = np.zeros((n_samples, n_components))
        if init == "l1" and not convex:
            alpha = l1_start_alpha(pen_code, params, float(np.median(curvs)))
            l1 = (L1, np.array([float(alpha), 0.0, 0.0, params[3]]), weights, True)
            codes, _ = _penalized(gram, cov, algorithm, l1, "zeros", max_iter, tol, failures,
                                  par=par)
    else:
        codes = init
    if algorithm == "cd":
        norms_sq = np.zeros(0) if norms_sq is None else np.ascontiguousarray(norms_sq,
                                                                               dtype=np.float64)
        cd = _coding.cd_gram_parallel if par else _coding.cd_gram
        n_iters, converged = cd(gram, cov, codes, pen_code, params, weights, curvs,
                                             int(max_iter), float(tol), norms_sq)
    else:
        fista = _coding.fista_gram_parallel if par else _coding.fista_gram
        n_iters, converged = fista(gram, cov, codes, lipschitz(gram), pen_code, params,
                                                weights, curvs, int(max_iter), float(tol))
    _failed(failures, algorithm, ~converged)
    return codes, int(n_iters.max(initial=0))

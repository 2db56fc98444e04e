r"""Exact polish of a least-squares problem on its support and signs (L1, elastic net).

Coordinate descent finds the support of a Lasso or an elastic net fast but converges slowly on
it when the support is large and ill-conditioned (a support of 150 of n = 200 samples: about
10x per 7 epochs). With the support ``S`` and the signs ``s`` fixed the problem is a quadratic
in ``w_S`` (the intercept minimized out), whose minimizer is one Newton step from the current
point (:func:`polish_on_support`). Its result is checked by the caller with the full
optimality conditions: when they hold, the point is the problem's minimizer up to rounding,
whatever path led to the support. Both working-set solvers (one problem,
:func:`sparselearn._core.working_set.working_set_cd`; a batch,
:func:`sparselearn._core.batch_cd.batch_working_set_cd`) end their quadratic L1 and elastic-net
problems with it, so a problem solved alone or inside a batch ends at the same point.

The step is exact only where the datafit is quadratic (its model is the objective) and the
penalty is linear on each orthant (L1, and the elastic net with its ridge part in the system):
:func:`polishable` says which. The Cholesky factorizations and products are LAPACK/BLAS calls
from the Python driver (one factorization of at most ``n`` unknowns per call), not kernels.
"""

import numpy as np
from scipy.linalg import lapack as _lapack

from . import datafit as _datafit
from . import prox as _prox


def polishable(dcode, pcode):
    """Whether :func:`polish_on_support` is exact for this datafit and penalty: the quadratic
    datafit with L1 or the elastic net."""
    return dcode == _datafit.QUAD and pcode in (_prox.L1, _prox.ENET)


# a polish is tried when its Gram matrix costs at most this many passes over X
POLISH_BUDGET = 16


def affordable(arrays, n_samples, n_support):
    """Whether supports of ``n_support`` features are polished: their Gram matrix (``n |S|^2``
    operations) costs at most ``POLISH_BUDGET`` gradients (``nnz(X)`` each). Large supports
    of a well-conditioned problem converge in a few epochs, cheaper than the factorization
    (a Lasso path at tol 1e-4 on n = 1000, p = 5000 ran 2.3x slower with every solve
    polished). The test depends on the problem and the final support only, so a problem
    solved alone or in a batch makes the same choice."""
    nnz = arrays[1].shape[0] if arrays[4] else arrays[0].size
    return n_samples * np.asarray(n_support, dtype=np.float64) ** 2 <= POLISH_BUDGET * nnz


def changed(before, after):
    """Whether a polish moved the coefficients beyond rounding (``1e-10`` of their size):
    such a move counts as an outer iteration of the solvers (a start already at the
    minimizer on its support still reports 0 iterations)."""
    return bool(np.max(np.abs(after - before), initial=0.0)
                > 1e-10 * np.max(np.abs(before), initial=0.0))


def csc_columns(data, indices, indptr, columns, n_samples):
    """The columns ``columns`` of a CSC matrix as a dense Fortran array."""
    out = np.zeros((n_samples, columns.shape[0]), order="F")
    for a, j in enumerate(columns):
        start, end = indptr[j], indptr[j + 1]
        out[indices[start:end], a] = data[start:end]
    return out


def polish_on_support(arrays, D, H, U, Z, W, b, k, fit_intercept, pcode, params, weights,
                      max_drops=3):
    r"""Move a quadratic problem to the minimizer on the support and signs of ``W[k]``.

    With the support ``S`` and the signs ``s`` fixed, the Lasso and the elastic net are a
    quadratic in ``w_S`` (the intercept minimized out), whose minimizer is one Newton step
    from the current point:

    .. math:: (X_{c,S}^T \mathrm{diag}(h) X_{c,S} + \mathrm{diag}(\rho)) \, \delta
              = -(g + a r \lambda_S \odot s + \rho \odot w_S),
              \qquad \rho = a (1 - r) \lambda_S,

    ``X_c`` the columns of ``S`` centred at their ``h``-weighted means (with an intercept),
    ``g`` the gradient along them at the current point, ``a`` the problem's ``alpha``,
    ``lambda`` the feature weights and ``r`` the ``l1_ratio`` (1 for L1). When
    ``sign(w_S + delta) = s``, ``w_S + delta`` satisfies the optimality conditions of the
    problem restricted to ``S``: it is that convex problem's minimizer. Otherwise the step
    stops where the first coordinate reaches 0 (the objective, that quadratic on the closed
    orthant, decreases along the way), the coordinate leaves ``S`` and the system is solved
    again, at most ``max_drops`` times (the feature-sign search of Lee, Battle, Raina & Ng,
    NIPS 2006). Every accepted move lowers the objective; ``W[k]``, ``b[k]`` (the intercept's
    own Newton step) and ``Z[k]`` take the end point. A factorization that fails or a
    residual above ``1e-8`` of the right-hand side (a singular or nearly singular system)
    ends the search where it stands.

    Parameters
    ----------
    arrays : tuple
        The design tuple ``(X, data, indices, indptr, is_sparse)``.
    D, H : ndarray of shape (n_problems, n_samples)
        Raw gradient and curvatures of the datafit at the start of the outer iteration.
    U : ndarray of shape (n_problems, n_samples)
        Change of each linear predictor since then.
    Z, W, b : ndarray
        Linear predictors, coefficients and intercepts, updated in place (row ``k``).
    k : int
        The problem.
    fit_intercept : bool
        Whether the intercept is free.
    pcode : int
        ``L1`` or ``ENET`` (:mod:`sparselearn._core.prox`).
    params, weights : ndarray
        The problem's penalty parameters and the feature weights.
    max_drops : int, default=3
        Features the sign search may drop.

    Returns
    -------
    status : int
        2 when the minimizer on the (possibly reduced) support was reached, 1 for a move
        short of it, 0 for no move.
    """
    support = np.flatnonzero(W[k])
    signs = np.sign(W[k, support])
    h = H[k]
    if arrays[4]:
        X_s = csc_columns(arrays[1], arrays[2], arrays[3], support, h.shape[0])
    else:
        X_s = arrays[0][:, support]
    raw = D[k] + h * U[k]  # raw gradient at the current point (the datafit is quadratic)
    grad = raw @ X_s
    if fit_intercept:
        h_sum = float(np.sum(h))
        mu = (h @ X_s) / h_sum
        grad_b = float(np.sum(raw))
        grad -= mu * grad_b
        X_c = X_s - mu
    else:
        X_c = X_s
    scaled = X_c * np.sqrt(h)[:, None]
    block = scaled.T @ scaled
    alphas = params[0] * weights[support]
    w_start = W[k, support]
    if pcode == _prox.ENET:
        ridge = alphas * (1.0 - params[1])
        rhs = grad + alphas * params[1] * signs + ridge * w_start
        block[np.diag_indices_from(block)] += ridge
    else:
        rhs = grad + alphas * signs
    w = w_start.copy()
    kept = np.arange(support.size)
    status = 0
    for _ in range(max_drops + 1):
        sub = block if kept.size == support.size else block[np.ix_(kept, kept)]
        factor, info = _lapack.dpotrf(sub, lower=1, clean=0)
        if info != 0:
            break
        step, info = _lapack.dpotrs(factor, rhs[kept], lower=1)
        step = -step
        # a residual above 1e-8 |rhs|: a system too ill-conditioned to trust (condition ~ 1e8)
        if info != 0 or not (np.linalg.norm(sub @ step + rhs[kept])
                             <= 1e-8 * np.linalg.norm(rhs[kept])):
            break
        target = w[kept] + step
        crossing = np.sign(target) != signs[kept]
        if not np.any(crossing):
            w[kept] = target
            status = 2
            break
        # feature-sign line search: to the first coordinate reaching 0, which leaves S
        ratios = w[kept[crossing]] / (w[kept[crossing]] - target[crossing])
        t = float(np.min(ratios))
        w[kept] += t * step
        rhs += t * (block[:, kept] @ step)
        w[kept[crossing][ratios <= t]] = 0.0
        kept = kept[w[kept] != 0.0]
        status = 1
        if kept.size == 0:
            break
    if status == 0:
        return 0
    step = w - w_start
    W[k, support] = w
    shift = -(grad_b / h_sum + float(mu @ step)) if fit_intercept else 0.0
    b[k] += shift
    Z[k] += X_s @ step + shift
    return status

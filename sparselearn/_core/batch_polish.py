r"""Exact polish of the batch's least-squares problems on their support and signs, compiled.

Coordinate descent finds the support of a Lasso or an elastic net fast but converges slowly on
it when the support is large and ill-conditioned (a support of 150 of n = 200 samples: about
10x per 7 epochs). With the support ``S`` and the signs ``s`` fixed the problem is a quadratic
in ``w_S`` (the intercept minimized out), whose minimizer is one Newton step from the current
point (:func:`polish_on_support`). The batch solver
(:func:`sparselearn._core.batch_cd.batch_working_set_cd`) polishes the problems whose support
has settled and lets its next optimality check decide: when the conditions hold, the point is
the problem's minimizer up to rounding.

Each problem's Gram matrix on its support is one BLAS-3 product
(:func:`sparselearn._core.blas.gram`, ``dsyrk``) and its factor a LAPACK Cholesky
(:mod:`sparselearn._core.lapack`), called from the kernel, so the polish of every chosen
problem of an outer iteration is one compiled call (the Python version cost about 1 ms of
driver overhead per problem). scipy's BLAS is threaded like numpy's: the batch driver caps it
at one thread around the solve (:func:`sparselearn.solvers._batch.fit_batch_path`), since
these products are small and a threaded BLAS on a loaded machine spends 10-80x their CPU time
waiting.
"""

import numpy as np
from numba import njit

from . import prox as _prox
from .blas import gemv, gram
from .lapack import cholesky_in_place, cholesky_solve_in_place

# a residual above this fraction of the right-hand side: a system too ill-conditioned to trust
# (condition number about 1e8), the polish stops where it stands
RESIDUAL_RTOL = 1e-8


@njit(cache=True, nogil=True)
def support_columns(X, data, indices, indptr, is_sparse, support, n_samples):
    """The columns ``support`` of the design as a dense C-ordered (n_samples, |S|) array."""
    out = np.zeros((n_samples, support.shape[0]))
    for a in range(support.shape[0]):
        j = support[a]
        if is_sparse:
            for idx in range(indptr[j], indptr[j + 1]):
                out[indices[idx], a] = data[idx]
        else:
            for i in range(n_samples):
                out[i, a] = X[i, j]
    return out


@njit(cache=True, nogil=True)
def _norm(x):
    total = 0.0
    for i in range(x.shape[0]):
        total += x[i] * x[i]
    return np.sqrt(total)


@njit(cache=True, nogil=True)
def _sign(x):
    if x > 0.0:
        return 1.0
    if x < 0.0:
        return -1.0
    return 0.0


@njit(cache=True, nogil=True)
def polish_on_support(X, data, indices, indptr, is_sparse, D, H, U, Z, W, b, k, fit_intercept,
                      pcode, params, weights, max_drops):
    r"""Move the quadratic problem ``k`` to the minimizer on the support and signs of ``W[k]``.

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
    residual above ``RESIDUAL_RTOL`` of the right-hand side (a singular or nearly singular
    system) ends the search where it stands.

    Parameters
    ----------
    X, data, indices, indptr, is_sparse : arrays and bool
        The design tuple of the kernels (dense Fortran ``X`` or CSC arrays).
    D, H : ndarray of shape (n_problems, n_samples)
        Raw gradient and curvatures (the sample weights) of the quadratic datafit at the start
        of the outer iteration.
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
    max_drops : int
        Features the sign search may drop.

    Returns
    -------
    status : int
        2 when the minimizer on the (possibly reduced) support was reached, 1 for a move
        short of it, 0 for no move.
    """
    n_samples = Z.shape[1]
    n_support = 0
    for j in range(W.shape[1]):
        if W[k, j] != 0.0:
            n_support += 1
    if n_support == 0:
        return 0
    support = np.empty(n_support, dtype=np.int64)
    filled = 0
    for j in range(W.shape[1]):
        if W[k, j] != 0.0:
            support[filled] = j
            filled += 1
    m = n_support
    X_s = support_columns(X, data, indices, indptr, is_sparse, support, n_samples)
    h = H[k]
    raw = np.empty(n_samples)  # raw gradient at the current point (the datafit is quadratic)
    for i in range(n_samples):
        raw[i] = D[k, i] + h[i] * U[k, i]
    grad = gemv(X_s, raw, np.empty(m), np.bool_(True))
    mu = np.zeros(m)
    h_sum = 0.0
    grad_b = 0.0
    scaled = np.empty((n_samples, m))
    if fit_intercept:
        for i in range(n_samples):
            h_sum += h[i]
            grad_b += raw[i]
        gemv(X_s, h, mu, np.bool_(True))
        for a in range(m):
            mu[a] /= h_sum
            grad[a] -= mu[a] * grad_b
    for i in range(n_samples):
        root = np.sqrt(h[i])
        for a in range(m):
            scaled[i, a] = (X_s[i, a] - mu[a]) * root
    block = gram(scaled, np.empty((m, m)))
    signs = np.empty(m)
    w_start = np.empty(m)
    rhs = np.empty(m)
    for a in range(m):
        j = support[a]
        w_start[a] = W[k, j]
        signs[a] = _sign(w_start[a])
        alpha_j = params[0] * weights[j]
        if pcode == _prox.ENET:
            ridge = alpha_j * (1.0 - params[1])
            rhs[a] = grad[a] + alpha_j * params[1] * signs[a] + ridge * w_start[a]
            block[a, a] += ridge
        else:
            rhs[a] = grad[a] + alpha_j * signs[a]
    w = w_start.copy()
    kept = np.arange(m)
    n_kept = m
    status = 0
    for _ in range(max_drops + 1):
        sub = np.empty((n_kept, n_kept))
        sub_rhs = np.empty(n_kept)
        for a in range(n_kept):
            sub_rhs[a] = rhs[kept[a]]
            for c in range(n_kept):
                sub[a, c] = block[kept[a], kept[c]]
        factor = sub.copy()
        if not cholesky_in_place(factor):
            break
        step = sub_rhs.copy()
        cholesky_solve_in_place(factor, step)
        for a in range(n_kept):
            step[a] = -step[a]
        residual = gemv(sub, step, np.empty(n_kept), np.bool_(False))
        for a in range(n_kept):
            residual[a] += sub_rhs[a]
        if not (_norm(residual) <= RESIDUAL_RTOL * _norm(sub_rhs)):
            break
        t = np.inf
        for a in range(n_kept):
            target = w[kept[a]] + step[a]
            if _sign(target) != signs[kept[a]]:
                ratio = w[kept[a]] / (w[kept[a]] - target)
                if ratio < t:
                    t = ratio
        if t == np.inf:
            for a in range(n_kept):
                w[kept[a]] += step[a]
            status = 2
            break
        # feature-sign line search: to the first coordinate reaching 0, which leaves S
        for a in range(m):
            change = 0.0
            for c in range(n_kept):
                change += block[a, kept[c]] * step[c]
            rhs[a] += t * change
        for a in range(n_kept):
            target = w[kept[a]] + step[a]
            crossing = _sign(target) != signs[kept[a]]
            if crossing and w[kept[a]] / (w[kept[a]] - target) <= t:
                w[kept[a]] = 0.0
            else:
                w[kept[a]] += t * step[a]
        status = 1
        n_left = 0
        for a in range(n_kept):
            if w[kept[a]] != 0.0:
                kept[n_left] = kept[a]
                n_left += 1
        n_kept = n_left
        if n_kept == 0:
            break
    if status == 0:
        return 0
    delta = np.empty(m)
    shift = 0.0
    for a in range(m):
        delta[a] = w[a] - w_start[a]
        W[k, support[a]] = w[a]
        shift -= mu[a] * delta[a]
    if fit_intercept:
        shift -= grad_b / h_sum
        b[k] += shift
    moved = gemv(X_s, delta, np.empty(n_samples), np.bool_(False))
    for i in range(n_samples):
        Z[k, i] += moved[i] + shift
    return status


@njit(cache=True, nogil=True)
def polish_problems(X, data, indices, indptr, is_sparse, D, H, U, Z, W, b, chosen,
                    fit_intercept, pcode, PARAMS, weights, max_drops):
    """:func:`polish_on_support` on each problem of ``chosen`` (one row of every per-problem
    array); returns their statuses."""
    statuses = np.zeros(chosen.shape[0], dtype=np.int64)
    for a in range(chosen.shape[0]):
        k = chosen[a]
        statuses[a] = polish_on_support(X, data, indices, indptr, is_sparse, D, H, U, Z, W, b,
                                        k, fit_intercept, pcode, PARAMS[k], weights, max_drops)
    return statuses

"""Semi-NMF and sparse NMF: block coordinate descent kernels and the alternating drivers.

Convention (scikit-learn's): ``X`` (n_samples, n_features) is approximated by ``W H``, with codes
``W >= 0`` of shape (n_samples, n_components) and components ``H`` of shape
(n_components, n_features). Semi-NMF (Ding, Li & Jordan, 2010) leaves ``H`` free of sign; sparse
NMF keeps ``H >= 0`` too. Both minimize

    sum_f phi(||X[:, f] - W H[:, f]||^2) + alpha sum(W),

with ``phi(e) = e / 2`` (Frobenius) or the correntropy loss ``phi(e) = s2 (1 - exp(-e / (2 s2)))``
(Wang, Pan, Xiang & Zhu, 2016), minimized by half-quadratic reweighting: ``phi`` is concave in
``e``, so ``0.5 sum_f d_f e_f`` with ``d_f = exp(-e_f / (2 s2))`` majorizes it up to a constant and
each reweighted step decreases it. When ``alpha > 0`` the rows of ``H`` are kept in the unit
l2 ball (otherwise scaling ``W`` down and ``H`` up would drive the penalty to zero).

Kernels (Numba):

* :func:`hals_codes`: coordinate descent (HALS) on ``min_{W >= 0} 0.5 tr(W Q W^T) - tr(W^T P) +
  alpha sum(W)``, one nonnegative Lasso per row of ``W``, row by row;
* :func:`mu_codes`: the multiplicative update of Ding, Li & Jordan on the same problem;
* :func:`ball_components`: exact block coordinate descent on the rows of ``H`` under the
  unit-ball constraint, with per-feature weights and an optional sign constraint.

The drivers :func:`semi_nmf` and :func:`sparse_nmf` are numpy-level loops over these kernels
and a few BLAS products; they do not validate.
"""

from math import sqrt

import numpy as np
from numba import njit

from .sort import argsort_stable

_BISECTION_STEPS = 100
_TINY = 1e-300
AUTO_WIDTH_FACTOR = 8.0  # kernel_width="auto": sigma^2 = this times the median residual energy


@njit(cache=True)
def hals_codes(W, P, Q, alpha, n_sweeps, tol):
    """Cyclic coordinate descent on ``0.5 w Q w^T - w P_i^T + alpha sum(w)``, ``w >= 0``, per row.

    ``W`` (n_samples, n_components) holds the start and is overwritten; ``P`` = ``X D H^T`` and
    ``Q`` = ``H D H^T`` (``D`` the feature weights). Each coordinate step is the exact minimizer
    along that coordinate (HALS), so the objective never increases. A row stops after
    ``n_sweeps`` sweeps or when its largest step, times ``Q_jj``, is ``<= tol * max_j |P_ij|``.
    Coordinates with ``Q_jj = 0`` (a zero component) are set to zero. Returns the largest number
    of sweeps a row took.
    """
    n_samples, n_components = W.shape
    sweeps = np.zeros(n_samples, dtype=np.int64)
    grad = np.empty(n_components)
    for i in range(n_samples):
        w = W[i]  # P_i - Q w
        scale = 0.0
        for j in range(n_components):
            s = P[i, j]
            for m in range(n_components):
                s -= Q[j, m] * w[m]
            grad[j] = s
            scale = max(scale, abs(P[i, j]))
        for it in range(n_sweeps):
            sweeps[i] = it + 1
            worst = 0.0
            for j in range(n_components):
                q = Q[j, j]
                new = max(0.0, w[j] + (grad[j] - alpha) / q) if q > 0.0 else 0.0
                step = new - w[j]
                if step != 0.0:
                    for m in range(n_components):
                        grad[m] -= Q[m, j] * step
                    w[j] = new
                    worst = max(worst, abs(step) * q)
            if worst <= tol * scale:
                break
    most = np.int64(0)
    for i in range(n_samples):
        most = max(most, sweeps[i])
    return most


@njit(cache=True)
def mu_codes(W, P, Q, alpha, eps):
    """One multiplicative update of Ding, Li & Jordan (2010) on the problem of :func:`hals_codes`.

    ``W <- W * sqrt((P+ + W Q-) / (P- + alpha + W Q+))`` with ``A+ = max(A, 0)``,
    ``A- = max(-A, 0)``; the penalty enters as a constant added to ``P-``, which keeps Ding et
    al.'s auxiliary-function argument (the objective does not increase). ``eps`` guards the
    denominator. Zero entries stay zero.
    """
    n_samples, n_components = W.shape
    out = np.empty_like(W)
    for i in range(n_samples):
        for j in range(n_components):
            num = max(P[i, j], 0.0)
            den = max(-P[i, j], 0.0) + alpha
            for m in range(n_components):
                q = Q[m, j]
                if q > 0.0:
                    den += W[i, m] * q
                else:
                    num -= W[i, m] * q
            out[i, j] = W[i, j] * sqrt(num / (den + eps))
    for i in range(n_samples):
        for j in range(n_components):
            W[i, j] = out[i, j]


@njit(cache=True)
def _ball_row(c, d, a, out):
    """``argmin_{||h|| <= 1} sum_f d_f (0.5 a h_f^2 - c_f h_f)``: ``h_f = d_f c_f / (a d_f + mu)``
    with the smallest ``mu >= 0`` putting ``h`` in the unit ball (bisection on ``mu``; closed form
    when the weights are all equal)."""
    n_features = c.shape[0]
    norm_sq = 0.0
    uniform = True
    for f in range(n_features):
        norm_sq += c[f] * c[f]
        if d[f] != d[0]:
            uniform = False
    if sqrt(norm_sq) <= a:  # mu = 0 is feasible
        for f in range(n_features):
            out[f] = c[f] / a
        return
    if uniform and d[0] > 0.0:
        denom = sqrt(norm_sq)
        for f in range(n_features):
            out[f] = c[f] / denom
        return
    lo, hi = 0.0, 0.0
    for f in range(n_features):
        hi += (d[f] * c[f]) ** 2
    hi = sqrt(hi)  # ||h(mu)|| <= ||d c|| / mu <= 1 at mu = hi
    for _ in range(_BISECTION_STEPS):
        mu = 0.5 * (lo + hi)
        s = 0.0
        for f in range(n_features):
            h = d[f] * c[f] / (a * d[f] + mu)
            s += h * h
        if s > 1.0:
            lo = mu
        else:
            hi = mu
        if hi - lo <= 1e-15 * hi:
            break
    for f in range(n_features):
        out[f] = d[f] * c[f] / (a * d[f] + hi) if hi > 0.0 else c[f] / a


@njit(cache=True)
def ball_components(H, P, Q, d, nonneg, n_nonzero):
    """One sweep of exact block coordinate descent on the rows of ``H`` in the unit l2 ball.

    Minimizes ``sum_f d_f (0.5 H_f^T Q H_f - P_f^T H_f)`` (``H_f`` the column ``f``) over one row
    ``h_k`` at a time, with ``Q = W^T W``, ``P = W^T X`` and feature weights ``d > 0``: with
    ``c = P_k - sum_{j != k} Q_kj h_j`` (clipped at 0 if ``nonneg``, which is then exact since
    the weighted problem is separable up to the ball), ``h_k`` is :func:`_ball_row`. With
    ``n_nonzero > 0`` (uniform weights only) each row also has at most ``n_nonzero`` nonzero
    entries: the row's minimum, ``-||c_S||^2 / (2 Q_kk)`` or ``Q_kk / 2 - ||c_S||`` on support
    ``S``, decreases with ``||c_S||``, so the exact step keeps the ``n_nonzero`` largest ``|c_f|``.
    Rows whose code column is zero (``Q_kk = 0``) are left as they are. ``H`` is updated in
    place.
    """
    n_components, n_features = H.shape
    c = np.empty(n_features)
    row = np.empty(n_features)
    magnitude = np.empty(n_features)
    for k in range(n_components):
        a = Q[k, k]
        if a <= 0.0:
            continue
        for f in range(n_features):
            s = P[k, f]
            for j in range(n_components):
                if j != k:
                    s -= Q[k, j] * H[j, f]
            c[f] = max(s, 0.0) if nonneg else s
        if 0 < n_nonzero < n_features:
            for f in range(n_features):
                magnitude[f] = abs(c[f])
            order = argsort_stable(magnitude)
            for f in range(n_features - n_nonzero):
                c[order[f]] = 0.0
        _ball_row(c, d, a, row)
        for f in range(n_features):
            H[k, f] = row[f]


# --------------------------------------------------------------------------------------------
# drivers


def _loss(X, W, H, alpha, sigma_sq):
    """Objective and squared residual norm per feature (``sigma_sq = inf``: Frobenius)."""
    residual = X - W @ H
    residual *= residual
    col_sq = residual.sum(axis=0)
    if np.isinf(sigma_sq):
        fit = 0.5 * col_sq.sum()
    else:
        fit = sigma_sq * np.sum(-np.expm1(-col_sq / (2.0 * sigma_sq)))
    return fit + alpha * W.sum(), col_sq


def _rescale(W, H):
    """Rows of ``H`` to unit norm, the columns of ``W`` scaled to compensate (same ``W H``)."""
    norms = np.linalg.norm(H, axis=1)
    keep = norms > 0.0
    H[keep] /= norms[keep, None]
    W[:, keep] *= norms[keep]


def semi_nmf(X, W, alpha, solver, max_iter, tol, n_nonzero=0, progress=None, inner_sweeps=1):
    """Semi-NMF ``X ~ W H`` with ``W >= 0`` and ``H`` free, from the codes ``W`` (overwritten).

    Each iteration updates ``H`` then ``W``. ``H``: least squares ``(W^T W) H = W^T X`` (Ding et
    al.'s ``F`` step) when ``alpha == 0`` and ``n_nonzero == 0``, then rows rescaled to unit norm;
    otherwise one sweep of :func:`ball_components` (at most ``n_nonzero`` nonzero entries per row
    when ``n_nonzero > 0``; the start's least squares rows are made so by a first sweep). ``W``: ``inner_sweeps`` HALS sweeps
    (``solver="als"``) or one multiplicative update (``"mu"``). Stops when the objective
    decreases by less than ``tol`` times its starting value (scikit-learn's NMF rule, which
    also stops on data the model fits exactly). Returns ``(W, H, objectives, converged)``,
    ``objectives[t]`` the objective after iteration ``t`` (``objectives[0]``: at the start, with
    the first ``H``). ``progress`` (a :class:`sparselearn._progress.Progress` or None) is
    updated after every iteration with the objective and the state ``W``, ``H``; the loop stops
    when it returns True (the callback asked to stop).
    """
    n_features = X.shape[1]
    ones = np.ones(n_features)
    H = np.zeros((W.shape[1], n_features))
    objectives = []
    converged = False
    constrained = alpha > 0.0 or n_nonzero > 0
    for it in range(max_iter + 1):
        Q = W.T @ W
        P = W.T @ X
        if not constrained or it == 0:
            H[:] = np.linalg.lstsq(Q, P, rcond=None)[0]
            _rescale(W, H)
            if n_nonzero > 0:
                Q = W.T @ W
                P = W.T @ X
        if constrained and (it > 0 or n_nonzero > 0):
            ball_components(H, P, Q, ones, False, n_nonzero)
        if it == 0:
            objectives.append(_loss(X, W, H, alpha, np.inf)[0])
            if max_iter == 0:
                break
            continue
        HHt = H @ H.T
        XHt = X @ H.T
        if solver == "mu":
            mu_codes(W, XHt, HHt, alpha, 1e-12 * max(np.abs(XHt).max(), _TINY))
        else:
            hals_codes(W, XHt, HHt, alpha, inner_sweeps, 0.0)
        objectives.append(_loss(X, W, H, alpha, np.inf)[0])
        if progress is not None and progress.update(
                line=f"iteration {it}: objective {objectives[-1]:.6e}", state={"W": W, "H": H},
                objective=objectives[-1]):
            break
        if objectives[-2] - objectives[-1] <= tol * objectives[0]:
            converged = True
            break
    return W, H, np.array(objectives), converged


def kernel_variance(col_sq, kernel_width):
    """``sigma^2`` of the correntropy loss: ``inf`` (Frobenius) for ``kernel_width=None``,
    ``AUTO_WIDTH_FACTOR`` times the median of the squared residual norms per feature for
    ``"auto"`` (the median is robust to the corrupted features, which the mean would follow; the
    factor keeps a feature at the median at weight ``exp(-1/16) = 0.94`` and one at 10 times the
    median above 1/2, so the spread of the clean features' residuals does not drop them), else
    ``kernel_width ** 2``."""
    if kernel_width is None:
        return np.inf
    if kernel_width == "auto":
        return AUTO_WIDTH_FACTOR * max(float(np.median(col_sq)), _TINY)
    return float(kernel_width) ** 2


def correntropy_weights(col_sq, sigma_sq):
    """Half-quadratic feature weights ``exp(-e_f / (2 sigma^2))`` (ones when ``sigma^2 = inf``),
    floored at a tiny positive value."""
    if np.isinf(sigma_sq):
        return np.ones(col_sq.shape[0])
    return np.maximum(np.exp(-col_sq / (2.0 * sigma_sq)), _TINY)


def sparse_nmf(X, W, H, alpha, kernel_width, max_iter, tol, progress=None, inner_sweeps=1):
    """Sparse NMF ``X ~ W H``, ``W, H >= 0``, rows of ``H`` in the unit ball, from ``W``, ``H``
    (overwritten).

    ``kernel_width``: ``None`` for the Frobenius loss; ``"auto"`` for the correntropy loss with
    ``s2`` = 8 times the median over features of the squared residual norms, re-estimated at every
    iteration (Wang et al.'s adaptive width; the objective is then reported at each iteration's
    width and need not decrease); or a positive float ``s``, ``s2 = s^2`` fixed (the objective
    does not increase). Each iteration: feature weights ``d`` from the current residual, one
    :func:`ball_components` sweep on ``H`` and ``inner_sweeps`` HALS sweeps on ``W`` for the
    reweighted problem. ``progress`` (a :class:`sparselearn._progress.Progress` or None) is
    updated after every iteration with the objective and the state ``W``, ``H``; the loop stops
    when it returns True (the callback asked to stop). Returns ``(W, H, d, objectives,
    converged)``.
    """
    n_features = X.shape[1]
    H[:] = np.maximum(H, 0.0)
    norms = np.linalg.norm(H, axis=1)
    big = norms > 1.0
    H[big] /= norms[big, None]
    W[:, big] *= norms[big]

    objective, col_sq = _loss(X, W, H, alpha, np.inf)
    sigma_sq = kernel_variance(col_sq, kernel_width)
    objective, col_sq = _loss(X, W, H, alpha, sigma_sq)
    objectives = [objective]
    d = np.ones(n_features)
    converged = False
    for it in range(max_iter):
        d = correntropy_weights(col_sq, sigma_sq)
        ball_components(H, W.T @ X, W.T @ W, d, True, 0)
        Hd = H * d
        hals_codes(W, X @ Hd.T, Hd @ H.T, alpha, inner_sweeps, 0.0)
        _, col_sq = _loss(X, W, H, alpha, np.inf)
        if kernel_width == "auto":
            sigma_sq = kernel_variance(col_sq, kernel_width)
        objective, col_sq = _loss(X, W, H, alpha, sigma_sq)
        objectives.append(objective)
        if progress is not None and progress.update(
                line=f"iteration {it + 1}: objective {objective:.6e}", state={"W": W, "H": H},
                objective=objective):
            break
        if abs(objectives[-2] - objectives[-1]) <= tol * objectives[0]:
            converged = True
            break
    d = correntropy_weights(col_sq, sigma_sq)
    return W, H, d, np.array(objectives), converged


def nonneg_codes(X, H, alpha, d, max_iter, tol):
    """Codes ``W >= 0`` of the rows of ``X`` over fixed components ``H`` with feature weights
    ``d``: :func:`hals_codes` from zero to convergence. Returns ``(W, n_sweeps)``."""
    Hd = H * d
    W = np.zeros((X.shape[0], H.shape[0]))
    n_sweeps = hals_codes(W, X @ Hd.T, Hd @ H.T, alpha, max_iter, tol)
    return W, n_sweeps


def svd_codes(U, s, n_components):
    """Semi-NMF start from a truncated SVD ``U diag(s) V^T``: code column ``j`` is the larger
    (in norm) of the positive and negative parts of ``sqrt(s_j) U[:, j]`` (the component, free
    of sign, absorbs the flip). Columns beyond ``len(s)`` are zero."""
    W = np.zeros((U.shape[0], n_components))
    for j in range(min(n_components, s.shape[0])):
        u = U[:, j] * sqrt(s[j])
        pos, neg = np.maximum(u, 0.0), np.maximum(-u, 0.0)
        W[:, j] = pos if np.linalg.norm(pos) >= np.linalg.norm(neg) else neg
    return W


def nndsvd(U, s, Vt, n_components):
    """NNDSVD start of Boutsidis & Gallopoulos (2008) for nonnegative data: for each singular
    triplet, the pair of positive (or negative) parts of ``u`` and ``v`` with the larger product
    of norms, scaled to the triplet's energy. Components beyond ``len(s)`` are zero."""
    W = np.zeros((U.shape[0], n_components))
    H = np.zeros((n_components, Vt.shape[1]))
    for j in range(min(n_components, s.shape[0])):
        u, v = U[:, j], Vt[j]
        up, un, vp, vn = (np.maximum(u, 0.0), np.maximum(-u, 0.0), np.maximum(v, 0.0),
                          np.maximum(-v, 0.0))
        m_pos = np.linalg.norm(up) * np.linalg.norm(vp)
        m_neg = np.linalg.norm(un) * np.linalg.norm(vn)
        a, b, m = (up, vp, m_pos) if m_pos >= m_neg else (un, vn, m_neg)
        if m <= 0.0:
            continue
        scale = sqrt(s[j] * m)
        W[:, j] = scale * a / np.linalg.norm(a)
        H[j] = scale * b / np.linalg.norm(b)
    return W, H

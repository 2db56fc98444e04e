"""Coordinate descent: one coordinate update, in the design form and in the Gram form.

Every coordinate-descent loop of the package minimizes a quadratic model plus a separable
penalty one coordinate at a time with :func:`coordinate_update` (the exact minimizer along the
coordinate: a prox step of length ``1 / L_j``). The loops differ in where the residual lives:
``model_cd`` keeps it in sample space (``u = X delta``, columns of a dense or CSC design: the GLM
solvers), ``gram_cd_sweeps`` in coefficient space (``cov - G c`` with a Gram matrix ``G``: the
sparse coders of :mod:`sparselearn._core.coding`, many small problems sharing one ``G``).

Design form.

At an anchor point ``(w0, b0)`` with linear predictor ``z0``, the datafit is modelled as

.. math::  M(w, b) = F(z_0) + d^T u + \\tfrac12 u^T \\mathrm{diag}(h) u,
           \\quad u = X (w - w_0) + (b - b_0),

with ``d = s f'(z0)`` and ``h`` the (bounded or exact) curvatures per sample. For the quadratic
datafit the model is exact; for Huber it majorizes (MM); for logistic and Poisson it is the
Newton model (prox-Newton, Lee, Sun & Saunders 2014). ``model_cd`` runs cyclic coordinate
descent on ``M + pen`` restricted to a working set, with Anderson extrapolation of the iterates
(Bertrand & Massias, "Anderson acceleration of coordinate descent", AISTATS 2021), keeping the
extrapolated point only when it lowers ``M + pen``.
"""

import functools

import numpy as np
from numba import njit

from .linalg import (FASTMATH, csc_col_axpy, csc_col_dot, csc_col_dot_weighted,
                     dense_col_axpy, dense_col_dot, dense_col_dot_weighted)
from .lapack import spd_solve
from .prox import ANY, prox_1d, value_1d


@njit(cache=True, nogil=True)
def coordinate_update(pcode, params, weight, curv, old, grad, lipschitz):
    """Minimizer along one coordinate of ``grad (x - old) + L (x - old)^2 / 2 + pen(x)``."""
    return prox_1d(pcode, params, weight, curv, old - grad / lipschitz, 1.0 / lipschitz)


@njit(cache=True, nogil=True)
def _model_value(d, h, h_const, u):
    total = 0.0
    if h_const >= 0.0:
        for i in range(u.shape[0]):
            total += u[i] * (d[i] + 0.5 * h_const * u[i])
    else:
        for i in range(u.shape[0]):
            total += u[i] * (d[i] + 0.5 * h[i] * u[i])
    return total


@njit(cache=True, nogil=True)
def _ws_penalty(pcode, params, weights, curvs, w, ws):
    total = 0.0
    for k in range(ws.shape[0]):
        j = ws[k]
        if w[j] != 0.0:
            total += value_1d(pcode, params, weights[j], curvs[j], w[j])
    return total


@njit(cache=True, nogil=True)
def _anderson(buffer):
    """Extrapolate from the rows of ``buffer`` (successive iterates); returns (point, ok)."""
    n_rows, dim = buffer.shape
    K = n_rows - 1
    # C = U U^T with U the successive differences of the rows (loops, not array expressions:
    # they compile in a fraction of the time)
    C = np.zeros((K, K))
    for k in range(K):
        for m in range(k + 1):
            total = 0.0
            for i in range(dim):
                total += (buffer[k + 1, i] - buffer[k, i]) * (buffer[m + 1, i] - buffer[m, i])
            C[k, m] = total
            C[m, k] = total
    trace = 0.0
    for k in range(K):
        trace += C[k, k]
    if trace <= 0.0 or not np.isfinite(trace):
        return buffer[K].copy(), False
    for k in range(K):
        C[k, k] += 1e-10 * trace
    ones = np.empty(K)  # not np.ones: its implementation is one more compilation on a first fit
    for k in range(K):
        ones[k] = 1.0
    z, ok = spd_solve(C, ones)
    total = 0.0
    for k in range(K):
        total += z[k]
    if not ok or total == 0.0 or not np.isfinite(total):
        return buffer[K].copy(), False
    point = np.zeros(dim)
    for k in range(K):
        c = z[k] / total
        for i in range(dim):
            point[i] += c * buffer[k + 1, i]
    return point, True


@functools.cache
def model_cd_for(fixed):
    """:func:`model_cd` for the penalty ``fixed`` alone (``prox.ANY``: the ``code`` argument's;
    same arguments either way): only that penalty's sections of
    :mod:`sparselearn._core.prox` are compiled into it (see ``prox.value_for``)."""
    fixed = int(fixed)

    @njit(cache=True, nogil=True)
    def model_cd(X, data, indices, indptr, is_sparse, d, h, h_const, grad0, grad0_b, w, b,
                 fit_intercept, ws, lipschitz, lipschitz_b, h_cols, code, params, weights, curvs,
                 max_epochs, tol, n_anderson):
        """Minimize ``M + pen`` over the coordinates ``ws`` (and the intercept ``b[0]``) in place.

        Parameters
        ----------
        d, h : raw gradient and curvatures at the anchor (``h_const >= 0``: all curvatures
            equal it).
        grad0, grad0_b : ``X.T @ d`` (all features) and ``sum(d)``.
        w, b : coefficients (length n_features) and intercept (length 1), updated in place.
        lipschitz, lipschitz_b : the model's curvature along each coordinate direction and
            ``sum_i h_i``; with ``fit_intercept`` the direction of feature ``j`` is the centred
            column ``X_j - mu_j`` (``mu_j = h_cols_j / lipschitz_b``), curvature
            ``sum_i h_i (X_ij - mu_j)^2``, else ``sum_i h_i X_ij^2``.
        h_cols : ``X.T @ h`` (used with ``fit_intercept``).
        tol : stop when an epoch moves no coordinate by more than ``tol`` in gradient units
            (``lipschitz_j |delta_j|``, the prox fixed-point residual).

        Returns
        -------
        u : ``X (w - w0) + (b - b0)``, the change of the linear predictor.
        n_epochs : epochs run.
        """
        if fixed < 0:
            pcode = code
        else:
            pcode = fixed
        n_samples = d.shape[0]
        n_ws = ws.shape[0]
        # u is kept as u_raw + shift: intercept moves change the scalar only (O(1), not O(n))
        u = np.zeros(n_samples)
        shift = 0.0
        center = fit_intercept and lipschitz_b > 0.0
        # centred coordinates: with an intercept, coordinate j moves along X_j - mu_j 1 (mu_j the
        # h-weighted column mean) and the intercept absorbs the offset, which is coordinate descent
        # on the centred design without forming it (offsets leave the iteration count unchanged)
        h_col = np.zeros(n_ws)  # sum_i h_i X_ij
        mu = np.zeros(n_ws)
        if center:
            for k in range(n_ws):
                h_col[k] = h_cols[ws[k]]
                mu[k] = h_col[k] / lipschitz_b
        use_anderson = n_anderson > 0
        buffer = np.zeros((n_anderson + 1, n_ws + 1))
        n_buffered = 0
        n_epochs = 0
        for epoch in range(max_epochs):
            n_epochs = epoch + 1
            violation = 0.0
            h_u = 0.0  # sum_i h_i u_raw_i, kept up to date through the epoch
            if center:
                for i in range(n_samples):
                    h_u += (h_const if h_const >= 0.0 else h[i]) * u[i]
            for k in range(n_ws):
                j = ws[k]
                L = lipschitz[j]
                if L <= 0.0:
                    continue
                # is_sparse is tested here, not in a helper: see the note in linalg
                if is_sparse:
                    if h_const >= 0.0:
                        g = grad0[j] + h_const * csc_col_dot(data, indices, indptr, j, u)
                    else:
                        g = grad0[j] + csc_col_dot_weighted(data, indices, indptr, j, h, u)
                else:
                    if h_const >= 0.0:
                        g = grad0[j] + h_const * dense_col_dot(X, j, u)
                    else:
                        g = grad0[j] + dense_col_dot_weighted(X, j, h, u)
                if center:  # derivative along X_j - mu_j 1
                    g += shift * h_col[k] - mu[k] * (grad0_b + h_u + shift * lipschitz_b)
                old = w[j]
                new = coordinate_update(pcode, params, weights[j], curvs[j], old, g, L)
                if new != old:
                    delta = new - old
                    if is_sparse:
                        csc_col_axpy(data, indices, indptr, j, delta, u)
                    else:
                        dense_col_axpy(X, j, delta, u)
                    w[j] = new
                    if center:
                        h_u += delta * h_col[k]
                        shift -= mu[k] * delta
                        b[0] -= mu[k] * delta
                    score = L * abs(delta)
                    if score > violation:
                        violation = score
            if center:
                g_b = grad0_b + h_u + shift * lipschitz_b
                delta = -g_b / lipschitz_b
                if delta != 0.0:
                    shift += delta
                    b[0] += delta
                    score = abs(g_b)
                    if score > violation:
                        violation = score
            if violation <= tol:
                break
            if use_anderson:
                slot = n_buffered % (n_anderson + 1)
                for k in range(n_ws):
                    buffer[slot, k] = w[ws[k]]
                buffer[slot, n_ws] = b[0]
                n_buffered += 1
                if n_buffered == n_anderson + 1:
                    n_buffered = 0
                    point, ok = _anderson(buffer)
                    if ok:
                        for i in range(n_samples):
                            u[i] += shift
                        shift = 0.0
                        u_acc = u.copy()
                        for k in range(n_ws):
                            j = ws[k]
                            diff = point[k] - w[j]
                            if diff != 0.0:
                                if is_sparse:
                                    csc_col_axpy(data, indices, indptr, j, diff, u_acc)
                                else:
                                    dense_col_axpy(X, j, diff, u_acc)
                        b_acc = point[n_ws] if fit_intercept else b[0]
                        for i in range(n_samples):
                            u_acc[i] += b_acc - b[0]
                        w_acc = w.copy()
                        for k in range(n_ws):
                            w_acc[ws[k]] = point[k]
                        obj_acc = _model_value(d, h, h_const, u_acc) + _ws_penalty(
                            pcode, params, weights, curvs, w_acc, ws)
                        obj = _model_value(d, h, h_const, u) + _ws_penalty(
                            pcode, params, weights, curvs, w, ws)
                        if obj_acc < obj:
                            for k in range(n_ws):
                                w[ws[k]] = point[k]
                            b[0] = b_acc
                            for i in range(n_samples):
                                u[i] = u_acc[i]
        if shift != 0.0:
            for i in range(n_samples):
                u[i] += shift
        return u, n_epochs

    return model_cd


model_cd = model_cd_for(ANY)


@njit(cache=True, nogil=True, fastmath=FASTMATH)
def _dense_column_moments(X, j, d, h):
    """``(X_j @ d, X_j @ h, X_j @ (h * X_j))`` of a dense Fortran ``X`` in one loop."""
    g = 0.0
    g_h = 0.0
    sq = 0.0
    for i in range(X.shape[0]):
        x = X[i, j]
        g += x * d[i]
        hx = h[i] * x
        g_h += hx
        sq += hx * x
    return g, g_h, sq


@njit(cache=True, nogil=True, fastmath=FASTMATH)
def dense_centred_sq_norm(X, j, h, mu):
    """``sum_i h_i (X_ij - mu)^2`` of a dense Fortran ``X`` (each term from ``X_ij - mu``: no
    cancellation)."""
    total = 0.0
    for i in range(X.shape[0]):
        diff = X[i, j] - mu
        total += h[i] * diff * diff
    return total


@njit(cache=True, nogil=True)
def gradient_and_curvatures(X, data, indices, indptr, is_sparse, n_features, d, h,
                            fit_intercept):
    """The datafit gradient ``X.T @ d`` and the coordinate curvatures in one pass over ``X``.

    Returns ``(grad, lipschitz, h_cols)``: ``lipschitz_j = sum_i h_i X_ij^2`` without an
    intercept; with one, the curvature along the centred column,
    ``sum_i h_i (X_ij - mu_j)^2`` with ``mu_j = h_cols_j / sum(h)`` and ``h_cols = X.T @ h``
    (zeros without an intercept), as :func:`sparselearn._core.working_set.coordinate_curvatures`
    computes them in three passes. Each column is read from memory once: the centred sum
    re-reads it from cache, and is computed from ``X_ij - mu_j`` (large offsets do not cancel
    out the variance).
    """
    grad = np.empty(n_features)
    lipschitz = np.empty(n_features)
    h_cols = np.zeros(n_features)
    h_total = 0.0
    for i in range(h.shape[0]):
        h_total += h[i]
    center = fit_intercept and h_total > 0.0
    for j in range(n_features):
        if is_sparse:
            g = 0.0
            g_h = 0.0
            sq = 0.0
            for k in range(indptr[j], indptr[j + 1]):
                i = indices[k]
                x = data[k]
                g += x * d[i]
                hx = h[i] * x
                g_h += hx
                sq += hx * x
            if center:
                m = g_h / h_total
                sq = 0.0
                h_nnz = 0.0
                for k in range(indptr[j], indptr[j + 1]):
                    hi = h[indices[k]]
                    r = data[k] - m
                    sq += hi * r * r
                    h_nnz += hi
                sq += m * m * (h_total - h_nnz)  # the implicit zeros
        else:
            g, g_h, sq = _dense_column_moments(X, j, d, h)
            if center:
                sq = dense_centred_sq_norm(X, j, h, g_h / h_total)
        grad[j] = g
        lipschitz[j] = sq
        if fit_intercept:
            h_cols[j] = g_h
    return grad, lipschitz, h_cols


@njit(cache=True, nogil=True)
def gram_cd_sweeps(G, residual, code, ws, n_ws, pcode, params, weights, curvs, threshold,
                   max_sweeps, full_residual):
    """Gram form: sweeps over ``ws[:n_ws]`` on ``0.5 c^T G c - c^T cov + pen(c)`` with the
    residual ``cov - G c`` kept up to date; stops once a sweep moves no coordinate by more than
    ``threshold`` (scaled by ``G_jj``). With ``full_residual`` every entry of the residual is
    updated (a contiguous row of ``G`` per move, cheaper than gathering the working set's
    entries); otherwise only the working set's entries are. Returns the last sweep's largest
    move ``G_jj |delta_j|``."""
    n = code.shape[0]
    worst = 0.0
    for _ in range(max_sweeps):
        worst = 0.0
        for a in range(n_ws):
            j = ws[a]
            g_jj = G[j, j]
            if g_jj <= 0.0:
                continue
            old = code[j]
            new = coordinate_update(pcode, params, weights[j], curvs[j], old, -residual[j], g_jj)
            delta = new - old
            if delta != 0.0:
                worst = max(worst, g_jj * abs(delta))
                code[j] = new
                if full_residual:
                    for t in range(n):
                        residual[t] -= delta * G[j, t]
                else:
                    for b in range(n_ws):
                        t = ws[b]
                        residual[t] -= delta * G[j, t]
        if worst <= threshold:
            break
    return worst

"""Block coordinate descent over groups of features, with working sets; proximal gradient for
group penalties that are not block separable.

Block coordinate descent (:func:`group_working_set`), the group analogue of
:mod:`sparselearn._core.working_set`:

1. At ``(w, b)`` compute ``d = s f'(z)`` and the curvatures ``h`` of the datafit (the exact ones
   for logistic and Poisson: prox-Newton; the bound for quadratic and Huber), the gradient
   ``X.T d`` and each group's violation: the distance of ``-grad_g`` to the subdifferential of the
   penalty of group ``g`` at ``w_g`` (with an intercept, along the columns centred at their
   ``h``-weighted means, which the intercept absorbs).
2. Stop when the largest violation (the intercept's ``|sum d|`` included) is at most ``tol``.
3. Working set: the groups in use plus the most violating ones, ``max(p0, 2 |support|)`` groups
   or half the violating groups when that is more (skglm's ``GroupBCD``, celer).
4. Block coordinate descent on the quadratic model of the datafit over the working set
   (:func:`group_model_bcd`): group ``g`` takes the prox step ``1 / L_g`` with ``L_g`` the largest
   eigenvalue of ``X_g^T diag(h) X_g`` (the block Lipschitz constant of the model, at least the
   penalty's concavity), then the intercept an exact step; down to ``0.3 x`` the violation.
5. Quadratic datafit: the model is exact. Otherwise a backtracking line search on the true
   objective along the model's step; when it fails, the next model uses the curvature bound
   (logistic: 1/4), which majorizes the datafit, so that step descends.

Proximal gradient (:func:`group_fista`): FISTA with backtracking and monotone restarts on the
whole vector, for the group sparse envelope, whose prox couples the groups.
"""

from math import sqrt

import numpy as np
from numba import njit

from . import datafit as _datafit
from . import linalg as _linalg
from . import group_prox as _gprox
from . import lapack as _lapack
from .cd import _anderson, _model_value
from .working_set import next_working_set
from .linalg import (csc_col_axpy, csc_col_dot, csc_col_dot_weighted, dense_col_axpy,
                     dense_col_dot, dense_col_dot_weighted)


@njit(cache=True, nogil=True)
def group_lipschitz(X, data, indices, indptr, is_sparse, h, h_cols, center, groups, gindptr,
                    gindices, out):
    """``out[g]``: the largest eigenvalue of ``X_g^T diag(h) X_g`` for each ``g`` in ``groups``
    (of the centred block ``X_g - 1 mu_g^T``, ``mu = h_cols / sum(h)``, when ``center``)."""
    n_samples = h.shape[0]
    sum_h = np.sum(h)
    scratch = np.zeros(n_samples)
    for t in range(groups.shape[0]):
        g = groups[t]
        start = gindptr[g]
        size = gindptr[g + 1] - start
        gram = np.zeros((size, size))
        for a in range(size):
            ja = gindices[start + a]
            if is_sparse:
                for k in range(indptr[ja], indptr[ja + 1]):
                    scratch[indices[k]] = h[indices[k]] * data[k]
                for c in range(a + 1):
                    gram[a, c] = csc_col_dot(data, indices, indptr, gindices[start + c], scratch)
                for k in range(indptr[ja], indptr[ja + 1]):
                    scratch[indices[k]] = 0.0
            else:
                for c in range(a + 1):
                    gram[a, c] = dense_col_dot_weighted(X, ja, h, X[:, gindices[start + c]])
            for c in range(a):
                gram[c, a] = gram[a, c]
        if center and sum_h > 0.0:
            for a in range(size):
                for c in range(size):
                    gram[a, c] -= h_cols[gindices[start + a]] * h_cols[gindices[start + c]] / sum_h
        if size == 1:
            out[g] = max(gram[0, 0], 0.0)
        else:
            eigenvalues, ok = _lapack.symmetric_eigenvalues(gram)
            if ok:
                out[g] = max(eigenvalues[size - 1], 0.0)
            else:  # the trace bounds the largest eigenvalue of the PSD Gram from above
                trace = 0.0
                for a in range(size):
                    trace += gram[a, a]
                out[g] = max(trace, 0.0)


@njit(cache=True, nogil=True)
def group_model_bcd(X, data, indices, indptr, is_sparse, d, h, h_const, grad0, grad0_b, w, b,
                    fit_intercept, ws, gindptr, gindices, glip, lipschitz_b, h_cols, pcode,
                    params, gweights, max_epochs, tol, n_anderson):
    """Minimize the quadratic model of the datafit plus the penalty over the groups ``ws`` (and
    the intercept ``b[0]``), in place.

    The model at the anchor is ``d^T u + u^T diag(h) u / 2`` with ``u = X (w - w0) + (b - b0)``
    (``h_const >= 0``: every ``h_i`` equals it). ``grad0 = X.T d``, ``grad0_b = sum(d)``,
    ``h_cols = X.T h``, ``lipschitz_b = sum(h)``; ``glip[g]`` is the block step's curvature. With
    ``fit_intercept`` each block moves along its centred columns and the intercept absorbs the
    offsets. Stops when an epoch moves no block by more than ``tol`` in gradient units
    (``glip[g] ||delta_g||``). Every ``n_anderson + 1`` epochs the iterates are extrapolated
    (Anderson acceleration, as :func:`sparselearn._core.cd.model_cd`), the extrapolated point
    kept when it lowers the model plus the penalty (0 turns it off). Returns ``(u, n_epochs)``.
    """
    n_samples = d.shape[0]
    u = np.zeros(n_samples)
    center = fit_intercept and lipschitz_b > 0.0
    hu = 0.0  # sum_i h_i u_i
    max_size = 0
    for t in range(ws.shape[0]):
        g = ws[t]
        max_size = max(max_size, gindptr[g + 1] - gindptr[g])
    v = np.empty(max_size)
    new = np.empty(max_size)
    # the working set's features, in order, for the Anderson buffer
    n_ws_features = 0
    for t in range(ws.shape[0]):
        n_ws_features += gindptr[ws[t] + 1] - gindptr[ws[t]]
    features = np.empty(n_ws_features, dtype=np.int64)
    pos = 0
    for t in range(ws.shape[0]):
        for q in range(gindptr[ws[t]], gindptr[ws[t] + 1]):
            features[pos] = gindices[q]
            pos += 1
    use_anderson = n_anderson > 0
    buffer = np.zeros((n_anderson + 1, n_ws_features + 1))
    n_buffered = 0
    n_epochs = 0
    for epoch in range(max_epochs):
        n_epochs = epoch + 1
        violation = 0.0
        for t in range(ws.shape[0]):
            g = ws[t]
            L = glip[g]
            if L <= 0.0:
                continue
            start = gindptr[g]
            size = gindptr[g + 1] - start
            for q in range(size):
                j = gindices[start + q]
                if is_sparse:
                    if h_const >= 0.0:
                        grad = grad0[j] + h_const * csc_col_dot(data, indices, indptr, j, u)
                    else:
                        grad = grad0[j] + csc_col_dot_weighted(data, indices, indptr, j, h, u)
                else:
                    if h_const >= 0.0:
                        grad = grad0[j] + h_const * dense_col_dot(X, j, u)
                    else:
                        grad = grad0[j] + dense_col_dot_weighted(X, j, h, u)
                if center:
                    grad -= h_cols[j] / lipschitz_b * (grad0_b + hu)
                v[q] = w[j] - grad / L
            _gprox.block_prox(pcode, params, gweights[g], v[:size], 1.0 / L, new[:size])
            moved = 0.0
            shift = 0.0
            for q in range(size):
                j = gindices[start + q]
                delta = new[q] - w[j]
                if delta != 0.0:
                    if is_sparse:
                        csc_col_axpy(data, indices, indptr, j, delta, u)
                    else:
                        dense_col_axpy(X, j, delta, u)
                    w[j] = new[q]
                    moved += delta * delta
                    hu += delta * h_cols[j]
                    if center:
                        shift += h_cols[j] / lipschitz_b * delta
            if center and shift != 0.0:
                for i in range(n_samples):
                    u[i] -= shift
                hu -= shift * lipschitz_b
                b[0] -= shift
            score = L * sqrt(moved)
            if score > violation:
                violation = score
        if center:
            grad_b = grad0_b + hu
            delta = -grad_b / lipschitz_b
            if delta != 0.0:
                for i in range(n_samples):
                    u[i] += delta
                hu += delta * lipschitz_b
                b[0] += delta
            if abs(grad_b) > violation:
                violation = abs(grad_b)
        if violation <= tol:
            break
        if use_anderson:
            slot = n_buffered % (n_anderson + 1)
            for k in range(n_ws_features):
                buffer[slot, k] = w[features[k]]
            buffer[slot, n_ws_features] = b[0]
            n_buffered += 1
            if n_buffered == n_anderson + 1:
                n_buffered = 0
                point, ok = _anderson(buffer)
                if ok and _try_extrapolation(X, data, indices, indptr, is_sparse, d, h, h_const,
                                             w, b, fit_intercept, u, point, features, ws,
                                             gindptr, gindices, pcode, params, gweights):
                    hu = h_const * np.sum(u) if h_const >= 0.0 else np.sum(h * u)
    return u, n_epochs


@njit(cache=True, nogil=True)
def _ws_group_penalty(pcode, params, gweights, gindptr, gindices, ws, w):
    total = 0.0
    for t in range(ws.shape[0]):
        g = ws[t]
        total += _gprox.block_value(pcode, params, gweights[g],
                                    _gprox._gather(gindptr, gindices, g, w))
    return total


@njit(cache=True, nogil=True)
def _try_extrapolation(X, data, indices, indptr, is_sparse, d, h, h_const, w, b, fit_intercept,
                       u, point, features, ws, gindptr, gindices, pcode, params, gweights):
    """Move ``(w, b, u)`` to the extrapolated ``point`` when it lowers the model plus penalty;
    returns whether it did."""
    n_features_ws = features.shape[0]
    u_acc = u.copy()
    w_acc = w.copy()
    for k in range(n_features_ws):
        j = features[k]
        diff = point[k] - w[j]
        if diff != 0.0:
            if is_sparse:
                csc_col_axpy(data, indices, indptr, j, diff, u_acc)
            else:
                dense_col_axpy(X, j, diff, u_acc)
            w_acc[j] = point[k]
    b_acc = point[n_features_ws] if fit_intercept else b[0]
    if b_acc != b[0]:
        u_acc += b_acc - b[0]
    obj_acc = (_model_value(d, h, h_const, u_acc)
               + _ws_group_penalty(pcode, params, gweights, gindptr, gindices, ws, w_acc))
    obj = (_model_value(d, h, h_const, u)
           + _ws_group_penalty(pcode, params, gweights, gindptr, gindices, ws, w))
    if obj_acc < obj:
        for k in range(n_features_ws):
            w[features[k]] = w_acc[features[k]]
        b[0] = b_acc
        u[:] = u_acc
        return True
    return False


@njit(cache=True, nogil=True)
def group_scores(pcode, params, gweights, gindptr, gindices, w, grad):
    """Each group's distance of ``-grad_g`` to the subdifferential of its penalty at ``w_g``."""
    return _gprox.subdiff_distances(pcode, params, gweights, gindptr, gindices, w, grad)


def _objective(dcode, dparams, y, z, sw, pcode, params, gweights, gindptr, gindices, w):
    return (_datafit.value(dcode, dparams, y, z, sw)
            + _gprox.value(pcode, params, gweights, gindptr, gindices, w))


def group_working_set(arrays, y, sw, dcode, dparams, w, b, fit_intercept, pcode, params,
                      gweights, gindptr, gindices, tol, max_iter, max_epochs, p0, n_anderson,
                      verbose, cache):
    """Minimize ``F(Xw + b) + pen(w)`` for a block-separable group penalty from ``(w, b)``
    (copied); ``arrays`` is the design tuple.

    Returns ``(w, b, n_iter, stop_crit, n_epochs, history)``. ``cache`` (a dict or None) keeps the
    block Lipschitz constants of the quadratic datafit across the solves of a path.
    """
    n_samples, n_features = y.shape[0], w.shape[0]
    n_groups = gindptr.shape[0] - 1
    w = np.array(w, dtype=np.float64, copy=True)
    b_arr = np.array([float(b)])
    exact_model = dcode == _datafit.QUAD
    uniform = bool(np.all(sw == sw[0]))
    bound = _datafit.curvature_bound(dcode)
    concavity = np.array([_gprox.concavity(pcode, params, gweights[g]) for g in range(n_groups)])
    z = _linalg.matvec(*arrays, n_samples, w) + b_arr[0]
    d = np.empty(n_samples)
    h = np.empty(n_samples)
    history = []
    n_epochs_total = 0
    stop_crit = np.inf
    n_iter = 0
    majorize = False
    glip = known = None
    h_cols = None
    if cache is not None and exact_model and "glip" in cache:
        glip, known, h_cols = cache["glip"], cache["known"], cache["h_cols"]
    for n_iter in range(1, max_iter + 1):
        _datafit.raw_grad_hess(dcode, dparams, y, z, sw, d, h)
        if majorize:
            h = bound * sw
        if glip is None or not exact_model:
            glip = np.zeros(n_groups)
            known = np.zeros(n_groups, dtype=np.bool_)
            h_cols = _linalg.rmatvec(*arrays, n_features, h)
            if cache is not None and exact_model:
                cache.update(glip=glip, known=known, h_cols=h_cols)
        grad = _linalg.rmatvec(*arrays, n_features, d)
        lipschitz_b = float(np.sum(h))
        grad_b = float(np.sum(d))
        grad_scores = grad - (h_cols / lipschitz_b) * grad_b if fit_intercept else grad
        scores = group_scores(pcode, params, gweights, gindptr, gindices, w, grad_scores)
        stop_crit = max(float(np.max(scores, initial=0.0)), abs(grad_b) if fit_intercept else 0.0)
        history.append(stop_crit)
        if verbose:
            print(f"  outer iter {n_iter}: max violation {stop_crit:.3e}, "
                  f"groups in use {int(np.count_nonzero(_gprox.group_norms(gindptr, gindices, w)))}")
        if stop_crit <= tol:
            n_iter -= 1
            break
        support = _gprox.group_norms(gindptr, gindices, w) > 0.0
        ws = next_working_set(scores, support, tol, p0)
        missing = ws[~known[ws]]
        if missing.size:
            group_lipschitz(*arrays, h, h_cols, fit_intercept, missing, gindptr, gindices, glip)
            known[missing] = True
        eta = 0.3 if exact_model else min(0.3, np.sqrt(stop_crit))
        inner_tol = max(eta * stop_crit, 0.3 * tol)
        w_old = w.copy()
        b_old = b_arr[0]
        h_const = float(h[0]) if (uniform and exact_model) else -1.0
        block_curv = np.maximum(glip, concavity)
        u, n_epochs = group_model_bcd(*arrays, d, h, h_const, grad, grad_b, w, b_arr,
                                      fit_intercept, ws, gindptr, gindices, block_curv,
                                      lipschitz_b, h_cols, pcode, params, gweights, max_epochs,
                                      inner_tol, n_anderson)
        n_epochs_total += n_epochs
        if exact_model:
            z += u
            continue
        obj_old = _objective(dcode, dparams, y, z, sw, pcode, params, gweights, gindptr,
                             gindices, w_old)
        step_w = w - w_old
        step_b = b_arr[0] - b_old
        t = 1.0
        accepted = False
        for _ in range(30):
            w_try = w_old + t * step_w
            z_try = z + t * u
            if _objective(dcode, dparams, y, z_try, sw, pcode, params, gweights, gindptr,
                          gindices, w_try) <= obj_old:
                accepted = True
                break
            t *= 0.5
        if accepted:
            w = w_try
            b_arr[0] = b_old + t * step_b
            z = z_try
            majorize = False
        else:
            w = w_old
            b_arr[0] = b_old
            if majorize or not np.isfinite(bound):
                break  # even the majorizing model gives no decrease: numerically stationary
            majorize = True
    return w, float(b_arr[0]), n_iter, stop_crit, n_epochs_total, history


@njit(cache=True, nogil=True)
def group_fista(X, data, indices, indptr, is_sparse, y, sw, dcode, dparams, w, b, fit_intercept,
                pcode, params, gweights, gindptr, gindices, lipschitz, max_iter, tol):
    """FISTA with backtracking (the step halves until the quadratic upper bound holds),
    adaptive and monotone restarts, on ``F(Xw + b) + pen(w)`` from ``(w, b)`` (copied).

    Stops when the gradient mapping ``L ||x - prox(x - grad / L, 1 / L)||`` at the extrapolated
    point is at most ``tol`` on every group and on the intercept. Returns ``(w, b, n_iter,
    stop_crit)``.
    """
    n_samples = y.shape[0]
    n_features = w.shape[0]
    n_groups = gindptr.shape[0] - 1
    x = w.copy()
    xb = b
    yv = x.copy()
    yb = xb
    t = 1.0
    L = lipschitz
    d = np.empty(n_samples)
    h = np.empty(n_samples)
    z_x = _linalg.matvec(X, data, indices, indptr, is_sparse, n_samples, x) + xb
    obj_x = (_datafit.value(dcode, dparams, y, z_x, sw)
             + _gprox.value(pcode, params, gweights, gindptr, gindices, x))
    stop_crit = np.inf
    n_iter = np.int64(0)
    for it in range(max_iter):
        n_iter = it + 1
        z_y = _linalg.matvec(X, data, indices, indptr, is_sparse, n_samples, yv) + yb
        f_y = _datafit.value(dcode, dparams, y, z_y, sw)
        _datafit.raw_grad_hess(dcode, dparams, y, z_y, sw, d, h)
        grad = _linalg.rmatvec(X, data, indices, indptr, is_sparse, n_features, d)
        grad_b = np.sum(d) if fit_intercept else 0.0
        while True:
            x_new = _gprox.prox(pcode, params, gweights, gindptr, gindices, yv - grad / L, 1.0 / L)
            xb_new = yb - grad_b / L
            diff = x_new - yv
            diff_b = xb_new - yb
            z_new = _linalg.matvec(X, data, indices, indptr, is_sparse, n_samples, x_new) + xb_new
            f_new = _datafit.value(dcode, dparams, y, z_new, sw)
            sq = np.sum(diff * diff) + diff_b * diff_b
            upper = f_y + np.dot(grad, diff) + grad_b * diff_b + 0.5 * L * sq
            if f_new <= upper + 1e-12 * abs(f_y) or not np.isfinite(L):
                break
            L *= 2.0
        stop_crit = L * abs(diff_b)
        for g in range(n_groups):
            sq_g = 0.0
            for p in range(gindptr[g], gindptr[g + 1]):
                sq_g += diff[gindices[p]] ** 2
            stop_crit = max(stop_crit, L * sqrt(sq_g))
        obj_new = f_new + _gprox.value(pcode, params, gweights, gindptr, gindices, x_new)
        if obj_new > obj_x:
            # restart from x: the next step is a plain proximal gradient step, which descends
            yv = x.copy()
            yb = xb
            t = 1.0
            continue
        # adaptive restart (O'Donoghue & Candes, 2015): drop the momentum when it points
        # against the proximal gradient step
        if np.dot(yv - x_new, x_new - x) + (yb - xb_new) * (xb_new - xb) > 0.0:
            t = 1.0
        t_new = 0.5 * (1.0 + sqrt(1.0 + 4.0 * t * t))
        beta = (t - 1.0) / t_new
        yv = x_new + beta * (x_new - x)
        yb = xb_new + beta * (xb_new - xb)
        x = x_new
        xb = xb_new
        obj_x = obj_new
        t = t_new
        if stop_crit <= tol:
            break
    return x, xb, n_iter, stop_crit

"""Sinkhorn-Newton-Sparse (SNS) kernels (Tang et al., 2024).

Conventions, plan and dual as in :mod:`sparselearn._core.sinkhorn` (whose stabilized Sinkhorn is
SNS's warm-up and fallback). The dual ``D`` has gradient ``(a - P 1, b - P^T 1)`` and Hessian
``-(1/reg) [[diag(P 1), P], [P^T, diag(P^T 1)]]``; Newton systems are solved by the package's
preconditioned CG (:mod:`sparselearn._core.cg`).

Newton stage layout: an *anchor* kernel ``K = exp((f0 + g0 - M) / reg)`` is kept and the plan is
``diag(u) K diag(v)`` with ``u = exp((f - f0) / reg)``, ``v = exp((g - g0) / reg)``, so gradients,
Hessian products and line-search trials are mat-vecs, not exponentials. The anchor is re-absorbed
(one exponential pass) once ``|log u|`` or ``|log v|`` exceeds ``_ABSORB``.
"""

from math import exp, inf, log, sqrt

import numpy as np
from numba import njit

from .cg import pcg_start, pcg_step
from .lapack import solve, spd_solve
from .sort import select_in_place
from .sinkhorn import (
    dual_value, plan_from_potentials, row_col_vectors, scale_plan, scaling_iterations,
)

_ABSORB = 100.0  # re-anchor when a log-scaling exceeds this
_MAX_STEP = 50.0  # largest change of a log-scaling allowed in one Newton trial
_MAX_HALVINGS = 30
_N_SAMPLE = 32768  # plan entries sampled to set the sparsification threshold
_DENSE_FROM = 0.25  # at this density the exact Hessian is applied matrix-free instead
_SLOW_RATIO = 0.5  # a full Newton step keeping more than this share of the error grows the density
_DIRECT_MAX = 1200  # n + m up to which a failed CG solve is replaced by a dense factorization
# CG forcing term min(0.1, max(_CG_FLOOR, sqrt(err))): the sparsified Hessian already limits a
# step to a linear error reduction, so solving its system much tighter than 1e-2 is wasted
# (measured on the asv problems at reg 1e-3, n = 500 to 2000: 14 to 30 % fewer CG products than
# with no floor, the same Newton steps)
_CG_FLOOR = 1e-2
_DIRECT_RIDGE = 1e-13  # relative Levenberg-Marquardt ridge of the dense (Jacobi-scaled) solve

# info codes returned in ``info`` arrays
INFO_N_ITER = 0
INFO_N_SINKHORN = 1
INFO_N_NEWTON = 2
INFO_N_CG = 3
INFO_N_FALLBACK = 4
INFO_DENSITY_GROWTH = 5
INFO_NNZ = 6
INFO_N_DIRECT = 7
INFO_N_TRIALS = 8  # line-search trials (one pass over the plan each)
INFO_N_REANCHOR = 9  # anchor re-exponentiations inside the Newton stage (one exp pass each)
INFO_SIZE = 10


# ---------------------------------------------------------------------------------------------
# Sinkhorn-Newton-Sparse
# ---------------------------------------------------------------------------------------------


@njit(cache=True, fastmath={"reassoc", "contract"})
def _scaled_marginals(K, u, v, row_sum, col_sum):
    """Row and column sums of ``diag(u) K diag(v)`` in one pass (reassociated: vectorized)."""
    n, m = K.shape
    for j in range(m):
        col_sum[j] = 0.0
    for i in range(n):
        ui = u[i]
        s = 0.0
        for j in range(m):
            kij = K[i, j]
            s += kij * v[j]
            col_sum[j] += kij * ui
        row_sum[i] = ui * s
    for j in range(m):
        col_sum[j] *= v[j]


@njit(cache=True)
def _marginal_error(a, b, row_sum, col_sum):
    err = 0.0
    for i in range(a.shape[0]):
        err += abs(row_sum[i] - a[i])
    for j in range(b.shape[0]):
        err += abs(col_sum[j] - b[j])
    return err


@njit(cache=True)
def _reanchor(M, a, b, reg, f, g, K, f0, g0, log_u, log_v, u, v, row_sum, col_sum):
    """Make ``(f, g)`` the new anchor: ``K = exp((f + g - M) / reg)``, scalings reset to 1.

    Returns the marginal error and the dual value there.
    """
    plan_from_potentials(M, f, g, reg, K)
    for i in range(f.shape[0]):
        f0[i] = f[i]
        log_u[i] = 0.0
        u[i] = 1.0
    for j in range(g.shape[0]):
        g0[j] = g[j]
        log_v[j] = 0.0
        v[j] = 1.0
    _scaled_marginals(K, u, v, row_sum, col_sum)
    return (_marginal_error(a, b, row_sum, col_sum),
            dual_value(a, b, f, g, reg, _total(row_sum)))


@njit(cache=True)
def _total(x):
    """``x.sum()`` as a loop (no array-method overload to compile)."""
    s = 0.0
    for k in range(x.shape[0]):
        s += x[k]
    return s


@njit(cache=True)
def _sparsify(K, u, v, density, sample, indptr, indices, data):
    """CSR of the largest entries of ``P = diag(u) K diag(v)``, about ``density n m`` of them.

    The threshold ``rho`` is the ``(1 - density)``-quantile of a fixed spread-out sample of
    ``sample.shape[0]`` entries of ``P`` (the exact order statistic when the sample is all of
    ``P``), so selection costs no sort of ``n m`` values. Entries ``P_ij >= rho`` are kept.
    The sample takes one entry in each of ``sample.shape[0]`` equal windows of the flattened
    plan, at a hashed offset inside the window (so no column stride aliases): the reads move
    forward through memory, which the hardware prefetches (a hashed position over the whole
    plan cost a cache miss per entry, as much as the pass itself on n = 2000).
    ``indices`` and ``data`` must hold n*m entries. Returns the number of stored entries.
    """
    n, m = K.shape
    size = n * m
    n_sample = sample.shape[0]
    n_above = int(np.ceil(density * n_sample))
    if n_above >= n_sample:
        threshold = 0.0
    else:
        window = size // n_sample
        for k in range(n_sample):
            if n_sample == size:
                flat = k
            else:
                flat = (k * size) // n_sample + (k * 2654435761) % window
            i = flat // m
            j = flat - i * m
            sample[k] = u[i] * K[i, j] * v[j]
        position = n_sample - n_above
        threshold = select_in_place(sample, position)
    nnz = 0
    indptr[0] = 0
    for i in range(n):
        ui = u[i]
        for j in range(m):
            p = ui * K[i, j] * v[j]
            if p >= threshold and p > 0.0:
                indices[nnz] = j
                data[nnz] = p
                nnz += 1
        indptr[i + 1] = nnz
    return nnz


@njit(cache=True)
def _hess_sparse(row_sum, col_sum, indptr, indices, data, x, y, out):
    """``out = [[diag(r), Ps], [Ps^T, diag(c)]] @ (x, y)``, Ps in CSR."""
    n = row_sum.shape[0]
    m = col_sum.shape[0]
    for j in range(m):
        out[n + j] = col_sum[j] * y[j]
    for i in range(n):
        s = row_sum[i] * x[i]
        xi = x[i]
        for k in range(indptr[i], indptr[i + 1]):
            j = indices[k]
            s += data[k] * y[j]
            out[n + j] += data[k] * xi
        out[i] = s


@njit(cache=True, fastmath={"reassoc", "contract"})
def _hess_dense(row_sum, col_sum, K, u, v, x, y, vy, out):
    """``out = [[diag(r), P], [P^T, diag(c)]] @ (x, y)`` with ``P = diag(u) K diag(v)``, one
    pass over ``K`` (reassociated: vectorized); ``vy`` is workspace of size m."""
    n, m = K.shape
    for j in range(m):
        vy[j] = v[j] * y[j]
        out[n + j] = 0.0
    for i in range(n):
        ux = u[i] * x[i]
        s = 0.0
        for j in range(m):
            kij = K[i, j]
            s += kij * vy[j]
            out[n + j] += kij * ux
        out[i] = row_sum[i] * x[i] + u[i] * s
    for j in range(m):
        out[n + j] = col_sum[j] * y[j] + v[j] * out[n + j]


@njit(cache=True)
def _newton_cg(row_sum, col_sum, rhs, rel_tol, max_cg_iter, dense, K, u, v, indptr, indices, data):
    """Jacobi-preconditioned CG (:mod:`sparselearn._core.cg`) on ``H x = rhs``, H the
    (sparsified or exact) negated, scaled Hessian, stopped at ``||res|| <= rel_tol ||rhs||``.

    Returns ``(solution, n_cg, converged)``.
    """
    n = row_sum.shape[0]
    m = col_sum.shape[0]
    size = n + m
    diag = np.empty(size)
    for i in range(n):
        diag[i] = max(row_sum[i], 1e-300)
    for j in range(m):
        diag[n + j] = max(col_sum[j], 1e-300)
    no_factor = np.empty((0, 0))
    x = np.zeros(size)
    res = np.empty(size)
    rhs_sq = 0.0
    for k in range(size):
        res[k] = rhs[k]
        rhs_sq += rhs[k] * rhs[k]
    z = np.empty(size)
    p = np.empty(size)
    hp = np.empty(size)
    vy = np.empty(m)
    rz = pcg_start(res, diag, no_factor, z, p)
    rhs_norm = sqrt(rhs_sq)
    n_cg = 0
    converged = rhs_norm == 0.0
    while not converged and n_cg < max_cg_iter:
        if dense:
            _hess_dense(row_sum, col_sum, K, u, v, p[:n], p[n:], vy, hp)
        else:
            _hess_sparse(row_sum, col_sum, indptr, indices, data, p[:n], p[n:], hp)
        n_cg += 1
        curvature = 0.0
        for k in range(size):
            curvature += p[k] * hp[k]
        ok, rz, res_sq = pcg_step(x, res, p, hp, curvature, rz, diag, no_factor, z)
        if not ok:
            break
        converged = sqrt(res_sq) <= rel_tol * rhs_norm
    return x, n_cg, converged


@njit(cache=True)
def _remove_shift(x, n):
    """Project ``x = (x_f, x_g)`` onto the complement of the Hessian's null direction
    ``(1_n, -1_m)`` (a constant moved from ``f`` to ``g`` leaves the plan unchanged)."""
    size = x.shape[0]
    shift = 0.0
    for i in range(n):
        shift += x[i]
    for k in range(n, size):
        shift -= x[k]
    shift /= size
    for i in range(n):
        x[i] -= shift
    for k in range(n, size):
        x[k] += shift


@njit(cache=True)
def _newton_direct(K, u, v, row_sum, col_sum, rhs):
    """Exact Newton direction by a dense LU solve of the Jacobi-scaled Hessian, with the last
    column potential pinned (removes the null direction) and a ridge of ``_DIRECT_RIDGE`` (a
    Levenberg-Marquardt damping of directions whose curvature is below round-off).

    For ill-conditioned problems (near-degenerate plans: the support graph of ``P`` splits
    into weakly linked blocks and the scaled Hessian has eigenvalues ~1e-10), where
    preconditioned CG loses orthogonality and stalls. Costs ``O((n + m)^3)``.
    """
    n, m = K.shape
    size = n + m - 1
    scale = np.empty(n + m)
    for i in range(n):
        scale[i] = 1.0 / sqrt(max(row_sum[i], 1e-300))
    for j in range(m):
        scale[n + j] = 1.0 / sqrt(max(col_sum[j], 1e-300))
    H = np.zeros((size, size))
    y = np.empty(size)
    for k in range(size):
        H[k, k] = 1.0 + _DIRECT_RIDGE
        y[k] = scale[k] * rhs[k]
    for i in range(n):
        w = u[i] * scale[i]
        for j in range(m - 1):
            h = w * K[i, j] * v[j] * scale[n + j]
            H[i, n + j] = h
            H[n + j, i] = h
    sol, ok = spd_solve(H, y)  # D^-1/2 H D^-1/2 is [[I, B], [B^T, I]] with ||B|| <= 1, plus a ridge
    if not ok:
        sol, ok = solve(H, y)
    x = np.zeros(n + m)
    for k in range(size):
        x[k] = scale[k] * sol[k]
    _remove_shift(x, n)
    return x


@njit(cache=True)
def sinkhorn_newton_sparse(
    M,
    a,
    b,
    reg,
    f,
    g,
    tol,
    max_iter,
    n_sinkhorn_iter,
    density,
    max_cg_iter,
    err_hist,
    dual_hist,
    info,
    K,
    plan,
):
    """Sinkhorn-Newton-Sparse (Tang et al., 2024) from potentials ``(f, g)`` (updated in place).

    Stage 1: ``n_sinkhorn_iter`` stabilized Sinkhorn iterations. Stage 2: Newton steps on the dual
    ``D``: the Hessian keeps its exact diagonal and the ``ceil(density n m)`` largest plan entries
    off the diagonal; the Newton system is solved by Jacobi-preconditioned CG (forcing term
    ``min(0.1, max(1e-2, sqrt(err)))``), then a backtracking line search accepts the first step
    that lowers the marginal error without lowering ``D``. A rejected direction quadruples the density (at
    density >= 1/4 the exact Hessian is applied matrix-free); a rejected exact-Hessian direction
    falls back to one Sinkhorn iteration. Right-hand side and directions are projected off the
    null direction ``(1, -1)``. When CG does not reach its tolerance in ``max_cg_iter`` steps
    (near-singular Hessian) and ``n + m <= _DIRECT_MAX``, all later directions come from the
    dense solve ``_newton_direct``.

    ``K`` (n, m) is workspace for the anchor kernel; with ``plan`` (a ``np.bool_``) it holds
    the plan ``diag(u) K diag(v)`` on return, the one whose marginal error is returned (no
    exponential pass). ``info`` (int64, size ``INFO_SIZE``) receives the iteration counters.
    Returns the final marginal error (computed from the anchored plan) and the final density.
    """
    n, m = M.shape
    n_iter = np.int64(0)
    err = inf
    inv_reg = 1.0 / reg
    f0, g0 = row_col_vectors(n, m)
    log_u, log_v = row_col_vectors(n, m)
    u, v = row_col_vectors(n, m)
    row_sum, col_sum = row_col_vectors(n, m)
    if n_sinkhorn_iter > 0:
        # the warm-up leaves its absorbed kernel as the Newton anchor: no exponential pass
        n_iter, err, _ = scaling_iterations(
            M, a, b, reg, f, g, tol, min(n_sinkhorn_iter, max_iter), err_hist, dual_hist,
            np.int64(0), K, inf, np.int64(0), u, v,
        )
        for i in range(n):
            f0[i] = f[i]
            log_u[i] = log(u[i])
            f[i] = f0[i] + reg * log_u[i]
        for j in range(m):
            g0[j] = g[j]
            log_v[j] = log(v[j])
            g[j] = g0[j] + reg * log_v[j]
    info[INFO_N_SINKHORN] = n_iter
    info[INFO_N_ITER] = n_iter
    if err < tol or n_iter >= max_iter:
        if plan and n_sinkhorn_iter > 0:
            scale_plan(K, u, v)
        elif plan:
            plan_from_potentials(M, f, g, reg, K)
        return err, density

    if n_sinkhorn_iter > 0:
        _scaled_marginals(K, u, v, row_sum, col_sum)
        err = _marginal_error(a, b, row_sum, col_sum)
        dual = dual_value(a, b, f, g, reg, _total(row_sum))
    else:
        err, dual = _reanchor(M, a, b, reg, f, g, K, f0, g0, log_u, log_v, u, v, row_sum,
                              col_sum)

    sample = np.empty(min(n * m, _N_SAMPLE))
    indptr = np.empty(n + 1, dtype=np.int64)
    indices = np.empty(n * m, dtype=np.int64)
    data = np.empty(n * m)
    rhs = np.empty(n + m)
    trial_log_u, trial_log_v = row_col_vectors(n, m)
    trial_u, trial_v = row_col_vectors(n, m)
    trial_row, trial_col = row_col_vectors(n, m)
    trial_f, trial_g = row_col_vectors(n, m)
    size = n * m
    info[INFO_NNZ] = 0
    mass = _total(a)
    ill_conditioned = False

    while n_iter < max_iter and err >= tol:
        dense = density >= _DENSE_FROM
        if not dense:
            info[INFO_NNZ] = _sparsify(K, u, v, density, sample, indptr, indices, data)
        else:
            info[INFO_NNZ] = size
        for i in range(n):
            rhs[i] = reg * (a[i] - row_sum[i])
        for j in range(m):
            rhs[n + j] = reg * (b[j] - col_sum[j])
        _remove_shift(rhs, n)  # zero up to round-off: keeps the system consistent
        rel_tol = min(0.1, max(_CG_FLOOR, sqrt(err / mass)))
        if not ill_conditioned:
            direction, n_cg, cg_ok = _newton_cg(
                row_sum, col_sum, rhs, rel_tol, max_cg_iter, dense, K, u, v, indptr, indices,
                data
            )
            info[INFO_N_CG] += n_cg
            _remove_shift(direction, n)
            if not cg_ok and n + m <= _DIRECT_MAX:
                # CG stalled on a near-singular Hessian: exact directions from now on
                ill_conditioned = True
        if ill_conditioned:
            direction = _newton_direct(K, u, v, row_sum, col_sum, rhs)
            info[INFO_N_DIRECT] += 1
            dense = True
        # largest change of a log-scaling along the direction, to cap the first trial
        largest = 0.0
        for k in range(n + m):
            largest = max(largest, abs(direction[k]) * inv_reg)
        step = 1.0
        if largest * step > _MAX_STEP:
            step = _MAX_STEP / largest
        slope = 0.0  # directional derivative of D along the direction
        for k in range(n + m):
            slope += rhs[k] * direction[k]
        slope *= inv_reg
        accepted = False
        dual_slack = 1e-14 * (abs(dual) + reg)
        n_trials = 0
        for _ in range(_MAX_HALVINGS):
            n_trials += 1
            for i in range(n):
                trial_log_u[i] = log_u[i] + step * direction[i] * inv_reg
                trial_u[i] = exp(trial_log_u[i])
            for j in range(m):
                trial_log_v[j] = log_v[j] + step * direction[n + j] * inv_reg
                trial_v[j] = exp(trial_log_v[j])
            _scaled_marginals(K, trial_u, trial_v, trial_row, trial_col)
            trial_err = _marginal_error(a, b, trial_row, trial_col)
            for i in range(n):
                trial_f[i] = f0[i] + reg * trial_log_u[i]
            for j in range(m):
                trial_g[j] = g0[j] + reg * trial_log_v[j]
            trial_dual = dual_value(a, b, trial_f, trial_g, reg, _total(trial_row))
            armijo = trial_dual >= dual + 1e-4 * step * slope
            if trial_err < err and (trial_dual >= dual - dual_slack or armijo):
                accepted = True
                break
            step *= 0.5
        info[INFO_N_TRIALS] += n_trials
        if accepted:
            # the trial becomes the state (swapped, not copied); f, g are the caller's arrays
            log_u, trial_log_u = trial_log_u, log_u
            log_v, trial_log_v = trial_log_v, log_v
            u, trial_u = trial_u, u
            v, trial_v = trial_v, v
            row_sum, trial_row = trial_row, row_sum
            col_sum, trial_col = trial_col, col_sum
            for i in range(n):
                f[i] = trial_f[i]
            for j in range(m):
                g[j] = trial_g[j]
            if step == 1.0 and trial_err > _SLOW_RATIO * err and not dense:
                # a full step that barely helps: the sparsified Hessian misses too much mass
                density = min(1.0, 2.0 * density)
                info[INFO_DENSITY_GROWTH] += 1
            err = trial_err
            dual = max(trial_dual, dual)
            n_iter += 1
            info[INFO_N_NEWTON] += 1
            err_hist[n_iter - 1] = err
            dual_hist[n_iter - 1] = dual
            largest = 0.0
            for i in range(n):
                largest = max(largest, abs(log_u[i]))
            for j in range(m):
                largest = max(largest, abs(log_v[j]))
            if largest > _ABSORB:
                info[INFO_N_REANCHOR] += 1
                err, dual = _reanchor(M, a, b, reg, f, g, K, f0, g0, log_u, log_v, u, v,
                                      row_sum, col_sum)
        elif not dense:
            density = min(1.0, 4.0 * density)
            info[INFO_DENSITY_GROWTH] += 1
        else:
            # the exact Newton direction failed (round-off floor or bad curvature): one exact
            # Sinkhorn iteration, then a fresh anchor
            # (scaling_iterations, already compiled for the warm-up, not sinkhorn_scaling:
            # one kernel less to compile in a first call)
            n_done, err, _ = scaling_iterations(
                M, a, b, reg, f, g, -1.0, np.int64(1), err_hist, dual_hist, n_iter, K, inf,
                np.int64(0), u, v,
            )
            for i in range(n):
                f[i] += reg * log(u[i])
            for j in range(m):
                g[j] += reg * log(v[j])
            n_iter += n_done
            info[INFO_N_FALLBACK] += 1
            err, dual = _reanchor(M, a, b, reg, f, g, K, f0, g0, log_u, log_v, u, v, row_sum,
                                  col_sum)
    info[INFO_N_ITER] = n_iter
    if plan:
        scale_plan(K, u, v)
    return err, density


def annealed_sns(M, a, b, regs, f, g, tol, stage_tol, max_iter, n_sinkhorn_iter,
                 stage_sinkhorn, density0, cg_cap, err_hist, dual_hist, progress=None, P=None):
    """SNS along decreasing regularizations ``regs`` (epsilon scaling), each stage warm-started
    from the previous potentials ``f``, ``g`` (updated in place) and Hessian density; stages
    before the last stop at marginal error ``stage_tol`` and open with at most
    ``stage_sinkhorn`` Sinkhorn iterations.

    A Python driver over the compiled :func:`sinkhorn_newton_sparse` (a few stages). The first
    stage starts at density ``density0``, each later one at the density the previous stage
    ended with: a stage's plan is about as spread as the previous one's at the end, and
    restarting from ``density0`` spent the first Newton steps of every stage doubling the
    density back (measured at reg 1e-3 on the asv point clouds, n = 2000: 30 -> 13 Newton
    steps, the last stage converging quadratically instead of linearly). ``P``
    (n, m; allocated when None) is workspace for the anchor kernels and receives the plan at
    ``regs[-1]``.

    Returns ``(err, density, info, stage_iter, P)``: ``err`` is ``inf`` when ``max_iter`` ran
    out before the last stage, or when ``progress`` (a :class:`sparselearn._progress.Progress`
    or None, updated after every stage with its marginal error and the state ``reg``,
    ``n_iter``, ``f``, ``g``) returned True (the callback asked to stop) before it.
    """
    if P is None:
        P = np.empty(M.shape)
    info = np.zeros(INFO_SIZE, dtype=np.int64)
    stage_iter = []
    n_iter = 0
    err, density = np.inf, density0
    planned = False
    for k, reg_k in enumerate(regs):
        last = k == len(regs) - 1
        stage_info = np.zeros(INFO_SIZE, dtype=np.int64)
        n_warm = n_sinkhorn_iter if k == 0 else min(stage_sinkhorn, n_sinkhorn_iter)
        err, density = sinkhorn_newton_sparse(
            M, a, b, reg_k, f, g, tol if last else stage_tol, max_iter - n_iter, n_warm, density,
            cg_cap, err_hist[n_iter:], dual_hist[n_iter:], stage_info, P, np.bool_(last))
        planned = last
        info += stage_info
        info[INFO_NNZ] = stage_info[INFO_NNZ]
        n_iter += int(stage_info[INFO_N_ITER])
        stage_iter.append(int(stage_info[INFO_N_ITER]))
        if progress is not None and progress.update(
                line=f"stage {k + 1}/{len(regs)}: reg {reg_k:.3g}, {stage_iter[-1]} iterations "
                     f"(Newton {stage_info[INFO_N_NEWTON]}), marginal error {err:.3e}",
                state={"reg": reg_k, "n_iter": n_iter, "f": f, "g": g}, marginal_error=err):
            if not last:
                err = np.inf  # stopped before the target reg
            break
        if n_iter >= max_iter and not last:
            err = np.inf  # the budget ran out before the last stage
            break
    if not planned:
        plan_from_potentials(M, f, g, float(regs[-1]), P)
    return err, density, info, stage_iter, P

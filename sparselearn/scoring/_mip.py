"""The SLIM mixed-integer program (Ustun & Rudin 2016) in matrix form, and its solvers.

Variables, in order: ``coef`` (n_features), ``b`` (1), ``alpha`` (n_features, L0
indicators), ``beta`` (n_features, |coef_j|), ``z`` (n_rows, loss indicators), then ``u``
(binaries that pick a value of a non-contiguous coefficient set). Objective, divided by
the number of samples ``N``::

    sum_i w_i z_i / N + C0 sum_j alpha_j + C1 sum_j beta_j

Loss rows use tight, data-derived big-M values (`SLIMProblem.score_range`): a positive
row ``x_i.coef + b + M_i z_i >= margin``, a negative row ``x_i.coef + b - M_i z_i <= 0``
(score 0 predicts the negative class, as `predict` does). ``margin`` is 1 on integer data
(then the MIP's loss is exact) and ``max(1e-3, 1e-5 max_i M_i)`` otherwise, large enough
that the solver's integrality tolerance (1e-6) times ``M_i`` cannot switch a row off.
Rows that can never be violated are dropped (``z_i = 0``); rows that can never be met fix
``z_i = 1``.
"""

import os
import sys

import numpy as np
from scipy import sparse

__all__ = ["MIPModel", "build_mip", "solve_highs", "solve_scip", "solve_cpsat"]


class MIPModel:
    """``min c.x`` s.t. ``row_lo <= A x <= row_hi``, ``lb <= x <= ub``, integrality."""

    def __init__(self, c, A, row_lo, row_hi, lb, ub, integrality, n_features, margin, big_m):
        self.c, self.A, self.row_lo, self.row_hi = c, A, row_lo, row_hi
        self.lb, self.ub, self.integrality = lb, ub, integrality
        self.n_features = n_features
        self.margin = margin
        self.big_m = big_m

    def extract(self, x):
        """Integer ``(coef, intercept)`` from a MIP solution vector."""
        p = self.n_features
        return np.round(x[:p]).astype(np.int64), int(np.round(x[p]))

    def objective_of(self, x):
        return float(self.c @ x)


def _is_contiguous(values):
    return values.size == values[-1] - values[0] + 1


def build_mip(problem, cutoff=None, max_size=None):
    """Assemble the SLIM MIP for ``problem``.

    Parameters
    ----------
    problem : SLIMProblem
    cutoff : float or None
        Upper bound on the objective (from a heuristic incumbent): adds the row
        ``c.x <= cutoff``.
    max_size : int or None
        Tighter model-size bound than ``problem.max_features`` (derived from the
        incumbent as ``cutoff / C0``).
    """
    X, y = problem.X, problem.y
    n_rows, p = X.shape
    n_total = problem.n_total
    values = problem.values
    non_contig = [j for j in range(p) if not _is_contiguous(values[j])]
    u_index = {}
    n_u = 0
    for j in non_contig:
        nz = values[j][values[j] != 0]
        u_index[j] = (n_u, nz)
        n_u += len(nz)
    i_coef, i_b, i_alpha, i_beta, i_z = 0, p, p + 1, 2 * p + 1, 3 * p + 1
    i_u = i_z + n_rows
    n_var = i_u + n_u

    c = np.zeros(n_var)
    c[i_alpha:i_alpha + p] = problem.C0
    c[i_beta:i_beta + p] = problem.C1
    c[i_z:i_z + n_rows] = problem.w / n_total

    lb = np.zeros(n_var)
    ub = np.ones(n_var)
    integrality = np.ones(n_var)
    for j in range(p):
        lb[j], ub[j] = values[j][0], values[j][-1]
        has_zero = 0 in set(values[j].tolist())
        if not has_zero:
            lb[i_alpha + j] = 1.0
        lb[i_beta + j] = 0.0
        ub[i_beta + j] = np.abs(values[j]).max()
        integrality[i_beta + j] = 0
        if j in u_index:
            integrality[j] = 0  # coef_j = sum_k v_k u_jk
    lb[i_b], ub[i_b] = problem.b_lo, problem.b_hi

    rows, cols, vals, row_lo, row_hi = [], [], [], [], []

    def add_row(entries, lo, hi):
        r = len(row_lo)
        for col, val in entries:
            rows.append(r)
            cols.append(col)
            vals.append(val)
        row_lo.append(lo)
        row_hi.append(hi)

    # loss rows with tight big-M
    score_lo, score_hi = problem.score_range()
    big_m = np.where(y > 0, -(score_lo + problem.b_lo), score_hi + problem.b_hi)
    margin = 1.0 if problem.integer_data else max(1e-3, 1e-5 * float(np.max(big_m, initial=0.0)))
    nz_cols = [np.flatnonzero(X[i]) for i in range(n_rows)]
    for i in range(n_rows):
        entries = [(j, X[i, j]) for j in nz_cols[i]] + [(i_b, 1.0)]
        if y[i] > 0:
            m_i = margin - (score_lo[i] + problem.b_lo)
            if m_i <= 0:
                ub[i_z + i] = 0.0
                continue
            if score_hi[i] + problem.b_hi < margin:
                lb[i_z + i] = 1.0
                continue
            add_row(entries + [(i_z + i, m_i)], margin, np.inf)
        else:
            m_i = score_hi[i] + problem.b_hi
            if m_i <= 0:
                ub[i_z + i] = 0.0
                continue
            if score_lo[i] + problem.b_lo > 0:
                lb[i_z + i] = 1.0
                continue
            add_row(entries + [(i_z + i, -m_i)], -np.inf, 0.0)

    # L0 and L1 rows
    for j in range(p):
        vmin, vmax = values[j][0], values[j][-1]
        if j in u_index:
            start, nz = u_index[j]
            add_row([(j, 1.0)] + [(i_u + start + k, -float(v)) for k, v in enumerate(nz)],
                    0.0, 0.0)
            add_row([(i_u + start + k, 1.0) for k in range(len(nz))] + [(i_alpha + j, -1.0)],
                    0.0, 0.0)
        elif 0 in set(values[j].tolist()):
            if vmax > 0:
                add_row([(j, 1.0), (i_alpha + j, -float(vmax))], -np.inf, 0.0)
            if vmin < 0:
                add_row([(j, 1.0), (i_alpha + j, -float(vmin))], 0.0, np.inf)
            if vmax == 0 and vmin == 0:
                ub[i_alpha + j] = 0.0
        add_row([(i_beta + j, 1.0), (j, -1.0)], 0.0, np.inf)
        add_row([(i_beta + j, 1.0), (j, 1.0)], 0.0, np.inf)

    size = problem.max_features if max_size is None else min(problem.max_features, max_size)
    if size < p:
        add_row([(i_alpha + j, 1.0) for j in range(p)], -np.inf, float(size))
    for g in range(problem.groups.shape[0]):
        members = np.flatnonzero(problem.groups[g])
        add_row([(i_alpha + j, 1.0) for j in members], -np.inf, float(problem.group_caps[g]))
    for r in range(problem.lin_A.shape[0]):
        entries = [(j, problem.lin_A[r, j]) for j in np.flatnonzero(problem.lin_A[r])]
        add_row(entries, problem.lin_lo[r], problem.lin_hi[r])
    if np.isfinite(problem.max_pos_err):
        pos = np.flatnonzero(y > 0)
        add_row([(i_z + i, problem.counts[i]) for i in pos], -np.inf, problem.max_pos_err)
    if np.isfinite(problem.max_neg_err):
        neg = np.flatnonzero(y < 0)
        add_row([(i_z + i, problem.counts[i]) for i in neg], -np.inf, problem.max_neg_err)
    for i_pos, i_neg in problem.conflicts:
        # one of two samples with equal x and opposite labels is always misclassified
        add_row([(i_z + i_pos, 1.0), (i_z + i_neg, 1.0)], 1.0, np.inf)
    if cutoff is not None and np.isfinite(cutoff):
        entries = [(k, c[k]) for k in np.flatnonzero(c)]
        add_row(entries, -np.inf, cutoff + 1e-9 + 1e-9 * abs(cutoff))

    A = sparse.csr_matrix((vals, (rows, cols)), shape=(len(row_lo), n_var))
    return MIPModel(c, A, np.array(row_lo), np.array(row_hi), lb, ub, integrality, p,
                    margin, big_m)


# --------------------------------------------------------------------------- backends
# Each backend returns a dict: x (solution vector or None), status ("optimal",
# "time_limit", "infeasible", "no_solution", "error"), objective, dual_bound, message.


def solve_highs(model, time_limit, mip_gap, node_limit=None, verbose=0, progress=None,
                incumbent=np.inf):
    """HiGHS through `scipy.optimize.milp` (the default backend), or through highspy when it
    is installed and ``progress`` wants in-flight reports (scipy's ``milp`` has no callback):
    see :func:`solve_highspy`."""
    if progress is not None and (progress.verbose >= 1 or progress.callback is not None):
        try:
            import highspy
        except ImportError:
            highspy = None
        if highspy is not None:
            return solve_highspy(highspy, model, time_limit, mip_gap, node_limit, verbose,
                                 progress, incumbent)
    from scipy.optimize import Bounds, LinearConstraint, milp

    options = {"time_limit": float(time_limit), "mip_rel_gap": float(mip_gap),
               "disp": bool(verbose >= 2), "presolve": True}
    if node_limit is not None:
        options["node_limit"] = int(node_limit)
    constraints = []
    if model.A.shape[0]:
        constraints = [LinearConstraint(model.A, model.row_lo, model.row_hi)]
    res = milp(model.c, integrality=model.integrality, bounds=Bounds(model.lb, model.ub),
               constraints=constraints, options=options)
    status = {0: "optimal", 1: "time_limit", 2: "infeasible"}.get(res.status, "error")
    x = None if res.x is None else np.asarray(res.x)
    if status == "time_limit" and x is None:
        status = "no_solution"
    dual = getattr(res, "mip_dual_bound", None)
    return {
        "x": x,
        "status": status,
        "objective": None if x is None else float(res.fun),
        "dual_bound": -np.inf if dual is None or not np.isfinite(dual) else float(dual),
        "message": str(res.message),
    }


def _new_highs(highspy, quiet):
    """A ``highspy.Highs``; its constructor prints a banner on stdout (file descriptor 1,
    once per process), hidden when ``quiet``."""
    if not quiet:
        return highspy.Highs()
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            return highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def solve_highspy(highspy, model, time_limit, mip_gap, node_limit, verbose, progress,
                  incumbent=np.inf):
    """HiGHS through its own Python interface ``highspy``, reporting to ``progress`` (a
    :class:`sparselearn._progress.Progress`) every improving solution and, on HiGHS's periodic
    interrupt checks, the state at most every half second: the incumbent (the better of the
    MIP's and ``incumbent``, the objective of a model known before the solve), the dual bound,
    their relative gap and the MIP's solution. A True return of ``progress.update`` interrupts
    the solve, which then returns its incumbent with status ``"interrupted"``."""
    h = _new_highs(highspy, verbose < 2)
    h.setOptionValue("output_flag", bool(verbose >= 2))
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("mip_rel_gap", float(mip_gap))
    if node_limit is not None:
        h.setOptionValue("mip_max_nodes", int(node_limit))
    A = sparse.csc_matrix(model.A)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = A.shape[1], A.shape[0]
    lp.col_cost_ = np.asarray(model.c, dtype=np.float64)
    lp.col_lower_ = np.asarray(model.lb, dtype=np.float64)
    lp.col_upper_ = np.asarray(model.ub, dtype=np.float64)
    lp.row_lower_ = np.asarray(model.row_lo, dtype=np.float64)
    lp.row_upper_ = np.asarray(model.row_hi, dtype=np.float64)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = A.indptr.astype(np.int32)
    lp.a_matrix_.index_ = A.indices.astype(np.int32)
    lp.a_matrix_.value_ = A.data.astype(np.float64)
    lp.integrality_ = [highspy.HighsVarType.kInteger if k else highspy.HighsVarType.kContinuous
                       for k in model.integrality]
    h.passModel(lp)
    last_show = [0.0]

    def fields(primal, bound):
        best = min(float(primal), incumbent)
        gap = (best - bound) / max(abs(best), 1e-12) if np.isfinite(best) else np.inf
        return {"incumbent": best, "bound": float(bound), "gap": gap}

    def improving(event):
        out = event.data_out
        if progress.stopped:
            event.data_in.user_interrupt = True
            return
        x = np.array(out.mip_solution)
        now = fields(out.objective_function_value, out.mip_dual_bound)
        if progress.update(
                line=f"HiGHS solution {out.objective_function_value:.6g}, incumbent "
                     f"{now['incumbent']:.6g}, bound {now['bound']:.6g}, gap {now['gap']:.3g} "
                     f"({out.running_time:.1f} s)",
                state={"coef": model.extract(x)[0], "source": "highs"}, **now):
            event.data_in.user_interrupt = True

    def interrupt(event):
        out = event.data_out
        if progress.stopped:
            event.data_in.user_interrupt = True
        elif out.running_time - last_show[0] >= 0.5:
            last_show[0] = out.running_time
            progress.show(**fields(out.mip_primal_bound, out.mip_dual_bound))

    h.cbMipImprovingSolution.subscribe(improving)
    h.cbMipInterrupt.subscribe(interrupt)
    h.run()
    ms = h.getModelStatus()
    info = h.getInfo()
    x = None
    if info.primal_solution_status == 2:  # feasible
        x = np.array(h.getSolution().col_value)
    if ms == highspy.HighsModelStatus.kOptimal:
        status = "optimal"
    elif ms == highspy.HighsModelStatus.kInfeasible:
        status = "infeasible"
    elif x is None:
        status = "no_solution"
    elif ms in (highspy.HighsModelStatus.kInterrupt, highspy.HighsModelStatus.kHighsInterrupt):
        status = "interrupted"
    else:
        status = "time_limit"
    dual = info.mip_dual_bound
    return {
        "x": x,
        "status": status,
        "objective": None if x is None else float(info.objective_function_value),
        "dual_bound": float(dual) if np.isfinite(dual) else -np.inf,
        "message": f"HiGHS (highspy) status {h.modelStatusToString(ms)}",
        "reported": True,  # the incumbents went to progress as they came
    }


def solve_scip(model, time_limit, mip_gap, node_limit=None, verbose=0):
    """SCIP through PySCIPOpt (optional dependency, imported here)."""
    try:
        import pyscipopt
    except ImportError as exc:  # pragma: no cover - exercised only without pyscipopt
        raise ImportError("solver='scip' needs PySCIPOpt: pip install pyscipopt") from exc
    m = pyscipopt.Model()
    if not verbose:
        m.hideOutput()
    m.setParam("limits/time", float(time_limit))
    m.setParam("limits/gap", float(mip_gap))
    if node_limit is not None:
        m.setParam("limits/nodes", int(node_limit))
    xs = []
    for k in range(len(model.c)):
        vtype = "I" if model.integrality[k] else "C"
        if vtype == "I" and model.lb[k] >= 0 and model.ub[k] <= 1:
            vtype = "B"
        lo = None if not np.isfinite(model.lb[k]) else float(model.lb[k])
        hi = None if not np.isfinite(model.ub[k]) else float(model.ub[k])
        xs.append(m.addVar(vtype=vtype, lb=lo, ub=hi, obj=float(model.c[k])))
    A = model.A.tocsr()
    for r in range(A.shape[0]):
        start, end = A.indptr[r], A.indptr[r + 1]
        expr = pyscipopt.quicksum(float(v) * xs[k] for k, v in
                                  zip(A.indices[start:end], A.data[start:end]))
        lo, hi = model.row_lo[r], model.row_hi[r]
        if np.isfinite(lo) and np.isfinite(hi) and lo == hi:
            m.addCons(expr == float(lo))
            continue
        if np.isfinite(lo) and np.isfinite(hi):
            m.addCons(expr >= float(lo))
            m.addCons(expr <= float(hi))
        elif np.isfinite(lo):
            m.addCons(expr >= float(lo))
        elif np.isfinite(hi):
            m.addCons(expr <= float(hi))
    m.setMinimize()
    m.optimize()
    scip_status = m.getStatus()
    x = None
    if m.getNSols() > 0:
        sol = m.getBestSol()
        x = np.array([m.getSolVal(sol, v) for v in xs])
    if scip_status == "optimal":
        status = "optimal"
    elif scip_status == "infeasible":
        status = "infeasible"
    elif x is None:
        status = "no_solution"
    else:
        status = "time_limit"
    dual = m.getDualbound() if scip_status != "infeasible" else np.inf
    return {"x": x, "status": status,
            "objective": None if x is None else float(model.c @ x),
            "dual_bound": float(dual) if np.isfinite(dual) else -np.inf,
            "message": f"SCIP status {scip_status}"}


def solve_cpsat(problem, time_limit, mip_gap, random_state=0, verbose=0, scale=1000):
    """CP-SAT (OR-Tools) on the SLIM model with indicator constraints, no big-M.

    CP-SAT needs integer data: features are multiplied by ``scale`` and rounded unless
    already integer, so its loss is exact on integer data only; the caller recomputes
    the loss from the returned coefficients in every case.
    """
    try:
        from ortools.sat.python import cp_model
    except ImportError as exc:  # pragma: no cover - exercised only without ortools
        raise ImportError("solver='cpsat' needs OR-Tools: pip install ortools") from exc
    X = problem.X
    factor = 1 if problem.integer_data else scale
    Xi = np.round(X * factor).astype(np.int64)
    n_rows, p = X.shape
    m = cp_model.CpModel()
    coef = []
    alpha = []
    absval = []
    for j in range(p):
        v = problem.values[j]
        dom = cp_model.Domain.FromValues([int(t) for t in v])
        coef.append(m.NewIntVarFromDomain(dom, f"coef{j}"))
        a = m.NewBoolVar(f"alpha{j}")
        m.Add(coef[j] != 0).OnlyEnforceIf(a)
        m.Add(coef[j] == 0).OnlyEnforceIf(a.Not())
        alpha.append(a)
        t = m.NewIntVar(0, int(np.abs(v).max()), f"abs{j}")
        m.AddAbsEquality(t, coef[j])
        absval.append(t)
    b = m.NewIntVar(int(problem.b_lo) * factor, int(problem.b_hi) * factor, "b")
    # b is the intercept times factor, constrained to a multiple of factor
    b_unit = m.NewIntVar(int(problem.b_lo), int(problem.b_hi), "b_unit")
    m.Add(b == factor * b_unit)
    z = []
    for i in range(n_rows):
        zi = m.NewBoolVar(f"z{i}")
        score = sum(int(Xi[i, j]) * coef[j] for j in np.flatnonzero(Xi[i])) + b
        if problem.y[i] > 0:
            m.Add(score >= 1).OnlyEnforceIf(zi.Not())
        else:
            m.Add(score <= 0).OnlyEnforceIf(zi.Not())
        z.append(zi)
    if problem.max_features < p:
        m.Add(sum(alpha) <= problem.max_features)
    for g in range(problem.groups.shape[0]):
        m.Add(sum(alpha[j] for j in np.flatnonzero(problem.groups[g]))
              <= int(problem.group_caps[g]))
    for r in range(problem.lin_A.shape[0]):
        row = problem.lin_A[r]
        if np.any(row != np.round(row)):
            raise ValueError("solver='cpsat' needs integer weights in 'linear' constraints.")
        expr = sum(int(row[j]) * coef[j] for j in np.flatnonzero(row))
        if np.isfinite(problem.lin_lo[r]):
            m.Add(expr >= int(np.ceil(problem.lin_lo[r] - 1e-9)))
        if np.isfinite(problem.lin_hi[r]):
            m.Add(expr <= int(np.floor(problem.lin_hi[r] + 1e-9)))
    pos = np.flatnonzero(problem.y > 0)
    neg = np.flatnonzero(problem.y < 0)
    if np.isfinite(problem.max_pos_err):
        m.Add(sum(int(problem.counts[i]) * z[i] for i in pos) <= int(problem.max_pos_err))
    if np.isfinite(problem.max_neg_err):
        m.Add(sum(int(problem.counts[i]) * z[i] for i in neg) <= int(problem.max_neg_err))
    weights = problem.w / problem.n_total
    m.Minimize(sum(float(weights[i]) * z[i] for i in range(n_rows))
               + sum(problem.C0 * a for a in alpha) + sum(problem.C1 * t for t in absval))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(time_limit)
    solver.parameters.relative_gap_limit = float(mip_gap)
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = int(random_state)
    solver.parameters.log_search_progress = bool(verbose >= 2)
    st = solver.Solve(m)
    x = None
    if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        coef_val = np.array([solver.Value(cj) for cj in coef], dtype=np.int64)
        x = np.concatenate([coef_val, [solver.Value(b_unit)]]).astype(float)
    status = {cp_model.OPTIMAL: "optimal", cp_model.FEASIBLE: "time_limit",
              cp_model.INFEASIBLE: "infeasible"}.get(st, "no_solution")
    return {"x": x, "status": status,
            "objective": None if x is None else float(solver.ObjectiveValue()),
            "dual_bound": float(solver.BestObjectiveBound()) if x is not None else -np.inf,
            "message": f"CP-SAT status {solver.StatusName(st)}"}

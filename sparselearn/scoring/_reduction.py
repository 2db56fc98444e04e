"""SLIM data reduction (Ustun & Rudin 2016, Sec. on data reduction).

Solve a convex proxy of SLIM (hinge loss plus an L1 penalty over the box hull of the
coefficient sets, integer-scale margin 1) to optimality, value ``V*``; then, for each
merged row ``i``, minimise ``y_i (x_i.coef + b)`` over the proxy's near-optimal set
``{proxy(coef, b) <= V* + tol |V*|}``. A row whose minimum is positive is classified
correctly by every near-optimal proxy model; such rows leave the MIP. The reduction is a
heuristic filter unless ``tol`` is large enough for the SLIM optimum to lie in that set:
the final model's loss is always recomputed on the full training data.
"""

import numpy as np
from scipy import sparse

__all__ = ["agreed_correct_rows"]


def _proxy_lp(problem):
    X, y = problem.X, problem.y
    n, p = X.shape
    vmin = np.array([v.min() for v in problem.values], dtype=float)
    vmax = np.array([v.max() for v in problem.values], dtype=float)
    # variables: coef (p), b, xi (n), t (p)
    n_var = 2 * p + 1 + n
    c = np.zeros(n_var)
    c[p + 1:p + 1 + n] = problem.w / problem.n_total
    c[p + 1 + n:] = max(problem.C0, 1e-6)
    # hinge rows: -y_i (x_i.coef + b) - xi_i <= -1
    Yx = -(y[:, None] * X)
    A_hinge = sparse.hstack([sparse.csr_matrix(Yx), sparse.csr_matrix(-y[:, None]),
                             -sparse.eye(n), sparse.csr_matrix((n, p))])
    # |coef_j| <= t_j
    I = sparse.eye(p)
    A_abs = sparse.vstack([
        sparse.hstack([I, sparse.csr_matrix((p, 1 + n)), -I]),
        sparse.hstack([-I, sparse.csr_matrix((p, 1 + n)), -I]),
    ])
    A_ub = sparse.vstack([A_hinge, A_abs]).tocsr()
    b_ub = np.concatenate([-np.ones(n), np.zeros(2 * p)])
    bounds = ([(vmin[j], vmax[j]) for j in range(p)] + [(problem.b_lo, problem.b_hi)]
              + [(0, None)] * n + [(0, None)] * p)
    return c, A_ub, b_ub, bounds


def agreed_correct_rows(problem, tol=0.05):
    """Boolean mask of merged rows that every ``tol``-optimal proxy model classifies right."""
    from scipy.optimize import linprog

    c, A_ub, b_ub, bounds = _proxy_lp(problem)
    res = linprog(c, A_ub=A_ub, b_ub=b_ub, bounds=bounds, method="highs")
    n, p = problem.X.shape
    mask = np.zeros(n, dtype=bool)
    if res.status != 0:
        return mask
    level = res.fun + tol * abs(res.fun) + 1e-9
    A_level = sparse.vstack([A_ub, sparse.csr_matrix(c)]).tocsr()
    b_level = np.concatenate([b_ub, [level]])
    for i in range(n):
        obj = np.zeros_like(c)
        obj[:p] = problem.y[i] * problem.X[i]
        obj[p] = problem.y[i]
        r = linprog(obj, A_ub=A_level, b_ub=b_level, bounds=bounds, method="highs")
        if r.status == 0 and r.fun > 1e-9:
            mask[i] = True
    return mask

"""The SLIM problem data: coefficient sets, operational constraints, merged rows, bounds.

`build_problem` turns validated arrays and the estimator's parameters into a
`SLIMProblem`, the one description that the heuristics, the enumeration and every MIP
backend read, so they cannot disagree on what is feasible.
"""

import numbers
from dataclasses import dataclass, field

import numpy as np

__all__ = ["SLIMProblem", "build_problem", "CONSTRAINT_TYPES"]

CONSTRAINT_TYPES = (
    "sign",
    "max_fpr",
    "min_tpr",
    "at_most_one",
    "max_features_in_group",
    "linear",
    "cvxpy",
)


@dataclass
class SLIMProblem:
    """Everything the SLIM solvers need, on merged rows (one row per distinct ``(x, y)``)."""

    X: np.ndarray  # (n_rows, n_features) float64, distinct (x, y) rows
    y: np.ndarray  # (n_rows,) +1.0 / -1.0
    w: np.ndarray  # (n_rows,) loss weight = sum of the merged samples' class weights
    counts: np.ndarray  # (n_rows,) number of merged samples
    n_total: float  # number of training samples
    values: list  # per feature: sorted int64 array of allowed coefficients
    max_features: int
    groups: np.ndarray  # (n_groups, n_features) int8 membership
    group_caps: np.ndarray  # (n_groups,) int64
    lin_A: np.ndarray  # (n_rows_lin, n_features)
    lin_lo: np.ndarray
    lin_hi: np.ndarray
    max_pos_err: float  # cap on misclassified positives (counts), inf if none
    max_neg_err: float
    b_lo: int
    b_hi: int
    C0: float
    C1: float
    integer_data: bool
    conflicts: list = field(default_factory=list)  # (pos_row, neg_row) with equal x

    @property
    def n_features(self):
        return self.X.shape[1]

    def kernel_args(self):
        """Arrays in the order the `_core.slim` kernels take them after the coefficients."""
        return dict(
            XT=np.ascontiguousarray(self.X.T),
            y=self.y,
            w=self.w,
            counts=self.counts,
            b_lo=float(self.b_lo),
            b_hi=float(self.b_hi),
            C0=float(self.C0),
            C1=float(self.C1),
            n_total=float(self.n_total),
            max_features=int(self.max_features),
            groups=self.groups,
            group_caps=self.group_caps,
            lin_A=self.lin_A,
            lin_lo=self.lin_lo,
            lin_hi=self.lin_hi,
            max_pos_err=float(self.max_pos_err),
            max_neg_err=float(self.max_neg_err),
        )

    def padded_values(self):
        """``(values, n_values)``: the coefficient sets as a padded 2-D array."""
        n_values = np.array([len(v) for v in self.values], dtype=np.int64)
        padded = np.zeros((self.n_features, max(1, n_values.max(initial=1))), dtype=np.int64)
        for j, v in enumerate(self.values):
            padded[j, : len(v)] = v
        return padded, n_values

    def subset(self, rows):
        """The same problem on a subset of the merged rows (for data reduction)."""
        rows = np.asarray(rows)
        keep = {r: k for k, r in enumerate(rows)}
        conflicts = [(keep[a], keep[b]) for a, b in self.conflicts if a in keep and b in keep]
        return SLIMProblem(
            X=self.X[rows], y=self.y[rows], w=self.w[rows], counts=self.counts[rows],
            n_total=self.n_total, values=self.values, max_features=self.max_features,
            groups=self.groups, group_caps=self.group_caps, lin_A=self.lin_A,
            lin_lo=self.lin_lo, lin_hi=self.lin_hi, max_pos_err=self.max_pos_err,
            max_neg_err=self.max_neg_err, b_lo=self.b_lo, b_hi=self.b_hi, C0=self.C0,
            C1=self.C1, integer_data=self.integer_data, conflicts=conflicts,
        )

    def score_range(self):
        """Per row, the smallest and largest ``x_i . coef`` over feasible size-limited models."""
        lo = np.zeros(self.X.shape[0])
        hi = np.zeros(self.X.shape[0])
        forced = np.array([0 not in set(v.tolist()) for v in self.values])
        vmin = np.array([v.min() for v in self.values], dtype=float)
        vmax = np.array([v.max() for v in self.values], dtype=float)
        contrib_min = np.minimum(self.X * vmin, self.X * vmax)  # (n_rows, n_features)
        contrib_max = np.maximum(self.X * vmin, self.X * vmax)
        n_free_slots = max(0, self.max_features - int(forced.sum()))
        lo += contrib_min[:, forced].sum(axis=1)
        hi += contrib_max[:, forced].sum(axis=1)
        free_min = np.minimum(contrib_min[:, ~forced], 0.0)
        free_max = np.maximum(contrib_max[:, ~forced], 0.0)
        if free_min.shape[1] and n_free_slots:
            k = min(n_free_slots, free_min.shape[1])
            lo += np.sort(free_min, axis=1)[:, :k].sum(axis=1)
            hi += -np.sort(-free_max, axis=1)[:, :k].sum(axis=1)
        return lo, hi


def _feature_index(feature, n_features, feature_names, where):
    if isinstance(feature, str):
        if feature_names is None:
            raise ValueError(
                f"{where}: feature {feature!r} is given by name but X has no feature names; "
                "give a column index or fit on a DataFrame."
            )
        matches = np.flatnonzero(np.asarray(feature_names) == feature)
        if matches.size == 0:
            raise ValueError(f"{where}: unknown feature name {feature!r}.")
        return int(matches[0])
    if isinstance(feature, numbers.Integral) and not isinstance(feature, bool):
        if not -n_features <= feature < n_features:
            raise ValueError(
                f"{where}: feature index {feature} is out of range for {n_features} features."
            )
        return int(feature) % n_features
    raise ValueError(f"{where}: a feature is a column index or a name, got {feature!r}.")


def _integer_values(values, where):
    arr = np.asarray(values, dtype=float).ravel()
    if arr.size == 0:
        raise ValueError(f"{where}: the coefficient set is empty.")
    if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
        raise ValueError(f"{where}: coefficient sets hold integers, got {list(values)!r}.")
    return np.unique(arr.astype(np.int64))


def _coefficient_sets(n_features, max_coef, coef_set, feature_names):
    default = np.arange(-max_coef, max_coef + 1, dtype=np.int64)
    if coef_set is None:
        return [default.copy() for _ in range(n_features)]
    if isinstance(coef_set, dict):
        sets = [default.copy() for _ in range(n_features)]
        for feature, values in coef_set.items():
            j = _feature_index(feature, n_features, feature_names, "coef_set")
            sets[j] = _integer_values(values, f"coef_set[{feature!r}]")
        return sets
    shared = _integer_values(coef_set, "coef_set")
    return [shared.copy() for _ in range(n_features)]


def _parse_constraints(constraints, n_features, feature_names, values, n_pos, n_neg):
    """Apply sign constraints to ``values`` and return the other constraints as rows."""
    groups, caps, lin_rows = [], [], []
    max_pos_err, max_neg_err = np.inf, np.inf
    if constraints is None:
        constraints = []
    if not isinstance(constraints, (list, tuple)):
        raise ValueError(
            f"constraints must be a list of dicts, got {type(constraints).__name__}."
        )
    for c_index, con in enumerate(constraints):
        where = f"constraints[{c_index}]"
        if not isinstance(con, dict) or "type" not in con:
            raise ValueError(f"{where} must be a dict with a 'type' key, got {con!r}.")
        kind = con["type"]
        if kind not in CONSTRAINT_TYPES:
            raise ValueError(
                f"{where}: unknown constraint type {kind!r}; expected one of {CONSTRAINT_TYPES}."
            )
        if kind == "sign":
            j = _feature_index(con.get("feature"), n_features, feature_names, where)
            sign = con.get("sign")
            if sign not in (1, -1):
                raise ValueError(f"{where}: 'sign' must be +1 or -1, got {sign!r}.")
            kept = values[j][values[j] >= 0] if sign == 1 else values[j][values[j] <= 0]
            if kept.size == 0:
                raise ValueError(
                    f"{where}: the sign constraint leaves feature {con['feature']!r} no "
                    "allowed coefficient: the constraints are infeasible."
                )
            values[j] = kept
        elif kind in ("max_fpr", "min_tpr"):
            value = con.get("value")
            if not isinstance(value, numbers.Real) or not 0.0 <= value <= 1.0:
                raise ValueError(f"{where}: {kind} 'value' must be in [0, 1], got {value!r}.")
            if kind == "max_fpr":
                max_neg_err = min(max_neg_err, float(np.floor(value * n_neg + 1e-9)))
            else:
                max_pos_err = min(max_pos_err, float(np.floor((1.0 - value) * n_pos + 1e-9)))
        elif kind in ("at_most_one", "max_features_in_group"):
            feats = con.get("features")
            if not isinstance(feats, (list, tuple, np.ndarray)) or len(feats) == 0:
                raise ValueError(f"{where}: 'features' must be a non-empty list.")
            row = np.zeros(n_features, dtype=np.int8)
            for feature in feats:
                row[_feature_index(feature, n_features, feature_names, where)] = 1
            k = 1 if kind == "at_most_one" else con.get("k")
            if not isinstance(k, numbers.Integral) or k < 0:
                raise ValueError(f"{where}: 'k' must be a non-negative integer, got {k!r}.")
            groups.append(row)
            caps.append(int(k))
        elif kind == "linear":
            coefs = con.get("coef")
            if not isinstance(coefs, dict) or not coefs:
                raise ValueError(f"{where}: 'coef' must be a non-empty dict feature -> weight.")
            row = np.zeros(n_features)
            for feature, a in coefs.items():
                row[_feature_index(feature, n_features, feature_names, where)] = float(a)
            lb = float(con.get("lb", -np.inf))
            ub = float(con.get("ub", np.inf))
            if np.isnan(lb) or np.isnan(ub) or lb > ub:
                raise ValueError(f"{where}: need lb <= ub, got lb={lb}, ub={ub}.")
            lin_rows.append((row, lb, ub))
        else:  # cvxpy
            func = con.get("func")
            if not callable(func):
                raise ValueError(f"{where}: 'func' must be a callable coef -> constraints.")
            lin_rows.extend(_cvxpy_rows(func, n_features, where))
    groups = np.array(groups, dtype=np.int8).reshape(len(groups), n_features)
    caps = np.array(caps, dtype=np.int64)
    lin_A = np.array([r[0] for r in lin_rows], dtype=float).reshape(len(lin_rows), n_features)
    lin_lo = np.array([r[1] for r in lin_rows], dtype=float)
    lin_hi = np.array([r[2] for r in lin_rows], dtype=float)
    return groups, caps, lin_A, lin_lo, lin_hi, max_pos_err, max_neg_err


def _cvxpy_rows(func, n_features, where):
    """Linear rows ``lo <= a @ coef <= hi`` from user cvxpy constraints on a coef variable."""
    import cvxpy as cp

    coef = cp.Variable(n_features)
    cons = func(coef)
    if isinstance(cons, cp.constraints.constraint.Constraint):
        cons = [cons]
    rows = []
    for con in cons:
        if isinstance(con, cp.constraints.Inequality):
            expr, is_eq = con.expr, False  # expr <= 0
        elif isinstance(con, cp.constraints.Equality):
            expr, is_eq = con.expr, True  # expr == 0
        else:
            raise ValueError(f"{where}: only linear (in)equalities are supported, got {con}.")
        if not expr.is_affine():
            raise ValueError(f"{where}: constraint {con} is not linear in the coefficients.")
        # expr = A coef + const, read column by column
        size = expr.size
        coef.value = np.zeros(n_features)
        const = np.atleast_1d(np.asarray(expr.value, dtype=float)).ravel()
        A = np.empty((size, n_features))
        for j in range(n_features):
            e = np.zeros(n_features)
            e[j] = 1.0
            coef.value = e
            A[:, j] = np.atleast_1d(np.asarray(expr.value, dtype=float)).ravel() - const
        for r in range(size):
            lo = -const[r] if is_eq else -np.inf
            rows.append((A[r], lo, -const[r]))
    return rows


def build_problem(X, y_pm, sample_w, feature_names, *, max_coef, max_features, C0, C1,
                  coef_set, intercept_bounds, constraints):
    """Build the `SLIMProblem` for features ``X`` and labels ``y_pm`` in {-1, +1}.

    Raises ``ValueError`` naming the parameter for malformed or plainly infeasible input.
    """
    n_samples, n_features = X.shape
    values = _coefficient_sets(n_features, max_coef, coef_set, feature_names)
    n_pos = float(np.sum(y_pm > 0))
    n_neg = float(n_samples - n_pos)
    groups, caps, lin_A, lin_lo, lin_hi, max_pos_err, max_neg_err = _parse_constraints(
        constraints, n_features, feature_names, values, n_pos, n_neg
    )
    if max_features is None:
        max_features = n_features
    max_features = int(min(max_features, n_features))
    forced = np.array([0 not in set(v.tolist()) for v in values])
    if forced.sum() > max_features:
        raise ValueError(
            f"coef_set forces {int(forced.sum())} features (their sets exclude 0) but "
            f"max_features={max_features}: the constraints are infeasible."
        )
    for g in range(groups.shape[0]):
        if np.sum(forced & (groups[g] > 0)) > caps[g]:
            raise ValueError(
                "a group constraint caps features whose coefficient sets exclude 0: the "
                "constraints are infeasible."
            )

    # merge identical (x, y) rows: one loss row per distinct point and label
    stacked = np.column_stack([X, y_pm])
    uniq, inverse = np.unique(stacked, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    Xu = np.ascontiguousarray(uniq[:, :-1], dtype=np.float64)
    yu = uniq[:, -1].copy()
    counts = np.bincount(inverse, minlength=len(uniq)).astype(float)
    w = np.bincount(inverse, weights=sample_w, minlength=len(uniq)).astype(float)
    conflicts = []
    if len(uniq) > 1:
        _, x_inv = np.unique(Xu, axis=0, return_inverse=True)
        x_inv = x_inv.ravel()
        for key in np.flatnonzero(np.bincount(x_inv) == 2):
            rows = np.flatnonzero(x_inv == key)
            pos = rows[yu[rows] > 0]
            neg = rows[yu[rows] < 0]
            if pos.size == 1 and neg.size == 1:
                conflicts.append((int(pos[0]), int(neg[0])))

    integer_data = bool(np.all(Xu == np.round(Xu)))
    problem = SLIMProblem(
        X=Xu, y=yu, w=w, counts=counts, n_total=float(n_samples), values=values,
        max_features=max_features, groups=groups, group_caps=caps, lin_A=lin_A,
        lin_lo=lin_lo, lin_hi=lin_hi, max_pos_err=max_pos_err, max_neg_err=max_neg_err,
        b_lo=0, b_hi=0, C0=float(C0), C1=0.0, integer_data=integer_data,
        conflicts=conflicts,
    )
    if intercept_bounds is None:
        # beyond +-(max |score| + 1) every sample gets the same label: nothing is lost
        lo, hi = problem.score_range()
        bound = int(np.ceil(max(np.abs(lo).max(initial=0.0), np.abs(hi).max(initial=0.0)))) + 1
        problem.b_lo, problem.b_hi = -bound, bound
    else:
        b_lo, b_hi = intercept_bounds
        problem.b_lo, problem.b_hi = int(np.ceil(b_lo)), int(np.floor(b_hi))
        if problem.b_lo > problem.b_hi:
            raise ValueError(
                f"intercept_bounds={intercept_bounds!r} holds no integer: need lo <= hi."
            )
    if C1 is None:
        # C1 only breaks ties: below min(w_min / N, C0) / max ||coef||_1 (Ustun & Rudin)
        max_abs = np.sort([np.abs(v).max() for v in values])[::-1]
        max_l1 = float(max_abs[:max_features].sum()) if max_features else 0.0
        w_min = float(sample_w.min()) if sample_w.size else 1.0
        scale = w_min / n_samples if C0 == 0 else min(w_min / n_samples, C0)
        C1 = 0.5 * scale / max(max_l1, 1.0)
    problem.C1 = float(C1)
    return problem

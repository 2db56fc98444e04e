"""Group penalties: proxes against cvxpy and 1-D searches, fits against skglm's GroupBCD,
optimality of the fits for every datafit, group recovery by the nonconvex penalties."""

import cvxpy as cp
import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import minimize_scalar

from sparselearn._core import group_prox as _gprox
from sparselearn.datafits import Huber, Logistic, Poisson, Quadratic
from sparselearn.linear_model import (SparseClassifier, SparseRegressor, SparseRegressorCV,
                                      penalized_path)
from sparselearn.penalties import (GroupLasso, GroupMCP, GroupPenalty, GroupSCAD,
                                   GroupSparseEnvelope, SparseGroupLasso)
from sparselearn.solvers import solve

# four groups of unequal sizes; feature 6 is in no group (unpenalized)
GROUPS = [[0, 1], [2, 3, 4], [5], [7, 8]]
WEIGHTS = np.array([1.0, 2.0, 0.5, 1.5])
N_FEATURES = 9


def _cvxpy_prox(penalty, v, step):
    """The prox by Clarabel; the envelope through half the squared k-support norm,
    ``min_{0 <= theta <= 1, sum theta <= k} sum_g w_g^2 ||x_g||^2 / (2 theta_g)``."""
    x = cp.Variable(v.size)
    alpha = penalty.alpha
    constraints = []
    if isinstance(penalty, GroupSparseEnvelope):
        theta = cp.Variable(len(GROUPS))
        pen = 0.5 * alpha * sum(cp.quad_over_lin(WEIGHTS[g] * x[GROUPS[g]], theta[g])
                                for g in range(len(GROUPS)))
        constraints = [theta <= 1, theta >= 0, cp.sum(theta) <= penalty.k]
    else:
        rho = penalty.l1_ratio if isinstance(penalty, SparseGroupLasso) else 0.0
        grouped = [j for g in GROUPS for j in g]
        pen = alpha * (rho * cp.norm1(x[grouped]) + (1 - rho) * sum(
            WEIGHTS[g] * cp.norm2(x[GROUPS[g]]) for g in range(len(GROUPS))))
    problem = cp.Problem(cp.Minimize(cp.sum_squares(x - v) / (2 * step) + pen), constraints)
    problem.solve(solver=cp.CLARABEL, tol_gap_abs=1e-13, tol_gap_rel=1e-13, tol_feas=1e-13)
    return x.value


CONVEX = [GroupLasso(alpha=0.7, groups=GROUPS, weights=WEIGHTS),
          SparseGroupLasso(alpha=0.7, l1_ratio=0.3, groups=GROUPS, weights=WEIGHTS),
          GroupSparseEnvelope(alpha=0.7, k=1, groups=GROUPS, weights=WEIGHTS),
          GroupSparseEnvelope(alpha=0.7, k=2, groups=GROUPS, weights=WEIGHTS)]


@pytest.mark.parametrize("penalty", CONVEX, ids=lambda p: f"{type(p).__name__}")
def test_convex_prox_matches_cvxpy(penalty, rng):
    for scale in (0.3, 1.0, 3.0):
        v = scale * rng.standard_normal(N_FEATURES)
        step = 0.8
        ours = penalty.prox(v, step)
        ref = _cvxpy_prox(penalty, v, step)

        def obj(x):
            return np.sum((x - v) ** 2) / (2 * step) + penalty.value(x)

        # ours is optimal to 1e-10 in objective (at least as good as the interior point), and
        # within the accuracy cvxpy's point has (strong convexity: ||x - x*||^2 <= 2 step gap)
        assert obj(ours) <= obj(ref) + 1e-10
        np.testing.assert_allclose(ours, ref, atol=2e-5)
        assert ours[6] == v[6]  # feature in no group: unpenalized


@pytest.mark.parametrize("penalty", CONVEX[:2], ids=lambda p: type(p).__name__)
def test_separable_prox_optimality_certificate(penalty, rng):
    """x = prox(v) iff (v - x) / step is in the subdifferential at x: to 1e-12."""
    for _ in range(5):
        v = rng.standard_normal(N_FEATURES) * 2
        x = penalty.prox(v, 0.5)
        dist = penalty.subdiff_distance(x, -(v - x) / 0.5)
        assert np.max(dist) <= 1e-12


@pytest.mark.parametrize("k", [1, 2, 3])
def test_envelope_prox_fenchel_young(k, rng):
    """x = prox_{a S}(v) iff a S(x) + (a S)^*(u) = <x, u> with u = (v - x) / step, where
    (a S)^*(u) = sum of the k largest (||u_g|| / w_g)^2 / (2 a): the certificate holds to 1e-12."""
    pen = GroupSparseEnvelope(alpha=0.9, k=k, groups=GROUPS, weights=WEIGHTS)
    for _ in range(5):
        v = rng.standard_normal(N_FEATURES) * 2
        x = pen.prox(v, 0.6)
        u = (v - x) / 0.6
        assert abs(u[6]) <= 1e-15  # unpenalized feature: the dual is 0 there
        scaled = np.sort([np.sum(u[g] ** 2) / WEIGHTS[i] ** 2 for i, g in enumerate(GROUPS)])
        conj = np.sum(scaled[::-1][:k]) / (2 * pen.alpha)
        gap = pen.value(x) + conj - x @ u
        assert abs(gap) <= 1e-12 * max(1.0, abs(x @ u))


def test_envelope_threshold_against_sorted_scan(rng):
    """The median-selection root equals the root found by scanning sorted breakpoints."""
    for m in (1, 5, 50, 400):
        a = np.abs(rng.standard_normal(m)) * rng.uniform(0.1, 3.0)
        a[rng.random(m) < 0.1] = 0.0
        c = rng.uniform(0.05, 2.0, m)
        k = float(rng.integers(1, max(2, m // 3)))

        def slope(s):
            return _gprox._envelope_slope(s, a, c, k, 1.0, m)

        s = _gprox.envelope_threshold(a, c, k)
        if np.count_nonzero(a) <= k:
            assert s == 0.0
            continue
        points = np.sort(np.concatenate([a / (c + 1), a / c]))
        points = points[points > 0]
        values = np.array([slope(p) for p in points])
        # the slope is (n_pos - k) s > 0 up to the first breakpoint, -k s < 0 after the last
        i = int(np.argmax(values <= 0))  # first breakpoint with slope <= 0: root before it
        assert i > 0
        lo = points[i - 1]
        # affine between lo and points[i]: interpolate
        f_lo, f_hi = slope(lo), values[i]
        ref = points[i] if f_hi == f_lo else lo + (points[i] - lo) * f_lo / (f_lo - f_hi)
        assert abs(s - ref) <= 1e-12 * max(1.0, ref)
        assert abs(slope(s)) <= 1e-10 * max(1.0, np.sum(a))


def test_envelope_value_is_half_squared_norm_on_k_sparse():
    pen = GroupSparseEnvelope(alpha=2.0, k=2, groups=GROUPS, weights=WEIGHTS)
    x = np.zeros(N_FEATURES)
    x[[0, 1]] = [1.0, 2.0]
    x[[7, 8]] = [-1.0, 0.5]
    x[6] = 5.0  # unpenalized
    expected = 2.0 * 0.5 * (WEIGHTS[0] ** 2 * 5.0 + WEIGHTS[3] ** 2 * 1.25)
    assert pen.value(x) == pytest.approx(expected, rel=1e-14)
    # above half the squared norm (its convex minorant) once more than k groups are in use
    x[5] = 3.0
    assert pen.value(x) > 2.0 * 0.5 * (WEIGHTS[0] ** 2 * 5 + WEIGHTS[3] ** 2 * 1.25
                                       + WEIGHTS[2] ** 2 * 9)


def _mcp(r, a, gamma):
    return np.where(r <= gamma * a, a * r - r ** 2 / (2 * gamma), gamma * a ** 2 / 2)


def _scad(r, a, gamma):
    return np.where(r <= a, a * r,
                    np.where(r <= gamma * a, (2 * gamma * a * r - r ** 2 - a ** 2) / (2 * (gamma - 1)),
                             (gamma + 1) * a ** 2 / 2))


@pytest.mark.parametrize("penalty, scalar", [
    (GroupMCP(alpha=0.8, gamma=2.5, groups=GROUPS, weights=WEIGHTS), _mcp),
    (GroupSCAD(alpha=0.8, gamma=3.7, groups=GROUPS, weights=WEIGHTS), _scad),
], ids=["GroupMCP", "GroupSCAD"])
@pytest.mark.parametrize("step", [0.5, 1.0, 3.0])
def test_nonconvex_prox_matches_grid_search(penalty, scalar, step, rng):
    """Radial prox: direction of v_g, norm from a 1-D grid refined by a bounded search."""
    for _ in range(4):
        v = rng.standard_normal(N_FEATURES) * rng.uniform(0.2, 4.0)
        ours = penalty.prox(v, step)
        for g, idx in enumerate(GROUPS):
            r = np.linalg.norm(v[idx])
            a = penalty.alpha * WEIGHTS[g]

            def obj(rho):
                return (rho - r) ** 2 / (2 * step) + scalar(rho, a, penalty.gamma)

            grid = np.linspace(0.0, r, 20001)
            best = grid[np.argmin(obj(grid))]
            h = r / 20000
            res = minimize_scalar(obj, bounds=(max(best - h, 0.0), min(best + h, r)),
                                  method="bounded", options={"xatol": 1e-13})
            rho = res.x if obj(res.x) < obj(best) else best
            if obj(0.0) <= obj(rho):
                rho = 0.0
            expected = v[idx] * (rho / r)
            np.testing.assert_allclose(ours[idx], expected, atol=1e-8)
        # the penalty's value is the scalar penalty of the group norms
        norms = np.array([np.linalg.norm(ours[idx]) for idx in GROUPS])
        assert penalty.value(ours) == pytest.approx(
            np.sum(scalar(norms, penalty.alpha * WEIGHTS, penalty.gamma)), rel=1e-12)
        assert ours[6] == v[6]


# ---------------------------------------------------------------- fits


def _group_problem(rng, n_samples=60, n_groups=20, size=3, n_active=3, noise=0.3):
    X = rng.standard_normal((n_samples, n_groups * size))
    w = np.zeros(n_groups * size)
    active = rng.choice(n_groups, n_active, replace=False)
    for g in active:
        w[g * size:(g + 1) * size] = rng.standard_normal(size) + np.sign(rng.standard_normal(size))
    y = X @ w + noise * rng.standard_normal(n_samples)
    return X, y, w, np.sort(active)


@pytest.mark.parametrize("fit_intercept", [False, True])
def test_group_lasso_matches_skglm(rng, fit_intercept):
    """Objectives equal skglm's WeightedGroupL2 + GroupBCD to 1e-6 (skglm's jitclasses compile
    in each process: about 20-60 s, once for the parameters)."""
    pytest.importorskip("skglm")
    from skglm.datafits import QuadraticGroup
    from skglm.penalties import WeightedGroupL2
    from skglm.solvers import GroupBCD

    X, y, _, _ = _group_problem(rng)
    y = y + 3.0
    n, p = X.shape
    size = 3
    grp_ptr = np.arange(0, p + 1, size, dtype=np.int32)
    grp_indices = np.arange(p, dtype=np.int32)
    weights = np.full(p // size, np.sqrt(size))
    pen = GroupLasso(alpha=1.0, groups=size)
    alpha = 0.1 * pen.alpha_max(X.T @ (y - (y.mean() if fit_intercept else 0.0)) / n)
    ours = SparseRegressor(GroupLasso(alpha=alpha, groups=size), fit_intercept=fit_intercept,
                           tol=1e-10).fit(X, y)
    solver = GroupBCD(tol=1e-12, max_iter=1000, fit_intercept=fit_intercept)
    out = solver.solve(X, y, QuadraticGroup(grp_ptr, grp_indices),
                       WeightedGroupL2(alpha, weights, grp_ptr, grp_indices))
    w_sk = out[0]
    b_sk = w_sk[p] if fit_intercept else 0.0

    def objective(w, b):
        # skglm's QuadraticGroup is ||y - Xw||^2 / (2 n), as ours
        groups = w.reshape(-1, size)
        return (np.sum((y - X @ w - b) ** 2) / (2 * n)
                + alpha * np.sum(weights * np.linalg.norm(groups, axis=1)))

    ref = objective(w_sk[:p], b_sk)
    assert objective(ours.coef_, ours.intercept_) == pytest.approx(ref, rel=1e-6)
    assert ours.objective_ == pytest.approx(ref, rel=1e-6)
    np.testing.assert_allclose(ours.coef_, w_sk[:p], atol=1e-5)


@pytest.mark.parametrize("penalty", [GroupLasso(alpha=0.1, groups=3),
                                     GroupMCP(alpha=0.1, groups=3),
                                     GroupSparseEnvelope(alpha=0.5, k=3, groups=3)],
                         ids=lambda p: type(p).__name__)
def test_sparse_design_equals_dense(rng, penalty):
    X, y, _, _ = _group_problem(rng)
    X[np.abs(X) < 0.8] = 0.0
    dense = SparseRegressor(penalty=penalty, tol=1e-9).fit(X, y)
    csc = SparseRegressor(penalty=penalty, tol=1e-9).fit(sp.csc_matrix(X), y)
    np.testing.assert_allclose(csc.coef_, dense.coef_, atol=1e-7)
    assert csc.intercept_ == pytest.approx(dense.intercept_, abs=1e-7)


def _kkt(penalty, X, y, coef, intercept, datafit):
    """Largest group violation and the intercept's gradient at a fit (unit sample weights)."""
    n = X.shape[0]
    z = X @ coef + intercept
    raw = {"quadratic": z - y, "logistic": -y / (1 + np.exp(y * z)),
           "poisson": np.exp(z) - y,
           "huber": -np.clip(y - z, -1.35, 1.35)}[datafit] / n
    grad = X.T @ raw
    return np.max(penalty.subdiff_distance(coef, grad)), abs(np.sum(raw))


@pytest.mark.parametrize("sparse", [False, True])
def test_group_lasso_logistic_kkt(rng, sparse):
    X, y, _, _ = _group_problem(rng, n_samples=120)
    labels = np.where(y + 0.5 * rng.standard_normal(len(y)) > 0, 1.0, -1.0)
    pen = GroupLasso(alpha=0.02, groups=3)
    Xf = sp.csc_matrix(X) if sparse else X
    clf = SparseClassifier(penalty=pen, tol=1e-10).fit(Xf, labels)
    assert set(clf.classes_) == {-1.0, 1.0}
    viol, grad_b = _kkt(pen, X, labels, clf.coef_.ravel(), clf.intercept_[0], "logistic")
    assert viol <= 1e-8 and grad_b <= 1e-8
    # a sparse model: some groups out, some in
    support = pen.generalized_support(clf.coef_.ravel(), per_group=True)
    assert 0 < support.sum() < support.size
    # stationarity also without the intercept, through the solver entry point
    w, b, info = solve(X, labels, None, Logistic(), pen, np.zeros(X.shape[1]), tol=1e-10)
    assert info["converged"]
    assert _kkt(pen, X, labels, w, 0.0, "logistic")[0] <= 1e-9


@pytest.mark.parametrize("datafit", ["quadratic", "poisson", "huber"])
@pytest.mark.parametrize("penalty", [GroupLasso(alpha=0.05, groups=3),
                                     SparseGroupLasso(alpha=0.05, l1_ratio=0.5, groups=3),
                                     GroupMCP(alpha=0.05, groups=3),
                                     GroupSCAD(alpha=0.05, groups=3)],
                         ids=lambda p: type(p).__name__)
def test_fits_are_stationary_for_every_datafit(rng, datafit, penalty):
    X, y, _, _ = _group_problem(rng)
    X /= 3.0
    if datafit == "poisson":
        y = rng.poisson(np.exp(np.clip(X @ np.abs(_group_problem(rng)[2]) / 3, -3, 2)))
        y = y.astype(float)
    est = SparseRegressor(penalty=penalty, datafit=datafit if datafit != "huber" else Huber(),
                          tol=1e-9).fit(X, y)
    viol, grad_b = _kkt(penalty, X, y, est.coef_, est.intercept_, datafit)
    scale = np.max(np.abs(X.T @ (y - y.mean()))) / len(y)
    assert viol <= 1e-7 * scale and grad_b <= 1e-7 * scale
    assert est.stop_crit_ <= 1e-9 * max(scale, 1e-3) * 10


def test_sparse_group_lasso_is_sparse_within_groups(rng):
    X, _, w, _ = _group_problem(rng, n_samples=100, n_groups=10, size=6)
    w[::2] = 0.0  # half of each active group is zero
    y = X @ w + 0.3 * rng.standard_normal(100)
    pen = SparseGroupLasso(alpha=0.15, l1_ratio=0.7, groups=6)
    est = SparseRegressor(penalty=pen, tol=1e-9).fit(X, y)
    blocks = est.coef_.reshape(10, 6)
    in_use = np.any(blocks != 0, axis=1)
    assert in_use.any()
    assert np.any(blocks[in_use] == 0)  # zeros inside the groups in use (plain group lasso: none)


def test_envelope_fit_matches_cvxpy(rng):
    X, y, _, _ = _group_problem(rng, n_samples=40, n_groups=6, size=2, n_active=2)
    n, p = X.shape
    pen = GroupSparseEnvelope(alpha=0.5, k=2, groups=2)
    est = SparseRegressor(penalty=pen, fit_intercept=False, tol=1e-10).fit(X, y)
    w = cp.Variable(p)
    theta = cp.Variable(6)
    obj = (cp.sum_squares(y - X @ w) / (2 * n)
           + 0.5 * pen.alpha * sum(cp.quad_over_lin(w[2 * g:2 * g + 2], theta[g])
                                   for g in range(6)))
    opt = cp.Problem(cp.Minimize(obj), [theta <= 1, theta >= 0, cp.sum(theta) <= 2]).solve(
        solver=cp.CLARABEL, tol_gap_abs=1e-12, tol_gap_rel=1e-12)
    assert est.objective_ == pytest.approx(opt, rel=1e-6)
    grad = X.T @ (X @ est.coef_ - y) / n
    assert np.max(pen.fixed_point_score(est.coef_, grad, 1.0)) <= 1e-7


def test_penalized_path_and_alpha_max(rng):
    X, y, _, _ = _group_problem(rng)
    for pen in (GroupLasso(groups=3), SparseGroupLasso(l1_ratio=0.4, groups=3),
                GroupMCP(groups=3)):
        alphas, coefs, info = penalized_path(X, y, penalty=pen, n_alphas=8, tol=1e-8)
        assert coefs.shape == (X.shape[1], 8)
        assert np.all(coefs[:, 0] == 0)
        assert np.all(info["converged"])
        # just below alpha_max a group enters
        w, _, _ = solve(X, y, None, Quadratic(), pen.set_params(alpha=0.99 * alphas[0]),
                        np.zeros(X.shape[1]), tol=1e-10)
        assert np.any(w != 0)
    with pytest.raises(ValueError, match="alpha_max"):
        penalized_path(X, y, penalty=GroupSparseEnvelope(k=2, groups=3), n_alphas=3)
    alphas, coefs, _ = penalized_path(X, y, penalty=GroupSparseEnvelope(k=2, groups=3),
                                      alphas=[1.0, 0.1], tol=1e-8)
    assert coefs.shape == (X.shape[1], 2)


def test_nonconvex_group_penalties_select_fewer_false_groups(rng):
    """n = 200, 100 groups of 10, 5 active: at the CV-chosen alpha, group MCP and group SCAD
    keep every active group and fewer false ones than the group lasso."""
    X, y, _, active = _group_problem(rng, n_samples=200, n_groups=100, size=10, n_active=5,
                                     noise=1.0)
    false_groups = {}
    for pen in (GroupLasso(groups=10), GroupMCP(groups=10), GroupSCAD(groups=10)):
        cv = SparseRegressorCV(penalty=pen, n_alphas=20, eps=1e-2, cv=4, tol=1e-6).fit(X, y)
        support = np.flatnonzero(pen.generalized_support(cv.coef_, per_group=True))
        assert set(active) <= set(support), type(pen).__name__
        false_groups[type(pen).__name__] = len(set(support) - set(active))
    assert false_groups["GroupMCP"] < false_groups["GroupLasso"]
    assert false_groups["GroupSCAD"] < false_groups["GroupLasso"]


def test_unpenalized_features_and_group_id_vector(rng):
    X, y, _, _ = _group_problem(rng)
    p = X.shape[1]
    ids = np.repeat(np.arange(p // 3), 3)
    ids[:3] = -1  # the first three features are in no group
    pen = GroupLasso(alpha=10.0, groups=ids)
    est = SparseRegressor(penalty=pen, tol=1e-9).fit(X, y)
    assert np.all(est.coef_[3:] == 0)  # alpha far above alpha_max
    assert np.all(est.coef_[:3] != 0)  # least squares on the free features
    assert pen.n_groups(p) == p // 3 - 1
    same = GroupLasso(alpha=10.0, groups=[np.arange(3 * g, 3 * g + 3) for g in range(1, p // 3)])
    np.testing.assert_allclose(same.prox(X[0], 0.1), pen.prox(X[0], 0.1))


def test_fista_and_cd_agree_and_float32(rng):
    X, y, _, _ = _group_problem(rng)
    pen = GroupLasso(alpha=0.1, groups=3)
    cd = SparseRegressor(penalty=pen, tol=1e-10).fit(X, y)
    fista = SparseRegressor(penalty=pen, solver="fista", tol=1e-9).fit(X, y)
    assert fista.objective_ == pytest.approx(cd.objective_, rel=1e-8)
    est32 = SparseRegressor(penalty=pen, tol=1e-8).fit(X.astype(np.float32), y)
    assert est32.coef_.dtype == np.float32


def test_bad_groups_and_solver(rng):
    X, y, _, _ = _group_problem(rng)
    bad = [([[0, 1], [1, 2]], "disjoint"), ([[0, 1], [70]], "outside"), (np.zeros(5), "shape"),
           ([[0.5, 1.0]], "integer"), (0, ">= 1"), ("abc", "groups"), ([], "groups")]
    for groups, match in bad:
        with pytest.raises(ValueError, match="groups"):
            SparseRegressor(penalty=GroupLasso(alpha=0.1, groups=groups)).fit(X, y)
        with pytest.raises(ValueError, match=match):
            GroupLasso(alpha=0.1, groups=groups).value(np.ones(X.shape[1]))
    with pytest.raises(ValueError, match="groups"):
        GroupLasso(alpha=0.1).value(np.ones(3))
    with pytest.raises(ValueError, match="weights"):
        GroupLasso(alpha=0.1, groups=3, weights=[1.0, 2.0]).value(np.ones(9))
    with pytest.raises(ValueError, match="solver"):
        SparseRegressor(penalty=GroupLasso(alpha=0.1, groups=3), solver="agd").fit(X, y)
    with pytest.raises(ValueError, match="solver"):
        SparseRegressor(penalty=GroupSparseEnvelope(groups=3), solver="cd").fit(X, y)
    with pytest.raises(ValueError, match="gamma"):
        GroupMCP(alpha=0.1, gamma=1.0, groups=3).value(np.ones(9))
    with pytest.raises(ValueError, match="k"):
        GroupSparseEnvelope(alpha=0.1, k=1.5, groups=3).value(np.ones(9))
    assert isinstance(GroupLasso(groups=3), GroupPenalty) and GroupLasso.grouped


def test_sample_weights_equal_repeated_rows(rng):
    """Integer sample weights give the fit on repeated rows (weights normalized as Lasso)."""
    X, y, _, _ = _group_problem(rng)
    counts = rng.integers(1, 4, size=len(y))
    pen = GroupLasso(alpha=0.1, groups=3)
    weighted = SparseRegressor(penalty=pen, tol=1e-10).fit(X, y, sample_weight=counts)
    repeated = SparseRegressor(penalty=pen, tol=1e-10).fit(np.repeat(X, counts, axis=0),
                                                          np.repeat(y, counts))
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, atol=1e-7)
    assert weighted.intercept_ == pytest.approx(repeated.intercept_, abs=1e-7)


def test_grid_search_clone_and_pickle(rng):
    import pickle

    from sklearn.base import clone
    from sklearn.model_selection import GridSearchCV

    X, y, _, active = _group_problem(rng)
    est = SparseRegressor(penalty=GroupMCP(alpha=0.1, groups=3))
    search = GridSearchCV(est, {"penalty__alpha": [0.05, 0.2]}, cv=3).fit(X, y)
    assert search.best_params_["penalty__alpha"] in (0.05, 0.2)
    fitted = clone(est).fit(X, y)
    again = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(again.predict(X), fitted.predict(X))

"""Elastic costs, their proxes and the feature-sparse entropic Monge map (SparseMongeMap)."""

import numpy as np
import pytest
from scipy.optimize import brentq
from scipy.special import logsumexp
from sklearn.utils.estimator_checks import parametrize_with_checks

from sparselearn._core import elastic_costs as ec
from sparselearn.ot import SinkhornTransport, SparseMongeMap

TIGHT = {"tol_gap_abs": 1e-12, "tol_gap_rel": 1e-12, "tol_feas": 1e-12}
CODES = {"elastic_l1": ec.L1, "elastic_stvs": ec.STVS, "elastic_sq_k_overlap": ec.SQ_K_OVERLAP}


@parametrize_with_checks(
    [SparseMongeMap(), SparseMongeMap(cost="elastic_stvs", formula="gradient"),
     SparseMongeMap(cost="elastic_sq_k_overlap", k=1, gamma=0.3)],
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def _prox(code, gamma, k, z):
    out = np.empty_like(z)
    ec.regularizer_prox(code, gamma, k, z, out)
    return out


def _stvs_value(w, gamma):
    return ec.regularizer_value(ec.STVS, gamma, 1, np.array([w]))


# ---------------------------------------------------------------------------------------------
# proxes against independent solutions
# ---------------------------------------------------------------------------------------------


def _scalar_prox_brute_force(code, gamma, z):
    """argmin_w 0.5 (w - z)^2 + R(w) for a scalar z: compare w = 0 with the root of the
    derivative on the side of z (brentq to 1e-15); the objective is strictly convex."""
    def objective(v):
        return 0.5 * (v - z) ** 2 + ec.regularizer_value(code, gamma, 1, np.array([v]))

    def derivative(v):
        slope = np.empty(1)
        ec.regularizer_gradient(code, gamma, 1, np.array([v]), slope)
        return v - z + slope[0]

    candidates = [0.0]
    side = np.sign(z)
    if side != 0 and derivative(side * 1e-300) * side < 0:  # decreasing away from 0
        lo, hi = sorted([side * 1e-300, z])
        candidates.append(brentq(derivative, lo, hi, xtol=1e-15, rtol=4 * np.finfo(float).eps))
    return min(candidates, key=objective)


@pytest.mark.parametrize("code", [ec.L1, ec.STVS])
def test_separable_prox_is_the_scalar_minimizer(code, rng):
    """Each coordinate of the prox minimizes 0.5 (w - z)^2 + R(w) (brute force, to 1e-8)."""
    for gamma in (0.3, 1.0, 2.5):
        z = rng.normal(size=12) * 2 * gamma
        z[:3] = [gamma, -gamma * (1 + 1e-9), 0.0]  # at the threshold, and 0
        w = _prox(code, gamma, 1, z)
        for zi, wi in zip(z, w):
            assert abs(wi - _scalar_prox_brute_force(code, gamma, zi)) < 1e-8


def test_stvs_prox_stationarity():
    """z - prox(z) is the derivative of the STVS regularizer at prox(z), exactly (paper formula)."""
    gamma = 0.7
    z = np.linspace(-5, 5, 101)
    w = _prox(ec.STVS, gamma, 1, z)
    slope = np.empty_like(w)
    ec.regularizer_gradient(ec.STVS, gamma, 1, w, slope)
    active = np.abs(z) > gamma
    np.testing.assert_allclose((z - w)[active], slope[active], rtol=1e-12)
    assert np.all(w[~active] == 0.0)
    # the regularizer vanishes at 0 and its right slope there is gamma (the threshold)
    assert _stvs_value(0.0, gamma) == 0.0
    assert abs((_stvs_value(1e-7, gamma) - _stvs_value(0.0, gamma)) / 1e-7 - gamma) < 1e-6


def _top_k_sq(u, k):
    return np.sum(np.sort(u ** 2)[::-1][:k])


@pytest.mark.filterwarnings("ignore:Solution may be inaccurate")  # tight tolerances
def test_sq_k_overlap_prox_vs_cvxpy(rng):
    """prox of gamma/2 ||.||_(k)^2: zero Fenchel-Young gap, and cvxpy's variational solution."""
    cp = pytest.importorskip("cvxpy")
    for trial in range(6):
        d = int(rng.integers(3, 9))
        k = int(rng.integers(1, d + 1))
        gamma = float(rng.uniform(0.1, 2.0))
        z = 2.0 * rng.normal(size=d)
        if trial % 2 == 0:
            z[1] = -z[0]  # a tie in magnitude
        w = _prox(ec.SQ_K_OVERLAP, gamma, k, z)
        # Fenchel-Young: f(w) + f*(z - w) = <w, z - w> iff w = prox_f(z); f* = top-k l2 / 2gamma.
        # The gap bounds 0.5 ||w - w*||^2, so it certifies w to ~1e-8.
        u = z - w
        gap = (0.5 * gamma * ec.sq_k_overlap_norm(w, k) + _top_k_sq(u, k) / (2 * gamma)
               - w @ u)
        assert abs(gap) < 1e-13 * max(1.0, z @ z)
        # cvxpy on the variational definition ||w||_(k)^2 = min sum w_i^2 / theta_i
        v, theta = cp.Variable(d), cp.Variable(d)
        obj = 0.5 * cp.sum_squares(v - z) + gamma / 2 * sum(
            cp.quad_over_lin(v[i], theta[i]) for i in range(d))
        cp.Problem(cp.Minimize(obj), [theta >= 0, theta <= 1, cp.sum(theta) <= k]).solve(
            solver="CLARABEL", **TIGHT)

        def f(x):
            return 0.5 * np.sum((x - z) ** 2) + 0.5 * gamma * ec.sq_k_overlap_norm(x, k)

        assert f(w) <= f(v.value) + 1e-12
        np.testing.assert_allclose(w, v.value, atol=1e-5)
        # Moreau: prox_f(z) = z - prox_f*(z), f* = sum of the k largest u_i^2 / (2 gamma)
        u = cp.Variable(d)
        cp.Problem(cp.Minimize(0.5 * cp.sum_squares(u - z) + cp.sum_largest(cp.square(u), k)
                               / (2 * gamma))).solve(solver="CLARABEL", **TIGHT)
        np.testing.assert_allclose(w, z - u.value, atol=1e-6)


@pytest.mark.filterwarnings("ignore:Solution may be inaccurate")  # tight tolerances
def test_sq_k_overlap_norm_definition(rng):
    """k = 1 is the squared l1 norm, k = d the squared l2 norm; otherwise cvxpy's variational
    value."""
    cp = pytest.importorskip("cvxpy")
    w = rng.normal(size=7)
    assert abs(ec.sq_k_overlap_norm(w, 1) - np.abs(w).sum() ** 2) < 1e-12
    assert abs(ec.sq_k_overlap_norm(w, 7) - w @ w) < 1e-12
    for k in (2, 3, 5):
        theta = cp.Variable(7)
        problem = cp.Problem(cp.Minimize(sum(cp.quad_over_lin(w[i], theta[i]) for i in range(7))),
                             [theta <= 1, cp.sum(theta) <= k])
        problem.solve(solver="CLARABEL", **TIGHT)
        assert abs(ec.sq_k_overlap_norm(w, k) - problem.value) < 1e-6 * problem.value
        # the dual norm is the l2 norm of the top k entries: <w, u> <= ||w||_(k) ||u||_(k)*
        u = rng.normal(size=7)
        assert w @ u <= np.sqrt(ec.sq_k_overlap_norm(w, k) * _top_k_sq(u, k)) + 1e-12


@pytest.mark.parametrize("cost", sorted(CODES))
def test_regularizer_gradient_matches_finite_differences(cost, rng):
    code, gamma, k = CODES[cost], 0.6, 3
    z = rng.normal(size=8)
    grad = np.empty(8)
    ec.regularizer_gradient(code, gamma, k, z, grad)
    step = 1e-6
    for i in range(8):
        e = np.zeros(8)
        e[i] = step
        fd = (ec.regularizer_value(code, gamma, k, z + e)
              - ec.regularizer_value(code, gamma, k, z - e)) / (2 * step)
        assert abs(fd - grad[i]) < 1e-6


@pytest.mark.parametrize("cost", sorted(CODES))
def test_cost_matrix(cost, rng):
    X, Y = rng.normal(size=(5, 4)), rng.normal(size=(6, 4))
    code, gamma, k = CODES[cost], 0.8, 2
    C = np.empty((5, 6))
    ec.elastic_cost_matrix(X, Y, code, gamma, k, C)
    for i in range(5):
        for j in range(6):
            z = X[i] - Y[j]
            assert abs(C[i, j] - 0.5 * z @ z - ec.regularizer_value(code, gamma, k, z)) < 1e-12
    if code == ec.L1:
        ref = 0.5 * ((X[:, None] - Y[None]) ** 2).sum(-1) + gamma * np.abs(
            X[:, None] - Y[None]).sum(-1)
        np.testing.assert_allclose(C, ref, rtol=1e-13)


# ---------------------------------------------------------------------------------------------
# the map
# ---------------------------------------------------------------------------------------------


def _shift_problem(rng, n=400, d=10, noise=0.3):
    X = rng.normal(size=(n, d))
    shift = np.zeros(d)
    shift[:2] = 3.0
    Y = X + shift + noise * rng.normal(size=(n, d))
    return X, Y, shift, rng.normal(size=(n, d))


def test_issue_acceptance_sparse_displacements(rng):
    """d = 10, n = 400, shift (3, 3, 0, ...) plus noise, gamma = 0.5, reg = 1: on the fitted
    points <= 4 moved coordinates on average and >= 90 % of the displacement on the two
    shifted ones; on new points at most 0.7 times the error of the plain squared-Euclidean
    entropic map (same reg, h = 0.5 ||z||^2), and still sparse."""
    X, Y, shift, X_new = _shift_problem(rng)
    est = SparseMongeMap(cost="elastic_l1", gamma=0.5, reg=1.0, tol=1e-8).fit(X, Y)
    fitted = est.displacement(X)
    assert np.mean(np.sum(fitted != 0, axis=1)) <= 4.0
    assert np.abs(fitted[:, :2]).sum() >= 0.9 * np.abs(fitted).sum()
    moves = est.displacement(X_new)
    plain = SparseMongeMap(cost="sqeuclidean", reg=1.0, tol=1e-8).fit(X, Y)
    error = np.mean(np.sum((moves - shift) ** 2, axis=1))
    plain_error = np.mean(np.sum((plain.displacement(X_new) - shift) ** 2, axis=1))
    assert error <= 0.7 * plain_error
    # out of sample (measured over seeds 0-11: 3.7 to 4.06 moved coordinates, 0.89 to 0.92)
    assert np.mean(np.sum(moves != 0, axis=1)) <= 4.5
    assert np.abs(moves[:, :2]).sum() >= 0.85 * np.abs(moves).sum()


def test_gamma_zero_is_the_barycentric_projection(rng):
    """With gamma = 0 the map of a fitted point is sum_j P_ij y_j / sum_j P_ij, for both formulas,
    and it is SinkhornTransport's entropic map for the cost ||x - y||^2 at reg * 2."""
    X, Y = rng.normal(size=(40, 3)), rng.normal(size=(30, 3)) + 1.0
    for formula in ("barycentric", "gradient"):
        est = SparseMongeMap(gamma=0.0, reg=0.5, formula=formula, tol=1e-12).fit(X, Y)
        P = est.coupling_
        np.testing.assert_allclose(est.transform(X), P @ Y / P.sum(1, keepdims=True),
                                   atol=1e-9)
    ref = SinkhornTransport(reg=1.0, tol=1e-12).fit(X, Y)
    np.testing.assert_allclose(est.transform(X), ref.transform(X), atol=1e-8)
    X_new = rng.normal(size=(5, 3))
    np.testing.assert_allclose(est.transform(X_new), ref.transform(X_new), atol=1e-8)


@pytest.mark.parametrize("cost", sorted(CODES))
def test_plan_and_map_definitions(cost, rng):
    """The plan solves the OT problem on h(x_i - y_j); the map is x - prox(r(x)) of its weights,
    and the gradient formula uses grad f_eps of the entropic potential (finite differences)."""
    X, Y = rng.normal(size=(25, 4)), rng.normal(size=(20, 4)) + [2.0, 0, 0, 0]
    est = SparseMongeMap(cost=cost, gamma=0.4, k=2, reg=0.5, tol=1e-11).fit(X, Y)
    P = est.coupling_
    np.testing.assert_allclose(P.sum(1), np.full(25, 1 / 25), atol=1e-10)
    np.testing.assert_allclose(P.sum(0), np.full(20, 1 / 20), atol=1e-10)
    code, g = CODES[cost], est.target_potential_

    def h(z):
        return 0.5 * z @ z + ec.regularizer_value(code, 0.4, 2, z)

    def f_eps(x):  # entropic c-transform of g
        return -0.5 * logsumexp([(g[j] - h(x - Y[j])) / 0.5 for j in range(20)])

    X_new = rng.normal(size=(4, 4))
    for formula in ("barycentric", "gradient"):
        est.set_params(formula=formula)
        moves = est.displacement(X_new)
        for x, move in zip(X_new, moves):
            logits = np.array([(g[j] - h(x - Y[j])) / 0.5 for j in range(20)])
            p = np.exp(logits - logsumexp(logits))
            if formula == "barycentric":
                residual = x - p @ Y
            else:
                residual = np.array([(f_eps(x + e) - f_eps(x - e)) / 2e-6
                                     for e in 1e-6 * np.eye(4)])
            np.testing.assert_allclose(move, -_prox(code, 0.4, 2, residual), atol=2e-6)
        np.testing.assert_allclose(est.transform(X_new), X_new + moves, atol=1e-12)


def test_displacement_zeros_are_exact_and_dtype_kept(rng):
    X, Y, shift, X_new = _shift_problem(rng, n=60, d=5)
    est = SparseMongeMap(gamma=0.5).fit(X.astype(np.float32), Y.astype(np.float32))
    moves = est.displacement(X_new.astype(np.float32))
    assert moves.dtype == np.float32 and est.transform(X_new.astype(np.float32)).dtype == np.float32
    assert np.any(moves == 0.0)
    assert est.coupling_.dtype == np.float64


def test_bad_input():
    X = np.random.default_rng(0).normal(size=(6, 3))
    with pytest.raises(ValueError, match="k must be at most"):
        SparseMongeMap(cost="elastic_sq_k_overlap", k=4).fit(X, X)
    with pytest.raises(ValueError, match="y"):
        SparseMongeMap().fit(X, X[:, :2])
    with pytest.raises(ValueError, match="gamma"):
        SparseMongeMap(gamma=-1.0).fit(X, X)
    with pytest.raises(ValueError, match="formula"):
        SparseMongeMap(formula="subgradient").fit(X, X)
    with pytest.raises(ValueError, match="same total mass"):
        SparseMongeMap().fit(X, X, a=np.full(6, 1.0), b=np.full(6, 0.5))

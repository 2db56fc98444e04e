"""Datafits: gradients against finite differences, Lipschitz bounds, intercept-only fits."""

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import minimize_scalar

from sparselearn.datafits import Datafit, Huber, Logistic, Poisson, Quadratic, get_datafit


def _target(datafit, rng, n):
    if isinstance(datafit, Logistic):
        return rng.choice([-1.0, 1.0], n)
    if isinstance(datafit, Poisson):
        return rng.poisson(2.0, n).astype(float)
    return rng.standard_normal(n) * 3


@pytest.mark.parametrize("datafit", [Quadratic(), Logistic(), Poisson(), Huber(delta=0.7)], ids=repr)
def test_gradient_matches_finite_differences(datafit, rng):
    X = rng.standard_normal((30, 5))
    y = _target(datafit, rng, 30)
    sw = rng.uniform(0.5, 2.0, 30)
    w = rng.standard_normal(5) * 0.3
    grad = datafit.gradient(X, y, X @ w, sample_weight=sw)
    eps = 1e-6
    for j in range(5):
        e = np.zeros(5)
        e[j] = eps
        fd = (datafit.value(y, X @ (w + e), sw) - datafit.value(y, X @ (w - e), sw)) / (2 * eps)
        assert grad[j] == pytest.approx(fd, rel=1e-5, abs=1e-8)


@pytest.mark.parametrize("datafit", [Quadratic(), Logistic(), Huber()], ids=repr)
def test_lipschitz_bounds_curvature(datafit, rng):
    X = rng.standard_normal((40, 6))
    Xs = sp.csc_matrix(X)
    L_global = datafit.global_lipschitz(X)
    L_cols = datafit.lipschitz(Xs)
    # along any direction, the gradient change is bounded by the global constant
    y = _target(datafit, rng, 40)
    for _ in range(20):
        w1, w2 = rng.standard_normal(6), rng.standard_normal(6)
        g1 = datafit.gradient(X, y, X @ w1)
        g2 = datafit.gradient(X, y, X @ w2)
        assert np.linalg.norm(g1 - g2) <= L_global * np.linalg.norm(w1 - w2) * (1 + 1e-6)
    bound = {"Quadratic": 1.0, "Logistic": 0.25, "Huber": 1.0}[type(datafit).__name__]
    np.testing.assert_allclose(L_cols, bound * (X**2).mean(0))
    assert L_global == pytest.approx(bound * np.linalg.norm(X, 2) ** 2 / 40, rel=1e-5)


@pytest.mark.parametrize("datafit", [Quadratic(), Logistic(), Poisson(), Huber()], ids=repr)
def test_intercept_only_is_the_optimum(datafit, rng):
    y = _target(datafit, rng, 50)
    sw = np.full(50, 1 / 50)
    b = datafit.intercept_only(y, sw)
    res = minimize_scalar(lambda t: datafit.value(y, np.full(50, t), sw), bounds=(-20, 20),
                          method="bounded", options={"xatol": 1e-10})
    assert datafit.value(y, np.full(50, b), sw) <= res.fun + 1e-9


def test_target_checks_and_names():
    with pytest.raises(ValueError, match="y must take values"):
        Logistic().check_target([0.0, 1.0])
    with pytest.raises(ValueError, match="delta"):
        get_datafit(Huber(delta=-1.0))
    with pytest.raises(ValueError, match="datafit"):
        get_datafit("hinge")
    assert Poisson().global_lipschitz(np.eye(3)) == np.inf


class _NoKernelDatafit(Datafit):
    """A datafit written outside sparselearn: a Datafit subclass without a compiled kernel."""


def test_datafit_without_kernel_is_refused_by_name():
    from sparselearn.linear_model import SparseRegressor
    from sparselearn.penalties import L1
    from sparselearn.solvers import solve

    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((12, 4)), rng.standard_normal(12)
    match = r"datafit: _NoKernelDatafit has no compiled kernel"
    with pytest.raises(ValueError, match=match):
        get_datafit(_NoKernelDatafit())
    with pytest.raises(ValueError, match=match):
        SparseRegressor(datafit=_NoKernelDatafit()).fit(X, y)
    with pytest.raises(ValueError, match=match):
        solve(X, y, None, _NoKernelDatafit(), L1(0.1), np.zeros(4))

"""The public solver functions reject bad arrays with a ValueError naming the argument."""

import numpy as np
import pytest
import scipy.sparse as sp

from sparselearn.datafits import Logistic, Quadratic
from sparselearn.penalties import L1
from sparselearn.solvers import (Design, accelerated_gradient, as_design, fista,
                                 gradient_at_start, objective, solve, solve_working_set)

SOLVERS = [solve, solve_working_set, fista, accelerated_gradient]


def _problem():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20, 5))
    return X, X[:, 0] + 0.1 * rng.standard_normal(20), np.full(20, 1 / 20), np.zeros(5)


@pytest.mark.parametrize("func", SOLVERS)
@pytest.mark.parametrize("arg, value, match", [
    ("y", np.ones(19), r"y must have shape \(20,\)"),
    ("y", np.r_[np.nan, np.ones(19)], "y contains NaN"),
    ("sw", np.ones(19), r"sw must have shape \(20,\)"),
    ("sw", np.r_[-1.0, np.ones(19)], "non-negative"),
    ("w", np.zeros(4), r"w must have shape \(5,\)"),
    ("w", np.r_[np.inf, np.zeros(4)], "w contains NaN"),
])
def test_bad_arrays_are_named(func, arg, value, match):
    X, y, sw, w = _problem()
    args = dict(y=y, sw=sw, w=w) | {arg: value}
    with pytest.raises(ValueError, match=match):
        func(X, args["y"], args["sw"], Quadratic(), L1(alpha=0.1), args["w"])


@pytest.mark.parametrize("sparse", [False, True])
def test_nonfinite_design_is_rejected(sparse):
    X, y, sw, w = _problem()
    X[2, 3] = np.nan
    with pytest.raises(ValueError, match="X contains NaN"):
        solve(sp.csc_matrix(X) if sparse else X, y, sw, Quadratic(), L1(alpha=0.1), w)
    Design(X, check_finite=False)  # callers that validated X already skip the pass


def test_datafit_target_and_default_weights():
    X, y, sw, w = _problem()
    with pytest.raises(ValueError, match=r"y must take values in \{-1, \+1\}"):
        solve(X, y, sw, Logistic(), L1(alpha=0.01), w)
    with pytest.raises(ValueError, match="y contains NaN"):
        gradient_at_start(X, np.full(20, np.nan), sw, Quadratic(), True)
    # sw=None means uniform weights: same solution and objective as 1 / n
    w_none, b_none, _ = solve(X, y, None, Quadratic(), L1(alpha=0.1), w, tol=1e-10)
    w_unif, b_unif, _ = solve(X, y, sw, Quadratic(), L1(alpha=0.1), w, tol=1e-10)
    np.testing.assert_allclose(w_none, w_unif)
    assert objective(X, y, None, Quadratic(), L1(alpha=0.1), w_none, b_none) == pytest.approx(
        objective(X, y, sw, Quadratic(), L1(alpha=0.1), w_unif, b_unif))


@pytest.mark.parametrize("X, match", [(np.zeros((0, 3)), "at least one sample"),
                                      (np.zeros((3, 0)), "at least one sample"),
                                      (np.ones((3, 2), dtype=complex), "real")])
def test_empty_and_complex_designs_are_refused(X, match):
    with pytest.raises(ValueError, match=match):
        as_design(X)


def test_design_leaves_unsorted_csc_as_given():
    X, _, _, _ = _problem()
    Xs = sp.csc_matrix(X)
    Xu = Xs.copy()
    for j in range(Xu.shape[1]):  # each column's entries in reverse order
        lo, hi = Xu.indptr[j], Xu.indptr[j + 1]
        Xu.indices[lo:hi] = Xu.indices[lo:hi][::-1].copy()
        Xu.data[lo:hi] = Xu.data[lo:hi][::-1].copy()
    Xu.has_sorted_indices = False
    indices = Xu.indices.copy()
    v = np.arange(1.0, 6.0)
    np.testing.assert_allclose(Design(Xu).matvec(v), X @ v, rtol=1e-12)
    np.testing.assert_array_equal(Xu.indices, indices)

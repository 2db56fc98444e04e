"""One fit validates X once: the estimators, the path and CV call the solvers unchecked."""

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.utils.validation as skv

import sparselearn._design as design_module
from sparselearn.linear_model import (SparseClassifier, SparseRegressor, SparseRegressorCV,
                                      penalized_path)
from sparselearn.penalties import MCP


@pytest.fixture
def finite_checks_of_X(monkeypatch):
    """Count the finiteness passes over an array of X's shape (scikit-learn's checker and
    ``Design(check_finite=True)``)."""
    calls = []
    checker = skv._assert_all_finite

    def counting_checker(X, *args, **kwargs):
        calls.append(getattr(X, "shape", None))
        return checker(X, *args, **kwargs)

    init = design_module.Design.__init__

    def counting_init(self, X, check_finite=True):
        if check_finite:
            calls.append(X.shape)
        init(self, X, check_finite)

    monkeypatch.setattr(skv, "_assert_all_finite", counting_checker)
    monkeypatch.setattr(design_module.Design, "__init__", counting_init)
    return calls


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("fit", [
    lambda X, y: SparseRegressor(penalty=MCP(alpha=0.1)).fit(X, y),
    lambda X, y: SparseRegressor(solver="fista").fit(X, y),
    lambda X, y: SparseClassifier().fit(X, y > np.median(y)),
    lambda X, y: SparseRegressorCV(n_alphas=5, cv=3).fit(X, y),
    lambda X, y: penalized_path(X, y, n_alphas=5),
], ids=["regressor", "fista", "classifier", "cv", "path"])
def test_one_finiteness_pass_over_X_per_fit(finite_checks_of_X, fit, sparse):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 12))
    y = X[:, 0] + 0.1 * rng.standard_normal(40)
    Xf = sp.csr_matrix(X) if sparse else X
    fit(Xf, y)
    # scikit-learn checks a sparse matrix through its data array
    passes_over_X = [s for s in finite_checks_of_X if s in (X.shape, (Xf.nnz,) if sparse else None)]
    assert len(passes_over_X) == 1


def test_public_solver_checks_and_the_counter_sees_them(finite_checks_of_X):
    """The counter is live: the public solver functions do check a raw X."""
    from sparselearn.datafits import Quadratic
    from sparselearn.solvers import solve

    X = np.random.default_rng(0).standard_normal((20, 5))
    solve(X, X[:, 0], None, Quadratic(), MCP(alpha=0.1), np.zeros(5))
    assert finite_checks_of_X.count(X.shape) == 1

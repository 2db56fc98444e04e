"""Optional MIP backends (SCIP, CP-SAT): same optimum as HiGHS; skipped when not installed."""

import numpy as np
import pytest

from sparselearn.scoring import SLIMClassifier


@pytest.mark.parametrize("solver, module", [("scip", "pyscipopt"),
                                            ("cpsat", "ortools.sat.python.cp_model")])
def test_backend_matches_highs(binary_problem, solver, module):
    pytest.importorskip(module)
    X, y = binary_problem
    params = dict(max_coef=3, C0=0.005, mip_gap=0.0, max_enumeration=0, heuristics=False,
                  random_state=0, time_limit=30,
                  constraints=[{"type": "at_most_one", "features": [1, 2]},
                               {"type": "max_fpr", "value": 0.2}])
    highs = SLIMClassifier(**params).fit(X, y)
    other = SLIMClassifier(solver=solver, **params).fit(X, y)
    assert other.objective_value_ == pytest.approx(highs.objective_value_, abs=1e-9)
    assert other.mip_gap_ == 0.0
    assert np.count_nonzero(other.coef_[1:]) <= 1
    assert np.sum(other.predict(X)[y == 0] == 1) <= 0.2 * np.sum(y == 0)
    assert other.solve_status_.startswith("optimal")


@pytest.mark.parametrize("solver, module", [("scip", "pyscipopt"),
                                            ("cpsat", "ortools.sat.python.cp_model")])
def test_backend_infeasible(binary_problem, solver, module):
    pytest.importorskip(module)
    X, y = binary_problem
    X2, y2 = np.vstack([X, X[:1]]), np.append(y, 1 - y[0])
    with pytest.raises(ValueError, match="infeasible"):
        SLIMClassifier(solver=solver, max_enumeration=0, heuristics=False,
                       constraints=[{"type": "max_fpr", "value": 0.0},
                                    {"type": "min_tpr", "value": 1.0}]).fit(X2, y2)


def test_missing_backend_message(binary_problem, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name.startswith("pyscipopt"):
            raise ImportError("no pyscipopt")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    X, y = binary_problem
    with pytest.raises(ImportError, match="pip install pyscipopt"):
        SLIMClassifier(solver="scip", max_enumeration=0, heuristics=False).fit(X, y)

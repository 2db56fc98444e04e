"""Operational constraints: honoured, optimal under them; infeasible ones raise."""

import numpy as np
import pytest

from sparselearn.scoring import SLIMClassifier

MODES = [dict(max_enumeration=0, heuristics=False), dict(solver="enumerate")]


def _fit(X, y, constraints, mode, **kw):
    params = dict(max_coef=3, C0=0.005, mip_gap=0.0, random_state=0)
    params.update(kw)
    return SLIMClassifier(constraints=constraints, **params, **mode).fit(X, y)


def _opt(oracle, X, y, clf, **kw):
    y_pm = np.where(y == 1, 1.0, -1.0)
    C1 = 0.5 * min(1 / len(y), clf.C0) / (clf.max_coef * X.shape[1])
    return oracle.brute_force(X, y_pm, kw.pop("values", [range(-3, 4)] * X.shape[1]),
                              clf.C0, C1, (-20, 20), **kw)[0]


@pytest.mark.parametrize("mode", MODES)
def test_sign_constraint(binary_problem, oracle, mode):
    X, y = binary_problem
    cons = [{"type": "sign", "feature": 0, "sign": -1}, {"type": "sign", "feature": 1,
                                                          "sign": 1}]
    clf = _fit(X, y, cons, mode)
    assert clf.coef_[0] <= 0 and clf.coef_[1] >= 0
    values = [range(-3, 1), range(0, 4), range(-3, 4)]
    assert clf.objective_value_ == pytest.approx(_opt(oracle, X, y, clf, values=values),
                                                 abs=1e-9)


@pytest.mark.parametrize("mode", MODES)
def test_group_constraints(binary_problem, oracle, mode):
    X, y = binary_problem
    cons = [{"type": "at_most_one", "features": [0, 1]}]
    clf = _fit(X, y, cons, mode)
    assert np.count_nonzero(clf.coef_[:2]) <= 1
    opt = _opt(oracle, X, y, clf, feasible=lambda c: np.count_nonzero(c[:2]) <= 1)
    assert clf.objective_value_ == pytest.approx(opt, abs=1e-9)
    cons = [{"type": "max_features_in_group", "features": [0, 1, 2], "k": 2}]
    clf = _fit(X, y, cons, mode, C0=0.0)
    assert np.count_nonzero(clf.coef_) <= 2


@pytest.mark.parametrize("mode", MODES)
def test_fpr_and_tpr_constraints(binary_problem, oracle, mode):
    X, y = binary_problem
    n_neg, n_pos = np.sum(y == 0), np.sum(y == 1)
    clf = _fit(X, y, [{"type": "max_fpr", "value": 0.05}], mode)
    pred = clf.predict(X)
    assert np.sum(pred[y == 0] == 1) <= np.floor(0.05 * n_neg)
    opt = _opt(oracle, X, y, clf, max_neg_err=np.floor(0.05 * n_neg))
    assert clf.objective_value_ == pytest.approx(opt, abs=1e-9)
    clf = _fit(X, y, [{"type": "min_tpr", "value": 0.95}], mode)
    pred = clf.predict(X)
    assert np.sum(pred[y == 1] == 1) >= 0.95 * n_pos - 1e-9


@pytest.mark.parametrize("mode", MODES)
def test_linear_and_cvxpy_constraints(binary_problem, oracle, mode):
    pytest.importorskip("cvxpy")
    X, y = binary_problem
    cons = [{"type": "linear", "coef": {0: 1, 2: 1}, "lb": 2, "ub": 3}]
    clf = _fit(X, y, cons, mode)
    assert 2 <= clf.coef_[0] + clf.coef_[2] <= 3
    opt = _opt(oracle, X, y, clf, feasible=lambda c: 2 <= c[0] + c[2] <= 3)
    assert clf.objective_value_ == pytest.approx(opt, abs=1e-9)
    cons = [{"type": "cvxpy", "func": lambda coef: [coef[0] >= coef[1] + 1,
                                                     coef[2] == 0]}]
    clf = _fit(X, y, cons, mode)
    assert clf.coef_[0] >= clf.coef_[1] + 1 and clf.coef_[2] == 0
    opt = _opt(oracle, X, y, clf, feasible=lambda c: c[0] >= c[1] + 1 and c[2] == 0)
    assert clf.objective_value_ == pytest.approx(opt, abs=1e-9)


def test_features_by_name(binary_problem):
    pd = pytest.importorskip("pandas")
    X, y = binary_problem
    df = pd.DataFrame(X, columns=["a", "b", "c"])
    clf = SLIMClassifier(max_coef=3, C0=0.005, random_state=0,
                         constraints=[{"type": "sign", "feature": "a", "sign": -1}],
                         coef_set={"b": [0, 2]}).fit(df, y)
    assert clf.coef_[0] <= 0 and clf.coef_[1] in (0, 2)
    with pytest.raises(ValueError, match="unknown feature name"):
        SLIMClassifier(constraints=[{"type": "sign", "feature": "zz", "sign": 1}]).fit(df, y)
    with pytest.raises(ValueError, match="no feature names"):
        SLIMClassifier(constraints=[{"type": "sign", "feature": "a", "sign": 1}]).fit(X, y)


@pytest.mark.parametrize("constraints, match", [
    ([{"type": "nonsense"}], "unknown constraint type"),
    ([{"feature": 0}], "'type'"),
    ([{"type": "sign", "feature": 0, "sign": 2}], "sign"),
    ([{"type": "sign", "feature": 7, "sign": 1}], "out of range"),
    ([{"type": "max_fpr", "value": 1.5}], r"\[0, 1\]"),
    ([{"type": "max_features_in_group", "features": [0, 1], "k": -1}], "'k'"),
    ([{"type": "linear", "coef": {0: 1}, "lb": 2, "ub": 1}], "lb <= ub"),
])
def test_malformed_constraints(binary_problem, constraints, match):
    X, y = binary_problem
    with pytest.raises(ValueError, match=match):
        SLIMClassifier(constraints=constraints).fit(X, y)


@pytest.mark.parametrize("mode", MODES + [dict(max_enumeration=0)])
def test_infeasible_constraints_raise(binary_problem, mode):
    X, y = binary_problem
    # coefficient 0 is excluded by its set, and the sign forbids the rest
    with pytest.raises(ValueError, match="infeasible"):
        _fit(X, y, [{"type": "sign", "feature": 0, "sign": 1}], mode,
             coef_set={0: [-2, -1]})
    # a point seen with both labels: no rule has no false positive and no false negative
    X2, y2 = np.vstack([X, X[:1]]), np.append(y, 1 - y[0])
    with pytest.raises(ValueError, match="infeasible"):
        _fit(X2, y2, [{"type": "max_fpr", "value": 0.0}, {"type": "min_tpr", "value": 1.0}],
             mode)
    with pytest.raises(ValueError, match="infeasible"):
        _fit(X, y, [{"type": "linear", "coef": {0: 1}, "lb": 5, "ub": 6}], mode)

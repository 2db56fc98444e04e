"""Progress display and early stopping of the iterative estimators (sparselearn._progress).

Every iterative estimator takes ``verbose`` (0 silent, 1 a bar or plain lines for long fits,
>= 2 a line per iteration) and ``callback`` (a truthy return stops the fit at that iteration).
Each case below is a tiny fit; the output is captured with ``capfd`` (stdout and stderr at the
file-descriptor level, so that nothing printed anywhere escapes the check).
"""

import warnings

import numpy as np
import pytest

from sparselearn import _progress
from sparselearn.bayes import KroneckerSBL, RelevanceVectorClassifier
from sparselearn.decomposition import (DictionaryLearning, MaskedDictionaryLearning,
                                       MiniBatchDictionaryLearning, SemiNMF, SparseNMF)
from sparselearn.linear_model import SparseClassifier, SparseRegressor, SparseRegressorCV
from sparselearn.ot import SinkhornTransport
from sparselearn.penalties import MCP
from sparselearn.scoring import SLIMClassifier


def _signals(n_samples=30, n_features=8, seed=0):
    return np.random.default_rng(seed).standard_normal((n_samples, n_features))


def _nonneg(n_samples=20, n_features=8, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(size=(n_samples, 3)) @ rng.uniform(size=(3, n_features)) + 0.01


def _kron(seed=0):
    rng = np.random.default_rng(seed)
    A1, A2 = rng.standard_normal((6, 8)), rng.standard_normal((6, 8))
    x = np.zeros((8, 8))
    x[np.ix_([1, 5], [2, 6])] = [[1.0, -2.0], [1.5, 1.0]]
    return [A1, A2], np.kron(A1, A2) @ x.ravel() + 0.01 * rng.standard_normal(36)


def _classes(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((60, 5))
    return X, np.argmax(X[:, :3] + 0.3 * rng.standard_normal((60, 3)), axis=1)


# name -> (make(verbose, callback), data(), iterations of the fitted estimator, state keys)
CASES = {
    "DictionaryLearning": (
        lambda v, cb: DictionaryLearning(6, alpha=0.1, max_iter=6, tol=0.0, random_state=0,
                                         verbose=v, callback=cb),
        lambda: (_signals(),), lambda est: est.n_iter_,
        {"objective", "dictionary", "code", "errors"}),
    "MiniBatchDictionaryLearning": (
        lambda v, cb: MiniBatchDictionaryLearning(6, alpha=0.1, batch_size=10, max_iter=3,
                                                  tol=0.0, max_no_improvement=None,
                                                  random_state=0, verbose=v, callback=cb),
        lambda: (_signals(),), lambda est: est.n_steps_,
        {"objective", "epoch", "step", "dictionary", "batch_cost"}),
    "MaskedDictionaryLearning": (
        lambda v, cb: MaskedDictionaryLearning(6, n_nonzero_coefs=2, batch_size=10, max_iter=5,
                                               random_state=0, verbose=v, callback=cb),
        lambda: (_signals(),), lambda est: est.n_iter_, {"loss", "dictionary", "losses"}),
    "SemiNMF": (
        lambda v, cb: SemiNMF(3, max_iter=6, tol=0.0, random_state=0, verbose=v, callback=cb),
        lambda: (_signals(),), lambda est: est.n_iter_, {"objective", "W", "H"}),
    "SparseNMF": (
        lambda v, cb: SparseNMF(3, max_iter=6, tol=0.0, random_state=0, verbose=v, callback=cb),
        lambda: (_nonneg(),), lambda est: est.n_iter_, {"objective", "W", "H"}),
    "KroneckerSBL": (
        lambda v, cb: KroneckerSBL(max_iter=6, tol=0.0, verbose=v, callback=cb),
        _kron, lambda est: est.n_iter_, {"gamma_change", "gammas", "indices", "noise_var"}),
    # one compiled kernel per one-vs-rest fit: progress counts the binary fits
    "RelevanceVectorClassifier": (
        lambda v, cb: RelevanceVectorClassifier(max_iter=50, verbose=v, callback=cb),
        _classes, lambda est: est.classes_.size,
        {"log_evidence", "label", "n_iter", "n_active", "coef", "intercept"}),
    # one update per reg annealing stage of SNS (8 stages here)
    "SinkhornTransport": (
        lambda v, cb: SinkhornTransport(method="sns", reg_e=1e-3, verbose=v, callback=cb),
        lambda: (_signals(12, 2), None, _signals(10, 2, seed=1) + 1.0),
        lambda est: len(est.log_["stage_iter"]),
        {"marginal_error", "reg", "n_iter", "f", "g"}),
    # one update per optimality check of the working-set solver, the first at the start
    "SparseRegressor": (
        lambda v, cb: SparseRegressor(penalty=MCP(alpha=0.02), tol=1e-12, verbose=v,
                                      callback=cb),
        lambda: (_signals(40, 30), _signals(40, 1, seed=1).ravel()),
        lambda est: est.n_iter_, {"violation", "support", "coef", "intercept"}),
    "SparseClassifier": (
        lambda v, cb: SparseClassifier(tol=1e-12, verbose=v, callback=cb),
        lambda: (_signals(40, 30), (_signals(40, 1, seed=1).ravel() > 0).astype(int)),
        lambda est: int(est.n_iter_[0]), {"violation", "support", "coef", "intercept"}),
    # one update per fold (its path of alphas): the bar counts folds x alphas
    "SparseRegressorCV": (
        lambda v, cb: SparseRegressorCV(n_alphas=5, cv=4, verbose=v, callback=cb),
        lambda: (_signals(40, 6), _signals(40, 1, seed=1).ravel()),
        lambda est: est.mse_path_.shape[1], {"best_test_loss", "fold", "test_loss"}),
}
# no iteration cap known in advance (the solver's default cap is per target or class)
NO_TOTAL = {"SparseRegressor", "SparseClassifier"}
# estimators whose callback stop leaves n_iter_-like count at the stopping iteration
STOPPABLE = [name for name in CASES if name != "RelevanceVectorClassifier"]


def _fit(name, verbose=0, callback=None):
    make, data, n_iter, _ = CASES[name]
    est = make(verbose, callback)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence at these sizes is not what is tested
        est.fit(*data())
    return est, n_iter(est)


@pytest.fixture
def fast_display(monkeypatch):
    """The verbose=1 display from the first iteration on (no delay, no interval)."""
    monkeypatch.setattr(_progress, "DELAY", 0.0)
    monkeypatch.setattr(_progress, "INTERVAL", 0.0)


@pytest.mark.parametrize("name", CASES)
def test_verbose_0_prints_nothing(name, capfd):
    _fit(name, verbose=0)
    out, err = capfd.readouterr()
    assert out == "" and err == ""


@pytest.mark.parametrize("name", CASES)
def test_verbose_2_prints_one_line_per_iteration(name, capfd):
    est, n_iter = _fit(name, verbose=2)
    out, _ = capfd.readouterr()
    lines = [line for line in out.splitlines() if line.startswith(f"[{name}]")]
    assert len(lines) >= n_iter > 0


@pytest.mark.parametrize("name", CASES)
def test_verbose_1_short_fit_shows_nothing(name, capfd):
    """The display waits DELAY seconds (2 by default): these fits end before."""
    _fit(name, verbose=1)
    out, err = capfd.readouterr()
    assert out == "" and err == ""


@pytest.mark.parametrize("name", CASES)
def test_verbose_1_shows_a_bar_for_a_long_fit(name, capfd, fast_display):
    pytest.importorskip("tqdm")
    _fit(name, verbose=True)  # bool verbose is 1
    out, err = capfd.readouterr()
    assert out == ""
    # tqdm's bar, "name: 100%|#####| 6/6 [...]", or its counter "name: 12it [...]" when the
    # number of iterations is not known
    assert f"\r{name}: " in err and ("%|" in err or "it [" in err)


@pytest.mark.parametrize("name", CASES)
def test_verbose_1_plain_lines_without_tqdm(name, capfd, fast_display, monkeypatch):
    monkeypatch.setattr(_progress, "tqdm", None)
    _, n_iter = _fit(name, verbose=1)
    out, err = capfd.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert all(line.startswith(f"[{name}] ") for line in lines)
    if name in NO_TOTAL:  # one more report: the check at the start
        assert len(lines) == n_iter + 1
    else:  # the iteration cap is known: an upper bound on the time left
        assert len(lines) == n_iter and "s left" in lines[0]


@pytest.mark.parametrize("name", STOPPABLE)
def test_callback_true_stops_at_that_iteration(name):
    stop_at = 2
    states = []

    def callback(state):
        states.append(dict(state))
        return state["iteration"] == stop_at

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ConvergenceWarning for a requested stop
        make, data, n_iter, keys = CASES[name]
        est = make(0, callback).fit(*data())
    assert n_iter(est) == stop_at
    # (the working-set solver reports its start as iteration 0)
    assert [s["iteration"] for s in states][-stop_at:] == list(range(1, stop_at + 1))
    assert keys | {"iteration", "elapsed"} <= set(states[-1])
    assert states[-1]["elapsed"] >= states[0]["elapsed"] >= 0.0


@pytest.mark.parametrize("name", CASES)
def test_callback_none_return_runs_to_the_end(name):
    """scikit-learn's callbacks return None: the fit is the one without a callback."""
    calls = []
    est, n_iter = _fit(name, callback=calls.append)
    _, plain_n_iter = _fit(name)
    assert n_iter == plain_n_iter == len(calls) - (name in NO_TOTAL)  # + the start


def test_relevance_vector_classifier_callback_stops_the_one_vs_rest_fits():
    """Stopped after the first binary fit: the others keep the intercept-only start."""
    X, y = _classes()
    states = []
    stopped = RelevanceVectorClassifier(max_iter=50, callback=lambda s: states.append(s) or True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stopped.fit(X, y)
    full = RelevanceVectorClassifier(max_iter=50).fit(X, y)
    assert len(states) == 1 and states[0]["label"] == 0
    np.testing.assert_allclose(stopped.coef_[0], full.coef_[0])
    assert not np.any(stopped.coef_[1:]) and np.any(full.coef_[1:])
    assert stopped.predict_proba(X).shape == (60, 3)


def test_progress_helper(capfd, fast_display, monkeypatch):
    monkeypatch.setattr(_progress, "tqdm", None)
    with _progress.Progress("Demo", 1, total=4, unit="epoch") as progress:
        for _ in range(4):
            progress.update(gap=0.5)
        progress.log("hidden at verbose 1")
    err = capfd.readouterr().err.splitlines()
    assert err[0].startswith("[Demo] epoch 1/4: gap 0.5 (") and err[-1].startswith(
        "[Demo] epoch 4/4")
    with _progress.Progress("Demo", 2) as progress:
        progress.update(line="first")
        progress.log("done")
    assert capfd.readouterr().out == "[Demo] first\n[Demo] done\n"


def _slim_data(seed=0):
    rng = np.random.default_rng(seed)
    X = (rng.random((200, 16)) < 0.3).astype(float)
    return X, (X @ rng.integers(-3, 4, 16) + rng.normal(scale=2, size=200) > 0).astype(int)


def test_slim_reports_incumbent_bound_and_gap(capfd, fast_display, monkeypatch):
    """verbose=1: the heuristics' incumbent, then HiGHS's (in flight through highspy when it
    is installed, else once at the end), each line with the incumbent, bound and gap."""
    monkeypatch.setattr(_progress, "tqdm", None)
    X, y = _slim_data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the time limit leaves a gap
        clf = SLIMClassifier(C0=1e-4, max_enumeration=0, time_limit=1.0, random_state=0,
                             verbose=1).fit(X, y)
    out, err = capfd.readouterr()
    assert out == ""  # HiGHS's banner included
    lines = err.splitlines()
    assert len(lines) >= 2
    assert all("incumbent" in line and "bound" in line and "gap" in line for line in lines)
    assert clf.objective_bound_ <= clf.objective_value_
    assert clf.mip_gap_ == pytest.approx(
        (clf.objective_value_ - clf.objective_bound_) / clf.objective_value_)


@pytest.mark.parametrize("stop_on", ["heuristic", "highs"])
def test_slim_callback_stops_the_search(stop_on, capfd):
    X, y = _slim_data()
    states = []

    def callback(state):
        states.append(state)
        return state["source"] == stop_on

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ConvergenceWarning for a requested stop
        clf = SLIMClassifier(C0=1e-4, max_enumeration=0, time_limit=20.0, random_state=0,
                             callback=callback).fit(X, y)
    assert capfd.readouterr() == ("", "")
    assert states[0]["source"] == "heuristic" and states[-1]["source"] == stop_on
    assert {"iteration", "incumbent", "bound", "gap", "coef", "elapsed"} <= set(states[-1])
    assert "stopped by the callback" in clf.solve_status_
    # the model kept is the best seen, never worse than any reported incumbent
    assert clf.objective_value_ <= min(s["incumbent"] for s in states) + 1e-12
    if stop_on == "heuristic":
        assert len(states) == 1 and clf.mip_gap_ == np.inf
    else:
        assert clf.objective_bound_ <= clf.objective_value_

"""Planted-atom recovery of the dictionary learners and the accuracy of their coding steps
(issue 15, items 3 and 4)."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Lasso

from sparselearn._core import dict_learning as _dict_learning
from sparselearn.decomposition import (DictionaryLearning, MiniBatchDictionaryLearning,
                                       dictionary_recovery_score)
from sparselearn.decomposition._synthetic import planted_dictionary_data


def _planted_30db(n_samples, n_components, n_nonzero_coefs, seed):
    """Signals of 20 features from a planted dictionary with white noise 30 dB below them."""
    X, D, _ = planted_dictionary_data(n_samples, n_components, 20, n_nonzero_coefs,
                                      random_state=seed)
    sigma = np.sqrt(np.mean(X**2) / 1e3)
    return X + sigma * np.random.default_rng(seed).standard_normal(X.shape), D


@pytest.mark.parametrize("n_components, n_nonzero_coefs, floor",
                         [(50, 3, 0.78), (50, 5, 0.78), (100, 3, 0.78), (100, 5, 0.75)])
def test_minibatch_recovers_planted_atoms_in_120_steps(global_random_seed, n_components,
                                                        n_nonzero_coefs, floor):
    # 120 steps of 256 signals, alpha = 0.5, default parameters (issue 15 item 3). With the old
    # rule (forget_rate=1, close to scikit-learn's) 0.0-0.78 of the atoms were found on such
    # problems (scikit-learn 0.0-0.86, SPAMS 0.0-0.96). Forgetting the early codes faster:
    # >= 0.85 (the goal) on 57 of the 60 runs of seeds 0-19, the others 0.80-0.84. At
    # K = 100, s = 5 one alternation per batch found 0.57-0.82 over seeds 0-7 (0.59 at seed
    # 0; scikit-learn and SPAMS none); the default now takes three alternations of three BCD
    # sweeps on batches of at least 2 signals per atom: 0.79-0.98 over seeds 0-19 (two
    # alternations: 0.73-0.97)
    batch_size, n_steps = 256, 120
    X, D = _planted_30db(batch_size * n_steps, n_components, n_nonzero_coefs, global_random_seed)
    kw = dict(alpha=0.5, batch_size=batch_size, max_iter=1, shuffle=False, tol=0,
              max_no_improvement=None, random_state=global_random_seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        dl = MiniBatchDictionaryLearning(n_components, **kw).fit(X)
    assert dl.n_steps_ == n_steps
    assert dictionary_recovery_score(D, dl.components_) >= floor


def test_minibatch_recovery_at_100_atoms_5_nonzeros_over_seeds(global_random_seed):
    # issue 15 item 3's hardest setting, K = 100, s = 5, 120 steps: the mean over four seeds
    # reaches the goal, 0.85. The misses are mostly atoms found (|cos| 0.9-0.99 with a learned
    # atom) but not yet refined past 0.99, plus a few planted atoms that one learned atom
    # shares next to a barely used one. With two alternations per batch seeds 8-11 found
    # 0.85, 0.73, 0.78, 0.87 (mean 0.81); with three 0.88, 0.90, 0.91, 0.85 (seeds 0-19:
    # mean 0.885, min 0.79, against 0.847, min 0.73)
    batch_size, n_steps = 256, 120
    kw = dict(alpha=0.5, batch_size=batch_size, max_iter=1, shuffle=False, tol=0,
              max_no_improvement=None)
    scores = []
    for seed in range(8 + 4 * global_random_seed, 12 + 4 * global_random_seed):
        X, D = _planted_30db(batch_size * n_steps, 100, 5, seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            dl = MiniBatchDictionaryLearning(100, random_state=seed, **kw).fit(X)
        scores.append(dictionary_recovery_score(D, dl.components_))
    assert np.mean(scores) >= 0.85
    assert min(scores) >= 0.75


def test_minibatch_default_alternations_follow_the_batch_size():
    # "auto": three alternations of three sweeps with >= 2 signals per atom in a batch, else the
    # single alternation of one sweep (256 atoms on batches of 256 patches: extra
    # alternations raise the held-out objective there)
    X, _ = _planted_30db(4 * 32, 16, 2, 0)
    dict_init = X[:16] / np.linalg.norm(X[:16], axis=1, keepdims=True)
    kw = dict(alpha=0.1, batch_size=32, dict_init=dict_init, max_iter=1, shuffle=False, tol=0,
              max_no_improvement=None, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for n_components, expected in ((16, (3, 3)), (17, (1, 1))):
            init = np.vstack([dict_init, X[16:n_components]])
            init /= np.linalg.norm(init, axis=1, keepdims=True)
            assert _dict_learning.batch_alternations("auto", 32, n_components) == expected
            auto = MiniBatchDictionaryLearning(n_components, **dict(kw, dict_init=init)).fit(X)
            ref = MiniBatchDictionaryLearning(n_components, **dict(kw, dict_init=init))
            coding = ref._fit_coding(20, n_components)
            D, A, B = init.copy(), np.zeros((n_components,) * 2), np.zeros((n_components, 20))
            rng = np.random.RandomState(0)
            for step in range(4):
                _dict_learning.minibatch_step(D, A, B, X[32 * step:32 * (step + 1)], step, coding,
                                              False, True, rng, 16.0, *expected)
            np.testing.assert_allclose(auto.components_, D, rtol=0, atol=1e-10)
    assert _dict_learning.batch_alternations(3, 32, 16) == (3, 1)


@pytest.mark.parametrize("forget_rate, n_batch_iter", [(0.0, 1), (1.0, 1), (8.0, 1), (8.0, 2)])
def test_minibatch_statistics_follow_the_forgetting_rule(global_random_seed, forget_rate,
                                                         n_batch_iter):
    # A_t = beta_t A_{t-1} + C_t^T C_t / b, B likewise, with beta_t = (1 - 1/t)^rho at step t
    # (from 1): rho = 0 weighs every batch alike. With two alternations per batch, C_t are the
    # codes over the atoms after the step's first sweep (warm-started from the first codes)
    X, _ = _planted_30db(5 * 32, 16, 2, global_random_seed)
    dict_init = X[:16] / np.linalg.norm(X[:16], axis=1, keepdims=True)
    dl = MiniBatchDictionaryLearning(16, alpha=0.1, batch_size=32, forget_rate=forget_rate,
                                     n_batch_iter=n_batch_iter, dict_init=dict_init,
                                     replace_atoms=False, random_state=global_random_seed)
    coding = dl._fit_coding(20, 16)
    expected_A = np.zeros((16, 16))
    expected_B = np.zeros((16, 20))
    all_codes = []
    for step in range(5):
        batch = X[32 * step:32 * (step + 1)]
        D = (dict_init if step == 0 else dl.components_).copy()
        beta = (step / (step + 1)) ** forget_rate if step else 0.0
        codes, _, _ = _dict_learning.encode_signals(batch, D, coding)
        if n_batch_iter == 2:
            first_A = beta * expected_A + codes.T @ codes / 32
            first_B = beta * expected_B + codes.T @ batch / 32
            _dict_learning.bcd_sweep(D, first_A, first_B, False)
            codes, _, _ = _dict_learning.encode_signals(batch, D, coding, init=codes)
        all_codes.append(codes)
        dl.partial_fit(batch)
        expected_A = beta * expected_A + codes.T @ codes / 32
        expected_B = beta * expected_B + codes.T @ batch / 32
    np.testing.assert_allclose(dl._A, expected_A, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dl._B, expected_B, rtol=1e-10, atol=1e-12)
    if forget_rate == 0.0:
        codes = np.vstack(all_codes)
        np.testing.assert_allclose(dl._A, codes.T @ codes / 32, rtol=1e-10, atol=1e-12)
    with pytest.raises(ValueError, match="forget_rate"):
        MiniBatchDictionaryLearning(16, forget_rate=-1.0).fit(X)
    with pytest.raises(ValueError, match="n_batch_iter"):
        MiniBatchDictionaryLearning(16, n_batch_iter=0).fit(X)


@pytest.mark.parametrize("init", ["data", "random", "dict_init"])
def test_batch_recovers_planted_atoms_from_any_initialization(global_random_seed, init):
    # noiseless K-SVD regime (d = 20, 50 atoms, 3 nonzeros, 1500 signals), OMP codes, BCD atoms.
    # Alternating minimization stalls where one learned atom mixes two planted ones and another
    # is barely used, or cycles with OMP codes: on main 0.84-1.0 by initialization (seeds 0-7,
    # e.g. 0.92 from random atoms with random_state=2). At a stall the weakest atoms now restart
    # from the worst represented residuals, kept only if the objective drops: 0.96-1.0
    X, D, _ = planted_dictionary_data(1500, 50, 20, 3, random_state=0)
    for random_state in range(3 * global_random_seed, 3 * global_random_seed + 3):
        kw = {"init": init}
        if init == "dict_init":
            kw = {"dict_init": np.random.default_rng(random_state).standard_normal((50, 20))}
        dl = DictionaryLearning(50, fit_algorithm="omp", n_nonzero_coefs=3,
                                random_state=random_state, **kw).fit(X)
        assert dictionary_recovery_score(D, dl.components_) >= 0.95
        assert dl.n_iter_ < 1000


@pytest.mark.parametrize("init, random_state", [("data", 14), ("data", 15), ("dict_init", 12)])
def test_batch_escape_is_retried_with_more_atoms(init, random_state):
    # the runs of random states 0-15 that stopped at 0.92 when the fit stopped at the first
    # escape that did not pay (two planted atoms shared by learned ones that were not among the
    # weakest few); retrying from the restored dictionary with twice as many of its least used
    # atoms (three tries) finds >= 0.96 on all 48 runs of the three initializations
    X, D, _ = planted_dictionary_data(1500, 50, 20, 3, random_state=0)
    kw = {"init": init}
    if init == "dict_init":
        kw = {"dict_init": np.random.default_rng(random_state).standard_normal((50, 20))}
    dl = DictionaryLearning(50, fit_algorithm="omp", n_nonzero_coefs=3, random_state=random_state,
                            **kw).fit(X)
    assert dictionary_recovery_score(D, dl.components_) >= 0.95
    assert dl.n_iter_ < 1000


def test_fit_coding_steps_satisfy_the_lasso_kkt_conditions(global_random_seed):
    # the coding step of a fit (CD, L1) stops on its duality gap: the codes are Lasso solutions
    # (on main the fixed-point rule left KKT violations of 1e-4-1e-3 alpha)
    n_components, n_features, alpha = 30, 16, 0.2
    X, _, _ = planted_dictionary_data(300, n_components, n_features, 3, noise=0.05,
                                      random_state=global_random_seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        dl = DictionaryLearning(n_components, alpha=alpha, max_iter=3,
                                random_state=global_random_seed).fit(X)
    D = dl.components_
    coding = dl._fit_coding(n_features, n_components)
    previous = np.ascontiguousarray(Lasso(alpha=2 * alpha / n_features, fit_intercept=False)
                                    .fit(D.T, X.T).coef_)
    for init in (None, previous):  # cold start (online steps), warm start (batch steps)
        codes, _, failures = _dict_learning.encode_signals(X, D, coding, init=init)
        assert not failures
        grad = (X - codes @ D) @ D.T
        violation = np.where(codes != 0, np.abs(grad - alpha * np.sign(codes)),
                             np.maximum(np.abs(grad) - alpha, 0.0))
        assert violation.max() <= 1e-6 * alpha
    ref = Lasso(alpha=alpha / n_features, fit_intercept=False, tol=1e-12, max_iter=100_000)
    ref = ref.fit(D.T, X.T).coef_
    objective = 0.5 * np.sum((X - codes @ D) ** 2) + alpha * np.abs(codes).sum()
    best = 0.5 * np.sum((X - ref @ D) ** 2) + alpha * np.abs(ref).sum()
    assert objective <= best * (1 + 1e-6)

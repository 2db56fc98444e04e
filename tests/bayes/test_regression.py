import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import ARDRegression, OrthogonalMatchingPursuit
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from sparselearn.bayes import SparseBayesianRegression, sparse_bayesian_learning


def _problem(seed, n_samples=100, n_features=256, k=10, snr_db=20.0, n_targets=None):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features))
    support = np.sort(rng.choice(n_features, k, replace=False))
    shape = (n_features,) if n_targets is None else (n_features, n_targets)
    w = np.zeros(shape)
    w[support] = rng.choice([-1.0, 1.0], (k,) + shape[1:]) * (1.0 + rng.random((k,) + shape[1:]))
    signal = X @ w
    noise_std = np.sqrt(np.mean(signal ** 2) / 10 ** (snr_db / 10))
    y = signal + noise_std * rng.standard_normal(signal.shape)
    return X, y, w, support, noise_std ** 2


def _nmse(w_hat, w):
    return np.sum((w_hat - w) ** 2) / np.sum(w ** 2)


@parametrize_with_checks([SparseBayesianRegression(), SparseBayesianRegression(method="em")])
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.mark.parametrize("seed", [3, 4, 5])
def test_fast_exact_support_beats_omp(seed):
    X, y, w, support, _ = _problem(seed)
    sbl = SparseBayesianRegression().fit(X, y)
    assert np.array_equal(sbl.active_, support)
    # OMP told the true sparsity is an oracle: SBL (which is not told) matches it within 2 %
    oracle_omp = OrthogonalMatchingPursuit(n_nonzero_coefs=10).fit(X, y)
    assert _nmse(sbl.coef_, w) <= _nmse(oracle_omp.coef_, w) * 1.02
    omp = OrthogonalMatchingPursuit().fit(X, y)  # scikit-learn's default sparsity
    assert _nmse(sbl.coef_, w) < _nmse(omp.coef_, w)
    ard = ARDRegression().fit(X, y)
    assert _nmse(sbl.coef_, w) < _nmse(ard.coef_, w)
    assert np.count_nonzero(sbl.coef_) < np.count_nonzero(ard.coef_)


def test_learned_noise_does_not_run_away(global_random_seed):
    X, y, w, support, noise_var = _problem(global_random_seed)
    sbl = SparseBayesianRegression().fit(X, y)
    assert 10 <= sbl.active_.size <= 13
    assert np.isin(support, sbl.active_).all()
    assert 0.5 * noise_var < sbl.noise_var_ < 2.0 * noise_var
    assert sbl.alpha_ == pytest.approx(1.0 / sbl.noise_var_)


def test_low_snr_stays_sparse(global_random_seed):
    # 5 dB: the first (adding) sweep used to run at 0.1 var(y), below the true noise
    # (0.24 var(y)), and kept 38-46 features for k = 10 (NMSE 0.57 mean, noise learned at 0.12
    # of the truth). It now starts at ten times a pilot residual estimate, capped at var(y).
    # Measured on seeds 0-29: 12-22 features, at least 8 of the 10 true ones, NMSE 0.19 mean
    # (0.34 worst) vs ARD's 0.65, noise at 0.41-0.82 of the truth.
    X, y, w, support, noise_var = _problem(global_random_seed, snr_db=5.0)
    sbl = SparseBayesianRegression().fit(X, y)
    assert sbl.active_.size <= 25
    assert np.isin(support, sbl.active_).sum() >= 7
    assert _nmse(sbl.coef_, w) < 0.45
    assert _nmse(sbl.coef_, w) < _nmse(ARDRegression().fit(X, y).coef_, w)
    assert sbl.noise_var_ > 0.3 * noise_var


@pytest.mark.parametrize("snr_db, max_nnz", [(10.0, 13), (20.0, 12)])
def test_nnz_near_k_over_snr(snr_db, max_nnz):
    # mean over seeds 0-19 (before -> after the pilot noise): 10 dB 31.8 -> 10.7 features,
    # NMSE 0.111 -> 0.024; 20 dB 10.6 -> 10.3, NMSE 0.0019 -> 0.0018, exact support 12 -> 13
    nnz, nmse = [], []
    for seed in range(8):
        X, y, w, support, _ = _problem(seed, snr_db=snr_db)
        sbl = SparseBayesianRegression().fit(X, y)
        assert np.isin(support, sbl.active_).all()
        nnz.append(sbl.active_.size)
        nmse.append(_nmse(sbl.coef_, w))
    assert max(nnz) <= max_nnz and np.mean(nnz) <= 11.5
    assert np.mean(nmse) < (0.04 if snr_db == 10.0 else 0.003)


@pytest.mark.parametrize("method", ["fast", "em"])
def test_marginal_likelihood_never_decreases(method, global_random_seed):
    X, y, *_ = _problem(global_random_seed, n_samples=60, n_features=120, k=6)
    sbl = SparseBayesianRegression(method=method, compute_score=True).fit(X, y)
    scores = sbl.scores_
    assert scores.size > 3
    assert np.all(np.diff(scores) >= -1e-7 * np.abs(scores[:-1]))


def test_log_evidence_matches_direct_gaussian(global_random_seed):
    from scipy.stats import multivariate_normal

    X, y, *_ = _problem(global_random_seed, n_samples=40, n_features=60, k=4)
    sbl = SparseBayesianRegression(fit_intercept=False).fit(X, y)
    Xa = X[:, sbl.active_]
    cov = sbl.noise_var_ * np.eye(40) + (Xa / sbl.lambda_[sbl.active_]) @ Xa.T
    direct = multivariate_normal(np.zeros(40), cov).logpdf(y)
    assert sbl.scores_[-1] == pytest.approx(direct, rel=1e-8)


@pytest.mark.parametrize("seed", [3, 4])
def test_em_and_fast_same_evidence(seed):
    X, y, *_ = _problem(seed)
    fast = SparseBayesianRegression(compute_score=True).fit(X, y)
    em = SparseBayesianRegression(method="em", tol=1e-4, max_iter=3000).fit(X, y)
    assert em.scores_[-1] == pytest.approx(fast.scores_[-1], abs=1e-3 * abs(fast.scores_[-1]))
    assert np.array_equal(em.active_, fast.active_)


def test_fixed_noise_em_and_fast_close(global_random_seed):
    X, y, _, _, noise_var = _problem(global_random_seed, n_samples=60, n_features=120, k=6)
    fast = SparseBayesianRegression(noise_var=noise_var).fit(X, y)
    em = SparseBayesianRegression(method="em", noise_var=noise_var, tol=1e-5, max_iter=5000).fit(X, y)
    assert em.noise_var_ == fast.noise_var_ == pytest.approx(noise_var)
    # two local maxima of one objective: within 5 % of each other
    assert em.scores_[-1] == pytest.approx(fast.scores_[-1], rel=0.05)


def test_posterior_matches_closed_form():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((8, 3))
    y = X @ np.array([2.0, -1.0, 0.5]) + 0.1 * rng.standard_normal(8)
    sbl = SparseBayesianRegression(fit_intercept=False, noise_var=0.01).fit(X, y)
    active = sbl.active_
    Xa = X[:, active]
    sigma = np.linalg.inv(Xa.T @ Xa / 0.01 + np.diag(sbl.lambda_[active]))
    assert np.allclose(sbl.sigma_, sigma, rtol=1e-8)
    assert np.allclose(sbl.coef_[active], sigma @ Xa.T @ y / 0.01, rtol=1e-8)
    # optimal precisions: fixed point lambda_j = 1 / (mu_j^2 / (1 - lambda_j Sigma_jj))
    mu = sbl.coef_[active]
    lam = sbl.lambda_[active]
    fixed_point = (1.0 - lam * np.diag(sigma)) / mu ** 2
    assert np.allclose(lam, fixed_point, rtol=1e-2)
    Xnew = rng.standard_normal((4, 3))
    _, std = sbl.predict(Xnew, return_std=True)
    expected = np.sqrt(0.01 + np.einsum("ij,jk,ik->i", Xnew[:, active], sigma, Xnew[:, active]))
    assert np.allclose(std, expected)


def test_msbl_shared_support(global_random_seed):
    X, Y, W, support, _ = _problem(global_random_seed, n_samples=40, n_features=100, k=8,
                                   n_targets=4)
    for method in ["fast", "em"]:
        sbl = SparseBayesianRegression(method=method, tol=1e-4, max_iter=3000).fit(X, Y)
        assert sbl.coef_.shape == (4, 100)
        assert np.array_equal(sbl.active_, support)
        assert _nmse(sbl.coef_.T, W) < 0.01
        mean, std = sbl.predict(X[:3], return_std=True)
        assert mean.shape == std.shape == (3, 4)
    # one target alone is too hard for SBL at this undersampling
    single = SparseBayesianRegression().fit(X, Y[:, 0])
    assert _nmse(single.coef_, W[:, 0]) > _nmse(sbl.coef_[0], W[:, 0])


def test_intercept_and_pipeline():
    X, y, w, support, _ = _problem(3, n_samples=80, n_features=60, k=5)
    sbl = SparseBayesianRegression().fit(X, y + 7.0)
    assert sbl.intercept_ == pytest.approx(7.0, abs=0.2)
    pipe = make_pipeline(StandardScaler(), SparseBayesianRegression()).fit(X, y)
    assert pipe.score(X, y) > 0.95
    grid = GridSearchCV(SparseBayesianRegression(), {"method": ["fast", "em"]}, cv=3).fit(X, y)
    assert grid.best_score_ > 0.9
    again = pickle.loads(pickle.dumps(sbl))
    assert np.array_equal(again.predict(X), sbl.predict(X))
    assert clone(sbl).get_params() == sbl.get_params()


def test_float32_kept():
    X, y, *_ = _problem(0, n_samples=50, n_features=40, k=3)
    sbl = SparseBayesianRegression().fit(X.astype(np.float32), y.astype(np.float32))
    assert sbl.coef_.dtype == np.float32
    assert sbl.predict(X.astype(np.float32)).dtype == np.float32


def test_convergence_warning():
    X, y, *_ = _problem(0, n_samples=60, n_features=120, k=6)
    with pytest.warns(ConvergenceWarning, match="max_iter"):
        SparseBayesianRegression(max_iter=2).fit(X, y)
    with pytest.warns(ConvergenceWarning, match="max_iter"):
        SparseBayesianRegression(method="em", max_iter=2).fit(X, y)


def test_bad_input():
    X, y, *_ = _problem(0, n_samples=30, n_features=20, k=3)
    Xnan = X.copy()
    Xnan[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        SparseBayesianRegression().fit(Xnan, y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        SparseBayesianRegression().fit(X, y[:-1])
    with pytest.raises(ValueError, match="method"):
        SparseBayesianRegression(method="newton").fit(X, y)
    with pytest.raises(ValueError, match="noise_var"):
        SparseBayesianRegression(noise_var=-1.0).fit(X, y)
    with pytest.raises(ValueError, match="[Cc]omplex"):
        SparseBayesianRegression().fit(X + 1j, y)


def test_function_form_checks_its_input():
    X, y, *_ = _problem(0, n_samples=30, n_features=20, k=3)
    Xnan, yinf = X.copy(), y.copy()
    Xnan[0, 0], yinf[1] = np.nan, np.inf
    with pytest.raises(ValueError, match="X contains NaN"):
        sparse_bayesian_learning(Xnan, y)
    with pytest.raises(ValueError, match="y contains infinity"):
        sparse_bayesian_learning(X, yinf)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        sparse_bayesian_learning(X, y[:-1])
    with pytest.raises(ValueError, match="method"):
        sparse_bayesian_learning(X, y, method="newton")
    with pytest.raises(ValueError, match="noise_var"):
        sparse_bayesian_learning(X, y, noise_var=0.0)
    # lists are arrays too, and give the same fit as the estimator without intercept
    result = sparse_bayesian_learning(X.tolist(), y.tolist())
    est = SparseBayesianRegression(fit_intercept=False).fit(X, y)
    np.testing.assert_allclose(result["coef"][0], est.coef_)


def test_rank_deficient_design():
    # duplicated and zero columns: the fit stays finite and uses one copy of the signal
    rng = np.random.default_rng(0)
    base = rng.standard_normal((30, 5))
    X = np.hstack([base, base, np.zeros((30, 2))])
    y = 2.0 * base[:, 1]
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        sbl = SparseBayesianRegression(fit_intercept=False).fit(X, y)
    assert np.all(np.isfinite(sbl.coef_))
    assert sbl.coef_[1] + sbl.coef_[6] == pytest.approx(2.0, rel=1e-3)
    assert np.all(sbl.coef_[10:] == 0.0)
    zero = SparseBayesianRegression().fit(np.zeros((10, 3)), rng.standard_normal(10))
    assert np.all(zero.coef_ == 0.0) and zero.active_.size == 0


def test_threshold_lambda_and_deprecated_threshold_alpha():
    X, y, *_ = _problem(0, n_samples=40, n_features=60, k=4)
    default = SparseBayesianRegression(method="em").fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        new = SparseBayesianRegression(method="em", threshold_lambda=10.0).fit(X, y)
        from_function = sparse_bayesian_learning(X, y, method="em", threshold_lambda=10.0)
    # the threshold is used: pruning at a lower precision stops the EM earlier
    assert new.n_iter_ != default.n_iter_
    with pytest.warns(FutureWarning, match="threshold_alpha.*threshold_lambda"):
        old = SparseBayesianRegression(method="em", threshold_alpha=10.0).fit(X, y)
    for attr in ["coef_", "lambda_", "sigma_", "active_", "n_iter_", "noise_var_"]:
        np.testing.assert_array_equal(getattr(old, attr), getattr(new, attr))
    with pytest.warns(FutureWarning, match="threshold_alpha.*threshold_lambda"):
        old_function = sparse_bayesian_learning(X, y, method="em", threshold_alpha=10.0)
    np.testing.assert_array_equal(old_function["coef"], from_function["coef"])
    # the old name stays a plain parameter: get_params, clone, validation
    assert SparseBayesianRegression().get_params()["threshold_alpha"] == "deprecated"
    est = SparseBayesianRegression(threshold_alpha=10.0)
    assert clone(est).get_params()["threshold_alpha"] == 10.0
    with pytest.raises(ValueError, match="threshold_alpha"):
        SparseBayesianRegression(threshold_alpha=-1.0).fit(X, y)
    with pytest.raises(ValueError, match="threshold_lambda"):
        SparseBayesianRegression(threshold_lambda=0.0).fit(X, y)


def test_verbose_is_an_int(capsys):
    X, y, *_ = _problem(0, n_samples=30, n_features=20, k=3)
    assert SparseBayesianRegression().get_params()["verbose"] == 0
    SparseBayesianRegression().fit(X, y)
    assert capsys.readouterr().out == ""
    SparseBayesianRegression(verbose=1).fit(X, y)
    assert "[SparseBayesianRegression]" in capsys.readouterr().out


def _issue15_problem(seed, k, n_samples=100, n_features=256, noise_std=0.01):
    # issue 15: Gaussian design with unit-norm columns (in expectation), k nonzeros of random
    # sign and magnitude in [1, 2), noise sigma = 0.01 (about 37 dB at k = 20)
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features)) / np.sqrt(n_samples)
    support = np.sort(rng.choice(n_features, k, replace=False))
    w = np.zeros(n_features)
    w[support] = rng.choice([-1.0, 1.0], k) * (1.0 + rng.random(k))
    return X, X @ w + noise_std * rng.standard_normal(n_samples), w, support


@pytest.mark.parametrize("k", [10, 20])
def test_fast_exact_support_at_moderate_sparsity(k, global_random_seed):
    # issue 15. Seeds 0-19 before -> after: k = 10 exact support 15 -> 20 (a null feature with
    # z^2 > 10 entered at ten times the noise), k = 20 11 -> 20 (the adding noise stalled at
    # var(y), where a shrunken fit leaves 18 % of y unexplained; the adding sweep ran there
    # and picked wrong features), NMSE 5.9e-2 -> 5.3e-5 mean, as EM-SBL (5.3e-5, 20/20).
    # Kept by the one-run adding phase with rank-one updates (20/20 at k = 10 and 20).
    X, y, w, support = _issue15_problem(global_random_seed, k)
    sbl = SparseBayesianRegression().fit(X, y)
    assert np.array_equal(sbl.active_, support)
    assert _nmse(sbl.coef_, w) < 2e-4
    assert 0.3e-4 < sbl.noise_var_ < 3e-4


def test_fast_exact_support_k30_over_seeds():
    # issue 15, k = 30 of 256 with 100 samples (near the recovery limit), seeds 0-19: fast SBL
    # finds the exact support as often as EM-SBL (19 each; fast 0 -> 17 with the pilot noise,
    # 19 with the restart from a higher ratio when a fit leaves > 1 % of y to the noise; the
    # one-run adding phase: 16 alone, 19 with its restart); ARDRegression 0 (it keeps small
    # spurious weights)
    # (EM-SBL's 19 measured once: its 20 fits take half a minute, too long to repeat here)
    exact = 0
    for seed in range(20):
        X, y, w, support = _issue15_problem(seed, 30)
        exact += np.array_equal(SparseBayesianRegression().fit(X, y).active_, support)
    assert exact >= 19

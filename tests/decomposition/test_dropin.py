"""scikit-learn drop-in behaviour of the coders and learners (issue 14): ``"lars"`` learning and
coding, float32 kept, ``split_sign``, ``max_iter=0``, non-negative mini-batch learning,
all-zero codes, and ``check_estimator`` from the defaults."""

import warnings

import numpy as np
import pytest
from sklearn.decomposition import SparseCoder as SkSparseCoder
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.estimator_checks import parametrize_with_checks

from sparselearn.decomposition import (DictionaryLearning, MaskedDictionaryLearning,
                                       MiniBatchDictionaryLearning, SparseCoder)
from sparselearn.decomposition._synthetic import planted_dictionary_data


def _data(seed, n_samples=60, n_components=8, n_features=10, k=2):
    X, D, _ = planted_dictionary_data(n_samples, n_components, n_features, k,
                                      random_state=seed)
    return X, D


def test_fit_algorithm_lars_is_the_lasso_of_cd(global_random_seed):
    # "lars" (LARS-Lasso) and "cd" reach the same Lasso codes, so the same first learning step
    # (later steps may replace different atoms: the trajectories then part)
    # (from Gaussian atoms: 8 in 10 dimensions, a unique Lasso solution; data-sample atoms can
    # be linearly dependent, and then the Lasso codes are not unique)
    X, _ = _data(global_random_seed)
    V = np.random.default_rng(global_random_seed).standard_normal((8, X.shape[1]))
    kw = dict(n_components=8, alpha=0.1, max_iter=1, tol=0.0, dict_init=V,
              random_state=global_random_seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        lars = DictionaryLearning(fit_algorithm="lars", **kw).fit(X)
        cd = DictionaryLearning(fit_algorithm="cd", **kw).fit(X)
    # "cd" certifies its codes to a 1e-6 relative objective gap, "lars" is exact
    np.testing.assert_allclose(lars.components_, cd.components_, atol=1e-4)


@pytest.mark.parametrize("algorithm", ["lars", "lasso_lars"])
def test_sparse_coder_lars_matches_sklearn(global_random_seed, algorithm):
    X, D = _data(global_random_seed, n_samples=8)
    ours = SparseCoder(D, transform_algorithm=algorithm, transform_alpha=0.05,
                       transform_n_nonzero_coefs=3).transform(X)
    theirs = SkSparseCoder(D, transform_algorithm=algorithm, transform_alpha=0.05,
                           transform_n_nonzero_coefs=3).transform(X)
    np.testing.assert_allclose(ours, theirs, atol=1e-9)


@pytest.mark.parametrize("Learner", [DictionaryLearning, MiniBatchDictionaryLearning])
def test_float32_kept(Learner):
    X, _ = _data(0)
    X32 = X.astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        dl = Learner(n_components=6, alpha=0.1, max_iter=3, fit_algorithm="lars",
                     transform_algorithm="lasso_lars", random_state=0).fit(X32)
    assert dl.components_.dtype == np.float32
    assert dl.transform(X32).dtype == np.float32
    assert dl.inverse_transform(dl.transform(X32)).dtype == np.float32
    dl64 = Learner(n_components=6, alpha=0.1, max_iter=3, fit_algorithm="lars",
                   transform_algorithm="lasso_lars", random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        dl64.fit(X)
    # learned in float64 either way: the float32 arrays are the float64 ones rounded
    np.testing.assert_allclose(dl.components_, dl64.components_, atol=1e-5)
    if Learner is MiniBatchDictionaryLearning:
        assert dl._A.dtype == dl._B.dtype == np.float32
        dl.partial_fit(X32[:10])
        assert dl.components_.dtype == dl._A.dtype == np.float32


def test_split_sign_transform_and_inverse():
    X, D = _data(1, n_samples=10)
    coder = SparseCoder(D, transform_algorithm="lasso_lars", transform_alpha=0.01)
    code = coder.transform(X)
    split = coder.set_params(split_sign=True).transform(X)
    assert split.shape == (10, 16) and split.min() >= 0.0
    np.testing.assert_array_equal(split[:, :8] - split[:, 8:], code)
    np.testing.assert_allclose(coder.inverse_transform(split), code @ D)
    assert len(coder.fit(X).get_feature_names_out()) == 16
    with pytest.raises(ValueError, match="Expected 16, got 8"):
        coder.inverse_transform(code)


@pytest.mark.parametrize("Learner", [DictionaryLearning, MiniBatchDictionaryLearning])
def test_max_iter_zero_keeps_dict_init(Learner):
    X, _ = _data(2)
    V = np.random.default_rng(0).standard_normal((8, X.shape[1])) * 3.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no convergence warning: nothing was asked to run
        dl = Learner(n_components=8, max_iter=0, dict_init=V, random_state=0).fit(X)
    np.testing.assert_array_equal(dl.components_, V)
    assert dl.n_iter_ == 0


@pytest.mark.parametrize("fit_algorithm", ["cd", "lars"])
def test_minibatch_positive_dict_and_code(global_random_seed, fit_algorithm):
    X = np.random.default_rng(global_random_seed).standard_normal((40, 8))
    dl = MiniBatchDictionaryLearning(8, alpha=0.1, batch_size=4, max_iter=5, random_state=0,
                                     fit_algorithm=fit_algorithm, transform_algorithm="lasso_lars",
                                     positive_code=True, positive_dict=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        dl.fit(X)
    assert dl.components_.min() >= 0.0
    np.testing.assert_allclose(np.linalg.norm(dl.components_, axis=1), 1.0, atol=1e-10)
    code = dl.transform(X)
    assert code.min() >= 0.0 and np.any(code > 0)


def test_minibatch_all_zero_codes_warn_naming_alpha():
    X = np.random.default_rng(0).standard_normal((50, 6))
    X /= np.linalg.norm(X, axis=1, keepdims=True)  # every correlation <= 1 < alpha
    with pytest.warns(UserWarning, match=r"alpha=2\.0\) is too large"):
        MiniBatchDictionaryLearning(4, alpha=2.0, batch_size=10, random_state=0).fit(X)


def test_masked_defaults_adapt_to_small_inputs():
    X = np.random.default_rng(0).standard_normal((30, 3))
    dl = MaskedDictionaryLearning(batch_size=10, max_iter=2, random_state=0).fit(X)
    assert dl.n_nonzero_coefs_ == 3 and dl.mask_size_ == 3
    assert dl.transform(X).shape == (30, 3)
    wide = MaskedDictionaryLearning(batch_size=10, max_iter=2, random_state=0).fit(
        np.random.default_rng(1).standard_normal((30, 20)))
    assert wide.n_nonzero_coefs_ == 5 and wide.mask_size_ == 18  # the documented defaults
    with pytest.raises(ValueError, match="n_nonzero_coefs"):
        MaskedDictionaryLearning(n_nonzero_coefs=4, batch_size=10).fit(X)


@parametrize_with_checks([DictionaryLearning(), MiniBatchDictionaryLearning(),
                          MaskedDictionaryLearning()])
def test_defaults_pass_check_estimator(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", (ConvergenceWarning, UserWarning))
        check(estimator)


def test_callback_and_code_init():
    X, _ = _data(3)
    states = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        dl = DictionaryLearning(n_components=8, alpha=0.1, max_iter=4, tol=0.0, random_state=0,
                                callback=states.append).fit(X)
    assert len(states) == dl.n_iter_ == 4
    assert [s["iteration"] for s in states] == [1, 2, 3, 4]
    np.testing.assert_allclose(states[-1]["errors"], dl.error_)
    # the first coding step warm-started from other codes (the last ones of that run) reaches
    # the same Lasso codes, so the same first dictionary
    codes = np.asarray(states[-1]["code"]).copy()
    kw = dict(n_components=8, alpha=0.1, max_iter=1, tol=0.0, random_state=0)
    plain = DictionaryLearning(**kw).fit(X)
    warm = DictionaryLearning(code_init=codes, **kw).fit(X)
    np.testing.assert_allclose(warm.components_, plain.components_, atol=1e-6)
    with pytest.raises(ValueError, match="code_init"):
        DictionaryLearning(code_init=codes[:5], **kw).fit(X)
    steps = []
    mb = MiniBatchDictionaryLearning(8, alpha=0.1, batch_size=20, max_iter=2, tol=0.0,
                                     max_no_improvement=None, random_state=0,
                                     callback=steps.append)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mb.fit(X)
    assert len(steps) == mb.n_steps_ == 6
    assert steps[-1]["dictionary"] is not None


def test_batch_learner_converges_with_more_atoms_than_the_data_uses(rng):
    """12 atoms for 10 signals of 8 features: some atoms stay unused; replacing them every
    iteration changes nothing the codes use, so the objective test must still stop the fit (it
    ran all max_iter iterations before), and on the best dictionary met at its stalls (an
    escape that does not pay is undone: the dictionary it left, restored, ends the errors)."""

    X = rng.standard_normal((10, 8))
    dl = DictionaryLearning(12, alpha=0.1, max_iter=1000, random_state=0).fit(X)
    assert dl.n_iter_ < 200
    assert dl.error_[-1] == dl.error_.min()

"""Dictionary learning and sparse coding on dask arrays (issue 17): one pass per batch iteration,
mini-batches gathered in rounds, lazy codes; the in-memory results."""

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
pytest.importorskip("distributed")

from sparselearn import _chunked  # noqa: E402
from sparselearn._core import dict_learning as _dict_learning  # noqa: E402
from sparselearn.decomposition import (DictionaryLearning, MaskedDictionaryLearning,  # noqa: E402
                                       MiniBatchDictionaryLearning, sparse_encode)
from sparselearn.decomposition._synthetic import planted_dictionary_data  # noqa: E402

N_SAMPLES, N_FEATURES, N_ATOMS, CHUNK = 2_000, 10, 12, 500


def _signals(rng):
    """Signals of two planted atoms each, with a little noise."""
    X, _, _ = planted_dictionary_data(N_SAMPLES, N_ATOMS, N_FEATURES, 2,
                                      random_state=int(rng.integers(2**31)))
    return X + 0.01 * rng.standard_normal(X.shape)


def _lazy(X):
    return da.from_array(X, chunks=(CHUNK, N_FEATURES))


def _counted(function, *args):
    before = _chunked.passes.count
    result = function(*args)
    return result, _chunked.passes.count - before


@pytest.mark.parametrize("params", [{"alpha": 0.1}, {"alpha": 0.1, "penalty": "mcp"},
                                    {"fit_algorithm": "omp", "n_nonzero_coefs": 2}],
                         ids=["cd-l1", "cd-mcp", "omp"])
def test_batch_matches_in_memory_one_pass_per_iteration(client, rng, params):
    X = _signals(rng)
    learner = DictionaryLearning(N_ATOMS, max_iter=5, tol=0, random_state=0, **params)
    est, n_passes = _counted(learner.fit, _lazy(X))
    ref = DictionaryLearning(N_ATOMS, max_iter=5, tol=0, random_state=0, **params).fit(X)
    assert n_passes == 5 and est.n_iter_ == 5
    np.testing.assert_allclose(est.components_, ref.components_, rtol=0, atol=1e-10)
    np.testing.assert_allclose(est.error_, ref.error_, rtol=1e-10)
    assert np.all(np.diff(est.error_) <= 1e-10 * est.error_[:-1])  # a descent


@pytest.mark.filterwarnings("ignore:sparse_encode:sklearn.exceptions.ConvergenceWarning")
def test_batch_atom_replacement_and_convergence(threads, rng):
    """A duplicated initial atom is replaced by the worst represented residual (one more pass),
    as in memory."""
    X = _signals(rng)
    dict_init = X[rng.choice(N_SAMPLES, 20, replace=False)]
    dict_init[1] = dict_init[0]
    params = {"n_components": 20, "dict_init": dict_init, "max_iter": 6, "tol": 0}
    est, n_passes = _counted(DictionaryLearning(alpha=0.1, random_state=1, **params).fit,
                             da.from_array(X, chunks=(700, 4)))
    ref = DictionaryLearning(alpha=0.1, random_state=1, **params).fit(X)
    assert est.n_iter_ == ref.n_iter_ and n_passes > est.n_iter_
    np.testing.assert_allclose(est.components_, ref.components_, rtol=0, atol=1e-10)


@pytest.mark.filterwarnings("ignore:sparse_encode:sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("params", [{"alpha": 0.1, "tol": 1e-4},
                                    {"fit_algorithm": "omp", "n_nonzero_coefs": 2, "tol": 1e-6}],
                         ids=["cd", "omp"])
def test_batch_escapes_stalls_as_in_memory(threads, rng, params, monkeypatch):
    """At a stall the in-memory fit restarts its weak atoms from the worst represented
    residuals and stops when an escape does not pay (issue 15): the dask fit follows the same
    rule (:class:`StallEscape`, shared), so it stops at the same iteration with the same
    dictionary (before, it stopped at the first stall)."""
    X = _signals(rng)[:600]
    escapes = []
    weak_atoms = _dict_learning.weak_atoms

    def counted_weak_atoms(D, usage):
        escapes.append(usage.size)
        return weak_atoms(D, usage)

    monkeypatch.setattr(_dict_learning, "weak_atoms", counted_weak_atoms)
    kw = dict(n_components=N_ATOMS, max_iter=200, random_state=1, **params)
    ref = DictionaryLearning(**kw).fit(X)
    n_escapes = len(escapes)
    est = DictionaryLearning(**kw).fit(da.from_array(X, chunks=(200, 5)))
    assert n_escapes >= 1 and len(escapes) == 2 * n_escapes  # the run has escapes, both take them
    assert est.n_iter_ == ref.n_iter_ < 200
    np.testing.assert_allclose(est.components_, ref.components_, rtol=0, atol=1e-8)
    np.testing.assert_allclose(est.error_, ref.error_, rtol=1e-8)


def test_batch_code_init_float32_and_callback(threads, rng, monkeypatch):
    X = _signals(rng).astype(np.float32)
    code_init = rng.standard_normal((N_SAMPLES, N_ATOMS)) * 0.1
    states, coded = [], []
    encode_signals = _dict_learning.encode_signals

    def counted_encode(X_block, *args, **kwargs):
        coded.append(X_block.shape[0])
        return encode_signals(X_block, *args, **kwargs)

    monkeypatch.setattr(_dict_learning, "encode_signals", counted_encode)
    est = DictionaryLearning(N_ATOMS, alpha=0.1, max_iter=3, tol=0, random_state=0,
                             code_init=code_init, callback=states.append).fit(_lazy(X))
    assert sum(coded) == 3 * N_SAMPLES  # every signal coded once per pass
    ref = DictionaryLearning(N_ATOMS, alpha=0.1, max_iter=3, tol=0, random_state=0,
                             code_init=code_init).fit(X)
    assert est.components_.dtype == np.float32
    np.testing.assert_allclose(est.components_, ref.components_, rtol=0, atol=1e-6)
    assert [state["iteration"] for state in states] == [1, 2, 3]
    assert isinstance(states[-1]["code"], da.Array)


@pytest.mark.parametrize("shuffle", [True, False])
def test_minibatch_fit_takes_the_in_memory_batches(client, rng, shuffle):
    X = _signals(rng)
    params = {"alpha": 0.1, "batch_size": 64, "max_iter": 2, "shuffle": shuffle,
              "random_state": 0, "max_no_improvement": None, "tol": 0}
    est, n_passes = _counted(MiniBatchDictionaryLearning(N_ATOMS, **params).fit, _lazy(X))
    ref = MiniBatchDictionaryLearning(N_ATOMS, **params).fit(X)
    assert est.n_steps_ == ref.n_steps_ == 2 * -(-N_SAMPLES // 64)
    np.testing.assert_allclose(est.components_, ref.components_, rtol=0, atol=1e-12)
    # one pass per round of 448 rows (7 batches, within a 500-row chunk): 5 rounds per epoch
    assert n_passes == 2 * 5


def test_minibatch_partial_fit_per_chunk(threads, rng):
    X = _signals(rng)
    X_lazy = _lazy(X)
    est = MiniBatchDictionaryLearning(N_ATOMS, alpha=0.1, random_state=0)
    ref = MiniBatchDictionaryLearning(N_ATOMS, alpha=0.1, random_state=0)
    for k in range(X_lazy.numblocks[0]):
        est.partial_fit(X_lazy.blocks[k])
        ref.partial_fit(X[k * CHUNK:(k + 1) * CHUNK])
    assert est.n_steps_ == X_lazy.numblocks[0]
    np.testing.assert_allclose(est.components_, ref.components_, rtol=0, atol=1e-12)


def test_transform_and_sparse_encode_are_lazy(client, rng):
    X = _signals(rng)
    X_lazy = _lazy(X)
    est = DictionaryLearning(N_ATOMS, alpha=0.1, max_iter=3, tol=0, random_state=0,
                             transform_algorithm="cd", transform_alpha=0.05).fit(X)
    before = _chunked.passes.count
    codes = est.transform(X_lazy)
    encoded = sparse_encode(X_lazy, est.components_, algorithm="omp", n_nonzero_coefs=2)
    warm = sparse_encode(X_lazy, est.components_, algorithm="cd", alpha=0.05,
                         init=da.from_array(np.ones((N_SAMPLES, N_ATOMS)), chunks=300))
    assert _chunked.passes.count == before
    for lazy in (codes, encoded, warm):
        assert isinstance(lazy, da.Array) and lazy.chunks[0] == X_lazy.chunks[0]
    np.testing.assert_array_equal(codes.compute(), est.transform(X))
    np.testing.assert_array_equal(
        encoded.compute(), sparse_encode(X, est.components_, algorithm="omp", n_nonzero_coefs=2))
    np.testing.assert_allclose(warm.compute(), codes.compute(), rtol=0, atol=1e-3)


def test_bad_dask_input(threads, rng):
    X_lazy = _lazy(_signals(rng))
    with pytest.raises(ValueError, match="dict_update='ksvd' is not available for dask"):
        DictionaryLearning(N_ATOMS, dict_update="ksvd", fit_algorithm="omp").fit(X_lazy)
    with pytest.raises(ValueError, match="penalty='cel0'"):
        DictionaryLearning(N_ATOMS, penalty="cel0", max_iter=2).fit(X_lazy)
    with pytest.raises(TypeError, match="MaskedDictionaryLearning.fit does not take dask"):
        MaskedDictionaryLearning(N_ATOMS, max_iter=1).fit(X_lazy)
    with pytest.raises(ValueError, match="code_init"):
        DictionaryLearning(N_ATOMS, code_init=np.zeros((N_SAMPLES, 3))).fit(X_lazy)
    D = np.eye(N_ATOMS, N_FEATURES) + 0.1
    with pytest.raises(ValueError, match="cov must be None"):
        sparse_encode(X_lazy, D, cov=np.zeros((N_ATOMS, N_SAMPLES)))
    with pytest.raises(ValueError, match="different numbers of features"):
        sparse_encode(X_lazy[:, 1:], D)
    with pytest.raises(ValueError, match="n_nonzero_coefs"):
        sparse_encode(X_lazy, D, n_nonzero_coefs=N_ATOMS + 1)
    bad = X_lazy.map_blocks(lambda block: np.where(block > 1.0, np.nan, block))
    with pytest.raises(ValueError, match="X contains NaN"):
        DictionaryLearning(N_ATOMS, max_iter=2).fit(bad)
    est = DictionaryLearning(N_ATOMS, max_iter=2, tol=0).fit(X_lazy)
    with pytest.raises(ValueError, match="X has 9 features"):
        est.transform(X_lazy[:, 1:])

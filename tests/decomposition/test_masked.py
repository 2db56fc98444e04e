import numpy as np
import pytest

from sparselearn.decomposition import (MaskedDictionaryLearning, dictionary_recovery_error,
                                       dictionary_recovery_score)
from sparselearn.decomposition._synthetic import planted_dictionary_data


def test_masking_beats_plain_objective_when_over_realized_and_noisy():
    # Chidambaram, Wu, Cheng & Ge (ICML 2023), scaled down: d=50, p=100 true atoms, p'=200 learned,
    # k=5, unit-norm codes, noise 0.1, data initialization, Adam lr 1e-3, batch 200.
    X, D, _ = planted_dictionary_data(1000, 100, 50, 5, noise=0.1, unit_codes=True, random_state=0)
    errors = {}
    for mask_size in (50, 45):  # 50 = no masking (the paper's baseline), 45 = 0.9 d
        dl = MaskedDictionaryLearning(200, n_nonzero_coefs=5, mask_size=mask_size, max_iter=300,
                                      random_state=0).fit(X)
        errors[mask_size] = dictionary_recovery_error(D, dl.components_)
        np.testing.assert_allclose(np.linalg.norm(dl.components_, axis=1), 1.0)
        assert dl.n_steps_ == 300 * 5
    assert errors[45] < errors[50] - 0.02, errors


def test_masked_learns_planted_atoms_in_easy_regime():
    X, D, _ = planted_dictionary_data(600, 20, 16, 2, noise=0.01, unit_codes=True, random_state=1)
    dl = MaskedDictionaryLearning(20, n_nonzero_coefs=2, batch_size=100, max_iter=150,
                                  learning_rate=1e-2, random_state=0).fit(X)
    assert dictionary_recovery_score(D, dl.components_, threshold=0.95) >= 0.8
    assert dl.loss_[-1] < dl.loss_[0]
    codes = dl.transform(X[:5])
    assert np.all(np.count_nonzero(codes, axis=1) <= 2)
    np.testing.assert_allclose(dl.inverse_transform(codes), codes @ dl.components_)


def test_masked_bad_input():
    X, _, _ = planted_dictionary_data(50, 10, 8, 2, random_state=0)
    with pytest.raises(ValueError, match="mask_size"):
        MaskedDictionaryLearning(10, n_nonzero_coefs=2, mask_size=9).fit(X)
    with pytest.raises(ValueError, match="n_nonzero_coefs"):
        MaskedDictionaryLearning(10, n_nonzero_coefs=5, mask_size=4).fit(X)
    with pytest.raises(ValueError, match="learning_rate"):
        MaskedDictionaryLearning(10, learning_rate=0.0).fit(X)

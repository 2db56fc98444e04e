import numpy as np
from sklearn.utils.estimator_checks import parametrize_with_checks

from sparselearn.decomposition import (DictionaryLearning, MaskedDictionaryLearning,
                                       MiniBatchDictionaryLearning, SparseCoder)

# SparseCoder's dictionary fixes n_features; sklearn's own SparseCoder is checked with per-check
# dictionaries, which parametrize_with_checks cannot pass: these checks feed other widths.
_FIXED = "the dictionary fixes n_features=3; the check feeds another width (sklearn checks its own SparseCoder with a per-check dictionary)"
_CODER_XFAIL = {name: _FIXED for name in (
    "check_estimators_overwrite_params", "check_estimators_fit_returns_self",
    "check_readonly_memmap_input", "check_n_features_in_after_fitting",
    "check_positive_only_tag_during_fit", "check_estimators_dtypes", "check_dtype_object",
    "check_fit2d_1sample", "check_fit2d_1feature", "check_fit_idempotent",
    "check_fit_check_is_fitted", "check_n_features_in", "check_transformers_unfitted_stateless")}


def _expected_failed(estimator):
    return _CODER_XFAIL if isinstance(estimator, SparseCoder) else {}


@parametrize_with_checks(
    [
        SparseCoder(np.random.default_rng(0).standard_normal((5, 3))),
        DictionaryLearning(4, max_iter=5, random_state=0, alpha=0.1),
        DictionaryLearning(4, max_iter=5, random_state=0, fit_algorithm="omp", n_nonzero_coefs=1,
                           dict_update="ksvd"),
        MiniBatchDictionaryLearning(4, max_iter=3, batch_size=8, random_state=0, alpha=0.1),
        MaskedDictionaryLearning(4, n_nonzero_coefs=1, max_iter=3, batch_size=8, random_state=0),
    ],
    expected_failed_checks=_expected_failed,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def test_sparse_coder_checks_with_matching_width():
    # every check xfailed above, with a dictionary of the width that check feeds (scikit-learn's
    # own per-check SparseCoder instances)
    from sklearn.utils import estimator_checks as ec

    widths = {"check_estimators_dtypes": 5, "check_dtype_object": 10, "check_fit_idempotent": 2,
              "check_transformers_unfitted_stateless": 5, "check_estimators_overwrite_params": 2,
              "check_estimators_fit_returns_self": 2, "check_readonly_memmap_input": 2,
              "check_n_features_in_after_fitting": 4, "check_fit_check_is_fitted": 2,
              "check_n_features_in": 2, "check_positive_only_tag_during_fit": 4,
              "check_fit2d_1sample": 10, "check_fit2d_1feature": 1}
    assert set(widths) == set(_CODER_XFAIL)
    rng = np.random.default_rng(0)
    for name, width in widths.items():
        getattr(ec, name)("SparseCoder", SparseCoder(rng.standard_normal((5, width))))

"""The kernels' sorting and selection (sparselearn._core.sort) against NumPy's."""

import numpy as np
import pytest

from sparselearn._core.sort import argsort_stable, median_in_place, select_in_place


@pytest.mark.parametrize("n", [0, 1, 2, 15, 16, 17, 33, 200])
def test_argsort_stable_matches_numpy_stable(rng, n):
    for keys in (rng.standard_normal(n), rng.integers(0, 4, n).astype(float),
                 rng.integers(-3, 3, n)):  # ties: the order of equal keys must be kept
        np.testing.assert_array_equal(argsort_stable(keys), np.argsort(keys, kind="stable"))


@pytest.mark.parametrize("n", [1, 2, 3, 10, 101])
def test_select_and_median_match_numpy(rng, n):
    for values in (rng.standard_normal(n), rng.integers(0, 3, n).astype(float)):
        for k in {0, n // 2, n - 1}:
            a = values.copy()
            kth = select_in_place(a, k)
            assert kth == np.partition(values, k)[k]
            assert np.all(a[:k] <= kth) and np.all(a[k + 1:] >= kth)
            np.testing.assert_array_equal(np.sort(a), np.sort(values))  # a permutation
        assert median_in_place(values.copy()) == np.median(values)

"""Sorting and selection for the kernels, cheap to compile.

Numba's ``np.argsort``, ``np.sort``, ``np.partition`` and ``np.median`` are generic
implementations whose compilation costs several seconds each (``np.partition`` over ten on an
idle core), paid by every fresh install on the first call of each kernel that uses them. The
kernels need only two things: a stable argsort of a 1-D key array (a bottom-up merge sort over
insertion-sorted runs, ``O(n log n)``, the order ``np.argsort(kind="stable")`` gives) and the
k-th smallest entry (quickselect with a median-of-three pivot and a three-way partition, so
repeated values cannot make it quadratic).
"""

import numpy as np
from numba import njit

_RUN = 16  # length of the runs sorted by insertion before merging


@njit(cache=True)
def argsort_stable(keys):
    """Indices that sort the 1-D ``keys`` increasingly; equal keys keep their order."""
    n = keys.shape[0]
    order = np.empty(n, np.int64)
    for i in range(n):
        order[i] = i
    for start in range(0, n, _RUN):
        stop = min(start + _RUN, n)
        for i in range(start + 1, stop):
            item = order[i]
            key = keys[item]
            j = i - 1
            while j >= start and keys[order[j]] > key:
                order[j + 1] = order[j]
                j -= 1
            order[j + 1] = item
    if n <= _RUN:
        return order
    src = order
    dst = np.empty(n, np.int64)
    width = _RUN
    while width < n:
        for lo in range(0, n, 2 * width):
            mid = min(lo + width, n)
            hi = min(lo + 2 * width, n)
            i, j, k = lo, mid, lo
            while i < mid and j < hi:
                if keys[src[j]] < keys[src[i]]:
                    dst[k] = src[j]
                    j += 1
                else:
                    dst[k] = src[i]
                    i += 1
                k += 1
            while i < mid:
                dst[k] = src[i]
                i += 1
                k += 1
            while j < hi:
                dst[k] = src[j]
                j += 1
                k += 1
        src, dst = dst, src
        width *= 2
    return src


@njit(cache=True)
def select_in_place(a, k):
    """Reorder the 1-D ``a`` so that ``a[k]`` is its k-th smallest entry (0-based), entries
    before it no larger and entries after it no smaller; returns ``a[k]``."""
    lo = 0
    hi = a.shape[0] - 1
    while hi > lo:
        x, y, z = a[lo], a[(lo + hi) // 2], a[hi]
        pivot = max(min(x, y), min(max(x, y), z))
        lt, i, gt = lo, lo, hi  # a[lo:lt] < pivot, a[lt:i] == pivot, a[gt+1:hi+1] > pivot
        while i <= gt:
            if a[i] < pivot:
                a[lt], a[i] = a[i], a[lt]
                lt += 1
                i += 1
            elif a[i] > pivot:
                a[i], a[gt] = a[gt], a[i]
                gt -= 1
            else:
                i += 1
        if k < lt:
            hi = lt - 1
        elif k > gt:
            lo = gt + 1
        else:
            return a[k]
    return a[k]


@njit(cache=True)
def median_in_place(a):
    """The median of the 1-D ``a`` (the mean of the two middle entries for even length), as
    ``np.median``; reorders ``a``."""
    n = a.shape[0]
    half = n // 2
    upper = select_in_place(a, half)
    if n % 2 == 1:
        return upper
    lower = a[0]
    for i in range(1, half):  # the largest entry below the upper middle one
        if a[i] > lower:
            lower = a[i]
    return 0.5 * (lower + upper)

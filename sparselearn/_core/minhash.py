"""One-permutation MinHash kernels: binning, densification, Jaccard estimates and LSH bands.

A set is a row of a CSR matrix (its nonzero columns). Element ``e`` is hashed once, by the
SplitMix64 counter hash of ``(e, seed)``, to a 64-bit ``h(e)``: its high 32 bits pick one of
``k`` bins (multiply-shift range reduction), its low 32 bits are its rank inside the bin. Bin
``j`` of the raw (one-permutation) sketch keeps the smallest rank that fell into it, or
``EMPTY`` (the largest int64) when none did, so raw sketches of two parts of a set merge by an
elementwise minimum into the raw sketch of their union.

Densification fills the empty bins of a raw sketch from its non-empty ones, with a choice that
depends only on ``(seed, bin, attempt)`` and on which bins are empty, never on the elements:
two sets that agree on a non-empty bin agree on every empty bin that borrows from it.

``densify_optimal``
    Shrivastava (ICML 2017): empty bin ``i`` probes bins ``g(i, 1), g(i, 2), ...`` (a hash of
    ``(seed, i, attempt)``, uniform on the ``k`` bins) and copies the first non-empty one.
    Expected ``O(k^2 / m)`` probes for ``m`` non-empty bins.
``densify_reverse``
    Mai et al. (UAI 2019): in round ``t = 1, 2, ...`` each originally non-empty bin ``j``, in
    increasing order, offers its value to bin ``g(j, t)``, which takes the first offer it gets
    while empty. ``O(k log k)`` expected work for any ``m``, for sets much smaller than ``k``.
``densify_rotation``
    Shrivastava & Li (ICML 2014): empty bin ``i`` copies the next non-empty bin ``i + t`` to its
    right (circularly) plus ``t * 2**32``, the rotation baseline.

No kernel validates its input.
"""

import numpy as np
from numba import njit

from .sketch import hash3
from .sort import argsort_stable

# raw-sketch marker of an empty bin: above every rank (< 2**32) and every rotation value
EMPTY = np.iinfo(np.int64).max

# hash streams, independent of the sketch kernels' streams
STREAM_ELEMENT = np.int64(6_000_011)
STREAM_PROBE = np.int64(7_000_003)
STREAM_OFFER = np.int64(8_000_009)
STREAM_BAND = np.int64(9_000_011)

_LOW32 = np.uint64(0xFFFFFFFF)
_SHIFT32 = np.uint64(32)
_ROTATION_OFFSET = np.int64(1) << np.int64(32)


@njit(cache=True)
def _to_bin(h, n_bins):
    # multiply-shift: the high 32 bits of h scaled to [0, n_bins)
    return np.int64(((h >> _SHIFT32) * np.uint64(n_bins)) >> _SHIFT32)


@njit(cache=True)
def oph_csr(indptr, indices, data, seed, n_bins, out):
    """Raw one-permutation sketches of the rows of a CSR matrix, written into ``out``.

    ``out`` (``n_rows x n_bins``, int64) is filled with ``EMPTY`` first; a stored zero is not
    an element. One hash per element: ``O(nnz + n_rows n_bins)``.
    """
    n_rows = indptr.shape[0] - 1
    for r in range(n_rows):
        row = out[r]
        for j in range(n_bins):
            row[j] = EMPTY
        for p in range(indptr[r], indptr[r + 1]):
            if data[p] == 0:
                continue
            h = hash3(indices[p], seed, STREAM_ELEMENT)
            b = _to_bin(h, n_bins)
            rank = np.int64(h & _LOW32)
            if rank < row[b]:
                row[b] = rank


@njit(cache=True)
def _densify_optimal_row(row, seed, n_bins, filled):
    n_full = 0
    for j in range(n_bins):
        if row[j] != EMPTY:
            n_full += 1
    if n_full == 0 or n_full == n_bins:
        return
    for j in range(n_bins):
        filled[j] = row[j]
    for i in range(n_bins):
        if row[i] != EMPTY:
            continue
        attempt = 1
        while True:
            src = _to_bin(hash3(i * 4_294_967_296 + attempt, seed, STREAM_PROBE), n_bins)
            if row[src] != EMPTY:
                filled[i] = row[src]
                break
            attempt += 1
    for j in range(n_bins):
        row[j] = filled[j]


@njit(cache=True)
def densify_optimal(sketches, seed):
    """Optimal densification (Shrivastava 2017) of each row of ``sketches``, in place.

    A row with no non-empty bin (an empty set) is left as is.
    """
    n_rows, n_bins = sketches.shape
    filled = np.empty(n_bins, dtype=np.int64)
    for r in range(n_rows):
        _densify_optimal_row(sketches[r], seed, n_bins, filled)


@njit(cache=True)
def densify_reverse(sketches, seed):
    """Reverse densification (Mai et al. 2019) of each row of ``sketches``, in place.

    A row with no non-empty bin (an empty set) is left as is.
    """
    n_rows, n_bins = sketches.shape
    full = np.empty(n_bins, dtype=np.int64)
    for r in range(n_rows):
        row = sketches[r]
        n_full = 0
        for j in range(n_bins):
            if row[j] != EMPTY:
                full[n_full] = j
                n_full += 1
        if n_full == 0:
            continue
        n_empty = n_bins - n_full
        t = 1
        while n_empty > 0:
            for q in range(n_full):
                j = full[q]
                target = _to_bin(hash3(j * 4_294_967_296 + t, seed, STREAM_OFFER), n_bins)
                if row[target] == EMPTY:
                    row[target] = row[j]
                    n_empty -= 1
            t += 1


@njit(cache=True)
def densify_rotation(sketches):
    """Rotation densification (Shrivastava & Li 2014) of each row of ``sketches``, in place.

    Empty bin ``i`` takes ``value(i + t) + t * 2**32`` from the first non-empty bin ``i + t``
    to its right, circularly. A row with no non-empty bin is left as is.
    """
    n_rows, n_bins = sketches.shape
    for r in range(n_rows):
        row = sketches[r]
        last = -1
        for j in range(n_bins):
            if row[j] != EMPTY:
                last = j
        if last < 0:
            continue
        # sweep leftwards from the last non-empty bin, carrying the nearest value to the right
        nearest = row[last]
        distance = 0
        for s in range(1, n_bins + 1):
            i = (last - s) % n_bins
            distance += 1
            if i == last:
                break
            if row[i] != EMPTY:
                nearest = row[i]
                distance = 0
            else:
                row[i] = nearest + distance * _ROTATION_OFFSET


@njit(cache=True)
def rowwise_agreement(A, B, out):
    """out[r] = fraction of positions where rows ``A[r]`` and ``B[r]`` agree."""
    n_rows, n_bins = A.shape
    for r in range(n_rows):
        count = 0
        for j in range(n_bins):
            if A[r, j] == B[r, j]:
                count += 1
        out[r] = count / n_bins


@njit(cache=True)
def pairwise_agreement(A, B, out):
    """out[r, s] = fraction of positions where rows ``A[r]`` and ``B[s]`` agree."""
    n_a, n_bins = A.shape
    n_b = B.shape[0]
    for r in range(n_a):
        for s in range(n_b):
            count = 0
            for j in range(n_bins):
                if A[r, j] == B[s, j]:
                    count += 1
            out[r, s] = count / n_bins


@njit(cache=True)
def band_hashes(signatures, n_bands, rows_per_band, out):
    """out[r, b]: a 64-bit hash (as int64) of the ``rows_per_band`` values of band ``b``."""
    n_rows = signatures.shape[0]
    for r in range(n_rows):
        for b in range(n_bands):
            h = np.uint64(b)
            for j in range(b * rows_per_band, (b + 1) * rows_per_band):
                h = hash3(np.uint64(signatures[r, j]), h, STREAM_BAND)
            out[r, b] = np.int64(h)


@njit(cache=True)
def _count_bucket_pairs(sorted_keys):
    n = sorted_keys.shape[0]
    total = 0
    start = 0
    for p in range(1, n + 1):
        if p == n or sorted_keys[p] != sorted_keys[start]:
            size = p - start
            total += size * (size - 1) // 2
            start = p
    return total


@njit(cache=True)
def bucket_pairs(bands):
    """Pairs ``(i, j)``, ``i < j``, of rows sharing the hash of at least one band (with repeats).

    ``bands`` is ``n_rows x n_bands``; returns an int64 array of shape ``(n_pairs, 2)``.
    """
    n_rows, n_bands = bands.shape
    orders = np.empty((n_bands, n_rows), dtype=np.int64)
    column = np.empty(n_rows, dtype=np.int64)
    total = 0
    for b in range(n_bands):
        for i in range(n_rows):
            column[i] = bands[i, b]
        order = argsort_stable(column)
        orders[b] = order
        for i in range(n_rows):
            column[i] = bands[order[i], b]
        total += _count_bucket_pairs(column)
    pairs = np.empty((total, 2), dtype=np.int64)
    q = 0
    for b in range(n_bands):
        order = orders[b]
        start = 0
        for p in range(1, n_rows + 1):
            if p == n_rows or bands[order[p], b] != bands[order[start], b]:
                for u in range(start, p):
                    for v in range(u + 1, p):
                        i, j = order[u], order[v]
                        if i > j:
                            i, j = j, i
                        pairs[q, 0] = i
                        pairs[q, 1] = j
                        q += 1
                start = p
    return pairs


@njit(cache=True)
def pair_agreement(signatures, pairs, out):
    """out[q] = fraction of positions where the two rows of pair ``q`` agree."""
    n_bins = signatures.shape[1]
    for q in range(pairs.shape[0]):
        i, j = pairs[q, 0], pairs[q, 1]
        count = 0
        for t in range(n_bins):
            if signatures[i, t] == signatures[j, t]:
                count += 1
        out[q] = count / n_bins

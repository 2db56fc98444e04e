"""Random sketch kernels: hash-defined sketch matrices applied without forming them.

Every sketch matrix ``S`` (``k x n``) used here is a pure function of the global row index
``i`` of the sketched matrix, the sketch size ``k`` and an integer ``seed``: its column ``i``
is drawn from a counter-based hash of ``(i, seed, stream)`` (SplitMix64 finalizer). Hence a
row block ``A[lo:hi]`` can be sketched on its own with ``row_offset=lo`` and the blocks summed,
``S A = sum_b S[:, b] A[b]``: dense, CSR, CSC and chunked (dask) inputs give the same sketch.

Kernels
-------
``sparse_sign_dense / _csr / _csr_flat / _csc``
    Sparse sign (OSNAP) sketch with ``nnz_per_col`` nonzeros ``+-1/sqrt(nnz_per_col)`` per
    column of ``S``, one in each of ``nnz_per_col`` contiguous blocks of rows of ``S``. With
    ``nnz_per_col=1`` this is CountSketch (Clarkson & Woodruff). CSR input has two kernels,
    row by row for long rows and a flat loop over the nonzeros for short ones.
``sparse_sign_coo``
    The nonzeros of that ``S`` (for materializing it as a scipy matrix).
``sketch_rows_csr``
    ``X @ S.T`` of a CSR ``X`` into a dense output, from ``S``'s nonzeros per column (the
    feature-space sketch of :class:`~sparselearn.sketching.SketchTransformer`).
``gaussian_block``
    Columns ``row_offset .. row_offset + n_rows`` of a Gaussian ``S`` with N(0, 1/k) entries.
``srht_block``
    Columns of the subsampled randomized Hadamard transform ``S = sqrt(1/k) P H D``.
``fwht_rows``
    In-place unnormalized fast Walsh-Hadamard transform along axis 0 (Sylvester order).
``hash_uniform``
    Shared uniforms ``u_i`` in (0, 1] per row, for coordinated sampling.

No kernel validates its input.
"""

from math import cos, log, pi, sin, sqrt

import numpy as np
from numba import njit

# stream identifiers, so that different uses of one seed draw independent hashes
STREAM_SIGN = np.int64(1_000_003)
STREAM_BUCKET = np.int64(2_000_003)
STREAM_GAUSS = np.int64(3_000_017)
STREAM_SRHT = np.int64(4_000_037)
STREAM_SAMPLE = np.int64(5_000_011)

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_INV_2_53 = 1.0 / 9007199254740992.0


@njit(cache=True)
def mix64(z):
    """SplitMix64 finalizer of a uint64 (a bijection with good avalanche)."""
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


@njit(cache=True)
def hash3(row, seed, stream):
    """uint64 hash of (global row index, seed, stream)."""
    h = mix64(np.uint64(seed) * _GOLDEN + np.uint64(stream))
    return mix64(h ^ mix64(np.uint64(row) + _GOLDEN))


@njit(cache=True)
def _uniform(h):
    # 53 random bits mapped to (0, 1]
    return (np.float64(h >> np.uint64(11)) + 1.0) * _INV_2_53


@njit(cache=True)
def hash_uniform(n_rows, row_offset, seed, out):
    """out[i] = u(row_offset + i) in (0, 1], the shared uniform of each row."""
    for i in range(n_rows):
        out[i] = _uniform(hash3(row_offset + i, seed, STREAM_SAMPLE))


@njit(cache=True)
def _sign_entry(row, seed, t, k, nnz_per_col, scale):
    """Nonzero ``t`` of column ``row`` of the sparse sign ``S`` (``k`` rows): its row (a bucket
    of block ``t``, ``[t k / nnz_per_col, (t + 1) k / nnz_per_col)``) and its value ``+-scale``."""
    lo = (t * k) // nnz_per_col
    width = ((t + 1) * k) // nnz_per_col - lo
    h = hash3(row, seed, STREAM_BUCKET + t)
    bucket = lo + np.int64(h % np.uint64(width))
    return bucket, scale if (h >> np.uint64(63)) == np.uint64(0) else -scale


@njit(cache=True)
def _sign_tables(seed, k, nnz_per_col):
    """Per block ``t``: the seed half of the hash, the first bucket and the width, so that
    :func:`_entry` gives :func:`_sign_entry` with no division but the bucket's modulo."""
    streams = np.empty(nnz_per_col, dtype=np.uint64)
    lo = np.empty(nnz_per_col, dtype=np.int64)
    width = np.empty(nnz_per_col, dtype=np.uint64)
    for t in range(nnz_per_col):
        streams[t] = mix64(np.uint64(seed) * _GOLDEN + np.uint64(STREAM_BUCKET + t))
        lo[t] = (t * k) // nnz_per_col
        width[t] = np.uint64(((t + 1) * k) // nnz_per_col - lo[t])
    return streams, lo, width


@njit(cache=True)
def _entry(row_hash, stream, lo, width, scale):
    # = _sign_entry, given row_hash = mix64(row + golden) and stream = the table entry
    h = mix64(stream ^ row_hash)
    bucket = lo + np.int64(h % width)
    return bucket, scale if (h >> np.uint64(63)) == np.uint64(0) else -scale


@njit(cache=True)
def sparse_sign_dense(A, row_offset, seed, nnz_per_col, out):
    """out += S[:, rows] @ A for a dense C-ordered A of shape (n_rows, d); out (k, d).

    Row ``i`` of ``A`` is added, signed, to its ``nnz_per_col`` buckets: contiguous rows of
    ``A`` and of ``out`` (a vectorized loop), ``A`` read once in order.
    """
    n_rows, d = A.shape
    k = out.shape[0]
    scale = 1.0 / sqrt(nnz_per_col)
    streams, lo, width = _sign_tables(seed, k, nnz_per_col)
    for i in range(n_rows):
        row_hash = mix64(np.uint64(row_offset + i) + _GOLDEN)
        a = A[i]
        for t in range(nnz_per_col):
            bucket, v = _entry(row_hash, streams[t], lo[t], width[t], scale)
            o = out[bucket]
            for j in range(d):
                o[j] += v * a[j]


@njit(cache=True)
def sparse_sign_csr(data, indices, indptr, row_offset, seed, nnz_per_col, out):
    """out += S[:, rows] @ A for A in CSR form (rows = row_offset + arange(n_rows)).

    Row by row: each row's nonzeros are added, signed, to its buckets. For rows of a few
    nonzeros :func:`sparse_sign_csr_flat` is faster (the inner loop's exit mispredicts once per
    row and per bucket); this loop is for long rows, where that cost is amortized.
    """
    n_rows = indptr.shape[0] - 1
    k = out.shape[0]
    scale = 1.0 / sqrt(nnz_per_col)
    streams, lo, width = _sign_tables(seed, k, nnz_per_col)
    for i in range(n_rows):
        start = indptr[i]
        end = indptr[i + 1]
        if start == end:
            continue
        row_hash = mix64(np.uint64(row_offset + i) + _GOLDEN)
        for t in range(nnz_per_col):
            bucket, v = _entry(row_hash, streams[t], lo[t], width[t], scale)
            o = out[bucket]
            for p in range(start, end):
                o[indices[p]] += v * data[p]


@njit(cache=True)
def sparse_sign_csr_flat(data, indices, indptr, row_offset, seed, nnz_per_col, out):
    """out += S[:, rows] @ A for A in CSR form, in one flat loop over the nonzeros per block.

    Same result as :func:`sparse_sign_csr`, bit for bit (each entry of ``out`` receives its
    terms in the same order), for rows of a few nonzeros. Once ``out`` outgrows L2 (CountSketch
    at ``k = 2000, d = 200``: 3.2 MB), the scatter into random rows of ``out`` is bound by memory
    latency and only as fast as the number of loads in flight; a row loop with a trip count of
    about two mispredicts its exit once per row, and each mispredict discards the loads in
    flight. So for each block ``t`` of rows of ``S``, two passes without data-dependent
    branches: (1) every row is hashed and its code ``2 bucket + (sign < 0)`` is written as the
    difference to the previous row's code at the row's first nonzero (an empty row's difference
    telescopes into the next row's); (2) one loop over the nonzeros keeps the running sum of
    those differences, the code of the nonzero's row, and adds the nonzero to ``out``. Block
    ``t`` only writes its own ``k / nnz_per_col`` rows of ``out``, so the sparse sign sketch
    also keeps a smaller part of ``out`` hot per pass. Extra memory: one int64 per nonzero.
    """
    n_rows = indptr.shape[0] - 1
    k = out.shape[0]
    first = indptr[0]
    data = data[first:indptr[n_rows]]  # views from 0, so the flat loop indexes from 0
    indices = indices[first:indptr[n_rows]]
    nnz = data.shape[0]
    scale = 1.0 / sqrt(nnz_per_col)
    signs = np.array([scale, -scale])
    streams, lo, width = _sign_tables(seed, k, nnz_per_col)
    step = np.zeros(nnz + 1, dtype=np.int64)  # [nnz]: where trailing empty rows write
    for t in range(nnz_per_col):
        previous = np.int64(0)
        for i in range(n_rows):
            row_hash = mix64(np.uint64(row_offset + i) + _GOLDEN)
            bucket, v = _entry(row_hash, streams[t], lo[t], width[t], scale)
            code = 2 * bucket + np.int64(v < 0.0)
            step[indptr[i] - first] += code - previous
            previous = code
        code = np.int64(0)
        for p in range(nnz):
            code += step[p]
            step[p] = 0  # ready for the next block
            out[code >> 1, indices[p]] += signs[code & 1] * data[p]
        step[nnz] = 0


@njit(cache=True)
def sparse_sign_csc(data, indices, indptr, row_offset, seed, nnz_per_col, out):
    """out += S[:, rows] @ A for A in CSC form (row indices relative to row_offset).

    Column ``j`` of ``A`` only touches column ``j`` of ``out`` (``k`` entries, in cache).
    """
    d = indptr.shape[0] - 1
    k = out.shape[0]
    scale = 1.0 / sqrt(nnz_per_col)
    streams, lo, width = _sign_tables(seed, k, nnz_per_col)
    for j in range(d):
        for p in range(indptr[j], indptr[j + 1]):
            row_hash = mix64(np.uint64(row_offset + indices[p]) + _GOLDEN)
            value = data[p]
            for t in range(nnz_per_col):
                bucket, v = _entry(row_hash, streams[t], lo[t], width[t], scale)
                out[bucket, j] += v * value


@njit(cache=True)
def sparse_sign_coo(n_rows, row_offset, seed, k, nnz_per_col, rows, cols, vals):
    """Nonzeros of S[:, row_offset:row_offset + n_rows] (relative column index) in COO form."""
    scale = 1.0 / sqrt(nnz_per_col)
    pos = 0
    for i in range(n_rows):
        for t in range(nnz_per_col):
            bucket, v = _sign_entry(row_offset + i, seed, t, k, nnz_per_col, scale)
            rows[pos] = bucket
            cols[pos] = i
            vals[pos] = v
            pos += 1


@njit(cache=True)
def sketch_rows_csr(data, indices, indptr, buckets, values, out):
    """out += X @ S.T for X in CSR form (n, d) and S (k x d) with nonzeros per column.

    Column ``j`` of ``S`` has its ``zeta`` nonzeros ``values[j, t]`` at rows ``buckets[j, t]``
    (``buckets``, ``values`` of shape (d, zeta)); out (n, k) C-ordered. Row ``i`` of ``X`` only
    touches row ``i`` of ``out`` (``k`` entries, in cache): ``out`` is written once, in order,
    with no sparse intermediate.
    """
    n = indptr.shape[0] - 1
    zeta = buckets.shape[1]
    for i in range(n):
        o = out[i]
        for p in range(indptr[i], indptr[i + 1]):
            j = indices[p]
            x = data[p]
            for t in range(zeta):
                o[buckets[j, t]] += values[j, t] * x


@njit(cache=True)
def gaussian_block(row_offset, seed, out):
    """out[:, i] = column row_offset + i of a Gaussian S with i.i.d. N(0, 1/k) entries.

    Box-Muller on pairs of hashed uniforms; out has shape (k, n_rows).
    """
    k, n_rows = out.shape
    scale = 1.0 / sqrt(k)
    for i in range(n_rows):
        row = row_offset + i
        for m in range((k + 1) // 2):
            u1 = _uniform(hash3(row, seed, STREAM_GAUSS + 2 * m))
            u2 = _uniform(hash3(row, seed, STREAM_GAUSS + 2 * m + 1))
            radius = sqrt(-2.0 * log(u1)) * scale
            out[2 * m, i] = radius * cos(2.0 * pi * u2)
            if 2 * m + 1 < k:
                out[2 * m + 1, i] = radius * sin(2.0 * pi * u2)


@njit(cache=True)
def rademacher(n_rows, row_offset, seed, out):
    """out[i] = random sign of row row_offset + i (the diagonal D of the SRHT)."""
    for i in range(n_rows):
        h = hash3(row_offset + i, seed, STREAM_SRHT)
        out[i] = 1.0 if (h >> np.uint64(63)) == np.uint64(0) else -1.0


@njit(cache=True)
def _parity(x):
    x ^= x >> 32
    x ^= x >> 16
    x ^= x >> 8
    x ^= x >> 4
    x ^= x >> 2
    x ^= x >> 1
    return x & 1


@njit(cache=True)
def srht_block(row_offset, seed, sampled, out):
    """out[:, i] = column row_offset + i of S = P H D / sqrt(k) (entries +-1/sqrt(k)).

    ``H[r, c] = (-1)^popcount(r & c)`` (Sylvester order), ``sampled`` the k kept rows of H.
    """
    k, n_rows = out.shape
    scale = 1.0 / sqrt(k)
    for i in range(n_rows):
        row = row_offset + i
        h = hash3(row, seed, STREAM_SRHT)
        sign = scale if (h >> np.uint64(63)) == np.uint64(0) else -scale
        for j in range(k):
            if _parity(sampled[j] & row) == 0:
                out[j, i] = sign
            else:
                out[j, i] = -sign


@njit(cache=True)
def _butterflies(X, lo, hi, half):
    d = X.shape[1]
    for start in range(lo, hi, 2 * half):
        for i in range(start, start + half):
            for j in range(d):
                a = X[i, j]
                b = X[i + half, j]
                X[i, j] = a + b
                X[i + half, j] = a - b


@njit(cache=True)
def fwht_rows(X):
    """In-place unnormalized Walsh-Hadamard transform of X (n_pad, d) along axis 0.

    n_pad must be a power of two; output in Sylvester (natural) order. The levels whose
    butterflies stay inside a cache-sized block of rows are done block by block (one trip
    through memory for all of them), the remaining levels stream over the whole array.
    """
    n_pad, d = X.shape
    block = 1
    while block < n_pad and 2 * block * d * 8 <= 2**18:
        block *= 2
    for lo in range(0, n_pad, block):
        half = np.int64(1)
        while half < block:
            _butterflies(X, lo, lo + block, half)
            half *= 2
    half = block
    while half < n_pad:
        _butterflies(X, np.int64(0), n_pad, half)
        half *= 2

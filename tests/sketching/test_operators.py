import numpy as np
import pytest
import scipy.sparse as sp

from sparselearn.sketching import (
    CountSketch,
    GaussianSketch,
    SparseSignSketch,
    SRHTSketch,
    countsketch,
    gaussian_sketch,
    make_sketch,
    sparse_sign_sketch,
    srht_sketch,
)

KINDS = ["gaussian", "srht", "countsketch", "sparse_sign"]
FUNCS = {
    "gaussian": gaussian_sketch,
    "srht": srht_sketch,
    "countsketch": countsketch,
    "sparse_sign": sparse_sign_sketch,
}


def _dense(S):
    return S.toarray() if sp.issparse(S) else S


@pytest.mark.parametrize("kind", KINDS)
def test_apply_matches_explicit_matrix_dense_and_sparse(kind, global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    A = sp.random(300, 7, density=0.2, random_state=global_random_seed, format="csr")
    op = make_sketch(kind, 40, random_state=global_random_seed).fit(300)
    S = _dense(op.to_matrix())
    assert S.shape == (40, 300)
    expected = S @ A.toarray()
    for M in (A, A.tocsc(), A.toarray()):
        np.testing.assert_allclose(op.apply(M), expected, rtol=1e-12, atol=1e-12)
    # the function form is the same S
    np.testing.assert_allclose(
        FUNCS[kind](A.toarray(), 40, global_random_seed), expected, rtol=1e-12, atol=1e-12
    )
    # vectors keep their dimension
    v = rng.standard_normal(300)
    np.testing.assert_allclose(op.apply(v), S @ v, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("kind", KINDS)
def test_row_blocks_sum_to_the_sketch(kind):
    rng = np.random.default_rng(0)
    A = rng.standard_normal((257, 5))
    op = make_sketch(kind, 16, random_state=7).fit(257)
    parts = op.apply_block(A[:100], 0) + op.apply_block(A[100:200], 100)
    parts += op.apply_block(A[200:], 200)
    np.testing.assert_allclose(parts, op.apply(A), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("kind", KINDS)
def test_same_seed_same_sketch_other_seed_differs(kind):
    A = np.random.default_rng(0).standard_normal((128, 4))
    a = FUNCS[kind](A, 16, 3)
    np.testing.assert_array_equal(a, FUNCS[kind](A, 16, 3))
    assert np.abs(a - FUNCS[kind](A, 16, 4)).max() > 1e-3


def test_structure_of_sparse_sketches():
    S = SparseSignSketch(24, nnz_per_col=8, random_state=0).fit(500).to_matrix()
    nnz_per_col = S.getnnz(axis=0)
    np.testing.assert_array_equal(nnz_per_col, 8)  # distinct rows: one per block
    np.testing.assert_allclose(np.abs(S.data), 1 / np.sqrt(8))
    C = CountSketch(10, random_state=0).fit(500).to_matrix()
    np.testing.assert_array_equal(C.getnnz(axis=0), 1)
    np.testing.assert_array_equal(np.abs(C.data), 1.0)
    # buckets are used about uniformly and signs are balanced
    counts = C.getnnz(axis=1)
    assert counts.min() > 25 and counts.max() < 80
    assert abs(C.data.sum()) < 4 * np.sqrt(500)


def test_srht_entries_and_norm_preservation():
    op = SRHTSketch(64, random_state=1).fit(300)
    S = op.to_matrix()
    np.testing.assert_allclose(np.abs(S), 1 / np.sqrt(64))
    # S^T S has unit diagonal; FWHT path equals the explicit matrix
    np.testing.assert_allclose(np.sum(S**2, axis=0), 1.0)
    assert len(np.unique(op.sampled_rows_)) == 64 and op.sampled_rows_.max() < 512


def test_gaussian_entries_moments():
    S = GaussianSketch(50, random_state=0).fit(2000).to_matrix()
    z = S.ravel() * np.sqrt(50)
    assert abs(z.mean()) < 4 / np.sqrt(z.size)
    assert abs(z.var() - 1) < 0.02
    assert abs(np.mean(z**4) - 3) < 0.1  # Gaussian kurtosis


# documented sizes: sparse sign / SRHT / Gaussian at k = 8 d reach eps = 0.5 (about
# sqrt(d / k) = 0.35 expected); CountSketch needs k ~ d^2 / eps^2 / delta, here 3 d^2
@pytest.mark.parametrize(
    "kind, k_of_d",
    [("gaussian", lambda d: 8 * d), ("srht", lambda d: 8 * d),
     ("sparse_sign", lambda d: 8 * d), ("countsketch", lambda d: 3 * d * d)],
)
def test_subspace_embedding(kind, k_of_d, global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    n, d = 4000, 10
    # coherent basis (a few heavy rows) plus a random one: worst case for sampling-like sketches
    Q, _ = np.linalg.qr(np.vstack([np.eye(d) * 10, rng.standard_normal((n - d, d))]))
    k = k_of_d(d)
    SQ = FUNCS[kind](Q, k, global_random_seed)
    sv = np.linalg.svd(SQ, compute_uv=False)
    assert sv.max() < 1.5 and sv.min() > 0.5, (sv.min(), sv.max())


def test_float32_kept_and_sparse_equals_dense():
    A = np.random.default_rng(0).standard_normal((100, 3)).astype(np.float32)
    for kind in KINDS:
        out = FUNCS[kind](A, 8, 0)
        assert out.dtype == np.float32
        np.testing.assert_allclose(out, FUNCS[kind](A.astype(np.float64), 8, 0), rtol=1e-5,
                                   atol=1e-5)


def test_countsketch_memory_is_o_nnz(monkeypatch):
    # a 10^6-row sparse matrix: an n x n (or n x k dense) allocation would be 8 TB / 80 MB
    n = 1_000_000
    A = sp.random(n, 3, density=1e-4, random_state=0, format="csr")
    import tracemalloc

    tracemalloc.start()
    SA = countsketch(A, 20, 0)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 5 * (A.data.nbytes + A.indices.nbytes + A.indptr.nbytes) + 20 * 3 * 8 + 10**5
    np.testing.assert_allclose(SA.sum(axis=0), countsketch(A.toarray(), 20, 0).sum(axis=0))


@pytest.mark.parametrize("kind", KINDS)
def test_bad_input(kind):
    A = np.ones((10, 2))
    with pytest.raises(ValueError, match="sketch_size"):
        FUNCS[kind](A, 0, 0)
    with pytest.raises(ValueError, match="sketch_size"):
        FUNCS[kind](A, 2.5, 0)
    A_nan = A.copy()
    A_nan[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        FUNCS[kind](A_nan, 4, 0)
    with pytest.raises(ValueError, match="random_state"):
        FUNCS[kind](A, 4, -1)
    op = make_sketch(kind, 4, 0).fit(10)
    with pytest.raises(ValueError, match="rows"):
        op.apply(np.ones((11, 2)))
    with pytest.raises(ValueError, match="not fitted"):
        make_sketch(kind, 4, 0).apply(A)


def test_srht_sketch_size_larger_than_n():
    with pytest.raises(ValueError, match="sketch_size"):
        srht_sketch(np.ones((10, 2)), 11, 0)
    # the other sketches allow it
    assert countsketch(np.ones((10, 2)), 11, 0).shape == (11, 2)


def test_make_sketch_unknown_name():
    with pytest.raises(ValueError, match="sketch must be one of"):
        make_sketch("fourier", 4)


def test_repr():
    assert repr(SparseSignSketch(5, random_state=1)) == (
        "SparseSignSketch(sketch_size=5, nnz_per_col=8, random_state=1)"
    )


@pytest.mark.parametrize("nnz_per_col", [1, 3, 8])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sparse_sign_kernels_match_dense_definition(nnz_per_col, dtype, global_random_seed):
    """Dense, CSR and CSC kernels, whole and by row blocks, against S @ A with S built from
    its definition: column i has one +-1/sqrt(zeta) in each of zeta blocks of rows, at the
    hashed bucket of (i, seed, block) (k = 37 not a multiple of zeta: uneven blocks)."""
    from sparselearn._core.sketch import _sign_entry

    n, k = 250, 37
    S = np.zeros((k, n))
    for i in range(n):
        for t in range(nnz_per_col):
            bucket, value = _sign_entry(i, global_random_seed, t, k, nnz_per_col,
                                        1 / np.sqrt(nnz_per_col))
            assert (t * k) // nnz_per_col <= bucket < ((t + 1) * k) // nnz_per_col
            S[bucket, i] += value
    A = sp.random(n, 6, density=0.3, random_state=global_random_seed, format="csr",
                  dtype=dtype)
    expected = S @ A.toarray().astype(np.float64)
    op = SparseSignSketch(k, nnz_per_col=nnz_per_col, random_state=global_random_seed).fit(n)
    np.testing.assert_allclose(op.to_matrix().toarray(), S, rtol=1e-15)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    for M in (A, A.tocsc(), A.toarray()):
        SA = op.apply(M)
        assert SA.dtype == dtype
        np.testing.assert_allclose(SA, expected, rtol=tol, atol=tol)
        blocks = op.apply_block(M[:90], 0) + op.apply_block(M[90:], 90)
        np.testing.assert_allclose(blocks, expected, rtol=tol, atol=tol)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("bad", [np.nan, np.inf, "cancel"])
def test_non_finite_input_caught_through_the_sketch(kind, bad):
    """Non-finite input is refused from the (small) sketch, not by scanning A: NaN and inf
    propagate through every sketch, also +inf and -inf meant to cancel in one bucket."""
    A = np.random.default_rng(0).standard_normal((64, 3))
    if bad == "cancel":
        A[:, 0] = np.inf
        A[::2, 0] = -np.inf
    else:
        A[17, 2] = bad
    for M in (A, sp.csr_matrix(A), sp.csc_matrix(A)):
        with pytest.raises(ValueError, match="A contains NaN or infinity"):
            FUNCS[kind](M, 8, 0)
        op = make_sketch(kind, 8, random_state=0).fit(64)
        with pytest.raises(ValueError, match="A_block contains NaN or infinity"):
            op.apply_block(M[:32], 0) if bad == "cancel" else op.apply_block(M[10:20], 10)


def _noncanonical_csr(rng, n, d, counts, index_dtype, dtype):
    """CSR with the given row lengths, unsorted column indices with duplicates, kept as given
    (int64 indices are not taken down to int32)."""
    indptr = np.concatenate([[0], np.cumsum(counts)]).astype(index_dtype)
    indices = rng.integers(0, d, size=indptr[-1]).astype(index_dtype)
    data = rng.standard_normal(indptr[-1]).astype(dtype)
    A = sp.csr_matrix((data, indices, indptr), shape=(n, d))
    A.indices, A.indptr = indices, indptr  # scipy would take int64 down to int32
    assert A.indices.dtype == index_dtype
    return A


@pytest.mark.parametrize("rows", ["short", "long"])
@pytest.mark.parametrize("index_dtype", [np.int32, np.int64])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_countsketch_noncanonical_csr_equals_dense(rows, index_dtype, dtype, global_random_seed,
                                                   monkeypatch):
    """Both CSR kernels against S @ A (S from the operator's sparse matrix): short rows (about
    1.4 nonzeros, the flat kernel) and long rows (about 11, row by row), empty rows and runs of
    them (also at the end), unsorted column indices and duplicates (summed by scipy's dense
    conversion), int32 and int64 indices, float32 kept; at k = 2000 (an output past L2, the
    case the flat kernel is for) and at a small k. The caller's matrix is left as it is (the
    sketch does not sort its indices)."""
    from sparselearn._core import sketch as kernels

    rng = np.random.default_rng(global_random_seed)
    n, d = 700, 9
    counts = rng.integers(0, 5, size=n) if rows == "short" else rng.integers(8, 20, size=n)
    counts[rng.random(n) < 0.3] = 0  # empty rows, also runs of them
    counts[300:340] = 0
    counts[-3:] = 0
    A = _noncanonical_csr(rng, n, d, counts, index_dtype, dtype)
    given = A.indices.copy()
    dense = sp.csr_matrix((A.data.astype(np.float64), A.indices, A.indptr),
                          shape=(n, d)).toarray()
    calls = []
    flat = kernels.sparse_sign_csr_flat
    monkeypatch.setattr(kernels, "sparse_sign_csr_flat",
                        lambda *args: calls.append(args[0].shape) or flat(*args))
    tol = 1e-5 if dtype == np.float32 else 1e-12
    for k in (23, 2000):
        op = CountSketch(k, random_state=global_random_seed).fit(n)
        expected = op.to_matrix().toarray() @ dense
        SA = op.apply(A)
        assert SA.dtype == dtype
        np.testing.assert_allclose(SA, expected, rtol=tol, atol=tol)
        np.testing.assert_allclose(countsketch(A, k, global_random_seed), expected, rtol=tol,
                                   atol=tol)
    assert len(calls) == (4 if rows == "short" else 0)
    np.testing.assert_array_equal(A.indices, given)
    assert not A.has_sorted_indices


@pytest.mark.parametrize("nnz_per_col", [1, 3, 8])
@pytest.mark.parametrize("index_dtype", [np.int32, np.int64])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_csr_kernels_agree_bit_for_bit(nnz_per_col, index_dtype, dtype, global_random_seed):
    """The flat CSR kernel adds each entry's terms in the row kernel's order: equal outputs
    to the bit, whole and for a row block whose indptr starts past 0 (row_offset hashed), on
    non-canonical CSR with empty rows first, inside and last, and on a matrix with no
    nonzero at all."""
    from sparselearn._core.sketch import sparse_sign_csr, sparse_sign_csr_flat

    rng = np.random.default_rng(global_random_seed)
    n, d, k = 400, 7, 29
    counts = rng.integers(0, 6, size=n)
    counts[:4] = 0
    counts[200:230] = 0
    counts[-4:] = 0
    A = _noncanonical_csr(rng, n, d, counts, index_dtype, dtype)
    for lo, hi in [(0, n), (57, 333), (200, 230)]:
        indptr = A.indptr[lo:hi + 1]
        assert lo == 0 or indptr[0] > 0
        row, flat = np.zeros((k, d), dtype=dtype), np.zeros((k, d), dtype=dtype)
        sparse_sign_csr(A.data, A.indices, indptr, lo, global_random_seed, nnz_per_col, row)
        sparse_sign_csr_flat(A.data, A.indices, indptr, lo, global_random_seed, nnz_per_col,
                             flat)
        assert np.array_equal(row, flat)
        assert np.count_nonzero(row) > 0 or (lo, hi) == (200, 230)

"""Tour rows for ``python -m sparselearn``: sketched least squares and product sketches."""

import numpy as np

from .._tour import Result, timed

LEGEND = [
    ("sketch-and-precondition", "a random sketch of A gives a preconditioner; refinement on "
                                "the full problem (a solve with the preconditioned Gram "
                                "matrix, or conjugate gradients) then converges in a few "
                                "passes"),
    ("cond", "condition number of A"),
    ("coordinated sampling", "each table sketched on its own with shared hashes "
                             "(Daliri et al.), so A^T B is estimated from the two sketches"),
    ("JL", "a dense Gaussian (Johnson-Lindenstrauss) sketch, the linear baseline"),
    ("MinHash", "signatures whose agreement rate estimates the Jaccard similarity of two sets; "
                "one-permutation hashing with optimal densification makes k of them in O(|S| + k)"),
    ("LSH bands", "signatures cut into bands; sets sharing a band hash become candidate pairs, "
                  "verified on the whole signature"),
]


def _least_squares():
    from sparselearn.sketching import SketchedLeastSquares

    rng = np.random.default_rng(0)
    n, d = 20000, 50
    U, _ = np.linalg.qr(rng.standard_normal((n, d)))
    V, _ = np.linalg.qr(rng.standard_normal((d, d)))
    A = (U * np.logspace(0, -6, d)) @ V.T
    b = A @ rng.standard_normal(d) + 1e-3 * rng.standard_normal(n)
    x_ref, ref_seconds = timed(lambda: np.linalg.lstsq(A, b, rcond=None)[0])
    reg, seconds = timed(SketchedLeastSquares(fit_intercept=False, random_state=0).fit, A, b)
    res, res_ref = (np.linalg.norm(b - A @ x) for x in (reg.coef_, x_ref))
    return Result(seconds, f"residual equal to lstsq's (relative difference "
                           f"{abs(res - res_ref) / res_ref:.0e}) after {reg.n_iter_} iterations",
                  "numpy lstsq", ref_seconds)


def _products():
    import scipy.sparse as sp

    from sparselearn.sketching import CoordinatedSampler

    A = sp.random(20000, 300, density=0.01, random_state=0, format="csr")
    B = sp.random(20000, 300, density=0.01, random_state=1, format="csr")
    truth = (A.T @ B).toarray()

    def sketch_and_estimate(sampler):
        return sampler.estimate_product(sampler.sketch(A), sampler.sketch(B))

    sampler = CoordinatedSampler(2000, method="priority", random_state=0)
    estimate, seconds = timed(sketch_and_estimate, sampler)
    jl = CoordinatedSampler(max(1, sampler.sketch(A).nbytes // (8 * 300)), method="jl",
                            random_state=0)
    estimate_jl, ref_seconds = timed(sketch_and_estimate, jl)
    ratio = np.linalg.norm(estimate_jl - truth) / np.linalg.norm(estimate - truth)
    return Result(seconds, f"A^T B error {ratio:.1f}x lower than a JL sketch of the same size "
                           f"in bytes", "JL sketch (sparselearn)", ref_seconds)


def _minhash():
    import scipy.sparse as sp

    from sparselearn.sketching import MinHashSketch, near_duplicate_pairs

    rng = np.random.default_rng(0)
    n_docs, n_shingles, size, n_planted = 3000, 100_000, 150, 100
    rows = [rng.choice(n_shingles, size, replace=False) for _ in range(n_docs)]
    for i in range(n_planted):  # document n_planted + i: document i with 10 shingles replaced
        rows[n_planted + i] = np.concatenate([rows[i][10:], rng.choice(n_shingles, 10)])
    indptr = np.cumsum([0] + [len(r) for r in rows])
    X = sp.csr_matrix((np.ones(indptr[-1], dtype=bool), np.concatenate(rows), indptr),
                      shape=(n_docs, n_shingles))
    X.sum_duplicates()

    def exact_pairs():
        counts = X.astype(np.int32)
        inter = sp.triu(counts @ counts.T, k=1).tocoo()
        sizes = np.asarray(counts.sum(axis=1)).ravel()
        jaccard = inter.data / (sizes[inter.row] + sizes[inter.col] - inter.data)
        keep = jaccard >= 0.7
        return set(zip(inter.row[keep].tolist(), inter.col[keep].tolist()))

    def search():
        signatures = MinHashSketch(128, random_state=0).fit_transform(X)
        return near_duplicate_pairs(signatures, n_bands=32, threshold=0.7)[0]

    truth, ref_seconds = timed(exact_pairs)
    pairs, seconds = timed(search)
    found = set(map(tuple, pairs.tolist()))
    return Result(seconds, f"MinHash k=128 + LSH bands found {len(found & truth)} of the "
                           f"{len(truth)} pairs with Jaccard >= 0.7 among {n_docs} documents, "
                           f"{len(found - truth)} false", "exact Jaccard (scipy X X^T)",
                  ref_seconds)


TOUR = [
    ("sketching", "sketch-and-precondition lstsq 20000x50, cond 1e6", _least_squares),
    ("sketching", "coordinated sampling A^T B, sparse 20000x300", _products),
    ("sketching", "MinHash near-duplicates, 3000 sets of 150", _minhash),
]

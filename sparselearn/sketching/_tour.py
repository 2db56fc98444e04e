"""Tour rows for ``python -m sparselearn``: sketched least squares and product sketches."""

import numpy as np

from .._tour import Result, timed

LEGEND = [
    ("sketch-and-precondition", "a random sketch of A gives a preconditioner; conjugate "
                                "gradients on the full problem then converge in a few passes"),
    ("cond", "condition number of A"),
    ("coordinated sampling", "each table sketched on its own with shared hashes "
                             "(Daliri et al.), so A^T B is estimated from the two sketches"),
    ("JL", "a dense Gaussian (Johnson-Lindenstrauss) sketch, the linear baseline"),
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


TOUR = [
    ("sketching", "sketch-and-precondition lstsq 20000x50, cond 1e6", _least_squares),
    ("sketching", "coordinated sampling A^T B, sparse 20000x300", _products),
]

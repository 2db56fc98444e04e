"""Tour rows for ``python -m sparselearn``: sketched least squares and product sketches."""

import numpy as np


def _least_squares():
    from sparselearn.sketching import SketchedLeastSquares

    rng = np.random.default_rng(0)
    n, d = 20000, 50
    U, _ = np.linalg.qr(rng.standard_normal((n, d)))
    V, _ = np.linalg.qr(rng.standard_normal((d, d)))
    A = (U * np.logspace(0, -6, d)) @ V.T
    b = A @ rng.standard_normal(d) + 1e-3 * rng.standard_normal(n)
    x_ref = np.linalg.lstsq(A, b, rcond=None)[0]
    reg = SketchedLeastSquares(fit_intercept=False, random_state=0).fit(A, b)
    res, res_ref = (np.linalg.norm(b - A @ x) for x in (reg.coef_, x_ref))
    return f"residual rel diff {abs(res - res_ref) / res_ref:.0e} vs lstsq, {reg.n_iter_} iters"


def _products():
    import scipy.sparse as sp

    from sparselearn.sketching import CoordinatedSampler

    A = sp.random(20000, 300, density=0.01, random_state=0, format="csr")
    B = sp.random(20000, 300, density=0.01, random_state=1, format="csr")
    truth = (A.T @ B).toarray()
    sampler = CoordinatedSampler(2000, method="priority", random_state=0)
    SA, SB = sampler.sketch(A), sampler.sketch(B)
    err_s = np.linalg.norm(sampler.estimate_product(SA, SB) - truth)
    jl = CoordinatedSampler(max(1, SA.nbytes // (8 * 300)), method="jl", random_state=0)
    err_jl = np.linalg.norm(jl.estimate_product(jl.sketch(A), jl.sketch(B)) - truth)
    return f"A^T B error {err_jl / err_s:.1f}x lower than JL at equal bytes"


TOUR = [
    ("sketching", "sketch-and-precondition lstsq 20000x50, cond 1e6", _least_squares),
    ("sketching", "coordinated sampling A^T B, sparse 20000x300", _products),
]

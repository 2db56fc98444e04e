"""Tour rows for sparse coding and dictionary learning (see ``python -m sparselearn``)."""

import warnings

import numpy as np

from .._tour import Result, timed

LEGEND = [
    ("OMP", "orthogonal matching pursuit: adds atoms one at a time, told how many"),
    ("FISTA", "accelerated proximal gradient, here with convex (l1) and nonconvex penalties"),
    ("l0, MCP, CEL0", "nonconvex penalties: count the atoms, or approximate that count, "
                      "without shrinking the kept ones as l1 does"),
    ("planted", "signals built from a known dictionary and known codes, so recovery is "
                "checked against the truth"),
    ("atom recovered", "a planted atom with a learned atom at |cosine| above 0.99"),
    ("masked", "the masking objective of Chidambaram et al. (2023): codes fitted on part of "
               "each signal's coordinates, the dictionary judged on the rest"),
    ("distance", "mean over planted atoms of 1 - |cosine| to the nearest learned atom "
                 "(0: all recovered)"),
    ("semi-NMF", "X ~ W H with nonnegative codes W and components H of any sign (Ding et al.); "
                 "its error lies between the truncated SVD's and NMF's"),
    ("correntropy", "a loss that saturates on features with large residuals, minimized by "
                    "reweighting the features (Wang et al.): corrupted features stop driving "
                    "the fit"),
    ("abundance error", "relative error of the planted nonnegative codes, after matching "
                        "components by order and scale"),
]


def _omp_vs_sklearn():
    from sklearn.linear_model import orthogonal_mp_gram

    from . import sparse_encode
    from ._synthetic import planted_dictionary_data

    X, D, C = planted_dictionary_data(500, 256, 100, 10, noise=0.01, random_state=0)
    codes, seconds = timed(sparse_encode, X, D, algorithm="omp", n_nonzero_coefs=10)
    ref, ref_seconds = timed(lambda: orthogonal_mp_gram(D @ D.T, D @ X.T, n_nonzero_coefs=10).T)
    support = np.mean(np.all((codes != 0) == (C != 0), axis=1))
    return Result(seconds, f"same codes as scikit-learn (max difference "
                           f"{np.max(np.abs(codes - ref)):.0e}); planted support exact on "
                           f"{support:.0%} of signals", "scikit-learn OMP", ref_seconds)


def _nonconvex_coders():
    from . import sparse_encode
    from ._synthetic import planted_dictionary_data

    X, D, C = planted_dictionary_data(200, 256, 100, 8, noise=0.02, random_state=0)
    exact, seconds = {}, 0.0
    for penalty, alpha in (("l1", 0.05), ("l0", 0.02), ("mcp", 0.1), ("cel0", 0.02)):
        codes, elapsed = timed(sparse_encode, X, D, algorithm="fista", penalty=penalty,
                               alpha=alpha, tol=1e-8)
        seconds += elapsed
        exact[penalty] = np.mean(np.all((codes != 0) == (C != 0), axis=1))
    return Result(seconds, "planted support exact on " + ", ".join(
        f"{exact[p]:.0%} ({p})" for p in ("l0", "mcp", "cel0")) + f" of signals; "
        f"{exact['l1']:.0%} with l1, which keeps extra atoms")


def _online_recovery():
    from sklearn.decomposition import MiniBatchDictionaryLearning as SkMiniBatch

    from . import MiniBatchDictionaryLearning, dictionary_recovery_score
    from ._synthetic import planted_dictionary_data

    X, D, _ = planted_dictionary_data(256 * 120, 64, 32, 4, noise=0.01, random_state=0)
    kw = dict(alpha=1.0, batch_size=256, max_iter=1, shuffle=False, tol=0, max_no_improvement=None,
              random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # one pass on purpose: both warn that they stopped early
        ours, seconds = timed(MiniBatchDictionaryLearning(64, **kw).fit, X)
        ref, ref_seconds = timed(SkMiniBatch(64, fit_algorithm="cd", **kw).fit, X)
    return Result(seconds, f"{dictionary_recovery_score(D, ours.components_):.0%} of the planted "
                           f"atoms recovered after 120 steps (scikit-learn: "
                           f"{dictionary_recovery_score(D, ref.components_):.0%})",
                  "scikit-learn MiniBatchDictionaryLearning", ref_seconds)


def _masked_vs_plain():
    from . import MaskedDictionaryLearning, dictionary_recovery_error
    from ._synthetic import planted_dictionary_data

    # Chidambaram et al. (2023) setting scaled down: d=50, p=100 true atoms, p'=200 learned, k=5;
    # as in their code, the initial atoms are fresh noisy signals, not training signals
    X, D, _ = planted_dictionary_data(1000, 100, 50, 5, noise=0.1, unit_codes=True, random_state=0)
    init = planted_dictionary_data(200, 100, 50, 5, noise=0.1, unit_codes=True, random_state=100,
                                   dictionary=D)[0]
    errors, seconds = {}, 0.0
    for name, mask_size in (("plain", 50), ("masked", 45)):
        dl, elapsed = timed(MaskedDictionaryLearning(200, n_nonzero_coefs=5, mask_size=mask_size,
                                                     max_iter=300, dict_init=init,
                                                     random_state=0).fit, X)
        seconds += elapsed
        errors[name] = dictionary_recovery_error(D, dl.components_)
    return Result(seconds, f"distance to the planted dictionary {errors['plain']:.3f} plain, "
                           f"{errors['masked']:.3f} masked")


def _semi_nmf_digits():
    from sklearn.datasets import load_digits
    from sklearn.decomposition import NMF, TruncatedSVD

    from . import SemiNMF

    X = load_digits().data
    model, seconds = timed(SemiNMF(10, random_state=0).fit, X)
    ref, ref_seconds = timed(NMF(10, max_iter=1000, random_state=0).fit, X)
    svd = TruncatedSVD(10, algorithm="arpack", random_state=0).fit(X)
    svd_err = np.linalg.norm(X - svd.transform(X) @ svd.components_)
    return Result(seconds, f"reconstruction error {model.reconstruction_err_:.1f} (truncated "
                           f"SVD, the lower bound: {svd_err:.1f}; scikit-learn NMF: "
                           f"{ref.reconstruction_err_:.1f})", "scikit-learn NMF", ref_seconds)


def _correntropy_unmixing():
    from scipy.optimize import linear_sum_assignment

    from . import SparseNMF

    rng = np.random.default_rng(0)
    H = rng.uniform(size=(4, 50))
    W = rng.uniform(size=(300, 4)) * (rng.uniform(size=(300, 4)) < 0.5)
    X = W @ H + 0.01 * rng.uniform(size=(300, 50))
    bad = rng.choice(50, 5, replace=False)
    X[:, bad] += 10 * X.max() * rng.uniform(size=(300, 5))
    errors, seconds = {}, 0.0
    for loss in ("frobenius", "correntropy"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the Frobenius fit chases the outliers
            codes, elapsed = timed(SparseNMF(4, loss=loss, sparsity=0.1, max_iter=500,
                                             random_state=0).fit_transform, X)
        seconds += elapsed
        unit = W / np.linalg.norm(W, axis=0)
        est = codes / np.maximum(np.linalg.norm(codes, axis=0), 1e-300)
        cols = linear_sum_assignment(-(unit.T @ est))[1]
        E = codes[:, cols]
        scale = (E * W).sum(0) / np.maximum((E * E).sum(0), 1e-300)
        errors[loss] = np.linalg.norm(W - E * scale) / np.linalg.norm(W)
    return Result(seconds, f"abundance error {errors['correntropy']:.3f} with correntropy, "
                           f"{errors['frobenius']:.3f} with the squared loss "
                           f"({errors['frobenius'] / errors['correntropy']:.0f}x)")


TOUR = [
    ("sparse coding", "OMP, 500 signals, 100x256 dictionary", _omp_vs_sklearn),
    ("sparse coding", "FISTA l1 / nonconvex, planted, 8 atoms per signal", _nonconvex_coders),
    ("dictionary learning", "online, planted 32x64, 4 atoms per signal", _online_recovery),
    ("dictionary learning", "masked vs plain, d=50, 200 atoms, noise 0.1", _masked_vs_plain),
    ("matrix factorization", "semi-NMF, digits, rank 10", _semi_nmf_digits),
    ("matrix factorization", "sparse NMF, 10% of 50 features corrupted by outliers",
     _correntropy_unmixing),
]

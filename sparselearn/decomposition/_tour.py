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


TOUR = [
    ("sparse coding", "OMP, 500 signals, 100x256 dictionary", _omp_vs_sklearn),
    ("sparse coding", "FISTA l1 / nonconvex, planted, 8 atoms per signal", _nonconvex_coders),
    ("dictionary learning", "online, planted 32x64, 4 atoms per signal", _online_recovery),
    ("dictionary learning", "masked vs plain, d=50, 200 atoms, noise 0.1", _masked_vs_plain),
]

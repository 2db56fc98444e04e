"""Tour rows for sparse coding and dictionary learning (see ``python -m sparselearn``)."""

import warnings

import numpy as np


def _omp_vs_sklearn():
    from sklearn.linear_model import orthogonal_mp_gram

    from . import sparse_encode
    from ._synthetic import planted_dictionary_data

    X, D, C = planted_dictionary_data(500, 256, 100, 10, noise=0.01, random_state=0)
    codes = sparse_encode(X, D, algorithm="omp", n_nonzero_coefs=10)
    ref = orthogonal_mp_gram(D @ D.T, D @ X.T, n_nonzero_coefs=10).T
    support = np.mean(np.all((codes != 0) == (C != 0), axis=1))
    return (f"max |code - sklearn OMP| = {np.max(np.abs(codes - ref)):.1e}; "
            f"planted support exact on {support:.0%}")


def _nonconvex_coders():
    from . import sparse_encode
    from ._synthetic import planted_dictionary_data

    X, D, C = planted_dictionary_data(200, 256, 100, 8, noise=0.02, random_state=0)
    out = []
    for penalty, alpha in (("l1", 0.05), ("l0", 0.02), ("mcp", 0.1), ("cel0", 0.02)):
        codes = sparse_encode(X, D, algorithm="fista", penalty=penalty, alpha=alpha, tol=1e-8)
        exact = np.mean(np.all((codes != 0) == (C != 0), axis=1))
        out.append(f"{penalty} {exact:.2f}")
    return "exact support: " + ", ".join(out)


def _online_recovery():
    from sklearn.decomposition import MiniBatchDictionaryLearning as SkMiniBatch

    from . import MiniBatchDictionaryLearning, dictionary_recovery_score
    from ._synthetic import planted_dictionary_data

    X, D, _ = planted_dictionary_data(256 * 120, 64, 32, 4, noise=0.01, random_state=0)
    kw = dict(alpha=1.0, batch_size=256, max_iter=1, shuffle=False, tol=0, max_no_improvement=None,
              random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = MiniBatchDictionaryLearning(64, **kw).fit(X)
        ref = SkMiniBatch(64, fit_algorithm="cd", **kw).fit(X)
    return (f"atoms recovered after 120 steps: {dictionary_recovery_score(D, ours.components_):.2f} "
            f"(sklearn {dictionary_recovery_score(D, ref.components_):.2f})")


def _masked_vs_plain():
    from . import MaskedDictionaryLearning, dictionary_recovery_error
    from ._synthetic import planted_dictionary_data

    # Chidambaram et al. (2023) setting scaled down: d=50, p=100 true atoms, p'=200 learned, k=5;
    # as in their code, the initial atoms are fresh noisy signals, not training signals
    X, D, _ = planted_dictionary_data(1000, 100, 50, 5, noise=0.1, unit_codes=True, random_state=0)
    init = planted_dictionary_data(200, 100, 50, 5, noise=0.1, unit_codes=True, random_state=100,
                                   dictionary=D)[0]
    errors = {}
    for name, mask_size in (("plain", 50), ("masked", 45)):
        dl = MaskedDictionaryLearning(200, n_nonzero_coefs=5, mask_size=mask_size, max_iter=300,
                                      dict_init=init, random_state=0).fit(X)
        errors[name] = dictionary_recovery_error(D, dl.components_)
    return f"recovery error plain {errors['plain']:.3f} -> masked {errors['masked']:.3f}"


TOUR = [
    ("sparse coding", "OMP 500 signals, 100x256 dictionary", _omp_vs_sklearn),
    ("sparse coding", "FISTA l1 / nonconvex, planted k=8", _nonconvex_coders),
    ("dictionary learning", "online, planted 32x64, k=4", _online_recovery),
    ("dictionary learning", "masked vs plain, d=50 p'=200 noise 0.1", _masked_vs_plain),
]

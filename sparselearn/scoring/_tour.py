"""Tour rows for ``python -m sparselearn``: SLIM scoring systems."""

import warnings

import numpy as np

from .._tour import Result, timed

LEGEND = [
    ("SLIM", "supersparse linear integer model (Ustun & Rudin): a score card with small "
             "integer points, found by mixed-integer programming"),
    ("proven optimal", "no score card within the limits has fewer training errors"),
    ("binarized", "each feature turned into yes/no indicators at its terciles"),
]


def _haberman_enumeration():
    from sparselearn.datasets._slim_data import load_haberman
    from sparselearn.scoring import SLIMClassifier

    X, y = load_haberman(return_X_y=True)
    clf, seconds = timed(SLIMClassifier(max_coef=10, C0=1e-6, random_state=0).fit, X, y)
    errors = int((clf.predict(X) != y).sum())
    return Result(seconds, f"proven optimal card: points {clf.coef_.tolist()}, {errors} training "
                           f"errors of {len(y)}")


def _breast_cancer_mip():
    from sklearn.datasets import load_breast_cancer
    from sklearn.exceptions import ConvergenceWarning

    from sparselearn.scoring import SLIMClassifier, ThresholdBinarizer

    X, y = load_breast_cancer(return_X_y=True)
    Xb = ThresholdBinarizer(n_thresholds=2).fit_transform(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # the 3 s limit is the point here
        clf, seconds = timed(SLIMClassifier(max_coef=10, max_features=5, C0=1e-3, time_limit=3,
                                            random_state=0).fit, Xb, y)
    majority = 1 - max(np.mean(y), 1 - np.mean(y))
    proven = "proven optimal" if clf.mip_gap_ <= 1e-4 else "optimality not proven in 3 s"
    return Result(seconds, f"best card found: {int((clf.coef_ != 0).sum())} features, training "
                           f"error {1 - clf.score(Xb, y):.1%} (majority class {majority:.1%}); "
                           f"{proven}")


TOUR = [
    ("SLIM scoring system", "haberman 306x3, exact enumeration", _haberman_enumeration),
    ("SLIM scoring system", "breast cancer 569x60 binarized, HiGHS, 3 s limit",
     _breast_cancer_mip),
]

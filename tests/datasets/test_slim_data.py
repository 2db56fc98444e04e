"""The shipped SLIM data sets and their binarizers."""

import numpy as np
import pytest

from sparselearn.datasets import (binarize_heart, binarize_mammographic, load_breastcancer,
                                  load_haberman, load_heart, load_mammographic)

LOADERS = [
    # loader, shape, positives, target column, first feature names
    (load_breastcancer, (683, 9), 239, "malignant", ["clump_thickness", "cell_size_uniformity"]),
    (load_haberman, (306, 3), 81, "died_within_5y", ["age", "year", "nodes"]),
    (load_heart, (270, 13), 120, "disease", ["age", "sex", "chest_pain"]),
    (load_mammographic, (830, 5), 403, "malignant", ["bi_rads", "age", "shape", "margin"]),
]


@pytest.mark.parametrize("loader, shape, n_pos, target, first_names", LOADERS)
def test_loader_bunch(loader, shape, n_pos, target, first_names):
    bunch = loader()
    assert set(bunch) == {"data", "target", "frame", "feature_names", "target_names", "DESCR"}
    assert bunch.data.shape == shape and bunch.data.dtype == np.float64
    assert bunch.target.shape == (shape[0],) and bunch.target.dtype == np.int64
    assert set(np.unique(bunch.target)) == {0, 1} and int(bunch.target.sum()) == n_pos
    np.testing.assert_array_equal(bunch.target_names, [0, 1])
    assert list(bunch.feature_names[:len(first_names)]) == first_names
    assert len(bunch.feature_names) == shape[1] == len(set(bunch.feature_names))
    assert bunch.frame is None
    # the description states the sizes it documents
    assert f"{n_pos} of {shape[0]}" in bunch.DESCR
    # the rows with missing values were removed; every feature is integer-coded
    assert np.all(np.isfinite(bunch.data)) and np.array_equal(bunch.data, np.round(bunch.data))
    X, y = loader(return_X_y=True)
    np.testing.assert_array_equal(X, bunch.data)
    np.testing.assert_array_equal(y, bunch.target)


@pytest.mark.parametrize("loader, shape, n_pos, target, first_names", LOADERS)
def test_loader_as_frame(loader, shape, n_pos, target, first_names):
    pd = pytest.importorskip("pandas")
    bunch = loader(as_frame=True)
    arrays = loader()
    assert isinstance(bunch.frame, pd.DataFrame) and bunch.frame.shape == (shape[0], shape[1] + 1)
    assert list(bunch.frame.columns) == list(arrays.feature_names) + [target]
    assert isinstance(bunch.data, pd.DataFrame) and isinstance(bunch.target, pd.Series)
    assert bunch.target.name == target and bunch.target.dtype == np.int64
    np.testing.assert_array_equal(bunch.data.to_numpy(), arrays.data)
    np.testing.assert_array_equal(bunch.target.to_numpy(), arrays.target)
    X, y = loader(return_X_y=True, as_frame=True)
    assert isinstance(X, pd.DataFrame) and isinstance(y, pd.Series)
    assert X.shape == shape and int(y.sum()) == n_pos


@pytest.mark.parametrize("loader", [entry[0] for entry in LOADERS])
def test_loader_bad_parameters(loader):
    with pytest.raises(ValueError, match="return_X_y"):
        loader(return_X_y="yes")
    with pytest.raises(ValueError, match="as_frame"):
        loader(as_frame=1)


def test_breastcancer_is_the_papers_integer_data():
    # the SLIM paper's breastcancer: 9 cytology scores on a 1..10 integer scale
    X, _ = load_breastcancer(return_X_y=True)
    assert X.min() == 1 and X.max() == 10


def test_binarize_heart_one_hot_and_thresholds():
    X, _ = load_heart(return_X_y=True)
    Xb, names = binarize_heart(X)
    assert Xb.shape == (270, 33) == (X.shape[0], len(names)) and len(set(names)) == len(names)
    assert Xb.dtype == np.float64
    col = {name: Xb[:, k] for k, name in enumerate(names)}
    # 0/1 indicators, except the number of vessels, kept as its 0-3 count
    for name, values in col.items():
        expected = {0.0, 1.0, 2.0, 3.0} if name == "n_vessels" else {0.0, 1.0}
        assert set(np.unique(values)) <= expected, name
    np.testing.assert_array_equal(col["n_vessels"], X[:, 11])
    # every categorical / banded measurement becomes exactly one indicator per patient
    for prefix in ("chest_pain=", "st_slope=", "thal=", "rest_ecg=", "cholesterol",
                   "rest_bp"):
        block = np.column_stack([v for n, v in col.items() if n.startswith(prefix)])
        assert np.all(block.sum(axis=1) == 1), prefix
    np.testing.assert_array_equal(col["male"], X[:, 1] == 1)
    assert np.all(col["male"] + col["female"] == 1)
    np.testing.assert_array_equal(col["chest_pain=asymptomatic"], X[:, 2] == 4)
    np.testing.assert_array_equal(col["thal=reversible_defect"], X[:, 12] == 7)
    np.testing.assert_array_equal(col["cholesterol>=240"], X[:, 4] >= 240)
    np.testing.assert_array_equal(col["rest_bp=140-159"], (X[:, 3] >= 140) & (X[:, 3] < 160))
    # oldpeak is stored in tenths of a mm
    np.testing.assert_array_equal(col["st_depression>=1mm"], X[:, 9] >= 10)
    np.testing.assert_array_equal(col["st_depression>=2mm"], X[:, 9] >= 20)
    np.testing.assert_array_equal(col["max_hr>=85%_predicted"],
                                  X[:, 7] >= 0.85 * (220 - X[:, 0]))
    np.testing.assert_array_equal(col["age>=60"], X[:, 0] >= 60)
    np.testing.assert_array_equal(col["fasting_blood_sugar>120"], X[:, 5])


@pytest.mark.parametrize("include_birads", [False, True])
def test_binarize_mammographic_one_indicator_per_category(include_birads):
    X, _ = load_mammographic(return_X_y=True)
    Xb, names = binarize_mammographic(X, include_birads=include_birads)
    assert Xb.shape == (X.shape[0], 17 + 2 * include_birads) == (X.shape[0], len(names))
    assert set(np.unique(Xb)) == {0.0, 1.0} and len(set(names)) == len(names)
    col = {name: Xb[:, k] for k, name in enumerate(names)}
    for prefix, j in (("shape=", 2), ("margin=", 3), ("density=", 4)):
        block = np.column_stack([v for n, v in col.items() if n.startswith(prefix)])
        assert np.all(block.sum(axis=1) == 1), prefix
        np.testing.assert_array_equal(block.argmax(axis=1) + 1, X[:, j], err_msg=prefix)
    for cut in (40, 50, 60, 70):
        np.testing.assert_array_equal(col[f"age>={cut}"], X[:, 1] >= cut)
    if include_birads:
        assert names[:2] == ["bi_rads>=4", "bi_rads>=5"]
        np.testing.assert_array_equal(col["bi_rads>=4"], X[:, 0] >= 4)
        np.testing.assert_array_equal(col["bi_rads>=5"], X[:, 0] >= 5)
    else:
        assert not any(name.startswith("bi_rads") for name in names)


def test_binarizers_take_frames():
    pytest.importorskip("pandas")
    X, _ = load_heart(return_X_y=True, as_frame=True)
    np.testing.assert_array_equal(binarize_heart(X)[0], binarize_heart(X.to_numpy())[0])
    X, _ = load_mammographic(return_X_y=True, as_frame=True)
    np.testing.assert_array_equal(binarize_mammographic(X)[0],
                                  binarize_mammographic(X.to_numpy())[0])


@pytest.mark.parametrize("binarize, loader, n_columns", [
    (binarize_heart, load_heart, 13), (binarize_mammographic, load_mammographic, 5)])
def test_binarizers_bad_input(binarize, loader, n_columns):
    X, _ = loader(return_X_y=True)
    with pytest.raises(ValueError, match=f"{n_columns} columns"):
        binarize(X[:, :-1])
    with pytest.raises(ValueError, match="X"):
        binarize(X[0])
    bad = X.copy()
    bad[0, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        binarize(bad)

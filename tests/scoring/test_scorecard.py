"""ScoreCard text and arithmetic; ThresholdBinarizer; the shipped SLIM data sets."""

import numpy as np
import pytest

from sparselearn.datasets._slim_data import (binarize_heart, binarize_mammographic,
                                             load_breastcancer, load_haberman, load_heart,
                                             load_mammographic)
from sparselearn.scoring import ScoreCard, SLIMClassifier, ThresholdBinarizer


def test_scorecard_reproduces_predictions(binary_problem):
    X, y = binary_problem
    clf = SLIMClassifier(max_coef=3, C0=0.005, random_state=0).fit(X, y)
    card = clf.scorecard(feature_names=["fever", "cough", "age>60"])
    text = str(card)
    for name, pts in card.rows:
        assert name in text and f"{pts:+d}" in text
    assert f"total score > {-clf.intercept_}" in text
    assert card.threshold == -clf.intercept_
    pred = card.predict_score(X) > card.threshold
    np.testing.assert_array_equal(clf.classes_[pred.astype(int)], clf.predict(X))
    with pytest.raises(ValueError, match="feature_names"):
        clf.scorecard(feature_names=["a"])


def test_scorecard_defaults_and_frame():
    pd = pytest.importorskip("pandas")
    card = ScoreCard(["a", "b", "c"], [0, -2, 5], 3, "yes", "no")
    assert card.rows == [("b", -2), ("c", 5)]
    assert "predict yes if total score > -3" in str(card)
    frame = card.to_frame()
    assert list(frame["points"]) == [-2, 5]
    assert isinstance(pd.DataFrame, type)
    assert "threshold=-3" in repr(card)


def test_threshold_binarizer():
    X = np.array([[1.0, 0, 10], [2.0, 1, 20], [3.0, 1, 30], [4.0, 0, 40]])
    binarizer = ThresholdBinarizer(n_thresholds=1, thresholds={2: [15, 35]}).fit(X)
    Xb = binarizer.transform(X)
    names = binarizer.get_feature_names_out()
    assert list(names) == ["x0>2.5", "x1", "x2>15", "x2>35"]
    np.testing.assert_array_equal(Xb[:, 0], X[:, 0] > 2.5)
    np.testing.assert_array_equal(Xb[:, 1], X[:, 1])
    np.testing.assert_array_equal(Xb[:, 3], X[:, 2] > 35)
    uniform = ThresholdBinarizer(n_thresholds=3, strategy="uniform").fit(X)
    np.testing.assert_allclose(uniform.thresholds_[0], [1.75, 2.5, 3.25])
    with pytest.raises(ValueError, match="thresholds"):
        ThresholdBinarizer(thresholds={"age": [1]}).fit(X)


def test_dataframe_to_card():
    pd = pytest.importorskip("pandas")
    frame = load_haberman(as_frame=True).frame
    X, y = frame.drop(columns="died_within_5y"), frame["died_within_5y"]
    binarizer = ThresholdBinarizer(n_thresholds=2).set_output(transform="pandas")
    Xb = binarizer.fit_transform(X)
    clf = SLIMClassifier(max_coef=5, max_features=3, C0=1e-3, random_state=0).fit(Xb, y)
    text = str(clf.scorecard())
    assert "predict 1 if total score >" in text
    assert all(name in list(Xb.columns) for name, _ in clf.scorecard().rows)


@pytest.mark.parametrize("loader, shape, n_pos", [
    (load_breastcancer, (683, 9), 239), (load_haberman, (306, 3), 81),
    (load_heart, (270, 13), 120),
    (load_mammographic, (830, 5), 403),
])
def test_slim_datasets(loader, shape, n_pos):
    bunch = loader()
    assert bunch.data.shape == shape and int(bunch.target.sum()) == n_pos
    assert len(bunch.feature_names) == shape[1] and bunch.DESCR
    X, y = loader(return_X_y=True)
    assert set(np.unique(y)) == {0, 1} and np.all(np.isfinite(X))


def test_breastcancer_is_the_papers_integer_data():
    # the SLIM paper's breastcancer: 9 cytology scores on a 1..10 integer scale
    X, _ = load_breastcancer(return_X_y=True)
    assert np.array_equal(X, np.round(X)) and X.min() == 1 and X.max() == 10


def test_binarize_heart_one_hot_and_thresholds():
    X, _ = load_heart(return_X_y=True)
    Xb, names = binarize_heart(X)
    assert Xb.shape == (X.shape[0], len(names)) and len(set(names)) == len(names)
    assert np.array_equal(Xb, np.round(Xb))
    col = {name: Xb[:, k] for k, name in enumerate(names)}
    # every categorical / banded measurement becomes exactly one indicator per patient
    for prefix in ("chest_pain=", "st_slope=", "thal=", "rest_ecg=", "cholesterol",
                   "rest_bp"):
        block = np.column_stack([v for n, v in col.items() if n.startswith(prefix)])
        assert np.all(block.sum(axis=1) == 1), prefix
    assert np.all(col["male"] + col["female"] == 1)
    assert np.array_equal(col["n_vessels"], X[:, 11])
    assert np.array_equal(col["cholesterol>=240"], (X[:, 4] >= 240).astype(float))
    assert np.array_equal(col["st_depression>=2mm"], (X[:, 9] >= 20).astype(float))
    hr_ok = X[:, 7] >= 0.85 * (220 - X[:, 0])
    assert np.array_equal(col["max_hr>=85%_predicted"], hr_ok.astype(float))


@pytest.mark.parametrize("include_birads", [False, True])
def test_binarize_mammographic_one_indicator_per_category(include_birads):
    X, _ = load_mammographic(return_X_y=True)
    Xb, names = binarize_mammographic(X, include_birads=include_birads)
    assert Xb.shape == (X.shape[0], 17 + 2 * include_birads)
    assert set(np.unique(Xb)) == {0.0, 1.0} and len(set(names)) == len(names)
    col = {name: Xb[:, k] for k, name in enumerate(names)}
    for prefix, j in (("shape=", 2), ("margin=", 3), ("density=", 4)):
        block = np.column_stack([v for n, v in col.items() if n.startswith(prefix)])
        assert np.all(block.sum(axis=1) == 1), prefix
        assert np.array_equal(block.argmax(axis=1) + 1, X[:, j]), prefix
    assert np.array_equal(col["age>=60"], (X[:, 1] >= 60).astype(float))
    assert ("bi_rads>=4" in col) == include_birads
    with pytest.raises(ValueError, match="5 columns"):
        binarize_mammographic(X[:, :4])

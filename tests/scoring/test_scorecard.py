"""ScoreCard text, frame and arithmetic; ThresholdBinarizer."""

import numpy as np
import pytest

from sparselearn.datasets import load_haberman
from sparselearn.scoring import ScoreCard, SLIMClassifier, ThresholdBinarizer


def _parse_card(text):
    """``(rows, rule)`` read back from a printed score card: (name, points) pairs, last line."""
    lines = text.splitlines()
    assert lines[0].split() == ["feature", "points"]
    rules = [k for k, line in enumerate(lines) if set(line) == {"-"}]
    assert len(rules) == 2, text
    rows = []
    for line in lines[rules[0] + 1:rules[1]]:
        if line.strip() == "(no features)":
            continue
        name, points = line.rsplit(maxsplit=1)
        rows.append((name.strip(), int(points)))
    return rows, lines[-1]


def test_scorecard_matches_the_model(binary_problem):
    X, y = binary_problem
    clf = SLIMClassifier(max_coef=3, C0=0.005, random_state=0).fit(X, y)
    names = ["fever", "cough", "age>60"]
    card = clf.scorecard(feature_names=names)
    expected = [(names[j], int(clf.coef_[j])) for j in np.flatnonzero(clf.coef_)]
    assert card.rows == expected
    rows, rule = _parse_card(str(card))
    assert rows == expected
    assert rule == f"predict {clf.classes_[1]} if total score > {-clf.intercept_}"
    assert card.threshold == -clf.intercept_
    # the card's rule is the model: total points > threshold iff predicted positive
    total = card.predict_score(X)
    np.testing.assert_array_equal(total, X @ clf.coef_)
    np.testing.assert_array_equal(clf.classes_[(total > card.threshold).astype(int)],
                                  clf.predict(X))
    with pytest.raises(ValueError, match="feature_names"):
        clf.scorecard(feature_names=["a"])


def test_scorecard_frame_text_and_repr():
    pytest.importorskip("pandas")
    card = ScoreCard(["a", "b", "c"], [0, -2, 5], 3, "yes", "no")
    assert card.rows == [("b", -2), ("c", 5)]
    assert _parse_card(str(card)) == ([("b", -2), ("c", 5)], "predict yes if total score > -3")
    frame = card.to_frame()
    assert list(frame.columns) == ["feature", "points"]
    assert list(frame.itertuples(index=False, name=None)) == card.rows
    assert frame["points"].dtype.kind == "i"
    np.testing.assert_array_equal(card.predict_score([[1, 1, 1], [0, 0, 1]]), [3, 5])
    assert repr(card) == "ScoreCard(n_features=2, threshold=-3, positive_label='yes')"
    empty = ScoreCard(["a"], [0], -1)
    assert _parse_card(str(empty)) == ([], "predict 1 if total score > 1")
    assert empty.to_frame().empty
    with pytest.raises(ValueError, match="feature_names"):
        ScoreCard(["a", "b"], [1], 0)


def test_threshold_binarizer():
    X = np.array([[1.0, 0, 10], [2.0, 1, 20], [3.0, 1, 30], [4.0, 0, 40]])
    binarizer = ThresholdBinarizer(n_thresholds=1, thresholds={2: [15, 35]}).fit(X)
    Xb = binarizer.transform(X)
    names = binarizer.get_feature_names_out()
    assert list(names) == ["x0>2.5", "x1", "x2>15", "x2>35"]
    np.testing.assert_array_equal(Xb[:, 0], X[:, 0] > 2.5)
    np.testing.assert_array_equal(Xb[:, 1], X[:, 1])
    np.testing.assert_array_equal(Xb[:, 2], X[:, 2] > 15)
    np.testing.assert_array_equal(Xb[:, 3], X[:, 2] > 35)
    uniform = ThresholdBinarizer(n_thresholds=3, strategy="uniform").fit(X)
    np.testing.assert_allclose(uniform.thresholds_[0], [1.75, 2.5, 3.25])
    with pytest.raises(ValueError, match="thresholds"):
        ThresholdBinarizer(thresholds={"age": [1]}).fit(X)


def test_dataframe_to_card():
    pytest.importorskip("pandas")
    frame = load_haberman(as_frame=True).frame
    X, y = frame.drop(columns="died_within_5y"), frame["died_within_5y"]
    binarizer = ThresholdBinarizer(n_thresholds=2).set_output(transform="pandas")
    Xb = binarizer.fit_transform(X)
    clf = SLIMClassifier(max_coef=5, max_features=3, C0=1e-3, random_state=0).fit(Xb, y)
    card = clf.scorecard()  # names from feature_names_in_
    expected = [(Xb.columns[j], int(clf.coef_[j])) for j in np.flatnonzero(clf.coef_)]
    assert card.rows == expected
    assert _parse_card(str(card)) == (expected, f"predict 1 if total score > {-clf.intercept_}")

"""ScoreCard: a fitted SLIM model as a printable table of points."""

import numpy as np

from .._checks import check_named_array

__all__ = ["ScoreCard"]


class ScoreCard:
    """A scoring system: integer points per feature and a threshold on the total.

    The rule is: add the points of every feature that applies (points times the feature's
    value), then predict ``positive_label`` iff the total is greater than ``threshold``
    (``threshold = -intercept``).

    Parameters
    ----------
    feature_names : list of str
        One name per feature (all features, including those with 0 points).
    points : array-like of int
        Points per feature.
    intercept : int
        Integer intercept of the linear model.
    positive_label, negative_label : str
        Text of the two outcomes.

    Attributes
    ----------
    threshold : int
        Predict the positive outcome iff the total score exceeds it.
    rows : list of (str, int)
        Features with nonzero points, in input order.

    Examples
    --------
    >>> from sparselearn.scoring import ScoreCard
    >>> card = ScoreCard(["age > 60", "smoker"], [2, 3], -4, "disease", "healthy")
    >>> print(card)
    feature   points
    ----------------
    age > 60      +2
    smoker        +3
    ----------------
    predict disease if total score > 4
    >>> card.predict_score([[1, 1], [1, 0]])
    array([5, 2])
    """

    def __init__(self, feature_names, points, intercept, positive_label="1",
                 negative_label="0"):
        points = check_named_array(points, "points", ndim=1, allow_empty=True)
        if not np.all(points == np.round(points)):
            raise ValueError(f"points must be integers; got {points.tolist()}.")
        points = points.astype(np.int64)
        if len(feature_names) != points.shape[0]:
            raise ValueError(
                f"feature_names has {len(feature_names)} names for {points.shape[0]} points."
            )
        self.feature_names = list(feature_names)
        self.points = points
        self.intercept = int(intercept)
        self.positive_label = positive_label
        self.negative_label = negative_label

    @property
    def threshold(self):
        return -self.intercept

    @property
    def rows(self):
        return [(n, int(p)) for n, p in zip(self.feature_names, self.points) if p != 0]

    def predict_score(self, X):
        """Total points of each sample (without the intercept).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        total : ndarray of shape (n_samples,)
        """
        X = np.asarray(X)
        total = X @ self.points
        return np.round(total).astype(np.int64) if np.all(total == np.round(total)) else total

    def to_frame(self):
        """The card as a pandas DataFrame with columns ``feature`` and ``points``."""
        import pandas as pd

        return pd.DataFrame(self.rows, columns=["feature", "points"])

    def __str__(self):
        rows = self.rows
        name_w = max([len("feature")] + [len(n) for n, _ in rows])
        width = name_w + 8
        lines = [f"{'feature'.ljust(name_w)}  {'points':>6}", "-" * width]
        if not rows:
            lines.append("(no features)".ljust(name_w))
        for name, pts in rows:
            lines.append(f"{name.ljust(name_w)}  {pts:>+6d}")
        lines.append("-" * width)
        lines.append(f"predict {self.positive_label} if total score > {self.threshold}")
        return "\n".join(lines)

    def __repr__(self):
        return (f"ScoreCard(n_features={len(self.rows)}, threshold={self.threshold}, "
                f"positive_label={self.positive_label!r})")

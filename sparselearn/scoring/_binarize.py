"""ThresholdBinarizer: indicator features ``x_j > t`` for continuous columns."""

import numbers

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

__all__ = ["ThresholdBinarizer"]


class ThresholdBinarizer(TransformerMixin, BaseEstimator):
    """Replace each continuous column by indicators ``x_j > t`` at a few thresholds.

    Integer scoring systems read best (and SLIM's MIP is exact) on binary features. A
    column that already holds only 0 and 1 is passed through unchanged; any other column
    ``j`` becomes ``1[x_j > t]`` for each of its thresholds ``t``.

    Parameters
    ----------
    n_thresholds : int, default=3
        Thresholds per continuous column when ``thresholds`` does not give them.
    strategy : {"quantile", "uniform"}, default="quantile"
        Thresholds at the ``k / (n_thresholds + 1)`` quantiles of the column, or evenly
        spaced between its min and max; duplicates and thresholds outside
        ``[min, max)`` are dropped.
    thresholds : dict or None, default=None
        ``{column index or name: list of thresholds}`` overriding the strategy.

    Attributes
    ----------
    thresholds_ : list of ndarray
        Thresholds per input column (empty for passed-through binary columns).
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Defined when X has string feature names.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.scoring import ThresholdBinarizer
    >>> X = np.array([[20., 1], [40., 0], [60., 1], [80., 0]])
    >>> binarizer = ThresholdBinarizer(n_thresholds=1).fit(X)
    >>> binarizer.get_feature_names_out()
    array(['x0>50', 'x1'], dtype=object)
    >>> binarizer.transform(X)
    array([[0., 1.],
           [0., 0.],
           [1., 1.],
           [1., 0.]])
    """

    _parameter_constraints = {
        "n_thresholds": [Interval(numbers.Integral, 1, None, closed="left")],
        "strategy": [StrOptions({"quantile", "uniform"})],
        "thresholds": [dict, None],
    }

    def __init__(self, n_thresholds=3, strategy="quantile", thresholds=None):
        self.n_thresholds = n_thresholds
        self.strategy = strategy
        self.thresholds = thresholds

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Choose the thresholds of every column.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : ignored

        Returns
        -------
        self : ThresholdBinarizer
        """
        X = validate_data(self, X, dtype=np.float64)
        names = getattr(self, "feature_names_in_", None)
        given = {}
        for key, values in (self.thresholds or {}).items():
            if isinstance(key, str):
                if names is None or key not in list(names):
                    raise ValueError(f"thresholds: unknown column {key!r}.")
                key = list(names).index(key)
            if not isinstance(key, numbers.Integral) or not 0 <= key < X.shape[1]:
                raise ValueError(f"thresholds: column {key!r} is out of range.")
            given[int(key)] = np.unique(np.asarray(values, dtype=float))
        self.thresholds_ = []
        levels = np.arange(1, self.n_thresholds + 1) / (self.n_thresholds + 1)
        for j in range(X.shape[1]):
            col = X[:, j]
            if j in given:
                self.thresholds_.append(given[j])
                continue
            if np.all((col == 0) | (col == 1)):
                self.thresholds_.append(np.empty(0))
                continue
            lo, hi = col.min(), col.max()
            if self.strategy == "quantile":
                cuts = np.quantile(col, levels)
            else:
                cuts = lo + levels * (hi - lo)
            cuts = np.unique(cuts[(cuts >= lo) & (cuts < hi)])
            self.thresholds_.append(cuts)
        return self

    def transform(self, X):
        """Indicator features, in input column order.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        X_bin : ndarray of shape (n_samples, n_features_out)
            0/1 float64 array.
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        blocks = []
        for j, cuts in enumerate(self.thresholds_):
            if cuts.size == 0:
                blocks.append(X[:, [j]])
            else:
                blocks.append((X[:, [j]] > cuts[None, :]).astype(np.float64))
        return np.hstack(blocks) if blocks else np.empty((X.shape[0], 0))

    def get_feature_names_out(self, input_features=None):
        """Names ``"<column>><threshold>"`` of the output features.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Input column names; defaults to ``feature_names_in_`` or ``x0, x1, ...``.

        Returns
        -------
        names : ndarray of str objects
        """
        check_is_fitted(self)
        if input_features is None:
            input_features = getattr(self, "feature_names_in_", None)
        if input_features is None:
            input_features = [f"x{j}" for j in range(self.n_features_in_)]
        out = []
        for name, cuts in zip(input_features, self.thresholds_):
            if cuts.size == 0:
                out.append(str(name))
            else:
                out.extend(f"{name}>{t:.4g}" for t in cuts)
        return np.asarray(out, dtype=object)

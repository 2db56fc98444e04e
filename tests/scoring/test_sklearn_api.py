"""scikit-learn conventions: estimator checks, clone, pickle, Pipeline, GridSearchCV."""

import pickle

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

from sparselearn.scoring import SLIMClassifier, ThresholdBinarizer


@parametrize_with_checks([
    # node_limit makes the time-limited MIP deterministic (idempotence checks)
    SLIMClassifier(max_coef=3, time_limit=5, node_limit=20, random_state=0),
    SLIMClassifier(solver="heuristic", random_state=0),
    ThresholdBinarizer(),
])
def test_sklearn_compatible(estimator, check):
    check(estimator)


def test_clone_pickle_pipeline_gridsearch(binary_problem):
    X, y = binary_problem
    clf = SLIMClassifier(max_coef=3, C0=0.005, random_state=0).fit(X, y)
    clone_ = clone(clf)
    assert clone_.get_params() == clf.get_params() and not hasattr(clone_, "coef_")
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.coef_, clf.coef_)
    np.testing.assert_array_equal(restored.predict(X), clf.predict(X))

    grid = GridSearchCV(SLIMClassifier(max_coef=3, random_state=0),
                        {"C0": [1e-3, 0.05, 1.0]}, cv=3).fit(X, y)
    scores = grid.cv_results_["mean_test_score"]
    assert grid.best_score_ == scores.max()
    assert grid.best_params_ == grid.cv_results_["params"][int(np.argmax(scores))]
    # the refit model is the one fitted on all the data with the best C0
    refit = SLIMClassifier(max_coef=3, random_state=0, **grid.best_params_).fit(X, y)
    np.testing.assert_array_equal(grid.best_estimator_.coef_, refit.coef_)
    np.testing.assert_array_equal(grid.predict(X), refit.predict(X))

    rng = np.random.default_rng(0)
    Xc = rng.normal(size=(80, 2)) * [10, 1] + [50, 0]
    yc = (Xc[:, 0] > 52).astype(int)
    pipe = make_pipeline(ThresholdBinarizer(n_thresholds=3),
                         SLIMClassifier(max_coef=3, C0=0.01, random_state=0)).fit(Xc, yc)
    assert pipe.score(Xc, yc) > 0.8

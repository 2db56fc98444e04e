"""Every bayes / scoring / sketching estimator, constructed with no arguments, passes
scikit-learn's ``check_estimator`` (issue 14, item 3): size-dependent defaults adapt to the
small inputs of the checks instead of raising.

``SLIMClassifier()`` is here too: one check (``check_dtype_object``, 10 continuous features)
solves its MIP up to the default ``time_limit=60`` seconds without proving optimality, which is
what the default promises a user, so the check costs a minute of the suite.
"""

import numpy as np
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from sparselearn.bayes import KroneckerSBL, RelevanceVectorClassifier, SparseBayesianRegression
from sparselearn.scoring import SLIMClassifier, ThresholdBinarizer
from sparselearn.sketching import SketchedLeastSquares, SketchTransformer


@parametrize_with_checks([
    KroneckerSBL(),
    RelevanceVectorClassifier(),
    SparseBayesianRegression(),
    ThresholdBinarizer(),
    SLIMClassifier(),
    SketchedLeastSquares(),
    SketchTransformer(),
])
def test_defaults_pass_check_estimator(estimator, check):
    check(estimator)


def test_sketch_transformer_auto_caps_at_n_features():
    X = np.random.default_rng(0).standard_normal((30, 5))
    with pytest.warns(UserWarning, match="capped at 5"):
        tr = SketchTransformer(random_state=0).fit(X)
    assert tr.n_components_ == 5
    assert tr.transform(X).shape == (30, 5)


def test_kronecker_sbl_takes_a_sample_table(global_random_seed):
    """A 2-D X is the one-factor model: the same fit as the list [X], predict is X @ coef_."""
    rng = np.random.default_rng(global_random_seed)
    X = rng.standard_normal((40, 12))
    coef = np.zeros(12)
    coef[[2, 7]] = [1.5, -2.0]
    y = X @ coef + 0.01 * rng.standard_normal(40)
    table = KroneckerSBL().fit(X, y)
    factors = KroneckerSBL().fit([X], y)
    np.testing.assert_allclose(table.coef_, factors.coef_)
    np.testing.assert_allclose(table.predict(X), X @ table.coef_)
    assert table.n_features_in_ == 12
    assert set(np.flatnonzero(np.abs(table.coef_) > 0.1)) == {2, 7}
    # the list-of-rows form of the same table
    np.testing.assert_allclose(KroneckerSBL().fit(X.tolist(), y.tolist()).coef_, table.coef_)

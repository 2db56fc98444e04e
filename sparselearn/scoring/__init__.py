"""SLIM integer scoring systems solved as mixed-integer programs with open-source solvers.

SLIMClassifier learns integer points per feature (Ustun & Rudin, 2016) with HiGHS (through
scipy), SCIP or CP-SAT, seeded by rounding and local search on the exact 0-1 loss;
ScoreCard prints the model; ThresholdBinarizer makes indicator features from continuous
columns so that a DataFrame becomes a score card.
"""

from ._binarize import ThresholdBinarizer
from ._scorecard import ScoreCard
from ._slim import SLIMClassifier

__all__ = ["SLIMClassifier", "ScoreCard", "ThresholdBinarizer"]

"""Planted dictionaries for tests, the tour and benchmarks: the public generator
:func:`sparselearn.datasets.make_planted_dictionary` under its internal name."""

from ..datasets._generators import make_planted_dictionary as planted_dictionary_data

__all__ = ["planted_dictionary_data"]

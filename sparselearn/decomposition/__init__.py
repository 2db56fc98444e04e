"""Sparse coding and dictionary learning.

``sparse_encode`` codes signals over a fixed dictionary (OMP, MP, IHT, top-k, thresholding, and
coordinate descent / FISTA with any penalty of :mod:`sparselearn.penalties`); ``SparseCoder`` wraps
it as a transformer; ``DictionaryLearning`` (batch), ``MiniBatchDictionaryLearning`` (online, Mairal
et al.) and ``MaskedDictionaryLearning`` (Chidambaram et al., 2023) learn the dictionary.
"""

from ._encode import sparse_encode

__all__ = ["sparse_encode"]

"""Sparse coding and dictionary learning.

``sparse_encode`` codes signals over a fixed dictionary (OMP, MP, IHT, top-k, thresholding, and
coordinate descent / FISTA with any penalty of :mod:`sparselearn.penalties`); ``SparseCoder`` wraps
it as a transformer; ``DictionaryLearning`` (batch, block coordinate descent or K-SVD),
``MiniBatchDictionaryLearning`` (online, Mairal et al.) and ``MaskedDictionaryLearning``
(Chidambaram et al., 2023) learn the dictionary; ``dictionary_recovery_score`` and
``dictionary_recovery_error`` compare a learned dictionary with a planted one.
``extract_patches_2d`` and ``reconstruct_from_patches_2d`` are scikit-learn's functions, with
their inputs checked by name. ``SemiNMF`` (nonnegative codes, components of any sign) and
``SparseNMF`` (both nonnegative, squared or correntropy loss) factor data with nonnegative codes.
"""

from ._coder import SparseCoder
from ._dict_learning import DictionaryLearning, MiniBatchDictionaryLearning
from ._encode import sparse_encode
from ._masked import MaskedDictionaryLearning
from ._nmf import SemiNMF, SparseNMF
from ._patches import extract_patches_2d, reconstruct_from_patches_2d
from ._metrics import dictionary_recovery_error, dictionary_recovery_score

__all__ = [
    "sparse_encode",
    "SparseCoder",
    "DictionaryLearning",
    "MiniBatchDictionaryLearning",
    "MaskedDictionaryLearning",
    "dictionary_recovery_score",
    "dictionary_recovery_error",
    "extract_patches_2d",
    "reconstruct_from_patches_2d",
    "SemiNMF",
    "SparseNMF",
]

"""Numba kernels: arrays in, arrays out. No validation, no scikit-learn.

Every kernel is ``@njit(cache=True)`` in nopython mode and is compiled once per process
signature; penalties and datafits are dispatched by small integer codes plus parameter
arrays (no jitclass, which cannot be cached).
"""

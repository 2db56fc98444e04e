"""Dictionary updates: block coordinate descent on sufficient statistics, K-SVD, Adam.

The dictionary ``D`` has shape (n_components, n_features), one atom per row, and is updated in
place. Every kernel returns a boolean mask of the atoms that no code used (the caller replaces
them, e.g. with data samples, as SPAMS' ``clean`` option does).
"""

from math import sqrt

import numpy as np
from numba import njit


@njit(cache=True)
def _project_atom(D, k, positive):
    """Clip to ``>= 0`` if ``positive``, then project atom ``k`` onto the unit ball."""
    n_features = D.shape[1]
    norm = 0.0
    for f in range(n_features):
        if positive and D[k, f] < 0.0:
            D[k, f] = 0.0
        norm += D[k, f] * D[k, f]
    norm = sqrt(norm)
    if norm > 1.0:
        for f in range(n_features):
            D[k, f] /= norm


@njit(cache=True)
def update_dict_bcd(D, A, B, n_sweeps, positive, min_usage):
    """Block coordinate descent on ``0.5 tr(D^T A D) - tr(D^T B)`` over unit-ball atoms.

    ``A = sum c c^T`` (n_components x n_components) and ``B = sum c^T x``
    (n_components x n_features) are the sufficient statistics of Mairal et al. (JMLR 2010,
    Algorithm 2): atom ``k`` becomes ``proj(d_k + (B_k - A_k D) / A_kk)``, clipped to ``>= 0``
    first if ``positive``. ``A_kk`` is the atom's usage, the sum of its squared codes: atoms
    with ``A_kk <= min_usage`` are left alone (the step would divide by ~0) and flagged in the
    returned mask.
    """
    n_components, n_features = D.shape
    unused = np.zeros(n_components, dtype=np.bool_)
    update = np.empty(n_features)
    for _ in range(n_sweeps):
        for k in range(n_components):
            a_kk = A[k, k]
            if a_kk <= min_usage:
                unused[k] = True
                continue
            for f in range(n_features):
                update[f] = B[k, f]
            for j in range(n_components):
                a = A[k, j]
                if a != 0.0:
                    for f in range(n_features):
                        update[f] -= a * D[j, f]
            for f in range(n_features):
                D[k, f] += update[f] / a_kk
            _project_atom(D, k, positive)
    return unused


@njit(cache=True)
def update_dict_ksvd(D, codes, X):
    """One K-SVD sweep (Aharon, Elad & Bruckstein, 2006): for each atom, the best rank-one
    approximation (SVD) of the residual restricted to the signals that use it replaces the atom
    (unit norm) and its coefficients. ``codes`` (n_samples x n_components) is updated too."""
    n_samples, n_components = codes.shape
    n_features = D.shape[1]
    residual = X - codes @ D
    unused = np.zeros(n_components, dtype=np.bool_)
    for k in range(n_components):
        n_users = 0
        for i in range(n_samples):
            if codes[i, k] != 0.0:
                n_users += 1
        if n_users == 0:
            unused[k] = True
            continue
        users = np.empty(n_users, dtype=np.int64)
        n_users = 0
        for i in range(n_samples):
            if codes[i, k] != 0.0:
                users[n_users] = i
                n_users += 1
        E = np.empty((n_users, n_features))
        for t in range(n_users):
            i = users[t]
            c = codes[i, k]
            for f in range(n_features):
                E[t, f] = residual[i, f] + c * D[k, f]
        u, s, vt = np.linalg.svd(E, full_matrices=False)
        for f in range(n_features):
            D[k, f] = vt[0, f]
        for t in range(n_users):
            i = users[t]
            c = s[0] * u[t, 0]
            codes[i, k] = c
            for f in range(n_features):
                residual[i, f] = E[t, f] - c * vt[0, f]
    return unused


@njit(cache=True)
def adam_step(D, grad, first, second, step, learning_rate, beta1, beta2, eps):
    """One Adam step (Kingma & Ba, 2015) on ``D`` in place; ``step`` counts from 1."""
    c1 = 1.0 - beta1**step
    c2 = 1.0 - beta2**step
    n_components, n_features = D.shape
    for k in range(n_components):
        for f in range(n_features):
            g = grad[k, f]
            first[k, f] = beta1 * first[k, f] + (1.0 - beta1) * g
            second[k, f] = beta2 * second[k, f] + (1.0 - beta2) * g * g
            D[k, f] -= learning_rate * (first[k, f] / c1) / (sqrt(second[k, f] / c2) + eps)


@njit(cache=True)
def normalize_rows(D):
    """Scale every non-zero row of ``D`` to unit Euclidean norm, in place."""
    for k in range(D.shape[0]):
        norm = 0.0
        for f in range(D.shape[1]):
            norm += D[k, f] * D[k, f]
        if norm > 0.0:
            norm = sqrt(norm)
            for f in range(D.shape[1]):
                D[k, f] /= norm

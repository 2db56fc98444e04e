"""One FISTA: the design-form (GLM) and Gram-form (coding) drivers run the same iteration."""

import numpy as np
import pytest

from sparselearn._core import agd, coding, datafit
from sparselearn._core import fista as F
from sparselearn._core import prox as P


def test_momentum_sequence():
    t, betas = 1.0, []
    for _ in range(5):
        t_next, beta = F.momentum(t)
        assert t_next ** 2 - t_next == pytest.approx(t ** 2)  # t_{k+1}^2 - t_{k+1} = t_k^2
        betas.append(beta)
        t = t_next
    assert betas[0] == 0.0 and np.all(np.diff(betas) > 0)


def test_restart_rule():
    assert F.restart(2.0, 1.0, 0.5)
    assert not F.restart(0.5, 1.0, 0.5)
    assert not F.restart(2.0, 1.0, 0.0)  # a plain proximal step is never restarted


@pytest.mark.parametrize("pcode, params", [(P.L1, [0.3, 0, 0, 0]), (P.MCP, [0.3, 2.0, 0, 0])])
def test_design_and_gram_drivers_take_the_same_iterates(rng, pcode, params):
    D = rng.standard_normal((30, 12))  # 30 atoms of 12 features: overcomplete
    x = D[[3, 17]].T @ np.array([2.0, -1.5]) + 0.05 * rng.standard_normal(12)
    params = np.array(params, dtype=float)
    weights, curvs = np.ones(30), np.zeros(30)
    G = D @ D.T
    cov = (D @ x)[None, :].copy()
    lipschitz = float(np.linalg.eigvalsh(G)[-1])
    X = np.asfortranarray(D.T)  # the same problem as a quadratic datafit on D.T, unit weights
    empty_i = np.zeros(0, np.int32)

    def run_both(max_iter, tol):
        codes = np.zeros((1, 30))
        n_gram, conv = coding.fista_gram(G, cov, codes, lipschitz, pcode, params, weights, curvs,
                                         max_iter, tol)
        w, b = np.zeros(30), np.zeros(1)
        n_glm, crit = agd.fista(X, np.zeros(0), empty_i, empty_i, False, x, np.ones(12),
                                datafit.QUAD, np.zeros(1), w, b, False, np.zeros(30), pcode,
                                params, weights, curvs, lipschitz, max_iter,
                                tol * np.max(np.abs(cov)))
        return codes[0], w, conv[0], crit <= tol * np.max(np.abs(cov))

    # the first iterates agree to rounding: one iteration, one restart rule
    gram_codes, glm_codes, _, _ = run_both(15, 0.0)
    np.testing.assert_allclose(glm_codes, gram_codes, atol=1e-10)
    # run to convergence, both reach the same objective (restart decisions taken on values
    # equal to rounding may differ near the optimum, so the iteration counts may too)
    gram_codes, glm_codes, gram_ok, glm_ok = run_both(20_000, 1e-10)
    assert gram_ok and glm_ok

    def objective(c):
        return 0.5 * np.sum((x - D.T @ c) ** 2) + P.value(pcode, params, weights, curvs, c)

    assert objective(glm_codes) == pytest.approx(objective(gram_codes), rel=1e-9)

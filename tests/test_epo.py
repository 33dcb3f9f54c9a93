"""EPO: the two-objective LP in closed form, the loss weights and the ray measures."""

import numpy as np
import pytest

from skfairpareto.solvers import epo_weights, non_uniformity, ray_residual
from skfairpareto.solvers.epo import _simplex_lp_max


def test_two_objective_closed_form_matches_linprog():
    from scipy.optimize import linprog

    rng = np.random.RandomState(0)
    for _ in range(200):
        G = rng.normal(size=(2, 5))
        C = G @ G.T
        c = rng.normal(size=2)
        rhs = rng.normal(size=2) * rng.choice([0, 1], 2)
        rhs[rng.rand(2) < 0.3] = -np.inf
        closed = _simplex_lp_max(c, C, rhs)
        rows = np.isfinite(rhs)
        ref = linprog(-c, A_ub=-C[rows] if rows.any() else None, b_ub=-rhs[rows] if rows.any() else None,
                      A_eq=np.ones((1, 2)), b_eq=[1], bounds=[(0, None)] * 2, method="highs")
        assert (closed is None) == (ref.status != 0)
        if closed is not None:
            assert np.isclose(c @ closed, -ref.fun, atol=1e-9)
            assert np.all(C[rows] @ closed >= rhs[rows] - 1e-9)


def test_epo_weights_balance_then_descend():
    # Off the ray: the loss that is relatively too large gets the weight.
    w = epo_weights([2.0, 1.0], np.eye(2), [0.5, 0.5])
    assert w[0] > w[1] and np.isclose(w.sum(), 1)
    w = epo_weights([1.0, 2.0], np.eye(2), [0.5, 0.5])
    assert w[1] > w[0]
    # On the ray (r1 l1 = r2 l2): descent weights that decrease both losses (C w >= 0).
    C = np.array([[1.0, -0.2], [-0.2, 1.0]])
    w = epo_weights([1.0, 3.0], C, [0.75, 0.25])
    assert np.all(C @ w >= -1e-12)
    # Three objectives go through scipy's linprog.
    w3 = epo_weights([3.0, 1.0, 1.0], np.eye(3), [1 / 3] * 3)
    assert w3.shape == (3,) and np.isclose(w3.sum(), 1) and w3[0] == w3.max()


def test_ray_measures():
    assert non_uniformity([1.0, 3.0], [0.75, 0.25]) == pytest.approx(0, abs=1e-12)
    assert ray_residual([1.0, 3.0], [0.75, 0.25]) == pytest.approx(0, abs=1e-12)
    assert ray_residual([3.0, 1.0], [0.75, 0.25]) > 0.5
    with pytest.raises(ValueError, match="positive"):
        non_uniformity([-1.0, 1.0], [0.5, 0.5])

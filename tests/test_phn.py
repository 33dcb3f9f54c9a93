import numpy as np
import pytest
import torch
from torch import nn

from skfairpareto import CBAClassifier, PHNParetoClassifier
from skfairpareto.solvers import HyperNetwork, epo_weights, hypernetwork_loss, non_uniformity, ray_residual, sample_rays
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


class _Point(nn.Module):
    def __init__(self):
        super().__init__()
        self.theta = nn.Parameter(torch.tensor([1.0, 0.0]))

    def forward(self, X):
        return self.theta


def _train_toy(solver, steps=500, seed=0):
    """Hypernetwork over f1 = |theta - a|^2, f2 = |theta - b|^2 (front: the segment a-b)."""
    torch.manual_seed(seed)
    a, b = torch.tensor([1.0, 0.0]), torch.tensor([0.0, 1.0])
    hnet = HyperNetwork(_Point(), hidden_layer_sizes=(32,))

    def objectives(params):
        return torch.stack([((params["theta"] - a) ** 2).sum(), ((params["theta"] - b) ** 2).sum()])

    opt = torch.optim.Adam(hnet.parameters(), lr=0.02)
    for _ in range(steps):
        loss, _, _ = hypernetwork_loss(hnet, objectives, sample_rays(4, 2, 1.0), solver=solver)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return hnet


@pytest.mark.parametrize("seed", [0, 1])
def test_epo_hypernetwork_lands_on_the_analytic_front_along_each_ray(seed):
    # On the segment theta = (1 - t) a + t b: f1 = 2 t^2, f2 = 2 (1 - t)^2. The exact point of ray
    # r has r1 f1 = r2 f2, i.e. t = 1 / (1 + sqrt(r1 / r2)). Points must lie on the segment to
    # 1e-3 (the front is reached quickly: both gradients are exact) and at t within 0.05 of the
    # ray's t: rays are sampled stochastically and a 32-unit MLP interpolates t(r), which measured
    # errors of 0.005-0.03 over seeds.
    hnet = _train_toy("epo", seed=seed)
    for r1 in (0.25, 0.5, 0.75):
        with torch.no_grad():
            theta = hnet.generate(torch.tensor([r1, 1 - r1]))["theta"].numpy()
        assert abs(theta.sum() - 1) / np.sqrt(2) < 1e-3, "off the Pareto front"
        assert 0 <= theta[1] <= 1
        assert theta[1] == pytest.approx(1 / (1 + np.sqrt(r1 / (1 - r1))), abs=0.05)


def test_linear_scalarisation_lands_on_the_front_but_off_the_ray():
    hnet = _train_toy("ls")
    with torch.no_grad():
        theta = hnet.generate(torch.tensor([0.25, 0.75]))["theta"].numpy()
    assert abs(theta.sum() - 1) < 1e-2
    assert theta[1] == pytest.approx(0.75, abs=0.03)  # LS minimiser: t = r2, not EPO's 0.634


FAST = dict(n_rays=5, max_epochs=40, start_max_epochs=60, random_state=0)


@pytest.fixture(scope="module")
def fitted(front_data):
    X, y, s = front_data
    return PHNParetoClassifier(**FAST).fit(X, y, sensitive_features=s), X, y, s


def test_phn_front_and_new_rays(fitted):
    est, X, y, s = fitted
    r = est.front_results_
    assert len(est.front_) == 5 and np.allclose(r["alpha"], np.linspace(1, 0, 5))
    assert np.allclose(r["ray_f1"] + r["ray_f2"], 1)
    assert np.all(np.isfinite(r["ray_residual"])) and {"val_error", "train_f2"} <= set(r)
    # the surrogate gap shrinks from the accuracy end to the fairness end
    assert r["train_f2"][-1] < r["train_f2"][0]
    new = est.member_at(0.3)
    assert isinstance(new, CBAClassifier) and new.alpha == 0.3
    same = est.member_at([1.0, 0.0])
    assert np.array_equal(same.decision_function(X), est.front_[0].decision_function(X))
    assert {"f1", "f2", "ray_residual"} <= set(est.history_[-1, "batches", -1])
    with pytest.raises(ValueError, match="ray must be"):
        est.member_at([0.5, 0.7])


def test_phn_bad_options(fitted):
    _, X, y, s = fitted
    with pytest.raises(ValueError, match="solver must be one of"):
        PHNParetoClassifier(**FAST, solver="mgda").fit(X, y, sensitive_features=s)
    with pytest.raises(ValueError, match="concentration"):
        PHNParetoClassifier(**FAST, concentration=0).fit(X, y, sensitive_features=s)
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        PHNParetoClassifier().member_at(0.5)


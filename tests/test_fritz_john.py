import numpy as np
import pytest
import torch

from skfairpareto.solvers import FritzJohnSolver, fritz_john_residual, min_norm_multipliers


def test_min_norm_closed_form_matches_qp():
    rng = np.random.RandomState(0)
    for _ in range(5):
        g = torch.as_tensor(rng.normal(size=(2, 6)))
        lam, res = min_norm_multipliers(g)
        # Brute force over the segment.
        ts = np.linspace(0, 1, 20001)
        norms = [np.linalg.norm(t * g[0].numpy() + (1 - t) * g[1].numpy()) for t in ts]
        assert lam[0] == pytest.approx(ts[int(np.argmin(norms))], abs=1e-3)
        assert res == pytest.approx(min(norms) / g.norm(dim=1).max().item(), abs=1e-6)
    # Three rows go through the QP; antiparallel rows give a zero residual.
    g = torch.tensor([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0]], dtype=torch.float64)
    lam, res = min_norm_multipliers(g)
    assert res < 1e-6 and lam[2] < 1e-6 and lam[0] == pytest.approx(0.5, abs=1e-4)


def test_residual_zero_at_pareto_point_and_positive_elsewhere():
    x = torch.tensor([0.5, 0.5], requires_grad=True, dtype=torch.float64)
    f = lambda p: torch.stack([(p[0] ** 2).sum(), ((p[0] - 1) ** 2).sum()])  # noqa: E731
    _, res, _ = fritz_john_residual(f, [x])
    assert res < 1e-12  # on the segment between the two minima
    y = torch.tensor([0.5, 2.0], requires_grad=True, dtype=torch.float64)
    assert fritz_john_residual(f, [y])[1] > 0.1


def _demo_problem():
    """The SUHNPF authors' demo: front x2 = 0 with non-convex parts."""
    def f(p):
        x1, x2 = p[0][0], p[0][1]
        return torch.stack([x1, 1 + x2**2 - x1 - 0.1 * torch.sin(3 * np.pi * x1)])

    def g(p):
        x1, x2 = p[0][0], p[0][1]
        return torch.stack([-x1, x1 - 1, -2 - x2, x2 - 2])

    return f, g


def _ls_minimisers(weights):
    """Exact minimisers of w*f1 + (1-w)*f2 over the box (x2 = 0 is optimal for any w)."""
    x1 = np.linspace(0, 1, 200001)
    f1, f2 = x1, 1 - x1 - 0.1 * np.sin(3 * np.pi * x1)
    return np.array([x1[np.argmin(w * f1 + (1 - w) * f2)] for w in weights])


def test_demo_front_points_lie_on_front_and_reach_nonconvex_part():
    torch.set_default_dtype(torch.float64)
    try:
        f, g = _demo_problem()
        x = torch.tensor([0.3, 0.5], requires_grad=True)
        res = FritzJohnSolver(n_points=21, tol=1e-3, indicator=True).solve(f, [x], constraints=g, scales=(1.0, 1.0))
    finally:
        torch.set_default_dtype(torch.float32)
    accepted = res.accepted
    assert len(accepted) >= 18
    xs = np.array([p.params[0] for p in accepted])
    assert np.all(np.abs(xs[:, 1]) < 1e-2)
    assert all(p.residual < 1e-3 for p in accepted)
    # Points supported by a weighted sum: the exact LS minimisers over a fine weight grid.
    ls = _ls_minimisers(np.linspace(0, 1, 1001))
    unsupported = [x1 for x1 in xs[:, 0] if np.min(np.abs(ls - x1)) > 0.02]
    assert len(unsupported) >= 3, "FJ tracing should reach the non-convex part"
    # A linear-scalarisation sweep misses that region entirely.
    lo, hi = min(unsupported), max(unsupported)
    assert not np.any((ls > lo + 0.01) & (ls < hi - 0.01))
    # The indicator network ranks front points above off-front candidates.
    on = res.indicator(torch.as_tensor(xs[:3], dtype=torch.float32)).detach().numpy()
    off = res.indicator(torch.tensor([[0.5, 1.5], [0.2, -1.5]])).detach().numpy()
    assert on.min() > off.max()


def test_constrained_toy_respects_constraint():
    # Two quadratics in 2-d with an extra constraint x0 >= 0.7: the front is clipped there.
    x = torch.tensor([0.0, 0.0], requires_grad=True)
    f = lambda p: torch.stack([(p[0] ** 2).sum(), ((p[0] - 2) ** 2).sum()])  # noqa: E731
    g = lambda p: (0.7 - p[0][0]).reshape(1)  # noqa: E731
    res = FritzJohnSolver(n_points=5, tol=1e-3).solve(f, [x], constraints=g)
    assert len(res.accepted) == 5
    for point in res.accepted:
        assert point.params[0][0] >= 0.7 - 1e-3
        assert point.max_violation <= 1e-3


def test_the_multiplier_predictor_follows_a_straight_path_of_targets_and_stops_where_it_turns():
    from skfairpareto.solvers.fritz_john import _predicted_multipliers

    # Fewer than two solved points: nothing to extrapolate from.
    assert _predicted_multipliers([], np.array([1.0])) is None
    assert _predicted_multipliers([(np.array([2.0]), np.array([0.1]))], np.array([1.0])) is None
    # Straight on at half the last step: the secant, half as far.
    solved = [(np.array([3.0]), np.array([0.1])), (np.array([2.0]), np.array([0.3]))]
    assert _predicted_multipliers(solved, np.array([1.5])) == pytest.approx([0.4])
    # A multiplier falling along the path stops at zero: multipliers of bounds are never negative.
    falling = [(np.array([3.0]), np.array([0.5])), (np.array([2.0]), np.array([0.1]))]
    assert _predicted_multipliers(falling, np.array([1.0])) == pytest.approx([0.0])
    # Two bounds: a grid walked in rows turns at the row's end, and nothing is predicted.
    row = [(np.array([1.0, 1.0]), np.array([0.1, 0.2])), (np.array([1.0, 0.5]), np.array([0.2, 0.4]))]
    assert _predicted_multipliers(row, np.array([1.0, 0.0])) == pytest.approx([0.3, 0.6])
    assert _predicted_multipliers(row, np.array([0.5, 0.0])) is None


def test_accepted_points_meet_positive_targets_within_target_tol_and_zero_targets_within_feasibility_tol():
    # A smooth front (two quadratics): every target is reachable, and the last one is 0.
    anchor = torch.tensor([2.0, 1.0, 0.5], dtype=torch.float64)

    def f(p):
        return torch.stack([((p[0] - anchor) ** 2).sum(), (p[0] ** 2).sum()])

    x = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    solver = FritzJohnSolver(n_points=6, target_tol=1e-2, feasibility_tol=1e-6)
    res = solver.solve(f, [x], targets=lambda f0: np.linspace(f0[1], 0.0, 6), scales=(5.25, 5.25))
    assert all(p.accepted for p in res.points)
    for p in res.points:  # tolerances relative to the larger of the target and the scale
        if p.target > 0:
            assert p.objectives[1] <= p.target + 1e-2 * max(p.target, 5.25)
        else:  # held to feasibility_tol, not to target_tol
            assert p.objectives[1] <= 1e-6 * 5.25
    # The tolerance on positive targets is the one asked for: at 1e-2 some point sits above its
    # target by more than the strict 1e-6 would allow, so the test above is not vacuous.
    assert any(p.objectives[1] > p.target + 1e-6 * max(p.target, 5.25) for p in res.points if p.target > 0)


@pytest.mark.parametrize("name, value", [("target_tol", -1e-3), ("target_tol", "1e-3"), ("feasibility_tol", float("nan"))])
def test_a_bad_tolerance_is_named(name, value):
    x = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    f = lambda p: torch.stack([(p[0] ** 2).sum(), ((p[0] - 1) ** 2).sum()])  # noqa: E731
    with pytest.raises(ValueError, match=f"{name} must be a number >= 0"):
        FritzJohnSolver(**{name: value}).solve(f, [x])


def test_the_penalty_grows_only_while_the_violation_does_not_fall_fast_enough():
    # f2 >= 0 cannot meet a target of -1: the violation never falls, so even under the default
    # rule the penalty grows every outer iteration.
    f = lambda p: torch.stack([(p[0] ** 2).sum(), ((p[0] - 1) ** 2).sum()])  # noqa: E731
    x = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    (point,) = FritzJohnSolver(max_iter=8).solve(f, [x], targets=[-1.0]).points
    assert not point.accepted and point.penalty == 10.0 * 4.0 ** 8
    # A feasible problem whose constraint the multipliers can meet: the rule holds the penalty
    # lower than growing it after every infeasible iteration (penalty_progress=0), and both certify.
    g = lambda p: (0.7 - p[0][0]).reshape(1)  # noqa: E731
    f2 = lambda p: torch.stack([(p[0] ** 2).sum(), ((p[0] - 2) ** 2).sum()])  # noqa: E731
    reached = {}
    for progress in (0.5, 0.0):
        x = torch.tensor([0.0, 0.0], requires_grad=True)
        res = FritzJohnSolver(n_points=3, penalty_progress=progress).solve(f2, [x], constraints=g)
        assert len(res.accepted) == 3
        reached[progress] = max(p.penalty for p in res.points)
    assert reached[0.5] < reached[0.0]


@pytest.mark.parametrize("value", [1.0, -0.1, "0.5", True])
def test_a_bad_penalty_progress_is_named(value):
    x = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    f = lambda p: torch.stack([(p[0] ** 2).sum(), ((p[0] - 1) ** 2).sum()])  # noqa: E731
    with pytest.raises(ValueError, match=r"penalty_progress must be a number in \[0, 1\)"):
        FritzJohnSolver(penalty_progress=value).solve(f, [x])


def test_a_points_outer_iterations_share_one_lbfgs_memory_without_a_pair_from_the_multipliers_move():
    # Between two outer iterations the loss changes (new multipliers), the parameters do not: the
    # gradient's change there is no curvature, and must not enter the memory that is kept.
    solver = FritzJohnSolver(inner_iter=1)
    x = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    c = torch.tensor([3.0, 1.0], dtype=torch.float64)
    solver._n_eval = 0
    opt = solver._lbfgs([x], lambda: (x ** 2).sum())
    state = opt.state[x]
    assert state["old_dirs"] == [] and state["d"].abs().sum() > 0  # one step taken, no pair yet
    # The move of the minimum from 0 to c lines the gradient's change up with that step (a
    # positive product, which torch's LBFGS would keep as a pair); continued, the memory skips it.
    assert torch.dot(-2 * c, state["d"] * state["t"]) > 0
    assert solver._lbfgs([x], lambda: ((x - c) ** 2).sum(), opt) is opt
    assert opt.state[x]["old_dirs"] == []
    # Within one call the pairs are kept as before: a second step on the same loss adds one.
    opt.param_groups[0].update(max_iter=3, max_eval=10)
    solver._lbfgs([x], lambda: (torch.tensor([1.0, 10.0], dtype=torch.float64) * (x - c) ** 2).sum(), opt)
    assert len(opt.state[x]["old_dirs"]) >= 1


def test_a_point_on_a_straight_path_starts_from_its_neighbours_penalty_and_a_turn_starts_afresh(monkeypatch):
    solver = FritzJohnSolver(penalty=10.0)
    started = []
    original = FritzJohnSolver._solve_point

    def spy(self, objectives, params, constraints, eps, mu, scales, record, rho):
        started.append(rho)
        mu, point = original(self, objectives, params, constraints, eps, mu, scales, record, rho)
        point.penalty = 100.0 * len(started)  # as if each point had grown its penalty
        return mu, point

    monkeypatch.setattr(FritzJohnSolver, "_solve_point", spy)
    x = torch.tensor([1.0, 1.0, 1.0], dtype=torch.float64, requires_grad=True)
    def f(p):
        return torch.stack([(p[0] ** 2).sum(), ((p[0][:2] - 2) ** 2).sum(), ((p[0][2:] - 2) ** 2).sum()])

    # Two rows of a grid: straight within each, a turn between them.
    targets = [[5.0, 5.0], [5.0, 4.0], [5.0, 3.0], [4.0, 1.0], [3.0, 1.0], [2.0, 1.0]]
    solver.solve(f, [x], targets=targets)
    # The first two points have no line to follow; the third follows the first two; the fourth
    # turns; the fifth has a line through a turn; the sixth follows the row.
    assert started == [10.0, 10.0, 200.0, 10.0, 10.0, 500.0]

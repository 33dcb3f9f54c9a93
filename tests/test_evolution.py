"""Operators of the evolution: merges, mutation, pymoo's survival and tournament, the ask/tell loop."""

import numpy as np
import pytest
import torch

from skfairpareto.solvers.evolution import (
    MergeEvolution,
    gaussian_mutation,
    merge_models,
    rank_and_crowding_survival,
    ties_merge,
    tournament_pairs,
)

BASE = {"w": torch.tensor([1.0, 1.0, 1.0, 1.0]), "b": torch.tensor([0.5])}
A = {"w": torch.tensor([3.0, 1.0, 0.0, 1.2]), "b": torch.tensor([1.5])}
B = {"w": torch.tensor([2.0, -1.0, 1.0, 0.9]), "b": torch.tensor([-0.5])}


def test_average_of_two_is_the_mean():
    out = merge_models(BASE, [A, B], "average")
    for k in BASE:
        assert torch.allclose(out[k], (A[k] + B[k]) / 2)


def test_task_arithmetic_coefficient_zero_returns_the_base_and_one_adds_task_vectors():
    out = merge_models(BASE, [A, B], "task_arithmetic", scaling=0.0)
    assert all(torch.equal(out[k], BASE[k]) for k in BASE)
    out = merge_models(BASE, [A, B], "task_arithmetic", scaling=1.0)
    assert torch.allclose(out["w"], A["w"] + B["w"] - BASE["w"])


def test_ties_elects_the_majority_mass_sign_and_zeroes_trimmed_entries():
    tau = torch.tensor([[3.0, -1.0, 0.1, 2.0],
                        [1.5, 4.0, -0.2, -1.0],
                        [-1.0, -2.0, 0.3, 1.2]], dtype=torch.float64)
    # No trimming: entry 0 masses +4.5 vs -1 -> mean(3, 1.5); entry 1: +4 vs -3 -> 4;
    # entry 2: +0.4 vs -0.2 -> mean(0.1, 0.3); entry 3: +3.2 vs -1 -> mean(2, 1.2).
    out = ties_merge(tau, trim_ratio=0.0)
    assert torch.allclose(out, torch.tensor([2.25, 4.0, 0.2, 1.6], dtype=torch.float64))
    # trim_ratio=0.5 keeps each row's two largest magnitudes: rows become [3, 0, 0, 2],
    # [1.5, 4, 0, 0], [0, -2, 0, 1.2]; entry 2 is trimmed everywhere, entry 1 elects + (4 > 2).
    out = ties_merge(tau, trim_ratio=0.5)
    assert out[2] == 0
    assert torch.allclose(out, torch.tensor([2.25, 4.0, 0.0, 1.6], dtype=torch.float64))
    with pytest.raises(ValueError, match="trim_ratio"):
        ties_merge(tau, trim_ratio=1.0)
    with pytest.raises(ValueError, match="merge must be one of"):
        merge_models(BASE, [A], "slerp")


def test_mutation_rate_and_scale():
    g = torch.Generator().manual_seed(0)
    big = {"w": torch.zeros(10000)}
    out = gaussian_mutation(big, rate=0.1, scale=2.0, generator=g)["w"]
    changed = out != 0
    assert 0.08 < changed.float().mean() < 0.12
    assert 1.8 < out[changed].std() < 2.2
    assert torch.equal(gaussian_mutation(big, 0.0, 1.0, g)["w"], big["w"])


def test_pymoo_survival_and_tournament_prefer_the_front():
    F = np.array([[0.1, 0.9], [0.5, 0.5], [0.9, 0.1], [0.6, 0.6], [0.95, 0.95]])
    keep = rank_and_crowding_survival(F, 3, random_state=np.random.default_rng(0))
    assert sorted(keep) == [0, 1, 2]
    pairs = tournament_pairs(F, 20, random_state=np.random.default_rng(0))
    assert pairs.shape == (20, 2) and 4 not in pairs  # the dominated-by-all point never wins


def _run(seed, generations=3):
    """The ask/tell loop on models theta in R^2: "fine-tuning" moves theta a step toward the
    segment between (1, 0) and (0, 1), pulled by alpha; objectives |theta - a|^2, |theta - b|^2."""
    a, b = torch.tensor([1.0, 0.0]), torch.tensor([0.0, 1.0])
    evolution = MergeEvolution({"theta": torch.zeros(2)}, 6, generations, merge="average", mutation_rate=1.0,
                               mutation_scale=0.3, seed=seed)
    asked = 0
    while not evolution.is_done():
        candidates = evolution.ask()
        asked += len(candidates)
        states = [{"theta": 0.5 * c.state["theta"] + 0.5 * (c.alpha * a + (1 - c.alpha) * b)} for c in candidates]
        F = [[float(((s["theta"] - a) ** 2).sum()), float(((s["theta"] - b) ** 2).sum())] for s in states]
        evolution.tell([s["theta"].numpy() for s in states], F, states)
    return evolution, asked


def test_merge_evolution_asks_and_tells_until_done():
    evolution, asked = _run(0)
    assert asked == 6 + 3 * (6 + 6)  # the initial population, then a refresh and offspring per generation
    assert [h["generation"] for h in evolution.history] == [0, 1, 2, 3]
    hv = [h["hypervolume"] for h in evolution.history]
    assert np.all(np.diff(hv) >= -1e-12), "the archive's hypervolume never decreases"
    from skfairpareto.solvers.pareto import pareto_mask

    assert pareto_mask(evolution.archive["F"]).all() and len(evolution.archive["individuals"]) >= 2
    assert len(evolution.population) == 6 and evolution.population_F.shape == (6, 2)
    with pytest.raises(RuntimeError, match="done"):
        evolution.ask()
    again, _ = _run(0)
    assert np.array_equal(again.archive["F"], evolution.archive["F"])  # seeded
    assert not np.array_equal(_run(1)[0].archive["F"], evolution.archive["F"])


def test_merge_evolution_rejects_a_tell_that_does_not_match_its_ask():
    evolution = MergeEvolution({"w": torch.zeros(2)}, 4, 1, seed=0)
    evolution.ask()
    with pytest.raises(ValueError, match="one result per candidate"):
        evolution.tell([1, 2], [[0, 0], [1, 1]], [{}, {}])
    with pytest.raises(ValueError, match="population_size must be at least 2"):
        MergeEvolution({"w": torch.zeros(2)}, 1, 1)

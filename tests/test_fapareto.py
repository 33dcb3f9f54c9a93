import matplotlib

matplotlib.use("Agg")
import numpy as np
import pytest
import torch

from skfairpareto import FaParetoEnsemble
from skfairpareto.metrics import pareto_mask
from skfairpareto.solvers.evolution import (
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


FAST = dict(population_size=4, n_generations=3, finetune_epochs=5, start_max_epochs=40,
            random_state=0)


@pytest.fixture(scope="module")
def data(front_data):
    return front_data


@pytest.fixture(scope="module")
def fitted(data):
    X, y, s = data
    return FaParetoEnsemble(**FAST).fit(X, y, sensitive_features=s)


def test_end_to_end_front_and_history(fitted, data):
    X, y, s = data
    r = fitted.front_results_
    F = np.column_stack([r["evolution_error"], r["evolution_unfairness"]])
    assert len(fitted.front_) >= 2 and pareto_mask(F).all(), "archive is mutually non-dominated"
    assert np.all(np.diff(r["evolution_error"]) >= 0), "most accurate first"
    hv = [h["hypervolume"] for h in fitted.history_]
    assert len(hv) == FAST["n_generations"] + 1
    assert np.all(np.diff(hv) >= -1e-12), "the archive's hypervolume never decreases"
    assert fitted.history_[-1]["population_objectives"].shape == (4, 2)
    assert len(fitted.population_) == 4
    axes = fitted.plot_history()
    assert len(axes) == 2 and axes[0].get_xlabel() == "generation"


def test_seeded_run_is_reproducible_and_independent_of_n_jobs(fitted, data):
    X, y, s = data
    again = FaParetoEnsemble(**FAST, n_jobs=2).fit(X, y, sensitive_features=s)
    assert len(again.front_) == len(fitted.front_)
    for a, b in zip(again.front_, fitted.front_):
        assert np.array_equal(a.decision_function(X), b.decision_function(X))


def test_merge_variants_and_bad_options(data):
    X, y, s = data
    for merge in ("average", "task_arithmetic"):
        est = FaParetoEnsemble(**{**FAST, "n_generations": 1}, merge=merge).fit(X, y, sensitive_features=s)
        assert len(est.front_) >= 1
    with pytest.raises(ValueError, match="merge must be one of"):
        FaParetoEnsemble(**FAST, merge="slerp").fit(X, y, sensitive_features=s)
    with pytest.raises(ValueError, match="population_size must be at least 2"):
        FaParetoEnsemble(**{**FAST, "population_size": 1}).fit(X, y, sensitive_features=s)
    with pytest.raises(ValueError, match="mutation_rate"):
        FaParetoEnsemble(**FAST, mutation_rate=1.5).fit(X, y, sensitive_features=s)

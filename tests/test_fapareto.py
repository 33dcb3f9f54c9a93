"""FaParetoEnsemble end to end: the archive, its history, n_jobs independence and its options."""

import matplotlib

matplotlib.use("Agg")
import numpy as np
import pytest

from skfairpareto import FaParetoEnsemble
from skfairpareto.metrics import pareto_mask


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
    F = np.column_stack([r["evolution_error"], r["evolution_gap"]])
    assert len(fitted.front_) >= 2 and pareto_mask(F).all(), "archive is mutually non-dominated"
    assert np.all(np.diff(r["evolution_error"]) >= 0), "most accurate first"
    hv = [h["hypervolume"] for h in fitted.history_]
    assert len(hv) == FAST["n_generations"] + 1
    assert np.all(np.diff(hv) >= -1e-12), "the archive's hypervolume never decreases"
    assert fitted.history_[-1]["population_objectives"].shape == (4, 2)
    assert len(fitted.population_) == 4
    axes = fitted.plot_history()
    assert len(axes) == 2 and axes[0].get_xlabel() == "generation"


def test_the_merge_operator_shapes_the_offspring(data):
    """Each crossover is wired in: from the same generation 0, the population after one generation
    of offspring differs by merge (its survivors include merged children), and the archive stays
    mutually non-dominated."""
    X, y, s = data
    children = {}
    for merge in ("average", "task_arithmetic", "ties"):
        est = FaParetoEnsemble(**{**FAST, "n_generations": 1}, merge=merge).fit(X, y, sensitive_features=s)
        F = np.column_stack([est.front_results_["evolution_error"], est.front_results_["evolution_gap"]])
        assert pareto_mask(F).all()
        children[merge] = np.stack([m.decision_function(X) for m in est.population_])
    assert not np.allclose(children["average"], children["task_arithmetic"])
    assert not np.allclose(children["average"], children["ties"])

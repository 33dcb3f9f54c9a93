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


def test_merge_variants(data):
    X, y, s = data
    for merge in ("average", "task_arithmetic"):
        est = FaParetoEnsemble(**{**FAST, "n_generations": 1}, merge=merge).fit(X, y, sensitive_features=s)
        assert len(est.front_) >= 1

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


def test_auto_validation_holds_out_only_data_too_few_for_the_head(data):
    """validation_fraction="auto": the 600 rows have about 50 of their rarest class per weight of a
    5-feature head, so every row trains and the evolution evaluates on all of them; padded to 60
    features (fewer than 10 per weight), 20 % is held out and the archive's figures are "search"."""
    from skfairpareto.fapareto import events_per_parameter

    X, y, s = data
    assert events_per_parameter(y, X.shape[1]) >= 10
    est = FaParetoEnsemble(**FAST).fit(X, y, sensitive_features=s)
    assert est.validation_fraction_ is None and est.evaluation_split_ == "train"
    assert "search_error" not in est.front_results_
    wide = np.hstack([X, np.random.RandomState(1).normal(size=(len(X), 55))]).astype(np.float32)
    assert events_per_parameter(y, wide.shape[1]) < 10
    held = FaParetoEnsemble(**FAST).fit(wide, y, sensitive_features=s)
    assert held.validation_fraction_ == 0.2 and held.evaluation_split_ == "search"
    # "auto" resolved to 0.2 is 0.2: the same split, the same front.
    fixed = FaParetoEnsemble(**FAST, validation_fraction=0.2).fit(wide, y, sensitive_features=s)
    for key in ("alpha", "threshold", "search_error", "search_gap"):
        np.testing.assert_array_equal(held.front_results_[key], fixed.front_results_[key])
    # Explicit validation data take precedence over any fraction.
    explicit = FaParetoEnsemble(**FAST).fit(X[:400], y[:400], sensitive_features=s[:400], X_val=X[400:],
                                            y_val=y[400:], sensitive_features_val=s[400:])
    assert explicit.validation_fraction_ is None and explicit.evaluation_split_ == "search"


def test_events_per_parameter_counts_every_weight_of_the_head():
    from skfairpareto.fapareto import events_per_parameter

    y = [0] * 50 + [1] * 100 + [2] * 70  # the rarest class has 50 rows
    assert events_per_parameter(y, 4) == 50 / 5  # one logit: 4 weights and a bias
    # 4 -> 8 hidden -> 3 logits, plus one offset per group and class for two groups
    assert events_per_parameter(y, 4, (8,), n_outputs=3, n_offsets=6) == 50 / (5 * 8 + 9 * 3 + 6)


def test_a_bad_validation_fraction_is_named(data):
    X, y, s = data
    with pytest.raises(ValueError, match="'validation_fraction' parameter of FaParetoEnsemble must be"):
        FaParetoEnsemble(**FAST, validation_fraction="always").fit(X, y, sensitive_features=s)

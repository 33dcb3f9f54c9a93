"""The fair end on hard predictions: each member's group-blind decision threshold (threshold="auto")."""

import numpy as np
import pytest
from fairlearn import metrics as fm

from skfairpareto import CBAClassifier, PHNParetoClassifier, SUHNPFParetoClassifier
from skfairpareto.criteria import CRITERIA, FairnessObjectives, resolve_objectives


def hard_objectives(name, y, g, classes=(0, 1)):
    """The hard objectives of one criterion on ``(y, g)`` (codes), as a front builds them."""
    classes = np.asarray(classes)
    objectives = FairnessObjectives.bind(resolve_objectives(name), None, g, np.unique(g), classes, g)
    return objectives.hard(y, g)


def _skewed(seed=0, n=1200):
    """Two groups whose scores differ in spread as well as in level: equal *expected* selection
    rates then leave the hard selection rates apart, the fair-end failure this threshold mends."""
    rng = np.random.RandomState(seed)
    s = rng.randint(0, 2, n)
    X = rng.normal(size=(n, 4)).astype(np.float32)
    X[:, 0] *= np.where(s == 1, 4.0, 0.5)
    y = (X[:, 0] + rng.normal(scale=0.7, size=n) > 1.5).astype(int)
    X[:, 1] += 0.7 * s  # the features carry the group too (as dialect features do)
    return X, y, np.where(s == 1, "B", "A")


@pytest.mark.parametrize("name", sorted(CRITERIA))
def test_threshold_curves_are_fairlearns_metric_at_every_candidate(name):
    rng = np.random.RandomState(0)
    z, y, g = rng.normal(size=300), rng.randint(0, 2, 300), rng.randint(0, 3, 300)
    thresholds, errors, (gaps,) = hard_objectives(name, y, g).threshold_curves(z)
    assert thresholds[0] < z.min() and thresholds[-1] > z.max() and np.all(np.diff(thresholds) > 0)
    metric = getattr(fm, CRITERIA[name].metric)
    for k in range(0, len(thresholds), 23):
        pred = (z > thresholds[k]).astype(int)
        assert gaps[k] == pytest.approx(metric(y, pred, sensitive_features=g), abs=1e-12)
        assert errors[k] == pytest.approx(np.mean(pred != y), abs=1e-12)


@pytest.mark.parametrize("alpha", [0.0, 0.3, 0.7])
def test_the_tuned_threshold_minimises_the_scalarised_hard_objective(alpha):
    rng = np.random.RandomState(1)
    z, y, g = rng.normal(size=400), rng.randint(0, 2, 400), rng.randint(0, 2, 400)
    hard = hard_objectives("demographic_parity", y, g)
    scales = hard.scales(z)
    t = hard.tune(z, (alpha, 1 - alpha), scales)

    majority = min(np.mean(y), 1 - np.mean(y))

    def error(threshold):
        return np.mean((z > threshold).astype(int) != y)

    def objective(threshold):  # measured by fairlearn, not by the tuner
        pred = (z > threshold).astype(int)
        gap = fm.demographic_parity_difference(y, pred, sensitive_features=g)
        return (alpha + 1e-3) * error(threshold) / scales[0] + (1 - alpha) * gap / scales[1]

    # Among the rules that beat predicting the majority class (some do, on these rows; an error
    # equal to the majority's, up to rounding, does not).
    useful = [c for c in np.linspace(-3, 3, 301) if error(c) < majority - 1e-12]
    assert useful and error(t) < majority
    assert objective(t) <= min(objective(c) for c in useful) + 1e-12


@pytest.mark.parametrize("name", ["demographic_parity", "true_positive_rate_parity", "equalized_odds"])
def test_the_fairest_rule_beats_predicting_the_majority_class(name):
    # With the gaps alone weighed, a constant prediction is the cheapest rule (no gap at all); the
    # tuner takes the fairest rule that is more accurate than the majority class instead.
    rng = np.random.RandomState(3)
    g = rng.randint(0, 2, 600)
    y = (rng.uniform(size=600) < np.where(g == 1, 0.45, 0.2)).astype(int)
    z = 2.0 * y - 1.0 + 0.6 * g + rng.normal(size=600)
    hard = hard_objectives(name, y, g)
    majority = min(np.mean(y), 1 - np.mean(y))
    assert hard.majority_error == pytest.approx(majority)
    thresholds, errors, (gaps,) = hard.threshold_curves(z)
    assert gaps[0] == gaps[-1] == 0.0  # the two constant rules are perfectly fair
    t = hard.tune(z, (0.0, 1.0), hard.scales(z))
    error, gap = hard.values((z > t).astype(int))
    assert error < majority
    useful = errors < majority - 1e-12
    assert gap == pytest.approx(gaps[useful].min(), abs=1e-12)


def test_a_head_no_better_than_a_constant_keeps_the_cheapest_rule():
    # Where no rule beats the majority class, the restriction is void: the unrestricted optimum stays.
    rng = np.random.RandomState(4)
    g, y = rng.randint(0, 2, 300), (rng.uniform(size=300) < 0.3).astype(int)
    z = np.zeros(300)  # one score: the candidates are the two constant rules
    hard = hard_objectives("demographic_parity", y, g)
    t = hard.tune(z, (1.0, 0.0), hard.scales(z + 1.0))
    assert np.all((z > t) == 0)  # predict the majority class (0), the more accurate constant
    assert hard.subset(np.arange(100)).majority_error == pytest.approx(min(np.mean(y[:100]), 1 - np.mean(y[:100])))


def test_k_class_offsets_beat_no_offsets_on_the_hard_objective():
    rng = np.random.RandomState(2)
    z, y, g = rng.normal(size=(500, 3)), rng.randint(0, 3, 500), rng.randint(0, 2, 500)
    hard = hard_objectives("demographic_parity", y, g, classes=["a", "b", "c"])
    scales = hard.scales(z)
    offsets = hard.tune(z, (0.2, 0.8), scales)
    e, gap = hard.scales(z - offsets)
    assert offsets.shape == (3,)
    assert 0.2 * e / scales[0] + 0.8 * gap / scales[1] < 0.2 + 0.8  # better than the head's own decisions


def test_k_class_offsets_at_the_fair_end_beat_predicting_the_majority_class():
    rng = np.random.RandomState(5)
    g = rng.randint(0, 2, 900)
    y = np.where(rng.uniform(size=900) < np.where(g == 1, 0.5, 0.25), rng.randint(1, 3, 900), 0)
    z = 1.5 * np.eye(3)[y] + rng.normal(size=(900, 3))
    z[:, 1] += 0.8 * g
    hard = hard_objectives("demographic_parity", y, g, classes=["a", "b", "c"])
    majority = 1 - np.bincount(y).max() / len(y)
    assert hard.majority_error == pytest.approx(majority)
    offsets = hard.tune(z, (0.0, 1.0), hard.scales(z))
    error, _ = hard.scales(z - offsets)
    assert error < majority


def test_a_demographic_parity_front_reaches_hard_parity_at_its_fair_end():
    X, y, s = _skewed()
    fronts = {t: SUHNPFParetoClassifier(n_members=5, constraints="demographic_parity", validation_fraction=None,
                                        threshold=t, random_state=0).fit(X, y, sensitive_features=s)
              for t in ("auto", 0.0)}
    tuned, plain = fronts["auto"].front_results_, fronts[0.0].front_results_
    # The same certified heads; only the decisions of all but the accuracy end moved.
    assert tuned["threshold"][0] == 0.0 and np.any(tuned["threshold"][1:] != 0.0)
    assert np.array_equal(tuned["train_f2"], plain["train_f2"])
    assert plain["train_gap"][-1] > 0.05  # expected rates at parity, hard ones not
    assert tuned["train_gap"].min() <= 0.01
    # Predictions follow the decision rule, and the decision function says so.
    member = fronts["auto"].front_[-1]
    assert np.array_equal(member.predict(X), (member.decision_function(X) > 0).astype(int))
    head = member.decision_function(X) + member.threshold_
    np.testing.assert_allclose(fronts[0.0].front_[-1].decision_function(X), head, rtol=1e-12, atol=1e-12)


def test_label_dependent_rates_are_tuned_only_on_held_out_data():
    X, y, s = _skewed(1)
    blind = SUHNPFParetoClassifier(n_members=4, constraints="error_rate_parity", validation_fraction=None,
                                   random_state=0).fit(X, y, sensitive_features=s)
    assert np.all(blind.front_results_["threshold"] == 0.0)  # training-set error rates are biased: untouched
    held = SUHNPFParetoClassifier(n_members=4, constraints="error_rate_parity", random_state=0).fit(
        X[:900], y[:900], sensitive_features=s[:900], X_val=X[900:], y_val=y[900:], sensitive_features_val=s[900:])
    r = held.front_results_
    Xv, yv, sv = X[900:], y[900:], s[900:]
    heads = [m.decision_function(Xv) + m.threshold_ for m in held.front_]
    end = heads[0] > 0
    scales = [np.mean(end != yv), fm.accuracy_score_difference(yv, end, sensitive_features=sv)]
    assert np.any(r["threshold"][1:] != 0.0)
    for alpha, z, t in zip(r["alpha"][1:], heads[1:], r["threshold"][1:]):
        def objective(threshold):  # the member's own scalarised hard objective on the validation rows
            pred = (z > threshold).astype(int)
            e, gap = np.mean(pred != yv), fm.accuracy_score_difference(yv, pred, sensitive_features=sv)
            return (alpha + 1e-3) * e / scales[0] + (1 - alpha) * gap / scales[1]

        # No threshold does better than the tuned one (up to float32 rounding of the fit's logits).
        best = min(objective(c) for c in np.concatenate([np.sort(z), np.linspace(z.min() - 1, z.max() + 1, 50)]))
        assert objective(t) <= best + 1e-9
    assert CBAClassifier(alpha=0.3, max_epochs=30, random_state=0).fit(X, y, sensitive_features=s).threshold_ == 0.0


def test_a_new_ray_gets_a_threshold_between_its_neighbours():
    X, y, s = _skewed(2)
    est = PHNParetoClassifier(n_members=5, solver="ls", constraints="demographic_parity", hnet_max_epochs=30,
                              start_max_epochs=60, validation_fraction=None, random_state=0).fit(
        X, y, sensitive_features=s)
    # front_[1] is the start head; every other member is the hypernetwork's head at its ray.
    keep = np.arange(len(est.front_)) != 1
    r = {k: v[keep] for k, v in est.front_results_.items()}
    for alpha, member in zip(r["alpha"], np.asarray(est.front_, dtype=object)[keep]):
        again = est.member_at(alpha)  # a member's own ray rebuilds it, decisions included
        assert np.array_equal(again.predict(X), member.predict(X))
    middle = est.member_at((r["alpha"][1] + r["alpha"][2]) / 2).threshold_
    assert min(r["threshold"][1:3]) <= middle <= max(r["threshold"][1:3])
    fixed = PHNParetoClassifier(n_members=3, solver="ls", constraints="demographic_parity", hnet_max_epochs=5,
                                start_max_epochs=10, threshold=0.25, random_state=0).fit(X, y, sensitive_features=s)
    assert np.all(fixed.front_results_["threshold"] == 0.25) and fixed.member_at(0.4).threshold_ == 0.25


def test_hard_scales_is_the_heads_own_error_and_gap():
    rng = np.random.RandomState(3)
    z, y, g = rng.normal(size=200), rng.randint(0, 2, 200), rng.randint(0, 2, 200)
    pred = (z > 0).astype(int)
    assert hard_objectives("demographic_parity", y, g).scales(z) == pytest.approx(
        [np.mean(pred != y), fm.demographic_parity_difference(y, pred, sensitive_features=g)])

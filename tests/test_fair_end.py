"""The fair end on hard predictions: each member's group-blind decision threshold (threshold="auto")."""

import numpy as np
import pytest
from fairlearn import metrics as fm

from skfairpareto import CBAClassifier, PHNParetoClassifier, SUHNPFParetoClassifier
from skfairpareto._classifier import hard_scales, threshold_curves, tune_threshold
from skfairpareto.criteria import CRITERIA, DemographicParity


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
    crit = CRITERIA[name]().load_data(None, None, n_groups=3)
    thresholds, errors, gaps = threshold_curves(z, y, g, crit)
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
    crit = DemographicParity().load_data(None, None, n_groups=2)
    scales = hard_scales(z, y, [(crit, g)])
    t = tune_threshold(z, y, [(crit, g)], alpha, scales)

    def objective(threshold):
        e, gap = hard_scales(z - threshold, y, [(crit, g)])
        return (alpha + 1e-3) * e / scales[0] + (1 - alpha) * gap / scales[1]

    assert objective(t) <= min(objective(c) for c in np.linspace(-3, 3, 301)) + 1e-12


def test_k_class_offsets_beat_no_offsets_on_the_hard_objective():
    rng = np.random.RandomState(2)
    z, y, g = rng.normal(size=(500, 3)), rng.randint(0, 3, 500), rng.randint(0, 2, 500)
    crit = CRITERIA["demographic_parity"]().load_data(None, None, n_groups=2, classes=np.array(["a", "b", "c"]))
    scales = hard_scales(z, y, [(crit, g)])
    offsets = tune_threshold(z, y, [(crit, g)], 0.2, scales)
    e, gap = hard_scales(z - offsets, y, [(crit, g)])
    assert offsets.shape == (3,)
    assert 0.2 * e / scales[0] + 0.8 * gap / scales[1] < 0.2 + 0.8  # better than the head's own decisions


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
    crit = CRITERIA["error_rate_parity"]().load_data(None, None, n_groups=2)
    codes = np.searchsorted(held.groups_, s[900:])
    logits = [m.decision_function(X[900:]) + m.threshold_ for m in held.front_]
    scales = hard_scales(logits[0], y[900:], [(crit, codes)])
    for i, (member, z) in enumerate(zip(held.front_[1:], logits[1:]), start=1):
        assert r["threshold"][i] == tune_threshold(z, y[900:], [(crit, codes)], r["alpha"][i], scales)
    assert CBAClassifier(alpha=0.3, max_epochs=30, random_state=0).fit(X, y, sensitive_features=s).threshold_ == 0.0


def test_a_new_ray_interpolates_the_members_thresholds():
    X, y, s = _skewed(2)
    est = PHNParetoClassifier(n_members=5, solver="ls", constraints="demographic_parity", max_epochs=30,
                              start_max_epochs=60, validation_fraction=None, random_state=0).fit(
        X, y, sensitive_features=s)
    r = est.front_results_
    for alpha, threshold in zip(r["alpha"], r["threshold"]):
        assert est.member_at(alpha).threshold_ == pytest.approx(threshold)
    middle = est.member_at((r["alpha"][1] + r["alpha"][2]) / 2).threshold_
    assert min(r["threshold"][1:3]) <= middle <= max(r["threshold"][1:3])
    fixed = PHNParetoClassifier(n_members=3, solver="ls", constraints="demographic_parity", max_epochs=5,
                                start_max_epochs=10, threshold=0.25, random_state=0).fit(X, y, sensitive_features=s)
    assert np.all(fixed.front_results_["threshold"] == 0.25) and fixed.member_at(0.4).threshold_ == 0.25


def test_hard_scales_is_the_heads_own_error_and_gap():
    rng = np.random.RandomState(3)
    z, y, g = rng.normal(size=200), rng.randint(0, 2, 200), rng.randint(0, 2, 200)
    crit = DemographicParity().load_data(None, None, n_groups=2)
    pred = (z > 0).astype(int)
    assert hard_scales(z, y, [(crit, g)]) == pytest.approx(
        [np.mean(pred != y), fm.demographic_parity_difference(y, pred, sensitive_features=g)])

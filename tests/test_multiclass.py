"""K-class targets: heads with K logits, K-class criteria and metrics, every estimator."""

import numpy as np
import pytest
import torch
from fairlearn import metrics as fm

from skfairpareto import CBAClassifier
from skfairpareto.criteria import (
    CRITERIA,
    EqualizedOdds,
    FalsePositiveRateParity,
    TruePositiveRateParity,
    saturated_logits,
)
from skfairpareto.metrics import (
    multiclass_demographic_parity_difference,
    multiclass_equalized_odds_difference,
    multiclass_false_positive_rate_difference,
    multiclass_true_positive_rate_difference,
)

LABELS = np.array(["hate", "neither", "offensive"])  # sorted: the estimators' classes_


def three_classes(seed=0, n=900):
    """Three classes whose boundaries move with the group (so fairness costs accuracy)."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 6)).astype(np.float32)
    s = rng.randint(0, 2, n)
    scores = X[:, :3] + 0.8 * s[:, None] * np.array([1.0, 0.0, -1.0]) + rng.normal(size=(n, 3))
    return X, LABELS[scores.argmax(1)], np.where(s == 1, "B", "A")


def _count(y, pred, groups, kind, classes):
    """The K-class difference by a direct count over every (class, group) cell."""
    out = 0.0
    for k in classes:
        rates = []
        for g in np.unique(groups):
            cell = (groups == g) & (y == k if kind == "tpr" else y != k if kind == "fpr" else True)
            if cell.any():
                rates.append(np.mean(pred[cell] == k))
        if len(rates) > 1:
            out = max(out, max(rates) - min(rates))
    return out


def test_k_class_metrics_against_a_direct_count():
    y = np.array(["a", "a", "b", "b", "c", "c", "a", "b", "c", "c"])
    pred = np.array(["a", "b", "b", "b", "c", "a", "a", "c", "c", "b"])
    groups = np.array([0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
    assert multiclass_true_positive_rate_difference(y, pred, sensitive_features=groups) == pytest.approx(
        _count(y, pred, groups, "tpr", "abc"))
    assert multiclass_false_positive_rate_difference(y, pred, sensitive_features=groups) == pytest.approx(
        _count(y, pred, groups, "fpr", "abc"))
    assert multiclass_demographic_parity_difference(y, pred, sensitive_features=groups) == pytest.approx(
        _count(y, pred, groups, "sel", "abc"))
    assert multiclass_equalized_odds_difference(y, pred, sensitive_features=groups) == pytest.approx(
        max(_count(y, pred, groups, "tpr", "abc"), _count(y, pred, groups, "fpr", "abc")))
    # Restricted to one class: group 0 recalls 'b' 2 of 2, group 1 0 of 1.
    assert multiclass_true_positive_rate_difference(y, pred, sensitive_features=groups, classes=["b"]) == 1.0


@pytest.mark.parametrize("metric, binary", [
    (multiclass_true_positive_rate_difference, fm.true_positive_rate_difference),
    (multiclass_false_positive_rate_difference, fm.false_positive_rate_difference),
    (multiclass_equalized_odds_difference, fm.equalized_odds_difference),
    (multiclass_demographic_parity_difference, fm.demographic_parity_difference),
])
def test_restricted_to_the_positive_class_they_are_fairlearns_binary_metrics(metric, binary):
    rng = np.random.RandomState(0)
    y, pred, groups = rng.randint(0, 2, 300), rng.randint(0, 2, 300), rng.randint(0, 3, 300)
    assert metric(y, pred, sensitive_features=groups, classes=[1]) == pytest.approx(
        binary(y, pred, sensitive_features=groups))


@pytest.mark.parametrize("n_groups", [2, 3])
@pytest.mark.parametrize("name", sorted(CRITERIA))
def test_at_saturated_logits_each_k_class_surrogate_is_its_metric(name, n_groups):
    from skfairpareto.metrics import resolve_fairness_metric

    rng = np.random.RandomState(n_groups)
    y, pred, groups = rng.randint(0, 3, 400), rng.randint(0, 3, 400), rng.randint(0, n_groups, 400)
    crit = CRITERIA[name]().load_data(y, groups, n_groups=n_groups, classes=LABELS)
    metric = resolve_fairness_metric(None, crit)
    expected = metric(LABELS[y], LABELS[pred], sensitive_features=groups)
    logits = saturated_logits(torch.as_tensor(pred), 3)
    assert crit.gap(logits, torch.as_tensor(y), torch.as_tensor(groups)) == pytest.approx(expected, abs=1e-12)
    if n_groups == 2 and len(crit.rate_names_) == 1:
        assert np.sqrt(crit.f2(logits, torch.as_tensor(y), torch.as_tensor(groups)).item()) == pytest.approx(
            expected, abs=1e-9)


@pytest.mark.parametrize("name", sorted(CRITERIA))
def test_two_classes_through_the_k_class_path_equal_the_binary_path(name):
    rng = np.random.RandomState(1)
    z, y, g = torch.as_tensor(rng.normal(size=200)), torch.as_tensor(rng.randint(0, 2, 200)), torch.as_tensor(
        rng.randint(0, 2, 200))
    binary = CRITERIA[name]().load_data(None, None, n_groups=2)
    two_logits = torch.stack([torch.zeros_like(z), z], dim=1)  # softmax((0, z)) = (1 - sigmoid(z), sigmoid(z))
    rates_binary, _ = binary.rates(z, y.double(), g)
    rates_k, _ = binary.rates(two_logits, y, g)
    assert torch.allclose(rates_binary, rates_k, atol=1e-12)
    f_binary, f_k = binary.objectives(z, y.double(), g), binary.objectives(two_logits, y, g)
    assert torch.allclose(f_binary, f_k, atol=1e-12)


def test_criteria_name_the_class_and_the_group_they_lack():
    y = np.array([0, 0, 1, 1, 2, 0, 0, 1, 1, 1])
    groups = np.array([0, 0, 0, 0, 0, 1, 1, 1, 1, 1])  # group 1 has no 'offensive' (code 2)
    with pytest.raises(ValueError, match=r"true positive rate of class 'offensive'.*'B' \(no positives of class "
                                         r"'offensive'\)"):
        TruePositiveRateParity().load_data(y, groups, n_groups=2, group_names=np.array(["A", "B"]), classes=LABELS)
    all_offensive = np.array([2, 2, 2, 2, 2, 0, 1, 2, 1, 0])
    with pytest.raises(ValueError, match=r"false positive rate of class 'offensive'.*'A' \(no negatives of class "
                                         r"'offensive'\)"):
        FalsePositiveRateParity().load_data(all_offensive, groups, n_groups=2, group_names=np.array(["A", "B"]),
                                            classes=LABELS)
    with pytest.raises(ValueError, match=r"restricted to classes \['slur'\], but \['slur'\] is not among the classes"):
        EqualizedOdds(classes=["slur"]).load_data(y, groups, n_groups=2, classes=LABELS)
    # Restricted to classes every group has: fine, and only those rates are compared.
    crit = FalsePositiveRateParity(classes=["hate"]).load_data(y, groups, n_groups=2, classes=LABELS)
    assert crit.rate_names_ == ["false positive rate of class 'hate'"]


def test_cba_with_three_string_classes():
    X, y, s = three_classes()
    clf = CBAClassifier(alpha=0.5, constraints="demographic_parity", max_epochs=60, random_state=0)
    clf.fit(X, y, sensitive_features=s)
    assert list(clf.classes_) == list(LABELS)
    proba, dec = clf.predict_proba(X), clf.decision_function(X)
    assert proba.shape == dec.shape == (len(X), 3) and np.allclose(proba.sum(1), 1)
    assert np.array_equal(clf.predict(X), LABELS[dec.argmax(1)]) and np.array_equal(dec.argmax(1), proba.argmax(1))
    assert clf.net_.module_.layers[-1].out_features == 3
    assert {"f1", "f2"} <= set(clf.history_[-1, "batches", -1])


@pytest.mark.parametrize("name", ["suhnpf", "phn-epo", "phn-ls", "fapareto"])
def test_every_front_estimator_learns_a_k_class_front(name, make_estimator):
    from skfairpareto import load_member, save_member

    X, y, s = three_classes()
    est = make_estimator(name, constraints=EqualizedOdds(classes=["hate", "offensive"])).fit(
        X, y, sensitive_features=s)
    r = est.front_results_
    assert {"threshold[hate]", "threshold[neither]", "threshold[offensive]"} <= set(r)
    # Held-out data: the members' per-class offsets were tuned (not all left at 0).
    assert any(np.any(np.asarray(m.threshold_) != 0.0) for m in est.front_)
    for member in est.front_:
        assert member.predict_proba(X).shape == (len(X), 3) and set(member.predict(X)) <= set(LABELS)
    from skfairpareto.metrics import multiclass_equalized_odds_difference as eo

    member = est.front_[-1]
    assert est.score_front(X, y, sensitive_features=s)["gap"].iloc[-1] == pytest.approx(
        eo(y, member.predict(X), sensitive_features=s, classes=["hate", "offensive"]))
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        loaded = load_member(save_member(member, Path(folder) / "m.safetensors"))
    assert np.array_equal(loaded.predict_proba(X), member.predict_proba(X))

"""The core every estimator shares: one objective model, honest held-out figures, refits from the options alone."""

import re
from pathlib import Path

import numpy as np
import pytest
from fairlearn.metrics import demographic_parity_difference

from skfairpareto import CBAClassifier, FaParetoEnsemble, PHNParetoClassifier
from skfairpareto._selection import select_member
from skfairpareto.criteria import FairnessObjectives, resolve_objectives
from skfairpareto.metrics import pareto_mask

PACKAGE = Path(__file__).resolve().parents[1] / "skfairpareto"

#: Where the number of objectives may decide a code path: the objective model, which owns it; the
#: solvers, which know nothing of it (their closed forms for two gradients -- the minimum-norm point,
#: EPO's LP -- and the Fritz-John tracer's default targets for two objectives are mathematics of
#: their own); and the display's layout (one Axes for a pair, a scatter matrix for more).
OWNERS = {"criteria/_objectives.py", "plotting.py"}
#: A comparison of an objective count with 2: ``m == 2``, ``n_objectives > 2``, ``len(names) != 2``, ...
BRANCH = re.compile(r"\b(m|n_objectives|len\((names|weights|rays|ray|scales|self\._objective_names\(\))\))\s*"
                    r"(==|!=|>|<=)\s*2\b")


def test_no_branch_on_the_number_of_objectives_outside_the_objective_model():
    found = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative in OWNERS or relative.startswith("solvers/"):
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if BRANCH.search(line.split("#")[0]):
                found.append(f"{relative}:{number}: {line.strip()}")
    assert found == [], "\n".join(found)


def test_the_branch_pattern_finds_the_old_branches():
    # The check above would have failed on the code before the objective model.
    for line in ("extra = {} if m == 2 else {...}", "if m > 2:", "if len(names) > 2:", "if self.n_objectives == 2:"):
        assert BRANCH.search(line), line


def test_labels_are_class_codes_whatever_the_number_of_classes():
    # The objectives say how many logits a head has; the codes' dtype says nothing.
    from skfairpareto._validation import check_target

    for y in (["b", "a", "b"], [2, 0, 1, 2]):
        codes, classes = check_target(np.array(y))
        assert codes.dtype == np.int64 and np.array_equal(classes[codes], y)


def test_two_objectives_and_two_classes_are_the_smallest_instance():
    y = np.array([0, 1, 1, 0, 1, 0])
    codes = np.array([0, 0, 0, 1, 1, 1])
    two = FairnessObjectives.bind(resolve_objectives("demographic_parity"), y, codes, np.array(["a", "b"]),
                                  np.array([0, 1]), codes)
    three = FairnessObjectives.bind(resolve_objectives(["demographic_parity", "true_positive_rate_parity"]), y,
                                    codes, np.array(["a", "b"]), np.array([0, 1]), codes)
    assert type(two) is type(three) and (two.n_objectives, three.n_objectives) == (2, 3)
    assert two.objective_names == ["error", "gap"]
    assert three.objective_names == ["error", "gap[demographic_parity]", "gap[true_positive_rate_parity]"]
    assert two.weights(0.3) == (0.3, 0.7) and three.weights(0.4) == (0.4, 0.3, 0.3)
    assert two.preference_grid(3).tolist() == [[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]]
    rays = three.preference_grid(6)
    assert rays.shape == (6, 3) and np.allclose(rays.sum(1), 1) and rays[0, 0] == 1.0
    # The same hard scores, whatever the size: the error, then each gap.
    pred = np.array([1, 1, 0, 0, 0, 1])
    h2, h3 = two.hard(y, codes).values(pred), three.hard(y, codes).values(pred)
    assert h2[0] == h3[0] == np.mean(pred != y) and h2[1] == h3[1] == demographic_parity_difference(
        y, pred, sensitive_features=codes)


def test_held_out_decisions_never_use_their_own_label(make_data, monkeypatch):
    """Cross-fitting: a validation row is decided by thresholds tuned on the other half of the rows, so
    flipping its label moves no decision of its own (it moves the other half's, which it helped tune)."""
    X, y, s = make_data(1, 900)
    est = PHNParetoClassifier(n_members=5, solver="ls", hnet_max_epochs=20, start_max_epochs=40,
                              constraints="error_rate_parity", random_state=0)
    est.fit(X[:600], y[:600], sensitive_features=s[:600], X_val=X[600:], y_val=y[600:],
            sensitive_features_val=s[600:])
    members = est.front_
    weights = np.column_stack([est.front_results_["alpha"], est.front_results_["weight[gap]"]])
    codes = np.searchsorted(est.groups_, s[600:])
    logits = [est._logits(m, X[600:], codes) for m in members]
    yv = y[600:].copy()
    # The halves fixed (they are stratified by label, so a flipped label would move its row).
    import skfairpareto.base

    halves = skfairpareto.base.stratified_split(yv, codes, test_size=0.5, random_state=0)
    monkeypatch.setattr(skfairpareto.base, "stratified_split", lambda *a, **k: halves)

    def decisions(labels):
        return est._cross_fitted(members, est.objectives_.hard(labels, codes), logits, weights)

    before = decisions(yv)
    assert any(np.any(d != (z > 0)) for d, z in zip(before, logits))  # some member was really tuned
    for row in (3, 150, 299):
        flipped = yv.copy()
        flipped[row] = 1 - flipped[row]
        after = decisions(flipped)
        assert all(a[row] == b[row] for a, b in zip(after, before))
    # And the figures reported are those decisions' metrics (on the fit's own halves).
    monkeypatch.undo()
    r = est.front_results_
    for i, d in enumerate(decisions(yv)):
        assert r["val_error"][i] == pytest.approx(np.mean(d != yv))


def test_a_refit_starts_from_the_options_alone(make_data):
    X1, y1, s1 = make_data(2, 500)
    X2, y2, s2 = make_data(3, 700)
    params = dict(n_members=4, solver="ls", hnet_max_epochs=15, start_max_epochs=30, constraints="demographic_parity",
                  random_state=0)
    twice = PHNParetoClassifier(**params).fit(X1, y1, sensitive_features=s1).fit(X2, y2, sensitive_features=s2)
    once = PHNParetoClassifier(**params).fit(X2, y2, sensitive_features=s2)
    for a, b in zip(twice.front_, once.front_):
        assert np.array_equal(a.decision_function(X2), b.decision_function(X2))
    assert np.array_equal(twice.front_results_["threshold"], once.front_results_["threshold"])
    # A warm CBA sweep whose first fit kept its decisions still normalises the tuned threshold.
    clf = CBAClassifier(alpha=0.6, warm_start=True, threshold=0.0, constraints="demographic_parity", max_epochs=20,
                        random_state=0).fit(X1, y1, sensitive_features=s1)
    clf.set_params(alpha=0.3, threshold="auto").fit(X1, y1, sensitive_features=s1)
    assert np.isfinite(clf.threshold_) and clf.hard_scales_ is not None


def test_the_evolutions_archive_describes_the_decisions_its_members_make(make_data):
    X, y, s = make_data(4, 1200)
    est = FaParetoEnsemble(population_size=4, n_generations=2, finetune_epochs=5, start_max_epochs=40,
                           constraints="demographic_parity", random_state=0)
    est.fit(X[:800], y[:800], sensitive_features=s[:800], X_val=X[800:], y_val=y[800:], sensitive_features_val=s[800:])
    r = est.front_results_
    assert est.evaluation_split_ == "search" and "val_error" not in r
    for i, member in enumerate(est.front_):
        pred = member.predict(X[800:])
        assert r["search_error"][i] == pytest.approx(np.mean(pred != y[800:]))
        assert r["search_gap"][i] == pytest.approx(demographic_parity_difference(y[800:], pred,
                                                                                 sensitive_features=s[800:]))
        assert r["evolution_error"][i] == r["search_error"][i]
    assert pareto_mask(np.column_stack([r["search_error"], r["search_gap"]])).all()


def test_the_knee_of_many_objectives_is_nearest_the_plane_through_the_front_ends():
    F = np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 1.0], [1.0, 1.0, 0.0], [0.2, 0.2, 0.2], [0.5, 0.5, 0.4]])
    results = {"val_error": F[:, 0], "val_a": F[:, 1], "val_b": F[:, 2], "pareto_optimal": pareto_mask(F),
               "alpha": np.linspace(1, 0, 5)}
    assert select_member(results, "val", ["error", "a", "b"], "knee") == 3

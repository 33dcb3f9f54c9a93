"""The benchmark's scoring: fairlearn's metrics on hard predictions, expected rates otherwise."""

import numpy as np
import pytest
from fairlearn import metrics as fm

from skfairpareto.benchmark import score_predictions
from skfairpareto.benchmark._report import SUMMARY_COUNTS, fairest_gap, majority_error, resummarize, summarize
from skfairpareto.criteria import CRITERIA


@pytest.mark.parametrize("name", sorted(CRITERIA))
def test_hard_predictions_are_scored_by_fairlearns_metric(name):
    rng = np.random.RandomState(0)
    y, pred = rng.randint(0, 2, 400), rng.randint(0, 2, 400)
    groups = rng.choice(["AAE", "SAE", "other"], 400)
    scores = score_predictions(y, pred, groups, CRITERIA[name]())
    metric = getattr(fm, CRITERIA[name].metric)
    assert scores["gap"] == pytest.approx(metric(y, pred, sensitive_features=groups), abs=1e-12)
    assert scores["accuracy"] == pytest.approx((y == pred).mean())
    for g in ("AAE", "SAE", "other"):
        cell = (groups == g) & (y == 0)
        assert scores[f"fpr_{g}"] == pytest.approx(pred[cell].mean())


def test_randomised_predictions_are_scored_by_expected_rates():
    y = np.array([1, 1, 0, 0, 1, 0])
    groups = np.array(["a", "a", "a", "b", "b", "b"])
    p = np.array([0.8, 0.6, 0.5, 0.1, 0.9, 0.3])
    scores = score_predictions(y, p, groups, CRITERIA["true_positive_rate_parity"]())
    assert scores["gap"] == pytest.approx(0.9 - 0.7)
    assert scores["accuracy"] == pytest.approx(np.mean([0.8, 0.6, 0.5, 0.9, 0.9, 0.7]))
    assert scores["fpr_b"] == pytest.approx(0.2)


def test_several_criteria_are_each_scored_and_summed():
    rng = np.random.RandomState(1)
    y, pred = rng.randint(0, 2, 500), rng.randint(0, 2, 500)
    groups = rng.choice(["a", "b"], 500)
    names = ["true_positive_rate_parity", "false_positive_rate_parity", "demographic_parity"]
    scores = score_predictions(y, pred, groups, [CRITERIA[n]() for n in names])
    assert list(scores["gaps"]) == names
    for n in names:
        metric = getattr(fm, CRITERIA[n].metric)
        assert scores["gaps"][n] == pytest.approx(metric(y, pred, sensitive_features=groups), abs=1e-12)
    assert scores["gap"] == pytest.approx(sum(scores["gaps"].values()))
    # One criterion, in a list or not: its gap is the sum.
    one = score_predictions(y, pred, groups, CRITERIA[names[0]]())
    assert one["gap"] == one["gaps"][names[0]] == scores["gaps"][names[0]]


def test_several_criteria_over_k_classes_are_each_scored():
    rng = np.random.RandomState(2)
    y, codes = rng.randint(0, 3, 300), rng.randint(0, 3, 300)
    P, groups = np.eye(3)[codes], rng.choice(["a", "b"], 300)
    names = ["error_rate_parity", "equalized_odds"]
    both = score_predictions(y, P, groups, [CRITERIA[n]() for n in names], classes=["x", "y", "z"])
    for n in names:
        alone = score_predictions(y, P, groups, CRITERIA[n](), classes=["x", "y", "z"])
        assert both["gaps"][n] == alone["gap"] > 0
    assert both["gap"] == pytest.approx(sum(both["gaps"].values()))


def test_a_summary_over_several_gaps_uses_all_of_them():
    rows = [{"method": "m", "accuracy": 0.90, "gap": 0.012, "gaps": {"a": 0.002, "b": 0.010}},
            {"method": "m", "accuracy": 0.95, "gap": 0.015, "gaps": {"a": 0.014, "b": 0.001}},
            {"method": "m", "accuracy": 0.80, "gap": 0.030, "gaps": {"a": 0.015, "b": 0.015}}]
    v = summarize(rows, ["m"], {"m": 1.0}, {}, (0.3, 0.1, 0.1), majority=0.25)["m"]
    # Every gap at most 1 point: only the first; at most 2 points: the first two.
    assert v["best_accuracy_gap_le_1pt"] == 0.90 and v["best_accuracy_gap_le_2pt"] == 0.95
    assert v["fairest_gap"] == pytest.approx(0.012)
    # The third is dominated in (error, a, b); the first two are not (each leads in one gap).
    assert v["n_pareto_points"] == 2
    from skfairpareto.metrics import hypervolume

    points = [[1 - r["accuracy"], *r["gaps"].values()] for r in rows]
    assert v["test_hypervolume"] == pytest.approx(hypervolume(points, (0.3, 0.1, 0.1))) and v["test_hypervolume"] > 0


def test_the_fairest_gap_counts_only_models_that_beat_the_majority_class():
    # Predicting "yes" for everyone: 30 % error and no gap under demographic parity.
    y_train, y_test = np.array([1, 1, 1, 0]), np.array([1] * 7 + [0] * 3)
    assert majority_error(y_train, y_test) == pytest.approx(0.3)
    rows = [{"method": "m", "accuracy": 0.70, "gap": 0.0, "gaps": {"a": 0.0}},
            {"method": "m", "accuracy": 0.85, "gap": 0.04, "gaps": {"a": 0.04}},
            {"method": "m", "accuracy": 0.90, "gap": 0.10, "gaps": {"a": 0.10}},
            {"method": "c", "accuracy": 0.70, "gap": 0.0, "gaps": {"a": 0.0}}]
    summary = summarize(rows, ["m", "c"], {"m": 1.0, "c": 1.0}, {}, (0.3, 0.2), majority=0.3)
    assert summary["m"]["fairest_gap"] == pytest.approx(0.04)
    assert summary["c"]["fairest_gap"] is None  # nothing beats the majority class: no fair end at all
    assert fairest_gap([0.2, 0.1], [0.0, 0.05], 0.3) == 0.0  # a fair model that is useful counts
    # The best accuracies at a small gap follow the same rule: the constant model is not "70 % at no gap".
    assert summary["m"]["best_accuracy_gap_le_1pt"] is None and summary["m"]["best_accuracy_gap_le_2pt"] is None
    assert summary["c"]["best_accuracy_gap_le_1pt"] is None


def test_a_stored_run_is_resummarized_under_the_current_rules():
    rows = [{"method": "m", "accuracy": 0.70, "gap": 0.0, "gaps": {"a": 0.0}},
            {"method": "m", "accuracy": 0.85, "gap": 0.015, "gaps": {"a": 0.015}},
            {"method": "s", "accuracy": 0.80, "gap": 0.03, "gaps": {"a": 0.03}}]
    fresh = summarize(rows, ["m", "s"], {"m": 2.0, "s": 3.0}, {"s": 1}, (0.3, 0.2), majority=0.3)
    # As an earlier version wrote it: the constant model counted for the best accuracy at a 1-point gap.
    stale = {m: dict(v) for m, v in fresh.items()}
    stale["m"]["best_accuracy_gap_le_1pt"] = 0.70
    payload = {"rows": rows, "reference_point": [0.3, 0.2], "majority_error": 0.3, "summary": stale}
    again = resummarize(payload)
    assert again["summary"] == fresh and again["summary_counts"] == SUMMARY_COUNTS
    assert again["summary"]["s"]["fit_seconds"] == 3.0 and again["summary"]["s"]["n_certified"] == 1
    assert payload["summary"]["m"]["best_accuracy_gap_le_1pt"] == 0.70  # the payload given is not changed
    with pytest.raises(ValueError, match="predates majority_error"):
        resummarize({"rows": rows, "reference_point": [0.3, 0.2], "summary": stale})


def test_peers_train_for_each_criterion_and_equalized_odds_for_both_rates():
    from skfairpareto.benchmark._methods import peer_criteria

    def names(*criteria):
        return [c.name for c in peer_criteria([CRITERIA[n]() for n in criteria])]

    assert names("error_rate_parity") == ["error_rate_parity"]
    assert names("true_positive_rate_parity", "demographic_parity") == ["true_positive_rate_parity",
                                                                         "demographic_parity"]
    assert names("false_positive_rate_parity", "true_positive_rate_parity") == [
        "false_positive_rate_parity", "true_positive_rate_parity", "equalized_odds"]
    assert names("true_positive_rate_parity", "false_positive_rate_parity", "equalized_odds")[-1] == "equalized_odds"
    assert len(names("true_positive_rate_parity", "false_positive_rate_parity", "equalized_odds")) == 3


def test_options_for_several_criteria():
    from skfairpareto.benchmark import REFERENCE_POINTS, check_benchmark_options

    tpr, fpr = "true_positive_rate_parity", "false_positive_rate_parity"
    criteria, ref, _ = check_benchmark_options(constraints=[tpr, fpr])
    assert [c.name for c in criteria] == [tpr, fpr]
    assert ref == (max(REFERENCE_POINTS[tpr][0], REFERENCE_POINTS[fpr][0]), REFERENCE_POINTS[tpr][1],
                   REFERENCE_POINTS[fpr][1])
    with pytest.raises(ValueError, match=r"reference_point must be 3 positive numbers \(error, then one gap per"):
        check_benchmark_options(constraints=[tpr, fpr], reference_point=(0.2, 0.1))
    with pytest.raises(ValueError, match="names the same criterion twice"):
        check_benchmark_options(constraints=[tpr, tpr])
    with pytest.raises(ValueError, match="gap_loss applies to error_rate_parity only"):
        check_benchmark_options(constraints=[tpr, fpr], gap_loss="bce")
    criteria, _, _ = check_benchmark_options(constraints=["error_rate_parity", fpr], gap_loss="bce")
    assert criteria[0].gap_loss == "bce"


def test_the_split_cache_key_follows_how_the_onnx_backend_embeds(monkeypatch):
    # The cached features of a split must not outlive a change in how their embeddings are made.
    from skfairpareto.benchmark._data import _split_key
    from skfairpareto.embedding import _onnx
    from skfairpareto.features import TextFeatures

    args = (np.array(["a tweet", "another"]), np.array([0, 1]), np.array(["g", "h"]), 0, "hybrid", TextFeatures())
    key = _split_key(*args)
    assert _split_key(*args) == key
    monkeypatch.setattr(_onnx, "MAX_BATCH_TOKENS", _onnx.MAX_BATCH_TOKENS * 2)
    assert _split_key(*args) != key
    monkeypatch.undo()
    monkeypatch.setattr(_onnx, "_EXPORT_VERSION", "another export")
    assert _split_key(*args) != key


def test_the_split_cache_checksum_reads_in_place_what_tobytes_hashed(tmp_path):
    """The in-place digest equals the one caches were written with (their bytes concatenated),
    for a non-contiguous part too; a file whose arrays no longer match it is rebuilt."""
    import hashlib
    import json
    import warnings

    from skfairpareto.benchmark._data import _features_digest, _read_cached

    rng = np.random.default_rng(0)
    X_train, X_test = rng.random((40, 6), dtype=np.float32), rng.random((9, 6), dtype=np.float32)[:, ::2]
    assert _features_digest(X_train, X_test) == hashlib.sha256(X_train.tobytes() + X_test.tobytes()).digest()
    meta = np.frombuffer(json.dumps({"embedding_backend": None}).encode(), np.uint8)
    path = tmp_path / "split.npz"
    digest = np.frombuffer(_features_digest(X_train, X_test), np.uint8)
    np.savez(path, X_train=X_train, X_test=X_test, digest=digest, meta=meta)
    read_train, read_test, _ = _read_cached(path)
    np.testing.assert_array_equal(read_test, X_test)
    np.savez(path, X_train=X_train + 1, X_test=X_test, digest=digest, meta=meta)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert _read_cached(path) is None
    assert any("corrupt" in str(w.message) for w in caught) and not path.exists()

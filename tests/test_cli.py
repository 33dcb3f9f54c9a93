import json
import subprocess
import sys

import numpy as np
import pytest

from skfairpareto.benchmark import DEFAULT_METHODS, run_benchmark

pytestmark = pytest.mark.integration


def _run(*args, timeout=900):
    return subprocess.run([sys.executable, "-m", "skfairpareto", *args], capture_output=True, text=True,
                          timeout=timeout)


def _check_outputs(out, methods, n_texts):
    payload = json.loads((out / "results.json").read_text())
    assert payload["n_texts"] == n_texts and set(payload["summary"]) == set(methods)
    for r in payload["rows"]:
        assert 0 <= r["accuracy"] <= 1 and np.isfinite(r["gap"])
        rates = {kind: [v for k, v in r.items() if k.startswith(f"{kind}_")] for kind in ("accuracy", "fpr")}
        if payload["constraints"] == "error_rate_parity":
            assert r["gap"] == pytest.approx(max(rates["accuracy"]) - min(rates["accuracy"]))
        elif payload["constraints"] == "false_positive_rate_parity":
            assert r["gap"] == pytest.approx(max(rates["fpr"]) - min(rates["fpr"]))
        assert len(rates["fpr"]) == len(payload["groups"])
    for m, v in payload["summary"].items():
        rows = [r for r in payload["rows"] if r["method"] == m]
        assert v["n_points"] == len(rows) >= 1
        assert 1 <= v["n_pareto_points"] <= v["n_points"]
        assert 0 <= v["test_hypervolume"] <= np.prod(payload["reference_point"]) + 1e-12
        # Among the models that beat predicting the majority class, as the fairest gap.
        useful = [r for r in rows if 1 - r["accuracy"] < payload["majority_error"]]
        for cap, key in ((0.01, "best_accuracy_gap_le_1pt"), (0.02, "best_accuracy_gap_le_2pt")):
            ok = [r["accuracy"] for r in useful if r["gap"] <= cap + 1e-12]
            assert v[key] == (max(ok) if ok else None)
    for m, by_alpha in payload["table3"].items():
        assert set(by_alpha) == {"1", "0.5", "0"}
    text = (out / "results.md").read_text()
    assert "test HV" in text and "Table 3" in text and f"criterion `{payload['constraints']}`" in text
    assert "FPR AAE" in text or payload["table3"] == {}
    for name in ("fronts.png", "model_comparison.png"):
        assert (out / name).stat().st_size > 1000
    return payload


def test_benchmark_quick_end_to_end_on_a_subsample(tmp_path):
    out = tmp_path / "out"
    proc = _run("benchmark", "--quick", "--n-samples", "400", "--cache-dir", str(tmp_path / "cache"),
                "--output-dir", str(out))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "FaParetoEnsemble" in proc.stdout and "fairlearn ExponentiatedGradient" in proc.stdout
    _check_outputs(out, DEFAULT_METHODS["binary"], 400)


def test_benchmark_with_three_classes(tmp_path):
    out = tmp_path / "out"
    proc = _run("benchmark", "--quick", "--target", "multiclass", "--n-samples", "600", "--constraints",
                "equalized_odds", "--methods", "cba", "phn-ls", "multinomial", "expgrad-ovr", "--cache-dir",
                str(tmp_path / "cache"), "--output-dir", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr[-3000:]
    payload = json.loads((out / "results.json").read_text())
    assert payload["classes"] == ["hate", "neither", "offensive"]
    assert payload["fairness_metric"] == "multiclass_equalized_odds_difference"
    assert set(payload["summary"]) == {"cba", "phn-ls", "multinomial", "expgrad-ovr"}
    for r in payload["rows"]:
        recalls = [r[f"recall_{c}_{g}"] for c in payload["classes"] for g in payload["groups"]]
        fprs = [r[f"fpr_{c}_{g}"] for c in payload["classes"] for g in payload["groups"]]
        spread = max(max(r[f"{k}_{c}_{g}"] for g in payload["groups"]) - min(r[f"{k}_{c}_{g}"] for g in payload["groups"])
                     for k in ("recall", "fpr") for c in payload["classes"])
        assert r["gap"] == pytest.approx(spread) and 0 <= r["macro_f1"] <= 1 and None not in recalls + fprs
    text = (out / "results.md").read_text()
    assert "macro-F1" in text and "Per-class false-positive rate" in text and " ± " in text
    proc = _run("benchmark", "--target", "multiclass", "--methods", "expgrad")
    assert proc.returncode != 0 and "do not train for target='multiclass'" in proc.stderr


def test_benchmark_with_two_criteria(tmp_path):
    tpr, fpr = "true_positive_rate_parity", "false_positive_rate_parity"
    out = tmp_path / "out"
    proc = _run("benchmark", "--quick", "--n-samples", "400", "--constraints", tpr, fpr, "--methods", "cba",
                "fapareto", "expgrad", "threshold", "--cache-dir", str(tmp_path / "cache"), "--output-dir", str(out),
                "--quiet")
    assert proc.returncode == 0, proc.stderr[-3000:]
    payload = json.loads((out / "results.json").read_text())
    assert payload["constraints"] == [tpr, fpr]
    assert payload["fairness_metric"] == ["true_positive_rate_difference", "false_positive_rate_difference"]
    assert payload["reference_point"] == [0.15, 0.05, 0.5]
    groups = payload["groups"]
    for r in payload["rows"]:
        for name, kind in ((tpr, "tpr"), (fpr, "fpr")):
            rates = [r[f"{kind}_{g}"] for g in groups if r[f"{kind}_{g}"] is not None]  # None: no rows
            assert r["gaps"][name] == pytest.approx(max(rates) - min(rates))
        assert r["gap"] == pytest.approx(r["gaps"][tpr] + r["gaps"][fpr])
    summary = payload["summary"]
    # fairlearn's peers: the union of their models for TPR parity, FPR parity and equalized odds
    # (one bound each in --quick; ThresholdOptimizer once per constraints string).
    assert summary["expgrad"]["n_points"] == 3 and summary["threshold"]["n_points"] == 3
    for m, v in summary.items():
        rows = [r for r in payload["rows"] if r["method"] == m]
        assert 0 <= v["test_hypervolume"] <= np.prod(payload["reference_point"]) + 1e-12
        useful = [r["gap"] for r in rows if 1 - r["accuracy"] < payload["majority_error"]]
        assert v["fairest_gap"] == (pytest.approx(min(useful)) if useful else None)
        ok = [r["accuracy"] for r in rows
              if max(r["gaps"].values()) <= 0.02 + 1e-12 and 1 - r["accuracy"] < payload["majority_error"]]
        assert v["best_accuracy_gap_le_2pt"] == (max(ok) if ok else None)
    assert any(v["test_hypervolume"] > 0 for v in summary.values())
    text = (out / "results.md").read_text()
    assert f"criterion `{tpr}`, `{fpr}`" in text and f"gap {fpr}" in text and "the union of its models" in text
    for name in ("fronts.png", "model_comparison.png", "dashboard.html"):
        assert (out / name).stat().st_size > 1000


def test_benchmark_on_user_data_file(tmp_path):
    from skfairpareto.datasets import load_hate_speech

    d = load_hate_speech()
    rng = np.random.RandomState(0)
    idx = rng.choice(len(d.target), 200, replace=False)
    import pandas as pd

    path = tmp_path / "mine.csv"
    pd.DataFrame({"tweet": d.data[idx], "toxic": np.where(d.target[idx] == 1, "yes", "no"),
                  "dialect": d.sensitive_features[idx]}).to_csv(path, index=False)
    out = tmp_path / "out"
    proc = _run("benchmark", "--quick", "--methods", "cba", "phn-ls", "expgrad", "threshold", "--group-aware",
                "--data", str(path),
                "--constraints", "false_positive_rate_parity",
                "--text-column", "tweet", "--label-column", "toxic", "--group-column", "dialect",
                "--validation-fraction", "0.25", "--cache-dir", str(tmp_path / "cache"),
                "--output-dir", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr[-3000:]
    payload = _check_outputs(out, ("cba", "phn-ls", "expgrad", "threshold", "cba-aware", "phn-ls-aware"), 200)
    assert [m for m, v in payload["summary"].items() if v["group_aware"]] == ["threshold", "cba-aware", "phn-ls-aware"]
    assert "Group-aware: the group is an input" in (out / "results.md").read_text()
    assert payload["source"] == str(path) and payload["validation_fraction"] == 0.25
    assert payload["fairness_metric"] == "false_positive_rate_difference"
    assert payload["reference_point"] == [0.15, 0.5]


def test_cli_rejects_bad_options(tmp_path):
    proc = _run("benchmark", "--methods", "magic")
    assert proc.returncode != 0 and "invalid choice: 'magic'" in proc.stderr
    proc = _run("--aae-threshold", "2")
    assert proc.returncode != 0 and "'aae_threshold' parameter of check_benchmark_options must be a float in the " \
                                    "range (0.0, 1.0]. Got 2.0" in proc.stderr
    proc = _run("--validation-fraction", "1.5")
    assert proc.returncode != 0 and "'validation_fraction' parameter of check_benchmark_options must be a " \
                                    "float in the range (0.0, 1.0) or None. Got 1.5" in proc.stderr
    proc = _run("--constraints", "equalized_odds", "--gap-loss", "bce")
    assert proc.returncode != 0 and "gap_loss applies to error_rate_parity only" in proc.stderr
    proc = _run("--constraints", "equalized_odds", "equalized_odds")
    assert proc.returncode != 0 and "constraints names the same criterion twice: ['equalized_odds']" in proc.stderr


def test_run_benchmark_rejects_a_bad_validation_fraction_before_any_work(tmp_path):
    with pytest.raises(ValueError, match=r"'validation_fraction' parameter .* Got 1.5"):
        run_benchmark(methods=("expgrad",), validation_fraction=1.5, output_dir=tmp_path, verbose=0)
    assert not any(tmp_path.iterdir())


def test_a_user_criterion_or_non_binary_labels_fail_before_any_embedding(tmp_path, monkeypatch):
    import pandas as pd

    from skfairpareto import features
    from skfairpareto.criteria import TruePositiveRateParity

    def no_embedding(*args, **kwargs):
        raise AssertionError("featurized before the options and labels were checked")

    monkeypatch.setattr(features.TextFeatures, "fit", no_embedding)

    class Mine(TruePositiveRateParity):
        name = "my_tpr"

    with pytest.raises(ValueError, match="fairlearn's mitigators, which need a built-in criterion; got Mine"):
        run_benchmark(methods=("cba", "expgrad"), constraints=Mine(), output_dir=tmp_path, verbose=0)
    path = tmp_path / "three.csv"
    pd.DataFrame({"text": ["a", "b", "c"] * 10, "label": [0, 1, 2] * 10, "group": ["x", "y"] * 15}).to_csv(path)
    with pytest.raises(ValueError, match="the benchmark needs binary labels, got 3 values"):
        run_benchmark(methods=("cba",), data=path, output_dir=tmp_path, verbose=0, cache_dir=tmp_path)

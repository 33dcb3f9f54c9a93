import json
from pathlib import Path

import pytest


def _write_seeds(folder, summaries):
    """``{seed: {method: summary}}`` as the ``seed-K/results.json`` files ``--reuse`` reads."""
    for seed, summary in summaries.items():
        (folder / f"seed-{seed}").mkdir()
        (folder / f"seed-{seed}" / "results.json").write_text(json.dumps({"summary": summary}))


def test_aggregates_seeds_it_is_given(tmp_path, capsys, bench_script):
    hv = {0: {"cba": 0.006, "expgrad": 0.005}, 1: {"cba": 0.004, "expgrad": 0.005}}
    _write_seeds(tmp_path, {seed: {m: {"test_hypervolume": v} for m, v in values.items()} for seed, values in hv.items()})
    out = bench_script("bench_seeds").main(["--seeds", "0", "1", "--methods", "cba", "expgrad", "--output-dir",
                                            str(tmp_path), "--reuse"])
    assert out["cba"]["mean"] == pytest.approx(0.005) and out["cba"]["std"] == pytest.approx(0.0014142, rel=1e-4)
    assert out["cba"]["seeds_at_least_peer"] == 1 and out["cba"]["ratio_to_peer"] == pytest.approx(1.0)
    assert "peer" not in out["expgrad"]
    written = json.loads((tmp_path / "seeds.json").read_text())
    assert written["summary"]["cba"]["per_seed"] == {"0": 0.006, "1": 0.004}
    assert len(written["float32_fingerprint"]) == 16 and set(written["splits"]) == {"0", "1"}
    assert (tmp_path / "seeds.png").stat().st_size > 0
    assert "cba | 0.00500 | 0.00141 | 1.00x | 0.00600 | 0.00400 | 1/2" in capsys.readouterr().out


def test_group_aware_methods_are_compared_with_threshold_optimizer(tmp_path, bench_script):
    summary = {"cba": {"test_hypervolume": 0.006}, "expgrad": {"test_hypervolume": 0.005},
               "threshold": {"test_hypervolume": 0.004}, "cba-aware": {"test_hypervolume": 0.008}}
    _write_seeds(tmp_path, {0: summary, 1: summary})
    out = bench_script("bench_seeds").main(["--seeds", "0", "1", "--methods", "cba", "expgrad", "threshold",
                                            "--output-dir", str(tmp_path), "--reuse"])
    assert out["cba-aware"]["peer"] == "threshold" and out["cba-aware"]["ratio_to_peer"] == pytest.approx(2.0)
    assert out["cba"]["peer"] == "expgrad"


def test_group_aware_reuse_refits_a_seed_without_its_group_aware_runs(tmp_path, bench_script, monkeypatch):
    module = bench_script("bench_seeds")
    blind = {"cba": {"test_hypervolume": 0.006}, "expgrad": {"test_hypervolume": 0.005},
             "threshold": {"test_hypervolume": 0.004}}
    _write_seeds(tmp_path, {0: {**blind, "cba-aware": {"test_hypervolume": 0.008}}, 1: blind})
    calls = []

    def fake_run(**kwargs):
        calls.append(kwargs)
        return {"summary": {**blind, "cba-aware": {"test_hypervolume": 0.002}}}

    monkeypatch.setattr(module, "run_benchmark", fake_run)
    out = module.main(["--seeds", "0", "1", "--methods", "cba", "expgrad", "threshold", "--group-aware",
                       "--output-dir", str(tmp_path), "--reuse"])
    # Seed 0 holds every run and is read back; seed 1 lacks cba-aware and is fitted again, group-aware.
    assert [(c["seed"], c["group_aware"]) for c in calls] == [(1, True)]
    assert out["cba-aware"]["per_seed"] == {"0": 0.008, "1": 0.002}
    assert json.loads((tmp_path / "seeds.json").read_text())["group_aware"] is True


def test_reports_best_accuracy_at_a_gap_of_one_point_over_the_seeds_that_reach_it(tmp_path, bench_script):
    best = {0: 0.94, 1: None, 2: 0.92}
    _write_seeds(tmp_path, {seed: {"cba": {"test_hypervolume": 0.006, "best_accuracy_gap_le_1pt": value},
                                   "expgrad": {"test_hypervolume": 0.005, "best_accuracy_gap_le_1pt": None}}
                            for seed, value in best.items()})
    out = bench_script("bench_seeds").main(["--seeds", "0", "1", "2", "--methods", "cba", "expgrad", "--output-dir",
                                            str(tmp_path), "--reuse"])
    assert out["cba"]["seeds_gap_le_1pt"] == 2 and out["cba"]["mean_best_accuracy_gap_le_1pt"] == pytest.approx(0.93)
    assert out["cba"]["seeds_gap_le_1pt_at_93"] == 1
    assert out["expgrad"]["seeds_gap_le_1pt"] == 0 and out["expgrad"]["mean_best_accuracy_gap_le_1pt"] is None


def test_a_reused_seed_is_summarized_by_the_current_rules(tmp_path, bench_script):
    # A seed written before the best accuracies counted only models that beat the majority class:
    # its constant model (30 % error, no gap) was cba's "best accuracy at a gap of 1 point".
    rows = [{"method": "cba", "accuracy": 0.70, "gap": 0.0, "gaps": {"a": 0.0}},
            {"method": "cba", "accuracy": 0.90, "gap": 0.05, "gaps": {"a": 0.05}},
            {"method": "expgrad", "accuracy": 0.85, "gap": 0.008, "gaps": {"a": 0.008}}]
    stale = {"cba": {"fit_seconds": 1.0, "test_hypervolume": 0.5, "best_accuracy_gap_le_1pt": 0.70},
             "expgrad": {"fit_seconds": 2.0, "test_hypervolume": 0.5, "best_accuracy_gap_le_1pt": 0.85}}
    for seed in (0, 1):
        (tmp_path / f"seed-{seed}").mkdir()
        (tmp_path / f"seed-{seed}" / "results.json").write_text(json.dumps(
            {"rows": rows, "reference_point": [0.3, 0.1], "majority_error": 0.3, "summary": stale}))
    out = bench_script("bench_seeds").main(["--seeds", "0", "1", "--methods", "cba", "expgrad", "--output-dir",
                                            str(tmp_path), "--reuse"])
    assert out["cba"]["seeds_gap_le_1pt"] == 0 and out["expgrad"]["seeds_gap_le_1pt"] == 2
    assert out["cba"]["mean_fairest_gap"] == pytest.approx(0.05)
    assert out["cba"]["mean"] == pytest.approx(0.2 * 0.05)  # recomputed from the rows, not the stale 0.5
    assert json.loads((tmp_path / "seeds.json").read_text())["fairest"]


def test_a_seed_that_cannot_be_resummarized_leaves_the_rule_unnamed(tmp_path, bench_script):
    _write_seeds(tmp_path, {0: {"cba": {"test_hypervolume": 0.006}, "expgrad": {"test_hypervolume": 0.005}}})
    bench_script("bench_seeds").main(["--seeds", "0", "--methods", "cba", "expgrad", "--output-dir", str(tmp_path),
                                      "--reuse"])
    assert "fairest" not in json.loads((tmp_path / "seeds.json").read_text())


def test_k_class_fronts_are_compared_with_the_better_k_class_peer(tmp_path, bench_script):
    # The suite's K-class peer: whichever of multinomial LR and one-vs-rest EG has the larger mean.
    hv = {0: {"cba": 0.006, "multinomial": 0.002, "expgrad-ovr": 0.004},
          1: {"cba": 0.008, "multinomial": 0.003, "expgrad-ovr": 0.002}}
    _write_seeds(tmp_path, {seed: {m: {"test_hypervolume": v} for m, v in values.items()} for seed, values in hv.items()})
    out = bench_script("bench_seeds").main(["--seeds", "0", "1", "--target", "multiclass", "--methods", "cba",
                                            "multinomial", "expgrad-ovr", "--output-dir", str(tmp_path), "--reuse"])
    assert out["cba"]["peer"] == "expgrad-ovr" and out["cba"]["ratio_to_peer"] == pytest.approx(0.007 / 0.003)
    assert out["cba"]["seeds_at_least_peer"] == 2
    assert "peer" not in out["multinomial"] and "peer" not in out["expgrad-ovr"]
    assert json.loads((tmp_path / "seeds.json").read_text())["target"] == "multiclass"


def test_k_class_group_aware_peers_are_compared_only_with_group_aware_fronts(tmp_path, bench_script):
    # holisticai's LP post-processing reads the group at prediction time: it is no peer of a
    # group-blind front, however high its hypervolume, and the only peer of a group-aware one.
    summary = {"cba": {"test_hypervolume": 0.006}, "multinomial": {"test_hypervolume": 0.003},
               "holisticai-lp": {"test_hypervolume": 0.009}, "cba-aware": {"test_hypervolume": 0.012}}
    _write_seeds(tmp_path, {0: summary, 1: summary})
    out = bench_script("bench_seeds").main(["--seeds", "0", "1", "--target", "multiclass", "--methods", "cba",
                                            "multinomial", "holisticai-lp", "--output-dir", str(tmp_path), "--reuse"])
    assert out["cba"]["peer"] == "multinomial" and out["cba"]["ratio_to_peer"] == pytest.approx(2.0)
    assert out["cba-aware"]["peer"] == "holisticai-lp" and out["cba-aware"]["ratio_to_peer"] == pytest.approx(12 / 9)


def _payload(rows, fit_seconds, **extra):
    """A minimal ``results.json`` payload of one seed (its summary stale on purpose: it is recomputed)."""
    return {"seed": 0, "target": "binary", "constraints": "error_rate_parity", "n_test": 3,
            "reference_point": [0.3, 0.1], "majority_error": 0.3, "dashboard_seconds": 1.0,
            "rows": rows, "summary": {m: {"fit_seconds": s, "test_hypervolume": -1.0} for m, s in fit_seconds.items()},
            "table3": {m: {} for m in fit_seconds if m != "expgrad"}, **extra}


def _row(method, accuracy, gap):
    return {"method": method, "accuracy": accuracy, "gap": gap, "gaps": {"a": gap}}


def test_merge_replaces_the_refit_methods_and_keeps_the_others(bench_script):
    module = bench_script("bench_seeds")
    earlier = _payload([_row("cba", 0.80, 0.05), _row("suhnpf", 0.75, 0.02), _row("expgrad", 0.85, 0.008)],
                       {"cba": 1.0, "suhnpf": 2.0, "expgrad": 3.0})
    refit = _payload([_row("suhnpf", 0.90, 0.01), _row("suhnpf", 0.72, 0.0)], {"suhnpf": 5.0})
    merged = module.merge_runs(earlier, refit)
    assert list(merged["summary"]) == ["cba", "suhnpf", "expgrad"] and merged["merged"] == ["suhnpf"]
    assert [r["accuracy"] for r in merged["rows"] if r["method"] == "suhnpf"] == [0.90, 0.72]
    assert merged["summary"]["suhnpf"]["fit_seconds"] == 5.0 and merged["summary"]["cba"]["fit_seconds"] == 1.0
    # Recomputed from the rows (reference point (0.3, 0.1)), the stale -1 gone everywhere.
    assert merged["summary"]["suhnpf"]["test_hypervolume"] == pytest.approx(0.2 * 0.09 + 0.02 * 0.01)
    assert merged["summary"]["expgrad"]["test_hypervolume"] == pytest.approx(0.15 * 0.092)
    assert merged["summary"]["suhnpf"]["fairest_gap"] == 0.0  # 28 % error beats the majority's 30 %
    assert "dashboard_seconds" not in merged  # the earlier run's dashboard is not the merged one's
    assert earlier["summary"]["suhnpf"]["test_hypervolume"] == -1.0  # the earlier payload is left as it was


def test_merge_refuses_a_refit_on_another_split(bench_script):
    module = bench_script("bench_seeds")
    earlier = _payload([_row("cba", 0.80, 0.05)], {"cba": 1.0})
    refit = _payload([_row("cba", 0.80, 0.05)], {"cba": 1.0}, majority_error=0.25, seed=1)
    with pytest.raises(ValueError, match="seed, majority_error differ"):
        module.merge_runs(earlier, refit)
    with pytest.raises(ValueError, match="no rows"):
        module.merge_runs({"summary": {}}, refit)
    # The same split's majority error, summed in another order, is no other split.
    same = _payload([_row("cba", 0.9, 0.01)], {"cba": 1.0}, majority_error=0.3 + 1e-16 * 0.3)
    assert module.merge_runs(earlier, same)["summary"]["cba"]["fit_seconds"] == 1.0


def test_merge_refits_only_the_methods_given_on_every_seed(tmp_path, bench_script, monkeypatch):
    module = bench_script("bench_seeds")
    # A real seed's payload (the main job's, nine methods), as the earlier run of two seeds.
    real = json.loads((Path(__file__).parents[1] / "docs" / "results" / "benchmark_results.json").read_text())
    for seed in (0, 1):
        folder = tmp_path / f"seed-{seed}"
        folder.mkdir()
        (folder / "results.json").write_text(json.dumps({**real, "seed": seed}))
        (folder / "fronts.png").write_bytes(b"stale")
    calls = []

    def fake_run(**kwargs):  # cba refitted: its most accurate member only
        calls.append(kwargs)
        best = max((r for r in real["rows"] if r["method"] == "cba"), key=lambda r: r["accuracy"])
        return {**real, "seed": kwargs["seed"], "rows": [best], "summary": {"cba": {**real["summary"]["cba"],
                                                                                     "fit_seconds": 0.5}},
                "table3": {"cba": {}}}

    monkeypatch.setattr(module, "run_benchmark", fake_run)
    out = module.main(["--seeds", "0", "1", "--methods", "cba", "--output-dir", str(tmp_path), "--merge"])
    assert [(c["seed"], c["methods"], c["output_dir"]) for c in calls] == [
        (s, ("cba",), tmp_path / f"seed-{s}" / "merge") for s in (0, 1)]
    stored = json.loads((tmp_path / "seed-1" / "results.json").read_text())
    assert stored["merged"] == ["cba"] and list(stored["summary"]) == list(real["summary"])
    assert stored["summary"]["cba"]["n_points"] == 1 and stored["summary"]["cba"]["fit_seconds"] == 0.5
    for method in real["summary"]:  # every other method as it was
        if method != "cba":
            assert stored["summary"][method]["test_hypervolume"] == pytest.approx(
                real["summary"][method]["test_hypervolume"], rel=1e-12)
            assert out[method]["mean"] == pytest.approx(real["summary"][method]["test_hypervolume"], rel=1e-12)
    assert out["cba"]["mean"] < real["summary"]["cba"]["test_hypervolume"]  # one member covers less
    assert not (tmp_path / "seed-0" / "fronts.png").exists()
    assert "CBAClassifier" in (tmp_path / "seed-0" / "results.md").read_text()
    assert json.loads((tmp_path / "seeds.json").read_text())["fairest"]


def test_merge_needs_the_methods_to_refit(tmp_path, bench_script):
    with pytest.raises(SystemExit):
        bench_script("bench_seeds").main(["--seeds", "0", "--output-dir", str(tmp_path), "--merge"])


def _table(**extra):
    """A published two-seed table (``seeds.json``) of CBA, PHN (LS) and their peer."""
    def row(values, peer=None):
        r = {"mean": sum(values) / 2, "std": 0.0, "per_seed": {"0": values[0], "1": values[1]}, "mean_fit_seconds": 1.0}
        return {**r, "peer": peer, "ratio_to_peer": 1.0, "seeds_at_least_peer": 1} if peer else r
    return {"seeds": [0, 1], "constraints": "error_rate_parity", "target": "binary", "features": "hybrid",
            "group_aware": False, "fairest": "models that beat predicting the majority class",
            "summary": {"cba": row([0.006, 0.004], "expgrad"), "phn-ls": row([0.005, 0.005], "expgrad"),
                        "expgrad": row([0.005, 0.005])}, **extra}


def _refit_row(module, values):
    return module.summary_row([{"test_hypervolume": v, "fit_seconds": 2.0} for v in values], [0, 1])


def test_merge_table_compares_the_refit_with_the_published_peer(bench_script):
    module = bench_script("bench_seeds")
    table = _table()
    refit = {"phn-ls": _refit_row(module, [0.007, 0.004]), "cba": _refit_row(module, [0.006, 0.004])}
    splits = {0: {"seed": 0, "majority_error": 0.3}, 1: {"seed": 1, "majority_error": 0.2}}
    merged = module.merge_table(table, refit, splits, "f")
    phn = merged["summary"]["phn-ls"]
    assert phn["per_seed"] == {"0": 0.007, "1": 0.004} and phn["mean_fit_seconds"] == 2.0
    assert phn["peer"] == "expgrad" and phn["ratio_to_peer"] == pytest.approx(0.0055 / 0.005)
    assert phn["seeds_at_least_peer"] == 1
    assert merged["summary"]["expgrad"] == table["summary"]["expgrad"]  # the peer as published
    assert merged["reproduced"] == ["cba"] and merged["merged"] == ["cba", "phn-ls"]
    assert merged["splits"] == {"0": splits[0], "1": splits[1]} and merged["float32_fingerprint"] == "f"
    assert table["summary"]["phn-ls"]["per_seed"] == {"0": 0.005, "1": 0.005}  # the table left as it was


def test_merge_table_refuses_another_split_or_no_witness(bench_script):
    module = bench_script("bench_seeds")
    refit = {"phn-ls": _refit_row(module, [0.007, 0.004])}
    splits = {0: {"seed": 0, "majority_error": 0.3}, 1: {"seed": 1, "majority_error": 0.2}}
    with pytest.raises(ValueError, match="no refit method reproduced"):
        module.merge_table(_table(), refit, splits, "f")
    recorded = _table(splits={"0": {"seed": 0, "majority_error": 0.3}, "1": {"seed": 1, "majority_error": 0.25}},
                      float32_fingerprint="f")
    with pytest.raises(ValueError, match=r"not on the table's splits: seeds \[1\] differ"):
        module.merge_table(recorded, refit, splits, "f")
    same = _table(splits={"0": splits[0], "1": {"seed": 1, "majority_error": 0.2 + 1e-18}}, float32_fingerprint="f")
    assert module.merge_table(same, refit, splits, "f")["reproduced"] == []  # recorded split and machine: no witness
    with pytest.raises(ValueError, match="float32 kernels round otherwise"):  # another machine: even with a witness
        module.merge_table(same, {**refit, "cba": _refit_row(module, [0.006, 0.004])}, splits, "g")
    with pytest.raises(ValueError, match="witness"):  # a recorded split, but no machine
        module.merge_table({k: v for k, v in same.items() if k != "float32_fingerprint"}, refit, splits, "f")
    witness_moved = {**refit, "cba": _refit_row(module, [0.006, 0.0041])}
    with pytest.raises(ValueError, match="witness"):
        module.merge_table(_table(), witness_moved, splits, "f")
    with pytest.raises(ValueError, match="no rows of suhnpf"):
        module.merge_table(_table(), {"suhnpf": refit["phn-ls"]}, splits, "f")


def test_merge_table_refits_only_our_fronts_on_the_tables_settings(tmp_path, bench_script, monkeypatch):
    module = bench_script("bench_seeds")
    path = tmp_path / "table.json"
    path.write_text(json.dumps(_table()))
    calls = []

    def fake_run(**kwargs):
        calls.append(kwargs)
        hv = {"cba": [0.006, 0.004], "phn-ls": [0.008, 0.002]}
        return {"seed": kwargs["seed"], "majority_error": 0.3 - 0.1 * kwargs["seed"],
                "summary": {m: {"test_hypervolume": hv[m][kwargs["seed"]], "fit_seconds": 1.5}
                            for m in kwargs["methods"]}}

    monkeypatch.setattr(module, "run_benchmark", fake_run)
    base = ["--seeds", "0", "1", "--output-dir", str(tmp_path / "out"), "--merge-table", str(path)]
    out = module.main([*base, "--methods", "phn-ls", "cba"])
    assert [(c["seed"], c["methods"]) for c in calls] == [(0, ("phn-ls", "cba")), (1, ("phn-ls", "cba"))]
    assert out["phn-ls"]["ratio_to_peer"] == pytest.approx(1.0) and out["phn-ls"]["seeds_at_least_peer"] == 1
    written = json.loads((tmp_path / "out" / "seeds.json").read_text())
    assert written["splits"]["1"] == {"seed": 1, "majority_error": pytest.approx(0.2)}
    assert written["reproduced"] == ["cba"] and written["summary"]["expgrad"]["mean"] == 0.005
    assert written["float32_fingerprint"] == module.float32_fingerprint()
    for wrong in (["--methods", "phn-ls", "expgrad"], ["--methods", "phn-ls", "--constraints", "demographic_parity"],
                  []):
        with pytest.raises(SystemExit):
            module.main([*base, *wrong])

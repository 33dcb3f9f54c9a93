"""benchmarks/bench_suite.py: its generators, its scoring and one small problem end to end; and the
table of benchmarks/bench_honest_val.py."""

import json

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import MetricFrame, demographic_parity_difference, true_positive_rate_difference
from sklearn.metrics import accuracy_score


@pytest.fixture(scope="module")
def suite(bench_script):
    return bench_script("bench_suite")


def test_generator_has_the_minority_share_base_rates_and_noise_it_is_asked_for(suite):
    X, y, s = suite.make_problem(n=20000, d=12, minority=0.2, base_rate_gap=1.0, label_noise=(0.0, 0.4), seed=3)
    assert X.shape == (20000, 12) and X.dtype == np.float32 and set(np.unique(y)) == {0, 1}
    minority = s == "minority"
    assert minority.mean() == pytest.approx(0.2, abs=0.01)
    # Shifted features: the group can be read from the first two columns, not from the others.
    assert X[minority, :2].mean() - X[~minority, :2].mean() == pytest.approx(0.5, abs=0.05)
    assert abs(X[minority, 2:].mean() - X[~minority, 2:].mean()) < 0.05
    # A base-rate gap moves the minority's positive rate up; noise pulls it towards 1/2.
    assert y[minority].mean() > y[~minority].mean() + 0.05
    clean = suite.make_problem(n=20000, d=12, minority=0.2, base_rate_gap=1.0, label_noise=(0.0, 0.0), seed=3)[1]
    flipped = (clean != y)[minority].mean()
    assert flipped == pytest.approx(0.2, abs=0.03)  # 40 % replaced by a random class: half of them change
    assert (clean == y)[~minority].all()


def test_generator_draws_the_share_of_positives_it_is_asked_for(suite):
    (X, y, s), (_, y_more, _) = suite.make_problem(n=5000, positive_rate=0.1, seed=1, extra=20000)
    assert y.mean() == pytest.approx(0.1, abs=0.002)  # the cut is the problem's own quantile
    assert y_more.mean() == pytest.approx(0.1, abs=0.01)  # more rows, the same cut
    # The groups' base rates still differ (the minority's score is raised), as at half positives.
    assert y[s == "minority"].mean() > y[s == "majority"].mean()
    assert suite.make_problem(n=5000, seed=1)[1].mean() == pytest.approx(0.5, abs=0.002)


def test_generator_draws_the_groups_and_shares_it_is_asked_for(suite):
    shares = (0.4, 0.3, 0.2, 0.1)
    X, y, s = suite.make_problem(n=40000, d=8, group_shares=shares, label_noise=(0.0, 0.0, 0.0, 0.4),
                                 base_rate_gap=1.0, seed=2)
    names = [f"g{k}" for k in range(4)]
    assert sorted(np.unique(s)) == names
    assert [np.mean(s == g) for g in names] == pytest.approx(shares, abs=0.01)
    # Group k stands k/3 of the way to the last: its first two columns shifted by k/3 * shift (0.5), the rest not.
    shifted = [X[s == g, :2].mean() for g in names]
    assert np.diff(shifted) == pytest.approx([0.5 / 3] * 3, abs=0.03)
    assert max(abs(X[s == g, 2:].mean()) for g in names) < 0.03
    rates = [y[s == g].mean() for g in names[:3]]
    assert rates[0] < rates[1] < rates[2]  # the base rate rises with the group's distance
    clean = suite.make_problem(n=40000, d=8, group_shares=shares, label_noise=(0.0,) * 4, base_rate_gap=1.0, seed=2)[1]
    assert (clean == y)[s != "g3"].all() and (clean != y)[s == "g3"].mean() == pytest.approx(0.2, abs=0.03)
    # Two groups by their shares draw the rows, features and labels of the two-group problem (names aside).
    X2, y2, s2 = suite.make_problem(n=3000, group_shares=(0.7, 0.3), seed=5)
    X1, y1, s1 = suite.make_problem(n=3000, minority=0.3, seed=5)
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)
    assert np.array_equal(s1 == "minority", s2 == "g1")
    for bad in [dict(group_shares=(1.0,)), dict(group_shares=(0.5, 0.6)), dict(group_shares=(0.5, 0.5, 0.0)),
                dict(group_shares=(0.5, 0.3, 0.2))]:  # the last: label_noise has two rates for three groups
        with pytest.raises(ValueError, match="group_shares|label_noise"):
            suite.make_problem(n=100, **bad)


def test_generator_noise_sets_the_signal_and_binary_features_show_signs(suite):
    from sklearn.linear_model import LogisticRegression

    def best_error(**kw):  # a model fitted on many rows, scored on fresh ones of the same distribution
        (X, y, _), (X_more, y_more, _) = suite.make_problem(n=20000, d=12, seed=4, extra=20000, **kw)
        return 1 - LogisticRegression(max_iter=1000).fit(X, y).score(X_more, y_more)

    strong, weak = best_error(), best_error(noise=1.5)
    assert 0.12 < strong < 0.17 and 0.24 < weak < 0.30  # seed 4's W: the low end of the docstring's ranges
    # Binary features: 0/1 columns read from the same latent draw, so the labels and groups are the default's.
    X, y, s = suite.make_problem(n=3000, d=12, seed=4)
    Xb, yb, sb = suite.make_problem(n=3000, d=12, seed=4, binary_features=True)
    np.testing.assert_array_equal(Xb, (X > 0).astype(np.float32))
    np.testing.assert_array_equal(y, yb) and np.testing.assert_array_equal(s, sb)
    (_, _, _), (X_more, _, _) = suite.make_problem(n=300, d=5, seed=4, binary_features=True, extra=500)
    assert set(np.unique(X_more)) == {0.0, 1.0}
    assert best_error(binary_features=True) > strong  # the signs lose some of the signal
    for bad in (0, -1.0, float("nan"), "0.5", True):
        with pytest.raises(ValueError, match="noise must be a scale > 0"):
            suite.make_problem(n=100, noise=bad)


@pytest.mark.parametrize("n_classes", [3, 4])
def test_generator_for_k_classes_and_two_attributes(suite, n_classes):
    X, y, s = suite.make_problem(n=3000, d=10, n_classes=n_classes, second_attribute=True, seed=1)
    assert set(np.unique(y)) == set(range(n_classes))
    assert np.bincount(y).min() > 100
    assert isinstance(s, pd.DataFrame) and list(s.columns) == ["a", "b"]
    assert (s["b"] == "b1").mean() == pytest.approx(0.4, abs=0.03)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_generator_draws_more_rows_from_the_same_distribution(suite, n_classes):
    from sklearn.linear_model import LogisticRegression

    kw = dict(n=1500, d=8, n_classes=n_classes, minority=0.3, base_rate_gap=1.0, seed=11)
    alone = suite.make_problem(**kw)
    (X, y, s), (X_more, y_more, s_more) = suite.make_problem(**kw, extra=20000)
    for a, b in zip(alone, (X, y, s)):  # asking for more rows leaves the problem's own as they were
        np.testing.assert_array_equal(a, b)
    assert X_more.shape == (20000, 8) and X_more.dtype == np.float32 and not np.isin(X_more[:, 0], X[:, 0]).any()
    # The same groups, labels and label rule: the classes' shares in each group agree, and a model
    # fitted on the extra rows predicts the problem's labels as well as one fitted on them, far better
    # than one fitted on a problem of another seed (another W).
    for group in ("minority", "majority"):
        np.testing.assert_allclose(np.bincount(y[s == group], minlength=n_classes) / np.sum(s == group),
                                   np.bincount(y_more[s_more == group], minlength=n_classes) / np.sum(s_more == group),
                                   atol=0.06)
    other_X, other_y, _ = suite.make_problem(**{**kw, "seed": 12, "n": 20000})
    same = LogisticRegression(max_iter=1000).fit(X_more, y_more).score(X, y)
    own = LogisticRegression(max_iter=1000).fit(X, y).score(X, y)
    other = LogisticRegression(max_iter=1000).fit(other_X, other_y).score(X, y)
    assert same > own - 0.03 and same > other + 0.1
    for bad in (-1, 2.5, True):
        with pytest.raises(ValueError, match="extra must be a number of rows"):
            suite.make_problem(**kw, extra=bad)


def _suite_result(ratios, seeds, extra_seeds=()):
    """A suite.json of one problem, "tiny": the peer at HV 0.1 on every seed and each estimator at ``ratio``
    times it on ``seeds`` (on ``extra_seeds``, which the suite ran beside them, at 10 times it)."""
    def row(method, seed, hv):
        return {"problem": "tiny", "seed": seed, "method": method, "peer": "expgrad", "hv": hv, "fairest_gap": 0.01,
                "fit_seconds": 1.0}

    rows = [row("peer", s, 0.1) for s in (*seeds, *extra_seeds)]
    rows += [row(e, s, 0.1 * (r if s in seeds else 10.0)) for e, r in ratios.items() for s in (*seeds, *extra_seeds)]
    return {"estimators": list(ratios), "rows": rows}


def test_headroom_fits_a_large_data_front_on_the_suites_split(bench_script):
    headroom = bench_script("bench_headroom")
    suite = headroom.suite
    problem = suite.synthetic("tiny", "error_rate_parity", n=600, d=5, seed=5)
    X, y, s = problem.load(0)
    assert problem.population(0, 10)[0].shape == (10, 5)
    rows = headroom.run(problem, (0,), {}, 3000, lambda message: None, heads=("linear",))
    (row,) = rows
    assert row["head"] == "linear" and row["n_population"] == 3000 and row["n_train"] == 420
    assert row["hv"] > 0 and row["n_models"] >= 2 and row["peer_hv"] is None
    # Ratios as the suite's: of the means over the seeds, beside the suite's best front.
    rows = [{**row, "peer_hv": 0.5 * row["hv"]}, {**row, "seed": 1, "hv": 0.0, "peer_hv": 0.5 * row["hv"]}]
    summary = headroom.summarize(rows, _suite_result({"cba": 0.9, "phn": 1.1}, seeds=(0, 1)))
    assert summary["tiny"]["heads"]["linear"]["ratio"] == pytest.approx(1.0)
    assert summary["tiny"]["best"] == "phn" and summary["tiny"]["best_ratio"] == pytest.approx(1.1)
    assert headroom.table({"summary": summary})[2] == "| tiny | 1.000x | 1.100x (PHN) |"
    # A stored peer whose reference point is not this split's is refused, not divided by.
    with pytest.raises(RuntimeError, match="reference point differs"):
        headroom.run(problem, (0,), {("tiny", 0, "peer"): {"hv": 1.0, "reference_point": [9.0, 9.0]}}, 1000,
                     lambda message: None, heads=("linear",))


def test_headroom_resummarize_follows_the_suites_latest_ratios(tmp_path, bench_script):
    headroom = bench_script("bench_headroom")
    rows = [{"problem": "tiny", "seed": s, "head": "linear", "hv": 0.2, "peer_hv": 0.1, "fairest_gap": 0.01}
            for s in (0, 1)]
    output, suite_path = tmp_path / "headroom.json", tmp_path / "suite.json"
    output.write_text(json.dumps({"heads": {"linear": []}, "rows": rows, "summary": {"stale": {}}}))
    # The suite ran seeds 2 and 3 as well: the best is read on this run's seeds 0 and 1 alone.
    suite_path.write_text(json.dumps(_suite_result({"cba": 1.3, "phn": 1.2}, seeds=(0, 1), extra_seeds=(2, 3))))
    headroom.main(["--resummarize", "--output", str(output), "--suite", str(suite_path)])
    written = json.loads(output.read_text())
    assert list(written["summary"]) == ["tiny"] and written["rows"] == rows
    assert written["summary"]["tiny"]["best"] == "cba" and written["summary"]["tiny"]["heads"]["linear"]["ratio"] == 2.0
    assert written["summary"]["tiny"]["best_ratio"] == pytest.approx(1.3)
    # A suite without one of these seeds names no best.
    suite_path.write_text(json.dumps(_suite_result({"cba": 1.3, "phn": 1.2}, seeds=(1,), extra_seeds=(2,))))
    headroom.main(["--resummarize", "--output", str(output), "--suite", str(suite_path)])
    assert "best" not in json.loads(output.read_text())["summary"]["tiny"]
    with pytest.raises(SystemExit):  # it refits nothing, so it takes no problems
        headroom.main(["--resummarize", "--problems", "tiny", "--output", str(output)])
    output.write_text(json.dumps({"estimators": ["phn"], "rows": []}))
    with pytest.raises(ValueError, match="not a large-data run"):
        headroom.main(["--resummarize", "--output", str(output), "--suite", str(suite_path)])


def test_retune_scores_the_members_with_thresholds_from_three_sources(bench_script):
    headroom = bench_script("bench_headroom")
    problem = headroom.suite.synthetic("tiny", "true_positive_rate_parity", n=600, d=5, seed=5)
    stored = {("tiny", 0, "peer"): {"hv": 0.01}}
    (row,) = headroom.retune(problem, "suhnpf", (0,), stored, 3000, lambda message: None)
    assert row["n_fresh"] == 3000 and row["peer_hv"] == 0.01
    assert all(row[k] >= 0 for k in headroom.SOURCES)
    summary = headroom.retune_summary([row])
    assert summary["tiny"]["suhnpf"]["0"] == pytest.approx(row["0"] / 0.01)
    assert headroom.retune_table({"summary": summary})[2].startswith("| tiny | SUHNPF | ")
    for flag in ("--population", "--fresh"):
        with pytest.raises(SystemExit):
            headroom.main([flag, "0"])


def test_rules_score_each_decision_rule_on_fresh_rows(bench_script):
    headroom = bench_script("bench_headroom")
    problem = headroom.suite.synthetic("tiny", "true_positive_rate_parity", n=600, d=5, seed=5)
    (row,) = headroom.rules(problem, "suhnpf", (0,), 3000, lambda message: None)
    assert row["n_fresh"] == 3000 and all(row[k] >= 0 for k in headroom.RULES)
    summary = headroom.rules_summary([row, {**row, "seed": 1, "0": 2 * row["0"]}])["suhnpf"]
    assert summary["n_seeds"] == 2
    assert summary["problems"]["tiny"]["0"] == pytest.approx(1.5 * row["0"] / row["validation split"])
    overall = summary["overall"]["0"]
    assert overall["geometric_mean"] == pytest.approx(np.sqrt(2) * row["0"] / row["validation split"])
    table = headroom.rules_table({"summary": {"suhnpf": summary}})
    assert table[2].startswith("| SUHNPF | tiny (") and "all 2 seeds" in table[3]  # (the fairest gap)
    with pytest.raises(SystemExit):
        headroom.main(["--rules", "suhnpf", "--retune", "phn"])
    with pytest.raises(SystemExit):  # a probe outside the suite: it would replace the suite's table
        headroom.main(["--rules", "suhnpf", "--problems", headroom.suite.probes()[0].name])


def test_rules_score_real_data_on_the_suite_test_split(bench_script):
    import dataclasses

    headroom = bench_script("bench_headroom")
    drawn = headroom.suite.synthetic("tiny", "demographic_parity", n=600, d=5, seed=5)
    real = dataclasses.replace(drawn, population=None)  # data with no generator behind them
    (row,) = headroom.rules(real, "phn", (0,), 3000, lambda message: None)
    split = headroom.suite.split(real, 0)
    assert row["scored_on"] == "test split" and row["n_scored"] == len(split[4]) and "n_fresh" not in row
    assert set(row["fairest_gap"]) == set(headroom.RULES)
    # The front's own rule, scored as the suite scores a front: its hypervolume and fairest gap on the test split.
    suite_row = headroom.suite.run_problem(real, ["phn"], (0,), lambda message: None)[0]
    assert row["validation split"] == pytest.approx(suite_row["hv"])
    assert row["fairest_gap"]["validation split"] == pytest.approx(suite_row["fairest_gap"])
    (fresh,) = headroom.rules(drawn, "phn", (0,), 3000, lambda message: None)
    assert fresh["scored_on"] == "fresh rows" and fresh["n_scored"] == 3000
    table = headroom.rules_table({"summary": headroom.rules_summary([row])})
    gaps = row["fairest_gap"]
    assert table[2].startswith(f"| PHN | tiny ({100 * gaps['validation split']:.1f}) | ")
    with pytest.raises(SystemExit):  # real data only with --rules, and only to their own output
        headroom.main(["--problems", "adult, accuracy parity"])
    with pytest.raises(SystemExit):
        headroom.main(["--rules", "phn", "--problems", "adult, accuracy parity"])


def test_bagged_thresholds_average_the_rule_over_resamples(bench_script):
    from skfairpareto._validation import check_sensitive_features

    headroom = bench_script("bench_headroom")
    problem = headroom.suite.synthetic("tiny", "true_positive_rate_parity", n=600, d=5, seed=5)
    X, y, s = problem.load(0)
    front = headroom.suite.fit_front("suhnpf", problem, X, y, s, 0)
    codes, _ = check_sensitive_features(s, len(y), groups=front.groups_)
    hard = front.objectives_.hard(np.searchsorted(front.classes_, y), codes)
    logits = [front._logits(m, X, codes) for m in front.front_]
    weights = np.array([m.objectives_.weights(m.alpha, m.weights) for m in front.front_])
    one = headroom._bagged_thresholds(front, front.front_, hard, logits, weights, n_resamples=1, seed=3)
    rng = np.random.RandomState(3)  # the one resample that _bagged_thresholds draws
    strata = hard.codes * 2 + hard.y
    rows = np.concatenate([rng.choice(np.flatnonzero(strata == c), np.sum(strata == c)) for c in np.unique(strata)])
    direct, _ = front._tuned_thresholds(front.front_, hard.subset(rows), [z[rows] for z in logits], weights)
    np.testing.assert_allclose(one, direct)
    many = headroom._bagged_thresholds(front, front.front_, hard, logits, weights, n_resamples=5, seed=3)
    assert len(many) == len(front.front_) and all(np.isfinite(t).all() for t in many)


def test_the_guard_keeps_a_tuned_threshold_only_where_cross_fitting_does_no_worse_than_0(bench_script, monkeypatch):
    from skfairpareto._validation import check_sensitive_features

    headroom = bench_script("bench_headroom")
    problem = headroom.suite.synthetic("tiny", "error_rate_parity", n=600, d=5, seed=5)
    X, y, s = problem.load(0)
    front = headroom.suite.fit_front("suhnpf", problem, X, y, s, 0)
    members = front.front_
    codes, _ = check_sensitive_features(s, len(y), groups=front.groups_)
    hard = front.objectives_.hard(np.searchsorted(front.classes_, y), codes)
    logits = [front._logits(m, X, codes) for m in members]
    weights = np.array([m.objectives_.weights(m.alpha, m.weights) for m in members])
    _, scales = front._tuned_thresholds(members, hard, logits, weights)
    tuned = [0.25 + i for i in range(len(members))]  # marks: which members keep "their" threshold
    zero = [hard.decisions(z, 0.0) for z in logits]
    # Cross-fitted decisions that are threshold 0's own cost the same: every member keeps its threshold.
    monkeypatch.setattr(front, "_cross_fitted", lambda *args: zero)
    assert headroom._guarded_thresholds(front, members, hard, logits, weights, tuned, scales) == tuned
    # Cross-fitted decisions that predict one class everywhere: worse than 0 wherever the error counts.
    monkeypatch.setattr(front, "_cross_fitted", lambda *args: [np.ones(len(y), dtype=np.int64)] * len(members))
    guarded = headroom._guarded_thresholds(front, members, hard, logits, weights, tuned, scales)
    assert set(guarded) <= set(tuned) | {0.0}
    end = int(np.argmax(weights[:, 0]))
    assert guarded[end] == 0.0  # the accuracy end: predicting all 1 costs it accuracy


def test_adult_loader(suite):
    X, y, s = suite.load_adult(0, n=500)
    assert X.shape[0] == 500 == len(y) == len(s) and X.dtype == np.float32 and np.isfinite(X).all()
    assert set(np.unique(y)) == {0, 1} and set(np.unique(s)) == {"Female", "Male"}
    # Unscaled: the same rows and columns, the numeric ones as the file has them (an age in years).
    raw, y_raw, s_raw = suite.load_adult(0, n=500, raw=True)
    assert raw.shape == X.shape and np.array_equal(y_raw, y) and np.array_equal(s_raw, s)
    assert 17 <= raw[:, 0].min() and raw[:, 0].max() <= 90 and abs(X[:, 0].mean()) < 1e-3
    np.testing.assert_array_equal(raw[:, 6:], X[:, 6:])  # the one-hot columns


def test_set_runs_an_ablation_with_a_parameter_in_place_of_its_default(suite, tmp_path, capsys):
    out = tmp_path / "ablation.json"
    args = ["--problems", "synthetic, n 1,000", "--estimators", "cba", "--seeds", "0"]
    result = suite.main([*args, "--set", "standardize=True", "max_epochs=30", "--output", str(out)])
    assert result["params"] == {"standardize": True, "max_epochs": 30} == json.loads(out.read_text())["params"]
    assert out.with_suffix(".png").stat().st_size > 0  # its figure beside it, not over the suite's
    members = suite.fit_ours("cba", suite.problems()[0], *suite.make_problem(n=300, seed=0), 0,
                             {"standardize": True, "max_epochs": 5})
    assert all(m.standardize is True and m.max_epochs == 5 and m.feature_scaling_ is not None for m in members)
    for bad in (["--set", "standardize=False"],  # no --output: it would replace the suite's results
                ["--set", "standardize=False", "--merge", "--output", str(out)],
                ["--set", "standardize", "--output", str(out)], ["--set", "x=not a literal", "--output", str(out)]):
        with pytest.raises(SystemExit):
            suite.main([*args, *bad])
    assert "NAME=VALUE" in capsys.readouterr().err


def test_objectives_of_hard_predictions_are_fairlearns_metrics(suite):
    rng = np.random.RandomState(0)
    y, pred, groups = rng.randint(0, 2, 400), rng.randint(0, 2, 400), rng.choice(["a", "b", "c"], 400)
    spec = [("demographic_parity", groups), ("true_positive_rate_parity", groups), ("error_rate_parity", groups)]
    error, dp, tpr, acc = suite.objectives_of(suite.one_hot(pred, 2), y, spec, 2)
    assert error == pytest.approx(1 - accuracy_score(y, pred))
    assert dp == pytest.approx(demographic_parity_difference(y, pred, sensitive_features=groups))
    assert tpr == pytest.approx(true_positive_rate_difference(y, pred, sensitive_features=groups))
    assert acc == pytest.approx(MetricFrame(metrics=accuracy_score, y_true=y, y_pred=pred,
                                            sensitive_features=groups).difference())


def test_mixture_points_are_the_expected_objectives_between_consecutive_members(suite):
    rng = np.random.RandomState(1)
    y, groups = rng.randint(0, 2, 300), rng.choice(["a", "b"], 300)
    spec = [("true_positive_rate_parity", groups)]
    members = [suite.one_hot(rng.randint(0, 2, 300), 2) for _ in range(3)]
    F = np.array([suite.objectives_of(P, y, spec, 2) for P in members])
    points = suite.mixture_points(members, y, spec, 2)
    assert points.shape == (2 * len(suite.MIXTURE_GRID), 2)
    for k, (a, b) in enumerate(zip(F, F[1:])):  # each segment: the error interpolates, the gap is at most it
        p = suite.MIXTURE_GRID
        seg = points[k * len(p):(k + 1) * len(p)]
        np.testing.assert_allclose(seg[:, 0], (1 - p) * a[0] + p * b[0])
        assert np.all(seg[:, 1] <= (1 - p) * a[1] + p * b[1] + 1e-12)
    assert suite.mixture_points(members[:1], y, spec, 2).shape == (0, 2)


def test_targets_name_what_misses(suite):
    summary = {p: {"peer": "expgrad", "peer_hv": 1.0, "peer_fairest_gap": 0.01, "seeds": [0, 1],
                   "cba": {"ratio": r, "fairest_gap": gap, "fairest_seeds": 2},
                   "phn": {"ratio": 1.3, "fairest_gap": phn, "fairest_seeds": 2 if phn is not None else 0}}
               for p, r, gap, phn in (("a", 0.9, 0.02, 0.0), ("b", 1.2, 0.0, None))}
    result = {"estimators": ["cba", "phn"], "summary": summary, "geometric_mean_ratio": {"cba": 1.04, "phn": 1.3},
              "problems": {"a": {"tags": ["K"], "constraints": "error_rate_parity"},
                           "b": {"tags": [], "constraints": "demographic_parity"}}}
    got = {t["target"]: t for t in suite.targets(result)}
    assert got["every estimator >= 1.0x on every problem"]["missed"] == ["CBA on a (0.900x)"]
    summary["a"]["cba"]["seeds_ahead"] = 1  # where the summary counts the seeds, the miss says on how many
    assert suite.targets(result)[0]["missed"] == ["CBA on a (0.900x, ahead on 1 of 2 seeds)"]
    del summary["a"]["cba"]["seeds_ahead"]
    assert got["every estimator >= 1.0x on every problem"]["met"] == "3/4"
    assert got["geometric mean >= 1.10x"]["missed"] == ["CBA (1.040x)"]
    assert got["K classes: every estimator >= 1.20x"]["missed"] == ["CBA on a (0.900x)"]
    # A front with no member that beats the majority class has no fair end: it misses.
    assert got["fairest test gap <= the peer's + 0.5 pt"]["missed"] == ["CBA on a (2.0 vs 1.0)",
                                                                        "PHN on b (none vs 1.0)"]
    lines = suite.table(result)
    assert any("CBA on a (0.900x)" in line for line in lines)
    assert "| b | 1.0 | 0.0 | – |" in lines


def test_summary_counts_the_seeds_each_front_reaches_the_peer_on(suite, tmp_path, capsys):
    def row(method, seed, hv):
        return {"problem": "tiny", "seed": seed, "method": method, "peer": "expgrad", "hv": hv,
                "fairest_gap": 0.01, "fit_seconds": 1.0}

    peer = {0: 0.10, 1: 0.20, 2: 0.40}
    rows = [row("peer", s, hv) for s, hv in peer.items()]
    rows += [row("cba", s, hv) for s, hv in ((0, 0.12), (1, 0.18), (2, 0.40))]  # ahead, behind, level
    entry = suite.summarize(rows, ["cba"])["tiny"]["cba"]
    assert entry["seeds_ahead"] == 2 and entry["seed_ratios"] == pytest.approx([0.9, 1.2])
    assert entry["ratio"] == pytest.approx(0.70 / 0.70)
    # --replot rebuilds the summary of an earlier run from its rows (here one that lacks the count).
    out = tmp_path / "run.json"
    result = {"estimators": ["cba"], "rows": rows, "wall_seconds": 1.0, "summary": {"tiny": {}},
              "problems": {"tiny": {"tags": [], "constraints": "error_rate_parity"}}}
    out.write_text(json.dumps(result))
    suite.main(["--replot", "--output", str(out)])
    saved = json.loads(out.read_text())
    assert saved["summary"]["tiny"]["cba"]["seeds_ahead"] == 2 and saved["rows"] == rows
    printed = capsys.readouterr().out
    assert "| tiny | error_rate_parity | expgrad | 1.00x (2/3) |" in printed
    assert "| **seeds ahead**, all problems | | | **2/3** |" in printed
    assert out.with_suffix(".png").stat().st_size > 0


def test_the_fairest_member_must_beat_predicting_the_majority_class(suite):
    y_tr, y_te = np.array([0, 0, 0, 1]), np.array([0, 0, 0, 1, 1])
    assert suite.majority_error(y_tr, y_te) == pytest.approx(0.4)
    # (error, gap): a constant predictor (0.4, 0.0), a useful fair member and an accurate one.
    F = np.array([[0.4, 0.0], [0.3, 0.05], [0.1, 0.2]])
    assert suite.fairest_gap(F, 0.4) == pytest.approx(0.05)
    assert suite.fairest_gap(np.array([[0.1, 0.02, 0.03], [0.45, 0.0, 0.0]]), 0.4) == pytest.approx(0.05)
    assert suite.fairest_gap(F[:1], 0.4) is None


def test_a_small_problem_end_to_end(suite, tmp_path, capsys):
    out, fig = tmp_path / "suite.json", tmp_path / "suite.png"
    result = suite.main(["--problems", "synthetic, n 1,000", "--estimators", "cba", "--seeds", "0",
                         "--output", str(out), "--figure", str(fig)])
    saved = json.loads(out.read_text())
    entry = saved["summary"]["synthetic, n 1,000"]
    assert entry["peer"] == "expgrad" and entry["seeds"] == [0] and entry["peer_hv"] > 0
    assert entry["cba"]["ratio"] == pytest.approx(entry["cba"]["hv"] / entry["peer_hv"]) and entry["cba"]["hv"] > 0
    # The mixtures add points to the members', so their hypervolume is never less.
    assert entry["cba"]["mixture_ratio"] >= entry["cba"]["ratio"]
    assert {r["method"] for r in saved["rows"]} == {"cba", "expgrad", "peer"}
    for r in saved["rows"]:  # every model's test point is kept, and the fairest gap is read from them
        F = np.array(r["points"])
        assert len(F) == r["n_models"] and r["fairest_gap_any"] == pytest.approx(F[:, 1:].sum(1).min())
        assert r["fairest_gap"] == suite.fairest_gap(F, r["majority_error"]) and r["fairest_gap"] is not None
    assert entry["cba"]["fairest_seeds"] == entry["peer_fairest_seeds"] == 1
    assert fig.stat().st_size > 0 and result["summary"] == saved["summary"]
    assert "| synthetic, n 1,000 | error_rate_parity | expgrad |" in capsys.readouterr().out


def test_merge_folds_a_rerun_into_the_earlier_run(suite, tmp_path):
    out, fig = tmp_path / "suite.json", tmp_path / "suite.png"
    args = ["--problems", "synthetic, n 1,000", "--estimators", "cba", "--output", str(out), "--figure", str(fig)]
    suite.main([*args, "--seeds", "0"])
    before = json.loads(out.read_text())
    result = suite.main([*args, "--seeds", "1", "--merge"])
    saved = json.loads(out.read_text())
    entry = saved["summary"]["synthetic, n 1,000"]
    assert entry["seeds"] == [0, 1] and result["summary"] == saved["summary"]
    # The earlier rows are kept as they were, the new seed's added, and the summary is of both.
    assert [r for r in saved["rows"] if r["seed"] == 0] == before["rows"]
    assert {r["method"] for r in saved["rows"] if r["seed"] == 1} == {"cba", "expgrad", "peer"}
    cba = [r["hv"] for r in saved["rows"] if r["method"] == "cba"]
    assert len(cba) == 2 and entry["cba"]["hv"] == pytest.approx(np.mean(cba))
    assert saved["wall_seconds"] == before["wall_seconds"]
    assert [(m["problems"], m["estimators"], m["seeds"]) for m in saved["merged_runs"]] == [
        (["synthetic, n 1,000"], ["cba"], [1])]
    assert saved["float32_fingerprint"] == before["float32_fingerprint"] == suite.float32_fingerprint()


def test_merge_refuses_a_run_of_a_machine_that_rounds_otherwise(suite, tmp_path, capsys):
    out = tmp_path / "suite.json"
    args = ["--problems", "synthetic, n 1,000", "--estimators", "cba", "--seeds", "0", "--output", str(out)]
    suite.main(args)
    saved = json.loads(out.read_text())
    here = suite.float32_fingerprint()
    assert saved["float32_fingerprint"] == here and len(here) == 16
    out.write_text(json.dumps({**saved, "float32_fingerprint": "0" * 16}))  # as another CPU wrote it
    with pytest.raises(SystemExit):
        suite.main([*args, "--merge"])
    assert "round otherwise" in capsys.readouterr().err
    del saved["float32_fingerprint"]  # a run from before fingerprints: merged, and said so
    out.write_text(json.dumps(saved))
    suite.main([*args, "--merge"])
    assert "records no float32 fingerprint" in capsys.readouterr().out


def test_merge_replaces_the_rows_it_reruns_and_refuses_gaps(suite):
    def row(problem, seed, method, hv):
        return {"problem": problem, "seed": seed, "method": method, "hv": hv}

    earlier = {"estimators": ["cba", "phn"], "problems": {"b": {}, "a": {}}, "wall_seconds": 60.0,
               "rows": [row(p, 0, m, 1.0) for p in ("b", "a") for m in ("peer", "phn", "cba")]}
    run = {"estimators": ["phn"], "problems": {"b": {"new": 1}}, "wall_seconds": 5.0,
           "rows": [row("b", 0, "phn", 2.0), row("b", 0, "peer", 1.0)]}
    out = suite.merged(earlier, run, order=["a", "b"])
    # In the order a full run writes them, whatever order the merge found them in.
    assert [(r["problem"], r["method"], r["hv"]) for r in out["rows"]] == [
        ("a", "cba", 1.0), ("a", "phn", 1.0), ("a", "peer", 1.0), ("b", "cba", 1.0), ("b", "phn", 2.0), ("b", "peer", 1.0)]
    assert list(out["problems"]) == ["a", "b"] and out["problems"]["b"] == {"new": 1} and out["wall_seconds"] == 60.0
    # A seed the earlier run lacks must come with every estimator's row.
    with pytest.raises(ValueError, match=r"'b', seed 1 has no row of 'cba'"):
        suite.merged(earlier, {**run, "rows": [row("b", 1, "phn", 2.0), row("b", 1, "peer", 1.0)]}, order=["a", "b"])


def test_merge_needs_an_earlier_run_with_the_estimators(suite, tmp_path, capsys):
    out = tmp_path / "suite.json"
    with pytest.raises(SystemExit):  # nothing to merge into
        suite.main(["--problems", "synthetic, n 1,000", "--merge", "--output", str(out)])
    for corrupt in ("{not json", json.dumps({"rows": []})):  # not a suite result: named, before any fit
        out.write_text(corrupt)
        with pytest.raises(SystemExit):
            suite.main(["--problems", "synthetic, n 1,000", "--merge", "--output", str(out)])
        assert "is not a suite result" in capsys.readouterr().err
    out.write_text(json.dumps({"estimators": ["cba"], "problems": {}, "rows": []}))
    with pytest.raises(SystemExit):  # an estimator the earlier run lacks: refused before any fit
        suite.main(["--problems", "synthetic, n 1,000", "--estimators", "phn", "--merge", "--output", str(out)])
    assert "did not run in" in capsys.readouterr().err
    # Rows without every model's test point come from a run whose fairest gaps count constant predictors.
    out.write_text(json.dumps({"estimators": ["cba"], "problems": {}, "rows": [{"problem": "a", "hv": 1.0}]}))
    with pytest.raises(SystemExit):
        suite.main(["--problems", "synthetic, n 1,000", "--estimators", "cba", "--merge", "--output", str(out)])
    assert "predates the fairest member" in capsys.readouterr().err


def test_unknown_problem_is_a_usage_error(suite):
    with pytest.raises(SystemExit):
        suite.main(["--problems", "no such problem"])


def test_probes_run_by_name_to_their_own_output_outside_the_suite(suite, tmp_path, capsys):
    probe = suite.probes()[0]
    assert probe.name not in {p.name for p in suite.problems()} and "probe" in probe.tags
    suite.main(["--list"])
    assert probe.name in capsys.readouterr().out
    for bad in ([], ["--merge", "--output", str(tmp_path / "x.json")]):  # never into the suite's results
        with pytest.raises(SystemExit):
            suite.main(["--problems", probe.name, "--estimators", "cba", "--seeds", "0", *bad])
    assert "outside the suite" in capsys.readouterr().err
    out = tmp_path / "probe.json"
    result = suite.main(["--problems", probe.name, "--estimators", "cba", "--seeds", "0", "--output", str(out)])
    assert list(result["summary"]) == [probe.name] and json.loads(out.read_text())["rows"]
    assert out.with_suffix(".png").stat().st_size > 0  # its figure beside it, not over the suite's


def test_twenty_seed_probes_are_the_suites_problems_on_more_seeds(suite):
    suite_problems = {p.name: p for p in suite.problems()}
    twenty = [p for p in suite.probes() if p.name.endswith(", 20 seeds")]
    assert len(twenty) == 6
    for probe in twenty:
        own = suite_problems[probe.name[len("probe: "):-len(", 20 seeds")]]
        assert probe.seeds == tuple(range(20)) and set(own.seeds) < set(probe.seeds) and "probe" in probe.tags
        assert (probe.constraints, probe.sensitive_objectives) == (own.constraints, own.sensitive_objectives)
        if "synthetic" in own.tags:  # the same draw on a seed of the suite's (Adult's rows are read from a file)
            for a, b in zip(probe.load(1), own.load(1)):
                np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_honest_val_table_reports_bias_and_spread_in_points(bench_script):
    honest = bench_script("bench_honest_val")
    row = {"estimator": "phn", "members": 3, "evaluation_split": "val"}
    for kind, bias, spread in (("in_sample", -0.006, 0.007), ("cross_fitted", -0.002, 0.004)):
        row.update({f"{kind}_error_bias": bias / 2, f"{kind}_error_abs": spread / 2, f"{kind}_gap_bias": bias,
                    f"{kind}_gap_abs": spread})
    lines = honest.table({"rows": [row, {**row, "estimator": "fapareto", "evaluation_split": "search"}]})
    assert lines[2] == "| PHNParetoClassifier (EPO) | 3 | -0.30 (0.35) | -0.10 (0.20) | -0.60 (0.70) | -0.20 (0.40) |"
    assert lines[3].startswith("| FaParetoEnsemble (search_*) | 3 |")

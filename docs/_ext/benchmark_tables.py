"""The benchmark tables of the docs, rendered from the stored results JSON.

A page marks each generated table with ``<!-- generated: NAME -->`` ... ``<!-- end generated -->``;
``python docs/_ext/benchmark_tables.py`` rewrites every such block from the files under
``docs/results/`` (what the benchmark scripts wrote), and ``tests/test_docs_tables.py`` fails
when a block differs from its file, so the figures in the docs cannot drift from the results.
Names: ``main_job``, ``results:FILE`` (another run of the main job), ``seeds:CRITERION``,
``fair_end``, ``cpu_kernels``, ``static``, ``dashboard``, ``fit_time``, ``suite``, ``fit_time:FILE`` and
``suite:FILE`` (a run on another machine, to its own ``--output``), ``honest_val``,
``headroom``, ``retune``, ``tuning_rules``, ``tuning_rules:FILE`` (a ``--rules`` run of named problems),
``suite_probe:FILE`` (a run of the suite's probes), ``suite_setting:FILE`` (a ``--set`` run beside the
suite's own rows, which hold the defaults). The main job's tables
use the package's own report (``skfairpareto.benchmark``'s Markdown).
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import numpy as np

def _pct(x, digits=2):
    return "–" if x is None else f"{100 * x:.{digits}f}"


def main_job(d):
    from skfairpareto.benchmark._report import markdown

    return [markdown(d).rstrip()]


def seeds(d, file_name):
    from skfairpareto.benchmark import label

    target = d.get("target", "binary")  # runs before the option wrote none: the tweets' two classes
    option = ("" if target == "binary" else f" --target {target}") + (" --group-aware" if d.get("group_aware") else "")
    peers = sorted({r["peer"] for r in d["summary"].values() if r.get("peer")})
    several = isinstance(d["constraints"], list)  # fronts over the error and each criterion's gap
    criteria = d["constraints"] if several else [d["constraints"]]
    peer = ("ExponentiatedGradient" + (" (the union of its fronts)" if several else "")
            if peers == ["expgrad"] or target == "binary"
            else "its peer (" + ", ".join(label(p) for p in peers) + ": the better by mean of the K-class peers)")
    if "threshold" in peers:  # group-aware rows: the fairlearn mitigator that uses the group too
        peer = f"its peer ({peer}; ThresholdOptimizer for group-aware rows)"
    lines = [f"Seeds {', '.join(map(str, d['seeds']))}; {d['features']} features; "
             + " and ".join(f"`{c}`" for c in criteria)
             + f" (`python benchmarks/bench_seeds.py --seeds {' '.join(map(str, d['seeds']))} "
             f"--constraints {' '.join(criteria)}{option}`, `docs/results/{file_name}`)"
             + "; the fairest gap is the least " + ("sum of the gaps " if several else "gap ")
             # Runs that wrote no "fairest" took it over every model, constant predictors included.
             + (f"among the {d['fairest']}" if d.get("fairest") else "over every member, also one that predicts "
                "one class for everyone") + ".", "",
             f"| method | mean test HV | std | vs {peer} | seeds >= it | mean fairest test gap (pt) "
             "| mean fit s |", "|---|---:|---:|---:|---:|---:|---:|"]
    for method, r in sorted(d["summary"].items(), key=lambda kv: -kv[1]["mean"]):
        ratio = f"{r['ratio_to_peer']:.2f}x" if r.get("ratio_to_peer") else "–"
        at_least = f"{r['seeds_at_least_peer']}/{len(d['seeds'])}" if "seeds_at_least_peer" in r else "–"
        lines.append(f"| {label(method)} | {r['mean']:.5f} | {r['std']:.5f} | {ratio} | {at_least} | "
                     f"{_pct(r.get('mean_fairest_gap'))} | {r.get('mean_fit_seconds', 0):.0f} |")
    return lines


def fair_end(d):
    from skfairpareto.benchmark import label
    from skfairpareto.benchmark._report import SUMMARY_COUNTS

    lines = [f"`python benchmarks/bench_fair_end.py --seed {d['seed']}`: each front's fairest test member; gaps in "
             "points. *Expected*: the criterion's gap of the head's probabilities on the training data (what "
             "training equalises); *hard*: fairlearn's metric of the predictions, with the tuned threshold and "
             "at threshold 0 (the head's own decisions)."]
    if d.get("fairest") == SUMMARY_COUNTS:
        lines[0] += (" The fairest member is the one of least test gap among those whose test error is below "
                     f"predicting the majority class for everyone ({_pct(d['majority_error'])} %).")
    else:  # runs before the rule took the least gap over every member, a constant predictor included
        lines[0] += " The fairest member is the one of least test gap over every member."
    lines += ["", "| criterion | method | alpha | test error % | train expected gap | train hard gap | test hard gap "
              "| test hard gap at threshold 0 | threshold_ | fit s |", "|---|---" + "|---:" * 8 + "|"]
    for r in d["rows"]:
        lines.append(f"| {r['constraints']} | {label(r['method'])} | {r['alpha']:.2f} | {_pct(r.get('test_error'))} | "
                     f"{_pct(r['train_expected_gap'])} | {_pct(r['train_hard_gap'])} | {_pct(r['test_hard_gap'])} | "
                     f"{_pct(r['test_hard_gap_threshold_0'])} | {r['threshold']:+.3f} | {r['fit_seconds']:.0f} |")
    return lines


def cpu_kernels(d):
    lines = ["`python benchmarks/bench_cpu_kernels.py` "
             f"(kernels: {', '.join(d['kernels'])}).", ""]
    if d.get("tests"):
        lines += ["| kernel | `pytest -m numerics` | exit | s |", "|---|---|---:|---:|"]
        lines += [f"| {r['kernel']} | {r['summary']} | {r['returncode']} | {r['seconds']:.0f} |" for r in d["tests"]]
        lines.append("")
    if d.get("fronts"):
        lines += ["| kernel | against | estimator | members | largest logit difference | hard predictions equal |",
                  "|---|---|---|---:|---:|---:|"]
        lines += [f"| {r['kernel']} | {r['vs']} | {r['estimator']} | {r['members']} | "
                  + (f"{r['max_logit_difference']:.1e} | {_pct(r['hard_agreement'])} % |" if r["same_members"]
                     else "member count differs | – |") for r in d["fronts"]]
        lines.append("")
    if d.get("predict"):
        r = d["predict"]
        lines += [f"Prediction on the bundled corpus ({r['rows']:,} rows x {r['features']} features): float64 "
                  f"{1000 * r['float64_seconds']:.0f} ms against float32 {1000 * r['float32_seconds']:.0f} ms "
                  f"({r['ratio']:.2f}x); largest logit difference {r['max_logit_difference']:.1e}.", ""]
    return lines[:-1] if lines and lines[-1] == "" else lines


def static(d):
    rows = {(r["backend"], r["texts"]): r for r in d["throughput"]}
    lines = ["| backend | texts | s | texts/s | vs int8 | peak RSS MB | beyond model and output MB |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for (backend, n), r in rows.items():
        int8 = rows.get(("onnx-int8", n))
        ratio = f"{r['texts_per_second'] / int8['texts_per_second']:.1f}x" if int8 else "–"
        lines.append(f"| {backend} | {n:,} | {r['seconds']:.1f} | {r['texts_per_second']:,.0f} | {ratio} | "
                     f"{r['peak_rss_mb']:,.0f} | {r['beyond_output_mb']:,.0f} |")
    lines += [f"| {s['backend']} | {s['texts']:,} | not run (over --slow-max) | | | | |" for s in d.get("skipped", [])]
    if d.get("quality"):
        lines += ["", "Logistic regression on the hybrid features (seed-0 split of the benchmark):", "",
                  "| embeddings | features | test accuracy % | accuracy gap (pt) |", "|---|---:|---:|---:|"]
        lines += [f"| {q['backend']} | {q['n_features']} | {_pct(q['accuracy'])} | {_pct(q['gap'])} |"
                  for q in d["quality"]]
    return lines


def dashboard(d):
    return [f"`python benchmarks/bench_dashboard.py --seed {d['seed']}` ({d['n_models']} models, {d['n_test']:,} test "
            f"rows, {d['n_boot']} bootstrap resamples; targets: build <= 20 s, <= 10 MB, open <= 3 s):", "",
            "| build s | size MB | open in headless Chromium s |", "|---:|---:|---:|",
            f"| {d['build_seconds']:.1f} | {d['size_mb']:.2f} | {d['open_seconds']:.2f} |"]


def _own_output(file_name, default):
    """`` --output docs/results/FILE`` for a run written to a file other than its script's ``default``, else ``""``."""
    return "" if file_name == default else f" --output docs/results/{file_name}"


def fit_time(d, file_name="fit_time.json"):
    from skfairpareto.benchmark import label

    output = _own_output(file_name, "fit_time.json")
    lines = [f"`python benchmarks/bench_fit_time.py --baseline {d['baseline']} --repeats {d['repeats']}{output}`: the main "
             f"job's fits ({d['n_train']:,} training rows x {d['n_features']} features, `{d['constraints']}`), this "
             f"version beside a git worktree of {d['baseline']} in alternating processes, and "
             f"ExponentiatedGradient in the same run. Each process first imports `torch._dynamo` "
             f"({d['import_s']:.1f} s), which torch imports once per process at its first optimiser, so the main "
             f"job pays it once for all its fits; the last column counts it in both versions.", "",
             f"| method | {d['baseline']} s | now s | speed-up | with the import |", "|---|---:|---:|---:|---:|"]
    lines += [f"| {label(r['method'])} | {r['baseline_s']:.1f} | {r['new_s']:.1f} | {r['speedup']:.2f}x | "
              f"{r['speedup_with_import']:.2f}x |" for r in d["rows"]]
    lines += [f"| all five fronts | {d['ours_total_baseline_s']:.1f} | {d['ours_total_new_s']:.1f} | "
              f"{d['ours_total_baseline_s'] / d['ours_total_new_s']:.2f}x | |",
              f"| fairlearn ExponentiatedGradient | | {d['expgrad_s']:.1f} | | |", ""]
    if "cba_same_grid" in d:  # this version timed on the baseline's alpha grid too: the same work
        r = d["cba_same_grid"]
        lines += [f"On the baseline's grid ({len(r['alphas'])} `alpha`), this version's CBA fit takes {r['new_s']:.1f} s "
                  f"against {r['baseline_s']:.1f} s: {r['speedup']:.2f}x ({r['speedup_with_import']:.2f}x with the "
                  "import).", ""]
    lines += [f"The five fronts together: {d['ours_over_expgrad_baseline']:.2f}x ExponentiatedGradient's fit time at "
              f"{d['baseline']}, {d['ours_over_expgrad_new']:.2f}x now."]
    if "cpu" in d:
        lines += ["", f"Machine: {d['cpu']}, float32 fingerprint {d['float32_fingerprint']}."]
    return lines


def honest_val(d):
    """In-sample, cross-fitted and test figures of the fronts' members (benchmarks/bench_honest_val.py)."""
    module = _script("bench_honest_val")
    return [f"`python benchmarks/bench_honest_val.py --seed {d['seed']}` (`{d['constraints']}`; {d['n_fit']:,} rows to "
            f"fit, {d['n_val']:,} to validate, {d['n_test']:,} to test): the mean over members of each validation "
            "estimate minus the member's test figure, in points (a negative gap is an optimistic estimate), and in "
            "brackets the mean absolute difference.", "", *module.table(d)]


def _script(name):
    """A script of benchmarks/ imported as a module (it prints the tables it writes)."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location(name, Path(__file__).resolve().parents[2] / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # as importlib's recipe does: dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def suite(d, file_name="suite.json"):
    """The suite's tables, as ``benchmarks/bench_suite.py`` prints them (one function renders both); another
    whole run (another machine's) from its own ``file_name``."""
    module = _script("bench_suite")
    counts = {p: len(e["seeds"]) for p, e in d["summary"].items()}
    most = max(counts.values())
    fewer = [f"{p}: {n}" for p, n in counts.items() if n < most]
    seeds = f"{most} seeds a problem" + (f" ({'; '.join(fewer)})" if fewer else "")
    output = _own_output(file_name, "suite.json")
    return [f"`python benchmarks/bench_suite.py{output}`: {len(d['summary'])} problems, {seeds}, "
            f"{d['wall_seconds'] / 60:.0f} min on 2 cores (`docs/results/{file_name}`). The test hypervolume of each "
            "front over its fairlearn peer's, each the mean over the seeds, and in brackets on how many seeds the "
            "front reached the peer's:", "",
            *module.table(d)]


def headroom(d):
    """Large-data fronts on the suite's synthetic problems, beside the suite's best (benchmarks/bench_headroom.py)."""
    module = _script("bench_headroom")
    seeds = sorted({r["seed"] for r in d["rows"]})
    merged = ""
    if d.get("merged"):  # problems rerun on their own after a change, folded into the whole run
        names = " and ".join(f'"{p}"' for p in d["merged"])
        merged = f"; {names} rerun on their own and merged in, {d['merged_wall_seconds'] / 60:.0f} min"
    return [f"`python benchmarks/bench_headroom.py --seeds {' '.join(map(str, seeds))}`: {len(d['summary'])} synthetic "
            f"problems, {len(seeds)} seeds each, {d['wall_seconds'] / 60:.0f} min on 2 cores "
            f"(`docs/results/headroom.json`{merged}). The test hypervolume over "
            "the suite's peer of a front fitted on 20 times the problem's training rows (at most 100,000) drawn "
            "from the same distribution, for each head, beside the suite's best front on the same seeds:", "",
            *module.table(d)]


def retune(d):
    """Fronts' members with thresholds from three sources (benchmarks/bench_headroom.py --retune)."""
    module = _script("bench_headroom")
    problems = " ".join(f'"{p}"' for p in d["summary"])
    seeds = " ".join(map(str, sorted({r["seed"] for r in d["rows"]})))
    return [f"`python benchmarks/bench_headroom.py --retune {' '.join(d['estimators'])} --problems {problems} "
            f"--seeds {seeds}` "
            "(`docs/results/retune.json`): the test hypervolume over the suite's peer of the members, mean over the "
            f"seeds, with the thresholds tuned on their validation split, at 0, and tuned on {d['fresh']:,} "
            "fresh rows:",
            "", *module.retune_table(d)]


def tuning_rules(d, file_name="tuning_rules.json"):
    """Each decision rule's hypervolume on fresh rows over the fronts' own (benchmarks/bench_headroom.py --rules);
    ``file_name`` other than the default: a run of named problems to its own output."""
    module = _script("bench_headroom")
    seeds = sorted({r["seed"] for r in d["rows"]})
    named = "" if file_name == "tuning_rules.json" else (
        " --problems " + " ".join(f'"{p}"' for p in dict.fromkeys(r["problem"] for r in d["rows"]))
        + _own_output(file_name, "tuning_rules.json"))
    on_test = all(r.get("scored_on") == "test split" for r in d["rows"])
    kind, rows = ("real-data", "the suite's test split") if on_test else ("synthetic", f"{d['fresh']:,} fresh rows")
    gaps = ("; in brackets, the fairest member's gap in points, on the same rows and by the suite's rule "
            "(after the problem's name: the fit's own rule's)") if any("fairest_gap" in r for r in d["rows"]) else ""
    return [f"`python benchmarks/bench_headroom.py --rules {' '.join(d['estimators'])}{named} --seeds "
            f"{' '.join(map(str, seeds))}`: {len({r['problem'] for r in d['rows']})} {kind} problems, "
            f"{d['wall_seconds'] / 60:.0f} min on 2 cores (`docs/results/{file_name}`). The hypervolume on "
            f"{rows} of each rule's decisions over that of the thresholds the fit tuned on its "
            f"validation split (the same members; per problem, of the means over the seeds){gaps}:",
            "", *module.rules_table(d)]


def suite_probe(d, file_name):
    """A run of the suite's probes (``bench_suite.probes()``: problems outside the suite) to its own output: each
    front's ratio to the peer and, in brackets, its fairest test member's gap."""
    module = _script("bench_suite")
    names = " ".join(f'"{p}"' for p in d["summary"])
    seeds = sorted({r["seed"] for r in d["rows"]})
    est = d["estimators"]
    ahead = all("seeds_ahead" in s[e] for s in d["summary"].values() for e in est)  # runs before the count lack it
    lines = [f"`python benchmarks/bench_suite.py --problems {names} --output docs/results/{file_name}`: "
             f"{len(seeds)} seeds, {d['wall_seconds'] / 60:.1f} min on 2 cores. The test hypervolume of each front "
             "over its fairlearn peer's (of the means over the seeds) and, in brackets, the fairest test member's gap "
             "in points, as in the suite's tables" + (", then on how many seeds the front reached the peer's and its "
             "lowest and highest ratio on one seed" if ahead else "") + ":", "",
             "| problem | criterion | peer (fairest) | " + " | ".join(module.NAMES[e] for e in est) + " |",
             "|---|---|---|" + "---:|" * len(est)]
    for p, s in d["summary"].items():
        lines.append(f"| {p} | {module.criterion_label(d['problems'][p]['constraints'])} | {s['peer']} ({100 * s['peer_fairest_gap']:.1f}) | "
                     + " | ".join(f"{s[e]['ratio']:.2f}x ({100 * s[e]['fairest_gap']:.1f}" + (
                         f"; {s[e]['seeds_ahead']}/{len(s['seeds'])}, {s[e]['seed_ratios'][0]:.2f}-"
                         f"{s[e]['seed_ratios'][1]:.2f}x" if ahead else "") + ")" for e in est) + " |")
    return lines


def suite_setting(d, file_name, suite):
    """A ``bench_suite.py --set`` run (``d``, in ``file_name``) beside the suite's own rows (``suite``, the
    defaults) on the same problems: each front's ratio to the peer and, in brackets, its fairest test gap."""
    module = _script("bench_suite")
    est, params = d["estimators"], d["params"]
    setting = ", ".join(f"{k}={v!r}" for k, v in params.items())
    names = " ".join(f'"{p}"' for p in d["summary"])
    lines = [f"`python benchmarks/bench_suite.py --estimators {' '.join(est)} --set "
             f"{' '.join(f'{k}={v}' for k, v in params.items())} --problems {names} "
             f"--output docs/results/{file_name}`: {d['wall_seconds'] / 60:.1f} min on 2 cores. Each front's test "
             f"hypervolume over its fairlearn peer's (of the means over the seeds) with `{setting}` and with the "
             "defaults (the suite's own rows, `docs/results/suite.json`, the same splits and peers) and, in brackets, "
             "the fairest test member's gap in points:", "",
             "| problem | " + " | ".join(f"{module.NAMES[e]}, `{setting}` | {module.NAMES[e]}, default" for e in est)
             + " |", "|---|" + "---:|---:|" * len(est)]
    logs = {e: ([], []) for e in est}
    for p, s in d["summary"].items():
        ours = suite["summary"][p]
        if ours.get("seeds") != s.get("seeds"):
            raise ValueError(f"{file_name} ran {p!r} on seeds {s.get('seeds')}, the suite on {ours.get('seeds')}")
        cells = []
        for e in est:
            for side, r in zip(logs[e], (s[e], ours[e])):
                side.append(np.log(r["ratio"]))
                cells.append(f"{r['ratio']:.3f}x ({100 * r['fairest_gap']:.1f})")
        lines.append(f"| {p} | " + " | ".join(cells) + " |")
    lines.append("| geometric mean | " + " | ".join(f"{np.exp(np.mean(side)):.3f}x" for e in est for side in logs[e])
                 + " |")
    return lines


#: Each block's renderer and the results file it reads: NAME -> (renderer, file under docs/results).
RENDERERS = {"main_job": (main_job, "benchmark_results.json"), "fair_end": (fair_end, "fair_end.json"),
             "cpu_kernels": (cpu_kernels, "cpu_kernels.json"), "static": (static, "static.json"),
             "dashboard": (dashboard, "dashboard.json"), "fit_time": (fit_time, "fit_time.json"),
             "suite": (suite, "suite.json"), "honest_val": (honest_val, "honest_val.json"),
             "headroom": (headroom, "headroom.json"), "retune": (retune, "retune.json"),
             "tuning_rules": (tuning_rules, "tuning_rules.json")}


def render(name, results):
    """The Markdown of one generated block, from the results file it names."""
    kind, _, arg = name.partition(":")
    if kind == "seeds":
        file_name = f"seeds_{arg}.json"
        renderer = functools.partial(seeds, file_name=file_name)
    elif kind == "results":  # any results.json of the main job
        renderer, file_name = main_job, arg
    elif kind == "suite_setting":  # a --set run, beside the suite's own rows
        suite_file = results / "suite.json"
        if not suite_file.exists():
            raise FileNotFoundError(f"the generated block {name!r} reads {suite_file}, which no benchmark has written")
        renderer, file_name = functools.partial(suite_setting, file_name=arg,
                                                suite=json.loads(suite_file.read_text())), arg
    elif kind in ("suite_probe", "tuning_rules", "fit_time", "suite") and arg:  # a run to its own file
        renderer, file_name = functools.partial({"suite_probe": suite_probe, "tuning_rules": tuning_rules,
                                                 "fit_time": fit_time, "suite": suite}[kind], file_name=arg), arg
    else:
        renderer, file_name = RENDERERS[kind]
    path = results / file_name
    if not path.exists():
        raise FileNotFoundError(f"the generated block {name!r} reads {path}, which no benchmark has written")
    return "\n".join(renderer(json.loads(path.read_text()))).strip() + "\n"


BLOCK = re.compile(r"(<!-- generated: (\S+) -->\n)(.*?)(<!-- end generated -->)", re.S)


def rewrite(text, results):
    """``text`` with every generated block rendered anew."""
    return BLOCK.sub(lambda m: m.group(1) + render(m.group(2), results) + m.group(4), text)


def main():
    docs = Path(__file__).resolve().parents[1]
    for page in sorted(docs.glob("*.md")):
        text = page.read_text()
        new = rewrite(text, docs / "results")
        if new != text:
            page.write_text(new)
            print(f"rewrote {page.name}")


if __name__ == "__main__":
    main()

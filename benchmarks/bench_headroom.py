"""How far can the suite's synthetic problems go? A front trained on far more data, beside the suite's ratios.

The suite (benchmarks/bench_suite.py) scores each front by its test hypervolume over fairlearn's
peer. A target such as "the best front reaches 1.15x" assumes that 1.15x is there to reach; on a
problem whose best achievable front is close to what the peer already reaches, no method can. The
suite's synthetic problems come from a generator, so more data from the same distribution can be
drawn. This script estimates the headroom of the default model class (a group-blind linear head)
on each of them:

* for each seed, the suite's own data, split and reference point, and its stored peer;
* a front fitted on ``population`` rows drawn afresh from the same distribution (default 20 times
  the suite's training rows, at most 100,000): ``cba_path`` on a grid twice as fine as its
  default (21 accuracy weights; 66 rays of the simplex for three objectives), its decision
  thresholds as ``cba_path`` sets them (tuned on those rows for demographic parity, whose rates
  ignore the labels; 0 otherwise); once with the estimators' default head (linear), once with a
  hidden layer of 64 units (``HEADS``);
* its test hypervolume on the suite's test rows, over the peer's, as the suite computes ratios
  (of the means over the seeds).

The figure is an estimate, not a bound: the large-data front is one method's, on one test split a
seed, and a larger model class (wider or deeper heads; group-aware members) may go further.
Where it sits near the suite's best ratio, the fronts already reach what this model class offers
on that problem, and a shortfall against a target is the problem's, not the estimators'. Prints a
table and writes JSON::

    python benchmarks/bench_headroom.py                       # every synthetic problem, its seeds
    python benchmarks/bench_headroom.py --problems synthetic --seeds 0

``--retune ESTIMATOR ...`` asks instead what the decision thresholds cost: it fits each estimator
as the suite does, on the suite's split, and scores its members with the thresholds it tuned on
its validation split, at threshold 0, and with thresholds tuned (by the same rule) on ``--fresh``
rows drawn afresh from the distribution; it writes ``docs/results/retune.json``::

    python benchmarks/bench_headroom.py --retune suhnpf phn fapareto --problems "two criteria"

``--rules ESTIMATOR ...`` asks whether another decision rule, computed from the fit's own data, would
do better on average (``RULES``): it fits each estimator as the suite does and scores its members on
``--fresh`` rows drawn afresh, with the thresholds it tuned on its validation split, at 0, bagged over
bootstrap resamples of that split, tuned on every row of the fit, and kept per member only where
cross-fitting on the validation split says they beat 0 (a guard); it writes
``docs/results/tuning_rules.json``::

    python benchmarks/bench_headroom.py --rules suhnpf phn --seeds 0 1 2 3 4 5

Real data have no fresh rows, so ``--rules`` scores the members of a real problem, named with
``--problems`` and written to its own ``--output``, on the suite's own test split, with each rule's
fairest member beside its hypervolume::

    python benchmarks/bench_headroom.py --rules suhnpf phn --problems "adult, accuracy parity" \
        --seeds 0 1 2 3 4 --output docs/results/tuning_rules_real.json

After the suite is rerun, ``--resummarize`` refits nothing: it reads the large-data rows of
``--output`` (default ``docs/results/headroom.json``) and recomputes their summary beside the suite's
current ratios on the same seeds (the column "best of the suite": the suite's rows of this run's seeds,
whatever more seeds the suite ran), so the table follows the suite's latest run::

    python benchmarks/bench_headroom.py --resummarize

Run it alone: on 2 cores a second heavy job beside it moves every time.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_suite as suite  # noqa: E402


#: The model classes of the large-data fronts: the estimators' default head, and one hidden layer.
HEADS = {"linear": (), "hidden 64": (64,)}


def _points(members, X, y, s, spec, n_classes):
    """``[error, gap_1, ...]`` of each member's hard predictions on ``X``, as the suite scores them."""
    return np.array([suite.objectives_of(suite.one_hot(m.predict(X, sensitive_features=s), n_classes), y, spec,
                                         n_classes) for m in members])


def _rule_points(members, thresholds, X, y, s, spec, n_classes):
    """The members' points on ``X`` (:func:`_points`) with each named list of ``thresholds`` (name -> one per
    member); the members keep their own thresholds afterwards."""
    fitted = [m.threshold_ for m in members]
    out = {}
    try:
        for name, chosen in thresholds.items():
            for m, t in zip(members, chosen):
                m.threshold_ = t
            out[name] = _points(members, X, y, s, spec, n_classes)
    finally:
        for m, t in zip(members, fitted):
            m.threshold_ = t
    return out


def _hypervolumes(members, thresholds, X, y, s, spec, ref, n_classes):
    """The members' hypervolume on ``X`` with each named list of ``thresholds`` (:func:`_rule_points`)."""
    from skfairpareto.metrics import hypervolume

    return {name: hypervolume(F, ref) for name, F in _rule_points(members, thresholds, X, y, s, spec,
                                                                  n_classes).items()}


def large_data_front(problem, X, y, s, seed, hidden_layer_sizes=()):
    """``cba_path`` on a grid twice as fine as its default, fitted on ``X, y, s``; returns its members."""
    from skfairpareto.cba import cba_path
    from skfairpareto.criteria import FairnessObjectives

    common = dict(constraints=problem.constraints, sensitive_objectives=problem.sensitive_objectives,
                  hidden_layer_sizes=hidden_layer_sizes, random_state=seed)
    n_objectives = 1 + len(suite.objective_spec(problem, s))
    if n_objectives == 2:
        return cba_path(X, y, sensitive_features=s, alphas=np.linspace(1.0, 0.0, 21), **common)
    grid = FairnessObjectives.of_size(n_objectives).preference_grid(66)
    return cba_path(X, y, sensitive_features=s, weights=grid, **common)


def run(problem, seeds, stored, population, say, heads=tuple(HEADS)):
    from skfairpareto.metrics import hypervolume

    rows = []
    for seed in seeds:
        X, y, classes, tr, te, _, s_te, spec, ref = suite.split(problem, seed)
        n_classes = len(classes)
        peer = stored.get((problem.name, seed, "peer"))
        if peer is not None and not np.allclose(peer["reference_point"], ref):
            raise RuntimeError(f"{problem.name}, seed {seed}: the reference point differs from the suite's run")
        n_more = population or min(20 * len(tr), 100_000)
        X_more, y_more, s_more = problem.population(seed, n_more)
        y_more = np.searchsorted(classes, y_more)
        for head in heads:
            t0 = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                members = large_data_front(problem, X_more, y_more, s_more, seed, HEADS[head])
            seconds = time.perf_counter() - t0
            F = _points(members, X[te], y[te], s_te, spec, n_classes)
            row = {"problem": problem.name, "seed": seed, "head": head, "n_train": int(len(tr)),
                   "n_population": int(n_more), "hv": hypervolume(F, ref), "fairest_gap": float(F[:, 1:].sum(1).min()),
                   "best_error": float(F[:, 0].min()), "n_models": int(len(F)), "fit_seconds": seconds,
                   "peer_hv": None if peer is None else peer["hv"]}
            rows.append(row)
            say(f"  seed {seed}, {head}: {n_more} rows, hv {row['hv']:.5f} (peer {row['peer_hv']}) in {seconds:.0f} s")
    return rows


def summarize(rows, suite_result):
    """Per problem: each large-data front's ratio (of mean test hypervolumes to the peer's), and the suite's best
    on the same seeds (from ``suite_result``'s rows: the suite may have run more seeds than this run)."""
    out, estimators = {}, suite_result["estimators"]
    for name in dict.fromkeys(r["problem"] for r in rows):
        mine = [r for r in rows if r["problem"] == name and r["peer_hv"] is not None]
        if not mine:
            continue
        seeds = sorted({r["seed"] for r in mine})
        peer_hv = float(np.mean([r["peer_hv"] for r in mine if r["head"] == mine[0]["head"]]))
        entry = {"seeds": seeds, "heads": {}}
        for head in dict.fromkeys(r["head"] for r in mine):
            runs = [r for r in mine if r["head"] == head]
            entry["heads"][head] = {"ratio": float(np.mean([r["hv"] for r in runs])) / peer_hv,
                                    "fairest_gap": float(np.mean([r["fairest_gap"] for r in runs]))}
        same = [r for r in suite_result["rows"] if r["problem"] == name and r["seed"] in seeds]
        if all({r["seed"] for r in same if r["method"] == m} == set(seeds) for m in ("peer", *estimators)):
            ours = suite.summarize(same, estimators)[name]
            ratios = {e: ours[e]["ratio"] for e in estimators if ours[e]["ratio"] is not None}
            if ratios:
                best = max(ratios, key=ratios.get)
                entry.update({"best": best, "best_ratio": ratios[best], "suite_ratios": ratios})
        out[name] = entry
    return out


def _suite_front(problem, estimator, seed):
    """A seed's split (:func:`bench_suite.split`) and the estimator fitted on its training rows, both as the
    suite makes them."""
    split = suite.split(problem, seed)
    X, y, _, tr, _, s_tr = split[:6]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return split, suite.fit_front(estimator, problem, X[tr], y[tr], s_tr, seed)


def retune(problem, estimator, seeds, stored, n_fresh, say):
    """The estimator's members, fitted as the suite fits them, with thresholds from three sources."""
    from skfairpareto._validation import check_sensitive_features

    rows = []
    for seed in seeds:
        (X, y, classes, tr, te, s_tr, s_te, spec, ref), front = _suite_front(problem, estimator, seed)
        n_classes = len(classes)
        members = front.front_
        X_more, y_more, s_more = problem.population(seed, n_fresh)
        codes, _ = check_sensitive_features(s_more, len(y_more), groups=front.groups_)
        hard = front.objectives_.hard(np.searchsorted(classes, y_more), codes, metrics=front._metrics_)
        weights = np.array([m.objectives_.weights(m.alpha, m.weights) for m in members])
        logits = [m.decision_function(X_more, sensitive_features=s_more) + m.threshold_ for m in members]
        sources = {"validation split": [m.threshold_ for m in members],
                   "0": [m._untuned_threshold(0.0) for m in members],
                   # the front's own rule, as its fit tunes on the validation split
                   "fresh rows": front._tuned_thresholds(members, hard, logits, weights)[0]}
        row = {"problem": problem.name, "seed": seed, "estimator": estimator, "n_fresh": int(n_fresh),
               "peer_hv": stored[(problem.name, seed, "peer")]["hv"],
               **_hypervolumes(members, sources, X[te], y[te], s_te, spec, ref, n_classes)}
        rows.append(row)
        say(f"  {estimator}, seed {seed}: " + ", ".join(f"{k} {row[k] / row['peer_hv']:.3f}x" for k in sources))
    return rows


#: The decision rules ``--rules`` compares: the front's own, and the candidates that replace it.
RULES = ("validation split", "0", "bagged", "training + validation", "cross-fitted guard")


def _bagged_thresholds(front, members, hard, logits, weights, n_resamples=20, seed=0):
    """The mean of the front's rule over ``n_resamples`` bootstrap resamples of ``hard``'s rows (stratified by
    group and label): bagging, which lowers the variance of a threshold chosen by an argmin on few rows.
    A candidate measured here, not the library's rule."""
    rng = np.random.RandomState(seed)
    strata = hard.codes * (int(hard.y.max()) + 1) + hard.y
    cells = [np.flatnonzero(strata == c) for c in np.unique(strata)]
    total = None
    for _ in range(n_resamples):
        rows = np.concatenate([rng.choice(cell, len(cell)) for cell in cells])
        tuned, _ = front._tuned_thresholds(members, hard.subset(rows), [z[rows] for z in logits], weights)
        tuned = [np.asarray(t, dtype=float) for t in tuned]
        total = tuned if total is None else [a + t for a, t in zip(total, tuned)]
    return [t / n_resamples for t in total]


def _guarded_thresholds(front, members, hard, logits, weights, tuned, scales):
    """Each member's ``tuned`` threshold, unless cross-fitting says that 0 serves its weights better.

    The front's cross-fitted decisions on ``hard``'s rows (each half decided by thresholds tuned on
    the other half, as the fit's honest figures are made) are scored by the member's tuning
    objective (:meth:`~skfairpareto.criteria.HardObjectives.cost`, normalised by ``scales``, those
    the front's rule tuned ``tuned`` with), beside threshold 0's decisions. A member keeps its tuned
    threshold where the cross-fitted cost is no larger, and falls back to 0 elsewhere: a guard
    against thresholds that fit the validation rows' noise. A candidate measured here, not the
    library's rule.
    """
    crossed = front._cross_fitted(members, hard, logits, weights)
    zero = [m._untuned_threshold(0.0) for m in members]
    return [t if hard.cost(c, w, scales) <= hard.cost(hard.decisions(z, t0), w, scales) else t0
            for z, t, t0, c, w in zip(logits, tuned, zero, crossed, weights)]


def rules(problem, estimator, seeds, n_fresh, say):
    """The estimator's members, fitted as the suite fits them, with each decision rule of ``RULES``; their
    hypervolumes on ``n_fresh`` rows drawn afresh from the distribution (reference point as the suite's).

    A problem with no generator (real data: ``population`` is None) has no fresh rows: its members are
    scored on the suite's own test split, with the suite's reference point, as the suite scores them,
    so its figures carry that split's noise (the row's ``scored_on`` says which). Each row also keeps
    each rule's fairest member's gap (:func:`bench_suite.fairest_gap`) on the rows it is scored on."""
    from skfairpareto._validation import check_sensitive_features
    from skfairpareto.metrics import hypervolume

    rows = []
    for seed in seeds:
        (X, y, classes, tr, te, s_tr, s_te, spec_te, ref_te), front = _suite_front(problem, estimator, seed)
        n_classes = len(classes)
        members = front.front_
        # The rows the fit trained on and held out, as it split them (same random_state).
        y_fit = np.searchsorted(front.classes_, y[tr])
        codes, _ = check_sensitive_features(s_tr, len(tr), groups=front.groups_)
        _, val_rows = front._validation_rows(y_fit, codes)
        hard = {name: front.objectives_.hard(y_fit[r], codes[r], metrics=front._metrics_)
                for name, r in (("val", val_rows), ("both", np.arange(len(tr))))}
        logits = [front._logits(m, X[tr], codes) for m in members]  # as the fit computes them
        weights = np.array([m.objectives_.weights(m.alpha, m.weights) for m in members])
        fitted = [m.threshold_ for m in members]
        own, scales = front._tuned_thresholds(members, hard["val"], [z[val_rows] for z in logits], weights)
        if not all(np.allclose(a, b) for a, b in zip(own, fitted)):
            raise RuntimeError(f"{estimator} on {problem.name}, seed {seed}: re-tuning on the validation rows does "
                               "not give the fitted thresholds")
        candidates = {"validation split": fitted, "0": [m._untuned_threshold(0.0) for m in members],
                      "bagged": _bagged_thresholds(front, members, hard["val"], [z[val_rows] for z in logits],
                                                   weights, seed=seed),
                      "training + validation": front._tuned_thresholds(members, hard["both"], logits, weights)[0],
                      "cross-fitted guard": _guarded_thresholds(front, members, hard["val"],
                                                                [z[val_rows] for z in logits], weights, fitted,
                                                                scales)}
        if problem.population is None:
            X_new, y_new, s_new, spec, ref = X[te], y[te], s_te, spec_te, ref_te
            scored = {"scored_on": "test split", "n_scored": int(len(te))}
        else:
            X_new, y_new, s_new = problem.population(seed, n_fresh)
            y_new = np.searchsorted(classes, y_new)
            spec = suite.objective_spec(problem, s_new)
            ref = suite.reference_point(X[tr], y[tr], X_new, y_new, spec, n_classes)
            scored = {"scored_on": "fresh rows", "n_scored": int(n_fresh), "n_fresh": int(n_fresh)}
        points = _rule_points(members, candidates, X_new, y_new, s_new, spec, n_classes)
        majority = suite.majority_error(y[tr], y_new)
        row = {"problem": problem.name, "seed": seed, "estimator": estimator, **scored,
               **{name: hypervolume(F, ref) for name, F in points.items()},
               "fairest_gap": {name: suite.fairest_gap(F, majority) for name, F in points.items()}}
        rows.append(row)
        say(f"  {estimator}, seed {seed}: " + ", ".join(f"{k} {row[k] / max(row[RULES[0]], 1e-300):.3f}x"
                                                      for k in RULES[1:]))
    return rows


def rules_summary(rows):
    """Per estimator, each rule's hypervolume over the front's own rule: per problem (of the means over the
    seeds), and over every problem and seed (geometric mean of the per-seed ratios, the standard error of
    their logarithm, and the share of seeds that lose more than 5 %). Seeds where the front's own rule has
    no hypervolume are left out of the per-seed figures."""
    out = {}
    for estimator in dict.fromkeys(r["estimator"] for r in rows):
        mine = [r for r in rows if r["estimator"] == estimator]
        per_problem = {}
        for name in dict.fromkeys(r["problem"] for r in mine):
            these = [r for r in mine if r["problem"] == name]
            own = float(np.mean([r[RULES[0]] for r in these]))
            per_problem[name] = {k: float(np.mean([r[k] for r in these])) / own if own > 0 else float("nan")
                                 for k in RULES[1:]}
            gaps = [r["fairest_gap"] for r in these if "fairest_gap" in r]  # runs before 2026-12-06 lack it
            if gaps:
                per_problem[name]["fairest_gap"] = {k: suite.mean_fairest_gap([g[k] for g in gaps])[0] for k in RULES}
        scored = [r for r in mine if r[RULES[0]] > 0]
        logs = {k: np.log(np.maximum([r[k] for r in scored], 1e-300) / np.array([r[RULES[0]] for r in scored]))
                for k in RULES[1:]}
        out[estimator] = {"problems": per_problem, "n_seeds": len(scored), "overall": {
            k: {"geometric_mean": float(np.exp(v.mean())), "se_log": float(v.std(ddof=1) / np.sqrt(len(v)))
                if len(v) > 1 else float("nan"), "share_worse_5pct": float(np.mean(v < np.log(0.95)))}
            for k, v in logs.items()}}
    return out


def rules_table(result):
    """The Markdown table of a ``--rules`` run: one row per estimator and problem, then the overall figures."""
    lines = ["| front | problem | " + " | ".join(RULES[1:]) + " |", "|---|---|" + "---:|" * (len(RULES) - 1)]
    for estimator, e in result["summary"].items():
        for name, ratios in e["problems"].items():
            gaps = ratios.get("fairest_gap")
            cells = [f"{ratios[k]:.3f}x" + ("" if gaps is None or gaps[k] is None else f" ({100 * gaps[k]:.1f})")
                     for k in RULES[1:]]
            own = "" if gaps is None or gaps[RULES[0]] is None else f" ({100 * gaps[RULES[0]]:.1f})"
            lines.append(f"| {NAMES[estimator]} | {name}{own} | " + " | ".join(cells) + " |")
        o = e["overall"]
        lines.append(f"| **{NAMES[estimator]}** | **all {e['n_seeds']} seeds**: geometric mean ± s.e.; share "
                     "> 5 % worse | " + " | ".join(f"**{o[k]['geometric_mean']:.3f}x** ± {o[k]['se_log']:.3f}; "
                                                   f"{o[k]['share_worse_5pct']:.0%}" for k in RULES[1:]) + " |")
    return lines


NAMES = {"cba": "CBA", "suhnpf": "SUHNPF", "phn": "PHN", "fapareto": "FaPareto"}


def table(result):
    """The Markdown table of a run: each large-data front's ratio beside the suite's best front's."""
    heads = list(dict.fromkeys(h for e in result["summary"].values() for h in e["heads"]))
    lines = ["| problem | " + " | ".join(f"large data, {h}" for h in heads) + " | best of the suite, same seeds |",
             "|---|" + "---:|" * (len(heads) + 1)]
    for name, e in result["summary"].items():
        cells = [f"{e['heads'][h]['ratio']:.3f}x" if h in e["heads"] else "–" for h in heads]
        best = f"{e['best_ratio']:.3f}x ({NAMES.get(e['best'], e['best'])})" if "best" in e else "–"
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {best} |")
    return lines


SOURCES = ("validation split", "0", "fresh rows")


def retune_summary(rows):
    """Per problem and estimator: the members' ratio to the peer (of mean hypervolumes), for each source of
    thresholds."""
    out = {}
    for name in dict.fromkeys(r["problem"] for r in rows):
        for estimator in dict.fromkeys(r["estimator"] for r in rows if r["problem"] == name):
            mine = [r for r in rows if r["problem"] == name and r["estimator"] == estimator]
            peer_hv = float(np.mean([r["peer_hv"] for r in mine]))
            out.setdefault(name, {})[estimator] = {"seeds": [r["seed"] for r in mine], **{
                k: float(np.mean([r[k] for r in mine])) / peer_hv for k in SOURCES}}
    return out


def retune_table(result):
    """The Markdown table of a ``--retune`` run."""
    lines = ["| problem | front | " + " | ".join(f"thresholds: {k}" for k in SOURCES) + " |",
             "|---|---|" + "---:|" * len(SOURCES)]
    for name, fronts in result["summary"].items():
        for estimator, e in fronts.items():
            lines.append(f"| {name} | {NAMES[estimator]} | " + " | ".join(f"{e[k]:.3f}x" for k in SOURCES) + " |")
    return lines


def resummarize(output, suite_path):
    """Rewrite ``output``'s (a large-data run's) summary from its rows beside the suite's ratios at ``suite_path``."""
    out = json.loads(output.read_text())
    if "heads" not in out:
        raise ValueError(f"{output} is not a large-data run (no heads): --resummarize reads headroom.json's kind")
    result = json.loads(suite_path.read_text())
    out["summary"] = summarize(out["rows"], result)
    print("\n".join(table(out)))
    _write(output, out)
    return out


def _write(output, out):
    from skfairpareto._utils import atomic_write

    output.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(output, lambda fh: fh.write(json.dumps(out, indent=2).encode()))
    print(f"wrote {output}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", nargs="+", default=None, help="names of synthetic problems (default: all)")
    parser.add_argument("--seeds", nargs="+", type=int, default=None, help="seeds (default: each problem's own)")
    parser.add_argument("--population", type=int, default=None,
                        help="rows drawn for the large-data front (default: 20 x the training rows, at most 100,000)")
    parser.add_argument("--heads", nargs="+", default=list(HEADS), choices=list(HEADS),
                        help="the model classes of the large-data fronts (default: all)")
    parser.add_argument("--retune", nargs="+", choices=("suhnpf", "phn", "fapareto"), default=None,
                        help="score these estimators' members with thresholds from three sources instead")
    parser.add_argument("--rules", nargs="+", choices=("suhnpf", "phn"), default=None,
                        help="score these estimators' members with each decision rule of RULES on fresh rows instead")
    parser.add_argument("--fresh", type=int, default=20000,
                        help="rows drawn afresh to tune on (--retune) or to score on (--rules)")
    parser.add_argument("--suite", default=str(ROOT / "docs" / "results" / "suite.json"),
                        help="the suite's results: its peers' hypervolumes and its fronts' ratios")
    parser.add_argument("--output", default=None,
                        help="default: docs/results/headroom.json (retune.json with --retune, "
                             "tuning_rules.json with --rules)")
    parser.add_argument("--resummarize", action="store_true",
                        help="refit nothing: recompute --output's large-data summary beside the suite's current ratios")
    args = parser.parse_args(argv)
    if args.retune and args.rules:
        parser.error("--retune and --rules are separate runs: pass one of them")
    if args.resummarize:
        if args.retune or args.rules or args.problems or args.seeds:
            parser.error("--resummarize refits nothing: it takes only --suite and --output")
        return resummarize(Path(args.output or ROOT / "docs" / "results" / "headroom.json"), Path(args.suite))
    for name in ("population", "fresh"):
        if getattr(args, name) is not None and getattr(args, name) < 1:
            parser.error(f"--{name} must be a number of rows >= 1, got {getattr(args, name)}")
    todo = [p for p in suite.problems() if p.population is not None]
    if args.problems:
        probes = [p for p in suite.probes() if p.name in args.problems]  # by name only, never in the tables' runs
        # Real data have no fresh rows: --rules scores them on the suite's test split, by name and to their own
        # output, beside (never in) the synthetic problems' table.
        real = [p for p in suite.problems() if p.population is None and p.name in args.problems] if args.rules else []
        if (probes or real) and args.output is None:
            parser.error(f"{[p.name for p in probes + real]} are not the default run's problems: name their --output")
        todo += probes + real
        unknown = set(args.problems) - {p.name for p in todo}
        if unknown:
            kind = "problems of the suite (real data only with --rules)" if not args.rules else "problems of the suite"
            parser.error(f"not {kind} or its probes: {sorted(unknown)}")
        todo = [p for p in todo if p.name in args.problems]
    result = json.loads(Path(args.suite).read_text())
    stored = {(r["problem"], r["seed"], r["method"]): r for r in result["rows"]}
    default = "retune.json" if args.retune else "tuning_rules.json" if args.rules else "headroom.json"
    output = Path(args.output or ROOT / "docs" / "results" / default)
    rows, t0 = [], time.perf_counter()
    say = lambda message: print(message, flush=True)  # noqa: E731
    for problem in todo:
        say(problem.name)
        seeds = args.seeds or problem.seeds
        if args.retune:
            for estimator in args.retune:
                rows += retune(problem, estimator, seeds, stored, args.fresh, say)
        elif args.rules:
            for estimator in args.rules:
                rows += rules(problem, estimator, seeds, args.fresh, say)
        else:
            rows += run(problem, seeds, stored, args.population, say, args.heads)
    if args.retune:
        out = {"estimators": args.retune, "fresh": args.fresh, "wall_seconds": time.perf_counter() - t0, "rows": rows,
               "summary": retune_summary(rows)}
        print("\n".join(retune_table(out)))
    elif args.rules:
        out = {"estimators": args.rules, "fresh": args.fresh, "wall_seconds": time.perf_counter() - t0, "rows": rows,
               "summary": rules_summary(rows)}
        print("\n".join(rules_table(out)))
    else:
        summary = summarize(rows, result)
        out = {"population": args.population, "heads": {h: list(HEADS[h]) for h in args.heads},
               "wall_seconds": time.perf_counter() - t0, "summary": summary, "rows": rows}
        print("\n".join(table(out)))
    _write(output, out)
    return out


if __name__ == "__main__":
    main()

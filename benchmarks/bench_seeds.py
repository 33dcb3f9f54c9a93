"""Test hypervolume over several splits: the benchmark per seed, then mean and spread per method.

Usage: python benchmarks/bench_seeds.py [--seeds 0 1 2 3 4] [--methods ...] [--constraints NAME [NAME ...]]
[--target binary|multiclass] [--features hybrid|minilm|lexical] [--group-aware] [--output-dir DIR] [--reuse]

One split's hypervolume moves a lot with the split (the test split holds about 1,500 AAE
tweets, so a group's accuracy carries about 0.7 points of sampling noise), so comparisons
between methods are made on the mean over seeds. Each seed runs
:func:`skfairpareto.benchmark.run_benchmark` into ``DIR/seed-K``; with ``--reuse`` a seed whose
``results.json`` is already there (from the same methods) is read instead of refitted, its
summary recomputed from its rows under this version's rules (its fit times as recorded). Prints a
table -- per method the mean and standard deviation of the test hypervolume, its ratio to
ExponentiatedGradient's mean (to ThresholdOptimizer's for group-aware methods; with
``--target multiclass``, to the better by mean of multinomial logistic regression and one
ExponentiatedGradient per class, the suite's K-class peer; with several ``--constraints``,
ExponentiatedGradient is the union of its fronts for each criterion), the per-seed
values, on how many seeds it is at least that peer's, the mean fairest gap (among the models that
beat predicting the majority class) and mean fit time,
on how many seeds some member has a gap of at most 1 point at 93 % accuracy or more, and the
mean best accuracy at a gap of at most 1 point (over the seeds with such a member; both among the
models that beat the majority class) -- and
writes ``DIR/seeds.json`` and a bar chart of the means, ``DIR/seeds.png``.

After a change to some methods only, ``--merge --methods M ...`` refits just those on each seed
and folds them into the seed's ``results.json`` already in ``--output-dir``: their rows, summary
entries and Table 3 replace the earlier ones, the other methods' are kept, and the summary is
recomputed from the rows. The split must be the earlier run's (same seed, data, criterion, test
rows and majority-class error; a ValueError says which differs). The refit's own figures and
dashboard stay in ``seed-K/merge``; the earlier run's, which no longer match, are removed.

Where the earlier run's seed folders are gone, ``--merge-table FILE --methods M ...`` refits those of
our fronts on each seed into ``--output-dir`` and folds their rows into the published table ``FILE``
(a ``seeds.json`` of this script, such as ``docs/results/seeds_error_rate_parity.json``): the other
methods' rows, the peers' included, are kept as published, and each refit front is compared with the
table's peer on its per-seed values. The table must be of the same seeds, criterion, target, features
and mode, run on a machine whose float32 kernels round alike, and the refit on its splits: each
``seeds.json`` records every seed's split (``splits``) and the machine's float32 fingerprint
(``skfairpareto.benchmark._machine``), and a refit on another split or machine is refused (our fronts
train in float32, and a front's rows on two CPUs differ by the CPUs as well as by the code: on one
seed by 8 % of its hypervolume). A table written before those records is checked through a witness
instead, a method in ``--methods`` that the change did not touch, whose per-seed hypervolumes must
come back equal to the table's (to 1e-12; a ValueError otherwise).
"""

import argparse
import json
import textwrap
from pathlib import Path

import numpy as np

from skfairpareto.benchmark import METHODS, MULTICLASS_PEERS, OUR_METHODS, is_group_aware, run_benchmark
from skfairpareto.benchmark._machine import float32_fingerprint
from skfairpareto.benchmark._methods import method_runs
from skfairpareto.benchmark._report import SUMMARY_COUNTS, markdown, mean_fairest_gap, resummarize

DEFAULT_METHODS = {"binary": (*OUR_METHODS, "expgrad"), "multiclass": (*OUR_METHODS, "multinomial", "expgrad-ovr")}


#: What a run's fairest gaps and best accuracies are taken over (runs that wrote no ``fairest``
#: counted every model).
FAIREST = "models that beat predicting the majority class"

#: What a refit must share with the run it is merged into: the same split, scored the same way.
SAME_SPLIT = ("seed", "target", "source", "constraints", "fairness_metric", "features", "n_texts", "n_test",
              "quick", "validation_fraction", "gap_loss", "reference_point", "groups", "majority_error")

#: A seed folder's outputs that show every method's models: stale once some methods are merged.
WHOLE_RUN_FILES = ("fronts.png", "model_comparison.png", "dashboard.html")


def merge_runs(earlier, refit):
    """``earlier`` (a seed's ``results.json`` payload) with ``refit``'s methods in place of its own.

    The refit's rows, summary entries and Table 3 replace those of the same methods; the other
    methods' are kept, in the earlier order, and the summary is recomputed from the merged rows
    (:func:`~skfairpareto.benchmark._report.resummarize`, with each method's fit time as measured in
    its own run). ``merged`` lists the methods taken from the refit.
    """
    for payload, name in ((earlier, "the earlier run"), (refit, "the refit")):
        if "rows" not in payload or "majority_error" not in payload:
            raise ValueError(f"{name} keeps no rows or no majority_error: it cannot be merged; run every method")
    differ = [k for k in SAME_SPLIT if not _same(earlier.get(k), refit.get(k))]
    if differ:
        raise ValueError(f"the refit is not on the earlier run's split: {', '.join(differ)} differ "
                         f"({', '.join(f'{k}: {earlier.get(k)!r} vs {refit.get(k)!r}' for k in differ)})")
    replaced = list(refit["summary"])
    summary = {m: refit["summary"].get(m, v) for m, v in earlier["summary"].items()}
    summary.update({m: v for m, v in refit["summary"].items() if m not in summary})
    rows = [r for r in earlier["rows"] if r["method"] not in replaced] + refit["rows"]
    table3 = {**earlier.get("table3", {}), **refit.get("table3", {})}
    merged = {k: v for k, v in earlier.items() if k != "dashboard_seconds"}
    merged.update(rows=rows, summary=summary, table3=table3,
                  merged=sorted(set(earlier.get("merged", [])) | set(replaced)))
    return resummarize(merged)


def _same(a, b):
    """Equal, floats up to their last bits (one majority error summed in another order is the same split's)."""
    if isinstance(a, float) and isinstance(b, float):
        return bool(np.isclose(a, b, rtol=1e-12, atol=0.0))
    return a == b


def _merge_seed(folder, refit_kwargs):
    """Refit some methods on one seed into ``folder/merge`` and fold them into ``folder/results.json``."""
    from skfairpareto._utils import atomic_write

    done = folder / "results.json"
    if not done.exists():
        raise ValueError(f"--merge folds into an earlier run, and there is none at {done}")
    earlier = json.loads(done.read_text())
    refit = run_benchmark(**refit_kwargs, output_dir=folder / "merge", verbose=0)
    merged = merge_runs(earlier, refit)
    atomic_write(done, lambda fh: fh.write(json.dumps(merged, indent=2).encode()))
    atomic_write(folder / "results.md", lambda fh: fh.write(markdown(merged).encode()))
    for name in WHOLE_RUN_FILES:
        (folder / name).unlink(missing_ok=True)
    return merged


def split_record(results):
    """What identifies a seed's split and scoring in its ``results.json`` payload (:data:`SAME_SPLIT`)."""
    return {k: results[k] for k in SAME_SPLIT if k in results}


def merge_table(table, refit, splits, fingerprint):
    """The published ``table`` (a ``seeds.json`` payload) with the ``refit`` summary rows in place of its own.

    ``refit`` maps each refit method to its row (as :func:`summary_row` makes it, without a peer),
    ``splits`` each seed to the refit's :func:`split_record`, and ``fingerprint`` is this machine's
    float32 fingerprint. Each refit method is compared with the table's peer for it (its per-seed
    values as published). The table's own ``splits`` and fingerprint must equal the refit's; a table
    without them needs a witness: a refit method whose per-seed hypervolumes equal the table's to
    1e-12 (``reproduced`` lists them). A ValueError says what differs.
    """
    summary = table["summary"]
    missing = [m for m in refit if m not in summary]
    if missing:
        raise ValueError(f"the table has no rows of {', '.join(missing)} to replace; rerun it whole")
    reproduced = sorted(m for m in refit if set(refit[m]["per_seed"]) == set(summary[m]["per_seed"]) and all(
        _same(float(v), float(summary[m]["per_seed"][s])) for s, v in refit[m]["per_seed"].items()))
    if table.get("float32_fingerprint", fingerprint) != fingerprint:
        raise ValueError(f"the table was run on a machine whose float32 kernels round otherwise (fingerprint "
                         f"{table['float32_fingerprint']}, here {fingerprint}): our fronts' rows of two machines "
                         "differ by the machines as well as by the code; rerun the table whole")
    recorded = table.get("splits")
    if recorded is not None:
        differ = sorted(s for s in splits if not _same_record(recorded.get(str(s)), splits[s]))
        if differ:
            raise ValueError(f"the refit is not on the table's splits: seeds {differ} differ")
    if (recorded is None or "float32_fingerprint" not in table) and not reproduced:
        raise ValueError("the table records no splits or no machine, and no refit method reproduced its "
                         "hypervolumes: add a method the change did not touch to --methods as a witness (if it "
                         "does not reproduce, the table is of another machine or split: rerun it whole)")
    means = {m: r["mean"] for m, r in summary.items()}
    merged = {}
    for method, row in summary.items():
        if method not in refit:
            merged[method] = row
            continue
        new = dict(refit[method])
        peer = row.get("peer") or _peer(method, list(summary), means)
        if peer:
            _compare_with_peer(new, peer, [summary[peer]["per_seed"][s] for s in new["per_seed"]])
        merged[method] = new
    out = {**table, "summary": merged, "splits": {str(s): r for s, r in splits.items()},
           "float32_fingerprint": fingerprint,
           "merged": sorted(set(table.get("merged", [])) | set(refit)), "reproduced": reproduced}
    return out


def _compare_with_peer(row, peer, peer_hv):
    """Add to ``row`` (a :func:`summary_row`) its ratio of means to ``peer`` and on how many seeds it is at least
    the peer's; ``peer_hv``: the peer's hypervolume on each of the row's seeds, in the row's order."""
    hv, peer_hv = np.array(list(row["per_seed"].values())), np.array(peer_hv)
    row.update(peer=peer, ratio_to_peer=float(hv.mean() / peer_hv.mean()) if peer_hv.mean() > 0 else None,
               seeds_at_least_peer=int(np.sum(hv >= peer_hv)))
    return row


def _same_record(a, b):
    return a is not None and set(a) == set(b) and all(_same(a[k], b[k]) for k in a)


def _peer(method, methods, mean_hv):
    """The method a method is compared with: ExponentiatedGradient, ThresholdOptimizer for group-aware
    ones; for K classes the better, by ``mean_hv``, of the K-class peers that ran and use the group
    as the method does (None for a peer)."""
    if method in MULTICLASS_PEERS:
        return None
    ran = [m for m in MULTICLASS_PEERS if m in methods and is_group_aware(m) == is_group_aware(method)]
    if ran:
        return max(ran, key=lambda m: mean_hv[m])
    peer = "threshold" if is_group_aware(method) else "expgrad"
    return peer if peer in methods and peer != method else None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--methods", nargs="+", choices=METHODS, default=None,
                        help="default: ours and the target's peers")
    parser.add_argument("--constraints", nargs="+", default=["error_rate_parity"],
                        help="one criterion, or several: fronts over the error and each criterion's gap")
    parser.add_argument("--target", default="binary", choices=("binary", "multiclass"))
    parser.add_argument("--features", default="hybrid")
    parser.add_argument("--group-aware", action="store_true")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--output-dir", default="seeds-benchmark")
    parser.add_argument("--reuse", action="store_true", help="read seeds already run in --output-dir")
    parser.add_argument("--merge", action="store_true",
                        help="refit only --methods on each seed and fold them into the seed already run in "
                             "--output-dir (the other methods' results kept): after a change to those methods")
    parser.add_argument("--merge-table", default=None, metavar="FILE",
                        help="refit only --methods (our fronts) on each seed and fold them into the published "
                             "table FILE (a seeds.json), its other rows kept: where the seed folders are gone")
    args = parser.parse_args(argv)
    if args.merge and (args.reuse or args.methods is None):
        parser.error("--merge refits the --methods it is given (required) into an earlier run; not with --reuse")
    table = None
    if args.merge_table:
        if args.merge or args.reuse or args.methods is None:
            parser.error("--merge-table refits the --methods it is given (required); not with --merge or --reuse")
        peers = [m for m in args.methods if m not in OUR_METHODS]
        if peers:
            parser.error(f"--merge-table refits our fronts only; the table's peers stay as published (got {peers})")
        table = json.loads(Path(args.merge_table).read_text())
    if args.methods is None:  # group-aware fronts are compared with ThresholdOptimizer, which uses the group too
        args.methods = list(DEFAULT_METHODS[args.target]) + (["threshold"] if args.group_aware else [])
    # A seed read back must hold every run asked for, the group-aware ones included.
    required = set(method_runs(args.methods, args.group_aware))
    out = Path(args.output_dir)
    constraints = args.constraints if len(args.constraints) > 1 else args.constraints[0]
    named = " + ".join(args.constraints)
    if len(args.constraints) > 1:
        named += " (fairlearn: the union of its fronts)"
    if table is not None:
        asked = {"seeds": args.seeds, "constraints": constraints, "target": args.target, "features": args.features,
                 "group_aware": args.group_aware, "fairest": FAIREST}
        differ = {k: (table.get(k), v) for k, v in asked.items() if table.get(k) != v}
        if differ:
            parser.error("the table was not run with these settings: " + ", ".join(
                f"{k} {was!r} there, {now!r} here" for k, (was, now) in differ.items()))
    per_seed, splits, current = {}, {}, True  # current: every seed's summary follows this version's rules
    for seed in args.seeds:
        folder = out / f"seed-{seed}"
        done = folder / "results.json"
        results = json.loads(done.read_text()) if args.reuse and done.exists() else None
        if args.merge:
            results = _merge_seed(folder, dict(methods=tuple(args.methods), quick=args.quick, seed=seed,
                                               target=args.target, constraints=constraints,
                                               features=args.features, group_aware=args.group_aware))
        elif results is None or not required <= set(results["summary"]):
            results = run_benchmark(methods=tuple(args.methods), quick=args.quick, seed=seed, target=args.target,
                                    constraints=constraints, features=args.features,
                                    group_aware=args.group_aware, output_dir=folder, verbose=0)
        elif "rows" in results and "majority_error" in results:
            results = resummarize(results)  # a seed run before the summary's rules changed, read as a new one
        current = current and results.get("summary_counts") == SUMMARY_COUNTS
        per_seed[seed] = results["summary"]
        splits[seed] = json.loads(json.dumps(split_record(results)))  # as the table will read it back
    seeds = list(per_seed)
    methods = list(per_seed[seeds[0]])
    summary = {}
    mean_hv = {m: float(np.mean([per_seed[s][m]["test_hypervolume"] for s in seeds])) for m in methods}
    for m in methods:
        summary[m] = summary_row([per_seed[s][m] for s in seeds], seeds)
        peer = None if table is not None else _peer(m, methods, mean_hv)
        if peer:
            _compare_with_peer(summary[m], peer, [per_seed[s][peer]["test_hypervolume"] for s in seeds])
    payload = {"seeds": seeds, "constraints": constraints, "target": args.target, "features": args.features,
               "group_aware": args.group_aware, **({"fairest": FAIREST} if current else {}), "summary": summary,
               "splits": {str(s): r for s, r in splits.items()}, "float32_fingerprint": float32_fingerprint()}
    if table is not None:
        payload = merge_table(table, summary, splits, payload["float32_fingerprint"])
        summary = payload["summary"]
        print(f"merged into {args.merge_table}: {', '.join(payload['merged'])}; reproduced to 1e-12: "
              f"{', '.join(payload['reproduced']) or 'none'}")
    print(f"test hypervolume over seeds {seeds} ({args.features} features, {named}, {args.target})")
    print("method | mean | std | vs peer | " + " | ".join(f"seed {s}" for s in seeds)
          + " | seeds >= peer | fairest gap | fit s | seeds gap<=1pt at >=93% | best acc. at gap<=1pt (seeds)")
    for m, row in sorted(summary.items(), key=lambda kv: -kv[1]["mean"]):
        ratio = row.get("ratio_to_peer")
        cells = [f"{row['mean']:.5f}", f"{row['std']:.5f}", "–" if ratio is None else f"{ratio:.2f}x",
                 *(f"{v:.5f}" for v in row["per_seed"].values()),
                 f"{row['seeds_at_least_peer']}/{len(seeds)}" if "seeds_at_least_peer" in row else "–",
                 "–" if row.get("mean_fairest_gap") is None else f"{row['mean_fairest_gap']:.4f}",
                 f"{row['mean_fit_seconds']:.1f}" if "mean_fit_seconds" in row else "–",
                 f"{row['seeds_gap_le_1pt_at_93']}/{len(seeds)}" if "seeds_gap_le_1pt_at_93" in row else "–",
                 "–" if row.get("mean_best_accuracy_gap_le_1pt") is None
                 else f"{100 * row['mean_best_accuracy_gap_le_1pt']:.2f} % ({row['seeds_gap_le_1pt']})"]
        print(f"{m} | " + " | ".join(cells))
    out.mkdir(parents=True, exist_ok=True)
    classes = ", three classes" if args.target == "multiclass" else ""
    plot(summary, out / "seeds.png", f"{args.features} features, {named}{classes}, seeds {seeds}")
    (out / "seeds.json").write_text(json.dumps(payload, indent=2))
    return summary


def summary_row(rows, seeds):
    """One method's row of the table from its per-seed summaries ``rows`` (no peer yet)."""
    hv = np.array([r["test_hypervolume"] for r in rows])
    row = {"mean": float(hv.mean()), "std": float(hv.std(ddof=1)) if len(hv) > 1 else 0.0,
           "per_seed": dict(zip(map(str, seeds), hv.tolist()))}
    if all("fairest_gap" in r for r in rows):  # None on a seed where no model beats the majority class
        gap, counted = mean_fairest_gap([r["fairest_gap"] for r in rows])
        row["mean_fairest_gap"], row["seeds_with_fairest_gap"] = gap, counted
    if all("fit_seconds" in r for r in rows):
        row["mean_fit_seconds"] = float(np.mean([r["fit_seconds"] for r in rows]))
    if all("best_accuracy_gap_le_1pt" in r for r in rows):
        row["seeds_gap_le_1pt_at_93"] = int(sum((r["best_accuracy_gap_le_1pt"] or 0) >= 0.93 for r in rows))
        reached = [r["best_accuracy_gap_le_1pt"] for r in rows if r["best_accuracy_gap_le_1pt"] is not None]
        row["seeds_gap_le_1pt"] = len(reached)
        row["mean_best_accuracy_gap_le_1pt"] = float(np.mean(reached)) if reached else None
    return row


def plot(summary, path, title):
    """Mean test hypervolume per method (bars, one standard deviation as whiskers; peers hatched)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from skfairpareto.benchmark import OUR_METHODS, label

    rows = sorted(summary.items(), key=lambda kv: kv[1]["mean"])
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(rows) + 1.2))
    kinds = {"ours, group-blind": dict(facecolor="tab:blue"), "ours, group-aware": dict(facecolor="tab:orange"),
             "fairlearn": dict(facecolor="0.75", hatch="//")}
    for i, (m, row) in enumerate(rows):
        kind = "fairlearn" if m.removesuffix("-aware") not in OUR_METHODS else (
            "ours, group-aware" if m.endswith("-aware") else "ours, group-blind")
        ax.barh(i, row["mean"], xerr=row["std"], edgecolor="0.3", capsize=3, **kinds[kind])
    ax.set_yticks(range(len(rows)), [label(m) for m, _ in rows], fontsize=8)
    ax.legend(handles=[plt.Rectangle((0, 0), 1, 1, edgecolor="0.3", **v) for v in kinds.values()], labels=list(kinds),
              fontsize=7, loc="lower right")
    ax.set_xlabel("mean test hypervolume (whiskers: one standard deviation over seeds)", fontsize=8)
    ax.set_title("\n".join(textwrap.wrap(title, 80)), fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    main()

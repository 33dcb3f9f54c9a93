"""Test hypervolume over several splits: the benchmark per seed, then mean and spread per method.

Usage: python benchmarks/bench_seeds.py [--seeds 0 1 2 3 4] [--methods ...] [--output-dir DIR]
[--reuse]

One split's hypervolume moves a lot with the split (the test split holds about 1,500 AAE
tweets, so a group's accuracy carries about 0.7 points of sampling noise), so comparisons
between methods are made on the mean over seeds. Each seed runs
:func:`skfairpareto.benchmark.run_benchmark` into ``DIR/seed-K``; with ``--reuse`` a seed whose
``results.json`` is already there (from the same methods) is read instead of refitted. Prints a
table (mean, standard deviation, per-seed values, and on how many seeds each method's
hypervolume is at least ExponentiatedGradient's) and writes ``DIR/seeds.json``.
"""

import argparse
import json
from pathlib import Path

import numpy as np

from skfairpareto.benchmark import METHODS, OUR_METHODS, run_benchmark

DEFAULT_METHODS = (*OUR_METHODS, "expgrad")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--methods", nargs="+", choices=METHODS, default=list(DEFAULT_METHODS))
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--output-dir", default="seeds-benchmark")
    parser.add_argument("--reuse", action="store_true", help="read seeds already run in --output-dir")
    args = parser.parse_args(argv)
    out = Path(args.output_dir)
    per_seed = {}
    for seed in args.seeds:
        folder = out / f"seed-{seed}"
        done = folder / "results.json"
        results = json.loads(done.read_text()) if args.reuse and done.exists() else None
        if results is None or not set(args.methods) <= set(results["summary"]):
            results = run_benchmark(methods=tuple(args.methods), quick=args.quick, seed=seed,
                                    output_dir=folder, verbose=0)
        per_seed[seed] = {m: results["summary"][m]["test_hypervolume"] for m in args.methods}
    seeds = list(per_seed)
    summary = {}
    for m in args.methods:
        hv = np.array([per_seed[s][m] for s in seeds])
        row = {"mean": float(hv.mean()), "std": float(hv.std(ddof=1)) if len(hv) > 1 else 0.0,
               "per_seed": dict(zip(map(str, seeds), hv.tolist()))}
        if "expgrad" in args.methods:
            row["seeds_at_least_expgrad"] = int(sum(per_seed[s][m] >= per_seed[s]["expgrad"] for s in seeds))
        summary[m] = row
    print(f"test hypervolume over seeds {seeds}")
    print("method | mean | std | " + " | ".join(f"seed {s}" for s in seeds)
          + (" | seeds >= expgrad" if "expgrad" in args.methods else ""))
    for m, row in sorted(summary.items(), key=lambda kv: -kv[1]["mean"]):
        cells = [f"{row['mean']:.5f}", f"{row['std']:.5f}", *(f"{v:.5f}" for v in row["per_seed"].values())]
        if "seeds_at_least_expgrad" in row:
            cells.append(f"{row['seeds_at_least_expgrad']}/{len(seeds)}")
        print(f"{m} | " + " | ".join(cells))
    out.mkdir(parents=True, exist_ok=True)
    (out / "seeds.json").write_text(json.dumps({"seeds": seeds, "summary": summary}, indent=2))
    return summary


if __name__ == "__main__":
    main()

"""Which surrogate of error-rate parity equalises accuracy? One PHN-LS front per surrogate.

Usage: python benchmarks/bench_surrogates.py [--seed 0] [--features minilm] [--output surrogates.json]

Runs the benchmark's protocol (:func:`skfairpareto.benchmark.run_benchmark`, the seeded 80/20
split, ``PHNParetoClassifier(solver="ls")``) three times, once per reading of the seed paper's
f2 in :class:`skfairpareto.criteria.ErrorRateParity`: the groups' mean cross-entropy
(``gap_loss="bce"``, the paper), its class-balanced variant, and the expected error (the
default). Prints the fairest member's test accuracy and accuracy gap and the front's test
hypervolume per surrogate (the table in docs/estimators.md), and writes JSON.
"""

import argparse
import json
import tempfile
from pathlib import Path

from skfairpareto.benchmark import run_benchmark
from skfairpareto.criteria import ErrorRateParity

SURROGATES = {
    "cross-entropy (`ErrorRateParity(gap_loss=\"bce\")`, the paper)": dict(gap_loss="bce"),
    "class-balanced cross-entropy (`ErrorRateParity(gap_loss=\"bce\", class_balanced=True)`)":
        dict(gap_loss="bce", class_balanced=True),
    "expected error (`ErrorRateParity()`, the default)": dict(gap_loss="expected_error"),
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--features", default="minilm")
    parser.add_argument("--output", default="surrogates.json")
    args = parser.parse_args(argv)
    result = {}
    print(f"PHN-LS, seed {args.seed}, {args.features} features, test split")
    print("| f2 compares the groups' mean | fairest member: accuracy, gap | test HV (ref 0.15, 0.10) |")
    print("|---|---|---|")
    for name, params in SURROGATES.items():
        with tempfile.TemporaryDirectory() as out:
            run = run_benchmark(methods=("phn-ls",), seed=args.seed, features=args.features,
                                constraints=ErrorRateParity(class_balanced=params.get("class_balanced", False)),
                                gap_loss=params["gap_loss"], output_dir=out, verbose=0)
        fairest = min((r for r in run["rows"] if r["method"] == "phn-ls"), key=lambda r: r["gap"])
        hv = run["summary"]["phn-ls"]["test_hypervolume"]
        result[name] = dict(params, accuracy=fairest["accuracy"], gap=fairest["gap"], test_hypervolume=hv)
        print(f"| {name} | {100 * fairest['accuracy']:.2f} %, {100 * fairest['gap']:.2f} points | {hv:.4f} |")
    Path(args.output).write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()

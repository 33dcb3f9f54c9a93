"""CBAClassifier's alpha sweep: warm-started from alpha = 1 downwards against independent fits.

Usage: python benchmarks/bench_warm_start.py [--seed 0] [--features hybrid] [--cache-dir DIR]
[--output warm_start.json]

On the benchmark's protocol (its data, split and cached features from
:func:`skfairpareto.benchmark.prepare_split`, and its alpha grid of 7 values), fits the seven heads once as one warm-started sweep (each alpha
continues from its neighbour, the accuracy stage fitted once: what the benchmark does) and once
as seven independent fits, side by side in one run. Prints wall seconds and the test
hypervolume of both fronts, and writes JSON.
"""

import argparse
import copy
import json
import time
from pathlib import Path

import numpy as np

from skfairpareto import CBAClassifier
from skfairpareto.benchmark import REFERENCE_POINT, prepare_split
from skfairpareto.metrics import accuracy_gap, evaluate_predictions, hypervolume, pareto_mask


def _front_hv(members, X, y, groups):
    """Test hypervolume of (error, accuracy gap) of the members' non-dominated points."""
    scores = [evaluate_predictions(y, m.predict(X), groups, accuracy_gap) for m in members]
    points = np.array([[r["error"], r["gap"]] for r in scores])
    return float(hypervolume(points[pareto_mask(points)], REFERENCE_POINT))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--features", default="hybrid")
    parser.add_argument("--cache-dir", default=None, help="embedding and feature cache (default: the package's)")
    parser.add_argument("--output", default="warm_start.json")
    args = parser.parse_args(argv)
    split = prepare_split(seed=args.seed, features=args.features, cache_dir=args.cache_dir, verbose=1)
    X_tr, X_te, y_tr, y_te = split.X_train, split.X_test, split.y_train, split.y_test
    g_tr, g_te = split.groups_train, split.groups_test
    alphas = np.linspace(1.0, 0.0, 7)
    result = {}
    for name, warm in (("warm-started sweep", True), ("independent fits", False)):
        t0 = time.perf_counter()
        members = []
        clf = CBAClassifier(warm_start=warm, random_state=args.seed)
        for a in alphas:
            members.append(copy.deepcopy(clf.set_params(alpha=float(a)).fit(X_tr, y_tr, sensitive_features=g_tr)))
        seconds = time.perf_counter() - t0
        result[name] = dict(seconds=seconds, test_hypervolume=_front_hv(members, X_te, y_te, g_te))
        print(f"{name}: {seconds:.1f} s, test HV {result[name]['test_hypervolume']:.5f}", flush=True)
    Path(args.output).write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()

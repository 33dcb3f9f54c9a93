"""CBAClassifier's alpha sweep: warm-started from alpha = 1 downwards against independent fits.

Usage: python benchmarks/bench_warm_start.py [--seed 0] [--features hybrid] [--output warm_start.json]

On the benchmark's protocol (bundled tweets, seeded 80/20 split, the benchmark's features and
alpha grid of 7 values), fits the seven heads once as one warm-started sweep (each alpha
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

from sklearn.model_selection import train_test_split

from skfairpareto import CBAClassifier, TextFeatures
from skfairpareto.benchmark import REFERENCE_POINT
from skfairpareto.datasets import load_hate_speech
from skfairpareto.features import FEATURE_SETS
from skfairpareto.metrics import accuracy_gap, evaluate_predictions, hypervolume, pareto_mask


def _split(seed, features):
    """The benchmark's seeded 80/20 split (stratified by group and label) and its features."""
    data = load_hate_speech(aae_threshold=0.5)
    texts, groups = data.data, np.asarray(data.sensitive_features).astype(str)
    y = (np.asarray(data.target) == np.unique(data.target)[1]).astype(int)
    tr, te = train_test_split(np.arange(len(y)), test_size=0.2, random_state=seed,
                              stratify=np.char.add(groups, y.astype(str)))
    featurizer = TextFeatures(**FEATURE_SETS[features], n_components=512, random_state=seed)
    return featurizer.fit_transform(texts[tr]), featurizer.transform(texts[te]), y[tr], y[te], groups[tr], groups[te]


def _front_hv(members, X, y, groups):
    """Test hypervolume of (error, accuracy gap) of the members' non-dominated points."""
    scores = [evaluate_predictions(y, m.predict(X), groups, accuracy_gap) for m in members]
    points = np.array([[r["error"], r["unfairness"]] for r in scores])
    return float(hypervolume(points[pareto_mask(points)], REFERENCE_POINT))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--features", default="hybrid")
    parser.add_argument("--output", default="warm_start.json")
    args = parser.parse_args(argv)
    X_tr, X_te, y_tr, y_te, g_tr, g_te = _split(args.seed, args.features)
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

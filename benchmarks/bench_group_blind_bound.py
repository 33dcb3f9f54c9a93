"""How far can a group-blind head go? Bounds on the test front; prints a table, writes JSON.

Usage: python benchmarks/bench_group_blind_bound.py [--cache-dir DIR] [--output bound.json]

On the benchmark's protocol (bundled tweets, MiniLM embeddings, 80/20 split stratified by group
and label, seed 0, AAE threshold 0.5) it measures, on the test split, hypervolume of (error,
accuracy gap) with reference (0.15, 0.10) and the best accuracy at gap <= 1 and 2 points for:

* ``group-aware oracle`` -- one threshold per group on logistic regression's score, every pair
  scored on the test split itself (needs the group at prediction time; an upper bound);
* ``dialect decodability`` -- how well logistic regression recovers the group from X;
* ``LR + b * dialect`` -- group-blind linear heads ``score_y + b * score_group`` (a threshold
  per b), the Pareto set chosen on the training split.
"""

import argparse
import json
import os

import numpy as np
from sklearn.linear_model import LogisticRegression

from skfairpareto import SentenceEmbedder
from skfairpareto.datasets import load_hate_speech
from skfairpareto.metrics import hypervolume, pareto_mask
from skfairpareto.model_selection import stratified_split

REF = (0.15, 0.10)


def _points(scores, y, aae, thresholds_aae, thresholds_sae):
    """(error, gap) for every pair of an AAE threshold and an SAE threshold."""
    acc_a = np.array([((scores[aae] > t) == y[aae]).mean() for t in thresholds_aae])
    acc_s = np.array([((scores[~aae] > t) == y[~aae]).mean() for t in thresholds_sae])
    n_a, n_s = aae.sum(), (~aae).sum()
    acc = (acc_a[:, None] * n_a + acc_s[None, :] * n_s) / (n_a + n_s)
    return np.column_stack([1 - acc.ravel(), np.abs(acc_a[:, None] - acc_s[None, :]).ravel()])


def _summary(points):
    out = {"test_hv": hypervolume(points, REF)}
    for c in (0.01, 0.02):
        ok = points[:, 1] <= c
        out[f"best_acc_gap_le_{int(c * 100)}pt"] = float(1 - points[ok, 0].min()) if ok.any() else None
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache-dir", default=os.environ.get("SKFAIRPARETO_CACHE"))
    parser.add_argument("--output", default="group-blind-bound.json")
    args = parser.parse_args(argv)
    data = load_hate_speech(aae_threshold=0.5)
    X = SentenceEmbedder(cache_dir=args.cache_dir, verbose=1).fit_transform(data.data)
    y, s = data.target, data.sensitive_features
    tr, te = stratified_split(y, s, test_size=0.2, random_state=0)
    aae_tr, aae_te = s[tr] == "AAE", s[te] == "AAE"
    lr_y = LogisticRegression(max_iter=2000).fit(X[tr], y[tr])
    lr_g = LogisticRegression(max_iter=2000).fit(X[tr], aae_tr)
    # Score each split once; every group-blind head is score_y + b * score_group > t.
    sy_tr, sg_tr = lr_y.decision_function(X[tr]), lr_g.decision_function(X[tr])
    sy_te, sg_te = lr_y.decision_function(X[te]), lr_g.decision_function(X[te])
    rows = {}

    grid = np.quantile(sy_te, np.linspace(0, 1, 401))
    rows["group-aware oracle (thresholds per group, tuned on test)"] = _summary(
        _points(sy_te, y[te], aae_te, grid, grid))
    rows["dialect decodability (LR accuracy on test)"] = {"accuracy": float(lr_g.score(X[te], aae_te))}

    heads = [(b, t) for b in np.linspace(-3, 1, 41) for t in np.linspace(-3, 3, 61)]
    f_tr = np.array([_points(sy_tr + b * sg_tr, y[tr], aae_tr, [t], [t])[0] for b, t in heads])
    test_points = [_points(sy_te + b * sg_te, y[te], aae_te, [t], [t])[0]
                   for (b, t), keep in zip(heads, pareto_mask(f_tr)) if keep]
    rows["group-blind LR + b * dialect score (chosen on train)"] = _summary(np.array(test_points))

    for name, values in rows.items():
        print(f"{name}: " + ", ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}"
                                     for k, v in values.items()))
    with open(args.output, "w") as fh:
        json.dump(rows, fh, indent=2)
    return rows


if __name__ == "__main__":
    main()

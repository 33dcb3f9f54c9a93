"""How honest the validation figures are: in-sample, cross-fitted and test, side by side.

On the main job's split (cached features, seed 0) the training rows are split once more, 80/20 by
group and label, and every front estimator is fitted with that validation split passed as
``X_val``. For each member three estimates of its error and gap are compared:

* *in-sample*: the member's deployed decisions (thresholds tuned on all the validation rows)
  scored on those same rows -- what ``val_*`` reported before they were cross-fitted;
* *cross-fitted*: ``front_results_["val_*"]`` (each validation row decided by thresholds tuned on
  the other half; FaPareto: ``search_*``, which are in-sample by design);
* *test*: the deployed decisions on the test split, which nothing in the fit saw.

Prints, per estimator, the mean over members of (estimate - test) for the error and the gap, in
points: a negative bias is an optimistic estimate. Writes JSON::

    python benchmarks/bench_honest_val.py --seed 0

Run it alone: on 2 cores a second heavy job beside it moves every figure.
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
#: The front estimators (CBAClassifier is one model: its alpha grid has no validation figures).
ESTIMATORS = ("suhnpf", "phn", "fapareto")


def make(name, constraints, seed):
    from skfairpareto import FaParetoEnsemble, PHNParetoClassifier, SUHNPFParetoClassifier

    cls = {"suhnpf": SUHNPFParetoClassifier, "phn": PHNParetoClassifier, "fapareto": FaParetoEnsemble}[name]
    return cls(constraints=constraints, random_state=seed)


def main(argv=None):
    from skfairpareto.benchmark import prepare_split
    from skfairpareto.model_selection import stratified_split

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--constraints", default="error_rate_parity")
    parser.add_argument("--estimators", nargs="+", default=list(ESTIMATORS), choices=ESTIMATORS)
    parser.add_argument("--n-samples", type=int, default=None, help="a stratified subsample of the tweets")
    parser.add_argument("--output", default=str(ROOT / "docs" / "results" / "honest_val.json"))
    args = parser.parse_args(argv)

    split = prepare_split(seed=args.seed, n_samples=args.n_samples)
    fit, val = stratified_split(split.y_train, split.groups_train, test_size=0.2, random_state=args.seed)
    X, y, g = split.X_train, split.y_train, split.groups_train
    rows = []
    for name in args.estimators:
        est = make(name, args.constraints, args.seed)
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est.fit(X[fit], y[fit], sensitive_features=g[fit], X_val=X[val], y_val=y[val],
                    sensitive_features_val=g[val])
        seconds = time.perf_counter() - t0
        in_sample = est.score_front(X[val], y[val], sensitive_features=g[val])
        test = est.score_front(split.X_test, split.y_test, sensitive_features=split.groups_test)
        results = est.front_results_
        prefix = est.evaluation_split_
        crossed = {"error": np.asarray(results[f"{prefix}_error"]), "gap": np.asarray(results[f"{prefix}_gap"])}
        row = {"estimator": name, "members": len(est.front_), "evaluation_split": prefix, "fit_seconds": seconds}
        for key in ("error", "gap"):
            t = test[key].to_numpy()
            row[f"in_sample_{key}_bias"] = float(np.mean(in_sample[key].to_numpy() - t))
            row[f"cross_fitted_{key}_bias"] = float(np.mean(crossed[key] - t))
            row[f"in_sample_{key}_abs"] = float(np.mean(np.abs(in_sample[key].to_numpy() - t)))
            row[f"cross_fitted_{key}_abs"] = float(np.mean(np.abs(crossed[key] - t)))
        rows.append(row)
        print(f"{name}: " + ", ".join(f"{k} {100 * v:+.2f}" for k, v in row.items() if k.endswith(("_bias", "_abs"))),
              flush=True)
    result = {"seed": args.seed, "constraints": args.constraints, "n_fit": int(len(fit)), "n_val": int(len(val)),
              "n_test": int(len(split.y_test)), "rows": rows}
    print("\n".join(table(result)))
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(f"wrote {out}")
    return result


def table(result):
    """Markdown lines: per estimator, the mean bias and mean absolute difference against test, in points."""
    names = {"suhnpf": "SUHNPFParetoClassifier", "phn": "PHNParetoClassifier (EPO)", "fapareto": "FaParetoEnsemble"}
    lines = ["| estimator | members | error: in-sample | error: cross-fitted | gap: in-sample | gap: cross-fitted |",
             "|---|---:|---:|---:|---:|---:|"]
    for r in result["rows"]:
        cells = [f"{100 * r[f'{kind}_{key}_bias']:+.2f} ({100 * r[f'{kind}_{key}_abs']:.2f})"
                 for key in ("error", "gap") for kind in ("in_sample", "cross_fitted")]
        label = names[r["estimator"]] + (" (search_*)" if r["evaluation_split"] == "search" else "")
        lines.append(f"| {label} | {r['members']} | " + " | ".join(cells) + " |")
    return lines


if __name__ == "__main__":
    main()

"""The fair end on hard predictions: each front's fairest member, expected-rate gap beside hard gap.

Usage: python benchmarks/bench_fair_end.py [--seed 0] [--constraints C ...] [--methods ...]
       [--output-dir benchmarks/results/fair_end]

On the benchmark's split and protocol (``skfairpareto.benchmark.prepare_split``, the full
settings, nothing held out but FaPareto's 20 %: so thresholds are tuned only for demographic
parity and for FaPareto), fits each of our estimators for each criterion and takes its fairest member on the
test split: the least test gap among the members whose test error is below that of predicting the
training split's majority class for everyone (the main job's and the suite's rule; a member that
predicts one class for everyone has no gap, at no use). For that member it prints:

* the training set's *expected-rate* gap (the criterion's rates on the head's probabilities:
  what training equalises),
* the training and test *hard* gaps of its predictions with its tuned threshold
  (``threshold="auto"``) and with the head's own decisions (``threshold_ = 0``),
* the tuned threshold.

A head can sit at parity in expected rates and far from it in hard predictions: this table
shows how far, and what the threshold recovers. Writes ``fair_end.json``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch

from skfairpareto.benchmark import REFERENCE_POINTS, prepare_split
from skfairpareto.benchmark._methods import OUR_METHODS, fit_ours, settings
from skfairpareto.benchmark._report import SUMMARY_COUNTS, beats_majority, majority_error
from skfairpareto.criteria import CRITERIA, saturated_logits


def gaps(member, X, y, groups):
    """(expected-rate gap, hard gap with threshold_, hard gap of the head's own decisions, error with
    threshold_)."""
    criterion = member.criterion_
    codes = torch.as_tensor(np.searchsorted(member.groups_, groups))
    y = torch.as_tensor(np.asarray(y, dtype=np.int64))
    decision = member.decision_function(X)
    logits = torch.as_tensor(decision + member.threshold_)
    tuned = torch.as_tensor((decision > 0).astype(np.int64))
    own = torch.as_tensor((logits.numpy() > 0).astype(np.int64))
    return (float(criterion.gap(logits, y, codes)),
            float(criterion.gap(saturated_logits(tuned, 2), y, codes)),
            float(criterion.gap(saturated_logits(own, 2), y, codes)),
            float((tuned != y).double().mean()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--constraints", nargs="+", default=list(CRITERIA))
    parser.add_argument("--methods", nargs="+", default=list(OUR_METHODS), choices=OUR_METHODS)
    parser.add_argument("--validation-fraction", type=float, default=None,
                        help="held out by the fronts (default: none, the benchmark's protocol; FaPareto keeps 0.2)")
    parser.add_argument("--output-dir", default="benchmarks/results/fair_end")
    args = parser.parse_args()

    split = prepare_split(seed=args.seed, features="hybrid")
    X_tr, X_te, y_tr, y_te = split.X_train, split.X_test, split.y_train, split.y_test
    g_tr, g_te = split.groups_train, split.groups_test
    majority = majority_error(y_tr, y_te)
    rows = []
    print(f"seed {args.seed}: fairest member (on the test split) of each front, among those whose test error "
          f"is below the majority class's {100 * majority:.2f} %")
    print("criterion | method | train expected gap | train hard gap | test hard gap | test gap at threshold 0 "
          "| threshold_ | accurate end's threshold_ | fit s")
    for name in args.constraints:
        for method in args.methods:
            t0 = time.perf_counter()
            members, _ = fit_ours(method, settings(False), X_tr, y_tr, g_tr, device="auto", seed=args.seed,
                                  constraints=CRITERIA[name](), validation_fraction=args.validation_fraction,
                                  reference_point=REFERENCE_POINTS[name])
            seconds = time.perf_counter() - t0
            test = [gaps(m, X_te, y_te, g_te) for _, m in members]
            errors = np.array([t[3] for t in test])  # the tuned decisions', as the members predict
            useful = beats_majority(errors, majority)
            if not useful.any():
                print(f"{name} | {method} | no member beats the majority class", flush=True)
                continue
            candidates = np.flatnonzero(useful)
            i = int(candidates[np.argmin([test[j][1] for j in candidates])])
            alpha, member = members[i]
            train = gaps(member, X_tr, y_tr, g_tr)
            accurate_end = members[int(np.argmax([a for a, _ in members]))][1]
            row = dict(constraints=name, method=method, alpha=float(alpha), test_error=float(errors[i]),
                       train_expected_gap=train[0],
                       train_hard_gap=train[1], test_hard_gap=test[i][1], test_hard_gap_threshold_0=test[i][2],
                       threshold=float(member.threshold_), accurate_end_threshold=float(accurate_end.threshold_),
                       fit_seconds=seconds)
            rows.append(row)
            print(f"{name} | {method} | {100 * train[0]:.2f} | {100 * train[1]:.2f} | {100 * test[i][1]:.2f} | "
                  f"{100 * test[i][2]:.2f} | {member.threshold_:+.3f} | {accurate_end.threshold_:+.3f} | {seconds:.0f}",
                  flush=True)
    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "fair_end.json").write_text(json.dumps({"seed": args.seed, "validation_fraction": args.validation_fraction,
                                                   "fairest": SUMMARY_COUNTS, "majority_error": majority,
                                                   "rows": rows}, indent=1))
    print(f"wrote {out / 'fair_end.json'} (gaps in points)")


if __name__ == "__main__":
    main()

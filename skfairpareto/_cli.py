"""Command line: ``skfairpareto benchmark`` (or bare ``skfairpareto``, or ``python -m skfairpareto``).

The main job is the benchmark of :mod:`skfairpareto.benchmark`: every front estimator and
fairlearn's mitigators on the bundled hate-speech tweets (or the user's own CSV), offline, with
a table, ``results.json``, ``results.md`` and plots in the output folder.
"""

from __future__ import annotations

import argparse
import sys


def _options():
    """The benchmark's options, declared once: bare ``skfairpareto`` and its ``benchmark`` share them."""
    from .benchmark import METHODS
    from .criteria import CRITERIA
    from .embedding import BACKENDS
    from .features import FEATURE_SETS

    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--quick", action="store_true", help="2,000-text subsample and small settings (~1 minute)")
    p.add_argument("--methods", nargs="+", default=None, choices=METHODS, metavar="METHOD",
                   help=f"subset of {' '.join(METHODS)} (default: ours and the target's fairlearn peers)")
    p.add_argument("--target", default="binary", choices=("binary", "multiclass"),
                   help="the tweets' two classes, or three (hate, offensive, neither)")
    p.add_argument("--n-samples", type=int, default=None, help="stratified subsample of the texts")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--aae-threshold", type=float, default=0.5)
    p.add_argument("--data", default=None, help="CSV/TSV of your own data (text, label and group columns)")
    p.add_argument("--text-column", default="text")
    p.add_argument("--label-column", default="label")
    p.add_argument("--group-column", default="group")
    p.add_argument("--constraints", nargs="+", default=["error_rate_parity"], choices=sorted(CRITERIA),
                   metavar="CRITERION",
                   help=f"fairness criterion our fronts train for and every model is scored by, one of "
                        f"{' '.join(sorted(CRITERIA))}; several: fronts over the error and each criterion's gap, "
                        f"against the union of fairlearn's models for each")
    p.add_argument("--gap-loss", default="expected_error", choices=("expected_error", "bce"),
                   help="surrogate of error_rate_parity (bce: the seed paper's loss gap)")
    p.add_argument("--features", default="hybrid", choices=sorted(FEATURE_SETS),
                   help="hybrid: MiniLM embeddings beside the SVD of TF-IDF n-grams (default); minilm; lexical")
    p.add_argument("--backend", default="auto", choices=BACKENDS,
                   help="embedding inference: auto (int8 ONNX on CPU, fp16 on GPU), torch, onnx-int8, static (a model2vec model distilled from MiniLM: ~60x faster)")
    p.add_argument("--group-aware", action="store_true",
                   help="also fit our fronts with group_aware=True, reported apart beside ThresholdOptimizer")
    p.add_argument("--validation-fraction", type=float, default=None,
                   help="held out of the training split by the front estimators (default: none)")
    p.add_argument("--device", default="auto")
    p.add_argument("--cache-dir", default=None,
                   help="embedding and feature cache (default: $SKFAIRPARETO_CACHE or ~/.cache/skfairpareto)")
    p.add_argument("--output-dir", default="skfairpareto-output")
    p.add_argument("--quiet", action="store_true")
    return p


def _parser():
    options = _options()
    parser = argparse.ArgumentParser(prog="skfairpareto", description=__doc__.splitlines()[0], parents=[options])
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("benchmark", parents=[options], help="compare every front estimator with fairlearn (the main job)")
    return parser


def main(argv=None):
    parser = _parser()
    args = parser.parse_args(argv)
    from .benchmark import check_benchmark_options, load_table, run_benchmark

    options = dict(methods=None if args.methods is None else tuple(args.methods), target=args.target,
                   n_samples=args.n_samples, aae_threshold=args.aae_threshold,
                   constraints=args.constraints, gap_loss=args.gap_loss, features=args.features, backend=args.backend,
                   validation_fraction=args.validation_fraction)
    try:  # every option is checked before any work; its errors become usage errors
        check_benchmark_options(**options)
    except ValueError as exc:
        parser.error(str(exc))
    if args.data is not None:  # and the user's file, before any model loads: one line, exit 2
        try:
            load_table(args.data, args.text_column, args.label_column, args.group_column, target=args.target)
        except ValueError as exc:
            parser.exit(2, f"{parser.prog}: error: {exc}\n")
    run_benchmark(**options, quick=args.quick, seed=args.seed, data=args.data, text_column=args.text_column,
                  label_column=args.label_column, group_column=args.group_column, group_aware=args.group_aware,
                  device=args.device, cache_dir=args.cache_dir, output_dir=args.output_dir,
                  verbose=0 if args.quiet else 1)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Command line: ``skfairpareto`` (or ``python -m skfairpareto``) runs the main job.

The main job fits ``CBAClassifier`` at a grid of ``alpha`` and a ``SUHNPFParetoClassifier`` front
on the bundled hate-speech tweets (frozen, cached all-MiniLM-L6-v2 embeddings; 80/20 split
stratified by dialect group and label), beside a logistic-regression reference, and prints the
test-split table, writing ``results.json`` and ``fronts.png`` to the output folder. Offline.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

from ._utils import atomic_write
from .metrics import accuracy_gap, evaluate_predictions, hypervolume


def default_cache_dir() -> Path:
    return Path(os.environ.get("SKFAIRPARETO_CACHE", Path.home() / ".cache" / "skfairpareto"))


def _row(name, y, pred, groups, seconds, alpha=None):
    scores = evaluate_predictions(y, pred, groups, accuracy_gap)
    return {
        "method": name, "alpha": alpha, "accuracy": 1.0 - float(scores["error"]),
        "accuracy_AAE": float(scores["accuracy_AAE"]), "accuracy_SAE": float(scores["accuracy_SAE"]),
        "gap": scores["unfairness"], "fit_seconds": seconds,
    }


def run_main_job(*, n_samples=None, alphas=(1.0, 5 / 6, 2 / 3, 0.5, 1 / 3, 1 / 6, 0.0), suhnpf_points=11,
                 seed=0, aae_threshold=0.5, device="auto", cache_dir=None, output_dir="skfairpareto-output",
                 verbose=1):
    """Run the main job and return its result rows (see module docstring)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split

    from . import CBAClassifier, SUHNPFParetoClassifier
    from .datasets import load_hate_speech
    from .embedding import SentenceEmbedder

    say = print if verbose else (lambda *a, **k: None)
    data = load_hate_speech(aae_threshold=aae_threshold)
    texts, y, groups = data.data, data.target, np.asarray(data.sensitive_features)
    strata = np.char.add(groups.astype(str), y.astype(str))  # dialect group x label
    if n_samples is not None and n_samples < len(y):
        keep, _ = train_test_split(np.arange(len(y)), train_size=n_samples, random_state=seed, stratify=strata)
        texts, y, groups, strata = texts[keep], y[keep], groups[keep], strata[keep]
    say(f"{len(y)} tweets, {int((groups == 'AAE').sum())} AAE at threshold {aae_threshold}; embedding (cached)...")
    t0 = time.perf_counter()
    X = SentenceEmbedder(device=device, cache_dir=cache_dir or default_cache_dir(), verbose=verbose).fit_transform(texts)
    say(f"embedded in {time.perf_counter() - t0:.1f} s")
    tr, te = train_test_split(np.arange(len(y)), test_size=0.2, stratify=strata, random_state=seed)

    rows = []
    t0 = time.perf_counter()
    lr = LogisticRegression(max_iter=2000).fit(X[tr], y[tr])
    rows.append(_row("LogisticRegression", y[te], lr.predict(X[te]), groups[te], time.perf_counter() - t0))
    from tqdm.auto import tqdm

    for alpha in tqdm(alphas, desc="CBAClassifier alphas", disable=not verbose):
        t0 = time.perf_counter()
        clf = CBAClassifier(alpha=alpha, device=device, random_state=seed).fit(
            X[tr], y[tr], sensitive_features=groups[tr])
        rows.append(_row("CBAClassifier", y[te], clf.predict(X[te]), groups[te], time.perf_counter() - t0, alpha))
    t0 = time.perf_counter()
    front = SUHNPFParetoClassifier(n_points=suhnpf_points, device=device, random_state=seed, verbose=verbose)
    front.fit(X[tr], y[tr], sensitive_features=groups[tr])
    seconds = time.perf_counter() - t0
    for alpha, member in zip(front.front_results_["alpha"], front.front_):
        rows.append(_row("SUHNPF member", y[te], member.predict(X[te]), groups[te], seconds, float(alpha)))

    points = {m: sorted((1 - r["accuracy"], r["gap"]) for r in rows if r["method"] == m)
              for m in ("CBAClassifier", "SUHNPF member")}
    summary = {m: {"test_hypervolume_ref_0.15_0.10": hypervolume(pts, (0.15, 0.10)), "n_points": len(pts)}
               for m, pts in points.items()}

    header = f"{'method':20s}{'alpha':>7s}{'acc':>8s}{'AAE':>8s}{'SAE':>8s}{'gap':>8s}{'fit s':>8s}"
    say(header)
    say("-" * len(header))
    for r in rows:
        a = "" if r["alpha"] is None else f"{r['alpha']:.3f}"
        say(f"{r['method']:20s}{a:>7s}{r['accuracy']:8.4f}{r['accuracy_AAE']:8.4f}{r['accuracy_SAE']:8.4f}"
            f"{r['gap']:8.4f}{r['fit_seconds']:8.1f}")
    for method, s in summary.items():
        say(f"{method}: {s['n_points']} points, test hypervolume (ref 0.15, 0.10) = {s['test_hypervolume_ref_0.15_0.10']:.5f}")

    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    payload = {"n_tweets": int(len(y)), "seed": seed, "aae_threshold": aae_threshold, "rows": rows, "summary": summary}
    atomic_write(out / "results.json", lambda fh: fh.write(json.dumps(payload, indent=2).encode()))
    fig, ax = plt.subplots(figsize=(6, 4.5))
    for (method, pts), style in zip(points.items(), ("s-", "o-")):
        ax.plot(*zip(*pts), style, label=method.replace(" member", "ParetoClassifier"))
    ref = rows[0]
    ax.plot(1 - ref["accuracy"], ref["gap"], "k*", ms=12, label="LogisticRegression")
    ax.set_xlabel("test error")
    ax.set_ylabel("accuracy gap AAE vs SAE (test)")
    ax.set_title("Accuracy-fairness fronts, hate-speech tweets")
    ax.legend()
    fig.tight_layout()
    atomic_write(out / "fronts.png", lambda fh: fig.savefig(fh, format="png", dpi=120))
    plt.close(fig)
    say(f"wrote {out / 'results.json'} and {out / 'fronts.png'}")
    return payload


def main(argv=None):
    parser = argparse.ArgumentParser(prog="skfairpareto", description=__doc__.splitlines()[0])
    parser.add_argument("--n-samples", type=int, default=None, help="subsample of tweets (default: all 24,783)")
    parser.add_argument("--alphas", type=float, nargs="+", default=None, help="CBAClassifier alpha grid")
    parser.add_argument("--suhnpf-points", type=int, default=11)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--aae-threshold", type=float, default=0.5)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--cache-dir", default=None, help="embedding cache (default: $SKFAIRPARETO_CACHE or ~/.cache/skfairpareto)")
    parser.add_argument("--output-dir", default="skfairpareto-output")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    if args.alphas is not None and not all(0.0 <= a <= 1.0 for a in args.alphas):
        parser.error("--alphas must lie in [0, 1]")
    kwargs = {} if args.alphas is None else {"alphas": tuple(args.alphas)}
    run_main_job(n_samples=args.n_samples, suhnpf_points=args.suhnpf_points, seed=args.seed,
                 aae_threshold=args.aae_threshold, device=args.device, cache_dir=args.cache_dir,
                 output_dir=args.output_dir, verbose=0 if args.quiet else 1, **kwargs)
    return 0


if __name__ == "__main__":
    sys.exit(main())

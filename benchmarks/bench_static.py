"""Static embeddings against int8 ONNX and torch fp32: speed, memory and what they cost in quality.

Usage: python benchmarks/bench_static.py [--sizes 24783 100000 1000000] [--slow-max 100000]
       [--skip-quality] [--output-dir benchmarks/results/static]

1. **Throughput and peak memory**, each (backend, size) in a fresh process, side by side in one
   run: the bundled tweets repeated with a per-copy suffix (so no cache can answer), embedded
   without a cache in the package's chunks. Peak RSS is the process's high-water mark;
   "beyond output" subtracts the RSS after loading the model and the output matrix. int8 and
   torch run only up to ``--slow-max`` texts (at 250 and 145 texts/s, a million would take over
   an hour; the table says so).
2. **Quality** on the benchmark's seed-0 split with the hybrid features: logistic regression's
   test accuracy and accuracy gap with each backend's embeddings beside the same lexical part.

Writes ``static.json``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

RUN = r"""
import json, resource, sys, time
import numpy as np
from skfairpareto import SentenceEmbedder
from skfairpareto.datasets import load_hate_speech

backend, n = sys.argv[1], int(sys.argv[2])
base = [str(t) for t in load_hate_speech().data]
texts = [f"{base[i % len(base)]} #{i // len(base)}" for i in range(n)]
emb = SentenceEmbedder(backend=backend).fit()  # no embedding cache; models from the default cache home
emb.transform(texts[:64])  # load the model (and any session) before measuring
rss_model = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t0 = time.perf_counter()
X = emb.transform(texts)
seconds = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"backend": backend, "texts": n, "seconds": seconds, "texts_per_second": n / seconds,
                  "peak_rss_mb": peak, "rss_after_model_mb": rss_model, "output_mb": X.nbytes / 2**20,
                  "beyond_output_mb": peak - rss_model - X.nbytes / 2**20, "dim": X.shape[1]}))
"""


def measure(backend, n):
    """One (backend, size) in a fresh process, without an embedding cache (the exported and
    distilled models come from the default cache home, built once)."""
    proc = subprocess.run([sys.executable, "-c", RUN, backend, str(n)], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def quality():
    import numpy as np
    from fairlearn.metrics import accuracy_score_difference
    from sklearn.linear_model import LogisticRegression

    from skfairpareto.benchmark import prepare_split

    rows = []
    for backend in ("static", "onnx-int8"):
        split = prepare_split(seed=0, features="hybrid", backend=backend)
        lr = LogisticRegression(max_iter=2000).fit(split.X_train, split.y_train)
        pred = lr.predict(split.X_test)
        rows.append({"backend": backend, "n_features": int(split.X_train.shape[1]),
                     "accuracy": float(np.mean(pred == split.y_test)),
                     "gap": float(accuracy_score_difference(split.y_test, pred, sensitive_features=split.groups_test))})
        print(f"{backend} | {rows[-1]['n_features']} | {100 * rows[-1]['accuracy']:.2f} | {100 * rows[-1]['gap']:.2f}",
              flush=True)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[24783, 100000, 1000000])
    parser.add_argument("--slow-max", type=int, default=100000, help="largest size int8 and torch embed")
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--output-dir", default="benchmarks/results/static")
    args = parser.parse_args()
    result = {"throughput": [], "skipped": []}
    print("backend | texts | s | texts/s | peak RSS MB | beyond model and output MB")
    for n in args.sizes:
        for backend in ("static", "onnx-int8", "torch"):
            if backend != "static" and n > args.slow_max:
                result["skipped"].append({"backend": backend, "texts": n})
                print(f"{backend} | {n} | skipped (over --slow-max)")
                continue
            r = measure(backend, n)
            result["throughput"].append(r)
            print(f"{backend} | {n} | {r['seconds']:.1f} | {r['texts_per_second']:.0f} | {r['peak_rss_mb']:.0f} | "
                  f"{r['beyond_output_mb']:.0f}", flush=True)
    if not args.skip_quality:
        print("\nhybrid features, seed 0: backend | features | LR accuracy % | accuracy gap (pt)")
        result["quality"] = quality()
    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "static.json").write_text(json.dumps(result, indent=1))
    print(f"wrote {out / 'static.json'}")


if __name__ == "__main__":
    main()

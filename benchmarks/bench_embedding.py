"""Embedding backends side by side in one run; prints a table and writes JSON.

Usage: python benchmarks/bench_embedding.py [--n-texts N] [--backends torch onnx-int8]
[--seeds 0 1 2 3 4] [--output embedding.json]

Each backend embeds the same texts (the first ``N`` bundled tweets, default all 24,783) in a
fresh subprocess with an empty embedding cache, so its peak RSS is its own; the int8 model's
one-off export runs in a subprocess before and counts separately (``first_fit_s``). Then,
against torch fp32, per backend:

* texts/s and the throughput ratio to torch fp32;
* cosine of its embeddings to torch fp32's (mean and minimum);
* logistic regression on its embeddings: test accuracy and accuracy gap on the benchmark's
  seed-0 split (needs the full corpus);
* the PHN-LS front's test hypervolume (the benchmark's protocol, MiniLM features), per seed and
  its mean (needs the full corpus).

Targets (issue: int8 ONNX path): default-path throughput at least 2.5x torch fp32; accuracy
within 0.2 points of torch fp32; five-seed mean PHN-LS hypervolume within 0.0002 of it.
"""

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def _child(backend, n_texts, cache_dir, out_path):
    from skfairpareto.datasets import load_hate_speech
    from skfairpareto.embedding import SentenceEmbedder

    texts = list(load_hate_speech().data[:n_texts]) if n_texts else []
    t0 = time.perf_counter()
    emb = SentenceEmbedder(backend=backend, cache_dir=cache_dir).fit()
    export_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    X = emb.transform(texts)
    seconds = max(time.perf_counter() - t0, 1e-9)
    np.save(out_path, X)
    print(json.dumps({"backend": emb.backend_, "n_texts": len(texts), "fit_s": export_s, "embed_s": seconds,
                      "texts_per_s": len(texts) / seconds, "onnx_quality": emb.onnx_quality_,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def _lr_scores(X, y, groups, seed=0):
    from fairlearn.metrics import accuracy_score_difference
    from sklearn.linear_model import LogisticRegression

    from skfairpareto.model_selection import stratified_split

    tr, te = stratified_split(y, groups, test_size=0.2, random_state=seed)
    pred = LogisticRegression(max_iter=1000).fit(X[tr], y[tr]).predict(X[te])
    return float((pred == y[te]).mean()), float(accuracy_score_difference(y[te], pred, sensitive_features=groups[te]))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-texts", type=int, default=None, help="default: the whole corpus")
    parser.add_argument("--backends", nargs="+", default=["torch", "onnx-int8"])
    parser.add_argument("--seeds", type=int, nargs="*", default=[0, 1, 2, 3, 4])
    parser.add_argument("--output", default="embedding-benchmark.json")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        backend, n, cache, out = args.child
        return _child(backend, int(n), cache, out)

    from skfairpareto.benchmark import run_benchmark
    from skfairpareto.datasets import load_hate_speech

    data = load_hate_speech()
    n = len(data.target) if args.n_texts is None else args.n_texts
    backends = ["torch"] + [b for b in args.backends if b != "torch"]  # the reference first
    result = {"n_texts": n, "backends": {}}
    with tempfile.TemporaryDirectory() as cache:
        matrices = {}
        for backend in backends:
            path = Path(cache) / f"{backend}.npy"

            def child(n_texts):
                proc = subprocess.run([sys.executable, __file__, "--child", backend, str(n_texts), cache, str(path)],
                                      capture_output=True, text=True, check=True)
                return json.loads(proc.stdout.strip().splitlines()[-1])

            first = child(0)  # builds (and caches) the int8 model; the measured run below loads it
            row = child(n)
            row["first_fit_s"] = first["fit_s"]
            matrices[backend] = np.load(path)
            result["backends"][backend] = row
        ref = matrices["torch"]
        full = n == len(data.target)
        y, groups = data.target, np.asarray(data.sensitive_features).astype(str)
        for backend, X in matrices.items():
            row = result["backends"][backend]
            cosine = np.einsum("ij,ij->i", X, ref)  # unit-norm rows
            row.update(cosine_mean=float(cosine.mean()), cosine_min=float(cosine.min()),
                       speedup_vs_torch=row["texts_per_s"] / result["backends"]["torch"]["texts_per_s"])
            if not full:
                continue
            row["lr_accuracy"], row["lr_gap"] = _lr_scores(X, y, groups)
            hv = {}
            for seed in args.seeds:
                out = run_benchmark(methods=("phn-ls",), seed=seed, features="minilm", backend=backend,
                                    cache_dir=cache, output_dir=Path(cache) / f"bench-{backend}-{seed}", verbose=0)
                hv[seed] = out["summary"]["phn-ls"]["test_hypervolume"]
            row["phn_ls_test_hv"] = hv
            row["phn_ls_test_hv_mean"] = float(np.mean(list(hv.values()))) if hv else None
    cols = ["texts_per_s", "speedup_vs_torch", "first_fit_s", "fit_s", "peak_rss_mb", "cosine_mean", "cosine_min",
            "lr_accuracy", "lr_gap", "phn_ls_test_hv_mean"]
    print(f"{n} texts; first_fit_s = first load, with the int8 export and quality check; fit_s = a later load")
    print("backend | " + " | ".join(cols))
    for backend, row in result["backends"].items():
        cells = [f"{row[c]:.4g}" if isinstance(row.get(c), float) else str(row.get(c, "–")) for c in cols]
        print(f"{backend} | " + " | ".join(cells))
    Path(args.output).write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()

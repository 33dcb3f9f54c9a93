"""Peak memory of embedding many short texts; prints a table, writes JSON.

Usage: python benchmarks/bench_memory.py [--n-texts 100000] [--cache] [--output memory.json]

Each size runs in a fresh subprocess (peak RSS is a process high-water mark) that loads the
bundled MiniLM, embeds ``n`` short texts (bundled tweets, made distinct by a counter) with
:class:`~skfairpareto.SentenceEmbedder`, and reports its peak RSS, the RSS after loading the
model, and the output matrix's size. Embedding streams through the encoder in chunks, so the
growth beyond the model should be the output matrix plus a bounded working set, not a
multiple of the input.
"""

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time


def _child(n, cache):
    import numpy as np

    from skfairpareto import SentenceEmbedder
    from skfairpareto.datasets import load_hate_speech

    tweets = load_hate_speech().data
    texts = [f"{tweets[i % len(tweets)][:100]} #{i}" for i in range(n)]
    with tempfile.TemporaryDirectory() as folder:
        emb = SentenceEmbedder(cache_dir=folder if cache else None).fit()
        emb.transform(texts[:8])  # loads the model
        rss_model = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        t0 = time.perf_counter()
        out = emb.transform(texts)
        seconds = time.perf_counter() - t0
    assert out.shape == (n, 384) and np.isfinite(out).all()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"n_texts": n, "cache": cache, "seconds": round(seconds, 1),
                      "texts_per_s": round(n / seconds), "rss_after_model_mb": round(rss_model),
                      "peak_rss_mb": round(peak), "output_mb": round(out.nbytes / 2**20, 1),
                      "growth_beyond_output_mb": round(peak - rss_model - out.nbytes / 2**20)}))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-texts", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--cache", action="store_true", help="also write the on-disk cache")
    parser.add_argument("--output", default="memory-benchmark.json")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return _child(args.child, args.cache)
    rows = []
    for n in args.n_texts:
        cmd = [sys.executable, __file__, "--child", str(n)] + (["--cache"] if args.cache else [])
        rows.append(json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.splitlines()[-1]))
    keys = list(rows[0])
    print(" | ".join(keys))
    for row in rows:
        print(" | ".join(str(row[k]) for k in keys))
    with open(args.output, "w") as fh:
        json.dump(rows, fh, indent=2)
    return rows


if __name__ == "__main__":
    main()

"""Benchmark SentenceEmbedder against SentenceTransformer.encode; prints a table, writes JSON.

Usage: python benchmarks/bench_embedding.py [--n-texts 2000] [--output embedding.json]

Cold: the embedder with an empty cache vs ``encode`` directly on the same texts, same batch
size, same process (model loaded once beforehand so neither pays the load). Cached: a rerun
that reads every embedding from the cache. Targets: cold >= 0.95x direct, cached >= 100x cold.
"""

import argparse
import json
import tempfile
import time

import numpy as np

from skfairpareto.datasets import load_hate_speech
from skfairpareto.embedding import SentenceEmbedder, _load_model


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-texts", type=int, default=2000)
    parser.add_argument("--output", default="embedding-benchmark.json")
    args = parser.parse_args(argv)
    texts = list(load_hate_speech().data[: args.n_texts])
    with tempfile.TemporaryDirectory() as cache:
        emb = SentenceEmbedder(cache_dir=cache).fit()
        st, _ = _load_model(emb.model, emb.device_)
        st.encode(texts[:64], batch_size=emb.batch_size)  # warm-up, shared by both
        t0 = time.perf_counter()
        direct = st.encode(texts, batch_size=emb.batch_size, normalize_embeddings=True)
        t_direct = time.perf_counter() - t0
        t0 = time.perf_counter()
        cold = emb.transform(texts)
        t_cold = time.perf_counter() - t0
        t0 = time.perf_counter()
        cached = emb.transform(texts)
        t_cached = time.perf_counter() - t0
    result = {
        "n_texts": len(texts),
        "device": emb.device_,
        "direct_encode_s": t_direct,
        "cold_s": t_cold,
        "cached_s": t_cached,
        "cold_texts_per_s": len(texts) / t_cold,
        "cold_vs_direct_throughput": t_direct / t_cold,
        "cached_speedup_vs_cold": t_cold / t_cached,
        "max_abs_diff_vs_direct": float(np.abs(cold - direct).max()),
        "cached_identical": bool(np.array_equal(cold, cached)),
    }
    print(f"{'what':28s}{'value':>14s}")
    for key, value in result.items():
        print(f"{key:28s}{value:>14.4g}" if isinstance(value, float) else f"{key:28s}{str(value):>14s}")
    with open(args.output, "w") as fh:
        json.dump(result, fh, indent=2)
    return result


if __name__ == "__main__":
    main()

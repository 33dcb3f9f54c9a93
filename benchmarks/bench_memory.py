"""Peak memory of embedding many short texts; prints a table, writes JSON.

Usage: python benchmarks/bench_memory.py [--n-texts 10000 100000] [--allocator default fixed]
[--backend auto] [--cache] [--output memory.json]

Each (size, allocator) runs in a fresh subprocess (peak RSS is a process high-water mark) that
loads the bundled MiniLM, embeds ``n`` short texts (bundled tweets, made distinct by a counter)
with :class:`~skfairpareto.SentenceEmbedder`, and reports its peak RSS, the RSS after loading the
model, the output matrix's size and, on glibc, the heap bytes in use and held free by malloc
after embedding. Embedding streams through the encoder in chunks, so the growth beyond the model
should be the output matrix plus a bounded working set, not a multiple of the input.

``--allocator fixed`` starts the child with ``MALLOC_MMAP_THRESHOLD_=131072``: glibc then serves
every block above 128 KiB with its own mmap and returns it on free, instead of raising the
threshold after the first such free and carving later large tensors out of the heap, where the
varying tensor shapes of a sentence encoder leave free-but-held holes that grow with the input.
"""

import argparse
import ctypes
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

ALLOCATORS = {"default": {}, "fixed": {"MALLOC_MMAP_THRESHOLD_": "131072"}}


def _heap_mb():
    """(in use, held free) by glibc malloc in MB, or (None, None) off glibc."""

    class MallInfo2(ctypes.Structure):
        _fields_ = [(f, ctypes.c_size_t) for f in
                    "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost".split()]

    try:
        mallinfo2 = ctypes.CDLL("libc.so.6").mallinfo2
    except (OSError, AttributeError):
        return None, None
    mallinfo2.restype = MallInfo2
    info = mallinfo2()
    return round((info.uordblks + info.hblkhd) / 2**20), round(info.fordblks / 2**20)


def _child(n, cache, allocator, backend):
    import numpy as np

    from skfairpareto import SentenceEmbedder
    from skfairpareto.datasets import load_hate_speech

    tweets = load_hate_speech().data
    texts = [f"{tweets[i % len(tweets)][:100]} #{i}" for i in range(n)]
    with tempfile.TemporaryDirectory() as folder:
        emb = SentenceEmbedder(backend=backend, cache_dir=folder if cache else None).fit()
        emb.transform(texts[:8])  # loads the model
        rss_model = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        t0 = time.perf_counter()
        out = emb.transform(texts)
        seconds = time.perf_counter() - t0
    assert out.shape == (n, 384) and np.isfinite(out).all()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    in_use, held_free = _heap_mb()
    print(json.dumps({"n_texts": n, "backend": emb.backend_, "allocator": allocator, "cache": cache, "seconds": round(seconds, 1),
                      "texts_per_s": round(n / seconds), "rss_after_model_mb": round(rss_model),
                      "peak_rss_mb": round(peak), "output_mb": round(out.nbytes / 2**20, 1),
                      "growth_beyond_output_mb": round(peak - rss_model - out.nbytes / 2**20),
                      "heap_in_use_mb": in_use, "heap_held_free_mb": held_free}))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-texts", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--allocator", nargs="+", choices=list(ALLOCATORS), default=list(ALLOCATORS))
    parser.add_argument("--backend", default="auto", help="SentenceEmbedder backend (auto: int8 ONNX on CPU)")
    parser.add_argument("--cache", action="store_true", help="also write the on-disk cache")
    parser.add_argument("--output", default="memory-benchmark.json")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return _child(args.child, args.cache, args.allocator[0], args.backend)
    rows = []
    for allocator in args.allocator:
        for n in args.n_texts:
            cmd = [sys.executable, __file__, "--child", str(n), "--allocator", allocator, "--backend", args.backend]
            cmd += ["--cache"] if args.cache else []
            env = {**os.environ, **ALLOCATORS[allocator]}
            result = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
            rows.append(json.loads(result.stdout.splitlines()[-1]))
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    keys = list(rows[0])
    print(" | ".join(keys))
    for row in rows:
        print(" | ".join(str(row[k]) for k in keys))
    with open(args.output, "w") as fh:
        json.dump(rows, fh, indent=2)
    return rows


if __name__ == "__main__":
    main()

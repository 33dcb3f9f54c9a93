"""Distributed embedding: a Dask LocalCluster of W workers x 1 thread against one process.

Usage: python benchmarks/bench_distributed.py [--texts N] [--workers 2] [--partitions 32]
[--backend auto] [--output distributed.json]

Embeds the bundled corpus (all 24,783 tweets unless ``--texts``) twice, side by side in one
run, each into an empty embedding cache (the exported int8 ONNX model is copied in, so neither
run spends time building it):

* ``single``: one process, ``SentenceEmbedder.fit_transform`` with as many threads as workers;
* ``dask``: :func:`skfairpareto.distributed.embed_on_dask` on a ``LocalCluster`` of ``--workers``
  worker processes with one thread each, ``--partitions`` partitions, shards on local disk.

Prints a table and writes JSON: wall seconds and texts/s of both, the cluster's start-up, the
compute each worker spent in its tasks (dask's task stream; it includes loading the model once
per worker), and the scheduler's overhead: the wall time beyond the busiest worker's compute
(task dispatch, result transfer, idle gaps).
"""

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path



def _texts(n):
    from skfairpareto.datasets import load_hate_speech

    texts = [str(t) for t in load_hate_speech().data]
    return texts if n is None else texts[:n]


def _exported_models(backend):
    """The default cache's exported models (built there first if missing), to seed empty caches."""
    from skfairpareto import SentenceEmbedder
    from skfairpareto.embedding import get_cache_home

    SentenceEmbedder(backend=backend).fit()  # exports the int8 model into the default cache if missing
    return Path(get_cache_home()) / "onnx"


def _fresh_cache(folder, onnx):
    """An empty embedding cache holding only the exported model."""
    if onnx.exists():
        shutil.copytree(onnx, Path(folder) / "onnx")
    return folder


def _single(n, threads, backend, cache_dir):
    """Wall seconds of one process embedding the texts (run in a child: its own threads)."""
    code = (
        "import sys, time, torch; torch.set_num_threads(int(sys.argv[2]))\n"
        "sys.path.insert(0, sys.argv[5])\n"
        "from bench_distributed import _texts\n"
        "from skfairpareto import SentenceEmbedder\n"
        "texts = _texts(None if sys.argv[1] == 'all' else int(sys.argv[1]))\n"
        "t0 = time.perf_counter()\n"
        "X = SentenceEmbedder(backend=sys.argv[3], cache_dir=sys.argv[4], verbose=0).fit_transform(texts)\n"
        "print(time.perf_counter() - t0, X.shape[0])\n"
    )
    out = subprocess.run([sys.executable, "-c", code, "all" if n is None else str(n), str(threads), backend,
                          str(cache_dir), str(Path(__file__).parent)], capture_output=True, text=True, check=True)
    seconds, rows = out.stdout.split()[-2:]
    return float(seconds), int(rows)


def _dask(texts, workers, partitions, backend, cache_dir, shards):
    import dask.bag as db
    from distributed import Client, LocalCluster, get_task_stream

    from skfairpareto import SentenceEmbedder
    from skfairpareto.distributed import embed_on_dask

    t0 = time.perf_counter()
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                           silence_logs=40)
    client = Client(cluster)
    client.wait_for_workers(workers)
    startup = time.perf_counter() - t0
    try:
        embedder = SentenceEmbedder(backend=backend, cache_dir=cache_dir, verbose=0)
        with get_task_stream(client) as stream:
            t0 = time.perf_counter()
            result = embed_on_dask(db.from_sequence(texts, npartitions=partitions), shards, embedder=embedder,
                                   client=client, verbose=0)
            wall = time.perf_counter() - t0
        busy = defaultdict(float)
        for task in stream.data:
            for span in task["startstops"]:
                if span["action"] == "compute":
                    busy[task["worker"]] += span["stop"] - span["start"]
        X = result.to_memmap(Path(shards) / "X.npy")
        return dict(wall_s=wall, startup_s=startup, rows=int(X.shape[0]), worker_compute_s=sorted(busy.values()),
                    partitions=len(result.paths))
    finally:
        client.close()
        cluster.close()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=None, help="the first N tweets (default: all)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--partitions", type=int, default=32)
    parser.add_argument("--backend", default="auto")
    parser.add_argument("--output", default="distributed.json")
    args = parser.parse_args(argv)
    texts = _texts(args.texts)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        onnx = _exported_models(args.backend)
        single_s, rows = _single(args.texts, args.workers, args.backend, _fresh_cache(tmp / "single", onnx))
        run = _dask(texts, args.workers, args.partitions, args.backend, _fresh_cache(tmp / "dask", onnx),
                    tmp / "shards")
    assert rows == run["rows"] == len(texts)
    busiest = max(run["worker_compute_s"])
    table = {
        "texts": len(texts), "workers": args.workers, "partitions": run["partitions"], "backend": args.backend,
        "single_process": {"threads": args.workers, "wall_s": single_s, "texts_per_s": len(texts) / single_s},
        "dask": {"workers_x_threads": f"{args.workers} x 1", "wall_s": run["wall_s"],
                 "texts_per_s": len(texts) / run["wall_s"], "cluster_startup_s": run["startup_s"],
                 "worker_compute_s": run["worker_compute_s"],
                 "scheduler_overhead_s": run["wall_s"] - busiest,
                 "scheduler_overhead_share": (run["wall_s"] - busiest) / run["wall_s"]},
        "dask_over_single_throughput": single_s / run["wall_s"],
    }
    print(f"{len(texts)} texts, backend {args.backend}")
    print("run | wall s | texts/s | notes")
    print("---|---:|---:|---")
    print(f"one process, {args.workers} threads | {single_s:.1f} | {len(texts) / single_s:.0f} |")
    d = table["dask"]
    print(f"LocalCluster {args.workers} workers x 1 thread | {d['wall_s']:.1f} | {d['texts_per_s']:.0f} | "
          f"start-up {d['cluster_startup_s']:.1f} s (not in wall); worker compute "
          f"{', '.join(f'{s:.1f}' for s in d['worker_compute_s'])} s; scheduler overhead "
          f"{d['scheduler_overhead_s']:.1f} s ({100 * d['scheduler_overhead_share']:.1f} %)")
    print(f"dask / one process throughput: {table['dask_over_single_throughput']:.2f}x")
    Path(args.output).write_text(json.dumps(table, indent=2))
    return table


if __name__ == "__main__":
    main()

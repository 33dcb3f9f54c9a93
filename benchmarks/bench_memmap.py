"""Training from embeddings on disk: peak RSS of a fit on a memory-mapped X against the same X in RAM.

Usage: python benchmarks/bench_memmap.py [--rows 200000 1000000] [--dim 384] [--output memmap.json]

For each size, synthetic float32 features (and labels and groups) are written to a ``.npy``
file; then, each in a fresh process (peak RSS is a process high-water mark), a
``PHNParetoClassifier(solver="ls", batch_size=8192)`` is fitted once on the file loaded into
memory and once on ``np.load(path, mmap_mode="r")``. Prints a table (peak RSS, its part above
the process's RSS before the data, fit seconds, and whether the two fronts are identical) and
writes JSON. tests/test_memmap.py runs the same comparison at 200,000 rows.
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

ESTIMATOR = dict(n_members=3, solver="ls", max_epochs=3, start_max_epochs=3, batch_size=8192,
                 validation_fraction=None, device="cpu", random_state=0)


def write_data(folder, rows, dim, seed=0):
    """Features ``X.npy`` written in blocks (never whole in memory), labels and groups beside."""
    folder = Path(folder)
    rng = np.random.RandomState(seed)
    X = np.lib.format.open_memmap(folder / "X.npy", mode="w+", dtype=np.float32, shape=(rows, dim))
    groups = rng.randint(0, 2, rows)
    y = np.empty(rows, dtype=np.int64)
    for start in range(0, rows, 50_000):
        block = rng.normal(size=(min(50_000, rows - start), dim)).astype(np.float32)
        X[start : start + len(block)] = block
        noise = rng.normal(scale=0.5 + groups[start : start + len(block)], size=len(block))
        y[start : start + len(block)] = (block[:, 0] + 0.5 * block[:, 1] + noise > 0)
    X.flush()
    del X
    np.save(folder / "y.npy", y)
    np.save(folder / "groups.npy", groups)


def _peak_rss_mb():
    """This process's peak RSS (VmHWM). Not getrusage's ru_maxrss, which a child forked from a
    large parent inherits across exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux


def _child(folder, mode, out):
    from skfairpareto import PHNParetoClassifier

    folder = Path(folder)
    y, groups = np.load(folder / "y.npy"), np.load(folder / "groups.npy")
    before = _peak_rss_mb()
    X = np.load(folder / "X.npy", mmap_mode="r" if mode == "memmap" else None)
    t0 = time.perf_counter()
    est = PHNParetoClassifier(**ESTIMATOR).fit(X, y, sensitive_features=groups)
    seconds = time.perf_counter() - t0
    probe = np.asarray(X[:1000])
    np.save(out, np.stack([m.decision_function(probe) for m in est.front_]))
    peak = _peak_rss_mb()
    print(json.dumps({"mode": mode, "peak_rss_mb": peak, "baseline_rss_mb": before, "fit_s": seconds}))


def compare(folder):
    """Fit in RAM and from the file, each in a fresh process; returns both rows and the verdict."""
    rows, fronts = {}, {}
    for mode in ("in_memory", "memmap"):
        out = Path(folder) / f"front-{mode}.npy"
        proc = subprocess.run([sys.executable, __file__, "--child", str(folder), mode, str(out)],
                              capture_output=True, text=True, check=True)
        rows[mode] = json.loads(proc.stdout.strip().splitlines()[-1])
        fronts[mode] = np.load(out)
    return rows, bool(np.array_equal(fronts["in_memory"], fronts["memmap"]))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[200_000, 1_000_000])
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--output", default="memmap-benchmark.json")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return _child(*args.child)
    result = []
    print("rows | X MB | mode | peak RSS MB | above baseline MB | fit s | fronts identical")
    for rows in args.rows:
        with tempfile.TemporaryDirectory() as folder:
            write_data(folder, rows, args.dim)
            fits, same = compare(folder)
        for mode, row in fits.items():
            row.update(rows=rows, x_mb=rows * args.dim * 4 / 2**20, fronts_identical=same)
            result.append(row)
            print(f"{rows} | {row['x_mb']:.0f} | {mode} | {row['peak_rss_mb']:.0f} | "
                  f"{row['peak_rss_mb'] - row['baseline_rss_mb']:.0f} | {row['fit_s']:.1f} | {same}")
    Path(args.output).write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()

"""Fit time of every front against an earlier version of the package and ExponentiatedGradient, side by side.

The main job's fits, on the main job's cached features (bundled tweets, hybrid features, seed 0,
the benchmark's settings): each of our five fronts is fitted by this checkout and by a git
worktree of ``--baseline`` (an earlier commit) in alternating subprocesses, and fairlearn's
``ExponentiatedGradient`` (its four bounds, as the main job fits it) in the same run, so the
ratios compare fits timed on the same machine at the same time. Prints a table and writes JSON::

    python benchmarks/bench_fit_time.py --baseline 93d06c6 --repeats 1

Run it alone: on 2 cores a second heavy job beside it moves every figure.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

#: One fit in a fresh interpreter of the given source tree: prints its seconds as JSON.
RUNNER = """
import json, sys, time, warnings
import numpy as np
warnings.simplefilter("ignore")
from skfairpareto.benchmark._methods import fit_ours, fit_peer, settings
from skfairpareto.criteria import resolve_criterion
data = np.load(sys.argv[1], allow_pickle=False)
X, y, g = data["X"], data["y"], data["g"].astype(str)
method, criterion = sys.argv[2], resolve_criterion(sys.argv[3])
s = settings(False)
if len(sys.argv) > 4:  # another alpha grid for cba (the baseline's, to time the same work)
    s["alphas"] = tuple(json.loads(sys.argv[4]))
t0 = time.perf_counter()
import torch._dynamo  # noqa: F401 - torch's one-time lazy import at a process's first optimiser
import_s = time.perf_counter() - t0
t0 = time.perf_counter()
if method == "expgrad":
    fit_peer(method, s, X, y, g, 0, criterion)
else:
    fit_ours(method, s, X, y, g, device="cpu", seed=0, constraints=criterion, validation_fraction=None,
             reference_point=(0.15, 0.10))
import skfairpareto
print(json.dumps({"seconds": time.perf_counter() - t0, "import_s": import_s, "package": skfairpareto.__file__}))
"""


def worktree(ref, path):
    """A git worktree of ``ref`` at ``path`` (reused when it is there already)."""
    if not (path / "skfairpareto").exists():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(path), ref], check=True,
                       capture_output=True)
    return path


def _isolated(source, args):
    """``sys.executable args`` run with only ``source`` on the path (no site checkout, no user env)."""
    return subprocess.run([sys.executable, *args], cwd=source,
                          env={"PYTHONPATH": str(source), "PATH": "/usr/bin:/bin", "HOME": str(Path.home())},
                          capture_output=True, text=True, check=False)


def fit_seconds(source, data, method, constraints, alphas=None):
    proc = _isolated(source, ["-c", RUNNER, str(data), method, constraints, *([json.dumps(alphas)] if alphas else [])])
    if proc.returncode != 0:
        raise RuntimeError(f"{method} in {source} failed:\n{proc.stderr[-2000:]}")
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    if not out["package"].startswith(str(source)):
        raise RuntimeError(f"the fit in {source} imported {out['package']}")
    return out["seconds"], out["import_s"]


def benchmark_alphas(source):
    """The ``alpha`` grid of cba in the benchmark's settings at ``source`` (None: cba_path's default)."""
    code = "import json; from skfairpareto.benchmark._methods import settings; a = settings(False)['alphas']; " \
           "print(json.dumps(None if a is None else [float(v) for v in a]))"
    proc = _isolated(source, ["-c", code])
    if proc.returncode != 0:
        raise RuntimeError(f"reading the benchmark's settings in {source} failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _speedup(old, new, import_s):
    """A row of the table: both versions' fit seconds and the speed-up, without and with torch's import."""
    return {"baseline_s": old, "new_s": new, "speedup": old / new,
            "speedup_with_import": (old + import_s) / (new + import_s)}


def main():
    from skfairpareto._utils import atomic_write
    from skfairpareto.benchmark import OUR_METHODS, prepare_split
    from skfairpareto.benchmark._machine import cpu_name, float32_fingerprint

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="93d06c6", help="the earlier commit to compare with")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--constraints", default="error_rate_parity")
    parser.add_argument("--methods", nargs="+", default=list(OUR_METHODS))
    parser.add_argument("--output", default="docs/results/fit_time.json")
    args = parser.parse_args()

    split = prepare_split(seed=0, features="hybrid")
    folder = Path(tempfile.gettempdir())
    data = folder / "skfairpareto-fit-time.npz"
    np.savez(data, X=split.X_train, y=split.y_train, g=split.groups_train.astype("U"))
    baseline = worktree(args.baseline, folder / f"skfairpareto-{args.baseline}")

    rows = {m: {"baseline": [], "new": []} for m in args.methods}
    # Where the baseline's benchmark fitted cba on another alpha grid, this version is also timed on that
    # grid: the same work, beside the row of each version's own grid.
    old_grid = benchmark_alphas(baseline) if "cba" in args.methods else None
    same_grid = old_grid is not None and old_grid != benchmark_alphas(ROOT)
    same_grid_s = []
    eg, imports = [], []
    t0 = time.perf_counter()
    for _ in range(args.repeats):
        for method in args.methods:  # alternate the two versions, fit by fit
            for version, source in (("baseline", baseline), ("new", ROOT)):
                seconds, import_s = fit_seconds(source, data, method, args.constraints)
                rows[method][version].append(seconds)
                imports.append(import_s)
            if method == "cba" and same_grid:
                same_grid_s.append(fit_seconds(ROOT, data, "cba", args.constraints, alphas=old_grid)[0])
        eg.append(fit_seconds(ROOT, data, "expgrad", args.constraints)[0])
    eg_s, import_s = float(np.median(eg)), float(np.median(imports))
    table = [{"method": method, **_speedup(float(np.median(r["baseline"])), float(np.median(r["new"])), import_s)}
             for method, r in rows.items()]
    total_old, total_new = sum(r["baseline_s"] for r in table), sum(r["new_s"] for r in table)
    summary = {"baseline": args.baseline, "constraints": args.constraints, "repeats": args.repeats,
               "n_train": int(len(split.y_train)), "n_features": int(split.X_train.shape[1]),
               # Which machine: the speed-ups depend on it (docs/benchmarks.md, "Fit time").
               "cpu": cpu_name(), "float32_fingerprint": float32_fingerprint(),
               "import_s": import_s,
               "expgrad_s": eg_s, "ours_total_baseline_s": total_old, "ours_total_new_s": total_new,
               "ours_over_expgrad_baseline": total_old / eg_s, "ours_over_expgrad_new": total_new / eg_s,
               "rows": table, "wall_s": time.perf_counter() - t0}
    if same_grid:
        old = table[[r["method"] for r in table].index("cba")]["baseline_s"]
        summary["cba_same_grid"] = {"alphas": old_grid, **_speedup(old, float(np.median(same_grid_s)), import_s)}
    print(f"{'method':<10} {'baseline s':>11} {'new s':>8} {'speed-up':>9} {'with import':>12}")
    for r in table:
        print(f"{r['method']:<10} {r['baseline_s']:>11.1f} {r['new_s']:>8.1f} {r['speedup']:>8.2f}x "
              f"{r['speedup_with_import']:>11.2f}x")
    print(f"{'total':<10} {total_old:>11.1f} {total_new:>8.1f} {total_old / total_new:>8.2f}x")
    if same_grid:
        r = summary["cba_same_grid"]
        print(f"cba on the baseline's {len(old_grid)} alpha: {r['baseline_s']:.1f} s against {r['new_s']:.1f} s, "
              f"{r['speedup']:.2f}x")
    print(f"torch's one-time import: {import_s:.1f} s per process, not in the figures above")
    print(f"ExponentiatedGradient {eg_s:.1f} s: ours / EG = {total_old / eg_s:.2f} (baseline), "
          f"{total_new / eg_s:.2f} (new)")
    out = ROOT / args.output
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(out, lambda fh: fh.write(json.dumps(summary, indent=2).encode()))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()

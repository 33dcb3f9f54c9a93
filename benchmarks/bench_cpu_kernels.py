"""Numerics on every CPU kernel this machine can emulate, and the cost of float64 prediction.

Usage: python benchmarks/bench_cpu_kernels.py [--skip-tests] [--skip-fronts] [--skip-predict]
       [--output-dir benchmarks/results/cpu_kernels]

Three measurements, each printed as a table and written to ``cpu_kernels.json``:

1. **The numerics tests under each kernel.** ``pytest -m numerics`` (estimator checks,
   reproducibility, group-aware, memmap and distributed equality) in a fresh process per kernel,
   with ``ATEN_CPU_CAPABILITY`` (torch's own kernels) and ``MKL_ENABLE_INSTRUCTIONS`` /
   ``ONEDNN_MAX_CPU_ISA`` (the BLAS and oneDNN under it) set to match: ``default`` (SSE4.2),
   ``avx2`` and ``avx512``. Kernels the CPU lacks are skipped and said so.
2. **Fronts across kernels.** Every estimator fitted with the same seed under each kernel (one
   process each); the largest difference of any member's logit from the ``default`` kernel's,
   and the share of rows whose hard prediction agrees. This is what docs/reliability.md promises
   across machines.
3. **The cost of float64 prediction** on the bundled corpus (hybrid features of every tweet,
   from the benchmark's feature cache): ``decision_function`` (float64 evaluation, row blocks)
   against the same head run in float32 on the whole matrix, median of 5 runs each.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
#: (ATEN_CPU_CAPABILITY, MKL_ENABLE_INSTRUCTIONS, ONEDNN_MAX_CPU_ISA) of each emulated kernel.
KERNELS = {"default": ("default", "SSE4_2", "SSE41"), "avx2": ("avx2", "AVX2", "AVX2"),
           "avx512": ("avx512", "AVX512", "AVX512_CORE")}
ESTIMATORS = ("cba", "suhnpf", "phn-epo", "phn-ls", "fapareto")

FIT_SCRIPT = r"""
import sys, numpy as np, torch
from skfairpareto import CBAClassifier, FaParetoEnsemble, PHNParetoClassifier, SUHNPFParetoClassifier
rng = np.random.RandomState(0)
n = 2000
X = rng.normal(size=(n, 20)).astype(np.float32)
s = rng.randint(0, 2, n)
y = (X[:, 0] + 0.5 * X[:, 1] + rng.normal(scale=0.3 + 0.9 * s) > 0).astype(int)
g = np.where(s == 1, "B", "A")
make = {
    "cba": lambda: CBAClassifier(alpha=0.5, max_epochs=100, random_state=0),
    "suhnpf": lambda: SUHNPFParetoClassifier(n_members=5, random_state=0),
    "phn-epo": lambda: PHNParetoClassifier(n_members=5, hnet_max_epochs=60, random_state=0),
    "phn-ls": lambda: PHNParetoClassifier(n_members=5, solver="ls", hnet_max_epochs=60, random_state=0),
    "fapareto": lambda: FaParetoEnsemble(population_size=4, n_generations=3, random_state=0),
}
out = {"capability": np.array(torch.backends.cpu.get_cpu_capability())}
for name, build in make.items():
    est = build().fit(X, y, sensitive_features=g)
    out[name] = np.stack([m.decision_function(X) for m in getattr(est, "front_", [est])])
np.savez(sys.argv[1], **out)
"""


def kernel_env(kernel):
    aten, mkl, onednn = KERNELS[kernel]
    return {**os.environ, "ATEN_CPU_CAPABILITY": aten, "MKL_ENABLE_INSTRUCTIONS": mkl, "ONEDNN_MAX_CPU_ISA": onednn,
            "MPLBACKEND": "Agg"}


def available_kernels():
    """The kernels this CPU runs: torch reports the best it supports."""
    import torch

    best = torch.backends.cpu.get_cpu_capability().lower()
    order = ["default", "avx2", "avx512"]
    best = "avx512" if best.startswith("avx512") else best if best in order else "default"
    return order[: order.index(best) + 1]


def run_tests(kernels):
    rows = []
    for kernel in kernels:
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "pytest", "-m", "numerics", "-q", "-p", "no:cacheprovider"],
                              cwd=ROOT, env=kernel_env(kernel), capture_output=True, text=True)
        last = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr[-500:]
        rows.append({"kernel": kernel, "returncode": proc.returncode, "summary": last,
                     "seconds": time.perf_counter() - t0})
        print(f"{kernel} | exit {proc.returncode} | {last}", flush=True)
    return rows


def compare_fronts(kernels):
    fronts = {}
    with tempfile.TemporaryDirectory() as tmp:
        for kernel in kernels:
            path = Path(tmp) / f"{kernel}.npz"
            subprocess.run([sys.executable, "-c", FIT_SCRIPT, str(path)], cwd=ROOT, env=kernel_env(kernel), check=True)
            with np.load(path) as data:
                fronts[kernel] = {k: data[k] for k in data.files}
    rows = []
    base = fronts[kernels[0]]
    for kernel in kernels[1:]:
        for name in ESTIMATORS:
            a, b = base[name], fronts[kernel][name]
            same_shape = a.shape == b.shape
            rows.append({"kernel": kernel, "vs": kernels[0], "estimator": name, "members": int(len(b)),
                         "same_members": bool(same_shape),
                         "max_logit_difference": float(np.max(np.abs(a - b))) if same_shape else None,
                         "hard_agreement": float(np.mean((a > 0) == (b > 0))) if same_shape else None,
                         "capability": str(fronts[kernel]["capability"])})
            r = rows[-1]
            print(f"{kernel} vs {kernels[0]} | {name} | {r['members']} | "
                  + (f"{r['max_logit_difference']:.1e} | {100 * r['hard_agreement']:.2f} %" if same_shape
                     else "member count differs"), flush=True)
    return rows


def prediction_cost(repeats=5):
    import torch

    from skfairpareto import CBAClassifier
    from skfairpareto.benchmark import prepare_split

    split = prepare_split(seed=0, features="hybrid")
    X = np.vstack([split.X_train, split.X_test])
    member = CBAClassifier(alpha=0.5, max_epochs=50, random_state=0).fit(
        split.X_train, split.y_train, sensitive_features=split.groups_train)
    module = member.net_.module_.eval()

    def float32():
        with torch.no_grad():
            return module(torch.as_tensor(X)).numpy()

    def timed(f):
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            f()
            times.append(time.perf_counter() - t0)
        return float(np.median(times))

    t64, t32 = timed(lambda: member.decision_function(X)), timed(float32)
    diff = float(np.max(np.abs(member.decision_function(X) + member.threshold_ - float32())))
    row = {"rows": int(X.shape[0]), "features": int(X.shape[1]), "float64_seconds": t64, "float32_seconds": t32,
           "ratio": t64 / t32, "max_logit_difference": diff}
    print(f"{X.shape[0]} x {X.shape[1]} | float64 {1000 * t64:.1f} ms | float32 {1000 * t32:.1f} ms | "
          f"{t64 / t32:.2f}x | max |logit difference| {diff:.1e}", flush=True)
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-tests", action="store_true")
    parser.add_argument("--skip-fronts", action="store_true")
    parser.add_argument("--skip-predict", action="store_true")
    parser.add_argument("--output-dir", default="benchmarks/results/cpu_kernels")
    args = parser.parse_args()
    kernels = available_kernels()
    missing = [k for k in KERNELS if k not in kernels]
    print(f"kernels: {kernels}" + (f" (this CPU lacks {missing})" if missing else ""))
    result = {"kernels": kernels}
    if not args.skip_tests:
        print("\npytest -m numerics | kernel | exit | summary")
        result["tests"] = run_tests(kernels)
    if not args.skip_fronts:
        print("\nfronts across kernels | estimator | members | max |logit difference| | hard predictions equal")
        result["fronts"] = compare_fronts(kernels)
    if not args.skip_predict:
        print("\nprediction on the bundled corpus | float64 | float32 | ratio | max |logit difference|")
        result["predict"] = prediction_cost()
    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "cpu_kernels.json").write_text(json.dumps(result, indent=1))
    print(f"wrote {out / 'cpu_kernels.json'}")
    failed = [r["kernel"] for r in result.get("tests", []) if r["returncode"] != 0]
    if failed:
        sys.exit(f"numerics tests failed under: {failed}")


if __name__ == "__main__":
    main()

"""Which machine a benchmark ran on: results of float32 training compare across runs only on one.

The fronts train in float32, and a front is a chaotic function of the last bits of its sums: on two
CPUs the same code gave the same peer rows (float64) and fronts a third of a seed's hypervolume apart
(docs/benchmarks.md, "Another CPU"). The benchmark scripts record :func:`float32_fingerprint` beside
their results and refuse to merge rows of two machines into one table.
"""

from __future__ import annotations

from pathlib import Path


def float32_fingerprint():
    """A short hash of a few float32 training steps in torch on fixed data, equal on two machines only where
    their kernels round alike.

    A run records it; ``--merge`` folds rows into a run only where they match, since rows of two
    machines differ by the machines as well as by the code.

    Examples
    --------
    >>> len(float32_fingerprint()) == 16 and float32_fingerprint() == float32_fingerprint()
    True
    """
    import hashlib

    import torch

    with torch.random.fork_rng():  # the caller's random state is left as it was
        torch.manual_seed(0)
        X, y = torch.randn(2048, 96), (torch.randn(2048) > 0).float()
        head = torch.nn.Sequential(torch.nn.Linear(96, 64), torch.nn.ReLU(), torch.nn.Linear(64, 1))
        optimizer = torch.optim.Adam(head.parameters(), lr=0.01)
        for _ in range(20):
            optimizer.zero_grad()
            torch.nn.functional.binary_cross_entropy_with_logits(head(X).squeeze(1), y).backward()
            optimizer.step()
    weights = torch.cat([p.detach().reshape(-1) for p in head.parameters()])
    return hashlib.sha256(weights.numpy().tobytes()).hexdigest()[:16]


def cpu_name():
    """The CPU's model name (Linux), or the platform's processor string elsewhere."""
    import platform

    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"

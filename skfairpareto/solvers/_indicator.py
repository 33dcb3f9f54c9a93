"""SUHNPF's learned indicator of Pareto-stationary parameters: a small network over flattened parameters."""

from __future__ import annotations

import torch

__all__ = [
    "ParetoIndicator",
]


class ParetoIndicator(torch.nn.Module):
    """Small MLP mapping a flattened parameter vector to the probability of being Pareto-stationary."""

    def __init__(self, n_inputs, hidden=32):
        super().__init__()
        self.net = torch.nn.Sequential(
            torch.nn.Linear(n_inputs, hidden), torch.nn.Tanh(), torch.nn.Linear(hidden, 1)
        )
        self.register_buffer("mean", torch.zeros(n_inputs))
        self.register_buffer("std", torch.ones(n_inputs))

    def forward(self, x):
        return torch.sigmoid(self.net((x - self.mean) / self.std)).squeeze(-1)

    @classmethod
    def fit(cls, X, soft_labels, *, epochs=300, seed=0):
        dtype = torch.get_default_dtype()
        X = torch.as_tensor(X, dtype=dtype)
        t = torch.as_tensor(soft_labels, dtype=dtype)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            model = cls(X.shape[1])
        model.mean.copy_(X.mean(0))
        model.std.copy_(X.std(0).clamp_min(1e-6))
        opt = torch.optim.Adam(model.parameters(), lr=1e-2)
        for _ in range(epochs):
            opt.zero_grad()
            p = model(X).clamp(1e-6, 1 - 1e-6)
            loss = torch.nn.functional.binary_cross_entropy(p, t)
            loss.backward()
            opt.step()
        model.eval()
        return model

"""Pareto HyperNetworks (Navon et al., ICLR 2021): one network maps a preference ray to a model.

:class:`HyperNetwork` wraps any *target* torch module: an MLP reads the ray and emits every
parameter of the target, which then runs with those weights through
:func:`torch.func.functional_call`. :func:`hypernetwork_loss` is one training step's loss over a
batch of rays, combined by linear scalarisation (``"ls"``) or EPO (``"epo"``). Nothing here knows
about text or scikit-learn: ``objectives_fn`` maps generated parameters to a loss vector.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.func import functional_call

from .epo import epo_scalarize, ray_residual

__all__ = [
    "HyperNetwork",
    "sample_rays",
    "normalized_losses",
    "hypernetwork_loss",
]

SOLVERS = ("ls", "epo")


class HyperNetwork(nn.Module):
    """Map a preference ray on the simplex to the parameters of ``target``.

    The output layer starts at zero weight with its bias equal to ``target``'s current
    parameters, so before training every ray yields the target as given -- how PHN starts from
    a pre-trained (e.g. accuracy-optimal) model. The target's own parameters are frozen; only
    the hypernetwork trains.

    Parameters
    ----------
    target : torch.nn.Module
        The model whose weights are generated; ``forward(X, ray)`` calls it on ``X``.
    n_objectives : int, default=2
        Length of a ray.
    hidden_layer_sizes : tuple of int, default=(100,)
        Hidden widths of the ray MLP.

    Examples
    --------
    >>> import torch
    >>> hnet = HyperNetwork(torch.nn.Linear(3, 1))
    >>> sorted(hnet.generate(torch.tensor([0.3, 0.7])))
    ['bias', 'weight']
    """

    def __init__(self, target, n_objectives=2, hidden_layer_sizes=(100,)):
        super().__init__()
        self.target = target
        for p in target.parameters():
            p.requires_grad_(False)
        self._names = [n for n, _ in target.named_parameters()]
        self._shapes = [p.shape for _, p in target.named_parameters()]
        self._sizes = [p.numel() for _, p in target.named_parameters()]
        layers, width = [], n_objectives
        for size in hidden_layer_sizes:
            layers += [nn.Linear(width, size), nn.ReLU()]
            width = size
        self.body = nn.Sequential(*layers)
        self.out = nn.Linear(width, sum(self._sizes))
        with torch.no_grad():
            self.out.weight.zero_()
            self.out.bias.copy_(torch.cat([p.detach().reshape(-1) for p in target.parameters()]))

    def generate(self, ray):
        """Target parameters for ``ray`` (shape (n_objectives,)), as a name -> tensor dict."""
        flat = self.out(self.body(ray.to(self.out.bias.dtype)))
        chunks = torch.split(flat, self._sizes)
        return {n: c.reshape(s) for n, c, s in zip(self._names, chunks, self._shapes)}

    def forward(self, X, ray, **kwargs):
        return functional_call(self.target, self.generate(ray), (X,), kwargs)


def sample_rays(n, n_objectives, concentration, device="cpu"):
    """``n`` rays from a symmetric Dirichlet (``concentration`` < 1 favours the simplex's ends).

    Draws from torch's global generator, which callers seed (e.g. under ``fork_rng``).
    """
    conc = torch.full((n_objectives,), float(concentration))
    return torch.distributions.Dirichlet(conc).sample((n,)).to(device)


def normalized_losses(f, ideal=None, scales=None):
    """``(f - ideal) / scales``, clamped just above 0 (EPO needs positive losses)."""
    lo = torch.zeros_like(f) if ideal is None else torch.as_tensor(ideal, dtype=f.dtype, device=f.device)
    sc = torch.ones_like(f) if scales is None else torch.as_tensor(scales, dtype=f.dtype, device=f.device)
    return torch.clamp((f - lo) / sc, min=1e-6)


def hypernetwork_loss(hnet, objectives_fn, rays, solver="ls", ideal=None, scales=None, eps=1e-4):
    """Training loss of a hypernetwork over a batch of rays, and per-ray diagnostics.

    For each ray ``r`` the normalised losses are ``l = (f - ideal) / scales`` (kept > 0 for EPO)
    where ``f = objectives_fn(hnet.generate(r))``; LS adds ``r @ l``, EPO adds ``m * w @ l`` with
    EPO's weights ``w`` for ``r`` (gradients w.r.t. the hypernetwork's parameters). The result is
    the mean over rays.

    Returns
    -------
    loss : scalar tensor
    objectives : ndarray of shape (n_rays, m)
        The raw ``f`` of each ray.
    residuals : ndarray of shape (n_rays,)
        Each ray's :func:`~skfairpareto.solvers.ray_residual` of its normalised losses.
    """
    if solver not in SOLVERS:
        raise ValueError(f"solver must be one of {list(SOLVERS)}, got {solver!r}")
    params = [p for p in hnet.parameters() if p.requires_grad]
    total, fs, residuals = 0.0, [], []
    for ray in rays:
        f = objectives_fn(hnet.generate(ray))
        losses = normalized_losses(f, ideal, scales)
        if solver == "ls":
            total = total + (ray.to(losses.dtype) * losses).sum()
        else:
            weighted, _ = epo_scalarize(losses, ray.detach().cpu().numpy(), params, eps)
            total = total + weighted
        fs.append(f.detach().cpu().numpy())
        residuals.append(ray_residual(losses.detach().cpu().numpy(), ray.detach().cpu().numpy()))
    return total / len(rays), np.array(fs), np.array(residuals)

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

from .epo import epo_weights, ray_residual

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

    def generate_batch(self, rays):
        """Target parameters for every row of ``rays`` (shape (k, n_objectives)), stacked: name -> (k, ...)."""
        flat = self.out(self.body(rays.to(self.out.bias.dtype)))
        chunks = torch.split(flat, self._sizes, dim=1)
        return {n: c.reshape(len(rays), *s) for n, c, s in zip(self._names, chunks, self._shapes)}

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

    For each ray ``r`` the normalised losses are ``l_r = (f_r - ideal) / scales`` (kept > 0 for
    EPO), ``f`` the objectives of the head generated for ``r``; LS adds ``r @ l_r``, EPO adds
    ``m * w_r @ l_r`` with EPO's weights ``w_r`` for ``r``; the loss is the mean over rays, and its
    gradient w.r.t. the hypernetwork's parameters is the step.

    Every ray's head is generated at once (:meth:`HyperNetwork.generate_batch`) and
    ``objectives_fn`` evaluates them together, so the data are read once per step, not once per
    ray and objective. The gradients go through the heads: a ray's losses depend on its own head
    alone, so one backward pass per objective gives every ray's head gradient, and EPO's
    per-ray gradients w.r.t. the hypernetwork (its Gram matrices) follow by the chain rule through
    the small ray MLP, without touching the data again.

    Parameters
    ----------
    hnet : HyperNetwork
    objectives_fn : callable
        ``objectives_fn(params) -> tensor of shape (k, m)``: the objectives of ``k`` heads whose
        parameters ``params`` stacks (name -> tensor with a leading dimension of ``k``).
    rays : tensor of shape (k, m)
    solver : {"ls", "epo"}
    ideal, scales : array-like of shape (m,) or None
        The normalisation of the losses.
    eps : float
        EPO's non-uniformity tolerance (:func:`~skfairpareto.solvers.epo_weights`).

    Returns
    -------
    loss : scalar tensor
        Its value is the mean combined loss; its gradient w.r.t. the hypernetwork's parameters
        is the step.
    objectives : ndarray of shape (n_rays, m)
        The raw ``f`` of each ray.
    residuals : ndarray of shape (n_rays,)
        Each ray's :func:`~skfairpareto.solvers.ray_residual` of its normalised losses.
    """
    if solver not in SOLVERS:
        raise ValueError(f"solver must be one of {list(SOLVERS)}, got {solver!r}")
    heads = hnet.generate_batch(rays)
    leaves = {name: h.detach().contiguous().requires_grad_() for name, h in heads.items()}  # strided: slow GEMMs
    F = objectives_fn(leaves)
    L = normalized_losses(F, ideal, scales)
    k, m = L.shape
    rays_np = rays.detach().cpu().numpy()
    if solver == "ls":
        coef = rays.to(L.dtype)
    else:
        params = [p for p in hnet.parameters() if p.requires_grad]
        # Every objective's gradient w.r.t. every ray's head in one backward pass (batched over the
        # objectives), so the data are read once more, not once per objective.
        basis = torch.eye(m, dtype=L.dtype, device=L.device)[:, None, :].expand(m, k, m)
        batched = torch.autograd.grad(L, list(leaves.values()), grad_outputs=basis, is_grads_batched=True)
        per_objective = [[g[j] for g in batched] for j in range(m)]
        rows = []
        for r in range(k):
            G = []
            for grads in per_objective:  # ray r's gradient of objective j, back through the ray MLP
                cotangents = [torch.zeros_like(g).index_copy_(0, torch.tensor([r], device=g.device), g[r:r + 1])
                              for g in grads]
                through = torch.autograd.grad(list(heads.values()), params, grad_outputs=cotangents,
                                              retain_graph=True, allow_unused=True)
                G.append(torch.cat([(g if g is not None else torch.zeros_like(p)).reshape(-1)
                                    for g, p in zip(through, params)]))
            G = torch.stack(G)
            gram = (G @ G.T).detach().double().cpu().numpy()
            w = epo_weights(L[r].detach().double().cpu().numpy(), gram, rays_np[r], eps)
            rows.append(w * m)
        coef = torch.as_tensor(np.array(rows), dtype=L.dtype, device=L.device)
    total = (coef * L).sum() / k
    if solver == "ls":
        head_grads = torch.autograd.grad(total, list(leaves.values()))
    else:  # the same gradient, from the per-objective ones already at hand (no second pass over the data)
        head_grads = [sum((coef[:, j] / k).reshape(-1, *[1] * (g.ndim - 1)) * g for j, g in enumerate(grads))
                      for grads in zip(*per_objective)]
    # A surrogate whose gradient w.r.t. the hypernetwork is the heads' gradients carried back through
    # the ray MLP, and whose value is the loss.
    surrogate = sum((h * g).sum() for h, g in zip(heads.values(), head_grads))
    loss = surrogate - surrogate.detach() + total.detach()
    residuals = np.array([ray_residual(L[r].detach().cpu().numpy(), rays_np[r]) for r in range(k)])
    return loss, F.detach().cpu().numpy(), residuals

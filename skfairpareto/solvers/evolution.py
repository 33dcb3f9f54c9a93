"""Operators of FaPareto's multi-objective evolution (Zhang et al. 2024): merge-crossover,
Gaussian mutation, and the NSGA-II machinery borrowed from pymoo.

Models are dicts of tensors (``state_dict``-like, same keys and shapes). Crossover merges
parents *relative to a shared base model* (the start every individual descends from), on
their task vectors ``tau_i = theta_i - theta_base``:

* ``"average"``: ``theta_base + mean_i tau_i`` (weight averaging);
* ``"task_arithmetic"``: ``theta_base + scaling * sum_i tau_i`` (Ilharco et al. 2023);
* ``"ties"``: TIES-merging (Yadav et al. 2023): trim each task vector to its largest-magnitude
  entries (``trim_ratio`` of them are zeroed), elect per entry the sign with the larger total
  mass, average the entries that agree with it, ``theta_base + scaling * merged``.

Non-dominated sorting, rank-and-crowding survival, binary tournament selection and the
hypervolume are pymoo's. Nothing here knows about text or scikit-learn.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import torch

MERGE_METHODS = ("average", "task_arithmetic", "ties")


def _flatten(state, keys):
    return torch.cat([state[k].reshape(-1).to(torch.float64) for k in keys])


def _unflatten(vec, like):
    out, i = {}, 0
    for k, t in like.items():
        out[k] = vec[i : i + t.numel()].reshape(t.shape).to(t.dtype)
        i += t.numel()
    return out


def merge_models(base, models, method="ties", scaling=1.0, trim_ratio=0.8):
    """Merge ``models`` (dicts of tensors) relative to ``base`` by ``method`` (see module doc).

    Examples
    --------
    >>> import torch
    >>> base = {"w": torch.zeros(2)}
    >>> merge_models(base, [{"w": torch.tensor([1.0, 2.0])}, {"w": torch.tensor([3.0, 0.0])}], "average")["w"]
    tensor([2., 1.])
    """
    if method not in MERGE_METHODS:
        raise ValueError(f"merge must be one of {list(MERGE_METHODS)}, got {method!r}")
    if not models:
        raise ValueError("merge_models needs at least one model")
    keys = list(base)
    theta0 = _flatten(base, keys)
    tau = torch.stack([_flatten(m, keys) - theta0 for m in models])
    if method == "average":
        merged = tau.mean(0)
    elif method == "task_arithmetic":
        merged = scaling * tau.sum(0)
    else:
        merged = scaling * ties_merge(tau, trim_ratio)
    return _unflatten(theta0 + merged, base)


def ties_merge(task_vectors, trim_ratio=0.8):
    """TIES merge of stacked task vectors (shape ``(n_models, n_params)``): trim, elect, mean."""
    if not 0.0 <= trim_ratio < 1.0:
        raise ValueError(f"trim_ratio must be in [0, 1), got {trim_ratio}")
    tau = task_vectors.clone()
    n_keep = max(1, int(round((1.0 - trim_ratio) * tau.shape[1])))
    if n_keep < tau.shape[1]:
        # Trim: keep each model's n_keep largest-magnitude entries.
        cutoff = tau.abs().topk(n_keep, dim=1).values[:, -1:]
        tau[tau.abs() < cutoff] = 0.0
    sign = torch.sign(tau.sum(0))  # elected sign: the side with the larger total mass
    agree = (torch.sign(tau) == sign) & (tau != 0)
    count = agree.sum(0).clamp_min(1)
    return (tau * agree).sum(0) / count


def gaussian_mutation(state, rate, scale, generator=None):
    """Add ``N(0, scale^2)`` noise to a random share ``rate`` of every tensor's entries."""
    out = {}
    for k, t in state.items():
        mask = torch.rand(t.shape, generator=generator) < rate
        noise = torch.randn(t.shape, generator=generator) * scale
        out[k] = t + (mask * noise).to(t.dtype).to(t.device)
    return out


def _pymoo_population(F):
    from pymoo.core.population import Population

    return Population.new("F", np.asarray(F, dtype=float))


def _problem():
    from pymoo.core.problem import Problem

    return Problem(n_var=1, n_obj=2)


def rank_and_crowding_survival(F, n_survive, random_state=None):
    """Indices of NSGA-II's survivors of objective rows ``F`` (pymoo ``RankAndCrowding``)."""
    from pymoo.operators.survival.rank_and_crowding import RankAndCrowding

    pop = _pymoo_population(F)
    return np.asarray(RankAndCrowding().do(_problem(), pop, n_survive=n_survive,
                                           random_state=random_state, return_indices=True))


def tournament_pairs(F, n_pairs, random_state=None):
    """``(n_pairs, 2)`` parent indices by NSGA-II binary tournament (dominance, then crowding)."""
    from pymoo.algorithms.moo.nsga2 import binary_tournament
    from pymoo.operators.selection.tournament import TournamentSelection
    from pymoo.operators.survival.rank_and_crowding import RankAndCrowding

    pop = _pymoo_population(F)
    # Survival of everyone sets the rank and crowding attributes the tournament compares.
    RankAndCrowding().do(_problem(), pop, n_survive=len(pop), random_state=random_state)
    algorithm = SimpleNamespace(tournament_type="comp_by_dom_and_crowding", random_state=random_state)
    P = TournamentSelection(func_comp=binary_tournament).do(
        _problem(), pop, n_pairs, n_parents=2, to_pop=False, random_state=random_state, algorithm=algorithm
    )
    return np.asarray(P, dtype=int)

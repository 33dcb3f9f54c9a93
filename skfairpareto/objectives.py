"""Differentiable building blocks of the objectives (torch): per-sample losses, group means, gaps.

The fairness criteria of :mod:`skfairpareto.criteria` compose these. Notation (docs/design.md):
logits ``z_i``, labels ``y_i``, integer group codes ``g_i`` in ``[0, n_groups)``.

* ``f1 = mean_i BCE_i`` -- the accuracy surrogate (:func:`per_sample_bce`).
* A *rate* of a group is the mean of a per-sample value over one population of the group's
  samples (all of them, its positives, its negatives): :func:`population_means`.
* ``f2`` compares a rate across groups: the mean over pairs of groups of the squared difference
  (:func:`pairwise_squared_gap`), summed over the criterion's rates. Groups (or cells) absent
  from a mini-batch are left out for that batch rather than counted as zero.

The seed paper's class balanced loss (Eq. 3) scales each group's summed loss by the other
groups' share; for two groups both terms are ``(N_0 N_1 / N) * mean_{i in g} BCE_i``, so its
gap (Eq. 4) is, up to that constant, the squared gap of the group means of BCE:
``ErrorRateParity(gap_loss="bce")``.
"""

from __future__ import annotations

import numpy as np
import torch

__all__ = [
    "per_sample_bce",
    "per_sample_expected_error",
    "population_means",
    "pairwise_squared_gap",
    "with_weight_decay",
    "scalarized",
]


def per_sample_bce(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy of each sample from logits (numerically stable)."""
    return torch.nn.functional.binary_cross_entropy_with_logits(logits, y.to(logits.dtype), reduction="none")


def per_sample_expected_error(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Probability the model gives the wrong class, ``1 - p(y_i | x_i)``: a smooth 0-1 loss.

    Its group means are the groups' expected error rates, so their gap is a differentiable
    stand-in for the accuracy gap itself.
    """
    sign = 2.0 * y.to(logits.dtype) - 1.0
    return torch.sigmoid(-sign * logits)


def population_means(values, populations, groups, n_groups):
    """Mean of each column of ``values`` over each group's samples in that column's population.

    Parameters
    ----------
    values : torch.Tensor of shape (n_samples, n_rates)
    populations : torch.Tensor of bool, shape (n_samples, n_rates)
        Which samples each column averages.
    groups : torch.Tensor of int, shape (n_samples,)
    n_groups : int

    Returns
    -------
    means, present : torch.Tensor of shape (n_groups, n_rates)
        The means, and whether the group has any sample in the population (else its mean is 0).
    """
    weights = populations.to(values.dtype)
    shape = (n_groups, values.shape[1])
    sums = values.new_zeros(shape).index_add(0, groups, values * weights)
    counts = values.new_zeros(shape).index_add(0, groups, weights)
    return sums / counts.clamp_min(1), counts > 0


def pairwise_squared_gap(rates, present):
    """Mean over pairs of present groups of the squared difference of their rates, per column.

    ``rates`` and ``present`` have shape ``(n_groups, n_rates)`` (a 1-d input is one column);
    returns shape ``(n_rates,)``. A column with fewer than two present groups gives 0 (with the
    graph kept, so a batch holding one group still back-propagates).
    """
    if rates.ndim == 1:
        rates, present = rates[:, None], present[:, None]
    diffs = rates[:, None, :] - rates[None, :, :]
    upper = torch.triu(torch.ones(rates.shape[0], rates.shape[0], dtype=torch.bool, device=rates.device), 1)
    pair = (present[:, None, :] & present[None, :, :] & upper[:, :, None]).to(rates.dtype)
    return (diffs.pow(2) * pair).sum((0, 1)) / pair.sum((0, 1)).clamp_min(1)


def with_weight_decay(objectives, params, weight_decay):
    """``objectives`` (``[f1, f2, ...]``) with ``weight_decay / 2 * sum ||p||^2`` added to f1.

    The L2 penalty belongs to the accuracy objective, so the scalarisation weighs it by
    ``alpha`` like the rest of f1: at ``alpha = 0`` nothing shrinks the head to a constant.
    """
    if not weight_decay:
        return objectives
    penalty = 0.5 * weight_decay * sum(p.pow(2).sum() for p in params)
    return objectives + torch.cat([penalty.to(objectives.dtype).reshape(1), objectives.new_zeros(len(objectives) - 1)])


def scalarized(objectives, weights, scales=None):
    """The seed paper's Eq. 6 on normalised objectives, for any number of them.

    ``sum_j weights_j * f_j / s_j``: with two objectives and ``weights = (alpha, 1 - alpha)``,
    ``alpha * f1/s1 + (1 - alpha) * f2/s2``. A number ``weights`` is that ``alpha``.
    """
    if np.ndim(weights) == 0:
        weights = (float(weights), 1.0 - float(weights))
    scales = (1.0,) * len(weights) if scales is None else scales
    total = weights[0] * objectives[0] / scales[0]
    for j in range(1, len(weights)):
        total = total + weights[j] * objectives[j] / scales[j]
    return total

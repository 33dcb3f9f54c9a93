"""Differentiable building blocks of the objectives (torch): f1, CBA and group gaps.

The fairness criteria of :mod:`skfairpareto.criteria` compose these. Notation
(docs/design.md): per-sample losses ``BCE_i``, integer group codes ``g_i`` in
``[0, n_groups)``, group counts ``N_g`` and ``N`` samples.

* ``f1 = mean_i BCE_i`` -- overall accuracy surrogate.
* ``CBA = sum_g ((N - N_g) / N) * sum_{i in g} BCE_i`` -- the seed paper's class balanced
  loss (Eq. 3); ``CBA_g`` is the term of group ``g``.
* ``f2`` -- the fairness gap (Eq. 4) in its scale-free form ``(mean_0 BCE - mean_1 BCE)^2``;
  for more than two groups the mean of squared pairwise gaps. With ``class_balanced=True`` each
  group's mean averages its positives' and negatives' mean losses with equal weight, so f2
  targets balanced-accuracy parity instead of accuracy parity.

Groups absent from a mini-batch are left out of f2 for that batch rather than counted as zero.
Which rate f2 compares is the criterion's choice (:mod:`skfairpareto.criteria`).
"""

from __future__ import annotations

import torch


def per_sample_bce(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy of each sample from logits (numerically stable)."""
    return torch.nn.functional.binary_cross_entropy_with_logits(
        logits, y.to(logits.dtype), reduction="none"
    )


def f1_loss(losses: torch.Tensor) -> torch.Tensor:
    """Overall accuracy surrogate: the mean loss over all samples."""
    return losses.mean()


def group_sums(losses, groups, n_groups):
    """Summed loss and sample count of each group; both have shape ``(n_groups,)``."""
    sums = losses.new_zeros(n_groups).index_add(0, groups, losses)
    counts = torch.bincount(groups, minlength=n_groups).to(losses.dtype)
    return sums, counts


def cba_terms(losses, groups, n_groups):
    """Per-group terms ``CBA_g = ((N - N_g) / N) * sum_{i in g} BCE_i`` of the seed paper's Eq. 3."""
    sums, counts = group_sums(losses, groups, n_groups)
    n = counts.sum()
    return (n - counts) / n * sums


def cba_loss(losses, groups, n_groups):
    """The seed paper's class balanced accuracy loss (Eq. 3): the sum of the CBA_g terms."""
    return cba_terms(losses, groups, n_groups).sum()


def group_mean_losses(losses, groups, n_groups, y=None, class_balanced=False):
    """Mean loss of each group and a mask of the groups present.

    With ``class_balanced=True`` (``y`` required) a group's value is the unweighted mean of its
    positive and negative samples' mean losses (the classes present in that group).
    """
    if not class_balanced:
        sums, counts = group_sums(losses, groups, n_groups)
        present = counts > 0
        return sums / counts.clamp_min(1), present
    if y is None:
        raise ValueError("class_balanced=True needs the labels y")
    cells = groups * 2 + y.long()
    sums, counts = group_sums(losses, cells, 2 * n_groups)
    cell_means = (sums / counts.clamp_min(1)).view(n_groups, 2)
    cell_present = (counts > 0).view(n_groups, 2).to(losses.dtype)
    n_cells = cell_present.sum(1)
    means = (cell_means * cell_present).sum(1) / n_cells.clamp_min(1)
    return means, n_cells > 0


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


def f2_loss(losses, groups, n_groups, y=None, class_balanced=False):
    """Fairness gap of a per-sample loss: mean squared pairwise difference of the group means (Eq. 4)."""
    means, present = group_mean_losses(losses, groups, n_groups, y, class_balanced)
    return pairwise_squared_gap(means, present)[0]


def per_sample_expected_error(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Probability the model gives the wrong class, ``1 - p(y_i | x_i)``: a smooth 0-1 loss.

    Its group means are the groups' expected error rates, so their gap is a differentiable
    stand-in for the accuracy gap itself.
    """
    sign = 2.0 * y.to(logits.dtype) - 1.0
    return torch.sigmoid(-sign * logits)


def with_weight_decay(objectives, params, weight_decay):
    """``objectives`` (``[f1, f2]``) with ``weight_decay / 2 * sum ||p||^2`` added to f1.

    The L2 penalty belongs to the accuracy objective, so the scalarisation weighs it by
    ``alpha`` like the rest of f1: at ``alpha = 0`` nothing shrinks the head to a constant.
    """
    if not weight_decay:
        return objectives
    penalty = 0.5 * weight_decay * sum(p.pow(2).sum() for p in params)
    return objectives + torch.stack([penalty.to(objectives.dtype), objectives.new_zeros(())])


def scalarized(objectives, alpha, scales=(1.0, 1.0)):
    """Seed paper's Eq. 6 on normalised objectives: ``alpha * f1/s1 + (1 - alpha) * f2/s2``."""
    return alpha * objectives[0] / scales[0] + (1.0 - alpha) * objectives[1] / scales[1]

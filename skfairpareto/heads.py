"""Classification heads: small torch modules that map frozen embeddings to logits."""

from __future__ import annotations

import torch
from torch import nn

__all__ = [
    "MLPHead",
    "GroupOffsets",
]


class MLPHead(nn.Module):
    """A linear (``hidden_layer_sizes=()``) or multi-layer perceptron head producing logits.

    One logit per sample for two classes (``n_outputs=1``, shape ``(n,)``), K for K classes
    (``n_outputs=K``, shape ``(n, K)``).

    ``forward`` accepts and ignores ``groups`` so that skorch can feed the group codes the
    fairness objectives need alongside the features (``X={"X": ..., "groups": ...}``).

    Parameters
    ----------
    n_features : int
        Width of the input embeddings.
    hidden_layer_sizes : tuple of int, default=()
        Widths of the hidden layers; empty for a linear (logistic-regression) head.
    dropout : float, default=0.0
        Dropout probability before every linear layer after the first.
    n_outputs : int, default=1
        Logits per sample: 1 for two classes, K for K classes.

    Examples
    --------
    >>> import torch
    >>> from skfairpareto.heads import MLPHead
    >>> MLPHead(4, (8,))(torch.zeros(3, 4)).shape
    torch.Size([3])
    """

    def __init__(self, n_features, hidden_layer_sizes=(), dropout=0.0, n_outputs=1):
        super().__init__()
        layers, width = [], n_features
        for size in hidden_layer_sizes:
            layers += [nn.Linear(width, size), nn.ReLU()]
            if dropout:
                layers.append(nn.Dropout(dropout))
            width = size
        layers.append(nn.Linear(width, n_outputs))
        self.layers = nn.Sequential(*layers)
        self.n_outputs = n_outputs

    def forward(self, X, groups=None):  # noqa: ARG002 - groups is consumed by the loss
        out = self.layers(X)
        return out.squeeze(-1) if self.n_outputs == 1 else out


class GroupOffsets(nn.Module):
    """A head plus one learned offset per group (per group and class for K classes), added to its
    logits (``group_aware=True``).

    The offsets start at zero and train with the rest of the head, on the same objective, so a
    group-aware model can shift each group's decision threshold; ``forward`` needs the groups.

    Parameters
    ----------
    n_features : int
        Width of the input features.
    n_groups : int
        Number of groups (offsets).
    head : torch.nn.Module class, default=MLPHead
        The group-blind head, instantiated as ``head(n_features=n_features, **head_params)``.
    **head_params
        Its other parameters.

    Examples
    --------
    >>> import torch
    >>> from skfairpareto.heads import GroupOffsets
    >>> head = GroupOffsets(4, 3)
    >>> head(torch.zeros(2, 4), groups=torch.tensor([0, 2])).shape
    torch.Size([2])
    """

    def __init__(self, n_features, n_groups, head=MLPHead, **head_params):
        super().__init__()
        self.head = head(n_features=n_features, **head_params)
        self.n_outputs = n_outputs = head_params.get("n_outputs", 1)
        self.offsets = nn.Parameter(torch.zeros(n_groups) if n_outputs == 1 else torch.zeros(n_groups, n_outputs))

    def forward(self, X, groups=None):
        if groups is None:
            raise ValueError("a group-aware head needs the groups: pass sensitive_features when predicting")
        return self.head(X) + self.offsets[groups.long()]

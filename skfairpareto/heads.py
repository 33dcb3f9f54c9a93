"""Classification heads: small torch modules that map frozen embeddings to logits."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from ._utils import is_memory_mapped, row_chunks

__all__ = [
    "MLPHead",
    "GroupOffsets",
    "HeadEnsemble",
    "stacked_logits",
    "feature_scaling",
    "fold_feature_scaling",
]

#: ``standardize="auto"``: the largest root mean square of a feature column that the heads train on
#: as given. Their learning rate, initialisation and weight decay are set for features of order one,
#: as embeddings, one-hot columns and standardised columns are (the suite's problems: at most 1.44);
#: raw measurements (an age near 40, an amount in thousands) are far above it. Measured without
#: standardising on two problems of the suite's generator (make_problem's defaults, seeds 7000 and
#: 7001, accuracy parity, against ExponentiatedGradient on the same columns): columns multiplied by
#: up to 100 or shifted by up to 5 cost nothing, shifted by up to 50 they took CBA to 0.51-0.65x,
#: PHN to 0.42-0.87x and SUHNPF to 0.60-1.05x. Not always: standardised, an embedding's many
#: low-variance columns weigh as much as the rest (docs/estimators.md, "Feature scale").
AUTO_STANDARDIZE_RMS = 10.0


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


def feature_scaling(X, standardize):
    """The per-column ``(mean, scale)`` (float64) a head is trained on ``(X - mean) / scale`` with, or None.

    ``standardize``: True always; False never; ``"auto"`` where some column's root mean square
    exceeds ``AUTO_STANDARDIZE_RMS`` (10). ``scale`` is the column's standard deviation, 1 where it
    is 0 (as scikit-learn's ``StandardScaler``). Read in row blocks: a memory-mapped ``X`` is
    never copied here.

    Examples
    --------
    >>> import numpy as np
    >>> from skfairpareto.heads import feature_scaling
    >>> X = np.array([[30.0, 0.0], [50.0, 1.0]])
    >>> mean, scale = feature_scaling(X, "auto")
    >>> mean.tolist(), scale.tolist()
    ([40.0, 0.5], [10.0, 0.5])
    >>> feature_scaling(X / 40, "auto") is None
    True
    """
    if standardize is False:
        return None
    n = len(X)
    total = np.zeros(X.shape[1])
    squares = np.zeros(X.shape[1])
    # Blocks of 4,096 rows: one float64 block and no temporary beside it (a memory-mapped X of 100,000
    # x 384 columns is read with about 13 MB held at once).
    for block in row_chunks(X, rows=4096):
        block = np.asarray(block, dtype=np.float64)
        total += block.sum(axis=0)
        squares += np.einsum("ij,ij->j", block, block)
    if standardize == "auto" and not np.sqrt(squares / n).max(initial=0.0) > AUTO_STANDARDIZE_RMS:
        return None
    mean = total / n
    # A second pass about the mean: the first pass's sums of squares lose the spread of a column
    # whose offset dwarfs it.
    spread = np.zeros(X.shape[1])
    for block in row_chunks(X, rows=4096):
        centred = np.asarray(block, dtype=np.float64) - mean
        spread += np.einsum("ij,ij->j", centred, centred)
    scale = np.sqrt(spread / n)
    return mean, np.where(scale > 10 * np.finfo(np.float64).eps * np.maximum(np.abs(mean), 1.0), scale, 1.0)


def scaled_features(X, scaling):
    """``X`` standardised by ``scaling`` (:func:`feature_scaling`) as float32, or ``X`` itself when it is None."""
    if scaling is None:
        return X
    mean, scale = scaling
    out = np.empty(X.shape, dtype=np.float32)
    for start in range(0, len(X), 16384):
        out[start : start + 16384] = (np.asarray(X[start : start + 16384], dtype=np.float64) - mean) / scale
    return out


def _input_layer(module):
    """The ``nn.Linear`` that reads a built-in head's features, or None for another module."""
    inner = module.head if isinstance(module, GroupOffsets) else module
    return inner.layers[0] if isinstance(inner, MLPHead) else None


def fold_feature_scaling(module, scaling, inverse=False):
    """Make a head trained on standardised features read the features as given (in place).

    A head whose first layer computes ``W (x - mean) / scale + b`` computes ``W' x + b'`` with
    ``W' = W / scale`` and ``b' = b - W' mean``, so the fitted model needs no preprocessing step:
    its members are ordinary heads on the user's columns. ``inverse=True`` undoes it (a warm start
    trains on from a fitted head in standardised coordinates). Nothing happens when ``scaling`` is
    None.
    """
    if scaling is None:
        return module
    layer = _input_layer(module)
    if layer is None:
        raise ValueError(f"cannot fold a feature standardisation into a {type(module).__name__}: only the "
                         "built-in heads (module=None) standardise their features")
    with torch.no_grad():
        mean = torch.as_tensor(scaling[0], dtype=torch.float64, device=layer.weight.device)
        scale = torch.as_tensor(scaling[1], dtype=torch.float64, device=layer.weight.device)
        W, b = layer.weight.double(), layer.bias.double()
        if inverse:
            W_new, b_new = W * scale, b + W @ mean
        else:
            W_new = W / scale
            b_new = b - W_new @ mean
        layer.weight.copy_(W_new.to(layer.weight.dtype))
        layer.bias.copy_(b_new.to(layer.bias.dtype))
    return module


def training_features(X, module, module_kwargs, device):
    """``X`` laid out for the training passes of the head ``module(**module_kwargs)`` on ``device``.

    A linear :class:`MLPHead` with one logit (group offsets or not) reads the features by
    matrix-vector products, forward and backward, which torch runs on a CPU about 1.8x faster
    over a column-major copy (measured on the bundled tweets' 19,826 x 896 float32 features:
    11.5 ms against 6.4 ms per forward and backward pass). It gets that copy; any other head
    (a matrix product, which a column-major X slows down: 24 ms against 83 ms for seven logits),
    an accelerator, or a memory-mapped X (which must stay on disk) gets ``X`` as it is.

    Examples
    --------
    >>> import numpy as np
    >>> from skfairpareto.heads import MLPHead, training_features
    >>> X = np.zeros((5, 3), dtype=np.float32)
    >>> training_features(X, MLPHead, {"n_features": 3}, "cpu").flags.f_contiguous
    True
    >>> training_features(X, MLPHead, {"n_features": 3, "n_outputs": 4}, "cpu") is X
    True
    """
    if module is GroupOffsets:
        module = module_kwargs.get("head", MLPHead)
    linear = (module is MLPHead and not tuple(module_kwargs.get("hidden_layer_sizes", ()))
              and module_kwargs.get("n_outputs", 1) == 1)
    if not linear or str(device) != "cpu" or not isinstance(X, np.ndarray) or is_memory_mapped(X):
        return X
    return np.asfortranarray(X)


def _linear_layer(module):
    """The one ``nn.Linear`` of a linear :class:`MLPHead` (logits affine in X), else None."""
    if type(module) is MLPHead and len(module.layers) == 1:
        return "layers.0."
    return None


def stacked_logits(module, params, X, groups=None):
    """The logits of ``k`` heads of one architecture on the same ``X``: shape ``(k, n)`` or ``(k, n, K)``.

    ``params`` maps each parameter name of ``module`` to a tensor with a leading dimension of
    ``k`` (one set per head, as :func:`torch.func.stack_module_state` stacks them). A linear head
    (:class:`MLPHead` without hidden layers, alone or inside :class:`GroupOffsets`) runs as one
    matrix product over every head: ``X`` is read once instead of ``k`` times, which on wide
    features is what an epoch costs (measured: four heads on 19,827 x 896 features, forward and
    backward, 11.6 ms against 43.7 ms one by one). Any other head runs one by one through
    :func:`torch.func.functional_call` (``torch.func.vmap`` was slower still for the linear case:
    140 ms).
    """
    inner = module.head if isinstance(module, GroupOffsets) else module
    prefix = "head." if isinstance(module, GroupOffsets) else ""
    layer = _linear_layer(inner)
    if layer is None:
        from torch.func import functional_call

        k = next(iter(params.values())).shape[0]
        return torch.stack([functional_call(module, {name: p[i] for name, p in params.items()}, (X,),
                                            {"groups": groups}) for i in range(k)])
    W, b = params[f"{prefix}{layer}weight"], params[f"{prefix}{layer}bias"]  # (k, K, d), (k, K)
    k, n_outputs = W.shape[0], W.shape[1]
    # (n, k * K) in one product, then each head's logits contiguous (a strided view made the backward
    # pass several times slower).
    Z = nn.functional.linear(X, W.reshape(k * n_outputs, -1), b.reshape(-1))
    Z = Z.T.contiguous().reshape(k, n_outputs, len(X)).transpose(1, 2)
    if isinstance(module, GroupOffsets):
        if groups is None:
            raise ValueError("a group-aware head needs the groups: pass sensitive_features when predicting")
        offsets = params["offsets"][:, groups.long()]  # (k, n) or (k, n, K)
        Z = Z + (offsets[..., None] if offsets.ndim == 2 else offsets)
    return Z.squeeze(-1) if n_outputs == 1 else Z.contiguous()


class HeadEnsemble(nn.Module):
    """``k`` heads of one architecture trained side by side: their parameters stacked, their logits
    computed together (:func:`stacked_logits`).

    Each head keeps parameters of its own (the stacked tensors' slices), so an optimiser whose update
    is elementwise (Adam, SGD) trains each exactly as it would train it alone; the gain is that a
    linear head's epoch reads the features once for all ``k``.

    Parameters
    ----------
    head : torch.nn.Module
        One head; its architecture (and its state, unless ``states`` are given) is copied.
    states : list of dict or None
        Each head's starting state (``state_dict``); ``None``: ``n_heads`` copies of ``head``'s.
    n_heads : int or None
        Number of heads when ``states`` is None.

    Examples
    --------
    >>> import torch
    >>> from skfairpareto.heads import HeadEnsemble, MLPHead
    >>> ensemble = HeadEnsemble(MLPHead(4), n_heads=3)
    >>> ensemble(torch.zeros(5, 4)).shape
    torch.Size([3, 5])
    """

    def __init__(self, head, states=None, n_heads=None):
        super().__init__()
        import copy

        states = [head.state_dict()] * int(n_heads) if states is None else list(states)
        self.template = copy.deepcopy(head)
        for p in self.template.parameters():
            p.requires_grad_(False)
        self._names = [name for name, _ in head.named_parameters()]
        self.stacked = nn.ParameterDict({
            name.replace(".", "__"): nn.Parameter(torch.stack([torch.as_tensor(s[name]).detach().clone()
                                                               for s in states]))
            for name in self._names})

    def __len__(self):
        return next(iter(self.stacked.values())).shape[0]

    def params(self):
        """The stacked parameters by the head's own names."""
        return {name: self.stacked[name.replace(".", "__")] for name in self._names}

    def forward(self, X, groups=None):
        return stacked_logits(self.template, self.params(), X, groups)

    def state(self, i):
        """Head ``i``'s state (buffers from the template), ready for ``load_state_dict``."""
        state = {name: t.detach().clone() for name, t in self.template.state_dict().items()}
        state.update({name: p[i].detach().clone() for name, p in self.params().items()})
        return state

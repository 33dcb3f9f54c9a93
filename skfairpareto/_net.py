"""The skorch net that trains a head on the scalarised accuracy-fairness objective."""

from __future__ import annotations

import numpy as np
import torch
from skorch import NeuralNetBinaryClassifier
from skorch.callbacks import Callback

from .exceptions import TrainingDivergedError
from .objectives import objective_vector, scalarized


class StopOnDivergence(Callback):
    """Stop training with :class:`TrainingDivergedError` as soon as a batch loss diverges.

    Diverged means non-finite, or above ``max_growth`` times the first batch's loss and above
    1: Adam with an absurd learning rate keeps the loss finite while it grows by dozens of
    orders of magnitude, which no useful fit does.
    """

    def __init__(self, max_growth=1e6):
        self.max_growth = max_growth

    def initialize(self):
        self.first_loss_ = None
        return self

    def on_batch_end(self, net, batch=None, training=None, **kwargs):
        loss = net.history[-1, "batches", -1].get("train_loss" if training else "valid_loss")
        if loss is None:
            return
        if self.first_loss_ is None:
            self.first_loss_ = abs(loss)
        if not np.isfinite(loss) or abs(loss) > max(1.0, self.max_growth * self.first_loss_):
            raise TrainingDivergedError(
                f"training diverged: the loss became {loss:.3g} in epoch {len(net.history)} "
                f"(first batch: {self.first_loss_:.3g}); lower the learning rate (lr) or check "
                "the input features for extreme values"
            )


class TensorBatchLoader:
    """skorch ``iterator_train`` / ``iterator_valid`` that slices whole tensors into batches.

    torch's DataLoader fetches and collates samples one by one, which for a full-batch epoch
    over 20k embeddings costs ~0.3 s; slicing the stored arrays costs microseconds. Works for
    skorch ``Dataset`` objects holding arrays or dicts of arrays; ``batch_size=-1`` or ``None``
    gives one batch.
    """

    def __init__(self, dataset, batch_size=128, shuffle=False, **_ignored):
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle

    def __len__(self):
        n = len(self.dataset)
        bs = n if self.batch_size in (-1, None) else self.batch_size
        return max(1, -(-n // bs))

    @staticmethod
    def _take(data, idx):
        if data is None:
            return None
        if isinstance(data, dict):
            return {k: TensorBatchLoader._take(v, idx) for k, v in data.items()}
        return torch.as_tensor(data[idx] if idx is not None else data)

    def __iter__(self):
        ds = self.dataset
        n = len(ds)
        bs = n if self.batch_size in (-1, None) else self.batch_size
        # A full-batch gradient does not depend on sample order, so one batch is never
        # shuffled: gathering 20k rows every epoch was a third of a linear head's fit time.
        order = torch.randperm(n).numpy() if self.shuffle and bs < n else None
        y = ds.y if ds.y is not None else torch.zeros(n)  # skorch's placeholder for y=None
        for start in range(0, n, bs):
            if order is None and bs >= n:
                idx = None
            else:
                idx = order[start : start + bs] if order is not None else slice(start, start + bs)
            yield self._take(ds.X, idx), self._take(y, idx)


class FairObjectiveNet(NeuralNetBinaryClassifier):
    """A skorch binary classifier trained on ``alpha * f1/s1 + (1 - alpha) * f2/s2``.

    X is a dict ``{"X": features, "groups": int codes}``; the module ignores ``groups`` and
    :meth:`get_loss` reads it to compute the fairness gap f2. Per batch, the raw f1 and f2 are
    recorded in ``history`` beside ``train_loss``. Only ``get_loss`` is overridden: the training
    loop, callbacks, devices and optimisers stay skorch's own.
    """

    def __init__(
        self,
        module,
        *args,
        alpha=1.0,
        scales=(1.0, 1.0),
        n_groups=2,
        class_balanced=False,
        gap_loss="bce",
        **kwargs,
    ):
        super().__init__(module, *args, **kwargs)
        self.alpha = alpha
        self.scales = scales
        self.n_groups = n_groups
        self.class_balanced = class_balanced
        self.gap_loss = gap_loss

    def get_loss(self, y_pred, y_true, X=None, training=False):
        if not isinstance(X, dict) or "groups" not in X:
            # No groups (e.g. scoring on plain features): the accuracy surrogate alone.
            return super().get_loss(y_pred, y_true, X=X, training=training)
        groups = X["groups"].to(y_pred.device).long()
        f = objective_vector(y_pred, y_true.to(y_pred.device), groups, self.n_groups, self.class_balanced,
                             self.gap_loss)
        if training:
            self.history.record_batch("f1", f[0].item())
            self.history.record_batch("f2", f[1].item())
        if self.alpha == 1.0:
            return f[0] / self.scales[0]
        return scalarized(f, self.alpha, self.scales)


def objectives_of(module, X, y, groups, n_groups, class_balanced=False, device="cpu", gap_loss="bce"):
    """f1 and f2 of a trained module on whole arrays, as floats (no gradient)."""
    module.eval()
    with torch.no_grad():
        logits = module(torch.as_tensor(X, device=device))
        f = objective_vector(
            logits,
            torch.as_tensor(y, device=device),
            torch.as_tensor(groups, device=device),
            n_groups,
            class_balanced,
            gap_loss,
        )
    return f.cpu().numpy().astype(float)

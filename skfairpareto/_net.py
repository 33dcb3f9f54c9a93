"""The skorch nets: a head on the scalarised accuracy-fairness objective, and a hypernetwork over rays."""

from __future__ import annotations

import numpy as np
import torch
from skorch import NeuralNet
from skorch.callbacks import Callback
from skorch.utils import to_tensor

from ._utils import PREDICT_BATCH_SIZE, is_memory_mapped, release_pages, resolve_device, row_chunks, tensor_view
from .exceptions import TrainingDivergedError
from .objectives import scalarized, with_weight_decay
from .solvers.hypernetwork import hypernetwork_loss, sample_rays

_BLOCK = 16384  # rows of a memory-mapped X read at once outside training


class StopOnDivergence(Callback):
    """Stop training with :class:`TrainingDivergedError` as soon as a batch diverges.

    Diverged means that the batch loss, or an objective the net records per batch (``f1``,
    ``f2``), is non-finite or above ``max_growth`` times its first value and above 1: Adam with
    an absurd learning rate keeps the loss finite while it grows by dozens of orders of
    magnitude, which no useful fit does. The objectives are watched too because a scalarised
    loss can stay small while one objective explodes (EPO may put all weight on the other one).
    """

    KEYS = ("train_loss", "f1", "f2")

    def __init__(self, max_growth=1e6):
        self.max_growth = max_growth

    def initialize(self):
        self.first_ = {}
        return self

    def on_batch_end(self, net, batch=None, training=None, **kwargs):
        record = net.history[-1, "batches", -1]
        keys = self.KEYS if training else ("valid_loss",)
        for key in keys:
            value = record.get(key)
            if value is None:
                continue
            first = self.first_.setdefault(key, abs(value))
            if not np.isfinite(value) or abs(value) > max(1.0, self.max_growth * first):
                what = "the loss" if key.endswith("loss") else f"the objective {key}"
                raise TrainingDivergedError(
                    f"training diverged: {what} became {value:.3g} in epoch {len(net.history)} "
                    f"(first batch: {first:.3g}); lower the learning rate (lr) or check "
                    "the input features for extreme values"
                )


class TensorBatchLoader:
    """skorch ``iterator_train`` / ``iterator_valid`` that slices whole tensors into batches.

    torch's DataLoader fetches and collates samples one by one, which for a full-batch epoch
    over 20k embeddings costs ~0.3 s; slicing the stored arrays costs microseconds. Works for
    skorch ``Dataset`` objects holding arrays or dicts of arrays; ``batch_size=-1`` or ``None``
    gives one batch. Arrays may be memory-mapped files (``np.load(..., mmap_mode="r")``): a
    mini-batch reads only its rows, and their pages are released after it.
    """

    def __init__(self, dataset, batch_size=128, shuffle=False):
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
        return tensor_view(data[idx] if idx is not None else data)  # a read-only memory-mapped X: only read

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
            # Features read from a memory-mapped file: drop the batch's pages from this process,
            # so training from disk holds about one batch of the file (docs/distributed.md).
            for array in (ds.X.values() if isinstance(ds.X, dict) else (ds.X,)):
                release_pages(array)


class FairObjectiveNet(NeuralNet):
    """A skorch net trained on the scalarised objectives ``sum_j weights_j * f_j / s_j``.

    X is a dict ``{"X": features, "groups": int codes}``; the module ignores ``groups`` and
    :meth:`get_loss` reads it to compute the objectives (f1, then the fairness gaps) with
    ``objectives`` (a bound :class:`~skfairpareto.criteria.FairnessObjectives`). ``weights`` is a point of the simplex, one
    weight per objective: ``(alpha, 1 - alpha)`` for two. Per batch, the raw objectives are
    recorded in ``history`` (``f1``, ``f2``, ...) beside ``train_loss``. Only ``get_loss`` is
    overridden: the training loop, callbacks, devices and optimisers stay skorch's own. Labels are
    0/1 floats for a one-logit head, class codes for K logits.
    """

    def __init__(self, module, *args, weights=(1.0, 0.0), scales=(1.0, 1.0), objectives=None,
                 weight_decay=0.0, **kwargs):
        super().__init__(module, *args, **kwargs)
        self.weights = weights
        self.scales = scales
        self.objectives = objectives
        self.weight_decay = weight_decay

    def get_loss(self, y_pred, y_true, X=None, training=False):
        if not isinstance(X, dict) or "groups" not in X:
            raise ValueError("FairObjectiveNet needs X={'X': features, 'groups': codes}: the objectives "
                             "compare the groups")
        groups = X["groups"].to(y_pred.device).long()
        f = self.objectives.objectives(y_pred, y_true.to(y_pred.device), groups)
        f = with_weight_decay(f, self.module_.parameters(), self.weight_decay)
        if training:
            for j, value in enumerate(f):
                self.history.record_batch(f"f{j + 1}", value.item())
        return _scalarized_loss(f, self.weights, self.scales)


def _scalarized_loss(f, weights, scales):
    """A head's training loss: f1 alone at the accuracy end, else the scalarisation of every objective."""
    if all(w == 0.0 for w in weights[1:]):
        return f[0] / scales[0]
    return scalarized(f, weights, scales)


class EnsembleNet(FairObjectiveNet):
    """:class:`FairObjectiveNet` over a :class:`~skfairpareto.heads.HeadEnsemble`: ``k`` heads side by side.

    ``weights`` holds one point of the simplex per head (rows); head ``i`` trains on its own
    scalarised objectives, with its own L2 penalty, and the loss is their sum, so each head's
    gradient is its own loss's: with an elementwise optimiser (Adam) every head follows the path
    it would follow alone, while a linear head's epoch reads X once for all of them. The objectives
    recorded per batch (``f1``, ``f2``, ...) are the heads' means.
    """

    def get_loss(self, y_pred, y_true, X=None, training=False):
        if not isinstance(X, dict) or "groups" not in X:
            raise ValueError("EnsembleNet needs X={'X': features, 'groups': codes}: the objectives compare the groups")
        groups = X["groups"].to(y_pred.device).long()
        y_true = y_true.to(y_pred.device)
        stacked = list(self.module_.params().values())
        total, fs = 0.0, []
        for i, weights in enumerate(self.weights):
            f = self.objectives.objectives(y_pred[i], y_true, groups)
            f = with_weight_decay(f, [p[i] for p in stacked], self.weight_decay)
            fs.append(f.detach())
            total = total + _scalarized_loss(f, weights, self.scales)
        if training:
            for j, value in enumerate(torch.stack(fs).mean(0)):
                self.history.record_batch(f"f{j + 1}", value.item())
        return total


class HyperNetTrainer(NeuralNet):
    """skorch net training a :class:`~skfairpareto.solvers.HyperNetwork` over sampled rays.

    Only ``train_step_single`` is overridden: each step draws ``n_rays_per_step`` rays from a
    Dirichlet, computes f1 and f2 of the generated head on the batch for every ray and combines
    them by LS or EPO (:func:`~skfairpareto.solvers.hypernetwork.hypernetwork_loss`). The mean
    f1, f2 and ray residual of the step go into ``history`` per batch.
    """

    def __init__(self, module, *args, solver="ls", n_rays_per_step=4, concentration=1.0,
                 ideal=(0.0, 0.0), scales=(1.0, 1.0), objectives=None, weight_decay=0.0, **kwargs):
        super().__init__(module, *args, **kwargs)
        self.weight_decay = weight_decay
        self.solver = solver
        self.n_rays_per_step = n_rays_per_step
        self.concentration = concentration
        self.ideal = ideal
        self.scales = scales
        self.objectives = objectives

    def train_step_single(self, batch, **fit_params):
        from .heads import stacked_logits

        self._set_training(True)
        Xi, yi = batch
        X = to_tensor(Xi["X"], device=self.device)
        groups = to_tensor(Xi["groups"], device=self.device).long()
        y = to_tensor(yi, device=self.device)
        hnet = self.module_

        def objectives(stacked):
            """Every generated head's objectives, rows of ``[f1 (with its L2 penalty), f2, ...]``."""
            logits = stacked_logits(hnet.target, stacked, X, groups)  # one pass over X for every ray
            return torch.stack([with_weight_decay(self.objectives.objectives(z, y, groups),
                                                  [p[i] for p in stacked.values()], self.weight_decay)
                                for i, z in enumerate(logits)])

        rays = sample_rays(self.n_rays_per_step, len(self.ideal), self.concentration, device=self.device)
        loss, fs, residuals = hypernetwork_loss(
            hnet, objectives, rays, solver=self.solver, ideal=self.ideal, scales=self.scales
        )
        loss.backward()
        for j in range(fs.shape[1]):
            self.history.record_batch(f"f{j + 1}", float(fs[:, j].mean()))
        self.history.record_batch("ray_residual", float(residuals.mean()))
        return {"loss": loss, "y_pred": None}


#: ``weight_decay="auto"`` is this over the number of rows fitted on: 3e-5 on the bundled tweets'
#: 19,826 training rows, where held-out seeds chose 3e-5 (docs/features.md), and larger on less data
#: as ``LogisticRegression``'s penalty ``||w||^2 / (2 C n)`` on the mean loss (here ``C`` = 1 / 0.6).
AUTO_WEIGHT_DECAY = 0.6


def effective_weight_decay(weight_decay, n_samples):
    """The L2 weight of the heads fitted on ``n_samples`` rows: ``weight_decay`` itself, or for
    ``"auto"`` ``AUTO_WEIGHT_DECAY / n_samples``, which weakens as the data grow, as scikit-learn's
    ``LogisticRegression`` penalty does.

    Examples
    --------
    >>> round(effective_weight_decay("auto", 20000), 12), effective_weight_decay(1e-4, 20000)
    (3e-05, 0.0001)
    """
    if isinstance(weight_decay, str) and weight_decay == "auto":
        if not n_samples:
            raise ValueError("weight_decay='auto' depends on the number of rows fitted on; with no data "
                             "at hand (a member built from saved weights) pass the number")
        return AUTO_WEIGHT_DECAY / float(n_samples)
    return float(weight_decay)


def objectives_of(module, X, y, groups, objectives, device="cpu", weight_decay=0.0):
    """f1 and every f2 (``objectives``'; f1 with the L2 penalty) of a trained module on whole arrays, as floats.

    A memory-mapped X is read in row blocks, its pages released after each.
    """
    module.eval()
    with torch.no_grad():
        groups = torch.as_tensor(groups, device=device)
        if is_memory_mapped(X):
            logits = torch.cat([module(torch.as_tensor(np.array(block), device=device), groups=g)
                                for block, g in zip(row_chunks(X, _BLOCK), torch.split(groups, _BLOCK))])
        else:
            logits = module(torch.as_tensor(X, device=device), groups=groups)
        f = objectives.objectives(logits, torch.as_tensor(y, device=device), groups)
        f = with_weight_decay(f, module.parameters(), weight_decay)
    return f.cpu().numpy().astype(float)


def polish_error(module, X, y, groups, objectives, device="cpu", weight_decay=0.0, max_iter=20):
    """Minimise f1 (the error's cross-entropy, with the L2 penalty) from ``module``'s weights by
    full-batch L-BFGS, in place; returns the number of objective evaluations.

    A front's accuracy-optimal start is trained by Adam like every head, and on wide data its
    full-batch epochs leave it short of that optimum; a front built around the start inherits the
    shortfall at every member (on the suite's split of the bundled tweets, 17,348 x 896: PHN's
    accurate end at 5.6 % test error unpolished, 5.1 % polished, logistic regression's 5.1 %;
    docs/phn.md). The objective is deterministic (dropout off). X is read in row blocks, each
    block's gradient weighted by its share of the rows (a memory-mapped X's pages released after
    each), in memory too: the same blocks summed in the same order give the same weights from a
    memory-mapped X as from the array in memory, bit for bit.
    """
    module.train(False)
    params = [p for p in module.parameters() if p.requires_grad]
    n = len(y)
    y = torch.as_tensor(y, device=device)
    groups = torch.as_tensor(groups, device=device)
    mapped = is_memory_mapped(X)
    Xt = None if mapped else torch.as_tensor(X, device=device)  # moved to the device once
    opt = torch.optim.LBFGS(params, lr=1.0, max_iter=max_iter, line_search_fn="strong_wolfe")
    evaluations = [0]

    def closure():
        opt.zero_grad()
        total = 0.0
        for start in range(0, n, _BLOCK):
            part = slice(start, start + _BLOCK)
            block = Xt[part] if Xt is not None else torch.as_tensor(np.array(X[part]), device=device)
            loss = objectives.error(module(block, groups=groups[part]), y[part]) * (len(block) / n)
            loss.backward()
            total += loss.detach()
            if mapped:
                release_pages(X)
        if weight_decay:
            penalty = 0.5 * weight_decay * sum(p.pow(2).sum() for p in params)
            penalty.backward()
            total += penalty.detach()
        if not torch.isfinite(total):
            raise TrainingDivergedError(f"polishing the accuracy-optimal head diverged: its objective became "
                                        f"{float(total)}")
        evaluations[0] += 1
        return total

    opt.step(closure)
    return evaluations[0]


def make_net(kind, module, module_kwargs, *, lr, max_epochs, batch_size, device, callbacks=None, verbose=0,
             optimizer=torch.optim.Adam, **kwargs):
    """A skorch net of this package: ``kind="head"`` (:class:`FairObjectiveNet`), ``"ensemble"``
    (:class:`EnsembleNet`) or ``"hypernetwork"`` (:class:`HyperNetTrainer`), configured alike.

    ``module_kwargs`` are the module's own arguments (passed as skorch's ``module__*``); the rest
    of ``kwargs`` go to the net. Training always runs without skorch's validation split (the
    estimators hold their own out), slices whole tensors into batches (:class:`TensorBatchLoader`),
    predicts in fixed blocks of rows, and stops with :class:`TrainingDivergedError` when a batch
    diverges. ``verbose=0`` drops skorch's per-epoch table, which otherwise costs a few percent of
    a linear head's epoch; ``verbose`` shows it for a head, a progress bar for a hypernetwork.
    """
    cls = {"head": FairObjectiveNet, "ensemble": EnsembleNet, "hypernetwork": HyperNetTrainer}[kind]
    extra = [("stop_on_divergence", StopOnDivergence()), *(callbacks or [])]
    options = {}
    if kind == "hypernetwork" and verbose:
        from skorch.callbacks import ProgressBar

        extra.append(("progress", ProgressBar()))
    if not verbose or kind == "hypernetwork":
        options["callbacks__print_log"] = None
    return cls(
        module,
        **{f"module__{k}": v for k, v in module_kwargs.items()},
        # skorch requires a criterion; the loss is the objectives' (get_loss, train_step_single).
        criterion=torch.nn.BCEWithLogitsLoss,
        optimizer=optimizer,
        lr=lr,
        max_epochs=max_epochs,
        batch_size=batch_size,
        train_split=None,
        iterator_train=TensorBatchLoader,
        iterator_valid=TensorBatchLoader,
        # Prediction streams in fixed batches whatever the training batch size, so memory
        # beyond the output stays bounded on large inputs (and on wide MLP heads).
        iterator_valid__batch_size=PREDICT_BATCH_SIZE,
        iterator_train__shuffle=True,
        device=resolve_device(device),
        callbacks=extra,
        verbose=verbose if kind != "hypernetwork" else 0,
        **options,
        **kwargs,
    )

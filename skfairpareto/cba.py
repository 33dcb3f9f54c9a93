"""CBAClassifier: one head trained on the seed paper's scalarised accuracy-fairness objective."""

from __future__ import annotations

from numbers import Real

import numpy as np
import torch
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted

from ._docs import fill_doc
from ._net import FairObjectiveNet, StopOnDivergence, TensorBatchLoader, objectives_of
from ._utils import release_pages, resolve_device, torch_seeded
from ._validation import (
    HEAD_CONSTRAINTS,
    check_binary_target,
    check_groups_have_both_labels,
    check_head_params,
    check_sensitive_features,
    validate_features,
)
from .criteria import resolve_criterion
from .heads import GroupOffsets, MLPHead

_PREDICT_BATCH_SIZE = 8192


def _criterion_key(criterion):
    return type(criterion), repr(sorted(criterion.get_params().items()))


def _require_groups(estimator, sensitive_features):
    """Raise when a group-aware ``estimator`` is asked to predict without the groups."""
    if estimator.group_aware and sensitive_features is None:
        raise ValueError(
            f"this {type(estimator).__name__} is group-aware (group_aware=True): pass "
            "sensitive_features=... to predict, predict_proba, decision_function and score (in a "
            "Pipeline or search with metadata routing, route them: they are requested by default)"
        )


class _BinaryClassifierTags:
    """Tags of every estimator here: binary only, deterministic when seeded."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        tags.non_deterministic = self.random_state is None
        return tags


class _HeadClassifierMixin:
    """Prediction for estimators whose fitted state is a skorch net over a head (``net_``).

    A group-aware model (``group_aware=True``) needs ``sensitive_features`` at prediction time;
    a group-blind one ignores them, so one call serves both (in a search over ``group_aware``).
    """

    # Prediction-time groups are requested by default: a group-blind model ignores them, and
    # otherwise every routed cross_validate or search would have to unset the request by hand.
    __metadata_request__predict = {"sensitive_features": True}
    __metadata_request__predict_proba = {"sensitive_features": True}
    __metadata_request__decision_function = {"sensitive_features": True}
    __metadata_request__score = {"sensitive_features": True}

    def _net_input(self, X, sensitive_features):
        check_is_fitted(self, "net_")
        X = validate_features(self, X, reset=False)
        if not self.group_aware:
            return X
        _require_groups(self, sensitive_features)
        codes, _ = check_sensitive_features(sensitive_features, X.shape[0], groups=self.groups_)
        return {"X": X, "groups": codes}

    def decision_function(self, X, sensitive_features=None):
        """Logit of the positive class (``classes_[1]``) for each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features.
        sensitive_features : array-like of shape (n_samples,) or (n_samples, n_cols), default=None
            Groups, required by a group-aware model (``group_aware=True``); a group not seen in
            ``fit`` is an error. Ignored by a group-blind one.

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        data = self._net_input(X, sensitive_features)
        return self._logits(data)

    def _logits(self, data):
        """The head's logits in float64, streamed in fixed row blocks.

        Prediction runs a float64 copy of the fitted float32 weights on the float32 features
        (both widened exactly). A float32 matrix product sums in an order that depends on the
        batch's size and on the CPU's kernel (AVX2, AVX-512, the default one), so one row's logit
        could change in its last bits with the rows around it; in float64 those differences sit
        near 1e-16, so a row's prediction does not depend on its batch, and hard predictions flip
        only for logits within about 1e-15 of zero. Cost: docs/reliability.md.
        """
        module = self.net_.module_
        was_training = module.training
        module.eval()
        weights = {name: t.double() for name, t in (*module.named_parameters(), *module.named_buffers())}
        X, groups = (data["X"], data["groups"]) if isinstance(data, dict) else (data, None)
        device = next(iter(weights.values())).device if weights else torch.device("cpu")
        out = np.empty(X.shape[0], dtype=np.float64)
        try:
            with torch.no_grad():
                for start in range(0, X.shape[0], _PREDICT_BATCH_SIZE):
                    rows = slice(start, start + _PREDICT_BATCH_SIZE)
                    block = torch.as_tensor(np.asarray(X[rows], dtype=np.float64), device=device)
                    g = None if groups is None else torch.as_tensor(groups[rows], device=device)
                    logits = torch.func.functional_call(module, weights, (block,), {"groups": g})
                    out[rows] = logits.reshape(-1).cpu().numpy()
                    del block, logits  # one block's float64 copy alive at a time
                    release_pages(X)
        finally:
            module.train(was_training)
        return out

    def predict_proba(self, X, sensitive_features=None):
        """Class probabilities, columns ordered as ``classes_`` (parameters as :meth:`decision_function`)."""
        p1 = expit(self.decision_function(X, sensitive_features))
        return np.column_stack([1.0 - p1, p1])

    def predict(self, X, sensitive_features=None):
        """Predicted class labels (parameters as :meth:`decision_function`)."""
        logits = self.decision_function(X, sensitive_features)  # checks fitted state first
        return self.classes_[(logits > 0).astype(int)]

    def score(self, X, y, sample_weight=None, sensitive_features=None):
        """Accuracy on ``(X, y)``; a group-aware model needs ``sensitive_features``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features.
        y : array-like of shape (n_samples,)
            True labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.
        sensitive_features : array-like, default=None
            Groups (see :meth:`decision_function`).

        Returns
        -------
        float
        """
        from sklearn.metrics import accuracy_score

        return accuracy_score(y, self.predict(X, sensitive_features), sample_weight=sample_weight)


@fill_doc
class CBAClassifier(_HeadClassifierMixin, _BinaryClassifierTags, ClassifierMixin, BaseEstimator):
    """Binary classifier trained on ``alpha * f1 + (1 - alpha) * f2`` (the CBA seed paper, Eq. 6).

    ``f1`` is the mean binary cross-entropy and ``f2`` the squared gap between the sensitive
    groups' expected rates of the fairness criterion named by ``constraints`` (accuracy parity
    by default; see :mod:`skfairpareto.criteria`). Training follows the seed paper:
    the head is first fitted for accuracy alone (``alpha = 1``); for ``alpha < 1`` it then
    continues on the scalarised objective, with both objectives divided by their values at that
    accuracy-optimal start so that evenly spaced ``alpha`` spread over the whole trade-off.

    The head is a PyTorch module trained through skorch (:attr:`net_`, :attr:`history_`); X are
    numeric features, typically frozen sentence embeddings (put a
    :class:`~skfairpareto.embedding.SentenceEmbedder` in front of it in a Pipeline for texts).

    Parameters
    ----------
    alpha : float in [0, 1], default=1.0
        Weight of the accuracy objective; ``1`` is accuracy only, ``0`` fairness only.
    {{constraints}}
    {{hidden_layer_sizes}}
    {{dropout}}
    module : torch.nn.Module class or None, default=None
        A custom head, instantiated as ``module(n_features=...)``; its ``forward(X, groups=None)``
        returns one logit per sample. ``None`` uses :class:`~skfairpareto.heads.MLPHead`.
    {{group_aware}}
    optimizer : torch optimizer class, default=torch.optim.Adam
        Optimizer of both training stages (skorch's ``optimizer``).
    lr : float, default=0.05
        Learning rate of the optimizer.
    {{weight_decay}}
    max_epochs : int, default=400
        Epochs of each training stage.
    {{batch_size}}
    normalize_objectives : bool, default=True
        Divide f1 and f2 by their values at the accuracy-optimal start.
    warm_start : bool, default=False
        When the estimator is already fitted on data of the same shape, groups and criterion,
        continue from its head instead of refitting the accuracy-optimal start: the new
        ``alpha`` is trained for ``max_epochs`` from the previous solution, with the previous
        normalisers. Sweeping ``alpha`` from 1 down this way (a homotopy, as SUHNPF warm-starts
        neighbours) fits the accuracy stage once instead of once per ``alpha``.
    {{device}}
    callbacks : list of skorch callbacks or None, default=None
        Extra skorch callbacks, added to the net's defaults.
    {{random_state}}
    verbose : int, default=0
        Print skorch's per-epoch log when > 0.

    Attributes
    ----------
    {{fitted_attributes}}
    net_ : FairObjectiveNet
        The fitted skorch net.
    history_ : skorch.History
        Per-epoch and per-batch training log (``train_loss``, ``f1``, ``f2``).
    objective_scales_ : ndarray of shape (2,)
        f1 and f2 at the accuracy-optimal start (the normalisers).
    train_objectives_ : ndarray of shape (2,)
        f1 and f2 of the fitted head on the training data.

    Examples
    --------
    >>> import numpy as np
    >>> from skfairpareto import CBAClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(200, 5)).astype("float32")
    >>> s = rng.randint(0, 2, 200)
    >>> y = (X[:, 0] + 0.5 * s > 0).astype(int)
    >>> clf = CBAClassifier(alpha=0.5, max_epochs=50, random_state=0)
    >>> clf.fit(X, y, sensitive_features=s).predict(X[:3]).shape
    (3,)
    """

    def __init__(
        self,
        alpha=1.0,
        *,
        constraints="error_rate_parity",
        hidden_layer_sizes=(),
        dropout=0.0,
        module=None,
        group_aware=False,
        optimizer=torch.optim.Adam,
        lr=0.05,
        weight_decay=3e-5,
        max_epochs=400,
        batch_size=-1,
        normalize_objectives=True,
        warm_start=False,
        device="auto",
        callbacks=None,
        random_state=None,
        verbose=0,
    ):
        self.alpha = alpha
        self.constraints = constraints
        self.hidden_layer_sizes = hidden_layer_sizes
        self.dropout = dropout
        self.module = module
        self.group_aware = group_aware
        self.optimizer = optimizer
        self.lr = lr
        self.weight_decay = weight_decay
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.normalize_objectives = normalize_objectives
        self.warm_start = warm_start
        self.device = device
        self.callbacks = callbacks
        self.random_state = random_state
        self.verbose = verbose

    _parameter_constraints: dict = {
        **HEAD_CONSTRAINTS,
        "alpha": [Interval(Real, 0, 1, closed="both")],
        "module": [callable, None],
        "optimizer": [callable],
        "normalize_objectives": ["boolean"],
        "warm_start": ["boolean"],
        "callbacks": [list, None],
    }

    # -- construction shared with the Pareto estimators, whose members are CBAClassifiers ------

    def _make_net(self, n_features, device=None):
        if self.module is None:
            module, module_kwargs = MLPHead, {
                "module__hidden_layer_sizes": tuple(self.hidden_layer_sizes),
                "module__dropout": self.dropout,
            }
        else:
            module, module_kwargs = self.module, {}
        if self.group_aware:  # the same head, wrapped with one offset per group
            module_kwargs = {**module_kwargs, "module__head": module, "module__n_groups": len(self.groups_)}
            module = GroupOffsets
        return FairObjectiveNet(
            module,
            module__n_features=n_features,
            **module_kwargs,
            criterion=torch.nn.BCEWithLogitsLoss,
            optimizer=self.optimizer,
            lr=self.lr,
            max_epochs=self.max_epochs,
            batch_size=self.batch_size,
            train_split=None,
            iterator_train=TensorBatchLoader,
            iterator_valid=TensorBatchLoader,
            # Prediction streams in fixed batches whatever the training batch size, so memory
            # beyond the output stays bounded on large inputs (and on wide MLP heads).
            iterator_valid__batch_size=_PREDICT_BATCH_SIZE,
            iterator_train__shuffle=True,
            device=resolve_device(self.device) if device is None else str(device),
            callbacks=[("stop_on_divergence", StopOnDivergence()), *(self.callbacks or [])],
            verbose=self.verbose,
            alpha=1.0,
            fairness_criterion=self.criterion_,
            weight_decay=self.weight_decay,
        )

    def _validate_fit_data(self, X, y, sensitive_features):
        X, y = validate_features(self, X, y, ensure_min_samples=2, y_numeric=False)
        y01, self.classes_ = check_binary_target(y)
        codes, self.groups_ = check_sensitive_features(sensitive_features, X.shape[0])
        self.criterion_ = resolve_criterion(self.constraints).load_data(
            y01, codes, n_groups=len(self.groups_), group_names=self.groups_)
        check_groups_have_both_labels(y01, codes, self.groups_, self.classes_)
        return X, y01, codes

    @classmethod
    def _from_module_state(cls, params, state_dict, *, classes, groups, n_features, scales):
        """A fitted CBAClassifier around given head weights (how front members are built)."""
        est = cls(**params)
        est.classes_, est.groups_, est.n_features_in_ = classes, groups, n_features
        est.objective_scales_ = np.asarray(scales, dtype=float)
        est.criterion_ = resolve_criterion(est.constraints).load_data(None, None, n_groups=len(groups),
                                                                      group_names=groups)
        # The member lives where its weights are: a model fitted on GPU and loaded on a CPU-only
        # machine (skorch maps its tensors to CPU) builds CPU members even if device="cuda".
        device = next(iter(state_dict.values())).device if state_dict else None
        est.net_ = est._make_net(n_features, device=device).initialize()
        est.net_.module_.load_state_dict(state_dict)
        est.net_.module_.eval()
        est.history_ = est.net_.history
        return est

    # -- public API -----------------------------------------------------------------------------

    def fit(self, X, y, *, sensitive_features=None):
        """Fit the head.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Numeric features, e.g. sentence embeddings.
        y : array-like of shape (n_samples,)
            Binary labels (any two values).
        sensitive_features : array-like of shape (n_samples,) or (n_samples, n_features_s)
            Group of each sample; several columns form intersectional groups.

        Returns
        -------
        self
        """
        # What a warm start continues from, read before validation resets the fitted state.
        previous = (
            (self.n_features_in_, self.classes_, self.groups_, _criterion_key(self.criterion_))
            if self.warm_start and hasattr(self, "net_") else None
        )
        self._validate_params()
        check_head_params(self)
        X, y01, groups = self._validate_fit_data(X, y, sensitive_features)
        # The normalisers belong to the data and the criterion: any change starts over.
        warm = previous is not None and previous[0] == X.shape[1] and all(
            np.array_equal(a, b) for a, b in zip(previous[1:3], (self.classes_, self.groups_))
        ) and previous[3] == _criterion_key(self.criterion_)
        data = {"X": X, "groups": groups}
        with torch_seeded(self.random_state):
            if warm:
                net, scales = self.net_, self.objective_scales_
                net.set_params(alpha=float(self.alpha), scales=tuple(scales), max_epochs=self.max_epochs,
                               fairness_criterion=self.criterion_)
                net.initialize_optimizer()
                net.partial_fit(data, y01)
            else:
                net = self._make_net(X.shape[1])
                net.fit(data, y01)
                start = objectives_of(net.module_, X, y01, groups, self.criterion_, net.device, self.weight_decay)
                scales = np.maximum(start, 1e-8) if self.normalize_objectives else np.ones(2)
                if self.alpha < 1.0:
                    net.set_params(alpha=float(self.alpha), scales=tuple(scales))
                    net.initialize_optimizer()
                    net.partial_fit(data, y01)
            device = net.device
        self.net_ = net
        self.history_ = net.history
        self.objective_scales_ = scales
        self.train_objectives_ = objectives_of(net.module_, X, y01, groups, self.criterion_, device,
                                               self.weight_decay)
        return self


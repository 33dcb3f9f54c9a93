"""CBAClassifier: one head trained on the seed paper's scalarised accuracy-fairness objective."""

from __future__ import annotations

import copy
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from skorch.callbacks import EarlyStopping

from ._classifier import (
    ClassifierTags,
    HeadClassifierMixin,
    fit_logits,
    tunes_decisions,
)
from ._docs import fill_doc
from ._net import effective_weight_decay, make_net, objectives_of, polish_error
from ._utils import resolve_device, torch_seeded
from ._validation import (
    HEAD_CONSTRAINTS,
    check_groups_have_both_labels,
    check_head_params,
    check_sensitive_features,
    check_target,
    validate_features,
)
from .criteria import FairnessObjectives, resolve_objectives
from .heads import GroupOffsets, MLPHead, feature_scaling, fold_feature_scaling, scaled_features, training_features

#: ``_train``'s default scaling: the head's own, worked out from the X it trains on (``standardize``).
_OWN_SCALING = object()

__all__ = [
    "CBAClassifier",
    "cba_path",
]


def _objectives_key(objectives):
    """What a warm start must find unchanged: the criteria, their options and the groups they compare."""
    return (tuple((type(c), repr(sorted(c.get_params().items())), c.n_groups_) for c in objectives.criteria),
            tuple(objectives.names))


@fill_doc
class CBAClassifier(HeadClassifierMixin, ClassifierTags, ClassifierMixin, BaseEstimator):
    """Classifier trained on ``alpha * f1 + (1 - alpha) * f2`` (the CBA seed paper, Eq. 6).

    ``f1`` is the mean cross-entropy (binary for two classes, from one logit; categorical for K
    classes, from K logits) and ``f2`` the squared gap between the sensitive groups' expected
    rates of the fairness criterion named by ``constraints`` (accuracy parity by default; see
    :mod:`skfairpareto.criteria`); with several fairness objectives, one ``f2`` each, weighed by
    ``weights``. Training follows the seed paper:
    the head is first fitted for accuracy alone (``alpha = 1``); for ``alpha < 1`` it then
    continues on the scalarised objective, with both objectives divided by their values at that
    accuracy-optimal start so that evenly spaced ``alpha`` spread over the whole trade-off.

    The head is a PyTorch module trained through skorch (``net_``, ``history_``); X are
    numeric features, typically frozen sentence embeddings (put a
    :class:`~skfairpareto.SentenceEmbedder` in front of it in a Pipeline for texts).

    Parameters
    ----------
    alpha : float in [0, 1], default=1.0
        Weight of the accuracy objective; ``1`` is accuracy only, ``0`` fairness only. With
        several fairness objectives (and no ``weights``) they share ``1 - alpha`` equally.
    weights : array-like of shape (n_objectives,) or None, default=None
        A point of the simplex: one weight per objective (the error first, then each fairness
        objective), for fronts over more than two objectives. When given, it replaces ``alpha``
        (which is then not read: pass ``alpha=weights[0]`` to keep the two alike, as the fronts'
        members do). ``None``: ``(alpha, 1 - alpha)`` for two objectives.
    {{constraints}}
    {{sensitive_objectives}}
    {{hidden_layer_sizes}}
    {{dropout}}
    module : torch.nn.Module class or None, default=None
        A custom head, instantiated as ``module(n_features=...)`` (and ``n_outputs=K`` for K
        classes); its ``forward(X, groups=None)`` returns one logit per sample (two classes) or K.
        ``None`` uses :class:`~skfairpareto.heads.MLPHead`.
    {{group_aware}}
    optimizer : torch optimizer class, default=torch.optim.Adam
        Optimizer of both training stages (skorch's ``optimizer``).
    lr : float, default=0.05
        Learning rate of the optimizer.
    {{weight_decay}}
    {{standardize}}
    max_epochs : int, default=400
        Epochs of each training stage: the most a stage that continues from a fitted head trains
        (see ``tol``).
    tol : float >= 0 or None, default=1e-4
        Convergence of a stage that continues from a fitted head (the second stage, a warm
        start, a step of :func:`~skfairpareto.cba.cba_path`): it stops once its scalarised
        training loss has not fallen below ``(1 - tol)`` times its best for ``n_iter_no_change``
        epochs in a row (skorch's ``EarlyStopping`` on ``train_loss``, relative threshold). The
        accuracy-optimal start, trained from a random initialisation, always trains
        ``max_epochs``. ``None``: every stage trains ``max_epochs``.
    n_iter_no_change : int, default=20
        Epochs without that improvement before a continuing stage stops.
    {{batch_size}}
    {{threshold}}
    normalize_objectives : bool, default=True
        Divide f1 and f2 by their values at the accuracy-optimal start.
    warm_start : bool, default=False
        When the estimator is already fitted on data of the same shape, groups and criterion,
        continue from its head instead of refitting the accuracy-optimal start: the new
        ``alpha`` is trained from the previous solution (for ``max_epochs`` at most, see
        ``tol``), with the previous normalisers. Sweeping ``alpha`` from 1 down this way (a
        homotopy, as SUHNPF warm-starts neighbours) fits the accuracy stage once instead of once
        per ``alpha``.
    {{device}}
    callbacks : list of skorch callbacks or None, default=None
        Extra skorch callbacks, added to the net's defaults (and to ``"converged"``, the
        ``EarlyStopping`` that ``tol`` configures).
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
    objective_scales_ : ndarray of shape (n_objectives,)
        f1 and every f2 at the accuracy-optimal start (the normalisers).
    threshold_ : float or ndarray of shape (n_classes,)
        The logit threshold of :meth:`predict` (subtracted in :meth:`decision_function`); for K
        classes, one offset per class.
    hard_scales_ : ndarray of shape (n_objectives,) or None
        Hard error and every gap of the accuracy-optimal start on the data its threshold was
        tuned on (the normalisers of the tuned threshold); None when it was not tuned.
    train_objectives_ : ndarray of shape (n_objectives,)
        f1 and every f2 of the fitted head on the training data.

    See Also
    --------
    PHNParetoClassifier : every ``alpha`` of this objective from one hypernetwork.
    SUHNPFParetoClassifier : a front of certified members, non-convex parts included.
    fairlearn.reductions.ExponentiatedGradient : fairlearn's reduction for one bounded constraint.

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
        weights=None,
        constraints="error_rate_parity",
        sensitive_objectives="joint",
        hidden_layer_sizes=(),
        dropout=0.0,
        module=None,
        group_aware=False,
        optimizer=torch.optim.Adam,
        lr=0.05,
        weight_decay="auto",
        standardize="auto",
        max_epochs=400,
        tol=1e-4,
        n_iter_no_change=20,
        batch_size=-1,
        threshold="auto",
        normalize_objectives=True,
        warm_start=False,
        device="auto",
        callbacks=None,
        random_state=None,
        verbose=0,
    ):
        self.alpha = alpha
        self.weights = weights
        self.constraints = constraints
        self.sensitive_objectives = sensitive_objectives
        self.hidden_layer_sizes = hidden_layer_sizes
        self.dropout = dropout
        self.module = module
        self.group_aware = group_aware
        self.optimizer = optimizer
        self.lr = lr
        self.weight_decay = weight_decay
        self.standardize = standardize
        self.max_epochs = max_epochs
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.batch_size = batch_size
        self.threshold = threshold
        self.normalize_objectives = normalize_objectives
        self.warm_start = warm_start
        self.device = device
        self.callbacks = callbacks
        self.random_state = random_state
        self.verbose = verbose

    _parameter_constraints: dict = {
        **HEAD_CONSTRAINTS,
        "alpha": [Interval(Real, 0, 1, closed="both")],
        "weights": ["array-like", None],
        "module": [callable, None],
        "optimizer": [callable],
        "threshold": [StrOptions({"auto"}), Real],
        "normalize_objectives": ["boolean"],
        "warm_start": ["boolean"],
        "tol": [Interval(Real, 0, None, closed="left"), None],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "callbacks": [list, None],
    }

    # -- construction shared with the Pareto estimators, whose members are CBAClassifiers ------

    def _head(self, n_features):
        """The head module and its skorch ``module__`` parameters (wrapped with group offsets when group-aware)."""
        n_outputs = self.objectives_.n_outputs
        if self.module is None:
            module, kwargs = MLPHead, {"hidden_layer_sizes": tuple(self.hidden_layer_sizes), "dropout": self.dropout,
                                       "n_outputs": n_outputs}
        else:
            module, kwargs = self.module, ({} if n_outputs == 1 else {"n_outputs": n_outputs})
        if self.group_aware:  # the same head, wrapped with one offset per group
            module, kwargs = GroupOffsets, {**kwargs, "head": module, "n_groups": len(self.groups_)}
        return module, {"n_features": n_features, **kwargs}

    def _make_net(self, n_features, device=None):
        module, module_kwargs = self._head(n_features)
        return make_net(
            "head", module, module_kwargs, lr=self.lr, max_epochs=self.max_epochs, batch_size=self.batch_size,
            device=self.device if device is None else str(device), verbose=self.verbose,
            # Never stops (patience=inf) but while a stage continues from a fitted head (_continue).
            callbacks=[*(self.callbacks or []), ("converged", EarlyStopping(monitor="train_loss", patience=np.inf))],
            optimizer=self.optimizer, weights=(1.0, *([0.0] * (self.objectives_.n_objectives - 1))),
            objectives=self.objectives_, weight_decay=self.weight_decay_,
        )

    def _continue(self, net, data, y, **params):
        """Train ``net`` on from its current weights with ``params`` set, until ``tol`` says it converged."""
        net.set_params(max_epochs=self.max_epochs, weight_decay=self.weight_decay_, **params)
        net.initialize_optimizer()
        # Set on the callback itself: the net's set_params(callbacks__...) would initialise every
        # callback again, and StopOnDivergence would take this stage's first loss as its scale.
        converged = dict(net.callbacks_).get("converged")  # absent from a head pickled before tol
        if converged is not None and self.tol is not None:
            converged.set_params(patience=self.n_iter_no_change, threshold=self.tol, threshold_mode="rel")
        try:
            net.partial_fit(data, y)
        finally:
            if converged is not None:
                converged.set_params(patience=np.inf)

    def _validate_fit_data(self, X, y, sensitive_features):
        X, y = validate_features(self, X, y, ensure_min_samples=2, y_numeric=False)
        y_codes, self.classes_ = check_target(y)
        codes, self.groups_ = check_sensitive_features(sensitive_features, X.shape[0])
        self.objectives_ = FairnessObjectives.bind(resolve_objectives(self.constraints), y_codes, codes, self.groups_,
                                                   self.classes_, sensitive_features, self.sensitive_objectives)
        check_groups_have_both_labels(y_codes, codes, self.groups_, self.classes_)
        return X, y_codes, codes

    def _untuned_threshold(self, value):
        """A fixed threshold: the number itself for one logit, that offset on every class for K."""
        return value if self.objectives_.n_outputs == 1 else np.full(self.objectives_.n_outputs, value)

    @classmethod
    def _from_module_state(cls, params, state_dict, *, classes, group_names, n_features, scales, objectives=None,
                           column_names=None, feature_names=None):
        """A fitted CBAClassifier around given head weights (how front members are built).

        ``objectives`` is the front's bound objectives; without them (a member read from a file)
        they are bound anew from ``constraints`` and the group names. ``feature_names``: the
        column names of the X the front was fitted on, which the member then checks as the front
        does.
        """
        est = cls(**params)
        est.classes_, est.groups_, est.n_features_in_ = classes, group_names, n_features
        if feature_names is not None:
            est.feature_names_in_ = np.asarray(feature_names, dtype=object)
        est.objective_scales_ = np.asarray(scales, dtype=float)
        est.weight_decay_ = effective_weight_decay(est.weight_decay, None)
        if objectives is None:
            objectives = FairnessObjectives.rebind(resolve_objectives(est.constraints), group_names, classes,
                                                   est.sensitive_objectives, column_names)
        est.objectives_ = objectives
        est.threshold_, est.hard_scales_ = est._untuned_threshold(0.0), None  # the front tunes or sets it
        est.feature_scaling_ = None  # the weights read X as given (a front folds its standardisation in)
        # The member lives where its weights are: a model fitted on GPU and loaded on a CPU-only
        # machine (skorch maps its tensors to CPU) builds CPU members even if device="cuda".
        device = next(iter(state_dict.values())).device if state_dict else None
        est.net_ = est._make_net(n_features, device=device).initialize()
        est.net_.module_.load_state_dict(state_dict)
        est.net_.module_.eval()
        est.history_ = est.net_.history
        return est

    @property
    def criterion_(self):
        """The first fairness criterion of ``constraints``, bound to the groups (all of them: ``objectives_``)."""
        return self.objectives_.criteria[0]

    # -- public API -----------------------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, *, sensitive_features=None):
        """Fit the head.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Numeric features, e.g. sentence embeddings.
        y : array-like of shape (n_samples,)
            Class labels (two or more values).
        sensitive_features : array-like of shape (n_samples,) or (n_samples, n_features_s)
            Group of each sample; several columns form intersectional groups.

        Returns
        -------
        self
        """
        # What a warm start continues from, read before validation resets the fitted state.
        previous = self._warm_state() if self.warm_start and hasattr(self, "net_") else None
        for key in [k for k in vars(self) if k.endswith("_") and not k.startswith("__")]:
            delattr(self, key)  # a refit starts from the options alone (a warm one from what was read above)
        check_head_params(self)
        X, y, codes = self._validate_fit_data(X, y, sensitive_features)
        self._train(X, y, codes, previous)
        return self

    def _warm_state(self):
        """What a warm start continues from: the fitted head, its normalisers and what they belong to."""
        return dict(n_features=self.n_features_in_, classes=self.classes_, groups=self.groups_,
                    key=_objectives_key(self.objectives_), net=self.net_, scales=self.objective_scales_,
                    hard_scales=self.hard_scales_)

    def _feature_scaling(self, X):
        """What the head trains on standardised features with (:func:`~skfairpareto.heads.feature_scaling`), or None."""
        if self.module is not None:  # a custom module's input layer is unknown: it reads X as given
            if self.standardize is True:
                raise ValueError("standardize=True folds the standardisation into the built-in head's first layer; "
                                 f"with module={self.module!r} standardise X before fit (StandardScaler) or set "
                                 "standardize=False")
            return None
        return feature_scaling(X, self.standardize)

    def _fit_validated(self, X, y, sensitive_features, scaling=_OWN_SCALING):
        """What :meth:`fit` does, from a fresh estimator, for callers that train on from the fit:
        returns the validated ``(X, class codes, group codes)`` and the net's input it trained on
        (:meth:`_training_data`, for further heads of the same ``scaling``). ``scaling``: as :meth:`_train`."""
        self._validate_params()
        check_head_params(self)
        X, y, codes = self._validate_fit_data(X, y, sensitive_features)
        return X, y, codes, self._train(X, y, codes, scaling=scaling)

    def _train(self, X, y, codes, previous=None, scaling=_OWN_SCALING, data=None):
        """Train on validated data (``y`` class codes, ``codes`` group codes); ``previous``: a warm start's state.
        Returns the net's input it trained on (``data``, or the one it built).

        ``scaling``: the ``(mean, scale)`` to train on standardised columns with, or None for X as given;
        by default the head's own (:meth:`_feature_scaling`). A caller that fits several heads on one X
        works it out once; a front, which standardised X itself, passes None. ``data``: the net's input
        for these X, codes and ``scaling`` (:meth:`_training_data`), which such a caller also builds once
        (a standardised, column-major copy of X per head cost cba_path's grid about a tenth of its time).
        """
        # The normalisers belong to the data and the objectives: any change starts over.
        warm = previous is not None and previous["n_features"] == X.shape[1] and all(
            np.array_equal(previous[k], v) for k, v in (("classes", self.classes_), ("groups", self.groups_))
        ) and previous["key"] == _objectives_key(self.objectives_)
        self.weight_decay_ = effective_weight_decay(self.weight_decay, X.shape[0])
        # The head trains on standardised columns where X's are far from unit scale, and reads X as given
        # once fitted (the standardisation folded into its first layer).
        if scaling is _OWN_SCALING:
            scaling = self._feature_scaling(X)
        Xs = None
        if data is None:
            Xs = scaled_features(X, scaling)
            data = self._training_data(Xs, codes)
        weights = self._objective_weights()
        # Tuned on the training data only where that is unbiased: for rates that ignore the labels.
        tuned = tunes_decisions(self.threshold, self.objectives_, held_out=False)
        hard = self.objectives_.hard(y, codes) if tuned else None
        start = None
        with torch_seeded(self.random_state):
            if warm:
                net, scales, h_scales = previous["net"], previous["scales"], previous["hard_scales"]
                if tuned and h_scales is None:  # the previous fit kept its decisions: normalise by its head's
                    h_scales = hard.scales(fit_logits(net.module_, X, codes))
                fold_feature_scaling(net.module_, scaling, inverse=True)  # the fitted head, on the columns it trains on
                self._continue(net, data, y, weights=weights, scales=tuple(scales), objectives=self.objectives_)
            else:
                net = self._make_net(X.shape[1])
                net.fit(data, y)
                Xs = scaled_features(X, scaling) if Xs is None else Xs
                start = objectives_of(net.module_, Xs, y, codes, self.objectives_, net.device, self.weight_decay_)
                scales = np.maximum(start, 1e-8) if self.normalize_objectives else np.ones(len(weights))
                h_scales = hard.scales(fit_logits(net.module_, Xs, codes)) if tuned else None
                if weights[0] < 1.0:
                    self._continue(net, data, y, weights=weights, scales=tuple(scales))
        fold_feature_scaling(net.module_, scaling)
        self.feature_scaling_ = scaling
        self.net_ = net
        self.history_ = net.history
        self.objective_scales_ = scales
        self._finish_fit(X, y, codes, weights, hard, h_scales,
                         train_objectives=start if start is not None and weights[0] >= 1.0 else None)
        return data

    def _training_data(self, Xs, codes):
        """The net's input: the (standardised) features ``Xs`` laid out for the head's training passes
        (:func:`~skfairpareto.heads.training_features`), and the group codes."""
        return {"X": training_features(Xs, *self._head(Xs.shape[1]), resolve_device(self.device)), "groups": codes}

    def _finish_fit(self, X, y, codes, weights, hard, hard_scales, train_objectives=None):
        """The decision threshold (tuned on ``hard``, the training data, when given) and the training objectives."""
        self.hard_scales_ = hard_scales
        if hard is not None and weights[0] < 1.0:  # the accuracy end (alpha = 1) keeps the head's own decisions
            self.threshold_ = hard.tune(fit_logits(self.net_.module_, X, codes), weights, hard_scales)
        else:
            self.threshold_ = self._untuned_threshold(0.0 if self.threshold == "auto" else float(self.threshold))
        self.train_objectives_ = (train_objectives if train_objectives is not None else
                                  objectives_of(self.net_.module_, X, y, codes, self.objectives_, self.net_.device,
                                                self.weight_decay_))

    def _objective_weights(self):
        """The scalarisation's weights, one per objective (:meth:`FairnessObjectives.weights`)."""
        return self.objectives_.weights(self.alpha, self.weights)


def fit_start_head(front, X, y, codes, polish=False):
    """Fit and keep as ``front.start_`` a front estimator's accuracy-optimal start head.

    A :class:`CBAClassifier` with ``alpha=1`` and the front's member parameters, on the front's
    training data (class codes and joint group codes, decoded with its ``classes_`` and ``groups_``).
    With ``polish=True`` its weights are then taken to the optimum of its objective by L-BFGS
    (:func:`~skfairpareto._net.polish_error`), and its training objectives recomputed.

    Returns the start head and the features its net trained on (``X`` laid out for the head's
    training passes, :func:`~skfairpareto.heads.training_features`), for a front that trains on
    them further: a second copy cost SUHNPF's fit on the bundled tweets 0.2 s and 71 MB.
    """
    from .criteria._objectives import split_group_names

    front.start_ = CBAClassifier(alpha=1.0, **front._member_params())
    columns = front.objectives_.column_names
    if columns is None:
        sensitive = front.groups_[codes]
    else:  # per-column objectives: the columns again, as the front was given them
        import pandas as pd

        sensitive = pd.DataFrame(split_group_names(front.groups_)[codes], columns=columns)
    # On the columns as the front trains on them: a front that standardised X folds its own scaling into
    # the start head with its members (the start head does not standardise them a second time).
    data = front.start_._fit_validated(X, front.classes_[y], sensitive, scaling=None)[3]
    if polish:
        start = front.start_
        device = start.net_.device
        polish_error(start.net_.module_, X, y, codes, start.objectives_, device, start.weight_decay_)
        start.train_objectives_ = objectives_of(start.net_.module_, X, y, codes, start.objectives_, device,
                                                start.weight_decay_)
        if start.hard_scales_ is not None:
            start.hard_scales_ = start.objectives_.hard(y, codes).scales(fit_logits(start.net_.module_, X, codes))
    front._name_features([front.start_])
    return front.start_, data["X"]


def cba_path(X, y, *, sensitive_features, alphas=None, weights=None, **params):
    """Fit a :class:`CBAClassifier` at every ``alpha`` (or weight vector) of a grid, along a path.

    The grid is walked as scikit-learn's ``enet_path`` walks its penalties, each from the last
    solution: the accuracy-optimal start is fitted once, then the points are taken in decreasing
    accuracy weight, each trained from the fitted point nearest to it on the simplex (on an
    ``alpha`` grid, the next larger ``alpha``) until its loss stops falling (``tol``, at most
    ``max_epochs``), with the start's normalisers. On an ``alpha`` grid this is the homotopy of
    :class:`CBAClassifier` with ``warm_start=True`` swept from ``alpha=1`` down, member for
    member.

    Independent fits from the start (this function's earlier behaviour) reach the same members
    where the scalarised objective has one basin, but not under FPR parity on the bundled tweets:
    there ``alpha=0`` (the gap alone) taken straight from the accuracy-optimal head dropped to
    72 % test accuracy on the benchmark's seed-4 split, where taken from its neighbour it kept
    91 % at the same 4-point gap (mean test hypervolume over seeds 0-4: 0.0245 independent,
    0.0363 along the path; under accuracy parity 0.00828 and 0.00848).

    Parameters
    ----------
    X, y, sensitive_features : array-like
        As :meth:`skfairpareto.CBAClassifier.fit`.
    alphas : sequence of float or None
        Accuracy weights in [0, 1], the rest of each ray shared equally by the gaps. Default
        (neither ``alphas`` nor ``weights``): for two objectives 11 evenly spaced from 1 to 0; for
        more, the rays of the objectives'
        :meth:`~skfairpareto.criteria.FairnessObjectives.preference_grid` (21 for three
        objectives), since rays that share the gaps' weight equally reach only one line of the
        front (:meth:`~skfairpareto.criteria.FairnessObjectives.path_grid`).
    weights : sequence of array-like or None
        Points of the preference simplex instead of ``alphas`` (more than two objectives).
    **params
        The members' :class:`CBAClassifier` parameters (not ``alpha``, ``weights`` or
        ``warm_start``); ``max_epochs`` is the start's and each step's most, ``tol`` and
        ``n_iter_no_change`` say when a step has converged.

    Returns
    -------
    list of CBAClassifier
        One fitted member per grid point, in the grid's order. Each member's ``history_`` is the
        path's up to it (the start, then every step that led to it).

    Examples
    --------
    >>> import numpy as np
    >>> from skfairpareto.cba import cba_path
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(200, 5)).astype("float32")
    >>> s = rng.randint(0, 2, 200)
    >>> y = (X[:, 0] + 0.5 * s > 0).astype(int)
    >>> members = cba_path(X, y, sensitive_features=s, alphas=[1.0, 0.5, 0.0], max_epochs=30, random_state=0)
    >>> [m.alpha for m in members]
    [1.0, 0.5, 0.0]
    """
    taken = sorted({"alpha", "weights", "warm_start"} & set(params))
    if taken:
        raise ValueError(f"cba_path takes the grid as alphas= or weights=, not {taken}")
    if alphas is not None and weights is not None:
        raise ValueError("pass alphas or weights, not both")
    start = CBAClassifier(alpha=1.0, **params)
    X, y, codes, data = start._fit_validated(X, y, sensitive_features)  # data: every step's input
    objectives = start.objectives_
    if alphas is None and weights is None:  # FairnessObjectives.path_grid: alphas for two objectives, rays for more
        default = objectives.path_grid()
        alphas, weights = (default, None) if np.ndim(default[0]) == 0 else (None, default)
    grid = list(alphas if weights is None else weights)
    if not grid:
        raise ValueError("the grid is empty: pass at least one alpha or weight vector")
    rays = np.array([objectives.ray(v, name="alphas[i]" if weights is None else "weights[i]") for v in grid])
    members = [None] * len(grid)
    fitted = [(np.eye(rays.shape[1])[0], start)]  # (ray, member) pairs a step may continue from
    for i in sorted(range(len(grid)), key=lambda i: -rays[i][0]):  # stable: ties keep the grid's order
        params_i = {"alpha": float(rays[i][0]), "weights": None if weights is None else tuple(rays[i])}
        if rays[i][0] >= 1.0:  # the accuracy end is the start itself
            members[i] = copy.deepcopy(start).set_params(**params_i)
            continue
        nearest = min(fitted, key=lambda pair: np.linalg.norm(pair[0] - rays[i]))[1]
        member = copy.deepcopy(nearest).set_params(**params_i)
        member._train(X, y, codes, member._warm_state(), scaling=start.feature_scaling_, data=data)
        fitted.append((rays[i], member))
        members[i] = member
    return members

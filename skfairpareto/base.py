"""The shared base of every front estimator: ``front_``, decisions, evaluation, selection and plotting."""

from __future__ import annotations

import warnings
from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import _check_feature_names, check_is_fitted

from ._classifier import ClassifierTags, GroupRequestsMixin, fit_logits, require_groups, tunes_decisions
from ._docs import fill_doc
from ._net import effective_weight_decay
from ._selection import NAMED_SELECTIONS, check_selection, mixture_members, select_member
from ._utils import is_memory_mapped
from ._validation import (
    HEAD_CONSTRAINTS,
    check_head_params,
    check_sensitive_features,
    check_target,
    validate_features,
)
from .criteria import CRITERIA, FairnessObjectives
from .heads import feature_scaling, fold_feature_scaling, scaled_features
from .metrics import hypervolume, pareto_mask, resolve_fairness_metric
from .mixture import RandomizedMixture
from .model_selection import stratified_split

__all__ = [
    "BaseParetoClassifier",
]


@fill_doc
class BaseParetoClassifier(GroupRequestsMixin, ClassifierTags, ClassifierMixin, BaseEstimator):
    """Base of the front estimators: ``front_``, decisions, evaluation, selection and plotting.

    A subclass builds a solver, runs it and turns its points into members: it implements
    ``_fit_front``, declares its own parameters in ``_parameter_constraints`` (this table
    extended) and maps the parameters its members take in ``_MEMBER_PARAM_SOURCES``. Everything
    else -- validation, the validation split, the members' decision thresholds, evaluation,
    selection, ``score_front``, ``hypervolume``, plotting and prediction -- lives here once.
    ``pandas.DataFrame(est.front_results_)`` tabulates a fitted front. The parameters below are
    those every front estimator has; each subclass documents its own as well.

    Parameters
    ----------
    {{constraints}}
    {{sensitive_objectives}}
    {{hidden_layer_sizes}}
    {{dropout}}
    {{group_aware}}
    {{weight_decay}}
    {{standardize}}
    {{threshold}}
    {{selection_parameters}}
    {{reference_point}}
    {{device}}
    {{random_state}}
    verbose : int, default=0
        A progress bar when > 0.

    Attributes
    ----------
    {{front_attributes}}
    """

    #: Parameters every front estimator has; subclasses extend the table with their own.
    _parameter_constraints: dict = {
        **{name: HEAD_CONSTRAINTS[name] for name in ("constraints", "sensitive_objectives", "hidden_layer_sizes",
                                                     "dropout", "group_aware",
                                                     "weight_decay", "standardize", "device", "random_state",
                                                     "verbose")},
        "selection": [Interval(Real, 0, 1, closed="both"), StrOptions(set(NAMED_SELECTIONS)), dict],
        "fairness_metric": [None, str, callable],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither"), None],
        "reference_point": ["array-like", None],
        "threshold": [StrOptions({"auto"}), Real],
    }

    #: Parameters renamed in 0.2, old name -> new name; the old one defaults to "deprecated".
    _RENAMED_PARAMS: dict = {}

    #: Whether ``_fit_front`` chooses its members on the validation split (an evolution's
    #: selection): its figures there are then in-sample, and named ``search_*``, not ``val_*``.
    _SELECTS_ON_VALIDATION = False

    # -- template for subclasses ----------------------------------------------------------------

    def _check_params(self):
        """What the subclass's table cannot say; runs before any data work."""

    def _fit_front(self, X, y, codes, validation=None):  # pragma: no cover - abstract
        """Return ``(members, coordinates)``: fitted CBAClassifiers and a dict of per-member arrays.

        ``y`` holds class codes and ``codes`` joint group codes. ``coordinates`` must hold
        ``"weights"``, each member's point of the preference simplex (rows of ``m``); it may hold
        ``"threshold"``, the members' decision thresholds, when the subclass chose them itself.
        ``validation`` is ``(X_val, y_val, codes_val)`` when a validation split exists (for
        estimators that select during training, like the evolution), else None. It keeps its
        accuracy-optimal head as ``start_`` (:func:`~skfairpareto.cba.fit_start_head`). ``X`` is
        standardised where ``feature_scaling_`` is set; ``fit`` folds that into every member and
        ``start_`` afterwards.
        """
        raise NotImplementedError

    #: CBAClassifier parameters of the members (and of the start head), each read from the named
    #: attribute of this estimator (member parameter -> own attribute); subclasses extend it.
    _MEMBER_PARAM_SOURCES = {
        **{name: name for name in ("constraints", "sensitive_objectives", "hidden_layer_sizes", "dropout",
                                   "group_aware", "threshold", "standardize", "device", "random_state",
                                   "batch_size")},
        # Every front starts from an accuracy-optimal head trained with its own rate and epochs.
        "lr": "start_lr", "max_epochs": "start_max_epochs",
        # The number the heads train with (weight_decay="auto" resolved on the rows given to fit).
        "weight_decay": "weight_decay_",
    }

    def _member_params(self):
        """The CBAClassifier parameters of every member (and of the start head)."""
        return {member: self._param(own) for member, own in self._MEMBER_PARAM_SOURCES.items()}

    def _front_order(self, coords):
        """Order of the members in ``front_``: most accurate first (by descending ``alpha``)."""
        return np.argsort(-np.asarray(coords["alpha"]), kind="stable")

    # -- options --------------------------------------------------------------------------------

    @property
    def criterion_(self):
        """The first fairness criterion of ``constraints``, bound to the groups (all of them: ``objectives_``)."""
        check_is_fitted(self, "objectives_")
        return self.objectives_.criteria[0]

    def _objective_names(self):
        """``["error", "gap", ...]``: the objectives, each minimised (``objectives_.objective_names``)."""
        return self.objectives_.objective_names

    def _resolve_renamed(self):
        """Values of renamed parameters: the new name's, or the old one's with a FutureWarning."""
        self._renamed = {}
        for old, new in self._RENAMED_PARAMS.items():
            value = getattr(self, old)
            if not (isinstance(value, str) and value == "deprecated"):
                warnings.warn(f"{type(self).__name__}({old}=...) was renamed {new} in 0.2 and will be removed in "
                              f"0.3; pass {new}={value!r}", FutureWarning, stacklevel=4)
                self._renamed[new] = value

    def _param(self, name):
        """A parameter's value, honouring the deprecated name it was renamed from."""
        return getattr(self, "_renamed", {}).get(name, getattr(self, name))

    def _validation_fraction(self, y_codes, n_features):
        """The share of the training data to hold out: ``validation_fraction``, resolved."""
        return self.validation_fraction

    def _reset(self):
        """Forget everything a previous fit learned: a refit starts from the options alone."""
        for key in [k for k in vars(self) if k.endswith("_") and not k.startswith("__")]:
            delattr(self, key)
        self.__dict__.pop("_renamed", None)

    def _metrics(self, criteria):
        """Per fairness objective, the metric that replaces its criterion's on hard predictions, or None.

        A built-in criterion's hard gap is its fairlearn metric (pinned by the tests), computed
        from counts; ``fairness_metric`` or a user criterion's metric name is called as given.
        """
        builtin = [type(c) is CRITERIA.get(c.name) for c in criteria]
        return [None if self.fairness_metric is None and own else resolve_fairness_metric(self.fairness_metric, c)
                for c, own in zip(criteria, builtin)]

    def _fairness_metric_name(self):
        """The name of the fairness axis (the first objective's metric)."""
        metric = self._metrics_[0] or resolve_fairness_metric(None, self.objectives_.criteria[0])
        return getattr(metric, "__name__", str(metric))

    # -- fit ------------------------------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, *, sensitive_features=None, X_val=None, y_val=None, sensitive_features_val=None):
        """Learn the front.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Numeric features, e.g. sentence embeddings.
        y : array-like of shape (n_samples,)
            Class labels (two or more values).
        sensitive_features : array-like of shape (n_samples,) or (n_samples, n_cols)
            Group of each sample (several columns: intersectional groups).
        X_val, y_val, sensitive_features_val : array-like, optional
            Explicit validation data on which members are evaluated and selected. Without them,
            ``validation_fraction`` of the training data is held out (stratified by group and
            label); with ``validation_fraction=None`` the training data are used.

        Returns
        -------
        self
        """
        self._reset()
        self._resolve_renamed()
        criteria = check_head_params(self)  # every option is checked here, before any data work
        names = ["error", *FairnessObjectives.names_for(criteria, sensitive_features, self.sensitive_objectives)]
        selection = check_selection(self.selection, names)
        if self.reference_point is not None:  # its values now, its length once the objectives are known
            ref = np.asarray(self.reference_point, dtype=float)
            if ref.ndim != 1 or not np.all(np.isfinite(ref)) or np.any(ref <= 0):
                raise ValueError(f"reference_point must be positive numbers, one per objective, got "
                                 f"{self.reference_point!r}")
        self._check_params()
        FairnessObjectives.check_fairness_metric(self.fairness_metric, names[1:])
        resolve_fairness_metric(self.fairness_metric, criteria[0])  # a bad name fails here, before any data work
        X, y = validate_features(self, X, y, ensure_min_samples=2)
        y_codes, self.classes_ = check_target(y)
        codes, self.groups_ = check_sensitive_features(sensitive_features, X.shape[0])
        self.objectives_ = FairnessObjectives.bind(criteria, y_codes, codes, self.groups_, self.classes_,
                                                   sensitive_features, self.sensitive_objectives)
        self._metrics_ = self._metrics(self.objectives_.criteria)
        self._check_members()
        reference = self._reference_point()
        # On the rows given to fit, validation rows included: the user's data size sets the penalty.
        self.weight_decay_ = effective_weight_decay(self.weight_decay, X.shape[0])

        explicit = X_val is not None or y_val is not None or sensitive_features_val is not None
        self.validation_fraction_ = None if explicit else self._validation_fraction(y_codes, X.shape[1])
        if explicit:
            if X_val is None or y_val is None or sensitive_features_val is None:
                raise ValueError("pass X_val, y_val and sensitive_features_val together")
            X_val = validate_features(self, X_val, reset=False)
            y_val = np.asarray(y_val)
            if len(y_val) != X_val.shape[0]:
                raise ValueError(f"y_val has {len(y_val)} labels but X_val {X_val.shape[0]} rows")
            unknown = set(np.unique(y_val)) - set(self.classes_)
            if unknown:
                raise ValueError(f"y_val has labels not seen in y: {sorted(unknown)}")
            codes_val, _ = check_sensitive_features(sensitive_features_val, X_val.shape[0], groups=self.groups_)
            fit_split = (X, y_codes, codes)
            validation = (X_val, np.searchsorted(self.classes_, y_val).astype(np.int64), codes_val)
        elif self.validation_fraction_ is not None:
            if is_memory_mapped(X):
                warnings.warn(
                    f"validation_fraction={self.validation_fraction_} copies the rows of the memory-mapped X "
                    f"into memory ({X.nbytes / 2**20:.0f} MB); to train from disk, pass held-out data as "
                    "X_val=... (memory-mapped too) or set validation_fraction=None",
                    UserWarning, stacklevel=2,
                )
            tr, va = self._validation_rows(y_codes, codes)
            alone = [name for g, name in enumerate(self.groups_) if np.sum(codes == g) == 1]
            if alone:
                warnings.warn(f"group(s) {alone} have a single sample: it stays in the training data, so the "
                              "validation split, which selects the member, has none of it", UserWarning, stacklevel=3)
            fit_split = (X[tr], y_codes[tr], codes[tr])
            validation = (X[va], y_codes[va], codes[va])
        else:
            fit_split, validation = (X, y_codes, codes), None

        # The heads train on standardised columns where X's are far from unit scale (standardize); every
        # fitted head then reads X as given, the standardisation folded into its first layer.
        self.feature_scaling_ = feature_scaling(fit_split[0], self.standardize)
        members, coords = self._fit_front(*self._scaled(fit_split), self._scaled(validation))
        if not members:
            raise RuntimeError(
                "no front member passed certification; raise max_iter or tol (see front_results_)"
            )
        # Each distinct head once (a member may share the start head's module).
        for module in {id(m.net_.module_): m.net_.module_ for m in [*members, self.start_]}.values():
            fold_feature_scaling(module, self.feature_scaling_)
        self.start_.feature_scaling_ = self.feature_scaling_  # it trained on the front's columns
        self._finish(members, coords, fit_split, validation, selection, reference)
        return self

    def _validation_rows(self, y_codes, codes):
        """The rows ``fit`` trains on and the rows it holds out (``validation_fraction_``, stratified by
        group and label); the same rows for the same ``random_state``."""
        try:
            # Labels and groups by name (for the message); they sort as their codes, so the split is the same.
            return stratified_split(self.classes_[y_codes], self.groups_[codes], test_size=self.validation_fraction_,
                                    random_state=check_random_state(self.random_state))
        except ValueError as exc:
            raise ValueError(f"validation_fraction={self.validation_fraction_} cannot hold out part of every "
                             f"group and label: {exc}; choose another fraction, pass X_val=..., or set "
                             "validation_fraction=None") from None

    def _check_members(self):
        """What the objectives need of the member counts (``m`` objectives take at least ``m``)."""

    def _name_features(self, models):
        """Give ``models`` (members, fitted inside on bare arrays) the front's feature names, so that
        each checks the columns of X as the front does (scikit-learn's ``feature_names_in_``)."""
        if hasattr(self, "feature_names_in_"):
            for model in models:
                model.feature_names_in_ = self.feature_names_in_
        return models

    def _logits(self, member, X, codes):
        """A member's float32 logits on a split of the fit (:func:`~skfairpareto._classifier.fit_logits`)."""
        return fit_logits(member.net_.module_, X, codes if self.group_aware else None)

    def _tunes(self, held_out):
        """Whether ``threshold="auto"`` tunes the members' decisions on the data at hand."""
        return tunes_decisions(self.threshold, self.objectives_, held_out)

    def _fixed_threshold(self, member):
        return member._untuned_threshold(0.0 if self.threshold == "auto" else float(self.threshold))

    def _tuned_thresholds(self, members, hard, logits, weights, scales=None):
        """Each member's decision rule tuned to its own weights on ``hard``'s rows.

        Normalised by ``scales``, default the hard error and gaps of the most accurate member's
        own decisions (largest error weight), which keeps them (the accuracy end); so does any
        member whose error weight is 1. For K classes a threshold is a vector of per-class offsets.
        """
        end = int(np.argmax(weights[:, 0]))
        if scales is None:
            scales = hard.scales(logits[end])
        return [hard.tune(z, w, scales) if (i != end and w[0] < 1.0) else member._untuned_threshold(0.0)
                for i, (member, z, w) in enumerate(zip(members, logits, weights))], scales

    def _cross_fitted(self, members, hard, logits, weights):
        """Decisions on ``hard``'s rows, each row decided by thresholds tuned on the other half of the rows.

        The rows split in two halves stratified by group and label; every member is tuned on one
        half (normalised by the accuracy end's decisions there) and decides the other, so no
        figure of the split comes from a threshold its own labels tuned: an honest estimate of a
        member whose threshold is tuned on held-out data.
        """
        halves = stratified_split(hard.y, hard.codes, test_size=0.5, random_state=check_random_state(self.random_state))
        predictions = [np.empty(len(hard), dtype=np.int64) for _ in members]
        for tune_rows, decide_rows in (halves, halves[::-1]):
            thresholds, _ = self._tuned_thresholds(members, hard.subset(tune_rows), [z[tune_rows] for z in logits],
                                                   weights)
            for out, z, t in zip(predictions, logits, thresholds):
                out[decide_rows] = hard.decisions(z[decide_rows], t)
        return predictions

    def _scaled(self, split):
        """A split ``(X, y, codes)`` with X standardised by ``feature_scaling_`` (the split itself without)."""
        if split is None or self.feature_scaling_ is None:
            return split
        return (scaled_features(split[0], self.feature_scaling_), *split[1:])

    def _finish(self, members, coords, fit_split, validation, selection, reference):
        """Decide, evaluate, order and select the members; sets every fitted attribute but ``start_``."""
        weights = np.asarray(coords.pop("weights"), dtype=float)
        thresholds = coords.pop("threshold", None)
        coords["alpha"] = weights[:, 0]
        splits = {"train": fit_split}
        if validation is not None:
            splits["search" if self._SELECTS_ON_VALIDATION else "val"] = validation
        hard = {name: self.objectives_.hard(y, codes, metrics=self._metrics_) for name, (_, y, codes) in splits.items()}
        logits = {name: [self._logits(m, X, codes) for m in members] for name, (X, _, codes) in splits.items()}
        tuning = "val" if "val" in splits else "train"
        scales = None
        if thresholds is None and self._tunes(held_out=tuning == "val"):
            thresholds, scales = self._tuned_thresholds(members, hard[tuning], logits[tuning], weights)
        elif thresholds is None:
            thresholds = [self._fixed_threshold(m) for m in members]
        for member, t in zip(members, thresholds):
            member.threshold_ = t
            member.hard_scales_ = scales
        self._name_features(members)
        decided = {name: [hard[name].decisions(z, t) for z, t in zip(logits[name], thresholds)] for name in splits}
        if scales is not None and tuning == "val":  # the held-out figures come from thresholds tuned elsewhere
            decided["val"] = self._cross_fitted(members, hard["val"], logits["val"], weights)

        coords.update({f"weight[{name}]": weights[:, j] for j, name in enumerate(self.objectives_.names, 1)})
        thresholds = np.asarray(thresholds, dtype=float)
        if thresholds.ndim == 1:
            coords["threshold"] = thresholds
        else:  # K classes: one offset per class, a column each (front_results_ stays a flat table)
            coords.update({f"threshold[{c}]": thresholds[:, k] for k, c in enumerate(self.classes_)})
        order = self._front_order(coords)
        self.front_ = [members[i] for i in order]
        results = {k: np.asarray(v)[order] for k, v in coords.items()}
        for name in splits:
            rows = [hard[name].scores(decided[name][i], self.groups_) for i in order]
            results.update({f"{name}_{key}": np.asarray([row[key] for row in rows]) for key in rows[0]})
        split = list(splits)[-1]
        points = np.column_stack([results[f"{split}_{name}"] for name in self._objective_names()])
        results["pareto_optimal"] = pareto_mask(points)
        self.front_results_ = results
        self.evaluation_split_ = split
        self.hypervolume_ = hypervolume(points, reference)
        self.selected_index_ = select_member(results, split, self._objective_names(), selection)

    def _reference_point(self):
        """The hypervolume reference point: ``reference_point``, or 1 for every objective."""
        names = self._objective_names()
        if self.reference_point is None:
            return (1.0,) * len(names)
        ref = np.asarray(self.reference_point, dtype=float)
        if ref.shape != (len(names),) or not np.all(np.isfinite(ref)) or np.any(ref <= 0):
            raise ValueError(f"reference_point must be {len(names)} positive numbers, one per objective "
                             f"{names}, got {self.reference_point!r}")
        return tuple(ref.tolist())

    # -- public API -----------------------------------------------------------------------------

    def select(self, selection):
        """Return the member that ``selection`` picks, without refitting (see ``selection``)."""
        check_is_fitted(self, "front_")
        rule = check_selection(selection, self._objective_names())
        return self.front_[select_member(self.front_results_, self.evaluation_split_, self._objective_names(), rule)]

    def mixture(self, bounds, *, random_state=None):
        """The most accurate randomised mixture of two members within ``bounds`` in expectation (opt-in).

        Between two neighbouring members a front has nothing to deploy; a randomised classifier
        that predicts each sample with one of them, drawn at random, reaches in expectation any
        point of the segment between them -- what fairlearn's ``ExponentiatedGradient`` deploys.
        This returns the mixture of the member that ``select(bounds)`` picks (the most accurate
        within every bound) with a more accurate member, at the largest probability whose
        interpolated objectives on the evaluation split (``evaluation_split_``'s figures in
        ``front_results_``) stay within the bounds: its expected error there is that interpolation,
        and each expected gap at most it. The members themselves stay deterministic.

        Parameters
        ----------
        bounds : dict
            ``{"max_<objective>": c, ...}``, e.g. ``{"max_gap": 0.02}``, as for ``selection``.
        random_state : int, RandomState instance or None, default=None
            The draws of the mixture's ``predict``.

        Returns
        -------
        RandomizedMixture
            Fitted; one member with probability 1 where no member is within the bounds (the
            nearest, as ``select`` picks) or none more accurate can be mixed in.
        """
        check_is_fitted(self, "front_")
        rule = check_selection(bounds, self._objective_names())
        if not isinstance(rule, dict):
            raise ValueError(f"mixture takes bounds {{'max_<objective>': c, ...}}, got {bounds!r}")
        members, probabilities = mixture_members(self.front_results_, self.evaluation_split_,
                                                 self._objective_names(), rule)
        return RandomizedMixture([self.front_[i] for i in members], probabilities,
                                 random_state=random_state).fit()

    @property
    def selected_(self):
        """The member :meth:`predict` uses."""
        check_is_fitted(self, "front_")
        return self.front_[self.selected_index_]

    def _selected_for(self, X, sensitive_features):
        member = self.selected_
        # The columns are checked here, so that a mismatch names this estimator, not its member.
        _check_feature_names(self, X, reset=False)
        require_groups(self, sensitive_features)
        return member

    def predict(self, X, sensitive_features=None):
        """Class labels from the selected member (``sensitive_features``: for group-aware fronts)."""
        return self._selected_for(X, sensitive_features).predict(X, sensitive_features)

    def predict_proba(self, X, sensitive_features=None):
        """Class probabilities from the selected member (``sensitive_features``: for group-aware fronts)."""
        return self._selected_for(X, sensitive_features).predict_proba(X, sensitive_features)

    def decision_function(self, X, sensitive_features=None):
        """Positive-class logit from the selected member (``sensitive_features``: for group-aware fronts)."""
        return self._selected_for(X, sensitive_features).decision_function(X, sensitive_features)

    def score(self, X, y, sample_weight=None, sensitive_features=None):
        """Accuracy of the selected member (``sensitive_features``: for group-aware fronts)."""
        return self._selected_for(X, sensitive_features).score(X, y, sample_weight, sensitive_features)

    def score_front(self, X, y, *, sensitive_features):
        """Evaluation metrics of every member on new data, as a pandas DataFrame.

        One row per member of ``front_``: its ``alpha``, error, the accuracy of each group and every
        fairness objective's gap of its predictions (what :meth:`predict` of the member says).
        """
        import pandas as pd

        check_is_fitted(self, "front_")
        X = validate_features(self, X, reset=False)
        y = np.asarray(y)
        if y.ndim != 1 or len(y) != X.shape[0]:
            raise ValueError(f"y must hold one label per row of X: X has {X.shape[0]} rows, y has shape {y.shape}")
        unknown = sorted(set(np.unique(y).tolist()) - set(self.classes_.tolist()))
        if unknown:
            raise ValueError(f"y has labels not seen in fit: {unknown[:5]}; the front knows the classes "
                             f"{self.classes_.tolist()}")
        codes, _ = check_sensitive_features(sensitive_features, X.shape[0], groups=self.groups_)
        hard = self.objectives_.hard(np.searchsorted(self.classes_, y), codes, metrics=self._metrics_)
        rows = []
        for member in self.front_:
            predictions = np.searchsorted(self.classes_, member.predict(X, sensitive_features))
            rows.append(hard.scores(predictions, self.groups_))
        table = pd.DataFrame(rows)
        table.insert(0, "alpha", self.front_results_["alpha"])
        return table

    def hypervolume(self, X, y, *, sensitive_features, reference_point=None):
        """Hypervolume (pymoo) of the members' objectives (error, fairness gaps) on new data.

        Parameters
        ----------
        X, y, sensitive_features : array-like
            The data.
        reference_point : sequence of float or None, default=None
            One value per objective; default the estimator's ``reference_point`` (what
            ``hypervolume_`` used).

        Returns
        -------
        float
        """
        table = self.score_front(X, y, sensitive_features=sensitive_features)
        ref = self._reference_point() if reference_point is None else reference_point
        return hypervolume(table[self._objective_names()].to_numpy(), ref)

    def plot_front(self, ax=None, *, split=None, annotate=True):
        """Draw the members' error against their fairness metric, the selected member marked.

        With more than two objectives, a scatter matrix instead: every pair of objectives (the
        error against each gap, and the gaps against each other), the Pareto-optimal members
        filled (:class:`~skfairpareto.plotting.FrontDisplay`).

        Parameters
        ----------
        ax : matplotlib Axes, ndarray of Axes or None
            Where to draw (two objectives: one Axes; ``m`` objectives: an ``(m - 1, m - 1)``
            array); default a new figure.
        split : str or None
            Which recorded evaluation to draw: ``"train"`` or the evaluation split (the default).
        annotate : bool
            Write each member's alpha beside it (two objectives).

        Returns
        -------
        matplotlib Axes, or ndarray of Axes (more than two objectives)
        """
        from .plotting import FrontDisplay

        return FrontDisplay.from_estimator(self, split=split, ax=ax, annotate=annotate).ax_

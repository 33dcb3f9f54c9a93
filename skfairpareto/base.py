"""The shared base of every front estimator: ``front_``, evaluation, selection and plotting."""

from __future__ import annotations

import warnings
from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ._classifier import (
    ClassifierTags,
    GroupRequestsMixin,
    hard_objectives,
    hard_scales,
    head_logits,
    require_groups,
    tune_threshold,
)
from ._docs import fill_doc
from ._utils import is_memory_mapped
from ._validation import (
    HEAD_CONSTRAINTS,
    bind_objectives,
    objective_names,
    check_target,
    check_head_params,
    check_in_interval,
    check_sensitive_features,
    validate_features,
)
from .metrics import evaluate_predictions, hypervolume, pareto_mask, resolve_fairness_metric
from .model_selection import stratified_split

__all__ = [
    "BaseParetoClassifier",
]

_NAMED_SELECTIONS = ("knee", "most_accurate", "fairest")


@fill_doc
class BaseParetoClassifier(GroupRequestsMixin, ClassifierTags, ClassifierMixin, BaseEstimator):
    """Base of the front estimators: ``front_``, evaluation, selection and plotting.

    A subclass builds a solver, runs it and turns its points into members: it implements
    ``_fit_front``, declares its own parameters in ``_parameter_constraints`` (this table
    extended) and maps the parameters its members take in ``_MEMBER_PARAM_SOURCES``. Everything
    else -- validation, the validation split, evaluation, selection, ``score_front``,
    ``hypervolume``, plotting and prediction -- lives here once. ``pandas.DataFrame(est.front_results_)``
    tabulates a fitted front. The parameters below are those every front estimator has; each
    subclass documents its own as well.

    Parameters
    ----------
    {{constraints}}
    {{sensitive_objectives}}
    {{hidden_layer_sizes}}
    {{dropout}}
    {{group_aware}}
    {{weight_decay}}
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
                                                     "weight_decay", "device", "random_state", "verbose")},
        "selection": [Interval(Real, 0, 1, closed="both"), StrOptions(set(_NAMED_SELECTIONS)), dict],
        "fairness_metric": [None, str, callable],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither"), None],
        "reference_point": ["array-like", None],
        "threshold": [StrOptions({"auto"}), Real],
    }

    #: Parameters renamed in 0.2, old name -> new name; the old one defaults to "deprecated".
    _RENAMED_PARAMS: dict = {}

    # -- template for subclasses ----------------------------------------------------------------

    def _check_params(self):
        """What the subclass's table cannot say; runs before any data work."""

    def _fit_front(self, X, y01, groups, validation=None):  # pragma: no cover - abstract
        """Return ``(members, coordinates)``: fitted CBAClassifiers and a dict of per-member arrays.

        ``validation`` is ``(X_val, y01_val, groups_val)`` when a validation split exists (for
        estimators that select during training, like the evolution), else None.
        """
        raise NotImplementedError

    #: CBAClassifier parameters of the members, each read from the named attribute of this
    #: estimator (member parameter -> own attribute); subclasses extend it.
    _MEMBER_PARAM_SOURCES = {
        name: name
        for name in ("constraints", "sensitive_objectives", "hidden_layer_sizes", "dropout", "group_aware",
                     "weight_decay", "threshold", "device", "random_state")
    }

    def _member_params(self):
        """The CBAClassifier parameters of every member (and of the start head)."""
        return {member: self._param(own) for member, own in self._MEMBER_PARAM_SOURCES.items()}

    def _front_order(self, coords):
        """Order of the members in ``front_``: most accurate first (by descending ``alpha``)."""
        return np.argsort(-np.asarray(coords["alpha"]), kind="stable")

    # -- validation and evaluation --------------------------------------------------------------

    def _objective_names(self):
        """Names of the evaluated objectives, each minimised: the error, then the fairness gap(s).

        One fairness objective is ``"gap"``; several are named after their criterion (and
        sensitive column): ``"gap[true_positive_rate_parity]"``, ``"gap[equalized_odds:race]"``.
        """
        if hasattr(self, "criterion_"):
            return ["error", *getattr(self.criterion_, "names", ["gap"])]
        return ["error", *getattr(self, "_expected_names", ["gap"])]

    def _check_selection(self, sel):
        """Check a selection rule; returns it with any deprecated bound name translated."""
        if isinstance(sel, Real) and not isinstance(sel, bool):
            check_in_interval("selection", sel, 0.0, 1.0)
            return sel
        if isinstance(sel, dict):
            if "max_unfairness" in sel:
                warnings.warn("selection={'max_unfairness': c} was renamed {'max_gap': c} in 0.2 and will be "
                              "removed in 0.3", FutureWarning, stacklevel=3)
                sel = {("max_gap" if k == "max_unfairness" else k): v for k, v in sel.items()}
            known = [f"max_{name}" for name in self._objective_names()]
            unknown = [k for k in sel if k not in known]
            if not sel or unknown:
                raise ValueError(
                    f"selection dict bounds objectives by name, {{'max_<objective>': c}}, with objectives "
                    f"{self._objective_names()}; got the key(s) {unknown or '(none)'} (choose from {known})"
                )
            for key, bound in sel.items():
                check_in_interval(f"selection[{key!r}]", bound, 0.0, np.inf)
            return sel
        if sel not in _NAMED_SELECTIONS:
            raise ValueError(
                f"selection must be a float in [0, 1], one of {list(_NAMED_SELECTIONS)} or "
                f"{{'max_gap': c}}, got {sel!r}"
            )
        return sel

    def _resolve_renamed(self):
        """Values of renamed parameters: the new name's, or the old one's with a FutureWarning."""
        self._renamed = {}
        for old, new in self._RENAMED_PARAMS.items():
            value = getattr(self, old)
            if not (isinstance(value, str) and value == "deprecated"):
                warnings.warn(f"{type(self).__name__}({old}=...) was renamed {new} in 0.2 and will be removed in "
                              f"0.3; pass {new}={value!r}", FutureWarning, stacklevel=3)
                self._renamed[new] = value

    def _param(self, name):
        """A parameter's value, honouring the deprecated name it was renamed from."""
        return getattr(self, "_renamed", {}).get(name, getattr(self, name))

    def fit(self, X, y, *, sensitive_features=None, X_val=None, y_val=None, sensitive_features_val=None):
        """Learn the front.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Numeric features, e.g. sentence embeddings.
        y : array-like of shape (n_samples,)
            Binary labels.
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
        # Every option is checked here, before any data work.
        self._validate_params()
        self._resolve_renamed()
        for attribute in ("criterion_", "_objectives_"):  # a refit starts from the options alone
            self.__dict__.pop(attribute, None)
        criteria = check_head_params(self)
        self._expected_names = objective_names(criteria, sensitive_features, self.sensitive_objectives)
        selection = self._check_selection(self.selection)
        if self.reference_point is not None:  # its values now, its length once the objectives are known
            ref = np.asarray(self.reference_point, dtype=float)
            if ref.ndim != 1 or not np.all(np.isfinite(ref)) or np.any(ref <= 0):
                raise ValueError(f"reference_point must be positive numbers, one per objective, got "
                                 f"{self.reference_point!r}")
        self._check_params()
        several = len(criteria) > 1 or (self.sensitive_objectives == "per_column" and np.ndim(sensitive_features) == 2
                                        and np.shape(sensitive_features)[1] > 1)
        if several and self.fairness_metric is not None:
            raise ValueError("fairness_metric names one metric, but the front has several fairness objectives; leave "
                             "it None (each objective is measured by its criterion's metric)")
        resolve_fairness_metric(self.fairness_metric, criteria[0])  # a bad name fails here, before any data work
        X, y = validate_features(self, X, y, ensure_min_samples=2)
        y01, self.classes_ = check_target(y)
        codes, self.groups_ = check_sensitive_features(sensitive_features, X.shape[0])
        self.criterion_ = bind_objectives(criteria, y01, codes, self.groups_, self.classes_, sensitive_features,
                                          self.sensitive_objectives)
        # Each objective's metric on hard predictions, bound to the classes (K classes: the K-class one).
        bound = getattr(self.criterion_, "criteria", [self.criterion_])
        self._objectives_ = [(name, resolve_fairness_metric(self.fairness_metric, c), j)
                             for j, (name, c) in enumerate(zip(self._objective_names()[1:], bound))]
        self._fairness_metric_ = self._objectives_[0][1]
        reference = self._reference_point()

        if X_val is not None or y_val is not None or sensitive_features_val is not None:
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
            X_fit, y_fit, codes_fit = X, y01, codes
            validation = (X_val, np.searchsorted(self.classes_, y_val).astype(y01.dtype), codes_val)
        elif self.validation_fraction is not None:
            if is_memory_mapped(X):
                warnings.warn(
                    f"validation_fraction={self.validation_fraction} copies the rows of the memory-mapped X "
                    f"into memory ({X.nbytes / 2**20:.0f} MB); to train from disk, pass held-out data as "
                    "X_val=... (memory-mapped too) or set validation_fraction=None",
                    UserWarning, stacklevel=2,
                )
            tr, va = stratified_split(y01, codes, test_size=self.validation_fraction,
                                      random_state=check_random_state(self.random_state))
            X_fit, y_fit, codes_fit = X[tr], y01[tr], codes[tr]
            validation = (X[va], y01[va], codes[va])
        else:
            X_fit, y_fit, codes_fit = X, y01, codes
            validation = None

        members, coords = self._fit_front(X_fit, y_fit, codes_fit, validation)
        if not members:
            raise RuntimeError(
                "no front member passed certification; raise max_iter or tol (see front_results_)"
            )
        tuning = validation if validation is not None else (X_fit, y_fit, codes_fit)
        thresholds = self._set_thresholds(members, coords, *tuning, held_out=validation is not None)
        if "weights" in coords:  # several fairness objectives: a weight column each, beside alpha
            weights = np.asarray(coords.pop("weights"), dtype=float)
            coords.update({f"weight[{name}]": weights[:, j] for j, name in enumerate(self._objective_names()[1:], 1)})
        if thresholds.ndim == 1:
            coords["threshold"] = thresholds
        else:  # K classes: one offset per class, a column each (front_results_ stays a flat table)
            coords.update({f"threshold[{c}]": thresholds[:, k] for k, c in enumerate(self.classes_)})
        order = self._front_order(coords)
        self.front_ = [members[i] for i in order]
        results = {k: np.asarray(v)[order] for k, v in coords.items()}
        results.update(self._evaluate("train", X_fit, self.classes_[y_fit.astype(int)], codes_fit))
        split = "train"
        if validation is not None:
            X_v, y01_v, codes_v = validation
            results.update(self._evaluate("val", X_v, self.classes_[y01_v.astype(int)], codes_v))
            split = "val"
        points = np.column_stack([results[f"{split}_{name}"] for name in self._objective_names()])
        results["pareto_optimal"] = pareto_mask(points)
        self.front_results_ = results
        self.evaluation_split_ = split
        self.hypervolume_ = hypervolume(points, reference)
        self.selected_index_ = self._select(selection)
        return self

    def _set_thresholds(self, members, coords, X, y01, codes, held_out):
        """Give every member its decision rule (``threshold``); returns the thresholds, per member.

        ``"auto"`` tunes each member's to its own ``alpha``
        (:func:`~skfairpareto._classifier.tune_threshold`), normalised by the most accurate
        member's hard error and gap, and that member (the accuracy end) keeps its own decisions.
        The data are held out (``held_out``: the validation split), or the training data for a
        criterion whose rates ignore the labels; otherwise every member keeps its own decisions,
        since training-set hard rates that use the labels are biased by overfitting them
        (docs/criteria.md, "The fair end"). For K classes a threshold is a vector of per-class
        offsets.
        """
        tune = self.threshold == "auto" and (held_out or self.criterion_.label_free)
        if not tune:
            value = 0.0 if self.threshold == "auto" else float(self.threshold)
            for member in members:
                member.threshold_ = member._untuned_threshold(value)
            return np.array([m.threshold_ for m in members])
        hard = hard_objectives(self.criterion_, codes)
        weights = self._member_weights(coords)
        logits = [head_logits(m.net_.module_, X, codes if self.group_aware else None) for m in members]
        end = int(np.argmax(weights[:, 0]))
        scales = hard_scales(logits[end], y01, hard)
        for i, (member, w, z) in enumerate(zip(members, weights, logits)):
            member.hard_scales_ = scales
            if i != end and w[0] < 1.0:
                member.threshold_ = tune_threshold(z, y01, hard, w, scales)
        return np.array([m.threshold_ for m in members])

    def _member_weights(self, coords):
        """Each member's scalarisation weights, one per objective: ``(alpha, 1 - alpha)`` for two,
        ``coords["weights"]`` for more."""
        if "weights" in coords:
            return np.asarray(coords["weights"], dtype=float)
        alphas = np.asarray(coords["alpha"], dtype=float)
        return np.column_stack([alphas, 1.0 - alphas])

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

    def _objective_groups(self, codes):
        """Per fairness objective, the group of each sample it compares (joint or one column's)."""
        objectives = getattr(self.criterion_, "criteria", [self.criterion_])
        return [self.groups_[codes] if self.criterion_ is c or self.criterion_.columns[j] is None
                else c.group_names_[self.criterion_.codes(codes, j)] for j, c in enumerate(objectives)]

    def _scores(self, member, X, y, codes):
        """Error, accuracy of each group and every fairness objective's gap of one member's predictions."""
        groups = self.groups_[codes]
        pred = member.predict(X, groups)
        scores = evaluate_predictions(y, pred, groups, self._fairness_metric_, self._pos_label())
        if self._objective_names() == ["error", "gap"] and self._objectives_[0][2] == 0 and \
                not hasattr(self.criterion_, "criteria"):
            return scores  # one objective on the joint groups: that gap
        scores.pop("gap")
        for (name, metric, _), group_labels in zip(self._objectives_, self._objective_groups(codes)):
            scores[name] = evaluate_predictions(y, pred, group_labels, metric, self._pos_label())["gap"]
        return scores

    def _hard_objectives(self, member, X, y, codes):
        """The member's objective vector on hard predictions: ``[error, gap_1, ...]``."""
        scores = self._scores(member, X, y, codes)
        return [scores[name] for name in self._objective_names()]

    def _evaluate(self, prefix, X, y, codes):
        """Error, accuracy of each group and every fairness objective's gap, per member."""
        out: dict[str, list] = {}
        for member in self.front_:
            for key, value in self._scores(member, X, y, codes).items():
                out.setdefault(f"{prefix}_{key}", []).append(value)
        return {k: np.asarray(v) for k, v in out.items()}

    def _pos_label(self):
        """The positive class for fairlearn's binary metrics; None for K classes (labels as they are)."""
        return self.classes_[1] if len(self.classes_) == 2 else None

    def _select(self, selection):
        r = self.front_results_
        split = self.evaluation_split_
        names = self._objective_names()
        err = r[f"{split}_error"]
        gaps = np.column_stack([r[f"{split}_{name}"] for name in names[1:]])
        gap = gaps.sum(axis=1)  # one gap, or the gaps' sum: the fairness tie-breaker
        if isinstance(selection, dict):
            values = {k: r[f"{split}_{k.removeprefix('max_')}"] for k in selection}
            ok = np.flatnonzero(np.all([values[k] <= bound for k, bound in selection.items()], axis=0))
            if len(ok) == 0:  # none within every bound: the member nearest to them (largest relative excess)
                excess = np.max([values[k] / max(bound, 1e-12) for k, bound in selection.items()], axis=0)
                return int(np.lexsort((err, excess))[0])
            # Most accurate within the bounds, the fairer of equally accurate members.
            return int(ok[np.lexsort((gap[ok], err[ok]))[0]])
        if selection == "most_accurate":
            return int(np.lexsort((gap, err))[0])
        if selection == "fairest":
            return int(np.lexsort((err, gap))[0])
        if selection == "knee":
            front = np.flatnonzero(r["pareto_optimal"])
            if len(front) < 3:
                return int(front[np.argmin(err[front])])
            if len(names) > 2:
                # More than two objectives: the Pareto-optimal member nearest the ideal point, each
                # objective scaled to [0, 1] over the front.
                F = np.column_stack([err, gaps])[front]
                F = (F - F.min(0)) / np.maximum(np.ptp(F, axis=0), 1e-12)
                return int(front[np.argmin(np.linalg.norm(F, axis=1))])
            e = (err[front] - err[front].min()) / max(np.ptp(err[front]), 1e-12)
            u = (gap[front] - gap[front].min()) / max(np.ptp(gap[front]), 1e-12)
            # Farthest below the chord from the most accurate to the fairest point.
            a, b = front[np.argmin(err[front])], front[np.argmin(gap[front])]
            ia, ib = list(front).index(a), list(front).index(b)
            p, q = np.array([e[ia], u[ia]]), np.array([e[ib], u[ib]])
            d = q - p
            dist = (d[0] * (u - p[1]) - d[1] * (e - p[0])) / max(np.hypot(*d), 1e-12)
            return int(front[np.argmax(np.abs(dist))])
        return int(np.argmin(np.abs(np.asarray(r["alpha"]) - float(selection))))

    # -- public API -----------------------------------------------------------------------------

    def select(self, selection):
        """Return the member that ``selection`` picks, without refitting (see class docstring)."""
        check_is_fitted(self, "front_")
        return self.front_[self._select(self._check_selection(selection))]

    @property
    def selected_(self):
        """The member :meth:`predict` uses."""
        check_is_fitted(self, "front_")
        return self.front_[self.selected_index_]

    def _selected_for(self, sensitive_features):
        member = self.selected_
        require_groups(self, sensitive_features)  # names this estimator, not the member
        return member

    def predict(self, X, sensitive_features=None):
        """Class labels from the selected member (``sensitive_features``: for group-aware fronts)."""
        return self._selected_for(sensitive_features).predict(X, sensitive_features)

    def predict_proba(self, X, sensitive_features=None):
        """Class probabilities from the selected member (``sensitive_features``: for group-aware fronts)."""
        return self._selected_for(sensitive_features).predict_proba(X, sensitive_features)

    def decision_function(self, X, sensitive_features=None):
        """Positive-class logit from the selected member (``sensitive_features``: for group-aware fronts)."""
        return self._selected_for(sensitive_features).decision_function(X, sensitive_features)

    def score(self, X, y, sample_weight=None, sensitive_features=None):
        """Accuracy of the selected member (``sensitive_features``: for group-aware fronts)."""
        return self._selected_for(sensitive_features).score(X, y, sample_weight, sensitive_features)

    def score_front(self, X, y, *, sensitive_features):
        """Evaluation metrics of every member on new data, as a pandas DataFrame."""
        import pandas as pd

        check_is_fitted(self, "front_")
        X = validate_features(self, X, reset=False)
        codes, _ = check_sensitive_features(sensitive_features, X.shape[0], groups=self.groups_)
        table = pd.DataFrame(self._evaluate("test", X, np.asarray(y), codes))
        table.columns = [c.removeprefix("test_") for c in table.columns]
        table.insert(0, "alpha", self.front_results_["alpha"])
        return table

    def hypervolume(self, X, y, *, sensitive_features, reference_point=None):
        """Hypervolume (pymoo) of the members' objectives (error, fairness gap) on new data.

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
        filled.

        Parameters
        ----------
        ax : matplotlib Axes, ndarray of Axes or None
            Where to draw (two objectives: one Axes; ``m`` objectives: an ``(m - 1, m - 1)``
            array); default a new figure.
        split : {"train", "val"} or None
            Which recorded evaluation to draw; default the evaluation split.
        annotate : bool
            Write each member's alpha beside it (two objectives).

        Returns
        -------
        matplotlib Axes, or ndarray of Axes (more than two objectives)
        """
        import matplotlib.pyplot as plt

        check_is_fitted(self, "front_")
        split = split or self.evaluation_split_
        if f"{split}_error" not in self.front_results_:
            raise ValueError(f"no evaluation on split {split!r}; fitted splits: train, {self.evaluation_split_}")
        names = self._objective_names()
        if len(names) > 2:
            return self._plot_matrix(ax, split, names)
        if ax is None:
            _, ax = plt.subplots(figsize=(5, 4))
        r = self.front_results_
        err, gap = r[f"{split}_error"], r[f"{split}_gap"]
        order = np.argsort(err)
        ax.plot(err[order], gap[order], "o-", color="tab:blue", label=type(self).__name__)
        i = self.selected_index_
        ax.plot(err[i], gap[i], "*", ms=16, color="tab:red", label="selected")
        if annotate:
            for a, e, u in zip(r["alpha"], err, gap):
                ax.annotate(f"{a:.2f}", (e, u), textcoords="offset points", xytext=(4, 4), fontsize=7)
        ax.set_xlabel(f"error ({split})")
        ax.set_ylabel(f"{self._fairness_metric_.__name__} ({split})")
        ax.legend()
        return ax

    def _plot_matrix(self, axes, split, names):
        """Scatter matrix of the objectives: row ``i`` plots objective ``i + 1`` against each before it."""
        import matplotlib.pyplot as plt

        m = len(names)
        if axes is None:
            _, axes = plt.subplots(m - 1, m - 1, figsize=(3.6 * (m - 1), 3.2 * (m - 1)), squeeze=False)
        axes = np.asarray(axes).reshape(m - 1, m - 1)
        r = self.front_results_
        values = [r[f"{split}_{name}"] for name in names]
        optimal, i = r["pareto_optimal"], self.selected_index_
        for row in range(m - 1):
            for col in range(m - 1):
                ax = axes[row, col]
                if col > row:
                    ax.set_visible(False)
                    continue
                x, y = values[col], values[row + 1]
                ax.scatter(x[~optimal], y[~optimal], facecolors="none", edgecolors="tab:blue", s=18)
                ax.scatter(x[optimal], y[optimal], color="tab:blue", s=18, label="Pareto-optimal")
                ax.plot(x[i], y[i], "*", ms=14, color="tab:red", label="selected")
                ax.set_xlabel(f"{names[col]} ({split})", fontsize=8)
                ax.set_ylabel(f"{names[row + 1]} ({split})", fontsize=8)
        axes[0, 0].legend(fontsize=7)
        return axes

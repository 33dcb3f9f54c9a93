"""Fairness criteria as differentiable objectives: one class per fairlearn constraint.

fairlearn's reductions describe each fairness constraint by a ``Moment`` class; here each
criterion is a small object that turns a head's logits into the objectives every front is
traced over (docs/criteria.md):

* ``f1`` -- the mean cross-entropy (binary, or categorical for K classes);
* ``f2`` -- for every rate the criterion compares, the mean over pairs of groups of the squared
  difference of the groups' *expected* rates, summed over the rates.

With class probabilities ``P_ik`` (``p_i = sigmoid(z_i)`` for two classes) the expected rates
of group ``g`` are, one per class ``k`` in ``C`` (the criterion's ``classes``: every class for
K > 2 classes, the positive class for two):

=============================  =====================================================  ====================================
criterion (``constraints=``)   rate(s) per group                                      metric on hard predictions
=============================  =====================================================  ====================================
``error_rate_parity``          ``mean_{i in g} (1 - P_{i, y_i})`` (one rate)           ``accuracy_score_difference``
``true_positive_rate_parity``  ``mean_{i in g, y_i = k} P_ik``                        ``true_positive_rate_difference``
``false_positive_rate_parity`` ``mean_{i in g, y_i != k} P_ik``                       ``false_positive_rate_difference``
``equalized_odds``             both of the above                                      ``equalized_odds_difference``
``demographic_parity``         ``mean_{i in g} P_ik``                                 ``demographic_parity_difference``
=============================  =====================================================  ====================================

For K > 2 classes the metrics are the K-class differences of :mod:`skfairpareto.metrics` (the
largest over the classes of ``C`` and pairs of groups), which fairlearn lacks; for two classes
they are fairlearn's. At saturated logits every expected rate is the hard rate, so :meth:`gap`
equals the metric on the hard predictions, for any number of groups and classes; for two groups
and one rate ``sqrt(f2)`` does too. Groups (or cells, such as a group's positives) absent from a
mini-batch are left out of that batch's ``f2``; a group that lacks a cell in the whole training
data is an error (:meth:`FairnessCriterion.load_data`).

A criterion is passed to an estimator as ``constraints=``: a fairlearn name, one of these
objects, a ``fairlearn.reductions`` constraint object, or a user subclass of
:class:`FairnessCriterion` (implement :meth:`~FairnessCriterion.populations` and
:meth:`~FairnessCriterion.per_sample`, or :meth:`~FairnessCriterion.rates` directly). Nothing
here knows of text; the estimators hold the data.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np
import torch
from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import StrOptions

from .objectives import pairwise_squared_gap, per_sample_bce, per_sample_expected_error, population_means

__all__ = [
    "FairnessCriterion",
    "ErrorRateParity",
    "TruePositiveRateParity",
    "FalsePositiveRateParity",
    "EqualizedOdds",
    "DemographicParity",
    "FairnessObjectives",
    "CRITERIA",
    "GAP_LOSSES",
    "class_probabilities",
    "saturated_logits",
    "resolve_criterion",
    "resolve_objectives",
    "criterion_label",
]


def class_probabilities(logits):
    """``P(y = k | x)`` from a head's logits: ``(n,)`` of the positive class for two classes
    (one logit), ``(n, K)`` from the softmax for K classes."""
    return torch.sigmoid(logits) if logits.ndim == 1 else torch.softmax(logits, dim=1)


def saturated_logits(predictions, n_classes, dtype=torch.float64):
    """Logits whose probabilities are the hard ``predictions`` (class codes): each rate is then hard."""
    predictions = torch.as_tensor(predictions)
    if n_classes == 2:
        return (2.0 * predictions.to(dtype) - 1.0) * 1e4
    return torch.nn.functional.one_hot(predictions.long(), n_classes).to(dtype) * 1e4


class FairnessCriterion(BaseEstimator):
    """Base of the differentiable fairness criteria.

    A criterion compares ``len(rate_names_)`` rates across groups. Each rate is the mean of a
    per-sample value (:meth:`per_sample`) over one *population* of a group's samples (its
    positives, its negatives, or all of them; :meth:`populations`). Subclasses set the class
    attributes and implement those two methods; everything else -- per-group rates, ``f2``, the
    fairlearn-style :meth:`gap` and the checks -- is shared. Labels are class codes: 0/1 for
    two classes (logits of shape ``(n,)``), ``0..K-1`` for K classes (logits ``(n, K)``).

    Attributes
    ----------
    n_groups_ : int
        Number of groups, set by :meth:`load_data`.
    group_names_ : ndarray of shape (n_groups,)
        Names of the groups, for error messages.
    classes_ : ndarray of shape (n_classes,)
        The estimator's class labels (``[0, 1]`` when none were given).
    n_classes_ : int
        Number of classes.
    rate_names_ : list of str
        The rates compared, one per column of :meth:`rates`.
    """

    #: fairlearn's name of the constraint (the ``constraints=`` string); None for user criteria.
    name = None
    #: fairlearn metric that measures the criterion on hard predictions of two classes
    #: (``fairness_metric=None``); for K classes, :func:`skfairpareto.metrics.resolve_fairness_metric`
    #: gives its K-class counterpart over :meth:`metric_classes`.
    metric = None
    #: Names of the rates compared across groups (two classes), one per column of :meth:`rates`.
    rate_names = ()
    #: Whether the rates ignore the labels (demographic parity): then their values on the training
    #: data are not biased by how well a head fits those labels, and a decision threshold may be
    #: tuned there (``threshold="auto"``; docs/criteria.md, "The fair end").
    label_free = False
    #: Declared options (scikit-learn's parameter tables), checked by :func:`resolve_criterion`.
    _parameter_constraints: dict = {}

    # -- what a subclass defines -----------------------------------------------------------------

    def populations(self, y):
        """Boolean masks of shape ``(n_samples, n_rates)``: the samples each rate averages.

        Parameters
        ----------
        y : torch.Tensor of shape (n_samples,)
            Class codes.
        """
        raise NotImplementedError

    def per_sample(self, logits, y):
        """Per-sample values whose population means are the rates, shape ``(n_samples, n_rates)``.

        The default is the predicted probability of the positive class in every column.

        Parameters
        ----------
        logits : torch.Tensor of shape (n_samples,) or (n_samples, n_classes)
        y : torch.Tensor of shape (n_samples,)
        """
        return torch.sigmoid(logits)[:, None].expand(-1, len(self.rate_names_))

    def _bind_classes(self):
        """Fix the rates for ``classes_`` (subclasses whose rates are per class override it)."""
        self.rate_names_ = list(self.rate_names)

    # -- shared ----------------------------------------------------------------------------------

    def load_data(self, y, groups, *, n_groups, group_names=None, classes=None):
        """Bind the criterion to the training data's groups and classes and check every group's populations.

        Parameters
        ----------
        y : array-like of shape (n_samples,) or None
            Training labels as class codes; ``None`` binds the groups and classes without checking.
        groups : array-like of shape (n_samples,) or None
            Integer group codes in ``[0, n_groups)``.
        n_groups : int
            Number of groups.
        group_names : array-like of shape (n_groups,) or None
            Names used in error messages; default the codes.
        classes : array-like of shape (n_classes,) or None
            The class labels the codes stand for (the estimator's ``classes_``); default two
            classes, 0 and 1.

        Returns
        -------
        self

        Raises
        ------
        ValueError
            When a group has no sample in a population a rate needs (for example no positives of
            a class under ``true_positive_rate_parity``); the message names the group, the class
            and the criterion. Also when the criterion's ``classes`` names a class that is not
            among ``classes``.
        """
        if not isinstance(n_groups, Integral) or n_groups < 1:
            raise ValueError(f"n_groups must be a positive integer, got {n_groups!r}")
        self.n_groups_ = int(n_groups)
        self.group_names_ = np.asarray(range(n_groups) if group_names is None else group_names)
        self.classes_ = np.asarray([0, 1] if classes is None else classes)
        self.n_classes_ = len(self.classes_)
        self._bind_classes()
        if y is None:
            return self
        y_t = torch.as_tensor(np.asarray(y, dtype=np.int64))
        g_t = torch.as_tensor(np.asarray(groups, dtype=np.int64))
        masks = self.populations(y_t)
        counts = torch.zeros(self.n_groups_, masks.shape[1], dtype=torch.float64).index_add(
            0, g_t, masks.to(torch.float64))
        empty = (counts == 0).nonzero().tolist()
        if empty:
            g, r = empty[0]
            names = self.group_names_.tolist()
            listing = ", ".join(f"{names[g]!r} ({self._population_name(r)})" for g, r in empty)
            raise ValueError(
                f"constraints={self._label()!r} compares the groups' {self.rate_names_[r]}, but "
                f"group(s) {listing} have no such samples in the training data; choose another "
                "criterion or classes, or merge or drop those groups"
            )
        return self

    def metric_criterion(self):
        """The criterion whose expected rates are those its metric compares.

        Its :meth:`gap` on hard (or expected) predictions is that metric: how the benchmark and
        the selection score models whatever surrogate options trained them. The default is a
        fresh copy of this criterion with the same options.
        """
        from sklearn.base import clone

        return clone(self)

    def metric_classes(self):
        """The classes the criterion's metric compares (None: every class), once bound."""
        return None

    def _label(self):
        return self.name or type(self).__name__

    def _population_name(self, column):
        return "no samples"

    def _check_bound(self):
        if not hasattr(self, "n_groups_"):
            raise RuntimeError(f"{type(self).__name__}.load_data(...) must be called first")

    def rates(self, logits, y, groups):
        """Per-group rates and a mask of those present, both of shape ``(n_groups, n_rates)``.

        Parameters
        ----------
        logits : torch.Tensor of shape (n_samples,) or (n_samples, n_classes)
        y, groups : torch.Tensor of shape (n_samples,)
            Class codes and integer group codes.
        """
        self._check_bound()
        return population_means(self.per_sample(logits, y), self.populations(y), groups, self.n_groups_)

    def f2(self, logits, y, groups):
        """The fairness objective: summed over rates, the mean squared pairwise group gap."""
        rates, present = self.rates(logits, y, groups)
        return pairwise_squared_gap(rates, present).sum()

    def f1(self, logits, y):
        """The accuracy objective: the mean cross-entropy (binary from one logit, else categorical)."""
        if logits.ndim == 1:
            return per_sample_bce(logits, y.to(logits.dtype)).mean()
        return torch.nn.functional.cross_entropy(logits, y.long())

    def objectives(self, logits, y, groups):
        """``torch.stack([f1, f2])`` for a batch: f1 the mean cross-entropy, f2 :meth:`f2`."""
        if logits.ndim == 1:
            y = y.to(logits.dtype)
        return torch.stack([self.f1(logits, y), self.f2(logits, y, groups)])

    def gap(self, logits, y, groups):
        """fairlearn-style difference: the largest, over rates, of max minus min over groups.

        At saturated logits it equals the criterion's metric on the hard predictions; on
        probabilities (``logits = logit(p)``) it is the difference of expected rates, how a
        randomised classifier is scored.
        """
        with torch.no_grad():
            if logits.ndim == 1:
                y = y.to(logits.dtype)
            rates, present = self.rates(logits, y, groups)
            hi = torch.where(present, rates, torch.full_like(rates, -np.inf)).max(0).values
            lo = torch.where(present, rates, torch.full_like(rates, np.inf)).min(0).values
            spread = torch.where(present.sum(0) > 1, hi - lo, torch.zeros_like(hi))
        return float(spread.max())


GAP_LOSSES = ("expected_error", "bce")


class ErrorRateParity(FairnessCriterion):
    """Equal error rates (accuracy parity) across groups -- fairlearn's ``ErrorRateParity``.

    Parameters
    ----------
    gap_loss : {"expected_error", "bce"}, default="expected_error"
        Per-sample loss whose group means are compared: the expected error ``1 - P(y | x)``
        (whose group means are the expected error rates, so its gap is the accuracy gap at
        saturated logits), or the cross-entropy, the CBA seed paper's Eq. 4, whose gap does not
        equalise accuracy (kept for the reproduction; docs/criteria.md).
    class_balanced : bool, default=False
        Average each group's classes with equal weight (balanced-accuracy parity, the seed
        paper's other reading); needs every class in every group.

    Examples
    --------
    >>> import torch
    >>> from skfairpareto.criteria import ErrorRateParity
    >>> crit = ErrorRateParity().load_data(None, None, n_groups=2)
    >>> logits = torch.tensor([10.0, -10.0, 10.0, 10.0])   # group 1 errs once in two
    >>> round(crit.gap(logits, torch.tensor([1.0, 0.0, 1.0, 0.0]), torch.tensor([0, 0, 1, 1])), 3)
    0.5
    """

    name = "error_rate_parity"
    metric = "accuracy_score_difference"
    rate_names = ("error rate",)

    def __init__(self, *, gap_loss="expected_error", class_balanced=False):
        self.gap_loss = gap_loss
        self.class_balanced = class_balanced

    _parameter_constraints: dict = {"gap_loss": [StrOptions(set(GAP_LOSSES))], "class_balanced": ["boolean"]}

    def load_data(self, y, groups, *, n_groups, group_names=None, classes=None):
        super().load_data(y, groups, n_groups=n_groups, group_names=group_names, classes=classes)
        if self.class_balanced and y is not None:
            y, groups = np.asarray(y), np.asarray(groups)
            names = self.group_names_.tolist()
            single = [names[g] for g in range(self.n_groups_) if len(np.unique(y[groups == g])) < self.n_classes_]
            if single:
                raise ValueError(
                    f"constraints={self.name!r} with class_balanced=True needs every class in every "
                    f"group; group(s) {single} lack one (a single label value)"
                )
        return self

    def metric_criterion(self):
        # accuracy_score_difference compares plain error rates, whatever the surrogate trains on.
        return ErrorRateParity()

    def populations(self, y):
        return torch.ones(len(y), 1, dtype=torch.bool, device=y.device)

    def per_sample(self, logits, y):
        if self.gap_loss == "bce":
            if logits.ndim == 1:
                return per_sample_bce(logits, y)[:, None]
            return torch.nn.functional.cross_entropy(logits, y.long(), reduction="none")[:, None]
        if logits.ndim == 1:
            return per_sample_expected_error(logits, y)[:, None]
        return (1.0 - torch.softmax(logits, dim=1).gather(1, y.long()[:, None]))

    def rates(self, logits, y, groups):
        if not self.class_balanced:
            return super().rates(logits, y, groups)
        # The mean over a group's classes (those present) of their mean values, one rate.
        self._check_bound()
        values = self.per_sample(logits, y)[:, 0]
        cells = torch.stack([y == k for k in range(self.n_classes_)], dim=1)
        means, present = population_means(values[:, None].expand(-1, self.n_classes_), cells, groups,
                                           self.n_groups_)
        n_cells = present.sum(1)
        rate = (means * present.to(means.dtype)).sum(1) / n_cells.clamp_min(1)
        return rate[:, None], (n_cells > 0)[:, None]


_RATE_NAMES = {"positives": "true positive rate", "negatives": "false positive rate", "all": "selection rate"}
_MISSING = {"positives": "no positives", "negatives": "no negatives", "all": "no samples"}


class _RateParity(FairnessCriterion):
    """Criteria whose rates are mean predicted probabilities of a class over label populations.

    One rate per population kind (``_kinds``: ``"positives"`` of the class, ``"negatives"`` of
    it, ``"all"`` samples) and per class of ``classes``.
    """

    _kinds = ()
    _parameter_constraints: dict = {"classes": ["array-like", None]}

    def __init__(self, *, classes=None):
        self.classes = classes

    def _bind_classes(self):
        labels = self.classes_.tolist()
        if self.classes is None:
            codes = [1] if self.n_classes_ == 2 else list(range(self.n_classes_))
        else:
            wanted = list(np.atleast_1d(np.asarray(self.classes, dtype=object)))
            unknown = [c for c in wanted if c not in labels]
            if unknown or not wanted:
                raise ValueError(
                    f"constraints={self._label()!r} is restricted to classes {wanted}, but "
                    f"{unknown or 'none'} {'is' if len(unknown) == 1 else 'are'} not among the classes "
                    f"{labels} of y"
                )
            codes = sorted({labels.index(c) for c in wanted})
        self.class_codes_ = codes
        self.columns_ = [(kind, k) for kind in self._kinds for k in codes]
        binary = self.n_classes_ == 2 and codes == [1]
        self.rate_names_ = [_RATE_NAMES[kind] + ("" if binary else f" of class {labels[k]!r}")
                            for kind, k in self.columns_]

    def metric_classes(self):
        return [self.classes_.tolist()[k] for k in self.class_codes_]

    def _population_name(self, column):
        kind, k = self.columns_[column]
        binary = self.n_classes_ == 2 and self.class_codes_ == [1]
        return _MISSING[kind] + ("" if binary or kind == "all" else f" of class {self.classes_.tolist()[k]!r}")

    def populations(self, y):
        cols = [torch.ones_like(y, dtype=torch.bool) if kind == "all" else (y == k) if kind == "positives" else (y != k)
                for kind, k in self.columns_]
        return torch.stack(cols, dim=1)

    def per_sample(self, logits, y):
        p = class_probabilities(logits)
        if logits.ndim == 1:
            cols = [p if k == 1 else 1.0 - p for _, k in self.columns_]
        else:
            cols = [p[:, k] for _, k in self.columns_]
        return torch.stack(cols, dim=1)


class TruePositiveRateParity(_RateParity):
    """Equal true-positive rates (equal opportunity) -- fairlearn's ``TruePositiveRateParity``.

    For K classes, equal recall ``P(y_hat = k | y = k, g)`` of every class in ``classes``. Every
    group needs positives of those classes.

    Parameters
    ----------
    classes : array-like or None, default=None
        The classes whose rates are compared (labels, as in ``y``); ``None``: every class for
        K > 2 classes, the positive class (``classes_[1]``) for two.
    """

    name = "true_positive_rate_parity"
    metric = "true_positive_rate_difference"
    rate_names = ("true positive rate",)
    _kinds = ("positives",)


class FalsePositiveRateParity(_RateParity):
    """Equal false-positive rates -- fairlearn's ``FalsePositiveRateParity``.

    About the harm of wrongly flagging a group's negatives; for K classes,
    ``P(y_hat = k | y != k, g)`` for every class in ``classes`` (restrict them to the harmful
    ones, e.g. ``classes=["hate", "offensive"]``). Every group needs negatives of those classes.

    Parameters
    ----------
    classes : array-like or None, default=None
        The classes whose rates are compared (labels, as in ``y``); ``None``: every class for
        K > 2 classes, the positive class (``classes_[1]``) for two.
    """

    name = "false_positive_rate_parity"
    metric = "false_positive_rate_difference"
    rate_names = ("false positive rate",)
    _kinds = ("negatives",)


class EqualizedOdds(_RateParity):
    """Equal true- and false-positive rates -- fairlearn's ``EqualizedOdds``.

    ``f2`` is the sum of the TPR and FPR terms; :meth:`gap` the larger of the two differences,
    fairlearn's ``equalized_odds_difference`` (for K classes, over every class in ``classes``).
    Every group needs positives and negatives of those classes.

    Parameters
    ----------
    classes : array-like or None, default=None
        The classes whose rates are compared (labels, as in ``y``); ``None``: every class for
        K > 2 classes, the positive class (``classes_[1]``) for two.
    """

    name = "equalized_odds"
    metric = "equalized_odds_difference"
    rate_names = ("true positive rate", "false positive rate")
    _kinds = ("positives", "negatives")


class DemographicParity(_RateParity):
    """Equal selection rates -- fairlearn's ``DemographicParity``.

    For K classes, ``P(y_hat = k | g)`` for every class in ``classes``.

    Parameters
    ----------
    classes : array-like or None, default=None
        The classes whose rates are compared (labels, as in ``y``); ``None``: every class for
        K > 2 classes, the positive class (``classes_[1]``) for two.
    """

    name = "demographic_parity"
    metric = "demographic_parity_difference"
    rate_names = ("selection rate",)
    label_free = True
    _kinds = ("all",)


class FairnessObjectives:
    """Several fairness objectives beside the accuracy one: a front over ``1 + len(criteria)`` objectives.

    One objective per criterion of ``constraints`` (and per sensitive column with
    ``sensitive_objectives="per_column"``), each a bound :class:`FairnessCriterion` with the groups
    it compares. ``objectives`` stacks ``f1`` and every criterion's ``f2`` (each on its own
    groups), so a solver sees one vector of ``m`` objectives, as with a single criterion (``m =
    2``). Groups arrive as the joint (intersectional) codes; a per-column criterion reads its own
    column's code of each joint group from ``table``.

    Parameters
    ----------
    criteria : list of FairnessCriterion
        Bound criteria, one per fairness objective.
    columns : list of int or None
        Per criterion, the sensitive column it compares (an index into ``table``), or ``None``
        for the joint groups.
    table : ndarray of shape (n_groups, n_columns) or None
        Each joint group's code in every column.
    names : list of str
        The fairness objectives' names (``gap[...]``).
    column_names : list of str or None
        The sensitive columns' names (per-column objectives).
    """

    def __init__(self, criteria, columns, table, names, column_names=None):
        self.criteria, self.columns, self.table, self.names = list(criteria), list(columns), table, list(names)
        self.column_names = column_names
        self._tables = {}

    @property
    def n_objectives(self):
        return 1 + len(self.criteria)

    @property
    def n_classes_(self):
        return self.criteria[0].n_classes_

    @property
    def label_free(self):
        return all(c.label_free for c in self.criteria)

    def codes(self, groups, j):
        """The group codes criterion ``j`` compares, from the joint codes ``groups``."""
        if self.columns[j] is None:
            return groups
        if isinstance(groups, np.ndarray):
            return self.table[groups, self.columns[j]]
        key = str(groups.device)
        if key not in self._tables:
            self._tables[key] = torch.as_tensor(self.table, device=groups.device)
        return self._tables[key][groups, self.columns[j]]

    def objectives(self, logits, y, groups):
        """``torch.stack([f1, f2_1, ..., f2_{m-1}])`` for a batch."""
        if logits.ndim == 1:
            y = y.to(logits.dtype)
        gaps = [c.f2(logits, y, self.codes(groups, j)) for j, c in enumerate(self.criteria)]
        return torch.stack([self.criteria[0].f1(logits, y), *gaps])

    def metric_criteria(self):
        """Every criterion's :meth:`~FairnessCriterion.metric_criterion`, bound alike."""
        out = []
        for c in self.criteria:
            m = c.metric_criterion().load_data(None, None, n_groups=c.n_groups_, group_names=c.group_names_,
                                               classes=c.classes_)
            out.append(m)
        return out

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_tables"] = {}  # device copies are rebuilt on demand
        return state


def criterion_label(criterion):
    """A criterion's name in objective names: its ``constraints`` name, with its non-default options."""
    defaults = type(criterion)().get_params() if criterion.name else {}
    options = {k: v for k, v in criterion.get_params().items() if defaults.get(k, object()) != v}
    base = criterion.name or type(criterion).__name__
    return base + ("" if not options else "(" + ", ".join(f"{k}={v!r}" for k, v in sorted(options.items())) + ")")


CRITERIA = {c.name: c for c in (ErrorRateParity, TruePositiveRateParity, FalsePositiveRateParity,
                                EqualizedOdds, DemographicParity)}
# fairlearn.reductions class name -> criterion name (the classes are named alike).
_FAIRLEARN_NAMES = {cls.__name__: name for name, cls in CRITERIA.items()}


def resolve_objectives(constraints):
    """Fresh, unbound criteria from a ``constraints`` value: one, or a list of them.

    Parameters
    ----------
    constraints : str, criterion object, fairlearn constraint, or a list of those
        Each item as :func:`resolve_criterion` takes it; a list gives one fairness objective per
        item (docs/criteria.md, "More than one fairness objective").

    Returns
    -------
    list of FairnessCriterion

    Raises
    ------
    ValueError
        For an empty list, an unknown item (named, with its position), or the same criterion twice.

    Examples
    --------
    >>> from skfairpareto.criteria import resolve_objectives
    >>> [c.name for c in resolve_objectives(["true_positive_rate_parity", "false_positive_rate_parity"])]
    ['true_positive_rate_parity', 'false_positive_rate_parity']
    """
    items = list(constraints) if isinstance(constraints, (list, tuple)) else [constraints]
    if not items:
        raise ValueError("constraints is an empty list; name at least one fairness criterion")
    criteria = []
    for position, item in enumerate(items):
        try:
            criteria.append(resolve_criterion(item))
        except ValueError as exc:
            raise ValueError(f"constraints[{position}]: {exc}") from None
    labels = [criterion_label(c) for c in criteria]
    twice = sorted({label for label in labels if labels.count(label) > 1})
    if twice:
        raise ValueError(f"constraints names the same criterion twice: {twice}; each fairness objective once")
    return criteria


def resolve_criterion(constraints):
    """A fresh, unbound criterion object from a ``constraints`` value.

    Parameters
    ----------
    constraints : str, FairnessCriterion or fairlearn.reductions constraint
        A name of :data:`CRITERIA`, a criterion object (cloned, so the caller's object is never
        bound to data), or one of fairlearn's ``ErrorRateParity``, ``TruePositiveRateParity``,
        ``FalsePositiveRateParity``, ``EqualizedOdds`` or ``DemographicParity`` objects. A
        fairlearn object's bounds are not used: a front spans every trade-off (deploy a bounded
        member with ``selection={"max_gap": bound}``).

    Returns
    -------
    FairnessCriterion

    Examples
    --------
    >>> from fairlearn.reductions import TruePositiveRateParity
    >>> from skfairpareto.criteria import resolve_criterion
    >>> resolve_criterion(TruePositiveRateParity()).name
    'true_positive_rate_parity'
    """
    from sklearn.base import clone

    if isinstance(constraints, str):
        if constraints not in CRITERIA:
            raise ValueError(
                f"unknown constraints {constraints!r}; use one of {sorted(CRITERIA)}, a fairlearn "
                "constraint object or a skfairpareto.criteria.FairnessCriterion"
            )
        return CRITERIA[constraints]()
    if isinstance(constraints, FairnessCriterion):
        crit = clone(constraints)
        crit._validate_params()  # its options fail here, before any data work
        return crit
    for cls in type(constraints).__mro__:
        if cls.__module__.startswith("fairlearn.") and cls.__name__ in _FAIRLEARN_NAMES:
            return CRITERIA[_FAIRLEARN_NAMES[cls.__name__]]()
    raise ValueError(
        f"constraints must be one of {sorted(CRITERIA)}, a matching fairlearn.reductions object or a "
        f"FairnessCriterion, got {constraints!r} of type {type(constraints).__name__}"
    )

"""The built-in criteria, one per fairlearn constraint."""

from __future__ import annotations

import numpy as np
import torch
from sklearn.utils._param_validation import StrOptions

from ..objectives import per_sample_bce, per_sample_expected_error, population_means
from ._base import FairnessCriterion, class_probabilities


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

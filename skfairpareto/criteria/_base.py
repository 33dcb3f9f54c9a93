"""The base of every fairness criterion, and the torch helpers that turn logits into class probabilities."""

from __future__ import annotations

from numbers import Integral

import numpy as np
import torch
from sklearn.base import BaseEstimator

from ..objectives import pairwise_squared_gap, per_sample_bce, population_means


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

        The default is the predicted probability of the positive class in every column, which
        only a one-logit (two-class) head has: a criterion for K classes implements its own.

        Parameters
        ----------
        logits : torch.Tensor of shape (n_samples,) or (n_samples, n_classes)
        y : torch.Tensor of shape (n_samples,)
        """
        if logits.ndim != 1:
            raise ValueError(
                f"{type(self).__name__} uses FairnessCriterion.per_sample's default, the positive-class "
                f"probability of a two-class head, but the head has {logits.shape[1]} classes; implement "
                "per_sample(logits, y) for K classes (or rates directly)"
            )
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

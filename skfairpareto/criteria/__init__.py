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

from ._base import FairnessCriterion, class_probabilities, saturated_logits
from ._builtin import (
    GAP_LOSSES,
    DemographicParity,
    EqualizedOdds,
    ErrorRateParity,
    FalsePositiveRateParity,
    TruePositiveRateParity,
)
from ._hard import HardObjectives
from ._objectives import FairnessObjectives
from ._registry import CRITERIA, criterion_label, resolve_criterion, resolve_objectives

__all__ = [
    "FairnessCriterion",
    "ErrorRateParity",
    "TruePositiveRateParity",
    "FalsePositiveRateParity",
    "EqualizedOdds",
    "DemographicParity",
    "FairnessObjectives",
    "HardObjectives",
    "CRITERIA",
    "GAP_LOSSES",
    "class_probabilities",
    "saturated_logits",
    "resolve_criterion",
    "resolve_objectives",
    "criterion_label",
]

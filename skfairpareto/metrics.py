"""Evaluation metrics of fronts: fairlearn's group metrics and pymoo's hypervolume."""

from __future__ import annotations

import numpy as np
from fairlearn import metrics as fm


def accuracy_gap(y_true, y_pred, *, sensitive_features):
    """Largest difference in accuracy between groups (fairlearn ``accuracy_score_difference``)."""
    return fm.accuracy_score_difference(y_true, y_pred, sensitive_features=sensitive_features)


_ALIASES = {"accuracy_gap": accuracy_gap, "accuracy_score_difference": accuracy_gap}


def resolve_fairness_metric(metric, criterion=None):
    """A fairness metric ``f(y_true, y_pred, *, sensitive_features) -> float`` from a name or callable.

    Names: ``"accuracy_gap"`` (= ``"accuracy_score_difference"``), or any of fairlearn's
    ``*_difference`` / ``*_ratio`` metrics, e.g. ``"true_positive_rate_difference"`` (FaPareto's
    ΔTPR), ``"equalized_odds_difference"``, ``"demographic_parity_difference"``. Lower is
    fairer, so ratios (higher is fairer) are turned into ``1 - ratio``. ``None`` is the fairlearn
    metric of ``criterion`` (a :class:`~skfairpareto.criteria.FairnessCriterion`): what it trains
    for is what is measured.
    """
    if metric is None:
        if criterion is None or criterion.metric is None:
            name = "" if criterion is None else f" ({type(criterion).__name__} names none)"
            raise ValueError(f"fairness_metric=None needs a criterion with a fairlearn metric{name}; "
                             "pass fairness_metric explicitly")
        metric = criterion.metric
    if callable(metric):
        return metric
    if metric in _ALIASES:
        return _ALIASES[metric]
    names = sorted(n for n in dir(fm) if n.endswith(("_difference", "_ratio")))
    if metric not in names:
        raise ValueError(
            f"unknown fairness_metric {metric!r}; use a callable or one of "
            f"{sorted(_ALIASES) + [n for n in names if n not in _ALIASES]}"
        )
    fn = getattr(fm, metric)
    if metric.endswith("_ratio"):
        def one_minus_ratio(y_true, y_pred, *, sensitive_features):
            return 1.0 - fn(y_true, y_pred, sensitive_features=sensitive_features)

        one_minus_ratio.__name__ = f"1 - {metric}"
        return one_minus_ratio
    return fn


def evaluate_predictions(y_true, y_pred, groups, fairness_metric, pos_label=None):
    """Error, accuracy of each group and the fairness metric (``unfairness``) of predictions.

    With ``pos_label`` the fairness metric sees 0/1 labels (1 = ``pos_label``), so fairlearn's
    rate metrics (true positive rate, selection rate) work for any two label values.
    """
    y_true, y_pred, groups = np.asarray(y_true), np.asarray(y_pred), np.asarray(groups)
    correct = y_true == y_pred
    out = {"error": 1.0 - correct.mean()}
    for g in np.unique(groups):
        out[f"accuracy_{g}"] = correct[groups == g].mean()
    if pos_label is not None:
        y_true, y_pred = (y_true == pos_label).astype(int), (y_pred == pos_label).astype(int)
    out["unfairness"] = float(fairness_metric(y_true, y_pred, sensitive_features=groups))
    return out


def pareto_mask(points):
    """Boolean mask of the rows of ``points`` (to minimise) that no other row dominates (pymoo)."""
    from pymoo.util.nds.non_dominated_sorting import NonDominatedSorting

    points = np.asarray(points, dtype=float)
    mask = np.zeros(len(points), dtype=bool)
    if len(points):
        mask[NonDominatedSorting().do(points, only_non_dominated_front=True)] = True
    return mask


def hypervolume(points, reference_point):
    """Hypervolume dominated by ``points`` (minimised) up to ``reference_point`` (pymoo HV).

    Examples
    --------
    >>> round(hypervolume([[0.1, 0.05]], (0.15, 0.10)), 6)
    0.0025
    """
    from pymoo.indicators.hv import HV

    points = np.atleast_2d(np.asarray(points, dtype=float))
    ref = np.asarray(reference_point, dtype=float)
    inside = points[np.all(points < ref, axis=1)]
    if len(inside) == 0:
        return 0.0
    return float(HV(ref_point=ref)(inside))

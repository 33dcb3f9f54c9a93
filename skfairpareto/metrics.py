"""Evaluation metrics of fronts: fairlearn's group metrics and pymoo's hypervolume."""

from __future__ import annotations

import numpy as np
from fairlearn import metrics as fm

from .solvers.pareto import hypervolume, pareto_mask  # noqa: F401 - part of this module's API


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
    """Error, accuracy of each group and the fairness metric (``gap``) of predictions.

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
    out["gap"] = float(fairness_metric(y_true, y_pred, sensitive_features=groups))
    return out


class GroupScorer:
    """A scorer that hands ``sensitive_features`` to its metric and, where asked, to ``predict``.

    scikit-learn's ``make_scorer(...).set_score_request(sensitive_features=True)`` gives the
    groups to the metric only; a group-aware model (``group_aware=True``) also needs them to
    predict. This scorer passes them to ``estimator.predict`` when the estimator requests them
    (skfairpareto's estimators do by default; others with ``set_predict_request``), so one
    scorer serves group-blind and group-aware models in ``GridSearchCV`` and ``cross_validate``
    (with ``sklearn.set_config(enable_metadata_routing=True)``). Make one with
    :func:`make_group_scorer`.
    """

    def __init__(self, score_func, sign, kwargs):
        self.score_func, self.sign, self.kwargs = score_func, sign, kwargs

    def __call__(self, estimator, X, y_true, sensitive_features=None):
        from sklearn.utils.metadata_routing import get_routing_for_object

        if sensitive_features is None:
            raise ValueError("this scorer needs sensitive_features (route them to it)")
        wanted = get_routing_for_object(estimator).consumes("predict", ["sensitive_features"])
        y_pred = estimator.predict(X, sensitive_features=sensitive_features) if wanted else estimator.predict(X)
        return self.sign * self.score_func(y_true, y_pred, sensitive_features=sensitive_features, **self.kwargs)

    def get_metadata_routing(self):
        """It consumes ``sensitive_features`` when scoring."""
        from sklearn.utils.metadata_routing import MetadataRequest

        request = MetadataRequest(owner=type(self).__name__)
        request.score.add_request(param="sensitive_features", alias=True)
        return request


def make_group_scorer(score_func, *, greater_is_better=True, **kwargs):
    """A :class:`GroupScorer` from a metric ``score_func(y_true, y_pred, *, sensitive_features, **kwargs)``.

    Parameters
    ----------
    score_func : callable
        The metric, for example fairlearn's ``equalized_odds_difference``.
    greater_is_better : bool, default=True
        ``False`` negates the metric, as scikit-learn's ``make_scorer`` does.
    **kwargs
        Further arguments of ``score_func``.

    Returns
    -------
    GroupScorer

    Examples
    --------
    >>> from fairlearn.metrics import equalized_odds_difference
    >>> from skfairpareto.metrics import make_group_scorer
    >>> scorer = make_group_scorer(equalized_odds_difference, greater_is_better=False)
    """
    return GroupScorer(score_func, 1 if greater_is_better else -1, kwargs)

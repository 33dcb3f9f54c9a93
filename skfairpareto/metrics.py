"""Evaluation metrics of fronts: fairlearn's group metrics and pymoo's hypervolume."""

from __future__ import annotations

import numpy as np
from fairlearn import metrics as fm

from .solvers.pareto import hypervolume, pareto_mask  # noqa: F401 - part of this module's API

__all__ = [
    "hypervolume",
    "pareto_mask",
    "accuracy_gap",
    "evaluate_predictions",
    "resolve_fairness_metric",
    "multiclass_true_positive_rate_difference",
    "multiclass_false_positive_rate_difference",
    "multiclass_equalized_odds_difference",
    "multiclass_demographic_parity_difference",
    "multiclass_metric",
    "MULTICLASS_METRICS",
    "GroupScorer",
    "make_group_scorer",
]


def _class_rates(y_true, y_pred, groups, classes, kind):
    """Per group (rows) and class (columns): P(y_pred = k | y_true = k) ("tpr"), P(y_pred = k |
    y_true != k) ("fpr") or P(y_pred = k) ("selection"); NaN where a group has no such samples."""
    y_true, y_pred, groups = np.asarray(y_true), np.asarray(y_pred), np.asarray(groups)
    if not (len(y_true) == len(y_pred) == len(groups)):
        raise ValueError(f"y_true, y_pred and sensitive_features differ in length: {len(y_true)}, "
                         f"{len(y_pred)}, {len(groups)}")
    if classes is None:
        classes = np.unique(np.concatenate([y_true, y_pred]))
    names = np.unique(groups)
    rates = np.full((len(names), len(classes)), np.nan)
    for i, g in enumerate(names):
        in_g = groups == g
        for j, k in enumerate(classes):
            cell = in_g & (y_true == k) if kind == "tpr" else in_g & (y_true != k) if kind == "fpr" else in_g
            if cell.any():
                rates[i, j] = np.mean(y_pred[cell] == k)
    return rates


def _largest_difference(rates):
    """Largest, over the columns, of max minus min over the groups with a rate (0 where < 2 have one)."""
    spread = [np.nanmax(col) - np.nanmin(col) for col in rates.T if np.sum(~np.isnan(col)) > 1]
    return float(max(spread, default=0.0))


def multiclass_true_positive_rate_difference(y_true, y_pred, *, sensitive_features, classes=None):
    """Largest difference between groups of a class's recall ``P(y_hat = k | y = k, g)``, over ``classes``.

    The K-class counterpart of fairlearn's ``true_positive_rate_difference`` (one-vs-rest, as
    Putzel & Lee define it); ``classes=[positive]`` on two classes is fairlearn's. ``classes``
    defaults to every label in ``y_true`` or ``y_pred``. A group with no sample of a class is
    left out of that class's comparison.

    Examples
    --------
    >>> from skfairpareto.metrics import multiclass_true_positive_rate_difference
    >>> y = ["hate", "hate", "ok", "ok", "hate", "ok"]
    >>> pred = ["hate", "ok", "ok", "ok", "hate", "hate"]
    >>> multiclass_true_positive_rate_difference(y, pred, sensitive_features=[0, 0, 0, 1, 1, 1])
    0.5
    """
    return _largest_difference(_class_rates(y_true, y_pred, sensitive_features, classes, "tpr"))


def multiclass_false_positive_rate_difference(y_true, y_pred, *, sensitive_features, classes=None):
    """Largest difference between groups of ``P(y_hat = k | y != k, g)``, over ``classes``.

    The K-class counterpart of fairlearn's ``false_positive_rate_difference`` (one-vs-rest).

    Examples
    --------
    >>> from skfairpareto.metrics import multiclass_false_positive_rate_difference
    >>> y = ["a", "b", "c", "a", "b", "c"]
    >>> pred = ["a", "a", "c", "a", "b", "c"]
    >>> multiclass_false_positive_rate_difference(y, pred, sensitive_features=[0, 0, 0, 1, 1, 1], classes=["a"])
    0.5
    """
    return _largest_difference(_class_rates(y_true, y_pred, sensitive_features, classes, "fpr"))


def multiclass_equalized_odds_difference(y_true, y_pred, *, sensitive_features, classes=None):
    """The larger of :func:`multiclass_true_positive_rate_difference` and
    :func:`multiclass_false_positive_rate_difference` (fairlearn's ``equalized_odds_difference``
    for K classes).

    Examples
    --------
    >>> from skfairpareto.metrics import multiclass_equalized_odds_difference
    >>> multiclass_equalized_odds_difference([0, 1, 2, 0, 1, 2], [0, 1, 2, 0, 2, 2],
    ...                                      sensitive_features=[0, 0, 0, 1, 1, 1])
    1.0
    """
    return max(multiclass_true_positive_rate_difference(y_true, y_pred, sensitive_features=sensitive_features,
                                                        classes=classes),
               multiclass_false_positive_rate_difference(y_true, y_pred, sensitive_features=sensitive_features,
                                                         classes=classes))


def multiclass_demographic_parity_difference(y_true, y_pred, *, sensitive_features, classes=None):
    """Largest difference between groups of a class's selection rate ``P(y_hat = k | g)``, over ``classes``.

    The K-class counterpart of fairlearn's ``demographic_parity_difference``.

    Examples
    --------
    >>> from skfairpareto.metrics import multiclass_demographic_parity_difference
    >>> multiclass_demographic_parity_difference([0, 0, 0, 0], [0, 1, 0, 2], sensitive_features=["a", "a", "b", "b"])
    0.5
    """
    return _largest_difference(_class_rates(y_true, y_pred, sensitive_features, classes, "selection"))


MULTICLASS_METRICS = {
    "accuracy_score_difference": None,  # fairlearn's holds for any number of classes
    "true_positive_rate_difference": multiclass_true_positive_rate_difference,
    "false_positive_rate_difference": multiclass_false_positive_rate_difference,
    "equalized_odds_difference": multiclass_equalized_odds_difference,
    "demographic_parity_difference": multiclass_demographic_parity_difference,
}


def multiclass_metric(name, classes=None):
    """The K-class metric for fairlearn's binary metric ``name``, over ``classes`` (a callable
    with fairlearn's signature, named after it)."""
    import functools

    if name not in MULTICLASS_METRICS:
        raise ValueError(f"{name!r} has no K-class counterpart here; pass a fairness_metric callable that takes "
                         "K-class labels")
    fn = MULTICLASS_METRICS[name]
    if fn is None:
        return getattr(fm, name)
    if classes is None:
        return fn
    bound = functools.partial(fn, classes=list(classes))
    bound.__name__ = f"{fn.__name__}[{', '.join(map(str, classes))}]"
    return bound


def accuracy_gap(y_true, y_pred, *, sensitive_features):
    """Largest difference in accuracy between groups (fairlearn ``accuracy_score_difference``)."""
    return fm.accuracy_score_difference(y_true, y_pred, sensitive_features=sensitive_features)


_ALIASES = {"accuracy_gap": accuracy_gap, "accuracy_score_difference": accuracy_gap}


def resolve_fairness_metric(metric, criterion=None):
    """A fairness metric ``f(y_true, y_pred, *, sensitive_features) -> float`` from a name or callable.

    Names: ``"accuracy_gap"`` (= ``"accuracy_score_difference"``), or any of fairlearn's
    ``*_difference`` / ``*_ratio`` metrics, e.g. ``"true_positive_rate_difference"`` (FaPareto's
    ΔTPR), ``"equalized_odds_difference"``, ``"demographic_parity_difference"``, or one of the
    K-class metrics here (``"multiclass_true_positive_rate_difference"``, ...). Lower is
    fairer, so ratios (higher is fairer) are turned into ``1 - ratio``. ``None`` is the metric
    of ``criterion`` (a :class:`~skfairpareto.criteria.FairnessCriterion`; for K classes, bound
    to its classes, :meth:`~skfairpareto.criteria.FairnessCriterion.metric_classes`): what it
    trains for is what is measured.
    """
    if metric is None:
        metric = None if criterion is None else criterion.metric
        if metric is not None and getattr(criterion, "n_classes_", 2) > 2:
            return multiclass_metric(metric, criterion.metric_classes())
        if metric is None:
            name = "" if criterion is None else f" ({type(criterion).__name__} names none)"
            raise ValueError(f"fairness_metric=None needs a criterion with a fairlearn metric{name}; "
                             "pass fairness_metric explicitly")
    if callable(metric):
        return metric
    if metric in _ALIASES:
        return _ALIASES[metric]
    if metric in globals() and metric.startswith("multiclass_"):
        return globals()[metric]
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

    With ``pos_label`` (two classes) the fairness metric sees 0/1 labels (1 = ``pos_label``), so
    fairlearn's rate metrics (true positive rate, selection rate) work for any two label values;
    without it, the labels as they are (K classes).
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

"""What every classifier of this package shares: tags, metadata requests and head prediction.

:class:`~skfairpareto.CBAClassifier` (and so every front member) predicts with
:class:`HeadClassifierMixin`; the front estimators delegate to their selected member and share
the tags and the metadata requests. Nothing here knows of fronts or solvers.
"""

from __future__ import annotations

import numpy as np
import torch
from scipy.special import expit, softmax
from sklearn.utils.validation import check_is_fitted

from ._utils import release_pages
from ._validation import check_sensitive_features, validate_features
from .criteria import FairnessObjectives, saturated_logits

#: Rows evaluated at once at prediction time: memory beyond the output stays bounded on large or
#: memory-mapped inputs (and on wide MLP heads).
PREDICT_BATCH_SIZE = 8192


class GroupRequestsMixin:
    """Prediction-time ``sensitive_features``, requested by default under metadata routing.

    A group-blind model ignores them, and otherwise every routed ``cross_validate`` or search
    would have to unset the request by hand; a group-aware one needs them.
    """

    __metadata_request__predict = {"sensitive_features": True}
    __metadata_request__predict_proba = {"sensitive_features": True}
    __metadata_request__decision_function = {"sensitive_features": True}
    __metadata_request__score = {"sensitive_features": True}


def require_groups(estimator, sensitive_features):
    """Raise when a group-aware ``estimator`` is asked to predict without the groups."""
    if estimator.group_aware and sensitive_features is None:
        raise ValueError(
            f"this {type(estimator).__name__} is group-aware (group_aware=True): pass "
            "sensitive_features=... to predict, predict_proba, decision_function and score (in a "
            "Pipeline or search with metadata routing, route them: they are requested by default)"
        )


class ClassifierTags:
    """Tags of every estimator here: any number of classes, deterministic when seeded."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = True
        tags.non_deterministic = self.random_state is None
        return tags


def head_logits(module, X, groups=None):
    """A head's logits on ``X`` in float64, streamed in fixed row blocks.

    Prediction runs a float64 copy of the fitted float32 weights on the float32 features (both
    widened exactly). A float32 matrix product sums in an order that depends on the batch's size
    and on the CPU's kernel (AVX2, AVX-512, the default one), so one row's logit could change in
    its last bits with the rows around it; in float64 those differences sit near 1e-16, so a row's
    prediction does not depend on its batch, and hard predictions flip only for logits within
    about 1e-15 of the threshold. Cost: docs/reliability.md.
    """
    was_training = module.training
    module.eval()
    weights = {name: t.double() for name, t in (*module.named_parameters(), *module.named_buffers())}
    device = next(iter(weights.values())).device if weights else torch.device("cpu")
    out = None
    try:
        with torch.no_grad():
            for start in range(0, X.shape[0], PREDICT_BATCH_SIZE):
                rows = slice(start, start + PREDICT_BATCH_SIZE)
                block = torch.as_tensor(np.asarray(X[rows], dtype=np.float64), device=device)
                g = None if groups is None else torch.as_tensor(groups[rows], device=device)
                logits = torch.func.functional_call(module, weights, (block,), {"groups": g})
                if out is None:
                    out = np.empty((X.shape[0], *logits.shape[1:]), dtype=np.float64)
                out[rows] = logits.cpu().numpy()
                del block, logits  # one block's float64 copy alive at a time
                release_pages(X)
    finally:
        module.train(was_training)
    if out is None:  # no rows
        n_outputs = getattr(module, "n_outputs", 1)
        out = np.empty((0,) if n_outputs == 1 else (0, n_outputs))
    return out


class HeadClassifierMixin(GroupRequestsMixin):
    """Prediction for estimators whose fitted state is a skorch net over a head (``net_``).

    A group-aware model (``group_aware=True``) needs ``sensitive_features`` at prediction time;
    a group-blind one ignores them, so one call serves both (in a search over ``group_aware``).
    """

    def _net_input(self, X, sensitive_features):
        check_is_fitted(self, "net_")
        X = validate_features(self, X, reset=False)
        if not self.group_aware:
            return X
        require_groups(self, sensitive_features)
        codes, _ = check_sensitive_features(sensitive_features, X.shape[0], groups=self.groups_)
        return {"X": X, "groups": codes}

    def decision_function(self, X, sensitive_features=None):
        """Logit of the positive class (``classes_[1]``) for each sample, less ``threshold_``.

        Positive exactly where :meth:`predict` says ``classes_[1]``. For K classes, the K logits
        less the per-class offsets ``threshold_`` (shape ``(n_samples, K)``, as scikit-learn's
        multi-class ``decision_function``); :meth:`predict` takes their argmax.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features.
        sensitive_features : array-like of shape (n_samples,) or (n_samples, n_cols), default=None
            Groups, required by a group-aware model (``group_aware=True``); a group not seen in
            ``fit`` is an error. Ignored by a group-blind one.

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_classes)
        """
        data = self._net_input(X, sensitive_features)
        return self._logits(data)

    def _logits(self, data):
        """The head's float64 logits (:func:`head_logits`), less the decision threshold ``threshold_``."""
        X, groups = (data["X"], data["groups"]) if isinstance(data, dict) else (data, None)
        return head_logits(self.net_.module_, X, groups) - self.threshold_

    def predict_proba(self, X, sensitive_features=None):
        """Class probabilities, columns ordered as ``classes_`` (parameters as :meth:`decision_function`)."""
        logits = self.decision_function(X, sensitive_features)
        if logits.ndim == 2:
            return softmax(logits, axis=1)
        p1 = expit(logits)
        return np.column_stack([1.0 - p1, p1])

    def predict(self, X, sensitive_features=None):
        """Predicted class labels (parameters as :meth:`decision_function`)."""
        logits = self.decision_function(X, sensitive_features)  # checks fitted state first
        return self.classes_[logits.argmax(axis=1) if logits.ndim == 2 else (logits > 0).astype(int)]

    def score(self, X, y, sample_weight=None, sensitive_features=None):
        """Accuracy on ``(X, y)``; a group-aware model needs ``sensitive_features``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features.
        y : array-like of shape (n_samples,)
            True labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.
        sensitive_features : array-like, default=None
            Groups (see :meth:`decision_function`).

        Returns
        -------
        float
        """
        from sklearn.metrics import accuracy_score

        return accuracy_score(y, self.predict(X, sensitive_features), sample_weight=sample_weight)


def _switch_curves(score, values_off, values_on, wrong_off, wrong_on, y, codes, criterion):
    """Hard error and gap of a decision in which sample ``i`` is predicted "on" where ``score_i``
    exceeds a threshold and "off" otherwise, at every threshold where that changes.

    ``values_*`` are the criterion's per-sample hard values (``(n, n_rates)``) and ``wrong_*`` the
    0/1 errors in each case. Returns ``(thresholds, errors, gaps)``: the midpoints between
    consecutive distinct scores, plus one below and one above them all, in one sorted pass.
    """
    order = np.argsort(score, kind="stable")
    s = score[order]
    groups = np.asarray(codes)[order]
    values_off, values_on = values_off[order], values_on[order]
    wrong_off, wrong_on = wrong_off[order], wrong_on[order]
    populations = criterion.populations(torch.as_tensor(np.asarray(y)[order])).numpy()
    distinct = np.flatnonzero(np.diff(s) > 0)
    thresholds = np.concatenate([[s[0] - 1.0], (s[distinct] + s[distinct + 1]) / 2, [s[-1] + 1.0]])
    below = np.concatenate([[0], distinct + 1, [len(s)]])  # samples at or below each threshold: "off"

    def split(values):
        """Sum of ``values`` over the samples "off" plus over those "on", at every threshold."""
        return np.concatenate([[0.0], np.cumsum(values[0])])[below] + (
            values[1].sum() - np.concatenate([[0.0], np.cumsum(values[1])])[below])

    rates = np.full((criterion.n_groups_, values_off.shape[1], len(thresholds)), np.nan)
    for g in range(criterion.n_groups_):
        for r in range(values_off.shape[1]):
            w = (populations[:, r] & (groups == g)).astype(np.float64)
            if w.sum() > 0:
                rates[g, r] = split((w * values_off[:, r], w * values_on[:, r])) / w.sum()
    gaps = np.nanmax(np.nanmax(rates, axis=0) - np.nanmin(rates, axis=0), axis=0)
    errors = split((wrong_off, wrong_on)) / len(s)
    return thresholds, errors, gaps


def _hard_values(criterion, predictions, y):
    """The criterion's per-sample values (numpy ``(n, n_rates)``) when the samples are predicted ``predictions``."""
    with torch.no_grad():
        logits = saturated_logits(torch.as_tensor(predictions), criterion.n_classes_)
        return criterion.per_sample(logits, torch.as_tensor(y)).double().numpy()


def threshold_curves(logits, y, codes, criterion):
    """Hard error and criterion gap at every group-blind decision threshold of a one-logit head.

    A head predicts ``1`` where its logit exceeds the threshold. Between two consecutive logits
    the hard predictions, so every rate, are constant; so the candidates are the midpoints between
    consecutive distinct logits, plus one below and one above them all (predict all 1, all 0).

    Parameters
    ----------
    logits : ndarray of shape (n_samples,)
    y : ndarray of shape (n_samples,)
        0/1 labels.
    codes : ndarray of int, shape (n_samples,)
        Group codes in ``[0, criterion.n_groups_)``.
    criterion : FairnessCriterion
        Bound to the groups; its rates at saturated logits (hard predictions) are compared.

    Returns
    -------
    thresholds, errors, gaps : ndarray of shape (n_candidates,)
        The gap is the largest, over the criterion's rates, of the largest difference between
        groups: its metric on those hard predictions.
    """
    z = np.asarray(logits, dtype=np.float64)
    y = np.asarray(y).astype(np.int64)
    zeros, ones = np.zeros(len(z), dtype=np.int64), np.ones(len(z), dtype=np.int64)
    return _switch_curves(z, _hard_values(criterion, zeros, y), _hard_values(criterion, ones, y),
                          (y != 0).astype(float), (y != 1).astype(float), y, codes, criterion)


def hard_objectives(criterion, codes):
    """``[(criterion, codes)]`` of every fairness objective, as hard predictions are measured.

    ``criterion`` is a fit's bound criterion (or :class:`~skfairpareto.criteria.FairnessObjectives`);
    each objective's :meth:`~skfairpareto.criteria.FairnessCriterion.metric_criterion`, bound
    alike, with the group codes it compares.
    """
    codes = np.asarray(codes)
    if isinstance(criterion, FairnessObjectives):
        return [(m, criterion.codes(codes, j)) for j, m in enumerate(criterion.metric_criteria())]
    metric = criterion.metric_criterion().load_data(None, None, n_groups=criterion.n_groups_,
                                                    group_names=criterion.group_names_, classes=criterion.classes_)
    return [(metric, codes)]


def hard_scales(logits, y, objectives, offsets=0.0):
    """Hard error and every gap of a head's own decisions: ``[error, gap_1, ...]``.

    ``objectives`` lists ``(criterion, codes)``: each fairness objective's bound criterion and
    the group codes it compares. These are the normalisers of :func:`tune_threshold`.
    """
    z = np.asarray(logits, dtype=np.float64) - offsets
    predictions = (z > 0).astype(np.int64) if z.ndim == 1 else z.argmax(axis=1)
    y = np.asarray(y).astype(np.int64)
    gaps = [criterion.gap(saturated_logits(torch.as_tensor(predictions), criterion.n_classes_), torch.as_tensor(y),
                          torch.as_tensor(np.asarray(codes))) for criterion, codes in objectives]
    return np.array([np.mean(predictions != y), *gaps])


def _best(thresholds, objective, current):
    """The threshold of least objective; among equally good ones, the nearest ``current``."""
    best = np.flatnonzero(objective <= objective.min() + 1e-12)
    return float(thresholds[best[np.argmin(np.abs(thresholds[best] - current))]])


def tune_threshold(logits, y, objectives, weights, scales, max_passes=3):
    """The group-blind decision rule minimising ``sum_j weights_j * h_j / s_j`` on hard predictions.

    ``h`` is ``[error, gap_1, ...]`` of the hard predictions (``objectives`` lists ``(criterion,
    codes)``, one per fairness objective), ``scales`` the accuracy-optimal head's
    (:func:`hard_scales`); two objectives take ``weights = (alpha, 1 - alpha)`` (a number is that
    ``alpha``). The error also enters with a weight of 1e-3, as the Fritz-John polish's
    tie-breaker does: where only the gaps count, the fairest rules are many (every constant
    prediction has no gap), and the most accurate of them is meant.

    One logit (two classes): the logit threshold, searched exactly over every candidate
    (:func:`threshold_curves`), the one nearest 0 among equally good ones. K logits: one offset
    per class subtracted from the logits before the argmax, by exact coordinate search (each
    class's offset in turn, the others fixed; ``max_passes`` rounds, until nothing moves).
    """
    weights = np.array([weights, 1.0 - weights] if np.ndim(weights) == 0 else weights, dtype=float)
    s = np.maximum(np.asarray(scales, dtype=float), 1e-6)

    def objective(errors, gaps):
        return (weights[0] + 1e-3) * errors / s[0] + sum(w * g / sj for w, g, sj in zip(weights[1:], gaps, s[1:]))

    def curves(score, off, on):
        """Thresholds, errors and every objective's gaps where ``on`` replaces ``off`` above ``score``."""
        out = [_switch_curves(score, _hard_values(c, off, y), _hard_values(c, on, y), (y != off).astype(float),
                              (y != on).astype(float), y, codes, c) for c, codes in objectives]
        return out[0][0], out[0][1], [o[2] for o in out]

    z = np.asarray(logits, dtype=np.float64)
    y = np.asarray(y).astype(np.int64)
    if z.ndim == 1:
        thresholds, errors, gaps = curves(z, np.zeros(len(z), dtype=np.int64), np.ones(len(z), dtype=np.int64))
        return _best(thresholds, objective(errors, gaps), 0.0)
    n_classes = z.shape[1]
    offsets = np.zeros(n_classes)
    for _ in range(max_passes):
        moved = False
        for k in range(n_classes):
            others = z - offsets
            others[:, k] = -np.inf
            other = others.argmax(axis=1)
            # Class k is predicted where z_k - b_k beats the best other class: where b_k < score.
            score = z[:, k] - others[np.arange(len(z)), other]
            thresholds, errors, gaps = curves(score, other, np.full(len(z), k))
            best = _best(thresholds, objective(errors, gaps), offsets[k])
            moved |= best != offsets[k]
            offsets[k] = best
        if not moved:
            break
    return offsets

"""The objectives of hard decisions on one split: error and gaps of predictions, and tuned decision thresholds.

A front evaluates every member's predictions, and tunes every member's group-blind decision
threshold, on the same rows. What does not depend on the member -- the labels, each objective's
group codes and rate populations, and the value each rate takes for a sample predicted each class
-- is computed once, when a :class:`HardObjectives` is built for the split; a member then costs
one pass over the rows to score, and one sort of its scores per threshold it tunes.
"""

from __future__ import annotations

import numpy as np
import torch

from ._base import saturated_logits

__all__ = [
    "HardObjectives",
]


class HardObjectives:
    """The error and every fairness gap of hard decisions on one split, and thresholds tuned to a preference.

    Parameters
    ----------
    objectives : FairnessObjectives
        The fit's bound objectives; each gap is its criterion's metric
        (:meth:`~FairnessCriterion.metric_criterion`) on hard predictions -- fairlearn's metric for
        two classes, its K-class counterpart for more.
    y : array-like of shape (n_samples,)
        Class codes.
    codes : array-like of shape (n_samples,)
        Joint group codes.
    metrics : list of callable or None, default=None
        Per fairness objective, a metric with fairlearn's signature that replaces the criterion's
        (``fairness_metric``); ``None`` entries keep the criterion's. Thresholds are always tuned to
        the criterion's own gaps.

    Attributes
    ----------
    majority_error : float
        The error on these rows of predicting their most frequent class for everyone: a tuned
        rule must beat it where any rule does (:meth:`tune`).

    Examples
    --------
    >>> import numpy as np
    >>> from skfairpareto.criteria import FairnessObjectives, resolve_objectives
    >>> y, codes = np.array([0, 1, 1, 0, 1, 0]), np.array([0, 0, 0, 1, 1, 1])
    >>> objectives = FairnessObjectives.bind(resolve_objectives("error_rate_parity"), y, codes,
    ...                                      np.array(["a", "b"]), np.array([0, 1]), codes)
    >>> hard = objectives.hard(y, codes)
    >>> [round(float(v), 4) for v in hard.values(np.array([0, 1, 1, 1, 1, 1]))]  # error 2/6; group b errs twice in three
    [0.3333, 0.6667]
    """

    def __init__(self, objectives, y, codes, *, metrics=None):
        self.objectives = objectives
        self.y = np.asarray(y).astype(np.int64)
        self.codes = np.asarray(codes).astype(np.int64)
        self.n_classes = objectives.n_classes_
        self.metrics = list(metrics) if metrics is not None else [None] * len(objectives.criteria)
        self.criteria = objectives.metric_criteria()
        n = len(self.y)
        y_t = torch.as_tensor(self.y)
        self.majority_error = _majority_error(self.y, self.n_classes)
        self._group_codes, self._cells, self._values = [], [], []
        for j, criterion in enumerate(self.criteria):
            groups = np.asarray(objectives.codes(self.codes, j))
            populations = criterion.populations(y_t).numpy()
            # Each rate's cell of each group (n_groups, n_rates, n), as the weights of its mean.
            cells = np.stack([populations & (groups == g)[:, None] for g in range(criterion.n_groups_)])
            self._group_codes.append(groups)
            self._cells.append(np.moveaxis(cells, 2, 1))
            # The per-sample value of each rate were the sample predicted class k: (n_classes, n, n_rates).
            with torch.no_grad():
                self._values.append(np.stack([
                    criterion.per_sample(saturated_logits(torch.full((n,), k), self.n_classes), y_t).double().numpy()
                    for k in range(self.n_classes)]))

    def __len__(self):
        return len(self.y)

    def subset(self, rows):
        """The same objectives on some of the rows (cross-fitting: tune on one part, score the other)."""
        out = object.__new__(type(self))
        out.objectives, out.n_classes, out.metrics, out.criteria = self.objectives, self.n_classes, self.metrics, \
            self.criteria
        out.y, out.codes = self.y[rows], self.codes[rows]
        out.majority_error = _majority_error(out.y, out.n_classes)
        out._group_codes = [g[rows] for g in self._group_codes]
        out._cells = [c[:, :, rows] for c in self._cells]
        out._values = [v[:, rows] for v in self._values]
        return out

    # -- scoring ---------------------------------------------------------------------------------

    @staticmethod
    def decisions(logits, threshold=0.0):
        """Class codes a head decides: its logit above ``threshold`` (one logit), or the argmax of
        its logits less the per-class offsets ``threshold`` (K logits)."""
        z = np.asarray(logits) - threshold
        return (z > 0).astype(np.int64) if z.ndim == 1 else z.argmax(axis=1)

    def _gap(self, j, predictions):
        """Criterion ``j``'s metric on ``predictions``: the largest over its rates of the spread between groups."""
        values = self._values[j][predictions, np.arange(len(predictions))]  # (n, n_rates)
        cells = self._cells[j]  # (n_groups, n_rates, n)
        counts = cells.sum(axis=2)
        sums = np.einsum("grn,nr->gr", cells.astype(np.float64), values)
        present = counts > 0
        rates = sums / np.maximum(counts, 1)
        spread = [rates[present[:, r], r].max() - rates[present[:, r], r].min()
                  for r in range(rates.shape[1]) if present[:, r].sum() > 1]
        return float(max(spread, default=0.0))

    def values(self, predictions):
        """``[error, gap_1, ...]`` of hard ``predictions`` (class codes)."""
        predictions = np.asarray(predictions).astype(np.int64)
        gaps = [self._metric_gap(j, predictions) for j in range(len(self.criteria))]
        return np.array([np.mean(predictions != self.y), *gaps])

    def _metric_gap(self, j, predictions):
        metric = self.metrics[j]
        if metric is None:
            return self._gap(j, predictions)
        classes = self.objectives.classes_
        if self.n_classes == 2:  # fairlearn's rate metrics see 0/1 labels, 1 = classes_[1]
            y_true, y_pred = self.y, predictions
        else:
            y_true, y_pred = classes[self.y], classes[predictions]
        groups = self.criteria[j].group_names_[self._group_codes[j]]
        return float(metric(y_true, y_pred, sensitive_features=groups))

    def scores(self, predictions, group_names):
        """Error, accuracy of each joint group present, and every fairness objective's gap, as a dict.

        ``group_names`` names the joint groups (``accuracy_<name>`` keys).
        """
        predictions = np.asarray(predictions).astype(np.int64)
        correct = predictions == self.y
        present = np.unique(self.codes)
        hits = np.bincount(self.codes, weights=correct, minlength=len(group_names))
        counts = np.bincount(self.codes, minlength=len(group_names))
        values = self.values(predictions)
        out = {"error": values[0]}
        out.update({f"accuracy_{group_names[g]}": hits[g] / counts[g] for g in present})
        out.update(dict(zip(self.objectives.names, values[1:])))
        return out

    # -- decision thresholds ---------------------------------------------------------------------

    def _curves(self, score, off, on):
        """Thresholds, errors and every objective's gaps of the decisions in which sample ``i`` is class
        ``on_i`` where ``score_i`` exceeds a threshold and ``off_i`` otherwise, at every threshold where
        that changes: the midpoints between consecutive distinct scores, plus one below and one above
        them all, in one sorted pass."""
        n = len(score)
        order = np.argsort(score, kind="stable")
        s = score[order]
        distinct = np.flatnonzero(np.diff(s) > 0)
        thresholds = np.concatenate([[s[0] - 1.0], (s[distinct] + s[distinct + 1]) / 2, [s[-1] + 1.0]])
        below = np.concatenate([[0], distinct + 1, [n]])  # samples at or below each threshold: "off"

        def split(values_off, values_on):
            """Sum of the values of the samples "off" plus those "on", at every threshold."""
            return np.concatenate([[0.0], np.cumsum(values_off)])[below] + (
                values_on.sum() - np.concatenate([[0.0], np.cumsum(values_on)])[below])

        y, off, on = self.y[order], off[order], on[order]
        errors = split((y != off).astype(float), (y != on).astype(float)) / n
        gaps = []
        for values, cells in zip(self._values, self._cells):
            values_off, values_on = values[off, order], values[on, order]  # (n, n_rates), sorted
            rates = np.full((cells.shape[0], cells.shape[1], len(thresholds)), np.nan)
            for g in range(cells.shape[0]):
                for r in range(cells.shape[1]):
                    w = cells[g, r, order].astype(np.float64)
                    if w.sum() > 0:
                        rates[g, r] = split(w * values_off[:, r], w * values_on[:, r]) / w.sum()
            gaps.append(np.nanmax(np.nanmax(rates, axis=0) - np.nanmin(rates, axis=0), axis=0))
        return thresholds, errors, gaps

    def threshold_curves(self, logits):
        """Hard error and every gap at each group-blind threshold of a one-logit head.

        A head predicts ``1`` where its logit exceeds the threshold. Between two consecutive logits
        the hard predictions, so every rate, are constant; so the candidates are the midpoints
        between consecutive distinct logits, plus one below and one above them all (predict all 1,
        all 0).

        Returns
        -------
        thresholds, errors : ndarray of shape (n_candidates,)
        gaps : list of ndarray of shape (n_candidates,)
            One per fairness objective: its criterion's metric on those hard predictions.
        """
        z = np.asarray(logits, dtype=np.float64)
        return self._curves(z, np.zeros(len(z), dtype=np.int64), np.ones(len(z), dtype=np.int64))

    def scales(self, logits):
        """``[error, gap_1, ...]`` of a head's own decisions: the normalisers of :meth:`tune`."""
        return self.values(self.decisions(logits))

    def cost(self, predictions, weights, scales):
        """What :meth:`tune` minimises, for hard ``predictions`` (class codes): ``weights`` on ``[error,
        gap_1, ...]`` normalised by ``scales``, with the error's 1e-3 tie-breaker.

        Examples
        --------
        >>> import numpy as np
        >>> from skfairpareto.criteria import FairnessObjectives, resolve_objectives
        >>> g = np.array([0, 0, 1, 1])
        >>> obj = FairnessObjectives.bind(resolve_objectives("error_rate_parity"), None, g,
        ...                               np.array(["a", "b"]), np.array([0, 1]), g)
        >>> hard = obj.hard(np.array([0, 1, 1, 0]), g)
        >>> float(hard.cost(np.array([0, 1, 0, 0]), (0.5, 0.5), (0.5, 0.5)))  # error 1/4, gap 1/2
        0.7505
        """
        h = self.values(predictions)
        return _tuning_cost(h[0], h[1:], weights, scales)

    def tune(self, logits, weights, scales, max_passes=3):
        """The group-blind decision rule minimising ``sum_j weights_j * h_j / s_j`` on hard predictions.

        ``h`` is ``[error, gap_1, ...]`` of the hard predictions and ``scales`` the accuracy-optimal
        head's (:meth:`scales`); ``weights`` a point of the simplex, one weight per objective. The
        error also enters with a weight of 1e-3, as the Fritz-John polish's tie-breaker does:
        where only the gaps count, the fairest rules are many (every constant prediction has no
        gap), and the most accurate of them is meant.

        A rule whose error on these rows is no lower than predicting their majority class for
        everyone (``majority_error``) is a candidate only where no rule beats it: such a rule
        trades accuracy for nothing a constant prediction does not also give, and a member tuned
        to it is of no use to anyone who picks it from the front.

        One logit (two classes): the logit threshold, searched exactly over every candidate
        (:meth:`threshold_curves`), the one nearest 0 among equally good ones. K logits: one offset
        per class subtracted from the logits before the argmax, by exact coordinate search (each
        class's offset in turn, the others fixed; ``max_passes`` rounds, until nothing moves).
        """
        def objective(errors, gaps):
            cost = _tuning_cost(errors, gaps, weights, scales)
            useful = errors < self.majority_error - 1e-12
            return np.where(useful, cost, np.inf) if useful.any() else cost

        z = np.asarray(logits, dtype=np.float64)
        if z.ndim == 1:
            thresholds, errors, gaps = self.threshold_curves(z)
            return _best(thresholds, objective(errors, gaps), 0.0)
        n_classes = z.shape[1]
        offsets = np.zeros(n_classes)
        rows = np.arange(len(z))
        for _ in range(max_passes):
            moved = False
            for k in range(n_classes):
                others = z - offsets
                others[:, k] = -np.inf
                other = others.argmax(axis=1)
                # Class k is predicted where z_k - b_k beats the best other class: where b_k < score.
                score = z[:, k] - others[rows, other]
                thresholds, errors, gaps = self._curves(score, other, np.full(len(z), k))
                best = _best(thresholds, objective(errors, gaps), offsets[k])
                moved |= best != offsets[k]
                offsets[k] = best
            if not moved:
                break
        return offsets


def _majority_error(y, n_classes):
    """The error of predicting the most frequent of ``y``'s classes for everyone (1 where ``y`` is empty)."""
    return 1.0 - np.bincount(y, minlength=n_classes).max() / len(y) if len(y) else 1.0


def _tuning_cost(errors, gaps, weights, scales):
    """:meth:`HardObjectives.tune`'s objective, for one decision rule or a curve of them: ``weights`` on
    the error (plus 1e-3) and on each of ``gaps``, each divided by its scale (at least 1e-6)."""
    weights = np.asarray(weights, dtype=float)
    s = np.maximum(np.asarray(scales, dtype=float), 1e-6)
    return (weights[0] + 1e-3) * errors / s[0] + sum(w * g / sj for w, g, sj in zip(weights[1:], gaps, s[1:]))


def _best(thresholds, objective, current):
    """The threshold of least objective; among equally good ones, the nearest ``current``."""
    best = np.flatnonzero(objective <= objective.min() + 1e-12)
    return float(thresholds[best[np.argmin(np.abs(thresholds[best] - current))]])

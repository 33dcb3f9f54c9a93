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

from ._utils import PREDICT_BATCH_SIZE, release_pages, tensor_view
from ._validation import check_sensitive_features, validate_features

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


def tunes_decisions(threshold, objectives, held_out):
    """Whether ``threshold="auto"`` tunes a head's decisions: on held-out data, or on the training data
    for rates that ignore the labels (training-set rates that use the labels are biased by overfitting
    them; docs/criteria.md, "The fair end")."""
    return threshold == "auto" and (held_out or objectives.label_free)


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
    weights = {name: t.double() for name, t in (*module.named_parameters(), *module.named_buffers())}
    device = next(iter(weights.values())).device if weights else torch.device("cpu")
    return _blocked_logits(module, X, groups, np.float64, device,
                           lambda block, g: torch.func.functional_call(module, weights, (block,), {"groups": g}))


def fit_logits(module, X, groups=None):
    """A head's float32 logits on ``X`` inside a fit (thresholds, evaluation), in fixed row blocks.

    The fit scores each member once per split with these. The public :meth:`predict` runs
    :func:`head_logits` in float64 instead, so that a row's prediction never depends on its batch
    (docs/reliability.md); the two differ by float32 rounding (about 1e-7 of a logit), which moves
    a decision only for a logit that close to its threshold.
    """
    device = next(iter(module.parameters())).device if any(True for _ in module.parameters()) else torch.device("cpu")
    return _blocked_logits(module, X, groups, np.float32, device, lambda block, g: module(block, groups=g))


def _blocked_logits(module, X, groups, dtype, device, forward):
    """``forward(block, groups)`` over ``X`` in blocks of ``PREDICT_BATCH_SIZE`` rows cast to ``dtype``,
    in eval mode and without gradients; one block's copy alive at a time."""
    was_training = module.training
    module.eval()
    out = None
    try:
        with torch.no_grad():
            for start in range(0, X.shape[0], PREDICT_BATCH_SIZE):
                rows = slice(start, start + PREDICT_BATCH_SIZE)
                block = tensor_view(np.asarray(X[rows], dtype=dtype), device)
                g = None if groups is None else torch.as_tensor(groups[rows], device=device)
                logits = forward(block, g)
                if out is None:
                    out = np.empty((X.shape[0], *logits.shape[1:]), dtype=dtype)
                out[rows] = logits.cpu().numpy()
                del block, logits
                release_pages(X)
    finally:
        module.train(was_training)
    if out is None:  # no rows
        n_outputs = getattr(module, "n_outputs", 1)
        out = np.empty((0,) if n_outputs == 1 else (0, n_outputs), dtype=dtype)
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

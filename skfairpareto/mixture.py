"""Randomised mixtures of fitted classifiers: any point between two members of a front, in expectation.

A front's members are deterministic, so between two neighbours there is nothing to deploy.
fairlearn's ``ExponentiatedGradient`` returns a *randomised* classifier instead: each prediction is
made by a member drawn at random, so its expected rates -- and its expected error and gaps -- are
the mixture of its members'. :class:`RandomizedMixture` is that classifier over members fitted
here, and :meth:`~skfairpareto.BaseParetoClassifier.mixture` builds the most accurate mixture
of two members whose expected gaps stay within bounds. It is opt-in: a front's members, and
``predict`` of every estimator, stay deterministic.
"""

from __future__ import annotations

from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ._classifier import GroupRequestsMixin

__all__ = [
    "RandomizedMixture",
]


class RandomizedMixture(GroupRequestsMixin, ClassifierMixin, BaseEstimator):
    """A randomised classifier: each sample is predicted by one of ``estimators``, drawn with ``weights``.

    What fairlearn's ``ExponentiatedGradient`` predicts, over classifiers fitted elsewhere (usually
    members of a front: :meth:`~skfairpareto.BaseParetoClassifier.mixture`). Each rate of a
    group -- its accuracy, selection rate, true- or false-positive rate -- is in expectation the
    weighted mean of the members' rates, so the expected error is the weighted mean of theirs and
    every expected gap is at most the weighted mean of their gaps (a gap, the largest spread of a
    rate between groups, is convex in the rates). Score it by :meth:`predict_pmf`, its expected
    predictions, not by one draw of :meth:`predict`.

    The members are used as they are: :meth:`fit` trains nothing (like scikit-learn's
    ``FrozenEstimator``); it checks the members and the weights. So ``clone`` keeps the fitted
    members (it copies the parameters without cloning them), and a cross-validation or a
    search scores the same members on each split.

    Parameters
    ----------
    estimators : list of fitted classifiers
        The members, all fitted on the same classes. A member of a group-aware front takes
        ``sensitive_features`` at prediction time; any other classifier is called without them.
    weights : array-like of shape (n_estimators,)
        Non-negative; normalised to sum to 1.
    random_state : int, RandomState instance or None, default=None
        The draws of :meth:`predict`. With an int every call draws the same way, so equal inputs
        give equal predictions; with ``None`` each call draws anew.

    Attributes
    ----------
    weights_ : ndarray of shape (n_estimators,)
        The probability of each member.
    classes_ : ndarray of shape (n_classes,)
        The members' classes.
    n_features_in_ : int
        Features seen by the members.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        The members' feature names, when they have them.

    See Also
    --------
    skfairpareto.BaseParetoClassifier.mixture : the most accurate mixture of two members within bounds.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.dummy import DummyClassifier
    >>> from skfairpareto.mixture import RandomizedMixture
    >>> X, y = np.zeros((4, 1)), np.array([0, 1, 1, 0])
    >>> no = DummyClassifier(strategy="constant", constant=0).fit(X, y)
    >>> yes = DummyClassifier(strategy="constant", constant=1).fit(X, y)
    >>> mix = RandomizedMixture([no, yes], [0.75, 0.25], random_state=0).fit()
    >>> mix.predict_pmf(X)[0].tolist()
    [0.75, 0.25]
    """

    _parameter_constraints: dict = {
        "estimators": [list],
        "weights": ["array-like"],
        "random_state": ["random_state"],
    }

    def __init__(self, estimators, weights, *, random_state=None):
        self.estimators = estimators
        self.weights = weights
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X=None, y=None, **fit_params):
        """Check the members and the weights; nothing is trained (``X``, ``y`` are not used).

        Returns
        -------
        self : RandomizedMixture
        """
        if not self.estimators:
            raise ValueError("estimators must hold at least one fitted classifier, got an empty list")
        weights = np.asarray(self.weights, dtype=float)
        if weights.shape != (len(self.estimators),):
            raise ValueError(f"weights must hold one number per estimator ({len(self.estimators)}), "
                             f"got shape {weights.shape}")
        if not np.all(np.isfinite(weights)) or np.any(weights < 0) or weights.sum() <= 0:
            raise ValueError(f"weights must be finite, non-negative and not all 0, got {weights.tolist()}")
        for i, est in enumerate(self.estimators):
            check_is_fitted(est)
            if not hasattr(est, "classes_"):
                raise ValueError(f"estimators[{i}] ({type(est).__name__}) is not a classifier: it has no classes_")
        classes = self.estimators[0].classes_
        for i, est in enumerate(self.estimators[1:], 1):
            if not np.array_equal(est.classes_, classes):
                raise ValueError(f"every estimator must have the same classes_: estimators[0] has "
                                 f"{list(classes)}, estimators[{i}] has {list(est.classes_)}")
        self.weights_ = weights / weights.sum()
        self.classes_ = np.asarray(classes)
        first = self.estimators[0]
        if hasattr(first, "n_features_in_"):
            self.n_features_in_ = first.n_features_in_
        if hasattr(first, "feature_names_in_"):
            self.feature_names_in_ = first.feature_names_in_
        return self

    def __sklearn_clone__(self):
        # The members are fitted parameters: a clone shares them (cloning would unfit them).
        return type(self)(**self.get_params(deep=False))

    def _active_codes(self, X, sensitive_features):
        """The predictions, as class codes, of the members drawn with positive probability:
        ``(codes of shape (n_active, n_samples), their indices in estimators)``."""
        active = np.flatnonzero(self.weights_ > 0)
        codes = []
        for i in active:
            est = self.estimators[i]
            pred = est.predict(X) if sensitive_features is None else est.predict(X, sensitive_features=sensitive_features)
            codes.append(np.searchsorted(self.classes_, np.asarray(pred)))
        return np.stack(codes), active

    def predict_pmf(self, X, sensitive_features=None):
        """The probability of each class being predicted: the expected predictions.

        Row ``i`` is ``sum_k weights_[k] * onehot(estimators[k].predict(X)[i])`` -- fairlearn's
        ``ExponentiatedGradient._pmf_predict``. It is the distribution of :meth:`predict`'s
        random draw, not an estimate of the probability of the label.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        check_is_fitted(self, "weights_")
        codes, active = self._active_codes(X, sensitive_features)
        rows = np.arange(codes.shape[1])
        pmf = np.zeros((codes.shape[1], len(self.classes_)))
        for c, w in zip(codes, self.weights_[active]):
            pmf[rows, c] += w
        return pmf

    def predict(self, X, sensitive_features=None):
        """Class labels, each sample's from a member drawn with ``weights_`` (seeded by ``random_state``)."""
        check_is_fitted(self, "weights_")
        codes, active = self._active_codes(X, sensitive_features)
        n = codes.shape[1]
        drawn = check_random_state(self.random_state).choice(len(self.estimators), size=n, p=self.weights_)
        # A member of weight 0 is never drawn: each draw is one of the active rows of codes.
        return self.classes_[codes[np.searchsorted(active, drawn), np.arange(n)]]

    def score(self, X, y, sample_weight=None, sensitive_features=None):
        """Expected accuracy: the mean over samples of the probability that :meth:`predict` is right."""
        pmf = self.predict_pmf(X, sensitive_features)
        y = np.asarray(y)
        codes = np.clip(np.searchsorted(self.classes_, y), 0, len(self.classes_) - 1)
        hit = np.where(self.classes_[codes] == y, pmf[np.arange(len(y)), codes], 0.0)
        return float(np.average(hit, weights=sample_weight))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = True
        tags.non_deterministic = not isinstance(self.random_state, (Real, np.integer))
        return tags

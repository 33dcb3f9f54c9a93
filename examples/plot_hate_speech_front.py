"""
The hate-speech front, beside fairlearn's model comparison
==========================================================

Featurises a sample of the bundled tweets (MiniLM embeddings beside TF-IDF n-grams, the
default :class:`~skfairpareto.TextFeatures`), learns a front with
:class:`~skfairpareto.FaParetoEnsemble` with the tweet's dialect as the sensitive feature,
and compares its members on the test split with fairlearn's
:func:`~fairlearn.metrics.plot_model_comparison`.

The criterion is true-positive-rate parity (fairlearn's ``TruePositiveRateParity``, "equal
opportunity"): an offensive tweet should be caught as often in one dialect as in the other. On a
sample this small, accuracy parity gives a group-blind model little to trade: the AAE tweets are
the easy ones (about 98 % accuracy against 89 % for the others), and narrowing that gap on the
test split takes more data than a sample of a few thousand tweets.
"""

import os

import matplotlib.pyplot as plt
import numpy as np
from fairlearn.metrics import plot_model_comparison, true_positive_rate_difference
from sklearn.metrics import accuracy_score

from skfairpareto import FaParetoEnsemble, TextFeatures
from skfairpareto.datasets import load_hate_speech
from skfairpareto.model_selection import stratified_split

n = int(os.environ.get("SKFAIRPARETO_EXAMPLE_N", 3000))
data = load_hate_speech()
idx = np.random.RandomState(0).permutation(len(data.target))[:n]  # a random subsample
texts, y, dialect = data.data[idx], data.target[idx], np.asarray(data.sensitive_features)[idx]
train, test = stratified_split(y, dialect, test_size=0.2, random_state=0)  # by group and label

features = TextFeatures(n_components=min(128, len(train) // 2), cache_dir=os.environ.get("SKFAIRPARETO_CACHE"))
X_tr, X_te = features.fit_transform(texts[train]), features.transform(texts[test])
front = FaParetoEnsemble(constraints="true_positive_rate_parity", random_state=0)
front.fit(X_tr, y[train], sensitive_features=dialect[train])
print(front.score_front(X_te, y[test], sensitive_features=dialect[test]).round(3).to_string())

# %%
# Every member is an ordinary classifier: fairlearn's comparison plot takes their predictions.
# Each point is labelled by its member's index in ``front_`` (the table above, row by row).
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
front.plot_front(ax=left)
plot_model_comparison(
    y_preds={str(i): m.predict(X_te) for i, m in enumerate(front.front_)},
    y_true=y[test], sensitive_features=dialect[test], x_axis_metric=accuracy_score,
    y_axis_metric=true_positive_rate_difference, point_labels=True, point_labels_position=(0.002, 0.002),
    ax=right)
right.set_title("test split: member index")
fig.tight_layout()
plt.show()

"""Learn an accuracy-fairness front on hate-speech tweets and pick a model from it.

Embeds the bundled tweets with the bundled all-MiniLM-L6-v2 (cached), fits
SUHNPFParetoClassifier with the dialect group as sensitive feature, prints each member's test
accuracy per group, and saves the front plot. ``SKFAIRPARETO_EXAMPLE_N`` sets the number of
tweets (default 3000; the tests use fewer).
"""

import os

import matplotlib

matplotlib.use("Agg")
import numpy as np
from skfairpareto import SUHNPFParetoClassifier, SentenceEmbedder
from skfairpareto.datasets import load_hate_speech
from skfairpareto.model_selection import stratified_split

n = int(os.environ.get("SKFAIRPARETO_EXAMPLE_N", 3000))
data = load_hate_speech()
idx = np.random.RandomState(0).permutation(len(data.target))[:n]  # a random subsample
texts, y, dialect = data.data[idx], data.target[idx], np.asarray(data.sensitive_features)[idx]
X = SentenceEmbedder(cache_dir=os.environ.get("SKFAIRPARETO_CACHE")).fit_transform(texts)
train, test = stratified_split(y, dialect, test_size=0.2, random_state=0)  # by group and label
X_tr, X_te, y_tr, y_te, s_tr, s_te = X[train], X[test], y[train], y[test], dialect[train], dialect[test]

front = SUHNPFParetoClassifier(n_members=5, selection={"max_gap": 0.03}, random_state=0)
front.fit(X_tr, y_tr, sensitive_features=s_tr)
print(front.score_front(X_te, y_te, sensitive_features=s_te).round(3).to_string(index=False))
print("selected member alpha:", round(front.selected_.alpha, 3))
ax = front.plot_front()
ax.figure.savefig(os.environ.get("SKFAIRPARETO_EXAMPLE_PNG", "hate_speech_front.png"), dpi=100)

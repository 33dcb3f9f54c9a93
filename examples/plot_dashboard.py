"""
A fairness dashboard to compare fronts with fairlearn's models
==============================================================

Learns two fronts on a sample of the bundled tweets, fits fairlearn's
:class:`~fairlearn.reductions.ExponentiatedGradient` and a plain logistic regression beside them,
and writes one self-contained HTML page (:class:`~skfairpareto.dashboard.FairnessDashboard`)
that compares every model on the test split and shows any one of them group by group. The page
opens offline in any browser; the docs site embeds the one this example writes.
"""

import os

import matplotlib.pyplot as plt
import numpy as np
from fairlearn.reductions import ErrorRateParity, ExponentiatedGradient
from sklearn.linear_model import LogisticRegression

from skfairpareto import PHNParetoClassifier, TextFeatures
from skfairpareto.cba import cba_path
from skfairpareto.dashboard import FairnessDashboard
from skfairpareto.datasets import load_hate_speech
from skfairpareto.model_selection import stratified_split

n = int(os.environ.get("SKFAIRPARETO_EXAMPLE_N", 2000))
data = load_hate_speech()
idx = np.random.RandomState(0).permutation(len(data.target))[:n]
texts, y, dialect = data.data[idx], data.target[idx], np.asarray(data.sensitive_features)[idx]
train, test = stratified_split(y, dialect, test_size=0.25, random_state=0)
features = TextFeatures(n_components=min(128, len(train) // 2), cache_dir=os.environ.get("SKFAIRPARETO_CACHE"))
X_tr, X_te = features.fit_transform(texts[train]), features.transform(texts[test])

phn = PHNParetoClassifier(solver="ls", n_members=9, random_state=0).fit(X_tr, y[train],
                                                                         sensitive_features=dialect[train])
cba = cba_path(X_tr, y[train], sensitive_features=dialect[train], alphas=np.linspace(1, 0, 5), random_state=0)
eg = ExponentiatedGradient(LogisticRegression(max_iter=1000), ErrorRateParity(difference_bound=0.01))
eg.fit(X_tr.astype(float), y[train], sensitive_features=dialect[train])
lr = LogisticRegression(max_iter=1000).fit(X_tr, y[train])

board = FairnessDashboard(
    {"phn": phn, "cba": cba, "logistic regression": lr,
     # ExponentiatedGradient predicts at random: one seeded draw of its predictions.
     "ExponentiatedGradient": eg.predict(X_te.astype(float), random_state=0)},
    X_te, y[test], sensitive_features=dialect[test], fairness_metric="accuracy_score_difference")
path = board.save(os.environ.get("SKFAIRPARETO_DASHBOARD", "dashboard.html"))
print(f"{len(board.models_)} models; open {path} in a browser")

# %%
# The page is for a browser; here, what its comparison view opens on (accuracy against the
# accuracy gap of every model), drawn with matplotlib from the same predictions.
from fairlearn.metrics import accuracy_score_difference

fig, ax = plt.subplots(figsize=(6, 4))
for model, predicted in zip(board.models_, board.predictions_):
    pred = board.classes_[predicted]
    ax.scatter(np.mean(pred == y[test]), accuracy_score_difference(y[test], pred, sensitive_features=dialect[test]),
               color={"phn": "tab:blue", "cba": "tab:orange"}.get(model["front"], "black"), s=18)
ax.set_xlabel("test accuracy")
ax.set_ylabel("accuracy_score_difference")
ax.set_title("blue: PHN members, orange: CBA members, black: the others")
plt.show()

"""
Choosing a member by cross-validation
=====================================

A front's ``selection`` decides which member ``predict`` uses. :class:`~sklearn.model_selection.GridSearchCV`
can choose it: metadata routing passes ``sensitive_features`` to ``fit`` and to a scorer that
rewards accuracy and penalises the accuracy gap.
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import sklearn
from fairlearn.metrics import MetricFrame
from sklearn.metrics import accuracy_score
from sklearn.model_selection import GridSearchCV

from skfairpareto import PHNParetoClassifier
from skfairpareto.metrics import make_group_scorer

rng = np.random.RandomState(0)
X = rng.normal(size=(600, 5)).astype("float32")
s = rng.randint(0, 2, 600)
y = (X[:, 0] + 0.8 * s + rng.normal(scale=0.6, size=600) > 0.4).astype(int)


def accuracy_less_gap(y_true, y_pred, *, sensitive_features):
    frame = MetricFrame(metrics=accuracy_score, y_true=y_true, y_pred=y_pred, sensitive_features=sensitive_features)
    return frame.overall - 2 * frame.difference()


with sklearn.config_context(enable_metadata_routing=True):
    search = GridSearchCV(
        PHNParetoClassifier(solver="ls", n_members=5, hnet_max_epochs=30, start_max_epochs=100, random_state=0).set_fit_request(
            sensitive_features=True),
        {"selection": ["most_accurate", "knee", "fairest", {"max_gap": 0.03}]},
        scoring=make_group_scorer(accuracy_less_gap), cv=2)
    search.fit(X, y, sensitive_features=s)

results = pd.DataFrame(search.cv_results_)[["param_selection", "mean_test_score", "std_test_score"]]
print(results.to_string(index=False))
print("best:", search.best_params_)

# %%
labels = [str(p) for p in results["param_selection"]]
fig, ax = plt.subplots(figsize=(7, 3))
ax.barh(labels, results["mean_test_score"], xerr=results["std_test_score"])
ax.set_xlabel("accuracy - 2 x accuracy gap (2-fold mean)")
ax.set_xlim(results["mean_test_score"].min() - 0.05, results["mean_test_score"].max() + 0.02)
fig.tight_layout()
plt.show()

"""
A fairness criterion of your own
================================

Subclass :class:`~skfairpareto.criteria.FairnessCriterion`: say which samples each rate averages
(``populations``) and what is averaged (``per_sample``). Here, equal *false-negative* rates:
a missed positive is the harm. The checks, the squared-gap objective and its ``gap`` come from
the base class; every estimator trains for it.
"""

import matplotlib.pyplot as plt
import numpy as np
import torch

from skfairpareto import CBAClassifier, FairnessCriterion


class FalseNegativeRateParity(FairnessCriterion):
    rate_names = ("false negative rate",)

    def populations(self, y):
        return (y == 1)[:, None]

    def per_sample(self, logits, y):
        return 1 - torch.sigmoid(logits)[:, None]


def false_negative_rate_gap(y_true, y_pred, *, sensitive_features):
    rates = [np.mean(y_pred[(sensitive_features == g) & (y_true == 1)] == 0) for g in np.unique(sensitive_features)]
    return max(rates) - min(rates)


rng = np.random.RandomState(0)
X = rng.normal(size=(1000, 4)).astype("float32")
s = rng.randint(0, 2, 1000)
y = (X[:, 0] + s * X[:, 1] + rng.normal(scale=0.5, size=1000) > 0).astype(int)

points = []
for alpha in np.linspace(1, 0, 6):
    clf = CBAClassifier(alpha=alpha, constraints=FalseNegativeRateParity(), max_epochs=100, random_state=0)
    pred = clf.fit(X, y, sensitive_features=s).predict(X)
    points.append((np.mean(pred != y), false_negative_rate_gap(y, pred, sensitive_features=s)))
    print(f"alpha={alpha:.1f}: error {points[-1][0]:.3f}, FNR gap {points[-1][1]:.3f}")

# %%
err, gap = np.array(points).T
fig, ax = plt.subplots()
ax.plot(err, gap, "o-")
ax.set_xlabel("error")
ax.set_ylabel("false-negative-rate gap")
ax.set_title("CBAClassifier over an alpha grid, custom criterion")
plt.show()

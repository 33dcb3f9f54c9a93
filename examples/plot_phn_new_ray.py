"""
A PHN member for a new preference
=================================

:class:`~skfairpareto.PHNParetoClassifier` learns one hypernetwork for every preference ray.
``member_at`` builds the head for a trade-off that was not among the members, without retraining.
"""

import matplotlib.pyplot as plt
import numpy as np

from skfairpareto import PHNParetoClassifier
from skfairpareto.metrics import accuracy_gap

rng = np.random.RandomState(0)
n = 1500
X = rng.normal(size=(n, 5)).astype("float32")
s = rng.randint(0, 2, n)
y = (X[:, 0] + 0.5 * X[:, 1] + rng.normal(scale=0.3 + 0.9 * s, size=n) > 0).astype(int)

phn = PHNParetoClassifier(n_members=5, hnet_max_epochs=60, validation_fraction=None, random_state=0)
phn.fit(X, y, sensitive_features=s)


def point(member):
    pred = member.predict(X)
    return np.mean(pred != y), accuracy_gap(y, pred, sensitive_features=s)


members = np.array([point(m) for m in phn.front_])
new = {alpha: point(phn.member_at(alpha)) for alpha in (0.1, 0.37, 0.62, 0.9)}
print({round(a, 2): tuple(round(v, 3) for v in p) for a, p in new.items()})

# %%
fig, ax = plt.subplots()
ax.plot(*members.T, "o-", label="members (trained rays)")
for alpha, (e, g) in new.items():
    ax.plot(e, g, "s", color="C3")
    ax.annotate(f"member_at({alpha})", (e, g), textcoords="offset points", xytext=(5, 5), fontsize=8)
ax.set_xlabel("error")
ax.set_ylabel("accuracy gap")
ax.legend()
plt.show()

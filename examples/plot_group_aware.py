"""
Group-blind or group-aware fronts
=================================

``group_aware=True`` adds one learned offset per group to every head's logit, so a member may
use the group at prediction time. Here the features cannot recover the group, and the offsets
let the front reach smaller gaps at equal error. Whether that is allowed is a legal question:
see the user guide.
"""

import matplotlib.pyplot as plt
import numpy as np

from skfairpareto import PHNParetoClassifier
from skfairpareto.metrics import accuracy_gap

rng = np.random.RandomState(0)
n = 1500
X = rng.normal(size=(n, 4)).astype("float32")
s = rng.randint(0, 2, n)
y = (X[:, 0] + 0.9 * s + rng.normal(scale=0.5, size=n) > 0.45).astype(int)

fig, ax = plt.subplots()
for aware in (False, True):
    front = PHNParetoClassifier(group_aware=aware, solver="ls", n_members=9, hnet_max_epochs=60, random_state=0)
    front.fit(X, y, sensitive_features=s)
    points = [(np.mean(m.predict(X, sensitive_features=s) != y),
               accuracy_gap(y, m.predict(X, sensitive_features=s), sensitive_features=s)) for m in front.front_]
    err, gap = np.array(points).T
    ax.plot(err, gap, "o-", label="group-aware" if aware else "group-blind")
ax.set_xlabel("error")
ax.set_ylabel("accuracy gap")
ax.legend()
plt.show()

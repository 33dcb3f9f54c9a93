"""
Training for each fairlearn constraint
======================================

``constraints`` names the criterion as fairlearn does (or takes fairlearn's object). The same
data, five fronts: each is measured by the fairlearn metric of its own criterion.
"""

import matplotlib.pyplot as plt
import numpy as np

from skfairpareto import PHNParetoClassifier
from skfairpareto.criteria import CRITERIA

rng = np.random.RandomState(0)
n = 800
X = rng.normal(size=(n, 5)).astype("float32")
s = rng.randint(0, 2, n)
y = (X[:, 0] + 0.7 * s + rng.normal(scale=0.4 + 0.6 * s, size=n) > 0.3).astype(int)

fig, axes = plt.subplots(1, len(CRITERIA), figsize=(16, 3.2))
for ax, name in zip(axes, CRITERIA):
    front = PHNParetoClassifier(constraints=name, solver="ls", n_members=6, hnet_max_epochs=30, start_max_epochs=100, random_state=0)
    front.fit(X, y, sensitive_features=s)
    front.plot_front(ax=ax, annotate=False)
    ax.set_title(name, fontsize=9)
    print(f"{name}: hypervolume {front.hypervolume_:.4f}, metric {front.criterion_.metric}")
fig.tight_layout()
plt.show()

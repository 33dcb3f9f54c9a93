"""
FaPareto's hypervolume, generation by generation
================================================

:class:`~skfairpareto.FaParetoEnsemble` evolves a population of heads against the real metrics.
``history_`` records every generation; the archive's hypervolume never decreases.
"""

import matplotlib.pyplot as plt
import numpy as np

from skfairpareto import FaParetoEnsemble

rng = np.random.RandomState(0)
n = 1200
X = rng.normal(size=(n, 5)).astype("float32")
s = rng.randint(0, 2, n)
y = (X[:, 0] + 0.5 * X[:, 1] + rng.normal(scale=0.3 + 0.9 * s, size=n) > 0).astype(int)

evo = FaParetoEnsemble(population_size=6, n_generations=6, random_state=0).fit(X, y, sensitive_features=s)
print([round(h["hypervolume"], 4) for h in evo.history_])

# %%
# The hypervolume per generation, and the population's objectives coloured by generation.
evo.plot_history()
plt.show()

# %%
# The archive: every non-dominated head seen, chosen on the held-out split.
evo.plot_front()
plt.show()

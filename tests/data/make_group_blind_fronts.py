"""Write group_blind_fronts.npz: the decision functions of seeded group-blind fronts.

tests/test_group_aware.py checks that ``group_aware=False`` fits still give these, bit for bit
on the machine that wrote them (to 1e-6 elsewhere). They were written before group-aware heads
existed; rerun this only when a deliberate change moves group-blind results, and say so.

Usage: python tests/data/make_group_blind_fronts.py
"""

from pathlib import Path

import numpy as np

from skfairpareto import CBAClassifier, FaParetoEnsemble, PHNParetoClassifier, SUHNPFParetoClassifier

ESTIMATORS = {
    "cba": (CBAClassifier, dict(alpha=0.5, max_epochs=40)),
    "suhnpf": (SUHNPFParetoClassifier, dict(n_points=4, max_epochs=60)),
    "phn-epo": (PHNParetoClassifier, dict(n_rays=4, max_epochs=30, start_max_epochs=60)),
    "fapareto": (FaParetoEnsemble, dict(population_size=4, n_generations=2, finetune_epochs=5, start_max_epochs=60)),
}


def data():
    rng = np.random.RandomState(0)
    n = 600
    X = rng.normal(size=(n, 5)).astype(np.float32)
    s = rng.randint(0, 2, n)
    y = (X[:, 0] + 0.5 * X[:, 1] + rng.normal(scale=0.3 + 0.9 * s) > 0).astype(int)
    return X, y, np.where(s == 1, "B", "A")


def fronts(**extra):
    """Decision functions of every member of every estimator, stacked per estimator."""
    X, y, s = data()
    out = {}
    for name, (cls, params) in ESTIMATORS.items():
        est = cls(**params, random_state=0, **extra).fit(X, y, sensitive_features=s)
        out[name] = np.stack([m.decision_function(X) for m in getattr(est, "front_", [est])])
    return out


if __name__ == "__main__":
    np.savez(Path(__file__).with_name("group_blind_fronts.npz"), **fronts())

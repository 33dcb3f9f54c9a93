"""scikit-learn's estimator checks on all four estimators.

The generic checks call ``fit(X, y)`` without metadata, so each estimator runs inside a small
wrapper that derives the groups from ``X`` (as fairlearn does for its adversarial mitigator's
checks); everything else is the estimator's own code.
"""

import zlib

import numpy as np
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from skfairpareto import CBAClassifier, FaParetoEnsemble, PHNParetoClassifier, SUHNPFParetoClassifier


def _derived_groups(X):
    """Two groups from the first feature's hash (median split), or alternating when that fails."""
    if hasattr(X, "tocsr"):  # sparse: the estimator's own validation rejects it
        return np.arange(X.shape[0]) % 2
    Xa = np.asarray(X, dtype=object)
    if Xa.ndim != 2 or Xa.shape[0] == 0 or Xa.shape[1] == 0:
        return None  # let the estimator's own validation name the problem with X
    # A stable hash (Python's own is salted per process): the same groups in every run.
    first = np.array([zlib.crc32(str(v).encode()) for v in Xa[:, 0]], dtype=float)
    groups = (first > np.median(first)).astype(int)
    return groups if len(np.unique(groups)) == 2 else np.arange(len(first)) % 2


class _DerivedGroups:
    def fit(self, X, y, sensitive_features=None, **kwargs):
        if sensitive_features is None:
            sensitive_features = _derived_groups(X)
        return super().fit(X, y, sensitive_features=sensitive_features, **kwargs)


# Module-level classes, so that the checks can pickle them.
class CBAWithGroups(_DerivedGroups, CBAClassifier):
    pass


class SUHNPFWithGroups(_DerivedGroups, SUHNPFParetoClassifier):
    pass


class PHNWithGroups(_DerivedGroups, PHNParetoClassifier):
    pass


class FaParetoWithGroups(_DerivedGroups, FaParetoEnsemble):
    pass


ESTIMATORS = [
    CBAWithGroups(max_epochs=60, random_state=0),
    SUHNPFWithGroups(n_members=3, start_max_epochs=40, max_iter=5, validation_fraction=None, keep_uncertified=True,
                     random_state=0),
    PHNWithGroups(n_members=3, solver="ls", hnet_max_epochs=20, start_max_epochs=40, validation_fraction=None,
                  random_state=0),
    FaParetoWithGroups(population_size=2, n_generations=1, finetune_epochs=3, start_max_epochs=40,
                       validation_fraction=None, random_state=0),
]

# Checks that cannot apply, with reasons.
EXPECTED_FAILED = {
    "check_sample_weight_equivalence_on_dense_data": "no sample_weight support",
}


@pytest.mark.numerics
@parametrize_with_checks(ESTIMATORS, expected_failed_checks=lambda est: EXPECTED_FAILED)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)

"""PHNParetoClassifier: the front from a trained hypernetwork, and new rays without retraining."""

import numpy as np
import pytest

from skfairpareto import CBAClassifier, PHNParetoClassifier


FAST = dict(n_rays=5, max_epochs=40, start_max_epochs=60, random_state=0)


@pytest.fixture(scope="module")
def fitted(front_data):
    return (PHNParetoClassifier(**FAST).fit(*front_data[:2], sensitive_features=front_data[2]), *front_data)


def test_phn_front_and_new_rays(fitted):
    est, X, y, s = fitted
    r = est.front_results_
    assert len(est.front_) == 5 and np.allclose(r["alpha"], np.linspace(1, 0, 5))
    assert np.allclose(r["ray_f1"] + r["ray_f2"], 1)
    assert np.all(np.isfinite(r["ray_residual"])) and {"val_error", "train_f2"} <= set(r)
    # the surrogate gap shrinks from the accuracy end to the fairness end
    assert r["train_f2"][-1] < r["train_f2"][0]
    new = est.member_at(0.3)
    assert isinstance(new, CBAClassifier) and new.alpha == 0.3
    same = est.member_at([1.0, 0.0])
    assert np.array_equal(same.decision_function(X), est.front_[0].decision_function(X))
    assert {"f1", "f2", "ray_residual"} <= set(est.history_[-1, "batches", -1])
    with pytest.raises(ValueError, match="ray must be"):
        est.member_at([0.5, 0.7])


def test_member_at_before_fit():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        PHNParetoClassifier().member_at(0.5)


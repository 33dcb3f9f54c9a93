"""PHNParetoClassifier: the front from a trained hypernetwork, and new rays without retraining."""

import numpy as np
import pytest

from skfairpareto import CBAClassifier, PHNParetoClassifier


FAST = dict(n_members=5, hnet_max_epochs=40, start_max_epochs=60, random_state=0)


@pytest.fixture(scope="module")
def fitted(front_data):
    return (PHNParetoClassifier(**FAST).fit(*front_data[:2], sensitive_features=front_data[2]), *front_data)


def test_phn_front_and_new_rays(fitted):
    est, X, y, s = fitted
    r = est.front_results_
    # the hypernetwork's heads at 5 rays, then the start head at alpha=1 (next to the ray's head)
    assert len(est.front_) == 6 and np.allclose(r["alpha"], [1.0, *np.linspace(1, 0, 5)])
    assert {"val_error", "train_f2", "ray_residual"} <= set(r)
    # the surrogate gap shrinks from the accuracy end to the fairness end
    assert r["train_f2"][-1] < r["train_f2"][0]
    new = est.member_at(0.3)
    assert isinstance(new, CBAClassifier) and new.alpha == 0.3
    same = est.member_at([1.0, 0.0])
    assert np.array_equal(same.decision_function(X), est.front_[0].decision_function(X))
    assert {"f1", "f2", "ray_residual"} <= set(est.history_[-1, "batches", -1])
    with pytest.raises(ValueError, match="ray must be"):
        est.member_at([0.5, 0.7])


def test_the_start_head_joins_the_front_and_the_rays_head_normalises_the_tuning(front_data):
    """front_[1] is the polished start head, the error's optimum: no head of the front has a lower
    training error. Every threshold is tuned on the scales of the hypernetwork's own head at
    alpha=1 (front_[0]), on the validation rows, not on the start head's."""
    import torch

    X, y, s = front_data[:3]
    fit, val = slice(0, 480), slice(480, None)
    est = PHNParetoClassifier(**FAST).fit(X[fit], y[fit], sensitive_features=s[fit], X_val=X[val], y_val=y[val],
                                          sensitive_features_val=s[val])
    start, r = est.front_[1], est.front_results_
    assert len(est.front_) == FAST["n_members"] + 1 and start.weights == (1.0, 0.0)
    for a, b in zip(start.net_.module_.state_dict().values(), est.start_.net_.module_.state_dict().values()):
        assert torch.equal(a, b)
    assert r["train_f1"][1] <= r["train_f1"].min() + 1e-6
    hard = est.objectives_.hard(np.searchsorted(est.classes_, y[val]), np.searchsorted(est.groups_, s[val]))
    codes = np.searchsorted(est.groups_, s[val])
    own = hard.scales(est._logits(est.front_[0], X[val], codes))
    assert not np.allclose(own, hard.scales(est._logits(start, X[val], codes)))
    assert all(np.array_equal(m.hard_scales_, own) for m in est.front_)
    assert r["threshold"][0] == r["threshold"][1] == 0.0 and np.all(r["threshold"][2:-1] != 0.0)


def test_member_at_before_fit():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        PHNParetoClassifier().member_at(0.5)



def test_epo_members_lie_nearer_their_rays_than_linear_scalarisation(fitted, front_data):
    # EPO steers each ray's normalised losses onto the ray (l1 : l2 = 1/r1 : 1/r2); LS only
    # minimises r @ l. Compared on the interior rays (the end rays' direction is degenerate).
    epo = fitted[0]
    ls = PHNParetoClassifier(**FAST, solver="ls").fit(*front_data[:2], sensitive_features=front_data[2])
    assert epo.solver == "epo"
    inner = slice(1, -1)
    assert epo.front_results_["ray_residual"][inner].mean() < 0.75 * ls.front_results_["ray_residual"][inner].mean()


def test_the_start_head_is_polished_to_its_objectives_optimum(fitted):
    """Adam's start head, taken further by L-BFGS (what PHN fits): a lower training f1 than the same
    head unpolished, on the same data, and the objectives it records are its polished weights'."""
    import copy

    from skfairpareto._net import objectives_of
    from skfairpareto.cba import fit_start_head

    est, X, y, s = fitted
    y_codes, codes = np.searchsorted(est.classes_, y), np.searchsorted(est.groups_, s)
    heads = [fit_start_head(copy.deepcopy(est), X, y_codes, codes, polish=polish)[0] for polish in (False, True)]
    assert heads[1].train_objectives_[0] < heads[0].train_objectives_[0]
    again = objectives_of(heads[1].net_.module_, X, y_codes, codes, heads[1].objectives_,
                          weight_decay=heads[1].weight_decay_)
    np.testing.assert_allclose(heads[1].train_objectives_, again, rtol=1e-6)


def test_default_rays_are_at_least_21_and_as_many_as_suhnpfs_grid():
    from skfairpareto.phn import member_rays
    from skfairpareto.suhnpf import epsilon_levels

    rays = member_rays(2)
    # 21 evenly spaced alpha (SUHNPF's grid size), every other one exactly the 11 of the earlier default.
    assert rays.shape == (21, 2) == (len(epsilon_levels(2)), 2) and np.array_equal(rays[::2], member_rays(2, 11))
    assert np.array_equal(rays[:, 0], np.linspace(1, 0, 21)) and np.allclose(rays.sum(1), 1.0)
    # More objectives: SUHNPF's grid is larger than 21, and PHN takes as many rays as it has points.
    assert [len(member_rays(m)) for m in (3, 4)] == [len(epsilon_levels(m)) for m in (3, 4)] == [36, 27]

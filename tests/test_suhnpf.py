import matplotlib

matplotlib.use("Agg")
import numpy as np
import pytest
from sklearn.base import clone

from skfairpareto import CBAClassifier, SUHNPFParetoClassifier
from skfairpareto.metrics import pareto_mask

FAST = dict(n_members=5, start_max_epochs=60, random_state=0)


@pytest.fixture(scope="module")
def fitted(front_data):
    return (SUHNPFParetoClassifier(**FAST).fit(*front_data[:2], sensitive_features=front_data[2]), *front_data)


def test_front_members_are_certified_ordinary_classifiers(fitted):
    est, X, y, s = fitted
    r = est.front_results_
    assert len(est.front_) >= 3
    assert all(isinstance(m, CBAClassifier) for m in est.front_)
    assert np.all(r["fj_residual"] < est.tol) and np.all(r["certified"])
    assert np.all(np.diff(r["alpha"]) <= 0), "ordered from most accurate to fairest"
    assert np.all(np.diff(r["train_f2"]) <= 1e-6), "surrogate gap shrinks along the front"
    assert {"train_error", "val_error", "val_gap", "val_accuracy_A"} <= set(r)
    assert est.evaluation_split_ == "val" and 0 < est.hypervolume_ < 1
    for member in est.front_:
        assert member.predict_proba(X).shape == (len(X), 2)
        assert clone(member).get_params()["alpha"] == member.alpha


def test_every_member_is_a_fritz_john_point_of_its_own_weights(front_data):
    """Recompute each member's certificate from its weights alone: the min-norm convex combination
    of the scaled objectives' gradients nearly vanishes (residual below ``tol``), and its weights
    are the reported multipliers (the price of fairness in accuracy)."""
    import torch

    from skfairpareto.objectives import with_weight_decay
    from skfairpareto.solvers import min_norm_multipliers

    X, y, s = front_data
    est = SUHNPFParetoClassifier(**FAST, validation_fraction=None).fit(X, y, sensitive_features=s)
    Xt, yt = torch.as_tensor(X, dtype=torch.float64), torch.as_tensor(y, dtype=torch.float64)
    groups = torch.as_tensor(np.searchsorted(est.groups_, s))
    for member, multiplier in zip(est.front_, est.front_results_["multiplier_f1"]):
        weight, bias = (p.detach().double().requires_grad_(True) for p in member.net_.module_.parameters())
        f = with_weight_decay(est.criterion_.objectives(Xt @ weight.reshape(-1) + bias, yt, groups), [weight, bias],
                              est.weight_decay_)
        scales = member.objective_scales_
        grads = torch.stack([torch.cat([g.reshape(-1) for g in torch.autograd.grad(f[k] / scales[k], [weight, bias],
                                                                                 retain_graph=True)])
                             for k in range(2)])
        lam, residual = min_norm_multipliers(grads)
        assert residual < est.tol
        unscaled = lam / scales
        assert unscaled[0] / unscaled.sum() == pytest.approx(multiplier, abs=1e-3)


def test_selection_rules(fitted):
    est, X, y, s = fitted
    r = est.front_results_
    # The most accurate member; among equally accurate ones, the fairest.
    best = np.lexsort((r["val_gap"], r["val_error"]))[0]
    assert est.select("most_accurate") is est.front_[best]
    assert est.select(1.0) is est.front_[0]
    assert est.select(0.0) is est.front_[-1]
    assert est.select({"max_gap": 1.0}) is est.front_[best]
    assert r["pareto_optimal"][est.selected_index_]  # knee lies on the front
    assert np.array_equal(est.predict(X), est.front_[est.selected_index_].predict(X))
    for bad in ("best", {"gap": 1}, 1.5):
        with pytest.raises(ValueError, match="selection"):
            est.select(bad)


def test_explicit_validation_data_and_errors(fitted):
    _, X, y, s = fitted
    est = SUHNPFParetoClassifier(**FAST).fit(X[:400], y[:400], sensitive_features=s[:400],
                                             X_val=X[400:], y_val=y[400:], sensitive_features_val=s[400:])
    assert len(est.front_) >= 2
    with pytest.raises(ValueError, match="together"):
        SUHNPFParetoClassifier(**FAST).fit(X, y, sensitive_features=s, X_val=X)
    with pytest.raises(ValueError, match="not seen in fit"):
        SUHNPFParetoClassifier(**FAST).fit(X[:400], y[:400], sensitive_features=s[:400], X_val=X[400:],
                                           y_val=y[400:], sensitive_features_val=np.full(200, "C"))


def test_max_gap_constraint_bounds_every_member(fitted):
    _, X, y, s = fitted
    free = SUHNPFParetoClassifier(**FAST, validation_fraction=None).fit(X, y, sensitive_features=s)
    cap = float(np.sqrt(free.front_results_["train_f2"][0])) / 2
    est = SUHNPFParetoClassifier(**FAST, validation_fraction=None, max_gap=cap).fit(X, y, sensitive_features=s)
    assert np.all(np.sqrt(est.front_results_["train_f2"]) <= cap * 1.01)


def test_pareto_mask():
    pts = np.array([[0.1, 0.5], [0.2, 0.2], [0.3, 0.3], [0.5, 0.1]])
    assert pareto_mask(pts).tolist() == [True, True, False, True]


def test_the_solver_trains_on_the_start_heads_input(front_data, monkeypatch):
    """The start head's copy of X laid out for the head's passes is the solver's input: one copy a
    fit (SUHNPF lays none out of its own), and the front it traces on it certifies."""
    import skfairpareto.cba as cba
    import skfairpareto.suhnpf as suhnpf

    X, y, s = front_data[:3]
    built, original = [], cba.training_features
    counting = lambda *a: built.append(a) or original(*a)  # noqa: E731
    monkeypatch.setattr(cba, "training_features", counting)
    monkeypatch.setattr(suhnpf, "training_features", counting, raising=False)  # any copy of its own too
    est = SUHNPFParetoClassifier(**FAST).fit(X, y, sensitive_features=s)
    assert len(built) == 1 and len(est.front_) >= 3
    assert np.all(est.front_results_["certified"])

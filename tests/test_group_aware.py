"""Group-aware fronts: one learned offset per group, the group required at prediction time."""

import pickle

import numpy as np
import pytest
import torch
from fairlearn.metrics import MetricFrame, accuracy_score_difference, plot_model_comparison
from sklearn import config_context
from sklearn.metrics import accuracy_score
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skfairpareto import CBAClassifier, PHNParetoClassifier, load_member, save_member
from skfairpareto.metrics import make_group_scorer


def _base_rates(seed, n=1500):
    """Base rates 0.2 (A) and 0.8 (B); the features carry the label but nothing of the group."""
    rng = np.random.RandomState(seed)
    s = rng.randint(0, 2, n)
    y = (rng.rand(n) < np.where(s == 1, 0.8, 0.2)).astype(int)
    X = (rng.normal(size=(n, 4)) + 0.9 * (2 * y[:, None] - 1) * np.array([1.0, 0.5, 0.0, 0.0])).astype(np.float32)
    return X, y, np.where(s == 1, "B", "A")


FAST = dict(n_members=7, solver="ls", hnet_max_epochs=60, start_max_epochs=100, validation_fraction=None, random_state=0)


@pytest.fixture(scope="module")
def fronts():
    X, y, s = _base_rates(0)
    return {aware: PHNParetoClassifier(group_aware=aware, **FAST).fit(X, y, sensitive_features=s)
            for aware in (False, True)}


def _sweep(aware, X, y, s, Xt, yt, st):
    """(test error, test demographic-parity gap) of CBA heads from accuracy to fairness only."""
    from fairlearn.metrics import demographic_parity_difference

    points = []
    for alpha in (1.0, 0.5, 0.2, 0.05, 0.0):
        clf = CBAClassifier(alpha=alpha, group_aware=aware, constraints="demographic_parity", max_epochs=150,
                            random_state=0).fit(X, y, sensitive_features=s)
        pred = clf.predict(Xt, sensitive_features=st)
        points.append((np.mean(pred != yt), demographic_parity_difference(yt, pred, sensitive_features=st)))
    return np.array(points)


def test_group_aware_front_reaches_a_smaller_test_gap_at_equal_error():
    # Selection rates 0.2 and 0.8 cannot meet without the group: a blind head equalises them only
    # by flagging everyone alike, while per-group offsets move each group's threshold.
    data = (*_base_rates(0), *_base_rates(1))
    blind, aware = _sweep(False, *data), _sweep(True, *data)
    for budget in (0.30, 0.42):
        gap = {k: pts[pts[:, 0] <= budget, 1].min() for k, pts in (("blind", blind), ("aware", aware))}
        assert gap["aware"] < gap["blind"] - 0.05, (budget, blind, aware)
    from skfairpareto.metrics import hypervolume

    assert hypervolume(aware, (0.5, 0.7)) > hypervolume(blind, (0.5, 0.7))


def test_prediction_needs_the_groups_and_knows_them(fronts):
    est = fronts[True]
    X, _, s = _base_rates(1, n=50)
    for method in ("predict", "predict_proba", "decision_function"):
        with pytest.raises(ValueError, match="PHNParetoClassifier is group-aware.*pass sensitive_features"):
            getattr(est, method)(X)
        with pytest.raises(ValueError, match="CBAClassifier is group-aware"):
            getattr(est.front_[0], method)(X)
    with pytest.raises(ValueError, match=r"groups not seen in fit: \['C'\]"):
        est.predict(X, sensitive_features=np.where(s == "A", "C", s))
    # Group-blind models ignore the groups, so one call serves both.
    blind = fronts[False]
    assert np.array_equal(blind.predict(X, sensitive_features=s), blind.predict(X))
    assert len(est.front_[0].net_.module_.offsets) == 2
    assert not any("offsets" in k for k in blind.front_[0].net_.module_.state_dict())


def test_front_api_fairlearn_and_persistence_keep_the_offsets(fronts, tmp_path):
    est = fronts[True]
    X, y, s = _base_rates(1, n=200)
    member = est.select("fairest")
    expected = member.predict_proba(X, sensitive_features=s)
    path = save_member(member, tmp_path / "aware.safetensors")
    assert np.array_equal(load_member(path).predict_proba(X, sensitive_features=s), expected)
    restored = pickle.loads(pickle.dumps(est))
    assert np.array_equal(restored.select("fairest").predict_proba(X, sensitive_features=s), expected)
    assert np.array_equal(restored.member_at(0.3).net_.module_.offsets.detach().numpy(),
                          est.member_at(0.3).net_.module_.offsets.detach().numpy())
    mf = MetricFrame(metrics=accuracy_score, y_true=y, y_pred=member.predict(X, sensitive_features=s),
                     sensitive_features=s)
    assert set(mf.by_group.index) == {"A", "B"}
    preds = {f"m{i}": m.predict(X, sensitive_features=s) for i, m in enumerate(est.front_)}
    plot_model_comparison(x_axis_metric=accuracy_score, y_axis_metric=accuracy_score_difference, y_true=y,
                          y_preds=preds, sensitive_features=s, show_plot=False)
    assert est.plot_front().get_ylabel().startswith("accuracy")
    assert est.score(X, y, sensitive_features=s) == accuracy_score(y, est.predict(X, sensitive_features=s))


def test_routing_in_a_pipeline_and_a_grid_search_with_a_fair_scorer():
    X, y, s = _base_rates(2, n=600)

    def fair_accuracy(y_true, y_pred, *, sensitive_features):
        return accuracy_score(y_true, y_pred) - accuracy_score_difference(y_true, y_pred,
                                                                          sensitive_features=sensitive_features)

    with config_context(enable_metadata_routing=True):
        clf = CBAClassifier(alpha=0.3, group_aware=True, max_epochs=40, random_state=0)
        pipe = make_pipeline(StandardScaler(), clf.set_fit_request(sensitive_features=True)
                             .set_predict_request(sensitive_features=True))
        pipe.fit(X, y, sensitive_features=s)
        assert pipe.predict(X, sensitive_features=s).shape == (600,)
        with pytest.raises(ValueError, match="group-aware"):
            pipe.predict(X)
        search = GridSearchCV(pipe, {"cbaclassifier__group_aware": [False, True]}, cv=2,
                              scoring=make_group_scorer(fair_accuracy))
        search.fit(X, y, sensitive_features=s)
    # The scorer got each held-out fold's groups, and so did the group-aware model's predict.
    from sklearn.base import clone
    from sklearn.model_selection import StratifiedKFold

    by_hand = []
    for aware in (False, True):
        scores = []
        for train, test in StratifiedKFold(2).split(X, y):
            with config_context(enable_metadata_routing=True):
                fold = clone(pipe).set_params(cbaclassifier__group_aware=aware).fit(X[train], y[train],
                                                                                   sensitive_features=s[train])
                pred = fold.predict(X[test], sensitive_features=s[test])
            scores.append(fair_accuracy(y[test], pred, sensitive_features=s[test]))
        by_hand.append(np.mean(scores))
    np.testing.assert_allclose(search.cv_results_["mean_test_score"], by_hand)


@pytest.mark.numerics
@pytest.mark.parametrize("name", ["cba", "suhnpf", "phn-ls", "fapareto"])
def test_a_group_aware_member_is_its_group_blind_head_plus_one_offset_per_group(name, front_data, make_estimator):
    """Group-aware members add ``offsets[group]`` to a group-blind head's logit, and nothing else:
    with its offsets at zero a member predicts exactly as the blind head with the same weights.
    Checked in one process, to float64 rounding, so it holds on every CPU."""
    import copy

    from skfairpareto.heads import GroupOffsets, MLPHead

    X, y, s = front_data
    aware = make_estimator(name, group_aware=True).fit(X, y, sensitive_features=s)
    blind = make_estimator(name).fit(X, y, sensitive_features=s)
    assert all(type(m.net_.module_) is MLPHead for m in getattr(blind, "front_", [blind]))
    for member in getattr(aware, "front_", [aware]):
        module = member.net_.module_
        assert isinstance(module, GroupOffsets) and module.offsets.shape == (2,)
        head_only = CBAClassifier._from_module_state(
            {**member.get_params(), "group_aware": False, "weight_decay": member.weight_decay_},
            {k.removeprefix("head."): v for k, v in module.state_dict().items() if k.startswith("head.")},
            classes=member.classes_, group_names=member.groups_, n_features=X.shape[1], scales=member.objective_scales_)
        head_only.threshold_ = member.threshold_  # the same (tuned) decision rule
        offsets = module.offsets.detach().double().numpy()
        codes = np.searchsorted(member.groups_, s)
        # float64 sums in another order: equal to rounding, (logit + offset) - t vs (logit - t) + offset
        np.testing.assert_allclose(member.decision_function(X, sensitive_features=s),
                                   head_only.decision_function(X) + offsets[codes], rtol=0, atol=1e-12)
        zeroed = copy.deepcopy(member)
        with torch.no_grad():
            zeroed.net_.module_.offsets.zero_()
        assert np.array_equal(zeroed.decision_function(X, sensitive_features=s), head_only.decision_function(X))

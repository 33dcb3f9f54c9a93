"""What every front estimator promises (shared base): ordinary members, fairlearn, pickle, plots."""

import pickle

import joblib
import matplotlib

matplotlib.use("Agg")
import numpy as np
import pytest
from fairlearn.metrics import MetricFrame, plot_model_comparison, selection_rate
from sklearn import config_context
from sklearn.base import clone
from sklearn.metrics import accuracy_score, make_scorer
from sklearn.model_selection import GridSearchCV

from skfairpareto import CBAClassifier, FaParetoEnsemble
from skfairpareto.metrics import accuracy_gap

FRONT_ESTIMATORS = ["suhnpf", "phn-epo", "phn-ls", "fapareto"]


@pytest.fixture(scope="module")
def data(front_data):
    X, y, s = front_data
    return X, np.where(y == 1, "toxic", "ok"), s  # string labels: members keep any two values


@pytest.fixture(scope="module", params=FRONT_ESTIMATORS)
def fitted(request, data, make_estimator):
    X, y, s = data
    return make_estimator(request.param).fit(X, y, sensitive_features=s)


def test_members_are_ordinary_classifiers(fitted, data):
    X, y, s = data
    r = fitted.front_results_
    assert len(fitted.front_) >= 2 and all(isinstance(m, CBAClassifier) for m in fitted.front_)
    # The evolution chooses its archive on the validation rows: its figures there are named "search".
    split = "search" if isinstance(fitted, FaParetoEnsemble) else "val"
    assert {"alpha", "train_error", f"{split}_error", f"{split}_gap", f"{split}_accuracy_A", "pareto_optimal"} <= set(r)
    assert all(len(v) == len(fitted.front_) for v in r.values())
    assert 0 < fitted.hypervolume_ < 1 and fitted.evaluation_split_ == split
    for member in fitted.front_:
        assert set(member.predict(X)) <= {"ok", "toxic"}
        assert member.predict_proba(X).shape == (len(X), 2)
        assert clone(member).get_params()["alpha"] == member.alpha
    assert np.array_equal(fitted.predict(X), fitted.selected_.predict(X))


def test_members_work_in_fairlearn(fitted, data):
    X, y, s = data
    mf = MetricFrame(metrics={"acc": accuracy_score, "sel": lambda a, b: selection_rate(a, b, pos_label="toxic")},
                     y_true=y, y_pred=fitted.front_[0].predict(X), sensitive_features=s)
    # fairlearn's plot computes metrics on numeric arrays: compare on 0/1 labels.
    y = (y == "toxic").astype(int)
    preds = {f"m{i}": (m.predict(X) == "toxic").astype(int) for i, m in enumerate(fitted.front_)}
    assert mf.by_group.shape == (2, 2)
    assert mf.by_group.loc["A", "acc"] == accuracy_score(np.where(y == 1, "toxic", "ok")[s == "A"],
                                                         fitted.front_[0].predict(X[s == "A"]))
    ax = plot_model_comparison(x_axis_metric=accuracy_score, y_axis_metric=accuracy_gap, y_true=y,
                               y_preds=preds, sensitive_features=s, point_labels=True, show_plot=False)
    # One point per member, at its accuracy and accuracy gap.
    drawn = ax.collections[-1].get_offsets()
    expected = [[accuracy_score(y, p), accuracy_gap(y, p, sensitive_features=s)] for p in preds.values()]
    np.testing.assert_allclose(drawn, expected)


def test_score_front_and_plot(fitted, data):
    X, y, s = data
    table = fitted.score_front(X, y, sensitive_features=s)
    assert list(table.columns[:2]) == ["alpha", "error"] and len(table) == len(fitted.front_)
    assert fitted.hypervolume(X, y, sensitive_features=s) > 0
    ax = fitted.plot_front()
    assert ax.get_xlabel().startswith("error") and len(ax.lines) == 2
    # The front line is every member at its recorded (error, gap); the star is the selected one.
    r, split = fitted.front_results_, fitted.evaluation_split_
    line, star = ax.lines
    order = np.argsort(r[f"{split}_error"])
    np.testing.assert_allclose(line.get_xydata(), np.column_stack([r[f"{split}_error"], r[f"{split}_gap"]])[order])
    i = fitted.selected_index_
    np.testing.assert_allclose(star.get_xydata(), [[r[f"{split}_error"][i], r[f"{split}_gap"][i]]])


@pytest.mark.parametrize("dumps, loads", [(pickle.dumps, pickle.loads),
                                          (lambda o: o, lambda o: joblib.load(_joblib_round_trip(o)))])
def test_persistence_round_trip_is_bit_identical(fitted, data, dumps, loads, tmp_path_factory):
    X, _, _ = data
    restored = loads(dumps(fitted))
    assert np.array_equal(restored.decision_function(X), fitted.decision_function(X))
    for a, b in zip(restored.front_, fitted.front_):
        assert np.array_equal(a.decision_function(X), b.decision_function(X))


def _joblib_round_trip(obj):
    import tempfile

    path = tempfile.mktemp(suffix=".joblib")
    joblib.dump(obj, path)
    return path


@pytest.mark.parametrize("name", FRONT_ESTIMATORS)
def test_grid_search_tunes_selection_with_a_fair_scorer(name, data, make_estimator):
    X, y, s = data

    def fair_accuracy(y_true, y_pred, *, sensitive_features):
        return accuracy_score(y_true, y_pred) - accuracy_gap(y_true, y_pred, sensitive_features=sensitive_features)

    with config_context(enable_metadata_routing=True):
        scorer = make_scorer(fair_accuracy).set_score_request(sensitive_features=True)
        search = GridSearchCV(make_estimator(name).set_fit_request(sensitive_features=True),
                              {"selection": ["most_accurate", "fairest", "knee"]}, scoring=scorer, cv=2)
        search.fit(X, y, sensitive_features=s)
    # Each candidate's score is its selected member's fair accuracy on the held-out fold: the same
    # fold fits, scored by hand through select(), give the same numbers.
    from sklearn.model_selection import StratifiedKFold

    selections = search.cv_results_["param_selection"]
    by_hand = {sel: [] for sel in selections}
    for train, test in StratifiedKFold(2).split(X, y):
        est = make_estimator(name).fit(X[train], y[train], sensitive_features=s[train])
        for sel in selections:
            by_hand[sel].append(fair_accuracy(y[test], est.select(sel).predict(X[test]), sensitive_features=s[test]))
    np.testing.assert_allclose(search.cv_results_["mean_test_score"], [np.mean(by_hand[sel]) for sel in selections])
    assert search.best_params_["selection"] == max(by_hand, key=lambda sel: np.mean(by_hand[sel]))

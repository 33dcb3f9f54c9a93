import pickle

import numpy as np
import pytest
import torch
from fairlearn.metrics import MetricFrame, equalized_odds_difference
from sklearn import config_context
from sklearn.base import clone
from sklearn.metrics import accuracy_score, make_scorer
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skfairpareto import CBAClassifier
from skfairpareto.exceptions import TrainingDivergedError

FAST = dict(max_epochs=40, random_state=0)


def test_fit_predict_any_two_labels(biased_data):
    X, y, s = biased_data
    labels = np.where(y == 1, "hate", "ok")
    clf = CBAClassifier(alpha=0.5, **FAST).fit(X, labels, sensitive_features=s)
    assert list(clf.classes_) == ["hate", "ok"]
    assert set(clf.predict(X)) <= {"hate", "ok"}
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), 2) and np.allclose(proba.sum(1), 1)
    assert np.array_equal(clf.predict(X), clf.classes_[(clf.decision_function(X) > 0).astype(int)])
    assert clf.score(X, labels) > 0.7
    assert list(clf.groups_) == ["A", "B"]
    assert {"f1", "f2", "train_loss"} <= set(clf.history_[-1, "batches", -1])


def test_lower_alpha_trades_accuracy_for_fairness(biased_data):
    X, y, s = biased_data
    f = {a: CBAClassifier(alpha=a, **FAST).fit(X, y, sensitive_features=s).train_objectives_ for a in (1.0, 0.2)}
    assert f[0.2][1] < f[1.0][1]  # smaller gap
    assert f[0.2][0] >= f[1.0][0] - 1e-6  # not more accurate


def test_reproducible_with_random_state(biased_data):
    X, y, s = biased_data
    a = CBAClassifier(alpha=0.5, **FAST).fit(X, y, sensitive_features=s).decision_function(X)
    b = CBAClassifier(alpha=0.5, **FAST).fit(X, y, sensitive_features=s).decision_function(X)
    assert np.array_equal(a, b)


def test_warm_start_continues_from_the_previous_head(biased_data):
    X, y, s = biased_data
    clf = CBAClassifier(alpha=1.0, warm_start=True, tol=None, **FAST).fit(X, y, sensitive_features=s)
    scales, first = clf.objective_scales_.copy(), clf.net_
    clf.set_params(alpha=0.2, max_epochs=15).fit(X, y, sensitive_features=s)
    # The accuracy stage is not refitted: the same net trains 15 more epochs (all of them, with
    # tol=None), same normalisers.
    assert clf.net_ is first and len(clf.history_) == FAST["max_epochs"] + 15
    assert np.array_equal(clf.objective_scales_, scales)
    cold = CBAClassifier(alpha=1.0, **FAST).fit(X, y, sensitive_features=s).train_objectives_
    assert clf.train_objectives_[1] < cold[1]  # moved toward fairness from the accuracy start
    # Different data shape or groups: a warm start does not apply, fit starts over.
    clf.fit(X[:, :4], y, sensitive_features=s)
    assert clf.net_ is not first and len(clf.history_) == 2 * 15
    clf.fit(X[:, :4], y, sensitive_features=np.where(s == "A", "C", "D"))
    assert list(clf.groups_) == ["C", "D"] and len(clf.history_) == 2 * 15


def test_mlp_head_and_intersectional_groups(biased_data):
    import pandas as pd

    X, y, s = biased_data
    sf = pd.DataFrame({"dialect": s, "other": np.arange(len(s)) % 2})
    clf = CBAClassifier(alpha=0.5, hidden_layer_sizes=(8,), dropout=0.1, **FAST)
    clf.fit(X, y, sensitive_features=sf)
    assert list(clf.groups_) == ["A|0", "A|1", "B|0", "B|1"]
    assert clf.predict(X).shape == (len(X),)


def test_divergence_is_a_clear_error(biased_data):
    X, y, s = biased_data
    with pytest.raises(TrainingDivergedError, match="diverged"):
        CBAClassifier(lr=1e30, optimizer=torch.optim.SGD, **FAST).fit(X * 1e20, y, sensitive_features=s)


def test_predict_before_fit_and_wrong_width(biased_data):
    from sklearn.exceptions import NotFittedError

    X, y, s = biased_data
    with pytest.raises(NotFittedError):
        CBAClassifier().predict(X)
    clf = CBAClassifier(**FAST).fit(X, y, sensitive_features=s)
    with pytest.raises(ValueError, match="features"):
        clf.predict(X[:, :3])


def test_prediction_streams_in_batches_and_matches_the_linear_map(biased_data):
    X, y, s = biased_data
    clf = CBAClassifier(**FAST).fit(X, y, sensitive_features=s)
    big = np.random.RandomState(1).normal(size=(20_000, X.shape[1])).astype(np.float32)
    batches = []
    original = clf.net_.module_.forward
    clf.net_.module_.forward = lambda Xb, *a, **k: batches.append(len(Xb)) or original(Xb, *a, **k)
    logits = clf.decision_function(big)
    assert batches == [8192, 8192, 20_000 - 2 * 8192]
    w = [p.detach().numpy() for p in clf.net_.module_.parameters()]
    assert np.allclose(logits, big @ w[0].ravel() + w[1], atol=1e-5)


def test_clone_pickle_and_metricframe(biased_data):
    X, y, s = biased_data
    clf = CBAClassifier(alpha=0.3, **FAST).fit(X, y, sensitive_features=s)
    assert clone(clf).get_params() == clf.get_params()
    restored = pickle.loads(pickle.dumps(clf))
    assert np.array_equal(restored.decision_function(X), clf.decision_function(X))
    mf = MetricFrame(metrics=accuracy_score, y_true=y, y_pred=clf.predict(X), sensitive_features=s)
    assert set(mf.by_group.index) == {"A", "B"}


def test_metadata_routing_pipeline_search_and_fair_scorer(biased_data):
    X, y, s = biased_data
    with config_context(enable_metadata_routing=True):
        pipe = make_pipeline(StandardScaler(), CBAClassifier(**FAST).set_fit_request(sensitive_features=True))
        pipe.fit(X, y, sensitive_features=s)
        assert pipe.score(X, y) > 0.7

        fair = make_scorer(equalized_odds_difference, greater_is_better=False).set_score_request(
            sensitive_features=True
        )
        search = GridSearchCV(
            CBAClassifier(**FAST).set_fit_request(sensitive_features=True),
            {"alpha": [1.0, 0.3]},
            scoring={"accuracy": "accuracy", "eod": fair},
            refit="eod",
            cv=3,
        )
        search.fit(X, y, sensitive_features=s)
        cv = cross_validate(
            CBAClassifier(**FAST).set_fit_request(sensitive_features=True), X, y,
            params={"sensitive_features": s}, scoring={"eod": fair}, cv=3,
        )
    # Routing is exact: each fold's fit got the fold's groups and its scorer the held-out groups,
    # as a hand-written loop over the same folds computes them.
    from sklearn.model_selection import StratifiedKFold

    by_hand = {a: [] for a in (1.0, 0.3)}
    for train, test in StratifiedKFold(3).split(X, y):
        for a in by_hand:
            clf = CBAClassifier(alpha=a, **FAST).fit(X[train], y[train], sensitive_features=s[train])
            by_hand[a].append(-equalized_odds_difference(y[test], clf.predict(X[test]), sensitive_features=s[test]))
    assert np.array_equal(cv["test_eod"], by_hand[1.0])
    assert np.allclose(search.cv_results_["mean_test_eod"], [np.mean(by_hand[a]) for a in (1.0, 0.3)])
    best = max(by_hand, key=lambda a: np.mean(by_hand[a]))
    assert search.best_params_["alpha"] == best
    assert np.array_equal(search.predict(X), CBAClassifier(alpha=best, **FAST).fit(X, y, sensitive_features=s).predict(X))


@pytest.mark.parametrize("head, kwargs, device, fortran", [
    ("mlp", {"hidden_layer_sizes": (), "n_outputs": 1}, "cpu", True),
    ("offsets", {"hidden_layer_sizes": (), "n_groups": 2}, "cpu", True),
    ("mlp", {"hidden_layer_sizes": (), "n_outputs": 3}, "cpu", False),
    ("mlp", {"hidden_layer_sizes": (8,), "n_outputs": 1}, "cpu", False),
    ("mlp", {"hidden_layer_sizes": (), "n_outputs": 1}, "cuda", False),
])
def test_training_features_are_column_major_only_for_a_one_logit_linear_head_on_cpu(head, kwargs, device, fortran):
    from skfairpareto.heads import GroupOffsets, MLPHead, training_features

    X = np.arange(24, dtype=np.float32).reshape(6, 4)
    module = MLPHead if head == "mlp" else GroupOffsets
    out = training_features(X, module, {"n_features": 4, **kwargs}, device)
    np.testing.assert_array_equal(out, X)
    assert out.flags.f_contiguous is fortran and (out is X) is not fortran


def test_training_features_leave_a_memory_mapped_x_on_disk(tmp_path):
    from skfairpareto.heads import MLPHead, training_features

    np.save(tmp_path / "X.npy", np.ones((5, 3), dtype=np.float32))
    X = np.load(tmp_path / "X.npy", mmap_mode="r")
    assert training_features(X, MLPHead, {"n_features": 3}, "cpu") is X
    view = np.asarray(X)[1:]  # what validation hands on: a plain ndarray over the mapped file
    assert training_features(view, MLPHead, {"n_features": 3}, "cpu") is view


def test_a_column_major_pass_gives_the_row_major_gradients(biased_data):
    # The layout changes the kernel's summation order, nothing else.
    from skfairpareto.heads import MLPHead

    X, y, _ = biased_data
    head = MLPHead(X.shape[1])
    grads = []
    for layout in (np.ascontiguousarray(X), np.asfortranarray(X)):
        head.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(head(torch.as_tensor(layout)),
                                                                    torch.as_tensor(y, dtype=torch.float32))
        loss.backward()
        grads.append([p.grad.clone() for p in head.parameters()])
    for a, b in zip(*grads):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6)


def test_cba_path_is_the_warm_start_homotopy(biased_data):
    """cba_path's members are CBAClassifier(warm_start=True) swept from alpha=1 down, member for member."""
    import copy

    from skfairpareto.cba import cba_path

    X, y, s = biased_data
    alphas = [0.0, 1.0, 0.5]  # any order: the path walks it from the accuracy end, returns it as given
    path = cba_path(X, y, sensitive_features=s, alphas=alphas, **FAST)
    assert [m.alpha for m in path] == alphas
    sweep, clf = {}, CBAClassifier(warm_start=True, **FAST)
    for a in (1.0, 0.5, 0.0):
        sweep[a] = copy.deepcopy(clf.set_params(alpha=a).fit(X, y, sensitive_features=s))
    for member in path:  # same operations on the same data: the same weights on one machine
        assert np.array_equal(member.decision_function(X), sweep[member.alpha].decision_function(X))
        assert np.array_equal(member.objective_scales_, sweep[1.0].objective_scales_)
    # The start trains max_epochs; each step at most that, until its loss stops falling (tol).
    steps = np.diff([len(m.history_) for m in (path[1], path[2], path[0])])
    assert len(path[1].history_) == FAST["max_epochs"] and np.all((steps > 0) & (steps <= FAST["max_epochs"]))
    assert len(path[0].history_) == len(sweep[0.0].history_)
    # Each step moved toward fairness from where the last one ended.
    gaps = [m.train_objectives_[1] for m in (path[1], path[2], path[0])]
    assert gaps[0] > gaps[1] > gaps[2]


def test_cba_path_builds_its_training_input_once(biased_data, monkeypatch):
    """The start's standardised (and, for a linear head, column-major) copy of X is every step's input."""
    import skfairpareto.cba as cba

    X, y, s = biased_data
    built, original = [], cba.training_features
    monkeypatch.setattr(cba, "training_features", lambda *a: built.append(a) or original(*a))
    path = cba.cba_path(X, y, sensitive_features=s, alphas=[1.0, 0.5, 0.25, 0.0], **FAST)
    assert len(path) == 4 and len(built) == 1
    # A fit of its own builds its own.
    CBAClassifier(alpha=0.5, **FAST).fit(X, y, sensitive_features=s)
    assert len(built) == 2


def test_a_continuing_stage_stops_once_its_loss_stops_falling(biased_data):
    """tol: the stage after the start ends when its loss has not fallen by tol (relative) for
    n_iter_no_change epochs, at the loss that training all max_epochs reaches."""
    from sklearn.utils._param_validation import InvalidParameterError

    X, y, s = biased_data
    params = dict(alpha=0.5, max_epochs=300, random_state=0)
    full = CBAClassifier(tol=None, **params).fit(X, y, sensitive_features=s)
    early = CBAClassifier(tol=1e-4, n_iter_no_change=20, **params).fit(X, y, sensitive_features=s)
    assert len(full.history_) == 600  # the start, then the stage at alpha=0.5, each 300 epochs
    n = len(early.history_)
    assert 300 + 20 <= n < 600
    # The start is not cut short: the same 300 epochs in both fits (same process, same operations).
    assert np.array_equal(early.history_[:300, "train_loss"], full.history_[:300, "train_loss"])
    loss = np.array(early.history_[300:, "train_loss"])
    assert loss[-20:].min() >= loss[:-20].min() * (1 - 1e-4)  # why it stopped
    assert loss[-1] == pytest.approx(full.history_[-1, "train_loss"], rel=0.01)  # where all epochs end
    # Divergence is still judged against the fit's first batch, not the continuing stage's: a
    # stage that starts near a loss of 0 may rise to O(1) without having diverged.
    stop = dict(early.net_.callbacks_)["stop_on_divergence"]
    assert stop.first_["train_loss"] == abs(early.history_[0, "batches", 0, "train_loss"])
    assert dict(early.net_.callbacks_)["converged"].patience == np.inf  # off again after the stage
    for bad in (dict(tol=-1.0), dict(n_iter_no_change=0)):
        with pytest.raises(InvalidParameterError, match=next(iter(bad))):
            CBAClassifier(**bad).fit(X, y, sensitive_features=s)


def test_cba_path_on_the_simplex_continues_from_the_nearest_point(biased_data):
    """A weight grid over three objectives: each point trains from the fitted point nearest to it."""
    import pandas as pd

    from skfairpareto.cba import cba_path

    X, y, s = biased_data
    sf = pd.DataFrame({"a": s, "b": np.arange(len(s)) % 2})
    # tol=None: every step trains max_epochs, so the history's length counts the steps.
    common = dict(constraints=["error_rate_parity", "demographic_parity"], tol=None, **FAST)
    grid = [(0.2, 0.0, 0.8), (0.6, 0.4, 0.0), (1.0, 0.0, 0.0), (0.6, 0.0, 0.4)]
    path = cba_path(X, y, sensitive_features=sf, weights=grid, **common)
    assert [tuple(m.weights) for m in path] == grid
    # (0.6, 0.4, 0) and (0.6, 0, 0.4) continue from the start, (0.2, 0, 0.8) from (0.6, 0, 0.4):
    # three steps of max_epochs after it, where a fit from the start would hold two.
    assert [len(m.history_) // FAST["max_epochs"] for m in path] == [3, 2, 1, 2]
    start = CBAClassifier(alpha=1.0, warm_start=True, **common).fit(X, y, sensitive_features=sf)
    start.set_params(alpha=0.6, weights=(0.6, 0.0, 0.4)).fit(X, y, sensitive_features=sf)
    start.set_params(alpha=0.2, weights=(0.2, 0.0, 0.8)).fit(X, y, sensitive_features=sf)
    assert np.array_equal(path[0].decision_function(X), start.decision_function(X))


def test_cba_path_default_grid_spans_the_simplex_of_three_objectives(biased_data):
    """Without a grid, three objectives get the objectives' preference lattice (every corner and
    unequal shares of the gaps), not rays along the line where the gaps weigh the same; two
    objectives get 11 evenly spaced alphas."""
    import pandas as pd

    from skfairpareto.cba import cba_path

    X, y, s = biased_data
    sf = pd.DataFrame({"a": s, "b": np.arange(len(s)) % 2})
    common = dict(max_epochs=5, random_state=0)
    path = cba_path(X, y, sensitive_features=sf, sensitive_objectives="per_column", **common)
    lattice = path[0].objectives_.preference_grid()
    assert len(path) == len(lattice) == 21
    assert np.array_equal(np.array([m.weights for m in path]), lattice)
    assert {(1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0)} <= {tuple(m.weights) for m in path}
    assert len({m.weights[1] - m.weights[2] for m in path}) > 1  # not only equal gap shares
    two = cba_path(X, y, sensitive_features=s, **common)
    assert [m.alpha for m in two] == list(np.linspace(1.0, 0.0, 11)) and all(m.weights is None for m in two)


def test_weight_decay_auto_scales_as_one_over_the_rows_given_to_fit(biased_data, tmp_path):
    """weight_decay="auto" is 0.6 / n_samples of the rows given to fit (as LogisticRegression's
    penalty scales), validation rows included; every head of a front trains with it; a number stays
    a number."""
    from skfairpareto import SUHNPFParetoClassifier, load_member, save_member

    X, y, s = biased_data
    clf = CBAClassifier(alpha=0.5, **FAST).fit(X, y, sensitive_features=s)
    assert clf.weight_decay == "auto" and clf.weight_decay_ == pytest.approx(0.6 / len(X))
    assert clf.net_.weight_decay == clf.weight_decay_  # what the loss is built with
    assert CBAClassifier(weight_decay=1e-3, **FAST).fit(X, y, sensitive_features=s).weight_decay_ == 1e-3
    front = SUHNPFParetoClassifier(n_members=3, start_max_epochs=30, validation_fraction=0.25, random_state=0)
    front.fit(X, y, sensitive_features=s)
    assert front.weight_decay_ == pytest.approx(0.6 / len(X))
    assert front.start_.weight_decay_ == front.weight_decay_
    assert all(m.weight_decay == m.weight_decay_ == front.weight_decay_ for m in front.front_)
    # A member file holds the number it trained with, and loads as that number.
    loaded = load_member(save_member(clf, tmp_path / "m.safetensors"))
    assert loaded.weight_decay == loaded.weight_decay_ == clf.weight_decay_

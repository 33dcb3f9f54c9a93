"""RandomizedMixture and BaseParetoClassifier.mixture: the opt-in randomised classifier between two members."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.dummy import DummyClassifier

from skfairpareto._selection import mixture_members
from skfairpareto.mixture import RandomizedMixture


def _constants(classes=(0, 1)):
    y = np.array(list(classes) * 4)
    X = np.zeros((len(y), 2))
    return X, y, [DummyClassifier(strategy="constant", constant=c).fit(X, y) for c in classes]


def test_expected_predictions_are_the_weighted_members():
    X, y, (no, yes) = _constants()
    mix = RandomizedMixture([no, yes], [3, 1], random_state=0).fit()
    np.testing.assert_allclose(mix.weights_, [0.75, 0.25])
    np.testing.assert_allclose(mix.predict_pmf(X), np.tile([0.75, 0.25], (len(X), 1)))
    # Expected accuracy: half the labels are 0 (right with probability 0.75), half 1 (0.25).
    assert mix.score(X, y) == pytest.approx(0.5)


def test_predict_draws_each_member_with_its_probability_and_is_seeded():
    X = np.zeros((20000, 2))
    _, _, (no, yes) = _constants()
    mix = RandomizedMixture([no, yes], [0.7, 0.3], random_state=1).fit()
    pred = mix.predict(X)
    assert set(np.unique(pred)) == {0, 1}
    assert np.mean(pred == 1) == pytest.approx(0.3, abs=0.02)  # 20,000 draws: s.e. 0.003
    assert np.array_equal(pred, mix.predict(X))  # an int seed: every call draws the same way
    assert not np.array_equal(pred, clone(mix).set_params(random_state=2).fit().predict(X))


def test_k_classes_and_label_names():
    X, y, members = _constants(("a", "b", "c"))
    mix = RandomizedMixture(members, [0.5, 0.0, 0.5], random_state=0).fit()
    assert mix.classes_.tolist() == ["a", "b", "c"]
    np.testing.assert_allclose(mix.predict_pmf(X)[0], [0.5, 0.0, 0.5])
    assert set(mix.predict(X)) <= {"a", "c"}  # a member of weight 0 is never drawn


@pytest.mark.parametrize("n_members, weights, match", [
    (0, [], "at least one"),
    (2, [0.5, 0.25, 0.25], "one number per estimator"),
    (2, [1.0, -0.5], "non-negative"),
    (2, [0.0, 0.0], "not all 0"),
    (2, [np.nan, 1.0], "finite"),
])
def test_bad_members_or_weights_name_the_problem(n_members, weights, match):
    _, _, members = _constants()
    with pytest.raises(ValueError, match=match):
        RandomizedMixture(members[:n_members], weights).fit()
    with pytest.raises((ValueError, TypeError), match="estimators"):
        RandomizedMixture(None, [1.0]).fit()


def test_members_must_be_fitted_on_the_same_classes():
    X = np.zeros((4, 1))
    a = DummyClassifier(strategy="constant", constant=0).fit(X, [0, 1, 0, 1])
    b = DummyClassifier(strategy="constant", constant=2).fit(X, [0, 2, 0, 2])
    with pytest.raises(ValueError, match="same classes_"):
        RandomizedMixture([a, b], [0.5, 0.5]).fit()
    with pytest.raises(ValueError, match="not fitted|fitted yet"):
        RandomizedMixture([a, DummyClassifier()], [0.5, 0.5]).fit()


def _results(errors, gaps):
    errors, gaps = np.asarray(errors, float), np.asarray(gaps, float)
    return {"val_error": errors, "val_gap": gaps, "alpha": np.linspace(1, 0, len(errors)),
            "pareto_optimal": np.ones(len(errors), bool)}


def test_the_pair_reaches_the_bound_at_the_least_error():
    # Members (error, gap): (0.10, 0.08), (0.12, 0.04), (0.20, 0.00). A gap of at most 0.06:
    # the most accurate within it is member 1; mixed with member 0 at p = 0.5, the gap
    # interpolates to 0.06 and the error to 0.11.
    results = _results([0.10, 0.12, 0.20], [0.08, 0.04, 0.00])
    members, p = mixture_members(results, "val", ["error", "gap"], {"max_gap": 0.06})
    assert members == [1, 0] and p == pytest.approx([0.5, 0.5])
    # A bound a member meets exactly, or one every member meets: that member alone.
    assert mixture_members(results, "val", ["error", "gap"], {"max_gap": 0.08}) == ([0], [1.0])
    # No member within the bound: the nearest, alone (as select picks).
    assert mixture_members(results, "val", ["error", "gap"], {"max_gap": -0.0})[0] == [2]
    assert mixture_members(_results([0.1, 0.2], [0.05, 0.02]), "val", ["error", "gap"], {"max_gap": 0.01}) \
        == ([1], [1.0])


def test_the_pair_respects_every_bound_of_three_objectives():
    names = ["error", "gap[a]", "gap[b]"]
    F = np.array([[0.10, 0.08, 0.02], [0.12, 0.02, 0.02], [0.11, 0.02, 0.10]])
    results = {f"val_{n}": F[:, j] for j, n in enumerate(names)} | {"alpha": np.ones(3), "pareto_optimal": np.ones(3, bool)}
    members, p = mixture_members(results, "val", names, {"max_gap[a]": 0.05, "max_gap[b]": 0.04})
    mixed = np.asarray(p) @ F[members]
    assert members[0] == 1 and np.all(mixed[1:] <= [0.05 + 1e-12, 0.04 + 1e-12])
    # Member 0 lowers the error most within both bounds (member 2's b-gap allows only p = 0.25).
    assert members[1] == 0 and mixed[0] == pytest.approx(0.12 - 0.5 * 0.02)


@pytest.mark.parametrize("name", ["suhnpf", "phn-ls", "fapareto"])
def test_a_fronts_mixture_meets_its_bound_in_expectation_on_the_evaluation_split(name, make_estimator, front_data):
    X, y, s = front_data
    est = make_estimator(name).fit(X, y, sensitive_features=s)
    split = est.evaluation_split_
    gaps = est.front_results_[f"{split}_gap"]
    bound = float(np.mean([gaps.min(), gaps.max()]))
    mix = est.mixture({"max_gap": bound}, random_state=0)
    assert isinstance(mix, RandomizedMixture) and mix.classes_.tolist() == est.classes_.tolist()
    assert all(any(m is f for f in est.front_) for m in mix.estimators)
    # The interpolated figures of the chosen members are within the bound, and no more accurate
    # than the bound allows: the mixture's expected error is at most the selected member's.
    idx = [next(i for i, f in enumerate(est.front_) if f is m) for m in mix.estimators]
    F = np.column_stack([est.front_results_[f"{split}_error"], gaps])[idx]
    expected = mix.weights_ @ F
    assert expected[1] <= bound + 1e-9
    assert expected[0] <= est.front_results_[f"{split}_error"][est.front_.index(est.select({"max_gap": bound}))] + 1e-12
    # Its expected predictions are the members' predictions mixed.
    pmf = mix.predict_pmf(X)
    manual = sum(w * (m.predict(X)[:, None] == est.classes_[None, :]) for m, w in zip(mix.estimators, mix.weights_))
    np.testing.assert_allclose(pmf, manual)
    with pytest.raises(ValueError, match="bounds"):
        est.mixture("knee")


def test_a_mixtures_expected_gap_is_at_most_its_members_interpolated_gap(biased_data):
    # Convexity, checked on data: the gap of the mixed rates never exceeds the mixed gaps.
    from fairlearn.metrics import MetricFrame, false_positive_rate, true_positive_rate

    X, y, s = biased_data
    rng = np.random.RandomState(0)
    a = rng.randint(0, 2, len(y))
    b = (X[:, 0] > 0).astype(int)
    for metric in (true_positive_rate, false_positive_rate):
        ra = MetricFrame(metrics=metric, y_true=y, y_pred=a, sensitive_features=s).by_group.to_numpy()
        rb = MetricFrame(metrics=metric, y_true=y, y_pred=b, sensitive_features=s).by_group.to_numpy()
        for p in np.linspace(0, 1, 11):
            mixed = (1 - p) * ra + p * rb
            assert np.ptp(mixed) <= (1 - p) * np.ptp(ra) + p * np.ptp(rb) + 1e-12


def test_objectives_and_bounds_name_only_known_objectives(make_estimator, front_data):
    X, y, s = front_data
    est = make_estimator("suhnpf").fit(X, y, sensitive_features=s)
    with pytest.raises(ValueError, match="max_gap"):
        est.mixture({"max_unknown": 0.1})

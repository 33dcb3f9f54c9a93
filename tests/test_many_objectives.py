"""Fronts over more than two objectives: several criteria, several sensitive attributes."""

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import false_positive_rate_difference, true_positive_rate_difference

from skfairpareto import CBAClassifier
from skfairpareto.metrics import hypervolume

TPR = "true_positive_rate_parity"


def conflicting(seed, n=1500):
    """Two attributes whose gaps conflict: one feature mixes the signal with both attributes, and
    another (``race - sex``) can cancel either attribute's share only by doubling the other's."""
    rng = np.random.RandomState(seed)
    race, sex = rng.randint(0, 2, n), rng.randint(0, 2, n)
    signal = rng.normal(size=n)
    y = (signal + rng.normal(scale=0.5, size=n) > 0).astype(int)
    X = np.column_stack([signal + 0.8 * race + 0.8 * sex, race - sex, rng.normal(size=(n, 2))]).astype(np.float32)
    return X, y, pd.DataFrame({"race": np.where(race, "r1", "r0"), "sex": np.where(sex, "f", "m")})


def _points(front, X, y, sf):
    """(error, TPR gap by race, TPR gap by sex) of every member on the data."""
    return np.array([[np.mean(m.predict(X) != y), true_positive_rate_difference(y, m.predict(X), sensitive_features=sf.race),
                      true_positive_rate_difference(y, m.predict(X), sensitive_features=sf.sex)] for m in front])


@pytest.mark.parametrize("name", ["suhnpf", "phn-epo", "phn-ls", "fapareto"])
def test_a_three_objective_front_holds_trade_offs_no_two_objective_front_has(name, make_estimator):
    X, y, sf = conflicting(0)
    Xt, yt, sft = conflicting(1)
    options = dict(constraints=TPR, validation_fraction=None if name != "fapareto" else 0.2,
                   **({"n_generations": 4} if name == "fapareto" else {}))
    three = make_estimator(name, sensitive_objectives="per_column", n_members=None, **options).fit(
        X, y, sensitive_features=sf) if name != "fapareto" else make_estimator(
        name, sensitive_objectives="per_column", **options).fit(X, y, sensitive_features=sf)
    assert three._objective_names() == ["error", f"gap[{TPR}:race]", f"gap[{TPR}:sex]"]
    fronts = [make_estimator(name, **options).fit(X, y, sensitive_features=sf[column]) for column in ("race", "sex")]
    P3 = _points(three.front_, Xt, yt, sft)
    union = np.vstack([_points(f.front_, Xt, yt, sft) for f in fronts])
    # Members that no two-objective member weakly dominates: trade-offs only the third objective reveals.
    new = [p for p in P3 if not np.any(np.all(union <= p + 1e-12, axis=1))]
    assert len(new) >= 3
    assert hypervolume(P3, (0.5, 0.5, 0.5)) > hypervolume(union, (0.5, 0.5, 0.5))


def test_the_front_api_in_three_dimensions(make_estimator):
    X, y, sf = conflicting(2, n=1500)
    est = make_estimator("phn-ls", constraints=[TPR, "false_positive_rate_parity"], n_members=None,
                         selection={f"max_gap[{TPR}]": 0.05}).fit(X, y, sensitive_features=sf)
    names = ["error", f"gap[{TPR}]", "gap[false_positive_rate_parity]"]
    assert est._objective_names() == names and len(est.front_) == 36 + 1  # 36 rays, and the start head
    r = est.front_results_
    assert {f"val_{n}" for n in names} <= set(r) and {f"weight[{n}]" for n in names[1:]} <= set(r)
    member = est.front_[5]
    pred = member.predict(X)
    joint = sf.race + "|" + sf.sex
    table = est.score_front(X, y, sensitive_features=sf)
    assert table[names[1]].iloc[5] == pytest.approx(true_positive_rate_difference(y, pred, sensitive_features=joint))
    assert table[names[2]].iloc[5] == pytest.approx(false_positive_rate_difference(y, pred, sensitive_features=joint))
    # A bound some members meet: the most accurate of them is chosen.
    bound = float(np.median(r[f"val_gap[{TPR}]"]))
    ok = r[f"val_gap[{TPR}]"] <= bound
    chosen = est.front_.index(est.select({f"max_gap[{TPR}]": bound}))
    assert ok.sum() >= 1 and ok[chosen] and r["val_error"][chosen] == r["val_error"][ok].min()
    assert est.hypervolume(X, y, sensitive_features=sf) == pytest.approx(
        hypervolume(table[names].to_numpy(), (1.0, 1.0, 1.0)))
    axes = est.plot_front()
    assert axes.shape == (2, 2) and not axes[0, 1].get_visible()
    assert axes[1, 1].get_xlabel().startswith(names[1]) and axes[1, 1].get_ylabel().startswith(names[2])
    # A new ray on the 3-simplex, without retraining.
    new = est.member_at([0.5, 0.3, 0.2])
    assert new.weights == (0.5, 0.3, 0.2) and new.predict(X).shape == y.shape


def test_cba_takes_a_weight_per_objective():
    X, y, sf = conflicting(3, n=1200)
    fits = {w: CBAClassifier(weights=w, constraints=TPR, sensitive_objectives="per_column", max_epochs=80,
                             random_state=0).fit(X, y, sensitive_features=sf) for w in ((0.2, 0.8, 0.0), (0.2, 0.0, 0.8))}
    race_first, sex_first = (fits[w].train_objectives_ for w in fits)
    assert race_first[1] < sex_first[1] and sex_first[2] < race_first[2]  # each weight buys its own gap
    alpha_only = CBAClassifier(alpha=0.2, constraints=TPR, sensitive_objectives="per_column", max_epochs=80,
                               random_state=0).fit(X, y, sensitive_features=sf)
    assert alpha_only._objective_weights() == (0.2, 0.4, 0.4)


BAD = [
    ({"constraints": [TPR, "vibes"]}, "joint", r"constraints\[1\]: unknown constraints 'vibes'"),
    ({"constraints": [TPR, TPR]}, "joint", r"the same criterion twice: \['true_positive_rate_parity'\]"),
    ({"constraints": TPR, "sensitive_objectives": "per_column"}, "one group",
     r"sensitive feature column 'sex' holds a single group \('m'\)"),
]


@pytest.mark.parametrize("params, sensitive, match", BAD + [
    ({"constraints": [TPR, "false_positive_rate_parity"], "selection": {"max_gap[demographic_parity]": 0.1}},
     "joint", r"got the key\(s\) \['max_gap\[demographic_parity\]'\] \(choose from \['max_error', "
              r"'max_gap\[true_positive_rate_parity\]', 'max_gap\[false_positive_rate_parity\]'\]\)"),
    ({"constraints": [TPR, "false_positive_rate_parity"], "fairness_metric": "equalized_odds_difference"},
     "joint", "fairness_metric names one metric, but the front has several fairness objectives"),
])
def test_bad_objectives_are_named(params, sensitive, match, make_estimator):
    X, y, sf = conflicting(4, n=400)
    if sensitive == "one group":
        sf = sf.assign(sex="m")
    with pytest.raises(ValueError, match=match):
        make_estimator("phn-ls", **params).fit(X, y, sensitive_features=sf)


@pytest.mark.parametrize("params, sensitive, match", BAD + [
    ({"constraints": [TPR, "false_positive_rate_parity"], "weights": (0.5, 0.5)}, "joint",
     r"weights must be 3 non-negative numbers summing to 1, one per objective"),
])
def test_cba_names_bad_objectives_too(params, sensitive, match):
    X, y, sf = conflicting(4, n=400)
    if sensitive == "one group":
        sf = sf.assign(sex="m")
    with pytest.raises(ValueError, match=match):
        CBAClassifier(max_epochs=5, **params).fit(X, y, sensitive_features=sf)


@pytest.mark.parametrize("m, levels", [(3, 6), (4, 3)])
def test_suhnpfs_default_grid_holds_as_many_levels_per_gap_as_36_points_allow(m, levels):
    """Every level of every gap appears, each point is a new one, and consecutive points differ
    in one gap by one level (so each continues from a neighbour)."""
    from skfairpareto.suhnpf import epsilon_levels

    grid = epsilon_levels(m)
    axis = np.linspace(1.0, 0.0, levels)
    assert grid.shape == (levels ** (m - 1), m - 1)
    assert len({tuple(row) for row in grid}) == len(grid)
    assert all(np.array_equal(np.unique(grid[:, j]), np.sort(axis)) for j in range(m - 1))
    steps = np.abs(np.diff(grid, axis=0))
    assert np.all((steps > 0).sum(axis=1) == 1)
    np.testing.assert_allclose(steps.max(axis=1), 1.0 / (levels - 1))
    assert epsilon_levels(2).shape == (21, 1)

"""The fairness criteria: surrogates pinned to fairlearn's metrics, training for the named one."""

import numpy as np
import pytest
import torch
from fairlearn import metrics as fm
from fairlearn import reductions

from skfairpareto import CBAClassifier, PHNParetoClassifier
from skfairpareto.criteria import (
    CRITERIA,
    EqualizedOdds,
    ErrorRateParity,
    FairnessCriterion,
    resolve_criterion,
)
from skfairpareto.persistence import _criterion_from_spec, _criterion_to_spec

METRICS = {name: getattr(fm, crit.metric) for name, crit in CRITERIA.items()}


def _random_hard(n_groups, seed, n=300):
    rng = np.random.RandomState(seed)
    y = rng.randint(0, 2, n)
    groups = rng.randint(0, n_groups, n)
    y_pred = rng.randint(0, 2, n)
    logits = torch.as_tensor(np.where(y_pred == 1, 60.0, -60.0), dtype=torch.float64)  # saturated
    return y, groups, y_pred, logits


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("n_groups", [2, 3])
@pytest.mark.parametrize("name", sorted(CRITERIA))
def test_saturated_surrogate_equals_fairlearns_metric(name, n_groups, seed):
    y, groups, y_pred, logits = _random_hard(n_groups, seed)
    crit = CRITERIA[name]().load_data(y, groups, n_groups=n_groups)
    expected = METRICS[name](y, y_pred, sensitive_features=groups)
    yt, gt = torch.as_tensor(y, dtype=torch.float64), torch.as_tensor(groups)
    assert crit.gap(logits, yt, gt) == pytest.approx(expected, abs=1e-12)
    if n_groups == 2:
        rates, present = crit.rates(logits, yt, gt)
        from skfairpareto.objectives import pairwise_squared_gap

        terms = pairwise_squared_gap(rates, present)
        # Single rate: sqrt(f2) is the difference; equalized odds: the larger of its two terms.
        assert float(terms.sqrt().max()) == pytest.approx(expected, abs=1e-12)
        assert float(crit.f2(logits, yt, gt)) == pytest.approx(float(terms.sum()), abs=1e-12)


def test_rates_are_expected_rates_and_skip_cells_absent_from_a_batch():
    p = torch.tensor([0.9, 0.2, 0.6, 0.4, 0.7], dtype=torch.float64)
    y = torch.tensor([1.0, 0.0, 1.0, 0.0, 0.0], dtype=torch.float64)
    g = torch.tensor([0, 0, 1, 1, 1])
    eo = EqualizedOdds().load_data(None, None, n_groups=2)
    rates, present = eo.rates(torch.logit(p), y, g)
    assert torch.allclose(rates, torch.tensor([[0.9, 0.2], [0.6, 0.55]], dtype=torch.float64))
    assert present.all()
    expected_f2 = (0.9 - 0.6) ** 2 + (0.2 - 0.55) ** 2
    assert float(eo.f2(torch.logit(p), y, g)) == pytest.approx(expected_f2)
    # A batch without group 0's positives: TPR compares nobody, FPR still does.
    keep = torch.tensor([1, 2, 3, 4])
    rates, present = eo.rates(torch.logit(p[keep]), y[keep], g[keep])
    assert present.tolist() == [[False, True], [True, True]]
    assert float(eo.f2(torch.logit(p[keep]), y[keep], g[keep])) == pytest.approx((0.2 - 0.55) ** 2)


def test_gradients_flow_for_every_criterion():
    y, groups, _, _ = _random_hard(3, 0, n=60)
    logits = torch.randn(60, dtype=torch.float64, requires_grad=True)
    for name, cls in CRITERIA.items():
        f = cls().load_data(y, groups, n_groups=3).objectives(logits, torch.as_tensor(y), torch.as_tensor(groups))
        (grad,) = torch.autograd.grad(f[1], logits)
        assert torch.isfinite(grad).all() and grad.abs().sum() > 0, name


def test_names_fairlearn_objects_and_specs_resolve_to_the_same_criterion():
    for name, cls in CRITERIA.items():
        moment = getattr(reductions, cls.__name__)(difference_bound=0.01)
        assert type(resolve_criterion(name)) is cls and type(resolve_criterion(moment)) is cls
        assert _criterion_from_spec(_criterion_to_spec(moment)) == name
    custom = ErrorRateParity(gap_loss="bce")
    assert resolve_criterion(custom) is not custom  # never bound in the caller's hands
    again = _criterion_from_spec(_criterion_to_spec(custom))
    assert isinstance(again, ErrorRateParity) and again.gap_loss == "bce"
    with pytest.raises(ValueError, match="unknown constraints 'parity'"):
        resolve_criterion("parity")
    with pytest.raises(ValueError, match="constraints must be one of"):
        resolve_criterion(reductions.BoundedGroupLoss(loss=reductions.ZeroOneLoss()))


def test_a_group_lacking_a_cell_is_named_with_the_criterion():
    y = np.array([1, 0, 1, 1, 1, 0])
    groups = np.array([0, 0, 1, 1, 2, 2])
    with pytest.raises(ValueError, match=r"constraints='equalized_odds' .*group\(s\) 'b' \(no negatives\)"):
        EqualizedOdds().load_data(y, groups, n_groups=3, group_names=["a", "b", "c"])
    resolve_criterion("true_positive_rate_parity").load_data(y, groups, n_groups=3)  # all have positives


def _base_rate_data(seed, n=1200):
    """Base rates 0.35 (A) and 0.75 (B); B's positives are harder to tell apart; a weak group proxy."""
    rng = np.random.RandomState(seed)
    s = rng.randint(0, 2, n)
    y = (rng.rand(n) < np.where(s == 1, 0.75, 0.35)).astype(int)
    shift = np.where(y == 1, np.where(s == 1, 0.4, 1.2), -1.0)
    X = rng.normal(size=(n, 6)).astype(np.float32)
    X[:, 0] += shift
    X[:, 1] += 0.5 * shift
    X[:, 5] += 0.8 * s
    return X, y, np.where(s == 1, "B", "A")


@pytest.mark.parametrize("name", ["true_positive_rate_parity", "demographic_parity"])
def test_training_for_a_criterion_lowers_its_test_gap_more_than_error_rate_parity(name):
    X, y, s = _base_rate_data(0)
    Xt, yt, st = _base_rate_data(1)
    metric = METRICS[name]
    gaps = {}
    for constraints in (name, "error_rate_parity"):
        clf = CBAClassifier(alpha=0.1, constraints=constraints, max_epochs=150, random_state=0)
        clf.fit(X, y, sensitive_features=s)
        gaps[constraints] = metric(yt, clf.predict(Xt), sensitive_features=st)
    start = metric(yt, CBAClassifier(max_epochs=150, random_state=0).fit(X, y, sensitive_features=s).predict(Xt),
                   sensitive_features=st)
    assert gaps[name] < gaps["error_rate_parity"] and gaps[name] < 0.6 * start, (gaps, start)


def test_a_fairlearn_object_gives_the_same_front_as_its_name(front_data):
    X, y, s = front_data
    fast = dict(n_members=3, solver="ls", hnet_max_epochs=20, start_max_epochs=40, random_state=0)
    by_name = PHNParetoClassifier(constraints="true_positive_rate_parity", **fast).fit(X, y, sensitive_features=s)
    by_object = PHNParetoClassifier(constraints=reductions.TruePositiveRateParity(), **fast)
    by_object.fit(X, y, sensitive_features=s)
    for a, b in zip(by_name.front_, by_object.front_):
        assert np.array_equal(a.decision_function(X), b.decision_function(X))
    # fairness_metric=None reports the criterion that was trained.
    r = by_name.front_results_
    member = by_name.front_[0]
    val = by_name.evaluation_split_
    assert np.isfinite(r[f"{val}_gap"]).all()
    assert by_name.score_front(X, y, sensitive_features=s)["gap"].iloc[0] == pytest.approx(
        fm.true_positive_rate_difference(y, member.predict(X), sensitive_features=s), abs=1e-12)
    assert by_name.plot_front().get_ylabel().startswith("true_positive_rate_difference")
    assert member.criterion_.name == "true_positive_rate_parity"


class FalseNegativeRateParity(FairnessCriterion):
    """A user criterion: equal false-negative rates (mean 1 - p over the positives)."""

    rate_names = ("false negative rate",)

    def populations(self, y):
        return (y == 1)[:, None]

    def per_sample(self, logits, y):
        return 1 - torch.sigmoid(logits)[:, None]


def test_a_user_subclass_trains_and_needs_a_metric_for_fronts(front_data):
    X, y, s = front_data
    clf = CBAClassifier(alpha=0.2, constraints=FalseNegativeRateParity(), max_epochs=60, random_state=0)
    fair = clf.fit(X, y, sensitive_features=s)
    blind = CBAClassifier(max_epochs=60, random_state=0).fit(X, y, sensitive_features=s)
    gap = [fm.true_positive_rate_difference(y, m.predict(X), sensitive_features=s) for m in (fair, blind)]
    assert gap[0] < gap[1]  # FNR parity is TPR parity
    with pytest.raises(ValueError, match="fairness_metric=None needs a criterion with a fairlearn metric"):
        PHNParetoClassifier(constraints=FalseNegativeRateParity()).fit(X, y, sensitive_features=s)
    est = PHNParetoClassifier(constraints=FalseNegativeRateParity(), fairness_metric="true_positive_rate_difference",
                              n_members=3, hnet_max_epochs=10, start_max_epochs=30, random_state=0)
    assert len(est.fit(X, y, sensitive_features=s).front_) == 3 + 1  # and the start head

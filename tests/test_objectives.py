import numpy as np
import pytest
import torch

from skfairpareto.criteria import ErrorRateParity
from skfairpareto.objectives import pairwise_squared_gap, per_sample_bce, population_means, scalarized

LOSSES = torch.tensor([1.0, 2.0, 3.0, 4.0, 6.0])
GROUPS = torch.tensor([0, 0, 0, 1, 1])


def _group_means(values, groups, n_groups):
    means, present = population_means(values[:, None], torch.ones(len(values), 1, dtype=torch.bool), groups, n_groups)
    return means[:, 0], present[:, 0]


def test_population_means_average_each_population_of_each_group():
    values = torch.tensor([[1.0, 1.0], [3.0, 3.0], [5.0, 5.0], [7.0, 7.0]])
    populations = torch.tensor([[True, True], [True, False], [True, True], [False, True]])
    means, present = population_means(values, populations, torch.tensor([0, 0, 1, 1]), 3)
    assert means.tolist() == [[2.0, 1.0], [5.0, 6.0], [0.0, 0.0]]
    assert present.tolist() == [[True, True], [True, True], [False, False]]


def test_f2_of_two_groups_is_the_squared_gap_of_group_means():
    means, present = _group_means(LOSSES, GROUPS, 2)
    assert pairwise_squared_gap(means, present).item() == pytest.approx((2.0 - 5.0) ** 2)
    # The seed paper's loss gap (Eq. 4) through the criterion: the BCE's group means.
    logits, y = torch.tensor([0.3, -1.0, 2.0, 0.5, -0.2]), torch.tensor([1.0, 0.0, 1.0, 0.0, 1.0])
    bce = per_sample_bce(logits, y)
    f2 = ErrorRateParity(gap_loss="bce").load_data(None, None, n_groups=2).f2(logits, y, GROUPS)
    assert f2.item() == pytest.approx((bce[:3].mean() - bce[3:].mean()).item() ** 2)


def test_f2_zero_when_group_means_match():
    means, present = _group_means(torch.tensor([1.0, 3.0, 2.0, 2.0]), torch.tensor([0, 0, 1, 1]), 2)
    assert pairwise_squared_gap(means, present).item() == 0.0


def test_f2_many_groups_is_mean_of_pairwise_squared_gaps():
    means, present = _group_means(torch.tensor([1.0, 2.0, 4.0]), torch.tensor([0, 1, 2]), 3)
    f2 = pairwise_squared_gap(means, present).item()
    assert f2 == pytest.approx(((1 - 2) ** 2 + (1 - 4) ** 2 + (2 - 4) ** 2) / 3)


def test_f2_ignores_absent_groups_and_single_group_is_zero():
    losses = torch.tensor([1.0, 2.0, 4.0])
    means, present = _group_means(losses, torch.tensor([0, 0, 2]), 3)
    assert pairwise_squared_gap(means, present).item() == pytest.approx((1.5 - 4) ** 2)
    means, present = _group_means(losses, torch.tensor([1, 1, 1]), 3)
    assert pairwise_squared_gap(means, present).item() == 0.0


def test_class_balanced_averages_positives_and_negatives_equally():
    # Expected errors whose plain group means differ but whose class-balanced means are equal.
    y = torch.tensor([0.0, 0.0, 0.0, 1.0, 0.0, 1.0])
    groups = torch.tensor([0, 0, 0, 0, 1, 1])
    errors = torch.tensor([0.1, 0.1, 0.1, 0.5, 0.2, 0.4])
    logits = torch.where(y == 1, torch.logit(1 - errors), torch.logit(errors))
    balanced = ErrorRateParity(class_balanced=True).load_data(None, None, n_groups=2)
    rates, present = balanced.rates(logits, y, groups)
    assert rates[:, 0].tolist() == pytest.approx([(0.1 + 0.5) / 2, (0.2 + 0.4) / 2])
    assert present.all() and balanced.f2(logits, y, groups).item() == pytest.approx(0.0, abs=1e-12)
    plain = ErrorRateParity().load_data(None, None, n_groups=2)
    assert plain.f2(logits, y, groups).item() == pytest.approx((0.2 - 0.3) ** 2)


def test_gradients_flow_through_both_objectives():
    logits = torch.tensor([0.3, -1.0, 2.0, 0.5], requires_grad=True)
    y = torch.tensor([1.0, 0.0, 1.0, 0.0])
    f = ErrorRateParity(gap_loss="bce").load_data(None, None, n_groups=2).objectives(
        logits, y, torch.tensor([0, 0, 1, 1]))
    for i in range(2):
        (g,) = torch.autograd.grad(f[i], logits, retain_graph=True)
        assert torch.isfinite(g).all() and g.abs().sum() > 0
    bce = per_sample_bce(logits, y)
    expected = torch.nn.functional.binary_cross_entropy(torch.sigmoid(logits), y, reduction="none")
    assert torch.allclose(bce, expected, atol=1e-6)


def test_scalarized_endpoints():
    f = torch.tensor([2.0, 8.0])
    assert scalarized(f, 1.0, (2.0, 4.0)).item() == 1.0
    assert scalarized(f, 0.0, (2.0, 4.0)).item() == 2.0
    assert scalarized(f, 0.5).item() == 5.0


def test_expected_error_gap_loss():
    from skfairpareto.objectives import per_sample_expected_error

    logits = torch.tensor([2.0, -1.0, 0.0, 3.0], requires_grad=True)
    y = torch.tensor([1.0, 1.0, 0.0, 0.0])
    err = per_sample_expected_error(logits, y)
    expected = torch.tensor([1 / (1 + np.exp(2.0)), 1 / (1 + np.exp(-1.0)), 0.5, 1 / (1 + np.exp(-3.0))])
    assert torch.allclose(err, expected.float())
    groups = torch.tensor([0, 0, 1, 1])
    f = ErrorRateParity().load_data(None, None, n_groups=2).objectives(logits, y, groups)
    gap = (err[:2].mean() - err[2:].mean()) ** 2
    assert torch.isclose(f[1], gap)
    f[1].backward()
    assert torch.all(torch.isfinite(logits.grad))
    from skfairpareto.criteria import resolve_criterion

    with pytest.raises(ValueError, match="'gap_loss' parameter of ErrorRateParity must be a str among"):
        resolve_criterion(ErrorRateParity(gap_loss="hinge"))

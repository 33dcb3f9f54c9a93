import numpy as np
import pytest
import torch

from skfairpareto.criteria import ErrorRateParity

from skfairpareto.objectives import (
    cba_loss, cba_terms, f1_loss, f2_loss, group_mean_losses, per_sample_bce, scalarized,
)

LOSSES = torch.tensor([1.0, 2.0, 3.0, 4.0, 6.0])
GROUPS = torch.tensor([0, 0, 0, 1, 1])


def test_f1_is_mean_loss():
    assert f1_loss(LOSSES).item() == pytest.approx(16 / 5)


def test_cba_matches_hand_computation():
    # N = 5, N_0 = 3, N_1 = 2: CBA_0 = (2/5) * 6, CBA_1 = (3/5) * 10.
    terms = cba_terms(LOSSES, GROUPS, 2)
    assert terms.tolist() == pytest.approx([2 / 5 * 6, 3 / 5 * 10])
    assert cba_loss(LOSSES, GROUPS, 2).item() == pytest.approx(2.4 + 6.0)
    # For two groups both terms are (N0 N1 / N) * group mean (docs/design.md).
    means = torch.tensor([2.0, 5.0])
    assert terms.tolist() == pytest.approx((3 * 2 / 5 * means).tolist())


def test_f2_is_squared_gap_of_group_means():
    assert f2_loss(LOSSES, GROUPS, 2).item() == pytest.approx((2.0 - 5.0) ** 2)


def test_f2_zero_when_group_losses_match():
    losses = torch.tensor([1.0, 3.0, 2.0, 2.0])
    assert f2_loss(losses, torch.tensor([0, 0, 1, 1]), 2).item() == 0.0


def test_f2_many_groups_is_mean_of_pairwise_squared_gaps():
    losses = torch.tensor([1.0, 2.0, 4.0])
    f2 = f2_loss(losses, torch.tensor([0, 1, 2]), 3).item()
    assert f2 == pytest.approx(((1 - 2) ** 2 + (1 - 4) ** 2 + (2 - 4) ** 2) / 3)


def test_f2_ignores_absent_groups_and_single_group_is_zero():
    losses = torch.tensor([1.0, 2.0, 4.0])
    assert f2_loss(losses, torch.tensor([0, 0, 2]), 3).item() == pytest.approx((1.5 - 4) ** 2)
    assert f2_loss(losses, torch.tensor([1, 1, 1]), 3).item() == 0.0


def test_class_balanced_averages_positives_and_negatives_equally():
    losses = torch.tensor([1.0, 1.0, 1.0, 5.0, 2.0, 4.0])
    groups = torch.tensor([0, 0, 0, 0, 1, 1])
    y = torch.tensor([0, 0, 0, 1, 0, 1])
    means, present = group_mean_losses(losses, groups, 2, y, class_balanced=True)
    assert means.tolist() == pytest.approx([(1 + 5) / 2, (2 + 4) / 2])
    assert present.all()
    assert f2_loss(losses, groups, 2, y, class_balanced=True).item() == pytest.approx(0.0)
    assert f2_loss(losses, groups, 2).item() == pytest.approx((2 - 3) ** 2)
    with pytest.raises(ValueError, match="needs the labels"):
        group_mean_losses(losses, groups, 2, None, class_balanced=True)


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

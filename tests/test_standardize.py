"""Features far from unit scale: the heads train on standardised columns and read X as given."""

import numpy as np
import pytest
import torch
from sklearn.utils._param_validation import InvalidParameterError

from skfairpareto import CBAClassifier
from skfairpareto.heads import (
    AUTO_STANDARDIZE_RMS,
    GroupOffsets,
    MLPHead,
    feature_scaling,
    fold_feature_scaling,
    scaled_features,
)
from skfairpareto.persistence import load_member, save_member

ESTIMATORS = ["cba", "suhnpf", "phn-ls", "fapareto"]


def raw_columns(X, seed=0):
    """``X``'s columns as raw measurements: each times up to 1,000 and moved by up to 500."""
    rng = np.random.RandomState(seed)
    scale = 10 ** rng.uniform(0, 3, X.shape[1])
    offset = rng.uniform(-500, 500, X.shape[1])
    return (X * scale + offset).astype(np.float32)


def test_auto_standardises_only_columns_far_from_unit_scale(front_data):
    X, _, _ = front_data
    assert feature_scaling(X, "auto") is None  # N(0, 1) columns
    assert feature_scaling(X, False) is None
    assert feature_scaling(raw_columns(X), False) is None
    onehot = np.eye(4, dtype=np.float32)[np.arange(600) % 4]
    assert feature_scaling(onehot, "auto") is None
    # Just above the rule's root mean square: one column is enough.
    edge = X.copy()
    edge[:, 2] = AUTO_STANDARDIZE_RMS * 1.01
    edge[::2, 2] *= -1
    mean, scale = feature_scaling(edge, "auto")
    assert mean.shape == scale.shape == (5,)
    mean, scale = feature_scaling(raw_columns(X), "auto")
    Z = scaled_features(raw_columns(X), (mean, scale))
    assert Z.dtype == np.float32
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-4)
    np.testing.assert_allclose(Z.std(axis=0), 1.0, atol=1e-4)
    # True standardises even unit-scale columns; a constant column keeps a scale of 1 (no division by 0).
    constant = np.column_stack([X, np.full(600, 7.0, dtype=np.float32)])
    mean, scale = feature_scaling(constant, True)
    assert mean[-1] == pytest.approx(7.0) and scale[-1] == 1.0


@pytest.mark.parametrize("head", [MLPHead(6, (4,), n_outputs=3), GroupOffsets(6, 2), MLPHead(6)])
def test_folding_makes_a_head_on_standardised_columns_read_the_raw_ones(head):
    rng = np.random.RandomState(0)
    raw = (rng.normal(size=(50, 6)) * [1, 10, 100, 1000, 1, 3] + [0, -40, 500, 2e4, 1, 0]).astype(np.float32)
    scaling = feature_scaling(raw, True)
    standardised = torch.as_tensor((raw.astype(np.float64) - scaling[0]) / scaling[1])  # float64: no rounding
    groups = torch.as_tensor(rng.randint(0, 2, 50))
    head = head.double()
    with torch.no_grad():
        for p in head.parameters():
            p.normal_()
        before = head(standardised, groups=groups)
        fold_feature_scaling(head, scaling)
        after = head(torch.as_tensor(raw, dtype=torch.float64), groups=groups)
        np.testing.assert_allclose(after.numpy(), before.numpy(), rtol=1e-9, atol=1e-9)
        fold_feature_scaling(head, scaling, inverse=True)
        again = head(standardised, groups=groups)
    np.testing.assert_allclose(again.numpy(), before.numpy(), rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("name", ESTIMATORS)
def test_a_fit_on_raw_columns_is_the_fit_on_their_standardised_copy(name, front_data, make_estimator):
    """The model a user gets from raw measurements is the one they would get by standardising the
    columns themselves, and it takes the raw columns at prediction time."""
    X, y, s = front_data
    raw = raw_columns(X)
    fitted = make_estimator(name).fit(raw, y, sensitive_features=s)
    scaling = fitted.feature_scaling_
    assert scaling is not None
    by_hand = make_estimator(name, standardize=False).fit(scaled_features(raw, scaling), y, sensitive_features=s)
    assert by_hand.feature_scaling_ is None
    pairs = list(zip(fitted.front_, by_hand.front_)) if hasattr(fitted, "front_") else [(fitted, by_hand)]
    assert len(pairs) == len(getattr(by_hand, "front_", [by_hand]))
    for a, b in pairs:
        # The same training, up to float32 rounding of the folded weights: the same decisions.
        agree = np.mean(a.predict(raw) == b.predict(scaled_features(raw, scaling)))
        assert agree >= 0.99
        np.testing.assert_allclose(a.decision_function(raw), b.decision_function(scaled_features(raw, scaling)),
                                   rtol=1e-3, atol=1e-3)
    if hasattr(fitted, "start_"):
        assert np.mean(fitted.start_.predict(raw) == by_hand.start_.predict(scaled_features(raw, scaling))) >= 0.99
        # The start head trained on the front's standardised columns, not on a second standardisation of them.
        assert fitted.start_.feature_scaling_ is scaling


@pytest.mark.parametrize("name", ["cba", "suhnpf"])
def test_raw_columns_train_as_well_as_standardised_ones(name, front_data, make_estimator):
    """What the option is for: without it, the heads' learning rate and initialisation meet columns
    in the hundreds, and the accuracy-optimal head falls far behind."""
    X, y, s = front_data
    raw = raw_columns(X)
    params = dict(alpha=1.0) if name == "cba" else {}
    plain = make_estimator(name, **params).fit(X, y, sensitive_features=s)
    auto = make_estimator(name, **params).fit(raw, y, sensitive_features=s)
    first = (lambda m: m) if name == "cba" else (lambda m: m.front_[0])
    acc_plain = np.mean(first(plain).predict(X) == y)
    acc_auto = np.mean(first(auto).predict(raw) == y)
    assert acc_auto >= acc_plain - 0.01


def test_phn_member_at_reads_raw_columns(front_data, make_estimator):
    X, y, s = front_data
    raw = raw_columns(X)
    phn = make_estimator("phn-ls").fit(raw, y, sensitive_features=s)
    member = phn.front_[2]
    again = phn.member_at(member.weights)
    np.testing.assert_allclose(again.decision_function(raw), member.decision_function(raw), rtol=1e-4, atol=1e-4)


def test_a_warm_start_continues_on_the_same_columns(front_data):
    X, y, s = front_data
    raw = raw_columns(X)
    clf = CBAClassifier(alpha=1.0, max_epochs=60, warm_start=True, random_state=0).fit(raw, y, sensitive_features=s)
    before = clf.decision_function(raw)
    clf.set_params(max_epochs=1).fit(raw, y, sensitive_features=s)  # one more epoch from the fitted head
    # A head continued in the wrong coordinates would predict from logits in the thousands.
    assert np.max(np.abs(clf.decision_function(raw) - before)) < 0.5
    assert np.mean(clf.predict(raw) == y) > 0.7


def test_a_saved_member_keeps_reading_raw_columns(front_data, make_estimator, tmp_path):
    X, y, s = front_data
    raw = raw_columns(X)
    member = make_estimator("suhnpf").fit(raw, y, sensitive_features=s).front_[1]
    save_member(member, tmp_path / "m.safetensors")
    loaded = load_member(tmp_path / "m.safetensors")
    np.testing.assert_array_equal(loaded.predict(raw), member.predict(raw))


def test_bad_standardize_values_are_refused(front_data):
    X, y, s = front_data
    with pytest.raises(InvalidParameterError, match="standardize"):
        CBAClassifier(standardize="yes").fit(X, y, sensitive_features=s)
    custom = CBAClassifier(module=MLPHead, standardize=True, max_epochs=2)
    with pytest.raises(ValueError, match="standardize=True folds"):
        custom.fit(X, y, sensitive_features=s)
    # A custom module reads X as given under "auto".
    assert CBAClassifier(module=MLPHead, max_epochs=2).fit(raw_columns(X), y, sensitive_features=s).feature_scaling_ \
        is None

"""The benchmark's scoring: fairlearn's metrics on hard predictions, expected rates otherwise."""

import numpy as np
import pytest
from fairlearn import metrics as fm

from skfairpareto.benchmark import score_predictions
from skfairpareto.criteria import CRITERIA


@pytest.mark.parametrize("name", sorted(CRITERIA))
def test_hard_predictions_are_scored_by_fairlearns_metric(name):
    rng = np.random.RandomState(0)
    y, pred = rng.randint(0, 2, 400), rng.randint(0, 2, 400)
    groups = rng.choice(["AAE", "SAE", "other"], 400)
    scores = score_predictions(y, pred, groups, CRITERIA[name]())
    metric = getattr(fm, CRITERIA[name].metric)
    assert scores["gap"] == pytest.approx(metric(y, pred, sensitive_features=groups), abs=1e-12)
    assert scores["accuracy"] == pytest.approx((y == pred).mean())
    for g in ("AAE", "SAE", "other"):
        cell = (groups == g) & (y == 0)
        assert scores[f"fpr_{g}"] == pytest.approx(pred[cell].mean())


def test_randomised_predictions_are_scored_by_expected_rates():
    y = np.array([1, 1, 0, 0, 1, 0])
    groups = np.array(["a", "a", "a", "b", "b", "b"])
    p = np.array([0.8, 0.6, 0.5, 0.1, 0.9, 0.3])
    scores = score_predictions(y, p, groups, CRITERIA["true_positive_rate_parity"]())
    assert scores["gap"] == pytest.approx(0.9 - 0.7)
    assert scores["accuracy"] == pytest.approx(np.mean([0.8, 0.6, 0.5, 0.9, 0.9, 0.7]))
    assert scores["fpr_b"] == pytest.approx(0.2)


def test_the_split_cache_key_follows_how_the_onnx_backend_embeds(monkeypatch):
    # The cached features of a split must not outlive a change in how their embeddings are made.
    from skfairpareto.benchmark._data import _split_key
    from skfairpareto.embedding import _onnx
    from skfairpareto.features import TextFeatures

    args = (np.array(["a tweet", "another"]), np.array([0, 1]), np.array(["g", "h"]), 0, "hybrid", TextFeatures())
    key = _split_key(*args)
    assert _split_key(*args) == key
    monkeypatch.setattr(_onnx, "MAX_BATCH_TOKENS", _onnx.MAX_BATCH_TOKENS * 2)
    assert _split_key(*args) != key
    monkeypatch.undo()
    monkeypatch.setattr(_onnx, "_EXPORT_VERSION", "another export")
    assert _split_key(*args) != key


def test_the_split_cache_checksum_reads_in_place_what_tobytes_hashed(tmp_path):
    """The in-place digest equals the one caches were written with (their bytes concatenated),
    for a non-contiguous part too; a file whose arrays no longer match it is rebuilt."""
    import hashlib
    import json
    import warnings

    from skfairpareto.benchmark._data import _features_digest, _read_cached

    rng = np.random.default_rng(0)
    X_train, X_test = rng.random((40, 6), dtype=np.float32), rng.random((9, 6), dtype=np.float32)[:, ::2]
    assert _features_digest(X_train, X_test) == hashlib.sha256(X_train.tobytes() + X_test.tobytes()).digest()
    meta = np.frombuffer(json.dumps({"embedding_backend": None}).encode(), np.uint8)
    path = tmp_path / "split.npz"
    digest = np.frombuffer(_features_digest(X_train, X_test), np.uint8)
    np.savez(path, X_train=X_train, X_test=X_test, digest=digest, meta=meta)
    read_train, read_test, _ = _read_cached(path)
    np.testing.assert_array_equal(read_test, X_test)
    np.savez(path, X_train=X_train + 1, X_test=X_test, digest=digest, meta=meta)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert _read_cached(path) is None
    assert any("corrupt" in str(w.message) for w in caught) and not path.exists()

import lzma

import numpy as np
import pytest

from skfairpareto.datasets import DataFileError, TwitterAAEModel, load_hate_speech, tokenize
from skfairpareto.datasets import _files
from skfairpareto.datasets._hate_speech import GROUP_COUNTS, N_NO_ESTIMATE


@pytest.fixture(scope="module")
def data():
    return load_hate_speech(as_frame=True)


def test_bunch_contents(data):
    assert len(data.data) == 24783
    assert set(data.target.unique()) == {0, 1}
    # hate (0) or offensive (1) -> 1, neither (2) -> 0
    assert np.array_equal(data.target.to_numpy(), (data.raw_class != 2).astype(int))
    assert list(data.target_names) == ["neither", "hate_or_offensive"]
    assert set(data.sensitive_features.astype(str)) == {"AAE", "SAE"}
    assert "Davidson" in data.DESCR and "Blodgett" in data.DESCR


def test_documented_group_counts_are_measured(data):
    aae = data.aae_proportion
    assert int(np.isnan(aae).sum()) == N_NO_ESTIMATE
    for threshold, (n_aae, n_sae) in GROUP_COUNTS.items():
        assert int((aae >= threshold).sum()) == n_aae
        assert n_aae + n_sae == 24783


def test_threshold_and_return_x_y():
    X, y = load_hate_speech(return_X_y=True, aae_threshold=0.8)
    assert isinstance(X, np.ndarray) and X.dtype == object and len(y) == len(X)
    assert (load_hate_speech(aae_threshold=0.8).sensitive_features == "AAE").sum() == GROUP_COUNTS[0.8][0]
    with pytest.raises(ValueError, match="aae_threshold"):
        load_hate_speech(aae_threshold=1.5)


def _reference_cvb0(model, tokens, alpha=1.0, passes=5):
    """Per-tweet loop of the authors' predict.py, to check the vectorised version against."""
    ids = [model.word_index_[t.lower()] for t in tokens if t.lower() in model.word_index_]
    if not ids or len(ids) / len(tokens) < 0.2:
        return None
    q = np.array([model.word_probs_[i] / model.word_probs_[i].sum() for i in ids])
    lik = q.copy()
    qk = q.sum(0)
    for _ in range(1, passes):
        for i in range(len(ids)):
            qk -= q[i]
            q[i] = lik[i] * (qk + alpha)
            q[i] /= q[i].sum()
            qk += q[i]
    return qk / qk.sum()


def test_vectorised_inference_matches_reference_loop():
    model = TwitterAAEModel()
    texts = ["he be trippin fr fr lol", "I am going to the store today", "@someone http://x.co", "",
             "Y'all niggas be wildin smh!!!", "What a lovely morning for a walk in the park"]
    got = model.predict_proportions(texts)
    for text, row in zip(texts, got):
        ref = _reference_cvb0(model, tokenize(text))
        if ref is None:
            assert np.isnan(row).all()
        else:
            assert np.allclose(row, ref, atol=1e-12)


def test_tokenizer_keeps_twitter_units():
    assert tokenize("RT @user: lol!!! http://t.co/x #fml :) don't &amp;") == [
        "RT", "@user", ":", "lol", "!!!", "http://t.co/x", "#fml", ":)", "don't", "&"]


def _copy_data(tmp_path):
    for rel in _files.expected_checksums():
        content = _files.read_data_file(rel)
        target = tmp_path / (rel + ".xz")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(lzma.compress(content, preset=0))


def test_local_path_and_checksum_errors(tmp_path):
    _copy_data(tmp_path)
    assert len(load_hate_speech(data_dir=tmp_path).data) == 24783
    bad = tmp_path / "davidson2017" / "labeled_data.csv.xz"
    content = lzma.decompress(bad.read_bytes()).replace(b"woman", b"WOMAN", 1)
    bad.write_bytes(lzma.compress(content, preset=0))
    with pytest.raises(DataFileError, match="fails its checksum"):
        load_hate_speech(data_dir=tmp_path)
    assert len(load_hate_speech(data_dir=tmp_path, verify_checksums=False).data) == 24783
    bad.write_bytes(bad.read_bytes()[:1000])  # truncated
    with pytest.raises(DataFileError, match="corrupt or truncated"):
        load_hate_speech(data_dir=tmp_path)
    bad.unlink()
    with pytest.raises(DataFileError, match="not found"):
        load_hate_speech(data_dir=tmp_path)

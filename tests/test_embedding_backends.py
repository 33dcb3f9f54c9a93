"""Backend choice, cache keys and the streaming loop of SentenceEmbedder, with a tiny fake encoder."""

import numpy as np
import pytest

from skfairpareto.embedding import SentenceEmbedder, _embedder, _onnx, choose_backend


class _FakeModel:
    """Stands in for a SentenceTransformer: 4-d embeddings from the text's bytes."""

    def get_embedding_dimension(self):
        return 4

    def encode(self, texts, **_):
        return np.array([[len(t), sum(map(ord, t)) % 7, 1.0, t.count("a")] for t in texts], dtype=np.float32)


@pytest.fixture
def fake(monkeypatch):
    calls = []

    class Encoder:
        def __init__(self, st, batch_size):
            self.batch_size = batch_size

        def encode(self, texts):
            calls.append(list(texts))
            return _FakeModel().encode(texts)

    monkeypatch.setattr(_embedder, "load_model", lambda model, device, half=False: (_FakeModel(), "fakefp"))
    monkeypatch.setattr(_embedder, "TorchEncoder", Encoder)
    monkeypatch.setattr(_onnx, "OnnxEncoder", lambda session, st, bs: Encoder(st, bs))
    monkeypatch.setattr(_onnx, "session", lambda path, ort: None)
    monkeypatch.setattr(_onnx, "onnx_int8_model", lambda model, cache_dir, verbose=0: (
        "model.int8.onnx", {"sha256": "ab" * 32, "passed": True, "mean_cosine": 0.99}))
    monkeypatch.setattr(_onnx, "onnxruntime_module", lambda: object())
    return calls


@pytest.mark.parametrize("backend, device, available, expected", [
    ("auto", "cpu", True, "onnx-int8"),
    ("auto", "cuda", True, "torch-fp16"),
    ("auto", "mps", True, "torch"),
    ("torch", "cpu", True, "torch"),
    ("torch", "cuda", True, "torch"),
    ("onnx-int8", "cpu", True, "onnx-int8"),
])
def test_backend_choice(backend, device, available, expected):
    assert choose_backend(backend, device, available) == expected


def test_backend_errors_and_the_missing_onnxruntime_warning():
    with pytest.raises(ValueError, match="backend must be one of"):
        choose_backend("tensorrt", "cpu", True)
    with pytest.raises(ValueError, match="runs on the CPU"):
        choose_backend("onnx-int8", "cuda", True)
    with pytest.raises(ImportError, match="pip install onnxruntime onnx"):
        choose_backend("onnx-int8", "cpu", False)
    with pytest.warns(RuntimeWarning, match="onnxruntime is not installed") as caught:
        assert choose_backend("auto", "cpu", False) == "torch"
    assert len(caught) == 1


def test_without_onnxruntime_auto_falls_back_once_and_int8_says_what_to_install(fake, monkeypatch):
    monkeypatch.setattr(_onnx, "onnxruntime_module", lambda: None)
    with pytest.warns(RuntimeWarning, match="pip install onnxruntime") as caught:
        emb = SentenceEmbedder().fit()
    assert emb.backend_ == "torch" and len(caught) == 1
    with pytest.raises(ImportError, match="pip install onnxruntime"):
        SentenceEmbedder(backend="onnx-int8").fit()


def test_cache_keys_keep_backends_apart(fake, tmp_path):
    keys = {b: SentenceEmbedder(backend=b, cache_dir=tmp_path).fit().cache_key_ for b in ("torch", "onnx-int8")}
    assert keys == {"torch": "fakefp", "onnx-int8": "fakefp-onnx-int8-" + "ab" * 6 + f"-t{_onnx.MAX_BATCH_TOKENS}"}
    texts = ["aa", "b", "cac"]
    SentenceEmbedder(backend="onnx-int8", cache_dir=tmp_path).fit().transform(texts)
    fake.clear()
    SentenceEmbedder(backend="torch", cache_dir=tmp_path).fit().transform(texts)
    assert fake, "torch embeddings never come from the int8 cache"
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_dir()) == sorted(keys.values())


def test_a_model_failing_the_quality_check_falls_back_to_torch(fake, monkeypatch):
    meta = {"sha256": "cd" * 32, "passed": False, "mean_cosine": 0.95}
    monkeypatch.setattr(_onnx, "onnx_int8_model", lambda model, cache_dir, verbose=0: ("m", meta))
    with pytest.warns(RuntimeWarning, match="fails its quality check .*0.950"):
        assert SentenceEmbedder().fit().backend_ == "torch"
    with pytest.raises(ValueError, match="fails its quality check"):
        SentenceEmbedder(backend="onnx-int8").fit()


def test_longest_first_in_steps_one_progress_bar_and_duplicates_once(fake, monkeypatch, capsys):
    monkeypatch.setattr(_embedder, "_STEP", 3)
    monkeypatch.setattr(_embedder, "_CHUNK", 4)
    texts = ["a", "bbbb", "cc", "a", "dddddd", "eee", "ff"]
    out = SentenceEmbedder(normalize=False, verbose=1).fit().transform(texts)
    assert [len(t) for call in fake for t in call] == [6, 4, 3, 2, 2, 1]  # distinct, longest first
    assert [len(call) for call in fake] == [3, 1, 2]  # steps of 3 within chunks of 4
    assert np.array_equal(out, _FakeModel().encode(texts))
    err = capsys.readouterr().err
    assert err.count("embedding") >= 1 and "6/6" in err and "text/s" in err


@pytest.mark.parametrize("lengths, batch_size, max_tokens", [
    ([100, 90, 10, 10, 10], 4, 200), ([5] * 10, 4, 100), ([300, 5, 5], 8, 100), ([7, 3, 9, 1, 12, 4], 3, 25), ([], 4, 10),
])
def test_token_batches_cover_every_text_once_within_both_limits(lengths, batch_size, max_tokens):
    batches = _onnx.token_batches(lengths, batch_size, max_tokens)
    assert [i for s in batches for i in range(len(lengths))[s]] == list(range(len(lengths)))
    for s in batches:
        rows = lengths[s]
        assert 1 <= len(rows) <= batch_size
        # over the token budget only when one text alone is longer than it
        assert len(rows) * max(rows) <= max_tokens or len(rows) == 1
    # greedy: no two neighbouring slices could have been one
    for a, b in zip(batches, batches[1:]):
        rows = lengths[a.start:b.stop]
        assert len(rows) > batch_size or len(rows) * max(rows) > max_tokens


def test_onnx_encoder_runs_token_bounded_slices_trimmed_to_their_longest_text():
    rng = np.random.RandomState(0)
    lengths = np.sort(rng.randint(1, 200, size=150))[::-1]
    texts = [" ".join(["w"] * int(n)) for n in lengths]

    class Tokens:  # right-padded ids 1..n: a text's tokens are its words
        def preprocess(self, batch):
            import torch

            longest = max(len(t.split()) for t in batch)
            mask = torch.tensor([[1] * len(t.split()) + [0] * (longest - len(t.split())) for t in batch])
            return {"input_ids": mask * torch.arange(1, longest + 1), "attention_mask": mask}

    shapes = []

    class Session:  # mean-pools the ids over the mask, as the exported model pools its tokens
        def run(self, _, feed):
            ids, mask = feed["input_ids"], feed["attention_mask"]
            shapes.append(ids.shape)
            assert mask[:, -1].any(), "a slice kept padding beyond its longest text"
            return [((ids * mask).sum(1) / mask.sum(1))[:, None].astype(np.float32)]

    out = _onnx.OnnxEncoder(Session(), Tokens(), 64).encode(texts)
    np.testing.assert_allclose(out[:, 0], (lengths + 1) / 2)  # the mean of 1..n, whatever the slice
    assert len(shapes) > len(texts) // 64 + 1  # the long texts ran in smaller slices
    assert all(rows * width <= _onnx.MAX_BATCH_TOKENS or rows == 1 for rows, width in shapes)
    assert all(rows <= 64 for rows, _ in shapes)

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
    assert keys == {"torch": "fakefp", "onnx-int8": "fakefp-onnx-int8-" + "ab" * 6}
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

import numpy as np
import pytest

from skfairpareto.datasets import load_hate_speech
from skfairpareto.embedding import EmbeddingCache, SentenceEmbedder
from skfairpareto.embedding._model import load_model

pytestmark = pytest.mark.integration


def _count_encode_calls(st, monkeypatch):
    """Record how many texts each call of the model's ``encode`` gets."""
    seen = []
    original = type(st).encode

    def counting(self, sentences, **kw):
        seen.append(len(sentences))
        return original(self, sentences, **kw)

    monkeypatch.setattr(type(st), "encode", counting)
    return seen


@pytest.fixture(scope="module")
def tweets():
    return list(load_hate_speech().data[:300])


def test_embeds_bundled_tweets_like_sentence_transformers(tweets):
    emb = SentenceEmbedder(backend="torch").fit(tweets)
    out = emb.transform(tweets)
    assert out.shape == (300, 384) and out.dtype == np.float32
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    st, _ = load_model(emb.model, emb.device_)
    direct = st.encode(tweets[:20], normalize_embeddings=True)
    assert np.allclose(out[:20], direct, atol=1e-5)
    assert not any(p.requires_grad for p in st.parameters())


def test_cache_reuses_embeds_only_missing_and_rebuilds_corrupt(tweets, tmp_path, monkeypatch):
    emb = SentenceEmbedder(backend="torch", cache_dir=tmp_path).fit()
    first = emb.transform(tweets[:100])
    st, _ = load_model(emb.model, emb.device_)
    seen = _count_encode_calls(st, monkeypatch)
    again = emb.transform(tweets[50:150])  # 50 cached, 50 new
    assert seen == [50]
    assert np.array_equal(again[:50], first[50:])
    shards = sorted((tmp_path / emb.cache_key_).glob("*.npz"))
    assert len(shards) == 2
    shards[0].write_bytes(shards[0].read_bytes()[:500])  # truncate one shard
    with pytest.warns(RuntimeWarning, match="corrupt"):
        rebuilt = emb.transform(tweets[:150])
    assert np.allclose(rebuilt[:100], first, atol=1e-6)
    assert not shards[0].exists() or shards[0].stat().st_size > 500


def test_cache_shards_store_no_pickle(tmp_path):
    cache = EmbeddingCache(tmp_path)
    path = cache.save(np.zeros((2, 16), np.uint8), np.ones((2, 3), np.float32))
    with np.load(path, allow_pickle=False) as data:
        assert set(data.files) == {"keys", "embeddings", "digest"}


def test_bad_inputs():
    emb = SentenceEmbedder(backend="torch").fit()
    with pytest.raises(TypeError, match="single string"):
        emb.transform("just one")
    with pytest.raises(TypeError, match="element 1"):
        emb.transform(["ok", None])
    with pytest.raises(ValueError, match="batch_size"):
        SentenceEmbedder(batch_size=0).fit()
    assert emb.transform([]).shape == (0, 384)


def test_streams_in_chunks_and_checkpoints_each(tweets, tmp_path, monkeypatch):
    """The encoder never sees more than one chunk, and each chunk lands in the cache."""
    from skfairpareto.embedding import _embedder as embedding

    whole = SentenceEmbedder(backend="torch").fit().transform(tweets[:100])
    monkeypatch.setattr(embedding, "_CHUNK", 40)
    emb = SentenceEmbedder(backend="torch", cache_dir=tmp_path).fit()
    st, _ = load_model(emb.model, emb.device_)
    seen = _count_encode_calls(st, monkeypatch)
    out = emb.transform(tweets[:100])
    assert seen == [40, 40, 20]
    assert len(list((tmp_path / emb.cache_key_).glob("*.npz"))) == 3
    assert np.allclose(out, whole, atol=1e-5)


@pytest.fixture(scope="module")
def onnx_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("onnx-cache")


def test_int8_backend_matches_torch_on_real_tweets(tweets, onnx_cache):
    fast = SentenceEmbedder(backend="onnx-int8", cache_dir=onnx_cache).fit()
    ref = SentenceEmbedder(backend="torch").fit()
    a, b = fast.transform(tweets), ref.transform(tweets)
    assert a.shape == b.shape == (300, 384) and a.dtype == b.dtype == np.float32
    cosine = np.einsum("ij,ij->i", a, b)  # both unit-norm
    assert cosine.mean() >= 0.98 and cosine.min() > 0.9
    assert fast.backend_ == "onnx-int8" and fast.onnx_quality_["passed"]
    assert fast.cache_key_ != ref.cache_key_ and fast.cache_key_.startswith(ref.model_fingerprint_)
    assert SentenceEmbedder(cache_dir=onnx_cache).fit().backend_ == "onnx-int8"  # what "auto" picks here
    # Pickles without its ONNX Runtime session and rebuilds it on demand.
    import pickle

    assert np.array_equal(pickle.loads(pickle.dumps(fast)).transform(tweets[:5]), a[:5])


def test_a_corrupt_exported_model_is_detected_and_rebuilt(onnx_cache):
    from skfairpareto.embedding import onnx_int8_model

    path, meta = onnx_int8_model(cache_dir=onnx_cache)
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.warns(RuntimeWarning, match="is corrupt"):
        again, meta2 = onnx_int8_model(cache_dir=onnx_cache)
    assert again == path and meta2["sha256"] == meta["sha256"] and path.stat().st_size > 1000

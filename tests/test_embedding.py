import numpy as np
import pytest

from skfairpareto.datasets import load_hate_speech
from skfairpareto.embedding import EmbeddingCache, SentenceEmbedder, _load_model

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
    emb = SentenceEmbedder().fit(tweets)
    out = emb.transform(tweets)
    assert out.shape == (300, 384) and out.dtype == np.float32
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    st, _ = _load_model(emb.model, emb.device_)
    direct = st.encode(tweets[:20], normalize_embeddings=True)
    assert np.allclose(out[:20], direct, atol=1e-5)
    assert not any(p.requires_grad for p in st.parameters())


def test_cache_reuses_embeds_only_missing_and_rebuilds_corrupt(tweets, tmp_path, monkeypatch):
    emb = SentenceEmbedder(cache_dir=tmp_path).fit()
    first = emb.transform(tweets[:100])
    st, _ = _load_model(emb.model, emb.device_)
    seen = _count_encode_calls(st, monkeypatch)
    again = emb.transform(tweets[50:150])  # 50 cached, 50 new
    assert seen == [50]
    assert np.array_equal(again[:50], first[50:])
    shards = sorted((tmp_path / emb.model_fingerprint_).glob("*.npz"))
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
    emb = SentenceEmbedder().fit()
    with pytest.raises(TypeError, match="single string"):
        emb.transform("just one")
    with pytest.raises(TypeError, match="element 1"):
        emb.transform(["ok", None])
    with pytest.raises(ValueError, match="batch_size"):
        SentenceEmbedder(batch_size=0).fit()
    assert emb.transform([]).shape == (0, 384)


def test_streams_in_chunks_and_checkpoints_each(tweets, tmp_path, monkeypatch):
    """The encoder never sees more than one chunk, and each chunk lands in the cache."""
    import skfairpareto.embedding as embedding

    whole = SentenceEmbedder().fit().transform(tweets[:100])
    monkeypatch.setattr(embedding, "_CHUNK", 40)
    emb = SentenceEmbedder(cache_dir=tmp_path).fit()
    st, _ = _load_model(emb.model, emb.device_)
    seen = _count_encode_calls(st, monkeypatch)
    out = emb.transform(tweets[:100])
    assert seen == [40, 40, 20]
    assert len(list((tmp_path / emb.model_fingerprint_).glob("*.npz"))) == 3
    assert np.allclose(out, whole, atol=1e-5)

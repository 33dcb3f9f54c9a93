"""SentenceEmbedder(backend="static"): a model2vec model distilled from the bundled MiniLM."""

import numpy as np
import pytest

pytest.importorskip("model2vec")

from skfairpareto import SentenceEmbedder, TextFeatures  # noqa: E402
from skfairpareto.datasets import sample_tweets  # noqa: E402
from skfairpareto.embedding import STATIC_DIMENSIONS, _static, static_model  # noqa: E402

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    """One cache whose static model is distilled once, offline, from the bundled files."""
    return tmp_path_factory.mktemp("static-models")


@pytest.fixture(scope="module")
def static(models):
    import os

    os.environ["HF_HUB_OFFLINE"] = "1"  # no network: distillation reads the bundled files alone
    try:
        return SentenceEmbedder(backend="static", cache_dir=models).fit()
    finally:
        del os.environ["HF_HUB_OFFLINE"]


def test_distils_offline_from_the_bundled_model_and_embeds(static):
    texts = sample_tweets(64)
    X = static.transform(texts)
    assert static.backend_ == "static" and static.embedding_dim_ == STATIC_DIMENSIONS
    assert X.shape == (64, STATIC_DIMENSIONS) and X.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), 1.0, rtol=1e-5)
    assert (static.static_path_ / "meta.json").exists() and "static" in static.cache_key_


def test_the_static_model_is_cached_and_reused(static, models, monkeypatch):
    def no_distillation(**kwargs):
        raise AssertionError("distilled again")

    import model2vec.distill

    monkeypatch.setattr(model2vec.distill, "distill", no_distillation)
    again = SentenceEmbedder(backend="static", cache_dir=models).fit()
    assert again.static_path_ == static.static_path_
    np.testing.assert_array_equal(again.transform(["one tweet"]), static.transform(["one tweet"]))


def test_a_corrupt_static_model_is_rebuilt_with_a_warning(static, models, monkeypatch):
    import model2vec.distill

    folder, meta = static_model(cache_dir=models)
    distilled = _static.load_static(folder)  # stands in for a second distillation (same result, no cost)
    calls = []
    monkeypatch.setattr(model2vec.distill, "distill", lambda **kwargs: calls.append(kwargs) or distilled)
    weights = folder / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:100])
    with pytest.warns(RuntimeWarning, match="is corrupt"):
        rebuilt, meta2 = static_model(cache_dir=models)
    assert len(calls) == 1 and calls[0]["pca_dims"] == STATIC_DIMENSIONS
    assert rebuilt == folder and meta2["sha256"] == meta["sha256"]
    np.testing.assert_array_equal(SentenceEmbedder(backend="static", cache_dir=models).fit().transform(["a"]),
                                  static.transform(["a"]))


def test_same_shape_and_ordering_contract_as_the_int8_backend(static, models):
    texts = sample_tweets(40)
    order = np.random.RandomState(0).permutation(40)
    int8 = SentenceEmbedder(cache_dir=models).fit()
    for emb in (static, int8):
        X = emb.transform(texts)
        assert X.shape == (40, emb.embedding_dim_) and X.dtype == np.float32
        np.testing.assert_allclose(emb.transform([texts[i] for i in order]), X[order], atol=1e-6)
        np.testing.assert_array_equal(emb.transform([texts[3], texts[3]])[0], emb.transform([texts[3]])[0])
        assert emb.transform([]).shape == (0, emb.embedding_dim_)


def test_bad_options_are_named(models, monkeypatch):
    with pytest.raises(ValueError, match=r"dimensions must be an int in \[1, 384\]"):
        static_model(cache_dir=models, dimensions=1000)
    monkeypatch.setattr(_static, "model2vec_module", lambda: None)
    with pytest.raises(ImportError, match=r"backend='static' needs model2vec: pip install 'skfairpareto\[static\]'"):
        SentenceEmbedder(backend="static", cache_dir=models).fit()


def test_text_features_take_the_static_backend(static, models):
    texts = sample_tweets(300)
    features = TextFeatures(backend="static", n_components=32, cache_dir=models).fit(texts)
    X = features.transform(texts[:10])
    assert features.embedder_.backend_ == "static" and X.shape == (10, STATIC_DIMENSIONS + 32)


def test_static_embedding_on_dask(static, models, tmp_path):
    distributed = pytest.importorskip("distributed")
    import dask.bag as db

    from skfairpareto.distributed import embed_on_dask

    texts = sample_tweets(120)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None,
                                  silence_logs=40) as cluster, distributed.Client(cluster) as client:
        result = embed_on_dask(db.from_sequence(texts, npartitions=3), tmp_path / "shards", embedder=static,
                               client=client, verbose=0)
        X = result.to_memmap(tmp_path / "X.npy")
    np.testing.assert_allclose(X, static.transform(texts), atol=1e-6)

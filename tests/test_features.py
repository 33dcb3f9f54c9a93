"""TextFeatures: embeddings beside lexical n-grams, fitted on training texts only, cached."""

import numpy as np
import pytest
from sklearn import config_context
from sklearn.model_selection import cross_validate
from sklearn.pipeline import make_pipeline

from skfairpareto import PHNParetoClassifier, TextFeatures
from skfairpareto.datasets import load_hate_speech

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def tweets():
    d = load_hate_speech()
    idx = np.random.RandomState(0).permutation(len(d.target))[:400]
    return d.data[idx], d.target[idx], np.asarray(d.sensitive_features)[idx]


def test_pipeline_with_routed_sensitive_features_and_cross_validate_on_raw_text(tweets, tmp_path):
    texts, y, s = tweets
    features = TextFeatures(n_components=32, backend="torch", cache_dir=tmp_path)  # each tweet embedded once
    with config_context(enable_metadata_routing=True):
        pipe = make_pipeline(features, PHNParetoClassifier(n_members=3, hnet_max_epochs=10, start_max_epochs=40, random_state=0)
                             .set_fit_request(sensitive_features=True))
        pipe.fit(texts[:300], y[:300], sensitive_features=s[:300])
        assert pipe.predict(texts[300:]).shape == (100,)
        assert pipe[0].n_features_out_ == 32 + 384 == pipe[-1].n_features_in_
        cv = cross_validate(pipe, texts, y, params={"sensitive_features": s}, cv=2)
    assert len(cv["test_score"]) == 2 and np.all(cv["test_score"] > 0.6)


def test_output_dtype_parts_and_feature_names(tweets):
    texts = tweets[0][:120]
    both = TextFeatures(n_components=16, backend="torch").fit(texts)
    out = both.transform(texts)
    assert out.dtype == np.float32 and out.shape == (120, 16 + 384)
    names = both.get_feature_names_out()
    assert len(names) == out.shape[1] and names[0] == "lexical0" and names[16] == "embedding0"
    lexical = TextFeatures(embedding=False, n_components=16).fit(texts)
    assert np.allclose(lexical.transform(texts), out[:, :16], atol=1e-6)
    assert lexical.embedder_ is None and lexical.get_feature_names_out()[-1] == "lexical15"
    with pytest.raises(ValueError, match="embedding=True or lexical=True"):
        TextFeatures(embedding=False, lexical=False).fit(texts)
    with pytest.raises(ValueError, match="n_components=5000 must be below both the number of training texts \\(10\\)"):
        TextFeatures(embedding=False, n_components=5000).fit(texts[:10])


def test_fitting_on_a_training_fold_never_sees_the_test_folds_vocabulary():
    train = ["good morning friends", "good night friends", "morning coffee is good", "night owls unite"]
    test = ["zebras quizzically juggle", "zebras juggle"]
    tf = TextFeatures(embedding=False, n_components=2).fit(train)
    words = tf.lexical_[0].transformer_list[0][1].vocabulary_
    assert "zebras" not in words and "good" in words
    chars = tf.lexical_[0].transformer_list[1][1].vocabulary_
    assert not any("zeb" in c for c in chars)
    assert tf.transform(test).shape == (2, 2)


def test_fit_fits_everything_and_transform_changes_nothing(tweets, tmp_path):
    """scikit-learn's contract: the lexical part is fitted in fit, transform only reads fitted state
    (and the training texts are not kept on the object)."""
    import pickle

    texts = tweets[0]
    tf = TextFeatures(embedding=False, n_components=16, cache_dir=tmp_path).fit(texts[:200])
    assert tf.lexical_ is not None and tf.lexical_fit_seconds_ > 0
    state = pickle.dumps(tf)
    a = tf.transform(texts[200:260])
    assert pickle.dumps(tf) == state
    assert not any(isinstance(v, list) and len(v) == 200 for v in vars(tf).values())
    assert np.array_equal(a, TextFeatures(embedding=False, n_components=16).fit(texts[:200]).transform(texts[200:260]))

"""Text features for the heads: sentence embeddings united with lexical n-grams (TF-IDF -> SVD)."""

from __future__ import annotations

import os
import time
from numbers import Integral

import numpy as np
import torch
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .embedding import BACKENDS, DEFAULT_MODEL, SentenceEmbedder, check_texts
from .embedding._model import check_model_available

__all__ = [
    "TextFeatures",
    "FEATURE_SETS",
]

#: Ways the benchmark names the feature sets (``--features``).
FEATURE_SETS = {"minilm": dict(embedding=True, lexical=False), "lexical": dict(embedding=False, lexical=True),
                "hybrid": dict(embedding=True, lexical=True)}


class TextFeatures(TransformerMixin, BaseEstimator):
    """Dense float32 features of texts: lexical n-grams reduced by SVD, beside sentence embeddings.

    The lexical part is scikit-learn's own: word 1-2-gram and ``char_wb`` 2-5-gram
    :class:`~sklearn.feature_extraction.text.TfidfVectorizer` (sublinear term frequency, terms in
    at least two texts, the most frequent ``word_max_features`` and ``char_max_features``), united
    and reduced to ``n_components`` dimensions by :class:`~sklearn.decomposition.TruncatedSVD`.
    The embedding part is a :class:`~skfairpareto.SentenceEmbedder`. Both are fitted on the texts
    given to ``fit`` only, so in a ``Pipeline`` or ``cross_validate`` no vocabulary, idf or
    SVD direction comes from held-out texts.

    The SVD keeps the heads dense on purpose: on the bundled tweets the full sparse TF-IDF makes
    the training data separable (logistic regression: 99.9 % training accuracy and a 0.04-point
    training accuracy gap), so a front traced on the training data has nothing left to trade
    while the test gap stays above 4 points (docs/features.md).

    Parameters
    ----------
    embedding : bool, default=True
        Include the sentence embeddings.
    lexical : bool, default=True
        Include the SVD of the TF-IDF n-grams.
    n_components : int, default=512
        Width of the lexical part.
    word_max_features : int, default=20000
        Word 1-2-grams kept (the most frequent).
    char_max_features : int, default=50000
        Character 2-5-grams kept (the most frequent).
    model : str, default="all-MiniLM-L6-v2"
        Sentence-transformers model of the embedding part (see :class:`SentenceEmbedder`).
    backend : {"auto", "torch", "onnx-int8", "static"}, default="auto"
        Inference backend of the embedding part (see :class:`SentenceEmbedder`).
    batch_size : int, default=64
        Texts per forward pass of the embedding model.
    device : str, default="auto"
        Torch device of the embedding model.
    cache_dir : path-like or None, default=None
        Cache folder of the embeddings (see :class:`SentenceEmbedder`).
    random_state : int, default=0
        Seed of the randomised SVD.
    verbose : int, default=0
        Progress output when > 0.

    Attributes
    ----------
    embedder_ : SentenceEmbedder or None
        The fitted embedder (``embedding=True``).
    lexical_ : sklearn Pipeline or None
        TF-IDF union and SVD, fitted on the training texts (``None`` when ``lexical=False``).
    n_features_out_ : int
        Width of the output.
    lexical_fit_seconds_ : float
        Time spent fitting the lexical part.

    Examples
    --------
    >>> from skfairpareto import TextFeatures
    >>> texts = ["a tweet", "another tweet", "one more post", "and a last one"]
    >>> tf = TextFeatures(embedding=False, n_components=2).fit(texts)
    >>> tf.transform(texts).shape, tf.get_feature_names_out()[:2].tolist()
    ((4, 2), ['lexical0', 'lexical1'])
    """

    def __init__(
        self,
        *,
        embedding=True,
        lexical=True,
        n_components=512,
        word_max_features=20000,
        char_max_features=50000,
        model=DEFAULT_MODEL,
        backend="auto",
        batch_size=64,
        device="auto",
        cache_dir=None,
        random_state=0,
        verbose=0,
    ):
        self.embedding = embedding
        self.lexical = lexical
        self.n_components = n_components
        self.word_max_features = word_max_features
        self.char_max_features = char_max_features
        self.model = model
        self.backend = backend
        self.batch_size = batch_size
        self.device = device
        self.cache_dir = cache_dir
        self.random_state = random_state
        self.verbose = verbose

    _parameter_constraints: dict = {
        "embedding": ["boolean"],
        "lexical": ["boolean"],
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "word_max_features": [Interval(Integral, 1, None, closed="left")],
        "char_max_features": [Interval(Integral, 1, None, closed="left")],
        "model": [str],
        "backend": [StrOptions(set(BACKENDS))],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "device": [str, torch.device],
        "cache_dir": [str, os.PathLike, None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def _make_lexical(self):
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import make_union

        common = dict(sublinear_tf=True, min_df=2, dtype=np.float32)
        union = make_union(
            TfidfVectorizer(ngram_range=(1, 2), max_features=self.word_max_features, **common),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), max_features=self.char_max_features, **common),
        )
        return union, TruncatedSVD(self.n_components, random_state=self.random_state)

    def fit(self, X, y=None):
        """Fit the lexical part on the texts of X and load the embedding model.

        Parameters
        ----------
        X : sequence of str
            Training texts.
        y : None
            Ignored.

        Returns
        -------
        self
        """
        self._validate_params()
        if not (self.embedding or self.lexical):
            raise ValueError("TextFeatures needs embedding=True or lexical=True (or both)")
        texts = check_texts(X, owner="TextFeatures")
        if self.embedding:  # a model that cannot load fails now, not after the lexical fit below
            check_model_available(self.model)
        self.lexical_, self.lexical_fit_seconds_ = None, 0.0
        if self.lexical:
            if len(texts) < 2:
                raise ValueError(f"the lexical part needs at least 2 training texts, got {len(texts)}")
            from sklearn.pipeline import make_pipeline

            t0 = time.perf_counter()
            union, svd = self._make_lexical()
            terms = union.fit_transform(texts)
            if self.n_components >= min(terms.shape):
                raise ValueError(
                    f"n_components={self.n_components} must be below both the number of training texts "
                    f"({terms.shape[0]}) and of their n-gram terms ({terms.shape[1]}); lower n_components "
                    "or fit on more texts"
                )
            svd.fit(terms)
            del terms  # not kept while the embedding model loads
            self.lexical_ = make_pipeline(union, svd)
            self.lexical_fit_seconds_ = time.perf_counter() - t0
        # After the lexical part: its SVD's transient peak (about 500 MB on the bundled tweets) then
        # comes before the embedding model is loaded and exported, not on top of them.
        self.embedder_ = None
        if self.embedding:
            self.embedder_ = SentenceEmbedder(self.model, backend=self.backend, batch_size=self.batch_size,
                                              device=self.device, cache_dir=self.cache_dir,
                                              verbose=self.verbose).fit()
        width = (self.n_components if self.lexical else 0) + (self.embedder_.embedding_dim_ if self.embedding else 0)
        self.n_features_out_ = width
        return self

    def transform(self, X):
        """Features of the texts of X: float32 of shape ``(n_texts, n_features_out_)``.

        Parameters
        ----------
        X : sequence of str
            Texts.

        Returns
        -------
        ndarray of shape (n_texts, n_features_out)
        """
        check_is_fitted(self, "n_features_out_")
        texts = check_texts(X, owner="TextFeatures")
        if not texts:
            return np.empty((0, self.n_features_out_), dtype=np.float32)
        parts = []
        if self.lexical:
            parts.append(self.lexical_.transform(texts).astype(np.float32, copy=False))
        if self.embedding:
            parts.append(self.embedder_.transform(texts))
        return parts[0] if len(parts) == 1 else np.hstack(parts)

    def get_feature_names_out(self, input_features=None):
        """``lexical0 ...`` for the SVD components, then ``embedding0 ...`` for the embedding."""
        check_is_fitted(self, "n_features_out_")
        names = [f"lexical{i}" for i in range(self.n_components if self.lexical else 0)]
        if self.embedding:
            names += [f"embedding{i}" for i in range(self.embedder_.embedding_dim_)]
        return np.asarray(names, dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags

"""Demographic dialect inference with the TwitterAAE model (Blodgett, Green & O'Connor, 2016).

The model is a table of expected word counts in four demographic topics (African-American,
Hispanic, Asian, White). A tweet's topic proportions come from a short CVB0 mixture inference
over its in-vocabulary tokens, exactly as the authors' ``predict.py``: word probabilities
``(N_wk + 1) / N_k``, a Dirichlet prior of 1 and 5 passes; tweets with no in-vocabulary token,
or fewer than 20% in-vocabulary tokens, get no estimate (NaN).

This module runs the inference for all tweets at once: the per-token sequential CVB0 update is
kept in its original order within a tweet, but executed for every tweet in parallel (one numpy
operation per token position), which infers the 24,783 Davidson tweets in about a second.
"""

from __future__ import annotations

import html
import io
import re
from functools import lru_cache

import numpy as np
import pandas as pd

from ._files import read_data_file

TOPICS = ("AA", "Hispanic", "Asian", "White")

# A compact approximation of ark-twokenize, the tokenizer the TwitterAAE authors used. It is
# written by hand because twokenize has no maintained PyPI release and nltk's TweetTokenizer
# would add a large dependency for one regular expression. Order matters: URLs, mentions,
# hashtags and emoticons must win over the generic word and punctuation rules.
_TOKEN_RE = re.compile(
    r"""
    (?:https?://|www\.)\S+                      # URLs
  | [@＠]\w+                                     # mentions
  | \#\w+                                       # hashtags
  | (?:[<>]?[:;=8][\-o\*']?[\)\]\(\[dDpP/\\|@3]+)  # western emoticons
  | <3+                                         # hearts
  | \w+(?:['’]\w+)*                             # words, with inner apostrophes (don't, y'all)
  | ([!?.,])\1*                                 # runs of the same punctuation (!!!, ...)
  | \S                                          # anything else, one character (emoji, symbols)
    """,
    re.VERBOSE,
)


def tokenize(text: str) -> list[str]:
    """Split a tweet into Twitter-style tokens (HTML entities are unescaped first)."""
    return [m.group(0) for m in _TOKEN_RE.finditer(html.unescape(text))]


class TwitterAAEModel:
    """The TwitterAAE demographic dialect model, loaded from the bundled (or a local) copy.

    Parameters
    ----------
    data_dir : path-like or None
        Folder holding ``twitteraae/model_count_table.txt`` and ``twitteraae/model_vocab.txt``
        (plain, ``.xz`` or ``.gz``); ``None`` uses the copy shipped with the package.
    verify_checksums : bool
        Check both files against their published SHA-256.
    """

    def __init__(self, data_dir=None, verify_checksums=True):
        counts = read_data_file("twitteraae/model_count_table.txt", data_dir, verify_checksums)
        vocab = read_data_file("twitteraae/model_vocab.txt", data_dir, verify_checksums)
        n_wk = pd.read_csv(io.BytesIO(counts), sep=r"\s+", header=None, dtype=np.float64)
        n_wk = n_wk.to_numpy()
        # Vocabulary lines are "count<TAB>word"; words may hold quotes, so no csv parser here.
        words = [line.split("\t")[-1].strip() for line in vocab.decode("utf-8").splitlines()]
        if len(words) != n_wk.shape[0]:
            raise ValueError(
                f"TwitterAAE vocabulary has {len(words)} words but the count table "
                f"{n_wk.shape[0]} rows"
            )
        self.word_index_ = {w: i for i, w in enumerate(words)}
        self.word_probs_ = (n_wk + 1.0) / n_wk.sum(axis=0)

    def predict_proportions(
        self, texts, *, alpha=1.0, n_passes=5, min_invocab=1, min_invocab_fraction=0.2
    ):
        """Topic proportions of each text, shape ``(n_texts, 4)``; NaN rows have no estimate."""
        token_ids, n_tokens = [], np.zeros(len(texts), dtype=np.int64)
        for j, text in enumerate(texts):
            tokens = tokenize(text)
            n_tokens[j] = len(tokens)
            ids = [self.word_index_.get(t.lower()) for t in tokens]
            token_ids.append([i for i in ids if i is not None])
        n_invocab = np.array([len(ids) for ids in token_ids])
        with np.errstate(divide="ignore", invalid="ignore"):
            has_estimate = (n_invocab >= min_invocab) & (
                n_invocab / np.maximum(n_tokens, 1) >= min_invocab_fraction
            )

        length = max(int(n_invocab.max(initial=0)), 1)
        ids = np.zeros((len(texts), length), dtype=np.int64)
        mask = np.zeros((len(texts), length), dtype=bool)
        for j, row in enumerate(token_ids):
            ids[j, : len(row)] = row
            mask[j, : len(row)] = True

        lik = self.word_probs_[ids] * mask[..., None]
        lik /= np.where(mask[..., None], lik.sum(axis=2, keepdims=True), 1.0)
        q = lik.copy()
        q_k = q.sum(axis=1)
        for _ in range(1, n_passes):
            for i in range(length):
                active = mask[:, i : i + 1]
                q_k -= q[:, i]
                new = lik[:, i] * (q_k + alpha)
                new /= np.where(active, new.sum(axis=1, keepdims=True), 1.0)
                q[:, i] = np.where(active, new, 0.0)
                q_k += q[:, i]
        with np.errstate(invalid="ignore"):
            proportions = q_k / q_k.sum(axis=1, keepdims=True)
        proportions[~has_estimate] = np.nan
        return proportions


@lru_cache(maxsize=2)
def _bundled_model() -> TwitterAAEModel:
    return TwitterAAEModel()


def infer_aae_proportion(texts, *, data_dir=None, verify_checksums=True) -> np.ndarray:
    """African-American English proportion of each text (NaN where the model has no estimate).

    Examples
    --------
    >>> from skfairpareto.datasets import infer_aae_proportion
    >>> p = infer_aae_proportion(["he be workin", "I am working"])
    >>> bool(p[0] > p[1])
    True
    """
    model = (
        _bundled_model()
        if data_dir is None and verify_checksums
        else TwitterAAEModel(data_dir, verify_checksums)
    )
    return model.predict_proportions(list(texts))[:, 0]

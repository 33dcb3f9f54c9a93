"""Bundled datasets: the Davidson et al. (2017) hate-speech tweets and TwitterAAE dialect inference."""

from ._dialect import TwitterAAEModel, infer_aae_proportion, tokenize
from ._files import DataFileError
from ._hate_speech import load_hate_speech, sample_tweets

__all__ = ["DataFileError", "TwitterAAEModel", "infer_aae_proportion", "load_hate_speech", "sample_tweets", "tokenize"]

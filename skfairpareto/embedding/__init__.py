"""Frozen sentence-transformer embeddings as a scikit-learn transformer, with an on-disk cache.

* :class:`SentenceEmbedder` -- the transformer (``_embedder.py``);
* the model, loaded once per process, and its fingerprint (``_model.py``);
* the backends: torch, the int8 ONNX export with its quality gate (``_onnx.py``), or a static
  model distilled from the transformer (``_static.py``);
* the disk cache shared by every feature builder (``cache.py``).
"""

from ._embedder import SentenceEmbedder, check_texts
from ._model import DEFAULT_MODEL, resolve_model_path
from ._onnx import BACKENDS, ONNX_MIN_COSINE, choose_backend, onnx_int8_model
from ._static import STATIC_DIMENSIONS, static_model
from .cache import EmbeddingCache, get_cache_home, text_keys

__all__ = [
    "BACKENDS",
    "DEFAULT_MODEL",
    "EmbeddingCache",
    "ONNX_MIN_COSINE",
    "STATIC_DIMENSIONS",
    "SentenceEmbedder",
    "check_texts",
    "choose_backend",
    "get_cache_home",
    "onnx_int8_model",
    "resolve_model_path",
    "static_model",
    "text_keys",
]

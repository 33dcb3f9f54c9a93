"""The on-disk embedding cache: checksummed ``.npz`` shards keyed by a hash of each text.

Public so that the other feature builders (``TextFeatures``, ``embed_on_dask``) and users share
one cache format: :func:`get_cache_home` finds the folder, :func:`text_keys` hashes texts and
:class:`EmbeddingCache` stores and looks up rows.
"""

from __future__ import annotations

import hashlib
import os
import threading
import warnings
from pathlib import Path

import numpy as np

from .._utils import atomic_write

__all__ = [
    "EmbeddingCache",
    "get_cache_home",
    "text_keys",
]

KEY_BYTES = 16  # truncated SHA-256 of a text: collisions are astronomically unlikely


def get_cache_home(cache_dir=None) -> Path:
    """The cache folder: ``cache_dir`` if given, else ``$SKFAIRPARETO_CACHE``, else
    ``~/.cache/skfairpareto`` (as :func:`sklearn.datasets.get_data_home` finds its folder).

    Examples
    --------
    >>> from skfairpareto.embedding import get_cache_home
    >>> str(get_cache_home("/tmp/my-cache"))
    '/tmp/my-cache'
    """
    if cache_dir is None:
        cache_dir = os.environ.get("SKFAIRPARETO_CACHE", Path.home() / ".cache" / "skfairpareto")
    return Path(cache_dir).expanduser()


def text_keys(texts) -> np.ndarray:
    """The cache key of each text: the first 16 bytes of the SHA-256 of its UTF-8, shape ``(n, 16)``.

    Examples
    --------
    >>> from skfairpareto.embedding import text_keys
    >>> text_keys(["a tweet", "a tweet", "another"]).shape
    (3, 16)
    """
    keys = np.empty((len(texts), KEY_BYTES), dtype=np.uint8)
    for i, text in enumerate(texts):
        keys[i] = np.frombuffer(hashlib.sha256(text.encode("utf-8")).digest()[:KEY_BYTES], np.uint8)
    return keys


def _payload_digest(keys: np.ndarray, embeddings: np.ndarray) -> np.ndarray:
    digest = hashlib.sha256(keys.tobytes())
    digest.update(embeddings.tobytes())
    return np.frombuffer(digest.digest(), dtype=np.uint8)


_index: dict = {}  # shard path -> (mtime_ns, size, keys): each shard's keys read once per process
_index_lock = threading.Lock()


class EmbeddingCache:
    """Embeddings of one model, stored as checksummed ``.npz`` shards (no pickle) in a folder.

    Every write goes to a new shard named after its content and lands with an atomic
    ``os.replace``, so concurrent writers never clobber each other and readers never see a
    half-written file. :meth:`lookup` reads each shard's keys once per process and the rows
    only of the shards that hold a requested text. A shard that cannot be read or fails its
    checksum is removed with a warning and its texts are embedded again.

    Parameters
    ----------
    folder : path-like
        The folder of one model and backend (``get_cache_home() / embedder.cache_key_``).

    Examples
    --------
    >>> import numpy as np, tempfile
    >>> from skfairpareto.embedding import EmbeddingCache, text_keys
    >>> cache = EmbeddingCache(tempfile.mkdtemp())
    >>> _ = cache.save(text_keys(["a", "b"]), np.eye(2, 3, dtype="float32"))
    >>> out = np.zeros((3, 3), dtype="float32")
    >>> cache.lookup(text_keys(["b", "c", "a"]), out).tolist()
    [True, False, True]
    >>> out[0].tolist()
    [0.0, 1.0, 0.0]
    """

    def __init__(self, folder):
        self.folder = Path(folder)

    def _shards(self):
        return sorted(self.folder.glob("*.npz")) if self.folder.is_dir() else []

    def _discard(self, shard, exc):
        warnings.warn(
            f"embedding cache file {shard} is corrupt ({exc}); removing it, its texts will be embedded again",
            RuntimeWarning, stacklevel=5,
        )
        shard.unlink(missing_ok=True)
        with _index_lock:
            _index.pop(str(shard), None)

    def _safely(self, shard, read):
        """``read(shard)``, or None for a shard that is gone or corrupt (then removed, with a warning)."""
        try:
            return read(shard)
        except FileNotFoundError:  # removed by a concurrent reader that found it corrupt
            return None
        except Exception as exc:  # noqa: BLE001 - any unreadable shard is rebuilt
            self._discard(shard, exc)
            return None

    def _shard_keys(self, shard):
        """The keys of one shard, from the process's index when the file has not changed."""
        stat = shard.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        with _index_lock:
            known = _index.get(str(shard))
        if known is not None and known[0] == stamp:
            return known[1]
        with np.load(shard, allow_pickle=False) as data:
            keys = data["keys"]
        if keys.ndim != 2 or keys.shape[1] != KEY_BYTES:
            raise ValueError(f"keys of shape {keys.shape}")
        with _index_lock:
            _index[str(shard)] = (stamp, keys)
        return keys

    def _read(self, shard):
        """Keys and embeddings of one shard, checksum verified."""
        with np.load(shard, allow_pickle=False) as data:
            keys, emb, digest = data["keys"], data["embeddings"], data["digest"]
        if (keys.ndim != 2 or keys.shape[1] != KEY_BYTES or emb.shape[0] != keys.shape[0]
                or not np.array_equal(digest, _payload_digest(keys, emb))):
            raise ValueError("checksum or shape mismatch")
        return keys, emb

    def lookup(self, keys, out):
        """Fill ``out[i]`` with the cached row of ``keys[i]`` where there is one.

        Parameters
        ----------
        keys : ndarray of shape (n, 16)
            :func:`text_keys` of the texts.
        out : ndarray of shape (n, dim)
            Receives the cached rows.

        Returns
        -------
        ndarray of bool, shape (n,)
            Which rows were found.
        """
        wanted: dict[bytes, list] = {}
        for i, k in enumerate(keys):
            wanted.setdefault(k.tobytes(), []).append(i)
        found = np.zeros(len(keys), dtype=bool)
        for shard in self._shards():
            if not wanted:
                break
            shard_keys = self._safely(shard, self._shard_keys)
            hits = [] if shard_keys is None else [j for j, k in enumerate(shard_keys) if k.tobytes() in wanted]
            read = self._safely(shard, self._read) if hits else None
            if read is None:
                continue
            shard_keys, emb = read
            if emb.shape[1:] != out.shape[1:]:
                continue  # rows of another width (another model under a colliding name): not ours
            for j in hits:
                rows = wanted.pop(shard_keys[j].tobytes(), None)
                if rows is not None:
                    out[rows] = emb[j]
                    found[rows] = True
        return found

    def load(self) -> dict[bytes, np.ndarray]:
        """Every cached row, keyed by its text key (reads the whole folder)."""
        table: dict[bytes, np.ndarray] = {}
        for shard in self._shards():
            read = self._safely(shard, self._read)
            if read is None:
                continue
            keys, emb = read
            for k, row in zip(keys, emb):
                table[k.tobytes()] = row
        return table

    def save(self, keys: np.ndarray, embeddings: np.ndarray) -> Path:
        """Write one shard of ``keys`` and their ``embeddings`` (float32), atomically."""
        self.folder.mkdir(parents=True, exist_ok=True)
        keys = np.ascontiguousarray(keys, dtype=np.uint8)
        embeddings = np.ascontiguousarray(embeddings, dtype=np.float32)
        digest = _payload_digest(keys, embeddings)
        target = self.folder / f"{bytes(digest[:12]).hex()}.npz"
        atomic_write(target, lambda fh: np.savez(fh, keys=keys, embeddings=embeddings, digest=digest))
        return target

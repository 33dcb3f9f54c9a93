"""Embedding a large collection of texts on a Dask cluster, into float32 ``.npy`` shards.

``pip install "skfairpareto[distributed]"`` brings ``dask[distributed]``; the rest of the package
never imports dask. :func:`embed_on_dask` embeds one partition per task: every worker process
loads the model once (and the int8 ONNX model once), embeds its partitions and writes each as a
``.npy`` shard, atomically, to a folder every worker can reach. A shard's name carries the
partition's position and a hash of the embedder's cache key and of the partition's texts, so a
rerun -- or a run that died halfway -- finds the shards already written and recomputes only
the missing partitions; a task that is retried (a worker died) rewrites the same file. The
client shows one progress bar over the partitions.

:class:`DaskEmbeddings` then gives the result as a dask array, or joins the shards into one
``.npy`` file on disk whose memory map the estimators train from without reading it into memory
(docs/distributed.md).
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ._utils import atomic_write, release_pages, row_chunks
from .embedding import SentenceEmbedder, text_keys

__all__ = [
    "DaskEmbeddings",
    "embed_on_dask",
]

_SHARD_VERSION = "skfairpareto-shard/1"
_worker_embedders: dict = {}  # per worker process: one fitted embedder per configuration
_worker_lock = threading.Lock()


def _fitted_embedder(params):
    """This process's fitted embedder for ``params`` (the model and ONNX session load once)."""
    key = repr(sorted(params.items()))
    with _worker_lock:
        if key not in _worker_embedders:
            _worker_embedders[key] = SentenceEmbedder(**params).fit()
        return _worker_embedders[key]


def _embed_partition(texts, index, params, cache_key, output_dir):
    """Embed one partition into ``output_dir/part-INDEX-HASH.npy`` unless it is there.

    Returns ``(path, rows, computed)``; ``computed`` is False when a previous run's shard served.
    """
    texts = [str(t) for t in texts]
    digest = hashlib.sha256(repr((_SHARD_VERSION, cache_key)).encode())
    digest.update(text_keys(texts).tobytes())
    path = Path(output_dir) / f"part-{index:06d}-{digest.hexdigest()[:16]}.npy"
    if path.exists():
        try:  # a complete shard of a previous run (writes are atomic; this catches damage)
            done = np.load(path, mmap_mode="r")
            if done.shape[0] == len(texts) and done.dtype == np.float32:
                return str(path), len(texts), False
        except (OSError, ValueError):
            pass
    embedder = _fitted_embedder(params)
    if embedder.cache_key_ != cache_key:
        raise RuntimeError(
            f"worker embedder has cache key {embedder.cache_key_}, the client's is {cache_key}: the "
            "workers run another model, backend or package version than the client"
        )
    out = embedder.transform(texts) if texts else np.empty((0, embedder.embedding_dim_), np.float32)
    atomic_write(path, lambda fh: np.save(fh, out))
    return str(path), len(texts), True


def _partitions(texts, text_column):
    """A list of dask delayed objects, each a sequence of texts, from any supported input."""
    import dask.bag as db
    import dask.dataframe as dd

    if isinstance(texts, db.Bag):
        return texts.to_delayed()
    if isinstance(texts, dd.DataFrame):
        if text_column not in texts.columns:
            raise ValueError(f"the dataframe has no column {text_column!r}; its columns are {list(texts.columns)}")
        texts = texts[text_column]
    if isinstance(texts, dd.Series):
        return texts.to_delayed()
    if isinstance(texts, (list, tuple)) and texts and all(isinstance(p, (str, Path)) for p in texts):
        paths = [str(p) for p in texts]
        if all(p.endswith(".parquet") for p in paths):
            return dd.read_parquet(paths, columns=[text_column])[text_column].to_delayed()
        if any(p.endswith(".parquet") for p in paths):
            raise ValueError("pass either Parquet files or text files, not both")
        return db.read_text(paths).map(lambda line: line.rstrip("\r\n")).to_delayed()
    raise TypeError(
        "texts must be a dask bag of strings, a dask dataframe (with text_column) or series, or a "
        f"list of text files (one text per line) or Parquet files; got {type(texts).__name__}"
    )


@dataclass
class DaskEmbeddings:
    """The shards :func:`embed_on_dask` wrote, in the input's order."""

    paths: list
    rows: list
    embedding_dim: int
    cache_key: str
    computed: list = field(default_factory=list)  # partitions this run embedded (the others were on disk)

    @property
    def n_rows(self):
        return int(sum(self.rows))

    def to_dask_array(self):
        """A dask array of shape ``(n_rows, embedding_dim)`` reading the shards lazily."""
        import dask
        import dask.array as da

        blocks = [da.from_delayed(dask.delayed(np.load)(p, mmap_mode="r"), shape=(n, self.embedding_dim),
                                  dtype=np.float32) for p, n in zip(self.paths, self.rows)]
        return da.concatenate(blocks, axis=0)

    def to_memmap(self, path):
        """Join the shards into one ``.npy`` file at ``path`` and return its read-only memory map.

        The file is written block by block (never whole in memory) and moved into place
        atomically; the returned array trains every estimator from disk (docs/distributed.md).
        """
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        out = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.float32, shape=(self.n_rows, self.embedding_dim))
        start = 0
        for shard in self.paths:
            part = np.load(shard, mmap_mode="r")
            for block in row_chunks(part):
                out[start : start + len(block)] = block
                start += len(block)
            release_pages(out)
        out.flush()
        del out
        tmp.replace(path)
        return np.load(path, mmap_mode="r")


def embed_on_dask(texts, output_dir, *, embedder=None, client=None, text_column="text", verbose=1):
    """Embed ``texts`` on a Dask cluster into float32 ``.npy`` shards, one per partition.

    Parameters
    ----------
    texts : dask bag, dask dataframe or series, or list of paths
        The texts: a bag of strings; a dataframe (``text_column``) or a series; text files (one
        text per line) or Parquet files (``text_column``). Their partitions are the tasks.
    output_dir : path-like
        Folder every worker can write and the client can read (shared storage on a cluster).
    embedder : SentenceEmbedder or None, default=None
        Its parameters configure the workers' embedders; default ``SentenceEmbedder()``. Give it a
        ``cache_dir`` on shared storage so the int8 ONNX model is built once for the cluster.
    client : dask.distributed.Client or None, default=None
        Default: the current client (``distributed.get_client()``).
    text_column : str, default="text"
        Column of dataframe or Parquet input.
    verbose : int, default=1
        A progress bar over the partitions on the client.

    Returns
    -------
    DaskEmbeddings

    Examples
    --------
    >>> from dask.distributed import Client, LocalCluster            # doctest: +SKIP
    >>> import dask.bag as db                                          # doctest: +SKIP
    >>> client = Client(LocalCluster(n_workers=2, threads_per_worker=1))  # doctest: +SKIP
    >>> result = embed_on_dask(db.from_sequence(texts, npartitions=64), "shards/")  # doctest: +SKIP
    >>> X = result.to_memmap("embeddings.npy")                        # doctest: +SKIP
    """
    import dask
    from distributed import as_completed, get_client
    from sklearn.base import clone
    from tqdm.auto import tqdm

    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    client = get_client() if client is None else client
    template = SentenceEmbedder() if embedder is None else clone(embedder)
    # Fitted on the client first: the backend is chosen and the int8 model built (and cached)
    # once, and the shards are keyed by the embeddings they hold.
    fitted = clone(template).fit()
    params = template.get_params()
    parts = _partitions(texts, text_column)
    tasks = [dask.delayed(_embed_partition, pure=False)(part, i, params, fitted.cache_key_, str(output_dir))
             for i, part in enumerate(parts)]
    futures = client.compute(tasks)
    order = {f.key: i for i, f in enumerate(futures)}
    results = [None] * len(futures)
    with tqdm(total=len(futures), desc="partitions embedded", disable=not verbose) as bar:
        for future in as_completed(futures):
            results[order[future.key]] = future.result()
            bar.update(1)
    return DaskEmbeddings(paths=[r[0] for r in results], rows=[r[1] for r in results],
                          embedding_dim=fitted.embedding_dim_, cache_key=fitted.cache_key_,
                          computed=[i for i, r in enumerate(results) if r[2]])

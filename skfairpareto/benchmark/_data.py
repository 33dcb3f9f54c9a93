"""The benchmark's data: texts, labels and groups, one seeded split, and its features (cached)."""

from __future__ import annotations

import hashlib
import json
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .._utils import atomic_write
from ..model_selection import stratified_split

#: Texts of a ``quick`` run (a stratified subsample), unless ``n_samples`` says otherwise.
QUICK_SAMPLES = 2000
_SPLIT_FORMAT = "skfairpareto-split/1"


def load_table(path, text_column="text", label_column="label", group_column="group", target="binary"):
    """Texts, labels and groups from a CSV/TSV file of the user's own data, checked before any model loads.

    Parameters
    ----------
    path : path-like
        A ``.csv`` file, or ``.tsv`` / ``.tab`` (tab-separated).
    text_column, label_column, group_column : str
        Its columns of texts, labels and sensitive groups; rows missing any are dropped.
    target : {"binary", "multiclass"}
        Whether the labels must be two values, or may be more.

    Returns
    -------
    texts, labels, groups : ndarray

    Raises
    ------
    ValueError
        With one line that names the file and the problem: it is missing, empty or holds no data
        rows; a row has more or fewer fields than the header (pandas would shift the columns
        silently); a named column is missing; there are fewer than two groups or labels (or not
        two, for ``target="binary"``); or a group has fewer than two rows of a label, which the
        benchmark's stratified split needs in both of its parts.
    """
    import csv

    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path}: no such file")
    sep = "\t" if path.suffix in (".tsv", ".tab") else ","
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            rows = csv.reader(fh, delimiter=sep)
            header = next(rows, None)
            if header is None:
                raise ValueError(f"{path} is empty")
            n_rows = 0
            for line, row in enumerate(rows, start=2):
                if not row:
                    continue
                n_rows += 1
                if len(row) != len(header):
                    raise ValueError(f"{path}, line {line}: {len(row)} fields where the header has {len(header)} "
                                     f"({', '.join(header)}); quote the fields that hold the separator {sep!r}")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path} is not UTF-8 text: {exc.reason} at byte {exc.start}") from None
    except csv.Error as exc:
        raise ValueError(f"{path} is not a readable CSV: {exc}") from None
    missing = [c for c in (text_column, label_column, group_column) if c not in header]
    if missing:
        raise ValueError(f"{path} has no column(s) {missing}; its columns are {header}")
    if n_rows == 0:
        raise ValueError(f"{path} has a header but no data rows")
    frame = pd.read_csv(path, sep=sep, index_col=False)
    frame = frame.dropna(subset=[text_column, label_column, group_column])
    if frame.empty:
        raise ValueError(f"{path}: every row misses a text, label or group")
    texts, labels = frame[text_column].astype(str).to_numpy(), frame[label_column].to_numpy()
    groups = frame[group_column].astype(str).to_numpy()
    label_values, group_values = np.unique(labels), np.unique(groups)
    if len(group_values) < 2:
        raise ValueError(f"{path}: column {group_column!r} holds {len(group_values)} group(s) "
                         f"{group_values.tolist()}; fairness between groups needs at least two")
    if len(label_values) < 2 or (target == "binary" and len(label_values) != 2):
        raise ValueError(f"{path}: the benchmark needs {'binary labels' if target == 'binary' else 'two labels or more'}"
                         f", got {len(label_values)} values {label_values[:5].tolist()} in column {label_column!r}"
                         + (" (--target multiclass takes more)" if target == "binary" and len(label_values) > 2 else ""))
    cells = pd.crosstab(groups, labels)
    few = [(g, lab, int(cells.loc[g, lab])) for g in cells.index for lab in cells.columns if cells.loc[g, lab] < 2]
    if few:
        listing = ", ".join(f"{g!r} x {lab!r}: {n}" for g, lab, n in few)
        raise ValueError(f"{path}: too few rows for a split stratified by group and label ({listing}); each group "
                         "needs at least two rows of each label, one for each part")
    return texts, labels, groups


def load_texts(*, data=None, target="binary", aae_threshold=0.5, text_column="text", label_column="label",
               group_column="group"):
    """``(texts, labels, groups, source)``: the bundled tweets (``target``), or the user's table.

    The bundled tweets' multi-class labels are their class names (``hate``, ``offensive``,
    ``neither``).
    """
    if data is None:
        from ..datasets import load_hate_speech

        bunch = load_hate_speech(target=target, aae_threshold=aae_threshold)
        y = bunch.target if target == "binary" else bunch.target_names[bunch.target]
        return (bunch.data, y, np.asarray(bunch.sensitive_features).astype(str),
                f"bundled hate-speech tweets ({target}), AAE threshold {aae_threshold}")
    texts, y, groups = load_table(data, text_column, label_column, group_column, target=target)
    return texts, y, groups, str(data)


def check_labels(y, target):
    """The sorted label values, or an error unless ``y`` suits ``target`` (before any expensive work)."""
    labels = np.unique(y)
    if target == "binary" and len(labels) != 2:
        raise ValueError(f"the benchmark needs binary labels, got {len(labels)} values: {labels[:5].tolist()} "
                         "(use target='multiclass' for more)")
    if len(labels) < 2:
        raise ValueError(f"the benchmark needs at least two labels, got {labels.tolist()}")
    return labels


@dataclass
class BenchmarkSplit:
    """One seeded split of the benchmark's data and its features, what every method trains on.

    ``y_*`` are class codes into ``classes`` (binary: 0/1, 1 = ``positive_label``, the larger
    label); ``groups_*`` the group names.
    """

    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    groups_train: np.ndarray
    groups_test: np.ndarray
    positive_label: object
    classes: np.ndarray
    source: str
    features: str
    embedding_backend: str | None = None
    #: Seconds fitting the featurizer (the lexical part; loading or exporting the embedding model).
    fit_seconds: float = 0.0
    #: Seconds transforming every text (embeddings, unless cached, and the lexical part).
    transform_seconds: float = 0.0
    from_cache: bool = False
    group_counts: dict = field(default_factory=dict)

    @property
    def n_texts(self):
        return len(self.y_train) + len(self.y_test)


def _split_key(texts, y, groups, seed, features, featurizer):
    """Hash of everything the split's features depend on: the texts, labels and groups, the seed, the
    featurizer's parameters, and how the int8 ONNX backend embeds (its export format and batching rule,
    which the embedding cache's own key names too). The embedder's weights are not read, so a warm
    run stays under a second: the bundled model is pinned."""
    import sklearn

    from ..embedding import _onnx, text_keys

    digest = hashlib.sha256(repr((_SPLIT_FORMAT, sklearn.__version__, np.__version__, seed, features,
                                  sorted(featurizer.get_params().items()), _onnx._EXPORT_VERSION,
                                  _onnx.MAX_BATCH_TOKENS)).encode())
    digest.update(text_keys(list(texts)).tobytes())
    digest.update(np.asarray(y).astype(str).astype(bytes).tobytes())
    digest.update(np.asarray(groups).astype(str).astype(bytes).tobytes())
    return digest.hexdigest()[:24]


def _features_digest(*arrays):
    """SHA-256 of the arrays' bytes, one after the other, read in place (``tobytes`` and ``+``
    made two copies of the full tweets' features: 180 MB at the job's peak)."""
    digest = hashlib.sha256()
    for array in arrays:
        digest.update(memoryview(np.ascontiguousarray(array)).cast("B"))
    return digest.digest()


def _read_cached(path):
    """The cached features at ``path``, or None (a damaged file is removed with a warning)."""
    if not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            X_train, X_test, digest = data["X_train"], data["X_test"], data["digest"]
            meta = json.loads(bytes(data["meta"]).decode())
        if digest.tobytes() != _features_digest(X_train, X_test):
            raise ValueError("checksum mismatch")
        return X_train, X_test, meta
    except Exception as exc:  # noqa: BLE001 - any unreadable file is rebuilt
        warnings.warn(f"cached benchmark features {path} are corrupt ({exc!r}); rebuilding them", RuntimeWarning,
                      stacklevel=3)
        path.unlink(missing_ok=True)
        return None


def prepare_split(*, seed=0, quick=False, n_samples=None, data=None, target="binary", aae_threshold=0.5,
                  text_column="text",
                  label_column="label", group_column="group", features="hybrid", backend="auto", device="auto",
                  cache_dir=None, verbose=0):
    """Load the data, split it (80/20, stratified by group and label) and build its features.

    What the main job and every script under ``benchmarks/`` train and score on, so that they
    measure the same thing. The featurizer (:class:`~skfairpareto.features.TextFeatures`: 512
    SVD components, at most half the training texts) is fitted on the training texts only and
    transforms all texts in one pass (one progress bar; the embeddings come from, and go to, the
    embedding cache). With ``cache_dir`` the split's features are cached too (checksummed, keyed
    by the texts, labels, groups, seed and featurizer), so a rerun of the same split featurizes
    nothing.

    Parameters
    ----------
    seed : int
        Seeds the subsample, the split and the SVD.
    quick : bool
        A 2,000-text stratified subsample unless ``n_samples`` says otherwise.
    n_samples : int or None
        Stratified subsample of the data.
    data : path-like or None
        The user's CSV/TSV (``text_column``, binary ``label_column``, ``group_column``); default
        the bundled hate-speech tweets (dialect at ``aae_threshold``).
    target : {"binary", "multiclass"}
        The bundled tweets' two classes (hate or offensive, neither) or three; for the user's
        data, whether more than two labels are allowed.
    features : {"hybrid", "minilm", "lexical"}
        :data:`skfairpareto.features.FEATURE_SETS`.
    backend, device : str
        Embedding inference (:class:`~skfairpareto.SentenceEmbedder`).
    cache_dir : path-like or None
        Cache folder (``get_cache_home(cache_dir)``; the default folder when None).
    verbose : int
        Progress output.

    Returns
    -------
    BenchmarkSplit
    """
    from ..embedding import get_cache_home
    from ..features import FEATURE_SETS, TextFeatures

    say = print if verbose else (lambda *a, **k: None)
    texts, y, groups, source = load_texts(data=data, target=target, aae_threshold=aae_threshold,
                                          text_column=text_column, label_column=label_column,
                                          group_column=group_column)
    labels = check_labels(y, target)
    if n_samples is None and quick:
        n_samples = QUICK_SAMPLES
    if n_samples is not None and n_samples < len(y):
        keep, _ = stratified_split(y, groups, train_size=n_samples, random_state=seed)
        texts, y, groups = texts[keep], y[keep], groups[keep]
    names, counts = np.unique(groups, return_counts=True)
    say(f"{len(y)} texts ({source}); groups {dict(zip(names.tolist(), counts.tolist()))}")
    tr, te = stratified_split(y, groups, test_size=0.2, random_state=seed)
    cache_home = get_cache_home(cache_dir)
    # 512 SVD components (docs/features.md), fewer on a small subsample: at most half the texts.
    featurizer = TextFeatures(**FEATURE_SETS[features], backend=backend, device=device, cache_dir=cache_home,
                              n_components=min(512, len(tr) // 2), random_state=seed, verbose=verbose)
    t0 = time.perf_counter()
    path = cache_home / "splits" / f"{_split_key(texts, y, groups, seed, features, featurizer)}.npz"
    cached = _read_cached(path)
    if cached is not None:
        X_train, X_test, meta = cached
        fit_seconds = transform_seconds = 0.0
        say(f"{features} features ({X_train.shape[1]} columns) read from the cache")
    else:
        featurizer.fit(texts[tr])  # fitted on the training texts only
        fit_seconds = time.perf_counter() - t0
        # All texts in one pass: one progress bar, and each embedding computed (or read) once.
        X = featurizer.transform(texts)
        X_train, X_test = X[tr], X[te]
        del X  # copied into the two parts: free it before they are saved
        transform_seconds = time.perf_counter() - t0 - fit_seconds
        meta = {"embedding_backend": getattr(featurizer.embedder_, "backend_", None)}
        path.parent.mkdir(parents=True, exist_ok=True)
        digest = np.frombuffer(_features_digest(X_train, X_test), np.uint8)
        atomic_write(path, lambda fh: np.savez(fh, X_train=X_train, X_test=X_test, digest=digest,
                                               meta=np.frombuffer(json.dumps(meta).encode(), np.uint8)))
        say(f"{features} features ({X_train.shape[1]} columns): fitted in {fit_seconds:.1f} s, all texts "
            f"transformed in {transform_seconds:.1f} s")
    codes = np.searchsorted(labels, y)  # binary: 1 = the larger label; fairlearn's reductions need 0/1
    return BenchmarkSplit(X_train=X_train, X_test=X_test, y_train=codes[tr], y_test=codes[te], groups_train=groups[tr],
                          groups_test=groups[te], positive_label=labels[1] if len(labels) == 2 else None,
                          classes=labels, source=source, features=features,
                          embedding_backend=meta["embedding_backend"], fit_seconds=fit_seconds,
                          transform_seconds=transform_seconds, from_cache=cached is not None,
                          group_counts=dict(zip(names.tolist(), counts.tolist())))

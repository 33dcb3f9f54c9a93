"""Safe export of a fitted member: weights in safetensors, everything else as JSON, no pickle.

``pickle`` and ``joblib`` round-trip any estimator of this package bit-identically, but loading
a pickle runs code chosen by whoever wrote the file: load only pickles you made yourself. To
share a trade-off point with others, export the member with :func:`save_member` and rebuild it
with :func:`load_member`. The file is a `safetensors <https://huggingface.co/docs/safetensors>`_
file: the head's tensors plus one JSON metadata entry (classes, groups, feature count,
normalisers and the member's constructor parameters). Reading it executes nothing.

A file records a SHA-256 checksum of its tensors' bytes and of its metadata, and
:func:`load_member` checks it, the metadata against the parameter constraints ``fit`` applies,
and that every weight is finite, before building anything; whatever is wrong is one
:class:`~skfairpareto.exceptions.MemberFileError` that says what. The checksum detects damage (a
flipped byte, a truncated copy, an edit by hand): it is not a signature, and someone who can
rewrite the file can rewrite its checksum too. Load members only from sources you trust.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import torch

from ._utils import atomic_write
from .exceptions import MemberFileError

__all__ = [
    "save_member",
    "load_member",
    "FORMAT",
]

FORMAT = "skfairpareto-member/4"  # 4: a checksum and the feature names; 3: the threshold; 2: the criterion
_READABLE = ("skfairpareto-member/2", "skfairpareto-member/3", FORMAT)  # a format-2 member predicts at threshold 0
#: The metadata every readable file has.
_REQUIRED = ("format", "params", "module", "classes", "groups", "n_features_in", "objective_scales")
_KEY = "skfairpareto"
# Constructor parameters that are Python objects, not data: never written to the file.
_OBJECT_PARAMS = ("module", "optimizer", "callbacks")


def _array_to_json(values):
    values = np.asarray(values)
    return {"dtype": values.dtype.str, "values": values.tolist()}


def _array_from_json(entry):
    dtype = np.dtype(entry["dtype"])
    if dtype.kind == "O":
        return np.asarray(entry["values"], dtype=object)
    return np.asarray(entry["values"], dtype=dtype)


def _checksum(tensors, metadata):
    """SHA-256 of the tensors' names, dtypes, shapes and bytes and of the metadata (without its checksum)."""
    digest = hashlib.sha256(json.dumps({k: v for k, v in metadata.items() if k != "checksum"},
                                       sort_keys=True).encode())
    for name in sorted(tensors):
        tensor = tensors[name].detach().cpu().contiguous()
        digest.update(f"{name}|{tensor.dtype}|{tuple(tensor.shape)}|".encode())
        digest.update(tensor.reshape(-1).view(torch.uint8).numpy().tobytes() if tensor.numel() else b"")
    return digest.hexdigest()


def save_member(member, path):
    """Write a fitted :class:`~skfairpareto.CBAClassifier` (e.g. a ``front_`` member) to ``path``.

    The file is written atomically. Members with a custom ``module`` class store its name; pass
    the class again to :func:`load_member`.

    Parameters
    ----------
    member : CBAClassifier
        A fitted classifier.
    path : str or Path
        Destination, conventionally ending in ``.safetensors``.

    Returns
    -------
    Path

    Examples
    --------
    >>> import numpy as np, tempfile, pathlib
    >>> from skfairpareto import CBAClassifier, load_member, save_member
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(100, 3)).astype("float32")
    >>> s = rng.randint(0, 2, 100)
    >>> clf = CBAClassifier(max_epochs=20, random_state=0).fit(X, X[:, 0] > 0, sensitive_features=s)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = save_member(clf, pathlib.Path(folder) / "member.safetensors")
    ...     same = load_member(path)
    >>> bool(np.array_equal(same.predict_proba(X), clf.predict_proba(X)))
    True
    """
    from safetensors.torch import save
    from sklearn.utils.validation import check_is_fitted

    from .cba import CBAClassifier

    if not isinstance(member, CBAClassifier):
        raise TypeError(f"save_member takes a fitted CBAClassifier (a front_ member), got {type(member).__name__}")
    check_is_fitted(member, "net_")
    params = member.get_params(deep=False)
    module = params["module"]
    for key in _OBJECT_PARAMS:
        params.pop(key)
    params["hidden_layer_sizes"] = list(params["hidden_layer_sizes"])
    params["constraints"] = _criterion_to_spec(params["constraints"])
    params["weight_decay"] = float(member.weight_decay_)  # the number it trained with ("auto" resolved)
    try:
        json.dumps(params)
    except TypeError as exc:
        raise ValueError(f"member parameters are not plain data and cannot be exported: {exc}") from exc
    metadata = {
        "format": FORMAT,
        "params": params,
        "module": None if module is None else f"{module.__module__}.{module.__qualname__}",
        "classes": _array_to_json(member.classes_),
        "groups": _array_to_json(member.groups_),
        "n_features_in": int(member.n_features_in_),
        "objective_scales": [float(v) for v in member.objective_scales_],
        "column_names": member.objectives_.column_names,
        "threshold": np.asarray(member.threshold_, dtype=float).tolist(),
        "feature_names": (None if getattr(member, "feature_names_in_", None) is None
                          else [str(v) for v in member.feature_names_in_]),
    }
    tensors = {k: v.detach().cpu().contiguous() for k, v in member.net_.module_.state_dict().items()}
    metadata["checksum"] = _checksum(tensors, metadata)
    payload = save(tensors, metadata={_KEY: json.dumps(metadata)})
    return atomic_write(path, lambda fh: fh.write(payload))


def load_member(path, *, module=None, device="cpu"):
    """Rebuild a fitted :class:`~skfairpareto.CBAClassifier` from a :func:`save_member` file.

    Parameters
    ----------
    path : str or Path
    module : torch.nn.Module class or None
        The custom head class, required when the member was saved with one.
    device : str, default="cpu"
        Device of the rebuilt member (``"auto"``: CUDA when present).

    Returns
    -------
    CBAClassifier

    Raises
    ------
    MemberFileError
        When the file is not a member file, or is damaged or edited: its checksum does not match,
        a weight is not finite, its metadata breaks the member's parameter constraints (an
        ``alpha`` outside [0, 1], a NaN threshold, unsorted classes, an unknown criterion, ...),
        or its weights do not fit the head the metadata describes. The message says which.

    Examples
    --------
    See :func:`save_member`.
    """
    from safetensors import SafetensorError, safe_open
    from safetensors.torch import load

    from ._utils import resolve_device
    from .cba import CBAClassifier

    path = Path(path)

    def invalid(what):
        return MemberFileError(f"{path} is not a skfairpareto member file as it was written: {what}")

    try:
        tensors = load(path.read_bytes())
        with safe_open(str(path), framework="pt") as fh:
            header = fh.metadata() or {}
        metadata = json.loads(header[_KEY])
    except (SafetensorError, KeyError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise MemberFileError(
            f"{path} is not a skfairpareto member file (truncated, corrupted, or written by "
            f"something else): {exc!r}"
        ) from exc
    if not isinstance(metadata, dict):
        raise invalid("its metadata is not a JSON object")
    if metadata.get("format") not in _READABLE:
        raise MemberFileError(f"{path} has format {metadata.get('format')!r}; this version reads {list(_READABLE)}")
    missing = [key for key in _REQUIRED if key not in metadata]
    if missing:
        raise invalid(f"its metadata lacks {missing}")
    if "checksum" in metadata:
        if metadata["checksum"] != _checksum(tensors, metadata):
            raise invalid("its checksum does not match its weights and metadata (the file was damaged or edited "
                          "after it was written)")
    elif metadata["format"] == FORMAT:
        raise invalid(f"it has no checksum, which format {FORMAT!r} always writes")
    bad = sorted(name for name, t in tensors.items() if t.is_floating_point() and not torch.isfinite(t).all())
    if bad:
        raise invalid(f"the weights {bad} hold NaN or infinite values")
    if metadata["module"] is not None:
        if module is None:
            raise ValueError(
                f"{path} holds a custom head ({metadata['module']}); pass module=<that class> to load it"
            )
    elif module is not None:
        raise ValueError(f"{path} holds the default head; do not pass module")
    try:
        params, state = _checked_member(metadata, module, tensors)
    except (ValueError, TypeError, KeyError) as exc:
        raise invalid(f"its metadata says {exc}") from None
    target = torch.device(resolve_device(device))
    try:
        member = CBAClassifier._from_module_state(
            params, {k: v.to(target) for k, v in tensors.items()}, classes=state["classes"],
            group_names=state["groups"], n_features=state["n_features"], scales=state["scales"],
            column_names=state["column_names"], feature_names=state["feature_names"])
    except RuntimeError as exc:  # load_state_dict: the weights do not fit the head the metadata describes
        first = str(exc).strip().splitlines()[0]
        raise invalid(f"its weights do not fit the head its metadata describes ({first})") from None
    member.threshold_ = state["threshold"]
    return member


def _checked_member(metadata, module, tensors):
    """The member's constructor parameters and fitted state from its metadata, each checked as ``fit`` would.

    Raises a ValueError (or TypeError, KeyError) that names the first entry that is wrong.
    """
    from ._validation import check_head_params
    from .cba import CBAClassifier

    params = metadata["params"]
    if not isinstance(params, dict):
        raise TypeError("params is not a JSON object")
    unknown = sorted(set(params) - set(CBAClassifier().get_params(deep=False)))
    if unknown:
        raise ValueError(f"params has unknown parameters {unknown}")
    params = dict(params, module=module)
    params["hidden_layer_sizes"] = tuple(params.get("hidden_layer_sizes", ()))
    params["constraints"] = _criterion_from_spec(params.get("constraints", "error_rate_parity"))
    est = CBAClassifier(**params)
    est._validate_params()  # the same parameter constraints fit checks (alpha in [0, 1], ...)
    check_head_params(est)
    if isinstance(est.weight_decay, str):  # save_member writes the number the head trained with
        raise ValueError(f"weight_decay must be the number the member trained with, got {est.weight_decay!r}")
    classes, groups = _array_from_json(metadata["classes"]), _array_from_json(metadata["groups"])
    for name, values in (("classes", classes), ("groups", groups)):
        if values.ndim != 1 or len(values) < 2 or len(np.unique(values)) != len(values):
            raise ValueError(f"{name} must be at least two distinct labels, got {values.tolist()!r}")
        if not np.array_equal(np.unique(values), values):
            raise ValueError(f"{name} must be sorted as fit sorts them, got {values.tolist()!r}")
    n_features = metadata["n_features_in"]
    if not isinstance(n_features, int) or isinstance(n_features, bool) or n_features < 1:
        raise ValueError(f"n_features_in must be a positive integer, got {n_features!r}")
    try:
        scales = np.asarray(metadata["objective_scales"], dtype=float)
    except (TypeError, ValueError):
        scales = np.array([np.nan])
    if scales.ndim != 1 or len(scales) < 2 or not np.all(np.isfinite(scales)) or np.any(scales <= 0):
        raise ValueError(f"objective_scales must be positive numbers, got {metadata['objective_scales']!r}")
    n_outputs = 1 if len(classes) == 2 else len(classes)
    try:
        threshold = np.asarray(metadata.get("threshold", 0.0), dtype=float)
    except (TypeError, ValueError):
        threshold = np.array(np.nan)
    if threshold.shape != (() if n_outputs == 1 else (n_outputs,)) or not np.all(np.isfinite(threshold)):
        raise ValueError(f"threshold must be {'a finite number' if n_outputs == 1 else f'{n_outputs} finite numbers'} "
                         f"for {len(classes)} classes, got {metadata.get('threshold')!r}")
    names = metadata.get("feature_names")
    if names is not None and (not isinstance(names, list) or len(names) != n_features):
        raise ValueError(f"feature_names must be {n_features} names, got {names!r}")
    columns = metadata.get("column_names")
    if columns is not None and (not isinstance(columns, list) or not all(isinstance(c, str) for c in columns)):
        raise ValueError(f"column_names must be a list of names, got {columns!r}")
    return params, {"classes": classes, "groups": groups, "n_features": n_features, "scales": scales,
                    "threshold": float(threshold) if n_outputs == 1 else threshold, "feature_names": names,
                    "column_names": columns}


def _criterion_to_spec(constraints):
    """A JSON-able description of a ``constraints`` value (how :func:`save_member` stores it)."""
    from .criteria import CRITERIA, resolve_criterion

    crit = resolve_criterion(constraints)
    if type(crit) is not CRITERIA.get(crit.name):
        raise ValueError(
            f"a user criterion ({type(crit).__qualname__}) cannot be exported as data; pickle the "
            "member instead, or export it trained with a built-in criterion"
        )
    return {"name": crit.name, "params": crit.get_params()}


def _criterion_from_spec(spec):
    """The ``constraints`` value :func:`_criterion_to_spec` described: the name when the criterion
    has its default options, else the object. A spec that names no built-in criterion is a ValueError."""
    from .criteria import CRITERIA

    if isinstance(spec, str) and spec in CRITERIA:  # a hand-written file may name it alone
        return spec
    if not isinstance(spec, dict) or spec.get("name") not in CRITERIA or not isinstance(spec.get("params", {}), dict):
        raise ValueError(f"constraints must name one of {sorted(CRITERIA)} with its options, got {spec!r}")
    cls = CRITERIA[spec["name"]]
    params = spec.get("params", {})
    unknown = sorted(set(params) - set(cls().get_params()))
    if unknown:
        raise ValueError(f"constraints {spec['name']!r} has no options {unknown}")
    return spec["name"] if params == cls().get_params() else cls(**params)

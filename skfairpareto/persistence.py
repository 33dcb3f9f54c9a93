"""Safe export of a fitted member: weights in safetensors, everything else as JSON, no pickle.

``pickle`` and ``joblib`` round-trip any estimator of this package bit-identically, but loading
a pickle runs code chosen by whoever wrote the file: load only pickles you made yourself. To
share a trade-off point with others, export the member with :func:`save_member` and rebuild it
with :func:`load_member`. The file is a `safetensors <https://huggingface.co/docs/safetensors>`_
file: the head's tensors plus one JSON metadata entry (classes, groups, feature count,
normalisers and the member's constructor parameters). Reading it executes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

from ._utils import atomic_write

__all__ = [
    "save_member",
    "load_member",
    "FORMAT",
]

FORMAT = "skfairpareto-member/3"  # 3: the decision threshold; 2: the criterion replaced gap_loss
_READABLE = ("skfairpareto-member/2", FORMAT)  # a format-2 member predicts at threshold 0
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
    }
    tensors = {k: v.detach().cpu().contiguous() for k, v in member.net_.module_.state_dict().items()}
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

    Examples
    --------
    See :func:`save_member`.
    """
    from safetensors import SafetensorError, safe_open
    from safetensors.torch import load

    from ._utils import resolve_device
    from .cba import CBAClassifier

    path = Path(path)
    try:
        tensors = load(path.read_bytes())
        with safe_open(str(path), framework="pt") as fh:
            header = fh.metadata() or {}
        metadata = json.loads(header[_KEY])
    except (SafetensorError, KeyError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(
            f"{path} is not a skfairpareto member file (truncated, corrupted, or written by "
            f"something else): {exc!r}"
        ) from exc
    if metadata.get("format") not in _READABLE:
        raise ValueError(f"{path} has format {metadata.get('format')!r}; this version reads {list(_READABLE)}")
    if metadata["module"] is not None:
        if module is None:
            raise ValueError(
                f"{path} holds a custom head ({metadata['module']}); pass module=<that class> to load it"
            )
    elif module is not None:
        raise ValueError(f"{path} holds the default head; do not pass module")
    params = dict(metadata["params"], module=module)
    params["hidden_layer_sizes"] = tuple(params["hidden_layer_sizes"])
    params["constraints"] = _criterion_from_spec(params["constraints"])
    target = torch.device(resolve_device(device))
    member = CBAClassifier._from_module_state(
        params,
        {k: v.to(target) for k, v in tensors.items()},
        classes=_array_from_json(metadata["classes"]),
        group_names=_array_from_json(metadata["groups"]),
        n_features=metadata["n_features_in"],
        scales=metadata["objective_scales"],
        column_names=metadata.get("column_names"),
    )
    threshold = metadata.get("threshold", 0.0)
    member.threshold_ = float(threshold) if np.ndim(threshold) == 0 else np.asarray(threshold, dtype=float)
    return member


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
    """The ``constraints`` value :func:`criterion_to_spec` described: the name when the criterion
    has its default options, else the object."""
    from .criteria import CRITERIA

    cls = CRITERIA[spec["name"]]
    return spec["name"] if spec["params"] == cls().get_params() else cls(**spec["params"])

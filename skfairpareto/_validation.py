"""Input validation shared by every estimator: labels, features and sensitive features."""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.utils.multiclass import type_of_target


def check_target(y):
    """Return ``(codes, classes)``: labels encoded as int64 class codes ``0..K-1`` and the original values.

    Labels may be any sortable values (strings, integers). How many classes there are (one logit
    for two, K logits for more) is the objectives' business, not the codes' dtype.
    """
    y = np.asarray(y)
    if y.ndim != 1:
        if y.ndim == 2 and y.shape[1] == 1:
            y = y.ravel()
        else:
            raise ValueError(f"y must be 1-d, got shape {y.shape}")
    if y.dtype.kind in "fc" and not np.all(np.isfinite(y)):
        raise ValueError("y contains NaN or infinity")
    if pd.isna(y).any():
        raise ValueError("y contains missing values")
    kind = type_of_target(y, input_name="y")
    if kind not in ("binary", "multiclass"):
        raise ValueError(f"Unknown label type: {kind!r}; y must hold class labels")
    classes, encoded = np.unique(y, return_inverse=True)
    if len(classes) < 2:
        raise ValueError(
            f"y has a single class ({classes[0]!r}); a classifier needs at least two classes to learn"
        )
    return encoded.astype(np.int64), classes


def check_sensitive_features(sensitive_features, n_samples, *, groups=None):
    """Encode sensitive features as integer group codes.

    ``sensitive_features`` may be a 1-d array-like (one feature) or a 2-d array / DataFrame of
    several features, whose combinations form intersectional groups (named ``"a|b"``, with ``|``
    and ``\\`` inside values escaped by a backslash, so names never collide).

    Returns ``(codes, group_names)``. With ``groups`` given (the names seen in ``fit``), values
    are encoded against them and an unseen group raises.
    """
    if sensitive_features is None:
        raise ValueError(
            "sensitive_features is required: pass fit(X, y, sensitive_features=...) with one "
            "group label per sample (inside a Pipeline or search, request it with "
            "set_fit_request(sensitive_features=True))"
        )
    if isinstance(sensitive_features, pd.DataFrame):
        frame = sensitive_features
    else:
        arr = np.asarray(sensitive_features, dtype=object)
        if arr.ndim == 0:
            raise ValueError("sensitive_features must be an array-like, got a scalar")
        if arr.ndim > 2:
            raise ValueError(f"sensitive_features must be 1-d or 2-d, got shape {arr.shape}")
        frame = pd.DataFrame(arr if arr.ndim == 2 else arr[:, None])
    if len(frame) != n_samples:
        raise ValueError(
            f"sensitive_features has {len(frame)} rows but X has {n_samples} samples; "
            "pass one group label per sample"
        )
    if frame.isna().to_numpy().any():
        bad = int(frame.isna().any(axis=1).to_numpy().argmax())
        raise ValueError(f"sensitive_features has missing values (first at row {bad})")
    if frame.shape[1] == 1:
        labels = frame.iloc[:, 0].astype(str).to_numpy()
    else:
        # Escaped as fairlearn's _merge_columns does, so that different combinations of values
        # never share a name: ("a|b", "c") is "a\\|b|c", ("a", "b|c") is "a|b\\|c".
        escaped = frame.astype(str).apply(lambda col: col.str.replace("\\", "\\\\").str.replace("|", "\\|"))
        labels = escaped.agg("|".join, axis=1).to_numpy()
    if groups is None:
        names, codes = np.unique(labels, return_inverse=True)
        if len(names) < 2:
            raise ValueError(
                f"sensitive_features holds a single group ({names[0]!r}); fairness between "
                "groups needs at least two"
            )
        return codes.astype(np.int64), names
    index = {g: i for i, g in enumerate(groups)}
    unknown = sorted(set(labels) - set(index))
    if unknown:
        raise ValueError(f"sensitive_features has groups not seen in fit: {unknown[:5]}")
    return np.array([index[v] for v in labels], dtype=np.int64), np.asarray(groups)


def check_groups_have_both_labels(y, codes, group_names, classes):
    """Warn about groups whose samples all carry one label value (any number of classes).

    Such a group's accuracy is its rate of predicting that one value, and its true- or
    false-positive rate is undefined. A criterion that needs the missing class raises first
    (:meth:`skfairpareto.criteria.FairnessCriterion.load_data`); otherwise a ``UserWarning``
    names the groups and fitting goes on.
    """
    single = [
        (name, y[codes == g][0]) for g, name in enumerate(group_names)
        if len(np.unique(y[codes == g])) < 2
    ]
    if not single:
        return
    listing = ", ".join(f"{name!r} (all {np.asarray(classes)[int(value)].tolist()!r})" for name, value in single)
    warnings.warn(
        f"group(s) {listing} have a single label value: their accuracy is the rate "
        "of predicting that value and rate-based fairness metrics are undefined for them",
        UserWarning,
        stacklevel=3,
    )


def check_in_interval(name, value, low, high, *, closed="both"):
    """Raise a ValueError naming ``name`` unless ``value`` is a real number in the interval."""
    ok = isinstance(value, Real) and not isinstance(value, bool) and np.isfinite(value)
    if ok:
        ok = (low <= value if closed in ("both", "left") else low < value) and (
            value <= high if closed in ("both", "right") else value < high
        )
    if not ok:
        lb = "[" if closed in ("both", "left") else "("
        rb = "]" if closed in ("both", "right") else ")"
        raise ValueError(f"{name} must be a number in {lb}{low}, {high}{rb}, got {value!r}")


def check_positive_int(name, value):
    if not isinstance(value, Integral) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")


# -- parameter constraints (scikit-learn's declarative tables, checked once at the top of fit) ---
#
# scikit-learn's private _param_validation checks types and ranges from one table per class
# (BaseEstimator._validate_params), as LogisticRegression and LogisticRegressionCV do; what a
# table cannot say (the entries of a tuple, the names a criterion or device takes) is checked by
# each class's _check_params right after, still before any data work.

def _constraints():
    from numbers import Integral, Real

    import torch
    from fairlearn.reductions import Moment
    from sklearn.utils._param_validation import Hidden, Interval, Options, StrOptions

    from .criteria import CRITERIA, FairnessCriterion

    positive = Interval(Real, 0, None, closed="neither")
    non_negative = Interval(Real, 0, None, closed="left")
    count = Interval(Integral, 1, None, closed="left")
    return {
        "constraints": [StrOptions(set(CRITERIA)), FairnessCriterion, Moment, list, tuple],
        "sensitive_objectives": [StrOptions({"joint", "per_column"})],
        "hidden_layer_sizes": ["array-like"],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "group_aware": ["boolean"],
        "lr": [positive],
        "weight_decay": [StrOptions({"auto"}), non_negative],
        "standardize": [StrOptions({"auto"}), "boolean"],
        "max_epochs": [count],
        "batch_size": [count, Options(Integral, {-1})],
        "device": [str, torch.device],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }, dict(positive=positive, non_negative=non_negative, count=count, deprecated=Hidden(StrOptions({"deprecated"})))


HEAD_CONSTRAINTS, _KINDS = _constraints()
POSITIVE, NON_NEGATIVE, COUNT = _KINDS["positive"], _KINDS["non_negative"], _KINDS["count"]
#: The default of a renamed parameter's old name (scikit-learn's deprecation pattern).
DEPRECATED = _KINDS["deprecated"]


def check_layer_sizes(name, sizes):
    """Raise a ValueError unless ``sizes`` is a sequence of positive integers."""
    for size in tuple(sizes):
        check_positive_int(f"{name} entries", size)


def check_head_params(est):
    """What the tables cannot say about the head parameters every estimator shares; returns the
    estimator's fresh criteria (:func:`~skfairpareto.criteria.resolve_objectives`)."""
    from ._utils import resolve_device
    from .criteria import resolve_objectives

    check_layer_sizes("hidden_layer_sizes", est.hidden_layer_sizes)
    resolve_device(est.device)
    return resolve_objectives(est.constraints)


def validate_features(estimator, X, y="no_validation", **kwargs):
    """scikit-learn's ``validate_data`` as float32, finite, and without copying a memory-mapped X.

    A float32 memory-mapped X passes through as a view of the file; its finiteness is checked
    in row blocks whose pages are released after each (:func:`~skfairpareto._utils.row_chunks`),
    so validating a file larger than memory needs about one block of it.
    """
    from sklearn.utils import assert_all_finite
    from sklearn.utils.validation import validate_data

    from ._utils import is_memory_mapped, row_chunks

    _check_numeric_columns(X)
    mapped = is_memory_mapped(X)
    out = validate_data(estimator, X, y, dtype=np.float32, ensure_all_finite=not mapped, **kwargs)
    X = out[0] if isinstance(out, tuple) else out
    if mapped:
        for block in row_chunks(X):
            assert_all_finite(block, input_name="X")
    elif isinstance(X, np.ndarray) and X.ctypes.data % SIMD_ALIGNMENT:
        X = aligned(X)
        out = (X, *out[1:]) if isinstance(out, tuple) else X
    return out


def _check_numeric_columns(X):
    """Refuse a DataFrame with text or category columns by name (scikit-learn's own error names neither the
    column nor the fix: "could not convert string to float", or numpy's cast error)."""
    dtypes = getattr(X, "dtypes", None)
    if not hasattr(dtypes, "items"):  # not a pandas DataFrame: validate_data checks it
        return
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    bad = [str(name) for name, dtype in dtypes.items() if not (is_numeric_dtype(dtype) or is_bool_dtype(dtype))]
    if bad:
        shown = ", ".join(repr(name) for name in bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
        raise ValueError(
            f"X has non-numeric columns ({shown}): the heads read numbers. Encode them first, e.g. with "
            "sklearn.preprocessing.OneHotEncoder in a ColumnTransformer before the estimator (or pandas.get_dummies)"
        )


#: Byte alignment :func:`aligned` gives X: what torch's kernels need, and what numpy gives its own arrays
#: (so an array numpy allocated is never copied).
SIMD_ALIGNMENT = 16


def aligned(X):
    """``X``, or a C-contiguous copy of it whose data start at a multiple of :data:`SIMD_ALIGNMENT` bytes.

    torch's CPU kernels sum a float32 row in a different order when its first element is not
    16-byte aligned (measured: 1.2e-7 apart at offsets 4 and 8, equal at 0, 16 and 32). Arrays
    unpickled on a dask or joblib worker can land at any offset, so a seeded fit there would
    differ in the last bit from the same fit here; training on an aligned array makes them equal.
    A ``.npy`` memory map is aligned already (numpy pads its header to 64 bytes).
    """
    if not isinstance(X, np.ndarray) or X.ctypes.data % SIMD_ALIGNMENT == 0:
        return X
    buffer = np.empty(X.nbytes + SIMD_ALIGNMENT, dtype=np.uint8)
    start = -buffer.ctypes.data % SIMD_ALIGNMENT
    out = buffer[start : start + X.nbytes].view(X.dtype).reshape(X.shape)
    out[...] = X
    return out

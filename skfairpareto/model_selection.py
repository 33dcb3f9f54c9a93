"""Splitting data so that every group and label keeps its share: the one split helper.

The estimators hold out their validation share with it, and the benchmark, its scripts and the
examples make their train/test splits with it, so one split means one thing everywhere.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "stratified_split",
]


def stratified_split(y, groups, *, test_size=None, train_size=None, random_state=None):
    """Train and test indices stratified by group × label.

    Every (group, label) cell keeps its share in both parts, as fairness metrics need: a group's
    positives and negatives are few in the smaller group. Where a cell has fewer than two samples
    the split is stratified by group alone, and a group with a single sample goes to the training
    part (it cannot be in both).

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Labels (any values).
    groups : array-like of shape (n_samples,)
        Sensitive group of each sample (any values; compared as they are).
    test_size, train_size : float, int or None
        As :func:`sklearn.model_selection.train_test_split`.
    random_state : int, RandomState instance or None
        Seeds the split.

    Returns
    -------
    train, test : ndarray of int
        Indices into the samples.

    Raises
    ------
    ValueError
        When a part would be too small to hold a sample of every stratum; the message names the
        sizes and the cells.

    Examples
    --------
    >>> import numpy as np
    >>> from skfairpareto.model_selection import stratified_split
    >>> y = np.array([0, 1] * 10)
    >>> groups = np.array(["a"] * 12 + ["b"] * 8)
    >>> train, test = stratified_split(y, groups, test_size=0.5, random_state=0)
    >>> sorted(zip(groups[test], y[test])) == sorted(zip(groups[train], y[train]))
    True
    """
    from sklearn.model_selection import train_test_split
    from sklearn.model_selection._split import _validate_shuffle_split

    y, groups = np.asarray(y), np.asarray(groups)
    if len(y) != len(groups):
        raise ValueError(f"y has {len(y)} samples but groups {len(groups)}")
    label_values, label_codes = np.unique(y, return_inverse=True)
    group_values, group_codes = np.unique(groups, return_inverse=True)
    label_codes, group_codes = label_codes.reshape(-1), group_codes.reshape(-1)
    # Group-major, label-minor codes: sorted as the cells' names would sort.
    strata = group_codes * len(label_values) + label_codes
    by_group = False
    if np.unique(strata, return_counts=True)[1].min() < 2:
        strata, by_group = group_codes, True
    names, counts = np.unique(strata, return_counts=True)
    alone = np.isin(strata, names[counts < 2])  # a group of one sample: training only
    rows = np.flatnonzero(~alone)
    n = len(rows)
    n_strata = len(np.unique(strata[rows]))

    group_names, label_names = group_values.tolist(), label_values.tolist()

    def cell(code):
        if by_group:
            return repr(group_names[code])
        return f"({group_names[code // len(label_names)]!r}, {label_names[code % len(label_names)]!r})"

    listing = ", ".join(f"{cell(c)}: {k}" for c, k in zip(names, counts))
    what = "groups" if by_group else "group x label cells"
    try:
        n_train, n_test = _validate_shuffle_split(n, test_size, train_size, default_test_size=0.25)
    except ValueError as exc:
        raise ValueError(f"{exc} ({n} rows in {n_strata} {what}: {listing})") from None
    if n_test < n_strata or n_train < n_strata:
        raise ValueError(f"the split gives {n_train} training and {n_test} held-out rows for {n_strata} {what} "
                         f"({listing}); each part needs a row of each")
    train, test = train_test_split(rows, test_size=n_test, train_size=n_train, stratify=strata[rows],
                                   random_state=random_state)
    return (np.sort(np.concatenate([train, np.flatnonzero(alone)])) if alone.any() else train), test

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
    positives and negatives are few in the smaller group. Where a cell has fewer than two
    samples the split is stratified by group alone.

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

    y, groups = np.asarray(y), np.asarray(groups)
    if len(y) != len(groups):
        raise ValueError(f"y has {len(y)} samples but groups {len(groups)}")
    label_codes = np.unique(y, return_inverse=True)[1].reshape(-1)
    group_codes = np.unique(groups, return_inverse=True)[1].reshape(-1)
    # Group-major, label-minor codes: sorted as the cells' names would sort.
    strata = group_codes * (label_codes.max() + 1) + label_codes
    if np.unique(strata, return_counts=True)[1].min() < 2:
        strata = group_codes
    return train_test_split(np.arange(len(y)), test_size=test_size, train_size=train_size, stratify=strata,
                            random_state=random_state)

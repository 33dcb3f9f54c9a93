"""The objective model of every fit: the error and ``m - 1`` fairness gaps, over any number of classes.

One :class:`FairnessObjectives` describes what a front trades off, whatever its size: ``f1``
(the cross-entropy) and one ``f2`` per fairness objective. Two objectives and two classes are its
smallest instance, not a separate path. It owns, in one place:

* **binding** (:meth:`FairnessObjectives.bind`): the fresh criteria of ``constraints``, the fit's
  labels, group codes and sensitive columns in, bound objectives out (one per criterion, or per
  criterion and column with ``sensitive_objectives="per_column"``), with their names;
* **the surrogates** (:meth:`FairnessObjectives.objectives`): ``[f1, f2_1, ...]`` of a batch, in
  torch, for the solvers;
* **preferences**: a weight per objective on the simplex (:meth:`~FairnessObjectives.weights`),
  the members' lattice (:meth:`~FairnessObjectives.preference_grid`), SUHNPF's epsilon grid
  (:meth:`~FairnessObjectives.epsilon_levels`) and the evolution's preference moves;
* **hard decisions** (:meth:`FairnessObjectives.hard`): the error and gaps of a member's
  predictions on one split, and the decision thresholds tuned to a preference
  (:class:`~skfairpareto.criteria.HardObjectives`).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import torch

from ._registry import criterion_label

__all__ = [
    "FairnessObjectives",
    "sensitive_columns",
    "split_group_names",
]


def split_group_names(names):
    """The column values of intersectional group names (``"a|b"``, with ``|`` and ``\\`` inside values
    escaped by a backslash, as :func:`~skfairpareto._validation.check_sensitive_features` joins them),
    one row per name."""
    rows = [[part.replace("\\|", "|").replace("\\\\", "\\") for part in re.split(r"(?<!\\)\|", str(name))]
            for name in names]
    return np.asarray(rows, dtype=object)


def _frame(sensitive_features):
    if isinstance(sensitive_features, pd.DataFrame):
        return sensitive_features
    arr = np.asarray(sensitive_features, dtype=object)
    return pd.DataFrame(arr if arr.ndim == 2 else arr[:, None])


def _separate_columns(sensitive_features, sensitive_objectives):
    """The sensitive columns' names when each is its own objective, else None."""
    if sensitive_objectives != "per_column" or np.ndim(sensitive_features) != 2 or np.shape(sensitive_features)[1] < 2:
        return None
    return [str(c) for c in _frame(sensitive_features).columns]


def sensitive_columns(sensitive_features, codes, n_groups):
    """Each column of ``sensitive_features`` as groups of its own, for one objective per column.

    Returns ``(column_names, table, names)``: the columns' names (a DataFrame's, else ``"0"``,
    ``"1"``, ...), an ``(n_groups, n_columns)`` table of each joint group's code in every column
    (the joint groups are the columns' intersections, so every column's groups follow from them),
    and each column's group names. A column holding a single group is an error that names it.
    """
    frame = _frame(sensitive_features)
    column_names = [str(c) for c in frame.columns]
    table = np.zeros((n_groups, frame.shape[1]), dtype=np.int64)
    names = []
    first = np.unique(codes, return_index=True)[1]  # a row of every joint group
    for j, name in enumerate(column_names):
        values, column_codes = np.unique(frame.iloc[:, j].astype(str).to_numpy(), return_inverse=True)
        if len(values) < 2:
            raise ValueError(f"sensitive feature column {name!r} holds a single group ({values[0]!r}); as its own "
                             "fairness objective it needs at least two")
        table[:, j] = column_codes[first]
        names.append(values)
    return column_names, table, names


class FairnessObjectives:
    """The objectives of a front: the error, then one fairness gap per criterion (and sensitive column).

    One objective per criterion of ``constraints`` (and per sensitive column with
    ``sensitive_objectives="per_column"``), each a bound :class:`FairnessCriterion` with the groups
    it compares. :meth:`objectives` stacks ``f1`` and every criterion's ``f2`` (each on its own
    groups), so a solver sees one vector of ``m`` objectives. Groups arrive as the joint
    (intersectional) codes; a per-column criterion reads its own column's code of each joint group
    from ``table``. Build one with :meth:`bind`.

    Parameters
    ----------
    criteria : list of FairnessCriterion
        Bound criteria, one per fairness objective.
    columns : list of int or None
        Per criterion, the sensitive column it compares (an index into ``table``), or ``None``
        for the joint groups.
    table : ndarray of shape (n_groups, n_columns) or None
        Each joint group's code in every column.
    names : list of str
        The fairness objectives' names: ``["gap"]`` for one, else ``gap[<criterion>]`` or
        ``gap[<criterion>:<column>]`` each.
    column_names : list of str or None
        The sensitive columns' names (per-column objectives).

    Examples
    --------
    >>> import numpy as np
    >>> from skfairpareto.criteria import FairnessObjectives, resolve_objectives
    >>> y, s = np.array([0, 1, 1, 0]), np.array(["a", "a", "b", "b"])
    >>> objectives = FairnessObjectives.bind(resolve_objectives("demographic_parity"), y, np.array([0, 0, 1, 1]),
    ...                                      np.array(["a", "b"]), np.array([0, 1]), s)
    >>> objectives.objective_names, objectives.weights(0.25)
    (['error', 'gap'], (0.25, 0.75))
    """

    def __init__(self, criteria, columns, table, names, column_names=None):
        self.criteria, self.columns, self.table, self.names = list(criteria), list(columns), table, list(names)
        self.column_names = column_names
        self._tables = {}

    # -- binding ---------------------------------------------------------------------------------

    @staticmethod
    def names_for(criteria, sensitive_features, sensitive_objectives="joint"):
        """The fairness objectives' names, known from the options and the sensitive columns alone."""
        columns = _separate_columns(sensitive_features, sensitive_objectives)
        if columns is not None:
            return [f"gap[{criterion_label(c)}:{column}]" for c in criteria for column in columns]
        labels = [f"gap[{criterion_label(c)}]" for c in criteria]
        return labels if len(labels) > 1 else ["gap"]

    @classmethod
    def bind(cls, criteria, y, codes, group_names, classes, sensitive_features, sensitive_objectives="joint"):
        """The objectives of a fit: ``criteria`` (fresh, from ``resolve_objectives``) bound to its data.

        Parameters
        ----------
        criteria : list of FairnessCriterion
            Unbound criteria; bound in place (per-column objectives bind a clone per column).
        y : ndarray of shape (n_samples,) or None
            Class codes of the training labels; ``None`` binds without checking the populations
            (a member read from a file).
        codes : ndarray of shape (n_samples,)
            Joint group codes.
        group_names : ndarray of shape (n_groups,)
            The joint groups' names.
        classes : ndarray of shape (n_classes,)
            The class labels.
        sensitive_features : array-like
            The sensitive features as given (their columns, for per-column objectives).
        sensitive_objectives : {"joint", "per_column"}
            Whether every sensitive column is an objective of its own.

        Returns
        -------
        FairnessObjectives
        """
        from sklearn.base import clone

        def bound(criterion, labels, n_groups, names):
            return criterion.load_data(y, labels, n_groups=n_groups, group_names=names, classes=classes)

        names = cls.names_for(criteria, sensitive_features, sensitive_objectives)
        if _separate_columns(sensitive_features, sensitive_objectives) is None:
            return cls([bound(c, codes, len(group_names), group_names) for c in criteria], [None] * len(criteria),
                       None, names)
        column_names, table, values = sensitive_columns(sensitive_features, codes, len(group_names))
        items, columns = [], []
        for criterion in criteria:
            for j in range(len(column_names)):
                items.append(bound(clone(criterion), None if y is None else table[codes, j], len(values[j]),
                                   values[j]))
                columns.append(j)
        return cls(items, columns, table, names, column_names)

    @staticmethod
    def check_fairness_metric(fairness_metric, names):
        """Raise unless one ``fairness_metric`` can measure the fairness objectives ``names``: a metric
        measures one objective, so several are each measured by their criterion's metric."""
        if fairness_metric is not None and len(names) > 1:
            raise ValueError(f"fairness_metric names one metric, but the front has several fairness objectives "
                             f"{list(names)}; leave it None (each objective is measured by its criterion's metric)")

    @classmethod
    def of_size(cls, n_objectives):
        """An unbound model of ``n_objectives`` objectives: what the preference grids alone need."""
        from ._builtin import ErrorRateParity

        k = int(n_objectives) - 1
        if k < 1:
            raise ValueError(f"n_objectives must be at least 2 (the error and a gap), got {n_objectives!r}")
        names = ["gap"] if k == 1 else [f"gap[{j}]" for j in range(k)]
        return cls([ErrorRateParity() for _ in range(k)], [None] * k, None, names)

    @classmethod
    def rebind(cls, criteria, group_names, classes, sensitive_objectives, column_names=None):
        """The objectives of a member rebuilt without its training data (from ``group_names`` alone).

        The joint group names hold every column's value (``"a|b"``), so per-column objectives
        follow from them.
        """
        columns = split_group_names(group_names) if sensitive_objectives == "per_column" else group_names
        if column_names is not None and np.ndim(columns) == 2:
            columns = pd.DataFrame(columns, columns=column_names)
        return cls.bind(criteria, None, np.arange(len(group_names)), group_names, classes, columns,
                        sensitive_objectives)

    # -- what the objectives are -----------------------------------------------------------------

    @property
    def n_objectives(self):
        """``m``: the error and every fairness objective."""
        return 1 + len(self.criteria)

    @property
    def objective_names(self):
        """``["error", *names]``."""
        return ["error", *self.names]

    @property
    def n_classes_(self):
        return self.criteria[0].n_classes_

    @property
    def classes_(self):
        return self.criteria[0].classes_

    @property
    def n_outputs(self):
        """Logits per sample: one for two classes, one per class for more."""
        return 1 if self.n_classes_ == 2 else self.n_classes_

    @property
    def label_free(self):
        """Whether every fairness objective's rates ignore the labels (decisions may be tuned on training data)."""
        return all(c.label_free for c in self.criteria)

    def codes(self, groups, j):
        """The group codes criterion ``j`` compares, from the joint codes ``groups``."""
        if self.columns[j] is None:
            return groups
        if isinstance(groups, np.ndarray):
            return self.table[groups, self.columns[j]]
        key = str(groups.device)
        if key not in self._tables:
            self._tables[key] = torch.as_tensor(self.table, device=groups.device)
        return self._tables[key][groups, self.columns[j]]

    def group_labels(self, group_names, codes, j):
        """The name of the group objective ``j`` compares, per sample (joint codes in)."""
        if self.columns[j] is None:
            return np.asarray(group_names)[codes]
        return self.criteria[j].group_names_[self.codes(np.asarray(codes), j)]

    def error(self, logits, y):
        """f1 alone, the mean cross-entropy of a batch (``y``: class codes): a mean over rows, so
        row blocks weighted by their share of the rows add up to it.

        Examples
        --------
        >>> import numpy as np, torch
        >>> from skfairpareto.criteria import FairnessObjectives, resolve_objectives
        >>> g = np.array([0, 0, 1, 1])
        >>> obj = FairnessObjectives.bind(resolve_objectives("error_rate_parity"), None, g,
        ...                               np.array(["a", "b"]), np.array([0, 1]), g)
        >>> round(float(obj.error(torch.zeros(4), torch.tensor([0, 1, 1, 0]))), 4)  # log 2
        0.6931
        """
        return self.criteria[0].f1(logits, y.to(logits.dtype) if logits.ndim == 1 else y)

    def objectives(self, logits, y, groups):
        """``torch.stack([f1, f2_1, ..., f2_{m-1}])`` for a batch (``y``: class codes)."""
        if logits.ndim == 1:
            y = y.to(logits.dtype)
        gaps = [c.f2(logits, y, self.codes(groups, j)) for j, c in enumerate(self.criteria)]
        return torch.stack([self.error(logits, y), *gaps])

    def metric_criteria(self):
        """Every criterion's :meth:`~FairnessCriterion.metric_criterion`, bound alike."""
        return [c.metric_criterion().load_data(None, None, n_groups=c.n_groups_, group_names=c.group_names_,
                                               classes=c.classes_) for c in self.criteria]

    def hard(self, y, codes, *, metrics=None):
        """The hard-decision objectives on one split (:class:`~skfairpareto.criteria.HardObjectives`)."""
        from ._hard import HardObjectives

        return HardObjectives(self, y, codes, metrics=metrics)

    # -- preferences -----------------------------------------------------------------------------

    def weights(self, alpha=1.0, weights=None):
        """A point of the simplex, one weight per objective: ``weights`` checked, or ``alpha`` on the error
        and ``1 - alpha`` shared equally by the fairness objectives."""
        m = self.n_objectives
        if weights is None:
            return (float(alpha), *([(1.0 - float(alpha)) / (m - 1)] * (m - 1)))
        w = np.asarray(weights, dtype=float)
        if w.shape != (m,) or not np.all(np.isfinite(w)) or np.any(w < 0) or not np.isclose(w.sum(), 1.0):
            raise ValueError(f"weights must be {m} non-negative numbers summing to 1, one per objective "
                             f"{self.objective_names}, got {weights!r}")
        return tuple(float(v) for v in w)

    def ray(self, value, name="ray"):
        """A preference ray from ``alpha`` (a number: the error's weight, the rest shared by the gaps)
        or a weight vector, checked; a ValueError names ``name`` otherwise."""
        try:
            if np.ndim(value) == 0:
                alpha = float(value)
                if not (np.isfinite(alpha) and 0.0 <= alpha <= 1.0):
                    raise ValueError
                return np.asarray(self.weights(alpha), dtype=float)
            return np.asarray(self.weights(weights=value), dtype=float)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be alpha in [0, 1] or {self.n_objectives} non-negative weights summing "
                             f"to 1, one per objective {self.objective_names}; got {value!r}") from None

    def preference_grid(self, n_members=None):
        """The members' preference rays, most accurate first, rows of ``m`` weights.

        Two objectives: ``n_members`` (default 11) evenly spaced ``alpha`` from 1 to 0. More: a
        lattice on the simplex from pymoo, Das-Dennis with as many partitions as keep it near 21
        rays for three objectives (5 partitions; 35 for four, 4 partitions) by default, else
        ``n_members`` rays of least Riesz energy (any count, at least ``m``: the corners); each
        includes the simplex's corners.
        """
        m = self.n_objectives
        if m == 2:
            alphas = np.linspace(1.0, 0.0, 11 if n_members is None else n_members)
            return np.column_stack([alphas, 1.0 - alphas])
        from pymoo.util.ref_dirs import get_reference_directions

        if n_members is None:
            partitions = max(2, 8 - m)  # 5 for three objectives (21 rays), 4 for four (35)
            rays = get_reference_directions("das-dennis", m, n_partitions=partitions)
        else:
            self.check_members("n_members", n_members)
            rays = get_reference_directions("energy", m, n_members, seed=0)
        # Most accurate first: by descending error weight, then lexicographically.
        order = np.lexsort([*(-rays[:, j] for j in range(m - 1, -1, -1))])
        return np.asarray(rays[order], dtype=float)

    def path_grid(self):
        """The default grid of a path over the front (:func:`skfairpareto.cba.cba_path`), most accurate first.

        Two objectives: 11 evenly spaced ``alpha`` from 1 to 0 (numbers), as many members as the
        other fronts' ``n_members``; on the suite's 13 two-objective problems 11 instead of 7 raised
        CBA's test hypervolume on 12 (the full tweets 1.11 to 1.17x, 20,000 rows 1.19 to 1.31x
        ``ExponentiatedGradient``'s) at about the same fit time, since each step of the path is
        shorter. More: the rays of
        :meth:`preference_grid` (rows of ``m`` weights), since rays that share the gaps' weight
        equally reach only one line of a front that has ``m - 1`` dimensions. On the suite's two
        three-objective problems (benchmarks/bench_suite.py, seeds 0-2, ``weight_decay=3e-5``)
        10 rays scored 0.93x and 1.00x the union of fairlearn's fronts, the 21-ray lattice 1.12x and
        1.38x, in the same time.

        Examples
        --------
        >>> from skfairpareto.criteria import FairnessObjectives
        >>> [round(float(a), 3) for a in FairnessObjectives.of_size(2).path_grid()]
        [1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.0]
        >>> grid = FairnessObjectives.of_size(3).path_grid()
        >>> len(grid), [float(w) for w in grid[0]], [float(w) for w in grid[-1]]
        (21, [1.0, 0.0, 0.0], [0.0, 0.0, 1.0])
        """
        grid = self.preference_grid()
        return list(grid[:, 0]) if self.n_objectives == 2 else list(grid)

    def min_members(self):
        """The fewest preferences a lattice over the objectives takes: any count for two (evenly spaced
        ``alpha``), ``m`` for more (pymoo's Riesz-energy lattice starts from the simplex's corners)."""
        return 1 if self.n_objectives == 2 else self.n_objectives

    def check_members(self, name, count):
        """Raise, naming ``name``, when ``count`` preferences cannot span the ``m`` objectives."""
        if count is not None and count < self.min_members():
            raise ValueError(
                f"{name}={count} is too few for {self.n_objectives} objectives {self.objective_names}: a front "
                f"over them needs at least {self.min_members()} members, one at each corner of the simplex of "
                "preferences"
            )

    def epsilon_levels(self, n_members=None):
        """The epsilon grid of a SUHNPF front: per point, the share of each gap's reach it must keep.

        Rows of ``m - 1`` values in [0, 1] (1: the gap of the accuracy end, 0: none), in an order in
        which neighbouring points differ in one level, so each point warm-starts from a near one
        (continuation). Two objectives: ``n_members`` (default 21, as many as PHN's rays) evenly
        spaced levels. More: a grid of ``L`` levels per gap, ``L ** (m - 1)`` points, ``L`` the
        largest with at most ``n_members`` points (default 36: six levels of each of two gaps, three
        of each of three),
        traversed boustrophedon. On the suite's two three-objective problems
        (benchmarks/bench_suite.py, seeds 0-2) 16 points (four levels) scored 1.15x and 0.89x the
        union of fairlearn's fronts, 25 points 1.32x and 0.96x, 36 points 1.57x and 0.96x, 49
        1.55x and 0.98x, 64 1.63x and 0.97x; each point continues from its neighbour, so 36
        took 4-8 s a fit where 16 took 2-4.
        """
        m = self.n_objectives
        if m == 2:
            return np.linspace(1.0, 0.0, 21 if n_members is None else n_members)[:, None]
        k = m - 1
        n_members = 36 if n_members is None else n_members
        per_axis = max(2, int(np.floor(n_members ** (1.0 / k) + 1e-9)))
        axis = np.linspace(1.0, 0.0, per_axis)
        rows = [[]]
        for _ in range(k):  # boustrophedon: every other run reversed, so consecutive rows are neighbours
            rows = [row + [v] for i, row in enumerate(rows) for v in (axis if i % 2 == 0 else axis[::-1])]
        return np.asarray(rows)

    def initial_preferences(self, n, rng):
        """``n`` starting preferences of an evolution, most accurate first: evenly spaced ``alpha`` (two
        objectives) or pymoo's Riesz-energy lattice on the simplex (more), seeded from ``rng``."""
        m = self.n_objectives
        if m == 2:
            alphas = np.linspace(1.0, 0.0, n)
            return np.column_stack([alphas, 1.0 - alphas])
        from pymoo.util.ref_dirs import get_reference_directions

        w = get_reference_directions("energy", m, n, seed=int(rng.randint(2**31 - 1)))
        return w[np.argsort(-w[:, 0], kind="stable")]

    def step_preference(self, mean, scale, rng):
        """A child's preference: a Gaussian step of spread ``scale`` from its parents' ``mean``, on the simplex.

        Two objectives step ``alpha`` and clip it to [0, 1]; more step every weight, clip at 0 and
        renormalise.
        """
        m = self.n_objectives
        if m == 2:
            alpha = float(np.clip(mean[0] + rng.normal(0.0, scale), 0.0, 1.0))
            return np.array([alpha, 1.0 - alpha])
        w = np.clip(np.asarray(mean) + rng.normal(0.0, scale, m), 0.0, None)
        return w / w.sum() if w.sum() > 0 else np.full(m, 1.0 / m)

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_tables"] = {}  # device copies are rebuilt on demand
        return state

"""Plots of fitted fronts, as scikit-learn's Display objects draw them."""

from __future__ import annotations

import numpy as np

__all__ = [
    "FrontDisplay",
]


class FrontDisplay:
    """A front's members on their evaluated objectives: error against gap, or a scatter matrix for more.

    Like scikit-learn's displays (``RocCurveDisplay``): build one with :meth:`from_estimator`, or
    from the objective values directly, then :meth:`plot`. Two objectives draw one line through the
    members ordered by error, each labelled with its ``alpha``; more draw every pair of objectives
    (the error against each gap, and the gaps against each other), the Pareto-optimal members
    filled. The selected member is a red star.

    Parameters
    ----------
    values : ndarray of shape (n_members, n_objectives)
        The members' objectives, error first.
    objective_names : list of str
        Their names (``["error", "gap", ...]``).
    pareto_optimal : ndarray of bool, shape (n_members,)
        Members not dominated on these values.
    selected_index : int or None
        The deployed member, or None.
    alphas : ndarray of shape (n_members,) or None
        Each member's accuracy weight, written beside it (two objectives).
    split : str
        The evaluated split, for the axis labels.
    gap_label : str or None
        The fairness axis' label (two objectives); default the objective's name.
    estimator_name : str or None
        The legend's name of the front.

    Attributes
    ----------
    ax_ : matplotlib Axes or ndarray of Axes
        Where the front was drawn.
    figure_ : matplotlib Figure

    Examples
    --------
    >>> import numpy as np
    >>> from skfairpareto.plotting import FrontDisplay
    >>> display = FrontDisplay(np.array([[0.1, 0.05], [0.12, 0.01]]), ["error", "gap"], np.array([True, True]),
    ...                        selected_index=1, alphas=np.array([1.0, 0.0]))
    >>> display.plot().ax_.get_xlabel()
    'error (val)'
    """

    def __init__(self, values, objective_names, pareto_optimal, *, selected_index=None, alphas=None, split="val",
                 gap_label=None, estimator_name=None):
        self.values = np.asarray(values, dtype=float)
        self.objective_names = list(objective_names)
        self.pareto_optimal = np.asarray(pareto_optimal, dtype=bool)
        self.selected_index = selected_index
        self.alphas = alphas
        self.split = split
        self.gap_label = gap_label
        self.estimator_name = estimator_name

    @classmethod
    def from_estimator(cls, estimator, *, split=None, ax=None, annotate=True):
        """Plot a fitted front estimator's members on one of its evaluated splits.

        Parameters
        ----------
        estimator : BaseParetoClassifier
            A fitted front.
        split : str or None
            ``"train"`` or the evaluation split (``evaluation_split_``, the default).
        ax : matplotlib Axes, ndarray of Axes or None
            Where to draw (two objectives: one Axes; ``m`` objectives: an ``(m - 1, m - 1)``
            array); default a new figure.
        annotate : bool
            Write each member's alpha beside it (two objectives).

        Returns
        -------
        FrontDisplay
        """
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(estimator, "front_")
        split = split or estimator.evaluation_split_
        r = estimator.front_results_
        if f"{split}_error" not in r:
            raise ValueError(f"no evaluation on split {split!r}; fitted splits: train, {estimator.evaluation_split_}")
        names = estimator.objectives_.objective_names
        metric = estimator._fairness_metric_name()
        display = cls(np.column_stack([r[f"{split}_{name}"] for name in names]), names, r["pareto_optimal"],
                      selected_index=estimator.selected_index_, alphas=r["alpha"], split=split,
                      gap_label=metric, estimator_name=type(estimator).__name__)
        return display.plot(ax=ax, annotate=annotate)

    def plot(self, ax=None, *, annotate=True):
        """Draw the front; returns ``self`` with ``ax_`` and ``figure_`` set."""
        import matplotlib.pyplot as plt

        m = len(self.objective_names)
        if m == 2:  # one Axes for a pair of objectives, a scatter matrix for more
            if ax is None:
                _, ax = plt.subplots(figsize=(5, 4))
            self._plot_pair(ax, annotate)
        else:
            if ax is None:
                _, ax = plt.subplots(m - 1, m - 1, figsize=(3.6 * (m - 1), 3.2 * (m - 1)), squeeze=False)
            ax = np.asarray(ax).reshape(m - 1, m - 1)
            self._plot_matrix(ax)
        self.ax_ = ax
        self.figure_ = (ax if not isinstance(ax, np.ndarray) else ax.flat[0]).figure
        return self

    def _plot_pair(self, ax, annotate):
        err, gap = self.values[:, 0], self.values[:, 1]
        order = np.argsort(err)
        ax.plot(err[order], gap[order], "o-", color="tab:blue", label=self.estimator_name or "front")
        if self.selected_index is not None:
            i = self.selected_index
            ax.plot(err[i], gap[i], "*", ms=16, color="tab:red", label="selected")
        if annotate and self.alphas is not None:
            for a, e, u in zip(self.alphas, err, gap):
                ax.annotate(f"{a:.2f}", (e, u), textcoords="offset points", xytext=(4, 4), fontsize=7)
        ax.set_xlabel(f"error ({self.split})")
        ax.set_ylabel(f"{self.gap_label or self.objective_names[1]} ({self.split})")
        ax.legend()

    def _plot_matrix(self, axes):
        """Row ``i`` plots objective ``i + 1`` against each objective before it."""
        m, optimal = len(self.objective_names), self.pareto_optimal
        for row in range(m - 1):
            for col in range(m - 1):
                ax = axes[row, col]
                if col > row:
                    ax.set_visible(False)
                    continue
                x, y = self.values[:, col], self.values[:, row + 1]
                ax.scatter(x[~optimal], y[~optimal], facecolors="none", edgecolors="tab:blue", s=18)
                ax.scatter(x[optimal], y[optimal], color="tab:blue", s=18, label="Pareto-optimal")
                if self.selected_index is not None:
                    ax.plot(x[self.selected_index], y[self.selected_index], "*", ms=14, color="tab:red",
                            label="selected")
                ax.set_xlabel(f"{self.objective_names[col]} ({self.split})", fontsize=8)
                ax.set_ylabel(f"{self.objective_names[row + 1]} ({self.split})", fontsize=8)
        axes[0, 0].legend(fontsize=7)

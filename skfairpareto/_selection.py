"""Which member of a front to deploy: the selection rules, as functions of a front's evaluated objectives."""

from __future__ import annotations

import warnings
from numbers import Real

import numpy as np

from ._validation import check_in_interval

__all__ = [
    "NAMED_SELECTIONS",
    "check_selection",
    "mixture_members",
    "select_member",
]

NAMED_SELECTIONS = ("knee", "most_accurate", "fairest")


def check_selection(selection, objective_names):
    """Check a selection rule against a front's objectives; returns it with any deprecated bound name translated.

    Parameters
    ----------
    selection : float, str or dict
        A float in [0, 1] (the member nearest that ``alpha``), one of :data:`NAMED_SELECTIONS`, or
        ``{"max_<objective>": bound, ...}``.
    objective_names : list of str
        ``["error", "gap", ...]``.
    """
    if isinstance(selection, Real) and not isinstance(selection, bool):
        check_in_interval("selection", selection, 0.0, 1.0)
        return selection
    if isinstance(selection, dict):
        if "max_unfairness" in selection:
            warnings.warn("selection={'max_unfairness': c} was renamed {'max_gap': c} in 0.2 and will be "
                          "removed in 0.3", FutureWarning, stacklevel=3)
            selection = {("max_gap" if k == "max_unfairness" else k): v for k, v in selection.items()}
        known = [f"max_{name}" for name in objective_names]
        unknown = [k for k in selection if k not in known]
        if not selection or unknown:
            raise ValueError(
                f"selection dict bounds objectives by name, {{'max_<objective>': c}}, with objectives "
                f"{list(objective_names)}; got the key(s) {unknown or '(none)'} (choose from {known})"
            )
        for key, bound in selection.items():
            check_in_interval(f"selection[{key!r}]", bound, 0.0, np.inf)
        return selection
    if selection not in NAMED_SELECTIONS:
        raise ValueError(
            f"selection must be a float in [0, 1], one of {list(NAMED_SELECTIONS)} or "
            f"{{'max_gap': c}}, got {selection!r}"
        )
    return selection


def _knee(F, front):
    """The knee of the non-dominated rows ``front`` of ``F`` (error first, then the gaps).

    Each objective is scaled to [0, 1] over the front; the knee is the member farthest from the
    hyperplane through the front's extreme points (each objective's best member) -- for two
    objectives, farthest below the chord from the most accurate to the fairest member. Where the
    extremes do not span a hyperplane, the member nearest the ideal point.
    """
    P = F[front]
    P = (P - P.min(0)) / np.maximum(np.ptp(P, axis=0), 1e-12)
    extremes = P[P.argmin(axis=0)]  # each objective's best member (the first, on ties)
    # The hyperplane through the extremes, n . x = 1 (when they are independent).
    with np.errstate(all="ignore"):
        try:
            normal = np.linalg.solve(extremes, np.ones(P.shape[1]))
        except np.linalg.LinAlgError:
            normal = np.full(P.shape[1], np.nan)
    if not np.all(np.isfinite(normal)):
        return int(front[np.argmin(np.linalg.norm(P, axis=1))])
    distance = np.abs(1.0 - P @ normal) / np.linalg.norm(normal)
    return int(front[np.argmax(distance)])


def _objectives(results, split, objective_names):
    """The members' figures on ``split``, a row each: ``[error, gap_1, ...]``."""
    return np.column_stack([results[f"{split}_{name}"] for name in objective_names])


def select_member(results, split, objective_names, selection):
    """The index of the member ``selection`` picks from a front's results on ``split``.

    Parameters
    ----------
    results : dict of ndarray
        ``front_results_``: ``{split}_{objective}`` columns, ``pareto_optimal`` and ``alpha``.
    split : str
        The evaluated split the rule reads (``evaluation_split_``).
    objective_names : list of str
        ``["error", "gap", ...]``.
    selection : float, str or dict
        A rule checked by :func:`check_selection`:

        * ``{"max_<objective>": c, ...}``: the most accurate member within every bound (the fairer
          of equally accurate ones); if none is, the member nearest the bounds (least largest
          relative excess);
        * ``"most_accurate"`` / ``"fairest"``: least error (then least summed gap) / least summed
          gap (then least error);
        * ``"knee"``: of the Pareto-optimal members, the one farthest from the hyperplane through
          the front's ends in normalised coordinates (:func:`_knee`; with fewer than three, the
          most accurate of them);
        * a float: the member whose ``alpha`` is nearest.

    Returns
    -------
    int
    """
    F = _objectives(results, split, objective_names)
    err, gap = F[:, 0], F[:, 1:].sum(axis=1)  # one gap, or the gaps' sum: the fairness tie-breaker
    if isinstance(selection, dict):
        values = {k: results[f"{split}_{k.removeprefix('max_')}"] for k in selection}
        ok = np.flatnonzero(np.all([values[k] <= bound for k, bound in selection.items()], axis=0))
        if len(ok) == 0:  # none within every bound: the member nearest to them (largest relative excess)
            excess = np.max([values[k] / max(bound, 1e-12) for k, bound in selection.items()], axis=0)
            return int(np.lexsort((err, excess))[0])
        return int(ok[np.lexsort((gap[ok], err[ok]))[0]])
    if selection == "most_accurate":
        return int(np.lexsort((gap, err))[0])
    if selection == "fairest":
        return int(np.lexsort((err, gap))[0])
    if selection == "knee":
        front = np.flatnonzero(results["pareto_optimal"])
        if len(front) < 3:
            return int(front[np.argmin(err[front])])
        return _knee(F, front)
    return int(np.argmin(np.abs(np.asarray(results["alpha"]) - float(selection))))


def mixture_members(results, split, objective_names, bounds):
    """The most accurate mixture of two members whose expected objectives on ``split`` stay within ``bounds``.

    The first member is the one ``select_member(..., bounds)`` picks: the most accurate within
    every bound. It is mixed with the member, of those more accurate than it, that lowers the
    expected error the most, at the largest probability ``p`` at which the *interpolation* of the
    two members' objectives, ``(1 - p) * a + p * b``, stays within every bound. The mixture's
    expected error is that interpolation exactly and each expected gap is at most it, so the
    mixture meets the bounds on ``split`` in expectation.

    Parameters
    ----------
    results, split, objective_names :
        As for :func:`select_member`.
    bounds : dict
        ``{"max_<objective>": c, ...}``, checked by :func:`check_selection`.

    Returns
    -------
    members : list of int
        One index (no member is within every bound, or none more accurate helps) or two.
    probabilities : list of float
        The probability of each.
    """
    F = _objectives(results, split, objective_names)
    a = select_member(results, split, objective_names, bounds)
    columns = [objective_names.index(key.removeprefix("max_")) for key in bounds]
    limit = np.array([bounds[key] for key in bounds], dtype=float)
    if np.any(F[a, columns] > limit):  # none within every bound: the nearest member, alone
        return [a], [1.0]
    best, choice = F[a, 0], None
    for b in np.flatnonzero(F[:, 0] < F[a, 0]):
        rise = F[b, columns] - F[a, columns]
        with np.errstate(divide="ignore", invalid="ignore"):
            room = np.where(rise > 0, (limit - F[a, columns]) / rise, np.inf)
        p = float(min(1.0, room.min()))
        error = F[a, 0] + p * (F[b, 0] - F[a, 0])
        if p > 0.0 and error < best:
            best, choice = error, (int(b), p)
    if choice is None:
        return [a], [1.0]
    b, p = choice
    return [a, b], [1.0 - p, p]

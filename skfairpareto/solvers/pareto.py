"""Pareto dominance and hypervolume of objective rows to minimise (pymoo's)."""

from __future__ import annotations

import numpy as np

__all__ = [
    "pareto_mask",
    "hypervolume",
]


def pareto_mask(points):
    """Boolean mask of the rows of ``points`` (to minimise) that no other row dominates (pymoo)."""
    from pymoo.util.nds.non_dominated_sorting import NonDominatedSorting

    points = np.asarray(points, dtype=float)
    mask = np.zeros(len(points), dtype=bool)
    if len(points):
        mask[NonDominatedSorting().do(points, only_non_dominated_front=True)] = True
    return mask


def hypervolume(points, reference_point):
    """Hypervolume dominated by ``points`` (minimised) up to ``reference_point`` (pymoo HV).

    Examples
    --------
    >>> round(hypervolume([[0.1, 0.05]], (0.15, 0.10)), 6)
    0.0025
    """
    from pymoo.indicators.hv import HV

    points = np.atleast_2d(np.asarray(points, dtype=float))
    ref = np.asarray(reference_point, dtype=float)
    inside = points[np.all(points < ref, axis=1)]
    if len(inside) == 0:
        return 0.0
    return float(HV(ref_point=ref)(inside))

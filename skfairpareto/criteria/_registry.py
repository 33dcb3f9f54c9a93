"""The registry: ``constraints`` values (names, fairlearn objects, criteria) to fresh criterion objects."""

from __future__ import annotations

from ._base import FairnessCriterion
from ._builtin import DemographicParity, EqualizedOdds, ErrorRateParity, FalsePositiveRateParity, TruePositiveRateParity


def criterion_label(criterion):
    """A criterion's name in objective names: its ``constraints`` name, with its non-default options."""
    defaults = type(criterion)().get_params() if criterion.name else {}
    options = {k: v for k, v in criterion.get_params().items() if defaults.get(k, object()) != v}
    base = criterion.name or type(criterion).__name__
    return base + ("" if not options else "(" + ", ".join(f"{k}={v!r}" for k, v in sorted(options.items())) + ")")


CRITERIA = {c.name: c for c in (ErrorRateParity, TruePositiveRateParity, FalsePositiveRateParity,
                                EqualizedOdds, DemographicParity)}
# fairlearn.reductions class name -> criterion name (the classes are named alike).
_FAIRLEARN_NAMES = {cls.__name__: name for name, cls in CRITERIA.items()}


def resolve_objectives(constraints):
    """Fresh, unbound criteria from a ``constraints`` value: one, or a list of them.

    Parameters
    ----------
    constraints : str, criterion object, fairlearn constraint, or a list of those
        Each item as :func:`resolve_criterion` takes it; a list gives one fairness objective per
        item (docs/criteria.md, "More than one fairness objective").

    Returns
    -------
    list of FairnessCriterion

    Raises
    ------
    ValueError
        For an empty list, an unknown item (named, with its position), or the same criterion twice.

    Examples
    --------
    >>> from skfairpareto.criteria import resolve_objectives
    >>> [c.name for c in resolve_objectives(["true_positive_rate_parity", "false_positive_rate_parity"])]
    ['true_positive_rate_parity', 'false_positive_rate_parity']
    """
    items = list(constraints) if isinstance(constraints, (list, tuple)) else [constraints]
    if not items:
        raise ValueError("constraints is an empty list; name at least one fairness criterion")
    criteria = []
    for position, item in enumerate(items):
        try:
            criteria.append(resolve_criterion(item))
        except ValueError as exc:
            raise ValueError(f"constraints[{position}]: {exc}") from None
    labels = [criterion_label(c) for c in criteria]
    twice = sorted({label for label in labels if labels.count(label) > 1})
    if twice:
        raise ValueError(f"constraints names the same criterion twice: {twice}; each fairness objective once")
    return criteria


def resolve_criterion(constraints):
    """A fresh, unbound criterion object from a ``constraints`` value.

    Parameters
    ----------
    constraints : str, FairnessCriterion or fairlearn.reductions constraint
        A name of :data:`CRITERIA`, a criterion object (cloned, so the caller's object is never
        bound to data), or one of fairlearn's ``ErrorRateParity``, ``TruePositiveRateParity``,
        ``FalsePositiveRateParity``, ``EqualizedOdds`` or ``DemographicParity`` objects. A
        fairlearn object's bounds are not used: a front spans every trade-off (deploy a bounded
        member with ``selection={"max_gap": bound}``).

    Returns
    -------
    FairnessCriterion

    Examples
    --------
    >>> from fairlearn.reductions import TruePositiveRateParity
    >>> from skfairpareto.criteria import resolve_criterion
    >>> resolve_criterion(TruePositiveRateParity()).name
    'true_positive_rate_parity'
    """
    from sklearn.base import clone

    if isinstance(constraints, str):
        if constraints not in CRITERIA:
            raise ValueError(
                f"unknown constraints {constraints!r}; use one of {sorted(CRITERIA)}, a fairlearn "
                "constraint object or a skfairpareto.criteria.FairnessCriterion"
            )
        return CRITERIA[constraints]()
    if isinstance(constraints, FairnessCriterion):
        crit = clone(constraints)
        crit._validate_params()  # its options fail here, before any data work
        return crit
    for cls in type(constraints).__mro__:
        if cls.__module__.startswith("fairlearn.") and cls.__name__ in _FAIRLEARN_NAMES:
            return CRITERIA[_FAIRLEARN_NAMES[cls.__name__]]()
    raise ValueError(
        f"constraints must be one of {sorted(CRITERIA)}, a matching fairlearn.reductions object or a "
        f"FairnessCriterion, got {constraints!r} of type {type(constraints).__name__}"
    )

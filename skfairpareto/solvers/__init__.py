"""Multi-objective solvers over torch parameters; they know nothing of text or scikit-learn."""

from .fritz_john import (
    FritzJohnPoint,
    FritzJohnResult,
    FritzJohnSolver,
    ParetoIndicator,
    fritz_john_residual,
    min_norm_multipliers,
)

__all__ = [
    "FritzJohnPoint",
    "FritzJohnResult",
    "FritzJohnSolver",
    "ParetoIndicator",
    "fritz_john_residual",
    "min_norm_multipliers",
]

"""Multi-objective solvers over torch parameters; they know nothing of text or scikit-learn."""

from .epo import epo_scalarize, epo_weights, non_uniformity, ray_residual
from .fritz_john import (
    FritzJohnPoint,
    FritzJohnResult,
    FritzJohnSolver,
    ParetoIndicator,
    fritz_john_residual,
    min_norm_multipliers,
)
from .hypernetwork import HyperNetwork, hypernetwork_loss, sample_rays

__all__ = [
    "HyperNetwork",
    "epo_scalarize",
    "epo_weights",
    "hypernetwork_loss",
    "non_uniformity",
    "ray_residual",
    "sample_rays",
    "FritzJohnPoint",
    "FritzJohnResult",
    "FritzJohnSolver",
    "ParetoIndicator",
    "fritz_john_residual",
    "min_norm_multipliers",
]

"""Multi-objective solvers over torch parameters; they know nothing of text or scikit-learn."""

from .epo import epo_scalarize, epo_weights, flat_gradients, non_uniformity, ray_residual
from .evolution import (
    Candidate,
    MergeEvolution,
    gaussian_mutation,
    gaussian_preference_step,
    lattice_preferences,
    merge_models,
    rank_and_crowding_survival,
    ties_merge,
    tournament_pairs,
)
from .fritz_john import (
    FritzJohnPoint,
    FritzJohnResult,
    FritzJohnSolver,
    ParetoIndicator,
    fritz_john_residual,
    min_norm_multipliers,
)
from .hypernetwork import HyperNetwork, hypernetwork_loss, normalized_losses, sample_rays
from .pareto import hypervolume, pareto_mask

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
    "flat_gradients",
    "normalized_losses",
    "Candidate",
    "MergeEvolution",
    "gaussian_mutation",
    "merge_models",
    "rank_and_crowding_survival",
    "ties_merge",
    "tournament_pairs",
    "lattice_preferences",
    "gaussian_preference_step",
    "hypervolume",
    "pareto_mask",
]

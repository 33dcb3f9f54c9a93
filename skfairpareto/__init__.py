"""skfairpareto: scikit-learn estimators that learn the whole accuracy-fairness Pareto front."""
__version__ = "0.1.0"

from .base import BaseParetoClassifier
from .cba import CBAClassifier
from .criteria import (
    DemographicParity,
    EqualizedOdds,
    ErrorRateParity,
    FairnessCriterion,
    FalsePositiveRateParity,
    TruePositiveRateParity,
)
from .embedding import SentenceEmbedder
from .fapareto import FaParetoEnsemble
from .features import TextFeatures
from .persistence import load_member, save_member
from .phn import PHNParetoClassifier
from .suhnpf import SUHNPFParetoClassifier

#: Public submodules, imported on first access (``skfairpareto.metrics``), as scikit-learn does.
_SUBMODULES = [
    "base",
    "criteria",
    "dashboard",
    "datasets",
    "distributed",
    "embedding",
    "exceptions",
    "features",
    "heads",
    "metrics",
    "mixture",
    "model_selection",
    "objectives",
    "persistence",
    "plotting",
    "solvers",
]

__all__ = _SUBMODULES + [
    "BaseParetoClassifier",
    "CBAClassifier",
    "DemographicParity",
    "EqualizedOdds",
    "ErrorRateParity",
    "FairnessCriterion",
    "FalsePositiveRateParity",
    "TruePositiveRateParity",
    "FaParetoEnsemble",
    "PHNParetoClassifier",
    "SUHNPFParetoClassifier",
    "SentenceEmbedder",
    "TextFeatures",
    "__version__",
    "load_member",
    "save_member",
]


def __getattr__(name):
    if name in _SUBMODULES:
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_SUBMODULES))

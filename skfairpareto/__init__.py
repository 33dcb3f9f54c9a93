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

__all__ = [
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

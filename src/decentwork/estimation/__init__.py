"""The survey estimation kernel: a design object, then estimators on it.

This layer knows nothing about labour statistics.
"""

from decentwork.estimation.contrasts import change, contrast, difference
from decentwork.estimation.covariance import Estimates
from decentwork.estimation.design import Design
from decentwork.estimation.errors import EstimationError
from decentwork.estimation.estimate import estimate, estimate_change, estimate_covariance

__all__ = [
    "Design",
    "Estimates",
    "EstimationError",
    "change",
    "contrast",
    "difference",
    "estimate",
    "estimate_change",
    "estimate_covariance",
]

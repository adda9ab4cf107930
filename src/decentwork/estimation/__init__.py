"""The survey estimation kernel: a design object, then estimators on it.

This layer knows nothing about labour statistics.
"""

from decentwork.estimation.calibration import Calibration
from decentwork.estimation.contrasts import change, contrast, difference
from decentwork.estimation.covariance import Estimates, Scored
from decentwork.estimation.design import Design
from decentwork.estimation.errors import EstimationError
from decentwork.estimation.estimate import (
    estimate,
    estimate_change,
    estimate_covariance,
    estimate_scores,
)

__all__ = [
    "Calibration",
    "Design",
    "Estimates",
    "EstimationError",
    "Scored",
    "change",
    "contrast",
    "difference",
    "estimate",
    "estimate_change",
    "estimate_covariance",
    "estimate_scores",
]

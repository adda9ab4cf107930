"""The survey estimation kernel: a design object, then estimators on it.

This layer knows nothing about labour statistics.
"""

from decentwork.estimation.calibration import Calibration
from decentwork.estimation.design import Design
from decentwork.estimation.errors import EstimationError
from decentwork.estimation.estimate import estimate

__all__ = ["Calibration", "Design", "EstimationError", "estimate"]

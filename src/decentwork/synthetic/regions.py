"""The ten regions of the synthetic country and how they differ.

Region 1 holds the capital: highly urban, better educated and paid, with more unemployment
and less informality. The shifts are on the logit scale of the person-level models.
"""

from __future__ import annotations

import numpy as np

REGIONS = 10

# Share of PSUs that are urban, per region 1..10.
URBANISATION = np.array([0.92, 0.55, 0.40, 0.30, 0.25, 0.45, 0.20, 0.35, 0.15, 0.28])
# Shift in the log-odds of being in the labour force.
PARTICIPATION_SHIFT = np.array([-0.10, -0.05, 0.05, 0.15, 0.10, -0.15, 0.20, 0.00, 0.25, -0.05])
# Shift in the log-odds of being unemployed, given in the labour force.
UNEMPLOYMENT_SHIFT = np.array([0.35, 0.15, 0.00, -0.15, -0.25, 0.30, -0.30, 0.10, -0.20, 0.20])
# Shift in the log-odds of an informal job (unregistered enterprise, no social security).
INFORMALITY_SHIFT = np.array([-0.60, -0.20, 0.00, 0.20, 0.30, 0.00, 0.40, 0.10, 0.50, 0.20])
# Shift in the latent propensity for schooling.
EDUCATION_SHIFT = np.array([0.40, 0.15, 0.00, -0.10, -0.15, 0.05, -0.20, 0.00, -0.30, -0.10])
# Shift in log earnings.
EARNINGS_SHIFT = np.log([1.45, 1.10, 1.00, 0.90, 0.85, 1.00, 0.80, 0.95, 0.75, 0.88])


def stratum_regions(strata: int) -> np.ndarray:
    """Region (1..10) of each stratum: consecutive strata share a region, spread over all ten."""
    return 1 + (np.arange(strata) * REGIONS) // strata

"""Monthly earnings of employees from their main job.

Log earnings rise with education, skill, experience and hours, are higher in towns, in
formal jobs and in richer regions, and lower for women. Reported amounts are rounded, and
some employees refuse to answer (null).
"""

from __future__ import annotations

import numpy as np

from decentwork.synthetic import classifications as codes
from decentwork.synthetic.draws import bernoulli

BASE_EARNINGS = 1_800.0  # local currency: 40 hours, no schooling or experience, rural, informal
EDUCATION_RETURN = np.array([0.0, 0.1, 0.25, 0.45, 0.55, 0.7, 0.95, 1.2, 1.4])  # ISCED 0..8
SECTOR_PREMIUM = np.array([-0.45, 0.0, 0.25, 0.05, -0.05, 0.0, -0.1, 0.3, 0.1, -0.15, -0.4])
REFUSAL = 0.04


def draw_earnings(
    rng: np.random.Generator,
    age: np.ndarray,
    female: np.ndarray,
    urban: np.ndarray,
    education: np.ndarray,
    sector: np.ndarray,
    isco: np.ndarray,
    hours: np.ndarray,
    formal: np.ndarray,
    shift: np.ndarray,
) -> np.ndarray:
    """Monthly earnings of each employee (NaN for a refusal)."""
    count = len(age)
    experience = np.maximum(age - 18, 0)
    usual_hours = np.where(hours > 0, hours, 40.0)
    log_earnings = (
        np.log(BASE_EARNINGS)
        + EDUCATION_RETURN[education]
        + 0.25 * (codes.occupation_skill(isco) == 2)
        + SECTOR_PREMIUM[sector]
        + 0.035 * experience
        - 0.0005 * experience**2
        + 0.6 * np.log(np.clip(usual_hours, 4.0, 80.0) / 40.0)
        + 0.2 * urban
        - 0.18 * female
        + 0.3 * formal
        + shift
        + rng.normal(0.0, 0.55, count)
    )
    earnings = np.exp(log_earnings)
    rounding = np.where(bernoulli(rng, 0.4, count), 100.0, 10.0)
    earnings = np.maximum(rounding * np.rint(earnings / rounding), 10.0)
    refused = bernoulli(rng, REFUSAL + 0.04 * (codes.occupation_skill(isco) == 2), count)
    return np.where(refused, np.nan, earnings)

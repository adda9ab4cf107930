"""Hours actually worked last week and the wish to work more hours (the employed).

Full-time hours centre on a sector norm; a share works part time (more women and students);
reported hours heap on multiples of five. The temporarily absent worked zero hours.
"""

from __future__ import annotations

import numpy as np

from decentwork.synthetic import classifications as codes
from decentwork.synthetic.draws import bernoulli, logistic, yes_no

# Usual full-time weekly hours per sector (order of classifications' sector constants).
SECTOR_HOURS = np.array([41.0, 46.0, 42.0, 45.0, 50.0, 52.0, 50.0, 42.0, 38.0, 42.0, 50.0])
MAX_HOURS = 98.0
UNDEREMPLOYMENT_THRESHOLD = 35.0


def draw_hours(
    rng: np.random.Generator,
    sector: np.ndarray,
    female: np.ndarray,
    student: np.ndarray,
    absent: np.ndarray,
) -> np.ndarray:
    """Actual hours worked last week by each employed person (0 if temporarily absent)."""
    count = len(sector)
    part_time = bernoulli(rng, 0.06 + 0.08 * female + 0.3 * student, count)
    full = SECTOR_HOURS[sector] - 5.0 * female + rng.normal(0.0, 9.0, count)
    short = 2.0 + 28.0 * rng.random(count)
    hours = np.clip(np.rint(np.where(part_time, short, full)), 1.0, MAX_HOURS)
    heaped = bernoulli(rng, 0.3, count)
    hours = np.where(heaped, np.maximum(5.0 * np.rint(hours / 5.0), 1.0), hours)
    return np.where(absent, 0.0, hours)


def draw_wants_more_hours(
    rng: np.random.Generator, hours: np.ndarray, sector: np.ndarray, absent: np.ndarray
) -> np.ndarray:
    """Whether each employed person wants to work more hours (1 yes, 2 no)."""
    short = (hours < UNDEREMPLOYMENT_THRESHOLD) & ~absent
    logit = -2.6 + 2.4 * short + 0.3 * (sector == codes.AGRICULTURE)
    return yes_no(bernoulli(rng, logistic(logit), len(hours)))

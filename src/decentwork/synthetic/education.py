"""Educational attainment (ISCED 2011 levels 0..8) and current attendance.

Each person has a latent schooling propensity (urban, region, PSU and household effects,
younger cohorts and men of older cohorts higher) that fixes the level they will eventually
attain; the level attained so far is capped by what their age allows, and those still on
their way are mostly attending.
"""

from __future__ import annotations

import numpy as np

from decentwork.synthetic.draws import NOT_ASKED, bernoulli, yes_no

# Cut points of the latent propensity between eventual ISCED levels 0|1, 1|2, ..., 7|8.
LEVEL_CUTS = np.array([-1.6, -0.85, 0.2, 1.3, 1.45, 1.65, 2.4, 3.2])
SCHOOL_AGES = np.array([12, 15, 18])  # ages by which ISCED 1, 2 and 3 are completed
TERTIARY_AGES = np.array([22, 24, 28])  # ages by which ISCED 6, 7 and 8 are completed
POST_SECONDARY_AGE, SHORT_TERTIARY_AGE = 19, 20  # ISCED 4 and 5
MIN_AGE, MAX_ATTENDANCE_AGE = 5, 40


def draw_education(
    rng: np.random.Generator,
    age: np.ndarray,
    female: np.ndarray,
    urban: np.ndarray,
    shift: np.ndarray,
    member_of: np.ndarray,
    households: int,
) -> tuple[np.ndarray, np.ndarray]:
    """ISCED level attained (-1 under age 5) and attending (1/2, -1 outside ages 5..40)."""
    records = len(age)
    older = np.maximum(age - 25, 0)
    propensity = (
        0.6 * urban
        + shift
        + rng.normal(0.0, 0.7, households)[member_of]
        + rng.standard_normal(records)
        - 0.035 * older
        - 0.012 * older * female
    )
    eventual = np.searchsorted(LEVEL_CUTS, propensity)

    school = np.searchsorted(SCHOOL_AGES, age, side="right")
    tertiary = np.searchsorted(TERTIARY_AGES, age, side="right")
    attained = np.minimum(np.minimum(eventual, 3), school)
    attained = np.where((eventual == 4) & (age >= POST_SECONDARY_AGE), 4, attained)
    attained = np.where((eventual == 5) & (age >= SHORT_TERTIARY_AGE), 5, attained)
    attained = np.where(
        (eventual >= 6) & (tertiary >= 1), np.minimum(eventual, 5 + tertiary), attained
    )

    studying = attained < eventual
    attending = yes_no(bernoulli(rng, np.where(studying, 0.95, 0.015), records))
    attending[(age < MIN_AGE) | (age > MAX_ATTENDANCE_AGE)] = NOT_ASKED
    attained = attained.astype(np.int32)
    attained[age < MIN_AGE] = NOT_ASKED
    return attained, attending

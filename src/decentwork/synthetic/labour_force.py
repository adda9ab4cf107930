"""Labour force status and the questions that identify it (ILO 19th ICLS definitions).

Participation and unemployment are logistic models in age, sex, schooling, urbanity and
the region, stratum and PSU effects. The questionnaire then records the status the way an
LFS asks it: worked at least one hour last week; if not, temporarily absent from a job; if
not employed, looked for work in the last four weeks and available within two weeks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from decentwork.synthetic.draws import NO, NOT_ASKED, YES, bernoulli, logistic, yes_no

WORKING_AGE = 15
PARTICIPATION_INTERCEPT = 2.05
UNEMPLOYMENT_INTERCEPT = -3.45
ABSENT_PROBABILITY = 0.035
# Outside the labour force: shares who looked but are not available, and who are available
# but did not look (the potential labour force); the rest did neither.
LOOKED_NOT_AVAILABLE, AVAILABLE_NOT_LOOKED = 0.04, 0.10


@dataclass(frozen=True)
class LabourForce:
    """Status of each record (``employed``, ``unemployed``; neither under 15 or outside the
    labour force) and the answers to the status questions (1 yes, 2 no, -1 not asked)."""

    employed: np.ndarray
    unemployed: np.ndarray
    worked: np.ndarray
    absent: np.ndarray
    looked: np.ndarray
    available: np.ndarray


def participation_logit(
    age: np.ndarray,
    female: np.ndarray,
    urban: np.ndarray,
    attending: np.ndarray,
    education: np.ndarray,
    shift: np.ndarray,
) -> np.ndarray:
    """Log-odds of being in the labour force."""
    young = np.maximum(30 - age, 0)
    old = np.maximum(age - 50, 0)
    return (
        PARTICIPATION_INTERCEPT
        - 0.006 * young**2
        - 0.003 * old**2
        - 1.35 * female
        + 0.35 * female * (education >= 5)
        - 2.3 * (attending == YES)
        - 0.25 * urban
        + shift
    )


def unemployment_logit(
    age: np.ndarray,
    female: np.ndarray,
    urban: np.ndarray,
    education: np.ndarray,
    shift: np.ndarray,
) -> np.ndarray:
    """Log-odds of being unemployed, given in the labour force."""
    return (
        UNEMPLOYMENT_INTERCEPT
        + 0.9 * (age < 25)
        + 0.3 * ((age >= 25) & (age < 30))
        - 0.5 * (age >= 55)
        + 0.55 * urban
        + 0.3 * ((education >= 3) & (education <= 5))
        + 0.15 * female
        + shift
    )


def draw_labour_force(
    rng: np.random.Generator,
    age: np.ndarray,
    female: np.ndarray,
    urban: np.ndarray,
    attending: np.ndarray,
    education: np.ndarray,
    participation_shift: np.ndarray,
    unemployment_shift: np.ndarray,
) -> LabourForce:
    """Draw each record's labour force status and the answers that identify it."""
    records = len(age)
    asked = age >= WORKING_AGE
    active = asked & bernoulli(
        rng,
        logistic(
            participation_logit(age, female, urban, attending, education, participation_shift)
        ),
        records,
    )
    unemployed = active & bernoulli(
        rng,
        logistic(unemployment_logit(age, female, urban, education, unemployment_shift)),
        records,
    )
    employed = active & ~unemployed
    absent_from_job = employed & bernoulli(rng, ABSENT_PROBABILITY, records)

    worked = np.where(asked, yes_no(employed & ~absent_from_job), NOT_ASKED).astype(np.int32)
    absent = np.where(worked == NO, yes_no(absent_from_job), NOT_ASKED).astype(np.int32)
    jobless = asked & ~employed
    u = rng.random(records)
    looked_only = u < LOOKED_NOT_AVAILABLE
    available_only = (u >= LOOKED_NOT_AVAILABLE) & (u < LOOKED_NOT_AVAILABLE + AVAILABLE_NOT_LOOKED)
    looked = np.where(jobless, yes_no(unemployed | looked_only), NOT_ASKED).astype(np.int32)
    available = np.where(jobless, yes_no(unemployed | available_only), NOT_ASKED).astype(np.int32)
    return LabourForce(
        employed=employed,
        unemployed=unemployed,
        worked=worked,
        absent=absent,
        looked=looked,
        available=available,
    )

"""Formality of the main job: a registered enterprise for the self-employed, social security
contributions by the employer for employees.

Both are logistic in the sector, urbanity, education and the region, stratum and PSU
informality effects, so informality is high in rural areas and agriculture.
"""

from __future__ import annotations

import numpy as np

from decentwork.synthetic import classifications as codes
from decentwork.synthetic.draws import bernoulli, logistic, yes_no

# Log-odds per sector (order of classifications' sector constants).
REGISTERED_BY_SECTOR = np.array([-3.2, -1.5, 0.5, -1.8, -1.4, -1.5, -1.5, 0.5, 0.5, -1.6, -3.0])
SOCIAL_SECURITY_BY_SECTOR = np.array(
    [-2.5, -0.3, 1.5, -1.5, -0.8, -0.8, -0.9, 0.8, 2.2, -1.0, -2.8]
)
EDUCATION_EFFECT = np.array([0.0, 0.5, 1.3])  # per education band


def draw_registered(
    rng: np.random.Generator,
    sector: np.ndarray,
    status: np.ndarray,
    urban: np.ndarray,
    education: np.ndarray,
    informality: np.ndarray,
) -> np.ndarray:
    """Whether the enterprise of each self-employed person is registered (1 yes, 2 no)."""
    logit = (
        REGISTERED_BY_SECTOR[sector]
        + 0.9 * urban
        + 1.6 * (status == codes.EMPLOYER)
        + EDUCATION_EFFECT[codes.education_band(education)]
        - informality
    )
    return yes_no(bernoulli(rng, logistic(logit), len(sector)))


def draw_social_security(
    rng: np.random.Generator,
    sector: np.ndarray,
    urban: np.ndarray,
    education: np.ndarray,
    age: np.ndarray,
    hours: np.ndarray,
    informality: np.ndarray,
) -> np.ndarray:
    """Whether the employer of each employee contributes to social security (1 yes, 2 no)."""
    logit = (
        SOCIAL_SECURITY_BY_SECTOR[sector]
        + 0.7 * urban
        + EDUCATION_EFFECT[codes.education_band(education)]
        - 1.0 * ((hours > 0) & (hours < 20))
        - 0.8 * (age < 25)
        - informality
    )
    return yes_no(bernoulli(rng, logistic(logit), len(sector)))

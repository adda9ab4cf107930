"""The main job of each employed person: industry, status in employment and occupation.

Industry depends on urbanity, sex and education; status on the industry's sector, sex,
urbanity, education and youth; occupation on the industry, education and whether the
person is an employee.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from decentwork.synthetic import classifications as codes
from decentwork.synthetic.draws import categories, cumulative

# Cumulative industry probabilities per row 3 * (urban/sex group) + education band.
_INDUSTRY_WEIGHTS = (
    codes.DIVISION_SHARES.T[:, None, :]
    * codes.SECTOR_EDUCATION_AFFINITY[codes.DIVISION_SECTOR].T[None, :, :]
)
INDUSTRY_CUMULATIVE = cumulative(_INDUSTRY_WEIGHTS.reshape(-1, len(codes.DIVISIONS)))

# Multipliers of the status probabilities (columns as in classifications.STATUS_WEIGHTS).
STATUS_BY_SEX = np.array([[1.0] * 6, [1.0, 0.4, 0.9, 1.0, 2.2, 1.0]])  # male, female
STATUS_BY_AREA = np.array([[1.0] * 6, [1.4, 1.0, 1.0, 0.5, 0.5, 1.0]])  # rural, urban
STATUS_BY_EDUCATION = np.array(
    [
        [0.8, 0.7, 1.0, 1.0, 1.1, 1.0],
        [1.0] * 6,
        [1.6, 1.8, 0.8, 1.0, 0.4, 1.0],
    ]
)
STATUS_BY_YOUTH = np.array([[1.0] * 6, [1.0, 0.2, 0.7, 1.0, 2.5, 1.0]])  # 25+, 15-24
# Cumulative status probabilities per (sector, female, urban, education band, youth) row.
STATUS_CUMULATIVE = cumulative(
    (
        codes.STATUS_WEIGHTS[:, None, None, None, None, :]
        * STATUS_BY_SEX[None, :, None, None, None, :]
        * STATUS_BY_AREA[None, None, :, None, None, :]
        * STATUS_BY_EDUCATION[None, None, None, :, None, :]
        * STATUS_BY_YOUTH[None, None, None, None, :, :]
    ).reshape(-1, len(codes.STATUS_CODES))
)

OCCUPATION_CODES, _OCCUPATION_WEIGHTS = codes.occupation_table()
OCCUPATION_CUMULATIVE = cumulative(_OCCUPATION_WEIGHTS.reshape(-1, _OCCUPATION_WEIGHTS.shape[-1]))


@dataclass(frozen=True)
class Jobs:
    """Job characteristics of the employed (one entry per employed person)."""

    isic: np.ndarray
    sector: np.ndarray
    status: np.ndarray
    isco: np.ndarray

    @property
    def employee(self) -> np.ndarray:
        return self.status == codes.EMPLOYEE


def draw_jobs(
    rng: np.random.Generator,
    age: np.ndarray,
    female: np.ndarray,
    urban: np.ndarray,
    education: np.ndarray,
) -> Jobs:
    """Draw the industry, status and occupation of employed persons (arrays over them)."""
    band = codes.education_band(education)
    group = 2 * (~urban) + female
    division = categories(rng, INDUSTRY_CUMULATIVE[3 * group + band])
    sector = codes.DIVISION_SECTOR[division]

    status_row = (((sector * 2 + female) * 2 + urban) * 3 + band) * 2 + (age < 25)
    status = codes.STATUS_CODES[categories(rng, STATUS_CUMULATIVE[status_row])]

    self_employed = (status != codes.EMPLOYEE).astype(np.int64)
    occupation = categories(rng, OCCUPATION_CUMULATIVE[(division * 3 + band) * 2 + self_employed])
    return Jobs(
        isic=codes.DIVISION_CODES[division].astype(np.int32),
        sector=sector,
        status=status.astype(np.int32),
        isco=OCCUPATION_CODES[division, occupation].astype(np.int32),
    )

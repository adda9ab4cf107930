"""Seeded synthetic observation tables (ILOSTAT-shaped rows), for warehouse scale tests.

Rows cycle through areas, indicators, sexes, classifications and years in a fixed order, so
every key is distinct; values, standard errors and statuses are random but reproducible.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pycountry

from decentwork import observations as schema
from decentwork.errors import BadInput
from decentwork.estimation.intervals import normal_quantile

SEXES = ("SEX_T", "SEX_M", "SEX_F")
AGES = (
    "AGE_YTHADULT_YGE15",
    "AGE_YTHADULT_Y15-24",
    "AGE_YTHADULT_YGE25",
    "AGE_10YRBANDS_Y15-24",
    "AGE_10YRBANDS_Y25-34",
    "AGE_10YRBANDS_Y35-44",
    "AGE_10YRBANDS_Y45-54",
    "AGE_10YRBANDS_Y55-64",
    "AGE_10YRBANDS_YGE65",
)
GEO = ("", "GEO_COV_NAT", "GEO_COV_URB", "GEO_COV_RUR")


def observation_table(rows: int, seed: int = 1, first_year: int = 1990) -> pd.DataFrame:
    """``rows`` distinct observations (``decentwork.observations.COLUMNS``).

    Keys: ISO areas x 40 indicator codes (``SYN_<k>_SEX_AGE_RT``) x sex x 9 age classes x
    urban/rural (classif2) x years from ``first_year``; the years grow as needed.
    """
    if rows < 0:
        raise BadInput(
            f"rows={rows} must be >= 0",
            parameter="rows",
            given=rows,
            expected="a number of rows >= 0",
        )
    rng = np.random.default_rng(seed)
    areas = sorted(c.alpha_3 for c in pycountry.countries)
    indicators = [f"SYN_{k:02d}_SEX_AGE_RT" for k in range(40)]
    cells = list(itertools.product(SEXES, AGES, GEO))
    per_year = len(areas) * len(indicators) * len(cells)
    index = np.arange(rows)
    year, rest = np.divmod(index, per_year)
    area, rest = np.divmod(rest, len(indicators) * len(cells))
    indicator, cell = np.divmod(rest, len(cells))
    value = np.round(rng.gamma(2.0, 4.0, rows), 3)
    se = np.round(value * rng.uniform(0.01, 0.2, rows), 4)
    z = normal_quantile(0.95)
    status = np.where(rng.random(rows) < 0.05, "U", np.where(rng.random(rows) < 0.02, "B", ""))
    frame = pd.DataFrame(
        {
            "ref_area": np.asarray(areas, dtype=object)[area],
            "indicator": np.asarray(indicators, dtype=object)[indicator],
            "source": "SYNTHETIC",
            "sex": np.asarray([c[0] for c in cells], dtype=object)[cell],
            "classif1": np.asarray([c[1] for c in cells], dtype=object)[cell],
            "classif2": np.asarray([c[2] for c in cells], dtype=object)[cell],
            "time": (first_year + year).astype(str),
            "obs_value": value,
            "obs_status": status,
            "se": se,
            "lower_bound": np.round(value - z * se, 4),
            "upper_bound": np.round(value + z * se, 4),
            "cv": np.round(100 * se / np.maximum(value, 1e-9), 3),
            "sample_count": rng.integers(5, 5000, rows),
        }
    )
    return schema.frame(frame)

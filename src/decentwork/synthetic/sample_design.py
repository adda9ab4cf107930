"""The sample design: strata in regions, PSUs in strata, records per PSU, weights and effects.

This is everything about the survey that lives above the household: it is drawn once per
(seed, sizes) from its own random stream, holds arrays of one value per stratum or per PSU,
and is shared by all blocks of records.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from decentwork.synthetic import regions
from decentwork.synthetic.draws import apportion
from decentwork.synthetic.sizes import Sizes

PERSONS_PER_RECORD = 200  # the population a record stands for, on average

# Standard deviations of the stratum and PSU random effects, on the scale of each model.
STRATUM_SD = {
    "participation": 0.15,
    "unemployment": 0.25,
    "informality": 0.25,
    "education": 0.15,
    "earnings": 0.10,
}
PSU_SD = {
    "participation": 0.30,
    "unemployment": 0.40,
    "informality": 0.40,
    "education": 0.35,
    "earnings": 0.15,
}
REGION_SHIFT = {
    "participation": regions.PARTICIPATION_SHIFT,
    "unemployment": regions.UNEMPLOYMENT_SHIFT,
    "informality": regions.INFORMALITY_SHIFT,
    "education": regions.EDUCATION_SHIFT,
    "earnings": regions.EARNINGS_SHIFT,
}


@dataclass(frozen=True)
class SampleDesign:
    """Per-stratum and per-PSU arrays of one synthetic survey (PSU index 0..P-1).

    ``psu_start[p]`` is the first record of PSU ``p`` (records are ordered by stratum, then
    PSU) and ``psu_start[P]`` the number of records. ``shift[model][p]`` is the sum of the
    region, stratum and PSU effects of PSU ``p`` in that model.
    """

    sizes: Sizes
    stratum_region: np.ndarray
    psu_stratum: np.ndarray
    psu_start: np.ndarray
    psu_urban: np.ndarray
    psu_weight: np.ndarray
    shift: dict[str, np.ndarray]

    def psu_of(self, start: int, stop: int) -> np.ndarray:
        """PSU index of each record in ``[start, stop)``."""
        first = int(np.searchsorted(self.psu_start, start, side="right")) - 1
        last = int(np.searchsorted(self.psu_start, stop - 1, side="right")) - 1
        bounds = np.clip(self.psu_start[first : last + 2], start, stop)
        return np.repeat(np.arange(first, last + 1), np.diff(bounds))


def draw_sample_design(sizes: Sizes, rng: np.random.Generator) -> SampleDesign:
    """Allocate PSUs to strata and records to PSUs, and draw urbanity, weights and effects.

    Every stratum gets two PSUs plus a share of the rest in proportion to a random stratum
    size; every PSU gets one record plus a share of the rest in proportion to a random PSU
    measure of size. Design weights are constant within a PSU: a stratum sampling rate times
    a PSU factor (measure-of-size and non-response adjustments), scaled so that they sum to
    ``200 * records``.
    """
    strata, psus, records = sizes.strata, sizes.psus, sizes.records
    stratum_region = regions.stratum_regions(strata)
    stratum_size = rng.gamma(4.0, 1.0, strata)
    psus_per_stratum = 2 + apportion(psus - 2 * strata, stratum_size)
    psu_stratum = np.repeat(np.arange(strata), psus_per_stratum)

    records_per_psu = 1 + apportion(records - psus, rng.gamma(8.0, 1.0, psus))
    psu_start = np.concatenate(([0], np.cumsum(records_per_psu)))

    urban_share = np.clip(
        regions.URBANISATION[stratum_region - 1] + rng.normal(0.0, 0.15, strata), 0.02, 0.98
    )
    psu_urban = rng.random(psus) < urban_share[psu_stratum]

    stratum_rate = np.exp(rng.normal(0.0, 0.35, strata))
    weight = stratum_rate[psu_stratum] * np.exp(rng.normal(0.0, 0.20, psus))
    weight *= PERSONS_PER_RECORD * records / np.dot(weight, records_per_psu)

    shift = {}
    for model, region_shift in REGION_SHIFT.items():
        stratum_shift = region_shift[stratum_region - 1] + rng.normal(
            0.0, STRATUM_SD[model], strata
        )
        shift[model] = stratum_shift[psu_stratum] + rng.normal(0.0, PSU_SD[model], psus)
    return SampleDesign(
        sizes=sizes,
        stratum_region=stratum_region,
        psu_stratum=psu_stratum,
        psu_start=psu_start,
        psu_urban=psu_urban,
        psu_weight=weight,
        shift=shift,
    )

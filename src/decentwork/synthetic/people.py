"""All person records of one block of consecutive records, as numpy columns.

The block is split into households that never cross a PSU boundary; then demography,
education, labour force status and, for the employed, the job are drawn in turn, each
model building on the previous ones and on the PSU's place in the sample design.
"""

from __future__ import annotations

import numpy as np

from decentwork.synthetic.draws import NOT_ASKED, URBAN_CODES, YES
from decentwork.synthetic.earnings import draw_earnings
from decentwork.synthetic.education import draw_education
from decentwork.synthetic.formality import draw_registered, draw_social_security
from decentwork.synthetic.households import draw_members, split_households
from decentwork.synthetic.jobs import draw_jobs
from decentwork.synthetic.labour_force import draw_labour_force
from decentwork.synthetic.sample_design import SampleDesign
from decentwork.synthetic.working_time import draw_hours, draw_wants_more_hours


def _spread(size: int, where: np.ndarray, values: np.ndarray, fill: float) -> np.ndarray:
    """An array of ``size`` filled with ``fill`` except ``values`` at positions ``where``."""
    out = np.full(size, fill, dtype=values.dtype)
    out[where] = values
    return out


def draw_people(
    rng: np.random.Generator,
    design: SampleDesign,
    start: int,
    stop: int,
    first_household: int,
) -> tuple[dict[str, np.ndarray], int]:
    """Columns of records ``[start, stop)`` and the number of households among them.

    Households are numbered from ``first_household + 1``. Questions not asked are -1
    (integers) or NaN (floats).
    """
    records = stop - start
    psu = design.psu_of(start, stop)
    households = split_households(rng, records, np.flatnonzero(np.diff(psu)) + 1)
    member_of = households.member_of
    stratum = design.psu_stratum[psu]
    urban = design.psu_urban[psu]
    age, female = draw_members(rng, households)
    education, attending = draw_education(
        rng, age, female, urban, design.shift["education"][psu], member_of, households.count
    )
    labour = draw_labour_force(
        rng,
        age,
        female,
        urban,
        attending,
        education,
        design.shift["participation"][psu],
        design.shift["unemployment"][psu],
    )

    employed = np.flatnonzero(labour.employed)
    e_age, e_female, e_urban, e_education = (
        age[employed],
        female[employed],
        urban[employed],
        education[employed],
    )
    jobs = draw_jobs(rng, e_age, e_female, e_urban, e_education)
    absent = labour.absent[employed] == YES
    hours = draw_hours(rng, jobs.sector, e_female, attending[employed] == YES, absent)
    wants_more_hours = draw_wants_more_hours(rng, hours, jobs.sector, absent)
    informality = design.shift["informality"][psu[employed]]

    own = np.flatnonzero(~jobs.employee)
    registered = draw_registered(
        rng,
        jobs.sector[own],
        jobs.status[own],
        e_urban[own],
        e_education[own],
        informality[own],
    )
    paid = np.flatnonzero(jobs.employee)
    social_security = draw_social_security(
        rng,
        jobs.sector[paid],
        e_urban[paid],
        e_education[paid],
        e_age[paid],
        hours[paid],
        informality[paid],
    )
    earnings = draw_earnings(
        rng,
        e_age[paid],
        e_female[paid],
        e_urban[paid],
        e_education[paid],
        jobs.sector[paid],
        jobs.isco[paid],
        hours[paid],
        social_security == YES,
        design.shift["earnings"][psu[employed[paid]]],
    )

    household_ids = first_household + 1 + np.arange(households.count, dtype=np.int64)
    columns = {
        "stratum": (stratum + 1).astype(np.int32),
        "psu": (psu + 1).astype(np.int32),
        "household": household_ids[member_of],
        "person": households.line.astype(np.int32),
        "weight": design.psu_weight[psu],
        "region": design.stratum_region[stratum].astype(np.int32),
        "urban": URBAN_CODES[urban.astype(np.int64)],
        "sex": (1 + female).astype(np.int32),
        "age": age,
        "education": education,
        "attending": attending,
        "worked": labour.worked,
        "absent": labour.absent,
        "looked": labour.looked,
        "available": labour.available,
        "wants_more_hours": _spread(records, employed, wants_more_hours, NOT_ASKED),
        "hours": _spread(records, employed, hours, np.nan),
        "earnings": _spread(records, employed[paid], earnings, np.nan),
        "isco": _spread(records, employed, jobs.isco, NOT_ASKED),
        "isic": _spread(records, employed, jobs.isic, NOT_ASKED),
        "status": _spread(records, employed, jobs.status, NOT_ASKED),
        "registered": _spread(records, employed[own], registered, NOT_ASKED),
        "social_security": _spread(records, employed[paid], social_security, NOT_ASKED),
    }
    return columns, households.count

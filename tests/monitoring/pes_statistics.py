"""Constructed public employment service statistics, as the warehouse holds them (the
contract of issue 15: source ``PES:KHM``, dataset ``pes-khm``, monthly periods, suppressed
cells without a value and with status ``C``), with known answers; loaded through the
warehouse's own load API, so that the tests that use them (monitoring, briefs, the public
page) never need a PES database. Shared by tests/monitoring, tests/reports and tests/web.

Month ``i`` (0 for 2025M01 ... 22 for 2026M11) has, for both sexes and no classification:

- registered job seekers ``1000 + 10 i`` (women ``550 + 5 i``, men the rest; also under the
  age total ``AGE_YTHADULT_YGE15``), new registrations ``100 + i``, vacancies ``50 + 2 i``,
  openings ``80 + 2 i``, referrals ``60 + i``, placements ``20 + i`` (2025M02's suppressed);
- placement rate over leavers ``40 + 0.5 i`` percent, over referrals ``25 + i`` percent
  (suppressed in the latest month), median time to placement ``45`` days.

So the annual means are 1,055 (2025) and 1,170 (2026, eleven months) registered job seekers,
and 42.75 and 48.5 percent placed. The latest month, 2026M11, also has the vacancy-to-seeker
ratios of :data:`RATIOS` and the sub-national figures of :data:`AREAS`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from decentwork import observations
from decentwork.observations.writers import write
from decentwork.warehouse import IndicatorMetadata, engine, load_file, load_files
from tests.warehouse.conftest import DICTIONARY, write_csv

AREA = "KHM"
SOURCE = "PES:KHM"
MONTHS = tuple(f"{year}M{month:02d}" for year in (2025, 2026) for month in range(1, 13))[:23]
LATEST = MONTHS[-1]
SUPPRESSED_PLACEMENTS = "2025M02"
RATIOS = {
    "OCU_ISCO08_2": 2.0,
    "OCU_ISCO08_7": 1.5,
    "OCU_ISCO08_5": 1.0,
    "OCU_ISCO08_4": 0.5,
    "OCU_ISCO08_9": 0.25,
    "OCU_ISCO08_3": None,
    "OCU_ISCO08SUB_21": 3.0,
    "OCU_ISCO08SUB_93": 0.1,
}
"""The latest month's vacancy-to-seeker ratios (None: suppressed). The month before has
OCU_ISCO08_5 at 5.0, which must not make it a shortage occupation now."""
AREAS = {
    "GEO_PES_KH-12": {"PES_SKR_REG_NB": 600, "PES_SKR_NEW_NB": 60, "PES_PLC_NB": None},
    "GEO_PES_KH-1": {"PES_SKR_REG_NB": 400, "PES_SKR_NEW_NB": 40, "PES_PLC_NB": None},
}
"""The latest month's sub-national figures (None: suppressed; the first by the primary rule,
the second by the secondary one)."""
AREA_LABELS = {"GEO_PES_KH-12": "Phnom Penh", "GEO_PES_KH-1": "Banteay Meanchey"}
METADATA = (
    IndicatorMetadata(
        "PES_SKR_REG_NB",
        "persons",
        "Job seekers on the register at the end of the month.",
        "Registered job seekers",
    ),
    IndicatorMetadata(
        "PES_SKR_NEW_NB", "persons", "Registrations in the month.", "New registrations"
    ),
    IndicatorMetadata(
        "PES_VAC_NEW_NB", "vacancies", "Vacancies notified in the month.", "Vacancies notified"
    ),
    IndicatorMetadata(
        "PES_VAC_OPN_NB", "openings", "Openings notified in the month.", "Openings notified"
    ),
    IndicatorMetadata("PES_REF_NB", "referrals", "Referrals made in the month.", "Referrals"),
    IndicatorMetadata("PES_PLC_NB", "persons", "Placements in the month.", "Placements"),
    IndicatorMetadata(
        "PES_PLC_LVR_RT",
        "percent",
        "Placements over job seekers leaving the register.",
        "Placement rate (leavers)",
    ),
    IndicatorMetadata(
        "PES_PLC_REF_RT",
        "percent",
        "Placements over referrals with an outcome.",
        "Placement rate (referrals)",
    ),
    IndicatorMetadata(
        "PES_PLC_DUR_MD", "days", "Median days from registration to hire.", "Time to placement"
    ),
    IndicatorMetadata(
        "PES_VSR_OCU_RT",
        "ratio",
        "Open openings over registered seekers wanting the occupation group.",
        "Vacancy-to-seeker ratio",
    ),
)


def row(
    indicator: str,
    time: str,
    value: float | None,
    sex: str = "SEX_T",
    classif1: str = "",
    rule: str = "primary",
    area: str = AREA,
) -> dict[str, object]:
    """One observation; a None value is a suppressed cell (status C, the rule named)."""
    suppressed = value is None
    return {
        "ref_area": area,
        "indicator": indicator,
        "source": f"PES:{area}",
        "sex": sex,
        "classif1": classif1,
        "time": time,
        "obs_value": value,
        "obs_status": "C" if suppressed else "",
        "note_source": f"suppressed: {rule} rule" if suppressed else "",
    }


def monthly(i: int, time: str) -> list[dict[str, object]]:
    """Month ``i``'s national figures."""
    placements = None if time == SUPPRESSED_PLACEMENTS else 20.0 + i
    return [
        row("PES_SKR_REG_NB", time, 1000.0 + 10 * i),
        row("PES_SKR_REG_NB", time, 1000.0 + 10 * i, classif1="AGE_YTHADULT_YGE15"),
        row("PES_SKR_REG_NB", time, 550.0 + 5 * i, sex="SEX_F"),
        row("PES_SKR_REG_NB", time, 450.0 + 5 * i, sex="SEX_M"),
        row("PES_SKR_NEW_NB", time, 100.0 + i),
        row("PES_VAC_NEW_NB", time, 50.0 + 2 * i),
        row("PES_VAC_OPN_NB", time, 80.0 + 2 * i),
        row("PES_REF_NB", time, 60.0 + i),
        row("PES_PLC_NB", time, placements),
        row("PES_PLC_LVR_RT", time, 40.0 + 0.5 * i),
        row("PES_PLC_REF_RT", time, None if time == LATEST else 25.0 + i),
        row("PES_PLC_DUR_MD", time, 45.0),
    ]


def statistics(area: str = AREA) -> pd.DataFrame:
    """The constructed statistics of ``area``'s service, as an observation table."""
    rows = [r for i, time in enumerate(MONTHS) for r in monthly(i, time)]
    rows.append(row("PES_VSR_OCU_RT", MONTHS[-2], 5.0, classif1="OCU_ISCO08_5"))
    rows += [row("PES_VSR_OCU_RT", LATEST, v, classif1=g) for g, v in RATIOS.items()]
    for k, (place, figures) in enumerate(AREAS.items()):
        rule = "primary" if k == 0 else "secondary"
        rows += [
            row(code, LATEST, value, classif1=place, rule=rule) for code, value in figures.items()
        ]
    rows = [{**r, "ref_area": area, "source": f"PES:{area}"} for r in rows]
    return observations.frame(pd.DataFrame(rows))


def load_pes_statistics(url: str, folder: Path, area: str = AREA) -> None:
    """Load the constructed statistics into the warehouse at ``url`` as a release of dataset
    ``pes-<area>`` with their indicators' metadata, and the English labels of ISCO-08 groups
    (ILOSTAT's dictionary) and of the sub-national areas."""
    path = folder / f"pes-{area.lower()}.csv"
    write(statistics(area), path, "csv")
    labels = write_csv(
        folder / "geo_pes_en.csv",
        ("classif1", "classif1.label"),
        [(code, label) for code, label in AREA_LABELS.items()],
    )
    target = engine(url)
    try:
        load_file(target, path, dataset=f"pes-{area.lower()}", metadata=METADATA)
        load_files(target, [DICTIONARY / "classif1_en.csv", labels])
    finally:
        target.dispose()


def warehouse_with_pes(url: str, folder: Path) -> str:
    """The warehouse at ``url`` with the constructed KHM statistics and one LAO observation
    of another source (an area without PES statistics)."""
    other = observations.frame(
        pd.DataFrame(
            [
                {
                    "ref_area": "LAO",
                    "indicator": "SDG_0852_SEX_AGE_RT",
                    "source": "BA:1",
                    "sex": "SEX_T",
                    "classif1": "AGE_YTHADULT_YGE15",
                    "time": "2022",
                    "obs_value": 1.2,
                }
            ]
        )
    )
    path = folder / "lao.csv"
    write(other, path, "csv")
    target = engine(url)
    try:
        load_file(target, path, dataset="lao")
    finally:
        target.dispose()
    load_pes_statistics(url, folder)
    return url


def sqlite_url(folder: Path) -> str:
    """A SQLite warehouse file in ``folder``."""
    return str(sa.URL.create("sqlite", database=str(folder / "w.sqlite")))

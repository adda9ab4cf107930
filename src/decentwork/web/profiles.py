"""An area's profile: for each indicator the area has data for, its headline series (both
sexes, the total classification, one source and one frequency), the latest value with its
interval, the change since the previous period of the same series, and the series' values
for the sparkline. A monthly estimate is never compared with an annual figure, nor one
survey's value with another's (docs/web.md, "One series per source")."""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import sqlalchemy as sa

from decentwork.monitoring.sources import choose, frequency
from decentwork.warehouse.tables import observations
from decentwork.warehouse.views import Filters, view_query
from decentwork.web.summaries import Contents

HEADLINE = (
    "EAP_DWAP_SEX_AGE_RT",
    "EMP_DWAP_SEX_AGE_RT",
    "UNE_DEAP_SEX_AGE_RT",
    "SDG_0852_SEX_AGE_RT",
    "SDG_0861_SEX_RT",
    "SDG_0831_SEX_ECO_RT",
)
"""The headline decent-work indicators of an area profile, where the area has them:
participation, employment-to-population and unemployment rates, youth NEET, informality."""
SDG8 = (
    "SDG_A821_NOC_RT",
    "SDG_B871_SEX_AGE_RT",
    "SDG_B881_SEX_ECO_RT",
    "SDG_N881_SEX_MIG_RT",
    "SDG_T882_NOC_RT",
)
"""SDG 8 indicators whose codes do not start with ``SDG_08``."""


class Reading(NamedTuple):
    """An observation of an area, as much of it as its profile uses."""

    indicator: str
    sex: str
    classif1: str
    classif2: str
    source: str
    time: str
    obs_value: float | None
    lower_bound: float | None
    upper_bound: float | None

    @property
    def series(self) -> tuple[str, str, str, str, str]:
        """The series it belongs to: sex, classifications, source and frequency."""
        return self.sex, self.classif1, self.classif2, self.source, frequency(self.time)


def number(value: Any) -> float | None:
    """A stored number as a float, None where missing (NULL, or NaN on PostgreSQL)."""
    return None if value is None or math.isnan(value) else float(value)


def totalish(code: str) -> bool:
    """Whether a classification code stands for the whole population (or none applies)."""
    return code == "" or code.endswith(("_TOTAL", "_YGE15"))


def readings(connection: sa.Connection, contents: Contents, ref_area: str) -> list[Reading]:
    """The area's observations in the latest view (numbers as stored: NaN on PostgreSQL
    where missing). Naming its indicators lets the database use the latest view's index
    (superseded, indicator, area) instead of reading every row."""
    codes = {"ref_area": [ref_area], "indicator": list(contents.indicators_of(ref_area))}
    query = view_query(Filters.parse(codes, None), None).with_only_columns(
        *(observations.c[c] for c in Reading._fields)
    )
    return [Reading._make(row) for row in connection.execute(query).all()]


def preferred(rows: list[Reading]) -> list[Reading]:
    """The headline series of one indicator's observations, by period: both sexes, the
    total classification, and among those series (one per source and frequency) the one
    :func:`~decentwork.monitoring.sources.choose` picks: the most recent period, then the
    most periods, then the first in code order."""
    periods: dict[tuple[str, ...], list[str]] = {}
    for row in rows:
        periods.setdefault(row.series, []).append(row.time)

    def rank(series: tuple[str, ...]) -> tuple[bool, bool, bool]:
        sex, classif1, classif2 = series[:3]
        return sex not in ("SEX_T", ""), not totalish(classif1), classif2 != ""

    first = min(rank(series) for series in periods)
    best = choose({series: found for series, found in periods.items() if rank(series) == first})
    return sorted((row for row in rows if row.series == best), key=lambda row: row.time)


def summaries(rows: list[Reading]) -> list[dict[str, Any]]:
    """Each indicator's headline, by indicator code: latest value and bounds, change since
    the previous period of the same source and frequency, the frequency, and (under
    ``values``) the series' values; indicators without a value are left out."""
    by_indicator: dict[str, list[Reading]] = {}
    for row in rows:
        by_indicator.setdefault(row.indicator, []).append(row)
    found = []
    for code, own in sorted(by_indicator.items()):
        valued = [row for row in own if number(row.obs_value) is not None]
        if not valued:
            continue
        series = preferred(valued)
        values = [v for row in series if (v := number(row.obs_value)) is not None]
        latest = series[-1]
        previous = series[-2] if len(series) > 1 else None
        found.append(
            {
                "indicator": code,
                "source": latest.source,
                "sex": latest.sex,
                "classif1": latest.classif1,
                "classif2": latest.classif2,
                "time": latest.time,
                "frequency": frequency(latest.time),
                "obs_value": values[-1],
                "lower_bound": number(latest.lower_bound),
                "upper_bound": number(latest.upper_bound),
                "previous_time": None if previous is None else previous.time,
                "change": None if previous is None else values[-1] - values[-2],
                "headline": code in HEADLINE,
                "sdg8": code.startswith("SDG_08") or code in SDG8,
                "values": values,
            }
        )
    return found

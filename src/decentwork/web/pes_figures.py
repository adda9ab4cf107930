"""A country's public employment service (PES) statistics as the warehouse holds them (one
dataset per service, source ``PES:<area>``, monthly periods): the monthly trends of
registrations, registered job seekers, vacancies and placements, the latest month's
placement rates and median time to placement, the shortage and surplus occupations (from the
vacancy-to-seeker ratios, by :func:`decentwork.observations.occupations.occupation_lists`)
and the sub-national table. Read from the warehouse only, never from the PES database.

A suppressed cell (disclosure control: no value, status ``C``) stays suppressed: it is never
shown, charted or counted as zero."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from decentwork import charts
from decentwork.observations import KEY_COLUMNS
from decentwork.observations.occupations import (
    RATIO_INDICATOR,
    SHORTAGE_THRESHOLD,
    SURPLUS_THRESHOLD,
    occupation_lists,
)
from decentwork.warehouse.tables import observations
from decentwork.warehouse.views import Filters, view_query
from decentwork.web.profiles import number, totalish
from decentwork.web.rendering import Labels
from decentwork.web.summaries import Contents

REGISTERED = "PES_SKR_REG_NB"
NEW_REGISTRATIONS = "PES_SKR_NEW_NB"
VACANCIES = "PES_VAC_NEW_NB"
OPENINGS = "PES_VAC_OPN_NB"
REFERRALS = "PES_REF_NB"
PLACEMENTS = "PES_PLC_NB"
FLOWS = (NEW_REGISTRATIONS, VACANCIES, PLACEMENTS)
"""What happened in the month, charted together."""
TRENDS = (NEW_REGISTRATIONS, REGISTERED, VACANCIES, PLACEMENTS)
"""The monthly series of the page's trend table."""
RATES = ("PES_PLC_LVR_RT", "PES_PLC_REF_RT", "PES_PLC_DUR_MD")
"""The latest month's placement rates and median time to placement."""
SUBNATIONAL = (REGISTERED, NEW_REGISTRATIONS, VACANCIES, OPENINGS, PLACEMENTS)
"""The indicators of the sub-national table (those broken down by area)."""
CODES = (*dict.fromkeys((*TRENDS, OPENINGS, REFERRALS, *RATES, RATIO_INDICATOR)),)
"""Every PES statistic the page reads."""
SUPPRESSED = "C"
"""ILOSTAT's status of a confidential (suppressed) cell."""
AREA_PREFIX = "GEO_PES_"
MAJOR, SUB_MAJOR = "OCU_ISCO08_", "OCU_ISCO08SUB_"
READ = (*KEY_COLUMNS, "obs_value", "obs_status", "note_source")
"""The observation columns the page reads."""


def source(area: str) -> str:
    """The source code of ``area``'s public employment service statistics."""
    return f"PES:{area}"


def held(contents: Contents, area: str) -> bool:
    """Whether the latest view holds PES statistics of ``area``."""
    return any(code in CODES for code in contents.indicators_of(area))


def areas_with_statistics(contents: Contents) -> list[str]:
    """The areas the latest view holds PES statistics of, sorted."""
    return [c.code for c in contents.coverage("ref_area") if held(contents, c.code)]


@dataclass(frozen=True)
class Statistics:
    """An area's PES observations (numbers as floats, None where missing), the months they
    cover, and the latest month."""

    rows: tuple[dict[str, Any], ...]
    months: tuple[str, ...]

    @property
    def latest(self) -> str | None:
        """The latest month with statistics."""
        return self.months[-1] if self.months else None

    def totals(self, indicator: str) -> dict[str, dict[str, Any]]:
        """The indicator's headline series by month: both sexes, the total classification
        (none, ``..._YGE15`` or ``..._TOTAL``, in that order of preference)."""
        found: dict[str, dict[str, Any]] = {}
        for row in sorted(
            (r for r in self.rows if r["indicator"] == indicator and _whole(r)),
            key=lambda r: (r["time"], r["classif1"] != "", r["classif1"]),
        ):
            found.setdefault(row["time"], row)
        return found

    def of_month(self, indicator: str, month: str | None, prefix: str) -> list[dict[str, Any]]:
        """The indicator's rows of ``month`` for both sexes whose classification starts with
        ``prefix``, in classification order."""
        return sorted(
            (
                r
                for r in self.rows
                if r["indicator"] == indicator
                and r["time"] == month
                and r["sex"] in ("SEX_T", "")
                and r["classif1"].startswith(prefix)
            ),
            key=lambda r: r["classif1"],
        )


def _whole(row: Mapping[str, Any]) -> bool:
    """Whether a row counts everyone: both sexes, a total classification."""
    return row["sex"] in ("SEX_T", "") and totalish(row["classif1"]) and row["classif2"] == ""


def statistics(connection: sa.Connection, area: str) -> Statistics:
    """``area``'s PES statistics in the warehouse's latest view (its service's source only)
    that the page shows: both sexes, the totals of every month and the breakdowns of the
    latest month only, so that the rows read do not grow with months times breakdowns."""
    filters = Filters.parse(
        {"ref_area": [area], "indicator": list(CODES), "source": [source(area)]}, None
    )
    held = view_query(filters, None).where(observations.c.sex.in_(("SEX_T", "")))
    column = observations.c
    months = tuple(
        sorted(connection.execute(held.with_only_columns(column.time).distinct()).scalars())
    )
    if not months:
        return Statistics((), ())
    shown = held.where(
        sa.or_(
            column.time == months[-1],
            column.classif1 == "",
            column.classif1.like("%\\_YGE15", escape="\\"),
            column.classif1.like("%\\_TOTAL", escape="\\"),
        )
    ).with_only_columns(*(column[c] for c in READ))
    rows = tuple(
        {**row, "obs_value": number(row["obs_value"])}
        for row in connection.execute(shown).mappings()
    )
    return Statistics(rows, months)


def cell(row: Mapping[str, Any] | None) -> dict[str, Any]:
    """A figure as a page gives it: its value (None where missing or suppressed), its status,
    and whether it is suppressed (with the rule that suppressed it)."""
    if row is None:
        return {"obs_value": None, "obs_status": "", "suppressed": False, "note_source": ""}
    suppressed = row["obs_value"] is None and row["obs_status"] == SUPPRESSED
    return {
        "obs_value": row["obs_value"],
        "obs_status": row["obs_status"],
        "suppressed": suppressed,
        "note_source": row["note_source"],
    }


def page_data(
    area: str, found: Statistics, names: Labels, described: Mapping[str, tuple[str, str]]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The page's data (its JSON, beside the area's code and label) and the observations it
    shows (its CSV rows)."""
    latest = found.latest
    shown: list[dict[str, Any]] = []

    def indicator(code: str) -> dict[str, Any]:
        return {
            **names.of("indicator", code, key="indicator"),
            "unit": described.get(code, (None, None))[0],
        }

    trends = []
    for code in TRENDS:
        series = found.totals(code)
        shown.extend(series.values())
        months = [{"time": t, **cell(series.get(t))} for t in found.months]
        trends.append({**indicator(code), "values": months})
    rates = []
    for code in RATES:
        row = found.totals(code).get(latest) if latest else None
        shown.extend([row] if row else [])
        rates.append({**indicator(code), "time": latest, **cell(row)})
    ratios = found.of_month(RATIO_INDICATOR, latest, MAJOR) + found.of_month(
        RATIO_INDICATOR, latest, SUB_MAJOR
    )
    shown.extend(ratios)
    data = {
        "source": source(area),
        "latest": latest,
        "months": list(found.months),
        "trends": trends,
        "rates": rates,
        "occupations": {
            "time": latest,
            "shortage_threshold": SHORTAGE_THRESHOLD,
            "surplus_threshold": SURPLUS_THRESHOLD,
            **_occupations(found, latest, names),
        },
        "areas": _areas(found, latest, names, shown),
    }
    return data, shown


def _occupations(
    found: Statistics, month: str | None, names: Labels
) -> dict[str, list[dict[str, Any]]]:
    """The shortage and surplus occupations of ``month``: ISCO-08 major groups, then
    sub-major groups, each level ordered as :func:`occupation_lists` orders it."""
    lists: dict[str, list[dict[str, Any]]] = {"shortage": [], "surplus": []}
    for level, prefix in (("major", MAJOR), ("sub-major", SUB_MAJOR)):
        shortage, surplus = occupation_lists(found.of_month(RATIO_INDICATOR, month, prefix))
        for name, rows in (("shortage", shortage), ("surplus", surplus)):
            lists[name].extend(
                {
                    **names.of("classif1", row["classif1"]),
                    "level": level,
                    "obs_value": row["obs_value"],
                }
                for row in rows
            )
    return lists


def _areas(
    found: Statistics, month: str | None, names: Labels, shown: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The sub-national table of ``month``: each area (``GEO_PES_...``) with its figures of
    the :data:`SUBNATIONAL` indicators (the rows shown are added to ``shown``)."""
    by_area: dict[str, dict[str, Any]] = {}
    for code in SUBNATIONAL:
        for row in found.of_month(code, month, AREA_PREFIX):
            shown.append(row)
            by_area.setdefault(row["classif1"], {})[code] = cell(row)
    return [
        {
            **names.of("classif1", code),
            "values": {c: figures.get(c, cell(None)) for c in SUBNATIONAL},
        }
        for code, figures in sorted(by_area.items())
    ]


def flow_chart_series(data: Mapping[str, Any], codes: Iterable[str]) -> list[charts.Series]:
    """The lines of a trend chart: one per indicator of ``codes``, named by its label, with
    the months that have a value (suppressed months are left out, never drawn as zero)."""
    return [
        charts.Series(
            trend["label"],
            [
                charts.Point(month["time"], month["obs_value"])
                for month in trend["values"]
                if month["obs_value"] is not None
            ],
        )
        for trend in data["trends"]
        if trend["indicator"] in codes
    ]

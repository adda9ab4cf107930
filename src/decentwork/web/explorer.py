"""The indicator explorer's parts that do not depend on the areas shown: the breakdowns an
indicator has (sexes, classifications, sources), the ranking of every area in the latest
year, and the chart's lines for the observations shown."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from decentwork import charts
from decentwork.monitoring.sources import frequency
from decentwork.warehouse.tables import observations
from decentwork.warehouse.views import Filters, view_query
from decentwork.web.profiles import number
from decentwork.web.rendering import Labels

CHOICES = ("sex", "classif1", "classif2", "source")
"""The breakdowns of an indicator a visitor chooses among."""
LINES = ("ref_area", "source", "sex", "classif1", "classif2", "frequency")
"""What tells the chart's lines apart: each area and source has its own line (a line never
joins two sources, nor a month to a year); the legend names the area and the source, and
the sex, classifications and frequency where they vary among the observations shown."""
NAMED = ("ref_area", "source")
"""What every line's name says, varying or not."""
FREQUENCY_CODES = {"annual": "A", "quarterly": "Q", "monthly": "M", "other": "?"}
"""How a line's name gives its frequency (SDMX's codes), when frequencies vary."""
MAX_SERIES = 8


@dataclass(frozen=True)
class Ranking:
    """The areas of one breakdown of an indicator: every area with data (``present``), and
    those with a value in the latest year (``time``), largest value first."""

    time: str | None
    ranked: tuple[tuple[str, float], ...]
    present: frozenset[str]


def choices(connection: sa.Connection, code: str) -> dict[str, list[str]]:
    """The sexes, classifications and sources indicator ``code`` has observations for."""
    query = view_query(Filters.parse({"indicator": [code]}, None), None)
    rows = connection.execute(
        query.with_only_columns(*(observations.c[c] for c in CHOICES)).distinct()
    ).all()
    return {column: sorted({row[i] for row in rows}) for i, column in enumerate(CHOICES)}


def ranking(connection: sa.Connection, breakdown: Filters) -> Ranking:
    """The areas of the observations ``breakdown`` selects, and their ranking in the latest
    year with annual data: each area's first observation with a value in key order
    (source, sex, classifications), by value, largest first (ties by area code)."""
    rows = connection.execute(
        view_query(breakdown, None).with_only_columns(
            *(
                observations.c[c]
                for c in ("ref_area", "time", "source", "sex", "classif1", "classif2", "obs_value")
            )
        )
    ).all()
    years = [row for row in rows if len(row.time) == 4]
    last = max((row.time for row in years), default=None)
    first: dict[str, float] = {}
    for row in sorted(years, key=lambda r: (r.ref_area, r.source, r.sex, r.classif1, r.classif2)):
        value = number(row.obs_value)
        if row.time == last and value is not None:
            first.setdefault(row.ref_area, value)
    ranked = sorted(first.items(), key=lambda item: (-item[1], item[0]))
    return Ranking(last, tuple(ranked), frozenset(row.ref_area for row in rows))


def series(rows: list[dict[str, Any]], names: Labels) -> list[charts.Series]:
    """The chart's lines: one per area, source, sex, classification and frequency shown (at
    most :data:`MAX_SERIES`), named by the area, the source and what else varies, each with
    its observations that have a value."""
    keyed = [{**row, "frequency": frequency(row["time"])} for row in rows]
    varying = [k for k in LINES if k in NAMED or len({row[k] for row in keyed}) > 1]
    lines: dict[tuple[str, ...], list[charts.Point]] = {}
    for row in keyed:
        value = number(row["obs_value"])
        if value is not None:
            lines.setdefault(tuple(row[k] for k in varying), []).append(
                charts.Point(
                    row["time"],
                    value,
                    number(row["lower_bound"]),
                    number(row["upper_bound"]),
                    row["source"],
                )
            )
    return [
        charts.Series(_name(dict(zip(varying, key, strict=True)), names), points)
        for key, points in sorted(lines.items())
    ][:MAX_SERIES]


def _name(key: dict[str, str], names: Labels) -> str:
    """A line's name: the area's label, then the source and the other codes that vary (the
    frequency as its SDMX code: A, Q or M)."""
    codes = [
        FREQUENCY_CODES[value] if column == "frequency" else value
        for column, value in key.items()
        if column != "ref_area" and value
    ]
    return " ".join([names.text("ref_area", key["ref_area"]), *codes])

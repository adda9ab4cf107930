"""What a country brief says, read off the warehouse: the headline SDG 8 indicators (latest
value, 95% confidence interval where the warehouse has the uncertainty, change since the
previous period, source) with their series, the SDG 8 progress table, the status of the
ILO-China partnership framework, the public employment service's monthly statistics where
the warehouse has them, and the sources and warehouse releases behind them.

Nothing here renders: :mod:`decentwork.reports.render` turns a :class:`Brief` into HTML or
PDF in one of the six languages.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from statistics import NormalDist

import sqlalchemy as sa

from decentwork import names
from decentwork.errors import BadInput, NotFound
from decentwork.formatting import Units
from decentwork.monitoring.frameworks import Framework, load_framework
from decentwork.monitoring.progress import Assessment
from decentwork.monitoring.tracking import (
    TOTAL,
    Progress,
    Series,
    Tracking,
    track,
    with_settings,
)
from decentwork.warehouse.contents import described, label_map
from decentwork.warehouse.tables import releases
from decentwork.warehouse.views import Filters, view_query

SDG8 = "sdg8"
PARTNERSHIP = "ilo-china-partnership-2016"
HEADLINE = ("8.5.2", "8.6.1", "8.3.1", "8.5.1", "8.2.1")
"""The indicators of the ``sdg8`` framework a brief leads with (framework codes): the
unemployment rate, youth NEET, informality, hourly earnings and labour productivity growth."""
OPEN_SDG = "open-sdg"
"""The method every row of the progress tables shows: the only one that also assesses
series without a numeric target."""
Z_95 = NormalDist().inv_cdf(0.975)
"""A 95% confidence interval is the value ± 1.959964 standard errors (normal approximation;
the same quantile as the estimation kernel's, which the reports may not import)."""


class BriefError(BadInput):
    """A brief that cannot be written as asked (to a file that is neither ``.pdf`` nor
    ``.html``, in a folder that does not exist, or that cannot be written); the message says
    why."""


@dataclass(frozen=True)
class Row:
    """One framework indicator's total series for the area, assessed by each method."""

    outcome: str
    code: str
    title: str
    indicator: str | None
    series: Series
    assessments: dict[str, Assessment]
    milestones: tuple[tuple[int, float], ...]

    @property
    def main(self) -> Assessment:
        """The Open SDG assessment (shown for every indicator)."""
        return self.assessments[OPEN_SDG]

    @property
    def targeted(self) -> dict[str, Assessment]:
        """The other methods' assessments, when the indicator has a numeric target."""
        if self.main.target_value is None:
            return {}
        return {method: found for method, found in self.assessments.items() if method != OPEN_SDG}

    def interval(self, year: int) -> tuple[float, float] | None:
        """The 95% confidence interval of ``year``'s value: the bounds stored with it, else
        the value ± :data:`Z_95` standard errors, else None (no uncertainty in the warehouse)."""
        if year in self.series.bounds:
            return self.series.bounds[year]
        if year in self.series.se:
            value = dict(self.series.points)[year]
            return value - Z_95 * self.series.se[year], value + Z_95 * self.series.se[year]
        return None

    def intervals(self) -> dict[int, tuple[float, float]]:
        """The 95% confidence intervals of the years that have one."""
        found = {year: self.interval(year) for year, _ in self.series.points}
        return {year: bounds for year, bounds in found.items() if bounds is not None}

    @property
    def latest(self) -> tuple[int, float] | None:
        """The latest year with data and its value."""
        return self.series.points[-1] if self.series.points else None

    @property
    def previous(self) -> tuple[int, float] | None:
        """The year with data before the latest, and its value."""
        return self.series.points[-2] if len(self.series.points) > 1 else None

    @property
    def change(self) -> float | None:
        """The change from the previous period to the latest (in the indicator's unit:
        percentage points for rates)."""
        if self.latest is None or self.previous is None:
            return None
        return self.latest[1] - self.previous[1]

    @property
    def source(self) -> str | None:
        """The source of the latest value."""
        return self.series.origins.get(self.latest[0]) if self.latest else None

    @property
    def latest_month(self) -> tuple[str, float] | None:
        """A monthly indicator's latest month with data (``2026M11``) and its value."""
        return self.series.months[-1] if self.series.months else None

    @property
    def previous_month(self) -> tuple[str, float] | None:
        """A monthly indicator's month with data before the latest, and its value."""
        return self.series.months[-2] if len(self.series.months) > 1 else None

    @property
    def month_change(self) -> float | None:
        """The change from the previous month with data to the latest."""
        if self.latest_month is None or self.previous_month is None:
            return None
        return self.latest_month[1] - self.previous_month[1]


@dataclass(frozen=True)
class Status:
    """A framework's status in the area: one row per indicator, in the framework's order."""

    framework: Framework
    rows: tuple[Row, ...]

    def split(self) -> tuple[Status, tuple[Row, ...]]:
        """The status without its monthly indicators (a public employment service's
        statistics), and those of them that have data."""
        monthly = {i.code for _, _, i in self.framework.indicators() if i.frequency == "monthly"}
        kept = tuple(row for row in self.rows if row.code not in monthly)
        held = tuple(row for row in self.rows if row.code in monthly and row.series.points)
        return replace(self, rows=kept), held

    @classmethod
    def of(cls, found: Tracking) -> Status:
        """The status of the tracking's total series, each with every method's assessment."""
        totals: dict[str, list[Progress]] = {}
        for progress in found.rows:
            if progress.breakdown == TOTAL:
                totals.setdefault(progress.code, []).append(progress)
        return cls(
            found.framework,
            tuple(
                Row(
                    each[0].outcome,
                    each[0].code,
                    each[0].title,
                    each[0].indicator,
                    each[0].series,
                    {p.assessment.method: p.assessment for p in each},
                    each[0].milestones,
                )
                for each in totals.values()
            ),
        )


@dataclass(frozen=True)
class Release:
    """A warehouse release that the brief's figures come from."""

    id: int
    dataset: str
    loaded_at: datetime


@dataclass(frozen=True)
class Brief:
    """A country brief's content for one area."""

    area: str
    label: str
    """The area's name in the brief's language where known (else English, else the code)."""
    label_lang: str | None
    """The language of ``label`` (None: it is the code)."""
    lang: str
    made: date
    headline: tuple[Row, ...]
    sdg8: Status
    partnership: Status
    """The partnership framework's status, but for its monthly indicators (in ``pes``)."""
    pes: tuple[Row, ...]
    """The partnership framework's monthly indicators (the public employment service's
    placements, placement rate and registered job seekers) that the area has data for;
    none when it has none."""
    sources: dict[str, str | None]
    """The sources of the figures shown (ILOSTAT source codes) and their English labels."""
    releases: tuple[Release, ...]
    units: Units = field(default_factory=lambda: Units({}, {}))
    """The style of each indicator's numbers (by warehouse code), as the dashboard's."""


def collect(
    connection: sa.Connection,
    area: str,
    lang: str = "en",
    made: date | None = None,
    targets: Path | None = None,
) -> Brief:
    """The brief of ``area`` from the warehouse's latest view, with the area named in
    ``lang``; ``made`` is the brief's date (default: today); ``targets`` a YAML file of
    national baselines, targets and milestones for the ``sdg8`` framework (see
    :func:`~decentwork.monitoring.tracking.with_settings`).

    Raises:
        NotFound: the warehouse has no observation of ``area`` at all.
        QueryError: an area code with a NUL character.
        FrameworkError: the targets file is unreadable or not valid.
    """
    held = view_query(Filters.parse({"ref_area": [area]}, None), None).limit(1).subquery()
    if connection.execute(sa.select(sa.func.count()).select_from(held)).scalar_one() == 0:
        raise NotFound(
            f"area {area!r}: the warehouse has no observations for it (expected "
            "an area code with data, such as KHM)",
            given=area,
            hint="'decentwork info' counts what the warehouse holds",
        )
    national = load_framework(SDG8)
    if targets is not None:
        national = with_settings(national, targets)
    sdg8, tracked = (
        Status.of(track(connection, framework, [area], breakdowns=False))
        for framework in (national, load_framework(PARTNERSHIP))
    )
    partnership, pes = tracked.split()
    by_code = {row.code: row for row in sdg8.rows}
    shown = [row for row in (*sdg8.rows, *partnership.rows, *pes) if row.series.points]
    sources = sorted({source for row in shown for source in row.series.sources})
    indicators = sorted({row.indicator for row in shown if row.indicator})
    label, label_lang = _area_label(connection, area, lang)
    names = label_map(connection, "en", kind="source")
    return Brief(
        area,
        label,
        label_lang,
        lang,
        made or date.today(),
        tuple(by_code[code] for code in HEADLINE),
        sdg8,
        partnership,
        pes,
        {source: names.get(("source", source)) for source in sources},
        _releases(connection, area, indicators, sources),
        _units(connection),
    )


def _units(connection: sa.Connection) -> Units:
    """The styles of the indicators' numbers from the warehouse's units and English labels,
    as the dashboard finds them (:func:`decentwork.web.rendering.units`)."""
    return Units.of(described(connection), label_map(connection, "en", kind="indicator"))


def _area_label(connection: sa.Connection, area: str, lang: str) -> tuple[str, str | None]:
    """The area's name and its language (None: it is the code), as the dashboard names it
    (:func:`decentwork.names.area`)."""
    key = ("ref_area", area)
    found = names.area(
        area,
        lang,
        label_map(connection, lang, kind="ref_area").get(key),
        label_map(connection, "en", kind="ref_area").get(key),
    )
    return found.text, found.lang


def _releases(
    connection: sa.Connection, area: str, indicators: list[str], sources: list[str]
) -> tuple[Release, ...]:
    """The releases holding the latest view's observations of ``area`` for ``indicators``
    from ``sources``, oldest first."""
    if not indicators:
        return ()
    found = view_query(
        Filters({"ref_area": [area], "indicator": indicators, "source": sources}), None
    ).subquery()
    rows = connection.execute(
        sa.select(releases.c.id, releases.c.dataset, releases.c.loaded_at)
        .where(releases.c.id.in_(sa.select(found.c.release_id).distinct()))
        .order_by(releases.c.id)
    )
    return tuple(Release(int(r.id), r.dataset, r.loaded_at) for r in rows)

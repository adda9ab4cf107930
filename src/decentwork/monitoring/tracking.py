"""A framework's progress read off the warehouse: for each area and indicator (and each of
its breakdowns), the annual series of the latest view, assessed by each progress method
beside the others, with the gaps between the groups the framework pairs.

An indicator the warehouse has no data for gets a row with status ``no_data`` (and the
reason), never a value made up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
import yaml
from pydantic import ValidationError

from decentwork.errors import BadInput
from decentwork.monitoring.frameworks import (
    AreaSettings,
    Breakdown,
    Framework,
    FrameworkError,
    Indicator,
    problems,
)
from decentwork.monitoring.gaps import Gap, gap
from decentwork.monitoring.progress import (
    METHODS,
    NEEDS_TARGET,
    NO_ASSESSMENT,
    Assessment,
    Target,
    assess,
    check_method,
)
from decentwork.monitoring.sources import RULE, UNRELIABLE, choose
from decentwork.warehouse.views import Filters, view

NO_DATA = "no_data"
TOTAL = "total"
"""The breakdown label of an indicator's own series (its filters as the framework gives them)."""


@dataclass(frozen=True)
class Series:
    """An annual series from one source: ``(year, value)`` points, the source they came from
    (``sources`` holds it alone, ``origins`` by year), why that source (``choice``), the
    other sources' own series (drawn apart, never assessed), the periods whose values were
    flagged unreliable and left out, and the standard errors and confidence bounds where the
    warehouse has them (by year)."""

    points: tuple[tuple[int, float], ...]
    sources: tuple[str, ...] = ()
    se: Mapping[int, float] = field(default_factory=dict)
    reason: str | None = None
    """Why the series is empty, when it is."""
    origins: Mapping[int, str] = field(default_factory=dict)
    """The source of each year's value (the one source of the series)."""
    bounds: Mapping[int, tuple[float, float]] = field(default_factory=dict)
    """The lower and upper confidence bounds, for the years that have both."""
    months: tuple[tuple[str, float], ...] = ()
    """A monthly indicator's months (``2026M11``) and values, in time order, from which
    ``points`` are the yearly means."""
    choice: str = ""
    """Why the series keeps to its source (named for the area, or the rule of
    :func:`~decentwork.monitoring.sources.choose`)."""
    others: Mapping[str, tuple[tuple[int, float], ...]] = field(default_factory=dict)
    """The other sources of the same indicator and breakdown, each its own series: charts
    draw them apart; assessments leave them out."""
    unreliable: tuple[str, ...] = ()
    """The periods of the source whose values were flagged unreliable (``U``) and left out."""

    @property
    def source(self) -> str | None:
        """The one source of the series (None when it is empty)."""
        return self.sources[0] if self.sources else None


@dataclass(frozen=True)
class Progress:
    """One area's progress on one framework indicator (or one of its breakdowns) by one
    method."""

    area: str
    outcome: str
    target: str
    code: str
    title: str
    indicator: str | None
    breakdown: str
    series: Series
    assessment: Assessment
    milestones: tuple[tuple[int, float], ...] = ()

    def as_dict(self) -> dict[str, str | int | float | None]:
        """One flat row: where it belongs, then the assessment's components."""
        return {
            "area": self.area,
            "outcome": self.outcome,
            "target": self.target,
            "code": self.code,
            "title": self.title,
            "indicator": self.indicator,
            "breakdown": self.breakdown,
            **self.assessment.as_dict(),
            "other_sources": " ".join(sorted(self.series.others)),
        }


@dataclass(frozen=True)
class GapRow:
    """The gap between two breakdowns of one area's indicator by one method."""

    area: str
    code: str
    gap: Gap

    def as_dict(self) -> dict[str, str | int | float | None]:
        """One flat row."""
        return {
            "area": self.area,
            "code": self.code,
            **self.gap.as_dict(),
            "summary": self.gap.summary(),
        }


@dataclass(frozen=True)
class Tracking:
    """A framework's progress over some areas: every assessment and every gap."""

    framework: Framework
    areas: tuple[str, ...]
    methods: tuple[str, ...]
    rows: tuple[Progress, ...]
    gaps: tuple[GapRow, ...]

    def table(self) -> pd.DataFrame:
        """The assessments as a table, one row per area, indicator, breakdown and method."""
        return pd.DataFrame([row.as_dict() for row in self.rows])

    def gap_table(self) -> pd.DataFrame:
        """The gaps as a table."""
        return pd.DataFrame([row.as_dict() for row in self.gaps])


def untargeted(assessment: Assessment) -> bool:
    """Whether ``assessment`` is a method's refusal for want of a numeric target (tables may
    leave these out and say so once)."""
    return (
        assessment.status == NO_ASSESSMENT
        and assessment.target_value is None
        and assessment.method in NEEDS_TARGET
    )


def track(
    connection: sa.Connection,
    framework: Framework,
    areas: Sequence[str] | None = None,
    methods: Sequence[str] | None = None,
    *,
    codes: Sequence[str] | None = None,
    breakdowns: bool = True,
    unreliable: bool = False,
) -> Tracking:
    """Assess every indicator of ``framework`` (or those with framework ``codes``) for each
    of ``areas`` (default: the framework's own areas, else those its indicators give
    settings for) by each of ``methods`` (default: all of
    :data:`~decentwork.monitoring.progress.METHODS`), with the indicators' breakdowns and
    gaps unless ``breakdowns`` is False.

    Each area's indicator keeps to one source, its breakdowns to the total's (see
    :func:`series`); values flagged unreliable are left out unless ``unreliable``.

    Raises:
        BadInput: an unknown method (about the parameter ``method``), or no areas to assess
            (about ``areas``).
    """
    chosen = tuple(check_method(method) for method in methods or METHODS)
    places = tuple(
        areas
        or framework.areas
        or sorted({a for _, _, i in framework.indicators() for a in i.areas})
    )
    if not places:
        raise BadInput(
            f"framework {framework.code}: no areas given and none in the framework",
            parameter="areas",
            expected="area codes",
            hint="name the areas to assess",
        )
    rows: list[Progress] = []
    gaps: list[GapRow] = []
    chosen_indicators = [
        (o, t, i) for o, t, i in framework.indicators() if codes is None or i.code in codes
    ]
    for area in places:
        for outcome, target, spec in chosen_indicators:
            found: dict[str, dict[str, Assessment]] = {}
            settings = spec.settings(area)
            total = series(
                connection,
                area,
                spec,
                source=settings.source,
                unreliable=unreliable,
                named=f"named by the framework for {area}",
            )
            for breakdown in (None, *(spec.breakdowns if breakdowns else ())):
                label = TOTAL if breakdown is None else breakdown.label
                data = (
                    total
                    if breakdown is None
                    else series(
                        connection,
                        area,
                        spec,
                        breakdown,
                        source=total.source or settings.source,
                        unreliable=unreliable,
                        named="the source of the total"
                        if total.source
                        else f"named by the framework for {area}",
                    )
                )
                for method in chosen:
                    result = _assessed(data, spec, settings, framework, area, method)
                    found.setdefault(label, {})[method] = result
                    rows.append(
                        Progress(
                            area,
                            outcome.code,
                            target.code,
                            spec.code,
                            spec.title,
                            spec.indicator,
                            label,
                            data,
                            result,
                            tuple((m.year, m.value) for m in settings.milestones),
                        )
                    )
            for first, second in spec.gaps if breakdowns else ():
                gaps.extend(
                    GapRow(
                        area,
                        spec.code,
                        gap(found[first][method], found[second][method], (first, second)),
                    )
                    for method in chosen
                    if NO_DATA not in (found[first][method].status, found[second][method].status)
                )
    return Tracking(framework, places, chosen, tuple(rows), tuple(gaps))


def series(
    connection: sa.Connection,
    area: str,
    spec: Indicator,
    breakdown: Breakdown | None = None,
    *,
    source: str | None = None,
    unreliable: bool = False,
    named: str = "",
) -> Series:
    """The annual series of ``spec`` (with a breakdown's filters in place of its own) for
    ``area`` in the warehouse's latest view, from one source.

    Quarterly and monthly periods are left out, except for a monthly indicator
    (``frequency: monthly``), whose months are read instead and each year's value is the
    mean of its months with a value (a year under way: of the months so far). Without a
    ``classif1`` (``classif2``) the series is the one with no classification, or a
    ``..._TOTAL`` one. Values flagged unreliable (``obs_status`` ``U``) are left out unless
    ``unreliable``. The series keeps to ``source`` when given (``named`` says who named it:
    the framework, or the indicator's total for a breakdown), else to the source
    :func:`~decentwork.monitoring.sources.choose` picks; the other sources' series are in
    ``others``, never joined to it.
    """
    if spec.indicator is None:
        return Series((), reason=spec.note)
    sex, classif1, classif2 = (
        (getattr(breakdown, name) if breakdown else None) or getattr(spec, name)
        for name in ("sex", "classif1", "classif2")
    )
    codes = {"ref_area": [area], "indicator": [spec.indicator], "sex": [sex] if sex else None}
    if classif1:
        codes["classif1"] = [classif1]
    if classif2:
        codes["classif2"] = [classif2]
    monthly = spec.frequency == "monthly"
    found = view(connection, Filters.parse(codes, None))
    period = r"[0-9]{4}M[0-9]{2}" if monthly else r"[0-9]{4}"
    found = found[found["time"].str.fullmatch(period) & found["obs_value"].notna()]
    if not sex:
        found = found[found["sex"].isin(["SEX_T", ""])]
    for column, given in (("classif1", classif1), ("classif2", classif2)):
        if not given:
            found = found[(found[column] == "") | found[column].str.endswith("_TOTAL")]
            if found[column].nunique() > 1:
                return Series(
                    (),
                    reason=f"several {column} series ("
                    f"{', '.join(sorted(found[column].unique()))}): name one in "
                    "the framework",
                )
    flagged = found["obs_status"] == UNRELIABLE
    kept = found if unreliable else found[~flagged]
    which = ", ".join(c for c in (sex, classif1, classif2) if c)
    missing = (
        f"no {spec.frequency} data for {spec.indicator}{f' ({which})' if which else ''} in {area}"
    )
    if kept.empty:
        if not found.empty:
            missing += (
                " other than values flagged unreliable (U), in "
                f"{', '.join(sorted(found['time'].unique()))} (the unreliable option counts them)"
            )
        return Series((), reason=missing)
    by_source = {str(s): list(t) for s, t in kept.groupby("source")["time"]}
    if source is None:
        chosen, choice = choose(by_source), RULE
    elif source in by_source:
        chosen, choice = source, named or "named for the area"
    else:
        return Series(
            (),
            reason=f"{missing} from source {source} ({named or 'named for the area'}); "
            f"the warehouse has {', '.join(sorted(by_source))}",
        )
    own = _one_source(kept, chosen)
    others = {
        s: (_yearly(_one_source(kept, s)) if monthly else _annual(_one_source(kept, s))).points
        for s in sorted(by_source)
        if s != chosen
    }
    left_out = () if unreliable else tuple(sorted(found[flagged & (found.source == chosen)].time))
    drawn = _yearly(own) if monthly else _annual(own)
    return replace(drawn, choice=choice, others=others, unreliable=left_out)


def _one_source(found: pd.DataFrame, source: str) -> pd.DataFrame:
    """The rows of ``source``, one per period (the last in key order where a total
    classification and none both give one), in time order."""
    own = found[found["source"] == source]
    return own.sort_values(["time", "classif1", "classif2"]).drop_duplicates("time", keep="last")


def _annual(found: pd.DataFrame) -> Series:
    """One source's annual rows (one per year, in time order) as a series."""
    return Series(
        tuple((int(t), float(v)) for t, v in zip(found["time"], found["obs_value"], strict=True)),
        tuple(sorted(set(found["source"]))),
        {int(t): float(s) for t, s in zip(found["time"], found["se"], strict=True) if pd.notna(s)},
        origins=dict(zip(found["time"].astype(int), found["source"], strict=True)),
        bounds={
            int(r.time): (float(r.lower_bound), float(r.upper_bound))
            for r in found.itertuples()
            if pd.notna(r.lower_bound) and pd.notna(r.upper_bound)
        },
    )


def _yearly(found: pd.DataFrame) -> Series:
    """A monthly series (one row per month, in time order) as the mean of each year's
    months, keeping the months themselves; a year's source is its latest month's."""
    years = found["time"].str[:4].astype(int)
    means = found.groupby(years)["obs_value"].mean()
    return Series(
        tuple((int(year), float(value)) for year, value in means.items()),
        tuple(sorted(set(found["source"]))),
        origins={int(y): str(s) for y, s in zip(years, found["source"], strict=True)},
        months=tuple(
            (str(t), float(v)) for t, v in zip(found["time"], found["obs_value"], strict=True)
        ),
    )


def source_notes(data: Series) -> list[str]:
    """The notes (English) that say which source a series keeps to and why, which other
    sources were left apart, and which of its values were left out as unreliable; every
    assessment of the series carries them."""
    if data.source is None:
        return []
    notes = [
        f"source {data.source} ({data.choice})"
        + (
            f"; other sources not assessed, not joined to it: {', '.join(sorted(data.others))}"
            if data.others
            else ""
        )
    ]
    if data.unreliable:
        notes.append(f"values flagged unreliable (U) left out: {', '.join(data.unreliable)}")
    return notes


def _assessed(
    data: Series,
    spec: Indicator,
    settings: AreaSettings,
    framework: Framework,
    area: str,
    method: str,
) -> Assessment:
    """One method's assessment of one series under the area's settings."""
    goal = spec.target_for(area)
    direction = (goal.direction if goal and goal.direction else None) or spec.direction
    if not data.points:
        return Assessment(
            method,
            NO_DATA,
            "No data",
            direction,
            target_value=goal.value if goal else None,
            target_year=goal.year if goal else None,
            reason=data.reason,
        )
    points = dict(data.points)
    baseline_year = settings.baseline_year or framework.baseline_year
    notes = source_notes(data)
    if settings.baseline is not None:
        baseline_year = settings.baseline.year
        if points.get(baseline_year) != settings.baseline.value:
            notes.append(
                f"baseline {baseline_year} = {settings.baseline.value:g} as the "
                "framework gives it"
                + (
                    f" (the warehouse has {points[baseline_year]:g})"
                    if baseline_year in points
                    else ""
                )
            )
        points[baseline_year] = settings.baseline.value
    target = Target(goal.value, goal.year, direction) if goal else direction
    result = assess(sorted(points.items()), target, method, baseline_year=baseline_year)
    return replace(result, source=data.source, notes=(*notes, *result.notes))


def with_settings(framework: Framework, path: Path) -> Framework:
    """``framework`` with per-area settings (baselines, targets, milestones) from the YAML
    file at ``path``: a mapping of indicator code → area → settings, as under an indicator's
    ``areas`` in a framework file. A setting replaces the framework's for that area.

    Raises:
        FrameworkError: the file is unreadable, not YAML, names an unknown indicator, or a
            setting is invalid (the message names the file, indicator, area and field).
    """
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise FrameworkError(f"{path}: cannot be read as YAML ({error})") from None
    if not isinstance(content, dict):
        raise FrameworkError(
            f"{path}: expected a mapping of indicator code -> area -> "
            "settings (baseline, target, milestones)"
        )
    known = {i.code for _, _, i in framework.indicators()}
    settings: dict[str, dict[str, AreaSettings]] = {}
    for code, areas in content.items():
        if str(code) not in known:
            raise FrameworkError(
                f"{path}: indicator {code!r} is not in framework "
                f"{framework.code} (it has {', '.join(sorted(known))})"
            )
        if not isinstance(areas, dict):
            raise FrameworkError(f"{path}: {code}: expected a mapping of area -> settings")
        for area, given in areas.items():
            try:
                settings.setdefault(str(code), {})[str(area)] = AreaSettings.model_validate(given)
            except ValidationError as error:
                raise FrameworkError(f"{path}: {code}: {area}: {problems(error)}") from None
    outcomes = tuple(
        outcome.model_copy(
            update={
                "targets": tuple(
                    target.model_copy(
                        update={
                            "indicators": tuple(
                                indicator.model_copy(
                                    update={
                                        "areas": {
                                            **indicator.areas,
                                            **settings.get(indicator.code, {}),
                                        }
                                    }
                                )
                                for indicator in target.indicators
                            )
                        }
                    )
                    for target in outcome.targets
                )
            }
        )
        for outcome in framework.outcomes
    )
    return framework.model_copy(update={"outcomes": outcomes})

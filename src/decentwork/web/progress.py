"""The dashboard's monitoring pages: the results frameworks, a framework's status grid (one
row per indicator, one column per area, each cell the status in words and its ratio or
growth rate) and an indicator's progress page (per area: the chart with baseline, target and
projection, and every breakdown by every method with its components, and the gaps). Like
every page, each is also JSON and CSV."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from decentwork import names as names_of
from decentwork.monitoring.frameworks import Framework, bundled, bundled_framework
from decentwork.monitoring.progress import METHODS, check_method
from decentwork.monitoring.sources import frequency as period_frequency
from decentwork.monitoring.tracking import (
    TOTAL,
    Progress,
    Tracking,
    source_notes,
    track,
    untargeted,
)
from decentwork.warehouse.tables import observations
from decentwork.warehouse.views import Filters, split_codes, view_query
from decentwork.web import languages
from decentwork.web.limits import PROGRESS_AREAS, at_most
from decentwork.web.pages import FOCUS, PageQuery
from decentwork.web.rendering import Labels, View, output_format, render
from decentwork.web.summaries import Contents, Known

DEFAULT_METHOD = "open-sdg"
DEFAULT_AREAS = 5
"""Most areas a framework page opens on when none of its own or the focus areas has data."""
CANDIDATE_AREAS = 20
"""Areas looked at to find those :data:`DEFAULT_AREAS`."""
"""The method of the status grid unless the address names another: the only one that also
assesses series without a numeric target."""

TONES = {
    "target_achieved": "good",
    "on_track": "good",
    "substantial_progress": "good",
    "fair_progress": "fair",
    "moderate_progress": "fair",
    "acceleration_needed": "fair",
    "limited_progress": "poor",
    "deterioration": "bad",
    "reverse_trend": "bad",
}
"""The colour family of each status (anything else is neutral); the status is always also
written out, so colour is never the only cue."""

router = APIRouter(include_in_schema=False, dependencies=[Depends(languages.checked)])


class ProgressQuery(PageQuery):
    """A framework page's areas and method, and whether values flagged unreliable count
    (``unreliable=true``; by default they are left out of every status)."""

    area: str | None = None
    method: str | None = None
    unreliable: bool = False


def _areas(framework: Framework, query: ProgressQuery, contents: Contents) -> list[str]:
    """The areas asked for; else, of the framework's own areas (or the explorer's focus
    areas), those with data on any of its indicators; else, of the
    :data:`CANDIDATE_AREAS` areas with the most of its indicators (then the most
    observations), the first :data:`DEFAULT_AREAS` with a series of the framework's
    frequency (annual or monthly) for one of them (a warehouse without the focus areas, such
    as the demo's, opens on what it holds); else the framework's own or the focus areas.

    Raises:
        BadInput: more than :data:`~decentwork.web.limits.PROGRESS_AREAS` asked for.
    """
    asked = split_codes(query.area)
    at_most(asked, PROGRESS_AREAS, "area", "areas")
    if asked:
        return asked
    preferred = list(framework.areas) or list(FOCUS)
    codes = {spec.indicator for _, _, spec in framework.indicators() if spec.indicator}
    held = {
        area.code: (len(codes.intersection(contents.indicators_of(area.code))), area.observations)
        for area in contents.coverage("ref_area")
    }
    with_data = [a for a in preferred if a in held and held[a][0]]
    if with_data:
        return with_data
    ranked = sorted(
        (a for a, (n, _) in held.items() if n), key=lambda a: (-held[a][0], -held[a][1], a)
    )[:CANDIDATE_AREAS]
    wanted = {(spec.indicator, spec.frequency) for _, _, spec in framework.indicators()}
    series_query = view_query(Filters({"ref_area": ranked, "indicator": sorted(codes)}), None)
    columns = (observations.c.ref_area, observations.c.indicator, observations.c.time)
    rows = contents.connection.execute(series_query.with_only_columns(*columns).distinct())
    series = {area for area, code, time in rows if (code, period_frequency(time)) in wanted}
    return [a for a in ranked if a in series][:DEFAULT_AREAS] or preferred


def _row(row: Progress, names: Labels) -> dict[str, Any]:
    """One assessment as a page row: the tracking row with its indicator's title, breakdown
    and status label in the page's language (:mod:`decentwork.names`, their ``_lang`` the
    language each is in), the area label and the tone."""
    found = row.as_dict()
    named = {
        key: names_of.text(str(found[key]), names.language)
        for key in ("title", "breakdown", "label")
    }
    return {
        **found,
        **{key: name.text for key, name in named.items()},
        **{f"{key}_lang": name.lang for key, name in named.items()},
        "area_label": names.text("ref_area", row.area),
        "notes": list(row.assessment.notes),
        "tone": TONES.get(row.assessment.status, "none"),
    }


@router.get("/progress", response_class=HTMLResponse)
def frameworks(request: Request, query: Annotated[PageQuery, Query()]) -> Response:
    """The bundled results frameworks."""
    fmt = output_format(request, query.format)
    listed = []
    for name in bundled():
        framework = bundled_framework(name)
        listed.append(
            {
                "code": name,
                "title": framework.title,
                "indicators": len(framework.indicators()),
                "areas": ",".join(framework.areas),
                "horizon": framework.horizon,
            }
        )
    return render(
        request, View("frameworks.html", "frameworks", {"frameworks": listed}, listed), fmt
    )


@router.get("/progress/{name}", response_class=HTMLResponse)
def framework_page(
    request: Request, name: str, query: Annotated[ProgressQuery, Query()], contents: Known
) -> Response:
    """A framework's status grid by one method, for some areas: the totals of every
    indicator."""
    fmt = output_format(request, query.format)
    framework = bundled_framework(name)
    method = check_method(query.method or DEFAULT_METHOD)
    areas = _areas(framework, query, contents)
    found = track(
        contents.connection,
        framework,
        areas,
        [method],
        breakdowns=False,
        unreliable=query.unreliable,
    )
    names = Labels(contents, languages.chosen(request))
    rows = [_row(row, names) for row in found.rows]
    cells = {(r["code"], r["area"]): r for r in rows}
    data = {
        **_describe(framework),
        "method": method,
        "areas": areas,
        "unreliable": query.unreliable,
        "assessments": rows,
    }
    context = {"framework": framework, "cells": cells, "methods": list(METHODS), "names": names}
    return render(request, View("framework.html", name, data, rows, context), fmt)


@router.get("/progress/{name}/{code}", response_class=HTMLResponse)
def indicator_progress(
    request: Request,
    name: str,
    code: str,
    query: Annotated[ProgressQuery, Query()],
    contents: Known,
) -> Response:
    """One indicator of a framework, for some areas: each breakdown by every method (or the
    one asked for) with its components, the gaps, and a chart per area."""
    fmt = output_format(request, query.format)
    framework = bundled_framework(name)
    outcome, target, spec = framework.indicator(code)
    methods = [check_method(query.method)] if query.method else list(METHODS)
    areas = _areas(framework, query, contents)
    found = track(
        contents.connection, framework, areas, methods, codes=[code], unreliable=query.unreliable
    )
    names = Labels(contents, languages.chosen(request))
    rows = [_row(row, names) for row in found.rows if not untargeted(row.assessment)]
    left_out = sorted({row.assessment.method for row in found.rows if untargeted(row.assessment)})
    data = {
        **_describe(framework),
        "outcome": outcome.code,
        "target": target.code,
        "code": code,
        "title": spec.title,
        "indicator": spec.indicator,
        "direction": spec.direction,
        "note": spec.note,
        "methods": methods,
        "areas": areas,
        "unreliable": query.unreliable,
        "assessments": rows,
        "without_target": left_out,
        "gaps": [
            g.as_dict()
            for g in found.gaps
            if not (untargeted(g.gap.first) or untargeted(g.gap.second))
        ],
    }
    context = {
        "framework": framework,
        "outcome": outcome,
        "target_spec": target,
        "spec": spec,
        "charts": _charts(found, areas, methods),
        "names": names,
    }
    return render(
        request, View("framework_indicator.html", f"{name}-{code}", data, rows, context), fmt
    )


def _describe(framework: Framework) -> dict[str, Any]:
    """A framework's own description, for the JSON of its pages."""
    return {
        "framework": framework.code,
        "title": framework.title,
        "description": framework.description,
        "horizon": framework.horizon,
        "baseline_year": framework.baseline_year,
        "milestones": [m.model_dump() for m in framework.milestones],
        "sources": list(framework.sources),
    }


def _charts(found: Tracking, areas: list[str], methods: list[str]) -> dict[str, dict]:
    """Per area, what the progress chart draws: the total series from its one source (with
    its confidence intervals where the warehouse has them), the other sources' series apart,
    the baseline and latest points, the target and the projection of the first method that
    projects; and what the page says of the source (the notes that name it)."""
    charts: dict[str, dict] = {}
    for area in areas:
        totals = [r for r in found.rows if r.area == area and r.breakdown == TOTAL]
        if not totals or not totals[0].series.points:
            continue
        based = next(
            (r.assessment for r in totals if r.assessment.baseline_year is not None),
            totals[0].assessment,
        )
        projecting = next(
            (r.assessment for r in totals if r.assessment.projected_value is not None), None
        )
        charts[area] = {
            "points": list(totals[0].series.points),
            "baseline": (
                (based.baseline_year, based.baseline_value)
                if based.baseline_year is not None
                else None
            ),
            "target": (
                (based.target_year, based.target_value) if based.target_value is not None else None
            ),
            "projection": (
                (projecting.projected_year, projecting.projected_value)
                if projecting is not None
                else None
            ),
            "milestones": list(totals[0].milestones),
            "methods": methods,
            "source": totals[0].series.source,
            "others": {code: list(points) for code, points in totals[0].series.others.items()},
            "intervals": dict(totals[0].series.bounds),
            "notes": source_notes(totals[0].series),
        }
    return charts

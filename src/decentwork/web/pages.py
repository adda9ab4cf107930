"""The dashboard's pages: home and search, area profiles, the indicator explorer, the data
table, and the sources and releases. Each page is HTML and also JSON and CSV (the
observation pages also Excel and SDMX-CSV: :mod:`decentwork.web.rendering`). Pages only read
the warehouse, through the same functions as the API; what many pages share is computed once
per state of the warehouse (:mod:`decentwork.web.summaries`). The visitor's language is
checked before a page does any work."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from decentwork import names as names_of
from decentwork.errors import BadInput
from decentwork.warehouse.contents import release_history
from decentwork.warehouse.period_changes import changes_page_rows
from decentwork.warehouse.tables import observations as observation_table
from decentwork.warehouse.views import sort_columns, split_codes, view_page_rows
from decentwork.web import explorer, languages, pes_figures, profiles
from decentwork.web.api import ObservationQuery, release_record
from decentwork.web.limits import EXPLORER_AREAS, PAGE_ROWS, SHOWN_ROWS, at_most
from decentwork.web.rendering import Labels, View, output_format, render, units
from decentwork.web.requests import MAX_LIMIT, RELEASE, Connection, Page, look_up, query_filters
from decentwork.web.summaries import Contents, Known

PageFormat = Literal["html", "json", "csv"]
ObservationFormat = Literal["html", "json", "csv", "xlsx", "sdmx-csv"]
FOCUS = ("KHM", "LAO", "CHN", "THA", "VNM")
"""The areas the indicator explorer shows when the address names none (those with data)."""
DATA_LIMIT = 100

router = APIRouter(include_in_schema=False, dependencies=[Depends(languages.checked)])


class PageQuery(BaseModel):
    """What every page accepts: the language and the format."""

    model_config = ConfigDict(extra="forbid")

    lang: str | None = None
    format: PageFormat | None = None


class IndicatorQuery(PageQuery):
    """The indicator explorer's filters (comma-separated codes, a time range)."""

    ref_area: str | None = None
    source: str | None = None
    sex: str | None = None
    classif1: str | None = None
    classif2: str | None = None
    time: str | None = None
    format: ObservationFormat | None = None  # type: ignore[assignment]


class DataQuery(ObservationQuery):
    """The data table: the API's observation filters and pages, a sort and the language."""

    limit: int = Field(default=DATA_LIMIT, ge=1, le=MAX_LIMIT)
    sort: str | None = None
    lang: str | None = None
    format: ObservationFormat | None = None  # type: ignore[assignment]


class SearchQuery(PageQuery):
    """A search: words to find in indicator and area codes and labels."""

    q: str = ""


class ReleasesQuery(Page):
    """The release listing: a page of releases, the language and the format."""

    lang: str | None = None
    format: PageFormat | None = None


# Home and search -----------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def home(request: Request, query: Annotated[PageQuery, Query()], contents: Known) -> Response:
    """What the warehouse holds: areas, indicators, observations, latest releases."""
    fmt = output_format(request, query.format)
    names = Labels(contents, languages.chosen(request))
    indicators = contents.coverage("indicator")
    areas = contents.coverage("ref_area")
    latest, releases = release_history(contents.connection, 5)
    listed = [
        {
            "kind": kind,
            **names.of(kind, c.code),
            "observations": c.observations,
            "first": c.times[0],
            "last": c.times[-1],
        }
        for kind, found in (("indicator", indicators), ("ref_area", areas))
        for c in found
    ]
    data = {
        "areas": len(areas),
        "indicators": len(indicators),
        "observations": sum(c.observations for c in indicators),
        "releases": releases,
        "latest_releases": [release_record(r) for r in latest],
        "contents": listed,
    }
    services = [names.of("ref_area", a) for a in pes_figures.areas_with_statistics(contents)]
    return render(request, View("home.html", "index", data, listed, {"services": services}), fmt)


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, query: Annotated[SearchQuery, Query()], contents: Known) -> Response:
    """Indicators and areas whose code or label (in the page's language or English) holds
    every word of ``q``."""
    fmt = output_format(request, query.format)
    names = Labels(contents, languages.chosen(request))
    words = query.q.casefold().split()
    found = []
    for kind in ("indicator", "ref_area"):
        for c in contents.coverage(kind):
            text = f"{c.code} {names.text(kind, c.code)} {names.english.get((kind, c.code), '')}"
            if words and all(w in text.casefold() for w in words):
                found.append(
                    {"kind": kind, **names.of(kind, c.code), "observations": c.observations}
                )
    data = {"q": query.q, "total": len(found), "results": found}
    return render(request, View("search.html", "search", data, found), fmt)


# Areas ---------------------------------------------------------------------------------------


@router.get("/areas/{ref_area}", response_class=HTMLResponse)
def area(
    request: Request, ref_area: str, query: Annotated[PageQuery, Query()], contents: Known
) -> Response:
    """An area profile: headline and SDG 8 indicators (latest value, interval, trend, change)
    and the groups the area belongs to."""
    fmt = output_format(request, query.format)
    contents.held("ref_area", ref_area)
    found, count = contents.shared(("area", ref_area), lambda c: _profile(c, contents, ref_area))
    names = Labels(contents, languages.chosen(request))
    summaries = [
        {
            **names.of("indicator", s["indicator"], key="indicator"),
            **{k: v for k, v in s.items() if k != "values"},
            "breakdown": _breakdown(names, s),
        }
        for s in found
    ]
    lang = languages.chosen(request)
    member_of = [
        {"code": g.code, **_named(g.label, lang), "members": list(g.members)}
        for g in contents.groups().values()
        if ref_area in g.members
    ]
    data = {
        **names.of("ref_area", ref_area),
        "observations": count,
        "groups": member_of,
        "indicators": summaries,
        "trends": {s["indicator"]: s["values"] for s in found},
    }
    services = pes_figures.held(contents, ref_area)
    context = {"pes": services, "styles": units(contents)}
    return render(request, View("area.html", ref_area, data, summaries, context), fmt)


def _named(english: str, lang: str) -> dict[str, str]:
    """A text from the data in ``lang`` and the language it is in, as a page's data gives
    a label."""
    found = names_of.text(english, lang)
    return {"label": found.text, "label_lang": found.lang or ""}


def _breakdown(names: Labels, summary: dict[str, Any]) -> str:
    """What a summary's series is of, in the page's language: its sex and classifications
    (a total left out)."""
    shown = [
        names.text(kind, summary[kind])
        for kind in ("sex", "classif1", "classif2")
        if summary.get(kind) and summary[kind] != "SEX_T" and not profiles.totalish(summary[kind])
    ]
    return ", ".join(shown)


def _profile(
    connection: sa.Connection, contents: Contents, ref_area: str
) -> tuple[list[dict[str, Any]], int]:
    """An area's indicator summaries and number of observations."""
    found = profiles.readings(connection, contents, ref_area)
    return profiles.summaries(found), len(found)


# Indicators ----------------------------------------------------------------------------------


@router.get("/indicators/{code}", response_class=HTMLResponse)
def indicator(
    request: Request, code: str, query: Annotated[IndicatorQuery, Query()], contents: Known
) -> Response:
    """The indicator explorer: a time series for the chosen areas, the ranking of areas in
    the latest year, and the table of exactly the observations shown (at most
    :data:`~decentwork.web.limits.SHOWN_ROWS`)."""
    fmt = output_format(request, query.format)
    at_most(split_codes(query.ref_area), EXPLORER_AREAS, "ref_area", "areas")
    query_filters(query)  # a bad time or code is refused before any work
    contents.held("indicator", code)
    choices = contents.shared(("choices", code), lambda c: explorer.choices(c, code))
    names = Labels(contents, languages.chosen(request))
    sex = query.sex if query.sex is not None else ("SEX_T" if "SEX_T" in choices["sex"] else "")
    classif1 = query.classif1
    if classif1 is None:
        classif1 = next((c for c in choices["classif1"] if profiles.totalish(c)), "")
    chosen = {"sex": sex, "classif1": classif1, "classif2": query.classif2, "source": query.source}
    breakdown = query_filters(query, indicator=code, ref_area="", time="", **chosen)
    ranking = contents.shared(
        ("ranking", code, *chosen.values()), lambda c: explorer.ranking(c, breakdown)
    )
    ref_area = query.ref_area
    if ref_area is None:
        ref_area = ",".join(
            [a for a in FOCUS if a in ranking.present] or [a for a, _ in ranking.ranked[:5]]
        )
    shown = query_filters(query, indicator=code, ref_area=ref_area, **chosen)
    rows, total = view_page_rows(contents.connection, shown, None, limit=SHOWN_ROWS)
    if total > SHOWN_ROWS:
        raise BadInput(
            f"the explorer shows at most {SHOWN_ROWS:,} observations; these "
            f"filters select {total:,}",
            given=total,
            expected=f"at most {SHOWN_ROWS:,} observations",
            hint="choose fewer areas or years, one sex or breakdown; /data and the "
            "API give any number of observations a page at a time",
        )
    unit, definition = contents.described().get(code, (None, None))
    data = {
        **names.of("indicator", code),
        "unit": unit,
        "definition": definition,
        "filters": {"ref_area": ref_area, "time": query.time or "", **chosen},
        "choices": choices,
        "ranking": {
            "time": ranking.time,
            "areas": [{**names.of("ref_area", a), "obs_value": v} for a, v in ranking.ranked],
        },
        "total": total,
        "observations": rows,
    }
    context = {
        "series": explorer.series(rows, names),
        "labels": names,
        "bars": [(names.text("ref_area", a), value) for a, value in ranking.ranked],
        "highlight": [names.text("ref_area", a) for a in split_codes(ref_area) or ()],
        "style": units(contents)(code),
        "styles": units(contents),
        "changes": changes_page_rows(contents.connection, shown, None, limit=SHOWN_ROWS)[0],
    }
    return render(
        request, View("indicator.html", code, data, rows, context, observations=True), fmt
    )


# Data ----------------------------------------------------------------------------------------


@router.get("/data", response_class=HTMLResponse)
def data_table(request: Request, query: Annotated[DataQuery, Query()], contents: Known) -> Response:
    """The observation table: the API's filters, a sort and pages (at most
    :data:`~decentwork.web.limits.PAGE_ROWS` rows on an HTML page)."""
    fmt = output_format(request, query.format)
    if fmt == "html" and query.limit > PAGE_ROWS:
        raise BadInput(
            f"limit {query.limit}: a page shows at most {PAGE_ROWS:,} rows",
            parameter="limit",
            given=query.limit,
            expected=f"1 to {PAGE_ROWS:,} (its CSV, JSON and Excel: up to {MAX_LIMIT:,})",
        )
    order = sort_columns(query.sort)
    rows, total = view_page_rows(
        contents.connection,
        query_filters(query),
        query.as_of,
        limit=query.limit,
        offset=query.offset,
        sort=order,
    )
    data = {**query.described(request, total), "observations": rows}
    context = {"query": query, "page": query, "sort": order, "styles": units(contents)}
    return render(
        request, View("data.html", "observations", data, rows, context, observations=True), fmt
    )


# Releases ------------------------------------------------------------------------------------


@router.get("/releases", response_class=HTMLResponse)
def releases(
    request: Request, query: Annotated[ReleasesQuery, Query()], connection: Connection
) -> Response:
    """The sources and releases: each release's file, checksum, time and row counts."""
    fmt = output_format(request, query.format)
    rows, total = release_history(connection, query.limit, query.offset)
    listed = [release_record(r) for r in rows]
    data = {**query.described(request, total), "releases": listed}
    return render(request, View("releases.html", "releases", data, listed, {"page": query}), fmt)


@router.get("/releases/{release}", response_class=HTMLResponse)
def release(
    request: Request, release: int, query: Annotated[PageQuery, Query()], contents: Known
) -> Response:
    """One release: its provenance and, per indicator, the rows it brought and withdrew."""
    fmt = output_format(request, query.format)
    rows, _total = release_history(contents.connection)
    found = look_up(RELEASE, release, next((r for r in rows if r["id"] == release), None))
    counted = contents.shared(("release", release), lambda c: _release_rows(c, release))
    names = Labels(contents, languages.chosen(request))
    listed = [
        {**names.of("indicator", code, key="indicator"), "rows": count, "withdrawn": withdrawn}
        for code, count, withdrawn in counted
    ]
    data = {**release_record(found), "indicators": listed}
    return render(request, View("release.html", f"release-{release}", data, listed), fmt)


def _release_rows(connection: sa.Connection, release: int) -> list[tuple[str, int, int]]:
    """Per indicator, the rows release ``release`` brought and the withdrawals among them."""
    table = observation_table
    counted = connection.execute(
        sa.select(
            table.c.indicator,
            sa.func.count(),
            sa.func.sum(sa.case((table.c.withdrawn, 1), else_=0)),
        )
        .where(table.c.release_id == release)
        .group_by(table.c.indicator)
        .order_by(table.c.indicator)
    )
    return [(code, int(count), int(withdrawn or 0)) for code, count, withdrawn in counted]

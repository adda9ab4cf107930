"""The dashboard's pages: home and search, area profiles, the indicator explorer, the data
table, and the sources and releases. Each page is HTML (Jinja2 templates, inline SVG charts)
and also JSON and CSV, by suffix (``/areas/KHM.json``, rewritten by
:class:`SuffixMiddleware`) or ``?format=json|csv``; the observation pages also give Excel
(``xlsx``) and SDMX-CSV (``sdmx-csv``). Pages only read the warehouse, through the same
functions as the API."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote

import pandas as pd
import sqlalchemy as sa
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.types import ASGIApp, Receive, Scope, Send

from decentwork import charts
from decentwork.errors import BadInput
from decentwork.observations.writers import sdmx_csv
from decentwork.warehouse.contents import coverage, described, label_map, release_history
from decentwork.warehouse.excel import write_workbook
from decentwork.warehouse.groups import groups
from decentwork.warehouse.tables import observations as observation_table
from decentwork.warehouse.views import sort_columns, view, view_page, view_query
from decentwork.web import languages, requests
from decentwork.web.api import ObservationQuery, release_record
from decentwork.web.formats import CSV_MEDIA_TYPE, csv_text, json_response, records
from decentwork.web.requests import (
    MAX_LIMIT,
    RELEASE,
    Connection,
    Page,
    held,
    look_up,
    query_filters,
)

SUFFIXES = ("json", "csv", "xlsx", "sdmx-csv")
PageFormat = Literal["html", "json", "csv"]
ObservationFormat = Literal["html", "json", "csv", "xlsx", "sdmx-csv"]
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

HEADLINE = ("EAP_DWAP_SEX_AGE_RT", "EMP_DWAP_SEX_AGE_RT", "UNE_DEAP_SEX_AGE_RT",
            "SDG_0852_SEX_AGE_RT", "SDG_0861_SEX_RT", "SDG_0831_SEX_ECO_RT")
"""The headline decent-work indicators of an area profile, where the area has them:
participation, employment-to-population and unemployment rates, youth NEET, informality."""
SDG8 = ("SDG_A821_NOC_RT", "SDG_B871_SEX_AGE_RT", "SDG_B881_SEX_ECO_RT",
        "SDG_N881_SEX_MIG_RT", "SDG_T882_NOC_RT")
"""SDG 8 indicators whose codes do not start with ``SDG_08``."""
FOCUS = ("KHM", "LAO", "CHN", "THA", "VNM")
"""The areas the indicator explorer shows when the address names none (those with data)."""
MAX_SERIES = 8
DATA_LIMIT = 100

router = APIRouter(include_in_schema=False)


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


@dataclass
class View:
    """A page's content: the template and context for HTML, ``data`` for JSON, ``table``
    for CSV (an observation table, or rows), and the observations for Excel and SDMX-CSV."""

    template: str
    name: str
    data: dict[str, Any]
    table: pd.DataFrame | list[dict[str, Any]]
    context: dict[str, Any] = field(default_factory=dict)


class SuffixMiddleware:
    """Turns a page address with a format suffix (``/areas/KHM.json``, ``/index.csv`` for the
    home page) into the page's address, keeping the suffix for :func:`output_format`. API
    and static addresses are left alone."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Strip the suffix from the path and note it in the scope."""
        path = scope.get("path", "")
        if scope["type"] == "http" and not path.startswith(("/api/", "/static/")):
            for suffix in SUFFIXES:
                if path.endswith(f".{suffix}") and len(path) > len(suffix) + 2:
                    stripped = path[: -len(suffix) - 1]
                    stripped = "/" if stripped == "/index" else stripped
                    scope = {**scope, "path": stripped, "raw_path": stripped.encode(),
                             "decentwork.suffix": suffix}
                    break
        await self.app(scope, receive, send)


def output_format(request: Request, asked: str | None) -> str:
    """The format a page is asked for: the path's suffix, else ``format``, else HTML.

    Raises:
        BadInput: the suffix and ``format`` disagree (422).
    """
    return requests.output_format(request.scope.get("decentwork.suffix"), asked, "html")


class Labels:
    """Code labels in the page's language, falling back to English (and then to the code);
    :meth:`lang` says which language a label is in, so that pages can mark the fallback."""

    def __init__(self, connection: sa.Connection, lang: str) -> None:
        self.chosen = label_map(connection, lang)
        self.english = self.chosen if lang == "en" else label_map(connection, "en")
        self.language = lang

    def text(self, kind: str, code: str) -> str:
        """The label of ``code``, else the code itself."""
        return self.chosen.get((kind, code)) or self.english.get((kind, code)) or code

    def lang(self, kind: str, code: str) -> str | None:
        """The language of the label shown: the page's, ``en`` (fallback), or None (code)."""
        if (kind, code) in self.chosen:
            return self.language
        return "en" if (kind, code) in self.english else None


def render(request: Request, shown: View, fmt: str) -> Response:
    """A page in format ``fmt``; a ``?lang=`` is remembered in a cookie."""
    lang = languages.chosen(request)
    if fmt == "json":
        response: Response = json_response(shown.data)
    elif fmt == "csv":
        text = (csv_text(shown.table) if isinstance(shown.table, pd.DataFrame)
                else pd.DataFrame(shown.table).to_csv(index=False, lineterminator="\n"))
        response = Response(text, media_type=CSV_MEDIA_TYPE, headers={
            "Content-Disposition": f'inline; filename="{shown.name}.csv"'})
    elif fmt == "sdmx-csv":
        text = sdmx_csv(shown.table).to_csv(index=False, lineterminator="\n")
        response = Response(text, media_type=CSV_MEDIA_TYPE, headers={
            "Content-Disposition": f'attachment; filename="{shown.name}.sdmx.csv"'})
    elif fmt == "xlsx":
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"{shown.name}.xlsx"
            write_workbook(shown.table, path, request.app.state.engine, lang)
            body = path.read_bytes()
        response = Response(body, media_type=XLSX_MEDIA_TYPE, headers={
            "Content-Disposition": f'attachment; filename="{shown.name}.xlsx"'})
    else:
        template = languages.environment(lang).get_template(shown.template)
        response = HTMLResponse(template.render(
            data=shown.data, request=request, address=_address(request), **shown.context))
    response.headers["Content-Language"] = lang
    if "lang" in request.query_params:
        response.set_cookie(languages.COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax")
    return response


def _address(request: Request) -> Callable[..., str]:
    """Builds addresses of the page in other formats, languages or with other parameters."""

    def address(suffix: str = "", **changes: Any) -> str:
        params = {k: v for k, v in request.query_params.items() if k not in ("format", "lang")}
        params.update({k: v for k, v in changes.items() if v is not None})
        params = {k: v for k, v in params.items() if v != ""}
        path = request.url.path
        if suffix:
            path = f"{'/index' if path == '/' else path}.{suffix}"
        query = "&".join(f"{k}={_quote(str(v))}" for k, v in params.items())
        return f"{path}?{query}" if query else path

    return address


def _quote(value: str) -> str:
    """A query value, percent-encoded (commas and colons kept readable)."""
    return quote(value, safe=",:")


def _totalish(code: str) -> bool:
    """Whether a classification code stands for the whole population (or none applies)."""
    return code == "" or code.endswith(("_TOTAL", "_YGE15"))


def _preferred(rows: pd.DataFrame) -> pd.DataFrame:
    """The headline series of one indicator's observations: both sexes, the total
    classification, the source with the most observations."""
    counts = rows.groupby(["sex", "classif1", "classif2", "source"]).size()
    best = min(counts.items(), key=lambda item: (
        item[0][0] not in ("SEX_T", ""), not _totalish(item[0][1]), item[0][2] != "",
        -item[1], item[0]))[0]
    chosen = rows
    for column, value in zip(("sex", "classif1", "classif2", "source"), best, strict=True):
        chosen = chosen[chosen[column] == value]
    return chosen.sort_values("time")


def _number(value: Any) -> float | None:
    """A cell as a float, None where missing."""
    return None if pd.isna(value) else float(value)


def _summary(code: str, rows: pd.DataFrame, names: Labels) -> dict[str, Any]:
    """An indicator's headline for an area: latest value and bounds, change since the
    previous period, and (under ``values``) the series' values."""
    series = _preferred(rows).dropna(subset=["obs_value"])
    latest = series.iloc[-1]
    previous = series.iloc[-2] if len(series) > 1 else None
    return {
        "indicator": code, "label": names.text("indicator", code),
        "label_lang": names.lang("indicator", code),
        "source": latest["source"], "sex": latest["sex"], "classif1": latest["classif1"],
        "classif2": latest["classif2"], "time": latest["time"],
        "obs_value": _number(latest["obs_value"]),
        "lower_bound": _number(latest["lower_bound"]),
        "upper_bound": _number(latest["upper_bound"]),
        "previous_time": None if previous is None else previous["time"],
        "change": (None if previous is None
                   else float(latest["obs_value"]) - float(previous["obs_value"])),
        "headline": code in HEADLINE, "sdg8": code.startswith("SDG_08") or code in SDG8,
        "values": [float(v) for v in series["obs_value"]],
    }


def _area_label(names: Labels, code: str) -> dict[str, Any]:
    return {"code": code, "label": names.text("ref_area", code),
            "label_lang": names.lang("ref_area", code)}


# Home and search -----------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def home(request: Request, query: Annotated[PageQuery, Query()],
         connection: Connection) -> Response:
    """What the warehouse holds: areas, indicators, observations, latest releases."""
    fmt = output_format(request, query.format)
    names = Labels(connection, languages.chosen(request))
    indicators = coverage(connection, "indicator")
    areas = coverage(connection, "ref_area")
    latest, releases = release_history(connection, 5)
    contents = [{"kind": kind, "code": c.code, "label": names.text(kind, c.code),
                 "label_lang": names.lang(kind, c.code), "observations": c.observations,
                 "first": c.times[0], "last": c.times[-1]}
                for kind, found in (("indicator", indicators), ("ref_area", areas))
                for c in found]
    data = {"areas": len(areas), "indicators": len(indicators),
            "observations": sum(c.observations for c in indicators), "releases": releases,
            "latest_releases": [release_record(r) for r in latest], "contents": contents}
    return render(request, View("home.html", "index", data, contents), fmt)


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, query: Annotated[SearchQuery, Query()],
           connection: Connection) -> Response:
    """Indicators and areas whose code or label (in the page's language or English) holds
    every word of ``q``."""
    fmt = output_format(request, query.format)
    names = Labels(connection, languages.chosen(request))
    words = query.q.casefold().split()
    found = []
    for kind in ("indicator", "ref_area"):
        for c in coverage(connection, kind):
            text = f"{c.code} {names.text(kind, c.code)} {names.english.get((kind, c.code), '')}"
            if words and all(w in text.casefold() for w in words):
                found.append({"kind": kind, "code": c.code, "label": names.text(kind, c.code),
                              "label_lang": names.lang(kind, c.code),
                              "observations": c.observations})
    data = {"q": query.q, "total": len(found), "results": found}
    return render(request, View("search.html", "search", data, found), fmt)


# Areas ---------------------------------------------------------------------------------------


@router.get("/areas/{ref_area}", response_class=HTMLResponse)
def area(request: Request, ref_area: str, query: Annotated[PageQuery, Query()],
         connection: Connection) -> Response:
    """An area profile: headline and SDG 8 indicators (latest value, interval, trend, change)
    and the groups the area belongs to."""
    fmt = output_format(request, query.format)
    held(connection, "ref_area", ref_area)
    found = view(connection, query_filters(query, ref_area=ref_area))
    names = Labels(connection, languages.chosen(request))
    summaries = [_summary(str(code), rows, names)
                 for code, rows in found.groupby("indicator", sort=True)
                 if rows["obs_value"].notna().any()]
    member_of = [{"code": g.code, "label": g.label, "members": list(g.members)}
                 for g in groups(connection).values() if ref_area in g.members]
    trends = {s["indicator"]: s.pop("values") for s in summaries}
    data = {**_area_label(names, ref_area), "observations": len(found), "groups": member_of,
            "indicators": summaries, "trends": trends}
    return render(request, View("area.html", ref_area, data, summaries), fmt)


# Indicators ----------------------------------------------------------------------------------


CHOICES = ("sex", "classif1", "classif2", "source")


def _choices(connection: sa.Connection, code: str) -> dict[str, list[str]]:
    """The sexes, classifications and sources an indicator has observations for."""
    found = view_query(query_filters(PageQuery(), indicator=code), None).subquery()
    rows = connection.execute(sa.select(*(found.c[c] for c in CHOICES)).distinct()).all()
    return {column: sorted({row[i] for row in rows}) for i, column in enumerate(CHOICES)}


def _series(table: pd.DataFrame, names: Labels) -> list[charts.Series]:
    """The chart's lines: one per area, source, sex and classification shown (at most
    :data:`MAX_SERIES`), named by what varies."""
    keys = ["ref_area", "source", "sex", "classif1", "classif2"]
    varying = [k for k in keys if table[k].nunique() > 1 or k == "ref_area"]
    lines = []
    for key, rows in table.dropna(subset=["obs_value"]).groupby(varying, sort=True):
        parts = key if isinstance(key, tuple) else (key,)
        name = " ".join([names.text("ref_area", parts[0]), *map(str, parts[1:])])
        lines.append(charts.Series(name, [
            charts.Point(r.time, float(r.obs_value), _number(r.lower_bound),
                         _number(r.upper_bound)) for r in rows.itertuples()]))
    return lines[:MAX_SERIES]


@router.get("/indicators/{code}", response_class=HTMLResponse)
def indicator(request: Request, code: str, query: Annotated[IndicatorQuery, Query()],
              connection: Connection) -> Response:
    """The indicator explorer: a time series for the chosen areas, the ranking of areas in
    the latest year, and the table of exactly the observations shown."""
    fmt = output_format(request, query.format)
    held(connection, "indicator", code)
    choices = _choices(connection, code)
    names = Labels(connection, languages.chosen(request))
    sex = query.sex if query.sex is not None else ("SEX_T" if "SEX_T" in choices["sex"] else "")
    classif1 = query.classif1
    if classif1 is None:
        classif1 = next((c for c in choices["classif1"] if _totalish(c)), "")
    chosen = {"sex": sex, "classif1": classif1, "classif2": query.classif2,
              "source": query.source}
    breakdown = query_filters(query, indicator=code, ref_area="", time="", **chosen)
    across = view(connection, breakdown)
    years = across[across["time"].str.len() == 4]
    ranking: dict[str, Any] = {"time": None, "areas": []}
    if not years.empty:
        last = years["time"].max()
        ranked = years[years["time"] == last].dropna(subset=["obs_value"])
        ranked = ranked.drop_duplicates("ref_area").sort_values(
            ["obs_value", "ref_area"], ascending=[False, True])
        ranking = {"time": last, "areas": [
            {**_area_label(names, r.ref_area), "obs_value": float(r.obs_value)}
            for r in ranked.itertuples()]}
    ref_area = query.ref_area
    if ref_area is None:
        present = set(across["ref_area"])
        ref_area = ",".join([a for a in FOCUS if a in present]
                            or [a["code"] for a in ranking["areas"][:5]])
    filters = query_filters(query, indicator=code, ref_area=ref_area, **chosen)
    table = view(connection, filters)
    unit, definition = described(connection).get(code, (None, None))
    data = {"code": code, "label": names.text("indicator", code),
            "label_lang": names.lang("indicator", code), "unit": unit,
            "definition": definition,
            "filters": {"ref_area": ref_area, "time": query.time or "", **chosen},
            "choices": choices, "ranking": ranking, "total": len(table),
            "observations": records(table)}
    context = {"series": _series(table, names), "labels": names,
               "bars": [(a["code"], a["obs_value"]) for a in ranking["areas"]]}
    return render(request, View("indicator.html", code, data, table, context), fmt)


# Data ----------------------------------------------------------------------------------------


@router.get("/data", response_class=HTMLResponse)
def data_table(request: Request, query: Annotated[DataQuery, Query()],
               connection: Connection) -> Response:
    """The observation table: the API's filters, a sort and pages."""
    fmt = output_format(request, query.format)
    order = sort_columns(query.sort)
    found, total = view_page(connection, query_filters(query), query.as_of, limit=query.limit,
                             offset=query.offset, sort=order)
    data = {**query.described(request, total), "observations": records(found)}
    context = {"query": query, "page": query, "sort": order}
    return render(request, View("data.html", "observations", data, found, context), fmt)


# Releases ------------------------------------------------------------------------------------


@router.get("/releases", response_class=HTMLResponse)
def releases(request: Request, query: Annotated[ReleasesQuery, Query()],
             connection: Connection) -> Response:
    """The sources and releases: each release's file, checksum, time and row counts."""
    fmt = output_format(request, query.format)
    rows, total = release_history(connection, query.limit, query.offset)
    listed = [release_record(r) for r in rows]
    data = {**query.described(request, total), "releases": listed}
    return render(request, View("releases.html", "releases", data, listed, {"page": query}),
                  fmt)


@router.get("/releases/{release}", response_class=HTMLResponse)
def release(request: Request, release: int, query: Annotated[PageQuery, Query()],
            connection: Connection) -> Response:
    """One release: its provenance and, per indicator, the rows it brought and withdrew."""
    fmt = output_format(request, query.format)
    rows, _total = release_history(connection)
    found = look_up(RELEASE, release, next((r for r in rows if r["id"] == release), None))
    table = observation_table
    counted = connection.execute(
        sa.select(table.c.indicator, sa.func.count(), sa.func.sum(
            sa.case((table.c.withdrawn, 1), else_=0)))
        .where(table.c.release_id == release).group_by(table.c.indicator)
        .order_by(table.c.indicator))
    names = Labels(connection, languages.chosen(request))
    contents = [{"indicator": code, "label": names.text("indicator", code),
                 "label_lang": names.lang("indicator", code), "rows": int(count),
                 "withdrawn": int(withdrawn or 0)} for code, count, withdrawn in counted]
    data = {**release_record(found), "indicators": contents}
    return render(request, View("release.html", f"release-{release}", data, contents), fmt)


# Errors --------------------------------------------------------------------------------------


def error_page(request: Request, status: int, detail: str,
               details: Mapping[str, str] | None = None) -> Response:
    """An error as the page's format would have it: JSON ``{"detail"}`` with the ``details``
    (``parameter``, ``given``, ``expected``, ``hint``) for the JSON and CSV twins, else an
    HTML page in the visitor's language."""
    details = details or {}
    asked = request.scope.get("decentwork.suffix") or request.query_params.get("format")
    if asked in SUFFIXES:
        return JSONResponse({"detail": detail, **details}, status)
    try:
        lang = languages.chosen(request)
    except BadInput:  # the language itself is what is wrong
        lang = languages.DEFAULT
    html = languages.environment(lang).get_template("error.html").render(
        status=status, detail=detail, hint=details.get("hint"), request=request,
        address=_address(request), data={})
    return HTMLResponse(html, status_code=status)


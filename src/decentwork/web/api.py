"""The REST API, ``/api/v1``: observations (filters on every dimension, time ranges, latest or
as of a release or date, pages, JSON or CSV), changes since an earlier period (the same
filters), indicators, areas, groups and releases.

Every route reads the warehouse through :mod:`decentwork.warehouse` (the same functions as
``decentwork query``, ``groups list`` and ``releases``), with bound parameters only.
"""

from __future__ import annotations

from datetime import UTC
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from decentwork.warehouse.contents import (
    Coverage,
    check_held,
    coverage,
    public_release,
    release_history,
)
from decentwork.warehouse.groups import Group
from decentwork.warehouse.period_changes import COLUMNS as CHANGE_TABLE
from decentwork.warehouse.period_changes import changes_frame, changes_page_rows
from decentwork.warehouse.views import Filters, view_page, view_page_rows
from decentwork.web.formats import Format, csv_response, json_response
from decentwork.web.requests import (
    GROUP,
    HELD,
    Connection,
    Page,
    look_up,
    output_format,
    query_filters,
)
from decentwork.web.summaries import Contents, Known


class Problem(BaseModel):
    """An error: what was wrong; the parameter it is about, what was given and expected,
    and how to put it right, where known."""

    detail: str
    parameter: str | None = None
    given: str | None = None
    expected: str | None = None
    hint: str | None = None


router = APIRouter(
    responses={
        404: {
            "model": Problem,
            "description": "No such area, indicator or group (an unknown code in a filter: "
            "the detail names the nearest known codes).",
        },
        422: {"model": Problem, "description": "A parameter is invalid; the detail says which."},
    }
)


class ObservationQuery(Page):
    """Filters on the observation key, the view and the format."""

    ref_area: str | None = Field(None, description="Area codes, comma-separated (KHM,LAO).")
    indicator: str | None = Field(None, description="Indicator codes, comma-separated.")
    source: str | None = Field(None, description="Source codes, comma-separated (BA:1321).")
    sex: str | None = Field(None, description="SEX_T, SEX_M, SEX_F, comma-separated.")
    classif1: str | None = Field(None, description="classif1 codes, comma-separated.")
    classif2: str | None = Field(None, description="classif2 codes, comma-separated.")
    time: str | None = Field(None, description="Years: 2020, 2015:2023, 2015: or :2023.")
    as_of: str | None = Field(
        None,
        description="The view as of a release number or a date "
        "(2024-03-31 or 2024-03-31T12:00, UTC); default the latest.",
    )
    format: Format | None = Field(None, description="json (default) or csv.")


def _observations(
    request: Request, query: ObservationQuery, contents: Contents, suffix: Format | None
) -> Response:
    """One page of observations in the format the suffix or ``format`` asks for.

    Raises:
        NotFound: an area or indicator code the warehouse has never held (404), naming the
            nearest ones.
    """
    fmt = output_format(suffix, query.format, "json")
    filters = _held_filters(query, contents)
    connection = contents.connection
    if fmt == "csv":
        found, total = view_page(
            connection, filters, query.as_of, limit=query.limit, offset=query.offset
        )
        return csv_response(found, "observations.csv", query.headers(request, total))
    rows, total = view_page_rows(
        connection, filters, query.as_of, limit=query.limit, offset=query.offset
    )
    return json_response({**query.described(request, total), "observations": rows})


def _held_filters(query: ObservationQuery, contents: Contents) -> Filters:
    """The query's filters, its area and indicator codes checked against those the warehouse
    has held.

    Raises:
        NotFound: a code never held (404), naming the nearest ones.
    """
    filters = query_filters(query)
    check_held(
        contents.connection,
        filters.codes,
        seen={
            column: {found.code for found in contents.coverage(column)}
            for column in HELD
            if column in filters.codes
        },
        hint="GET /api/v1/areas and /api/v1/indicators list the codes with data",
    )
    return filters


def _changes(
    request: Request, query: ObservationQuery, contents: Contents, suffix: Format | None
) -> Response:
    """One page of changes since an earlier period in the format the suffix or ``format``
    asks for, filtered and cut as observations are.

    Raises:
        NotFound: an area or indicator code the warehouse has never held (404).
    """
    fmt = output_format(suffix, query.format, "json")
    filters = _held_filters(query, contents)
    rows, total = changes_page_rows(
        contents.connection, filters, query.as_of, limit=query.limit, offset=query.offset
    )
    if fmt == "csv":
        return csv_response(
            changes_frame(rows),
            "changes.csv",
            query.headers(request, total),
            columns=CHANGE_TABLE,
        )
    return json_response({**query.described(request, total), "changes": rows})


CHANGES = (
    "Each observation's change since an earlier period (the previous one of the survey file "
    "it was computed from), with the standard error of the change and whether it is "
    "significant at 95 %, as `decentwork compute --changes` gives them and `decentwork "
    "load` stored them: the latest view or as of a release or date, with the observations' "
    "filters, a page at a time, in key order. Columns: the observation key, `since`, "
    "`change`, `change_se`, `change_significant`."
)


@router.get(
    "/changes",
    summary="Changes since an earlier period",
    description=CHANGES,
    responses={200: {"content": {"text/csv": {}}}},
)
def changes(
    request: Request, query: Annotated[ObservationQuery, Query()], contents: Known
) -> Response:
    """Changes as JSON or CSV (``format``)."""
    return _changes(request, query, contents, None)


@router.get(
    "/changes.csv",
    summary="Changes since an earlier period as CSV",
    description=CHANGES,
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
def changes_csv(
    request: Request, query: Annotated[ObservationQuery, Query()], contents: Known
) -> Response:
    """Changes as CSV."""
    return _changes(request, query, contents, "csv")


@router.get("/changes.json", summary="Changes since an earlier period as JSON", description=CHANGES)
def changes_json(
    request: Request, query: Annotated[ObservationQuery, Query()], contents: Known
) -> Response:
    """Changes as JSON."""
    return _changes(request, query, contents, "json")


OBSERVATIONS = (
    "Observations of the latest view (or as of a release or date), filtered on any "
    "dimension, a page at a time, in key order. JSON gives `total` and the `next` "
    "and `previous` pages' addresses; CSV has the observation columns in schema "
    "order, with the total in `X-Total-Count` and the pages in `Link`."
)


@router.get(
    "/observations",
    summary="Observations",
    description=OBSERVATIONS,
    responses={200: {"content": {"text/csv": {}}}},
)
def observations(
    request: Request, query: Annotated[ObservationQuery, Query()], contents: Known
) -> Response:
    """Observations as JSON or CSV (``format``)."""
    return _observations(request, query, contents, None)


@router.get(
    "/observations.csv",
    summary="Observations as CSV",
    description=OBSERVATIONS,
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
def observations_csv(
    request: Request, query: Annotated[ObservationQuery, Query()], contents: Known
) -> Response:
    """Observations as CSV."""
    return _observations(request, query, contents, "csv")


@router.get("/observations.json", summary="Observations as JSON", description=OBSERVATIONS)
def observations_json(
    request: Request, query: Annotated[ObservationQuery, Query()], contents: Known
) -> Response:
    """Observations as JSON."""
    return _observations(request, query, contents, "json")


def _summary(found: Coverage) -> dict[str, Any]:
    """An indicator or area in a listing: code, label, observations, first and last period."""
    return {
        "code": found.code,
        "label": found.label,
        "observations": found.observations,
        "first": found.times[0],
        "last": found.times[-1],
    }


def _detail(found: Coverage) -> dict[str, Any]:
    """An indicator or area with every period it has data for."""
    return {
        "code": found.code,
        "label": found.label,
        "observations": found.observations,
        "times": list(found.times),
    }


@router.get("/indicators", summary="Indicators with data")
def indicators(contents: Known) -> Response:
    """The indicators of the latest view: label, unit and definition where known, number of
    observations, first and last period."""
    metadata = contents.described()
    listed = [
        {
            **_summary(found),
            "unit": metadata.get(found.code, (None, None))[0],
            "definition": metadata.get(found.code, (None, None))[1],
        }
        for found in contents.coverage("indicator")
    ]
    return json_response({"total": len(listed), "indicators": listed})


@router.get("/indicators/{code}", summary="One indicator and where it has data")
def indicator(code: str, contents: Known) -> Response:
    """An indicator: label, unit and definition, its periods, and each area with data and its
    periods."""
    contents.held("indicator", code)
    areas = coverage(contents.connection, "ref_area", Filters.parse({"indicator": [code]}, None))
    unit, definition = contents.described().get(code, (None, None))
    return json_response(
        {
            "code": code,
            "label": contents.labels("en").get(("indicator", code)),
            "unit": unit,
            "definition": definition,
            "observations": sum(a.observations for a in areas),
            "times": sorted({t for a in areas for t in a.times}),
            "areas": [_detail(a) for a in areas],
        }
    )


@router.get("/areas", summary="Areas with data")
def areas(contents: Known) -> Response:
    """The areas of the latest view: label where known, number of observations, first and last
    period."""
    listed = [_summary(found) for found in contents.coverage("ref_area")]
    return json_response({"total": len(listed), "areas": listed})


@router.get("/areas/{ref_area}", summary="One area: its groups and indicators")
def area(ref_area: str, contents: Known) -> Response:
    """An area: label, the groups it belongs to, and each indicator with data and its
    periods."""
    contents.held("ref_area", ref_area)
    found = coverage(
        contents.connection,
        "indicator",
        Filters.parse(
            {"ref_area": [ref_area], "indicator": list(contents.indicators_of(ref_area))}, None
        ),
    )
    return json_response(
        {
            "code": ref_area,
            "label": contents.labels("en").get(("ref_area", ref_area)),
            "observations": sum(i.observations for i in found),
            "groups": [
                {"code": g.code, "label": g.label}
                for g in contents.groups().values()
                if ref_area in g.members
            ],
            "indicators": [_detail(i) for i in found],
        }
    )


def _group(found: Group) -> dict[str, Any]:
    return {
        "code": found.code,
        "label": found.label,
        "source": found.source,
        "bundled": found.bundled,
        "members": list(found.members),
    }


@router.get("/groups", summary="Groups of areas")
def groups_list(contents: Known) -> Response:
    """Every group: bundled with decentwork (G20, BRICS, ASEAN, the ILO regions, the World
    Bank income groups once fetched) or defined in the warehouse, with its members."""
    listed = [_group(g) for g in contents.groups().values()]
    return json_response({"total": len(listed), "groups": listed})


@router.get("/groups/{code}", summary="One group of areas")
def group_detail(code: str, contents: Known) -> Response:
    """A group: label, where its membership comes from, members."""
    return json_response(_group(look_up(GROUP, code, contents.groups().get(code))))


def release_record(row: sa.RowMapping) -> dict[str, Any]:
    """A release as the public sees it (:func:`~decentwork.warehouse.contents.public_release`:
    its file's name, not the server's folders, and not who loaded it), ``loaded_at`` in
    UTC."""
    loaded = row["loaded_at"]
    loaded = loaded.replace(tzinfo=UTC) if loaded.tzinfo is None else loaded.astimezone(UTC)
    return {**public_release(row), "loaded_at": loaded.isoformat()}


@router.get("/releases", summary="Releases, newest first")
def releases(request: Request, page: Annotated[Page, Query()], connection: Connection) -> Response:
    """The revision history: one release per file loaded (dataset, file name, checksum,
    format, when in UTC, full or partial, rows read, added, changed, unchanged and
    withdrawn), newest first, a page at a time."""
    rows, total = release_history(connection, page.limit, page.offset)
    return json_response(
        {**page.described(request, total), "releases": [release_record(row) for row in rows]}
    )

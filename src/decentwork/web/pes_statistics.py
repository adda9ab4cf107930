"""The public page of a country's public employment service statistics,
``/pes-statistics/{area}`` (and its JSON and CSV twins): monthly trends, the latest month's
placement rates and median time to placement, the shortage and surplus occupations and the
sub-national table (:mod:`decentwork.web.pes_figures`), from the warehouse only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from decentwork.errors import NotFound
from decentwork.web import languages, pes_figures
from decentwork.web.pages import PageQuery
from decentwork.web.rendering import Labels, View, output_format, render
from decentwork.web.summaries import Known

router = APIRouter(include_in_schema=False, dependencies=[Depends(languages.checked)])


@router.get("/pes-statistics/{area}", response_class=HTMLResponse)
def pes_statistics(
    request: Request, area: str, query: Annotated[PageQuery, Query()], contents: Known
) -> Response:
    """A country's PES statistics; 404 for an area without data, or without PES statistics."""
    fmt = output_format(request, query.format)
    contents.held("ref_area", area)
    if not pes_figures.held(contents, area):
        raise NotFound(
            f"area {area!r}: no public employment service statistics in the warehouse",
            parameter="ref_area",
            given=area,
            hint=f"/areas/{area} shows the area's other indicators; the home page lists "
            "the areas with PES statistics",
        )
    found = contents.shared(("pes-statistics", area), lambda c: pes_figures.statistics(c, area))
    names = Labels(contents, languages.chosen(request))
    figures, shown = pes_figures.page_data(area, found, names, contents.described())
    data = {**names.of("ref_area", area), **figures}
    context = {
        "flows": pes_figures.flow_chart_series(data, pes_figures.FLOWS),
        "stock": pes_figures.flow_chart_series(data, (pes_figures.REGISTERED,)),
        "SUBNATIONAL": pes_figures.SUBNATIONAL,
        "labels": names,
    }
    return render(
        request,
        View("pes_statistics.html", f"pes-statistics-{area}", data, shown, context, True),
        fmt,
    )

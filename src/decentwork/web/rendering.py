"""A page in the format it is asked for: HTML (Jinja2 templates in the visitor's language),
or its JSON, CSV, Excel and SDMX-CSV twins (by suffix, ``/areas/KHM.json``, rewritten by
:class:`SuffixMiddleware`, or ``?format=``); labels in the page's language; the addresses of
the page in other formats and languages; the error page."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd
from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from decentwork import names, observations
from decentwork.errors import BadInput
from decentwork.formatting import Units
from decentwork.observations import writers
from decentwork.warehouse.excel import write_workbook
from decentwork.web import languages, requests
from decentwork.web.formats import CSV_MEDIA_TYPE, csv_text, json_response
from decentwork.web.summaries import Contents

SUFFIXES = ("json", "csv", "xlsx", "sdmx-csv")
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class View:
    """A page's content: the template and context for HTML, ``data`` for JSON, ``rows`` for
    CSV; when ``observations``, the rows are observations, which CSV, Excel and SDMX-CSV
    give in the observation table's columns."""

    template: str
    name: str
    data: dict[str, Any]
    rows: list[dict[str, Any]]
    context: dict[str, Any] = field(default_factory=dict)
    observations: bool = False


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
                    scope = {
                        **scope,
                        "path": stripped,
                        "raw_path": stripped.encode(),
                        "decentwork.suffix": suffix,
                    }
                    break
        await self.app(scope, receive, send)


def output_format(request: Request, asked: str | None) -> str:
    """The format a page is asked for: the path's suffix, else ``format``, else HTML.

    Raises:
        BadInput: the suffix and ``format`` disagree (422).
    """
    return requests.output_format(request.scope.get("decentwork.suffix"), asked, "html")


class Labels:
    """Code labels in the page's language, as the briefs name them
    (:mod:`decentwork.names`): the warehouse's label in the language, else (for a country)
    the CLDR's name, else the names catalogue's translation of the English label, else the
    English label (and then the code); :meth:`lang` says which language a label is in, so
    that pages can mark the fallback."""

    def __init__(self, contents: Contents, lang: str) -> None:
        self.chosen = contents.labels(lang)
        self.english = self.chosen if lang == "en" else contents.labels("en")
        self.language = lang

    def name(self, kind: str, code: str) -> names.Name:
        """The name of ``code`` and its language (None: the code itself)."""
        key = (kind, code)
        own, english = self.chosen.get(key), self.english.get(key)
        if kind == "ref_area":
            return names.area(code, self.language, own, english)
        return names.label(code, self.language, own, english)

    def text(self, kind: str, code: str) -> str:
        """The label of ``code``, else the code itself."""
        return self.name(kind, code).text

    def lang(self, kind: str, code: str) -> str | None:
        """The language of the label shown: the page's, ``en`` (fallback), or None (code)."""
        return self.name(kind, code).lang

    def of(self, kind: str, code: str, key: str = "code") -> dict[str, Any]:
        """``code`` (under ``key``), its label and the label's language, as a page's data
        gives them."""
        found = self.name(kind, code)
        return {key: code, "label": found.text, "label_lang": found.lang}


def units(contents: Contents) -> Units:
    """The styles of the indicators' numbers on the pages: by the unit the warehouse
    records, else the English label's ``(%)``, ``(thousands)``..., else the code
    (:func:`decentwork.formatting.style_of`)."""

    return contents.shared(
        ("units",), lambda _c: Units.of(contents.described(), contents.labels("en"))
    )


def render(request: Request, shown: View, fmt: str) -> Response:
    """A page in format ``fmt``; a ``?lang=`` is remembered in a cookie."""
    lang = languages.chosen(request)
    if fmt == "json":
        response: Response = json_response(shown.data)
    elif fmt == "html":
        template = languages.environment(lang).get_template(shown.template)
        response = HTMLResponse(
            template.render(
                data=shown.data, request=request, address=_address(request), **shown.context
            )
        )
    elif not shown.observations:
        response = _csv(writers.csv_text(pd.DataFrame(shown.rows)), f"{shown.name}.csv")
    else:
        response = _observations(request, shown, fmt, lang)
    response.headers["Content-Language"] = lang
    if "lang" in request.query_params:
        response.set_cookie(languages.COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax")
    return response


def _csv(text: str, filename: str, disposition: str = "inline") -> Response:
    return Response(
        text,
        media_type=CSV_MEDIA_TYPE,
        headers={"Content-Disposition": f'{disposition}; filename="{filename}"'},
    )


def _observations(request: Request, shown: View, fmt: str, lang: str) -> Response:
    """A page's observations as CSV, SDMX-CSV or an Excel workbook."""
    table = observations.frame(pd.DataFrame(shown.rows, columns=list(observations.COLUMNS)))
    if fmt == "csv":
        return _csv(csv_text(table), f"{shown.name}.csv")
    if fmt == "sdmx-csv":
        return _csv(
            writers.csv_text(writers.sdmx_csv(table)), f"{shown.name}.sdmx.csv", "attachment"
        )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{shown.name}.xlsx"
        write_workbook(table, path, request.app.state.engine, lang)
        body = path.read_bytes()
    return Response(
        body,
        media_type=XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{shown.name}.xlsx"'},
    )


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


def error_page(
    request: Request, status: int, detail: str, details: Mapping[str, str] | None = None
) -> Response:
    """An error as the page's format would have it: JSON ``{"detail"}`` with the ``details``
    (``parameter``, ``given``, ``expected``, ``hint``) for the JSON and CSV twins, else an
    HTML page in the visitor's language."""
    details = details or {}
    suffix = next((s for s in SUFFIXES if request.url.path.endswith(f".{s}")), None)
    asked = (
        request.scope.get("decentwork.suffix")
        or suffix  # (a failure outside the routes
        or request.query_params.get("format")
    )  # sees the path unchanged)
    if asked in SUFFIXES:
        return JSONResponse({"detail": detail, **details}, status)
    try:
        lang = languages.chosen(request)
    except BadInput:  # the language itself is what is wrong
        lang = languages.DEFAULT
    html = (
        languages.environment(lang)
        .get_template("error.html")
        .render(
            status=status,
            detail=detail,
            hint=details.get("hint"),
            request=request,
            address=_address(request),
            data={},
        )
    )
    return HTMLResponse(html, status_code=status)

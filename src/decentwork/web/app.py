"""The web application: the API router, the dashboard's pages and static files, gzip, ETags,
and the errors (JSON for the API, the page's format for the pages): any
:class:`~decentwork.errors.DecentworkError` a route raises is answered by one handler, with the
error's HTTP status."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import sqlalchemy as sa
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware

from decentwork import __version__
from decentwork.errors import DecentworkError
from decentwork.warehouse.contents import state_mark
from decentwork.warehouse.database import engine
from decentwork.web import api, pages, progress
from decentwork.web.caching import Admission, AnswerCache, ETagMiddleware
from decentwork.web.pages import SuffixMiddleware

API = "/api/v1"
OPENAPI = "/api/openapi.json"
ADMITTED = 20
"""Requests let into the routes at once (the others wait their turn), and as many warehouse
connections. A route holds its connection from its dependency's start to its end, and each of
the three steps needs one of anyio's 40 worker threads: with more requests inside than
connections, every thread could end up waiting for a connection that only a thread can give
back."""
SWAGGER = "/static/swagger"
"""Swagger UI's files (from the npm package swagger-ui-dist), served by the app itself."""


def problem(error: dict[str, Any]) -> str:
    """One of FastAPI's validation errors as ``parameter: what was expected (got ...)``."""
    name = ".".join(str(part) for part in error["loc"] if part not in ("query", "path"))
    if error["type"] == "extra_forbidden":
        return f"{name}: unknown parameter (the parameters are listed at /api/docs)"
    message = error["msg"][:1].lower() + error["msg"][1:]
    return f"{name}: {message} (got {error['input']!r})"


def _error(request: Request, status: int, detail: str, details: Mapping[str, str] | None = None,
           headers: Mapping[str, str] | None = None) -> Response:
    """An error: JSON ``{"detail", ...details}`` for the API, the page's error page for the
    pages."""
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": detail, **(details or {})}, status,
                            headers=dict(headers or {}))
    return pages.error_page(request, status, detail, details)


async def _reported(request: Request, error: DecentworkError) -> Response:
    """A user's problem raised by a route or the library under it, with its status and
    structured fields (parameter, given, expected, hint)."""
    return _error(request, error.status, error.message, error.details())


async def _invalid(request: Request, error: RequestValidationError) -> Response:
    """Parameters that FastAPI's validation refused (422), each named."""
    return _error(request, 422, "; ".join(problem(e) for e in error.errors()))


async def _failed(request: Request, error: StarletteHTTPException) -> Response:
    """The framework's own errors: no such route (404), method not allowed (405)."""
    return _error(request, error.status_code, str(error.detail), headers=error.headers)


async def _swagger() -> HTMLResponse:
    """The API's documentation (Swagger UI), with its script, style and icon from /static: no
    CDN; Swagger UI's online validator is off. For assistive technology: the page says its
    language, an extra style sheet darkens the colours Swagger UI draws below a 4.5 contrast
    ratio, and deep links are off (they put a link inside each operation's toggle button)."""
    page = get_swagger_ui_html(
        openapi_url=OPENAPI, title="decentwork API",
        swagger_js_url=f"{SWAGGER}/swagger-ui-bundle.js",
        swagger_css_url=f"{SWAGGER}/swagger-ui.css",
        swagger_favicon_url=f"{SWAGGER}/favicon-32x32.png",
        swagger_ui_parameters={"validatorUrl": None, "deepLinking": False},
    )
    html = bytes(page.body).decode("utf-8").replace("<html>", '<html lang="en">', 1).replace(
        "</head>", '<link rel="stylesheet" href="/static/swagger-contrast.css">\n</head>', 1)
    return HTMLResponse(html)


def create_app(url: str | None = None, *, cache_bytes: int = 64 * 2**20) -> FastAPI:
    """The web application on the warehouse at ``url`` (default: ``$DECENTWORK_DB``, else the
    embedded SQLite file), opened read-only: nothing is created or migrated, and nothing can
    be written through the application. Answers are kept in memory (at most
    ``cache_bytes``; 0: none) while the warehouse does not change.

    Raises:
        NoWarehouse: there is no warehouse at ``url``.
        OldSchema: the warehouse's schema is not the newest.
        WarehouseError: the warehouse cannot be opened.
    """
    target = engine(url, read_only=True, connections=ADMITTED)
    # The answer cache reads the warehouse's mark on its own connection: waiting for one of
    # the routes' connections would block the event loop that the routes need to give it back.
    watch = engine(url, read_only=True, connections=1) if cache_bytes else None

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        for used in (target, watch):
            if used is not None:
                used.dispose()

    app = FastAPI(
        title="decentwork",
        version=__version__,
        summary="Labour market information: ILO decent-work indicators with their uncertainty "
        "and revision history.",
        docs_url=None,
        redoc_url=None,
        openapi_url=OPENAPI,
        lifespan=lifespan,
        exception_handlers={DecentworkError: _reported, RequestValidationError: _invalid,
                            StarletteHTTPException: _failed},
    )
    app.state.engine = target
    app.include_router(api.router, prefix=API, tags=["API v1"])
    app.include_router(pages.router)
    app.include_router(progress.router)
    app.add_api_route("/api/docs", _swagger, include_in_schema=False)
    app.mount("/static", StaticFiles(packages=[("decentwork.web", "static")]), name="static")
    app.add_middleware(SuffixMiddleware)
    app.add_middleware(ETagMiddleware)
    app.add_middleware(Admission, limit=ADMITTED)
    app.add_middleware(GZipMiddleware, minimum_size=500)  # tags the plain body
    if watch is not None:
        app.add_middleware(AnswerCache, mark=lambda: _mark(watch), max_bytes=cache_bytes)
    return app


def _mark(target: sa.Engine) -> tuple[int, ...]:
    """The warehouse's current state mark (see :class:`~decentwork.web.caching.AnswerCache`)."""
    with target.connect() as connection:
        return state_mark(connection)

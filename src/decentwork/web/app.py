"""The web application: the API router, the dashboard's pages and static files, ``/health``,
and the middleware around them, outermost first: security headers, ``HEAD``, the public
address (base URL or allowed hosts), the time limit, the answer cache, gzip, admission (API
and pages apart), ETags and format suffixes. Problems are answered in one place
(:mod:`decentwork.web.problems`)."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager
from functools import cache

import anyio
import sqlalchemy as sa
from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware

from decentwork import __version__
from decentwork.warehouse.contents import release_history, state_mark
from decentwork.warehouse.database import engine
from decentwork.web import api, pages, pes_statistics, progress
from decentwork.web.caching import AnswerCache, ETagMiddleware
from decentwork.web.guards import Admission, TimeLimit
from decentwork.web.hosts import PublicAddress
from decentwork.web.limits import interrupt_late_queries
from decentwork.web.problems import HANDLERS
from decentwork.web.protocol import Head, SecurityHeaders, content_security_policy
from decentwork.web.rendering import SuffixMiddleware
from decentwork.web.settings import DEFAULT_TIME_LIMIT, Settings
from decentwork.web.summaries import Summaries

API = "/api/v1"
OPENAPI = "/api/openapi.json"
API_SLOTS = 12
PAGE_SLOTS = 8
"""Requests let into the routes at once, API and pages apart (the others wait their turn),
and together as many warehouse connections. A route holds its connection from its
dependency's start to its end, and each of the three steps needs one of anyio's 40 worker
threads: with more requests inside than connections, every thread could end up waiting for
a connection that only a thread can give back. Pages, slower, have fewer slots, and cannot
take the API's."""
SWAGGER = "/static/swagger"
"""Swagger UI's files (from the npm package swagger-ui-dist), served by the app itself."""
log = logging.getLogger(__name__)


@cache
def _swagger_page() -> tuple[str, str]:
    """The API's documentation page (Swagger UI), with its script, style and icon from
    /static: no CDN; Swagger UI's online validator is off. For assistive technology: the page
    says its language, an extra style sheet darkens the colours Swagger UI draws below a 4.5
    contrast ratio, and deep links are off (they put a link inside each operation's toggle
    button). With it, its Content-Security-Policy, which allows its one inline script (Swagger
    UI's start) by its hash."""
    page = get_swagger_ui_html(
        openapi_url=OPENAPI,
        title="decentwork API",
        swagger_js_url=f"{SWAGGER}/swagger-ui-bundle.js",
        swagger_css_url=f"{SWAGGER}/swagger-ui.css",
        swagger_favicon_url=f"{SWAGGER}/favicon-32x32.png",
        swagger_ui_parameters={"validatorUrl": None, "deepLinking": False},
    )
    html = (
        bytes(page.body)
        .decode("utf-8")
        .replace("<html>", '<html lang="en">', 1)
        .replace(
            "</head>", '<link rel="stylesheet" href="/static/swagger-contrast.css">\n</head>', 1
        )
    )
    return html, content_security_policy(*re.findall(r"<script>(.*?)</script>", html, re.S))


async def _swagger() -> HTMLResponse:
    """The API's documentation (Swagger UI)."""
    html, policy = _swagger_page()
    return HTMLResponse(html, headers={"Content-Security-Policy": policy})


def create_app(
    url: str | None = None,
    *,
    cache_bytes: int = 64 * 2**20,
    base_url: str | None = None,
    allowed_hosts: Collection[str] | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
    pes: bool = False,
) -> FastAPI:
    """The web application on the warehouse at ``url`` (default: ``$DECENTWORK_DB``, else the
    embedded SQLite file), opened read-only: nothing is created or migrated, and nothing can
    be written through the application. Answers are kept in memory (at most
    ``cache_bytes``; 0: none) while the warehouse does not change. Links in answers start
    with ``base_url`` (``https://lmis.example.gov.kh``), else with the address a request
    was sent to, whose host must then be one of ``allowed_hosts`` (None: any; each host gets
    answers of its own). A request gets ``time_limit`` seconds (see :class:`Settings`).
    With ``pes``, the public employment service's pages and API are served too when a PES
    database exists (``$DECENTWORK_PES_DB``, else the embedded one: see
    :func:`decentwork.web.pes.install`); they never go through the answer cache.

    Raises:
        BadInput: a malformed ``base_url``, host name or limit.
        NoWarehouse: there is no warehouse at ``url``.
        OldSchema: the warehouse's schema is not the newest.
        WarehouseError: the warehouse cannot be opened.
    """
    settings = Settings(
        url,
        cache_bytes,
        base_url,
        None if allowed_hosts is None else tuple(allowed_hosts),
        time_limit,
    )
    target = engine(url, read_only=True, connections=API_SLOTS + PAGE_SLOTS)
    interrupt_late_queries(target, settings.time_limit)
    # The answer cache and /health read the warehouse's state on a connection of their own:
    # waiting for one of the routes' connections would hold them up behind slow pages.
    watch = engine(url, read_only=True, connections=1)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        for used in (target, watch):
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
        exception_handlers=HANDLERS,
    )
    app.state.engine = target
    app.state.watch = watch
    app.state.summaries = Summaries()
    app.include_router(api.router, prefix=API, tags=["API v1"])
    app.include_router(pages.router)
    app.include_router(progress.router)
    app.include_router(pes_statistics.router)
    app.add_api_route("/api/docs", _swagger, include_in_schema=False)
    app.add_api_route("/health", _health, include_in_schema=False)
    app.mount("/static", StaticFiles(packages=[("decentwork.web", "static")]), name="static")
    app.add_middleware(SuffixMiddleware)
    app.add_middleware(ETagMiddleware)
    app.add_middleware(Admission, api=API_SLOTS, pages=PAGE_SLOTS)
    app.add_middleware(GZipMiddleware, minimum_size=500, compresslevel=6)  # tags the plain body
    if settings.cache_bytes:
        app.add_middleware(AnswerCache, mark=lambda: _mark(watch), max_bytes=settings.cache_bytes)
    if pes:
        _install_pes(app)
    app.add_middleware(TimeLimit, seconds=settings.time_limit)
    app.add_middleware(
        PublicAddress, base_url=settings.base_url, allowed_hosts=settings.allowed_hosts
    )
    app.add_middleware(Head)
    app.add_middleware(SecurityHeaders)
    return app


def _install_pes(app: FastAPI) -> None:
    """The PES pages and API on ``app`` when a PES database exists (nothing otherwise)."""
    from decentwork.pes.database import NoPesDatabase
    from decentwork.web.pes import install

    try:
        install(app, None)
    except NoPesDatabase:
        return


def factory() -> FastAPI:
    """The application as :func:`create_app` makes it from the environment's settings
    (:meth:`Settings.from_environment`): what each of ``decentwork serve``'s worker processes
    runs (``uvicorn decentwork.web.app:factory --factory``).

    Raises:
        BadInput: a setting's variable holds something it should not.
        WarehouseError: the warehouse cannot be opened (see :func:`create_app`).
    """
    settings = Settings.from_environment()
    return create_app(
        settings.url,
        cache_bytes=settings.cache_bytes,
        base_url=settings.base_url,
        allowed_hosts=settings.allowed_hosts,
        time_limit=settings.time_limit,
        pes=True,
    )


def _mark(target: sa.Engine) -> tuple[int, ...]:
    """The warehouse's current state mark (see :class:`~decentwork.web.caching.AnswerCache`)."""
    with target.connect() as connection:
        return state_mark(connection)


def _state(target: sa.Engine) -> dict[str, object]:
    """What ``/health`` says of the warehouse: its database, releases and state mark."""
    with target.connect() as connection:
        latest, changed = state_mark(connection)
        _, releases = release_history(connection, 0)
    return {
        "database": target.dialect.name,
        "releases": releases,
        "latest_release": latest,
        "latest_change": changed,
    }


async def _health(request: Request) -> JSONResponse:
    """Whether the server can read the warehouse: 200 with its state, else 503 (the cause in
    the server's log only)."""
    try:
        state = await anyio.to_thread.run_sync(_state, request.app.state.watch)
    except sa.exc.SQLAlchemyError as error:
        log.error("health: the warehouse cannot be read: %s", str(error).splitlines()[0])
        return JSONResponse(
            {"status": "unavailable", "detail": "the warehouse cannot be read"},
            503,
            headers={"Cache-Control": "no-store"},
        )
    return JSONResponse(
        {"status": "ok", "version": __version__, "warehouse": state},
        headers={"Cache-Control": "no-store"},
    )

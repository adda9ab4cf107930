"""The PES pages and API added to the dashboard's application (:func:`install`).

They run as an application of their own, which the dashboard's application hands every
request under ``/pes`` and ``/api/v1/pes`` to before its own middleware sees it: the
dashboard's answer cache and ETags, made for public pages that are the same for everyone,
must never keep or replay a person's record. The PES application answers with
``Cache-Control: no-store`` and the dashboard's security headers (a Content-Security-Policy
without inline scripts or styles, no framing), and answers every
:class:`~decentwork.errors.DecentworkError` in one place: JSON with the error's status and
fields for the API (401 and ``WWW-Authenticate: Bearer`` without a valid token), an error page
for the pages (a redirect to the login page without a live session).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from decentwork.errors import DecentworkError
from decentwork.pes.registry import open_registry
from decentwork.pes.sessions import NotAuthenticated
from decentwork.web.pes import (
    api,
    login_pages,
    match_api,
    match_pages,
    other_pages,
    referral_pages,
    seeker_pages,
    vacancy_pages,
)
from decentwork.web.pes.authentication import SESSION_COOKIE, forget_cookie
from decentwork.web.pes.coding import LazyCoder, Suggester
from decentwork.web.pes.json_errors import error_body, validation_problems
from decentwork.web.pes.rendering import error_page, redirect
from decentwork.web.pes.state import PesState
from decentwork.web.protocol import SECURITY_HEADERS

PAGES = "/pes"
API = "/api/v1/pes"
STATIC = "/pes/static"


def install(
    app: FastAPI,
    pes_url: str | None,
    *,
    classifications: Path | None = None,
    suggester: Suggester | None = None,
) -> None:
    """Serve the PES registry at ``pes_url`` (see
    :func:`decentwork.pes.database.database_url`) from ``app``: the officers' pages under
    ``/pes/`` and the JSON API under ``/api/v1/pes/`` (in ``app``'s OpenAPI page, tag
    "PES"). Codes are checked against the classification files in ``classifications``
    (default: the data directory); occupation codes are suggested by ``suggester`` (default:
    the occupation coder, loaded on the first suggestion asked for).

    The hand-over to the PES application is added as ``app``'s outermost middleware so far:
    call this once the middleware the PES must not go through is added (the answer cache,
    ETags, format suffixes, the warehouse's admission limit), and before any it should go
    through (the security headers, ``HEAD``, allowed hosts, a time limit). The PES
    application adds its own security headers whatever the order.

    Raises:
        NoPesDatabase: there is no PES database at ``pes_url`` (nothing is created).
        PesDatabaseError: the database cannot be opened.
    """
    registry = open_registry(pes_url, create=False, classifications=classifications)
    state = PesState(registry, suggester or LazyCoder(classifications))
    app.state.pes = state
    for routes in (api.router, match_api.router):  # for the OpenAPI page
        app.include_router(routes, prefix=API, tags=["PES"])
    app.add_middleware(HandOver, pes=application(state))
    served = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(served_app: Any) -> AsyncIterator[Any]:
        async with served(served_app) as value:
            yield value
        registry.close()

    app.router.lifespan_context = lifespan


def application(state: PesState) -> FastAPI:
    """The PES application: pages, API, static files, errors and headers."""
    pes = FastAPI(
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        exception_handlers={
            DecentworkError: _reported,
            RequestValidationError: _invalid,
            StarletteHTTPException: _failed,
        },
    )
    pes.state.pes = state
    for router in (
        login_pages.router,
        seeker_pages.router,
        vacancy_pages.router,
        match_pages.router,
        referral_pages.router,
        other_pages.router,
    ):
        pes.include_router(router, prefix=PAGES)
    pes.include_router(api.router, prefix=API)
    pes.include_router(match_api.router, prefix=API)
    pes.mount(STATIC, StaticFiles(packages=[("decentwork.web.pes", "static")]), name="static")
    pes.add_middleware(SecurityHeaders)
    return pes


def is_pes(path: str) -> bool:
    """Whether ``path`` is a PES page or API address."""
    return any(path == root or path.startswith(root + "/") for root in (PAGES, API))


class HandOver:
    """Hands PES requests to the PES application, and every other request to the
    dashboard."""

    def __init__(self, app: ASGIApp, pes: ASGIApp) -> None:
        self.app = app
        self.pes = pes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Send the request to the PES application or to the dashboard."""
        chosen = self.pes if scope["type"] == "http" and is_pes(scope["path"]) else self.app
        await chosen(scope, receive, send)


class SecurityHeaders:
    """Adds the security headers to every PES answer, and ``Cache-Control: no-store`` to
    every one but the static files'."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the PES application, adding the headers to its answer."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith(STATIC + "/")

        async def headed(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.update(SECURITY_HEADERS)
                if not static:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, headed)


def _api(request: Request) -> bool:
    return request.url.path.startswith(API)


async def _reported(request: Request, error: DecentworkError) -> Response:
    """A user's problem: JSON with its status and fields for the API, 401 without a valid
    token; an error page for the pages, or the login page without a live session."""
    if isinstance(error, NotAuthenticated):
        if _api(request):
            return JSONResponse(
                error_body(error),
                401,
                headers={"WWW-Authenticate": 'Bearer realm="decentwork PES"'},
            )
        back = request.url.path if request.method == "GET" else "/pes/"
        response = redirect(f"/pes/login?next={quote(back)}")
        forget_cookie(request, response, SESSION_COOKIE)
        return response
    if _api(request):
        return JSONResponse(error_body(error), error.status)
    return error_page(request, error.status, error.message, error.hint)


async def _invalid(request: Request, error: RequestValidationError) -> Response:
    """A request FastAPI refused: each field's problem, never the value given."""
    problems = validation_problems(error.errors())
    detail = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
    if _api(request):
        return JSONResponse(
            {"detail": detail, "parameter": problems[0]["field"], "problems": problems}, 422
        )
    return error_page(request, 422, detail, None)


async def _failed(request: Request, error: StarletteHTTPException) -> Response:
    """No such address (404), a method not allowed (405)."""
    if _api(request):
        return JSONResponse({"detail": str(error.detail)}, error.status_code, headers=error.headers)
    return error_page(request, error.status_code, str(error.detail), None)

"""How the web application answers a problem, wherever it arises (a route, a validation, the
framework, the middleware): JSON ``{"detail", "parameter", "given", "expected", "hint"}``
under ``/api/`` and for the pages' ``.json`` and ``.csv`` twins, the error page in the
visitor's language for the pages. Every :class:`~decentwork.errors.DecentworkError` is
answered with its status; a warehouse that cannot be read with 503; anything else is a
programming error, answered 500 without a word about it (the server's log has the
traceback)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Receive, Scope, Send

from decentwork.errors import DecentworkError, Unavailable
from decentwork.web import rendering
from decentwork.web.limits import LIMIT, TooSlow, expired
from decentwork.web.protocol import SECURITY_HEADERS

API = "/api/"
log = logging.getLogger(__name__)


class Unreadable(Unavailable):
    """The warehouse could not be read while answering (503)."""


UNREADABLE = Unreadable(
    "the warehouse cannot be read at the moment",
    hint="try again in a moment; GET /health says whether it can be read",
)


def problem(error: Mapping[str, Any]) -> str:
    """One of FastAPI's validation errors as ``parameter: what was expected (got ...)``."""
    name = ".".join(str(part) for part in error["loc"] if part not in ("query", "path"))
    if error["type"] == "extra_forbidden":
        return f"{name}: unknown parameter (the parameters are listed at /api/docs)"
    message = error["msg"][:1].lower() + error["msg"][1:]
    return f"{name}: {message} (got {error['input']!r})"


def answer(
    request: Request,
    status: int,
    detail: str,
    details: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """An error: JSON ``{"detail", ...details}`` for the API, the page's error page (or its
    twin's JSON) for the pages."""
    if request.url.path.startswith(API):
        return JSONResponse(
            {"detail": detail, **(details or {})}, status, headers=dict(headers or {})
        )
    response = rendering.error_page(request, status, detail, details)
    response.headers.update(headers or {})
    return response


async def send_error(scope: Scope, receive: Receive, send: Send, error: DecentworkError) -> None:
    """Answer ``error`` from a middleware, as a route's error would be."""
    response = answer(Request(scope, receive), error.status, error.message, error.details())
    await response(scope, receive, send)


async def _reported(request: Request, error: DecentworkError) -> Response:
    """A user's problem raised by a route or the library under it, with its status and
    structured fields (parameter, given, expected, hint)."""
    return answer(request, error.status, error.message, error.details())


async def _invalid(request: Request, error: RequestValidationError) -> Response:
    """Parameters that FastAPI's validation refused (422), each named."""
    return answer(request, 422, "; ".join(problem(e) for e in error.errors()))


async def _failed(request: Request, error: StarletteHTTPException) -> Response:
    """The framework's own errors: no such route (404), method not allowed (405)."""
    return answer(request, error.status_code, str(error.detail), headers=error.headers)


async def _unreadable(request: Request, error: sa.exc.OperationalError) -> Response:
    """The database failed while answering: the request's time ran out (the query was
    interrupted), or the warehouse cannot be reached (503, the cause in the server's log
    only: it may name servers and files)."""
    if expired():
        found: DecentworkError = TooSlow.after(LIMIT.get() or 0.0)
    else:
        log.error("the warehouse cannot be read: %s", str(error).splitlines()[0])
        found = UNREADABLE
    return answer(request, found.status, found.message, found.details())


async def _crashed(request: Request, _error: Exception) -> Response:
    """A programming error (500): nothing of it is told. (Answered outside the middleware,
    so with the security headers of its own.)"""
    return answer(
        request,
        500,
        "internal error: the server could not answer this request",
        {"hint": "this is a fault of the server, not of the request"},
        SECURITY_HEADERS,
    )


HANDLERS: dict[Any, Any] = {
    DecentworkError: _reported,
    RequestValidationError: _invalid,
    StarletteHTTPException: _failed,
    sa.exc.OperationalError: _unreadable,
    Exception: _crashed,
}
"""The application's exception handlers (``FastAPI(exception_handlers=...)``)."""

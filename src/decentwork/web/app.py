"""The web application: the API router, gzip, ETags and the errors' JSON bodies."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.middleware.gzip import GZipMiddleware

from decentwork import __version__
from decentwork.warehouse.database import engine
from decentwork.warehouse.views import QueryError
from decentwork.web import api
from decentwork.web.caching import ETagMiddleware

API = "/api/v1"


def problem(error: dict[str, Any]) -> str:
    """One of FastAPI's validation errors as ``parameter: what was expected (got ...)``."""
    name = ".".join(str(part) for part in error["loc"] if part not in ("query", "path"))
    if error["type"] == "extra_forbidden":
        return f"{name}: unknown parameter (the parameters are listed at /api/docs)"
    message = error["msg"][:1].lower() + error["msg"][1:]
    return f"{name}: {message} (got {error['input']!r})"


async def _invalid(_request: Request, error: RequestValidationError) -> JSONResponse:
    return JSONResponse({"detail": "; ".join(problem(e) for e in error.errors())}, 422)


async def _refused(_request: Request, error: QueryError) -> JSONResponse:
    return JSONResponse({"detail": str(error)}, 422)


def create_app(url: str | None = None) -> FastAPI:
    """The web application on the warehouse at ``url`` (default: ``$DECENTWORK_DB``, else the
    embedded SQLite file), its schema brought up to date as every command does.

    Raises:
        WarehouseError: the warehouse cannot be opened.
    """
    target = engine(url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        target.dispose()

    app = FastAPI(
        title="decentwork",
        version=__version__,
        summary="Labour market information: ILO decent-work indicators with their uncertainty "
        "and revision history.",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    app.state.engine = target
    app.include_router(api.router, prefix=API, tags=["API v1"])
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(QueryError, _refused)
    app.add_middleware(ETagMiddleware)
    app.add_middleware(GZipMiddleware, minimum_size=500)  # outermost: tags the plain body
    return app

"""The web command (registered by :mod:`decentwork.cli`): ``serve``. FastAPI and uvicorn are
imported when it runs, so that the program starts quickly."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from decentwork.commands.pes import PesDb
from decentwork.commands.warehouse import Db
from decentwork.terminal import console
from decentwork.web.settings import (
    BASE_URL,
    DEFAULT_TIME_LIMIT,
    Settings,
    allowed,
    default_hosts,
)

FACTORY = "decentwork.web.app:factory"
"""What each worker process runs: the application made from the environment's settings."""


def serve(
    db: Db = None,
    host: Annotated[
        str, typer.Option(help="Address to listen on (0.0.0.0: every network interface).")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(min=1, max=65535, help="Port to listen on (1-65535).")
    ] = 8000,
    base_url: Annotated[
        str | None,
        typer.Option(
            envvar=BASE_URL,
            show_envvar=True,
            help="The public address links start with (https://lmis.example.gov.kh), as visitors "
            "reach the server through a reverse proxy; without it, links name the host a request "
            "was sent to, which must be an allowed host.",
        ),
    ] = None,
    allowed_hosts: Annotated[
        str | None,
        typer.Option(
            help="Host names the server answers to, comma-separated (others: 400; *: any). "
            "Default: the --host address, localhost, 127.0.0.1 and ::1; with --base-url, "
            "any."
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Server processes, each with its own answer cache, sharing the "
            "warehouse. Default: one per CPU.",
        ),
    ] = None,
    time_limit: Annotated[
        float,
        typer.Option(
            min=0.1,
            max=3600,
            help="Seconds one request may take before it is answered 503 and its work stopped.",
        ),
    ] = DEFAULT_TIME_LIMIT,
    cache_mb: Annotated[
        int,
        typer.Option(
            min=0,
            help="Memory for answers kept while the warehouse does not change, in MiB per "
            "process (0: ask the warehouse every time).",
        ),
    ] = 64,
    pes_db: PesDb = None,
    access_log: Annotated[
        bool,
        typer.Option(
            "--access-log/--no-access-log",
            help="Print a line per request (off by default: at "
            "thousands of requests a second, writing them costs a third of the server's "
            "time).",
        ),
    ] = False,
) -> None:
    """Serve the warehouse over HTTP: the dashboard's pages at / and the REST API under
    /api/v1 (JSON and CSV, with its OpenAPI documentation at /api/docs; /health says whether
    the warehouse can be read). Read-only: the warehouse must exist (a load creates it) with
    its schema current. When a PES database exists (--pes-db), its officers' pages are
    served under /pes/ and its API under /api/v1/pes/. Stop with Ctrl+C."""
    import uvicorn

    from decentwork.warehouse.database import engine

    hosts = (
        allowed(allowed_hosts)
        if allowed_hosts is not None
        else None
        if base_url
        else default_hosts(host)
    )
    settings = Settings(db, cache_mb * 2**20, base_url, hosts, time_limit)
    engine(db, read_only=True).dispose()  # a missing or old warehouse is refused here, once
    processes = workers or os.cpu_count() or 1
    shown = settings.base_url or f"http://{host}:{port}"
    console.print(
        f"Serving the dashboard on {shown}/ and the API on {shown}/api/v1 "
        f"(documentation: {shown}/api/docs), {processes} "
        f"process{'es' if processes > 1 else ''}"
    )
    if settings.allowed_hosts is not None:
        console.print(
            f"Answering requests for {', '.join(settings.allowed_hosts)} "
            "(--allowed-hosts; --base-url behind a reverse proxy)"
        )
    if _has_pes(pes_db):
        console.print(f"The public employment service's pages: {shown}/pes/")
    variables = settings.environment()  # what the workers' factory reads
    if pes_db is not None:
        from decentwork.pes.database import ENVIRONMENT

        variables[ENVIRONMENT] = pes_db
    before = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        uvicorn.run(
            FACTORY, factory=True, host=host, port=port, workers=processes, access_log=access_log
        )
    finally:
        for name, value in before.items():
            if value is None:
                del os.environ[name]
            else:
                os.environ[name] = value


def _has_pes(pes_db: str | None) -> bool:
    """Whether a PES database exists at ``pes_db`` (see ``decentwork pes init``); one that
    exists but cannot be opened ends the command with the reason."""
    from decentwork.pes.database import NoPesDatabase, engine

    try:
        engine(pes_db, create=False).dispose()
    except NoPesDatabase:
        return False
    return True

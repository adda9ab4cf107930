"""The web command (registered by :mod:`decentwork.cli`): ``serve``. FastAPI and uvicorn are
imported when it runs, so that the program starts quickly."""

from __future__ import annotations

from typing import Annotated

import typer

from decentwork.commands.warehouse import Db
from decentwork.terminal import console


def serve(
    db: Db = None,
    host: Annotated[str, typer.Option(
        help="Address to listen on (0.0.0.0: every network interface).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    cache_mb: Annotated[int, typer.Option(
        min=0, help="Memory for answers kept while the warehouse does not change, in MiB "
        "(0: ask the warehouse every time).")] = 64,
    access_log: Annotated[bool, typer.Option(
        "--access-log/--no-access-log", help="Print a line per request (off by default: at "
        "thousands of requests a second, writing them costs a third of the server's "
        "time).")] = False,
) -> None:
    """Serve the warehouse over HTTP: the dashboard's pages at / and the REST API under
    /api/v1 (JSON and CSV, with its OpenAPI documentation at /api/docs). Read-only: the
    warehouse must exist (a load creates it) with its schema current; stop with Ctrl+C."""
    import uvicorn

    from decentwork.web.app import create_app

    app = create_app(db, cache_bytes=cache_mb * 2**20)
    console.print(f"Serving the dashboard on http://{host}:{port}/ and the API on "
                  f"http://{host}:{port}/api/v1 "
                  f"(documentation: http://{host}:{port}/api/docs)")
    uvicorn.run(app, host=host, port=port, access_log=access_log)

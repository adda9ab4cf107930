"""The middleware that keeps one kind of request from taking the server from the others: a
separate admission limit for the API and for the pages (slow pages cannot hold the slots the
API needs), and a time limit on every request (answered 503 when it runs out, its queries
interrupted: :mod:`decentwork.web.limits`)."""

from __future__ import annotations

import time

import anyio
import sqlalchemy as sa
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from decentwork.web.limits import DEADLINE, LIMIT, TooSlow
from decentwork.web.problems import API, send_error

UNLIMITED = ("/static/", "/health")
"""Paths that neither read the warehouse's observations nor take long: never held back."""


class Admission:
    """Lets at most ``api`` requests under ``/api/`` and ``pages`` other requests into the
    application at once; the others wait (without holding a thread or a connection) until one
    of their kind finishes. Static files and ``/health`` are let through."""

    def __init__(self, app: ASGIApp, *, api: int, pages: int) -> None:
        self.app = app
        self.api = anyio.Semaphore(api)
        self.pages = anyio.Semaphore(pages)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the application once a slot of the request's kind is free."""
        path = scope.get("path", "")
        if scope["type"] != "http" or path.startswith(UNLIMITED):
            await self.app(scope, receive, send)
            return
        async with self.api if path.startswith(API) else self.pages:
            await self.app(scope, receive, send)


class TimeLimit:
    """Gives every request ``seconds`` to answer. A request not answered by then is answered
    503 (:class:`~decentwork.web.limits.TooSlow`), and what it sends later is dropped; its
    deadline (:data:`~decentwork.web.limits.DEADLINE`) interrupts its warehouse queries, so
    that its work stops too."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the application against the clock."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = late = False

        async def guarded(message: Message) -> None:
            nonlocal started
            if late:
                return
            started = True
            await send(message)

        async def watch() -> None:
            nonlocal late
            await anyio.sleep(self.seconds)
            if not started:
                late = True
                with anyio.CancelScope(shield=True):  # the answer goes out whole
                    await send_error(scope, receive, send, TooSlow.of_request())

        deadline = DEADLINE.set(time.monotonic() + self.seconds)
        limit = LIMIT.set(self.seconds)
        failure: Exception | None = None
        try:
            async with anyio.create_task_group() as group:
                group.start_soon(watch)
                try:
                    await self.app(scope, receive, guarded)
                except Exception as error:  # raised below, once the watch is cancelled
                    failure = error
                group.cancel_scope.cancel()
        finally:
            DEADLINE.reset(deadline)
            LIMIT.reset(limit)
        if failure is not None and not (late and isinstance(failure, sa.exc.OperationalError)):
            raise failure

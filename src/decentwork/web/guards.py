"""The middleware that keeps one kind of request from taking the server from the others: a
separate admission limit for the API and for the pages (slow pages cannot hold the slots the
API needs), and a time limit on every request (answered 503 when it runs out, its queries
interrupted: :mod:`decentwork.web.limits`)."""

from __future__ import annotations

import asyncio
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
    that its work stops too. The clock is a timer of the event loop (asyncio's, which uvicorn
    runs), cheap enough for every request, the answer cache's replays included."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the application against the clock."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False
        refusal: asyncio.Task[None] | None = None

        async def guarded(message: Message) -> None:
            nonlocal started
            if refusal is None:
                started = True
                await send(message)

        def expire() -> None:
            nonlocal refusal
            if not started:
                refusal = loop.create_task(
                    send_error(scope, receive, send, TooSlow.after(self.seconds))
                )

        loop = asyncio.get_running_loop()
        timer = loop.call_later(self.seconds, expire)
        deadline = DEADLINE.set(time.monotonic() + self.seconds)
        limit = LIMIT.set(self.seconds)
        try:
            await self.app(scope, receive, guarded)
        except sa.exc.OperationalError:
            if refusal is None:  # not the interruption of a request already answered
                raise
        finally:
            timer.cancel()
            DEADLINE.reset(deadline)
            LIMIT.reset(limit)
            if refusal is not None:
                await refusal  # the 503 goes out whole before the request ends

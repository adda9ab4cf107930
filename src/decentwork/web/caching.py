"""HTTP caching: an ETag on every successful GET, ``304 Not Modified`` when the client
already has that body (``If-None-Match``), and an in-memory cache of answers that lasts while
the warehouse does not change, keyed on everything an answer depends on (the public address
its links start with, the path and query, the page's language, gzip)."""

from __future__ import annotations

import hashlib
import math
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

import anyio
import sqlalchemy as sa
from starlette.datastructures import Headers, MutableHeaders, QueryParams
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from decentwork.web.languages import COOKIE, remembered
from decentwork.web.requests import ORIGIN

UNCACHED = ("/health",)
"""Paths whose answers are never kept: they report the server's state at the moment."""
LANGUAGE_FREE = ("/api/", "/static/")
"""Paths whose answers do not depend on the visitor's language."""


def etag(body: bytes) -> str:
    """A weak ETag of ``body``: weak because the same tag stands for the body whether it is
    sent plain or gzip-compressed (RFC 9110, section 8.8.1)."""
    return f'W/"{hashlib.sha256(body).hexdigest()[:32]}"'


def matches(if_none_match: str | None, tag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``tag`` (weak comparison) or is ``*``."""
    if not if_none_match:
        return False
    wanted = tag.removeprefix("W/")
    return any(
        item.strip() == "*" or item.strip().removeprefix("W/") == wanted
        for item in if_none_match.split(",")
    )


class ETagMiddleware:
    """Buffers the body of each GET response. A 200 gets an ``ETag`` (hash of the body),
    ``Cache-Control: no-cache`` (clients may keep it but ask again, since a load changes the
    data) and ``Vary: Cookie`` (a page's language comes from a cookie); a request whose
    ``If-None-Match`` names the tag gets ``304 Not Modified`` with no body. Placed inside the
    gzip middleware, so the tag is the uncompressed body's."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the application, holding back a GET's response until its body is complete."""
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] in UNCACHED:
            await self.app(scope, receive, send)
            return
        if_none_match = Headers(scope=scope).get("if-none-match")
        started: list[Message] = []
        chunks: list[bytes] = []

        async def hold(message: Message) -> None:
            if message["type"] == "http.response.start":
                started.append(message)
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            await send_whole(started[0], b"".join(chunks))

        async def send_whole(start: Message, body: bytes) -> None:
            if start["status"] == 200:
                headers = MutableHeaders(raw=start["headers"])
                tag = etag(body)
                headers["ETag"] = tag
                headers["Cache-Control"] = "no-cache"
                headers.add_vary_header("Cookie")  # pages follow the language cookie
                if matches(if_none_match, tag):
                    del headers["Content-Length"]
                    start = {**start, "status": 304}
                    body = b""
            await send(start)
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, hold)


@dataclass(frozen=True)
class Stored:
    """A complete 200 answer as it went out: its headers, body and ETag."""

    headers: list[tuple[bytes, bytes]]
    body: bytes
    tag: str | None

    @property
    def size(self) -> int:
        """Bytes held: body and headers."""
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers)


class AnswerCache:
    """Keeps recent answers to GET requests in memory and replays them while the warehouse
    has not changed, so that a busy dashboard asks the database once per distinct request.

    The key is what an answer depends on: the origin its links start with
    (:data:`~decentwork.web.requests.ORIGIN`: the base URL, or the request's scheme and
    host), the path and query, whether the client accepts gzip, and for pages the language
    they are written in: ``?lang=`` (in the query), else the language cookie's, else English
    (a stale cookie and no cookie are one answer). An answer is kept when it is a 200 that
    sets no cookie but the language one (the same for everyone asking with the same
    ``?lang=``). Every ``check_every`` seconds the warehouse's :func:`state_mark` (newest
    release, newest other change) is read again (in a worker thread), and a changed mark
    empties the cache: a load is visible within that time; while the mark cannot be read,
    nothing is kept or replayed. The least recently used answers are dropped beyond
    ``max_bytes``; an answer larger than an eighth of it is never kept. A replayed answer
    carries ``X-Cache: hit`` and honours ``If-None-Match`` (``304``) as the first one did.
    Requests that arrive while the same request is being answered wait for that answer
    instead of asking the warehouse again."""

    def __init__(
        self,
        app: ASGIApp,
        mark: Callable[[], Hashable],
        *,
        check_every: float = 1.0,
        max_bytes: int = 64 * 2**20,
    ) -> None:
        self.app = app
        self.mark = mark
        self.check_every = check_every
        self.max_bytes = max_bytes
        self.answers: OrderedDict[tuple[str, ...], Stored] = OrderedDict()
        self.pending: dict[tuple[str, ...], anyio.Event] = {}
        self.size = 0
        self.current: Hashable = None
        self.checked = -math.inf

    async def _refresh(self) -> None:
        """Read the warehouse's mark when it is due; forget every answer if it changed (or
        cannot be read)."""
        now = time.monotonic()
        if now - self.checked < self.check_every:
            return
        self.checked = now
        try:
            mark = await anyio.to_thread.run_sync(self.mark)
        except sa.exc.SQLAlchemyError:
            mark = None  # the warehouse cannot be read: the routes will say so
        if mark is None or mark != self.current:
            self.current = mark
            self.answers.clear()
            self.size = 0

    def _keep(self, key: tuple[str, ...], stored: Stored) -> None:
        """Store an answer, dropping the least recently used beyond the size limit."""
        if stored.size > self.max_bytes // 8:
            return
        self.answers[key] = stored
        self.size += stored.size
        while self.size > self.max_bytes:
            _, dropped = self.answers.popitem(last=False)
            self.size -= dropped.size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Replay a kept answer, or run the application and keep its answer."""
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] in UNCACHED:
            await self.app(scope, receive, send)
            return
        request = Headers(scope=scope)
        key = answer_key(scope, request)
        await self._refresh()
        while (pending := self.pending.get(key)) is not None:
            await pending.wait()  # the same request is being answered: wait for its answer
        found = self.answers.get(key)
        if found is not None:
            self.answers.move_to_end(key)
            await _replay(found, request.get("if-none-match"), send)
            return
        self.pending[key] = anyio.Event()
        try:
            await self._answer(key, scope, receive, send)
        finally:
            self.pending.pop(key).set()

    async def _answer(
        self, key: tuple[str, ...], scope: Scope, receive: Receive, send: Send
    ) -> None:
        """Run the application, keeping its answer."""
        started: list[Message] = []
        chunks: list[bytes] = []
        mark = self.current

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                started.append(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if (
                    not message.get("more_body", False)
                    and mark is not None
                    and mark == self.current
                ):
                    self._store(key, started[0], b"".join(chunks))
            await send(message)

        await self.app(scope, receive, capture)

    def _store(self, key: tuple[str, ...], start: Message, body: bytes) -> None:
        """Keep a finished answer if it may be replayed to anyone asking the same."""
        headers = MutableHeaders(raw=list(start["headers"]))
        if start["status"] != 200 or not all(
            cookie.startswith(f"{COOKIE}=") for cookie in headers.getlist("set-cookie")
        ):
            return
        self._keep(key, Stored(list(start["headers"]), body, headers.get("etag")))


def answer_key(scope: Scope, request: Headers) -> tuple[str, ...]:
    """What a GET's answer depends on: origin, path, query, gzip or not, and for a page
    without ``?lang=`` (which the query holds) the language its cookie gives (empty for the
    API and static files)."""
    path = scope["path"]
    query = scope["query_string"].decode("latin-1")
    lang = ""
    if not path.startswith(LANGUAGE_FREE) and "lang" not in QueryParams(query):
        lang = remembered(cookie_parser(request.get("cookie", "")).get(COOKIE))
    return (
        scope.get(ORIGIN) or "",
        path,
        query,
        "gzip" if "gzip" in request.get("accept-encoding", "") else "",
        lang,
    )


async def _replay(stored: Stored, if_none_match: str | None, send: Send) -> None:
    """Send a kept answer (``304`` with no body when the client already has it)."""
    headers = MutableHeaders(raw=list(stored.headers))
    headers["X-Cache"] = "hit"
    status = 200
    body = stored.body
    if stored.tag is not None and matches(if_none_match, stored.tag):
        status, body = 304, b""
        del headers["Content-Length"]
    await send({"type": "http.response.start", "status": status, "headers": headers.raw})
    await send({"type": "http.response.body", "body": body})

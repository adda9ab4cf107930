"""HTTP caching: an ETag on every successful GET, and ``304 Not Modified`` when the client
already has that body (``If-None-Match``)."""

from __future__ import annotations

import hashlib

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def etag(body: bytes) -> str:
    """A weak ETag of ``body``: weak because the same tag stands for the body whether it is
    sent plain or gzip-compressed (RFC 9110, section 8.8.1)."""
    return f'W/"{hashlib.sha256(body).hexdigest()[:32]}"'


def matches(if_none_match: str | None, tag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``tag`` (weak comparison) or is ``*``."""
    if not if_none_match:
        return False
    wanted = tag.removeprefix("W/")
    return any(item.strip() == "*" or item.strip().removeprefix("W/") == wanted
               for item in if_none_match.split(","))


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
        if scope["type"] != "http" or scope["method"] != "GET":
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

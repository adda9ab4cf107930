"""What every answer of the dashboard gets, whatever its route: ``HEAD`` answered as ``GET``
without the body, and the security headers (a Content-Security-Policy that allows nothing
from elsewhere and no inline script or style, no framing, no MIME sniffing, no referrer
sent to other sites)."""

from __future__ import annotations

import base64
import hashlib

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def content_security_policy(*inline_scripts: str) -> str:
    """The Content-Security-Policy of a page: everything from this server only, no inline
    script or style, no plugins, no framing; ``inline_scripts`` (their exact text) are let
    through by their SHA-256 (the API documentation page's start-up script)."""
    allowed = "".join(
        f" 'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'"
        for s in inline_scripts
    )
    return (
        "default-src 'self'; "
        f"script-src 'self'{allowed}; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    )


SECURITY_HEADERS = {
    "Content-Security-Policy": content_security_policy(),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
"""The headers of every answer (a route may set its own Content-Security-Policy)."""


class SecurityHeaders:
    """Adds :data:`SECURITY_HEADERS` to every answer, keeping a header the route set."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the application, adding the headers to its answer."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def headed(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, headed)


class Head:
    """Answers ``HEAD`` as the application answers ``GET`` (status and headers, with the
    ``Content-Length`` of the body), without the body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the application on a ``GET``, holding back the body."""
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def bodiless(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, bodiless)

"""The public address links in answers start with (the next page of a listing, its ``Link``
header): a configured base URL, or else the ``Host`` a request was sent to, checked against
the allowed host names, so that a request cannot make the server write links to a host of
its choosing (the answer cache keys answers on the address, :mod:`decentwork.web.caching`)."""

from __future__ import annotations

import re
from collections.abc import Collection

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from decentwork.errors import BadInput
from decentwork.web.problems import send_error
from decentwork.web.requests import ORIGIN

HOST = re.compile(
    r"(?P<name>[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])"
    r"(?::(?P<port>[0-9]{1,5}))?"
)
"""A ``Host`` header: a host name or an IP address (IPv6 in brackets), an optional port."""


class WrongHost(BadInput):
    """A request sent to a host name the server does not answer to (400)."""

    status = 400


def host_name(host: str) -> str | None:
    """The name in a ``Host`` header (lower-case, an IPv6 address without its brackets), or
    None when the header is not a host and port."""
    found = HOST.fullmatch(host)
    if found is None or int(found["port"] or 0) > 65535:
        return None
    return found["name"].lower().removeprefix("[").removesuffix("]")


class PublicAddress:
    """Notes in each request's scope (:data:`~decentwork.web.requests.ORIGIN`) the origin its
    answer's links start with: ``base_url`` when given, else the request's scheme and
    ``Host``. A ``Host`` that is not a host name, or not one of ``allowed_hosts`` (when
    given), is answered 400 before anything else is done."""

    def __init__(
        self, app: ASGIApp, base_url: str | None, allowed_hosts: Collection[str] | None
    ) -> None:
        self.app = app
        self.base_url = base_url
        self.allowed = None if allowed_hosts is None else frozenset(allowed_hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the request's host and note its origin."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = Headers(scope=scope).get("host")
        if host is not None or self.allowed is not None:
            name = None if host is None else host_name(host)
            if name is None or (self.allowed is not None and name not in self.allowed):
                await send_error(scope, receive, send, self._refusal(host))
                return
        origin = self.base_url or (host and f"{scope.get('scheme', 'http')}://{host.lower()}")
        await self.app({**scope, ORIGIN: origin} if origin else scope, receive, send)

    def _refusal(self, host: str | None) -> WrongHost:
        """The answer to a request for ``host``."""
        allowed = ", ".join(sorted(self.allowed or ()))
        return WrongHost(
            f"Host {host!r}: this server does not answer to that name",
            parameter="Host",
            given=host,
            expected=f"one of {allowed}" if allowed else "a host name",
            hint="use the server's public address; its operator sets the names it "
            "answers to (allowed hosts) or its public base URL",
        )

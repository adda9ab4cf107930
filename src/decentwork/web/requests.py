"""What the API and the pages share about a request: its warehouse connection, the filters of
its query, the format it asks for, the public address it was sent to, the page of a long
listing it wants (and the links to the next and previous pages), and looking up what it
names, or 404."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

import sqlalchemy as sa
from fastapi import Depends, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.datastructures import URL

from decentwork.errors import BadInput, NotFound
from decentwork.warehouse.tables import KEY
from decentwork.warehouse.views import Filters, split_codes

DEFAULT_LIMIT = 1000
MAX_LIMIT = 10_000
MAX_OFFSET = 10**12
ORIGIN = "decentwork.origin"
"""The request scope's key of the origin (``https://lmis.example.gov.kh``) that links in the
answer start with: the configured base URL, or the scheme and checked ``Host`` the request
came with (:class:`~decentwork.web.hosts.PublicAddress`)."""

T = TypeVar("T")


def _connect(request: Request) -> Iterator[sa.Connection]:
    """A read connection on the application's warehouse for one request."""
    with request.app.state.engine.connect() as connection:
        yield connection


Connection = Annotated[sa.Connection, Depends(_connect)]
"""A route's parameter that receives the request's warehouse connection."""


def public_url(request: Request) -> URL:
    """The request's address as the public knows it: its path and query after the origin
    :data:`ORIGIN` (the request's own address where none was set)."""
    origin = request.scope.get(ORIGIN)
    if origin is None:
        return request.url
    scheme, _, netloc = origin.partition("://")
    return request.url.replace(scheme=scheme, netloc=netloc)


def query_filters(query: BaseModel, **fixed: str | None) -> Filters:
    """The observation filters of a query's key fields (comma-separated codes and ``time``),
    with ``fixed`` ones (``indicator="..."``; empty or None: no filter) in place of the
    query's own.

    Raises:
        QueryError: a bad ``time`` or a code with a NUL character.
    """
    fields = {**{c: getattr(query, c, None) for c in KEY}, **fixed}
    return Filters.parse({c: split_codes(fields[c]) for c in KEY if c != "time"}, fields["time"])


def output_format(suffix: str | None, asked: str | None, default: str) -> str:
    """The format an address asks for: its path's suffix (``.csv``), else its ``format``
    parameter, else ``default``.

    Raises:
        BadInput: the suffix and ``format`` disagree.
    """
    if suffix and asked and asked != suffix:
        raise BadInput(
            f"format: {asked!r} contradicts the path's .{suffix} suffix (give one or the other)",
            parameter="format",
            given=asked,
            expected=f"{suffix} or nothing",
        )
    return suffix or asked or default


class Page(BaseModel):
    """Which slice of a long listing to return: ``limit`` rows from the ``offset``-th on.
    An answer gives the total and the addresses of the next and previous pages (JSON in
    its body, CSV in its ``X-Total-Count`` and ``Link`` headers, HTML as links)."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(
        default=DEFAULT_LIMIT,
        ge=1,
        le=MAX_LIMIT,
        description=f"Rows per page (1 to {MAX_LIMIT:,}).",
    )
    offset: int = Field(
        default=0, ge=0, le=MAX_OFFSET, description="Rows to skip (the page's first row)."
    )

    def following(self, total: int) -> int | None:
        """The offset of the next page (None on the last page)."""
        after = self.offset + self.limit
        return after if after < total else None

    def preceding(self) -> int | None:
        """The offset of the previous page (None on the first page)."""
        return max(self.offset - self.limit, 0) if self.offset > 0 else None

    def links(self, request: Request, total: int) -> dict[str, str | None]:
        """The addresses of the next and previous pages (None at either end)."""
        return {
            rel: None
            if offset is None
            else str(public_url(request).include_query_params(offset=offset))
            for rel, offset in (("next", self.following(total)), ("previous", self.preceding()))
        }

    def described(self, request: Request, total: int) -> dict[str, Any]:
        """The page in a JSON answer: ``total``, ``limit``, ``offset``, ``next`` and
        ``previous``."""
        return {
            "total": total,
            "limit": self.limit,
            "offset": self.offset,
            **self.links(request, total),
        }

    def headers(self, request: Request, total: int) -> dict[str, str]:
        """The page in a CSV answer's headers: ``X-Total-Count`` and the ``Link`` to the next
        and previous pages."""
        related = [
            f'<{url}>; rel="{rel}"' for rel, url in self.links(request, total).items() if url
        ]
        return {"X-Total-Count": str(total), **({"Link": ", ".join(related)} if related else {})}


@dataclass(frozen=True)
class Kind:
    """Something an address names (an area, an indicator...): what it is called, the path
    parameter that names it, what is said when it is missing and where to find them all."""

    name: str
    parameter: str
    missing: str
    listing: str


AREA = Kind(
    "area",
    "ref_area",
    "no observations in the warehouse",
    "GET /api/v1/areas lists the areas with data",
)
INDICATOR = Kind(
    "indicator",
    "code",
    "not in the warehouse",
    "GET /api/v1/indicators lists the indicators with data",
)
GROUP = Kind("group", "code", "no such group", "GET /api/v1/groups lists the groups")
RELEASE = Kind("release", "release", "no such release", "GET /api/v1/releases lists the releases")
HELD = {"ref_area": AREA, "indicator": INDICATOR}
"""The observation columns whose codes an address names, and what they are."""


def look_up(kind: Kind, code: str | int, found: T | None) -> T:
    """``found``, what ``code`` names, unless it is None.

    Raises:
        NotFound: ``found`` is None (404), naming the ``kind`` and ``code`` and saying where
            to find them all.
    """
    if found is None:
        raise NotFound(
            f"{kind.name} {code!r}: {kind.missing}",
            parameter=kind.parameter,
            given=code,
            hint=kind.listing,
        )
    return found

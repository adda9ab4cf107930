"""What many requests share and only a change to the warehouse changes: which areas and
indicators have data (and for which periods), which indicators each area has, the labels in
each language, the indicators' metadata, the groups of areas, and what a page asks to keep
(an indicator's breakdowns, a ranking...). Each is computed once per process and per state of
the warehouse (:func:`~decentwork.warehouse.contents.state_mark`, read again at most once a
second, as the answer cache does: a load shows within a second), so that a page's work is
what is particular to it."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar, cast

import sqlalchemy as sa
from fastapi import Depends, Request

from decentwork.warehouse.contents import Coverage, coverage, described, label_map, state_mark
from decentwork.warehouse.groups import Group, groups
from decentwork.warehouse.tables import observations
from decentwork.warehouse.views import Filters, view_query
from decentwork.web.requests import HELD, look_up

T = TypeVar("T")
Mark = tuple[int, ...]


class Summaries:
    """Values computed from the warehouse, kept while its state mark stands (at most
    ``most`` of them, the least recently used dropped first). A value asked for while another
    thread computes it is waited for, not computed again."""

    def __init__(self, most: int = 4096, check_every: float = 1.0) -> None:
        self.most = most
        self.check_every = check_every
        self.read: tuple[float, Mark] | None = None
        self.mark: Mark | None = None
        self.values: OrderedDict[Hashable, Any] = OrderedDict()
        self.pending: dict[Hashable, threading.Event] = {}
        self.lock = threading.Lock()

    def current(self, read: Callable[[], Mark]) -> Mark:
        """The warehouse's state mark, read again (by ``read``) when ``check_every`` seconds
        have passed since it last was."""
        last = self.read
        now = time.monotonic()
        if last is None or now - last[0] >= self.check_every:
            last = self.read = (now, read())
        return last[1]

    def get(self, mark: Mark, key: Hashable, compute: Callable[[], T]) -> T:
        """The value of ``key`` under the warehouse's state ``mark``, computed by ``compute``
        unless kept. A newer mark forgets every value; an older one (a request that read the
        mark before a load) computes its value without keeping it."""
        while True:
            with self.lock:
                if self.mark is None or mark > self.mark:
                    self.mark = mark
                    self.values.clear()
                stale = mark != self.mark  # a request under an older state: nothing kept
                if not stale and key in self.values:
                    self.values.move_to_end(key)
                    return cast(T, self.values[key])
                waiting = None if stale else self.pending.get(key)
                if waiting is None:
                    mine = threading.Event()
                    if not stale:
                        self.pending[key] = mine
                    break
            waiting.wait()
        try:
            value = compute()
            with self.lock:
                if mark == self.mark:
                    self.values[key] = value
                    while len(self.values) > self.most:
                        self.values.popitem(last=False)
            return value
        finally:
            with self.lock:
                if self.pending.get(key) is mine:
                    del self.pending[key]
                mine.set()


@dataclass(frozen=True)
class Contents:
    """The shared values as one request sees them: under the state mark it got."""

    connection: sa.Connection
    mark: Mark
    summaries: Summaries

    def shared(self, key: Hashable, compute: Callable[[sa.Connection], T]) -> T:
        """The value of ``key``, ``compute(connection)`` unless kept."""
        return self.summaries.get(self.mark, key, lambda: compute(self.connection))

    def coverage(self, by: str) -> list[Coverage]:
        """The codes of column ``by`` (``indicator``, ``ref_area``) with data, as
        :func:`~decentwork.warehouse.contents.coverage` gives them."""
        return self.shared(("coverage", by), lambda c: coverage(c, by))

    def held(self, column: str, code: str) -> str:
        """``code``, when the latest view holds observations with it in ``column``
        (``ref_area`` or ``indicator``).

        Raises:
            NotFound: it holds none (404), saying where the codes with data are listed.
            QueryError: a code with a NUL character (422).
        """
        Filters.parse({column: [code]}, None)  # refuses what no code can be
        codes = self.shared(
            ("codes", column), lambda _c: frozenset(c.code for c in self.coverage(column))
        )
        return look_up(HELD[column], code, code if code in codes else None)

    def indicators_of(self, ref_area: str) -> tuple[str, ...]:
        """The indicators the latest view holds observations of for ``ref_area``, sorted."""
        return self.shared(("pairs",), _pairs).get(ref_area, ())

    def labels(self, lang: str) -> dict[tuple[str, str], str]:
        """Every label in ``lang`` by (kind, code)."""
        return self.shared(("labels", lang), lambda c: label_map(c, lang))

    def described(self) -> dict[str, tuple[str, str]]:
        """Indicator metadata: (unit, definition) by code."""
        return self.shared(("described",), described)

    def groups(self) -> dict[str, Group]:
        """The groups of areas, bundled and the warehouse's own, by code."""
        return self.shared(("groups",), groups)


def _pairs(connection: sa.Connection) -> dict[str, tuple[str, ...]]:
    """The indicators of each area in the latest view."""
    query = (
        view_query(Filters({}), None)
        .with_only_columns(observations.c.ref_area, observations.c.indicator)
        .distinct()
    )
    by_area: dict[str, list[str]] = {}
    for area, indicator in connection.execute(query):
        by_area.setdefault(area, []).append(indicator)
    return {area: tuple(sorted(codes)) for area, codes in by_area.items()}


def _contents(request: Request) -> Iterator[Contents]:
    """The shared values for one request, with the request's warehouse connection (which
    reads the mark when it is due): one dependency, so one trip to a worker thread."""
    summaries: Summaries = request.app.state.summaries
    with request.app.state.engine.connect() as connection:
        yield Contents(connection, summaries.current(lambda: state_mark(connection)), summaries)


Known = Annotated[Contents, Depends(_contents)]
"""A route's parameter that receives the shared values under the warehouse's current state,
and the request's warehouse connection (``Contents.connection``)."""

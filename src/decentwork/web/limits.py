"""The limits on one request's work, so that no request can take the server from the others:
how many areas a page may compare, how many rows a page may show, and how long a request may
take (its deadline, which also interrupts the warehouse's queries: SQLite's progress handler,
PostgreSQL's ``statement_timeout``)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from contextvars import ContextVar

import sqlalchemy as sa
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import ConnectionPoolEntry

from decentwork.errors import BadInput, Unavailable

EXPLORER_AREAS = 30
"""Areas the indicator explorer compares at most (``ref_area``)."""
PROGRESS_AREAS = 10
"""Areas a monitoring page assesses at most (``area``)."""
SHOWN_ROWS = 2_000
"""Observations the indicator explorer shows (and its twins give) at most."""
PAGE_ROWS = 1_000
"""Rows an HTML page of the data table shows at most (``limit``; its twins, as the API, give
up to 10,000)."""
CHECK_EVERY = 1_000_000
"""SQLite virtual machine steps between two looks at the deadline (some milliseconds: each
look takes Python's GIL, which under load can wait for other threads, so a usual query of a
few milliseconds makes none)."""

DEADLINE: ContextVar[float | None] = ContextVar("decentwork_deadline", default=None)
"""When the request being answered must be done (``time.monotonic()``), None outside one."""
LIMIT: ContextVar[float | None] = ContextVar("decentwork_time_limit", default=None)
"""The time limit of the request being answered, in seconds."""


class TooSlow(Unavailable):
    """The request took longer than the server lets one request take (503)."""

    @classmethod
    def after(cls, seconds: float) -> TooSlow:
        """The error of a request that had ``seconds``."""
        return cls(
            f"the request took longer than {seconds:g} s, the most one request may take",
            given=f"{seconds:g} s",
            hint="ask for less (fewer areas, a shorter time range, a smaller page), or "
            "try again when the server is less busy",
        )


def expired() -> bool:
    """Whether the request being answered is past its deadline."""
    deadline = DEADLINE.get()
    return deadline is not None and time.monotonic() > deadline


def at_most(codes: Sequence[str] | None, most: int, parameter: str, what: str) -> None:
    """Refuse more than ``most`` codes for ``parameter``.

    Raises:
        BadInput: there are more (422), saying how many may be asked for.
    """
    if codes is not None and len(codes) > most:
        raise BadInput(
            f"{parameter}: {len(codes)} {what} asked for, at most {most} per request",
            parameter=parameter,
            given=",".join(codes),
            expected=f"at most {most} {what}",
            hint="ask for them a few at a time, or use /data or the API, which "
            "give any number a page at a time",
        )


def interrupt_late_queries(target: sa.Engine, seconds: float) -> None:
    """Make the queries of ``target``'s connections stop once their request's deadline has
    passed: on SQLite by a progress handler that looks at :data:`DEADLINE`, on PostgreSQL by
    a ``statement_timeout`` of ``seconds``. The database then raises an ``OperationalError``.
    Connections already open are closed (the next ones get the setting)."""
    backend = target.dialect.name
    if backend == "sqlite":
        sa.event.listen(target, "connect", _sqlite_deadline)
    elif backend == "postgresql":
        milliseconds = max(1, round(seconds * 1000))

        def timeout(connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
            cursor = connection.cursor()
            cursor.execute(f"SET statement_timeout = {milliseconds}")
            cursor.close()
            connection.commit()

        sa.event.listen(target, "connect", timeout)
    target.dispose()


def _sqlite_deadline(connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    """Have SQLite interrupt a statement of a request past its deadline."""
    connection.set_progress_handler(expired, CHECK_EVERY)

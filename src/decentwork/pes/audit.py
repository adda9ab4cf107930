"""The audit log: who did what, when (UTC), to which record, through which interface, and
with what outcome. Every read of a person's record and every change is appended in the
transaction that does it; an operation that is refused or fails is recorded too, in a
transaction of its own after the operation's is rolled back. Rows hold ids, names of actions
and fields, and counts: never a personal value. The database refuses to change or delete
them (triggers); an administrator can query them and export them as CSV.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import sqlalchemy as sa

from decentwork.errors import (
    BadInput,
    Conflict,
    DecentworkError,
    NotFound,
    Refused,
    Unavailable,
)
from decentwork.pes.access import Actor, Role, load_actor, require
from decentwork.pes.tables import audit_log
from decentwork.pes.times import as_utc

if TYPE_CHECKING:
    from decentwork.pes.registry import Registry

OUTCOMES: tuple[tuple[type[DecentworkError], str], ...] = (
    (Refused, "refused"),
    (NotFound, "not found"),
    (Conflict, "conflict"),
    (BadInput, "bad input"),
)


@dataclass
class Step:
    """The transaction of one audited operation: the connection, the actor as the database
    knows it now, and the record and detail to log (which the operation may set, a new
    record's id for instance)."""

    connection: sa.Connection
    actor: Actor
    record_id: int | None
    detail: str = ""


@dataclass(frozen=True)
class Entry:
    """One row of the audit log."""

    id: int
    at: datetime
    user_id: int | None
    role: str | None
    interface: str
    action: str
    record_kind: str | None
    record_id: int | None
    outcome: str
    detail: str


def append(
    connection: sa.Connection,
    *,
    at: datetime,
    user_id: int | None,
    role: str | None,
    interface: str,
    action: str,
    kind: str | None,
    record_id: int | None,
    outcome: str,
    detail: str = "",
) -> None:
    """Append one row to the audit log through ``connection``."""
    connection.execute(
        sa.insert(audit_log).values(
            at=at,
            user_id=user_id,
            role=role,
            interface=interface,
            action=action,
            record_kind=kind,
            record_id=record_id,
            outcome=outcome,
            detail=detail[:400],
        )
    )


@contextmanager
def audited(
    registry: Registry,
    actor: Actor,
    action: str,
    kind: str | None = None,
    record_id: int | None = None,
) -> Iterator[Step]:
    """A transaction for ``actor`` doing ``action`` on the record ``kind`` ``record_id``,
    logged in it when it succeeds; when a :class:`~decentwork.errors.DecentworkError` ends
    it, the transaction is rolled back and the refusal logged in a transaction of its own
    (unless the database itself failed).

    Raises:
        Refused: the actor's user is disabled or gone.
    """
    step: Step | None = None
    try:
        with registry.engine.begin() as connection:
            step = Step(
                connection, load_actor(connection, actor.user_id, actor.interface), record_id
            )
            yield step
            append(
                connection,
                at=registry.clock(),
                user_id=actor.user_id,
                role=step.actor.role.value,
                interface=actor.interface.value,
                action=action,
                kind=kind,
                record_id=step.record_id,
                outcome="ok",
                detail=step.detail,
            )
    except DecentworkError as error:
        if not isinstance(error, Unavailable):
            outcome = next((name for kind_, name in OUTCOMES if isinstance(error, kind_)), "failed")
            with registry.engine.begin() as connection:
                append(
                    connection,
                    at=registry.clock(),
                    user_id=actor.user_id,
                    role=(actor if step is None else step.actor).role.value,
                    interface=actor.interface.value,
                    action=action,
                    kind=kind,
                    record_id=record_id if step is None else step.record_id,
                    outcome=outcome,
                    detail="" if step is None else step.detail,
                )
        raise


def entries(
    registry: Registry,
    actor: Actor,
    *,
    user: int | None = None,
    action: str | None = None,
    kind: str | None = None,
    record: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int | None = None,
) -> list[Entry]:
    """The audit log's rows, oldest first, filtered by user, action (a prefix: ``seeker``
    matches ``seeker.read``), record kind and id, and time (``since`` inclusive, ``until``
    exclusive); ``limit`` keeps the newest. Administrators only; the query is logged.

    Raises:
        Refused: the actor is not an administrator.
        BadInput: ``limit`` below 1.
    """
    if limit is not None and limit < 1:
        raise BadInput(
            f"limit {limit} is below 1",
            parameter="limit",
            given=limit,
            expected="a positive number",
        )
    with audited(registry, actor, "audit.read") as step:
        require(step.actor, Role.ADMINISTRATOR, to="read the audit log")
        query = sa.select(audit_log)
        if user is not None:
            query = query.where(audit_log.c.user_id == user)
        if action is not None:
            query = query.where(
                sa.or_(audit_log.c.action == action, audit_log.c.action.startswith(action + "."))
            )
        if kind is not None:
            query = query.where(audit_log.c.record_kind == kind)
        if record is not None:
            query = query.where(audit_log.c.record_id == record)
        if since is not None:
            query = query.where(audit_log.c.at >= as_utc(since))
        if until is not None:
            query = query.where(audit_log.c.at < as_utc(until))
        query = query.order_by(audit_log.c.id.desc())
        if limit is not None:
            query = query.limit(limit)
        rows = step.connection.execute(query).mappings().all()
        step.detail = f"{len(rows)} rows"
    return [Entry(**{**row, "at": as_utc(row["at"])}) for row in reversed(rows)]


def about(connection: sa.Connection, kind: str, record: int) -> list[Entry]:
    """Every audit row about one record, oldest first (for a person's export)."""
    rows = connection.execute(
        sa.select(audit_log)
        .where(audit_log.c.record_kind == kind, audit_log.c.record_id == record)
        .order_by(audit_log.c.id)
    ).mappings()
    return [Entry(**{**row, "at": as_utc(row["at"])}) for row in rows]


def write_csv(found: list[Entry], destination: Path | TextIO) -> None:
    """Write audit rows as CSV (a header, then a row per entry; times in ISO 8601 UTC).

    Raises:
        BadInput: the file cannot be written.
    """
    if isinstance(destination, Path):
        try:
            with destination.open("w", encoding="utf-8", newline="") as handle:
                write_csv(found, handle)
        except OSError as error:
            raise BadInput(
                f"{destination}: cannot be written ({error.strerror or error})",
                parameter="out",
                given=str(destination),
            ) from None
        return
    writer = csv.writer(destination, lineterminator="\n")
    names = [f.name for f in fields(Entry)]
    writer.writerow(names)
    for entry in found:
        writer.writerow(
            [
                ""
                if (v := getattr(entry, n)) is None
                else v.isoformat()
                if isinstance(v, datetime)
                else v
                for n in names
            ]
        )

"""Optimistic locking: a change carries the version of the record it was made on, and is
refused when someone else changed the record since."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from decentwork.errors import Conflict


def write_version(
    connection: sa.Connection,
    table: sa.Table,
    kind: str,
    record: int,
    version: int,
    values: Mapping[str, Any],
) -> int:
    """Write ``values`` to the record ``record`` of ``table`` if it is still at ``version``,
    in the caller's transaction; its new version.

    Raises:
        Conflict: the record is at another version (someone else changed it since it was
            read), naming the record and both versions.
    """
    changed = connection.execute(
        sa.update(table)
        .where(table.c.id == record, table.c.version == version)
        .values(**values, version=version + 1)
    )
    if changed.rowcount != 1:
        current = connection.execute(
            sa.select(table.c.version).where(table.c.id == record)
        ).scalar()
        raise Conflict(
            f"{kind} {record} was changed by someone else after version {version} "
            f"was read (it is at version {current} now)",
            parameter="version",
            given=version,
            expected=str(current),
            hint=f"read {kind} {record} again and make the change on it",
        )
    return version + 1

"""Inserting many rows at once and getting their ids back, quickly on either database.

On PostgreSQL, ``INSERT ... RETURNING`` of many rows costs psycopg a client-side parse of
every batch (about six times the insert itself), so the ids are taken from the table's
sequence first and the rows inserted with them; elsewhere the database returns them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa


def insert_rows(
    connection: sa.Connection, table: sa.Table, rows: Sequence[dict[str, Any]]
) -> list[int]:
    """Insert ``rows`` into ``table`` (whose key is an autoincremented ``id``) in the
    caller's transaction; their ids, in order."""
    if not rows:
        return []
    if connection.dialect.name == "postgresql":
        ids = [
            int(i)
            for i in connection.execute(
                sa.select(
                    sa.func.nextval(sa.func.pg_get_serial_sequence(table.name, "id"))
                ).select_from(sa.func.generate_series(1, len(rows)))
            ).scalars()
        ]
        connection.execute(
            sa.insert(table), [{**row, "id": i} for row, i in zip(rows, ids, strict=True)]
        )
        return ids
    return [
        int(i)
        for i in connection.execute(
            sa.insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
        ).scalars()
    ]

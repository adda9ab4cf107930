"""Record ids and other whole numbers as the PES routes take them: numbers a database integer
holds. A larger one, which no record has, is refused as bad input (422) rather than sent to
the database, which could not bind it."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

MAX_ID = 2**63 - 1
"""The largest number a database integer (SQLite's, PostgreSQL's bigint) holds."""
RecordId = Annotated[int, Path(ge=1, le=MAX_ID)]
"""A route's path parameter naming a record by its id."""
QueryId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
"""A query parameter naming a record by its id, when given."""

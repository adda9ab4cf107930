"""Bringing a warehouse's schema to the newest migration on request (``decentwork migrate``),
a SQLite file backed up beside itself first."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from decentwork.warehouse.database import (
    WarehouseError,
    connect,
    head_revision,
    opening,
    parse_url,
    schema_revision,
    shown,
    sqlite_file,
    upgrade,
)


@dataclass(frozen=True)
class Migrated:
    """What :func:`migrate` did: the warehouse, its schema revision before (None: no
    warehouse yet) and after, and the backup it made of a SQLite file (None: none made)."""

    warehouse: str
    before: str | None
    after: str
    backup: Path | None


def migrate(url: str | None = None, *, backup: bool = True) -> Migrated:
    """Bring the warehouse at ``url`` (see :func:`~decentwork.warehouse.database.database_url`)
    to the newest migration, creating it if there is none. A SQLite file whose schema is
    about to change is first copied, with SQLite's online backup API, to a timestamped file
    beside it (see :func:`backup_file`) unless ``backup`` is false.

    Raises:
        WarehouseError: the warehouse cannot be opened or backed up, or has a schema a newer
            decentwork made.
    """
    address = parse_url(url)
    path = sqlite_file(address)
    existed = path is not None and path.is_file()
    target = connect(url)
    try:
        with opening(address):
            before = schema_revision(target)
            copy = None
            if backup and path is not None and existed and before != head_revision():
                copy = backup_file(path)
            upgrade(target)
    finally:
        target.dispose()
    return Migrated(shown(address), before, head_revision(), copy)


def backup_file(path: Path, now: datetime | None = None) -> Path:
    """Copy the SQLite database ``path`` (consistently, even while others write to it) to
    ``<name>.<UTC time>.backup<suffix>`` beside it, e.g.
    ``warehouse.20260131T120000Z.backup.sqlite``; returns the copy's path.

    Raises:
        WarehouseError: the database cannot be read or the copy written.
    """
    stamp = f"{(now or datetime.now(UTC)):%Y%m%dT%H%M%SZ}"
    target = path.with_name(f"{path.stem}.{stamp}.backup{path.suffix}")
    serial = 1
    while target.exists():
        serial += 1
        target = path.with_name(f"{path.stem}.{stamp}-{serial}.backup{path.suffix}")
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as source, \
                closing(sqlite3.connect(target)) as copy:
            source.backup(copy)
    except (sqlite3.Error, OSError) as error:
        target.unlink(missing_ok=True)
        raise WarehouseError(f"cannot back {path} up to {target}: {error}; nothing migrated",
                             given=str(path)) from None
    return target

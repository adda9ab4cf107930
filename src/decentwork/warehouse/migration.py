"""Bringing a warehouse's schema to the newest migration on request (``decentwork migrate``),
a SQLite file backed up beside itself first (:func:`~decentwork.warehouse.backup.backup_file`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from decentwork.warehouse.backup import backup_file
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
                copy = _backed_up(path)
            upgrade(target)
    finally:
        target.dispose()
    return Migrated(shown(address), before, head_revision(), copy)


def _backed_up(path: Path) -> Path:
    """The backup of ``path`` before its migration (:func:`backup_file`).

    Raises:
        WarehouseError: it cannot be made (saying that nothing was migrated).
    """
    try:
        return backup_file(path)
    except WarehouseError as error:
        raise WarehouseError(f"{error.message}; nothing migrated", given=error.given) from None

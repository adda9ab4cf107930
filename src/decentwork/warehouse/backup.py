"""Backing a warehouse up (``decentwork backup``): a SQLite file copied with SQLite's online
backup API (consistent even while others write to it), a PostgreSQL database dumped with
``pg_dump`` (custom format, for ``pg_restore``). How to restore is in docs/warehouse.md."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from decentwork.errors import BadInput, Unavailable
from decentwork.warehouse.database import (
    NoWarehouse,
    WarehouseError,
    parse_url,
    shown,
    sqlite_file,
)

PG_DUMP = "pg_dump"
SEARCH_PATH = re.compile(r"-c\s*search_path\s*=\s*([^\s,]+)")
"""The schema a PostgreSQL URL's ``options`` put first on the search path."""


@dataclass(frozen=True)
class Backup:
    """A backup made: of which warehouse, to which file, how."""

    warehouse: str
    file: Path
    how: str


def backup(url: str | None = None, out: Path | None = None) -> Backup:
    """Back the warehouse at ``url`` (see :func:`~decentwork.warehouse.database.database_url`)
    up to the file ``out``, which must not exist yet. Default: beside a SQLite file (see
    :func:`backup_file`); ``<database>.<UTC time>.dump`` in the current folder for
    PostgreSQL.

    Raises:
        NoWarehouse: there is no SQLite file at ``url``.
        BadInput: ``out`` exists already, or its folder does not.
        Unavailable: PostgreSQL without ``pg_dump`` (the message says what to run instead),
            or ``pg_dump`` failed.
        WarehouseError: another kind of database, or the copy failed.
    """
    address = parse_url(url)
    where = shown(address)
    if out is not None:
        _check_target(out)
    backend = address.get_backend_name()
    if backend == "sqlite":
        path = sqlite_file(address)
        if path is None or not path.is_file():
            raise NoWarehouse(f"no warehouse at {where} to back up", given=where)
        if out is None:
            return Backup(where, backup_file(path), "SQLite online backup")
        _copy_sqlite(path, out)
        return Backup(where, out, "SQLite online backup")
    if backend == "postgresql":
        target = out or Path(f"{address.database or 'warehouse'}.{_stamp()}.dump")
        _check_target(target)
        return Backup(where, _pg_dump(address, target), "pg_dump (custom format)")
    raise WarehouseError(
        f"cannot back up {where}: decentwork backs up SQLite and PostgreSQL "
        "warehouses; use the database's own tools",
        given=where,
    )


def _stamp(now: datetime | None = None) -> str:
    return f"{(now or datetime.now(UTC)):%Y%m%dT%H%M%SZ}"


def _check_target(out: Path) -> None:
    """Refuse a backup file that exists (a backup never overwrites) or whose folder does
    not."""
    if out.exists():
        raise BadInput(
            f"{out} exists already: a backup never overwrites a file",
            parameter="out",
            given=out,
            expected="a new file",
        )
    if not out.parent.is_dir():
        raise BadInput(f"{out}: the folder {out.parent} does not exist", parameter="out", given=out)


def backup_file(path: Path, now: datetime | None = None) -> Path:
    """Copy the SQLite database ``path`` (consistently, even while others write to it) to
    ``<name>.<UTC time>.backup<suffix>`` beside it, e.g.
    ``warehouse.20260131T120000Z.backup.sqlite``; returns the copy's path.

    Raises:
        WarehouseError: the database cannot be read or the copy written.
    """
    stamp = _stamp(now)
    target = path.with_name(f"{path.stem}.{stamp}.backup{path.suffix}")
    serial = 1
    while target.exists():
        serial += 1
        target = path.with_name(f"{path.stem}.{stamp}-{serial}.backup{path.suffix}")
    _copy_sqlite(path, target)
    return target


def _copy_sqlite(path: Path, target: Path) -> None:
    """Copy the SQLite database ``path`` to ``target`` with the online backup API (nothing
    left at ``target`` if it fails).

    Raises:
        WarehouseError: the database cannot be read or the copy written.
    """
    try:
        with (
            closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as source,
            closing(sqlite3.connect(target)) as copy,
        ):
            source.backup(copy)
    except (sqlite3.Error, OSError) as error:
        target.unlink(missing_ok=True)
        raise WarehouseError(
            f"cannot back {path} up to {target}: {error}", given=str(path)
        ) from None


def _pg_dump(address: sa.URL, target: Path) -> Path:
    """Dump the PostgreSQL warehouse at ``address`` (only its schema, where the URL's
    ``options`` set a search path) to ``target`` with ``pg_dump``.

    Raises:
        Unavailable: no ``pg_dump`` on the PATH, or it failed (its message quoted).
    """
    libpq = sa.URL.create(
        "postgresql",
        username=address.username,
        host=address.host,
        port=address.port,
        database=address.database,
        query=address.query,
    )
    uri = libpq.render_as_string(hide_password=False)  # no password: given to pg_dump apart
    command = [PG_DUMP, "--format=custom", f"--file={target}", f"--dbname={uri}"]
    schema = SEARCH_PATH.search(str(address.query.get("options", "")))
    if schema:
        command.append(f"--schema={schema.group(1)}")
    program = shutil.which(PG_DUMP)
    if program is None:
        raise Unavailable(
            f"cannot back up {shown(address)}: {PG_DUMP} is not installed "
            "(PostgreSQL's client programs)",
            given=shown(address),
            hint="Install PostgreSQL's client programs, or run: " + " ".join(command),
        )
    environment = dict(os.environ)
    if address.password is not None:
        environment["PGPASSWORD"] = str(address.password)
    done = subprocess.run(
        [program, *command[1:]], capture_output=True, text=True, env=environment, check=False
    )
    if done.returncode != 0:
        target.unlink(missing_ok=True)
        reason = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        raise Unavailable(
            f"cannot back up {shown(address)}: {PG_DUMP} failed ({reason})", given=shown(address)
        )
    return target

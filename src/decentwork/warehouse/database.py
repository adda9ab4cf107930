"""Where the warehouse lives and how to open it.

The embedded default is a SQLite file in the user data directory; ``--db URL`` or the
``DECENTWORK_DB`` environment variable selects another database (for example
``postgresql+psycopg://user@host/db``). Opening a warehouse to write brings its schema up to
date with the Alembic migrations shipped in :mod:`decentwork.warehouse.migrations` (creating
the warehouse if need be); opening it read-only creates and migrates nothing, and refuses a
warehouse that does not exist or whose schema is not the newest.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import platformdirs
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import ConnectionPoolEntry

from decentwork.errors import Conflict, NotFound, Unavailable
from decentwork.warehouse.settings import LOCK_WAIT, lock_wait

ENVIRONMENT = "DECENTWORK_DB"
SQLITE_TIMEOUT = 60.0  # seconds a statement waits for another's transaction on the same file
LOCK_KEY = 0x6465636E  # PostgreSQL advisory lock of the warehouse's writers ("decn")
NO_WAREHOUSE = "check the address; loading a file (decentwork load FILE) creates a warehouse"
OLD_SCHEMA = "'decentwork migrate' upgrades it (backing a SQLite file up first)"


class WarehouseError(Unavailable):
    """The warehouse cannot be opened or used; the message says which and why."""


class NoWarehouse(NotFound, WarehouseError):
    """There is no warehouse at the address yet (a load creates it)."""


class OldSchema(WarehouseError):
    """The warehouse's schema is not at the newest migration (``decentwork migrate``)."""


class Busy(Conflict):
    """Another writer held the warehouse's write lock longer than a writer waits for it."""


def busy(where: str, wait: float) -> Busy:
    """The refusal of a writer that waited ``wait`` seconds for the write lock of the
    warehouse ``where``."""
    return Busy(
        f"the warehouse {where} is busy: another writer (a load, a migration, a group "
        f"change) held its write lock for more than {wait:g} s",
        given=where,
        expected=f"the write lock within {wait:g} s",
        hint=f"Try again when it has finished ({LOCK_WAIT} sets how many seconds to wait).",
    )


def default_path() -> Path:
    """The embedded warehouse file: ``warehouse.sqlite`` in the user data directory."""
    return Path(platformdirs.user_data_dir("decentwork", appauthor=False)) / "warehouse.sqlite"


def database_url(url: str | None = None) -> str:
    """The database to use: ``url``, else ``$DECENTWORK_DB``, else the embedded SQLite file."""
    return url or os.environ.get(ENVIRONMENT) or f"sqlite:///{default_path()}"


def parse_url(url: str | None = None) -> sa.URL:
    """The database URL (see :func:`database_url`), parsed.

    Raises:
        WarehouseError: the URL is malformed.
    """
    target = database_url(url)
    try:
        return sa.make_url(target)
    except sa.exc.ArgumentError as error:
        raise WarehouseError(
            f"database URL {target!r} is not valid ({error})", given=target
        ) from None


def shown(url: sa.URL) -> str:
    """A database URL as it is shown to users: its password hidden."""
    return url.render_as_string(hide_password=True)


def sqlite_file(url: sa.URL) -> Path | None:
    """The file of a SQLite warehouse (None for another database or an in-memory one)."""
    database = url.database
    if url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    return Path(database)


def engine(
    url: str | None = None, *, connections: int | None = None, read_only: bool = False
) -> sa.Engine:
    """An engine on the warehouse at ``url`` (see :func:`database_url`), keeping at most
    ``connections`` connections open at once (None: SQLAlchemy's default).

    To write (the default), the warehouse is created if need be and its schema upgraded to
    the newest migration. ``read_only`` creates and migrates nothing: the warehouse must exist
    with its schema at the newest migration, and every write through the engine fails
    (SQLite is opened with ``mode=ro``, PostgreSQL sessions are read-only).

    Raises:
        NoWarehouse: ``read_only`` and there is no warehouse at ``url`` (a load creates it).
        OldSchema: ``read_only`` and the schema is not the newest (``decentwork migrate``).
        WarehouseError: the URL is malformed, the server unreachable, the file unwritable or
            not a database.
    """
    address = parse_url(url)
    created = connect(url, connections=connections, read_only=read_only)
    try:
        with opening(address):
            if read_only:
                require_current(created, shown(address))
            else:
                upgrade(created)
    except WarehouseError:
        created.dispose()
        raise
    return created


def connect(
    url: str | None = None, *, connections: int | None = None, read_only: bool = False
) -> sa.Engine:
    """An engine on the database at ``url`` as :func:`engine` opens it, its schema left as it
    is (nothing is checked or migrated; to write, a SQLite file's folder is created).

    Raises:
        NoWarehouse: ``read_only`` and there is no SQLite file at ``url``.
        WarehouseError: the URL is malformed, the file's folder cannot be made.
    """
    address = parse_url(url)
    arguments: dict[str, object] = {}
    if connections is not None:
        arguments.update(pool_size=connections, max_overflow=0)
    backend = address.get_backend_name()
    path = sqlite_file(address)
    with opening(address):
        if backend == "sqlite":
            arguments["connect_args"] = {"timeout": SQLITE_TIMEOUT}
        if backend == "sqlite" and read_only:
            created = sa.create_engine(_read_only_sqlite(address, path), **arguments)
        else:
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
            created = sa.create_engine(address, **arguments)
    if backend == "sqlite" and not read_only:  # a reader keeps the writers' journal mode
        sa.event.listen(created, "connect", _sqlite_pragmas)
    elif backend == "postgresql" and read_only:
        sa.event.listen(created, "connect", _postgresql_read_only)
    return created


@contextmanager
def opening(address: sa.URL) -> Iterator[None]:
    """Report the database's and the file system's failures while opening the warehouse at
    ``address`` as a :class:`WarehouseError` naming it."""
    try:
        yield
    except (sa.exc.SQLAlchemyError, OSError, ModuleNotFoundError) as error:
        raise WarehouseError(
            f"cannot open the warehouse {shown(address)}: {str(error).splitlines()[0]}",
            given=shown(address),
        ) from None


def _read_only_sqlite(url: sa.URL, path: Path | None) -> sa.URL:
    """The URL opening the SQLite file at ``path`` read-only (an SQLite URI, ``mode=ro``).

    Raises:
        NoWarehouse: the file does not exist (or the warehouse is in memory).
        WarehouseError: the file's folder is not a folder.
    """
    if path is None:
        raise NoWarehouse(
            f"an in-memory database ({shown(url)}) holds no warehouse to read", given=shown(url)
        )
    if path.exists() and not path.is_file():
        raise WarehouseError(
            f"cannot open the warehouse {shown(url)}: {path} is not a file", given=shown(url)
        )
    if not path.exists():
        folder = next((p for p in path.parents if p.exists()), None)
        if folder is not None and not folder.is_dir():
            raise WarehouseError(
                f"cannot open the warehouse {shown(url)}: {folder} is not a folder",
                given=shown(url),
            )
        raise NoWarehouse(
            f"no warehouse at {path}: the file does not exist; a load creates it",
            given=str(path),
            hint=NO_WAREHOUSE,
        )
    return url.set(
        database=path.resolve().as_uri(), query={**url.query, "mode": "ro", "uri": "true"}
    )


def _sqlite_pragmas(connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    """Foreign keys checked, and write-ahead logging, so that readers do not wait."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()


def _postgresql_read_only(connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    """Make every transaction of a new PostgreSQL session read-only (committed, since a
    setting made in a transaction rolled back is undone)."""
    cursor = connection.cursor()
    cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    cursor.close()
    connection.commit()


def migration_config(connection: sa.Connection | None = None) -> Config:
    """The Alembic configuration of decentwork's migrations, run on ``connection``."""
    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("decentwork.warehouse") / "migrations")
    )
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest migration decentwork ships."""
    head = ScriptDirectory.from_config(migration_config()).get_current_head()
    if head is None:
        raise RuntimeError("decentwork ships no migrations")  # a broken installation
    return head


def write_lock(connection: sa.Connection, wait: float | None = None) -> None:
    """Take the warehouse's write lock for the rest of the transaction, so that writers
    (loads, migrations) run one after another, waiting at most ``wait`` seconds (default:
    :func:`~decentwork.warehouse.settings.lock_wait`) for another writer to finish:
    PostgreSQL's transaction-level advisory lock, tried until the wait is over (the
    transaction's other lock waits are then bounded by the same time); on SQLite, an empty
    write, which takes the database's write lock.

    Raises:
        Busy: another writer held the lock for longer than ``wait``.
    """
    wait = lock_wait() if wait is None else wait
    where = shown(connection.engine.url)
    if connection.dialect.name == "postgresql":
        deadline = time.monotonic() + wait
        pause = 0.02
        while not connection.execute(
            sa.text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": LOCK_KEY}
        ).scalar_one():
            left = deadline - time.monotonic()
            if left <= 0:
                raise busy(where, wait)
            time.sleep(min(pause, left))
            pause = min(2 * pause, 0.5)
        connection.execute(sa.text(f"SET LOCAL lock_timeout = {max(1, round(wait * 1000))}"))
    elif connection.dialect.name == "sqlite":
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {max(1, round(wait * 1000))}")
        try:
            connection.execute(sa.text("CREATE TABLE IF NOT EXISTS decentwork_lock (id INTEGER)"))
            connection.execute(sa.text("DELETE FROM decentwork_lock WHERE 1 = 0"))
        except sa.exc.OperationalError as error:
            if "locked" in str(error.orig):
                raise busy(where, wait) from None
            raise


def upgrade(target: sa.Engine) -> None:
    """Bring the warehouse's schema to the newest migration (nothing when it is current);
    concurrent openers wait for each other under :func:`write_lock`.

    Raises:
        WarehouseError: the schema is at a migration this decentwork does not know (a newer
            decentwork made it).
    """
    head = head_revision()
    if schema_revision(target) == head:
        return
    with target.begin() as connection:
        write_lock(connection)
        current = MigrationContext.configure(connection).get_current_revision()
        if current != head:
            _check_known(current, shown(target.url))
            command.upgrade(migration_config(connection), "head")


def require_current(target: sa.Engine, where: str) -> None:
    """Refuse a warehouse whose schema is not the newest migration, without changing it;
    ``where`` names the warehouse in messages.

    Raises:
        NoWarehouse: the database has no warehouse (no schema revision).
        OldSchema: an older schema (``decentwork migrate`` upgrades it).
        WarehouseError: a schema a newer decentwork made.
    """
    current = schema_revision(target)
    head = head_revision()
    if current == head:
        return
    if current is None:
        raise NoWarehouse(
            f"no warehouse at {where}: the database has no warehouse tables; a load creates them",
            given=where,
            hint=NO_WAREHOUSE,
        )
    _check_known(current, where)
    raise OldSchema(
        f"the warehouse {where} has schema revision {current}, older than this decentwork's "
        f"{head}: it must be migrated before it can be read",
        given=current,
        expected=head,
        hint=OLD_SCHEMA,
    )


def _check_known(revision: str | None, where: str) -> None:
    """Refuse a schema revision none of decentwork's migrations made."""
    if revision is None:
        return
    script = ScriptDirectory.from_config(migration_config())
    if revision not in {s.revision for s in script.walk_revisions()}:
        raise WarehouseError(
            f"the warehouse {where} has schema revision {revision}, which this decentwork "
            f"does not know (its newest is {head_revision()}); a newer decentwork made it",
            given=revision,
            expected=head_revision(),
            hint="upgrade decentwork",
        )


def schema_revision(target: sa.Engine) -> str | None:
    """The migration the warehouse is at (None: no warehouse tables yet)."""
    with target.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()

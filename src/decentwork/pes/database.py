"""Where the PES database lives and how to open it.

The PES keeps its personal data in a database of its own, never in the warehouse, so that
the public dashboard's connection can never read a person. The embedded default is a SQLite
file ``pes.sqlite`` in the user data directory, beside the warehouse; a ``url`` argument
(``--pes-db``) or the ``DECENTWORK_PES_DB`` environment variable selects another database
(PostgreSQL for a real service: ``postgresql+psycopg://user@host/pes``). The schema comes
from the Alembic migrations in :mod:`decentwork.pes.migrations`, recorded in a version table
of the PES's own (``pes_alembic_version``).

SQLite files are opened with foreign keys checked, write-ahead logging and ``secure_delete``
(erased personal data are overwritten, not merely unlinked). The engine never shows the
values of a statement's parameters in its logs or errors (``hide_parameters``), so that a
database error cannot carry a person's data into a log.
"""

from __future__ import annotations

import os
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

from decentwork.errors import NotFound, Unavailable

ENVIRONMENT = "DECENTWORK_PES_DB"
VERSION_TABLE = "pes_alembic_version"
SQLITE_TIMEOUT = 60.0  # seconds a writer waits for another's transaction on the same file
CREATE_HINT = "'decentwork pes init' creates a PES database"


class PesDatabaseError(Unavailable):
    """The PES database cannot be opened or used; the message says which and why."""


class NoPesDatabase(NotFound, PesDatabaseError):
    """There is no PES database at the address (``decentwork pes init`` creates one)."""


def default_path() -> Path:
    """The embedded PES database: ``pes.sqlite`` in the user data directory."""
    return Path(platformdirs.user_data_dir("decentwork", appauthor=False)) / "pes.sqlite"


def database_url(url: str | None = None) -> str:
    """The database to use: ``url``, else ``$DECENTWORK_PES_DB``, else the embedded file."""
    return url or os.environ.get(ENVIRONMENT) or f"sqlite:///{default_path()}"


def shown(url: sa.URL) -> str:
    """A database URL as it is shown to users: its password hidden."""
    return url.render_as_string(hide_password=True)


def parse_url(url: str | None = None) -> sa.URL:
    """The PES database's URL (see :func:`database_url`), parsed.

    Raises:
        PesDatabaseError: the URL is malformed.
    """
    target = database_url(url)
    try:
        return sa.make_url(target)
    except sa.exc.ArgumentError as error:
        raise PesDatabaseError(
            f"PES database URL {target!r} is not valid ({error})", parameter="url", given=target
        ) from None


@contextmanager
def opening(address: sa.URL) -> Iterator[None]:
    """Report the database's and the file system's failures while opening the PES database
    at ``address`` as a :class:`PesDatabaseError` naming it."""
    try:
        yield
    except (sa.exc.SQLAlchemyError, OSError, ModuleNotFoundError) as error:
        raise PesDatabaseError(
            f"cannot open the PES database {shown(address)}: {str(error).splitlines()[0]}",
            given=shown(address),
        ) from None


def engine(url: str | None = None, *, create: bool = True) -> sa.Engine:
    """An engine on the PES database at ``url`` (see :func:`database_url`), its schema
    brought to the newest migration.

    With ``create`` (the default) the database is created if need be; without, there must be
    a PES database at ``url`` already, and nothing is created (the commands other than
    ``init`` open it so, and a web server asks so whether there is a PES to serve).

    Raises:
        NoPesDatabase: not ``create`` and there is no PES database at ``url``.
        PesDatabaseError: the URL is malformed, the server unreachable, the file not a
            database, or the schema one a newer decentwork made.
    """
    address = parse_url(url)
    path = _sqlite_file(address)
    if not create and path is not None and not path.is_file():
        raise NoPesDatabase(f"no PES database at {path}", given=str(path), hint=CREATE_HINT)
    with opening(address):
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        created = sa.create_engine(
            address,
            hide_parameters=True,
            **(
                {"connect_args": {"timeout": SQLITE_TIMEOUT}}
                if address.get_backend_name() == "sqlite"
                else {}
            ),
        )
    if address.get_backend_name() == "sqlite":
        sa.event.listen(created, "connect", _sqlite_pragmas)
    try:
        with opening(address):
            if not create and schema_revision(created) is None:
                raise NoPesDatabase(
                    f"no PES database at {shown(address)}: the database has no PES tables",
                    given=shown(address),
                    hint=CREATE_HINT,
                )
            upgrade(created)
    except PesDatabaseError:
        created.dispose()
        raise
    return created


def _sqlite_file(url: sa.URL) -> Path | None:
    """The file of a SQLite database (None for another database or an in-memory one)."""
    database = url.database
    if url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    return Path(database)


def _sqlite_pragmas(connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    """Foreign keys checked, write-ahead logging so that readers do not wait, and deleted
    content overwritten."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA secure_delete = ON")
    cursor.close()


def migration_config(connection: sa.Connection | None = None) -> Config:
    """The Alembic configuration of the PES migrations, run on ``connection``."""
    config = Config()
    config.set_main_option("script_location", str(resources.files("decentwork.pes") / "migrations"))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest PES migration decentwork ships."""
    head = ScriptDirectory.from_config(migration_config()).get_current_head()
    if head is None:
        raise RuntimeError("decentwork ships no PES migrations")  # a broken installation
    return head


def schema_revision(target: sa.Engine) -> str | None:
    """The migration the PES database is at (None: no PES tables yet)."""
    with target.connect() as connection:
        return MigrationContext.configure(
            connection, opts={"version_table": VERSION_TABLE}
        ).get_current_revision()


def write_lock(connection: sa.Connection) -> None:
    """Take a lock for the rest of the transaction so that migrations run one after another:
    a PostgreSQL transaction-level advisory lock; on SQLite, an empty write, which takes the
    database's write lock at once."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('decentwork.pes'))"))
    elif connection.dialect.name == "sqlite":
        connection.execute(sa.text("CREATE TABLE IF NOT EXISTS pes_lock (id INTEGER)"))
        connection.execute(sa.text("DELETE FROM pes_lock WHERE 1 = 0"))


def upgrade(target: sa.Engine) -> None:
    """Bring the PES schema to the newest migration (nothing when it is current).

    Raises:
        PesDatabaseError: the schema is at a migration this decentwork does not know.
    """
    head = head_revision()
    if schema_revision(target) == head:
        return
    with target.begin() as connection:
        write_lock(connection)
        current = MigrationContext.configure(
            connection, opts={"version_table": VERSION_TABLE}
        ).get_current_revision()
        if current != head:
            _check_known(current, shown(target.url))
            command.upgrade(migration_config(connection), "head")


def _check_known(revision: str | None, where: str) -> None:
    """Refuse a schema revision none of the PES migrations made."""
    if revision is None:
        return
    script = ScriptDirectory.from_config(migration_config())
    if revision not in {s.revision for s in script.walk_revisions()}:
        raise PesDatabaseError(
            f"the PES database {where} has schema revision {revision}, which this decentwork "
            f"does not know (its newest is {head_revision()}); a newer decentwork made it",
            given=revision,
            expected=head_revision(),
            hint="upgrade decentwork",
        )

"""Where the warehouse lives and how to open it.

The embedded default is a SQLite file in the user data directory; ``--db URL`` or the
``DECENTWORK_DB`` environment variable selects another database (for example
``postgresql+psycopg://user@host/db``). Opening a warehouse brings its schema up to date with
the Alembic migrations shipped in :mod:`decentwork.warehouse.migrations`.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import platformdirs
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

ENVIRONMENT = "DECENTWORK_DB"
SQLITE_TIMEOUT = 60.0  # seconds a writer waits for another's transaction on the same file
LOCK_KEY = 0x6465636E  # PostgreSQL advisory lock of the warehouse's writers ("decn")


class WarehouseError(RuntimeError):
    """The warehouse cannot be opened or used; the message says which and why."""


def default_path() -> Path:
    """The embedded warehouse file: ``warehouse.sqlite`` in the user data directory."""
    return Path(platformdirs.user_data_dir("decentwork", appauthor=False)) / "warehouse.sqlite"


def database_url(url: str | None = None) -> str:
    """The database to use: ``url``, else ``$DECENTWORK_DB``, else the embedded SQLite file."""
    return url or os.environ.get(ENVIRONMENT) or f"sqlite:///{default_path()}"


def engine(url: str | None = None, *, connections: int | None = None) -> sa.Engine:
    """An engine on the warehouse at ``url`` (see :func:`database_url`), its schema upgraded,
    keeping at most ``connections`` connections open at once (None: SQLAlchemy's default).

    Raises:
        WarehouseError: the URL is malformed, the server unreachable or the file unwritable.
    """
    target = database_url(url)
    try:
        parsed = sa.make_url(target)
    except sa.exc.ArgumentError as error:
        raise WarehouseError(f"database URL {target!r} is not valid ({error})") from None
    arguments: dict[str, object] = {}
    if connections is not None:
        arguments.update(pool_size=connections, max_overflow=0)
    try:
        if parsed.get_backend_name() == "sqlite":
            database = parsed.database
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            arguments["connect_args"] = {"timeout": SQLITE_TIMEOUT}
        created = sa.create_engine(parsed, **arguments)
        if parsed.get_backend_name() == "sqlite":
            sa.event.listen(created, "connect", _sqlite_pragmas)
        upgrade(created)
    except (sa.exc.SQLAlchemyError, OSError, ModuleNotFoundError) as error:
        raise WarehouseError(
            f"cannot open the warehouse {parsed.render_as_string(hide_password=True)}: "
            f"{str(error).splitlines()[0]}"
        ) from None
    return created


def _sqlite_pragmas(connection: object, _record: object) -> None:
    cursor = connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()


def _config(connection: sa.Connection) -> Config:
    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("decentwork.warehouse") / "migrations")
    )
    config.attributes["connection"] = connection
    return config


def write_lock(connection: sa.Connection) -> None:
    """Take the warehouse's write lock for the rest of the transaction, so that writers
    (loads, migrations) run one after another: PostgreSQL's transaction-level advisory lock;
    on SQLite, an empty write, which takes the database's write lock at once."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
    elif connection.dialect.name == "sqlite":
        connection.execute(sa.text("CREATE TABLE IF NOT EXISTS decentwork_lock (id INTEGER)"))
        connection.execute(sa.text("DELETE FROM decentwork_lock WHERE 1 = 0"))


def upgrade(target: sa.Engine) -> None:
    """Bring the warehouse's schema to the newest migration (nothing when it is current);
    concurrent openers wait for each other under :func:`write_lock`."""
    with target.connect() as connection:
        config = _config(connection)
        head = ScriptDirectory.from_config(config).get_current_head()
        if MigrationContext.configure(connection).get_current_revision() == head:
            return
    with target.begin() as connection:
        write_lock(connection)
        config = _config(connection)
        if MigrationContext.configure(connection).get_current_revision() != head:
            command.upgrade(config, "head")


def schema_revision(target: sa.Engine) -> str | None:
    """The migration the warehouse is at."""
    with target.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()

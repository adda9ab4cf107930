"""Shared fixtures of the PES tests.

Every test touching the database runs on SQLite (a file in the test's folder) and on
PostgreSQL (the server at 127.0.0.1:5432, trust auth, as on the developers' and CI
machines). PostgreSQL tests never touch the warehouse tests' database ``test``: each session
migrates a database ``pes_test_<random>`` once, and each test gets a copy of it
(``CREATE DATABASE ... TEMPLATE``) that is dropped afterwards. A missing server fails the
tests (CI provides it), it does not skip them.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from decentwork.pes.database import engine

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
DATABASES = ["sqlite", "postgresql"]


def _admin() -> sa.Engine:
    return sa.create_engine(f"{SERVER}/test", poolclass=NullPool, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A migrated SQLite file and a migrated PostgreSQL database to copy for each test."""
    folder = tmp_path_factory.mktemp("pes-template")
    sqlite = engine(f"sqlite:///{folder}/template.sqlite")
    with sqlite.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    sqlite.dispose()
    name = f"pes_test_{uuid.uuid4().hex[:12]}"
    admin = _admin()
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as error:
        pytest.fail(f"PostgreSQL at {SERVER} is unreachable (CI provides it): {error}")
    migrated = engine(f"{SERVER}/{name}")
    migrated.dispose()
    yield {"sqlite": str(folder / "template.sqlite"), "postgresql": name}
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture(params=DATABASES)
def url(request: pytest.FixtureRequest, tmp_path: Path,
        templates: dict[str, str]) -> Iterator[str]:
    """The URL of a fresh, migrated, empty PES database on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        shutil.copyfile(templates["sqlite"], tmp_path / "pes.sqlite")
        yield f"sqlite:///{tmp_path}/pes.sqlite"
        return
    name = f"{templates['postgresql']}_{uuid.uuid4().hex[:8]}"
    admin = _admin()
    with admin.connect() as connection:
        connection.exec_driver_sql(
            f'CREATE DATABASE "{name}" TEMPLATE "{templates["postgresql"]}"')
    try:
        yield f"{SERVER}/{name}"
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

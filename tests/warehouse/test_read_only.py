"""Opening the warehouse read-only (the reading commands, the dashboard): a warehouse that does
not exist or whose schema is not current is refused and nothing is created or migrated; any
write through a read-only engine fails; SQLite is read while another process writes.
``migrate`` brings an old schema up to date, backing a SQLite file up first."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.pool import NullPool

from decentwork.warehouse import (
    NoWarehouse,
    OldSchema,
    WarehouseError,
    engine,
    load_file,
    migrate,
    view,
)
from decentwork.warehouse.database import head_revision, migration_config, schema_revision
from decentwork.warehouse.migration import backup_file
from decentwork.warehouse.tables import changes, releases
from tests.warehouse.conftest import (
    ILOSTAT_HEADER,
    assert_ok,
    assert_refused,
    counts,
    flat,
    invoke,
    is_sqlite,
    write_csv,
)

OLD = "0003"
"""A schema revision before the newest."""
READING = (("query",), ("releases",), ("groups", "list"))


def small_file(folder: Path, value: str = "0.5") -> Path:
    return write_csv(
        folder / "small.csv",
        ILOSTAT_HEADER,
        [
            [
                "KHM",
                "SDG_0852_SEX_AGE_RT",
                "BA:1321",
                "SEX_T",
                "AGE_YTHADULT_YGE15",
                "2019",
                value,
                "",
                "",
                "",
                "",
            ]
        ],
    )


def tables(url: str) -> list[str]:
    """The tables in the database at ``url``, looked at without decentwork."""
    if is_sqlite(url):
        path = Path(sa.make_url(url).database or "")
        if not path.exists():
            return []
    looker = sa.create_engine(url, poolclass=NullPool)
    try:
        return sorted(sa.inspect(looker).get_table_names())
    finally:
        looker.dispose()


def at_revision(url: str, revision: str) -> None:
    """Make the warehouse at ``url`` with its schema at ``revision``, holding one release."""
    target = sa.create_engine(url, poolclass=NullPool)
    try:
        with target.begin() as connection:
            command.upgrade(migration_config(connection), revision)
            connection.execute(
                sa.text(
                    "INSERT INTO releases (dataset, file, checksum, format, loaded_at, loaded_by, "
                    '"full", rows_read, rows_added, rows_changed, rows_unchanged, rows_withdrawn) '
                    "VALUES ('old', 'old.csv', 'x', 'ilostat-bulk', CURRENT_TIMESTAMP, 'me', "
                    "TRUE, 0, 0, 0, 0, 0)"
                )
            )
    finally:
        target.dispose()


def revision_of(url: str) -> str | None:
    looker = sa.create_engine(url, poolclass=NullPool)
    try:
        return schema_revision(looker)
    finally:
        looker.dispose()


# A warehouse that does not exist ------------------------------------------------------------


def test_a_missing_warehouse_is_refused_and_nothing_is_created(url: str, tmp_path: Path) -> None:
    before = sorted(tmp_path.iterdir())
    with pytest.raises(NoWarehouse, match="no warehouse at") as refused:
        engine(url, read_only=True)
    assert "a load creates" in refused.value.message
    assert refused.value.status == 404
    if is_sqlite(url):
        assert str(tmp_path / "w.sqlite") in refused.value.message
    assert sorted(tmp_path.iterdir()) == before
    assert tables(url) == []


def test_a_missing_sqlite_folder_is_not_created(tmp_path: Path) -> None:
    address = f"sqlite:///{tmp_path}/not/there/w.sqlite"
    with pytest.raises(NoWarehouse, match=f"no warehouse at {tmp_path}/not/there/w.sqlite"):
        engine(address, read_only=True)
    assert not (tmp_path / "not").exists()
    for args in READING:
        assert_refused(invoke(*args, "--db", address), "no warehouse at", "a load creates it")
    assert_refused(
        invoke("export", "--db", address, "--out", tmp_path / "x.csv"), "no warehouse at"
    )
    assert list(tmp_path.iterdir()) == []


def test_an_in_memory_database_cannot_be_read() -> None:
    with pytest.raises(NoWarehouse, match="in-memory"):
        engine("sqlite://", read_only=True)


def test_reading_commands_create_nothing(url: str, tmp_path: Path) -> None:
    before = sorted(tmp_path.iterdir())
    for args in READING:
        assert_refused(invoke(*args, "--db", url), "no warehouse at", "a load creates")
    result = invoke("info", "--db", url)
    assert_ok(result)
    text = flat(result.stdout)
    assert f"Warehouse: {sa.make_url(url).render_as_string()}" in text
    assert "Not created yet: no warehouse at" in text and "Releases:" not in text
    assert sorted(tmp_path.iterdir()) == before
    assert tables(url) == []
    # a writing command creates it, and the reading ones then work
    assert_ok(invoke("load", "--db", url, small_file(tmp_path)))
    for args in READING:
        assert_ok(invoke(*args, "--db", url))
    assert "Releases: 1;" in flat(invoke("info", "--db", url).stdout)


def test_a_sqlite_path_that_is_a_folder(tmp_path: Path) -> None:
    with pytest.raises(WarehouseError, match=f"{tmp_path} is not a file"):
        engine(f"sqlite:///{tmp_path}", read_only=True)


def test_a_sqlite_file_that_is_no_warehouse(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE t (x INTEGER)")
    connection.close()
    with pytest.raises(NoWarehouse, match="has no warehouse tables"):
        engine(f"sqlite:///{other}", read_only=True)
    assert tables(f"sqlite:///{other}") == ["t"]


# A schema that is not the newest -------------------------------------------------------------


def test_an_old_schema_is_refused_until_migrated(url: str, tmp_path: Path) -> None:
    at_revision(url, OLD)
    with pytest.raises(OldSchema) as refused:
        engine(url, read_only=True)
    error = refused.value
    assert f"schema revision {OLD}, older than this decentwork's {head_revision()}" in error.message
    assert error.hint is not None and "decentwork migrate" in error.hint
    assert (error.given, error.expected, error.status) == (OLD, head_revision(), 503)
    assert revision_of(url) == OLD  # not migrated
    result = invoke("query", "--db", url)
    assert_refused(result, f"schema revision {OLD}", "Hint: 'decentwork migrate' upgrades it")
    assert revision_of(url) == OLD

    done = migrate(url)
    assert (done.before, done.after) == (OLD, head_revision())
    assert revision_of(url) == head_revision()
    if is_sqlite(url):
        assert done.backup is not None and done.backup.parent == tmp_path
        assert done.backup.name.startswith("w.") and done.backup.name.endswith(".backup.sqlite")
        assert revision_of(f"sqlite:///{done.backup}") == OLD
        with sqlite3.connect(done.backup) as copy:
            assert copy.execute("SELECT dataset FROM releases").fetchall() == [("old",)]
        copy.close()
    else:
        assert done.backup is None
    reader = engine(url, read_only=True)
    try:
        with reader.connect() as connection:
            assert connection.execute(sa.select(releases.c.dataset)).scalars().all() == ["old"]
    finally:
        reader.dispose()
    # the command, again: nothing to do, no backup
    result = invoke("migrate", "--db", url)
    assert_ok(result)
    printed = flat(result.stdout)
    assert f"schema revision {head_revision()}, already the newest" in printed
    assert "Backed up" not in printed
    assert len(list(tmp_path.glob("*.backup.sqlite"))) == (1 if is_sqlite(url) else 0)


def test_the_migrate_command_reports_the_backup(tmp_path: Path) -> None:
    address = f"sqlite:///{tmp_path}/w.sqlite"
    at_revision(address, OLD)
    result = invoke("migrate", "--db", address)
    assert_ok(result)
    printed = flat(result.stdout)
    (copy,) = tmp_path.glob("w.*.backup.sqlite")
    assert f"Backed up {address} to {copy}" in printed
    assert f"schema revision {OLD} -> {head_revision()}" in printed
    other = f"sqlite:///{tmp_path}/other.sqlite"
    at_revision(other, OLD)
    result = invoke("migrate", "--db", other, "--no-backup")
    assert_ok(result)
    assert "Backed up" not in result.stdout
    assert list(tmp_path.glob("other.*.backup.sqlite")) == []
    assert revision_of(other) == head_revision()
    assert_refused(invoke("migrate", "--db", "not a url"), "database URL 'not a url'")


def test_migrate_without_backup_and_on_a_new_warehouse(tmp_path: Path) -> None:
    old = f"sqlite:///{tmp_path}/old.sqlite"
    at_revision(old, OLD)
    done = migrate(old, backup=False)
    assert done.backup is None and done.before == OLD
    fresh = migrate(f"sqlite:///{tmp_path}/new/w.sqlite")
    assert (fresh.before, fresh.after, fresh.backup) == (None, head_revision(), None)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new", "old.sqlite"]


def test_backups_taken_in_the_same_second_do_not_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "w.sqlite"
    at_revision(f"sqlite:///{path}", OLD)
    first, second = backup_file(path), backup_file(path)
    assert first != second and first.is_file() and second.is_file()


def test_a_file_that_cannot_be_backed_up(tmp_path: Path) -> None:
    path = tmp_path / "w.sqlite"
    path.write_bytes(b"not a database, but long enough to look like one's header" * 20)
    with pytest.raises(WarehouseError, match=f"cannot back {path} up to .*not a database"):
        backup_file(path)
    assert list(tmp_path.iterdir()) == [path]


def test_a_schema_from_a_newer_decentwork_is_refused(url: str) -> None:
    engine(url).dispose()
    looker = sa.create_engine(url, poolclass=NullPool)
    with looker.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    looker.dispose()
    for read_only in (True, False):
        with pytest.raises(
            WarehouseError, match="revision 9999, which this decentwork does not know"
        ) as refused:
            engine(url, read_only=read_only)
        assert refused.value.hint == "upgrade decentwork"
    assert revision_of(url) == "9999"


# Writes through a read-only engine ----------------------------------------------------------


def test_a_write_through_a_read_only_engine_fails(url: str, tmp_path: Path) -> None:
    writer = engine(url)
    load_file(writer, small_file(tmp_path))
    writer.dispose()
    reader = engine(url, read_only=True)
    try:
        with (
            pytest.raises(sa.exc.DBAPIError, match=r"read-only|readonly"),
            reader.begin() as connection,
        ):
            connection.execute(changes.insert().values(what="x", changed_at=sa.func.now()))
        with pytest.raises(WarehouseError, match=r"refused the load .*(read-only|readonly)"):
            load_file(reader, small_file(tmp_path / "again", "0.6"))
        assert counts(reader) == (1, 1)
        with reader.connect() as connection:
            assert len(view(connection)) == 1
    finally:
        reader.dispose()


def test_sqlite_is_read_while_another_process_writes(tmp_path: Path) -> None:
    """A read-only engine reads a WAL-mode file while another process holds a write
    transaction on it (seeing what was committed), and sees the write once committed; also on
    a file whose write-ahead log was cleaned up when the last writer closed."""
    path = tmp_path / "w.sqlite"
    engine(f"sqlite:///{path}").dispose()
    assert not (tmp_path / "w.sqlite-wal").exists()
    reader = engine(f"sqlite:///{path}", read_only=True)
    script = textwrap.dedent(f"""
        import sqlite3, sys
        connection = sqlite3.connect({str(path)!r}, isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("INSERT INTO changes (what, changed_at) VALUES ('x', '2026-01-01')")
        print("writing", flush=True)
        sys.stdin.readline()
        connection.execute("COMMIT")
        print("committed", flush=True)
    """)
    writer = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout is not None and writer.stdin is not None
        assert writer.stdout.readline().strip() == "writing"
        with reader.connect() as connection:
            assert (
                connection.execute(sa.select(sa.func.count()).select_from(changes)).scalar_one()
                == 0
            )
        writer.stdin.write("go\n")
        writer.stdin.flush()
        assert writer.stdout.readline().strip() == "committed"
        with reader.connect() as connection:
            assert (
                connection.execute(sa.select(sa.func.count()).select_from(changes)).scalar_one()
                == 1
            )
    finally:
        writer.wait(timeout=30)
        reader.dispose()
    assert writer.returncode == 0

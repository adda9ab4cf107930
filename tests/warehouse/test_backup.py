"""``decentwork backup``: a SQLite warehouse copied with SQLite's online backup API, a
PostgreSQL one dumped with pg_dump, and restored as docs/warehouse.md says (the SQLite copy
put back in place; ``pg_restore`` into a database); a backup never overwrites a file, and a
missing pg_dump says what to run."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
import typer
from sqlalchemy.pool import NullPool
from typer.testing import CliRunner, Result

from decentwork.cli import Program
from decentwork.commands import warehouse as commands
from decentwork.errors import BadInput, Unavailable
from decentwork.warehouse import NoWarehouse, engine, load_file, view
from decentwork.warehouse.backup import backup
from tests.warehouse.conftest import (
    ILOSTAT_HEADER,
    POSTGRES,
    assert_ok,
    assert_refused,
    assert_same,
    flat,
    read_observations,
    write_csv,
)

program = typer.Typer(cls=Program)
program.command("backup")(commands.backup)
program.command("info")(commands.info)
"""The command as decentwork's program registers it (``decentwork backup``)."""


def invoke_backup(*args: str | Path) -> Result:
    return CliRunner().invoke(program, ["backup", *(str(a) for a in args)])


def loaded(url: str, folder: Path, year: int = 2020) -> Path:
    path = write_csv(
        folder / f"lfs{year}.csv",
        ILOSTAT_HEADER,
        [
            [
                "KHM",
                "SDG_0852_SEX_AGE_RT",
                "BA:1",
                "SEX_T",
                "AGE_YTHADULT_YGE15",
                str(year),
                "1.5",
                "",
                "",
                "",
                "",
            ]
        ],
    )
    target = engine(url)
    load_file(target, path, full=False)
    target.dispose()
    return path


def latest(url: str) -> sa.engine.Result:
    target = engine(url, read_only=True)
    with target.connect() as connection:
        found = view(connection)
    target.dispose()
    return found


def test_a_sqlite_warehouse_is_backed_up_and_restored(tmp_path: Path) -> None:
    path = tmp_path / "w.sqlite"
    url = f"sqlite:///{path}"
    first = loaded(url, tmp_path)
    copy = tmp_path / "copy.sqlite"
    result = invoke_backup("--db", url, "--out", copy)
    assert_ok(result)
    assert f"Backed up {url} to {copy} (SQLite online backup)" in flat(result.stdout)
    loaded(url, tmp_path, 2021)  # a later load, then a disaster
    assert len(latest(url)) == 2
    shutil.copyfile(copy, path)  # the restore docs/warehouse.md describes
    for stale in (tmp_path / "w.sqlite-wal", tmp_path / "w.sqlite-shm"):
        stale.unlink(missing_ok=True)
    assert_same(latest(url), read_observations(first))
    beside = backup(url)
    assert beside.file.parent == tmp_path and beside.file.name.startswith("w.")
    assert beside.file.name.endswith(".backup.sqlite")


def test_a_backup_never_overwrites(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/w.sqlite"
    loaded(url, tmp_path)
    taken = tmp_path / "taken.sqlite"
    taken.write_bytes(b"precious")
    with pytest.raises(BadInput, match=f"{taken} exists already") as refused:
        backup(url, taken)
    assert refused.value.parameter == "out"
    assert taken.read_bytes() == b"precious"
    assert_refused(invoke_backup("--db", url, "--out", taken), f"--out: {taken} exists")
    assert_refused(invoke_backup("--db", url, "--out", tmp_path / "no" / "x.sqlite"), "the folder")


def test_there_is_nothing_to_back_up(tmp_path: Path) -> None:
    missing = tmp_path / "none.sqlite"
    with pytest.raises(NoWarehouse):
        backup(f"sqlite:///{missing}")
    assert_refused(invoke_backup("--db", f"sqlite:///{missing}"), "no warehouse at")
    assert not missing.exists()


def test_a_postgresql_warehouse_is_dumped_and_restored(tmp_path: Path) -> None:
    from tests.warehouse.conftest import database

    with database("postgresql", tmp_path) as url:
        first = loaded(url, tmp_path)
        dump = tmp_path / "w.dump"
        result = invoke_backup("--db", url, "--out", dump)
        assert_ok(result)
        assert "(pg_dump (custom format))" in flat(result.stdout)
        listing = subprocess.run(
            ["pg_restore", "--list", str(dump)], capture_output=True, text=True, check=True
        ).stdout
        assert "TABLE public" not in listing and "TABLE DATA" in listing
        name = f"restore_{uuid.uuid4().hex[:12]}"
        admin = sa.create_engine(POSTGRES, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        try:
            restored = sa.make_url(POSTGRES).set(database=name)
            address = restored.set(drivername="postgresql").render_as_string(hide_password=False)
            subprocess.run(
                ["pg_restore", "--no-owner", f"--dbname={address}", str(dump)],
                check=True,
                capture_output=True,
            )
            schema = sa.make_url(url).query["options"].split("=")[-1]
            copy = (
                f"{restored.render_as_string(hide_password=False)}?options=-csearch_path%3D{schema}"
            )
            assert_same(latest(copy), read_observations(first))
        finally:
            with admin.connect() as connection:
                connection.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            admin.dispose()


def test_without_pg_dump_the_message_says_what_to_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    url = "postgresql+psycopg://someone:secret@db.example:5432/lmis"
    with pytest.raises(Unavailable, match="pg_dump is not installed") as refused:
        backup(url, tmp_path / "x.dump")
    hint = refused.value.hint or ""
    assert "pg_dump --format=custom" in hint and "postgresql://someone@db.example:5432/lmis" in hint
    assert "secret" not in hint + refused.value.message

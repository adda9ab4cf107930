"""The write lock: a load reads and checks its files before taking it (another writer is not
kept waiting while a big file is parsed), and a writer waits for it at most
``DECENTWORK_LOCK_WAIT`` seconds, then is refused with a Conflict naming the wait (on
PostgreSQL the wait had no bound; on SQLite it was a fixed 60 s ending in an unexplained
database error)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from decentwork.errors import BadInput, Conflict
from decentwork.warehouse import Busy, engine, importers, load_file
from decentwork.warehouse.database import write_lock
from decentwork.warehouse.settings import LOCK_WAIT
from tests.warehouse.conftest import (
    ILOSTAT_HEADER,
    assert_refused,
    counts,
    database,
    invoke,
    write_csv,
)


def small(folder: Path, name: str = "small.csv") -> Path:
    return write_csv(
        folder / name,
        ILOSTAT_HEADER,
        [
            [
                "KHM",
                "SDG_0852_SEX_AGE_RT",
                "BA:1321",
                "SEX_T",
                "AGE_YTHADULT_YGE15",
                str(year),
                "1.5",
                "",
                "",
                "",
                "",
            ]
            for year in range(2010, 2020)
        ],
    )


def test_files_are_read_before_the_lock_is_taken(
    warehouse: sa.Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While a load parses its file, another writer takes the write lock at once."""
    read = importers.read
    others: list[float] = []

    def reading(*args: object, **kwargs: object) -> importers.Parsed:
        started = time.monotonic()
        with warehouse.begin() as connection:
            write_lock(connection, wait=0.5)  # Busy if the load held it
        others.append(time.monotonic() - started)
        return read(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(importers, "read", reading)
    assert load_file(warehouse, small(tmp_path)).added == 10
    assert len(others) == 1 and others[0] < 0.5


def test_a_writer_waits_at_most_the_lock_wait(
    warehouse: sa.Engine, url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = small(tmp_path)
    monkeypatch.setenv(LOCK_WAIT, "1")
    with warehouse.begin() as holder:
        write_lock(holder)
        started = time.monotonic()
        with pytest.raises(Busy) as refused:
            load_file(warehouse, path)
        waited = time.monotonic() - started
        assert isinstance(refused.value, Conflict) and refused.value.status == 409
        assert (
            "is busy: another writer (a load, a migration, a group change) held its write "
            "lock for more than 1 s" in refused.value.message
        )
        assert refused.value.hint is not None and LOCK_WAIT in refused.value.hint
        assert "Nothing was loaded" in refused.value.hint
        assert 0.9 < waited < 15, waited
        result = invoke("load", "--db", url, path)
        assert_refused(
            result,
            "is busy",
            "for more than 1 s",
            f"Hint: Try again when it has finished ({LOCK_WAIT} sets how many seconds to wait)",
        )
        result = invoke(
            "groups", "define", "X_TEST", "--members", "KHM", "--label", "T", "--db", url
        )
        assert_refused(result, "is busy")
    assert counts(warehouse) == (0, 0)
    assert load_file(warehouse, path).added == 10  # the lock released, the load goes on


def test_a_bad_lock_wait_setting_is_refused(
    warehouse: sa.Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(LOCK_WAIT, "-3")
    with pytest.raises(BadInput, match=f"{LOCK_WAIT}='-3': expected a positive number"):
        load_file(warehouse, small(tmp_path))


def test_a_table_lock_is_waited_for_at_most_the_lock_wait(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL (SQLite has one lock, the write lock): once the write lock is held, the
    load's other lock waits are bounded by the same wait, so a session holding the
    observations table is not waited for forever."""
    path = small(tmp_path)
    monkeypatch.setenv(LOCK_WAIT, "1")
    with database("postgresql", tmp_path) as url:
        warehouse = engine(url)
        with warehouse.connect() as holder:
            holder.execute(sa.text("LOCK TABLE observations IN ACCESS EXCLUSIVE MODE"))
            started = time.monotonic()
            with pytest.raises(Busy, match="for more than 1 s"):
                load_file(warehouse, path)
            assert time.monotonic() - started < 15
            holder.rollback()
        assert counts(warehouse) == (0, 0)
        warehouse.dispose()

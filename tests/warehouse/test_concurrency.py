"""Concurrent loads into the same SQLite file (two ``decentwork load`` processes at once):
both succeed, or one fails cleanly (exit 2, a message, no traceback); every release that was
made has all its rows. And processes opening a new warehouse at the same moment all
succeed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from decentwork.warehouse import engine, view
from decentwork.warehouse.database import schema_revision
from decentwork.warehouse.tables import releases
from tests.warehouse.conftest import (
    assert_same,
    bulk_file,
    read_observations,
)

FILES = ("SDG_0851_SEX_OCU_NB_A.csv", "SDG_0852_SEX_AGE_RT_A.csv")
"""Two bulk files big enough (40k and 26k rows) for their loads to overlap."""
PROGRAM = Path(sys.executable).with_name("decentwork")


def load_concurrently(url: str, paths: list[Path]) -> list[subprocess.CompletedProcess]:
    """Start ``decentwork load --db URL FILE`` for each file at once; wait for all."""
    assert PROGRAM.is_file(), PROGRAM
    environment = {k: v for k, v in os.environ.items() if k != "DECENTWORK_DB"}
    environment["COLUMNS"] = "200"
    started = [
        subprocess.Popen(
            [str(PROGRAM), "load", "--db", url, str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environment,
        )
        for path in paths
    ]
    done = []
    for process in started:
        out, err = process.communicate(timeout=240)
        done.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return done


def check(url: str, outcomes: list[subprocess.CompletedProcess], paths: list[Path]) -> int:
    """Each process succeeded or failed cleanly; the warehouse has the complete rows of every
    file that was loaded, one release each, and nothing of the others. Returns how many
    succeeded."""
    loaded = []
    for outcome, path in zip(outcomes, paths, strict=True):
        assert "Traceback" not in outcome.stderr + outcome.stdout, outcome.stderr
        if outcome.returncode == 0:
            loaded.append(path)
        else:
            assert outcome.returncode == 2, (outcome.returncode, outcome.stderr)
            assert "Error:" in outcome.stderr, outcome.stderr
    target = engine(url)
    try:
        with target.connect() as connection:
            names = connection.execute(sa.select(releases.c.dataset)).scalars().all()
            found = view(connection)
        assert sorted(names) == sorted(p.name.removesuffix(".csv") for p in loaded)
        if loaded:
            assert_same(found, pd.concat([read_observations(p) for p in loaded]))
        else:
            assert found.empty
    finally:
        target.dispose()
    return len(loaded)


def test_two_loads_into_one_sqlite_file_at_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/w.sqlite"
    engine(url).dispose()  # the warehouse exists: the two loads only race for the writes
    paths = [bulk_file(name) for name in FILES]
    outcomes = load_concurrently(url, paths)
    assert check(url, outcomes, paths) == 2, [o.stderr for o in outcomes]


def test_two_loads_into_a_new_sqlite_file_at_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/w.sqlite"
    paths = [bulk_file(name) for name in FILES]
    outcomes = load_concurrently(url, paths)
    assert check(url, outcomes, paths) >= 1, [o.stderr for o in outcomes]


def test_processes_opening_a_new_warehouse_at_once_all_succeed(url: str) -> None:
    """Three processes open a warehouse that does not exist yet to write, at the same moment:
    the migrations run one after another under the write lock, every process succeeds, and
    the schema is at its newest revision once."""
    opening = f"from decentwork.warehouse import engine; engine({url!r}).dispose()"
    started = [
        subprocess.Popen(
            [sys.executable, "-c", opening],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    results = [(process.wait(timeout=120), process.stderr.read()) for process in started]
    for code, message in results:
        assert code == 0, message
        assert "Traceback" not in message
    opened = engine(url)
    try:
        assert schema_revision(opened) is not None
        with opened.connect() as connection:
            assert view(connection).empty
    finally:
        opened.dispose()

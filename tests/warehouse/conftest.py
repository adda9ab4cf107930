"""Shared fixtures and helpers of the warehouse tests.

Every warehouse test runs on SQLite (a file in the test's temporary folder) and on PostgreSQL
(the server at 127.0.0.1:5432, database ``test``, trust auth, as on the developers' and CI
machines), each test in a fresh schema that is dropped afterwards. When PostgreSQL cannot be
reached the PostgreSQL tests fail: CI provides the server, so a missing one is an error, not a
reason to skip.
"""

from __future__ import annotations

import csv
import gc
import io
import math
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool
from typer.testing import CliRunner, Result

from decentwork import observations
from decentwork.cli import app
from decentwork.warehouse import engine
from decentwork.warehouse.tables import observations as observation_table
from decentwork.warehouse.tables import releases

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
BULK = SHARED / "ilostat" / "bulk_sdg8_2024-01"
DICTIONARY = SHARED / "ilostat" / "dictionary"
DICTIONARIES = ("ref_area_en.csv", "indicator_en.csv")
"""The dictionaries the SDG 8 test warehouses load beside the bulk files."""
WDI = SHARED / "worldbank_wdi" / "API_SL.UEM.TOTL.ZS_DS2_en_csv_v2_10473697.csv"
BULK_FILES = (
    "SDG_0831_SEX_ECO_RT_A.csv",
    "SDG_0851_SEX_OCU_NB_A.csv",
    "SDG_0852_SEX_AGE_RT_A.csv",
    "SDG_0861_SEX_RT_A.csv",
    "SDG_A821_NOC_RT_A.csv",
)
BULK_ROWS = 126_784
"""Data rows of the five SDG 8 bulk files (49,930 + 40,291 + 25,730 + 6,262 + 4,571)."""

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DATABASES = ["sqlite", "postgresql"]
ILOSTAT_HEADER = (
    "ref_area",
    "indicator",
    "source",
    "sex",
    "classif1",
    "time",
    "obs_value",
    "obs_status",
    "note_classif",
    "note_indicator",
    "note_source",
)
"""The columns of an ILOSTAT bulk file with one classification, in ILOSTAT's order."""

runner = CliRunner()


# Databases ---------------------------------------------------------------------------------


@contextmanager
def database(kind: str, folder: Path) -> Iterator[str]:
    """The URL of an empty warehouse database of ``kind`` (``sqlite`` or ``postgresql``):
    a file in ``folder``, or a fresh PostgreSQL schema dropped on exit."""
    if kind == "sqlite":
        yield f"sqlite:///{folder}/w.sqlite"
        return
    schema = f"t_{uuid.uuid4().hex}"
    admin = sa.create_engine(POSTGRES, poolclass=NullPool)
    try:
        with admin.begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.OperationalError as error:
        pytest.fail(f"PostgreSQL at {POSTGRES} is unreachable (CI provides it): {error}")
    try:
        yield f"{POSTGRES}?options=-csearch_path%3D{schema}"
    finally:
        gc.collect()  # close the pooled connections of engines the test let go of
        with admin.begin() as connection:
            connection.execute(sa.text("SET lock_timeout = '30s'"))
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=DATABASES)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty warehouse database on SQLite and on PostgreSQL."""
    with database(request.param, tmp_path) as address:
        yield address


@pytest.fixture
def warehouse(url: str) -> Iterator[sa.Engine]:
    """An engine on the (empty, migrated) warehouse at ``url``."""
    opened = engine(url)
    yield opened
    opened.dispose()


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def counts(target: sa.Engine) -> tuple[int, int]:
    """(release rows, observation rows) in the warehouse."""
    with target.connect() as connection:
        return (
            connection.execute(sa.select(sa.func.count()).select_from(releases)).scalar_one(),
            connection.execute(
                sa.select(sa.func.count()).select_from(observation_table)
            ).scalar_one(),
        )


def stored(target: sa.Engine, release: int | None = None) -> pd.DataFrame:
    """The observations table's rows (of one release, or all), sorted by id."""
    query = sa.select(observation_table).order_by(observation_table.c.id)
    if release is not None:
        query = query.where(observation_table.c.release_id == release)
    with target.connect() as connection:
        return pd.DataFrame(
            connection.execute(query).mappings().all(),
            columns=[c.name for c in observation_table.c],
        )


# Files ---------------------------------------------------------------------------------------


def bulk_file(name: str) -> Path:
    """One of the real ILOSTAT SDG 8 bulk files, from the team's shared data folder."""
    path = BULK / name
    assert path.is_file(), f"{path} is missing: the warehouse tests need ../shared/data"
    return path


def write_csv(
    path: Path,
    header: tuple[str, ...] | list[str],
    rows: list[list[str]] | list[tuple],
    bom: bool = True,
) -> Path:
    """Write an ILOSTAT-style CSV file (byte-order mark, ``\\n`` line ends, quoting as needed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([[str(v) for v in row] for row in rows])
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8"))
    return path


def number(text: str) -> float:
    return float(text) if text.strip() else math.nan


def read_observations(path: Path | str) -> pd.DataFrame:
    """An observation CSV (ILOSTAT bulk, decentwork or an export; plain or gzip; byte-order
    mark or not) as an observation table: absent columns empty, numbers parsed with
    ``float``, text kept exactly as written."""
    source = io.StringIO(path) if isinstance(path, str) else path
    table = pd.read_csv(source, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    for column in (*observations.FLOAT_COLUMNS, "sample_count"):
        if column in table:
            table[column] = [number(v) for v in table[column]]
    return observations.frame(table)


def assert_same(actual: pd.DataFrame, expected: pd.DataFrame) -> None:
    """The same observations row for row (any order): same keys, text equal, numbers equal
    (missing equal to missing)."""
    assert list(actual.columns) == list(observations.COLUMNS)
    assert not expected.duplicated(list(observations.KEY_COLUMNS)).any()
    assert len(actual) == len(expected)
    key = list(observations.KEY_COLUMNS)
    a = actual.sort_values(key).reset_index(drop=True)
    e = expected.sort_values(key).reset_index(drop=True)
    for column in observations.TEXT_COLUMNS:
        left = a[column].fillna("").astype(str).tolist()
        right = e[column].fillna("").astype(str).tolist()
        if left != right:
            first = next(k for k, (x, y) in enumerate(zip(left, right, strict=True)) if x != y)
            pytest.fail(
                f"{column} differs at row {first}: {a.iloc[first].to_dict()} != "
                f"{e.iloc[first].to_dict()}"
            )
    for column in (*observations.FLOAT_COLUMNS, "sample_count"):
        left = a[column].astype(float).to_numpy()
        right = e[column].astype(float).to_numpy()
        same = (left == right) | (np.isnan(left) & np.isnan(right))
        if not same.all():
            first = int(np.flatnonzero(~same)[0])
            pytest.fail(
                f"{column} differs at row {first}: {a.iloc[first].to_dict()} != "
                f"{e.iloc[first].to_dict()}"
            )


# The command line ----------------------------------------------------------------------------


def invoke(*args: str | Path) -> Result:
    """``decentwork ARGS`` in-process."""
    return runner.invoke(app, [str(a) for a in args])


def flat(text: str) -> str:
    """``text`` with Rich's line wrapping undone (runs of white space as one space)."""
    return " ".join(text.split())


def assert_ok(result: Result) -> None:
    assert result.exit_code == 0, (result.output, result.exception)


def assert_refused(result: Result, *culprits: str) -> None:
    """Exit 2 with an error naming each of ``culprits`` on standard error, no traceback."""
    assert result.exit_code == 2, (result.output, result.exception)
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    message = flat(result.stderr)
    assert "Error:" in message, result.output
    for culprit in culprits:
        assert flat(culprit) in message, (culprit, result.stderr)

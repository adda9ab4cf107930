"""Changes between periods in the warehouse: the file ``decentwork compute --changes`` writes
for a seeded 3-month synthetic survey is loaded by ``decentwork load`` (recognised by its
columns), read back with the same numbers, revised by a later load, seen as of the earlier
release, and refused with the row and field named when bad (nothing half-loaded). Migration
0006 creates the table on a warehouse of migration 0005 holding a release."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.pool import NullPool

from decentwork.observations import CHANGE_COLUMNS, KEY_COLUMNS
from decentwork.warehouse import LoadError, engine, load_file
from decentwork.warehouse.database import migration_config
from decentwork.warehouse.period_changes import changes_frame, changes_page_rows
from decentwork.warehouse.tables import observation_changes, releases
from decentwork.warehouse.views import Filters
from tests.indicators.test_compute_changes import CODES
from tests.indicators.test_compute_changes import months as months
from tests.warehouse.conftest import assert_ok, assert_refused, counts, invoke

KEY = list(KEY_COLUMNS)


@pytest.fixture(scope="module")
def computed(months: tuple[Path, Path]) -> tuple[Path, Path]:
    """The observations and the changes ``decentwork compute --changes`` writes for the
    3-month file."""
    path, profile = months
    out, changes = path.with_name("obs.csv"), path.with_name("lfs-changes.csv")
    done = invoke(
        "compute", profile, path, "-o", out, "--changes", changes, "--indicators", CODES[0]
    )
    assert_ok(done)
    return out, changes


def read_changes(path: Path) -> pd.DataFrame:
    """A changes CSV as written, keyed and sorted."""
    table = pd.read_csv(path, dtype={c: str for c in (*KEY, "since")}, keep_default_na=False)
    table[KEY] = table[KEY].fillna("")
    return table.sort_values(KEY).reset_index(drop=True)


def latest(url: str, as_of: str | None = None) -> pd.DataFrame:
    """The warehouse's changes (latest, or as of a release), sorted by key."""
    target = engine(url)
    try:
        with target.connect() as connection:
            rows, total = changes_page_rows(connection, Filters({}), as_of, limit=10_000)
    finally:
        target.dispose()
    assert total == len(rows)
    return changes_frame(rows).sort_values(KEY).reset_index(drop=True)


def assert_same_changes(actual: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert actual[[*KEY, "since"]].astype(str).values.tolist() == (
        expected[[*KEY, "since"]].astype(str).values.tolist()
    )
    for column in ("change", "change_se"):
        np.testing.assert_allclose(
            actual[column].astype(float), expected[column].astype(float), rtol=1e-12
        )
    assert actual["change_significant"].astype(bool).tolist() == (
        expected["change_significant"].astype(bool).tolist()
    )


def test_a_changes_file_loads_revises_and_is_seen_as_of(
    url: str, computed: tuple[Path, Path], tmp_path: Path
) -> None:
    observations, changes = computed
    assert_ok(invoke("load", observations, "--db", url))
    done = invoke("load", changes, "--db", url)
    assert_ok(done)
    assert "decentwork-changes" in done.output
    written = read_changes(changes)
    assert len(written) > 0 and set(written["since"]) == {"2024M01", "2024M02"}
    first = latest(url)
    assert_same_changes(first, written)
    assert counts(engine(url)) == (2, len(pd.read_csv(observations)))  # observations unchanged

    revised = written.copy()
    revised.loc[0, "change"] = revised.loc[0, "change"] + 1.0
    revised.loc[0, "change_significant"] = not revised.loc[0, "change_significant"]
    again = tmp_path / "lfs-changes.csv"
    revised.to_csv(again, index=False)
    assert_ok(invoke("load", again, "--db", url))
    assert_same_changes(latest(url), revised)
    assert_same_changes(latest(url, "2"), written)
    target = engine(url)
    with target.connect() as connection:
        stored = connection.execute(
            sa.select(sa.func.count()).select_from(observation_changes)
        ).scalar_one()
        revision = connection.execute(
            sa.select(
                releases.c.full,
                releases.c.rows_added,
                releases.c.rows_changed,
                releases.c.rows_unchanged,
                releases.c.rows_withdrawn,
            ).where(releases.c.id == 3)
        ).one()
    target.dispose()
    assert stored == len(written) + 1  # the revision added one row, superseding one
    assert tuple(revision) == (False, 0, 1, len(written) - 1, 0)
    assert_ok(invoke("load", again, "--db", url))  # the same content again adds nothing
    assert counts(engine(url))[0] == 3


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("change", "n/a", "change: 'n/a' is not a number"),
        ("change_se", "-0.5", "change_se: -0.5 is below 0"),
        ("since", "2024M09", "since: '2024M09' is not before"),
        ("change_significant", "maybe", "change_significant: 'maybe' is not True or False"),
        ("ref_area", "", "ref_area: missing"),
    ],
)
def test_a_bad_row_refuses_the_file_naming_row_and_field(
    url: str, computed: tuple[Path, Path], tmp_path: Path, field: str, value: str, said: str
) -> None:
    table = read_changes(computed[1]).astype(object)
    table.loc[2, field] = value
    bad = tmp_path / "bad-changes.csv"
    table.to_csv(bad, index=False)
    assert_refused(invoke("load", bad, "--db", url), f"{bad}:4: {said}")
    target = engine(url)
    with pytest.raises(LoadError):
        load_file(target, bad)
    with target.connect() as connection:
        assert (
            connection.execute(
                sa.select(sa.func.count()).select_from(observation_changes)
            ).scalar_one()
            == 0
        )
    target.dispose()


def test_a_changes_file_with_an_unknown_column_is_refused(
    url: str, computed: tuple[Path, Path], tmp_path: Path
) -> None:
    table = read_changes(computed[1]).assign(extra="x")
    bad = tmp_path / "extra-changes.csv"
    table.to_csv(bad, index=False)
    assert_refused(invoke("load", bad, "--db", url), "unknown column(s) extra")


def test_migration_0006_adds_the_changes_table_to_a_warehouse_with_data(
    url: str, computed: tuple[Path, Path]
) -> None:
    old = sa.create_engine(url, poolclass=NullPool)
    with old.begin() as connection:
        command.upgrade(migration_config(connection), "0005")
        assert not sa.inspect(connection).has_table("observation_changes")
        connection.execute(
            sa.text(
                "INSERT INTO releases (dataset, file, checksum, format, loaded_at, loaded_by, "
                '"full", rows_read, rows_added, rows_changed, rows_unchanged, rows_withdrawn) '
                "VALUES ('old', 'old.csv', 'abc', 'decentwork', CURRENT_TIMESTAMP, "
                "'someone@host (decentwork 0.1)', TRUE, 0, 0, 0, 0, 0)"
            )
        )
    old.dispose()
    assert_ok(invoke("migrate", "--db", url))
    assert_ok(invoke("load", computed[1], "--db", url))
    assert len(latest(url)) == len(read_changes(computed[1]))
    assert len(latest(url, "1")) == 0  # as of the release held before: no changes yet
    assert list(latest(url).columns) == [*KEY, *CHANGE_COLUMNS]

"""Revisions: a small ILOSTAT-style file, then a modified copy (values changed, a status and a
note changed, rows removed, rows added), then a partial update. The latest view shows the
newest state, ``--as-of`` a release or a date shows what was published then, the
observations table only ever grows, and loading a file again adds nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from alembic import command

from decentwork import observations
from decentwork.warehouse import LoadReport, QueryError, database, load_file, tables, view
from decentwork.warehouse.tables import releases
from tests.warehouse.conftest import (
    ILOSTAT_HEADER,
    assert_ok,
    assert_same,
    counts,
    invoke,
    read_observations,
    stored,
    write_csv,
)

NAME = "UNE_DEAP_SEX_AGE_RT_A.csv"
INDICATOR = "UNE_DEAP_SEX_AGE_RT"


def original_rows() -> list[list[str]]:
    """A dozen rows: two areas, three sexes, two years."""
    rows = []
    for k, (area, sex, year) in enumerate(
        (a, s, y)
        for a in ("KHM", "LAO")
        for s in ("SEX_T", "SEX_M", "SEX_F")
        for y in ("2020", "2021")
    ):
        status = "B" if k == 3 else ""
        note = "R1:3513" if area == "KHM" else ""
        rows.append(
            [
                area,
                INDICATOR,
                "BA:1321",
                sex,
                "AGE_YTHADULT_YGE15",
                year,
                f"{1.25 + k * 0.5:g}",
                status,
                "",
                "T30:110",
                note,
            ]
        )
    return rows


def key(row: list[str]) -> tuple[str, ...]:
    return (row[0], row[3], row[5])


def modified_rows() -> list[list[str]]:
    """The original with two values changed, a status changed (same value), a note changed,
    two rows removed and two rows added."""
    rows = {key(r): list(r) for r in original_rows()}
    rows[("KHM", "SEX_T", "2020")][6] = "9.75"
    rows[("LAO", "SEX_F", "2021")][6] = "0.125"
    rows[("KHM", "SEX_M", "2021")][7] = "U"  # was B, value unchanged
    rows[("LAO", "SEX_M", "2020")][10] = "R1:2383"  # a note changed
    del rows[("KHM", "SEX_F", "2020")]
    del rows[("LAO", "SEX_T", "2021")]
    rows[("KHM", "SEX_T", "2022")] = [
        "KHM",
        INDICATOR,
        "BA:1321",
        "SEX_T",
        "AGE_YTHADULT_YGE15",
        "2022",
        "3.5",
        "",
        "",
        "T30:110",
        "R1:3513",
    ]
    rows[("LAO", "SEX_T", "2022")] = [
        "LAO",
        INDICATOR,
        "BA:1321",
        "SEX_T",
        "AGE_YTHADULT_YGE15",
        "2022",
        "",
        "U",
        "",
        "",
        "",
    ]  # no value, a status says why
    return list(rows.values())


@dataclass(frozen=True)
class Revised:
    engine: sa.Engine
    url: str
    v1: Path
    v2: Path
    first: LoadReport
    second: LoadReport


@pytest.fixture
def revised(warehouse: sa.Engine, url: str, tmp_path: Path) -> Revised:
    v1 = write_csv(tmp_path / "v1" / NAME, ILOSTAT_HEADER, original_rows())
    v2 = write_csv(tmp_path / "v2" / NAME, ILOSTAT_HEADER, modified_rows())
    first = load_file(warehouse, v1)
    second = load_file(warehouse, v2)
    return Revised(warehouse, url, v1, v2, first, second)


def latest(target: sa.Engine, as_of: str | None = None) -> pd.DataFrame:
    with target.connect() as connection:
        return view(connection, None, as_of)


def expected(path: Path) -> pd.DataFrame:
    return observations.sort(read_observations(path))


def test_the_reports_count_what_changed(revised: Revised) -> None:
    first, second = revised.first, revised.second
    assert (first.dataset, second.dataset) == ("UNE_DEAP_SEX_AGE_RT_A",) * 2
    assert (first.rows_read, first.added, first.changed, first.unchanged, first.withdrawn) == (
        12,
        12,
        0,
        0,
        0,
    )
    assert (second.rows_read, second.added, second.changed, second.unchanged, second.withdrawn) == (
        12,
        2,
        4,
        6,
        2,
    )
    assert second.release is not None and first.release is not None
    assert second.release > first.release
    with revised.engine.connect() as connection:
        row = (
            connection.execute(sa.select(releases).where(releases.c.id == second.release))
            .mappings()
            .one()
        )
    assert (
        row["rows_read"],
        row["rows_added"],
        row["rows_changed"],
        row["rows_unchanged"],
        row["rows_withdrawn"],
        row["full"],
    ) == (12, 2, 4, 6, 2, True)
    assert row["file"] == str(revised.v2) and len(row["checksum"]) == 64


def test_latest_view_is_the_new_state(revised: Revised) -> None:
    found = latest(revised.engine)
    pd.testing.assert_frame_equal(found, expected(revised.v2), check_exact=True)
    keys = set(zip(found.ref_area, found.sex, found.time, strict=True))
    assert ("KHM", "SEX_F", "2020") not in keys
    assert ("LAO", "SEX_T", "2021") not in keys


def test_as_of_the_first_release_is_the_original_exactly(revised: Revised) -> None:
    found = latest(revised.engine, as_of=str(revised.first.release))
    pd.testing.assert_frame_equal(found, expected(revised.v1), check_exact=True)
    keys = set(zip(found.ref_area, found.sex, found.time, strict=True))
    assert {("KHM", "SEX_F", "2020"), ("LAO", "SEX_T", "2021")} <= keys
    assert ("KHM", "SEX_T", "2022") not in keys
    pd.testing.assert_frame_equal(
        latest(revised.engine, as_of=str(revised.second.release)),
        expected(revised.v2),
        check_exact=True,
    )


def test_nothing_is_deleted(revised: Revised) -> None:
    first = stored(revised.engine, revised.first.release)
    assert len(first) == 12
    assert_same(observations.frame(first), read_observations(revised.v1))
    assert not first["withdrawn"].any()
    second = stored(revised.engine, revised.second.release)
    assert len(second) == 2 + 4 + 2  # added, changed, withdrawals
    assert int(second["withdrawn"].sum()) == 2
    assert counts(revised.engine) == (2, 20)


def test_loading_either_file_again_adds_nothing(revised: Revised) -> None:
    before = stored(revised.engine)
    for path, report in (
        (revised.v1, revised.first),
        (revised.v2, revised.second),
        (revised.v1, revised.first),
    ):
        again = load_file(revised.engine, path)
        assert again.already_loaded
        assert again.release == report.release
        assert (again.added, again.changed, again.withdrawn) == (0, 0, 0)
    pd.testing.assert_frame_equal(stored(revised.engine), before)
    assert counts(revised.engine) == (2, 20)
    pd.testing.assert_frame_equal(latest(revised.engine), expected(revised.v2))


def test_a_partial_release_withdraws_nothing(revised: Revised, tmp_path: Path) -> None:
    rows = [
        [
            "KHM",
            INDICATOR,
            "BA:1321",
            "SEX_T",
            "AGE_YTHADULT_YGE15",
            "2022",
            "3.75",
            "",
            "",
            "T30:110",
            "R1:3513",
        ],  # changed
        [
            "KHM",
            INDICATOR,
            "BA:1321",
            "SEX_F",
            "AGE_YTHADULT_YGE15",
            "2020",
            "1.5",
            "",
            "",
            "",
            "",
        ],  # withdrawn in the second release, back now
        [
            "KHM",
            INDICATOR,
            "BA:1321",
            "SEX_T",
            "AGE_YTHADULT_YGE15",
            "2023",
            "4",
            "",
            "",
            "",
            "",
        ],  # new
    ]
    v3 = write_csv(tmp_path / "v3" / NAME, ILOSTAT_HEADER, rows)
    result = invoke("load", "--partial", "--db", revised.url, v3)
    assert_ok(result)
    now = latest(revised.engine)
    v2 = read_observations(revised.v2)
    update = read_observations(v3)
    keys = list(observations.KEY_COLUMNS)
    kept = v2.merge(update[keys], on=keys, how="left", indicator="_in")
    kept = kept[kept["_in"] == "left_only"].drop(columns="_in")
    assert_same(now, pd.concat([kept, update]))
    assert len(now) == 12 + 2
    assert counts(revised.engine) == (3, 23)
    partial = stored(revised.engine, revised.second.release + 1)
    assert not partial["withdrawn"].any()
    # the earlier releases' views are unchanged
    pd.testing.assert_frame_equal(
        latest(revised.engine, as_of=str(revised.second.release)),
        expected(revised.v2),
        check_exact=True,
    )
    pd.testing.assert_frame_equal(
        latest(revised.engine, as_of=str(revised.first.release)),
        expected(revised.v1),
        check_exact=True,
    )


def test_a_full_release_withdraws_what_it_lacks(revised: Revised, tmp_path: Path) -> None:
    rows = [r for r in modified_rows() if r[0] == "KHM"]
    v3 = write_csv(tmp_path / "v3" / NAME, ILOSTAT_HEADER, rows)
    report = load_file(revised.engine, v3)
    assert (report.added, report.changed, report.unchanged, report.withdrawn) == (
        0,
        0,
        len(rows),
        12 - len(rows),
    )
    assert_same(latest(revised.engine), read_observations(v3))
    pd.testing.assert_frame_equal(
        latest(revised.engine, as_of=str(revised.second.release)),
        expected(revised.v2),
        check_exact=True,
    )


def test_another_dataset_is_not_withdrawn(revised: Revised, tmp_path: Path) -> None:
    other = write_csv(
        tmp_path / "other.csv",
        ILOSTAT_HEADER,
        [["VNM", INDICATOR, "BA:1", "SEX_T", "AGE_YTHADULT_YGE15", "2020", "2", "", "", "", ""]],
    )
    report = load_file(revised.engine, other)
    assert (report.dataset, report.added, report.withdrawn) == ("other", 1, 0)
    assert_same(
        latest(revised.engine), pd.concat([read_observations(revised.v2), read_observations(other)])
    )


def released_at(target: sa.Engine, release: int) -> datetime:
    with target.connect() as connection:
        moment = connection.execute(
            sa.select(releases.c.loaded_at).where(releases.c.id == release)
        ).scalar_one()
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def test_as_of_a_date(revised: Revised) -> None:
    with revised.engine.connect() as connection, pytest.raises(QueryError, match="no release yet"):
        view(connection, None, "2000-01-01")
    today = datetime.now(UTC).date().isoformat()
    pd.testing.assert_frame_equal(latest(revised.engine, as_of=today), expected(revised.v2))
    # a date-time: the moment of the first release (UTC)
    first = released_at(revised.engine, revised.first.release)
    pd.testing.assert_frame_equal(
        latest(revised.engine, as_of=first.astimezone(UTC).replace(tzinfo=None).isoformat()),
        expected(revised.v1),
    )
    before = (first - timedelta(microseconds=1)).astimezone(UTC).replace(tzinfo=None)
    with revised.engine.connect() as connection, pytest.raises(QueryError):
        view(connection, None, before.isoformat())


def test_as_of_a_date_time_with_a_utc_offset(
    revised: Revised, request: pytest.FixtureRequest
) -> None:
    first = released_at(revised.engine, revised.first.release)
    plus_two = timezone(timedelta(hours=2))
    one_hour_before = (first - timedelta(hours=1)).astimezone(plus_two).isoformat()
    with revised.engine.connect() as connection, pytest.raises(QueryError, match="no release yet"):
        view(connection, None, one_hour_before)
    at_first = first.astimezone(plus_two).isoformat()
    pd.testing.assert_frame_equal(latest(revised.engine, as_of=at_first), expected(revised.v1))


def test_as_of_an_unknown_release(revised: Revised) -> None:
    with revised.engine.connect() as connection, pytest.raises(QueryError, match="no release 99"):
        view(connection, None, "99")


def superseded(target: sa.Engine) -> list[tuple[int, bool]]:
    """Each observation row's id and ``superseded`` flag."""
    with target.connect() as connection:
        return [
            tuple(r)
            for r in connection.execute(
                sa.select(tables.observations.c.id, tables.observations.c.superseded).order_by(
                    tables.observations.c.id
                )
            )
        ]


def test_the_latest_view_is_the_view_as_of_the_newest_release(
    revised: Revised, tmp_path: Path
) -> None:
    """The latest view reads the ``superseded`` flags; a view as of a release groups the
    newest row per key: after a revision, a withdrawal and a partial update they agree."""
    v3 = write_csv(
        tmp_path / "v3" / NAME,
        ILOSTAT_HEADER,
        [
            [
                "KHM",
                INDICATOR,
                "BA:1321",
                "SEX_F",
                "AGE_YTHADULT_YGE15",
                "2020",
                "1.5",
                "",
                "",
                "",
                "",
            ],  # withdrawn by the second release, back now
            [
                "LAO",
                INDICATOR,
                "BA:1321",
                "SEX_M",
                "AGE_YTHADULT_YGE15",
                "2021",
                "7",
                "",
                "",
                "",
                "",
            ],
        ],
    )
    third = load_file(revised.engine, v3, full=False)
    assert third.release is not None
    pd.testing.assert_frame_equal(
        latest(revised.engine), latest(revised.engine, as_of=str(third.release)), check_exact=True
    )
    flags = dict(superseded(revised.engine))
    # 12 + (6 new or changed + 2 withdrawals) + 2 rows; superseded: the 4 rows the second
    # release changed and the 2 it withdrew, then the tombstone and the first release's
    # LAO 2021 value that the third replaced
    assert len(flags) == 22 and sum(flags.values()) == 4 + 2 + 2


def test_the_migration_flags_rows_superseded_before_it(revised: Revised) -> None:
    """A warehouse loaded before the ``superseded`` column existed gets the same flags."""
    loaded = superseded(revised.engine)
    with revised.engine.begin() as connection:
        command.downgrade(database.migration_config(connection), "0002")
    with revised.engine.begin() as connection:
        command.upgrade(database.migration_config(connection), "head")
    assert superseded(revised.engine) == loaded
    pd.testing.assert_frame_equal(latest(revised.engine), expected(revised.v2), check_exact=True)

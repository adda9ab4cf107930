"""Trustworthy history: a release is stamped when its rows are all written (so a view as of an
earlier moment never shows them); it records an explicit operator (``operator``,
``--operator`` or ``DECENTWORK_OPERATOR``), never the ``LOGNAME`` anyone can set; the same
content in other bytes (a .csv.gz and its .csv, rows in another order) is the same release;
labels and indicator metadata keep their history, so a view as of a release shows the labels
of then; an extreme ``as_of`` is refused, not a crash. Migration 0005 upgrades a warehouse
holding data, and the migrations make the tables the code queries."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.pool import NullPool

from decentwork.errors import BadInput
from decentwork.warehouse import QueryError, engine, load_file, view
from decentwork.warehouse import load as loading
from decentwork.warehouse.contents import described, label_map
from decentwork.warehouse.database import head_revision, migration_config, write_lock
from decentwork.warehouse.load import IndicatorMetadata, load_files, load_frame
from decentwork.warehouse.settings import OPERATOR
from decentwork.warehouse.tables import label_history, labels, metadata, releases
from decentwork.warehouse.views import release_cut
from tests.warehouse.conftest import (
    ILOSTAT_HEADER,
    assert_ok,
    assert_refused,
    counts,
    invoke,
    read_observations,
    write_csv,
)

IND = "SDG_0852_SEX_AGE_RT"


def rows(*years: int, value: str = "1.5") -> list[list[str]]:
    return [
        ["KHM", IND, "BA:1321", "SEX_T", "AGE_YTHADULT_YGE15", str(y), value, "", "", "", ""]
        for y in years
    ]


def data(folder: Path, *years: int, name: str = "lfs.csv", value: str = "1.5") -> Path:
    return write_csv(folder / name, ILOSTAT_HEADER, rows(*years, value=value))


def release_row(target: sa.Engine, release: int) -> sa.Row:
    with target.connect() as connection:
        return connection.execute(sa.select(releases).where(releases.c.id == release)).one()


def utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# The release's time -------------------------------------------------------------------------


def test_a_release_is_stamped_after_its_rows_are_written(
    warehouse: sa.Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written: list[datetime] = []
    insert = loading._insert

    def recorded(*args: object, **kwargs: object) -> None:
        insert(*args, **kwargs)  # type: ignore[arg-type]
        written.append(datetime.now(UTC))

    monkeypatch.setattr(loading, "_insert", recorded)
    report = load_file(warehouse, data(tmp_path, 2019, 2020))
    assert report.release is not None and written
    stamped = utc(release_row(warehouse, report.release).loaded_at)
    last_row = max(written)
    assert stamped >= last_row  # nobody could see the rows before this moment
    if stamped > last_row:
        with (
            warehouse.connect() as connection,
            pytest.raises(QueryError, match="had no release yet"),
        ):
            release_cut(connection, last_row.replace(tzinfo=None).isoformat())


def test_a_frame_is_stamped_after_its_rows_are_written(warehouse: sa.Engine) -> None:
    frame = read_observations(_frame_text())
    with warehouse.begin() as connection:
        write_lock(connection)
        started = datetime.now(UTC)
        report = load_frame(connection, frame, "computed", "a test", "decentwork")
    assert report.release is not None
    assert utc(release_row(warehouse, report.release).loaded_at) >= started


def _frame_text() -> str:
    lines = [",".join(ILOSTAT_HEADER)] + [",".join(r) for r in rows(2018, 2019)]
    return "\n".join(lines) + "\n"


# The operator ---------------------------------------------------------------------------------


def test_the_operator_is_explicit(
    warehouse: sa.Engine, url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOGNAME", "chief.statistician")
    monkeypatch.setenv("USER", "chief.statistician")
    monkeypatch.delenv(OPERATOR, raising=False)
    unknown = load_file(warehouse, data(tmp_path, 2019, name="a.csv"))
    who = release_row(warehouse, unknown.release or 0).loaded_by
    assert who.startswith("unknown operator [OS account ") and "chief" not in who
    monkeypatch.setenv(OPERATOR, "LMIS unit (Ana)")
    configured = load_file(warehouse, data(tmp_path, 2020, name="b.csv"))
    assert release_row(warehouse, configured.release or 0).loaded_by.startswith(
        "LMIS unit (Ana) (decentwork "
    )
    given = load_file(warehouse, data(tmp_path, 2021, name="c.csv"), operator="Bo")
    assert release_row(warehouse, given.release or 0).loaded_by.startswith("Bo (decentwork ")
    assert_ok(invoke("load", "--db", url, "--operator", "Chan", data(tmp_path, 2022, name="d.csv")))
    with warehouse.connect() as connection:
        newest = connection.execute(
            sa.select(releases.c.loaded_by).order_by(releases.c.id.desc()).limit(1)
        ).scalar_one()
    assert newest.startswith("Chan (decentwork ")


@pytest.mark.parametrize("name", ["", "  ", "two\nlines", "x" * 201])
def test_a_bad_operator_is_refused(
    warehouse: sa.Engine, url: str, tmp_path: Path, name: str
) -> None:
    path = data(tmp_path, 2019)
    with pytest.raises(BadInput) as refused:
        load_file(warehouse, path, operator=name)
    assert refused.value.parameter == "operator"
    if name.strip() and "\n" not in name:
        assert_refused(invoke("load", "--db", url, "--operator", name, path), "--operator")
    assert counts(warehouse) == (0, 0)


def test_a_bad_operator_setting_is_refused(
    warehouse: sa.Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(OPERATOR, "bad\x07name")
    with pytest.raises(BadInput, match=f"{OPERATOR} 'bad\\\\x07name' contains a control "):
        load_file(warehouse, data(tmp_path, 2019))


# Content identity -----------------------------------------------------------------------------


def test_the_same_rows_in_other_bytes_are_the_same_release(
    warehouse: sa.Engine, tmp_path: Path
) -> None:
    plain = data(tmp_path, 2018, 2019, 2020)
    first = load_file(warehouse, plain)
    packed = tmp_path / "gz" / "lfs.csv.gz"
    packed.parent.mkdir()
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    again = load_file(warehouse, packed)
    assert (again.already_loaded, again.release) == (True, first.release)
    lines = plain.read_text("utf-8-sig").splitlines()
    reordered = tmp_path / "other" / "lfs.csv"
    reordered.parent.mkdir()
    reordered.write_text("\n".join([lines[0], *reversed(lines[1:])]) + "\n", "utf-8")
    assert load_file(warehouse, reordered).already_loaded
    spelled = tmp_path / "spelled" / "lfs.csv"
    spelled.parent.mkdir()
    spelled.write_text(plain.read_text("utf-8-sig").replace(",1.5,", ",1.50,"), "utf-8")
    assert spelled.read_bytes() != plain.read_bytes()
    assert load_file(warehouse, spelled).already_loaded
    assert counts(warehouse) == (1, 3)
    changed = load_file(warehouse, data(tmp_path / "changed", 2018, 2019, 2020, value="2"))
    assert (changed.already_loaded, changed.changed) == (False, 3)


def test_two_copies_in_one_load_make_one_release(warehouse: sa.Engine, tmp_path: Path) -> None:
    plain = data(tmp_path, 2019)
    packed = tmp_path / "lfs.csv.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    first, second = load_files(warehouse, [plain, packed], full=False)
    assert second.already_loaded and second.release == first.release
    assert counts(warehouse) == (1, 1)


# Labels and metadata with their history -------------------------------------------------------


def test_labels_keep_their_history(warehouse: sa.Engine, url: str, tmp_path: Path) -> None:
    header = ("ref_area", "ref_area.label")
    old = write_csv(tmp_path / "v1" / "ref_area_en.csv", header, [("KHM", "Cambodia")])
    new = write_csv(
        tmp_path / "v2" / "ref_area_en.csv",
        header,
        [("KHM", "Kingdom of Cambodia"), ("LAO", "Lao PDR")],
    )
    first = load_file(warehouse, old)
    observed = load_file(warehouse, data(tmp_path, 2020))
    second = load_file(warehouse, new)
    assert (second.added, second.changed) == (1, 1)
    with warehouse.connect() as connection:
        now = label_map(connection, kind="ref_area")
        then = label_map(connection, kind="ref_area", cut=observed.release)
        at_first = label_map(connection, kind="ref_area", cut=first.release)
        history = connection.execute(sa.select(sa.func.count()).select_from(label_history))
        assert history.scalar_one() == 3
    assert now == {("ref_area", "KHM"): "Kingdom of Cambodia", ("ref_area", "LAO"): "Lao PDR"}
    assert then == at_first == {("ref_area", "KHM"): "Cambodia"}
    out = tmp_path / "then.xlsx"
    assert_ok(invoke("query", "--db", url, "--as-of", str(observed.release), "--out", out))
    sheet = openpyxl.load_workbook(out)[IND]
    header_row = [c.value for c in sheet[1]]
    assert sheet.cell(2, header_row.index("ref_area_label") + 1).value == "Cambodia"
    latest = tmp_path / "latest.xlsx"
    assert_ok(invoke("query", "--db", url, "--out", latest))
    sheet = openpyxl.load_workbook(latest)[IND]
    assert sheet.cell(2, header_row.index("ref_area_label") + 1).value == "Kingdom of Cambodia"
    releases_sheet = openpyxl.load_workbook(out)["releases"]
    assert [r[0] for r in releases_sheet.iter_rows(min_row=2, values_only=True)] == [1, 2]


def test_indicator_metadata_keeps_its_history(warehouse: sa.Engine, tmp_path: Path) -> None:
    before = IndicatorMetadata(IND, "percent", "The old definition", "Youth NEET")
    after = IndicatorMetadata(IND, "percent", "The new definition", "Youth NEET")
    first = load_file(warehouse, data(tmp_path, 2019, name="a.csv"), metadata=[before])
    same = load_file(warehouse, data(tmp_path, 2020, name="b.csv"), metadata=[before])
    second = load_file(warehouse, data(tmp_path, 2021, name="c.csv"), metadata=[after])
    with warehouse.connect() as connection:
        assert described(connection)[IND] == ("percent", "The new definition")
        assert described(connection, first.release)[IND] == ("percent", "The old definition")
        assert described(connection, same.release)[IND] == ("percent", "The old definition")
        assert described(connection, second.release)[IND] == ("percent", "The new definition")
        assert label_map(connection, kind="indicator", cut=first.release) == {
            ("indicator", IND): "Youth NEET"
        }


# An extreme as_of -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "as_of",
    [
        "0001-01-01T00:00+05:00",
        "9999-12-31T23:59:59-05:00",
        "9999-12-31",
        "0001-01-01",
        "99999999999999999999999",
    ],
)
def test_an_extreme_as_of_is_an_answer_not_a_crash(
    warehouse: sa.Engine, url: str, tmp_path: Path, as_of: str
) -> None:
    load_file(warehouse, data(tmp_path, 2020))
    with warehouse.connect() as connection:
        try:
            found = view(connection, None, as_of)
        except QueryError as error:
            assert error.parameter == "as_of"
            assert_refused(invoke("query", "--db", url, "--as-of", as_of), "--as-of")
        else:
            assert len(found) == 1  # the far future: everything loaded
            assert_ok(invoke("query", "--db", url, "--as-of", as_of))


# The schema -----------------------------------------------------------------------------------


def test_the_migrations_make_the_tables_the_code_queries(warehouse: sa.Engine) -> None:
    with warehouse.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = [
            d
            for d in compare_metadata(context, metadata)
            if not (d[0] == "remove_table" and d[1].name == "decentwork_lock")
        ]
    assert differences == []


def test_migration_0005_upgrades_a_warehouse_with_data(url: str, tmp_path: Path) -> None:
    old = sa.create_engine(url, poolclass=NullPool)
    with old.begin() as connection:
        command.upgrade(migration_config(connection), "0004")
    path = write_csv(
        tmp_path / "ref_area_en.csv", ("ref_area", "ref_area.label"), [("KHM", "Cambodia")]
    )
    with old.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO releases (dataset, file, checksum, format, loaded_at, loaded_by, "
                '"full", rows_read, rows_added, rows_changed, rows_unchanged, rows_withdrawn) '
                "VALUES ('ref_area_en', :file, 'abc', 'ilostat-dictionary', CURRENT_TIMESTAMP, "
                "'someone@host (decentwork 0.1)', TRUE, 1, 1, 0, 0, 0)"
            ),
            {"file": str(path)},
        )
        connection.execute(
            sa.text(
                "INSERT INTO labels (kind, code, lang, label) "
                "VALUES ('ref_area', 'KHM', 'en', 'Cambodia')"
            )
        )
        connection.execute(
            sa.text(
                "INSERT INTO indicators (code, unit, definition) "
                f"VALUES ('{IND}', 'percent', 'Old')"
            )
        )
    old.dispose()
    target = engine(url)  # a writer migrates
    try:
        with target.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() == head_revision()
            assert connection.execute(sa.select(releases.c.content)).scalar_one() is None
            assert label_map(connection, cut=1) == {("ref_area", "KHM"): "Cambodia"}
            assert described(connection, 1) == {IND: ("percent", "Old")}
        renamed = write_csv(
            tmp_path / "ref_area_en.csv",
            ("ref_area", "ref_area.label"),
            [("KHM", "Kingdom of Cambodia")],
        )
        report = load_file(target, renamed)
        assert (report.release, report.changed) == (2, 1)
        with target.connect() as connection:
            assert label_map(connection, cut=1) == {("ref_area", "KHM"): "Cambodia"}
            assert label_map(connection) == {("ref_area", "KHM"): "Kingdom of Cambodia"}
            assert (
                connection.execute(sa.select(labels.c.label)).scalar_one() == "Kingdom of Cambodia"
            )
    finally:
        target.dispose()


def test_old_releases_are_still_recognised_by_their_bytes(url: str, tmp_path: Path) -> None:
    """A file loaded before content identity existed (its release has no content digest) is
    still already loaded."""
    path = data(tmp_path, 2019)
    target = engine(url)
    try:
        first = load_file(target, path)
        with target.begin() as connection:
            connection.execute(releases.update().values(content=None))
        again = load_file(target, path)
        assert (again.already_loaded, again.release) == (True, first.release)
    finally:
        target.dispose()


def test_frames_identical_to_a_release_add_nothing(warehouse: sa.Engine) -> None:
    frame = read_observations(_frame_text())
    with warehouse.begin() as connection:
        write_lock(connection)
        first = load_frame(connection, frame, "computed", "a test", "decentwork")
        again = load_frame(connection, frame.iloc[::-1], "computed", "a test", "decentwork")
    assert again.already_loaded and again.release == first.release
    assert pd.Series([first.added]).item() == 2

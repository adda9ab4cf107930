"""Bad input is refused with a report listing each bad row (file:line: field: problem) and
nothing is loaded, also when the bad file comes after a good one in the same load; a file cut
off midway is unreadable and leaves no partial release; ``skip_bad`` loads the good rows and
writes the rejects with their lines and problems; ``decentwork load`` exits 2 with the
message and no traceback."""

from __future__ import annotations

import gzip
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from decentwork.warehouse import LoadError, UnreadableFile, load_file, view
from decentwork.warehouse.load import load_files
from tests.warehouse.conftest import (
    ILOSTAT_HEADER,
    assert_ok,
    assert_refused,
    assert_same,
    counts,
    invoke,
    read_observations,
    write_csv,
)

IND = "SDG_0852_SEX_AGE_RT"


def row(
    area: str = "KHM", sex: str = "SEX_T", time: str = "2020", value: str = "1.5", status: str = ""
) -> list[str]:
    return [area, IND, "BA:1321", sex, "AGE_YTHADULT_YGE15", time, value, status, "", "", ""]


GOOD = [row(time="2018"), row(time="2019"), row(time="2021"), row(sex="SEX_M")]
"""Lines 2 to 5 of a good file."""


@dataclass(frozen=True)
class Bad:
    """A bad row (it becomes line 4, after two good rows) and the problem it is reported
    with."""

    row: list[str]
    field: str
    problem: str


CASES = {
    "too many fields": Bad([*row(time="2022"), "extra"], "row", "12 fields, expected 11"),
    "too few fields": Bad(row(time="2022")[:-1], "row", "10 fields, expected 11"),
    "non-numeric value": Bad(row(time="2022", value="n/a"), "obs_value", "'n/a' is not a number"),
    "unknown status": Bad(row(time="2022", status="Z"), "obs_status", "unknown status 'Z'"),
    "unknown area": Bad(row(area="ZZZ"), "ref_area", "unknown area 'ZZZ'"),
    "monthly time written as a date": Bad(
        row(time="2024-01"), "time", "'2024-01' is not a year, quarter or month"
    ),
    "duplicate key": Bad(row(time="2018", value="2.5"), "key", "same observation as line 2"),
    "missing area": Bad(row(area=""), "ref_area", "missing"),
    "missing value without a status": Bad(
        row(time="2022", value=""), "obs_value", "missing (and no status says why)"
    ),
}


def bad_cases() -> list:
    return list(CASES)


def bad_file(folder: Path, bad: Bad, name: str = "bad.csv") -> Path:
    return write_csv(folder / name, ILOSTAT_HEADER, [*GOOD[:2], bad.row, *GOOD[2:]])


def good_file(folder: Path, name: str = "good.csv") -> Path:
    return write_csv(
        folder / name,
        ILOSTAT_HEADER,
        [row(area="LAO", time=str(year)) for year in range(2010, 2020)],
    )


def assert_empty(target: sa.Engine) -> None:
    assert counts(target) == (0, 0)


@pytest.mark.parametrize("case", bad_cases())
def test_a_bad_row_is_refused_and_nothing_is_loaded(
    case: str, warehouse: sa.Engine, url: str, tmp_path: Path
) -> None:
    bad = CASES[case]
    path = bad_file(tmp_path, bad)
    reported = f"{path}:4: {bad.field}: {bad.problem}"
    with pytest.raises(LoadError) as refused:
        load_file(warehouse, path)
    assert reported in str(refused.value)
    assert "1 problem(s); nothing loaded" in str(refused.value)
    assert_empty(warehouse)
    # the bad file second of two in one load: the good one is not loaded either
    good = good_file(tmp_path)
    with pytest.raises(LoadError) as refused:
        load_files(warehouse, [good, path])
    assert reported in str(refused.value)
    assert_empty(warehouse)
    # the command line
    result = invoke("load", "--db", url, good, path)
    assert_refused(result, reported, "Hint: Nothing was loaded")
    assert_empty(warehouse)
    # the good file alone loads
    assert load_file(warehouse, good).added == 10


def test_every_bad_row_is_listed(warehouse: sa.Engine, tmp_path: Path) -> None:
    cases = [b for name, b in CASES.items() if name != "non-numeric value"]
    path = write_csv(tmp_path / "bad.csv", ILOSTAT_HEADER, [*GOOD, *(b.row for b in cases)])
    with pytest.raises(LoadError) as refused:
        load_file(warehouse, path)
    message = str(refused.value)
    assert f"{len(cases)} problem(s)" in message
    listed = message.splitlines()[1:]
    assert listed == [
        f"{path}:{line}: {b.field}: {b.problem}" + listed[k].split(b.problem)[1]
        for k, (line, b) in enumerate(zip(range(6, 6 + len(cases)), cases, strict=True))
    ]
    assert_empty(warehouse)


def test_a_row_with_several_problems_lists_each(warehouse: sa.Engine, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "bad.csv", ILOSTAT_HEADER, [*GOOD, row(area="ZZZ", time="20", status="Q")]
    )
    with pytest.raises(LoadError) as refused:
        load_file(warehouse, path)
    message = str(refused.value)
    for field in ("time", "ref_area", "obs_status"):
        assert f"{path}:6: {field}: " in message
    assert_empty(warehouse)


def test_a_long_report_is_cut_with_a_count(warehouse: sa.Engine, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "bad.csv",
        ILOSTAT_HEADER,
        [row(time=str(1800 + k), status="Z") for k in range(250)],
    )
    with pytest.raises(LoadError) as refused:
        load_file(warehouse, path)
    message = str(refused.value)
    assert "250 problem(s)" in message
    assert f"{path}:201: obs_status" in message and f"{path}:202:" not in message
    assert message.endswith("... and 50 more")
    assert_empty(warehouse)


def test_lines_are_physical_lines(warehouse: sa.Engine, tmp_path: Path) -> None:
    multiline = row(time="2019")
    multiline[10] = "a note\non two lines"
    path = write_csv(
        tmp_path / "bad.csv",
        ILOSTAT_HEADER,
        [row(time="2018"), multiline, row(time="2022", status="Z")],
    )
    assert path.read_text("utf-8-sig").splitlines()[4].startswith("KHM,")
    with pytest.raises(LoadError) as refused:
        load_file(warehouse, path)
    assert f"{path}:5: obs_status: unknown status 'Z'" in str(refused.value)


# Files cut off or in no known format ---------------------------------------------------------


def test_a_truncated_gzip_file_is_unreadable(
    warehouse: sa.Engine, url: str, tmp_path: Path
) -> None:
    whole = good_file(tmp_path)
    raw = gzip.compress(whole.read_bytes())
    cut = tmp_path / "cut.csv.gz"
    cut.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(UnreadableFile, match="damaged or cut off"):
        load_file(warehouse, cut)
    assert_empty(warehouse)
    first = write_csv(tmp_path / "first.csv", ILOSTAT_HEADER, GOOD)
    with pytest.raises(UnreadableFile, match="damaged or cut off"):
        load_files(warehouse, [first, cut])
    assert_empty(warehouse)
    result = invoke("load", "--db", url, first, cut)
    assert_refused(
        result, f"{cut}: the gzip file is damaged or cut off", "Hint: Nothing was loaded"
    )
    assert_empty(warehouse)


def test_a_truncated_csv_file_is_unreadable(warehouse: sa.Engine, url: str, tmp_path: Path) -> None:
    whole = good_file(tmp_path).read_bytes()
    cut = tmp_path / "cut.csv"
    cut.write_bytes(whole[: len(whole) // 2 + 3])
    assert not cut.read_bytes().endswith(b"\n")
    first = write_csv(tmp_path / "first.csv", ILOSTAT_HEADER, GOOD)
    with pytest.raises(UnreadableFile, match="does not end with a line break"):
        load_files(warehouse, [first, cut])
    assert_empty(warehouse)
    assert_refused(invoke("load", "--db", url, cut), f"{cut}: the file does not end")
    assert_empty(warehouse)


def test_files_in_no_known_format(warehouse: sa.Engine, url: str, tmp_path: Path) -> None:
    unknown = write_csv(tmp_path / "other.csv", ("a", "b", "c"), [(1, 2, 3)])
    archive = tmp_path / "bulk.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("good.csv", good_file(tmp_path).read_text("utf-8"))
    damaged = tmp_path / "broken.parquet"
    damaged.write_bytes(b"PAR1 not really")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    for path, problem in (
        (unknown, "not a format decentwork loads"),
        (archive, "a zip archive; extract the CSV file first"),
        (damaged, "not a readable Parquet file"),
        (empty, "empty file"),
        (tmp_path / "missing.csv", "no such file"),
    ):
        with pytest.raises(UnreadableFile, match=problem):
            load_file(warehouse, path)
        assert_refused(invoke("load", "--db", url, path), f"{path}: {problem}")
    assert_empty(warehouse)


# Skipping bad rows ---------------------------------------------------------------------------


def test_skip_bad_loads_the_good_rows_and_writes_the_rejects(
    warehouse: sa.Engine, tmp_path: Path
) -> None:
    cases = [b for name, b in CASES.items() if name != "non-numeric value"]
    rows = [*GOOD, *(b.row for b in cases), row(area="VNM")]
    path = write_csv(tmp_path / "mixed.csv", ILOSTAT_HEADER, rows)
    rejects = tmp_path / "rejects.csv"
    report = load_file(warehouse, path, skip_bad=True, rejects=rejects)
    good = write_csv(tmp_path / "expected.csv", ILOSTAT_HEADER, [*GOOD, row(area="VNM")])
    assert (report.rows_read, report.added, report.rejected) == (5, 5, len(cases))
    with warehouse.connect() as connection:
        assert_same(view(connection), read_observations(good))
    table = pd.read_csv(rejects, dtype=str, keep_default_na=False)
    assert list(table.columns[:2]) == ["line", "problems"]
    assert list(table.columns[2:]) == list(ILOSTAT_HEADER)
    assert table["line"].astype(int).tolist() == list(range(6, 6 + len(cases)))
    for (_, reject), bad in zip(table.iterrows(), cases, strict=True):
        assert f"{bad.field}: {bad.problem}" in reject["problems"]
    assert table.loc[table["problems"].str.contains("unknown area"), "ref_area"].tolist() == ["ZZZ"]


def test_skip_bad_on_the_command_line(warehouse: sa.Engine, url: str, tmp_path: Path) -> None:
    bad = CASES["unknown status"]
    path = bad_file(tmp_path, bad)
    result = invoke("load", "--db", url, "--skip-bad", path)
    assert_ok(result)
    rejects = tmp_path / "bad.csv.rejects.csv"
    table = pd.read_csv(rejects, dtype=str, keep_default_na=False)
    assert table[["line", "problems", "obs_status"]].values.tolist() == [
        ["4", f"obs_status: {bad.problem} (ILOSTAT codes: A, B, C, E, I, M, P, R, S, U)", "Z"]
    ]
    assert counts(warehouse) == (1, len(GOOD))


@pytest.mark.parametrize("value", ["[/x]", "[b]"])
def test_the_message_shows_the_files_text_as_it_is(
    warehouse: sa.Engine, url: str, tmp_path: Path, value: str
) -> None:
    path = write_csv(tmp_path / "bad.csv", ILOSTAT_HEADER, [*GOOD, row(time="2022", status=value)])
    result = invoke("load", "--db", url, path)
    assert_refused(result, f"{path}:6: obs_status: unknown status '{value}'")
    assert_empty(warehouse)

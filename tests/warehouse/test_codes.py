"""Codes are checked before they are stored: a character set (letters, digits, ``_ . : + -``),
a length, no quotes, line breaks or NUL (which SQLite stores and PostgreSQL refuses), years
in 1800-2100, interval bounds around the value; notes and labels without control
characters; dataset names without quotes or control characters; an indicator the warehouse
has no label of, once it has labels, is reported. Each problem names the file, the line and
the field, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from decentwork.warehouse import LoadError, UnreadableFile, load_file
from decentwork.warehouse.load import load_files
from tests.warehouse.conftest import (
    ILOSTAT_HEADER,
    assert_ok,
    counts,
    flat,
    invoke,
    write_csv,
)

IND = "SDG_0852_SEX_AGE_RT"
DECENTWORK = (
    "ref_area",
    "indicator",
    "source",
    "sex",
    "classif1",
    "classif2",
    "time",
    "obs_value",
    "obs_status",
    "se",
    "lower_bound",
    "upper_bound",
)


def row(**changed: str) -> list[str]:
    values = {
        "ref_area": "KHM",
        "indicator": IND,
        "source": "BA:1321",
        "sex": "SEX_T",
        "classif1": "AGE_YTHADULT_YGE15",
        "time": "2020",
        "obs_value": "1.5",
        "obs_status": "",
        "note_classif": "",
        "note_indicator": "",
        "note_source": "",
    }
    values.update(changed)
    return [values[c] for c in ILOSTAT_HEADER]


BAD = {
    "a quote in a code": (
        row(source='BA:"1321'),
        "source",
        "'BA:\"1321' is not a code: expected letters, digits and _ . : + -",
    ),
    "a line break in a code": (
        row(classif1="AGE_Y15\n-24"),
        "row",
        "a quoted field runs over lines 3 to 4",
    ),
    "a NUL in a code": (row(indicator=f"{IND}\x00"), "indicator", f"'{IND}\\x00' is not a code"),
    "a space in a code": (row(source="BA 1321"), "source", "'BA 1321' is not a code"),
    "a code starting like a formula": (row(classif1="=1+2"), "classif1", "'=1+2' is not a code"),
    "an indicator too long": (row(indicator="I" * 101), "indicator", "longer than 100 characters"),
    "year 0000": (row(time="0000"), "time", "'0000': the year is outside 1800-2100"),
    "year 9999": (row(time="9999Q1"), "time", "'9999Q1': the year is outside 1800-2100"),
    "year 1799": (row(time="1799"), "time", "'1799': the year is outside 1800-2100"),
    "a control character in a note": (
        row(note_source="S3:20\x07"),
        "note_source",
        "'S3:20\\x07' contains a control character ('\\x07')",
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_code_is_refused_naming_line_and_field(
    case: str, warehouse: sa.Engine, url: str, tmp_path: Path
) -> None:
    bad, field, problem = BAD[case]
    path = write_csv(tmp_path / "bad.csv", ILOSTAT_HEADER, [row(time="2019"), bad])
    with pytest.raises(LoadError) as refused:
        load_file(warehouse, path)
    assert f"{path}:3: {field}: {problem}" in str(refused.value)
    assert "1 problem(s)" in str(refused.value)
    assert counts(warehouse) == (0, 0)


def test_a_carriage_return_in_a_code(warehouse: sa.Engine, tmp_path: Path) -> None:
    """Quoted, it is a code's character; not quoted, the line cannot be read as CSV."""
    header = ",".join(ILOSTAT_HEADER) + "\n"
    quoted = tmp_path / "quoted.csv"
    quoted.write_bytes(f'{header}KHM,{IND},BA:1,"SEX_T\r",,2020,1,,,,\n'.encode())
    with pytest.raises(LoadError, match=f"{quoted}:2: sex: 'SEX_T\\\\r' is not a code"):
        load_file(warehouse, quoted)
    bare = tmp_path / "bare.csv"
    bare.write_bytes(f"{header}KHM,{IND},BA:1,SEX_T\r,,2020,1,,,,\n".encode())
    with pytest.raises(
        UnreadableFile,
        match=f"{bare}:2: a line break \\(a carriage return\\) inside a field that is not quoted",
    ):
        load_file(warehouse, bare)


def test_the_edges_of_the_rules_are_accepted(warehouse: sa.Engine, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "edges.csv",
        ILOSTAT_HEADER,
        [
            row(time="1800"),
            row(time="2100M12"),
            row(indicator="I" * 100),
            row(classif1="AGE_AGGREGATE_Y15-24+"),
            row(source="WB:WDI.x-1"),
            row(note_indicator='a note, with "quotes" and =signs'),
        ],
    )
    assert load_file(warehouse, path).added == 6


BOUNDS = [
    (("1", "0.5", "1.5"), None),
    (("1", "1", "1"), None),
    (("", "0.5", "1.5"), None),
    (("1", "1.2", "1.5"), ("lower_bound", "1.2 is above the value 1")),
    (("1", "0.5", "0.9"), ("upper_bound", "0.9 is below the value 1")),
    (("", "2", "1"), ("lower_bound", "2 is above the upper bound 1")),
]


@pytest.mark.parametrize(("values", "refused"), BOUNDS)
def test_bounds_lie_around_the_value(
    warehouse: sa.Engine,
    tmp_path: Path,
    values: tuple[str, str, str],
    refused: tuple[str, str] | None,
) -> None:
    value, low, high = values
    status = "" if value else "U"
    line = ["KHM", IND, "DW:1", "SEX_T", "", "", "2020", value, status, "0.1", low, high]
    path = write_csv(tmp_path / "bounds.csv", DECENTWORK, [line])
    if refused is None:
        assert load_file(warehouse, path).added == 1
        return
    field, problem = refused
    with pytest.raises(LoadError, match=f"{path}:2: {field}: {problem}"):
        load_file(warehouse, path)


def test_dictionary_codes_and_labels_are_checked(warehouse: sa.Engine, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "sex_en.csv",
        ("sex", "sex.label"),
        [("SEX_T", "Sex: Total"), ('SEX_"X', "quoted"), ("SEX_Y", "a\x00label")],
    )
    with pytest.raises(LoadError) as refused:
        load_file(warehouse, path)
    message = str(refused.value)
    assert f"{path}:3: sex: 'SEX_\"X' is not a code" in message
    assert f"{path}:4: sex.label: 'a\\x00label' contains a control character" in message
    bad_kind = write_csv(tmp_path / "odd.csv", ("a b", "a b.label"), [("X", "x")])
    with pytest.raises(UnreadableFile, match=f"{bad_kind}:1: the dictionary's kind of code 'a b'"):
        load_file(warehouse, bad_kind)
    assert counts(warehouse) == (0, 0)


@pytest.mark.parametrize("name", ['my "data"', "line\nbreak", "nul\x00", " ", "D" * 201])
def test_a_bad_dataset_name_is_refused(warehouse: sa.Engine, tmp_path: Path, name: str) -> None:
    path = write_csv(tmp_path / "ok.csv", ILOSTAT_HEADER, [row()])
    with pytest.raises(LoadError) as refused:
        load_file(warehouse, path, dataset=name)
    assert refused.value.parameter == "dataset"
    assert counts(warehouse) == (0, 0)


def test_an_indicator_without_a_label_is_reported(
    warehouse: sa.Engine, url: str, tmp_path: Path
) -> None:
    dictionary = write_csv(
        tmp_path / "indicator_en.csv", ("indicator", "indicator.label"), [(IND, "Youth NEET rate")]
    )
    typo = "SDG_0852_SEX_AEG_RT"
    data = write_csv(tmp_path / "data.csv", ILOSTAT_HEADER, [row(), row(indicator=typo)])
    dictionary_report, report = load_files(warehouse, [dictionary, data])
    assert dictionary_report.unlabelled == ()
    assert report.unlabelled == (typo,) and report.added == 2
    other = write_csv(tmp_path / "other.csv", ILOSTAT_HEADER, [row(indicator=typo, time="2021")])
    result = invoke("load", "--db", url, other)
    assert_ok(result)
    assert f"Note: other.csv: the warehouse has no label of indicator(s) {typo}" in flat(
        result.stderr
    )
    before = write_csv(tmp_path / "first.csv", ILOSTAT_HEADER, [row(time="2022")])
    assert load_file(warehouse, before).unlabelled == ()


def test_nothing_with_a_nul_reaches_either_database(warehouse: sa.Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "nul.csv", ILOSTAT_HEADER, [row(note_indicator="x\x00y")])
    with pytest.raises(LoadError, match="note_indicator: 'x\\\\x00y' contains a control"):
        load_file(warehouse, path)
    assert counts(warehouse) == (0, 0)

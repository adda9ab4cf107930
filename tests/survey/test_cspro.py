"""The CSPro reader: dictionaries (.dcf), fixed-position data read by DuckDB, implied decimals,
value labels, record types, and clear errors naming the file, line and item."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from decentwork.errors import NotFound
from decentwork.survey import ProfileError, readers, value_labels
from decentwork.survey.cspro.dictionary import read_dictionary
from decentwork.survey.profile import Input
from tests.survey.conftest import SHARED

PSA = SHARED / "psa_lfs" / "2022"
CSPRO = Input(format="cspro")

DICTIONARY = """\ufeff[Dictionary]
Version=CSPro 7.7
Label=Test survey
Name=TEST_DICT
RecordTypeStart=1
RecordTypeLen=1
Positions=Relative
ZeroFill=Yes
DecimalChar=No

[Level]
Label=Questionnaire
Name=QUEST

[IdItems]

[Item]
Label=Household
Name=HH
Start=2
Len=3
DataType=Numeric
ZeroFill=Yes

[Record]
Label=Persons
Name=PERSON
RecordTypeValue='2'
RecordLen=30

[Item]
Label=Sex
Name=SEX
Start=5
Len=1
DataType=Numeric

[ValueSet]
Label=Sex
Name=SEX_VS1
Value=1;Male
Value=2;Female

[Item]
Label=Weight
Name=WEIGHT
Start=6
Len=8
DataType=Numeric
Decimal=4
ZeroFill=Yes

[Item]
Label=Hours
Name=HOURS
Start=14
Len=4
DataType=Numeric
Decimal=1
DecimalChar=Yes

[Item]
Label=Occupation
Name=OCC
Start=18
Len=2
DataType=Numeric

[ValueSet]
Label=Occupation group
Name=OCC_VS1
Value=11:14;Managers
Value=21:26;Professionals
Value=' ';Not applicable
Name=NOTAPPL,Special

[ValueSet]
Label=Other set, ignored
Name=OCC_VS2
Value=11:96;Everyone

[Item]
Label=Name
Name=NAME
Start=20
Len=6
DataType=Alpha

[Item]
Label=Visits
Name=VISIT
Start=26
Len=2
DataType=Numeric
Occurs=2
"""
"""A small dictionary: an identification item, numeric items with implied and written
decimals, value sets with ranges and a blank special value, an alphanumeric item and an item
occurring twice."""

LINES = [
    "200110123456712.511Ana   0102",
    "2001200000000 7.023Bruno 03",
    "2002100000300 0.5  Zoë",
]
"""Three person lines (record type 2), with trailing blanks trimmed as CSPro writes them."""


def write(
    folder: Path,
    lines: list[str] = LINES,
    dictionary: str = DICTIONARY,
    name: str = "survey",
    newline: str = "\n",
    encoding: str = "utf-8",
) -> Path:
    """A data file (with a byte order mark when UTF-8, as CSPro writes it) and its dictionary
    beside it; returns the data file."""
    (folder / f"{name}.dcf").write_text(dictionary, encoding="utf-8")
    data = folder / f"{name}.dat"
    mark = "\ufeff" if encoding == "utf-8" else ""
    data.write_bytes((mark + newline.join(lines) + newline).encode(encoding))
    return data


def rows(
    spec: Input, path: Path, needed: list[str], dictionary: Path | None = None
) -> list[tuple[object, ...]]:
    """The ``needed`` items of every record, as tuples."""
    return readers.read(spec, path, needed, dictionary).fetchall()


def test_items_are_cut_typed_and_scaled(tmp_path: Path) -> None:
    data = write(tmp_path)
    assert readers.columns(CSPRO, data) == [
        "HH",
        "SEX",
        "WEIGHT",
        "HOURS",
        "OCC",
        "NAME",
        "VISIT_1",
        "VISIT_2",
    ]
    relation = readers.read(CSPRO, data, ["HH", "SEX", "WEIGHT", "HOURS", "OCC", "NAME"])
    assert [str(t) for t in relation.types] == [
        "BIGINT",
        "BIGINT",
        "DOUBLE",
        "DOUBLE",
        "BIGINT",
        "VARCHAR",
    ]
    assert relation.fetchall() == [
        (1, 1, 123.4567, 12.5, 11, "Ana"),
        (1, 2, 0.0, 7.0, 23, "Bruno"),
        (2, 1, 0.03, 0.5, None, "Zoë"),
    ]


def test_implied_decimals_are_exact(tmp_path: Path) -> None:
    """Four implied decimals: the integer divided by 10^4, the nearest double to the decimal
    value (1585.7960 of the Philippine weights)."""
    lines = ["200110015857960", "200120000000001", "200139999999999"]
    dictionary = (
        DICTIONARY.replace("Start=6\nLen=8", "Start=6\nLen=10")
        .replace("Start=14\nLen=4", "Start=16\nLen=2")
        .replace("DecimalChar=Yes", "DecimalChar=No")
    )
    data = write(tmp_path, lines, dictionary)
    assert rows(CSPRO, data, ["WEIGHT"]) == [(1585.796,), (0.0001,), (999999.9999,)]


def test_occurring_items_and_blanks(tmp_path: Path) -> None:
    data = write(tmp_path)
    assert rows(CSPRO, data, ["VISIT_1", "VISIT_2", "OCC"]) == [
        (1, 2, 11),
        (3, None, 23),
        (None, None, None),
    ]


def test_value_labels_from_the_first_value_set(tmp_path: Path) -> None:
    labels = value_labels(CSPRO, write(tmp_path))
    assert labels["SEX"] == {1: "Male", 2: "Female"}
    assert labels["OCC"][11] == labels["OCC"][14] == "Managers"
    assert labels["OCC"][26] == "Professionals"
    assert 15 not in labels["OCC"] and 96 not in labels["OCC"]
    assert set(labels) == {"SEX", "OCC"}


def test_value_labels_of_the_philippine_dictionary() -> None:
    labels = value_labels(CSPRO, PSA / "LFS_PUF_September_2022.F2")
    assert labels["PUFC04_SEX"] == {1: "Male", 2: "Female"}
    assert labels["PUFREG"][13] == "National Capital Region  (NCR)"
    assert labels["PUFC13_PROCC"][25] == "Professionals"
    assert labels["PUFNEWEMPSTAT"] == {1: "Employed", 2: "Unemployed", 3: "Not in the Labor Force"}
    # C08's blank code (persons under 15) is CSPro's not-applicable, not a value.
    assert set(labels["PUFC08_CONWR"]) == {1, 2, 3, 4, 5}


def test_philippine_file_weights_have_four_decimals() -> None:
    relation = readers.read(CSPRO, PSA / "LFS_PUF_September_2022.F2", ["PUFPWGTPRV"])
    first, total, records = relation.aggregate(
        "FIRST(PUFPWGTPRV), SUM(PUFPWGTPRV), COUNT(*)"
    ).fetchall()[0]
    assert first == 1585.796  # "0015857960" on the file's first line
    assert records == 46_261
    assert total == pytest.approx(111_800_310.9987, abs=1e-3)


def test_byte_order_mark_and_crlf_lines(tmp_path: Path) -> None:
    data = write(tmp_path, newline="\r\n")
    assert rows(CSPRO, data, ["HH", "NAME", "VISIT_1"]) == [
        (1, "Ana", 1),
        (1, "Bruno", 3),
        (2, "Zoë", None),
    ]


def test_dictionary_given_explicitly(tmp_path: Path) -> None:
    data = write(tmp_path)
    elsewhere = tmp_path / "dictionaries"
    elsewhere.mkdir()
    (tmp_path / "survey.dcf").rename(elsewhere / "layout.DCF")
    with pytest.raises(
        NotFound,
        match=r"survey.dat: no CSPro dictionary beside it "
        r"\(survey.dcf\)",
    ) as caught:
        readers.columns(CSPRO, data)
    assert caught.value.parameter == "dictionary"
    assert readers.columns(CSPRO, data, elsewhere / "layout.DCF")[:2] == ["HH", "SEX"]
    assert rows(CSPRO, data, ["SEX"], dictionary=elsewhere / "layout.DCF") == [(1,), (2,), (1,)]
    with pytest.raises(NotFound, match=r"absent.dcf: no such dictionary file"):
        readers.columns(CSPRO, data, tmp_path / "absent.dcf")


def test_dictionary_only_with_cspro(tmp_path: Path) -> None:
    (tmp_path / "s.csv").write_text("a\n1\n")
    with pytest.raises(
        ProfileError,
        match=r"a dictionary is read with CSPro data only; the "
        r"profile reads csv files",
    ) as caught:
        readers.columns(Input(format="csv"), tmp_path / "s.csv", tmp_path / "x.dcf")
    assert caught.value.parameter == "dictionary"


def test_mismatched_dictionary_names_the_item_and_line() -> None:
    """February's layout (an extra item in the middle) on September's data: the first line
    where an item holds something that is not a number is named, with the item."""
    with pytest.raises(ProfileError) as caught:
        readers.read(
            CSPRO,
            PSA / "LFS_PUF_September_2022.F2",
            ["PUFC26_WYNOT"],
            PSA / "LFS_PUF_February_2022.dcf",
        )
    message = str(caught.value)
    assert message.startswith(
        f"{PSA / 'LFS_PUF_September_2022.F2'}: line 381, item "
        "PUFC26_WYNOT (positions 78-79, dictionary "
        "LFS_PUF_February_2022.dcf line 2343): '1 ' is not a number"
    )
    assert "718 lines like it" in message
    assert "the dictionary does not describe this file" in message


def test_line_longer_than_the_record(tmp_path: Path) -> None:
    data = write(tmp_path, [*LINES[:2], LINES[0] + "  99"])
    with pytest.raises(
        ProfileError,
        match=r"survey.dat: line 3 is 33 characters long, longer "
        r"than record PERSON of dictionary survey.dcf \(30\)",
    ):
        readers.read(CSPRO, data, ["SEX"])


def test_truncated_line(tmp_path: Path) -> None:
    """A line ending inside a numeric item (numbers are right-aligned, so trimming trailing
    blanks never does that) is truncated."""
    data = write(tmp_path, [LINES[0], LINES[1][:9]])
    with pytest.raises(
        ProfileError,
        match=r"survey.dat: line 2 is truncated: it ends at "
        r"position 9, inside item WEIGHT \(positions 6-13 in dictionary "
        r"survey.dcf\)",
    ):
        readers.read(CSPRO, data, ["SEX"])


def test_not_a_number(tmp_path: Path) -> None:
    data = write(tmp_path, [LINES[0], LINES[1], LINES[2].replace("0003", "**03")])
    with pytest.raises(
        ProfileError,
        match=r"survey.dat: line 3, item WEIGHT \(positions 6-13, "
        r"dictionary survey.dcf line 44\): '00\*\*0300' is not a number",
    ):
        readers.read(CSPRO, data, ["WEIGHT"])
    assert rows(CSPRO, data, ["SEX"]) == [(1,), (2,), (1,)]  # only items read are checked


def test_wrong_encoding(tmp_path: Path) -> None:
    data = write(tmp_path, encoding="latin-1")
    with pytest.raises(
        ProfileError,
        match=r"survey.dat: line 3: not UTF-8 text; set "
        r"input.encoding",
    ):
        readers.read(CSPRO, data, ["NAME"])
    latin = Input(format="cspro", encoding="latin-1")
    assert rows(latin, data, ["NAME"]) == [("Ana",), ("Bruno",), ("Zoë",)]


def test_record_types(tmp_path: Path) -> None:
    """A file of households (type 1) and persons (type 2): the profile says which record it
    reads; lines of the other are skipped; an unknown type stops the reading."""
    households = DICTIONARY.replace(
        "[Record]\nLabel=Persons",
        """[Record]
Label=Households
Name=HOUSEHOLD
RecordTypeValue='1'
RecordLen=8

[Item]
Label=Dwelling
Name=DWELLING
Start=5
Len=4
DataType=Numeric

[Record]
Label=Persons""",
    )
    data = write(tmp_path, ["10011234", LINES[0], LINES[1], "10025678", LINES[2]], households)
    with pytest.raises(
        ProfileError,
        match=r"survey.dcf: the dictionary has 2 record types "
        r"\(HOUSEHOLD \(type '1'\), PERSON \(type '2'\)\); input.record must say",
    ):
        readers.columns(CSPRO, data)
    persons = Input(format="cspro", record="person")
    assert readers.columns(persons, data)[:3] == ["HH", "SEX", "WEIGHT"]
    assert rows(persons, data, ["HH", "SEX"]) == [(1, 1), (1, 2), (2, 1)]
    homes = Input(format="cspro", record="HOUSEHOLD")
    assert rows(homes, data, ["HH", "DWELLING"]) == [(1, 1234), (2, 5678)]
    with pytest.raises(ProfileError, match=r"input.record 'visits': no such record"):
        readers.columns(Input(format="cspro", record="visits"), data)
    (tmp_path / "survey.dat").write_text("\n".join([LINES[0], "30011", LINES[1]]))
    with pytest.raises(
        ProfileError,
        match=r"survey.dat: line 2: record type '3' \(position 1\) "
        r"is not one of dictionary survey.dcf's \(HOUSEHOLD '1', PERSON '2'\)",
    ):
        readers.read(persons, data, ["SEX"])


def test_zip_with_data_and_dictionary(tmp_path: Path) -> None:
    data = write(tmp_path)
    archive = tmp_path / "survey.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.write(data, "puf/survey.dat")
        out.write(tmp_path / "survey.dcf", "puf/survey.dcf")
        out.writestr("puf/readme.txt", "codes")
    assert rows(CSPRO, archive, ["HH", "SEX"]) == [(1, 1), (1, 2), (2, 1)]
    assert value_labels(CSPRO, archive)["SEX"] == {1: "Male", 2: "Female"}


def test_dictionary_or_database_given_as_data(tmp_path: Path) -> None:
    write(tmp_path)
    with pytest.raises(
        ProfileError,
        match=r"survey.dcf: this is a CSPro dictionary; give the "
        r"data file",
    ):
        readers.columns(CSPRO, tmp_path / "survey.dcf")
    (tmp_path / "survey.csdb").write_bytes(b"SQLite format 3\x00")
    with pytest.raises(
        ProfileError,
        match=r"survey.csdb: a CSPro database \(.csdb\) cannot be "
        r"read; export it",
    ):
        readers.columns(CSPRO, tmp_path / "survey.csdb")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("Start=6\nLen=8", "Start=six\nLen=8"),
            r"line 47: item WEIGHT: Start='six' is not a whole "
            r"number",
        ),
        (("Start=6\nLen=8", "Len=8"), r"line 44: item WEIGHT: Start missing"),
        (
            ("DataType=Alpha", "DataType=Date"),
            r"line 87: item NAME: DataType 'Date' is not Numeric "
            r"or Alpha",
        ),
        (("Value=2;Female", "Value=two;Female"), r"line 42: item SEX: value 'two' is not a number"),
        (
            ("Start=26\nLen=2", "Start=29\nLen=2"),
            r"line 89: item VISIT_2 \(positions 31-32\) ends "
            r"after the record's length 30",
        ),
        (("Name=OCC\n", "Name=SEX\n"), r"items named more than once: sex"),
        (
            ("\ufeff[Dictionary]", "Name=x"),
            r"line 1: 'Name=x' before any \[section\]; not a CSPro "
            r"dictionary",
        ),
        (
            ("ZeroFill=Yes\nDecimalChar=No", "ZeroFill=Yes\nDecimalChar=Maybe"),
            r"line 9: DecimalChar='Maybe': expected Yes or No",
        ),
    ],
)
def test_malformed_dictionary(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    assert change[0] in DICTIONARY
    data = write(tmp_path, dictionary=DICTIONARY.replace(*change))
    with pytest.raises(ProfileError, match=message) as caught:
        readers.columns(CSPRO, data)
    assert str(caught.value).startswith(f"{tmp_path / 'survey.dcf'}:")


def test_dictionary_not_utf8(tmp_path: Path) -> None:
    data = write(tmp_path)
    (tmp_path / "survey.dcf").write_bytes(
        DICTIONARY.replace("Label=Sex\nName=SEX_VS1", "Label=Séx\nName=SEX_VS1").encode(
            "latin-1", errors="ignore"
        )
    )
    with pytest.raises(ProfileError, match=r"survey.dcf: line 39: not UTF-8 text \(byte 0xe9\)"):
        readers.columns(CSPRO, data)


def test_parsed_dictionary(tmp_path: Path) -> None:
    write(tmp_path)
    parsed = read_dictionary(tmp_path / "survey.dcf")
    assert (parsed.name, parsed.type_start, parsed.type_length) == ("TEST_DICT", 1, 1)
    (record,) = parsed.records
    assert (record.name, record.type_value, record.length) == ("PERSON", "2", 30)
    weight = next(i for i in record.items if i.name == "WEIGHT")
    assert (weight.start, weight.end, weight.decimals, weight.decimal_char) == (6, 13, 4, False)
    hours = next(i for i in record.items if i.name == "HOURS")
    assert (hours.decimals, hours.decimal_char) == (1, True)
    assert [(i.name, i.start) for i in record.items if i.name.startswith("VISIT")] == [
        ("VISIT_1", 26),
        ("VISIT_2", 28),
    ]

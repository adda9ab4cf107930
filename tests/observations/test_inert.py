"""Formula injection: text that a spreadsheet would run as a formula (``=``, ``+``, ``-``,
``@``, tab, carriage return first, OWASP's CSV-injection rule) is made inert, a single quote
before it, in every CSV and Excel file decentwork writes, by one function
(``writers.inert``); numbers, negative ones too, stay numbers. Tested on each path a user
exports through: ``query`` and ``export`` (CSV, SDMX-CSV, Excel), ``compute`` (CSV, Excel),
and the dashboard's ``/data.xlsx``, ``/indicators/<code>.xlsx`` and ``/data.csv``. Public
workbooks show a release's file by name, without the server's folders or the operator."""

from __future__ import annotations

import io
from importlib import resources
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from decentwork.cli import app
from decentwork.observations import COLUMNS
from decentwork.observations.writers import (
    FORMULA_STARTS,
    csv_text,
    inert,
    write,
    write_sheets,
)
from decentwork.synthetic import generate
from decentwork.warehouse import engine, load_file
from decentwork.warehouse.tables import releases

runner = CliRunner()
HEADER = (
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
FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1+2", "-2+3", "@SUM(A1)"]
"""Notes a loaded file carries that a spreadsheet would take for formulas (a tab or a
carriage return cannot be loaded: the warehouse refuses control characters)."""
INDICATOR = "SDG_0852_SEX_AGE_RT"


def quoted(text: str) -> str:
    return "'" + text


def test_inert_quotes_formula_like_text_only() -> None:
    for text in [*FORMULAS, "\t=1", "\r=1"]:
        assert inert(text) == quoted(text)
    assert set(FORMULA_STARTS) == {"=", "+", "-", "@", "\t", "\r"}
    for same in ("KHM", "a - b", "", "1=1", "'=already quoted"):
        assert inert(same) == same
    for number in (-1.5, -3, 0.0, None):
        assert inert(number) == number


def test_csv_text_keeps_numbers_as_numbers() -> None:
    table = pd.DataFrame({"note": ["=1+2", "fine"], "value": [-1.5, 2.0]})
    assert csv_text(table) == "note,value\n'=1+2,-1.5\nfine,2.0\n"


def test_a_workbook_cell_is_a_string_never_a_formula(tmp_path: Path) -> None:
    out = tmp_path / "x.xlsx"
    write_sheets(
        out,
        {
            "s": pd.DataFrame(
                {
                    "note": ["=1+2", "@A1", "plain"],
                    "value": [-1.0, float("nan"), 3.0],
                    "count": pd.array([1, None, 3], dtype="Int64"),
                }
            )
        },
    )
    sheet = openpyxl.load_workbook(out)["s"]
    notes = [sheet.cell(row, 1) for row in (2, 3, 4)]
    assert [c.value for c in notes] == ["'=1+2", "'@A1", "plain"]
    assert {c.data_type for c in notes} == {"s"}
    assert [sheet.cell(row, 2).value for row in (2, 3, 4)] == [-1.0, None, 3.0]
    assert sheet.cell(2, 2).data_type == "n"
    assert [sheet.cell(row, 3).value for row in (2, 3, 4)] == [1, None, 3]


# Every export of the command line and the dashboard -----------------------------------------


def loaded_file(folder: Path) -> Path:
    """An ILOSTAT-style file whose notes look like formulas, one per row, and one negative
    value."""
    lines = [",".join(HEADER)]
    for year, note in enumerate(FORMULAS, start=2010):
        cell = '"' + note.replace('"', '""') + '"'
        lines.append(
            f"KHM,{INDICATOR},BA:1,SEX_T,AGE_YTHADULT_YGE15,{year},-{year % 7}.5,,,,{cell}"
        )
    path = folder / "notes.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
    return path


@pytest.fixture
def warehouse(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path}/w.sqlite"
    target = engine(url)
    report = load_file(target, loaded_file(tmp_path), operator="Jane Operator")
    assert report.added == len(FORMULAS)
    target.dispose()
    return url


def notes_in(table: pd.DataFrame, column: str = "note_source") -> list[str]:
    return sorted(table[column].tolist())


def read_csv(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def assert_inert_csv(text: str, column: str = "note_source") -> None:
    table = read_csv(text)
    assert notes_in(table, column) == sorted(quoted(n) for n in FORMULAS)
    values = table["obs_value" if column == "note_source" else "OBS_VALUE"]
    assert all(v.startswith("-") for v in values)  # negative numbers untouched


def assert_inert_workbook(path: Path, sheet: str) -> None:
    book = openpyxl.load_workbook(path)
    rows = list(book[sheet].iter_rows())
    header = [c.value for c in rows[0]]
    notes = [row[header.index("note_source")] for row in rows[1:]]
    assert sorted(c.value for c in notes) == sorted(quoted(n) for n in FORMULAS)
    assert {c.data_type for c in notes} == {"s"}
    values = [row[header.index("obs_value")] for row in rows[1:]]
    assert all(c.data_type == "n" and c.value < 0 for c in values)
    for sheet_rows in book.worksheets:
        for row in sheet_rows.iter_rows():
            assert all(c.data_type != "f" for c in row)


def test_query_and_export_files(warehouse: str, tmp_path: Path) -> None:
    for command, fmt in (("query", "csv"), ("export", "csv"), ("query", "sdmx-csv")):
        out = tmp_path / f"{command}.{fmt}"
        result = runner.invoke(
            app, [command, "--db", warehouse, "--format", fmt, "--out", str(out)]
        )
        assert result.exit_code == 0, result.output
        column = "NOTE_SOURCE" if fmt == "sdmx-csv" else "note_source"
        assert_inert_csv(out.read_text("utf-8"), column)
    standard = runner.invoke(app, ["query", "--db", warehouse, "--format", "csv"])
    assert_inert_csv(standard.stdout)
    for command in ("query", "export"):
        out = tmp_path / f"{command}.xlsx"
        result = runner.invoke(
            app, [command, "--db", warehouse, "--format", "xlsx", "--out", str(out)]
        )
        assert result.exit_code == 0, result.output
        assert_inert_workbook(out, INDICATOR)


def test_the_workbook_shows_no_server_path_nor_operator(warehouse: str, tmp_path: Path) -> None:
    target = engine(warehouse, read_only=True)
    with target.connect() as connection:
        stored = connection.execute(sa.select(releases.c.file, releases.c.loaded_by)).one()
    target.dispose()
    assert stored.file == str(tmp_path / "notes.csv")  # the warehouse keeps it for operators
    assert stored.loaded_by.startswith("Jane Operator (decentwork ")
    out = tmp_path / "public.xlsx"
    assert runner.invoke(app, ["export", "--db", warehouse, "--out", str(out)]).exit_code == 0
    sheet = openpyxl.load_workbook(out)["releases"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["id", "dataset", "file", "format", "loaded_at"]
    assert rows[1][:4] == [1, "notes", "notes.csv", "ilostat-bulk"]
    text = " ".join(str(v) for row in rows for v in row)
    assert str(tmp_path) not in text and "Jane" not in text


def test_compute_files(tmp_path: Path) -> None:
    survey = tmp_path / "lfs.parquet"
    pq.write_table(generate(2000, seed=7), survey)
    profile = tmp_path / "profile.yaml"
    text = (
        resources.files("decentwork.survey.profiles").joinpath("synthetic.yaml").read_text("utf-8")
    )
    profile.write_text(
        text + 'variants:\n  national:\n    source: "X:1"\n'
        '    note: \'=HYPERLINK("http://evil.example","x")\'\n'
        "    variables:\n      ilo_age: age\n",
        "utf-8",
    )
    for suffix in ("csv", "xlsx"):
        out = tmp_path / f"x.{suffix}"
        result = runner.invoke(
            app,
            [
                "compute",
                str(profile),
                str(survey),
                "--indicators",
                "UNE_DEAP_SEX_AGE_RT",
                "--out",
                str(out),
            ],
        )
        assert result.exit_code == 0, result.output
        if suffix == "csv":
            notes = read_csv(out.read_text("utf-8"))["note_indicator"]
        else:
            sheet = openpyxl.load_workbook(out)["observations"]
            rows = list(sheet.iter_rows(values_only=True))
            notes = pd.Series([r[rows[0].index("note_indicator")] or "" for r in rows[1:]])
            assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
        evil = [n for n in notes if "HYPERLINK" in n]
        assert evil and all(n.startswith("'=HYPERLINK") for n in evil)


def test_the_dashboards_downloads(warehouse: str) -> None:
    from fastapi.testclient import TestClient

    from decentwork.web.app import create_app

    with TestClient(create_app(warehouse)) as client:
        for address in ("/data.xlsx", f"/indicators/{INDICATOR}.xlsx"):
            answer = client.get(address)
            assert answer.status_code == 200, (address, answer.text[:200])
            book = openpyxl.load_workbook(io.BytesIO(answer.content))
            cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
            assert all(c.data_type != "f" for c in cells)
            shown = {c.value for c in cells if isinstance(c.value, str)}
            assert {quoted(n) for n in FORMULAS} <= shown
            assert not shown & set(FORMULAS)
        answer = client.get("/data.csv")
        assert answer.status_code == 200
        assert_inert_csv(answer.text)


def test_write_neutralises_standard_output_too() -> None:
    table = pd.DataFrame([{c: "" for c in COLUMNS}]).assign(
        ref_area="KHM", indicator=INDICATOR, time="2020", obs_value=-1.0, note_source="=1"
    )
    buffer = io.StringIO()
    write(table, None, "csv", stdout=buffer)
    assert read_csv(buffer.getvalue())["note_source"].tolist() == ["'=1"]

"""Reading the files people import (CSV or Excel) row by row, with each row's line number,
and the error that reports every bad row of a refused import.

A CSV file is UTF-8 (a byte-order mark is allowed) with a header line; an Excel workbook
(``.xlsx``) has its header in the first row of its first sheet. Column names are matched
without regard to case or surrounding spaces; an unknown column is refused (a misspelt one
would otherwise be ignored), and so is a missing required one.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zipfile import BadZipFile

from decentwork.errors import BadInput, NotFound

SHOWN_PROBLEMS = 1000
"""At most this many bad rows are listed in an error's message (all are in ``problems``)."""


@dataclass(frozen=True)
class Row:
    """One data row: its line in the file (the header is line 1) and its values by column
    (empty cells are empty strings; an Excel date cell is a :class:`~datetime.date`)."""

    line: int
    values: dict[str, object]


@dataclass(frozen=True)
class RowProblem:
    """What is wrong with one field of one row."""

    file: str
    line: int
    field: str
    problem: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.problem}"


class ImportRejected(BadInput):
    """An import refused because of bad rows; nothing was imported. ``problems`` lists every
    bad row's field and problem."""

    def __init__(self, path: Path, problems: Sequence[RowProblem], *, hint: str | None) -> None:
        lines = len({p.line for p in problems})
        shown = [str(p) for p in problems[:SHOWN_PROBLEMS]]
        if len(problems) > SHOWN_PROBLEMS:
            shown.append(f"... and {len(problems) - SHOWN_PROBLEMS:,} more problems")
        super().__init__(
            f"{path.name}: {lines:,} bad row(s), nothing was imported:\n" + "\n".join(shown),
            given=str(path),
            hint=hint,
        )
        self.problems = list(problems)


def read_rows(path: Path, required: Sequence[str], optional: Sequence[str]) -> Iterator[Row]:
    """The data rows of the CSV or Excel file at ``path``, keyed by the (lower-cased) column
    names; every column of ``required`` and ``optional`` is present in each row (empty when
    the file lacks an optional one).

    Raises:
        NotFound: there is no such file.
        BadInput: the file cannot be read, is not UTF-8 or not a workbook, or its header lacks
            a required column or has an unknown one.
    """
    if not path.is_file():
        raise NotFound(f"{path}: no such file", given=str(path))
    rows = _excel_rows(path) if path.suffix.lower() in (".xlsx", ".xlsm") else _csv_rows(path)
    try:
        header = next(rows, None)
        if header is None:
            raise BadInput(
                f"{path}: the file is empty (expected a header line)",
                given=str(path),
                expected=", ".join(required),
            )
        columns = _columns(path, header[1], required, optional)
        for line, cells in rows:
            if all(_blank(cell) for cell in cells):
                continue
            if len(cells) > len(columns) and not all(_blank(c) for c in cells[len(columns) :]):
                raise BadInput(
                    f"{path}:{line}: the row has {len(cells)} fields, the header {len(columns)}",
                    given=str(path),
                )
            values: dict[str, object] = dict.fromkeys((*required, *optional), "")
            values.update({name: _cell(cell) for name, cell in zip(columns, cells, strict=False)})
            yield Row(line, values)
    except UnicodeDecodeError as error:
        raise BadInput(
            f"{path}: not UTF-8 text (byte {error.start}: {error.reason})",
            given=str(path),
            expected="a UTF-8 CSV file",
        ) from None
    except OSError as error:
        raise BadInput(
            f"{path}: cannot be read ({error.strerror or error})", given=str(path)
        ) from None


def _columns(
    path: Path, header: Sequence[object], required: Sequence[str], optional: Sequence[str]
) -> list[str]:
    columns = [str(cell or "").strip().lower() for cell in header]
    known = {*required, *optional}
    unknown = [c for c in columns if c and c not in known]
    missing = [c for c in required if c not in columns]
    repeated = sorted({c for c in columns if c and columns.count(c) > 1})
    if unknown or missing or repeated:
        parts = []
        if missing:
            parts.append(f"missing column(s) {', '.join(missing)}")
        if unknown:
            parts.append(f"unknown column(s) {', '.join(unknown)}")
        if repeated:
            parts.append(f"repeated column(s) {', '.join(repeated)}")
        raise BadInput(
            f"{path}:1: {'; '.join(parts)}",
            given=str(path),
            expected=f"columns {', '.join(required)} and optionally {', '.join(optional)}",
        )
    return columns


def _csv_rows(path: Path) -> Iterator[tuple[int, list[object]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        start = 1
        for cells in reader:
            yield start, list(cells)
            start = reader.line_num + 1


def _excel_rows(path: Path) -> Iterator[tuple[int, list[object]]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, KeyError, ValueError) as error:
        raise BadInput(
            f"{path}: not an Excel workbook ({error})",
            given=str(path),
            expected="an .xlsx workbook",
        ) from None
    try:
        sheet = book[book.sheetnames[0]]
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(cells)
    finally:
        book.close()


def _blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _cell(cell: object) -> object:
    """A cell's value: text stripped, whole numbers without ``.0`` (a national ID typed in
    Excel is a number), Excel dates and times as dates (midnight) or times."""
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.date() if cell.time() == datetime.min.time() else cell
    if isinstance(cell, date):
        return cell
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()

"""Reading files into the warehouse's shape, with the format detected from the content.

Formats: observation tables with ILOSTAT's column names (decentwork's own CSV and Parquet
output, and ILOSTAT bulk files as ILOSTAT serves them: CSV or .csv.gz, byte-order mark,
with or without classif1, classif2 and note columns), SDMX-CSV (1.0 and 2.0), World Bank WDI
CSV (wide, with preamble lines) and ILOSTAT dictionaries (code, label); and the changes
between periods that ``decentwork compute --changes`` writes (the observation key, ``since``,
``change``, ``change_se``, ``change_significant``: format ``decentwork-changes``).

Files are read as a stream (:mod:`decentwork.warehouse.textfile`), within the limits of
:class:`~decentwork.warehouse.settings.Limits`, by a strict CSV reader: a quote that is not
closed is an error naming its line, never a field that swallows the rest of the file. Every
row is checked (:mod:`decentwork.warehouse.checks`); each problem names the file, the line,
the field and what was expected.
"""

from __future__ import annotations

import csv
import math
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from decentwork import observations
from decentwork.observations.writers import SDMX_ATTRIBUTES, SDMX_FIXED
from decentwork.warehouse.areas import is_known_area
from decentwork.warehouse.checks import (
    CODE,
    REQUIRED,
    Known,
    Problem,
    RowChecker,
    code_problem,
    text_problem,
)
from decentwork.warehouse.settings import Limits
from decentwork.warehouse.textfile import MissingFile, UnreadableFile, text_lines

__all__ = ["MissingFile", "Parsed", "Problem", "UnreadableFile", "dataset_name", "read"]

COLUMNS_REQUIRED = (*REQUIRED, "obs_value")
"""The columns an observation table must have."""
SDMX_REQUIRED = ("REF_AREA", "TIME_PERIOD", "OBS_VALUE")
WDI_SOURCE = "WB:WDI"
WDI_AREAS = {"XKX": "KOS", "CHI": "CHA"}
"""World Bank codes of areas outside ISO 3166-1 -> ILOSTAT's codes (Kosovo, Channel Islands)."""
WDI_GROUP = "X_WB_"
"""Prefix of World Bank aggregates (``WLD``, ``ARB``...) as warehouse group codes."""
CHANGES_FORMAT = "decentwork-changes"
"""The format of a table of changes between periods."""
MAX_PROBLEMS = 200
CHUNK = 50_000
MAX_KIND = 40
"""Longest kind of code in a dictionary (the labels table holds 40 characters)."""
DELIMITERS = {";": "semicolons (;)", "\t": "tabs", "|": "bars (|)"}
"""Field separators other than the comma that a file may use by mistake."""

Rows = Iterator[tuple[int, int, list[str]]]
"""A CSV file's records: (first line, last line, fields)."""
Records = Iterator[tuple[int, dict[str, str]]]
"""Records by field name, with the line they are on."""
CHANGE_TABLE = (*observations.KEY_COLUMNS, *observations.CHANGE_COLUMNS)
"""The columns of a table of changes, in order."""


@dataclass
class Parsed:
    """A file read for loading: its format, default dataset name, the observation rows or
    labels, and the rows that failed their checks."""

    format: str
    dataset: str
    rows: pd.DataFrame = field(default_factory=pd.DataFrame)
    labels: pd.DataFrame | None = None
    problems: list[Problem] = field(default_factory=list)
    rejected: list[tuple[int, dict[str, str]]] = field(default_factory=list)

    def refuse(self, problem: Problem, record: dict[str, str]) -> None:
        """Record a bad row."""
        self.problems.append(problem)
        self.rejected.append((problem.line, record))


def dataset_name(path: Path) -> str:
    """A file's default dataset name: its name without ``.csv``, ``.gz``, ``.parquet``."""
    name = path.name
    for suffix in (".gz", ".csv", ".parquet", ".txt"):
        name = name.removesuffix(suffix)
    return name


def csv_rows(path: Path, lines: Iterator[str]) -> Rows:
    """The records of a CSV text read strictly, with the lines each starts and ends on.

    Raises (as the records are read):
        UnreadableFile: a quoted field never closed (named by the line it opens on), a field
            longer than the CSV reader allows, a quote in the wrong place.
    """
    reader = csv.reader(lines, strict=True)
    first = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise UnreadableFile(
                _csv_problem(path, first, reader.line_num, error), given=str(path)
            ) from None
        yield first, reader.line_num, row
        first = reader.line_num + 1


def _csv_problem(path: Path, first: int, last: int, error: csv.Error) -> str:
    """The CSV reader's complaint about the record on lines ``first`` to ``last``, said
    with the line."""
    text = str(error)
    if text.startswith("unexpected end of data"):
        return (
            f"{path}:{first}: a quoted field opens on this line and is never closed (a "
            f"stray quote \"?), so the file's lines {first} to {last} cannot be read; "
            "nothing of the file is loaded"
        )
    if text.startswith("new-line character seen in unquoted field"):
        return f"{path}:{last}: a line break (a carriage return) inside a field that is not quoted"
    if text.startswith("field larger than field limit"):
        return (
            f"{path}:{first}: a field longer than {csv.field_size_limit():,} characters; "
            "not a file decentwork reads"
        )
    return f'{path}:{last}: not valid CSV ({text}; a stray quote "?)'


def read(path: Path, known: Known | None = None, limits: Limits | None = None) -> Parsed:
    """Read ``path`` in whichever supported format it is in; ``known`` are codes the
    warehouse knows beyond the standard ones (areas of its dictionaries), ``limits`` how much
    the file may hold (default: :class:`Limits`' defaults).

    Raises:
        MissingFile: there is no file at ``path``.
        UnreadableFile: the file is not in a supported format or cannot be read.
    """
    known = known or Known()
    limits = limits or Limits()
    if not path.is_file():
        raise MissingFile(f"{path}: no such file", given=str(path))
    if path.suffix.lower() == ".parquet":
        return _parquet(path, known, limits)
    if zipfile.is_zipfile(path):
        raise UnreadableFile(f"{path}: a zip archive; extract the CSV file first", given=str(path))
    rows = csv_rows(path, text_lines(path, limits))
    try:
        _, _, header = next(rows)
    except StopIteration:
        raise UnreadableFile(f"{path}: empty file", given=str(path)) from None
    names = [h.strip() for h in header]
    _check_delimiter(path, names)
    if names and names[0] == "Data Source":
        return _wdi(path, rows, known)
    if names and names[0] in ("STRUCTURE", "DATAFLOW"):
        return _sdmx(path, names, rows, known)
    if len(names) >= 2 and names[1] == f"{names[0]}.label":
        return _dictionary(path, names, rows)
    if {"since", "change", "change_se"} <= set(names):
        return _changes(path, names, rows, known)
    if {"ref_area", "indicator", "time"} <= set(names):
        return _table(path, names, rows, known)
    raise UnreadableFile(
        f"{path}: not a format decentwork loads (header {', '.join(names[:6])}...); expected "
        "an observation table (ref_area, indicator, ..., time, obs_value), SDMX-CSV, a World "
        "Bank WDI CSV file or an ILOSTAT dictionary",
        given=str(path),
    )


def _check_delimiter(path: Path, names: list[str]) -> None:
    """Refuse a header of one field that another separator splits (a file saved with
    semicolons, as spreadsheets do in many languages)."""
    if len(names) != 1:
        return
    for separator, said in DELIMITERS.items():
        if separator in names[0]:
            raise UnreadableFile(
                f"{path}:1: the fields are separated by {said}, not commas (header "
                f"{names[0][:60]!r}); save the file as CSV with commas",
                given=str(path),
                expected="comma-separated fields",
            )


def _records(path: Path, names: list[str], rows: Rows, parsed: Parsed) -> Records:
    """The data rows as dicts, with their line numbers; rows with the wrong number of
    fields, or over several lines (a quoted field with a line break, or a stray quote that
    another closes), become problems."""
    for first, last, row in rows:
        if not row:
            continue
        record = dict(zip(names, row, strict=False))
        if last > first:
            parsed.refuse(
                Problem(
                    str(path),
                    first,
                    "row",
                    f"a quoted field runs over lines {first} to {last} (a line "
                    'break in a field, or a stray quote "?)',
                ),
                record,
            )
        elif len(row) != len(names):
            parsed.refuse(
                Problem(str(path), first, "row", f"{len(row)} fields, expected {len(names)}"),
                record,
            )
        else:
            yield first, record


def _collect(
    path: Path, parsed: Parsed, records: Records, known: Known, *, changes: bool = False
) -> Parsed:
    """Check ``records`` into ``parsed.rows`` (and its problems), a chunk of rows at a time
    becoming columns; a key seen on an earlier line is a problem. The records are
    observations, or with ``changes`` changes between periods."""
    checker = RowChecker(str(path), known)
    check = checker.check_change if changes else checker.check
    chunk = _change_chunk if changes else _chunk
    chunks: list[pd.DataFrame] = []
    rows: list[dict[str, object]] = []
    columns: list[str] = []
    for number, record in records:
        columns = columns or list(record)
        checked, found = check(number, record)
        if found:
            parsed.problems.extend(found)
            parsed.rejected.append((number, record))
            continue
        checked["line"] = number
        rows.append(checked)
        if len(rows) == CHUNK:
            chunks.append(chunk(rows))
            rows = []
    chunks.append(chunk(rows))
    table = pd.concat(chunks, ignore_index=True)
    table = _without_repeats(path, table, columns, parsed)
    parsed.rows = table.drop(columns="line")
    parsed.problems.sort(key=lambda p: p.line)
    parsed.rejected.sort(key=lambda r: r[0])
    return parsed


def _chunk(rows: list[dict[str, object]]) -> pd.DataFrame:
    """Checked rows (with their ``line``) as an observation table with a ``line`` column."""
    table = observations.frame(pd.DataFrame(rows, columns=[*observations.COLUMNS, "line"]))
    table["line"] = pd.Series([r["line"] for r in rows], dtype="int64")
    return table


def _change_chunk(rows: list[dict[str, object]]) -> pd.DataFrame:
    """Checked changes (with their ``line``) as a table of changes with a ``line`` column."""
    table = pd.DataFrame(rows, columns=[*CHANGE_TABLE, "line"])
    for column in (*observations.KEY_COLUMNS, "since"):
        table[column] = table[column].astype(str)
    for column in ("change", "change_se"):
        table[column] = table[column].astype(float)
    table["change_significant"] = table["change_significant"].astype("boolean")
    table["line"] = table["line"].astype("int64")
    return table


def _without_repeats(
    path: Path, table: pd.DataFrame, columns: list[str], parsed: Parsed
) -> pd.DataFrame:
    """``table`` without the rows whose key an earlier line has, each such row a problem
    (its ``columns`` written as they were read)."""
    key = list(observations.KEY_COLUMNS)
    repeated = table.duplicated(key, keep="first").to_numpy()
    if not repeated.any():
        return table
    involved = table[table.duplicated(key, keep=False)]
    firsts = involved.groupby(key, sort=False)["line"].transform("min")
    for index in table.index[repeated]:
        row = table.loc[index]
        parsed.refuse(
            Problem(
                str(path), int(row["line"]), "key", f"same observation as line {int(firsts[index])}"
            ),
            {c: _written(row[c]) for c in columns if c in table.columns},
        )
    return table[~repeated].reset_index(drop=True)


def _written(value: object) -> str:
    """A checked value as text again (missing values empty)."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _table(path: Path, names: list[str], rows: Rows, known: Known) -> Parsed:
    _known_columns(path, names, observations.COLUMNS, "observation columns")
    _require(path, names, COLUMNS_REQUIRED)
    kind = "decentwork" if "se" in names else "ilostat-bulk"
    parsed = Parsed(kind, dataset_name(path))
    return _collect(path, parsed, _records(path, names, rows, parsed), known)


def _changes(path: Path, names: list[str], rows: Rows, known: Known) -> Parsed:
    """A table of changes between periods (``decentwork compute --changes``)."""
    _known_columns(path, names, CHANGE_TABLE, "the columns of changes")
    _require(path, names, (*REQUIRED, "since", "change"))
    parsed = Parsed(CHANGES_FORMAT, dataset_name(path))
    return _collect(path, parsed, _records(path, names, rows, parsed), known, changes=True)


def _known_columns(path: Path, names: list[str], columns: tuple[str, ...], said: str) -> None:
    """Refuse a header with a column not among ``columns`` (``said`` says what they are)."""
    unknown = [n for n in names if n not in columns]
    if unknown:
        raise UnreadableFile(
            f"{path}: unknown column(s) {', '.join(unknown)} (expected {said}: "
            f"{', '.join(columns)})",
            given=str(path),
        )


def _require(path: Path, names: list[str], required: tuple[str, ...]) -> None:
    """Refuse a header without one of the ``required`` columns."""
    missing = [c for c in required if c not in names]
    if missing:
        raise UnreadableFile(
            f"{path}: no {', '.join(missing)} column (the header has {', '.join(names)}); a "
            f"file of observations needs {', '.join(required)}",
            given=str(path),
            expected=", ".join(required),
        )


def _parquet(path: Path, known: Known, limits: Limits) -> Parsed:
    try:
        source = pq.ParquetFile(path)
    except Exception as error:  # pyarrow raises several types for damaged files
        raise UnreadableFile(
            f"{path}: not a readable Parquet file ({error})", given=str(path)
        ) from None
    names = source.schema_arrow.names
    if not {"ref_area", "indicator", "time"} <= set(names):
        raise UnreadableFile(
            f"{path}: not an observation table (columns {', '.join(names[:8])})", given=str(path)
        )
    _require(path, names, COLUMNS_REQUIRED)
    size = sum(
        source.metadata.row_group(k).total_byte_size for k in range(source.metadata.num_row_groups)
    )
    if size > limits.max_bytes:
        raise UnreadableFile(
            f"{path}: {size:,} bytes of data, more than {limits.size()}; "
            "split the file, or raise the limit",
            given=str(path),
            expected=f"at most {limits.size()}",
        )
    parsed = Parsed("decentwork", dataset_name(path))

    def records() -> Records:
        number = 0
        try:
            for batch in source.iter_batches(batch_size=CHUNK):
                for row in batch.to_pylist():
                    number += 1
                    yield number, {k: _written(v) for k, v in row.items()}
        except OSError as error:  # a damaged column chunk
            raise UnreadableFile(
                f"{path}: row {number + 1}: not readable ({error})", given=str(path)
            ) from None

    return _collect(path, parsed, records(), known)


def _sdmx_time(period: str) -> str:
    """An SDMX period (2024, 2024-Q1, 2024-01) as ILOSTAT time (2024, 2024Q1, 2024M01)."""
    if re.match(r"^\d{4}-Q[1-4]$", period):
        return period.replace("-", "")
    if re.match(r"^\d{4}-\d{2}$", period):
        return f"{period[:4]}M{period[5:]}"
    return period


def _in_indicator_order(codes: list[str], indicator: str) -> list[str]:
    """Classification codes in the order the indicator code names their breakdowns
    (``EMP_TEMP_SEX_STE_GEO_NB``: STE, then GEO); the file's column order otherwise."""
    parts = indicator.split("_")[2:]
    return sorted(
        codes,
        key=lambda code: (
            parts.index(code.split("_")[0]) if code.split("_")[0] in parts else len(parts)
        ),
    )


def _sdmx(path: Path, names: list[str], rows: Rows, known: Known) -> Parsed:
    _require(path, names, SDMX_REQUIRED)
    parsed = Parsed("sdmx-csv", dataset_name(path))
    candidates = [d for d in names if d not in SDMX_FIXED]
    structure = names[0]

    def records() -> Records:
        for number, record in _records(path, names, rows, parsed):
            flow = record.get("STRUCTURE_ID", record.get(structure, ""))
            match = re.match(r"^(?:[^:]+:)?(?:DF_)?([A-Z0-9_]+)(?:\(.*\))?$", flow)
            indicator = match.group(1) if match else ""
            classifs = _in_indicator_order(
                [record[d] for d in candidates if record[d].startswith(f"{d}_")], indicator
            )
            out = {column: record.get(name, "") for column, name in SDMX_ATTRIBUTES.items()}
            out.update(
                {
                    "ref_area": record.get("REF_AREA", ""),
                    "indicator": indicator,
                    "sex": record.get("SEX", ""),
                    "classif1": classifs[0] if classifs else "",
                    "classif2": classifs[1] if len(classifs) > 1 else "",
                    "time": _sdmx_time(record.get("TIME_PERIOD", "")),
                    "obs_value": record.get("OBS_VALUE", ""),
                }
            )
            if len(classifs) > 2:
                parsed.refuse(
                    Problem(
                        str(path),
                        number,
                        "classifications",
                        f"{len(classifs)} classification dimensions; an "
                        "observation has at most two",
                    ),
                    record,
                )
                continue
            yield number, out

    return _collect(path, parsed, records(), known)


def _wdi(path: Path, rows: Rows, known: Known) -> Parsed:
    parsed = Parsed("wdi-csv", dataset_name(path))
    for _, _, header in rows:
        if header and header[0] == "Country Name":
            break
    else:
        raise UnreadableFile(
            f"{path}: a WDI file without its 'Country Name' header line", given=str(path)
        )
    names = [h.strip() for h in header]
    years = [(k, n) for k, n in enumerate(names) if re.match(r"^\d{4}$", n)]

    def records() -> Records:
        for first, last, row in rows:
            if not row:
                continue
            record = dict(zip(names, row, strict=False))
            if last > first:
                parsed.refuse(
                    Problem(
                        str(path),
                        first,
                        "row",
                        f"a quoted field runs over lines {first} to {last} (a "
                        'line break in a field, or a stray quote "?)',
                    ),
                    record,
                )
                continue
            if len(row) < len(names) - 1:
                parsed.refuse(
                    Problem(str(path), first, "row", f"{len(row)} fields, expected {len(names)}"),
                    record,
                )
                continue
            area = WDI_AREAS.get(row[1], row[1])
            area = (
                area
                if is_known_area(area, known.areas) or not CODE.match(area)
                else f"{WDI_GROUP}{area}"
            )
            for k, year in years:
                value = row[k].strip() if k < len(row) else ""
                if value:
                    yield (
                        first,
                        {
                            "ref_area": area,
                            "indicator": row[3],
                            "source": WDI_SOURCE,
                            "time": year,
                            "obs_value": value,
                        },
                    )

    return _collect(path, parsed, records(), known)


def _dictionary(path: Path, names: list[str], rows: Rows) -> Parsed:
    kind = names[0]
    bad_kind = code_problem(kind) or (
        f"longer than {MAX_KIND} characters" if len(kind) > MAX_KIND else None
    )
    if bad_kind:
        raise UnreadableFile(
            f"{path}:1: the dictionary's kind of code {kind!r}: {bad_kind}", given=str(path)
        )
    parsed = Parsed("ilostat-dictionary", dataset_name(path))
    match = re.search(r"_([a-z]{2})$", dataset_name(path))
    lang = match.group(1) if match else "en"
    labels = []
    for number, record in _records(path, names, rows, parsed):
        code, label = record[kind].strip(" "), record[names[1]].strip(" ")
        if not code:
            continue
        found = [
            Problem(str(path), number, column, problem)
            for column, problem in ((kind, code_problem(code)), (names[1], text_problem(label)))
            if problem
        ]
        for problem in found:
            parsed.refuse(problem, record)
        if not found:
            labels.append({"kind": kind, "code": code, "lang": lang, "label": label})
    parsed.labels = pd.DataFrame(labels, columns=["kind", "code", "lang", "label"])
    return parsed

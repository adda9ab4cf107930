"""Reading files into the warehouse's shape, with the format detected from the content.

Formats: observation tables with ILOSTAT's column names (decentwork's own CSV and Parquet
output, and ILOSTAT bulk files as ILOSTAT serves them: CSV or .csv.gz, byte-order mark,
with or without classif1, classif2 and note columns), SDMX-CSV (1.0 and 2.0), World Bank WDI
CSV (wide, with preamble lines) and ILOSTAT dictionaries (code, label). Every row is checked;
each problem names the file, the line, the field and what was expected.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from decentwork import observations
from decentwork.errors import BadInput, NotFound
from decentwork.observations.writers import SDMX_ATTRIBUTES, SDMX_FIXED
from decentwork.warehouse.areas import is_known_area

STATUS_CODES = frozenset("ABCEMPSURI")
"""ILOSTAT observation status codes (obs_status dictionary)."""
TIME = re.compile(r"^[0-9]{4}(Q[1-4]|M(0[1-9]|1[0-2]))?$")
NUMBER = re.compile(r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$")
WHOLE = re.compile(r"^\+?([0-9]+)(\.0*)?$")
MAX_DIGITS = 18
MAX_CODE = 100
"""Longest code in a key column (the database columns hold 100 characters)."""
REQUIRED = ("ref_area", "indicator", "time", "obs_value")
WDI_SOURCE = "WB:WDI"
WDI_AREAS = {"XKX": "KOS", "CHI": "CHA"}
"""World Bank codes of areas outside ISO 3166-1 -> ILOSTAT's codes (Kosovo, Channel Islands)."""
WDI_GROUP = "X_WB_"
"""Prefix of World Bank aggregates (``WLD``, ``ARB``...) as warehouse group codes."""
MAX_PROBLEMS = 200
CHUNK = 50_000


@dataclass(frozen=True)
class Problem:
    """One bad row: where, which field, what is wrong."""

    file: str
    line: int
    field: str
    problem: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.problem}"


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


class UnreadableFile(BadInput):
    """The file cannot be read at all (not a supported format, truncated, unreadable)."""


class MissingFile(NotFound, UnreadableFile):
    """There is no file at the path given."""


def dataset_name(path: Path) -> str:
    """A file's default dataset name: its name without ``.csv``, ``.gz``, ``.parquet``."""
    name = path.name
    for suffix in (".gz", ".csv", ".parquet", ".txt"):
        name = name.removesuffix(suffix)
    return name


def open_text(path: Path) -> io.TextIOBase:
    """A CSV file's text (gunzipped when gzipped, without its byte-order mark), refused if
    it does not end with a line break (a file cut off midway).

    Raises:
        UnreadableFile: the file cannot be read, is damaged, cut off or not UTF-8 text.
    """
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise UnreadableFile(f"{path}: cannot be read ({error.strerror})") from None
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (EOFError, OSError, gzip.BadGzipFile) as error:
            raise UnreadableFile(f"{path}: the gzip file is damaged or cut off ({error})") from None
    if raw and not raw.endswith(b"\n"):
        raise UnreadableFile(
            f"{path}: the file does not end with a line break, so it may be cut off; "
            "check it is complete (and add the final line break if it is)"
        )
    try:
        return io.StringIO(raw.decode("utf-8-sig"), newline="")
    except UnicodeDecodeError as error:
        raise UnreadableFile(f"{path}: not UTF-8 text (byte {error.start})") from None


def read(path: Path, groups: frozenset[str] = frozenset()) -> Parsed:
    """Read ``path`` in whichever supported format it is in; ``groups`` are area codes the
    warehouse defines beyond the standard ones.

    Raises:
        UnreadableFile: the file is not in a supported format or cannot be read.
    """
    if not path.is_file():
        raise MissingFile(f"{path}: no such file", given=str(path))
    if path.suffix.lower() == ".parquet":
        return _parquet(path, groups)
    if zipfile.is_zipfile(path):
        raise UnreadableFile(f"{path}: a zip archive; extract the CSV file first")
    text = open_text(path)
    rows = csv.reader(text)
    try:
        header = next(rows)
    except (StopIteration, csv.Error):
        raise UnreadableFile(f"{path}: empty file") from None
    names = [h.strip() for h in header]
    if names and names[0] == "Data Source":
        return _wdi(path, rows, groups)
    if names and names[0] in ("STRUCTURE", "DATAFLOW"):
        return _sdmx(path, names, rows, groups)
    if len(names) >= 2 and names[1] == f"{names[0]}.label":
        return _dictionary(path, names, rows)
    if {"ref_area", "indicator", "time"} <= set(names):
        return _table(path, names, rows, groups)
    raise UnreadableFile(
        f"{path}: not a format decentwork loads (header {', '.join(names[:6])}...); expected "
        "an observation table (ref_area, indicator, ..., time, obs_value), SDMX-CSV, a World "
        "Bank WDI CSV file or an ILOSTAT dictionary"
    )


def _records(path: Path, names: list[str], rows: Iterator[list[str]],
             parsed: Parsed) -> Iterator[tuple[int, dict[str, str]]]:
    """The data rows as dicts, with their line numbers; rows with the wrong number of
    fields become problems."""
    try:
        for row in rows:
            number = getattr(rows, "line_num", 0)  # the physical line the record ends on
            if not row:
                continue
            if len(row) != len(names):
                parsed.problems.append(Problem(
                    str(path), number, "row", f"{len(row)} fields, expected {len(names)}"
                ))
                parsed.rejected.append((number, dict(zip(names, row, strict=False))))
                continue
            yield number, dict(zip(names, row, strict=True))
    except csv.Error as error:
        raise UnreadableFile(f"{path}: not valid CSV ({error})") from None


def _number(text: str) -> float | None:
    """A plain decimal number (ASCII digits, optional sign, point and exponent), or None."""
    text = text.strip()
    if text == "":
        return None
    if not NUMBER.match(text):
        raise ValueError(text)
    value = float(text)
    if math.isinf(value):
        raise ValueError(text)
    return value


def _check(path: Path, number: int, record: dict[str, str], parsed: Parsed,
           groups: frozenset[str]) -> dict | None:
    """One observation, normalised, or None (its problems recorded)."""
    found: list[Problem] = []
    out: dict[str, object] = {}
    for column in observations.TEXT_COLUMNS:
        out[column] = (record.get(column) or "").strip()
    for column in REQUIRED[:3]:
        if not out[column]:
            found.append(Problem(str(path), number, column, "missing"))
    if out["time"] and not TIME.match(str(out["time"])):
        found.append(Problem(str(path), number, "time",
                             f"{out['time']!r} is not a year, quarter or month "
                             "(2024, 2024Q1, 2024M01)"))
    if out["ref_area"] and not is_known_area(str(out["ref_area"]), groups):
        found.append(Problem(str(path), number, "ref_area",
                             f"unknown area {out['ref_area']!r} (expected an ISO 3166 code, an "
                             "ILOSTAT area or group code, or a group defined in the warehouse)"))
    status = str(out["obs_status"])
    if status and status not in STATUS_CODES:
        found.append(Problem(str(path), number, "obs_status",
                             f"unknown status {status!r} (ILOSTAT codes: "
                             f"{', '.join(sorted(STATUS_CODES))})"))
    for column in observations.FLOAT_COLUMNS:
        out[column] = None
        try:
            out[column] = _number(record.get(column) or "")
        except ValueError:
            found.append(Problem(str(path), number, column,
                                 f"{record.get(column)!r} is not a number"))
    text = (record.get("sample_count") or "").strip()
    out["sample_count"] = None
    if text:
        whole = WHOLE.match(text)
        if whole and len(whole.group(1)) <= MAX_DIGITS:
            out["sample_count"] = int(whole.group(1))
        else:
            found.append(Problem(str(path), number, "sample_count",
                                 f"{text!r} is not a whole number of records"))
    for column in observations.KEY_COLUMNS:
        if len(str(out[column])) > MAX_CODE:
            found.append(Problem(str(path), number, column,
                                 f"longer than {MAX_CODE} characters"))
    unreadable = any(p.field == "obs_value" for p in found)
    if out["obs_value"] is None and not status and not unreadable:
        found.append(Problem(str(path), number, "obs_value", "missing (and no status says why)"))
    if found:
        parsed.problems.extend(found)
        parsed.rejected.append((number, record))
        return None
    return out


def _collect(path: Path, parsed: Parsed, records: Iterator[tuple[int, dict[str, str]]],
             groups: frozenset[str]) -> Parsed:
    rows: list[dict] = []
    chunks: list[pd.DataFrame] = []
    seen: dict[tuple, int] = {}
    for number, record in records:
        checked = _check(path, number, record, parsed, groups)
        if checked is None:
            continue
        key = tuple(checked[c] for c in observations.KEY_COLUMNS)
        if key in seen:
            parsed.problems.append(Problem(str(path), number, "key",
                                           f"same observation as line {seen[key]}"))
            parsed.rejected.append((number, record))
            continue
        seen[key] = number
        rows.append(checked)
        if len(rows) == CHUNK:  # bounded memory: rows become columns as they come
            chunks.append(observations.frame(pd.DataFrame(rows, columns=observations.COLUMNS)))
            rows = []
    chunks.append(observations.frame(pd.DataFrame(rows, columns=observations.COLUMNS)))
    parsed.rows = pd.concat(chunks, ignore_index=True)
    return parsed


def _table(path: Path, names: list[str], rows: Iterator[list[str]],
           groups: frozenset[str]) -> Parsed:
    unknown = [n for n in names if n not in observations.COLUMNS]
    if unknown:
        raise UnreadableFile(f"{path}: unknown column(s) {', '.join(unknown)} (expected "
                           f"observation columns: {', '.join(observations.COLUMNS)})")
    kind = "decentwork" if "se" in names else "ilostat-bulk"
    parsed = Parsed(kind, dataset_name(path))
    return _collect(path, parsed, _records(path, names, rows, parsed), groups)


def _parquet(path: Path, groups: frozenset[str]) -> Parsed:
    try:
        table = pq.read_table(path)
    except Exception as error:  # pyarrow raises several types for damaged files
        raise UnreadableFile(f"{path}: not a readable Parquet file ({error})") from None
    names = table.column_names
    if not {"ref_area", "indicator", "time"} <= set(names):
        raise UnreadableFile(f"{path}: not an observation table (columns {', '.join(names[:8])})")
    frame = table.to_pandas()
    parsed = Parsed("decentwork", dataset_name(path))

    def records() -> Iterator[tuple[int, dict[str, str]]]:
        for number, row in enumerate(frame.itertuples(index=False), start=1):
            yield number, {k: ("" if pd.isna(v) else str(v)) for k, v in
                           zip(names, row, strict=True)}

    return _collect(path, parsed, records(), groups)


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
    return sorted(codes, key=lambda code: parts.index(code.split("_")[0])
                  if code.split("_")[0] in parts else len(parts))


def _sdmx(path: Path, names: list[str], rows: Iterator[list[str]],
          groups: frozenset[str]) -> Parsed:
    parsed = Parsed("sdmx-csv", dataset_name(path))
    candidates = [d for d in names if d not in SDMX_FIXED]
    structure = names[0]

    def records() -> Iterator[tuple[int, dict[str, str]]]:
        for number, record in _records(path, names, rows, parsed):
            flow = record.get("STRUCTURE_ID", record.get(structure, ""))
            match = re.match(r"^(?:[^:]+:)?(?:DF_)?([A-Z0-9_]+)(?:\(.*\))?$", flow)
            indicator = match.group(1) if match else ""
            classifs = _in_indicator_order(
                [record[d] for d in candidates if record[d].startswith(f"{d}_")], indicator)
            out = {column: record.get(name, "") for column, name in SDMX_ATTRIBUTES.items()}
            out.update({
                "ref_area": record.get("REF_AREA", ""), "indicator": indicator,
                "sex": record.get("SEX", ""),
                "classif1": classifs[0] if classifs else "",
                "classif2": classifs[1] if len(classifs) > 1 else "",
                "time": _sdmx_time(record.get("TIME_PERIOD", "")),
                "obs_value": record.get("OBS_VALUE", ""),
            })
            if len(classifs) > 2:
                parsed.problems.append(Problem(str(path), number, "classifications",
                                               f"{len(classifs)} classification dimensions; "
                                               "an observation has at most two"))
                parsed.rejected.append((number, record))
                continue
            yield number, out

    return _collect(path, parsed, records(), groups)


def _wdi(path: Path, rows: Iterator[list[str]], groups: frozenset[str]) -> Parsed:
    parsed = Parsed("wdi-csv", dataset_name(path))
    for header in rows:
        if header and header[0] == "Country Name":
            break
    else:
        raise UnreadableFile(f"{path}: a WDI file without its 'Country Name' header line")
    names = [h.strip() for h in header]
    years = [(k, n) for k, n in enumerate(names) if re.match(r"^\d{4}$", n)]

    def records() -> Iterator[tuple[int, dict[str, str]]]:
        for row in rows:
            number = getattr(rows, "line_num", 0)
            if not row:
                continue
            if len(row) < len(names) - 1:
                parsed.problems.append(Problem(str(path), number, "row",
                                               f"{len(row)} fields, expected {len(names)}"))
                continue
            area = WDI_AREAS.get(row[1], row[1])
            area = area if is_known_area(area, groups) else f"{WDI_GROUP}{area}"
            for k, year in years:
                value = row[k].strip() if k < len(row) else ""
                if value:
                    yield number, {"ref_area": area, "indicator": row[3],
                                   "source": WDI_SOURCE, "time": year, "obs_value": value}

    return _collect(path, parsed, records(), groups)


def _dictionary(path: Path, names: list[str], rows: Iterator[list[str]]) -> Parsed:
    parsed = Parsed("ilostat-dictionary", dataset_name(path))
    match = re.search(r"_([a-z]{2})$", dataset_name(path))
    lang = match.group(1) if match else "en"
    labels = [
        {"kind": names[0], "code": record[names[0]].strip(), "lang": lang,
         "label": record[names[1]].strip()}
        for _, record in _records(path, names, rows, parsed)
        if record[names[0]].strip()
    ]
    parsed.labels = pd.DataFrame(labels, columns=["kind", "code", "lang", "label"])
    return parsed

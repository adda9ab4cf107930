"""Writing observations: CSV, Parquet, Excel and SDMX-CSV 2.0 with ILOSTAT's dimension ids.

Files are written to a temporary name beside the target and renamed when complete, so a
failure never leaves a partial output file; the file then has the mode a plain write would
give it (the user's umask, or the mode of the file it replaces), not the temporary's 0600.
The file to write is the parameter ``out``, the format ``format``.

Text that a spreadsheet would take for a formula (a cell starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return: OWASP's CSV-injection rule) is made inert in every CSV and
Excel file decentwork writes, by :func:`inert` (a single quote put before it); numbers stay
numbers. :func:`csv_text` and :func:`write_sheets` are the two ways to a spreadsheet that
apply it, for any table.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Literal, TextIO, cast, get_args

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from decentwork.errors import BadInput, NotFound

Format = Literal["csv", "parquet", "xlsx", "sdmx-csv"]
FORMATS: tuple[str, ...] = get_args(Format)
TEXT_FORMATS = ("csv", "sdmx-csv")
SUFFIXES = {".csv": "csv", ".parquet": "parquet", ".xlsx": "xlsx"}

SDMX_AGENCY = "ILO"
SDMX_VERSION = "1.0"
SDMX_DIMENSIONS = ("AGE", "GEO", "EDU", "ECO", "OCU", "STE")
"""ILOSTAT's SDMX dimension ids for classification codes, named by the code's prefix."""
SDMX_ATTRIBUTES = {
    "obs_status": "OBS_STATUS",
    "source": "SOURCE",
    "lower_bound": "LOWER_BOUND",
    "upper_bound": "UPPER_BOUND",
    "se": "SE",
    "cv": "CV",
    "sample_count": "SAMPLE_COUNT",
    "note_indicator": "NOTE_INDICATOR",
    "note_source": "NOTE_SOURCE",
    "note_classif": "NOTE_CLASSIF",
}
"""Observation columns written as SDMX-CSV attributes, and their column names."""
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a text cell as a formula (OWASP)."""
SDMX_FIXED = (
    "STRUCTURE",
    "STRUCTURE_ID",
    "ACTION",
    "DATAFLOW",
    "REF_AREA",
    "FREQ",
    "MEASURE",
    "SEX",
    "TIME_PERIOD",
    "OBS_VALUE",
    *SDMX_ATTRIBUTES.values(),
)
"""SDMX-CSV columns that are not classification dimensions."""


def format_for(out: Path | None, format: str | None) -> Format:
    """The output format: ``format``, else from the suffix of ``out``, else CSV.

    Raises:
        BadInput: an unknown format, or a binary format with no file to write.
    """
    if format is not None and format not in FORMATS:
        raise BadInput(
            f"unknown format {format!r}: expected one of {', '.join(FORMATS)}",
            parameter="format",
            given=format,
            expected=", ".join(FORMATS),
        )
    chosen = format or (SUFFIXES.get(out.suffix.lower(), "csv") if out else "csv")
    if out is None and chosen not in TEXT_FORMATS:
        raise BadInput(
            f"the {chosen} format writes a file, not standard output: give the file",
            parameter="out",
            expected="a file to write",
        )
    return cast(Format, chosen)  # one of FORMATS: given and checked, or from SUFFIXES


def check_folder(out: Path) -> None:
    """Refuse a file to write whose folder does not exist (before any work is done).

    Raises:
        NotFound: naming the file and its folder.
    """
    folder = out.parent
    if not folder.is_dir():
        raise NotFound(f"{out}: the folder {folder} does not exist", parameter="out", given=out)


def write(
    observations: pd.DataFrame,
    out: Path | None,
    format: Format,
    skipped: dict[str, str] | None = None,
    stdout: TextIO | None = None,
) -> None:
    """Write ``observations`` to the file ``out`` (standard output when None) in ``format``.

    The Excel workbook has a second sheet listing what was skipped and why.

    Raises:
        NotFound: the folder of ``out`` does not exist.
        BadInput: ``out`` cannot be written (a folder, no permission); nothing is left
            behind.
    """
    if out is None:
        (stdout or sys.stdout).write(_text(observations, format))
        return
    writers: dict[str, Callable[[Path], object]] = {
        "csv": lambda target: target.write_text(_text(observations, "csv"), encoding="utf-8"),
        "sdmx-csv": lambda target: target.write_text(
            _text(observations, "sdmx-csv"), encoding="utf-8"
        ),
        "parquet": lambda target: observations.to_parquet(target, index=False),
        "xlsx": lambda target: _excel(observations, skipped or {}, target),
    }
    write_atomically(out, writers[format])


def inert(value: object) -> object:
    """A cell as a spreadsheet should show it: text starting like a formula
    (:data:`FORMULA_STARTS`) with a single quote put before it, so that it stays text;
    anything else (numbers, negative ones too; other text) unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def inert_table(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with every text cell made :func:`inert` (numeric columns untouched)."""
    out = table.copy()
    for column in out.columns:
        values = out[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            out[column] = values.map(inert)
    return out


def csv_text(table: pd.DataFrame) -> str:
    """Any table as CSV text (a header, ``\\n`` line ends), its text cells :func:`inert`:
    the one way decentwork writes CSV for people's spreadsheets."""
    return inert_table(table).to_csv(index=False, lineterminator="\n")


def _text(observations: pd.DataFrame, fmt: str) -> str:
    return csv_text(sdmx_csv(observations) if fmt == "sdmx-csv" else observations)


def _cell(sheet: WriteOnlyWorksheet, value: object) -> object:
    """A value for an Excel cell: missing values empty, numbers as numbers, text
    :func:`inert` and stored as a string (never a formula)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float | np.floating) and np.isnan(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=inert(value))
        cell.data_type = "s"
        return cell
    return value


def write_sheets(target: Path, sheets: Mapping[str, pd.DataFrame]) -> None:
    """Write the workbook ``target`` with one sheet per table of ``sheets`` (by sheet name,
    in order): a header row of the column names, then the rows, through :func:`_cell`.

    Raises:
        OSError: ``target`` cannot be written.
    """
    book = Workbook(write_only=True)
    for name, table in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append([_cell(sheet, str(c)) for c in table.columns])
        for row in table.itertuples(index=False, name=None):
            sheet.append([_cell(sheet, v) for v in row])
    book.save(target)


def _excel(observations: pd.DataFrame, skipped: dict[str, str], target: Path) -> None:
    write_sheets(
        target,
        {
            "observations": observations,
            "skipped": pd.DataFrame({"item": list(skipped), "reason": list(skipped.values())}),
        },
    )


def write_atomically(out: Path, write_to: Callable[[Path], object]) -> None:
    """Write with ``write_to`` to a temporary file beside ``out``, then rename it to ``out``
    (nothing left behind if it fails).

    Raises:
        NotFound: the folder of ``out`` does not exist.
        BadInput: ``out`` cannot be written (a folder, no permission).
    """
    check_folder(out)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    except OSError as error:
        raise _cannot_write(out, error) from None
    os.close(handle)
    try:
        write_to(Path(temporary))
        os.chmod(temporary, file_mode(out))  # mkstemp makes it 0600
        os.replace(temporary, out)
    except OSError as error:
        raise _cannot_write(out, error) from None
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def file_mode(out: Path) -> int:
    """The mode a plain ``open(out, "w")`` would leave ``out`` with: its own mode when it
    exists, else 0666 less the process's umask (0644 under the usual umask 022)."""
    try:
        return stat.S_IMODE(out.stat().st_mode)
    except OSError:
        return 0o666 & ~_umask()


def _umask() -> int:
    """The process's umask, read without changing it where the system says it (Linux's
    ``/proc/self/status``), else set and put back at once."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def _cannot_write(out: Path, error: OSError) -> BadInput:
    return BadInput(f"cannot write {out}: {error.strerror or error}", parameter="out", given=out)


def _dimension(code: str) -> str:
    """The SDMX dimension of a classification code: its prefix (``AGE_...`` -> ``AGE``)."""
    return code.split("_", 1)[0]


def _measure(indicator: str) -> str:
    """ILOSTAT's measure id: the indicator code without its breakdown parts
    (``UNE_DEAP_SEX_AGE_RT`` -> ``UNE_DEAP_RT``)."""
    parts = indicator.split("_")
    return "_".join([*parts[:2], parts[-1]]) if len(parts) > 3 else indicator


def _frequency(time: str) -> str:
    """SDMX frequency of an ILOSTAT time: M (2024M01), Q (2024Q1) or A (2024)."""
    return "M" if "M" in time else "Q" if "Q" in time else "A"


def _sdmx_time(time: str) -> str:
    """ILOSTAT time (2024, 2024Q1, 2024M01) as an SDMX period (2024, 2024-Q1, 2024-01)."""
    if "M" in time:
        return f"{time[:4]}-{time[5:]}"
    if "Q" in time:
        return f"{time[:4]}-{time[4:]}"
    return time


def sdmx_csv(observations: pd.DataFrame) -> pd.DataFrame:
    """Observations as SDMX-CSV 2.0 rows: one dataflow per indicator (``ILO:DF_<code>(1.0)``),
    dimensions REF_AREA, FREQ, MEASURE, SEX and the classification dimensions (AGE, GEO,
    EDU, ECO, OCU, STE, and any other classification's prefix) with ILOSTAT's codes,
    TIME_PERIOD, OBS_VALUE, and the attributes OBS_STATUS, SOURCE, the confidence interval in
    LOWER_BOUND and UPPER_BOUND, SE, CV, SAMPLE_COUNT and the three notes (NOTE_INDICATOR,
    NOTE_SOURCE, NOTE_CLASSIF)."""
    codes = [c for column in ("classif1", "classif2") for c in observations[column] if c]
    extra = sorted({_dimension(c) for c in codes} - set(SDMX_DIMENSIONS))
    dimensions = [*SDMX_DIMENSIONS, *extra]
    rows = []
    for record in observations.itertuples(index=False):
        row = {
            "STRUCTURE": "dataflow",
            "STRUCTURE_ID": f"{SDMX_AGENCY}:DF_{record.indicator}({SDMX_VERSION})",
            "ACTION": "I",
            "REF_AREA": record.ref_area,
            "FREQ": _frequency(record.time),
            "MEASURE": _measure(record.indicator),
            "SEX": record.sex,
        }
        row.update({d: "" for d in dimensions})
        for code in (record.classif1, record.classif2):
            if code:
                row[_dimension(code)] = code
        row.update({"TIME_PERIOD": _sdmx_time(record.time), "OBS_VALUE": record.obs_value})
        row.update({name: getattr(record, column) for column, name in SDMX_ATTRIBUTES.items()})
        rows.append(row)
    columns = [
        "STRUCTURE",
        "STRUCTURE_ID",
        "ACTION",
        "REF_AREA",
        "FREQ",
        "MEASURE",
        "SEX",
        *dimensions,
        "TIME_PERIOD",
        "OBS_VALUE",
        *SDMX_ATTRIBUTES.values(),
    ]
    return pd.DataFrame(rows, columns=columns)

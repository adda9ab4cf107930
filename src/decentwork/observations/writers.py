"""Writing observations: CSV, Parquet, Excel and SDMX-CSV 2.0 with ILOSTAT's dimension ids.

Files are written to a temporary name beside the target and renamed when complete, so a
failure never leaves a partial output file.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Literal, TextIO

import pandas as pd

Format = Literal["csv", "parquet", "xlsx", "sdmx-csv"]
FORMATS: tuple[str, ...] = ("csv", "parquet", "xlsx", "sdmx-csv")
TEXT_FORMATS = ("csv", "sdmx-csv")
SUFFIXES = {".csv": "csv", ".parquet": "parquet", ".xlsx": "xlsx"}

SDMX_AGENCY = "ILO"
SDMX_VERSION = "1.0"
SDMX_DIMENSIONS = ("AGE", "GEO", "EDU", "ECO", "OCU", "STE")
"""ILOSTAT's SDMX dimension ids for classification codes, named by the code's prefix."""
SDMX_ATTRIBUTES = {
    "obs_status": "OBS_STATUS", "source": "SOURCE", "lower_bound": "LOWER_BOUND",
    "upper_bound": "UPPER_BOUND", "se": "SE", "cv": "CV", "sample_count": "SAMPLE_COUNT",
    "note_indicator": "NOTE_INDICATOR", "note_source": "NOTE_SOURCE",
    "note_classif": "NOTE_CLASSIF",
}
"""Observation columns written as SDMX-CSV attributes, and their column names."""
SDMX_FIXED = ("STRUCTURE", "STRUCTURE_ID", "ACTION", "DATAFLOW", "REF_AREA", "FREQ", "MEASURE",
              "SEX", "TIME_PERIOD", "OBS_VALUE", *SDMX_ATTRIBUTES.values())
"""SDMX-CSV columns that are not classification dimensions."""


def format_for(path: Path | None, requested: str | None) -> Format:
    """The output format: ``requested``, else from ``path``'s suffix, else CSV.

    Raises:
        ValueError: an unknown format, or a binary format with no file to write.
    """
    if requested is not None and requested not in FORMATS:
        raise ValueError(f"--format {requested!r}: expected one of {', '.join(FORMATS)}")
    chosen = requested or (SUFFIXES.get(path.suffix.lower(), "csv") if path else "csv")
    if path is None and chosen not in TEXT_FORMATS:
        raise ValueError(f"--format {chosen} writes a file: give --out PATH")
    return chosen  # type: ignore[return-value]


def write(observations: pd.DataFrame, path: Path | None, fmt: Format,
          skipped: dict[str, str] | None = None, stdout: TextIO | None = None) -> None:
    """Write ``observations`` to ``path`` (standard output when None) in format ``fmt``.

    The Excel workbook has a second sheet listing what was skipped and why.
    """
    if path is None:
        out = stdout or sys.stdout
        out.write(_text(observations, fmt))
        return
    writers: dict[str, Callable[[Path], None]] = {
        "csv": lambda target: target.write_text(_text(observations, "csv"), encoding="utf-8"),
        "sdmx-csv": lambda target: target.write_text(_text(observations, "sdmx-csv"),
                                                     encoding="utf-8"),
        "parquet": lambda target: observations.to_parquet(target, index=False),
        "xlsx": lambda target: _excel(observations, skipped or {}, target),
    }
    _atomic(path, writers[fmt])


def _text(observations: pd.DataFrame, fmt: str) -> str:
    table = sdmx_csv(observations) if fmt == "sdmx-csv" else observations
    return table.to_csv(index=False, lineterminator="\n")


def _excel(observations: pd.DataFrame, skipped: dict[str, str], target: Path) -> None:
    with pd.ExcelWriter(target, engine="openpyxl") as book:
        observations.to_excel(book, sheet_name="observations", index=False)
        pd.DataFrame({"item": list(skipped), "reason": list(skipped.values())}).to_excel(
            book, sheet_name="skipped", index=False
        )


def _atomic(path: Path, write_to: Callable[[Path], None]) -> None:
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise OSError(f"{path}: the folder {directory} does not exist")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    os.close(handle)
    try:
        write_to(Path(temporary))
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


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
    columns = ["STRUCTURE", "STRUCTURE_ID", "ACTION", "REF_AREA", "FREQ", "MEASURE", "SEX",
               *dimensions, "TIME_PERIOD", "OBS_VALUE", *SDMX_ATTRIBUTES.values()]
    return pd.DataFrame(rows, columns=columns)

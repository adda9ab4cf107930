"""Excel workbooks made for people: one sheet per indicator with labels beside codes, and a
notes sheet with the indicators' names and the releases the figures come from. Workbooks are
public: text that looks like a formula stays text
(:func:`decentwork.observations.writers.write_sheets`), and releases show their file's name,
not the server's folders nor who loaded them (:func:`~decentwork.warehouse.contents.
public_release`)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from decentwork.observations.writers import check_folder, write_atomically, write_sheets
from decentwork.warehouse.contents import (
    described,
    label_map,
    public_release,
    release_history,
)
from decentwork.warehouse.views import release_cut

LABELLED = ("ref_area", "sex", "classif1", "classif2", "source")
SHOWN = (
    "ref_area",
    "sex",
    "classif1",
    "classif2",
    "time",
    "obs_value",
    "obs_status",
    "se",
    "lower_bound",
    "upper_bound",
    "sample_count",
    "source",
    "note_indicator",
    "note_source",
    "note_classif",
)
RELEASE_COLUMNS = ("id", "dataset", "file", "format", "loaded_at")
"""The releases sheet's columns (some of what :func:`public_release` shows)."""


def _sheet_name(code: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", "_", code)[:31]
    base, k = name, 1
    while name in used:
        k += 1
        name = f"{base[:28]}~{k}"
    used.add(name)
    return name


def write_workbook(
    found: pd.DataFrame, out: Path, target: sa.Engine, lang: str = "en", as_of: str | None = None
) -> None:
    """Write the observations ``found`` to the workbook ``out``: a sheet per indicator with a
    ``<column>_label`` column beside each coded column (where the warehouse has labels), and
    a ``notes`` sheet (indicators with their labels, units and definitions) and a
    ``releases`` sheet (file name, dataset, format and date of each release). Labels and
    definitions are those of the view ``as_of`` (a release or a date, as for
    :func:`~decentwork.warehouse.views.view`; default: the current ones), and so are the
    releases listed.

    Raises:
        NotFound: the folder of ``out`` does not exist.
        QueryError: a bad ``as_of``.
        BadInput: ``out`` cannot be written.
    """
    check_folder(out)
    with target.connect() as connection:
        cut = release_cut(connection, as_of)
        names = label_map(connection, lang, cut=cut)
        metadata = described(connection, cut)
        history, _ = release_history(connection)
    listed = [public_release(r) for r in history if cut is None or r["id"] <= cut]
    loaded = pd.DataFrame(
        [{c: r[c] for c in RELEASE_COLUMNS} for r in listed], columns=list(RELEASE_COLUMNS)
    ).sort_values("id")
    loaded["loaded_at"] = loaded["loaded_at"].astype(str)
    sheets = _sheets(found, names, metadata, loaded)
    write_atomically(out, lambda target: write_sheets(target, sheets))


def _sheets(
    found: pd.DataFrame,
    names: dict[tuple[str, str], str],
    metadata: dict[str, tuple[str, str]],
    loaded: pd.DataFrame,
) -> dict[str, pd.DataFrame]:
    """The workbook's sheets by name: one per indicator, ``notes`` and ``releases``."""
    used: set[str] = set()
    sheets: dict[str, pd.DataFrame] = {}
    listed = []
    for code, rows in found.groupby("indicator", sort=True):
        sheet = rows[list(SHOWN)].copy()
        for column in LABELLED:
            position = sheet.columns.get_loc(column) + 1
            values = [names.get((column, c), "") for c in sheet[column]]
            sheet.insert(position, f"{column}_label", values)
        sheets[_sheet_name(str(code), used)] = sheet
        unit, definition = metadata.get(str(code), ("", ""))
        listed.append(
            {
                "indicator": code,
                "label": names.get(("indicator", str(code)), ""),
                "unit": unit,
                "definition": definition,
                "observations": len(rows),
            }
        )
    sheets[_sheet_name("notes", used)] = pd.DataFrame(
        listed, columns=["indicator", "label", "unit", "definition", "observations"]
    )
    if not loaded.empty:
        sheets[_sheet_name("releases", used)] = loaded
    return sheets

"""Excel workbooks made for people: one sheet per indicator with labels beside codes, and a
notes sheet with the indicators' names and the releases the figures come from."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from decentwork.errors import BadInput
from decentwork.observations.writers import check_folder
from decentwork.warehouse.contents import described, label_map
from decentwork.warehouse.tables import releases

LABELLED = ("ref_area", "sex", "classif1", "classif2", "source")
SHOWN = ("ref_area", "sex", "classif1", "classif2", "time", "obs_value", "obs_status", "se",
         "lower_bound", "upper_bound", "sample_count", "source", "note_indicator",
         "note_source", "note_classif")


def _sheet_name(code: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", "_", code)[:31]
    base, k = name, 1
    while name in used:
        k += 1
        name = f"{base[:28]}~{k}"
    used.add(name)
    return name


def write_workbook(found: pd.DataFrame, out: Path, target: sa.Engine, lang: str = "en") -> None:
    """Write the observations ``found`` to the workbook ``out``: a sheet per indicator with a
    ``<column>_label`` column beside each coded column (where the warehouse has labels), and
    a ``notes`` sheet (indicators with their labels, units and definitions) and a
    ``releases`` sheet (file, date and loader of each release).

    Raises:
        NotFound: the folder of ``out`` does not exist.
        BadInput: ``out`` cannot be written.
    """
    check_folder(out)
    with target.connect() as connection:
        names = label_map(connection, lang)
        metadata = described(connection)
        loaded = pd.DataFrame(connection.execute(sa.select(
            releases.c.id, releases.c.dataset, releases.c.file, releases.c.format,
            releases.c.loaded_at, releases.c.loaded_by)).mappings().all())
    try:
        _workbook(found, out, names, metadata, loaded)
    except OSError as error:
        raise BadInput(f"cannot write {out}: {error.strerror or error}", parameter="out",
                       given=out) from None


def _workbook(found: pd.DataFrame, out: Path, names: dict[tuple[str, str], str],
              metadata: dict[str, tuple[str, str]], loaded: pd.DataFrame) -> None:
    used: set[str] = set()
    with pd.ExcelWriter(out, engine="openpyxl") as book:
        listed = []
        for code, rows in found.groupby("indicator", sort=True):
            sheet = rows[list(SHOWN)].copy()
            for column in LABELLED:
                position = sheet.columns.get_loc(column) + 1
                values = [names.get((column, c), "") for c in sheet[column]]
                sheet.insert(position, f"{column}_label", values)
            sheet.to_excel(book, sheet_name=_sheet_name(str(code), used), index=False)
            unit, definition = metadata.get(str(code), ("", ""))
            listed.append({"indicator": code, "label": names.get(("indicator", code), ""),
                           "unit": unit, "definition": definition, "observations": len(rows)})
        pd.DataFrame(listed, columns=["indicator", "label", "unit", "definition",
                                      "observations"]).to_excel(
            book, sheet_name=_sheet_name("notes", used), index=False)
        if not loaded.empty:
            loaded["loaded_at"] = loaded["loaded_at"].astype(str)
            loaded.to_excel(book, sheet_name=_sheet_name("releases", used), index=False)

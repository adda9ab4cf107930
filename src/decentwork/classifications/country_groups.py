"""Country groupings published by others: the ILO's regions and the World Bank's income groups,
under the aggregate codes ILOSTAT gives them (``X06`` Africa ... ``X05`` World: High income).

- ILO regions are the UN M49 sub-regions regrouped as the ILO does: the Arab States are taken
  out of Western Asia, the rest of Western Asia joins Central Asia, South-Eastern Asia joins the
  Pacific. M49 membership comes from the ``country_converter`` package's country table
  (column ``UNregion``); members are ILOSTAT's reference areas (inhabited territories
  included, historic countries not).
- World Bank income groups come from the World Bank's ``CLASS.xlsx`` (sheet "List of
  economies", columns Code and Income group), fetched with ``decentwork classifications
  fetch``; the classification changes every 1 July, so the group says which file it is from.
"""

from __future__ import annotations

import csv
import importlib.util
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from decentwork.errors import BadInput, NotFound, Unavailable

ARAB_STATES = frozenset(
    {"BHR", "IRQ", "JOR", "KWT", "LBN", "OMN", "PSE", "QAT", "SAU", "SYR", "ARE", "YEM"}
)
"""The ILO's Arab States: the members of ILO's Regional Office for Arab States."""

NOT_ILOSTAT_AREAS = frozenset(
    {
        "ALA",
        "ATF",
        "BES",
        "BLM",
        "BVT",
        "CCK",
        "CXR",
        "HMD",
        "IOT",
        "MAF",
        "MYT",
        "PCN",
        "SGS",
        "SJM",
        "SXM",
        "UMI",
        "VAT",
    }
)
"""M49 areas that are not ILOSTAT reference areas (uninhabited, or covered with another area):
left out so that a region's coverage counts only areas that can have data."""

ILOSTAT_CODES = {"XKX": "KOS"}
"""M49/ISO user-assigned codes that ILOSTAT writes differently."""

EXTRA_MEMBERS = {"X64": ("CHA",)}
"""ILOSTAT reference areas outside M49: the Channel Islands are in Northern Europe."""

SUBREGIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "X10": ("Northern Africa", ("Northern Africa",)),
    "X13": (
        "Sub-Saharan Africa",
        ("Eastern Africa", "Middle Africa", "Southern Africa", "Western Africa"),
    ),
    "X26": ("Latin America and the Caribbean", ("Caribbean", "Central America", "South America")),
    "X34": ("Northern America", ("Northern America",)),
    "X36": ("Arab States", ("Western Asia",)),
    "X45": ("Eastern Asia", ("Eastern Asia",)),
    "X49": (
        "South-Eastern Asia and the Pacific",
        ("South-eastern Asia", "Australia and New Zealand", "Melanesia", "Micronesia", "Polynesia"),
    ),
    "X56": ("Southern Asia", ("Southern Asia",)),
    "X64": (
        "Northern, Southern and Western Europe",
        ("Northern Europe", "Southern Europe", "Western Europe"),
    ),
    "X70": ("Eastern Europe", ("Eastern Europe",)),
    "X78": ("Central and Western Asia", ("Central Asia", "Western Asia")),
}
"""ILO sub-regions (ILOSTAT code: label, M49 sub-regions they are drawn from). Western Asia is
split: its Arab States go to X36, the others to X78."""

REGIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "X06": ("Africa", ("X10", "X13")),
    "X21": ("Americas", ("X26", "X34")),
    "X36": ("Arab States", ("X36",)),
    "X40": ("Asia and the Pacific", ("X45", "X49", "X56")),
    "X60": ("Europe and Central Asia", ("X64", "X70", "X78")),
}
"""ILO regions (ILOSTAT code: label, sub-regions)."""

INCOME_GROUPS = {
    "Low income": ("X02", "World: Low income"),
    "Lower middle income": ("X03", "World: Lower-middle income"),
    "Upper middle income": ("X04", "World: Upper-middle income"),
    "High income": ("X05", "World: High income"),
}
"""World Bank income group (as CLASS.xlsx writes it) -> ILOSTAT code and label."""

CLASS_FILE = "worldbank/CLASS.xlsx"
"""Where ``decentwork classifications fetch`` puts the World Bank classification."""


class CountryGroupError(BadInput):
    """A country grouping file that cannot be read; the message names the file, sheet and row."""


@dataclass(frozen=True)
class CountryGroup:
    """A published grouping of areas: ILOSTAT code, label, where it comes from, members."""

    code: str
    label: str
    source: str
    members: tuple[str, ...]


def _m49_subregions() -> dict[str, str]:
    """ISO alpha-3 -> M49 sub-region (or intermediate region), current countries only."""
    spec = importlib.util.find_spec("country_converter")
    if spec is None or not spec.submodule_search_locations:
        raise Unavailable(
            "the country_converter package is not installed",
            hint="install decentwork with its dependencies",
        )
    table = Path(next(iter(spec.submodule_search_locations))) / "country_data.tsv"
    with table.open(encoding="utf-8", newline="") as handle:
        return {
            ILOSTAT_CODES.get(row["ISO3"], row["ISO3"]): row["UNregion"]
            for row in csv.DictReader(handle, delimiter="\t")
            if not row["obsolete"] and row["UNregion"] and row["ISO3"] not in NOT_ILOSTAT_AREAS
        }


def ilo_regions() -> list[CountryGroup]:
    """The ILO's five regions and eleven sub-regions, under their ILOSTAT codes."""
    m49 = _m49_subregions()
    source = (
        "ILO regions: UN M49 sub-regions (country_converter) regrouped as ILOSTAT does; "
        "Arab States: " + ", ".join(sorted(ARAB_STATES))
    )
    sub: dict[str, tuple[str, ...]] = {}
    for code, (_, parts) in SUBREGIONS.items():
        members = {iso for iso, region in m49.items() if region in parts}
        members |= set(EXTRA_MEMBERS.get(code, ()))
        if code == "X36":
            members &= ARAB_STATES
        elif code == "X78":
            members -= ARAB_STATES
        sub[code] = tuple(sorted(members))
    found = [
        CountryGroup(code, label, source, sub[code])
        for code, (label, _) in SUBREGIONS.items()
        if code != "X36"
    ]
    found += [
        CountryGroup(code, label, source, tuple(sorted({m for part in parts for m in sub[part]})))
        for code, (label, parts) in REGIONS.items()
    ]
    return sorted(found, key=lambda group: group.code)


def income_groups(path: Path) -> list[CountryGroup]:
    """The World Bank income groups in ``path`` (the World Bank's CLASS.xlsx).

    Raises:
        NotFound: no file ``path``.
        CountryGroupError: not a workbook, no "List of economies" sheet, missing columns, or an
            income group the World Bank does not use (the message names the row).
    """
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise NotFound(f"{path}: no such file") from None
    except OSError as error:
        raise CountryGroupError(f"{path}: cannot be read ({error.strerror or error})") from None
    except (InvalidFileException, zipfile.BadZipFile, KeyError) as error:
        # KeyError: a zip archive without a workbook's parts ([Content_Types].xml...)
        raise CountryGroupError(
            f"{path}: not an Excel workbook ({error})", expected="the World Bank's CLASS.xlsx"
        ) from None
    try:
        if "List of economies" not in book.sheetnames:
            raise CountryGroupError(
                f"{path}: no sheet 'List of economies' (sheets: "
                f"{', '.join(book.sheetnames)}); expected the World Bank's "
                "CLASS.xlsx"
            )
        rows = book["List of economies"].iter_rows(values_only=True)
        header = [str(cell).strip() if cell is not None else "" for cell in next(rows, ())]
        missing = [name for name in ("Code", "Income group") if name not in header]
        if missing:
            raise CountryGroupError(
                f"{path}, sheet 'List of economies': no column "
                f"{', '.join(missing)} (columns: {', '.join(header)})"
            )
        code_at, income_at = header.index("Code"), header.index("Income group")
        members: dict[str, list[str]] = {name: [] for name in INCOME_GROUPS}
        for line, row in enumerate(rows, start=2):
            code = str(row[code_at] or "").strip()
            income = str(row[income_at] or "").strip()
            if not code or not income:
                continue
            if income not in INCOME_GROUPS:
                raise CountryGroupError(
                    f"{path}, sheet 'List of economies', row {line}: income "
                    f"group {income!r} for {code}; expected one of "
                    f"{', '.join(INCOME_GROUPS)}",
                    given=income,
                    expected=f"one of {', '.join(INCOME_GROUPS)}",
                )
            members[income].append(code)
    finally:
        book.close()
    if not any(members.values()):
        raise CountryGroupError(
            f"{path}, sheet 'List of economies': no economy with an income group"
        )
    fetched = datetime.fromtimestamp(path.stat().st_mtime, UTC).strftime("%Y-%m-%d")
    source = f"World Bank income classification ({path.name}, fetched {fetched})"
    return [
        CountryGroup(code, label, source, tuple(sorted(members[name])))
        for name, (code, label) in INCOME_GROUPS.items()
    ]

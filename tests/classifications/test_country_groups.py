"""ILO regions and World Bank income groups."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import openpyxl
import pytest

from decentwork.classifications.country_groups import (
    CLASS_FILE,
    REGIONS,
    CountryGroupError,
    ilo_regions,
    income_groups,
)
from decentwork.classifications.sources import SOURCES, fetch
from decentwork.errors import BadInput, NotFound
from decentwork.warehouse.groups import bundled

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
DICTIONARY = SHARED / "ilostat" / "dictionary" / "ref_area_en.csv"


def _ilostat_areas() -> dict[str, str]:
    with DICTIONARY.open(encoding="utf-8-sig", newline="") as handle:
        return {
            row["ref_area"]: row["ref_area.label"]
            for row in csv.DictReader(handle, skipinitialspace=True)
        }


def test_ilo_regions_partition_ilostat_areas() -> None:
    areas = _ilostat_areas()
    found = {group.code: group for group in ilo_regions()}
    for code, group in found.items():
        assert group.label == areas[code], code
        assert set(group.members) <= set(areas), code
    in_regions = [m for code in REGIONS for m in found[code].members]
    assert len(in_regions) == len(set(in_regions))
    countries = {a for a in areas if not a.startswith("X")}
    assert countries - set(in_regions) == {"ANT"}  # Netherlands Antilles, dissolved in 2010
    for code, (_, parts) in REGIONS.items():
        assert set(found[code].members) == {m for p in parts for m in found[p].members}


def test_ilo_region_membership() -> None:
    found = {group.code: set(group.members) for group in ilo_regions()}
    assert {"KHM", "LAO", "VNM", "AUS", "FJI"} <= found["X49"]
    assert {"CHN", "JPN", "MNG"} <= found["X45"]
    assert "IRN" in found["X56"] and "EGY" in found["X10"] and "SDN" in found["X10"]
    assert len(found["X36"]) == 12 and "PSE" in found["X36"] and "ISR" not in found["X36"]
    assert {"TUR", "ISR", "CYP", "KAZ", "GEO"} <= found["X78"]
    assert {"KOS", "UKR"} <= found["X60"] and "CHA" in found["X64"]


def _class_workbook(
    path: Path,
    rows: list[tuple],
    sheet: str = "List of economies",
    header: tuple = ("Economy", "Code", "Region", "Income group", "Lending category"),
) -> Path:
    book = openpyxl.Workbook()
    book.active.title = sheet
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


ECONOMIES = [
    ("Cambodia", "KHM", "East Asia & Pacific", "Lower middle income", "IDA"),
    ("Lao PDR", "LAO", "East Asia & Pacific", "Lower middle income", "IDA"),
    ("China", "CHN", "East Asia & Pacific", "Upper middle income", "IBRD"),
    ("Chad", "TCD", "Sub-Saharan Africa", "Low income", "IDA"),
    ("Canada", "CAN", "North America", "High income", None),
    ("Venezuela, RB", "VEN", "Latin America & Caribbean", None, None),
    (None, None, None, None, None),
    ("World", "WLD", None, None, None),
]


def test_income_groups_from_the_world_bank_file(tmp_path: Path) -> None:
    found = {g.code: g for g in income_groups(_class_workbook(tmp_path / "CLASS.xlsx", ECONOMIES))}
    assert found["X03"].members == ("KHM", "LAO") and found["X03"].label == _ilostat_areas()["X03"]
    assert found["X02"].members == ("TCD",) and found["X04"].members == ("CHN",)
    assert found["X05"].members == ("CAN",)
    assert "World Bank" in found["X05"].source and "CLASS.xlsx" in found["X05"].source


@pytest.mark.parametrize(
    ("rows", "kwargs", "message"),
    [
        (ECONOMIES, {"sheet": "Groups"}, "no sheet 'List of economies'"),
        (ECONOMIES, {"header": ("Economy", "Code", "Region", "Income")}, "no column Income group"),
        (
            [*ECONOMIES, ("Mars", "MRS", "Space", "Middle income", None)],
            {},
            r"row 10: income group 'Middle income' for MRS",
        ),
        ([("World", "WLD", None, None, None)], {}, "no economy with an income group"),
    ],
)
def test_bad_world_bank_files(tmp_path: Path, rows: list, kwargs: dict, message: str) -> None:
    path = _class_workbook(tmp_path / "CLASS.xlsx", rows, **kwargs)
    with pytest.raises(CountryGroupError, match=message):
        income_groups(path)


def test_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "CLASS.xlsx"
    path.write_text("Economy,Code\n")
    with pytest.raises(CountryGroupError, match=r"CLASS\.xlsx: not an Excel workbook"):
        income_groups(path)
    with zipfile.ZipFile(path, "w") as archive:  # a zip, but no workbook inside
        archive.writestr("readme.txt", "")
    with pytest.raises(CountryGroupError, match=r"CLASS\.xlsx: not an Excel workbook"):
        income_groups(path)
    (tmp_path / "folder.xlsx").mkdir()
    with pytest.raises(CountryGroupError, match=r"folder\.xlsx: cannot be read \(Is a direc"):
        income_groups(tmp_path / "folder.xlsx")
    with pytest.raises(NotFound, match=r"nothing\.xlsx: no such file"):
        income_groups(tmp_path / "nothing.xlsx")
    assert issubclass(CountryGroupError, BadInput)


def test_fetched_income_groups_become_bundled_groups(tmp_path: Path) -> None:
    mirror, target = tmp_path / "mirror", tmp_path / "data"
    for source in SOURCES:
        if source.required:
            (mirror / source.path).parent.mkdir(parents=True, exist_ok=True)
            (mirror / source.path).symlink_to(SHARED / source.path)
    _class_workbook(mirror / CLASS_FILE, ECONOMIES)
    assert "X03" not in bundled(target)
    fetched = fetch(mirror, target=target, on_file=lambda *_: None)
    assert target / CLASS_FILE in fetched
    found = bundled(target)
    assert found["X03"].members == ("KHM", "LAO") and found["X03"].bundled
    assert {"X06", "X40", "X49", "X_G20"} <= set(found)

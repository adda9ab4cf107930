"""Bulk import from CSV and Excel: every bad row reported as file:line, field and problem;
nothing imported unless all rows are good or skip_bad; a failed import leaves nothing."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

from decentwork.errors import BadInput, NotFound, Refused
from decentwork.pes import areas, audit, imports, seekers, vacancies
from decentwork.pes.table_files import ImportRejected
from decentwork.pes.tables import employers
from decentwork.pes.tables import seekers as seeker_table
from decentwork.pes.tables import vacancies as vacancy_table
from tests.pes.conftest import SKILL, World, seeker_data

HEADER = [
    "centre",
    "family_name",
    "given_names",
    "national_id",
    "birth_date",
    "sex",
    "area",
    "education",
    "languages",
    "occupation_1",
    "occupation_1_text",
    "skills",
    "work_history",
    "phone",
    "address",
    "consent_purpose",
    "consent_date",
    "not_duplicate",
]
GOOD = [
    [
        "PNH",
        "ចាន់",
        "សុភា",
        "010203040",
        "1998-04-12",
        "F",
        "KH-12",
        "3",
        "km en",
        "7531",
        "ជាងកាត់ដេរ",
        SKILL,
        "8153:3",
        "012 345 678",
        "",
        "registration",
        "2025-11-02",
        "",
    ],
    [
        "PNH",
        "Keo",
        "Dara",
        "",
        "1990-02-02",
        "M",
        "KH-8",
        "",
        "km",
        "8322",
        "moto driver",
        "",
        "",
        "",
        "House 3,\nStreet 5",
        "registration",
        "2025-11-03",
        "no",
    ],
    [
        "REP",
        "Sok",
        "Malis",
        "N77",
        "2001-09-30",
        "F",
        "KH-17",
        "6",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "registration",
        "2025-11-04",
        "",
    ],
]


def write(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def count(world: World, table: sa.Table) -> int:
    with world.registry.engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def test_good_rows_are_imported_with_an_audit_entry_each(world: World, tmp_path: Path) -> None:
    report = imports.import_seekers(world.registry, world.admin, write(tmp_path / "s.csv", GOOD))
    assert (report.imported, report.skipped) == (3, [])
    first = seekers.read(world.registry, world.admin, report.ids[0])
    assert (first.given_names, first.skills, first.languages) == ("សុភា", [SKILL], ["km", "en"])
    assert [(o.isco, o.text, o.confirmed_by) for o in first.occupations] == [
        ("7531", "ជាងកាត់ដេរ", world.admin.user_id)
    ]
    assert [(j.isco, float(j.years or 0)) for j in first.work_history] == [("8153", 3.0)]
    second = seekers.read(world.registry, world.admin, report.ids[1])
    assert second.address == "House 3,\nStreet 5" and second.consent_at is not None
    created = audit.entries(world.registry, world.admin, action="seeker.create")
    assert [(e.record_id, e.detail, e.interface) for e in created] == [
        (report.ids[0], "imported from line 2", "cli"),
        (report.ids[1], "imported from line 3", "cli"),
        (report.ids[2], "imported from line 5", "cli"),
    ]
    assert (
        audit.entries(world.registry, world.admin, action="seeker.import")[-1].detail
        == "3 imported, 0 bad rows"
    )


def test_every_bad_row_is_listed_and_nothing_is_imported(world: World, tmp_path: Path) -> None:
    rows = [
        GOOD[0],
        [
            "XXX",
            "Keo",
            "",
            "",
            "1990-02-30",
            "M",
            "KH-8",
            "",
            "",
            "",
            "driver",
            "",
            "83x",
            "",
            "",
            "registration",
            "2025-11-03",
            "maybe",
        ],
        GOOD[2],
        [
            "PNH",
            "Chan",
            "Sophea",
            "010-203-040",
            "1998-04-12",
            "F",
            "KH-12",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "registration",
            "2025-11-05",
            "",
        ],
    ]
    path = write(tmp_path / "seekers.csv", rows)
    with pytest.raises(ImportRejected) as caught:
        imports.import_seekers(world.registry, world.admin, path)
    listed = [str(p) for p in caught.value.problems]
    assert listed == [
        "seekers.csv:3: centre: no job centre 'XXX'",
        "seekers.csv:3: occupation_1: no ISCO-08 code for the text (the occupation coder can "
        "code the texts first)",
        "seekers.csv:3: not_duplicate: expected yes or no",
        "seekers.csv:3: given_names: required",
        "seekers.csv:3: birth_date: not a date (expected YYYY-MM-DD): day is out of range for "
        "month",
        "seekers.csv:3: work_history: ISCO-08: no code '83x'; did you mean 83, 835, 834?",
        "seekers.csv:5: national_id: same as line 2",
    ]
    assert "2 bad row(s), nothing was imported" in str(caught.value)
    assert "skip_bad=True" in (caught.value.hint or "")
    assert count(world, seeker_table) == 0
    assert (
        audit.entries(world.registry, world.admin, action="seeker.import")[-1].outcome
        == "bad input"
    )

    report = imports.import_seekers(world.registry, world.admin, path, skip_bad=True)
    assert report.imported == 2 and [str(p) for p in report.skipped] == listed
    assert count(world, seeker_table) == 2


def test_duplicates_of_registered_seekers_are_bad_rows_unless_confirmed(
    world: World, tmp_path: Path
) -> None:
    registered = seekers.register(
        world.registry, world.officer_b, seeker_data(centre=world.centre_b)
    )
    rows = [[*GOOD[0][:3], "", *GOOD[0][4:]], [*GOOD[0][:3], "", *GOOD[0][4:-1], "yes"], GOOD[0]]
    with pytest.raises(ImportRejected) as caught:
        imports.import_seekers(world.registry, world.officer_a, write(tmp_path / "s.csv", rows))
    assert [str(p) for p in caught.value.problems] == [
        f"s.csv:2: not_duplicate: likely duplicate (same date of birth, similar name) of a "
        f"seeker of job centre {world.centre_b} (same date of birth, similar name (1.00)): "
        "give yes if this is another person",
        f"s.csv:4: national_id: registered already: a seeker of job centre {world.centre_b} "
        "(same national ID)",
        "s.csv:4: not_duplicate: likely duplicate (same date of birth, similar name) of a seeker"
        f" of job centre {world.centre_b} (same date of birth, similar name (1.00)); line 2; "
        "line 3: give yes if this is another person",
    ]
    assert f"seeker {registered.id}" not in str(caught.value)  # not the officer's centre


def test_an_officer_imports_into_their_own_centres_only(world: World, tmp_path: Path) -> None:
    with pytest.raises(
        ImportRejected,
        match=r"s\.csv:5: centre: job centre REP is not one of "
        "this officer's centres",
    ):
        imports.import_seekers(world.registry, world.officer_a, write(tmp_path / "s.csv", GOOD))
    with pytest.raises(Refused):
        imports.import_seekers(world.registry, world.analyst, write(tmp_path / "s.csv", GOOD))


def test_an_excel_workbook_is_imported_with_its_dates_and_numbers(
    world: World, tmp_path: Path
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([name.upper() for name in HEADER])
    sheet.append(
        [
            "PNH",
            "Chan",
            "Sophea",
            123456789,
            datetime(1998, 4, 12),
            "F",
            "KH-12",
            3,
            "km",
            7531,
            "tailor",
            None,
            None,
            None,
            None,
            "registration",
            datetime(2025, 11, 2, 9, 30),
            None,
        ]
    )
    sheet.append([None] * len(HEADER))
    sheet.append(
        [
            "PNH",
            "Keo",
            "Dara",
            None,
            date(1990, 2, 2),
            "M",
            "KH-8",
            None,
            None,
            8322,
            None,
            None,
            None,
            None,
            None,
            "registration",
            date(2025, 11, 3),
            "no",
        ]
    )
    book.save(tmp_path / "seekers.xlsx")
    report = imports.import_seekers(world.registry, world.admin, tmp_path / "seekers.xlsx")
    first = seekers.read(world.registry, world.admin, report.ids[0])
    assert (first.national_id, first.birth_date, first.education) == (
        "123456789",
        date(1998, 4, 12),
        "3",
    )
    assert first.consent_at is not None and first.consent_at.hour == 9
    assert [o.isco for o in first.occupations] == ["7531"]
    assert report.imported == 2

    sheet.append(
        ["PNH", "Lim", "Bopha", None, "30/01/1995", "F", "KH-12"]
        + [None] * 8
        + ["registration", date(2025, 11, 3), None]
    )
    book.save(tmp_path / "more.xlsx")
    with pytest.raises(ImportRejected, match=r"more\.xlsx:5: birth_date: not a date"):
        imports.import_seekers(world.registry, world.admin, tmp_path / "more.xlsx")


def test_a_failure_midway_leaves_nothing_behind(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*_: object) -> None:
        raise BadInput("the disk is full")

    monkeypatch.setattr(imports, "_log_created", fail)
    with pytest.raises(BadInput, match="disk is full"):
        imports.import_seekers(world.registry, world.admin, write(tmp_path / "s.csv", GOOD))
    assert count(world, seeker_table) == 0


def test_bad_files_are_refused_naming_them(world: World, tmp_path: Path) -> None:
    registry, admin = world.registry, world.admin
    with pytest.raises(NotFound, match="no such file"):
        imports.import_seekers(registry, admin, tmp_path / "missing.csv")
    wrong = write(
        tmp_path / "wrong.csv",
        [],
        ["centre", "given_name", "birth_date", "sex", "area", "consent_purpose", "consent_date"],
    )
    with pytest.raises(
        BadInput,
        match=r"wrong\.csv:1: missing column\(s\) given_names; "
        r"unknown column\(s\) given_name",
    ):
        imports.import_seekers(registry, admin, wrong)
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes(",".join(HEADER).encode() + b"\nPNH,Ch\xe2n\n")
    with pytest.raises(BadInput, match="not UTF-8 text"):
        imports.import_seekers(registry, admin, latin1)
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a workbook")
    with pytest.raises(BadInput, match="not an Excel workbook"):
        imports.import_seekers(registry, admin, fake)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(BadInput, match="the file is empty"):
        imports.import_seekers(registry, admin, empty)
    long_row = write(tmp_path / "long.csv", [[*GOOD[0], "extra"]])
    with pytest.raises(BadInput, match=r"long\.csv:2: the row has 19 fields, the header 18"):
        imports.import_seekers(registry, admin, long_row)


VACANCY_HEADER = [
    "employer_name",
    "employer_registration",
    "employer_isic",
    "centre",
    "title",
    "isco",
    "area",
    "openings",
    "wage_min",
    "wage_max",
    "wage_currency",
    "wage_period",
    "contract",
    "skills",
]


def test_vacancies_are_imported_adding_new_employers(world: World, tmp_path: Path) -> None:
    rows = [
        [
            "Mekong Garments Co., Ltd.",
            "G-1001",
            "",
            "PNH",
            "Sewing machine operator",
            "8153",
            "KH-12",
            "30",
            "204",
            "250",
            "USD",
            "month",
            "fixed-term",
            SKILL,
        ],
        [
            "Tonle Sap Fisheries",
            "",
            "0311",
            "REP",
            "Fish processing worker",
            "7511",
            "KH-17",
            "5",
            "",
            "",
            "",
            "",
            "seasonal",
            "",
        ],
        [
            "tonle sap fisheries",
            "",
            "",
            "REP",
            "Boat driver",
            "8350",
            "KH-17",
            "1",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
    ]
    report = imports.import_vacancies(
        world.registry, world.admin, write(tmp_path / "v.csv", rows, VACANCY_HEADER)
    )
    assert report.imported == 3 and count(world, employers) == 3
    listed = vacancies.search(world.registry, world.admin)
    by_title = {v.title: v for v in listed}
    assert by_title["Sewing machine operator"].employer == world.employer_1_id
    assert by_title["Fish processing worker"].employer == by_title["Boat driver"].employer
    assert by_title["Sewing machine operator"].skills == [SKILL]
    assert [e.detail for e in audit.entries(world.registry, world.admin, action="employer.create")][
        -1
    ] == "imported from line 3"

    bad = [
        [
            "New Co",
            "",
            "",
            "PNH",
            "Cook",
            "5120",
            "KH-12",
            "0",
            "300",
            "200",
            "USD",
            "month",
            "",
            "",
        ],
        [
            "Mekong Garments Co., Ltd.",
            "G-1001",
            "",
            "PNH",
            "",
            "815",
            "KH-99",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
    ]
    with pytest.raises(ImportRejected) as caught:
        imports.import_vacancies(
            world.registry, world.admin, write(tmp_path / "bad.csv", bad, VACANCY_HEADER)
        )
    assert [(p.line, p.field) for p in caught.value.problems] == [
        (2, "employer_isic"),
        (2, "openings"),
        (3, "title"),
        (3, "isco"),
        (3, "area"),
    ]
    with world.registry.engine.connect() as connection:
        assert (
            connection.execute(sa.select(sa.func.count()).select_from(vacancy_table)).scalar_one()
            == 3
        )


def test_centres_and_districts_are_imported(world: World, tmp_path: Path) -> None:
    report = imports.import_centres(
        world.registry,
        world.admin,
        write(
            tmp_path / "c.csv",
            [
                ["BTB", "Battambang job centre", "KH-2"],
                ["PNH", "Again", "KH-12"],
                ["KPT", "Kampot", "KH-77"],
            ],
            ["code", "name", "area"],
        ),
        skip_bad=True,
    )
    assert report.imported == 1
    assert [str(p) for p in report.skipped] == [
        "c.csv:3: code: job centre PNH exists already",
        "c.csv:4: area: 'KH-77' is neither an ISO 3166-2 subdivision of KH nor a district added",
    ]
    districts = write(
        tmp_path / "d.csv",
        [
            ["KH-12-01", "Chamkar Mon", "KH-12"],
            ["KH-12-01-01", "Tonle Basak", "KH-12-01"],
            ["KH-12-09", "x", "KH-99"],
            ["KH-12-01", "Again", "KH-12"],
        ],
        ["code", "name", "parent"],
    )
    with pytest.raises(ImportRejected) as caught:
        imports.import_districts(world.registry, world.admin, districts)
    assert [(p.line, p.field) for p in caught.value.problems] == [(4, "parent"), (5, "code")]
    imports.import_districts(world.registry, world.admin, districts, skip_bad=True)
    with world.registry.engine.connect() as connection:
        assert set(areas.districts(connection)) == {"KH-12-01", "KH-12-01-01"}
    record = seekers.register(
        world.registry, world.admin, seeker_data(centre=world.centre_a, area="KH-12-01-01")
    )
    assert [s.id for s in seekers.search(world.registry, world.admin, area="KH-12")] == [record.id]
    with pytest.raises(Refused):
        imports.import_districts(world.registry, world.officer_a, districts)

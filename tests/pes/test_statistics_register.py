"""Periods on the register rebuilt from what the registry keeps (hires, the audit log's
changes of status, erasure, the record's last change), the codes the statistics count by,
and months; no database needed."""

from __future__ import annotations

from datetime import date

import pytest

from decentwork.errors import BadInput
from decentwork.pes.statistics import codes
from decentwork.pes.statistics.months import Month, months_between, parse_month
from decentwork.pes.statistics.register import Period, Seeker, Vacancy, periods

D = date.fromisoformat


def test_a_seeker_who_leaves_and_returns_twice() -> None:
    found = periods(
        D("2026-01-10"),
        "active",
        hires=[D("2026-03-01")],
        changes=[
            (D("2026-04-02"), "active"),
            (D("2026-05-20"), "inactive"),
            (D("2026-06-01"), "active"),
        ],
        erased_on=None,
        changed_on=D("2026-06-01"),
    )
    assert found == (
        Period(D("2026-01-10"), D("2026-03-01"), placed=True),
        Period(D("2026-04-02"), D("2026-05-20"), returned=True),
        Period(D("2026-06-01"), returned=True),
    )
    seeker = Seeker(1, "SEX_F", None, None, None, "GEO_PES_KH-12", (), found)
    assert seeker.registered(D("2026-02-28")) and not seeker.registered(D("2026-03-01"))
    assert not seeker.registered(D("2026-05-31")) and seeker.registered(D("2026-06-30"))
    assert seeker.spell_start(D("2026-05-01")) == D("2026-04-02")


def test_a_hire_when_inactive_changes_nothing() -> None:
    found = periods(
        D("2026-01-10"),
        "inactive",
        hires=[D("2026-03-01")],
        changes=[(D("2026-02-01"), "inactive")],
        erased_on=None,
        changed_on=D("2026-02-01"),
    )
    assert found == (Period(D("2026-01-10"), D("2026-02-01")),)


def test_a_change_logged_without_its_status_dates_only_the_last_change() -> None:
    found = periods(
        D("2026-01-10"),
        "placed",
        hires=[],
        changes=[(D("2026-02-01"), None), (D("2026-03-15"), None)],
        erased_on=None,
        changed_on=D("2026-03-15"),
    )
    assert found == (Period(D("2026-01-10"), D("2026-03-15"), placed=True),)


def test_an_imported_placed_seeker_leaves_on_the_last_change() -> None:
    found = periods(D("2025-06-01"), "placed", [], [], None, D("2025-09-30"))
    assert found == (Period(D("2025-06-01"), D("2025-09-30"), placed=True),)


def test_an_erasure_ends_an_active_period() -> None:
    found = periods(D("2026-01-10"), "active", [], [], D("2026-02-14"), D("2026-02-14"))
    assert found == (Period(D("2026-01-10"), D("2026-02-14")),)


def test_open_openings_of_a_vacancy_expiring_half_filled() -> None:
    vacancy = Vacancy(
        1,
        "8153",
        "GEO_PES_KH-12",
        "ECO_ISIC4_C",
        4,
        D("2026-10-01"),
        D("2026-10-31"),
        None,
        (D("2026-10-10"), D("2026-10-20")),
    )
    assert [vacancy.open_openings(D(d)) for d in ("2026-09-30", "2026-10-05", "2026-10-15")] == [
        0,
        4,
        3,
    ]
    assert vacancy.open_openings(D("2026-10-31")) == 2
    assert vacancy.open_openings(D("2026-11-01")) == 0
    closed = Vacancy(
        2, "8153", "GEO_PES_KH-12", None, 3, D("2026-10-01"), None, D("2026-10-09"), ()
    )
    assert (closed.open_openings(D("2026-10-08")), closed.open_openings(D("2026-10-09"))) == (3, 0)


def test_codes() -> None:
    assert codes.section("1410") == "ECO_ISIC4_C" and codes.section("99") == "ECO_ISIC4_U"
    assert codes.section("04") is None
    assert (codes.major("2512"), codes.sub_major("2512")) == ("OCU_ISCO08_2", "OCU_ISCO08SUB_25")
    assert (codes.age("15-24"), codes.age("65+"), codes.age("<15")) == (
        "AGE_YTHADULT_Y15-24",
        "AGE_YTHADULT_YGE25",
        None,
    )
    assert (codes.education("X"), codes.education(None)) == ("EDU_ISCED11_X", None)
    assert codes.top_area("KH-12", {}) == "KH-12"
    assert codes.country({"KH-12", "KH-17"}) == "KHM"
    with pytest.raises(BadInput, match="several countries"):
        codes.country({"KH-12", "LA-VT"})


def test_months() -> None:
    assert parse_month("2026-11").time == "2026M11"
    assert (Month(2026, 1).back(1), Month(2026, 12).next()) == (Month(2025, 12), Month(2027, 1))
    assert Month(2024, 2).last == D("2024-02-29")
    assert [m.time for m in months_between(Month(2025, 11), Month(2026, 2))] == [
        "2025M11",
        "2025M12",
        "2026M01",
        "2026M02",
    ]
    for text, message in (("2026-13", "13 is not a month"), ("2026-11-01", "is not a month")):
        with pytest.raises(BadInput, match=message) as raised:
            parse_month(text)
        assert raised.value.parameter == "month"
    with pytest.raises(BadInput, match="in the future"):
        parse_month("2026-12", today=D("2026-11-30"))
    with pytest.raises(BadInput, match="after month"):
        months_between(Month(2026, 3), Month(2026, 2))

"""Validation on write: each entity's fields checked, codes checked against the reference lists
(ISCO-08 unit groups, ISCED 2011, ISIC Rev.4, ESCO v1.1.1 skills, ISO 3166-2 areas and the
districts added, ISO 4217, ISO 639), every problem named by its field, and no personal value
repeated in a message."""

from __future__ import annotations

from typing import Any

import pytest

from decentwork.classifications import FetchError
from decentwork.errors import BadInput
from decentwork.pes.models import (
    CentreIn,
    Checks,
    DistrictIn,
    EmployerIn,
    InvalidRecord,
    SeekerIn,
    UserIn,
    VacancyIn,
    validated,
)
from decentwork.pes.references import References
from tests.pes.conftest import SHARED, SKILL, employer_data, seeker_data, vacancy_data

CHECKS = Checks(References(SHARED), frozenset({"KH-12-01"}))


def problems(model: type, data: dict[str, Any], checks: Checks | None = CHECKS) -> dict[str, str]:
    """The problems of ``data`` as ``model``, by field."""
    with pytest.raises(InvalidRecord) as caught:
        validated(model, data, checks)
    error = caught.value
    assert isinstance(error, BadInput)
    assert error.parameter == error.problems[0].field
    return {p.field: p.message for p in error.problems}


def test_a_valid_seeker_is_accepted_with_its_values_in_their_stored_form() -> None:
    seeker = validated(
        SeekerIn,
        seeker_data(
            centre=1, national_id="0102-030 40", wage_currency="usd", languages=["KM"], area="kh-12"
        ),
        CHECKS,
    )
    assert seeker.national_id == "010203040"
    assert (seeker.wage_currency, seeker.languages, seeker.area) == ("USD", ["km"], "KH-12")
    assert seeker.occupations[0].confirmed is True
    assert seeker.consent.given_at.utcoffset() is not None
    assert seeker.consent.given_at.hour == 2  # 09:30 in Phnom Penh is 02:30 UTC


def test_every_bad_seeker_field_is_named_and_the_value_never_repeated() -> None:
    found = problems(
        SeekerIn,
        seeker_data(
            centre=1,
            given_names="",
            national_id="0102/ABC",
            birth_date="12/04/1998",
            sex="female",
            phone="call me",
            email="sophea.example.org",
            area="KH-99",
            education="10",
            languages=["khmer"],
            occupations=[{"isco": "753", "text": "tailor"}],
            skills=["http://data.europa.eu/esco/skill/not-a-skill"],
            work_history=[{"isco": "9999", "years": -1}],
            wage_period="fortnight",
            consent={"purpose": ""},
            colour="blue",
        ),
    )
    assert set(found) == {
        "given_names",
        "national_id",
        "birth_date",
        "sex",
        "phone",
        "email",
        "area",
        "education",
        "languages[0]",
        "occupations[0].isco",
        "skills[0]",
        "work_history[0].isco",
        "work_history[0].years",
        "wage_period",
        "consent.purpose",
        "consent.given_at",
        "colour",
    }
    assert found["given_names"] == found["consent.given_at"] == "required"
    assert found["colour"] == "unknown field"
    assert "not a date" in found["birth_date"]
    assert "KH-99" in found["area"] and "ISO 3166-2" in found["area"]
    assert "minor group, not a unit group" in found["occupations[0].isco"]
    assert "no code '9999'" in found["work_history[0].isco"]
    assert "ISCED" in found["education"]
    assert "ESCO v1.1.1 has no skill" in found["skills[0]"]
    assert "ISO 639" in found["languages[0]"]
    message = " ".join(found.values())
    for personal in ("0102/ABC", "12/04/1998", "call me", "sophea.example.org"):
        assert personal not in message


def test_a_seeker_must_be_of_working_age_with_a_consistent_wage_and_status() -> None:
    assert (
        "aged 15 to 100"
        in problems(SeekerIn, seeker_data(centre=1, birth_date="2020-01-01"))["birth_date"]
    )
    assert problems(SeekerIn, seeker_data(centre=1, wage_currency=None, wage_period=None)) == {
        "wage_currency": "required with a wage, as is wage_period"
    }
    assert "set by erasing" in problems(SeekerIn, seeker_data(centre=1, status="erased"))["status"]
    assert (
        "in the future"
        in problems(SeekerIn, seeker_data(centre=1, registered_on="2999-01-01"))["registered_on"]
    )
    assert (
        "given twice"
        in problems(
            SeekerIn,
            seeker_data(
                centre=1, occupations=[{"isco": "7531"}, {"isco": "7531", "text": "dressmaker"}]
            ),
        )["occupations"]
    )


def test_areas_are_iso_subdivisions_or_the_districts_added() -> None:
    for area in ("KH-12", "LA-VT", "KH-12-01"):
        assert validated(SeekerIn, seeker_data(centre=1, area=area), CHECKS).area == area
    assert "KH-12-02" in problems(SeekerIn, seeker_data(centre=1, area="KH-12-02"))["area"]
    assert (
        "not an area code" in problems(SeekerIn, seeker_data(centre=1, area="Phnom Penh"))["area"]
    )


def test_without_checks_only_the_shape_is_checked() -> None:
    seeker = validated(SeekerIn, seeker_data(centre=1, area="KH-99", education="99"), None)
    assert seeker.area == "KH-99"
    assert problems(SeekerIn, seeker_data(centre=1, birth_date="yesterday"), None) == {
        "birth_date": "not a date (expected YYYY-MM-DD)"
    }


def test_esco_skills_need_the_esco_file(tmp_path: Any) -> None:
    checks = Checks(References(tmp_path))
    with pytest.raises(FetchError, match=r"esco/v1\.1\.1"):
        validated(
            SeekerIn,
            seeker_data(centre=1, skills=[SKILL], occupations=[], work_history=[], education=None),
            checks,
        )


def test_employers_are_validated_field_by_field() -> None:
    assert validated(EmployerIn, employer_data(), CHECKS).isic == "1410"
    found = problems(
        EmployerIn,
        employer_data(name=" ", isic="Z", registration_number="#1", email="x", area="KH"),
    )
    assert set(found) == {"name", "isic", "registration_number", "email", "area"}
    assert "ISIC Rev.4" in found["isic"]
    assert "section" in problems(EmployerIn, employer_data(isic="C"))["isic"]


def test_vacancies_are_validated_field_by_field() -> None:
    vacancy = validated(VacancyIn, vacancy_data(1, 1), CHECKS)
    assert (vacancy.openings, vacancy.contract.value) == (20, "fixed-term")
    found = problems(
        VacancyIn,
        vacancy_data(
            1,
            1,
            title="",
            isco="81",
            openings=0,
            contract="forever",
            wage_max=100,
            expires_on="2000-01-01",
        ),
    )
    assert set(found) == {"title", "isco", "openings", "contract"}
    assert problems(VacancyIn, vacancy_data(1, 1, wage_max=100)) == {"wage_max": "below wage_min"}
    assert problems(VacancyIn, vacancy_data(1, 1, expires_on="2000-01-01")) == {
        "expires_on": "before posted_on"
    }
    assert problems(VacancyIn, vacancy_data(1, 1, wage_period=None)) == {
        "wage_period": "required with a wage"
    }


def test_centres_districts_and_users_are_validated() -> None:
    assert (
        validated(CentreIn, {"code": "PNH-1", "name": "Phnom Penh", "area": "KH-12"}, CHECKS).code
        == "PNH-1"
    )
    assert set(problems(CentreIn, {"code": "a b", "name": "", "area": "XX-1"})) == {
        "code",
        "name",
        "area",
    }
    district = validated(
        DistrictIn, {"code": "kh-12-02", "name": "Chamkar Mon", "parent": "KH-12"}, CHECKS
    )
    assert district.code == "KH-12-02"
    assert (
        "country of its parent"
        in problems(DistrictIn, {"code": "LA-VT-01", "name": "x", "parent": "KH-12"})["code"]
    )
    assert (
        "subdivision already"
        in problems(DistrictIn, {"code": "KH-17", "name": "x", "parent": "KH-12"})["code"]
    )
    assert (
        "KH-12-09"
        in problems(DistrictIn, {"code": "KH-12-09-1", "name": "x", "parent": "KH-12-09"})["parent"]
    )
    assert problems(
        UserIn, {"username": "officer", "role": "officer", "password": "long enough pass"}
    ) == {"centres": "an officer needs at least one job centre"}
    assert problems(
        UserIn, {"username": "boss", "role": "employer", "password": "long enough pass"}
    ) == {"employer": "an employer user needs its employer"}
    assert (
        "only officers"
        in problems(
            UserIn,
            {"username": "ana", "role": "analyst", "password": "long enough pass", "centres": [1]},
        )["centres"]
    )
    found = problems(UserIn, {"username": "Bad Name", "role": "root", "password": "short"})
    assert set(found) == {"username", "role", "password"}
    assert "short" not in " ".join(found.values())


@pytest.mark.parametrize("number", [0, -3, 2**63, 10**30])
def test_record_ids_outside_a_database_key_are_bad_input(number: int) -> None:
    assert "centre" in problems(SeekerIn, seeker_data(centre=number))
    assert {"employer", "centre"} <= set(problems(VacancyIn, vacancy_data(number, number)))
    assert "centres" in str(
        problems(
            UserIn,
            {
                "username": "o",
                "role": "officer",
                "password": "long enough pass",
                "centres": [1, number],
            },
        )
    )

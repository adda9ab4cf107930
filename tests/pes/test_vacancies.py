"""Employers and vacancies through the service: adding, listing, searching and changing them
with optimistic locking, and the audit entries of their changes."""

from __future__ import annotations

import pytest

from decentwork.errors import BadInput, Conflict
from decentwork.pes import audit, employers, vacancies
from decentwork.pes.models import InvalidRecord
from tests.pes.conftest import OTHER_SKILL, SKILL, World, employer_data, vacancy_data


def test_employers_are_added_listed_and_changed_once_per_version(world: World) -> None:
    registry = world.registry
    added = employers.add_employer(
        registry,
        world.officer_a,
        employer_data(name="Phnom Penh Logistics", registration_number="L-3003", isic="5229"),
    )
    assert [
        e.name for e in employers.list_employers(registry, world.officer_b, name="LOGISTICS")
    ] == [added.name]
    assert len(employers.list_employers(registry, world.admin)) == 3
    with pytest.raises(Conflict, match="G-1001 belong to another employer"):
        employers.add_employer(registry, world.admin, employer_data(name="Copy"))
    changed = employers.update_employer(
        registry, world.officer_a, added.id, 1, {"phone": "023 999 888"}
    )
    assert (changed.version, changed.phone) == (2, "023 999 888")
    with pytest.raises(Conflict, match=f"employer {added.id} was changed by someone else"):
        employers.update_employer(registry, world.officer_b, added.id, 1, {"name": "Other"})
    with pytest.raises(Conflict, match="belongs to another employer"):
        employers.update_employer(
            registry, world.admin, added.id, 2, {"registration_number": "G-1001"}
        )
    with pytest.raises(InvalidRecord, match="isic"):
        employers.update_employer(registry, world.admin, added.id, 2, {"isic": "99999"})
    own = employers.update_employer(
        registry, world.employer_1, world.employer_1_id, 1, {"contact_name": "Sophal Chea"}
    )
    assert own.contact_name == "Sophal Chea"
    assert employers.read_employer(registry, world.employer_1, world.employer_1_id).version == 2
    with pytest.raises(BadInput):
        employers.list_employers(registry, world.admin, limit=0)
    entry = audit.entries(registry, world.admin, action="employer.update")[-1]
    assert (entry.record_id, entry.detail, entry.role) == (
        world.employer_1_id,
        "fields: contact_name",
        "employer",
    )


def test_vacancies_are_posted_searched_and_changed_once_per_version(world: World) -> None:
    registry, officer = world.registry, world.officer_a
    sewing = vacancies.post(registry, officer, vacancy_data(world.employer_1_id, world.centre_a))
    driver = vacancies.post(
        registry,
        officer,
        vacancy_data(
            world.employer_2_id,
            world.centre_a,
            title="Delivery driver",
            isco="8322",
            area="KH-8",
            skills=[],
            wage_min=None,
            wage_max=None,
            wage_currency=None,
            wage_period=None,
            contract="casual",
        ),
    )
    assert sewing.skills == [SKILL] and sewing.wage_currency == "USD"

    def titles(**filters: object) -> list[str]:
        found = vacancies.search(registry, officer, **filters)  # type: ignore[arg-type]
        return [v.title for v in found]

    assert titles(title="sewing OPERATORS") == [sewing.title]
    assert titles(occupation="83") == ["Delivery driver"]
    assert titles(area="KH-8") == ["Delivery driver"] and titles(employer=world.employer_1_id) == [
        sewing.title
    ]
    assert titles(status="filled") == []
    for bad in ({"status": "gone"}, {"occupation": "x"}, {"limit": 501}):
        with pytest.raises(BadInput):
            vacancies.search(registry, officer, **bad)  # type: ignore[arg-type]

    changed = vacancies.update(
        registry, officer, sewing.id, 1, {"status": "filled", "skills": [OTHER_SKILL, SKILL]}
    )
    assert (changed.version, changed.status, changed.skills) == (
        2,
        "filled",
        sorted([OTHER_SKILL, SKILL]),
    )
    assert vacancies.read(registry, world.admin, sewing.id).skills == changed.skills
    with pytest.raises(Conflict, match=f"vacancy {sewing.id} was changed by someone else"):
        vacancies.update(registry, world.admin, sewing.id, 1, {"openings": 3})
    with pytest.raises(InvalidRecord, match="wage_max: below wage_min"):
        vacancies.update(registry, officer, sewing.id, 2, {"wage_max": 1})
    with pytest.raises(BadInput, match="no employer 99"):
        vacancies.post(registry, world.admin, vacancy_data(99, world.centre_a))
    assert driver.version == 1
    assert [
        e.action for e in audit.entries(registry, world.admin, kind="vacancy", record=sewing.id)
    ] == ["vacancy.create", "vacancy.update", "vacancy.read", "vacancy.update", "vacancy.update"]

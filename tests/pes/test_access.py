"""Permissions of every role at the service layer: an officer of centre A cannot list, read,
export or change a seeker of centre B, also by guessing ids; an employer sees only its own
vacancies; an analyst gets counts and never a person; a disabled user stops working at once;
only administrators manage users, centres, erasure and the audit log."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa

from decentwork.errors import NotFound, Refused
from decentwork.pes import (
    accounts,
    aggregates,
    audit,
    centres,
    employers,
    rights,
    seekers,
    vacancies,
)
from decentwork.pes.access import Actor
from decentwork.pes.tables import audit_log
from tests.pes.conftest import World, employer_data, seeker_data, vacancy_data


def seeker_operations(world: World, seeker_id: int) -> dict[str, Callable[[Actor], Any]]:
    """Every operation on one seeker, by name."""
    registry = world.registry
    return {
        "read": lambda actor: seekers.read(registry, actor, seeker_id),
        "update": lambda actor: seekers.update(registry, actor, seeker_id, 1, {"phone": None}),
        "export": lambda actor: rights.person_export(registry, actor, seeker_id),
    }


def test_an_officer_cannot_see_or_touch_a_seeker_of_another_centre(world: World) -> None:
    registry = world.registry
    theirs = seekers.register(registry, world.officer_b, seeker_data(centre=world.centre_b))
    for name, operation in seeker_operations(world, theirs.id).items():
        with pytest.raises(NotFound) as caught:
            operation(world.officer_a)
        # exactly what a seeker that does not exist gives: existence does not leak
        with pytest.raises(NotFound) as missing:
            seeker_operations(world, theirs.id + 1000)[name](world.officer_a)
        assert str(caught.value) == f"no seeker {theirs.id}", name
        assert str(missing.value) == f"no seeker {theirs.id + 1000}", name
    assert seekers.search(registry, world.officer_a) == []
    assert seekers.search(registry, world.officer_a, centre=world.centre_b) == []
    assert seekers.search(registry, world.officer_a, national_id=theirs.national_id) == []
    assert [s.id for s in seekers.search(registry, world.officer_b)] == [theirs.id]
    with pytest.raises(Refused, match="not one of this officer's centres"):
        seekers.register(
            registry, world.officer_a, seeker_data(centre=world.centre_b, national_id=None)
        )
    with pytest.raises(Refused, match="may not erase"):
        rights.person_erase(registry, world.officer_b, theirs.id)
    # the officer of centre B moves nobody to centre A... nor A's officer to B
    with pytest.raises(Refused):
        seekers.update(registry, world.officer_b, theirs.id, 1, {"centre": world.centre_a})
    assert seekers.read(registry, world.officer_b, theirs.id).version == 1
    with registry.engine.connect() as connection:
        probes = connection.execute(
            sa.select(audit_log.c.action, audit_log.c.record_id, audit_log.c.outcome).where(
                audit_log.c.user_id == world.officer_a.user_id, audit_log.c.outcome == "not found"
            )
        ).all()
    assert ("seeker.read", theirs.id, "not found") in probes
    assert ("seeker.read", theirs.id + 1000, "not found") in probes


def test_an_officer_with_two_centres_sees_both(world: World) -> None:
    registry = world.registry
    both = accounts.add_user(
        registry,
        world.admin,
        {
            "username": "officer.ab",
            "role": "officer",
            "password": "a long password",
            "centres": [world.centre_a, world.centre_b],
        },
    )
    assert both.centres == (world.centre_a, world.centre_b)
    seekers.register(registry, world.officer_a, seeker_data(centre=world.centre_a))
    seekers.register(
        registry,
        world.officer_b,
        seeker_data(centre=world.centre_b, national_id=None, given_names="Dara", family_name="Keo"),
    )
    assert len(seekers.search(registry, world.actor("officer.ab"))) == 2


@pytest.mark.parametrize("role", ["employer_1", "analyst"])
def test_employers_and_analysts_see_no_person(world: World, role: str) -> None:
    record = seekers.register(world.registry, world.admin, seeker_data(centre=world.centre_a))
    actor = getattr(world, role)
    for operation in seeker_operations(world, record.id).values():
        with pytest.raises(Refused, match="may not see job seekers"):
            operation(actor)
    with pytest.raises(Refused):
        seekers.search(world.registry, actor)
    with pytest.raises(Refused):
        seekers.register(
            world.registry, actor, seeker_data(centre=world.centre_a, national_id=None)
        )


def test_an_analyst_gets_counts_never_a_name(world: World) -> None:
    registry = world.registry
    seekers.register(registry, world.admin, seeker_data(centre=world.centre_a))
    seekers.register(
        registry,
        world.admin,
        seeker_data(
            centre=world.centre_b,
            national_id=None,
            sex="M",
            given_names="Dara",
            family_name="Keo",
            birth_date="1970-05-05",
        ),
    )
    vacancies.post(registry, world.admin, vacancy_data(world.employer_1_id, world.centre_a))
    counts = aggregates.seeker_counts(registry, world.analyst, by=["centre", "sex", "age_band"])
    assert counts == [
        {"centre": world.centre_a, "sex": "F", "age_band": "25-34", "seekers": 1},
        {"centre": world.centre_b, "sex": "M", "age_band": "55-64", "seekers": 1},
    ]
    assert "Keo" not in repr(counts) and "ចាន់" not in repr(counts)
    assert aggregates.vacancy_counts(registry, world.analyst, by=["isco"]) == [
        {"isco": "8153", "vacancies": 1, "openings": 20}
    ]
    with pytest.raises(Refused):
        vacancies.search(registry, world.analyst)
    for actor in (world.officer_a, world.employer_1):
        with pytest.raises(Refused):
            aggregates.seeker_counts(registry, actor)
    with pytest.raises(ValueError, match="cannot count by given_names"):
        aggregates.seeker_counts(registry, world.analyst, by=["given_names"])


def test_an_employer_sees_and_changes_only_its_own_vacancies(world: World) -> None:
    registry = world.registry
    own = vacancies.post(
        registry, world.employer_1, vacancy_data(world.employer_1_id, world.centre_a)
    )
    other = vacancies.post(
        registry,
        world.officer_b,
        vacancy_data(
            world.employer_2_id, world.centre_b, title="Housekeepers", isco="9112", area="KH-17"
        ),
    )
    assert [v.id for v in vacancies.search(registry, world.employer_1)] == [own.id]
    assert [v.id for v in vacancies.search(registry, world.employer_2)] == [other.id]
    assert vacancies.read(registry, world.employer_1, own.id).title == own.title
    for operation in (
        lambda: vacancies.read(registry, world.employer_1, other.id),
        lambda: vacancies.update(registry, world.employer_1, other.id, 1, {"openings": 1}),
        lambda: employers.read_employer(registry, world.employer_1, world.employer_2_id),
    ):
        with pytest.raises(NotFound):
            operation()
    with pytest.raises(Refused, match="its own employer only"):
        vacancies.post(
            registry, world.employer_1, vacancy_data(world.employer_2_id, world.centre_a)
        )
    with pytest.raises(Refused, match="its own employer only"):
        vacancies.update(registry, world.employer_1, own.id, 1, {"employer": world.employer_2_id})
    assert vacancies.update(registry, world.employer_1, own.id, 1, {"openings": 5}).openings == 5
    # officers see their centres' vacancies
    assert [v.id for v in vacancies.search(registry, world.officer_a)] == [own.id]
    with pytest.raises(NotFound):
        vacancies.read(registry, world.officer_a, other.id)
    assert {v.id for v in vacancies.search(registry, world.admin)} == {own.id, other.id}


def test_only_administrators_manage_users_centres_and_the_audit_log(world: World) -> None:
    registry = world.registry
    for actor in (world.officer_a, world.employer_1, world.analyst):
        for operation in (
            lambda a: accounts.add_user(
                registry, a, {"username": "x1", "role": "analyst", "password": "long enough 1"}
            ),
            lambda a: accounts.list_users(registry, a),
            lambda a: accounts.set_disabled(registry, a, "officer.b"),
            lambda a: centres.add_centre(registry, a, {"code": "X", "name": "X", "area": "KH-1"}),
            lambda a: audit.entries(registry, a),
        ):
            with pytest.raises(Refused):
                operation(actor)
    with pytest.raises(Refused):
        employers.add_employer(registry, world.analyst, employer_data(registration_number=None))
    assert [c.code for c in centres.list_centres(registry, world.analyst)] == ["PNH", "REP"]


def test_a_disabled_user_stops_working_at_once(world: World) -> None:
    registry = world.registry
    record = seekers.register(registry, world.officer_a, seeker_data(centre=world.centre_a))
    officer = world.officer_a  # an actor the interface holds
    accounts.set_disabled(registry, world.admin, "officer.a")
    for operation in seeker_operations(world, record.id).values():
        with pytest.raises(Refused, match="disabled"):
            operation(officer)
    with pytest.raises(Refused, match="disabled"):
        seekers.search(registry, officer)
    with pytest.raises(Refused, match="disabled"):
        centres.list_centres(registry, officer)
    accounts.set_disabled(registry, world.admin, "officer.a", disabled=False)
    assert seekers.read(registry, officer, record.id).id == record.id
    with pytest.raises(Refused, match="cannot disable themselves"):
        accounts.set_disabled(registry, world.admin, "admin")


def test_a_change_of_centres_takes_effect_at_once(world: World) -> None:
    registry = world.registry
    record = seekers.register(registry, world.officer_a, seeker_data(centre=world.centre_a))
    officer = world.officer_a
    with registry.engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE user_centres SET centre_id = :b WHERE user_id = :u"),
            {"b": world.centre_b, "u": officer.user_id},
        )
    with pytest.raises(NotFound):
        seekers.read(registry, officer, record.id)

"""Job seekers through the service: registration, reading, searching and changing, with
duplicate detection, optimistic locking and the audit log."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from decentwork.errors import BadInput, Conflict
from decentwork.pes import audit, seekers
from decentwork.pes.duplicates import LikelyDuplicate
from decentwork.pes.models import InvalidRecord
from decentwork.pes.tables import audit_log
from tests.pes.conftest import World, seeker_data


def log(world: World) -> list[tuple[str | None, str, str | None, int | None, str]]:
    """The audit log as (role, action, kind, record, outcome), oldest first."""
    with world.registry.engine.connect() as connection:
        return [
            tuple(r)
            for r in connection.execute(
                sa.select(
                    audit_log.c.role,
                    audit_log.c.action,
                    audit_log.c.record_kind,
                    audit_log.c.record_id,
                    audit_log.c.outcome,
                ).order_by(audit_log.c.id)
            )
        ]


def test_an_officer_registers_reads_and_changes_a_seeker_of_their_centre(world: World) -> None:
    officer = world.officer_a
    record = seekers.register(world.registry, officer, seeker_data(centre=world.centre_a))
    assert (record.version, record.status, record.centre) == (1, "active", world.centre_a)
    assert record.age_band == "25-34" and record.languages == ["km", "en"]
    assert record.occupations[0].confirmed_by == officer.user_id
    assert record.occupations[0].text == "ជាងកាត់ដេរ (tailor)"
    assert seekers.read(world.registry, officer, record.id) == record
    changed = seekers.update(
        world.registry, officer, record.id, 1, {"phone": "+855 99 000 111", "status": "placed"}
    )
    assert (changed.version, changed.phone, changed.status) == (2, "+855 99 000 111", "placed")
    assert changed.occupations == record.occupations  # the confirmation is kept
    assert log(world)[-3:] == [
        ("officer", "seeker.create", "seeker", record.id, "ok"),
        ("officer", "seeker.read", "seeker", record.id, "ok"),
        ("officer", "seeker.update", "seeker", record.id, "ok"),
    ]
    entry = audit.entries(world.registry, world.admin, action="seeker.update")[-1]
    assert entry.detail == "fields: phone, status (placed)"
    assert entry.interface == "web" and entry.at.tzinfo is not None


def test_a_stale_version_is_refused_naming_the_record_and_nothing_changes(world: World) -> None:
    record = seekers.register(world.registry, world.officer_a, seeker_data(centre=world.centre_a))
    seekers.update(world.registry, world.officer_a, record.id, 1, {"phone": "012 111 222"})
    with pytest.raises(
        Conflict, match=f"seeker {record.id} was changed by someone else after version 1 was read"
    ) as caught:
        seekers.update(world.registry, world.admin, record.id, 1, {"email": "x@example.org"})
    assert caught.value.parameter == "version" and caught.value.expected == "2"
    now = seekers.read(world.registry, world.admin, record.id)
    assert (now.version, now.email, now.phone) == (2, "sophea@example.org", "012 111 222")
    assert log(world)[-2][1:] == ("seeker.update", "seeker", record.id, "conflict")


def test_a_bad_registration_is_refused_naming_fields_and_leaves_nothing(world: World) -> None:
    with pytest.raises(InvalidRecord) as caught:
        seekers.register(
            world.registry,
            world.officer_a,
            seeker_data(centre=world.centre_a, sex="X", occupations=[{"isco": "0000"}]),
        )
    assert [p.field for p in caught.value.problems] == ["sex", "occupations[0].isco"]
    with pytest.raises(BadInput, match="no job centre 99"):
        seekers.register(world.registry, world.admin, seeker_data(centre=99))
    assert seekers.search(world.registry, world.admin) == []
    assert [row[-1] for row in log(world)[-3:]] == ["bad input", "bad input", "ok"]


def test_the_same_national_id_is_never_registered_twice(world: World) -> None:
    first = seekers.register(world.registry, world.officer_a, seeker_data(centre=world.centre_a))
    other = seeker_data(
        centre=world.centre_a,
        family_name="Sok",
        given_names="Dara",
        birth_date="1980-01-01",
        national_id="010-203-040",
    )
    with pytest.raises(
        LikelyDuplicate, match=f"seeker {first.id} \\(same national ID\\)"
    ) as caught:
        seekers.register(world.registry, world.officer_a, other, confirm_not_duplicate=True)
    assert caught.value.parameter == "national_id" and not caught.value.confirmable
    second = seekers.register(world.registry, world.officer_a, {**other, "national_id": None})
    with pytest.raises(LikelyDuplicate):
        seekers.update(world.registry, world.officer_a, second.id, 1, {"national_id": "010203040"})


@pytest.mark.parametrize(
    ("family", "given"),
    [
        ("ចាន់", "សុភា"),  # the same
        ("  ចាន់ ", "សុ\u200bភា"),  # spaces and a zero-width space
        ("សុភា", "ចាន់"),  # family and given names swapped
        ("ចាន", "សុភា"),  # a sign missing
    ],
)
def test_a_similar_khmer_name_born_the_same_day_is_a_candidate(
    world: World, family: str, given: str
) -> None:
    first = seekers.register(world.registry, world.officer_a, seeker_data(centre=world.centre_a))
    again = seeker_data(
        centre=world.centre_b, national_id=None, family_name=family, given_names=given
    )
    with pytest.raises(LikelyDuplicate) as caught:
        seekers.register(world.registry, world.officer_b, again)
    (candidate,) = caught.value.candidates
    # the officer of centre B is told of a seeker of centre A, not which one
    assert (candidate.seeker_id, candidate.centre) == (None, world.centre_a)
    assert "similar name" in candidate.reason and caught.value.confirmable
    assert f"seeker {first.id}" not in str(caught.value)
    confirmed = seekers.register(world.registry, world.officer_b, again, confirm_not_duplicate=True)
    assert confirmed.id != first.id


def test_a_similar_latin_name_is_a_candidate_and_another_name_is_not(world: World) -> None:
    first = seekers.register(
        world.registry,
        world.admin,
        seeker_data(
            centre=world.centre_a, family_name="Nguyễn", given_names="Văn An", national_id=None
        ),
    )
    with pytest.raises(LikelyDuplicate) as caught:
        seekers.register(
            world.registry,
            world.admin,
            seeker_data(
                centre=world.centre_a, family_name="NGUYEN", given_names="Van-An", national_id=None
            ),
        )
    assert caught.value.candidates[0].seeker_id == first.id
    assert caught.value.candidates[0].similarity == 1.0
    other = seekers.register(
        world.registry,
        world.admin,
        seeker_data(
            centre=world.centre_a, family_name="Tran", given_names="Thi Mai", national_id=None
        ),
    )
    assert other.id != first.id
    later = seekers.register(
        world.registry,
        world.admin,
        seeker_data(
            centre=world.centre_a,
            family_name="Nguyen",
            given_names="Van An",
            national_id=None,
            birth_date="1998-04-13",
        ),
    )
    assert later.id not in (first.id, other.id)


def test_search_by_name_in_any_script_national_id_occupation_area_and_status(world: World) -> None:
    registry, officer = world.registry, world.officer_a
    sophea = seekers.register(registry, officer, seeker_data(centre=world.centre_a))
    dara = seekers.register(
        registry,
        officer,
        seeker_data(
            centre=world.centre_a,
            family_name="Keo",
            given_names="Dara",
            national_id="N123456",
            birth_date="1990-02-02",
            area="KH-8",
            occupations=[{"isco": "8322", "text": "driver"}],
        ),
    )

    def ids(**filters: object) -> list[int]:
        found = seekers.search(registry, officer, **filters)  # type: ignore[arg-type]
        return [s.id for s in found]

    assert ids(name="សុភា") == [sophea.id]
    assert ids(name="ស្រីមុំ") == []
    assert ids(name="ចាន់ សុភា") == [sophea.id] == ids(name="សុភា ចាន់")
    assert ids(name="dara KEO") == [dara.id] == ids(name="keo")
    assert ids(national_id="n 123-456") == [dara.id]
    assert ids(occupation="83") == [dara.id] and ids(occupation="7531") == [sophea.id]
    assert ids(area="KH-8") == [dara.id]
    assert set(ids(status="active")) == {sophea.id, dara.id}
    assert ids(status="placed") == []
    assert ids(name="100%") == []
    summary = seekers.search(registry, officer, name="keo")[0]
    assert summary.occupations == ["8322"] and summary.given_names == "Dara"
    for bad in (
        {"occupation": "83a"},
        {"status": "gone"},
        {"limit": 0},
        {"offset": -1},
        {"national_id": "#"},
    ):
        with pytest.raises(BadInput):
            seekers.search(registry, officer, **bad)  # type: ignore[arg-type]
    entry = audit.entries(registry, world.admin, action="seeker.list")[-1]
    assert entry.detail == "1 results; filters: name"

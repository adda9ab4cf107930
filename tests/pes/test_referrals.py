"""Referrals and placements through the service: an officer refers a seeker to a vacancy, the
employer or officer records the outcome; a hire fills an opening (the vacancy is filled when
none is left) and places the seeker; who may see and do what; the audit log; on SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from decentwork.errors import BadInput, Conflict, NotFound, Refused
from decentwork.pes import audit, referrals, rights, seekers, vacancies
from decentwork.pes.records import SeekerRecord, VacancyRecord
from decentwork.pes.referrals import Outcome
from tests.pes.conftest import World, seeker_data, vacancy_data


def seeker(world: World, number: int, centre: int | None = None) -> SeekerRecord:
    """A distinct seeker of centre A (or ``centre``)."""
    return seekers.register(
        world.registry,
        world.admin,
        seeker_data(
            centre=centre or world.centre_a,
            national_id=f"KH{number:07d}",
            given_names=f"Seeker {number}",
            birth_date=f"{1980 + number}-01-01",
        ),
    )


def vacancy(
    world: World,
    openings: int = 2,
    employer: int | None = None,
    centre: int | None = None,
    **changes: object,
) -> VacancyRecord:
    return vacancies.post(
        world.registry,
        world.admin,
        vacancy_data(
            employer or world.employer_1_id, centre or world.centre_a, openings=openings, **changes
        ),
    )


def test_a_hire_fills_an_opening_places_the_seeker_and_closes_a_full_vacancy(world: World) -> None:
    registry, officer = world.registry, world.officer_a
    job = vacancy(world, openings=2)
    first, second = seeker(world, 1), seeker(world, 2)
    referred = referrals.refer(registry, officer, first.id, job.id, source="match", score=0.8125)
    assert (referred.status, referred.source, float(referred.score or 0)) == (
        "referred",
        "match",
        0.8125,
    )
    assert (referred.seeker_name, referred.vacancy_title) == ("Seeker 1 ចាន់", job.title)
    hired = referrals.record_outcome(
        registry,
        world.employer_1,
        referred.id,
        1,
        "hired",
        starts_on=date.today() + timedelta(days=7),
    )
    assert (hired.status, hired.version, hired.outcome_by) == ("hired", 2, world.employer_1.user_id)
    assert hired.outcome_on == registry.clock().date()
    assert seekers.read(registry, officer, first.id).status == "placed"
    half = vacancies.read(registry, officer, job.id)
    assert (half.filled, half.status, half.version) == (1, "open", 2)

    other = referrals.refer(registry, officer, second.id, job.id)
    referrals.record_outcome(registry, officer, other.id, 1, Outcome.HIRED)
    full = vacancies.read(registry, officer, job.id)
    assert (full.filled, full.status) == (2, "filled")
    with pytest.raises(Conflict, match=f"vacancy {job.id} is filled"):
        referrals.refer(registry, officer, seeker(world, 3).id, job.id)
    assert [
        (e.action, e.record_id, e.outcome)
        for e in audit.entries(registry, world.admin, kind="vacancy", record=job.id)
    ][-4:] == [
        ("vacancy.update", job.id, "ok"),
        ("vacancy.read", job.id, "ok"),
        ("vacancy.update", job.id, "ok"),
        ("vacancy.read", job.id, "ok"),
    ]
    entry = audit.entries(registry, world.admin, action="referral.outcome")[-1]
    assert entry.detail == (f"hired: vacancy {job.id}: 2 of 2 filled; seeker {second.id} placed")
    placed = audit.entries(registry, world.admin, kind="seeker", record=first.id)[-2]
    assert (placed.action, placed.role) == ("seeker.update", "employer")
    assert placed.detail == f"fields: status (placed; referral {referred.id})"


def test_other_outcomes_leave_the_seeker_active_and_are_final(world: World) -> None:
    registry, officer = world.registry, world.officer_a
    job, person = vacancy(world), seeker(world, 1)
    for outcome in ("not selected", "did not attend", "withdrawn"):
        made = referrals.refer(registry, officer, person.id, job.id)
        done = referrals.record_outcome(
            registry, officer, made.id, 1, outcome, on=registry.clock().date()
        )
        assert done.status == outcome
        with pytest.raises(Conflict, match=f"referral {made.id} has its outcome already"):
            referrals.record_outcome(registry, officer, made.id, 2, "hired")
    assert seekers.read(registry, officer, person.id).status == "active"
    assert vacancies.read(registry, officer, job.id).filled == 0
    assert [r.status for r in referrals.referrals(registry, officer, seeker=person.id)] == [
        "withdrawn",
        "did not attend",
        "not selected",
    ]


def test_bad_referrals_and_outcomes_are_refused_naming_why(world: World) -> None:
    registry, officer = world.registry, world.officer_a
    job, person = vacancy(world), seeker(world, 1)
    made = referrals.refer(registry, officer, person.id, job.id)
    with pytest.raises(
        Conflict,
        match=f"seeker {person.id} is referred to vacancy {job.id} already \\(referral {made.id}",
    ):
        referrals.refer(registry, officer, person.id, job.id)
    for bad, parameter in (({"score": 1.5}, "score"), ({"source": "phone"}, "source")):
        with pytest.raises(BadInput) as caught:
            referrals.refer(registry, officer, person.id, job.id, **bad)  # type: ignore[arg-type]
        assert caught.value.parameter == parameter
    with pytest.raises(BadInput, match="outcome 'married'") as outcome:
        referrals.record_outcome(registry, officer, made.id, 1, "married")
    assert outcome.value.parameter == "outcome"
    today = registry.clock().date()
    for changes, parameter in (
        ({"on": today + timedelta(days=1)}, "on"),
        ({"on": today - timedelta(days=5)}, "on"),
        ({"starts_on": today - timedelta(days=1)}, "starts_on"),
    ):
        with pytest.raises(BadInput) as dated:
            referrals.record_outcome(registry, officer, made.id, 1, "hired", **changes)  # type: ignore[arg-type]
        assert dated.value.parameter == parameter
    with pytest.raises(BadInput, match="starts_on is for a hire"):
        referrals.record_outcome(registry, officer, made.id, 1, "withdrawn", starts_on=today)
    with pytest.raises(Conflict, match=f"referral {made.id} was changed by someone else"):
        referrals.record_outcome(registry, officer, made.id, 3, "withdrawn")
    assert referrals.read_referral(registry, officer, made.id).status == "referred"

    inactive = seeker(world, 2)
    seekers.update(registry, officer, inactive.id, 1, {"status": "inactive"})
    with pytest.raises(Conflict, match=f"seeker {inactive.id} is inactive"):
        referrals.refer(registry, officer, inactive.id, job.id)
    expired = vacancy(
        world,
        posted_on=(today - timedelta(days=40)).isoformat(),
        expires_on=(today - timedelta(days=1)).isoformat(),
    )
    with pytest.raises(Conflict, match=f"vacancy {expired.id} expired on"):
        referrals.refer(registry, officer, person.id, expired.id)
    closed = vacancy(world, status="closed")
    with pytest.raises(Conflict, match=f"vacancy {closed.id} is closed"):
        referrals.refer(registry, officer, person.id, closed.id)
    with pytest.raises(BadInput, match="status 'done'"):
        referrals.referrals(registry, officer, status="done")


def test_who_may_see_and_record_referrals(world: World) -> None:
    registry = world.registry
    own, others = vacancy(world), vacancy(world, employer=world.employer_2_id)
    person, far = seeker(world, 1), seeker(world, 2, centre=world.centre_b)
    to_own = referrals.refer(registry, world.officer_a, person.id, own.id)
    to_others = referrals.refer(registry, world.admin, person.id, others.id)
    far_away = referrals.refer(registry, world.admin, far.id, own.id)

    def seen(actor: object, **filters: object) -> list[int]:
        return [r.id for r in referrals.referrals(registry, actor, **filters)]  # type: ignore[arg-type]

    assert seen(world.admin) == [far_away.id, to_others.id, to_own.id]
    assert seen(world.officer_a) == [to_others.id, to_own.id]
    assert seen(world.officer_b) == [far_away.id]
    assert seen(world.employer_1) == [far_away.id, to_own.id]
    assert seen(world.employer_2) == [to_others.id]
    assert seen(world.admin, centre=world.centre_b) == [far_away.id]
    assert seen(world.admin, vacancy=own.id, status="referred") == [far_away.id, to_own.id]
    # another employer's referral is "not found", exactly as one that does not exist
    for actor, referral in (
        (world.employer_2, to_own),
        (world.officer_b, to_own),
        (world.officer_a, far_away),
    ):
        with pytest.raises(NotFound, match=f"no referral {referral.id}$"):
            referrals.read_referral(registry, actor, referral.id)
        with pytest.raises(NotFound, match=f"no referral {referral.id}$"):
            referrals.record_outcome(registry, actor, referral.id, 1, "not selected")
    with pytest.raises(NotFound, match=r"no referral 999$"):
        referrals.read_referral(registry, world.employer_1, 999)
    with pytest.raises(Refused, match="an analyst may not see referrals"):
        referrals.referrals(registry, world.analyst)
    with pytest.raises(Refused, match="an employer may not refer"):
        referrals.refer(registry, world.employer_1, person.id, own.id)
    # an officer refers only seekers and to vacancies they may see
    with pytest.raises(NotFound, match=f"no seeker {far.id}$"):
        referrals.refer(registry, world.officer_a, far.id, own.id)
    theirs = vacancy(world, centre=world.centre_b)
    with pytest.raises(NotFound, match=f"no vacancy {theirs.id}$"):
        referrals.refer(registry, world.officer_a, person.id, theirs.id)
    assert (
        referrals.record_outcome(registry, world.employer_1, to_own.id, 1, "not selected").status
        == "not selected"
    )
    entries = audit.entries(registry, world.admin, action="referral.list")
    assert entries[0].detail == "3 results; filters: none"
    assert [e.outcome for e in audit.entries(registry, world.admin, action="referral.read")][
        :2
    ] == ["not found", "not found"]


def test_a_person_export_holds_their_referrals_and_erasure_keeps_them(world: World) -> None:
    registry = world.registry
    job, person = vacancy(world), seeker(world, 1)
    made = referrals.refer(registry, world.officer_a, person.id, job.id)
    exported = rights.person_export(registry, world.admin, person.id)
    assert [(r["id"], r["vacancy"], r["status"]) for r in exported["referrals"]] == [
        (made.id, job.id, "referred")
    ]
    rights.person_erase(registry, world.admin, person.id)
    kept = referrals.read_referral(registry, world.admin, made.id)
    assert (kept.seeker, kept.status, kept.seeker_name) == (person.id, "referred", "")

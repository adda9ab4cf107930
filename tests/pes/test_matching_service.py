"""Matching through the service on SQLite and PostgreSQL: a vacancy's best seekers and a
seeker's best vacancies with their explanations, only among the records the actor may see;
the hard filters (expired, filled and closed vacancies, placed and inactive seekers, other
centres' records); the index following the changes; the filters; the batch mode; the log."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import pytest

from decentwork.errors import BadInput, Conflict, NotFound, Refused
from decentwork.pes import audit, referrals, rights, seekers, vacancies
from decentwork.pes.matching.service import (
    MatchFilters,
    best_seekers,
    best_vacancies,
    write_every_seeker,
)
from decentwork.pes.matching.weights import Factor
from decentwork.pes.records import SeekerRecord, VacancyRecord
from tests.pes.conftest import OTHER_SKILL, SKILL, World, seeker_data, vacancy_data


def seeker(
    world: World, number: int, isco: str, *, centre: int | None = None, **changes: object
) -> SeekerRecord:
    """A distinct seeker wanting ``isco`` ("sewing machinist"), registered by the
    administrator."""
    return seekers.register(
        world.registry,
        world.admin,
        seeker_data(
            centre=centre or world.centre_a,
            national_id=f"KH{number:07d}",
            given_names=f"Seeker {number}",
            birth_date=f"{1980 + number}-01-01",
            occupations=[{"isco": isco, "text": "sewing machinist"}],
            work_history=[],
            **changes,
        ),
    )


def vacancy(world: World, *, centre: int | None = None, **changes: object) -> VacancyRecord:
    return vacancies.post(
        world.registry,
        world.admin,
        vacancy_data(world.employer_1_id, centre or world.centre_a, **changes),
    )


def test_a_vacancy_gets_the_seekers_the_officer_may_see_best_first_explained(world: World) -> None:
    registry = world.registry
    job = vacancy(world)  # 8153, requires SKILL
    same = seeker(world, 1, "8153")
    sibling = seeker(world, 2, "8154", skills=[OTHER_SKILL])
    far = seeker(world, 3, "2512", skills=[OTHER_SKILL])
    elsewhere = seeker(world, 4, "8153", centre=world.centre_b)
    found = best_seekers(registry, world.officer_a, job.id)
    assert [m.seeker.id for m in found] == [same.id, sibling.id, far.id]
    assert found[0].seeker.given_names == "Seeker 1" and found[0].referral is None
    for match in found:
        assert sum(f.contribution for f in match.factors) == pytest.approx(match.score, abs=1e-12)
        assert [f.factor for f in match.factors] == list(Factor)
    assert found[0].skill_gap == [] and [g.uri for g in found[1].skill_gap] == [SKILL]
    assert found[1].skill_gap[0].label == "manage musical staff"
    occupation = found[1].factors[0]
    assert occupation.detail["shared"] == "minor group"
    assert occupation.detail["seeker_occupation"] == "8154"
    everyone = best_seekers(registry, world.admin, job.id, k=2)
    assert [m.seeker.id for m in everyone] == sorted([same.id, elsewhere.id])
    entry = audit.entries(registry, world.admin, action="match.seekers")[0]
    assert (entry.record_kind, entry.record_id, entry.detail) == (
        "vacancy",
        job.id,
        "3 seekers; filters: none",
    )
    referrals.refer(
        registry, world.officer_a, sibling.id, job.id, source="match", score=found[1].score
    )
    again = best_seekers(registry, world.officer_a, job.id)
    assert [m.referral for m in again] == [None, "referred", None]
    unreferred = best_seekers(
        registry, world.officer_a, job.id, filters=MatchFilters(unreferred=True)
    )
    assert [m.seeker.id for m in unreferred] == [same.id, far.id]


def test_a_seeker_gets_the_open_vacancies_the_officer_may_see(world: World) -> None:
    registry, today = world.registry, date.today()
    person = seeker(world, 1, "8153", skills=[SKILL])
    sewing = vacancy(world)
    driver = vacancy(world, title="Delivery driver", isco="8322", skills=[], area="KH-8")
    vacancy(world, status="closed")
    vacancy(
        world,
        posted_on=(today - timedelta(days=60)).isoformat(),
        expires_on=(today - timedelta(days=1)).isoformat(),
    )
    vacancy(world, centre=world.centre_b)
    found = best_vacancies(registry, world.officer_a, person.id)
    assert [m.vacancy.id for m in found] == [sewing.id, driver.id]
    assert found[0].score > found[1].score and found[0].skill_gap == []
    assert found[1].factors[1].detail["source"] == "ESCO"
    assert found[1].factors[2].detail["tier"] == "elsewhere"
    assert [
        m.vacancy.id
        for m in best_vacancies(
            registry, world.officer_a, person.id, filters=MatchFilters(area="KH-8")
        )
    ] == [driver.id]
    assert len(best_vacancies(registry, world.admin, person.id)) == 3
    assert (
        best_vacancies(
            registry, world.admin, person.id, filters=MatchFilters(centre=world.centre_b)
        )[0].vacancy.centre
        == world.centre_b
    )
    assert (
        best_vacancies(
            registry, world.officer_a, person.id, filters=MatchFilters(centre=world.centre_b)
        )
        == []
    )


def test_hard_filters_refuse_what_is_not_matched(world: World) -> None:
    registry, today = world.registry, date.today()
    closed = vacancy(world, status="closed")
    expired = vacancy(
        world,
        posted_on=(today - timedelta(days=60)).isoformat(),
        expires_on=(today - timedelta(days=1)).isoformat(),
    )
    with pytest.raises(Conflict, match=f"vacancy {closed.id} is closed"):
        best_seekers(registry, world.officer_a, closed.id)
    with pytest.raises(Conflict, match=f"vacancy {expired.id} expired on"):
        best_seekers(registry, world.officer_a, expired.id)
    job = vacancy(world, openings=1)
    hired, other = seeker(world, 1, "8153"), seeker(world, 2, "8153")
    assert {m.seeker.id for m in best_seekers(registry, world.admin, job.id)} == {
        hired.id,
        other.id,
    }
    referral = referrals.refer(registry, world.officer_a, hired.id, job.id)
    referrals.record_outcome(registry, world.employer_1, referral.id, 1, "hired")
    with pytest.raises(Conflict, match=f"vacancy {job.id} is filled"):
        best_seekers(registry, world.officer_a, job.id)
    with pytest.raises(Conflict, match=f"seeker {hired.id} is placed"):
        best_vacancies(registry, world.officer_a, hired.id)
    fresh = vacancy(world)
    assert [m.seeker.id for m in best_seekers(registry, world.admin, fresh.id)] == [other.id]
    seekers.update(registry, world.admin, other.id, 1, {"status": "inactive"})
    assert best_seekers(registry, world.admin, fresh.id) == []
    rights.person_erase(registry, world.admin, other.id)
    assert best_seekers(registry, world.admin, fresh.id) == []


def test_the_index_follows_changes_to_seekers_and_vacancies(world: World) -> None:
    registry = world.registry
    job = vacancy(world)
    first = seeker(world, 1, "2512", skills=[OTHER_SKILL])
    assert [m.seeker.id for m in best_seekers(registry, world.admin, job.id)] == [first.id]
    second = seeker(world, 2, "8153", skills=[OTHER_SKILL])
    assert [m.seeker.id for m in best_seekers(registry, world.admin, job.id)] == [
        second.id,
        first.id,
    ]
    seekers.update(
        registry,
        world.admin,
        first.id,
        1,
        {"occupations": [{"isco": "8153", "text": "sewing machinist"}], "skills": [SKILL]},
    )
    assert [m.seeker.id for m in best_seekers(registry, world.admin, job.id)] == [
        first.id,
        second.id,
    ]
    vacancies.update(registry, world.admin, job.id, 1, {"skills": [OTHER_SKILL]})
    assert [m.seeker.id for m in best_seekers(registry, world.admin, job.id)] == [
        second.id,
        first.id,
    ]
    vacancies.update(registry, world.admin, job.id, 2, {"status": "closed"})
    assert best_vacancies(registry, world.admin, first.id) == []


def test_who_may_match(world: World) -> None:
    registry = world.registry
    job, person = vacancy(world), seeker(world, 1, "8153")
    for actor, role in ((world.employer_1, "an employer"), (world.analyst, "an analyst")):
        with pytest.raises(Refused, match=f"{role} may not match job seekers"):
            best_seekers(registry, actor, job.id)
        with pytest.raises(Refused, match=f"{role} may not match job seekers"):
            best_vacancies(registry, actor, person.id)
    with pytest.raises(NotFound, match=f"no vacancy {job.id}$"):
        best_seekers(registry, world.officer_b, job.id)
    with pytest.raises(NotFound, match=f"no seeker {person.id}$"):
        best_vacancies(registry, world.officer_b, person.id)
    with pytest.raises(NotFound, match=r"no vacancy 999$"):
        best_seekers(registry, world.admin, 999)
    for k in (0, 501):
        with pytest.raises(BadInput, match=f"k {k} is not between 1 and 500") as caught:
            best_seekers(registry, world.admin, job.id, k=k)
        assert caught.value.parameter == "k"
    assert [e.outcome for e in audit.entries(registry, world.admin, action="match")][:3] == [
        "refused",
        "refused",
        "refused",
    ]


def test_the_batch_writes_every_active_seekers_best_vacancies(world: World, tmp_path: Path) -> None:
    registry = world.registry
    sewing = vacancy(world)
    driver = vacancy(world, title="Delivery driver", isco="8322", skills=[])
    people = [
        seeker(world, 1, "8153"),
        seeker(world, 2, "8322", skills=[OTHER_SKILL]),
        seeker(world, 3, "2512"),
    ]
    out = tmp_path / "batch.csv"
    progress: list[tuple[int, int]] = []
    assert (
        write_every_seeker(
            registry, world.admin, out, k=1, on_progress=lambda *done: progress.append(done)
        )
        == 3
    )
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(int(r["seeker"]), r["rank"], int(r["vacancy"])) for r in rows][:2] == [
        (people[0].id, "1", sewing.id),
        (people[1].id, "1", driver.id),
    ]
    single = best_vacancies(registry, world.admin, people[2].id, k=1)[0]
    assert (int(rows[2]["vacancy"]), float(rows[2]["score"])) == (
        single.vacancy.id,
        pytest.approx(single.score, abs=1e-6),
    )
    assert progress[-1] == (3, 3)
    with pytest.raises(Refused, match="an officer may not match every job seeker"):
        write_every_seeker(registry, world.officer_a, out)
    with pytest.raises(BadInput, match="cannot be written") as caught:
        write_every_seeker(registry, world.admin, tmp_path / "no" / "such" / "folder.csv")
    assert caught.value.parameter == "out"
    assert (
        audit.entries(registry, world.admin, action="match.batch")[0].detail == "3 seekers, top 1"
    )

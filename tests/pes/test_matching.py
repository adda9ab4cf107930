"""Matching on constructed cases, with the index built from facts (no database): the ISCO-08
hierarchy's tiers, ESCO's essential skills and the skill gap, location tiers, wage,
education, experience and availability, missing data lowering the confidence and named, the
explanation, and the batch mode."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import pytest

from decentwork.pes.matching.batch import every_seeker
from decentwork.pes.matching.explanation import FactorScore, Missing, factors, skill_gap
from decentwork.pes.matching.factors import evaluate
from decentwork.pes.matching.facts import SeekerFacts, VacancyFacts
from decentwork.pes.matching.index import MatchIndex
from decentwork.pes.matching.profiles import SkillProfiles, skill_profiles
from decentwork.pes.matching.queries import Memo
from decentwork.pes.matching.ranking import Scope
from decentwork.pes.matching.weights import Factor, Weights, bundled_weights
from tests.pes.conftest import OTHER_SKILL, SHARED, SKILL

TODAY = date(2026, 3, 2)
WEIGHTS = bundled_weights()


@pytest.fixture(scope="module")
def profiles() -> SkillProfiles:
    return skill_profiles(SHARED, WEIGHTS.skills.essential_share)


def seeker(
    id: int = 1,
    *,
    occupations: tuple[str, ...] = ("8153",),
    text: str = "sewing machine operator",
    **changes: Any,
) -> SeekerFacts:
    """A seeker wanting ``occupations``, everything else a good match for :func:`vacancy`."""
    facts = SeekerFacts(
        id=id,
        version=1,
        centre=1,
        area="KH-12",
        education="3",
        willing_to_move=None,
        available_from=TODAY,
        expected_wage=250.0,
        wage_currency="USD",
        wage_period="month",
        occupations=tuple((code, text) for code in occupations),
        jobs=(("8153", 2.0),),
        skills=(SKILL,),
    )
    return replace(facts, **changes)


def vacancy(id: int = 1, **changes: Any) -> VacancyFacts:
    """A sewing machine operator's vacancy in Phnom Penh requiring :data:`SKILL`."""
    facts = VacancyFacts(
        id=id,
        version=1,
        centre=1,
        employer=1,
        area="KH-12",
        isco="8153",
        title="Sewing machine operators",
        education="2",
        experience_years=1.0,
        wage_min=200.0,
        wage_max=260.0,
        wage_currency="USD",
        wage_period="month",
        starts_on=None,
        expires_on=TODAY + timedelta(days=30),
        skills=(SKILL,),
    )
    return replace(facts, **changes)


def index(
    seekers: list[SeekerFacts],
    vacancies: list[VacancyFacts],
    districts: dict[str, str] | None = None,
) -> MatchIndex:
    return MatchIndex(seekers, vacancies, districts or {}, datetime.now(UTC))


def ranked(
    seekers: list[SeekerFacts],
    job: VacancyFacts,
    profiles: SkillProfiles,
    weights: Weights = WEIGHTS,
    districts: dict[str, str] | None = None,
    k: int = 50,
) -> list[tuple[int, float, float]]:
    """The seekers ranked for ``job``: (id, score, confidence), best first."""
    _, hits = index(seekers, [job], districts).best_seekers(
        job.id, k, weights, profiles, Scope(TODAY.toordinal())
    )
    return [(hit.id, hit.score, hit.confidence) for hit in hits]


def explained(
    person: SeekerFacts,
    job: VacancyFacts,
    profiles: SkillProfiles,
    weights: Weights = WEIGHTS,
    districts: dict[str, str] | None = None,
) -> tuple[float, float, dict[Factor, FactorScore]]:
    """The score, confidence and factors of one pair, as the explanation gives them."""
    built = index([person], [job], districts)
    query, hits = built.best_seekers(job.id, 1, weights, profiles, Scope(TODAY.toordinal()))
    pairs = query.pairs(built.seekers.large, np.array([hits[0].row]))
    found = evaluate(pairs, weights)
    codes = built.seekers.large.occupations(hits[0].row)
    return (
        float(found.score[0]),
        float(found.confidence[0]),
        {f.factor: f for f in factors(pairs, found, 0, weights, codes, int(job.isco))},
    )


def test_the_closer_in_isco_08_the_better(profiles: SkillProfiles) -> None:
    people = [
        seeker(1, occupations=("2512",)),
        seeker(2, occupations=("8211",)),
        seeker(3, occupations=("8160",)),
        seeker(4, occupations=("8154",)),
        seeker(5, occupations=("8153",)),
    ]
    people = [replace(p, jobs=()) for p in people]
    found = ranked(people, vacancy(), profiles)
    assert [i for i, _, _ in found] == [5, 4, 3, 2, 1]
    assert all(a[1] > b[1] for a, b in itertools.pairwise(found))
    tiers = [
        explained(p, vacancy(), profiles)[2][Factor.OCCUPATION].detail["shared"] for p in people
    ]
    assert tiers == ["none", "major group", "sub-major group", "minor group", "unit group"]
    # past occupations count by their years (fully from full_years on)
    veteran = seeker(6, occupations=("2512",), jobs=(("8153", 3.0),))
    novice = seeker(7, occupations=("2512",), jobs=(("8153", 0.5),))
    assert [i for i, _, _ in ranked([novice, veteran], vacancy(), profiles)] == [6, 7]


def test_essential_skills_of_the_unit_group_when_the_vacancy_requires_none(
    profiles: SkillProfiles,
) -> None:
    essential = tuple(sorted(profiles.essential["8153"]))
    job = vacancy(skills=())
    skilled = seeker(1, skills=essential)
    unskilled = seeker(2, skills=(OTHER_SKILL,))
    assert [i for i, _, _ in ranked([unskilled, skilled], job, profiles)] == [1, 2]
    _, _, listed = explained(unskilled, job, profiles)
    assert listed[Factor.SKILLS].detail == {
        "source": "ESCO",
        "has": 0.0,
        "of": float(len(essential)),
    }
    assert [gap.uri for gap in skill_gap([], essential, [OTHER_SKILL], {})] == sorted(essential)
    assert skill_gap([], essential, essential, {}) == []
    # with required skills, the share of them the seeker has; the gap is what they lack
    job = vacancy(skills=(SKILL, OTHER_SKILL))
    both, one = seeker(1, skills=(SKILL, OTHER_SKILL)), seeker(2, skills=(SKILL,))
    assert [i for i, _, _ in ranked([one, both], job, profiles)] == [1, 2]
    assert explained(one, job, profiles)[2][Factor.SKILLS].value == 0.5
    assert [
        g.uri for g in skill_gap([SKILL, OTHER_SKILL], essential, [SKILL], {OTHER_SKILL: "x"})
    ] == [OTHER_SKILL]


def test_location_tiers(profiles: SkillProfiles) -> None:
    districts = {"KH-12-01": "KH-12", "KH-12-02": "KH-12"}
    job = vacancy(area="KH-12-01")
    people = [
        seeker(1, area="KH-17"),
        seeker(2, area="KH-17", willing_to_move=True),
        seeker(3, area="KH-12-02"),
        seeker(4, area="KH-12-01"),
        seeker(5, area="KH-17", willing_to_move=False),
    ]
    assert [i for i, _, _ in ranked(people, job, profiles, districts=districts)] == [4, 3, 2, 1, 5]
    values = {
        p.id: explained(p, job, profiles, districts=districts)[2][Factor.LOCATION] for p in people
    }
    assert [(values[i].value, values[i].detail["tier"]) for i in (4, 3, 2, 1)] == [
        (1.0, "same area"),
        (0.6, "same province"),
        (0.4, "willing to move"),
        (0.0, "elsewhere"),
    ]


def test_wage_and_education_fit(profiles: SkillProfiles) -> None:
    job = vacancy()  # up to 260 USD a month, ISCED 2 at least

    def value(factor: Factor, **changes: Any) -> float | None:
        return explained(seeker(**changes), job, profiles)[2][factor].value

    assert value(Factor.WAGE, expected_wage=250.0) == 1.0
    assert value(Factor.WAGE, expected_wage=325.0) == pytest.approx(0.5)
    assert value(Factor.WAGE, expected_wage=400.0) == 0.0
    assert value(Factor.WAGE, wage_currency="KHR") is None
    assert value(Factor.WAGE, wage_period="day") is None
    assert [value(Factor.EDUCATION, education=level) for level in ("6", "2", "1", "0", "X")] == [
        1.0,
        1.0,
        0.5,
        0.0,
        0.0,
    ]
    assert value(Factor.EDUCATION, education="9") is None
    cheap, dear = seeker(1, expected_wage=200.0), seeker(2, expected_wage=390.0)
    assert [i for i, _, _ in ranked([dear, cheap], job, profiles)] == [1, 2]
    low, high = seeker(1, education="1"), seeker(2, education="3")
    assert [i for i, _, _ in ranked([low, high], job, profiles)] == [2, 1]


def test_experience_and_availability(profiles: SkillProfiles) -> None:
    job = vacancy(experience_years=2.0, starts_on=TODAY + timedelta(days=10))

    def value(factor: Factor, **changes: Any) -> float | None:
        return explained(seeker(**changes), job, profiles)[2][factor].value

    assert value(Factor.EXPERIENCE, jobs=(("8153", 3.0),)) == 1.0
    assert value(Factor.EXPERIENCE, jobs=(("8153", 1.0),)) == 0.5
    assert value(Factor.EXPERIENCE, jobs=(("8154", 2.0),)) == 0.5  # minor group, half
    assert value(Factor.EXPERIENCE, jobs=(("2512", 9.0),)) == 0.0
    assert value(Factor.EXPERIENCE, jobs=()) == 0.0
    assert (
        explained(seeker(), replace(job, experience_years=None), profiles)[2][
            Factor.EXPERIENCE
        ].missing
        == Missing.VACANCY
    )
    assert value(Factor.AVAILABILITY, available_from=TODAY) == 1.0
    assert value(Factor.AVAILABILITY, available_from=TODAY + timedelta(days=40)) == 0.5
    assert value(Factor.AVAILABILITY, available_from=TODAY + timedelta(days=90)) == 0.0
    assert value(Factor.AVAILABILITY, available_from=None) is None


def test_missing_data_lower_the_confidence_and_are_named(profiles: SkillProfiles) -> None:
    full = seeker()
    sparse = seeker(education=None, expected_wage=None, wage_currency=None, wage_period=None)
    score, confidence, listed = explained(sparse, vacancy(), profiles)
    assert explained(full, vacancy(), profiles)[1] == 1.0
    assert confidence == pytest.approx(1 - 0.10 - 0.05)
    missing = {f: s.missing for f, s in listed.items() if s.value is None}
    assert missing == {Factor.EDUCATION: Missing.SEEKER, Factor.WAGE: Missing.SEEKER}
    assert listed[Factor.EDUCATION].contribution == 0 == listed[Factor.WAGE].share
    # the score is the weighted mean of the factors with data: neither match nor mismatch
    present = [s for s in listed.values() if s.value is not None]
    assert score == pytest.approx(
        sum(s.weight * (s.value or 0) for s in present) / sum(s.weight for s in present)
    )
    assert sum(s.contribution for s in listed.values()) == pytest.approx(score, abs=1e-12)
    assert sum(s.share for s in present) == pytest.approx(1)
    nothing = seeker(occupations=(), jobs=(), skills=())
    _, _, listed = explained(nothing, vacancy(skills=(), isco="6310"), profiles)
    assert listed[Factor.OCCUPATION].missing == Missing.SEEKER
    assert listed[Factor.SKILLS].missing == Missing.BOTH  # none; ESCO has none for 6310
    different = seeker(wage_currency="KHR")
    assert explained(different, vacancy(), profiles)[2][Factor.WAGE].missing == Missing.INCOMPARABLE


def test_hard_filters_of_the_index(profiles: SkillProfiles) -> None:
    built = index(
        [seeker(1, centre=1), seeker(2, centre=2), seeker(3, area="KH-17")],
        [
            vacancy(1),
            vacancy(2, expires_on=TODAY - timedelta(days=1)),
            vacancy(3, centre=2),
            vacancy(4, expires_on=None),
        ],
    )
    scope = Scope(TODAY.toordinal())

    def seekers_of(**limits: Any) -> list[int]:
        return [
            h.id for h in built.best_seekers(1, 10, WEIGHTS, profiles, replace(scope, **limits))[1]
        ]

    def vacancies_of(**limits: Any) -> list[int]:
        return sorted(
            h.id
            for h in built.best_vacancies(1, 10, WEIGHTS, profiles, replace(scope, **limits))[1]
        )

    assert vacancies_of() == [1, 3, 4]  # 2 has expired; 4 never expires
    assert vacancies_of(centres=frozenset({1})) == [1, 4]
    assert seekers_of(centres=frozenset({2})) == [2]
    assert seekers_of(areas=built.area_numbers("KH-17")) == [3]
    assert seekers_of(excluded=frozenset({1, 3})) == [2]
    built.update_seekers([2], [])
    assert seekers_of() == [1, 3]
    built.update_seekers([3], [seeker(3, area="KH-12")])
    assert seekers_of(areas=built.area_numbers("KH-12")) == [1, 3]
    assert built.seeker(2) is None and built.seeker(3) is not None


def test_small_segments_are_merged_and_the_ranking_spans_them(profiles: SkillProfiles) -> None:
    built = index([seeker(i, occupations=("2512",)) for i in range(1, 6)], [vacancy()])
    for number in range(6, 13):
        built.update_seekers([number - 5], [seeker(number)])
    assert len(built.seekers.segments()) <= 5 and len(built) == 5
    assert [
        h.id for h in built.best_seekers(1, 3, WEIGHTS, profiles, Scope(TODAY.toordinal()))[1]
    ] == [8, 9, 10]


def test_the_batch_gives_every_seeker_their_best_vacancies(profiles: SkillProfiles) -> None:
    built = index(
        [
            seeker(1),
            seeker(2, occupations=("8322",), text="driver", jobs=(), skills=(OTHER_SKILL,)),
        ],
        [vacancy(1), vacancy(2, isco="8322", title="Delivery driver", skills=())],
    )
    for processes in (1, 2):  # the same on one process or several
        batch = every_seeker(built, 1, WEIGHTS, profiles, Scope(TODAY.toordinal()), processes)
        assert sorted((seeker_id, [h.id for h in hits]) for seeker_id, hits in batch) == [
            (1, [1]),
            (2, [2]),
        ]


def test_the_memo_keeps_what_was_used_last_within_its_limit() -> None:
    memo = Memo(limit=4)
    computed: list[str] = []

    def value(name: str) -> Callable[[], np.ndarray]:
        def compute() -> np.ndarray:
            computed.append(name)
            return np.full(2, len(computed), dtype=float)

        return compute

    first = memo.get(("a",), value("a"))
    memo.get(("b",), value("b"))
    assert memo.get(("a",), value("a again")) is first  # kept, and now the most recent
    memo.get(("c",), value("c"))  # 6 values: "b", the least recently used, goes
    memo.get(("a",), value("a again"))
    memo.get(("b",), value("b again"))
    assert computed == ["a", "b", "c", "b again"] and memo.size == 4

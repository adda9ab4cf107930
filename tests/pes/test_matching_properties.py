"""Metamorphic properties of the matching score (Hypothesis): adding a required skill the
seeker has never lowers the score; moving the seeker's occupation further away in ISCO-08
never raises it; a weight set to zero removes exactly that factor's contribution; the
explanation's contributions add up to the score; and the index's top k is exactly the top k
of scoring every record, in both directions."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from unittest.mock import patch

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from decentwork.pes.matching import ranking
from decentwork.pes.matching.batch import every_seeker
from decentwork.pes.matching.factors import evaluate
from decentwork.pes.matching.facts import SeekerFacts, VacancyFacts
from decentwork.pes.matching.profiles import skill_profiles
from decentwork.pes.matching.queries import SeekerQuery, VacancyQuery
from decentwork.pes.matching.ranking import Scope
from decentwork.pes.matching.segments import Segment
from decentwork.pes.matching.weights import Factor, Weights
from tests.pes.conftest import SHARED
from tests.pes.test_matching import TODAY, WEIGHTS, explained, index, seeker, vacancy

PROFILES = skill_profiles(SHARED, WEIGHTS.skills.essential_share)
UNITS = ["8153", "8154", "8152", "8160", "8211", "8322", "7531", "2512", "5120", "6310"]
SKILLS = sorted(
    {
        uri
        for code in ("8153", "8322", "7531")
        for uri in sorted(PROFILES.essential[code])[:4] + sorted(PROFILES.optional[code])[:2]
    }
)
DISTRICTS = {"KH-12-01": "KH-12"}
SETTINGS = settings(max_examples=60, deadline=None)

codes = st.sampled_from(UNITS)
skill_sets = st.lists(st.sampled_from(SKILLS), max_size=6, unique=True).map(tuple)
days = st.one_of(st.none(), st.integers(-30, 120).map(lambda n: TODAY + timedelta(days=n)))
wages = st.one_of(st.none(), st.floats(0, 2000, allow_nan=False))
levels = st.sampled_from([None, "X", "0", "1", "2", "3", "5", "6", "8", "9"])
areas = st.sampled_from(["KH-12", "KH-12-01", "KH-17", "KH-8"])


@st.composite
def seekers(draw: st.DrawFn, id: int = 1) -> SeekerFacts:
    wage = draw(wages)
    return seeker(
        id,
        occupations=tuple(draw(st.lists(codes, max_size=3, unique=True))),
        text=draw(st.sampled_from(["", "sewing machinist", "driver", "tailor"])),
        jobs=tuple(
            draw(st.lists(st.tuples(codes, st.one_of(st.none(), st.floats(0, 20))), max_size=3))
        ),
        skills=draw(skill_sets),
        area=draw(areas),
        education=draw(levels),
        willing_to_move=draw(st.sampled_from([None, True, False])),
        available_from=draw(days),
        expected_wage=wage,
        wage_currency=None if wage is None else draw(st.sampled_from(["USD", "KHR"])),
        wage_period=None if wage is None else draw(st.sampled_from(["month", "day"])),
    )


@st.composite
def vacancies(draw: st.DrawFn, id: int = 1) -> VacancyFacts:
    low = draw(wages)
    high = None if low is None else draw(st.one_of(st.none(), st.floats(low, 3000)))
    return vacancy(
        id,
        isco=draw(codes),
        title=draw(st.sampled_from(["Sewing machinist", "Driver"])),
        skills=draw(skill_sets),
        area=draw(areas),
        education=draw(levels),
        experience_years=draw(st.one_of(st.none(), st.floats(0, 10))),
        wage_min=low,
        wage_max=high,
        wage_currency=None if low is None else draw(st.sampled_from(["USD", "KHR"])),
        wage_period=None if low is None else draw(st.sampled_from(["month", "day"])),
        starts_on=draw(days),
    )


def score(person: SeekerFacts, job: VacancyFacts, weights: Weights = WEIGHTS) -> float:
    return explained(person, job, PROFILES, weights, DISTRICTS)[0]


@SETTINGS
@given(seekers(), vacancies(), st.data())
def test_adding_a_required_skill_the_seeker_has_never_lowers_the_score(
    person: SeekerFacts, job: VacancyFacts, data: st.DataObject
) -> None:
    has = [uri for uri in person.skills if uri not in job.skills]
    if not has:
        return
    added = replace(job, skills=(*job.skills, data.draw(st.sampled_from(has))))
    assert score(person, added) >= score(person, job) - 1e-12


def _farther(code: str, target: str, data: st.DataObject) -> str:
    """A code sharing with ``target`` no more leading digits than ``code`` does."""
    shared = next((i for i in range(4) if code[i] != target[i]), 4)
    keep = data.draw(st.integers(0, shared))
    if keep == 4:
        return code
    other = data.draw(st.sampled_from([d for d in "0123456789" if d != target[keep]]))
    rest = data.draw(st.text("0123456789", min_size=3 - keep, max_size=3 - keep))
    return target[:keep] + other + rest


@SETTINGS
@given(seekers(), vacancies(), st.data())
def test_moving_the_occupation_further_away_never_raises_the_score(
    person: SeekerFacts, job: VacancyFacts, data: st.DataObject
) -> None:
    wanted, jobs = list(person.occupations), list(person.jobs)
    if not wanted and not jobs:
        return
    target = job.isco
    if wanted and (not jobs or data.draw(st.booleans())):
        i = data.draw(st.integers(0, len(wanted) - 1))
        wanted[i] = (_farther(wanted[i][0], target, data), wanted[i][1])
    else:
        i = data.draw(st.integers(0, len(jobs) - 1))
        jobs[i] = (_farther(jobs[i][0], target, data), jobs[i][1])
    moved = replace(person, occupations=tuple(wanted), jobs=tuple(jobs))
    assert score(moved, job) <= score(person, job) + 1e-12


@SETTINGS
@given(seekers(), vacancies(), st.sampled_from(list(Factor)))
def test_a_zero_weight_removes_exactly_that_factors_contribution(
    person: SeekerFacts, job: VacancyFacts, factor: Factor
) -> None:
    zero = WEIGHTS.with_weight(factor, 0)
    before = explained(person, job, PROFILES, WEIGHTS, DISTRICTS)
    after = explained(person, job, PROFILES, zero, DISTRICTS)
    assert after[2][factor].contribution == 0.0 and after[2][factor].share == 0.0
    others = [f for f in Factor if f != factor and before[2][f].value is not None]
    weighed = sum(WEIGHTS.weights.of(f) for f in others)
    expected = (
        sum(WEIGHTS.weights.of(f) * (before[2][f].value or 0) for f in others) / weighed
        if weighed
        else 0.0
    )
    assert abs(after[0] - expected) < 1e-12
    for other in others:
        assert after[2][other].value == before[2][other].value


@SETTINGS
@given(seekers(), vacancies())
def test_the_contributions_add_up_to_the_score(person: SeekerFacts, job: VacancyFacts) -> None:
    total, confidence, listed = explained(person, job, PROFILES, WEIGHTS, DISTRICTS)
    assert 0 <= total <= 1 and 0 <= confidence <= 1
    assert abs(sum(f.contribution for f in listed.values()) - total) < 1e-12
    assert all(f.value is None or 0 <= f.value <= 1 for f in listed.values())
    assert [f for f, s in listed.items() if s.value is None] == [
        f for f, s in listed.items() if s.missing is not None
    ]


def _brute_force(query: VacancyQuery | SeekerQuery, segment: Segment, k: int) -> list[int]:
    """The best ``k`` of scoring every record of ``segment``."""
    rows = np.arange(len(segment))
    found = evaluate(query.pairs(segment, rows), WEIGHTS)  # type: ignore[arg-type]
    ids = segment.ids
    current = segment.current(rows, TODAY.toordinal())
    order = np.lexsort((ids, -found.confidence, -found.score))
    return [int(ids[i]) for i in order if current[i]][:k]


@pytest.mark.parametrize("batch", [1, 7, ranking.BATCH])
@settings(max_examples=100, deadline=None)
@given(
    people=st.lists(seekers(), min_size=1, max_size=30),
    jobs=st.lists(vacancies(), min_size=1, max_size=10),
    k=st.integers(1, 8),
    hint=st.one_of(st.none(), st.floats(0, 1)),
)
def test_the_index_ranks_exactly_as_scoring_every_record(
    batch: int, people: list[SeekerFacts], jobs: list[VacancyFacts], k: int, hint: float | None
) -> None:
    people = [replace(p, id=i) for i, p in enumerate(people, start=1)]
    jobs = [replace(j, id=i) for i, j in enumerate(jobs, start=1)]
    built = index(people, jobs, DISTRICTS)
    scope = Scope(TODAY.toordinal())
    with (
        patch.object(ranking, "BATCH", batch),
        patch.object(ranking, "PROBE", batch),
    ):  # stages scored one by one, or a few at once
        for job in jobs:
            by_vacancy, hits = built.best_seekers(job.id, k, WEIGHTS, PROFILES, scope)
            assert [h.id for h in hits] == _brute_force(by_vacancy, built.seekers.large, k)
        for person in people:
            by_seeker, hits = built.best_vacancies(person.id, k, WEIGHTS, PROFILES, scope)
            expected = _brute_force(by_seeker, built.vacancies.large, k)
            assert [h.id for h in hits] == expected
            # a guess of the k-th best score changes nothing but the work
            guessed = ranking.rank(by_seeker, built.vacancies.segments(), k, WEIGHTS, scope, hint)
            assert [h.id for h in guessed] == expected
        for seeker_id, found in every_seeker(built, k, WEIGHTS, PROFILES, scope):
            by_seeker, _ = built.best_vacancies(seeker_id, k, WEIGHTS, PROFILES, scope)
            assert [h.id for h in found] == _brute_force(by_seeker, built.vacancies.large, k)

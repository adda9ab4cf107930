"""What a match gives back: the score, the confidence, every factor's value, weight and
contribution (the explanation; the contributions add up to the score), the factors whose data
are missing, and the skill gap.

The models are Pydantic, read-only, so that an interface can serialise them as they are
(``match.model_dump(mode="json")``). Words a page shows (a factor's name, a tier, whose data
are missing) are codes, for the page to translate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum

import numpy as np

from decentwork.pes.matching.columns import NO_LEVEL
from decentwork.pes.matching.factors import Evaluation, Pairs
from decentwork.pes.matching.segments import group
from decentwork.pes.matching.weights import Factor, Weights
from decentwork.pes.records import Record, SeekerSummary, VacancyRecord

GROUPS = ("unit group", "minor group", "sub-major group", "major group")
"""The ISCO-08 levels a seeker's occupation can share with a vacancy's, finest first."""


class Missing(StrEnum):
    """Whose data a factor lacks."""

    SEEKER = "seeker"
    VACANCY = "vacancy"
    BOTH = "both"
    INCOMPARABLE = "not comparable"
    """Both sides have data that cannot be compared (wages in other currencies or periods)."""


class FactorScore(Record):
    """One factor of a match."""

    factor: Factor
    value: float | None
    """In [0, 1]; None when the data are missing."""
    weight: float
    """The factor's weight as set."""
    share: float
    """The weight over the sum of the weights of the factors with data (0 when missing)."""
    contribution: float
    """``share * value``: what the factor adds to the score."""
    missing: Missing | None
    detail: dict[str, str | float | None]
    """What the value was computed from (see docs/pes.md)."""


class SkillGap(Record):
    """A skill the vacancy asks for that the seeker does not list: its ESCO URI and English
    label."""

    uri: str
    label: str


class Match(Record):
    """A ranked match with its explanation."""

    score: float
    confidence: float
    """The share of the weights whose factors had data."""
    factors: list[FactorScore]
    missing: list[Factor]
    skill_gap: list[SkillGap]
    """The required skills the seeker lacks or, when the vacancy lists none, ESCO's essential
    skills of its unit group the seeker lacks."""
    referral: str | None
    """The status of the seeker's latest referral to the vacancy, if any."""


class SeekerMatch(Match):
    """A seeker ranked for a vacancy."""

    seeker: SeekerSummary


class VacancyMatch(Match):
    """A vacancy ranked for a seeker."""

    vacancy: VacancyRecord


def _at(array: np.ndarray, count: int, row: int) -> np.ndarray:
    """Pair ``row``'s entry of a :class:`Pairs` array."""
    return np.broadcast_to(array, (count,))[row]


def factors(
    pairs: Pairs,
    evaluation: Evaluation,
    row: int,
    weights: Weights,
    occupations: Sequence[int],
    isco: int,
) -> list[FactorScore]:
    """The explanation of pair ``row``: each factor's value, weight, share and contribution,
    whose data are missing, and what the value was computed from (with the seeker's
    ``occupations``, desired and past, and the vacancy's ``isco``, as numbers)."""
    missing_sides = _missing(pairs, row)
    details = _details(pairs, row, occupations, isco)
    found = []
    for factor in Factor:
        absent = bool(evaluation.lacks(factor)[row])
        weight = weights.weights.of(factor)
        weighed = float(evaluation.weighed[row])
        share = 0.0 if absent or weighed == 0 else weight / weighed
        found.append(
            FactorScore(
                factor=factor,
                value=None if absent else float(evaluation.value(factor)[row]),
                weight=weight,
                share=share,
                contribution=float(evaluation.contribution(factor, weights)[row]),
                missing=missing_sides[factor] if absent else None,
                detail=details[factor],
            )
        )
    return found


def _missing(pairs: Pairs, row: int) -> dict[Factor, Missing]:
    def at(array: np.ndarray) -> float:
        return float(_at(array, pairs.count, row))

    def side(seeker: bool, vacancy: bool) -> Missing:
        return (
            Missing.BOTH
            if seeker and vacancy
            else (
                Missing.SEEKER if seeker else Missing.VACANCY if vacancy else Missing.INCOMPARABLE
            )
        )

    no_profile = at(pairs.required) == 0 and at(pairs.essential) == 0 and at(pairs.optional) == 0
    return {
        Factor.OCCUPATION: Missing.SEEKER,
        Factor.SKILLS: side(at(pairs.seeker_skills) == 0, no_profile),
        Factor.LOCATION: Missing.BOTH,
        Factor.EDUCATION: side(at(pairs.level) == NO_LEVEL, at(pairs.required_level) == NO_LEVEL),
        Factor.EXPERIENCE: Missing.VACANCY,
        Factor.WAGE: side(np.isnan(at(pairs.wage)), bool(np.isnan(at(pairs.offer)))),
        Factor.AVAILABILITY: side(at(pairs.available) < 0, at(pairs.start) < 0),
    }


def _details(
    pairs: Pairs, row: int, occupations: Sequence[int], isco: int
) -> dict[Factor, dict[str, str | float | None]]:
    def at(array: np.ndarray) -> np.ndarray:
        return _at(array, pairs.count, row)

    def number(value: float) -> float | None:
        return None if np.isnan(value) else round(float(value), 4)

    shared = [
        (digits, code)
        for digits in (4, 3, 2, 1)
        for code in occupations
        if group(code, digits) == group(isco, digits)
    ]
    offer = at(pairs.offer)
    late = int(at(pairs.available)) - int(at(pairs.start))
    required = float(at(pairs.required))
    return {
        Factor.OCCUPATION: {
            "shared": GROUPS[4 - shared[0][0]] if shared else "none",
            "seeker_occupation": f"{shared[0][1]:04d}" if shared else None,
            "vacancy_occupation": f"{isco:04d}",
            "title_similarity": number(float(at(pairs.title_similarity))),
        },
        Factor.SKILLS: {
            "source": "required" if required else "ESCO",
            "has": float(at(pairs.required_hits) if required else at(pairs.essential_hits)),
            "of": required or float(at(pairs.essential)),
        },
        Factor.LOCATION: {"tier": _place(pairs, row)},
        Factor.EDUCATION: {
            "level": _isced(int(at(pairs.level))),
            "required": _isced(int(at(pairs.required_level))),
        },
        Factor.EXPERIENCE: {
            "years": number(float(at(pairs.years_in))),
            "required_years": number(float(at(pairs.required_years))),
        },
        Factor.WAGE: {"expected": number(float(at(pairs.wage))), "offered": number(float(offer))},
        Factor.AVAILABILITY: {
            "days_late": None
            if min(int(at(pairs.available)), int(at(pairs.start))) < 0
            else float(max(late, 0))
        },
    }


def _place(pairs: Pairs, row: int) -> str:
    def at(array: np.ndarray) -> int:
        return int(_at(array, pairs.count, row))

    if at(pairs.seeker_area) == at(pairs.vacancy_area):
        return "same area"
    if at(pairs.seeker_province) == at(pairs.vacancy_province):
        return "same province"
    return "willing to move" if at(pairs.willing) == 1 else "elsewhere"


def _isced(level: int) -> str | None:
    return None if level == NO_LEVEL else "X" if level < 0 else str(level)


def skill_gap(
    required: Sequence[str],
    essential: Sequence[str],
    held: Sequence[str],
    labels: Mapping[str, str],
) -> list[SkillGap]:
    """The skills of ``required`` (or, when it is empty, of ``essential``) not in ``held``,
    by label."""
    has = set(held)
    wanted = required or essential
    return sorted(
        (SkillGap(uri=uri, label=labels.get(uri, "")) for uri in wanted if uri not in has),
        key=lambda gap: (gap.label, gap.uri),
    )

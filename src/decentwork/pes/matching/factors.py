"""The factors of a match and the score, computed for many seeker-vacancy pairs at once.

Each factor gives a value in [0, 1] per pair, or says that its data are missing. The score is
the weighted mean of the values with data::

    score = sum(w_f * v_f for f with data) / sum(w_f for f with data)

and the confidence is the share of the weights with data, ``sum(w_f for f with data) /
sum(w_f)``. A factor's contribution to the score is ``w_f * v_f / sum(w_f for f with data)``,
so the contributions add up to the score; a factor without data contributes nothing and
lowers the confidence instead. See ``docs/pes.md`` for each factor's rule and
``weights.yaml`` for its settings.

The arrays of a :class:`Pairs` broadcast to one value per pair: one side is usually a single
seeker or vacancy (a 0-d or 1-wide array) and the other side many.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from decentwork.pes.matching.columns import NO_CODE, NO_DAY, NO_LEVEL
from decentwork.pes.matching.segments import group
from decentwork.pes.matching.weights import (
    AvailabilityRule,
    EducationRule,
    ExperienceRule,
    Factor,
    LocationRule,
    OccupationRule,
    SkillsRule,
    WageRule,
    Weights,
)

Values = tuple[np.ndarray, np.ndarray]
"""A factor's values and where its data are missing."""


@dataclass(frozen=True)
class Pairs:
    """The data of ``count`` seeker-vacancy pairs (see the module's description)."""

    count: int
    desired: np.ndarray
    """The seekers' desired occupations (..., D), padded with -1."""
    past: np.ndarray
    """The seekers' past occupations (..., P), padded with -1."""
    years: np.ndarray
    """Years in each past occupation (..., P), NaN when not known."""
    isco: np.ndarray
    """The vacancies' occupations, shaped to broadcast against ``desired`` (..., 1)."""
    title_similarity: np.ndarray
    """Cosine of the seeker's desired occupations' texts with the vacancy's title (the
    best), NaN when there is no text."""
    required: np.ndarray
    """How many skills the vacancy requires."""
    required_hits: np.ndarray
    """How many of them the seeker has."""
    essential: np.ndarray
    """How many skills ESCO gives as essential for the vacancy's unit group."""
    essential_hits: np.ndarray
    optional: np.ndarray
    optional_hits: np.ndarray
    seeker_skills: np.ndarray
    """How many skills the seeker lists."""
    seeker_area: np.ndarray
    seeker_province: np.ndarray
    willing: np.ndarray
    vacancy_area: np.ndarray
    vacancy_province: np.ndarray
    level: np.ndarray
    required_level: np.ndarray
    required_years: np.ndarray
    wage: np.ndarray
    seeker_currency: np.ndarray
    seeker_period: np.ndarray
    wage_min: np.ndarray
    wage_max: np.ndarray
    vacancy_currency: np.ndarray
    vacancy_period: np.ndarray
    available: np.ndarray
    start: np.ndarray


@dataclass(frozen=True)
class Evaluation:
    """Every factor's values and missing data, the score and the confidence of each pair."""

    values: dict[Factor, np.ndarray]
    missing: dict[Factor, np.ndarray]
    score: np.ndarray
    confidence: np.ndarray
    weighed: np.ndarray
    """The sum of the weights of the factors with data."""

    def contribution(self, factor: Factor, weights: Weights) -> np.ndarray:
        """What ``factor`` adds to each pair's score (0 where its data are missing)."""
        share = _share(weights.weights.of(factor), self.weighed)
        return np.where(self.missing[factor], 0.0, share * self.values[factor])


def tiers(codes: np.ndarray, isco: np.ndarray, rule: OccupationRule) -> np.ndarray:
    """The tier value of each code against the vacancy's occupation: the value of the finest
    ISCO-08 level they share (0 for none, and for padding)."""
    value = np.zeros(np.broadcast_shapes(codes.shape, isco.shape))
    for digits, tier in zip((1, 2, 3, 4), rule.tiers()[3::-1], strict=True):
        value = np.where(group(codes, digits) == group(isco, digits), tier, value)
    return np.where(codes >= 0, value, 0.0)


def hierarchy(pairs: Pairs, rule: OccupationRule) -> np.ndarray:
    """The best of the desired occupations' tiers and the past ones' (each scaled by its
    years over ``full_years``, fully when the years are not known)."""
    desired = tiers(pairs.desired, pairs.isco, rule).max(axis=-1)
    credit = np.where(np.isnan(pairs.years), 1.0, np.minimum(pairs.years / rule.full_years, 1))
    past = (tiers(pairs.past, pairs.isco, rule) * credit).max(axis=-1)
    return np.maximum(desired, past)


def occupation(pairs: Pairs, rule: OccupationRule) -> Values:
    """Occupation fit: the hierarchy's tier, with ``title_share`` of it from the titles'
    similarity where both have text. Missing for a seeker with no occupation."""
    fit = hierarchy(pairs, rule)
    with_title = (1 - rule.title_share) * fit + rule.title_share * pairs.title_similarity
    value = np.where(np.isnan(pairs.title_similarity), fit, with_title)
    missing = np.asarray((pairs.desired < 0).all(axis=-1) & (pairs.past < 0).all(axis=-1))
    return value, missing


def skills(pairs: Pairs, rule: SkillsRule) -> Values:
    """The share of the required skills the seeker has; without any, of ESCO's essential
    skills of the unit group, with ``optional_share`` from its optional ones. Missing for a
    seeker who lists no skills, or a vacancy with neither."""
    essential = pairs.essential_hits / np.maximum(pairs.essential, 1)
    optional = pairs.optional_hits / np.maximum(pairs.optional, 1)
    profile = np.where(
        pairs.essential > 0,
        np.where(
            pairs.optional > 0,
            (1 - rule.optional_share) * essential + rule.optional_share * optional,
            essential,
        ),
        optional,
    )
    value = np.where(
        pairs.required > 0, pairs.required_hits / np.maximum(pairs.required, 1), profile
    )
    missing = (pairs.seeker_skills == 0) | (
        (pairs.required == 0) & (pairs.essential == 0) & (pairs.optional == 0)
    )
    return value, missing


def location(pairs: Pairs, rule: LocationRule) -> Values:
    """Same area, same province, elsewhere but willing to move, elsewhere."""
    value = np.select(
        [
            pairs.seeker_area == pairs.vacancy_area,
            pairs.seeker_province == pairs.vacancy_province,
            pairs.willing == 1,
        ],
        [rule.same_area, rule.same_province, rule.willing_to_move],
        0.0,
    )
    return value, np.zeros(value.shape, dtype=bool)


def education(pairs: Pairs, rule: EducationRule) -> Values:
    """1 at or above the required ISCED level, ``per_level_below`` less per level below.
    Missing when either level is not given."""
    below = np.maximum(pairs.required_level.astype(np.int16) - pairs.level, 0)
    value = np.clip(1 - below * rule.per_level_below, 0, 1)
    return value, (pairs.level == NO_LEVEL) | (pairs.required_level == NO_LEVEL)


def experience(pairs: Pairs, rule: ExperienceRule) -> Values:
    """Years in the vacancy's unit group (and ``minor_group_credit`` of the years in its
    minor group) against the required years: 1 when enough. Missing when the vacancy states
    no years; past years not known count as none."""
    relevant = relevant_years(pairs, rule)
    required = np.nan_to_num(pairs.required_years)
    value = np.where(required > 0, np.minimum(relevant / np.maximum(required, 1e-9), 1), 1.0)
    return value, np.isnan(pairs.required_years)


def relevant_years(pairs: Pairs, rule: ExperienceRule) -> np.ndarray:
    """Years in the vacancy's unit group, plus ``minor_group_credit`` of the years in the
    rest of its minor group (years not known count as none)."""
    unit = pairs.past == pairs.isco
    minor = ~unit & (pairs.past >= 0) & (group(pairs.past, 3) == group(pairs.isco, 3))
    credit = np.where(unit, 1.0, np.where(minor, rule.minor_group_credit, 0.0))
    return np.asarray((credit * np.nan_to_num(pairs.years)).sum(axis=-1))


def wage(pairs: Pairs, rule: WageRule) -> Values:
    """Expected against offered wage (the maximum, else the minimum): 1 up to the offer,
    0 at ``tolerance`` above it. Missing when either is not given or their currencies or
    periods differ."""
    offer = np.where(np.isnan(pairs.wage_max), pairs.wage_min, pairs.wage_max)
    above = np.maximum(np.nan_to_num(pairs.wage) - np.nan_to_num(offer), 0)
    over = np.where(above > 0, above / np.maximum(np.nan_to_num(offer), 1e-9), 0.0)
    value = np.clip(1 - over / rule.tolerance, 0, 1)
    missing = (
        np.isnan(pairs.wage)
        | np.isnan(offer)
        | (pairs.seeker_currency == NO_CODE)
        | (pairs.seeker_currency != pairs.vacancy_currency)
        | (pairs.seeker_period != pairs.vacancy_period)
    )
    return value, missing


def availability(pairs: Pairs, rule: AvailabilityRule) -> Values:
    """1 when available by the start date, 0 at ``grace_days`` later. Missing when either
    date is not known."""
    late = np.maximum(pairs.available.astype(np.int64) - pairs.start, 0)
    value = np.clip(1 - late / rule.grace_days, 0, 1)
    return value, (pairs.available == NO_DAY) | (pairs.start == NO_DAY)


def evaluate(pairs: Pairs, weights: Weights) -> Evaluation:
    """Every factor of every pair, the scores and the confidences."""
    found = {
        Factor.OCCUPATION: occupation(pairs, weights.occupation),
        Factor.SKILLS: skills(pairs, weights.skills),
        Factor.LOCATION: location(pairs, weights.location),
        Factor.EDUCATION: education(pairs, weights.education),
        Factor.EXPERIENCE: experience(pairs, weights.experience),
        Factor.WAGE: wage(pairs, weights.wage),
        Factor.AVAILABILITY: availability(pairs, weights.availability),
    }
    shape = (pairs.count,)
    values = {f: np.broadcast_to(v, shape) for f, (v, _) in found.items()}
    missing = {f: np.broadcast_to(m, shape) for f, (_, m) in found.items()}
    total = np.zeros(shape)
    weighed = np.zeros(shape)
    for factor in Factor:
        weight = weights.weights.of(factor)
        total = total + np.where(missing[factor], 0.0, weight * values[factor])
        weighed = weighed + np.where(missing[factor], 0.0, weight)
    return Evaluation(
        values, missing, _share(total, weighed), weighed / weights.weights.total(), weighed
    )


def _share(part: np.ndarray | float, whole: np.ndarray) -> np.ndarray:
    """``part / whole``, 0 where ``whole`` is 0."""
    return np.where(whole > 0, part / np.where(whole > 0, whole, 1), 0.0)


def ceiling(weights: Weights, tier: float) -> float:
    """The highest score a pair can have whose occupations share no finer ISCO-08 group than
    one of value ``tier``: its occupation value is at most ``(1 - title_share) * tier +
    title_share``, every other value at most 1, and the score the highest when every factor
    has data."""
    rule = weights.occupation
    most = max(tier, (1 - rule.title_share) * tier + rule.title_share)
    return 1 - weights.weights.occupation * (1 - most) / weights.weights.total()

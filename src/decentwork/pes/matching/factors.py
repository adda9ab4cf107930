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

import functools
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
    fit: np.ndarray
    """The seeker's occupations' fit with the vacancy's in ISCO-08 (:func:`fit`)."""
    occupied: np.ndarray
    """Whether the seeker has any occupation (desired or past)."""
    years_in: np.ndarray
    """The seeker's years in the vacancy's occupation (:func:`years_in`)."""
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
    offer: np.ndarray
    """The wage offered (the maximum, else the minimum; NaN: none)."""
    vacancy_currency: np.ndarray
    vacancy_period: np.ndarray
    available: np.ndarray
    start: np.ndarray


FACTORS = tuple(Factor)


@dataclass(frozen=True)
class Evaluation:
    """Every factor's values and missing data (a row per factor, in :data:`FACTORS`'
    order), the score and the confidence of each pair."""

    values: np.ndarray
    missing: np.ndarray
    score: np.ndarray
    confidence: np.ndarray
    weighed: np.ndarray
    """The sum of the weights of the factors with data."""

    def value(self, factor: Factor) -> np.ndarray:
        """The values of ``factor`` (meaningless where its data are missing)."""
        return np.asarray(self.values[FACTORS.index(factor)])

    def lacks(self, factor: Factor) -> np.ndarray:
        """Where the data of ``factor`` are missing."""
        return np.asarray(self.missing[FACTORS.index(factor)])

    def contribution(self, factor: Factor, weights: Weights) -> np.ndarray:
        """What ``factor`` adds to each pair's score (0 where its data are missing)."""
        share = _share(weights.weights.of(factor), self.weighed)
        return np.where(self.lacks(factor), 0.0, share * self.value(factor))


def tiers(codes: np.ndarray, isco: np.ndarray, rule: OccupationRule) -> np.ndarray:
    """The tier value of each code against the vacancy's occupation: the value of the finest
    ISCO-08 level they share (0 for none, and for padding)."""
    value = np.zeros(np.broadcast_shapes(codes.shape, isco.shape))
    for digits, tier in zip((1, 2, 3, 4), rule.tiers()[3::-1], strict=True):
        value = np.where(group(codes, digits) == group(isco, digits), tier, value)
    return np.where(codes >= 0, value, 0.0)


def fit(
    desired: np.ndarray, past: np.ndarray, years: np.ndarray, isco: np.ndarray, rule: OccupationRule
) -> np.ndarray:
    """The fit of a seeker's occupations with a vacancy's: the best of the desired
    occupations' tiers (``desired``, ``(..., D)`` codes padded with -1) and the past ones'
    (``past``, ``(..., P)``), each of those scaled by its ``years`` over ``full_years`` (fully
    when the years are not known); ``isco`` broadcasts against them (``(..., 1)``)."""
    wanted = tiers(desired, isco, rule).max(axis=-1)
    credit = np.where(np.isnan(years), 1.0, np.minimum(years / rule.full_years, 1))
    return np.maximum(wanted, (tiers(past, isco, rule) * credit).max(axis=-1))


def occupation(pairs: Pairs, rule: OccupationRule) -> Values:
    """Occupation fit, with ``title_share`` of it from the titles' similarity where both
    have text. Missing for a seeker with no occupation."""
    with_title = (1 - rule.title_share) * pairs.fit + rule.title_share * pairs.title_similarity
    value = np.where(np.isnan(pairs.title_similarity), pairs.fit, with_title)
    return value, ~np.asarray(pairs.occupied)


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
    away = np.where(pairs.willing == 1, rule.willing_to_move, 0.0)
    nearby = np.where(pairs.seeker_province == pairs.vacancy_province, rule.same_province, away)
    value = np.where(pairs.seeker_area == pairs.vacancy_area, rule.same_area, nearby)
    return value, np.zeros(value.shape, dtype=bool)


def education(pairs: Pairs, rule: EducationRule) -> Values:
    """1 at or above the required ISCED level, ``per_level_below`` less per level below.
    Missing when either level is not given."""
    below = np.maximum(pairs.required_level.astype(np.int16) - pairs.level, 0)
    value = np.clip(1 - below * rule.per_level_below, 0, 1)
    return value, (pairs.level == NO_LEVEL) | (pairs.required_level == NO_LEVEL)


def experience(pairs: Pairs) -> Values:
    """Years in the vacancy's occupation (:func:`years_in`) against the required years: 1
    when enough. Missing when the vacancy states no years."""
    required = pairs.required_years
    with np.errstate(all="ignore"):
        value = np.where(required > 0, np.minimum(pairs.years_in / required, 1), 1.0)
    return value, np.isnan(required)


def years_in(
    past: np.ndarray, years: np.ndarray, isco: np.ndarray, rule: ExperienceRule
) -> np.ndarray:
    """Years in the vacancy's unit group ``isco``, plus ``minor_group_credit`` of the years
    in the rest of its minor group, from the ``past`` occupations and their ``years`` (not
    known: none)."""
    unit = past == isco
    minor = ~unit & (past >= 0) & (group(past, 3) == group(isco, 3))
    credit = np.where(unit, 1.0, np.where(minor, rule.minor_group_credit, 0.0))
    return np.asarray((credit * np.nan_to_num(years)).sum(axis=-1))


def wage(pairs: Pairs, rule: WageRule) -> Values:
    """Expected against offered wage: 1 up to the offer, 0 at ``tolerance`` above it.
    Missing when either is not given or their currencies or periods differ."""
    with np.errstate(all="ignore"):
        over = (pairs.wage - pairs.offer) / (pairs.offer * rule.tolerance)
    value = np.where(pairs.wage <= pairs.offer, 1.0, np.clip(1 - over, 0, 1))
    missing = (
        np.isnan(pairs.wage)
        | np.isnan(pairs.offer)
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
    found = (
        occupation(pairs, weights.occupation),
        skills(pairs, weights.skills),
        location(pairs, weights.location),
        education(pairs, weights.education),
        experience(pairs),
        wage(pairs, weights.wage),
        availability(pairs, weights.availability),
    )
    values = np.empty((len(FACTORS), pairs.count))
    missing = np.empty((len(FACTORS), pairs.count), dtype=bool)
    for row, (value, lacking) in enumerate(found):
        values[row], missing[row] = value, lacking
    vector = np.array(weight_vector(weights))[:, None]
    # sums over the factors in their order, whatever the number of pairs
    total = (np.where(missing, 0.0, values) * vector).sum(axis=0)
    weighed = (~missing * vector).sum(axis=0)
    score = np.minimum(_share(total, weighed), 1.0)  # a mean of values up to 1, but rounded
    return Evaluation(values, missing, score, weighed / weights.weights.total(), weighed)


def _share(part: np.ndarray | float, whole: np.ndarray) -> np.ndarray:
    """``part / whole``, 0 where ``whole`` is 0."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(whole > 0, part / whole, 0.0)


def occupation_ceiling(tier: float, rule: OccupationRule) -> float:
    """The highest occupation value of a seeker whose occupations share no finer group with
    the vacancy's than one of value ``tier``: its titles may be alike."""
    return max(tier, (1 - rule.title_share) * tier + rule.title_share)


@dataclass(frozen=True)
class Ceiling:
    """The most that pairs not scored yet can reach: bounds on some factors' values (1 for
    the others), the factors whose data may be missing for them, and those missing for every
    pair (the query's side lacks the data)."""

    bounds: tuple[tuple[Factor, float], ...]
    optional: frozenset[Factor]
    absent: frozenset[Factor]

    def score(self, weights: Weights | tuple[float, ...]) -> float:
        """The highest score of such a pair: the weighted mean with every factor at its
        bound, leaving out those that may be missing when that raises the mean (the best
        first, while each is above the mean so far). ``weights`` may be given as
        :func:`weight_vector` gives them."""
        return _highest(self, weights if isinstance(weights, tuple) else weight_vector(weights))


def weight_vector(weights: Weights) -> tuple[float, ...]:
    """The factors' weights in :data:`FACTORS`' order."""
    return tuple(weights.weights.of(f) for f in FACTORS)


@functools.lru_cache(maxsize=4096)
def _highest(ceiling: Ceiling, vector: tuple[float, ...]) -> float:
    """:meth:`Ceiling.score` with the weights as a tuple in :data:`FACTORS`' order."""
    bounds = dict(ceiling.bounds)
    weight = dict(zip(FACTORS, vector, strict=True))

    def bound(factor: Factor) -> float:
        return bounds.get(factor, 1.0)

    total = weighed = 0.0
    for factor in FACTORS:
        if factor not in ceiling.absent and factor not in ceiling.optional:
            total += weight[factor] * bound(factor)
            weighed += weight[factor]
    for factor in sorted(ceiling.optional - ceiling.absent, key=bound, reverse=True):
        if weighed == 0 or bound(factor) > total / weighed:
            total += weight[factor] * bound(factor)
            weighed += weight[factor]
    return total / weighed if weighed > 0 else 0.0

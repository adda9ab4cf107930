"""One record against many: one vacancy against the rows of a seekers' segment, or one seeker
against the rows of a vacancies' segment. A query gives the pairs' data
(:class:`~.factors.Pairs`) for any rows, and the stages in which a ranking reaches the rows:
each stage a posting of rows likely to score well, with the :class:`~.factors.Ceiling` of
the rows no stage has reached yet.

A vacancy reaches seekers without any occupation first (nothing bounds their occupation
factor), then the classes of seekers by the finest ISCO-08 group they share with it, whether
they are in its province and whether they have any of the skills it asks for, in the order
of their ceilings (sharing its unit group, in its province, with its skills first). A seeker
reaches vacancies by the same classes. What does not depend on the
rows (the query's title against every title of a segment, its skills' postings) is computed
once per query and segment.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from decentwork.pes.matching.columns import NO_CODE, NO_DAY, NO_LEVEL, SkillCount
from decentwork.pes.matching.factors import (
    Ceiling,
    Pairs,
    fit,
    occupation_ceiling,
    years_in,
)
from decentwork.pes.matching.profiles import SkillProfiles
from decentwork.pes.matching.segments import LEVELS, SeekerSegment, VacancySegment, group
from decentwork.pes.matching.weights import Factor, Weights


@dataclass(frozen=True)
class Stage:
    """Rows to score (found when a ranking gets there), the highest score of the rows no
    stage so far has reached (None: none is left), and whether the stage is wide (many
    rows: the rows waiting to be scored are scored before it, in case they end the
    ranking)."""

    rows: Callable[[], np.ndarray]
    ceiling: float | None
    wide: bool = False


Stages = Iterator[Stage]


class Memo:
    """Arrays a query computes that the next queries alike can use (a batch's seekers with
    the same job title, the same occupations), the least recently used dropped beyond
    ``limit`` values in all (2**24 doubles: 128 MB)."""

    def __init__(self, limit: int = 2**24) -> None:
        self.limit, self.size = limit, 0
        self._kept: dict[tuple[object, ...], np.ndarray] = {}

    def get(self, key: tuple[object, ...], compute: Callable[[], np.ndarray]) -> np.ndarray:
        """What ``compute`` gives for ``key``, computed when not kept."""
        found = self._kept.pop(key, None)
        if found is None:
            found = compute()
            while self._kept and self.size + found.size > self.limit:
                self.size -= self._kept.pop(next(iter(self._kept))).size
            self.size += found.size
        self._kept[key] = found  # the most recently used last
        return found


DENSE = 50_000
"""Rows from which whether they have some skills is read from one array for the whole
segment rather than from each row's skills."""


def _best_similarity(texts: np.ndarray, similarity: np.ndarray) -> np.ndarray:
    """The best of each row's texts' similarities (``similarity[text]``), NaN for a row
    without text."""
    if texts.size == 0 or similarity.size == 0:
        return np.full(texts.shape[:-1], np.nan)
    best = np.where(texts >= 0, similarity[np.maximum(texts, 0)], -1.0).max(axis=-1)
    return np.where(best >= 0, best, np.nan)


def _posting(postings: list[np.ndarray]) -> np.ndarray:
    """The rows of several postings of different keys of one :class:`Postings` (so each row
    at most once, for vacancies: a vacancy has one occupation)."""
    if len(postings) == 1:
        return postings[0]
    if not postings:
        return np.empty(0, dtype=np.int64)
    return np.concatenate(postings)


@dataclass(frozen=True)
class Classes:
    """How a query splits a segment's rows: by the finest ISCO-08 group they share with it
    (unit, minor, sub-major, major group; none), whether they are in its province, and
    whether they have any of the skills that count (when skills count)."""

    postings: list[np.ndarray]
    """The rows sharing the query's group at each level of :data:`LEVELS`."""
    provinces: np.ndarray
    """Each row's province."""
    province: int
    in_province: Callable[[], np.ndarray]
    """The rows of the query's province."""
    away: float
    """The most the location factor gives outside the province."""
    no_experience: bool
    """Whether rows sharing no minor group score 0 on experience."""
    skilled: Callable[[np.ndarray], np.ndarray] | None
    """Which of some rows have any of the skills that count (None: skills do not count)."""
    holders: Callable[[], np.ndarray]
    """Every row with any of those skills."""
    large: bool
    """Whether the segment is large (:data:`DENSE` rows or more): then the classes sharing
    no group are wide stages."""


Kind = tuple[int, bool, bool]
"""A class of rows: the level of the finest group shared (0 to 3, 4 for none), in the
province, with any of the skills."""


@functools.lru_cache(maxsize=1024)
def plan(
    away: float,
    no_experience: bool,
    skills: bool,
    optional: frozenset[Factor],
    absent: frozenset[Factor],
    weights: Weights,
) -> tuple[tuple[Kind, float], ...]:
    """The classes in the order a ranking reaches them, each with the ceiling of the classes
    left after it: the highest ceilings first (see :class:`Classes` for ``away`` and
    ``no_experience``; ``skills``: whether the classes are split by the skills). Queries
    alike share it."""
    flags = (True, False) if skills else (True,)
    last: Kind = (4, False, flags[-1])

    def ceiling(kind: Kind) -> float:
        level, inside, skilled = kind
        tier = weights.occupation.tiers()[level]
        bounds = {Factor.OCCUPATION: occupation_ceiling(tier, weights.occupation)}
        if not inside:
            bounds[Factor.LOCATION] = away
        if level >= 2 and no_experience:
            bounds[Factor.EXPERIENCE] = 0.0
        if not skilled:
            bounds[Factor.SKILLS] = 0.0
        return Ceiling(tuple(sorted(bounds.items())), optional, absent).score(weights)

    kinds = [
        (level, inside, skilled)
        for level in range(5)
        for inside in (True, False)
        for skilled in flags
    ]
    ceilings = {kind: ceiling(kind) for kind in kinds}
    left = sorted(
        (kind for kind in kinds if kind != last),
        key=lambda kind: (-ceilings[kind], kind[0], not kind[1], not kind[2]),
    )
    return tuple(
        (kind, max([ceilings[k] for k in left[place + 1 :]] + [ceilings[last]]))
        for place, kind in enumerate(left)
    )


def walk(
    classes: Classes, optional: frozenset[Factor], absent: frozenset[Factor], weights: Weights
) -> Stages:
    """The stages reaching the classes of rows in the order of their ceilings, the highest
    first (:func:`plan`), each with the ceiling of the classes left. The last class (no group
    shared, another province, none of the skills) is left to the ranking's last stage."""
    flags = (True, False) if classes.skilled is not None else (True,)
    split: dict[int, dict[tuple[bool, bool], np.ndarray]] = {}

    def parts(level: int) -> dict[tuple[bool, bool], np.ndarray]:
        """The rows of a level's posting (of the province, for level 4) by (in the province,
        with the skills)."""
        if level not in split:
            base = classes.postings[level] if level < 4 else classes.in_province()
            inside = classes.provinces[base] == classes.province
            skilled = (
                np.ones(len(base), dtype=bool) if classes.skilled is None else classes.skilled(base)
            )
            split[level] = {
                (a, b): base[(inside == a) & (skilled == b)] for a in (True, False) for b in flags
            }
        return split[level]

    def rows(kind: Kind) -> Callable[[], np.ndarray]:
        level, inside, skilled = kind
        if level == 4 and not inside:  # (4, False, True): the others are the last stage's
            return lambda: (lambda base: base[classes.provinces[base] != classes.province])(
                classes.holders()
            )
        return lambda: parts(level)[inside, skilled]

    for kind, ceiling in plan(
        classes.away, classes.no_experience, classes.skilled is not None, optional, absent, weights
    ):
        yield Stage(rows(kind), ceiling, wide=kind[0] == 4 and classes.large)


class VacancyQuery:
    """One vacancy (row ``row`` of ``segment``) against seekers."""

    OPTIONAL = frozenset({Factor.SKILLS, Factor.EDUCATION, Factor.WAGE, Factor.AVAILABILITY})
    """The factors a seeker may lack the data of (once they have an occupation)."""

    def __init__(
        self, segment: VacancySegment, row: int, profiles: SkillProfiles, weights: Weights
    ) -> None:
        self.segment, self.row, self.weights = segment, row, weights
        self.required = segment.required.uris(row)
        code = f"{int(segment.isco[row]):04d}"
        self.essential = sorted(profiles.essential.get(code, frozenset()))
        self.optional = sorted(profiles.optional.get(code, frozenset()))
        self._cached: dict[int, tuple[np.ndarray, SkillCount, SkillCount, SkillCount]] = {}

    def _for(self, seekers: SeekerSegment) -> tuple[np.ndarray, SkillCount, SkillCount, SkillCount]:
        """The title's similarity with each of ``seekers``' texts, and who has the required,
        essential and optional skills."""
        if id(seekers) not in self._cached:
            v, r = self.segment, self.row
            self._cached[id(seekers)] = (
                seekers.titles.similarity(v.titles, [v.title[r]])[:, 0],
                seekers.skills.count(self.required),
                seekers.skills.count(self.essential),
                seekers.skills.count(self.optional),
            )
        return self._cached[id(seekers)]

    def absent(self) -> frozenset[Factor]:
        """The factors whose data the vacancy lacks (missing for every seeker)."""
        v, r = self.segment, self.row
        return frozenset(
            factor
            for factor, lacking in (
                (Factor.SKILLS, not (self.required or self.essential or self.optional)),
                (Factor.EDUCATION, v.education[r] == NO_LEVEL),
                (Factor.EXPERIENCE, np.isnan(v.experience[r])),
                (Factor.WAGE, np.isnan(v.offer[r])),
                (Factor.AVAILABILITY, v.start[r] == NO_DAY),
            )
            if lacking
        )

    def stages(self, seekers: SeekerSegment) -> Stages:
        """The seekers without occupation (nothing bounds their score), then the classes of
        seekers by the group they share with the vacancy, its province and its skills
        (:func:`walk`)."""
        v, r, weights = self.segment, self.row, self.weights
        code, absent = int(v.isco[r]), self.absent()
        yield Stage(lambda: seekers.unplaced, Ceiling((), self.OPTIONAL, absent).score(weights))
        counts = self._for(seekers)[1:]
        counted = [counts[0]] if self.required else [counts[1], counts[2]]
        held: list[np.ndarray] = []

        def dense() -> np.ndarray:
            if not held:
                found = [c for c in (count.held() for count in counted) if c is not None]
                held.append(
                    np.bitwise_or.reduce(found) > 0 if found else np.zeros(len(seekers), dtype=bool)
                )
            return held[0]

        def skilled(rows: np.ndarray) -> np.ndarray:
            if held or len(rows) > DENSE:
                return dense()[rows]
            total = np.zeros(len(rows))
            for count in counted:
                total += count.of(rows)
            return total > 0

        yield from walk(
            Classes(
                postings=[
                    seekers.by_occupation[level].get(int(group(code, digits)))
                    for level, digits in enumerate(LEVELS)
                ],
                provinces=seekers.province,
                province=int(v.province[r]),
                in_province=lambda: seekers.by_province.get(int(v.province[r])),
                away=weights.location.willing_to_move,
                no_experience=bool(v.experience[r] > 0),
                skilled=None if Factor.SKILLS in absent else skilled,
                holders=lambda: np.flatnonzero(dense()),
                large=len(seekers) >= DENSE,
            ),
            self.OPTIONAL,
            absent,
            weights,
        )

    def pairs(self, seekers: SeekerSegment, rows: np.ndarray) -> Pairs:
        """The pairs of the vacancy with seekers ``rows`` of ``seekers``."""
        v, r = self.segment, self.row
        similarity, required, essential, optional = self._for(seekers)
        one = np.ones(1)
        isco = v.isco[r : r + 1].reshape(1, 1).astype(np.int64)
        past, years = seekers.past[rows], seekers.years[rows]
        return Pairs(
            count=len(rows),
            fit=fit(seekers.desired[rows], past, years, isco, self.weights.occupation),
            occupied=seekers.occupied[rows],
            years_in=years_in(past, years, isco, self.weights.experience),
            title_similarity=_best_similarity(seekers.texts[rows], similarity),
            required=one * len(self.required),
            required_hits=required.of(rows),
            essential=one * len(self.essential),
            essential_hits=essential.of(rows),
            optional=one * len(self.optional),
            optional_hits=optional.of(rows),
            seeker_skills=seekers.skills.sizes[rows],
            seeker_area=seekers.area[rows],
            seeker_province=seekers.province[rows],
            willing=seekers.willing[rows],
            vacancy_area=v.area[r : r + 1],
            vacancy_province=v.province[r : r + 1],
            level=seekers.education[rows],
            required_level=v.education[r : r + 1],
            required_years=v.experience[r : r + 1],
            wage=seekers.wage[rows],
            seeker_currency=seekers.currency[rows],
            seeker_period=seekers.period[rows],
            offer=v.offer[r : r + 1],
            vacancy_currency=v.currency[r : r + 1],
            vacancy_period=v.period[r : r + 1],
            available=seekers.available[rows],
            start=v.start[r : r + 1],
        )


@dataclass(frozen=True)
class _Against:
    """A seeker against a vacancies' segment: the fit with and years in each of its
    occupations and how many of the seeker's skills ESCO gives each (by the occupation's
    place in ``codes``), the similarity with each title (by title number), the required
    skills the seeker has (by row)."""

    fit: np.ndarray
    years: np.ndarray
    essential: np.ndarray
    essential_hits: np.ndarray
    optional: np.ndarray
    optional_hits: np.ndarray
    similarity: np.ndarray
    required_hits: np.ndarray


class SeekerQuery:
    """One seeker (row ``row`` of ``segment``) against vacancies."""

    OPTIONAL = frozenset(
        {Factor.SKILLS, Factor.EDUCATION, Factor.EXPERIENCE, Factor.WAGE, Factor.AVAILABILITY}
    )
    """The factors a vacancy may lack the data of."""

    def __init__(
        self,
        segment: SeekerSegment,
        row: int,
        profiles: SkillProfiles,
        weights: Weights,
        memo: Memo | None = None,
    ) -> None:
        self.segment, self.row, self.weights = segment, row, weights
        self.memo = Memo() if memo is None else memo
        self.skills = segment.skills.uris(row)
        self.profiles = profiles
        self.essential_hits, self.optional_hits = profiles.counts(self.skills)
        self.essential, self.optional = profiles.essential_sizes, profiles.optional_sizes
        texts = segment.texts[row]
        self._texts = texts[texts >= 0]
        self._against: dict[int, _Against] = {}

    def _for(self, vacancies: VacancySegment) -> _Against:
        """What the seeker is against ``vacancies``, computed once."""
        if id(vacancies) not in self._against:
            s, r, codes = self.segment, self.row, vacancies.codes.astype(np.int64)
            group_row = self.profiles.rows[codes]
            known = group_row >= 0
            where = np.maximum(group_row, 0)

            def by_group(values: np.ndarray) -> np.ndarray:
                return np.where(known, values[where], 0.0) if values.size else np.zeros(len(codes))

            def tables() -> np.ndarray:
                desired, past, years = s.desired[r : r + 1], s.past[r : r + 1], s.years[r : r + 1]
                return np.stack(
                    [
                        fit(desired, past, years, codes[:, None], self.weights.occupation),
                        years_in(past, years, codes[:, None], self.weights.experience),
                    ]
                )

            required = vacancies.required.count(self.skills).held()
            occupations = self.memo.get(
                (
                    "occupations",
                    id(vacancies),
                    id(self.weights),
                    s.desired[r].tobytes(),
                    s.past[r].tobytes(),
                    s.years[r].tobytes(),
                ),
                tables,
            )
            self._against[id(vacancies)] = _Against(
                fit=occupations[0],
                years=occupations[1],
                essential=by_group(self.essential),
                essential_hits=by_group(self.essential_hits),
                optional=by_group(self.optional),
                optional_hits=by_group(self.optional_hits),
                similarity=self._similarity(vacancies),
                required_hits=np.zeros(len(vacancies))
                if required is None
                else required.astype(np.float64),
            )
        return self._against[id(vacancies)]

    def _similarity(self, vacancies: VacancySegment) -> np.ndarray:
        """The best similarity of the seeker's texts with each of ``vacancies``' titles (NaN
        without text); each text's are kept in the memo for the next seekers with it."""
        if not self._texts.size:
            return np.full(vacancies.titles.matrix.shape[0], np.nan)

        def similarity(text: int) -> Callable[[], np.ndarray]:
            return lambda: vacancies.titles.similarity(self.segment.titles, [text])[:, 0]

        found = [
            self.memo.get(("title", id(self.segment), id(vacancies), text), similarity(text))
            for text in map(int, self._texts)
        ]
        return found[0] if len(found) == 1 else np.maximum.reduce(found)

    def codes(self) -> list[int]:
        """The seeker's desired and past occupations (ISCO-08 codes as numbers)."""
        return self.segment.occupations(self.row)

    def absent(self) -> frozenset[Factor]:
        """The factors whose data the seeker lacks (missing for every vacancy)."""
        s, r = self.segment, self.row
        return frozenset(
            factor
            for factor, lacking in (
                (Factor.OCCUPATION, not self.codes()),
                (Factor.SKILLS, not self.skills),
                (Factor.EDUCATION, s.education[r] == NO_LEVEL),
                (Factor.WAGE, np.isnan(s.wage[r]) or s.currency[r] == NO_CODE),
                (Factor.AVAILABILITY, s.available[r] == NO_DAY),
            )
            if lacking
        )

    def stages(self, vacancies: VacancySegment) -> Stages:
        """The classes of vacancies by the group they share with the seeker's occupations,
        its province and its skills (:func:`walk`)."""
        s, r, weights = self.segment, self.row, self.weights
        codes, absent = self.codes(), self.absent()
        mask: list[np.ndarray] = []

        def skilled(rows: np.ndarray) -> np.ndarray:
            if not mask:
                against = self._for(vacancies)
                profile = (against.essential_hits + against.optional_hits) > 0
                mask.append(
                    np.where(
                        vacancies.required.sizes > 0,
                        against.required_hits > 0,
                        profile[vacancies.code_of],
                    )
                )
            return mask[0][rows]

        return walk(
            Classes(
                postings=[
                    _posting(
                        [
                            vacancies.by_occupation[level].get(key)
                            for key in sorted({int(group(c, digits)) for c in codes})
                        ]
                    )
                    for level, digits in enumerate(LEVELS)
                ],
                provinces=vacancies.province,
                province=int(s.province[r]),
                in_province=lambda: vacancies.by_province.get(int(s.province[r])),
                away=weights.location.willing_to_move if s.willing[r] == 1 else 0.0,
                no_experience=False,
                skilled=None if Factor.SKILLS in absent else skilled,
                holders=lambda: np.flatnonzero(skilled(np.arange(len(vacancies)))),
                large=len(vacancies) >= DENSE,
            ),
            self.OPTIONAL,
            absent,
            weights,
        )

    def pairs(self, vacancies: VacancySegment, rows: np.ndarray) -> Pairs:
        """The pairs of the seeker with vacancies ``rows`` of ``vacancies``."""
        return seekers_against([(self, rows)], vacancies)


def seekers_against(
    asked: Sequence[tuple[SeekerQuery, np.ndarray]], vacancies: VacancySegment
) -> Pairs:
    """The pairs of several seekers, each with its rows of ``vacancies``, one after the
    other (what depends on the vacancy only is gathered once for all)."""
    rows = np.concatenate([found for _, found in asked]) if len(asked) > 1 else asked[0][1]
    counts = [len(found) for _, found in asked]
    against = [(query._for(vacancies), found) for query, found in asked]
    codes = [vacancies.code_of[found] for _, found in asked]

    def own(name: str) -> np.ndarray:
        """A seeker's value of ``name``, for each pair."""
        values = np.array([getattr(q.segment, name)[q.row] for q, _ in asked])
        return values if len(asked) == 1 else np.repeat(values, counts)

    def by_code(name: str) -> np.ndarray:
        """An array of :class:`_Against` by occupation, for each pair."""
        return np.concatenate(
            [getattr(a, name)[code] for (a, _), code in zip(against, codes, strict=True)]
        )

    return Pairs(
        count=len(rows),
        fit=by_code("fit"),
        occupied=own("occupied"),
        years_in=by_code("years"),
        title_similarity=np.concatenate(
            [a.similarity[vacancies.title[found]] for a, found in against]
        ),
        required=vacancies.required.sizes[rows],
        required_hits=np.concatenate([a.required_hits[found] for a, found in against]),
        essential=by_code("essential"),
        essential_hits=by_code("essential_hits"),
        optional=by_code("optional"),
        optional_hits=by_code("optional_hits"),
        seeker_skills=np.repeat([q.segment.skills.sizes[q.row] for q, _ in asked], counts),
        seeker_area=own("area"),
        seeker_province=own("province"),
        willing=own("willing"),
        vacancy_area=vacancies.area[rows],
        vacancy_province=vacancies.province[rows],
        level=own("education"),
        required_level=vacancies.education[rows],
        required_years=vacancies.experience[rows],
        wage=own("wage"),
        seeker_currency=own("currency"),
        seeker_period=own("period"),
        offer=vacancies.offer[rows],
        vacancy_currency=vacancies.currency[rows],
        vacancy_period=vacancies.period[rows],
        available=own("available"),
        start=vacancies.start[rows],
    )

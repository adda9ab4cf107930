"""Segments of the matching index: seekers, or vacancies, as numpy arrays with one row per
record (ordered by id), and the postings that let a ranking reach the records sharing an
occupation group, a province or a job centre without scanning the others.

A segment never changes once built, but for ``alive``: a record changed since is marked dead
in its segment and comes back, as it is now, in a newer one (:mod:`.index`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from decentwork.pes.matching.columns import (
    NEVER,
    NO_CODE,
    Codes,
    Places,
    Postings,
    SkillSets,
    Texts,
    day,
    level,
    numbered,
    padded,
)
from decentwork.pes.matching.facts import SeekerFacts, VacancyFacts

LEVELS = (4, 3, 2, 1)
"""ISCO-08 levels, finest first: unit group (4 digits), minor, sub-major, major group."""


def group(codes: np.ndarray | int, digits: int) -> np.ndarray:
    """The groups at level ``digits`` (4 to 1) of ISCO-08 codes held as numbers."""
    return np.floor_divide(codes, 10 ** (4 - digits))


def _occupation_postings(rows: np.ndarray, codes: np.ndarray) -> tuple[Postings, ...]:
    """Rows by the groups of their occupations, at each level of :data:`LEVELS`."""
    return tuple(Postings(group(codes, digits), rows) for digits in LEVELS)


@dataclass
class Segment:
    """What seekers' and vacancies' segments share: ids and versions, job centre, area and
    province, and the postings by occupation group and by centre."""

    ids: np.ndarray
    versions: np.ndarray
    centre: np.ndarray
    area: np.ndarray
    province: np.ndarray
    by_occupation: tuple[Postings, ...]
    """Rows by occupation group, one :class:`Postings` per level of :data:`LEVELS`."""
    by_centre: Postings
    by_province: Postings
    unplaced: np.ndarray
    """Rows with no occupation at all (no posting by occupation reaches them)."""
    alive: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    def current(self, rows: np.ndarray, today: int) -> np.ndarray:
        """Whether each of ``rows`` is current on day ``today`` (an ordinal): alive, and
        for vacancies not expired."""
        return np.asarray(self.alive[rows])

    def row_of(self, record: int) -> int | None:
        """The row of record ``record`` while it is alive here, else None."""
        row = int(np.searchsorted(self.ids, record))
        if row < len(self.ids) and self.ids[row] == record and self.alive[row]:
            return row
        return None


@dataclass
class SeekerSegment(Segment):
    """Active seekers."""

    willing: np.ndarray
    """1 willing to move, 0 not, -1 not stated."""
    education: np.ndarray
    available: np.ndarray
    wage: np.ndarray
    currency: np.ndarray
    period: np.ndarray
    desired: np.ndarray
    """Desired occupations (ISCO-08 codes as numbers), a row each, padded with -1."""
    occupied: np.ndarray
    """Whether each row has any occupation, desired or past."""
    texts: np.ndarray
    """The free texts of the desired occupations (numbers in ``titles``), padded with -1."""
    titles: Texts
    past: np.ndarray
    """Occupations of the work history, padded with -1."""
    years: np.ndarray
    """Years in each past occupation (NaN: not known)."""
    skills: SkillSets

    def occupations(self, row: int) -> list[int]:
        """The desired and past occupations of ``row``, as numbers, each once."""
        return sorted({int(c) for c in (*self.desired[row], *self.past[row]) if c >= 0})

    @classmethod
    def build(cls, facts: Sequence[SeekerFacts], codes: Codes, places: Places) -> SeekerSegment:
        """The segment of ``facts`` (sorted by id), with areas and currencies numbered by
        ``codes`` and provinces from ``places``."""
        facts = sorted(facts, key=lambda f: f.id)
        text_numbers, texts = numbered(t for f in facts for _, t in f.occupations if t)
        desired = padded([[int(c) for c, _ in f.occupations] for f in facts], -1, np.int16)
        past = padded([[int(c) for c, _ in f.jobs] for f in facts], -1, np.int16)
        rows = np.arange(len(facts))
        province = codes.numbers(places.province(f.area) for f in facts)
        owned = np.concatenate([desired, past], axis=1)
        holder = np.broadcast_to(rows[:, None], owned.shape)
        return cls(
            ids=np.array([f.id for f in facts], dtype=np.int64),
            versions=np.array([f.version for f in facts], dtype=np.int64),
            centre=np.array([f.centre for f in facts], dtype=np.int64),
            area=codes.numbers(f.area for f in facts),
            province=province,
            by_occupation=_occupation_postings(holder[owned >= 0], owned[owned >= 0]),
            by_centre=Postings(np.array([f.centre for f in facts], dtype=np.int64), rows),
            by_province=Postings(province, rows),
            unplaced=rows[(owned < 0).all(axis=1)],
            alive=np.ones(len(facts), dtype=bool),
            willing=np.array(
                [-1 if f.willing_to_move is None else int(f.willing_to_move) for f in facts],
                dtype=np.int8,
            ),
            education=np.array([level(f.education) for f in facts], dtype=np.int8),
            available=np.array([day(f.available_from) for f in facts], dtype=np.int32),
            wage=np.array(
                [np.nan if f.expected_wage is None else f.expected_wage for f in facts],
                dtype=np.float64,
            ),
            currency=codes.numbers(f.wage_currency for f in facts),
            period=codes.numbers(f.wage_period for f in facts),
            desired=desired,
            occupied=np.asarray((owned >= 0).any(axis=1)),
            texts=padded(
                [[text_numbers[t] if t else NO_CODE for _, t in f.occupations] for f in facts],
                NO_CODE,
                np.int32,
            ),
            titles=Texts(texts),
            past=past,
            years=padded(
                [[np.nan if y is None else y for _, y in f.jobs] for f in facts], np.nan, np.float32
            ),
            skills=SkillSets([f.skills for f in facts]),
        )


@dataclass
class VacancySegment(Segment):
    """Open vacancies."""

    employer: np.ndarray
    isco: np.ndarray
    codes: np.ndarray
    """The distinct occupations of the vacancies."""
    code_of: np.ndarray
    """Each row's occupation's place in ``codes``."""
    title: np.ndarray
    """The title's number in ``titles``."""
    titles: Texts
    education: np.ndarray
    """The required ISCED level."""
    experience: np.ndarray
    """Required years (NaN: none stated)."""
    offer: np.ndarray
    """The wage offered: the maximum, else the minimum (NaN: none)."""
    currency: np.ndarray
    period: np.ndarray
    start: np.ndarray
    """The start date, else the expiry date (ordinals)."""
    expires: np.ndarray
    required: SkillSets

    def current(self, rows: np.ndarray, today: int) -> np.ndarray:
        """Whether each of ``rows`` is alive and not expired on day ``today``."""
        return np.asarray(self.alive[rows] & (self.expires[rows] >= today))

    @classmethod
    def build(cls, facts: Sequence[VacancyFacts], codes: Codes, places: Places) -> VacancySegment:
        """The segment of ``facts`` (sorted by id), numbered as for seekers."""
        facts = sorted(facts, key=lambda f: f.id)
        title_numbers, titles = numbered(f.title for f in facts)
        isco = np.array([int(f.isco) for f in facts], dtype=np.int16)
        distinct, code_of = np.unique(isco, return_inverse=True)
        rows = np.arange(len(facts))
        province = codes.numbers(places.province(f.area) for f in facts)
        return cls(
            ids=np.array([f.id for f in facts], dtype=np.int64),
            versions=np.array([f.version for f in facts], dtype=np.int64),
            centre=np.array([f.centre for f in facts], dtype=np.int64),
            area=codes.numbers(f.area for f in facts),
            province=province,
            by_occupation=_occupation_postings(rows, isco),
            by_centre=Postings(np.array([f.centre for f in facts], dtype=np.int64), rows),
            by_province=Postings(province, rows),
            unplaced=rows[:0],
            alive=np.ones(len(facts), dtype=bool),
            employer=np.array([f.employer for f in facts], dtype=np.int64),
            isco=isco,
            codes=distinct,
            code_of=code_of.astype(np.int32),
            title=np.array([title_numbers[f.title] for f in facts], dtype=np.int32),
            titles=Texts(titles),
            education=np.array([level(f.education) for f in facts], dtype=np.int8),
            experience=np.array(
                [np.nan if f.experience_years is None else f.experience_years for f in facts],
                dtype=np.float64,
            ),
            offer=np.array(
                [
                    np.nan if offer is None else offer
                    for offer in (f.wage_min if f.wage_max is None else f.wage_max for f in facts)
                ],
                dtype=np.float64,
            ),
            currency=codes.numbers(f.wage_currency for f in facts),
            period=codes.numbers(f.wage_period for f in facts),
            start=np.array([day(f.starts_on or f.expires_on) for f in facts], dtype=np.int32),
            expires=np.array([day(f.expires_on, NEVER) for f in facts], dtype=np.int32),
            required=SkillSets([f.skills for f in facts]),
        )

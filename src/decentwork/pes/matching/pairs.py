"""The data of seeker-vacancy pairs (:class:`~.factors.Pairs`) for one record against many:
one vacancy against rows of a seekers' segment, or one seeker against rows of a vacancies'
segment. What does not depend on the rows (the query's title against every title of a
segment, its skills against ESCO's unit groups) is computed once per query and segment.
"""

from __future__ import annotations

import numpy as np

from decentwork.pes.matching.factors import Pairs
from decentwork.pes.matching.profiles import SkillProfiles
from decentwork.pes.matching.segments import SeekerSegment, VacancySegment


def _best_similarity(texts: np.ndarray, similarity: np.ndarray) -> np.ndarray:
    """The best of each row's texts' similarities (``similarity[text]``), NaN for a row
    without text."""
    if texts.size == 0 or similarity.size == 0:
        return np.full(texts.shape[:-1], np.nan)
    best = np.where(texts >= 0, similarity[np.maximum(texts, 0)], -1.0).max(axis=-1)
    return np.where(best >= 0, best, np.nan)


class VacancyQuery:
    """One vacancy (row ``row`` of ``segment``) against seekers."""

    def __init__(self, segment: VacancySegment, row: int, profiles: SkillProfiles) -> None:
        self.segment, self.row = segment, row
        self.required = segment.required.uris(row)
        code = f"{int(segment.isco[row]):04d}"
        self.essential = sorted(profiles.essential.get(code, frozenset()))
        self.optional = sorted(profiles.optional.get(code, frozenset()))
        self._similarity: dict[int, np.ndarray] = {}

    def codes(self) -> list[int]:
        """The vacancy's occupation (ISCO-08 as a number), to reach seekers by it."""
        return [int(self.segment.isco[self.row])]

    def pairs(self, seekers: SeekerSegment, rows: np.ndarray) -> Pairs:
        """The pairs of the vacancy with seekers ``rows`` of ``seekers``."""
        v, r = self.segment, self.row
        if id(seekers) not in self._similarity:
            self._similarity[id(seekers)] = seekers.titles.similarity(v.titles, [v.title[r]])[:, 0]
        one = np.ones(1)
        return Pairs(
            count=len(rows),
            desired=seekers.desired[rows],
            past=seekers.past[rows],
            years=seekers.years[rows],
            isco=v.isco[r : r + 1].reshape(1, 1).astype(np.int64),
            title_similarity=_best_similarity(seekers.texts[rows], self._similarity[id(seekers)]),
            required=one * len(self.required),
            required_hits=seekers.skills.hits(rows, self.required),
            essential=one * len(self.essential),
            essential_hits=seekers.skills.hits(rows, self.essential),
            optional=one * len(self.optional),
            optional_hits=seekers.skills.hits(rows, self.optional),
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
            wage_min=v.wage_min[r : r + 1],
            wage_max=v.wage_max[r : r + 1],
            vacancy_currency=v.currency[r : r + 1],
            vacancy_period=v.period[r : r + 1],
            available=seekers.available[rows],
            start=v.start[r : r + 1],
        )


class SeekerQuery:
    """One seeker (row ``row`` of ``segment``) against vacancies."""

    def __init__(self, segment: SeekerSegment, row: int, profiles: SkillProfiles) -> None:
        self.segment, self.row = segment, row
        self.skills = segment.skills.uris(row)
        self.profiles = profiles
        self.essential_hits, self.optional_hits = profiles.counts(self.skills)
        self.essential, self.optional = profiles.sizes()
        texts = segment.texts[row]
        self._texts = texts[texts >= 0]
        self._similarity: dict[int, np.ndarray] = {}

    def codes(self) -> list[int]:
        """The seeker's desired and past occupations, to reach vacancies by them."""
        codes = np.concatenate([self.segment.desired[self.row], self.segment.past[self.row]])
        return sorted({int(c) for c in codes if c >= 0})

    def pairs(self, vacancies: VacancySegment, rows: np.ndarray) -> Pairs:
        """The pairs of the seeker with vacancies ``rows`` of ``vacancies``."""
        s, r = self.segment, self.row
        if id(vacancies) not in self._similarity:
            self._similarity[id(vacancies)] = (
                vacancies.titles.similarity(s.titles, self._texts).max(axis=1)
                if self._texts.size
                else np.full(vacancies.titles.matrix.shape[0], np.nan)
            )
        group = self.profiles.rows[vacancies.isco[rows]]
        known = group >= 0
        where = np.maximum(group, 0)

        def by_group(values: np.ndarray) -> np.ndarray:
            return np.where(known, values[where], 0.0) if values.size else np.zeros(len(rows))

        return Pairs(
            count=len(rows),
            desired=s.desired[r : r + 1],
            past=s.past[r : r + 1],
            years=s.years[r : r + 1],
            isco=vacancies.isco[rows].astype(np.int64)[:, None],
            title_similarity=self._similarity[id(vacancies)][vacancies.title[rows]],
            required=vacancies.required.sizes[rows],
            required_hits=vacancies.required.hits(rows, self.skills),
            essential=by_group(self.essential),
            essential_hits=by_group(self.essential_hits),
            optional=by_group(self.optional),
            optional_hits=by_group(self.optional_hits),
            seeker_skills=s.skills.sizes[r : r + 1],
            seeker_area=s.area[r : r + 1],
            seeker_province=s.province[r : r + 1],
            willing=s.willing[r : r + 1],
            vacancy_area=vacancies.area[rows],
            vacancy_province=vacancies.province[rows],
            level=s.education[r : r + 1],
            required_level=vacancies.education[rows],
            required_years=vacancies.experience[rows],
            wage=s.wage[r : r + 1],
            seeker_currency=s.currency[r : r + 1],
            seeker_period=s.period[r : r + 1],
            wage_min=vacancies.wage_min[rows],
            wage_max=vacancies.wage_max[rows],
            vacancy_currency=vacancies.currency[rows],
            vacancy_period=vacancies.period[rows],
            available=s.available[r : r + 1],
            start=vacancies.start[rows],
        )

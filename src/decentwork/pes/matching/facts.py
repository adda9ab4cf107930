"""What matching knows of each active seeker and open vacancy, read from the PES database in
a few queries (or made by a caller from other records, such as a benchmark's synthetic ones).

Only what the score uses is read: no names, contacts or dates of birth. Active seekers
(status ``active``) and open vacancies (status ``open`` with openings left) are the records
matching considers; a vacancy's expiry is checked at each ranking, since time passes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa

from decentwork.pes.models import SeekerStatus, VacancyStatus
from decentwork.pes.tables import (
    seeker_jobs,
    seeker_occupations,
    seeker_skills,
    seekers,
    vacancies,
    vacancy_skills,
)

CHUNK = 5_000
"""Ids per query when reading records by id."""


@dataclass(frozen=True, slots=True)
class SeekerFacts:
    """An active seeker as matching sees it."""

    id: int
    version: int
    centre: int
    area: str
    education: str | None
    willing_to_move: bool | None
    available_from: date | None
    expected_wage: float | None
    wage_currency: str | None
    wage_period: str | None
    occupations: tuple[tuple[str, str], ...]
    """Desired occupations: ISCO-08 unit group and the free text it was coded from."""
    jobs: tuple[tuple[str, float | None], ...]
    """Work history: ISCO-08 unit group and years (None: not known)."""
    skills: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class VacancyFacts:
    """An open vacancy as matching sees it."""

    id: int
    version: int
    centre: int
    employer: int
    area: str
    isco: str
    title: str
    education: str | None
    experience_years: float | None
    wage_min: float | None
    wage_max: float | None
    wage_currency: str | None
    wage_period: str | None
    starts_on: date | None
    expires_on: date | None
    skills: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Change:
    """A record changed since a time: its id, version, and whether matching considers it."""

    id: int
    version: int
    matched: bool


ACTIVE = seekers.c.status == SeekerStatus.ACTIVE.value
OPEN = sa.and_(
    vacancies.c.status == VacancyStatus.OPEN.value, vacancies.c.filled < vacancies.c.openings
)


def active_seekers(
    connection: sa.Connection, ids: Sequence[int] | None = None
) -> list[SeekerFacts]:
    """The active seekers (those of ``ids`` only, when given), by id."""
    found: list[SeekerFacts] = []
    for condition in _conditions(seekers.c.id, ids):
        chosen = sa.and_(ACTIVE, condition)
        occupations = _grouped(
            connection.execute(
                sa.select(
                    seeker_occupations.c.seeker_id,
                    seeker_occupations.c.isco,
                    seeker_occupations.c.text,
                )
                .join(seekers, seekers.c.id == seeker_occupations.c.seeker_id)
                .where(chosen)
                .order_by(seeker_occupations.c.seeker_id, seeker_occupations.c.position)
            )
        )
        jobs = _grouped(
            connection.execute(
                sa.select(seeker_jobs.c.seeker_id, seeker_jobs.c.isco, seeker_jobs.c.years)
                .join(seekers, seekers.c.id == seeker_jobs.c.seeker_id)
                .where(chosen)
                .order_by(seeker_jobs.c.seeker_id, seeker_jobs.c.position)
            )
        )
        skills = _grouped(
            connection.execute(
                sa.select(seeker_skills.c.seeker_id, seeker_skills.c.uri)
                .join(seekers, seekers.c.id == seeker_skills.c.seeker_id)
                .where(chosen)
                .order_by(seeker_skills.c.seeker_id, seeker_skills.c.uri)
            )
        )
        rows = connection.execute(
            sa.select(
                seekers.c.id,
                seekers.c.version,
                seekers.c.centre_id,
                seekers.c.area,
                seekers.c.education,
                seekers.c.willing_to_move,
                seekers.c.available_from,
                seekers.c.expected_wage,
                seekers.c.wage_currency,
                seekers.c.wage_period,
            )
            .where(chosen)
            .order_by(seekers.c.id)
        )
        found += [
            SeekerFacts(
                id=row.id,
                version=row.version,
                centre=row.centre_id,
                area=row.area,
                education=row.education,
                willing_to_move=row.willing_to_move,
                available_from=row.available_from,
                expected_wage=_number(row.expected_wage),
                wage_currency=row.wage_currency,
                wage_period=row.wage_period,
                occupations=tuple((isco, text) for isco, text in occupations.get(row.id, ())),
                jobs=tuple((isco, _number(years)) for isco, years in jobs.get(row.id, ())),
                skills=tuple(uri for (uri,) in skills.get(row.id, ())),
            )
            for row in rows
        ]
    return found


def open_vacancies(
    connection: sa.Connection, ids: Sequence[int] | None = None
) -> list[VacancyFacts]:
    """The open vacancies with openings left (those of ``ids`` only, when given), by id."""
    found: list[VacancyFacts] = []
    for condition in _conditions(vacancies.c.id, ids):
        chosen = sa.and_(OPEN, condition)
        skills = _grouped(
            connection.execute(
                sa.select(vacancy_skills.c.vacancy_id, vacancy_skills.c.uri)
                .join(vacancies, vacancies.c.id == vacancy_skills.c.vacancy_id)
                .where(chosen)
                .order_by(vacancy_skills.c.vacancy_id, vacancy_skills.c.uri)
            )
        )
        rows = connection.execute(
            sa.select(
                vacancies.c.id,
                vacancies.c.version,
                vacancies.c.centre_id,
                vacancies.c.employer_id,
                vacancies.c.area,
                vacancies.c.isco,
                vacancies.c.title,
                vacancies.c.education,
                vacancies.c.experience_years,
                vacancies.c.wage_min,
                vacancies.c.wage_max,
                vacancies.c.wage_currency,
                vacancies.c.wage_period,
                vacancies.c.starts_on,
                vacancies.c.expires_on,
            )
            .where(chosen)
            .order_by(vacancies.c.id)
        )
        found += [
            VacancyFacts(
                id=row.id,
                version=row.version,
                centre=row.centre_id,
                employer=row.employer_id,
                area=row.area,
                isco=row.isco,
                title=row.title,
                education=row.education,
                experience_years=_number(row.experience_years),
                wage_min=_number(row.wage_min),
                wage_max=_number(row.wage_max),
                wage_currency=row.wage_currency,
                wage_period=row.wage_period,
                starts_on=row.starts_on,
                expires_on=row.expires_on,
                skills=tuple(uri for (uri,) in skills.get(row.id, ())),
            )
            for row in rows
        ]
    return found


def seeker_changes(connection: sa.Connection, since: datetime) -> list[Change]:
    """The seekers changed at or after ``since`` (by their ``updated_at``)."""
    return [
        Change(row.id, row.version, row.status == SeekerStatus.ACTIVE.value)
        for row in connection.execute(
            sa.select(seekers.c.id, seekers.c.version, seekers.c.status).where(
                seekers.c.updated_at >= since
            )
        )
    ]


def vacancy_changes(connection: sa.Connection, since: datetime) -> list[Change]:
    """The vacancies changed at or after ``since`` (by their ``updated_at``)."""
    return [
        Change(row.id, row.version, bool(row.matched))
        for row in connection.execute(
            sa.select(vacancies.c.id, vacancies.c.version, OPEN.label("matched")).where(
                vacancies.c.updated_at >= since
            )
        )
    ]


def _conditions(
    column: sa.ColumnElement[int], ids: Sequence[int] | None
) -> Iterator[sa.ColumnElement[bool]]:
    """One condition for every record (``ids`` None), else one per chunk of ``ids``."""
    if ids is None:
        yield sa.true()
        return
    chosen = sorted(set(ids))
    for start in range(0, len(chosen), CHUNK):
        yield column.in_(chosen[start : start + CHUNK])


def _grouped(rows: Iterable[sa.Row]) -> dict[int, list[tuple]]:
    """Rows whose first column is a record's id, as {id: [the other columns, ...]}."""
    grouped: defaultdict[int, list[tuple]] = defaultdict(list)
    for row in rows:
        grouped[row[0]].append(tuple(row[1:]))
    return grouped


def _number(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)

"""The register as the statistics see it: each job seeker's periods on the register, each
vacancy's openings over time, and the referrals, read from the PES database without any
personal field (no name, identity number, date of birth, contact, wage or free text).

**Periods on the register.** A seeker is on the register from the day they register
(``registered_on``) until the day they leave it, and again from the day they return. The
registry keeps no table of status changes, so they are dated from what it does keep:

- a hire (a referral's outcome ``hired``) dated by the day of the hire (``outcome_on``, the
  day the officer or employer says it happened, even when it is recorded later): it places
  an active seeker, who leaves the register;
- a change of status by an officer, dated by the audit log's time of the change (the log
  records the new status); a change recorded before the log kept the new status dates only
  the last change of the seeker, which set the status the record has now;
- an erasure of a person's data (``erased_at``): an active seeker leaves the register;
- a record whose status these events do not explain (a seeker imported as placed) is taken
  to have reached it on the day of its last change (``updated_at``).

A seeker who was active is *registered* on every day of a period; leaving on day *d* means
not registered at the end of day *d*; returning (from placed or inactive to active) opens a
new period.

**Vacancies.** A vacancy is open from the day it is posted (``posted_on``) to its expiry
date (``expires_on``, included) unless it is closed before (dated as a change of status
above); its open openings on a day are its openings less the hires on it up to that day, so
a vacancy that expires half-filled stops counting its unfilled openings after it expires.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa

from decentwork.pes import areas
from decentwork.pes.models import SeekerStatus, VacancyStatus
from decentwork.pes.statistics import codes
from decentwork.pes.tables import (
    audit_log,
    employers,
    job_centres,
    referrals,
    seeker_occupations,
    seekers,
    vacancies,
)
from decentwork.pes.times import as_utc

HIRED = "hired"
NEW_STATUS = re.compile(r"\((active|placed|inactive)\)$")
STATUS_FIELD = re.compile(r"^fields: (?:.*, )?status(?:,|$| )")


@dataclass(frozen=True)
class Period:
    """A period on the register: from ``start`` (registration, or a return when
    ``returned``) to the day the seeker left (``end``, None while on the register), and
    whether they left by a placement."""

    start: date
    end: date | None = None
    returned: bool = False
    placed: bool = False

    def registered_on(self, day: date) -> bool:
        """Whether the seeker is on the register at the end of ``day``."""
        return self.start <= day and (self.end is None or self.end > day)


@dataclass(frozen=True)
class Seeker:
    """A job seeker as the statistics see them: the codes they are counted by."""

    id: int
    sex: str | None
    age: str | None
    education: str | None
    disability: str | None
    area: str
    occupations: tuple[str, ...]
    periods: tuple[Period, ...]

    def registered(self, day: date) -> bool:
        """Whether they are on the register at the end of ``day``."""
        return any(p.registered_on(day) for p in self.periods)

    def spell_start(self, day: date) -> date:
        """The start of their latest period begun on or before ``day``."""
        starts = [p.start for p in self.periods if p.start <= day]
        return max(starts) if starts else self.periods[0].start


@dataclass(frozen=True)
class Vacancy:
    """A vacancy as the statistics see it."""

    id: int
    isco: str
    area: str
    section: str | None
    openings: int
    posted_on: date
    expires_on: date | None
    closed_on: date | None
    hires: tuple[date, ...]

    def open_openings(self, day: date) -> int:
        """Its openings still to fill at the end of ``day`` (0 when not open then)."""
        if self.posted_on > day or (self.expires_on is not None and self.expires_on < day):
            return 0
        if self.closed_on is not None and self.closed_on <= day:
            return 0
        return max(0, self.openings - sum(1 for hire in self.hires if hire <= day))


@dataclass(frozen=True)
class Referral:
    """A referral: who to which vacancy, when, and its outcome."""

    seeker: int
    vacancy: int
    referred_on: date
    status: str
    outcome_on: date | None


@dataclass(frozen=True)
class Register:
    """The whole register as the statistics see it, and the country of the service."""

    country: str
    subdivisions: tuple[str, ...]
    seekers: dict[int, Seeker] = field(default_factory=dict)
    vacancies: dict[int, Vacancy] = field(default_factory=dict)
    referrals: tuple[Referral, ...] = ()


def read_register(connection: sa.Connection) -> Register:
    """The register in the PES database (see the module's description).

    Raises:
        BadInput: the database has no job centre, or centres in several countries.
    """
    centre_areas = set(connection.execute(sa.select(job_centres.c.area)).scalars())
    country = codes.country(centre_areas)
    known = areas.districts(connection)
    subdivisions = tuple(a.code for a in areas.country_subdivisions(country))
    found = [
        Referral(
            row.seeker_id,
            row.vacancy_id,
            as_utc(row.referred_at).date(),
            row.status,
            row.outcome_on,
        )
        for row in connection.execute(
            sa.select(
                referrals.c.seeker_id,
                referrals.c.vacancy_id,
                referrals.c.referred_at,
                referrals.c.status,
                referrals.c.outcome_on,
            ).order_by(referrals.c.id)
        )
    ]
    hires: dict[str, dict[int, list[date]]] = {"seeker": {}, "vacancy": {}}
    for referral in found:
        if referral.status == HIRED and referral.outcome_on is not None:
            hires["seeker"].setdefault(referral.seeker, []).append(referral.outcome_on)
            hires["vacancy"].setdefault(referral.vacancy, []).append(referral.outcome_on)
    changes = _status_changes(connection)
    return Register(
        country,
        subdivisions,
        _seekers(connection, known, hires["seeker"], changes.get("seeker", {})),
        _vacancies(connection, known, hires["vacancy"], changes.get("vacancy", {})),
        tuple(found),
    )


Change = tuple[date, str | None]
"""A change of status recorded in the audit log: its day, and the new status when the log
says it."""


def _status_changes(connection: sa.Connection) -> dict[str, dict[int, list[Change]]]:
    """The changes of status of seekers and vacancies that officers made (not those a hire
    made, which the referrals date), by kind and record, oldest first."""
    rows = connection.execute(
        sa.select(
            audit_log.c.at, audit_log.c.record_kind, audit_log.c.record_id, audit_log.c.detail
        )
        .where(
            audit_log.c.action.in_(["seeker.update", "vacancy.update"]),
            audit_log.c.outcome == "ok",
            audit_log.c.detail.like("fields: %status%"),
        )
        .order_by(audit_log.c.id)
    )
    found: dict[str, dict[int, list[Change]]] = {}
    for at, kind, record, detail in rows:
        if record is None or not STATUS_FIELD.match(detail) or "referral" in detail:
            continue
        status = NEW_STATUS.search(detail)
        found.setdefault(kind, {}).setdefault(record, []).append(
            (as_utc(at).date(), status.group(1) if status else None)
        )
    return found


def _day(moment: datetime | None) -> date | None:
    return None if moment is None else as_utc(moment).date()


def _seekers(
    connection: sa.Connection,
    known: dict[str, areas.Area],
    hires: dict[int, list[date]],
    changes: dict[int, list[Change]],
) -> dict[int, Seeker]:
    wanted: dict[int, list[str]] = {}
    for seeker_id, isco in connection.execute(
        sa.select(seeker_occupations.c.seeker_id, seeker_occupations.c.isco).order_by(
            seeker_occupations.c.seeker_id, seeker_occupations.c.position
        )
    ):
        wanted.setdefault(seeker_id, []).append(isco)
    found = {}
    for row in connection.execute(
        sa.select(
            seekers.c.id,
            seekers.c.sex,
            seekers.c.age_band,
            seekers.c.education,
            seekers.c.disability,
            seekers.c.area,
            seekers.c.registered_on,
            seekers.c.status,
            seekers.c.status_at_erasure,
            seekers.c.erased_at,
            seekers.c.updated_at,
        )
    ):
        erased = row.status == SeekerStatus.ERASED
        found[row.id] = Seeker(
            row.id,
            codes.sex(row.sex),
            codes.age(row.age_band),
            codes.education(row.education),
            codes.disability(row.disability),
            codes.area(codes.top_area(row.area, known)),
            tuple(wanted.get(row.id, ())),
            periods(
                row.registered_on,
                (row.status_at_erasure if erased else row.status) or SeekerStatus.ACTIVE,
                hires.get(row.id, []),
                changes.get(row.id, []),
                _day(row.erased_at) if erased else None,
                _day(row.updated_at) or row.registered_on,
            ),
        )
    return found


def periods(
    registered_on: date,
    status: str,
    hires: Iterable[date],
    changes: Iterable[Change],
    erased_on: date | None,
    changed_on: date,
) -> tuple[Period, ...]:
    """A seeker's periods on the register (see the module's description) from the day they
    registered, their status now (before any erasure), the days of their hires, the changes
    of status officers made, the day of their erasure and of their record's last change."""
    listed = list(changes)
    events: list[tuple[date, int, str]] = [(day, 0, SeekerStatus.PLACED) for day in hires]
    for k, (day, new) in enumerate(listed):
        if new is not None:
            events.append((day, 1, new))
        elif k == len(listed) - 1 and all(n is None or d <= day for d, n in listed):
            events.append((day, 1, status))
    events.sort(key=lambda event: (event[0], event[1]))
    if _final(events) != status:
        events.append((max(changed_on, events[-1][0] if events else registered_on), 2, status))
    if erased_on is not None:
        events.append((erased_on, 3, SeekerStatus.ERASED))
    done: list[Period] = []
    current: Period | None = Period(registered_on)
    for day, _, new in events:
        if current is not None and new != SeekerStatus.ACTIVE:
            end = max(day, current.start)
            done.append(Period(current.start, end, current.returned, new == SeekerStatus.PLACED))
            current = None
        elif current is None and new == SeekerStatus.ACTIVE:
            current = Period(day, returned=True)
    if current is not None:
        done.append(current)
    return tuple(done)


def _final(events: list[tuple[date, int, str]]) -> str:
    """The status the events leave a seeker in (active, from registration, when none)."""
    state = SeekerStatus.ACTIVE.value
    for _, _, new in events:
        if new == SeekerStatus.PLACED and state != SeekerStatus.ACTIVE:
            continue
        state = new
    return state


def _vacancies(
    connection: sa.Connection,
    known: dict[str, areas.Area],
    hires: dict[int, list[date]],
    changes: dict[int, list[Change]],
) -> dict[int, Vacancy]:
    found = {}
    for row in connection.execute(
        sa.select(
            vacancies.c.id,
            vacancies.c.isco,
            vacancies.c.area,
            vacancies.c.openings,
            vacancies.c.posted_on,
            vacancies.c.expires_on,
            vacancies.c.status,
            vacancies.c.updated_at,
            employers.c.isic,
        ).join(employers, employers.c.id == vacancies.c.employer_id)
    ):
        filled = sorted(hires.get(row.id, []))
        closed_on = None
        if row.status == VacancyStatus.CLOSED or (
            row.status == VacancyStatus.FILLED and len(filled) < row.openings
        ):
            dated = changes.get(row.id, [])
            closed_on = dated[-1][0] if dated else _day(row.updated_at)
        found[row.id] = Vacancy(
            row.id,
            row.isco,
            codes.area(codes.top_area(row.area, known)),
            codes.section(row.isic),
            row.openings,
            row.posted_on,
            row.expires_on,
            closed_on,
            tuple(filled),
        )
    return found

"""A person's rights over their data: everything the registry holds about a job seeker, as
JSON (:func:`person_export`), and erasure (:func:`person_erase`), which removes the personal
data and keeps, anonymised, only what the statistics need.

Erasure keeps the sex, the age band (at registration), the area, the job centre, the ISCO-08
codes of the desired occupations and the work history, the registration date, and the status
the seeker had (``status_at_erasure``; the status becomes ``erased``). Everything else goes:
names, national ID, date of birth, disability, contact, education, languages, skills, the
free text occupations were coded from, years of experience, availability, willingness to move,
expected wage and the consent record. Referrals (ids, dates, outcomes) stay: they hold no
personal value. On SQLite the freed space is overwritten (``secure_delete``) and the
write-ahead log is emptied after the erasure; on PostgreSQL the old row versions disappear at
the next ``VACUUM`` (autovacuum runs it).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from decentwork.errors import Conflict
from decentwork.pes import audit, referrals
from decentwork.pes.access import Actor, Role, require
from decentwork.pes.areas import area_name
from decentwork.pes.models import SeekerStatus
from decentwork.pes.records import SeekerRecord
from decentwork.pes.registry import Registry
from decentwork.pes.seekers import KIND, load, visible
from decentwork.pes.tables import (
    job_centres,
    seeker_jobs,
    seeker_occupations,
    seeker_skills,
    seekers,
)

ERASED_COLUMNS: dict[str, Any] = {
    "family_name": "",
    "given_names": "",
    "name_key": "",
    "national_id": None,
    "birth_date": None,
    "disability": None,
    "phone": None,
    "email": None,
    "address": None,
    "education": None,
    "languages": "",
    "available_from": None,
    "willing_to_move": None,
    "expected_wage": None,
    "wage_currency": None,
    "wage_period": None,
    "consent_purpose": None,
    "consent_at": None,
}
"""What erasure writes over the seeker's own columns."""


def person_export(registry: Registry, actor: Actor, seeker_id: int) -> dict[str, Any]:
    """Everything held about seeker ``seeker_id``, as JSON-ready data: the record (with the
    labels of its codes), their job centre, their referrals to vacancies, and every audit
    log entry about them (who read or changed the record, when, through what).
    Administrators, and officers of the seeker's centre; the export is logged.

    Raises:
        NotFound: no such seeker, or one the officer may not see.
        Refused: employers and analysts.
    """
    with audit.audited(registry, actor, "seeker.export", KIND, seeker_id) as step:
        visible(step.connection, step.actor, seeker_id)
        record = load(step.connection, seeker_id)
        centre = (
            step.connection.execute(sa.select(job_centres).where(job_centres.c.id == record.centre))
            .mappings()
            .one()
        )
        history = audit.about(step.connection, KIND, seeker_id)
        skills = registry.references.skills() if record.skills else {}
        return {
            "exported_at": registry.clock().isoformat(),
            "seeker": record.model_dump(mode="json"),
            "labels": {
                "area": area_name(step.connection, record.area),
                "occupations": {
                    code: registry.references.occupation_title(code) for code in _codes(record)
                },
                "skills": {uri: skills.get(uri, "") for uri in record.skills},
            },
            "job_centre": {
                "id": centre["id"],
                "code": centre["code"],
                "name": centre["name"],
                "area": centre["area"],
            },
            "referrals": [
                r.model_dump(mode="json") for r in referrals.of_seeker(step.connection, seeker_id)
            ],
            "audit_log": [
                {
                    "at": e.at.isoformat(),
                    "user_id": e.user_id,
                    "role": e.role,
                    "interface": e.interface,
                    "action": e.action,
                    "outcome": e.outcome,
                }
                for e in history
            ],
        }


def _codes(record: SeekerRecord) -> list[str]:
    return sorted({o.isco for o in record.occupations} | {j.isco for j in record.work_history})


def person_erase(registry: Registry, actor: Actor, seeker_id: int) -> SeekerRecord:
    """Erase seeker ``seeker_id``'s personal data, keeping only what the statistics need
    (see the module's description); the erasure is logged. Administrators only.

    Raises:
        Refused: the actor is not an administrator.
        NotFound: no such seeker.
        Conflict: the seeker is erased already.
    """
    with audit.audited(registry, actor, "seeker.erase", KIND, seeker_id) as step:
        require(step.actor, Role.ADMINISTRATOR, to="erase a person's data")
        visible(step.connection, step.actor, seeker_id)
        record = load(step.connection, seeker_id)
        if record.status == SeekerStatus.ERASED:
            raise Conflict(f"seeker {seeker_id} is erased already", given=seeker_id)
        now = registry.clock()
        step.connection.execute(
            sa.update(seekers)
            .where(seekers.c.id == seeker_id)
            .values(
                **ERASED_COLUMNS,
                status=SeekerStatus.ERASED.value,
                status_at_erasure=record.status,
                erased_at=now,
                updated_at=now,
                updated_by=step.actor.user_id,
                version=record.version + 1,
            )
        )
        step.connection.execute(
            sa.update(seeker_occupations)
            .where(seeker_occupations.c.seeker_id == seeker_id)
            .values(text="")
        )
        step.connection.execute(
            sa.update(seeker_jobs).where(seeker_jobs.c.seeker_id == seeker_id).values(years=None)
        )
        step.connection.execute(
            sa.delete(seeker_skills).where(seeker_skills.c.seeker_id == seeker_id)
        )
        erased = load(step.connection, seeker_id)
    _empty_sqlite_log(registry)
    return erased


def _empty_sqlite_log(registry: Registry) -> None:
    """On SQLite, copy the write-ahead log into the database and empty it, so that the
    erased values' old pages do not linger in it (skipped while readers hold it)."""
    if registry.engine.dialect.name == "sqlite":
        with registry.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

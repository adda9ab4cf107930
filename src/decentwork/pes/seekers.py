"""Job seekers: registering them (with duplicate detection), reading, searching and changing
them (with optimistic locking), each operation checked against the actor's rights and logged
in the audit log in its own transaction.

Administrators and officers only; an officer works with the seekers of their own centres, and
any other seeker is "not found" to them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from decentwork.errors import BadInput, Conflict
from decentwork.pes import audit, duplicates
from decentwork.pes.access import Actor, Role, not_found, require, require_centre, seeker_scope
from decentwork.pes.bulk import insert_rows
from decentwork.pes.duplicates import LikelyDuplicate
from decentwork.pes.locking import write_version
from decentwork.pes.models import SeekerIn, SeekerStatus, national_id_form, validated
from decentwork.pes.names import name_key, search_terms
from decentwork.pes.records import OccupationRecord, PastJobRecord, SeekerRecord, SeekerSummary
from decentwork.pes.registry import Registry
from decentwork.pes.tables import (
    job_centres,
    seeker_jobs,
    seeker_occupations,
    seeker_skills,
    seekers,
)
from decentwork.pes.times import age_band

KIND = "seeker"
MAX_RESULTS = 500
Confirmations = dict[tuple[int, str, str], tuple[int | None, datetime | None]]
"""Who confirmed each desired occupation, by (seeker, ISCO code, free text)."""


def register(
    registry: Registry,
    actor: Actor,
    data: Mapping[str, Any],
    *,
    confirm_not_duplicate: bool = False,
) -> SeekerRecord:
    """Register a job seeker (``data`` as :class:`~decentwork.pes.models.SeekerIn`).

    Raises:
        Refused: the actor is not an administrator or officer, or the centre is not the
            officer's.
        InvalidRecord: a field is wrong (each named).
        BadInput: the centre does not exist.
        LikelyDuplicate: a seeker with the same national ID is registered (always refused),
            or one with the same date of birth and a similar name (refused unless
            ``confirm_not_duplicate``).
    """
    with audit.audited(registry, actor, "seeker.create", KIND) as step:
        require(step.actor, Role.ADMINISTRATOR, Role.OFFICER, to="register job seekers")
        seeker = validated(SeekerIn, data, registry.checks(step.connection), KIND)
        check_centre(step.connection, step.actor, seeker.centre)
        same = duplicates.same_national_id(step.connection, step.actor, seeker.national_id)
        if same:
            raise LikelyDuplicate(same, confirmable=False)
        registered = duplicates.born_on(step.connection, [seeker.birth_date])
        similar = duplicates.similar_names(
            step.actor,
            name_key(seeker.family_name, seeker.given_names),
            registered.get(seeker.birth_date, []),
        )
        if similar and not confirm_not_duplicate:
            raise LikelyDuplicate(similar, confirmable=True)
        step.record_id = insert(
            step.connection, [seeker], user_id=step.actor.user_id, now=registry.clock()
        )[0]
        if similar:
            step.detail = f"confirmed not a duplicate of {len(similar)} similar seeker(s)"
        return load(step.connection, step.record_id)


def check_centre(connection: sa.Connection, actor: Actor, centre: int) -> None:
    """Refuse a job centre that does not exist or that is not the officer's.

    Raises:
        BadInput: no such centre.
        Refused: an officer's other centre.
    """
    if (
        connection.execute(sa.select(job_centres.c.id).where(job_centres.c.id == centre)).first()
        is None
    ):
        raise BadInput(f"no job centre {centre}", parameter="centre", given=centre)
    require_centre(actor, centre)


def insert(
    connection: sa.Connection, records: Sequence[SeekerIn], *, user_id: int | None, now: datetime
) -> list[int]:
    """Insert validated seekers (no access check, no duplicate check) in the caller's
    transaction; their ids.

    Raises:
        Conflict: a national ID was registered meanwhile.
    """
    rows = [
        {
            **_columns(s),
            "created_by": user_id,
            "updated_by": user_id,
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }
        for s in records
    ]
    try:
        ids = insert_rows(connection, seekers, rows)
    except sa.exc.IntegrityError:
        raise Conflict(
            "a seeker with the same national ID was registered meanwhile", parameter="national_id"
        ) from None
    _write_children(connection, list(zip(ids, records, strict=True)), user_id, now, {})
    return ids


def _columns(seeker: SeekerIn) -> dict[str, Any]:
    return {
        "centre_id": seeker.centre,
        "family_name": seeker.family_name,
        "given_names": seeker.given_names,
        "name_key": name_key(seeker.family_name, seeker.given_names),
        "national_id": seeker.national_id,
        "birth_date": seeker.birth_date,
        "age_band": age_band(seeker.birth_date, seeker.registered_on),
        "sex": seeker.sex.value,
        "disability": seeker.disability,
        "phone": seeker.phone,
        "email": seeker.email,
        "address": seeker.address,
        "area": seeker.area,
        "education": seeker.education,
        "languages": " ".join(dict.fromkeys(seeker.languages)),
        "available_from": seeker.available_from,
        "willing_to_move": seeker.willing_to_move,
        "expected_wage": seeker.expected_wage,
        "wage_currency": seeker.wage_currency,
        "wage_period": None if seeker.wage_period is None else seeker.wage_period.value,
        "consent_purpose": seeker.consent.purpose,
        "consent_at": seeker.consent.given_at,
        "registered_on": seeker.registered_on,
        "status": seeker.status.value,
    }


def _write_children(
    connection: sa.Connection,
    records: list[tuple[int, SeekerIn]],
    user_id: int | None,
    now: datetime,
    before: Confirmations,
) -> None:
    """Insert the desired occupations, work history and skills of ``records``; an occupation
    confirmed before keeps who confirmed it, a newly confirmed one gets ``user_id``."""
    occupations, jobs, skills = [], [], []
    for seeker_id, seeker in records:
        for position, wanted in enumerate(seeker.occupations, start=1):
            by, at = before.get((seeker_id, wanted.isco, wanted.text), (None, None))
            if by is None and wanted.confirmed:
                by, at = user_id, now
            occupations.append(
                {
                    "seeker_id": seeker_id,
                    "position": position,
                    "isco": wanted.isco,
                    "text": wanted.text,
                    "confirmed_by": by if wanted.confirmed else None,
                    "confirmed_at": at if wanted.confirmed else None,
                }
            )
        jobs += [
            {"seeker_id": seeker_id, "position": position, "isco": job.isco, "years": job.years}
            for position, job in enumerate(seeker.work_history, start=1)
        ]
        skills += [{"seeker_id": seeker_id, "uri": uri} for uri in dict.fromkeys(seeker.skills)]
    for table, rows in (
        (seeker_occupations, occupations),
        (seeker_jobs, jobs),
        (seeker_skills, skills),
    ):
        if rows:
            connection.execute(sa.insert(table), rows)


def visible(connection: sa.Connection, actor: Actor, seeker_id: int) -> None:
    """Refuse a seeker the actor may not see exactly as one that does not exist.

    Raises:
        NotFound: no such seeker, or not one of the officer's centres.
        Refused: the actor's role sees no person.
    """
    found = connection.execute(
        sa.select(seekers.c.id).where(seekers.c.id == seeker_id, seeker_scope(actor))
    ).first()
    if found is None:
        raise not_found(KIND, seeker_id)


def load(connection: sa.Connection, seeker_id: int) -> SeekerRecord:
    """The whole record of seeker ``seeker_id`` (no access check)."""
    row = connection.execute(sa.select(seekers).where(seekers.c.id == seeker_id)).mappings().one()
    occupations = connection.execute(
        sa.select(seeker_occupations)
        .where(seeker_occupations.c.seeker_id == seeker_id)
        .order_by(seeker_occupations.c.position)
    ).mappings()
    jobs = connection.execute(
        sa.select(seeker_jobs)
        .where(seeker_jobs.c.seeker_id == seeker_id)
        .order_by(seeker_jobs.c.position)
    ).mappings()
    skills = connection.execute(
        sa.select(seeker_skills.c.uri)
        .where(seeker_skills.c.seeker_id == seeker_id)
        .order_by(seeker_skills.c.uri)
    ).scalars()
    values = {k: v for k, v in row.items() if k not in ("centre_id", "name_key", "languages")}
    return SeekerRecord(
        **values,
        centre=row["centre_id"],
        languages=row["languages"].split(),
        occupations=[
            OccupationRecord(
                isco=o["isco"],
                text=o["text"],
                confirmed_by=o["confirmed_by"],
                confirmed_at=o["confirmed_at"],
            )
            for o in occupations
        ],
        work_history=[PastJobRecord(isco=j["isco"], years=j["years"]) for j in jobs],
        skills=list(skills),
    )


def read(registry: Registry, actor: Actor, seeker_id: int) -> SeekerRecord:
    """Seeker ``seeker_id``'s whole record; the read is logged.

    Raises:
        NotFound: no such seeker, or one the officer may not see.
        Refused: employers and analysts see no person.
    """
    with audit.audited(registry, actor, "seeker.read", KIND, seeker_id) as step:
        visible(step.connection, step.actor, seeker_id)
        return load(step.connection, seeker_id)


def search(
    registry: Registry,
    actor: Actor,
    *,
    name: str | None = None,
    national_id: str | None = None,
    occupation: str | None = None,
    area: str | None = None,
    status: str | None = None,
    centre: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[SeekerSummary]:
    """The seekers the actor may see that match every filter given, by name: ``name`` (each
    word, in its normal form, in the family or given names, in any script), ``national_id``,
    ``occupation`` (an ISCO-08 code or the start of one, among the desired occupations),
    ``area`` (the area or a district in it), ``status``, ``centre``. At most ``limit``
    (up to 500) from ``offset``. The search is logged with the number of results and the
    names of the filters (not their values).

    Raises:
        BadInput: a filter or ``limit``/``offset`` is malformed.
        Refused: employers and analysts see no person.
    """
    if not 1 <= limit <= MAX_RESULTS:
        raise BadInput(
            f"limit {limit} is not between 1 and {MAX_RESULTS}",
            parameter="limit",
            given=limit,
            expected=f"1 to {MAX_RESULTS}",
        )
    if offset < 0:
        raise BadInput(
            f"offset {offset} is negative", parameter="offset", given=offset, expected="0 or more"
        )
    conditions = _filters(
        name=name,
        national_id=national_id,
        occupation=occupation,
        area=area,
        status=status,
        centre=centre,
    )
    with audit.audited(registry, actor, "seeker.list", KIND) as step:
        query = (
            sa.select(seekers)
            .where(seeker_scope(step.actor), *conditions)
            .order_by(seekers.c.name_key, seekers.c.id)
            .limit(limit)
            .offset(offset)
        )
        rows = step.connection.execute(query).mappings().all()
        used = [
            n
            for n, v in (
                ("name", name),
                ("national_id", national_id),
                ("occupation", occupation),
                ("area", area),
                ("status", status),
                ("centre", centre),
            )
            if v is not None
        ]
        step.detail = f"{len(rows)} results; filters: {', '.join(used) or 'none'}"
        return _summaries(step.connection, rows)


def summaries(connection: sa.Connection, seeker_ids: Sequence[int]) -> dict[int, SeekerSummary]:
    """Seekers ``seeker_ids`` as a search lists them, by id (no access check, not logged:
    the caller does both)."""
    rows = (
        connection.execute(sa.select(seekers).where(seekers.c.id.in_(sorted(seeker_ids))))
        .mappings()
        .all()
    )
    return {summary.id: summary for summary in _summaries(connection, rows)}


def _summaries(connection: sa.Connection, rows: Sequence[sa.RowMapping]) -> list[SeekerSummary]:
    """The summaries of seekers' ``rows`` (with their desired occupations), in order."""
    codes: dict[int, list[str]] = {}
    ids = [row["id"] for row in rows]
    if ids:
        for seeker_id, isco in connection.execute(
            sa.select(seeker_occupations.c.seeker_id, seeker_occupations.c.isco)
            .where(seeker_occupations.c.seeker_id.in_(ids))
            .order_by(seeker_occupations.c.position)
        ):
            codes.setdefault(seeker_id, []).append(isco)
    return [
        SeekerSummary(
            id=r["id"],
            centre=r["centre_id"],
            family_name=r["family_name"],
            given_names=r["given_names"],
            birth_date=r["birth_date"],
            sex=r["sex"],
            area=r["area"],
            status=r["status"],
            registered_on=r["registered_on"],
            occupations=codes.get(r["id"], []),
        )
        for r in rows
    ]


def _filters(
    *,
    name: str | None,
    national_id: str | None,
    occupation: str | None,
    area: str | None,
    status: str | None,
    centre: int | None,
) -> list[sa.ColumnElement[bool]]:
    """The search's conditions.

    Raises:
        BadInput: a malformed occupation code, status or national ID.
    """
    conditions: list[sa.ColumnElement[bool]] = []
    if name is not None:
        conditions += [
            seekers.c.name_key.contains(term, autoescape=True) for term in search_terms(name)
        ]
    if national_id is not None:
        conditions.append(seekers.c.national_id == national_id_form(national_id, "national_id"))
    if occupation is not None:
        if not (occupation.isdigit() and 1 <= len(occupation) <= 4):
            raise BadInput(
                f"occupation {occupation!r} is not an ISCO-08 code",
                parameter="occupation",
                given=occupation,
                expected="1 to 4 digits",
            )
        conditions.append(
            seekers.c.id.in_(
                sa.select(seeker_occupations.c.seeker_id).where(
                    seeker_occupations.c.isco.startswith(occupation)
                )
            )
        )
    if area is not None:
        code = area.strip().upper()
        conditions.append(
            sa.or_(seekers.c.area == code, seekers.c.area.startswith(code + "-", autoescape=True))
        )
    if status is not None:
        if status not in {s.value for s in SeekerStatus}:
            raise BadInput(
                f"status {status!r} is not a seeker's status",
                parameter="status",
                given=status,
                expected=", ".join(s.value for s in SeekerStatus),
            )
        conditions.append(seekers.c.status == status)
    if centre is not None:
        conditions.append(seekers.c.centre_id == centre)
    return conditions


def update(
    registry: Registry, actor: Actor, seeker_id: int, version: int, changes: Mapping[str, Any]
) -> SeekerRecord:
    """Change seeker ``seeker_id``, read at ``version``: ``changes`` replaces fields of
    :class:`~decentwork.pes.models.SeekerIn` (a list such as ``occupations`` as a whole),
    and the whole record is checked again. The log names the fields changed.

    Raises:
        NotFound: no such seeker, or one the officer may not see.
        Refused: the actor may not change seekers, or moves one to a centre not theirs.
        Conflict: someone changed the seeker since ``version`` (nothing is written), the
            seeker is erased, or the national ID is another seeker's.
        InvalidRecord: a field is wrong.
    """
    with audit.audited(registry, actor, "seeker.update", KIND, seeker_id) as step:
        visible(step.connection, step.actor, seeker_id)
        current = load(step.connection, seeker_id)
        if current.status == SeekerStatus.ERASED:
            raise Conflict(
                f"seeker {seeker_id} is erased: the record no longer changes", given=seeker_id
            )
        step.detail = f"fields: {', '.join(sorted(changes))}"
        seeker = validated(
            SeekerIn, {**as_input(current), **changes}, registry.checks(step.connection), KIND
        )
        if seeker.status != current.status:
            step.detail += f" ({seeker.status.value})"  # the statistics date periods by it
        if seeker.centre != current.centre:
            check_centre(step.connection, step.actor, seeker.centre)
        same = duplicates.same_national_id(
            step.connection, step.actor, seeker.national_id, exclude=seeker_id
        )
        if same:
            raise LikelyDuplicate(same, confirmable=False)
        now = registry.clock()
        write_version(
            step.connection,
            seekers,
            KIND,
            seeker_id,
            version,
            {**_columns(seeker), "updated_by": step.actor.user_id, "updated_at": now},
        )
        before: Confirmations = {
            (seeker_id, o.isco, o.text): (o.confirmed_by, o.confirmed_at)
            for o in current.occupations
        }
        for table in (seeker_occupations, seeker_jobs, seeker_skills):
            step.connection.execute(sa.delete(table).where(table.c.seeker_id == seeker_id))
        _write_children(step.connection, [(seeker_id, seeker)], step.actor.user_id, now, before)
        return load(step.connection, seeker_id)


def as_input(record: SeekerRecord) -> dict[str, Any]:
    """A record as the fields of :class:`~decentwork.pes.models.SeekerIn` (to change some
    and check the whole again)."""
    return {
        "centre": record.centre,
        "family_name": record.family_name,
        "given_names": record.given_names,
        "national_id": record.national_id,
        "birth_date": record.birth_date,
        "sex": record.sex,
        "disability": record.disability,
        "phone": record.phone,
        "email": record.email,
        "address": record.address,
        "area": record.area,
        "education": record.education,
        "languages": record.languages,
        "occupations": [
            {"isco": o.isco, "text": o.text, "confirmed": o.confirmed_by is not None}
            for o in record.occupations
        ],
        "skills": record.skills,
        "work_history": [{"isco": j.isco, "years": j.years} for j in record.work_history],
        "available_from": record.available_from,
        "willing_to_move": record.willing_to_move,
        "expected_wage": record.expected_wage,
        "wage_currency": record.wage_currency,
        "wage_period": record.wage_period,
        "consent": {"purpose": record.consent_purpose, "given_at": record.consent_at},
        "registered_on": record.registered_on,
        "status": record.status,
    }

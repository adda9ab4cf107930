"""Vacancies: posting, reading, searching and changing them (with optimistic locking), each
operation checked against the actor's rights and logged.

An administrator works with every vacancy, an officer with those of their centres, an
employer user with its own employer's; any other vacancy is "not found" to them. Analysts see
aggregates only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from decentwork.errors import BadInput, Refused
from decentwork.pes import audit
from decentwork.pes.access import Actor, Role, not_found, require, vacancy_scope
from decentwork.pes.bulk import insert_rows
from decentwork.pes.locking import write_version
from decentwork.pes.models import VacancyIn, VacancyStatus, validated
from decentwork.pes.records import VacancyRecord
from decentwork.pes.registry import Registry
from decentwork.pes.seekers import check_centre
from decentwork.pes.tables import employers, vacancies, vacancy_skills

KIND = "vacancy"
MAX_RESULTS = 500
FIELDS = (
    "title",
    "description",
    "isco",
    "area",
    "openings",
    "education",
    "experience_years",
    "wage_min",
    "wage_max",
    "wage_currency",
    "contract",
    "posted_on",
    "expires_on",
    "starts_on",
)


def post(registry: Registry, actor: Actor, data: Mapping[str, Any]) -> VacancyRecord:
    """Post a vacancy (``data`` as :class:`~decentwork.pes.models.VacancyIn`); an employer
    user posts for its own employer.

    Raises:
        Refused: an analyst; an officer at a centre not theirs; an employer user for another
            employer.
        InvalidRecord: a field is wrong.
        BadInput: the employer or centre does not exist.
    """
    with audit.audited(registry, actor, "vacancy.create", KIND) as step:
        require(step.actor, Role.ADMINISTRATOR, Role.OFFICER, Role.EMPLOYER, to="post vacancies")
        vacancy = validated(VacancyIn, data, registry.checks(step.connection), KIND)
        _check_links(step.connection, step.actor, vacancy)
        step.record_id = insert(
            step.connection, [vacancy], user_id=step.actor.user_id, now=registry.clock()
        )[0]
        return load(step.connection, step.record_id)


def _check_links(connection: sa.Connection, actor: Actor, vacancy: VacancyIn) -> None:
    """Refuse an employer or centre that does not exist or that the actor may not use."""
    if actor.role == Role.EMPLOYER and vacancy.employer != actor.employer:
        raise Refused(
            "an employer user posts vacancies of its own employer only",
            parameter="employer",
            given=vacancy.employer,
        )
    if (
        connection.execute(
            sa.select(employers.c.id).where(employers.c.id == vacancy.employer)
        ).first()
        is None
    ):
        raise BadInput(
            f"no employer {vacancy.employer}", parameter="employer", given=vacancy.employer
        )
    check_centre(connection, actor, vacancy.centre)


def insert(
    connection: sa.Connection, records: Sequence[VacancyIn], *, user_id: int | None, now: datetime
) -> list[int]:
    """Insert validated vacancies (no access check) in the caller's transaction; their ids."""
    rows = [
        {
            **_columns(v),
            "created_by": user_id,
            "updated_by": user_id,
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }
        for v in records
    ]
    ids = insert_rows(connection, vacancies, rows)
    skills = [
        {"vacancy_id": i, "uri": uri}
        for i, v in zip(ids, records, strict=True)
        for uri in dict.fromkeys(v.skills)
    ]
    if skills:
        connection.execute(sa.insert(vacancy_skills), skills)
    return ids


def _columns(vacancy: VacancyIn) -> dict[str, Any]:
    return {
        **vacancy.model_dump(include=set(FIELDS)),
        "employer_id": vacancy.employer,
        "centre_id": vacancy.centre,
        "contract": vacancy.contract.value,
        "status": vacancy.status.value,
        "wage_period": None if vacancy.wage_period is None else vacancy.wage_period.value,
    }


def load(connection: sa.Connection, vacancy_id: int) -> VacancyRecord:
    """Vacancy ``vacancy_id`` (no access check)."""
    row = (
        connection.execute(sa.select(vacancies).where(vacancies.c.id == vacancy_id))
        .mappings()
        .one()
    )
    skills = connection.execute(
        sa.select(vacancy_skills.c.uri)
        .where(vacancy_skills.c.vacancy_id == vacancy_id)
        .order_by(vacancy_skills.c.uri)
    ).scalars()
    values = {k: v for k, v in row.items() if k not in ("employer_id", "centre_id")}
    return VacancyRecord(
        **values, employer=row["employer_id"], centre=row["centre_id"], skills=list(skills)
    )


def _visible(connection: sa.Connection, actor: Actor, vacancy_id: int) -> None:
    if (
        connection.execute(
            sa.select(vacancies.c.id).where(vacancies.c.id == vacancy_id, vacancy_scope(actor))
        ).first()
        is None
    ):
        raise not_found(KIND, vacancy_id)


def read(registry: Registry, actor: Actor, vacancy_id: int) -> VacancyRecord:
    """Vacancy ``vacancy_id``; the read is logged.

    Raises:
        NotFound: no such vacancy, or one the actor may not see.
        Refused: analysts.
    """
    with audit.audited(registry, actor, "vacancy.read", KIND, vacancy_id) as step:
        _visible(step.connection, step.actor, vacancy_id)
        return load(step.connection, vacancy_id)


def search(
    registry: Registry,
    actor: Actor,
    *,
    title: str | None = None,
    occupation: str | None = None,
    area: str | None = None,
    status: str | None = None,
    employer: int | None = None,
    centre: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[VacancyRecord]:
    """The vacancies the actor may see that match every filter given, newest first:
    ``title`` (words in the title), ``occupation`` (an ISCO-08 code or its start), ``area``
    (the area or a district in it), ``status``, ``employer``, ``centre``.

    Raises:
        BadInput: a malformed filter, ``limit`` or ``offset``.
        Refused: analysts.
    """
    if not 1 <= limit <= MAX_RESULTS or offset < 0:
        raise BadInput(
            f"limit {limit}, offset {offset}: expected a limit of 1 to "
            f"{MAX_RESULTS} and an offset of 0 or more",
            parameter="limit",
            given=limit,
        )
    conditions: list[sa.ColumnElement[bool]] = []
    if title:
        conditions += [
            sa.func.lower(vacancies.c.title).contains(word, autoescape=True)
            for word in title.lower().split()
        ]
    if occupation is not None:
        if not (occupation.isdigit() and 1 <= len(occupation) <= 4):
            raise BadInput(
                f"occupation {occupation!r} is not an ISCO-08 code",
                parameter="occupation",
                given=occupation,
                expected="1 to 4 digits",
            )
        conditions.append(vacancies.c.isco.startswith(occupation))
    if area is not None:
        code = area.strip().upper()
        conditions.append(
            sa.or_(
                vacancies.c.area == code, vacancies.c.area.startswith(code + "-", autoescape=True)
            )
        )
    if status is not None:
        if status not in {s.value for s in VacancyStatus}:
            raise BadInput(
                f"status {status!r} is not a vacancy's status",
                parameter="status",
                given=status,
                expected=", ".join(s.value for s in VacancyStatus),
            )
        conditions.append(vacancies.c.status == status)
    if employer is not None:
        conditions.append(vacancies.c.employer_id == employer)
    if centre is not None:
        conditions.append(vacancies.c.centre_id == centre)
    with audit.audited(registry, actor, "vacancy.list", KIND) as step:
        ids = (
            step.connection.execute(
                sa.select(vacancies.c.id)
                .where(vacancy_scope(step.actor), *conditions)
                .order_by(vacancies.c.posted_on.desc(), vacancies.c.id.desc())
                .limit(limit)
                .offset(offset)
            )
            .scalars()
            .all()
        )
        step.detail = f"{len(ids)} results"
        return [load(step.connection, vacancy_id) for vacancy_id in ids]


def update(
    registry: Registry, actor: Actor, vacancy_id: int, version: int, changes: Mapping[str, Any]
) -> VacancyRecord:
    """Change vacancy ``vacancy_id`` read at ``version`` (``changes`` replaces fields of
    :class:`~decentwork.pes.models.VacancyIn`; the whole is checked again).

    Raises:
        NotFound: no such vacancy, or one the actor may not see.
        Refused: analysts; moving it to a centre or employer the actor may not use.
        Conflict: someone changed it since ``version``.
        InvalidRecord: a field is wrong.
    """
    with audit.audited(registry, actor, "vacancy.update", KIND, vacancy_id) as step:
        _visible(step.connection, step.actor, vacancy_id)
        step.detail = f"fields: {', '.join(sorted(changes))}"
        current = load(step.connection, vacancy_id)
        before = {
            **current.model_dump(include={*FIELDS, "skills", "wage_period", "status"}),
            "employer": current.employer,
            "centre": current.centre,
        }
        vacancy = validated(
            VacancyIn, {**before, **changes}, registry.checks(step.connection), KIND
        )
        if (vacancy.employer, vacancy.centre) != (current.employer, current.centre):
            _check_links(step.connection, step.actor, vacancy)
        write_version(
            step.connection,
            vacancies,
            KIND,
            vacancy_id,
            version,
            {**_columns(vacancy), "updated_by": step.actor.user_id, "updated_at": registry.clock()},
        )
        step.connection.execute(
            sa.delete(vacancy_skills).where(vacancy_skills.c.vacancy_id == vacancy_id)
        )
        if vacancy.skills:
            step.connection.execute(
                sa.insert(vacancy_skills),
                [{"vacancy_id": vacancy_id, "uri": uri} for uri in dict.fromkeys(vacancy.skills)],
            )
        return load(step.connection, vacancy_id)

"""Employers: added and changed by administrators and officers (an employer user may read and
change its own), listed by administrators and officers. Changes are logged."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from decentwork.errors import BadInput, Conflict
from decentwork.pes import audit
from decentwork.pes.access import Actor, Role, acting, not_found, require
from decentwork.pes.bulk import insert_rows
from decentwork.pes.locking import write_version
from decentwork.pes.models import EmployerIn, validated
from decentwork.pes.records import EmployerRecord
from decentwork.pes.registry import Registry
from decentwork.pes.tables import employers

KIND = "employer"
FIELDS = (
    "name",
    "registration_number",
    "isic",
    "area",
    "contact_name",
    "phone",
    "email",
    "address",
)


def add_employer(registry: Registry, actor: Actor, data: Mapping[str, Any]) -> EmployerRecord:
    """Add an employer (``data`` as :class:`~decentwork.pes.models.EmployerIn`).

    Raises:
        Refused: the actor is neither an administrator nor an officer.
        InvalidRecord: a field is wrong.
        Conflict: the registration number is another employer's.
    """
    with audit.audited(registry, actor, "employer.create", KIND) as step:
        require(step.actor, Role.ADMINISTRATOR, Role.OFFICER, to="add employers")
        employer = validated(EmployerIn, data, registry.checks(step.connection), KIND)
        step.record_id = insert(step.connection, [employer], registry.clock())[0]
        return load(step.connection, step.record_id)


def insert(connection: sa.Connection, records: Sequence[EmployerIn], now: datetime) -> list[int]:
    """Insert validated employers in the caller's transaction; their ids.

    Raises:
        Conflict: a registration number is taken.
    """
    numbers = [e.registration_number for e in records if e.registration_number]
    if numbers:
        taken = (
            connection.execute(
                sa.select(employers.c.registration_number).where(
                    employers.c.registration_number.in_(numbers)
                )
            )
            .scalars()
            .all()
        )
        if taken:
            raise Conflict(
                f"registration number(s) {', '.join(sorted(taken))} belong to another employer",
                parameter="registration_number",
                given=", ".join(sorted(taken)),
            )
    return insert_rows(
        connection,
        employers,
        [
            {
                **e.model_dump(include=set(FIELDS)),
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
            for e in records
        ],
    )


def load(connection: sa.Connection, employer_id: int) -> EmployerRecord:
    """Employer ``employer_id`` (no access check)."""
    row = (
        connection.execute(sa.select(employers).where(employers.c.id == employer_id))
        .mappings()
        .one()
    )
    return EmployerRecord(**row)


def _may_see(actor: Actor, employer_id: int) -> bool:
    return actor.role in (Role.ADMINISTRATOR, Role.OFFICER) or (
        actor.role == Role.EMPLOYER and actor.employer == employer_id
    )


def read_employer(registry: Registry, actor: Actor, employer_id: int) -> EmployerRecord:
    """Employer ``employer_id``.

    Raises:
        NotFound: no such employer, or another employer for an employer user.
        Refused: analysts see aggregates only.
    """
    with acting(registry, actor) as (connection, current):
        require(current, Role.ADMINISTRATOR, Role.OFFICER, Role.EMPLOYER, to="see employers")
        exists = connection.execute(
            sa.select(employers.c.id).where(employers.c.id == employer_id)
        ).first()
        if exists is None or not _may_see(current, employer_id):
            raise not_found(KIND, employer_id)
        return load(connection, employer_id)


def list_employers(
    registry: Registry, actor: Actor, *, name: str | None = None, limit: int = 50, offset: int = 0
) -> list[EmployerRecord]:
    """Employers by name (those whose name contains ``name``, when given).

    Raises:
        Refused: the actor is neither an administrator nor an officer.
        BadInput: ``limit`` or ``offset`` out of range.
    """
    if not 1 <= limit <= 500 or offset < 0:
        raise BadInput(
            f"limit {limit}, offset {offset}: expected a limit of 1 to 500 and an "
            "offset of 0 or more",
            parameter="limit",
            given=limit,
        )
    with acting(registry, actor) as (connection, current):
        require(current, Role.ADMINISTRATOR, Role.OFFICER, to="list employers")
        query = sa.select(employers.c.id).order_by(employers.c.name, employers.c.id)
        if name:
            query = query.where(
                sa.func.lower(employers.c.name).contains(name.strip().lower(), autoescape=True)
            )
        ids = connection.execute(query.limit(limit).offset(offset)).scalars().all()
        return [load(connection, employer_id) for employer_id in ids]


def find_employer(
    connection: sa.Connection, name: str, registration_number: str | None
) -> int | None:
    """The employer with ``registration_number`` if given, else the one named ``name``
    (without regard to case), or None."""
    if registration_number:
        query = sa.select(employers.c.id).where(
            employers.c.registration_number == registration_number
        )
    else:
        query = (
            sa.select(employers.c.id)
            .where(sa.func.lower(employers.c.name) == name.strip().lower())
            .order_by(employers.c.id)
        )
    found = connection.execute(query).scalar()
    return None if found is None else int(found)


def update_employer(
    registry: Registry, actor: Actor, employer_id: int, version: int, changes: Mapping[str, Any]
) -> EmployerRecord:
    """Change employer ``employer_id`` read at ``version`` (``changes`` replaces fields).

    Raises:
        NotFound: no such employer, or another one for an employer user.
        Refused: analysts.
        Conflict: someone changed it since ``version``, or the registration number is
            another employer's.
        InvalidRecord: a field is wrong.
    """
    with audit.audited(registry, actor, "employer.update", KIND, employer_id) as step:
        require(step.actor, Role.ADMINISTRATOR, Role.OFFICER, Role.EMPLOYER, to="change employers")
        exists = step.connection.execute(
            sa.select(employers.c.id).where(employers.c.id == employer_id)
        ).first()
        if exists is None or not _may_see(step.actor, employer_id):
            raise not_found(KIND, employer_id)
        step.detail = f"fields: {', '.join(sorted(changes))}"
        current = load(step.connection, employer_id).model_dump(include=set(FIELDS))
        employer = validated(
            EmployerIn, {**current, **changes}, registry.checks(step.connection), KIND
        )
        number = employer.registration_number
        if (
            number
            and step.connection.execute(
                sa.select(employers.c.id).where(
                    employers.c.registration_number == number, employers.c.id != employer_id
                )
            ).first()
            is not None
        ):
            raise Conflict(
                f"registration number {number} belongs to another employer",
                parameter="registration_number",
                given=number,
            )
        write_version(
            step.connection,
            employers,
            KIND,
            employer_id,
            version,
            {**employer.model_dump(include=set(FIELDS)), "updated_at": registry.clock()},
        )
        return load(step.connection, employer_id)

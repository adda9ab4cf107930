"""Job centres: adding them (administrators) and listing them (every user)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from decentwork.errors import Conflict, NotFound
from decentwork.pes import audit
from decentwork.pes.access import Actor, Role, acting, require
from decentwork.pes.bulk import insert_rows
from decentwork.pes.models import CentreIn, validated
from decentwork.pes.records import Centre
from decentwork.pes.registry import Registry
from decentwork.pes.tables import job_centres

KIND = "centre"


def add_centre(registry: Registry, actor: Actor, data: Mapping[str, Any]) -> Centre:
    """Add a job centre (``code``, ``name``, ``area``). Administrators only.

    Raises:
        Refused: the actor is not an administrator.
        InvalidRecord: a field is wrong.
        Conflict: the code is taken.
    """
    with audit.audited(registry, actor, "centre.create", KIND) as step:
        require(step.actor, Role.ADMINISTRATOR, to="add job centres")
        centre = validated(CentreIn, data, registry.checks(step.connection), KIND)
        step.record_id = insert(step.connection, [centre], registry)[0]
        return _centre(step.connection, step.record_id)


def insert(connection: sa.Connection, centres: Sequence[CentreIn], registry: Registry) -> list[int]:
    """Insert validated centres in the caller's transaction; their ids.

    Raises:
        Conflict: a code is taken.
    """
    taken = ids_by_code(connection, [c.code for c in centres])
    if taken:
        raise Conflict(
            f"job centre code(s) {', '.join(sorted(taken))} taken already",
            parameter="code",
            given=", ".join(sorted(taken)),
        )
    now = registry.clock()
    return insert_rows(
        connection,
        job_centres,
        [{"code": c.code, "name": c.name, "area": c.area, "created_at": now} for c in centres],
    )


def list_centres(registry: Registry, actor: Actor) -> list[Centre]:
    """Every job centre, by code (every user may list them)."""
    with acting(registry, actor) as (connection, _):
        rows = connection.execute(sa.select(job_centres).order_by(job_centres.c.code))
        return [Centre(id=r.id, code=r.code, name=r.name, area=r.area) for r in rows]


def ids_by_code(connection: sa.Connection, codes: Iterable[str]) -> dict[str, int]:
    """The ids of those of the centres ``codes`` that exist, by code."""
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    return {
        row.code: row.id
        for row in connection.execute(
            sa.select(job_centres.c.code, job_centres.c.id).where(job_centres.c.code.in_(wanted))
        )
    }


def centre_ids(registry: Registry, codes: Iterable[str]) -> list[int]:
    """The ids of the job centres ``codes``, in order.

    Raises:
        NotFound: a code no centre has.
    """
    codes = list(codes)
    with registry.engine.connect() as connection:
        found = ids_by_code(connection, codes)
    missing = [c for c in codes if c not in found]
    if missing:
        raise NotFound(
            f"no job centre {', '.join(missing)}", parameter="centres", given=", ".join(missing)
        )
    return [found[c] for c in codes]


def _centre(connection: sa.Connection, centre_id: int) -> Centre:
    row = connection.execute(sa.select(job_centres).where(job_centres.c.id == centre_id)).one()
    return Centre(id=row.id, code=row.code, name=row.name, area=row.area)

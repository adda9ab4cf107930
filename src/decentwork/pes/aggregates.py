"""Counts of seekers and vacancies: what an analyst may see (never a person). The PES
statistics proper (indicators, suppression of small cells, publication to the warehouse)
build on these.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from decentwork.errors import BadInput
from decentwork.pes.access import Actor, Role, acting, require
from decentwork.pes.registry import Registry
from decentwork.pes.tables import seekers, vacancies

SEEKER_GROUPS = {
    "centre": seekers.c.centre_id,
    "area": seekers.c.area,
    "sex": seekers.c.sex,
    "age_band": seekers.c.age_band,
    "status": seekers.c.status,
}
VACANCY_GROUPS = {
    "centre": vacancies.c.centre_id,
    "area": vacancies.c.area,
    "isco": vacancies.c.isco,
    "status": vacancies.c.status,
    "contract": vacancies.c.contract,
}


def _columns(
    by: Sequence[str], groups: Mapping[str, sa.ColumnElement[Any]]
) -> list[sa.ColumnElement[Any]]:
    unknown = [name for name in by if name not in groups]
    if unknown:
        raise BadInput(
            f"cannot count by {', '.join(unknown)}",
            parameter="by",
            given=", ".join(unknown),
            expected=", ".join(groups),
        )
    return [groups[name].label(name) for name in by]


def seeker_counts(
    registry: Registry, actor: Actor, by: Sequence[str] = ("status",)
) -> list[dict[str, Any]]:
    """The number of seekers (erased ones included) in each group of ``by`` (among centre,
    area, sex, age_band, status). Administrators and analysts.

    Raises:
        Refused: officers and employers.
        BadInput: an unknown group.
    """
    columns = _columns(by, SEEKER_GROUPS)
    with acting(registry, actor) as (connection, current):
        require(current, Role.ADMINISTRATOR, Role.ANALYST, to="count job seekers")
        rows = connection.execute(
            sa.select(*columns, sa.func.count().label("seekers"))
            .group_by(*columns)
            .order_by(*columns)
        )
        return [dict(row._mapping) for row in rows]


def vacancy_counts(
    registry: Registry, actor: Actor, by: Sequence[str] = ("status",)
) -> list[dict[str, Any]]:
    """The number of vacancies and of their openings in each group of ``by`` (among centre,
    area, isco, status, contract). Administrators and analysts.

    Raises:
        Refused: officers and employers.
        BadInput: an unknown group.
    """
    columns = _columns(by, VACANCY_GROUPS)
    with acting(registry, actor) as (connection, current):
        require(current, Role.ADMINISTRATOR, Role.ANALYST, to="count vacancies")
        rows = connection.execute(
            sa.select(
                *columns,
                sa.func.count().label("vacancies"),
                sa.func.sum(vacancies.c.openings).label("openings"),
            )
            .group_by(*columns)
            .order_by(*columns)
        )
        return [dict(row._mapping) for row in rows]

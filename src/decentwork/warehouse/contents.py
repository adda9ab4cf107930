"""What the warehouse holds: which indicators and areas have observations in the latest view,
for which periods, with their labels and indicator metadata; and its releases."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from decentwork.warehouse.tables import (
    changes,
    indicators,
    labels,
    releases,
)
from decentwork.warehouse.views import Filters, view_query


@dataclass(frozen=True)
class Coverage:
    """The observations of one code (an indicator or an area) in the latest view."""

    code: str
    label: str | None
    """The code's English label, where a loaded dictionary gives one."""
    observations: int
    times: tuple[str, ...]
    """The periods with data, sorted (``2019``, ``2019Q1``, ``2019M01``...)."""


def label_map(connection: sa.Connection, lang: str = "en",
              kind: str | None = None) -> dict[tuple[str, str], str]:
    """Labels in language ``lang`` (of one ``kind`` of code, or all) by (kind, code)."""
    query = sa.select(labels.c.kind, labels.c.code, labels.c.label).where(labels.c.lang == lang)
    if kind is not None:
        query = query.where(labels.c.kind == kind)
    return {(k, code): label for k, code, label in connection.execute(query)}


def described(connection: sa.Connection) -> dict[str, tuple[str, str]]:
    """Indicator metadata: (unit, definition) by indicator code."""
    return {code: (unit, definition)
            for code, unit, definition in connection.execute(sa.select(indicators))}


def coverage(connection: sa.Connection, by: str, filters: Filters | None = None
             ) -> list[Coverage]:
    """The codes of column ``by`` (``indicator`` or ``ref_area``) with observations in the
    latest view (restricted by ``filters``), sorted by code: their label, number of
    observations and periods."""
    found = view_query(filters or Filters({}), None).subquery()
    rows = connection.execute(
        sa.select(found.c[by], found.c.time, sa.func.count())
        .group_by(found.c[by], found.c.time))
    counted: dict[str, dict[str, int]] = {}
    for code, time, count in rows:
        counted.setdefault(code, {})[time] = count
    names = label_map(connection, kind=by)
    return [Coverage(code, names.get((by, code)), sum(times.values()), tuple(sorted(times)))
            for code, times in sorted(counted.items())]


def release_history(connection: sa.Connection, limit: int | None = None, offset: int = 0
                    ) -> tuple[list[sa.RowMapping], int]:
    """The releases, newest first (``limit`` of them from the ``offset``-th on, or all), and
    how many there are in all."""
    total = connection.execute(sa.select(sa.func.count()).select_from(releases)).scalar_one()
    rows = connection.execute(sa.select(releases).order_by(releases.c.id.desc())
                              .limit(limit).offset(offset)).mappings().all()
    return list(rows), int(total)


def state_mark(connection: sa.Connection) -> tuple[int, int]:
    """A mark of the warehouse's state that changes whenever a load (a new release, which
    also brings labels and indicator metadata) or another change (area groups: the
    ``changes`` log) does: answers computed under one mark stay true until the mark
    changes."""
    row = connection.execute(sa.select(sa.func.coalesce(sa.func.max(releases.c.id), 0),
                                       sa.select(sa.func.coalesce(sa.func.max(changes.c.id), 0))
                                       .scalar_subquery())).one()
    return int(row[0]), int(row[1])

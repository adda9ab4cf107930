"""Reading the warehouse: the latest view, or the view as of a release or a date.

For each observation key the view takes the row of the newest release at or before the cut
(all releases for the latest view) and leaves the key out when that row is a withdrawal.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any

import pandas as pd
import sqlalchemy as sa

from decentwork import observations as schema
from decentwork.errors import BadInput
from decentwork.warehouse.tables import KEY, observations, releases

TIME_RANGE = re.compile(r"^(\d{4})?:(\d{4})?$")
LAST_RELEASE = 2**31 - 1
"""The largest release number the releases table can hold."""
TIMES = "YEAR, FIRST:LAST, FIRST: or :LAST"
AS_OF = "a release number or a date (2024-03-31 or 2024-03-31T12:00)"


class QueryError(BadInput):
    """A filter, cut or order that cannot be applied; the message says which and why."""


def split_codes(text: str | None) -> list[str] | None:
    """Comma-separated codes (``KHM, LAO``) as a list, blanks dropped; None for no text."""
    return [c.strip() for c in text.split(",") if c.strip()] if text else None


@dataclass(frozen=True)
class Filters:
    """Observation filters: allowed codes per key column, and a range of years."""

    codes: Mapping[str, Sequence[str]]
    first_year: int | None = None
    last_year: int | None = None

    @classmethod
    def parse(cls, codes: Mapping[str, Sequence[str] | None], time: str | None) -> Filters:
        """Filters from code lists (None or empty: no filter) and a time range ``2015:2023``,
        ``2015:``, ``:2023`` or one year ``2020``."""
        unknown = [c for c in codes if c not in KEY]
        if unknown:
            raise QueryError(
                f"cannot filter on {', '.join(unknown)}; filters: {', '.join(KEY)}",
                given=", ".join(unknown),
                expected=", ".join(KEY),
            )
        bad = [
            f"{column} {code!r}"
            for column, values in codes.items()
            for code in values or ()
            if "\x00" in code
        ]
        if bad:
            raise QueryError(
                f"{', '.join(bad)}: a code cannot contain a NUL character", given=", ".join(bad)
            )
        first = last = None
        if time:
            if re.match(r"^\d{4}$", time):
                first = last = int(time)
            else:
                match = TIME_RANGE.match(time)
                if not match:
                    raise QueryError(
                        f"time {time!r}: expected {TIMES}",
                        parameter="time",
                        given=time,
                        expected=TIMES,
                    )
                first = int(match.group(1)) if match.group(1) else None
                last = int(match.group(2)) if match.group(2) else None
                if first is not None and last is not None and first > last:
                    raise QueryError(
                        f"time {time!r}: the first year comes after the last",
                        parameter="time",
                        given=time,
                        expected=TIMES,
                    )
        return cls({k: list(v) for k, v in codes.items() if v}, first, last)

    def where(self, table: sa.Table) -> list[sa.ColumnElement[bool]]:
        """The filters as SQL conditions on ``table``'s columns."""
        clauses: list[sa.ColumnElement[bool]] = [
            table.c[column].in_(values) for column, values in self.codes.items()
        ]
        year = sa.func.substr(table.c.time, 1, 4)
        if self.first_year is not None:
            clauses.append(year >= f"{self.first_year:04d}")
        if self.last_year is not None:
            clauses.append(year <= f"{self.last_year:04d}")
        return clauses


def release_cut(connection: sa.Connection, as_of: str | None) -> int | None:
    """The newest release id to include: ``as_of`` is a release number or a date
    (``2024-03-31``, the whole day, or an ISO date-time); None for the latest view.

    Raises:
        QueryError: ``as_of`` is neither a release number nor a date, no such release, or a
            date before the first release.
    """
    if as_of is None:
        return None
    if re.fullmatch(r"[0-9]+", as_of):
        found = (
            None
            if int(as_of) > LAST_RELEASE
            else connection.execute(
                sa.select(releases.c.id).where(releases.c.id == int(as_of))
            ).scalar()
        )
        if found is None:
            raise QueryError(
                f"as_of {as_of}: no release {as_of}",
                parameter="as_of",
                given=as_of,
                expected="the number of a release loaded",
            )
        return int(found)
    try:
        moment = datetime.fromisoformat(as_of)
    except ValueError:
        raise QueryError(
            f"as_of {as_of!r}: expected {AS_OF}", parameter="as_of", given=as_of, expected=AS_OF
        ) from None
    if len(as_of) == 10:
        moment = datetime.combine(moment.date(), time.max)
    try:
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+01:00 is before the first representable moment
        raise QueryError(
            f"as_of {as_of!r}: out of range in UTC", parameter="as_of", given=as_of, expected=AS_OF
        ) from None
    if connection.dialect.name == "sqlite":
        moment = moment.replace(tzinfo=None)  # SQLite keeps the UTC times without an offset
    cut = connection.execute(
        sa.select(sa.func.max(releases.c.id)).where(releases.c.loaded_at <= moment)
    ).scalar()
    if cut is None:
        raise QueryError(
            f"as_of {as_of}: the warehouse had no release yet",
            parameter="as_of",
            given=as_of,
            expected="a date on or after the first release",
        )
    return int(cut)


def view_query(
    filters: Filters,
    cut: int | None,
    *,
    datasets: Sequence[str] = (),
    include_withdrawn: bool = False,
) -> sa.Select:
    """SQL for the view: the newest row per key at or before release ``cut`` (the latest
    view, ``cut`` None, is the rows no later release has superseded)."""
    return _restricted(newest_rows(observations, filters, cut), datasets, include_withdrawn)


def newest_rows(table: sa.Table, filters: Filters, cut: int | None) -> sa.Select:
    """SQL for the rows of ``table`` (observations, or another table of rows keyed by the
    observation key, with ``release_id`` and ``superseded``) of the newest release per key at
    or before release ``cut``; for the latest view (``cut`` None), the rows no later release
    has superseded."""
    if cut is None:
        return sa.select(table).where(*filters.where(table), sa.not_(table.c.superseded))
    conditions = [*filters.where(table), table.c.release_id <= cut]
    newest = (
        sa.select(
            *(table.c[k] for k in KEY),
            sa.func.max(table.c.release_id).label("release_id"),
        )
        .where(*conditions)
        .group_by(*(table.c[k] for k in KEY))
        .subquery()
    )
    joined = table.join(
        newest,
        sa.and_(
            *(table.c[k] == newest.c[k] for k in KEY),
            table.c.release_id == newest.c.release_id,
        ),
    )
    return sa.select(table).select_from(joined)


def _restricted(query: sa.Select, datasets: Sequence[str], include_withdrawn: bool) -> sa.Select:
    """A view query kept to some datasets' rows, and without withdrawals unless asked."""
    if datasets:
        query = query.where(observations.c.dataset.in_(datasets))
    if not include_withdrawn:
        query = query.where(sa.not_(observations.c.withdrawn))
    return query


def view(
    connection: sa.Connection,
    filters: Filters | None = None,
    as_of: str | None = None,
    *,
    datasets: Sequence[str] = (),
) -> pd.DataFrame:
    """The observations of the latest view (or as of a release or date), filtered, as an
    observation table (``decentwork.observations.COLUMNS``) sorted by key."""
    filters = filters or Filters({})
    cut = release_cut(connection, as_of)
    rows = connection.execute(view_query(filters, cut, datasets=datasets)).mappings().all()
    return schema.sort(_observation_frame(rows))


def sort_columns(sort: str | None) -> list[str]:
    """A sort order ``obs_value,-time`` (observation columns, ``-`` for descending) as a list
    of columns, checked.

    Raises:
        QueryError: a column that is not an observation column.
    """
    columns = split_codes(sort) or []
    bad = [c for c in columns if c.removeprefix("-") not in schema.COLUMNS]
    if bad:
        expected = f"observation columns ({', '.join(schema.COLUMNS)}), each with - for descending"
        raise QueryError(
            f"sort {', '.join(map(repr, bad))}: expected {expected}",
            parameter="sort",
            given=sort,
            expected=expected,
        )
    return columns


def view_page(
    connection: sa.Connection,
    filters: Filters,
    as_of: str | None,
    *,
    limit: int,
    offset: int = 0,
    sort: Sequence[str] = (),
) -> tuple[pd.DataFrame, int]:
    """``limit`` observations of the view from the ``offset``-th on, in the order
    :func:`view` sorts them (text compared code point by code point, on PostgreSQL too), or
    first by the ``sort`` columns (``-obs_value`` for descending, missing values last; see
    :func:`sort_columns`), and the number of observations in the whole filtered view."""
    rows, total = view_page_rows(connection, filters, as_of, limit=limit, offset=offset, sort=sort)
    return schema.frame(pd.DataFrame(rows, columns=list(schema.COLUMNS))), total


def view_page_rows(
    connection: sa.Connection,
    filters: Filters,
    as_of: str | None,
    *,
    limit: int,
    offset: int = 0,
    sort: Sequence[str] = (),
) -> tuple[list[dict[str, Any]], int]:
    """:func:`view_page` as plain rows (one dict of the observation columns per row, missing
    numbers None), without building a table: the fast path for JSON answers."""
    cut = release_cut(connection, as_of)
    found = view_query(filters, cut).subquery()
    total = connection.execute(sa.select(sa.func.count()).select_from(found)).scalar_one()

    order: list[sa.ColumnElement[Any]] = [
        (
            ordered(connection, found, c[1:]).desc()
            if c.startswith("-")
            else ordered(connection, found, c).asc()
        ).nulls_last()
        for c in sort
    ]
    order += [ordered(connection, found, c) for c in schema.SORT_ORDER]
    rows = connection.execute(
        sa.select(*(found.c[c] for c in schema.COLUMNS))
        .order_by(*order)
        .limit(limit)
        .offset(offset)
    )
    return [{c: missing(v) for c, v in zip(schema.COLUMNS, row, strict=True)} for row in rows], int(
        total
    )


def ordered(connection: sa.Connection, found: sa.Subquery, name: str) -> sa.ColumnElement:
    """Column ``name`` of ``found`` to sort by: text compared code point by code point (on
    PostgreSQL too, whose default collation does not)."""
    text = connection.dialect.name == "postgresql" and name in schema.TEXT_COLUMNS
    return found.c[name].collate("C") if text else found.c[name]


def missing(value: Any) -> Any:
    """A stored value, NaN as None (PostgreSQL keeps NaN; SQLite reads it back as NULL)."""
    return None if isinstance(value, float) and math.isnan(value) else value


def _observation_frame(rows: Sequence[sa.RowMapping]) -> pd.DataFrame:
    """Rows of the observations table as an observation table."""
    frame = pd.DataFrame([dict(r) for r in rows], columns=[c.name for c in observations.c])
    return schema.frame(frame)

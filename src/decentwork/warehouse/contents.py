"""What the warehouse holds: which indicators and areas have observations in the latest view,
for which periods, with their labels and indicator metadata (now, or as of a release); and
its releases, in full for the operators or as they may be published. :func:`check_held`
refuses area and indicator codes the warehouse has never held, naming the nearest ones."""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from decentwork.errors import NotFound
from decentwork.warehouse.tables import (
    changes,
    indicator_history,
    indicators,
    label_history,
    labels,
    observations,
    releases,
)
from decentwork.warehouse.views import Filters, view_query

CHECKED = {"ref_area": "area", "indicator": "indicator"}
"""The columns whose codes :func:`check_held` checks, and what their codes name."""
NEAREST = 3
"""How many of the nearest known codes an unknown code's error names."""

PUBLIC_RELEASE = (
    "id",
    "dataset",
    "file",
    "format",
    "loaded_at",
    "full",
    "rows_read",
    "rows_added",
    "rows_changed",
    "rows_unchanged",
    "rows_withdrawn",
    "checksum",
)
"""What a public output (a workbook, the dashboard) shows of a release: not who loaded it
(``loaded_by``, kept for the operators) and not the folder it was loaded from."""


@dataclass(frozen=True)
class Coverage:
    """The observations of one code (an indicator or an area) in the latest view."""

    code: str
    label: str | None
    """The code's English label, where a loaded dictionary gives one."""
    observations: int
    times: tuple[str, ...]
    """The periods with data, sorted (``2019``, ``2019Q1``, ``2019M01``...)."""


def label_map(
    connection: sa.Connection, lang: str = "en", kind: str | None = None, cut: int | None = None
) -> dict[tuple[str, str], str]:
    """Labels in language ``lang`` (of one ``kind`` of code, or all) by (kind, code): the
    current ones, or those of the view as of release ``cut`` (each code's label as the newest
    release up to ``cut`` set it; labels held before history was kept count as the first)."""
    if cut is None:
        query = sa.select(labels.c.kind, labels.c.code, labels.c.label)
        query = query.where(labels.c.lang == lang)
        if kind is not None:
            query = query.where(labels.c.kind == kind)
        return {(k, code): label for k, code, label in connection.execute(query)}
    history = label_history.c
    query = (
        sa.select(history.kind, history.code, history.label)
        .where(
            history.lang == lang,
            sa.func.coalesce(history.release_id, 0) <= cut,
        )
        .order_by(sa.func.coalesce(history.release_id, 0), history.id)
    )
    if kind is not None:
        query = query.where(history.kind == kind)
    return {(k, code): label for k, code, label in connection.execute(query)}


def described(connection: sa.Connection, cut: int | None = None) -> dict[str, tuple[str, str]]:
    """Indicator metadata: (unit, definition) by indicator code, now or as of release
    ``cut`` (as :func:`label_map`)."""
    if cut is None:
        return {
            code: (unit, definition)
            for code, unit, definition in connection.execute(sa.select(indicators))
        }
    history = indicator_history.c
    rows = connection.execute(
        sa.select(history.code, history.unit, history.definition)
        .where(sa.func.coalesce(history.release_id, 0) <= cut)
        .order_by(sa.func.coalesce(history.release_id, 0), history.id)
    )
    return {code: (unit, definition) for code, unit, definition in rows}


def coverage(connection: sa.Connection, by: str, filters: Filters | None = None) -> list[Coverage]:
    """The codes of column ``by`` (``indicator`` or ``ref_area``) with observations in the
    latest view (restricted by ``filters``), sorted by code: their label, number of
    observations and periods."""
    found = view_query(filters or Filters({}), None).subquery()
    rows = connection.execute(
        sa.select(found.c[by], found.c.time, sa.func.count()).group_by(found.c[by], found.c.time)
    )
    counted: dict[str, dict[str, int]] = {}
    for code, time, count in rows:
        counted.setdefault(code, {})[time] = count
    names = label_map(connection, kind=by)
    return [
        Coverage(code, names.get((by, code)), sum(times.values()), tuple(sorted(times)))
        for code, times in sorted(counted.items())
    ]


def release_history(
    connection: sa.Connection, limit: int | None = None, offset: int = 0
) -> tuple[list[sa.RowMapping], int]:
    """The releases, newest first (``limit`` of them from the ``offset``-th on, or all), and
    how many there are in all."""
    total = connection.execute(sa.select(sa.func.count()).select_from(releases)).scalar_one()
    rows = (
        connection.execute(
            sa.select(releases).order_by(releases.c.id.desc()).limit(limit).offset(offset)
        )
        .mappings()
        .all()
    )
    return list(rows), int(total)


def public_release(release: Mapping[Any, Any]) -> dict[str, Any]:
    """A release (a row of :func:`release_history`) as public outputs show it: the fields of
    :data:`PUBLIC_RELEASE`, its file by name only (``/srv/in/lfs.csv`` and
    ``C:\\in\\lfs.csv`` are ``lfs.csv``)."""
    shown = {name: release[name] for name in PUBLIC_RELEASE if name in release}
    shown["file"] = re.split(r"[\\/]", str(release["file"]))[-1]
    return shown


def state_mark(connection: sa.Connection) -> tuple[int, int]:
    """A mark of the warehouse's state that changes whenever a load (a new release, which
    also brings labels and indicator metadata) or another change (area groups: the
    ``changes`` log) does: answers computed under one mark stay true until the mark
    changes."""
    row = connection.execute(
        sa.select(
            sa.func.coalesce(sa.func.max(releases.c.id), 0),
            sa.select(sa.func.coalesce(sa.func.max(changes.c.id), 0)).scalar_subquery(),
        )
    ).one()
    return int(row[0]), int(row[1])


def check_held(
    connection: sa.Connection,
    codes: Mapping[str, Sequence[str] | None],
    *,
    parameters: Mapping[str, str] | None = None,
    seen: Mapping[str, Collection[str]] | None = None,
    hint: str | None = None,
) -> None:
    """Check that each area and indicator code of ``codes`` (by column, as in
    :class:`~decentwork.warehouse.views.Filters`) is held by some observation of the warehouse,
    in any release, so that a filter on a mistyped code is refused rather than answered with
    no rows. Codes in ``seen`` (by column) are known to be held and not looked up again.

    Raises:
        NotFound: a code no observation has (404); its message names the nearest known codes
            and labels (``no area XYZ in the warehouse; nearest: ...``), its parameter is the
            column's name in ``parameters`` (default the column).
    """
    for column, kind in CHECKED.items():
        known = (seen or {}).get(column, ())
        asked = [code for code in codes.get(column) or () if code not in known]
        if not asked:
            continue
        found = connection.execute(
            sa.select(observations.c[column]).where(observations.c[column].in_(asked)).distinct()
        )
        held = set(found.scalars())
        missing = [code for code in dict.fromkeys(asked) if code not in held]
        if missing:
            nearest = _nearest(connection, column, missing)
            raise NotFound(
                f"no {kind} {', '.join(missing)} in the warehouse; {nearest}",
                parameter=(parameters or {}).get(column, column),
                given=", ".join(missing),
                expected=f"the code of an {kind} with observations",
                hint=hint,
            )


def _nearest(connection: sa.Connection, column: str, missing: Sequence[str]) -> str:
    """The known codes of ``column`` nearest each of ``missing`` (difflib's ratio, over the
    codes and their English labels, case ignored), as ``nearest: KHM (Cambodia), ...``."""
    held = connection.execute(sa.select(observations.c[column]).distinct()).scalars().all()
    names = label_map(connection, kind=column)
    candidates: dict[str, str] = {}
    for code in sorted(held):
        label = names.get((column, code))
        candidates.setdefault(code.casefold(), code)
        if label:
            candidates.setdefault(label.casefold(), code)
    said = []
    for code in missing:
        close = difflib.get_close_matches(code.casefold(), candidates, n=NEAREST * 2, cutoff=0.5)
        codes = list(dict.fromkeys(candidates[c] for c in close))[:NEAREST]
        shown = [f"{c} ({names[(column, c)]})" if (column, c) in names else c for c in codes] or [
            f"none close among the {len(held):,} held"
        ]
        said.append(
            ("nearest" if len(missing) == 1 else f"nearest to {code}") + ": " + ", ".join(shown)
        )
    return "; ".join(said)

"""Changes between periods with their standard errors (``decentwork compute --changes``) in
the warehouse: stored as releases store observations, read as the views read them.

A load of a table of changes is a release of its own dataset (by default the file's name).
Each key (the observation key of the later period) gets a row per release that adds or
revises it; the newest row supersedes the older ones in the latest view, and a view as of a
release or date takes the newest row at or before it (:func:`~decentwork.warehouse.views.
newest_rows`). A release of changes withdraws nothing: a key a later file lacks keeps its
change.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from decentwork import observations as schema
from decentwork.warehouse.tables import KEY, observation_changes
from decentwork.warehouse.views import (
    Filters,
    missing,
    newest_rows,
    ordered,
    release_cut,
)

COLUMNS = (*schema.KEY_COLUMNS, *schema.CHANGE_COLUMNS)
"""A table of changes' columns, in order."""
BATCH = 20_000


def store_changes(
    connection: sa.Connection, rows: pd.DataFrame, dataset: str, release: int
) -> tuple[int, int, int, int]:
    """Store checked changes (:data:`COLUMNS`) as release ``release`` of ``dataset``: keys new
    to the warehouse added, keys whose change differs (or another dataset published last)
    revised, the others unchanged; returns the counts added, changed, unchanged and withdrawn
    (none)."""
    query = newest_rows(
        observation_changes, Filters({"indicator": sorted(set(rows["indicator"]))}), None
    )
    current = pd.DataFrame(
        [dict(r) for r in connection.execute(query).mappings()],
        columns=[c.name for c in observation_changes.c],
    )
    found = rows[list(KEY)].merge(current, on=list(KEY), how="left", indicator="_found")
    known = (found["_found"] == "both").to_numpy()
    same = known & (found["dataset"].fillna(dataset) == dataset).to_numpy()
    for column in ("change", "change_se"):
        a = rows[column].to_numpy(dtype=float)
        b = pd.to_numeric(found[column], errors="coerce").to_numpy(dtype=float)
        same &= (a == b) | (np.isnan(a) & np.isnan(b))
    for column in ("since", "change_significant"):
        same &= (
            rows[column].astype(object).fillna("").astype(str).to_numpy()
            == found[column].astype(object).fillna("").astype(str).to_numpy()
        )
    replaced = [int(i) for i in found.loc[known & ~same, "id"]]
    fresh = rows[~same]
    for start in range(0, len(fresh), BATCH):
        part = fresh.iloc[start : start + BATCH]
        records = part.astype(object).where(part.notna(), None).to_dict("records")
        for record in records:
            record.update(release_id=release, dataset=dataset)
        connection.execute(observation_changes.insert(), records)
    for start in range(0, len(replaced), BATCH):
        connection.execute(
            observation_changes.update()
            .where(observation_changes.c.id.in_(replaced[start : start + BATCH]))
            .values(superseded=True)
        )
    return int((~known).sum()), int((known & ~same).sum()), int(same.sum()), 0


def changes_page_rows(
    connection: sa.Connection,
    filters: Filters,
    as_of: str | None,
    *,
    limit: int,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """``limit`` changes of the latest view (or as of a release or date: see
    :func:`~decentwork.warehouse.views.release_cut`) from the ``offset``-th on, in the
    observations' key order, as plain rows (a dict of :data:`COLUMNS` per row, missing numbers
    None), and the number of changes in the whole filtered view."""
    found = newest_rows(observation_changes, filters, release_cut(connection, as_of)).subquery()
    total = connection.execute(sa.select(sa.func.count()).select_from(found)).scalar_one()
    rows = connection.execute(
        sa.select(*(found.c[c] for c in COLUMNS))
        .order_by(*(ordered(connection, found, c) for c in schema.SORT_ORDER))
        .limit(limit)
        .offset(offset)
    )
    return [{c: missing(v) for c, v in zip(COLUMNS, row, strict=True)} for row in rows], int(total)


def changes_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Changes as plain rows (:func:`changes_page_rows`) as a table of :data:`COLUMNS`,
    numbers as floats and ``change_significant`` as a nullable boolean."""
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    for column in ("change", "change_se"):
        table[column] = table[column].astype(float)
    table["change_significant"] = table["change_significant"].astype("boolean")
    return table

"""What the warehouse records about codes: their labels (from ILOSTAT dictionaries or the
catalogue) and indicators' metadata (unit, definition), each change kept with the release that
made it (``label_history``, ``indicator_history``), so that a view as of a release can show
the labels and definitions of then (:mod:`decentwork.warehouse.contents`)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from decentwork.warehouse.tables import indicator_history, indicators, label_history, labels


@dataclass(frozen=True)
class IndicatorMetadata:
    """What the warehouse records about an indicator whose observations it stores, supplied
    with them by the caller that knows it (decentwork's indicator catalogue)."""

    code: str
    unit: str
    """``percent``, ``thousands``, ``hours``..."""
    definition: str
    """The definition in words."""
    label: str
    """The English label (kept only where no loaded dictionary gave one)."""


def record_labels(
    connection: sa.Connection, table: pd.DataFrame, release: int
) -> tuple[int, int, int, int]:
    """Add or change the labels of ``table`` (kind, code, lang, label) as release
    ``release`` sets them, keeping the history; returns (added, changed, unchanged, 0)."""
    existing = {
        (k, c, lang): label
        for k, c, lang, label in connection.execute(
            sa.select(labels.c.kind, labels.c.code, labels.c.lang, labels.c.label).where(
                labels.c.kind.in_(sorted(set(table["kind"])))
            )
        )
    }
    added, changed, same = [], [], 0
    for row in table.drop_duplicates(["kind", "code", "lang"], keep="last").to_dict("records"):
        key = (row["kind"], row["code"], row["lang"])
        if key not in existing:
            added.append(row)
        elif existing[key] != row["label"]:
            changed.append(row)
        else:
            same += 1
    for row in changed:
        connection.execute(
            labels.update()
            .where(
                labels.c.kind == row["kind"],
                labels.c.code == row["code"],
                labels.c.lang == row["lang"],
            )
            .values(label=row["label"])
        )
    if added:
        connection.execute(labels.insert(), added)
    if added or changed:
        connection.execute(
            label_history.insert(), [{**row, "release_id": release} for row in added + changed]
        )
    return len(added), len(changed), same, 0


def describe_indicators(
    connection: sa.Connection,
    codes: Collection[str],
    metadata: Iterable[IndicatorMetadata],
    release: int,
) -> None:
    """Record, as release ``release`` sets them, the unit and definition of the indicators
    among ``codes`` that ``metadata`` describes (and their English label, unless a dictionary
    gave one), keeping the history of each change."""
    found = sorted((m for m in metadata if m.code in codes), key=lambda m: m.code)
    if not found:
        return
    wanted = [i.code for i in found]
    held = {
        code: (unit, definition)
        for code, unit, definition in connection.execute(
            sa.select(indicators).where(indicators.c.code.in_(wanted))
        )
    }
    new = [
        {"code": i.code, "unit": i.unit, "definition": i.definition}
        for i in found
        if held.get(i.code) != (i.unit, i.definition)
    ]
    if new:
        connection.execute(
            indicators.delete().where(indicators.c.code.in_([i["code"] for i in new]))
        )
        connection.execute(indicators.insert(), new)
        connection.execute(indicator_history.insert(), [{**i, "release_id": release} for i in new])
    labelled = set(
        connection.execute(
            sa.select(labels.c.code).where(
                labels.c.kind == "indicator", labels.c.lang == "en", labels.c.code.in_(wanted)
            )
        ).scalars()
    )
    missing = pd.DataFrame(
        [
            {"kind": "indicator", "code": i.code, "lang": "en", "label": i.label}
            for i in found
            if i.code not in labelled
        ],
        columns=["kind", "code", "lang", "label"],
    )
    if not missing.empty:
        record_labels(connection, missing, release)

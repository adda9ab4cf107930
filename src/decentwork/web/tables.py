"""The HTML of the pages' long tables, written in Python: a template's loop over hundreds of
rows costs several times as much (a call and an escape per cell), and these tables are most
of the data table's and the explorer's pages. Every value is escaped."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape
from typing import Any

from markupsafe import Markup

DASH = "\u2013"
"""What a missing number shows (an en dash)."""
OBSERVATION_COLUMNS = (
    "ref_area",
    "indicator",
    "source",
    "sex",
    "classif1",
    "classif2",
    "time",
    "obs_value",
    "obs_status",
    "lower_bound",
    "upper_bound",
    "se",
)
"""The columns of the pages' observation tables."""
NUMBERS = frozenset({"obs_value", "lower_bound", "upper_bound", "se"})


def number(value: Any) -> str:
    """A number as pages show it: four significant digits, a dash where missing."""
    return DASH if value is None else f"{value:.4g}"


def observation_rows(rows: Iterable[Mapping[str, Any]]) -> Markup:
    """The body rows of an observation table (:data:`OBSERVATION_COLUMNS`): the area a row
    header linking to its profile, the indicator linking to the explorer, numbers
    right-aligned."""
    lines = []
    for row in rows:
        area, code = escape(str(row["ref_area"])), escape(str(row["indicator"]))
        cells = [
            f'<th scope="row"><a href="/areas/{area}">{area}</a></th>',
            f'<td><a href="/indicators/{code}">{code}</a></td>',
        ]
        cells += [
            f'<td class="num">{escape(number(row[column]))}</td>'
            if column in NUMBERS
            else f"<td>{escape(str(row[column]))}</td>"
            for column in OBSERVATION_COLUMNS[2:]
        ]
        lines.append(f"<tr>{''.join(cells)}</tr>")
    return Markup("\n".join(lines))

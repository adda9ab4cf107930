"""The HTML of the pages' long tables, written in Python: a template's loop over hundreds of
rows costs several times as much (a call and an escape per cell), and these tables are most
of the data table's and the explorer's pages. Every value is escaped."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from html import escape
from typing import Any

from markupsafe import Markup

from decentwork import formatting
from decentwork.formatting import NUMBER, Style

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
NOTE_COLUMNS = ("note_indicator", "note_source", "note_classif")
"""The notes of an observation (a national definition, weights-only standard errors, an
average...), listed under a table and referenced from the rows they apply to."""


def number(
    value: Any, style: Style | None = None, *, lang: str = "en", signed: bool = False
) -> str:
    """A number as pages show it: in its unit's ``style`` for the page's language
    (:func:`decentwork.formatting.number`), a dash where missing."""
    return formatting.number(value, style or NUMBER, lang, signed=signed)


def observation_notes(rows: Iterable[Mapping[str, Any]]) -> list[str]:
    """The distinct notes of ``rows``, in the order they first appear: note ``k`` of this list
    is the one :func:`observation_rows` marks with ``k + 1``."""
    found: dict[str, None] = {}
    for row in rows:
        for column in NOTE_COLUMNS:
            if row.get(column):
                found.setdefault(str(row[column]))
    return list(found)


def observation_rows(
    rows: Iterable[Mapping[str, Any]],
    styles: Callable[[str], Style] | None = None,
    *,
    lang: str = "en",
) -> Markup:
    """The body rows of an observation table (:data:`OBSERVATION_COLUMNS`): the area a row
    header linking to its profile, the indicator linking to the explorer, numbers
    right-aligned, written in the style of the row's indicator (``styles``, by code) for
    the page's language; the status cell links to the row's notes, numbered as
    :func:`observation_notes` lists them."""
    rows = list(rows)
    number_of = {note: k for k, note in enumerate(observation_notes(rows), start=1)}
    lines = []
    for row in rows:
        style = styles(str(row["indicator"])) if styles else NUMBER
        area, code = escape(str(row["ref_area"])), escape(str(row["indicator"]))
        cells = [
            f'<th scope="row"><a href="/areas/{area}">{area}</a></th>',
            f'<td><a href="/indicators/{code}">{code}</a></td>',
        ]
        cells += [
            f'<td class="num">{escape(number(row[column], style, lang=lang))}</td>'
            if column in NUMBERS
            else f"<td>{escape(str(row[column]))}{_note_marks(row, number_of)}</td>"
            if column == "obs_status"
            else f"<td>{escape(str(row[column]))}</td>"
            for column in OBSERVATION_COLUMNS[2:]
        ]
        lines.append(f"<tr>{''.join(cells)}</tr>")
    return Markup("\n".join(lines))


def _note_marks(row: Mapping[str, Any], number_of: Mapping[str, int]) -> str:
    """Links from a row's status cell to its notes under the table (``<sup>`` numbers)."""
    marks = [
        f'<a href="#note-{number_of[str(row[c])]}">{number_of[str(row[c])]}</a>'
        for c in NOTE_COLUMNS
        if row.get(c)
    ]
    return f" <sup>{','.join(marks)}</sup>" if marks else ""

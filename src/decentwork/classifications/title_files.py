"""Coding a CSV file of job titles: every row and column kept, five columns added (status,
code, level, confidence and candidates, named after the classification: ``isco08_status``...,
replaced if the file has them already); a row with no text or too long a text gets that as
its status rather than stopping the rest.

    table = read_titles(Path("titles.csv"), column="job")
    counts = code_titles(coder, table, "job")      # {"auto-coded": 812, "needs review": 180...}
    write_csv(Path("coded.csv"), table.columns, table.rows, parameter="out")
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from decentwork.classifications.occupation_coder import MAX_LENGTH, OccupationCoder
from decentwork.classifications.text_features import normalise
from decentwork.classifications.text_files import csv_rows
from decentwork.errors import BadInput

BATCH = 2_000
"""Titles coded at a time (between progress reports)."""
NOT_CODED = ("no text", "too long")
"""The statuses of rows that are not coded."""


@dataclass
class TitleTable:
    """The rows of a CSV file (each a mapping of column to text) and its columns."""

    path: Path
    columns: list[str]
    rows: list[dict[str, str]]


def read_titles(path: Path, column: str = "title") -> TitleTable:
    """The CSV file ``path`` (UTF-8, header first), whose ``column`` holds the titles.

    Raises:
        NotFound: no file ``path``.
        BadInput: it cannot be read, is not UTF-8, has no ``column``, or has a row with more
            fields than the header (the message gives the line).
    """
    reader = csv_rows(path)
    columns = list(reader.fieldnames or [])
    if column not in columns:
        raise BadInput(
            f"{path}: no column {column!r} (columns: {', '.join(columns) or 'none'})",
            parameter="column",
            given=column,
            expected=f"one of {', '.join(columns)}" if columns else None,
        )
    rows = []
    for row in reader:
        if None in row:
            raise BadInput(
                f"{path}:{reader.line_num}: {len(columns) + len(row[None])} fields; "
                f"the header has {len(columns)}"
            )
        rows.append(row)
    return TitleTable(path, columns, rows)


def code_titles(
    coder: OccupationCoder,
    table: TitleTable,
    column: str,
    *,
    k: int = 5,
    lang: str | None = None,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> Counter[str]:
    """Code the titles in ``column`` of ``table``, adding the coder's columns to it (in
    place); ``progress(titles coded, titles to code)`` is told after each batch. Returns the
    number of rows by status: "auto-coded", "needs review", and those not coded ("no text",
    "too long").

    Raises:
        CoderError: ``k`` below 1, or a language the coder does not know.
    """
    prefix = coder.classification
    added = [f"{prefix}_{name}" for name in ("status", "code", "level", "confidence", "candidates")]
    status = added[0]
    todo = []
    for row in table.rows:
        title = row.get(column) or ""
        problem = (
            "no text" if not normalise(title) else "too long" if len(title) > MAX_LENGTH else None
        )
        if problem:
            row.update(dict.fromkeys(added, ""), **{status: problem})
        else:
            todo.append(row)
    progress(0, len(todo))
    for start in range(0, len(todo), BATCH):
        chunk = todo[start : start + BATCH]
        codings = coder.code([row[column] for row in chunk], k=k, lang=lang)
        for row, coding in zip(chunk, codings, strict=True):
            decision = coding.decision
            row.update(
                zip(
                    added,
                    (
                        decision.status,
                        decision.code or "",
                        "" if decision.level is None else str(decision.level),
                        f"{decision.confidence:.4f}",
                        "; ".join(f"{c.code} {c.confidence:.4f}" for c in coding.candidates),
                    ),
                    strict=True,
                )
            )
        progress(start + len(chunk), len(todo))
    table.columns = [*table.columns, *(name for name in added if name not in table.columns)]
    return Counter(row[status] for row in table.rows)

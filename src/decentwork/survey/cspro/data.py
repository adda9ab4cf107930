"""CSPro fixed-position text data, read by DuckDB through the data dictionary.

DuckDB reads each line as one text value; every item is cut out of it with ``substr`` at the
dictionary's position and length, blank values become NULL, numeric items become integers
(or doubles, with their implied decimals applied). One pass over the file checks it first,
so that a dictionary that does not describe the file stops with the line and item at fault
instead of giving wrong numbers: unknown record types, lines longer than the record, lines
that end inside a numeric item (truncated), and numeric items holding something else.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from decentwork.estimation.cells import quote
from decentwork.estimation.source import database
from decentwork.survey.cspro.dictionary import Dictionary, Item, Record
from decentwork.survey.errors import ProfileError
from decentwork.survey.expressions import literal

SEPARATOR = "\x01"
"""The column delimiter given to DuckDB's CSV reader: a control character that text data
does not hold, so that each line is one value."""
INTEGER_DIGITS = 18
"""Numeric items up to this many characters are BIGINT, longer ones HUGEINT."""
NUMBER = r"^ *-?[0-9]+$|^ *$"
DECIMAL_NUMBER = r"^ *-?([0-9]+\.?[0-9]*|\.[0-9]+)$|^ *$"


def columns(dictionary: Dictionary, record: str | None = None) -> list[str]:
    """The column names of ``record`` (default: the only record): identification items, then
    the record's items."""
    return [item.name for item in dictionary.items(dictionary.record(record))]


def read(
    dictionary: Dictionary, data: Path, needed: Sequence[str], record: str | None = None
) -> duckdb.DuckDBPyRelation:
    """The lines of ``record`` in the UTF-8 data file ``data`` as a relation of the ``needed``
    items, after checking the file against the dictionary.

    Raises:
        ProfileError: a line the dictionary does not describe (naming the file, line, item
            and positions), a line that is not UTF-8 text, or an unknown item.
    """
    chosen = dictionary.record(record)
    by_name = {item.name.lower(): item for item in dictionary.items(chosen)}
    unknown = [name for name in needed if name.lower() not in by_name]
    if unknown:
        raise ProfileError(
            f"{dictionary.path}: no item {', '.join(unknown)} in record {chosen.name}"
        )
    items = [by_name[name.lower()] for name in needed]
    layout = _Layout(dictionary, chosen, data)
    layout.check(items)
    selects = ", ".join(f"{_value(item)} AS {quote(item.name)}" for item in items)
    return (
        database()
        .cursor()
        .sql(f"SELECT {selects} FROM {layout.lines()} WHERE {layout.is_record()}")
    )


def _value(item: Item) -> str:
    """SQL for the value of ``item`` in ``line``: NULL when blank, typed, decimals applied."""
    cut = f"substr(line, {item.start}, {item.length})"
    if not item.numeric:
        return f"NULLIF(RTRIM({cut}), '')"
    text = f"NULLIF(TRIM({cut}), '')"
    if item.decimal_char:
        return f"CAST({text} AS DOUBLE)"
    kind = "BIGINT" if item.length <= INTEGER_DIGITS else "HUGEINT"
    if item.decimals:
        return f"CAST({text} AS {kind}) / CAST({10**item.decimals} AS DOUBLE)"
    return f"CAST({text} AS {kind})"


@dataclass(frozen=True)
class _Check:
    """One way a line can contradict the dictionary: an SQL condition on ``line`` and ``n``
    (its length without trailing blanks), and the item a number check is about."""

    condition: str
    item: Item | None = None


class _Layout:
    """The SQL pieces and checks for reading one record type of a data file."""

    def __init__(self, dictionary: Dictionary, record: Record, data: Path) -> None:
        self.dictionary = dictionary
        self.record = record
        self.data = data

    def lines(self) -> str:
        """A table function giving the file's lines as ``line`` (NULL for an empty line)."""
        return (
            f"read_csv({literal(self.data)}, columns={{'line': 'VARCHAR'}}, "
            f"delim={literal(SEPARATOR)}, header=false, quote='', escape='', "
            "auto_detect=false)"
        )

    def type_code(self) -> str:
        d = self.dictionary
        return f"substr(line, {d.type_start}, {d.type_length})"

    def is_record(self) -> str:
        """SQL: the line is one of the record's (every non-empty line without record types)."""
        if not self.dictionary.type_length:
            return "line <> ''"
        return f"line <> '' AND {self.type_code()} = {literal(self.record.type_value)}"

    def check(self, items: list[Item]) -> None:
        """Raise a ProfileError for the first line that contradicts the dictionary."""
        checks: dict[str, _Check] = {}
        d = self.dictionary
        if d.type_length:
            known = ", ".join(literal(r.type_value) for r in d.records)
            checks["type"] = _Check(f"{self.type_code()} NOT IN ({known})")
        mine = self.is_record()
        for k, item in enumerate(items):
            if item.numeric:
                pattern = DECIMAL_NUMBER if item.decimal_char else NUMBER
                checks[f"item{k}"] = _Check(
                    f"{mine} AND NOT regexp_full_match(substr(line, {item.start}, "
                    f"{item.length}), {literal(pattern)})",
                    item,
                )
        checks["long"] = _Check(f"{mine} AND n > {self.record.length}")
        inside = sorted(
            {
                n
                for item in d.items(self.record)
                if item.numeric
                for n in range(item.start, item.end)
            }
        )
        if inside:
            checks["truncated"] = _Check(f"{mine} AND n IN ({', '.join(map(str, inside))})")
        counts = ", ".join(f"count(*) FILTER (WHERE {c.condition})" for c in checks.values())
        rows = f"SELECT line, length(rtrim(line)) AS n FROM {self.lines()} WHERE line <> ''"
        found = self._query(f"SELECT {counts} FROM ({rows})")[0]
        for (kind, check), count in zip(checks.items(), found, strict=True):
            if count:
                raise self._problem(kind, check, count)

    def _problem(self, kind: str, check: _Check, count: int) -> ProfileError:
        numbered = (
            f"SELECT line, length(rtrim(line)) AS n, row_number() OVER () AS number "
            f"FROM {self.lines()}"
        )
        line, length, number = self._query(
            f"SELECT line, n, number FROM ({numbered}) WHERE line <> '' AND {check.condition} "
            "ORDER BY number LIMIT 1"
        )[0]
        where = f"{self.data}: line {number}"
        more = f" ({count:,} lines like it)" if count > 1 else ""
        dcf = self.dictionary.path.name
        if kind == "type":
            types = ", ".join(f"{r.name} {r.type_value!r}" for r in self.dictionary.records)
            return ProfileError(
                f"{where}: record type {self._type_of(line)!r} (position "
                f"{self.dictionary.type_start}) is not one of dictionary {dcf}'s ({types}){more}; "
                "the dictionary does not describe this file"
            )
        if kind == "long":
            return ProfileError(
                f"{where} is {length} characters long, longer than record {self.record.name} of "
                f"dictionary {dcf} ({self.record.length}){more}; the dictionary does not "
                "describe this file"
            )
        if kind == "truncated":
            item = next(
                i
                for i in self.dictionary.items(self.record)
                if i.numeric and i.start <= length < i.end
            )
            return ProfileError(
                f"{where} is truncated: it ends at position {length}, inside item {item.name} "
                f"(positions {item.positions} in dictionary {dcf}){more}"
            )
        assert check.item is not None  # every item check names its item
        item = check.item
        text = line[item.start - 1 : item.end]
        return ProfileError(
            f"{where}, item {item.name} (positions {item.positions}, dictionary {dcf} line "
            f"{item.line}): {text!r} is not a number{more}; the dictionary does not describe "
            "this file, or the file is damaged",
            given=text,
        )

    def _type_of(self, line: str) -> str:
        start = self.dictionary.type_start - 1
        return line[start : start + self.dictionary.type_length]

    def _query(self, sql: str) -> list[tuple[Any, ...]]:
        try:
            return database().cursor().sql(sql).fetchall()
        except duckdb.Error as error:
            raise self._unreadable(error) from None

    def _unreadable(self, error: duckdb.Error) -> ProfileError:
        message = str(error)
        line = re.search(r"Line: (\d+)", message)
        where = f"{self.data}: line {line.group(1)}" if line else str(self.data)
        if "unicode" in message.lower() or "utf-8" in message.lower():
            return ProfileError(
                f"{where}: not UTF-8 text; set input.encoding to the file's "
                "encoding (e.g. latin-1 or cp1252)"
            )
        return ProfileError(
            f"{where}: cannot read as CSPro text data: {message.strip().splitlines()[0]}"
        )

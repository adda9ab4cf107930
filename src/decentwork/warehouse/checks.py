"""Checking one row read for the warehouse: its codes (character set, length, known areas),
its period (a year, quarter or month in a sane range), its numbers (written plainly, bounds
around the value) and its status. Each problem names the file, the line and the field.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from decentwork import observations
from decentwork.warehouse.areas import is_known_area
from decentwork.warehouse.settings import CONTROL

STATUS_CODES = frozenset("ABCEMPSURI")
"""ILOSTAT observation status codes (obs_status dictionary)."""
TIME = re.compile(r"^([0-9]{4})(Q[1-4]|M(0[1-9]|1[0-2]))?$")
FIRST_YEAR, LAST_YEAR = 1800, 2100
"""The years an observation may be about."""
NUMBER = re.compile(r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$")
WHOLE = re.compile(r"^\+?([0-9]+)(\.0*)?$")
MAX_DIGITS = 18
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:+-]*$")
"""A code: ASCII letters and digits, and ``_ . : + -`` after the first character (ILOSTAT's
``BA:1321``, ``AGE_YTHADULT_Y15-24``, ``CA-NL``; the World Bank's ``SL.UEM.TOTL.ZS``)."""
CODE_CHARACTERS = "letters, digits and _ . : + - (starting with a letter or digit)"
MAX_CODE = 100
"""Longest code in a key column (the database columns hold 100 characters)."""
CODED = ("ref_area", "indicator", "source", "sex", "classif1", "classif2")
NOTES = ("note_indicator", "note_source", "note_classif")
REQUIRED = ("ref_area", "indicator", "time")
"""Key fields every observation has."""
PERIODS = ("time", "since")
"""Fields holding a period (``since``: the earlier period of a change)."""
SIGNIFICANT = {"true": True, "1": True, "false": False, "0": False, "": None}
"""How a change's ``change_significant`` may be written (any case; empty: not known)."""

Report = Callable[[str, str], None]
"""How a check reports a problem: report(field, problem)."""


@dataclass(frozen=True)
class Problem:
    """One bad row: where, which field, what is wrong."""

    file: str
    line: int
    field: str
    problem: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.problem}"


@dataclass(frozen=True)
class Known:
    """Codes the warehouse knows beyond the standard ones: areas (from loaded ILOSTAT
    dictionaries) and indicators (those it has labels of)."""

    areas: frozenset[str] = frozenset()
    indicators: frozenset[str] = frozenset()

    def adding(self, kind: str, codes: frozenset[str]) -> Known:
        """These codes with a dictionary's ``codes`` of ``kind`` added."""
        if kind == "ref_area":
            return Known(self.areas | codes, self.indicators)
        if kind == "indicator":
            return Known(self.areas, self.indicators | codes)
        return self


def code_problem(code: str) -> str | None:
    """What is wrong with a code (None: nothing)."""
    if len(code) > MAX_CODE:
        return f"longer than {MAX_CODE} characters"
    if not CODE.match(code):
        return f"{code!r} is not a code: expected {CODE_CHARACTERS}"
    return None


def text_problem(text: str) -> str | None:
    """What is wrong with a free text (a note, a label): a control character (None:
    nothing)."""
    found = CONTROL.search(text)
    if found:
        return f"{text!r} contains a control character ({found.group()!r})"
    return None


def number(text: str) -> float | None:
    """A plain decimal number (ASCII digits, optional sign, point and exponent), or None
    when empty.

    Raises:
        ValueError: anything else (``1,000``, ``inf``, ``n/a``).
    """
    text = text.strip()
    if text == "":
        return None
    if not NUMBER.match(text):
        raise ValueError(text)
    value = float(text)
    if math.isinf(value):
        raise ValueError(text)
    return value


class RowChecker:
    """Checks the rows of one file and normalises them (text stripped of spaces, numbers
    parsed). Each distinct text of a column is checked once and held once (codes repeat on
    every line), which keeps time and memory small."""

    def __init__(self, file: str, known: Known) -> None:
        self.file = file
        self.known = known
        self._texts: dict[tuple[str, str], tuple[str, tuple[tuple[str, str], ...]]] = {}

    def _text(self, column: str, raw: str) -> tuple[str, tuple[tuple[str, str], ...]]:
        """A text field stripped of spaces, and its problems as (field, problem)."""
        seen = self._texts.get((column, raw))
        if seen is None:
            text = raw.strip(" ")
            seen = self._texts[(column, raw)] = (text, tuple(self._text_problems(column, text)))
        return seen

    def _text_problems(self, column: str, text: str) -> Iterator[tuple[str, str]]:
        if not text:
            if column in REQUIRED or column == "since":
                yield column, "missing"
            return
        wrong = (
            code_problem(text)
            if column in CODED
            else text_problem(text)
            if column in NOTES
            else None
        )
        if wrong:
            yield column, wrong
        if column in PERIODS:
            match = TIME.match(text)
            if not match:
                yield column, f"{text!r} is not a year, quarter or month (2024, 2024Q1, 2024M01)"
            elif not FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR:
                yield column, f"{text!r}: the year is outside {FIRST_YEAR}-{LAST_YEAR}"
        elif column == "ref_area" and not wrong and not is_known_area(text, self.known.areas):
            yield (
                column,
                (
                    f"unknown area {text!r} (expected an ISO 3166 code, an ILOSTAT "
                    "area or group code, or a group defined in the warehouse)"
                ),
            )
        elif column == "obs_status" and text not in STATUS_CODES:
            yield (
                column,
                (f"unknown status {text!r} (ILOSTAT codes: {', '.join(sorted(STATUS_CODES))})"),
            )

    def check(self, line: int, record: dict[str, str]) -> tuple[dict[str, object], list[Problem]]:
        """One observation, normalised, and its problems (none: it can be loaded)."""
        found: list[Problem] = []

        def problem(field: str, text: str) -> None:
            found.append(Problem(self.file, line, field, text))

        out: dict[str, object] = {}
        for column in observations.TEXT_COLUMNS:
            out[column], problems = self._text(column, record.get(column) or "")
            for field, text in problems:
                problem(field, text)
        for column in observations.FLOAT_COLUMNS:
            out[column] = None
            try:
                out[column] = number(record.get(column) or "")
            except ValueError:
                problem(column, f"{record.get(column)!r} is not a number")
        out["sample_count"] = self._count((record.get("sample_count") or "").strip(), problem)
        if (
            out["obs_value"] is None
            and not out["obs_status"]
            and not any(p.field == "obs_value" for p in found)
        ):
            problem("obs_value", "missing (and no status says why)")
        self._bounds(out, problem)
        return out, found

    def check_change(
        self, line: int, record: dict[str, str]
    ) -> tuple[dict[str, object], list[Problem]]:
        """One change between periods (the observation key and
        :data:`~decentwork.observations.CHANGE_COLUMNS`), normalised, and its problems (none:
        it can be loaded): ``since`` a period before ``time``, ``change`` a number,
        ``change_se`` a number not below 0 (or empty), ``change_significant`` true, false or
        empty."""
        found: list[Problem] = []
        out: dict[str, object] = {}
        for column in (*observations.KEY_COLUMNS, "since"):
            out[column], problems = self._text(column, record.get(column) or "")
            found += [Problem(self.file, line, f, text) for f, text in problems]
        if not found and str(out["since"]) >= str(out["time"]):
            found.append(
                Problem(self.file, line, "since", f"{out['since']!r} is not before {out['time']!r}")
            )
        for column in ("change", "change_se"):
            out[column] = None
            try:
                out[column] = number(record.get(column) or "")
            except ValueError:
                found.append(
                    Problem(self.file, line, column, f"{record.get(column)!r} is not a number")
                )
        if out["change"] is None and not any(p.field == "change" for p in found):
            found.append(Problem(self.file, line, "change", "missing"))
        se = out["change_se"]
        if isinstance(se, float) and se < 0:
            found.append(Problem(self.file, line, "change_se", f"{se:g} is below 0"))
        written = (record.get("change_significant") or "").strip()
        out["change_significant"] = SIGNIFICANT.get(written.lower())
        if written.lower() not in SIGNIFICANT:
            found.append(
                Problem(
                    self.file,
                    line,
                    "change_significant",
                    f"{written!r} is not True or False (or empty: not known)",
                )
            )
        return out, found

    @staticmethod
    def _count(text: str, problem: Report) -> int | None:
        if not text:
            return None
        whole = WHOLE.match(text)
        if whole and len(whole.group(1)) <= MAX_DIGITS:
            return int(whole.group(1))
        problem("sample_count", f"{text!r} is not a whole number of records")
        return None

    @staticmethod
    def _bounds(out: dict[str, object], problem: Report) -> None:
        """The interval's bounds in order, around the value."""
        low, value, high = (out[c] for c in ("lower_bound", "obs_value", "upper_bound"))
        if isinstance(low, float) and isinstance(high, float) and low > high:
            problem("lower_bound", f"{low:g} is above the upper bound {high:g}")
        elif isinstance(value, float):
            if isinstance(low, float) and low > value:
                problem("lower_bound", f"{low:g} is above the value {value:g}")
            if isinstance(high, float) and high < value:
                problem("upper_bound", f"{high:g} is below the value {value:g}")

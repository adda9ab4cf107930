"""Numbers as a statistical office prints them, shared by the dashboard's pages, the charts
and the country briefs so that the three never disagree: written by unit (rates and
percentages to one decimal, levels in thousands grouped to one decimal, counts as grouped
integers; a value's standard error, bounds and change with the value's own decimals) and by
language through Babel (the locale's grouping and decimal signs and its default digits,
which for the six languages are Latin), never in scientific notation.

The unit of an indicator comes from what the warehouse records (its ``unit``: ``percent``,
``thousands``, ``persons``...), else from its English label's last parenthesis (ILOSTAT's
``(%)``, ``(thousands)``, ``(Local currency)``), else from its code (``_RT`` rates); an
indicator of unknown unit gets grouped digits and at most two decimals."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_decimal

DASH = "\u2013"
"""What a missing number shows (an en dash)."""


@dataclass(frozen=True)
class Style:
    """How the numbers of a unit are written: ``decimals`` after the decimal sign (None: as
    many as needed, up to :data:`MOST_DECIMALS`)."""

    unit: str
    decimals: int | None

    def pattern(self, signed: bool = False) -> str:
        """The Babel (CLDR) number pattern: grouped, with the style's decimals."""
        if self.decimals is None:
            body = "#,##0." + "#" * MOST_DECIMALS
        else:
            body = "#,##0" + ("." + "0" * self.decimals if self.decimals else "")
        return f"+{body};-{body}" if signed else body


MOST_DECIMALS = 2
"""The decimals of a number of unknown unit, at most."""
PERCENT = Style("percent", 1)
"""Rates and percentages (percent): one decimal."""
THOUSANDS = Style("thousands", 1)
"""Levels in thousands: grouped, one decimal."""
COUNT = Style("count", 0)
"""Counts in units (persons, vacancies, placements...): grouped integers."""
MEASURE = Style("measure", 1)
"""Hours, days: one decimal."""
MONEY = Style("currency", 2)
"""Amounts of money (earnings in local currency): two decimals."""
RATIO = Style("ratio", 2)
"""Ratios of two quantities (of the same unit): two decimals."""
NUMBER = Style("number", None)
"""A number of unknown unit: grouped, at most :data:`MOST_DECIMALS` decimals."""
GROWTH = Style("growth", 2)
"""A growth rate in percent a year (progress assessments' CAGR): two decimals."""

UNITS: Mapping[str, Style] = {
    "percent": PERCENT,
    "%": PERCENT,
    "percentage": PERCENT,
    "thousands": THOUSANDS,
    "persons": COUNT,
    "number": COUNT,
    "units": COUNT,
    "vacancies": COUNT,
    "openings": COUNT,
    "referrals": COUNT,
    "placements": COUNT,
    "hours": MEASURE,
    "days": MEASURE,
    "local currency": MONEY,
    "ratio": RATIO,
}
"""Styles by the unit's name (as the warehouse records it, or in a label's parenthesis)."""
SUFFIXES = {"_RT": PERCENT, "_DT": PERCENT, "_GR": PERCENT}
"""Styles by the end of an ILOSTAT-style code, where nothing else says the unit."""
_LAST_PARENTHESIS = re.compile(r"\(([^()]*)\)\s*$")


def style_of(unit: str | None = None, label: str | None = None, code: str | None = None) -> Style:
    """The style of an indicator's numbers: by its recorded ``unit``, else its English
    ``label``'s last parenthesis, else its ``code``'s end, else :data:`NUMBER`."""
    for name in (unit, _parenthesis(label)):
        if name and name.strip().casefold() in UNITS:
            return UNITS[name.strip().casefold()]
    if code:
        for suffix, style in SUFFIXES.items():
            if code.endswith(suffix):
                return style
    return NUMBER


@dataclass(frozen=True)
class Units:
    """The styles of indicators' numbers, by code, from what a warehouse records of them:
    their ``units`` and their English ``labels`` (each by indicator code)."""

    units: Mapping[str, str | None]
    labels: Mapping[str, str | None]

    @classmethod
    def of(
        cls,
        described: Mapping[str, tuple[str, str]],
        labels: Mapping[tuple[str, str], str],
    ) -> Units:
        """The styles of a warehouse's indicators from its metadata (``described``: unit and
        definition by code) and its English labels (by kind and code)."""
        return cls(
            {code: unit for code, (unit, _definition) in described.items()},
            {code: text for (kind, code), text in labels.items() if kind == "indicator"},
        )

    def __call__(self, code: str | None) -> Style:
        """The style of indicator ``code``'s numbers (:func:`style_of`; :data:`NUMBER` for
        no code)."""
        if code is None:
            return NUMBER
        return style_of(self.units.get(code), self.labels.get(code), code)


def _parenthesis(label: str | None) -> str | None:
    found = _LAST_PARENTHESIS.search(label) if label else None
    return found.group(1) if found else None


def number(
    value: float | None,
    style: Style = NUMBER,
    lang: str = "en",
    *,
    signed: bool = False,
    missing: str = DASH,
) -> str:
    """``value`` written in ``style`` for language ``lang`` (Babel's locale of it): grouped,
    with the style's decimals rounded half away from zero, never in scientific notation;
    ``signed`` puts a sign before a change that is not nil once rounded (``+0.2``,
    ``-0.2``, ``0.0``); ``missing`` for None or NaN."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return missing
    exact = Decimal(repr(float(value)))
    places = MOST_DECIMALS if style.decimals is None else style.decimals
    rounded = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0.0", and no sign on a nil change
        signed = False
    return format_decimal(rounded, style.pattern(signed), locale=lang, decimal_quantization=True)


def interval(
    lower: float | None, upper: float | None, style: Style = NUMBER, lang: str = "en"
) -> str:
    """A confidence interval as its bounds with a spaced en dash between them (unambiguous
    beside a decimal comma, where ``6,1, 6,8`` is not), each bound with the value's
    decimals; a dash where one is missing."""
    if lower is None or upper is None:
        return DASH
    return f"{number(lower, style, lang)} {DASH} {number(upper, style, lang)}"


def tick_decimals(step: float) -> int:
    """The decimals an axis with ticks ``step`` apart needs (0.5: 1; 2: 0; 0.25: 2)."""
    for decimals in range(0, 10):
        if abs(round(step, decimals) - step) <= abs(step) * 1e-9:
            return decimals
    return 10


def tick(value: float, step: float, lang: str = "en") -> str:
    """An axis label: ``value`` with the decimals of the axis' ``step``, in ``lang``."""
    return number(value, Style("tick", tick_decimals(step)), lang)

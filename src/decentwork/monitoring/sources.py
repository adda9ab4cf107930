"""One series per source: which of the sources that give an indicator for an area a progress
assessment, an area's headline or a comparison keeps to, and how often a period comes.

Two surveys of one indicator are not one series: a census of ages 10-24 beside a labour force
survey of ages 15-24, or a household survey's unemployment rate beside a labour force
survey's, differ by design, not by change. So a series is read from one source, and a
comparison ("+1.2 since 2022") is made only between periods of one source and one frequency
(a month is never compared with a year). The rule (docs/monitoring.md, "One series per
source"): the source named for the area where one is (the one ILOSTAT reports for the SDG,
given in the framework), else the source with the most recent period, then the one with the
most periods (the longest series), then the first source code (``BA``, a labour force
survey, before ``BB``, another household survey).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Literal, TypeVar

Frequency = Literal["annual", "quarterly", "monthly", "other"]

UNRELIABLE = "U"
"""ILOSTAT's observation status of a value flagged unreliable."""
RULE = "the source with the most recent period, then the longest series, then the first code"
"""The rule in words, for notes and pages."""

_FREQUENCIES: tuple[tuple[re.Pattern[str], Frequency], ...] = (
    (re.compile(r"[0-9]{4}"), "annual"),
    (re.compile(r"[0-9]{4}Q[1-4]"), "quarterly"),
    (re.compile(r"[0-9]{4}M(0[1-9]|1[0-2])"), "monthly"),
)


def frequency(time: str) -> Frequency:
    """How often a period of ``time``'s form comes: ``2022`` annual, ``2022Q1`` quarterly,
    ``2022M03`` monthly, anything else ``other``."""
    return next((name for pattern, name in _FREQUENCIES if pattern.fullmatch(time)), "other")


def period_end(time: str) -> tuple[int, int]:
    """The year and month in which period ``time`` ends (``2022`` → (2022, 12), ``2024Q1`` →
    (2024, 3), ``2024M03`` → (2024, 3)), to tell which of two periods of different frequencies
    is the more recent; a period of another form ends with its year."""
    year = int(time[:4]) if time[:4].isdigit() else 0
    kind = frequency(time)
    if kind == "quarterly":
        return year, 3 * int(time[5])
    if kind == "monthly":
        return year, int(time[5:7])
    return year, 12


Key = TypeVar("Key", str, tuple[str, ...])
"""What tells series apart: a source code, or a tuple of codes (sex, classifications,
source, frequency)."""


def choose(periods: Mapping[Key, Iterable[str]]) -> Key:
    """The series to keep to among ``periods`` (a source code, or any ordered key of a
    series → the periods it has a value for): the one with the most recent period (by
    :func:`period_end`), then the most periods, then the first key.

    Raises:
        ValueError: nothing to choose among (a programming error: callers choose among what
            they found).
    """
    found = {key: {period_end(t) for t in times} for key, times in periods.items()}
    found = {key: ends for key, ends in found.items() if ends}
    if not found:
        raise ValueError("no series with periods to choose among")
    latest = max(max(ends) for ends in found.values())
    recent = [key for key, ends in found.items() if max(ends) == latest]
    longest = max(len(found[key]) for key in recent)
    return min(key for key in recent if len(found[key]) == longest)

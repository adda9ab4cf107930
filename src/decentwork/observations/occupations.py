"""Shortage and surplus occupations from the public employment service's vacancy-to-seeker
ratios (indicator ``PES_VSR_OCU_RT``, see docs/pes-statistics.md).

An occupation group is a *shortage* occupation when its ratio of open openings to registered
job seekers wanting it is at or above the shortage threshold (default 1.5: three openings
for every two seekers), and a *surplus* occupation when the ratio is at or below the surplus
threshold (default 0.5: one opening for every two seekers). Both the PES statistics and the
public pages use this one function, so the lists are the same wherever they are shown.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from decentwork.errors import BadInput

RATIO_INDICATOR = "PES_VSR_OCU_RT"
"""The indicator whose observations the lists are drawn from."""

SHORTAGE_THRESHOLD = 1.5
"""Default: a ratio at or above this makes a shortage occupation."""

SURPLUS_THRESHOLD = 0.5
"""Default: a ratio at or below this makes a surplus occupation."""

Row = Mapping[str, Any]


def occupation_lists(
    rows: Iterable[Row],
    shortage: float = SHORTAGE_THRESHOLD,
    surplus: float = SURPLUS_THRESHOLD,
) -> tuple[list[Row], list[Row]]:
    """The shortage and surplus occupations among ``rows``, observation dicts of
    ``PES_VSR_OCU_RT`` (one per occupation group in ``classif1``).

    Returns ``(shortage_rows, surplus_rows)``, the rows themselves: shortage occupations
    with the highest ratio first, surplus occupations with the lowest ratio first (the most
    acute first in both; ties in ``classif1`` order). Rows of another indicator are refused;
    suppressed rows (empty ``obs_value``, status ``C``) are in neither list, since their
    ratio is not published. Callers choose which rows to pass (one month, one area, major or
    sub-major groups).

    Raises:
        BadInput: a threshold is negative or not a number, ``surplus`` is not below
            ``shortage``, or a row is of another indicator or has a value that is not a
            number.
    """
    for name, value in (("shortage", shortage), ("surplus", surplus)):
        if not isinstance(value, int | float) or math.isnan(value) or value < 0:
            raise BadInput(
                f"{name} threshold {value!r} is not a ratio",
                parameter=name,
                given=value,
                expected="a number at or above 0",
            )
    if surplus >= shortage:
        raise BadInput(
            f"surplus threshold {surplus} is not below the shortage threshold {shortage}",
            parameter="surplus",
            given=surplus,
            expected=f"a ratio below {shortage}, so that no occupation is on both lists",
        )
    ratios: list[tuple[float, Row]] = []
    for row in rows:
        indicator = row.get("indicator")
        if indicator != RATIO_INDICATOR:
            raise BadInput(
                f"row for {row.get('classif1', '')!r} is of indicator {indicator!r}",
                parameter="rows",
                given=indicator,
                expected=f"observations of {RATIO_INDICATOR}",
            )
        ratio = _ratio(row)
        if ratio is not None:
            ratios.append((ratio, row))
    by_group = sorted(ratios, key=lambda pair: str(pair[1].get("classif1", "")))
    shortage_rows = sorted((p for p in by_group if p[0] >= shortage), key=lambda p: -p[0])
    surplus_rows = sorted((p for p in by_group if p[0] <= surplus), key=lambda p: p[0])
    return [row for _, row in shortage_rows], [row for _, row in surplus_rows]


def _ratio(row: Row) -> float | None:
    """The row's ratio, or None when it is suppressed or empty."""
    value = row.get("obs_value")
    if value is None or value == "":
        return None
    try:
        ratio = float(value)
    except (TypeError, ValueError):
        raise BadInput(
            f"row for {row.get('classif1', '')!r} has obs_value {value!r}",
            parameter="rows",
            given=value,
            expected="a number, or empty when suppressed",
        ) from None
    return None if math.isnan(ratio) else ratio

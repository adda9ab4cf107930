"""Disclosure control of tables of counts: small counts suppressed (primary suppression), and
more cells suppressed until no suppressed count can be worked out from what is published
(secondary suppression).

A table is a set of cells (counts) and of *lines*: a total and the parts it is made of,
``total = sum(parts) + residual``, where the residual is what the parts leave out (seekers of
another sex, whose education or disability is not recorded). A cell may be the total of one
line and a part of another (an ISCO-08 major group is a part of the whole and the total of
its sub-major groups); a line with one part says two cells are the same figure.

- **Primary**: a count below the threshold and above zero is suppressed (a zero is
  published: it discloses no one). A residual below the threshold and above zero is never
  published, but it could be worked out by subtraction, so it is protected the same way.
- **Secondary**: a line in which a single figure is hidden (a suppressed cell, or a non-zero
  residual that is itself small) gives it away by subtraction, so the smallest published
  part of that line (a non-zero one first) is suppressed too, or the line's total when no
  part is left; repeated until every line hides none or at least two figures. Then each
  suppressed cell and each small residual is checked against *all* published figures at
  once (a linear programme: its least and greatest value given every line and that counts
  are not negative): any one whose value is thus pinned down gets another cell of one of
  its lines suppressed, until none is. The tables' constraint matrices are those of
  hierarchies of totals, whose linear programmes have whole-number optima, so a range wider
  than zero means at least two possible counts.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

import numpy as np
from scipy.optimize import linprog

from decentwork.errors import BadInput

K = TypeVar("K", bound=Hashable)
THRESHOLD = 5
"""Default: counts from 1 to 4 are suppressed."""


class Rule(StrEnum):
    """Why a cell is suppressed."""

    PRIMARY = "primary"
    SECONDARY = "secondary"


@dataclass(frozen=True)
class Line:
    """``total = sum(parts) + residual`` (the residual is not published)."""

    total: Hashable
    parts: tuple[Hashable, ...]


def check_threshold(threshold: int) -> int:
    """``threshold`` if it is a whole number of at least 1 (1 suppresses nothing).

    Raises:
        BadInput: otherwise.
    """
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise BadInput(
            f"threshold {threshold!r} is not a whole number of at least 1",
            parameter="threshold",
            given=threshold,
            expected="1 or more (default 5: counts of 1 to 4 are suppressed)",
        )
    return threshold


def sensitive(value: float, threshold: int) -> bool:
    """Whether a count is below ``threshold`` and above zero."""
    return 0 < value < threshold


def suppress(
    values: Mapping[K, int], lines: Sequence[Line], threshold: int = THRESHOLD
) -> dict[K, Rule]:
    """The cells of ``values`` to suppress, each with its rule (see the module's
    description); every total and part of ``lines`` must be a cell of ``values``.

    Raises:
        BadInput: a bad threshold, a negative count, or a line whose parts exceed its total.
    """
    check_threshold(threshold)
    for key, value in values.items():
        if value < 0:
            raise BadInput(f"cell {key!r} has a negative count {value}", parameter="values")
    for line in lines:
        if _residual(values, line) < 0:
            raise BadInput(
                f"the parts of line {line.total!r} add up to more than its total",
                parameter="lines",
                given=line.total,
            )
    hidden: dict[K, Rule] = {
        key: Rule.PRIMARY for key, value in values.items() if sensitive(value, threshold)
    }
    while True:
        added = {
            cell
            for line in _exposed_lines(values, lines, hidden, threshold)
            if (cell := _complement(values, [line], hidden)) is not None
        }
        if not added:
            added = _protecting_pinned(values, lines, hidden, threshold)
        if not added:
            return hidden
        for cell in added:
            hidden[cell] = Rule.SECONDARY


def _residual(values: Mapping[Any, int], line: Line) -> int:
    return values[line.total] - sum(values[part] for part in line.parts)


def _exposed_lines(
    values: Mapping[Any, int],
    lines: Sequence[Line],
    hidden: Mapping[Any, Rule],
    threshold: int,
) -> list[Line]:
    """The lines that hide exactly one figure which must stay hidden."""
    exposed = []
    for line in lines:
        cells = [c for c in (line.total, *line.parts) if c in hidden]
        residual = _residual(values, line)
        if len(cells) + (residual > 0) == 1 and (cells or sensitive(residual, threshold)):
            exposed.append(line)
    return exposed


def _complement(
    values: Mapping[Any, int], lines: Sequence[Line], hidden: Mapping[Any, Rule]
) -> Any:
    """The cell to suppress so that ``lines`` hide one figure more: the smallest published
    part (non-zero first, then by key), else a published total; None when all are hidden."""
    parts = [p for line in lines for p in line.parts if p not in hidden]
    if parts:
        return min(parts, key=lambda p: (values[p] == 0, values[p], str(p)))
    totals = [line.total for line in lines if line.total not in hidden]
    return min(totals, key=str) if totals else None


def _protecting_pinned(
    values: Mapping[Any, int],
    lines: Sequence[Line],
    hidden: Mapping[Any, Rule],
    threshold: int,
) -> set[Any]:
    """A cell to suppress for the first hidden figure that the published ones pin down
    (from the lines it is in), or none when no figure is pinned down."""
    unknowns: list[tuple[str, Hashable]] = [("cell", key) for key in hidden]
    unknowns += [("residual", k) for k, line in enumerate(lines) if _residual(values, line) > 0]
    if not unknowns:
        return set()
    index = {unknown: column for column, unknown in enumerate(unknowns)}
    rows, right = [], []
    for k, line in enumerate(lines):
        row = np.zeros(len(unknowns))
        constant = 0.0
        for cell, sign in ((line.total, 1.0), *((p, -1.0) for p in line.parts)):
            if cell in hidden:
                row[index[("cell", cell)]] += sign
            else:
                constant += sign * values[cell]
        if ("residual", k) in index:
            row[index[("residual", k)]] -= 1.0
        if row.any():
            rows.append(row)
            right.append(-constant)
    for (kind, name), column in index.items():
        if kind == "cell":
            around = [line for line in lines if name in (line.total, *line.parts)]
        else:
            around = [lines[int(str(name))]]
            if not sensitive(_residual(values, around[0]), threshold):
                continue
        if _pinned(np.array(rows), np.array(right), column, len(unknowns)):
            cell = _complement(values, around, hidden)
            if cell is not None:
                return {cell}
    return set()


def _pinned(rows: np.ndarray, right: np.ndarray, column: int, size: int) -> bool:
    """Whether unknown ``column`` has one possible value given ``rows @ x == right`` and
    ``x >= 0``."""
    if len(rows) == 0:
        return False
    objective = np.zeros(size)
    objective[column] = 1.0
    low = linprog(objective, A_eq=rows, b_eq=right, bounds=(0, None), method="highs")
    high = linprog(-objective, A_eq=rows, b_eq=right, bounds=(0, None), method="highs")
    if high.status == 3:  # unbounded: any larger value fits
        return False
    return bool(low.success and high.success and -high.fun - low.fun < 0.5)

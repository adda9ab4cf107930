"""Tables of counts by breakdown (sex, and one classification at a time), with the lines
that tie each breakdown to its total, which the disclosure control works on."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from decentwork.pes.statistics import codes
from decentwork.pes.statistics.suppression import Line

Key = tuple[str, str]
"""A cell: (sex, classif1)."""
TOTAL: Key = (codes.SEX_TOTAL, "")
Unit = tuple[Mapping[str, str | None], int]
"""What is counted (a seeker, a vacancy, a placement): its codes by breakdown, and its
weight (1, or a vacancy's openings)."""


@dataclass(frozen=True)
class Breakdown:
    """A breakdown: the unit's code it reads (``name``), the categories always published
    (zeros too) and, for ISCO-08 sub-major groups, the code prefix of the major groups they
    add up to (``within``)."""

    name: str
    categories: tuple[str, ...] = ()
    within: str | None = None


@dataclass
class CountTable:
    """An indicator's counts by cell, and the lines tying breakdowns to their totals."""

    indicator: str
    values: dict[Key, int] = field(default_factory=dict)
    lines: list[Line] = field(default_factory=list)


def count_table(
    indicator: str, units: Iterable[Unit], breakdowns: Sequence[Breakdown], *, by_sex: bool
) -> CountTable:
    """The counts of ``units`` in total, by sex (``by_sex``) and by each breakdown, both
    sexes together; the age breakdown also has its total (``AGE_YTHADULT_YGE15``), and a
    breakdown ``within`` another adds up to the other's cells."""
    listed = list(units)
    table = CountTable(indicator)
    table.values[TOTAL] = sum(weight for _, weight in listed)
    if by_sex:
        _add_line(table, TOTAL, "sex", tuple(codes.SEXES.values()), listed, sex=True)
    for breakdown in breakdowns:
        seen = {c for unit, _ in listed if (c := unit.get(breakdown.name)) is not None}
        categories = tuple(sorted(set(breakdown.categories) | seen))
        if breakdown.within is not None:
            parent = breakdown.within
            for top in sorted({k[1] for k in table.values if k[1].startswith(parent)}):
                inside = tuple(c for c in categories if _parent(c) == top)
                _add_line(table, (codes.SEX_TOTAL, top), breakdown.name, inside, listed)
            continue
        total = TOTAL
        if breakdown.name == "age":
            total = (codes.SEX_TOTAL, codes.AGE_TOTAL)
            table.values[total] = table.values[TOTAL]
            table.lines.append(Line(TOTAL, (total,)))
        _add_line(table, total, breakdown.name, categories, listed)
    return table


def _parent(code: str) -> str:
    """The ISCO-08 major group code of a sub-major group code."""
    return codes.major(code.rsplit("_", 1)[1])


def _add_line(
    table: CountTable,
    total: Key,
    name: str,
    categories: tuple[str, ...],
    units: list[Unit],
    *,
    sex: bool = False,
) -> None:
    counts = dict.fromkeys(categories, 0)
    for unit, weight in units:
        code = unit.get(name)
        if code in counts:
            counts[code] += weight
    keys = []
    for code, count in counts.items():
        key: Key = (code, "") if sex else (codes.SEX_TOTAL, code)
        table.values[key] = count
        keys.append(key)
    table.lines.append(Line(total, tuple(keys)))

"""Disclosure control of the PES statistics: small counts are suppressed (primary), and so
is whatever would give them away by subtraction (secondary). A property test draws registers
of units with codes in several breakdowns (some units without a code: a residual), a
hierarchy of occupation groups, and thresholds, and checks, as someone reading only the
published cells would, that no suppressed count and no small residual can be worked out:
neither line by line (subtracting the known cells of a total) nor from all lines at once (a
linear programme over the counts)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from decentwork.errors import BadInput
from decentwork.pes.statistics.suppression import Line, Rule, suppress
from decentwork.pes.statistics.tables import Breakdown, count_table


def test_a_small_cell_and_the_smallest_other_part() -> None:
    values = {"T": 40, "a": 3, "b": 12, "c": 25}
    assert suppress(values, [Line("T", ("a", "b", "c"))]) == {
        "a": Rule.PRIMARY,
        "b": Rule.SECONDARY,
    }


def test_two_small_cells_protect_each_other_and_zeros_are_published() -> None:
    values = {"T": 40, "a": 3, "b": 2, "c": 35, "d": 0}
    assert suppress(values, [Line("T", ("a", "b", "c", "d"))]) == {
        "a": Rule.PRIMARY,
        "b": Rule.PRIMARY,
    }


def test_a_small_residual_is_protected() -> None:
    # two people of another sex: T - M - F would give them away
    values = {"T": 30, "M": 16, "F": 12}
    assert suppress(values, [Line("T", ("M", "F"))]) == {"F": Rule.SECONDARY}


def test_a_residual_hides_a_small_cell() -> None:
    values = {"T": 30, "M": 3, "F": 20}  # 7 of another sex: M + 7 = 10 is all one learns
    assert suppress(values, [Line("T", ("M", "F"))]) == {"M": Rule.PRIMARY}


def test_a_small_total_hides_its_parts_in_every_breakdown() -> None:
    values = {"T": 4, "M": 4, "F": 0, "young": 1, "old": 3}
    hidden = suppress(values, [Line("T", ("M", "F")), Line("T", ("young", "old"))])
    assert hidden == {
        "T": Rule.PRIMARY,
        "M": Rule.PRIMARY,
        "young": Rule.PRIMARY,
        "old": Rule.PRIMARY,
    }


def test_a_hierarchy_protects_at_both_levels() -> None:
    values = {"T": 50, "1": 20, "2": 30, "11": 17, "12": 3, "21": 30}
    lines = [Line("T", ("1", "2")), Line("1", ("11", "12")), Line("2", ("21",))]
    hidden = suppress(values, lines)
    assert hidden["12"] == Rule.PRIMARY and hidden["11"] == Rule.SECONDARY
    assert recoverable(values, lines, hidden) == set()


def test_a_threshold_of_one_suppresses_nothing() -> None:
    assert suppress({"T": 3, "a": 1, "b": 2}, [Line("T", ("a", "b"))], threshold=1) == {}


@pytest.mark.parametrize("threshold", [0, -5, 2.5, True])
def test_bad_thresholds(threshold: Any) -> None:
    with pytest.raises(BadInput, match="threshold") as raised:
        suppress({"T": 1}, [], threshold=threshold)
    assert raised.value.parameter == "threshold"


def test_bad_tables() -> None:
    with pytest.raises(BadInput, match="negative count"):
        suppress({"T": 3, "a": -1}, [Line("T", ("a",))])
    with pytest.raises(BadInput, match="add up to more than its total"):
        suppress({"T": 3, "a": 2, "b": 2}, [Line("T", ("a", "b"))])


def subtraction(
    values: Mapping[Any, int], lines: Sequence[Line], hidden: Mapping[Any, Rule], threshold: int
) -> set[Any]:
    """What a reader works out by subtracting, line after line, until nothing more comes:
    the hidden cells and the small line residuals found. A residual of zero is taken as known (a
    reader may know that every seeker's sex is recorded)."""
    known = {cell: value for cell, value in values.items() if cell not in hidden}
    residuals = {
        k: 0
        for k, line in enumerate(lines)
        if values[line.total] == sum(values[p] for p in line.parts)
    }
    found: set[Any] = set()
    progress = True
    while progress:
        progress = False
        for k, line in enumerate(lines):
            missing = [c for c in (line.total, *line.parts) if c not in known]
            if len(missing) + (k not in residuals) != 1:
                continue
            rest = sum(known.get(p, 0) for p in line.parts) + residuals.get(k, 0)
            if missing and missing[0] == line.total:
                known[line.total] = rest
            elif missing:
                known[missing[0]] = known[line.total] - (rest - known.get(missing[0], 0))
            else:
                residuals[k] = known[line.total] - rest
                if 0 < residuals[k] < threshold:
                    found.add(("residual", k))
            if missing:
                found.add(missing[0])
            progress = True
    return found


def recoverable(
    values: Mapping[Any, int], lines: Sequence[Line], hidden: Mapping[Any, Rule], threshold: int = 5
) -> set[Any]:
    """The hidden cells (and small residuals) whose least and greatest possible values, given
    every published cell and counts not negative, are the same."""
    names = [*hidden, *(("residual", k) for k, line in enumerate(lines))]
    column = {name: j for j, name in enumerate(names)}
    equations, constants = [], []
    for k, line in enumerate(lines):
        row = np.zeros(len(names))
        constant = 0.0
        for cell, sign in [(line.total, 1), *((p, -1) for p in line.parts)]:
            if cell in hidden:
                row[column[cell]] += sign
            else:
                constant -= sign * values[cell]
        row[column[("residual", k)]] = -1
        equations.append(row)
        constants.append(constant)
    bounds = [(0, None)] * len(names)
    for k, line in enumerate(lines):
        if values[line.total] == sum(values[p] for p in line.parts):
            bounds[column[("residual", k)]] = (0, 0)
    pinned = set()
    for name, j in column.items():
        if name[0] == "residual" and not 0 < bounds_value(values, lines, name[1]) < threshold:
            continue
        cost = np.zeros(len(names))
        cost[j] = 1
        low = linprog(cost, A_eq=equations, b_eq=constants, bounds=bounds)
        high = linprog(-cost, A_eq=equations, b_eq=constants, bounds=bounds)
        assert low.status == 0, "the published cells admit the true counts"
        if high.status == 0 and -high.fun - low.fun < 0.5:
            pinned.add(name)
    return pinned


def bounds_value(values: Mapping[Any, int], lines: Sequence[Line], k: int) -> int:
    line = lines[k]
    return values[line.total] - sum(values[p] for p in line.parts)


unit = st.fixed_dictionaries(
    {
        "sex": st.sampled_from(["SEX_M", "SEX_F", None]),
        "age": st.sampled_from(["AGE_YTHADULT_Y15-24", "AGE_YTHADULT_YGE25", None]),
        "area": st.sampled_from(["GEO_PES_KH-12", "GEO_PES_KH-17", "GEO_PES_KH-1", "GEO_PES_KH-2"]),
        "isco": st.sampled_from(["11", "12", "13", "21", "22", "31", "32", "33", "34"]),
        "weight": st.integers(1, 3),
    }
)


@settings(max_examples=150, deadline=None)
@given(units=st.lists(unit, max_size=40), threshold=st.integers(2, 6))
def test_no_suppressed_count_can_be_worked_out(units: list[dict[str, Any]], threshold: int) -> None:
    table = count_table(
        "X",
        [
            (
                {
                    **u,
                    "major": f"OCU_ISCO08_{u['isco'][0]}",
                    "sub_major": f"OCU_ISCO08SUB_{u['isco']}",
                },
                u["weight"],
            )
            for u in units
        ],
        (
            Breakdown("age", ("AGE_YTHADULT_Y15-24", "AGE_YTHADULT_YGE25")),
            Breakdown("area", ("GEO_PES_KH-12", "GEO_PES_KH-17")),
            Breakdown("major", ("OCU_ISCO08_1", "OCU_ISCO08_2", "OCU_ISCO08_3")),
            Breakdown("sub_major", within="OCU_ISCO08_"),
        ),
        by_sex=True,
    )
    hidden = suppress(table.values, table.lines, threshold)
    small = {c for c, v in table.values.items() if 0 < v < threshold}
    assert small <= set(hidden)
    assert all(hidden[c] == Rule.PRIMARY for c in small)
    assert subtraction(table.values, table.lines, hidden, threshold) == set()
    assert recoverable(table.values, table.lines, hidden, threshold) == set()

"""Grouping sets, rolled up from the cell table (never from the microdata).

A *unit* is a PSU, or a stratum when records are the PSUs, or the whole sample for replicate
designs. A :class:`Level` holds sums per (unit, combination of by-variable values); the cell
table of the one pass is the finest level. Each grouping set is rolled up from the smallest
level computed so far that contains its variables, so a cube of grouping sets costs little
more than its finest set.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

DENSE_LIMIT = 1 << 22  # largest key space relabelled by a lookup table instead of a sort


def relabel(keys: np.ndarray, space: int) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(keys, return_inverse=True)`` for integer keys in ``[0, space)``.

    Uses a lookup table (linear time) when the key space is small, a sort otherwise.
    """
    if space > max(DENSE_LIMIT, 4 * len(keys)):
        return np.unique(keys, return_inverse=True)
    present = np.zeros(space, dtype=bool)
    present[keys] = True
    unique = np.flatnonzero(present)
    lookup = np.empty(space, dtype=np.int64)
    lookup[unique] = np.arange(len(unique))
    return unique, lookup[keys]


def unique_rows(
    columns: Sequence[np.ndarray], sizes: Sequence[int]
) -> tuple[list[np.ndarray], np.ndarray]:
    """The distinct rows of integer columns (column j in ``[0, sizes[j])``) and each row's index.

    Rows are coded as one mixed-radix integer when the key space fits in 62 bits, and sorted
    as rows otherwise; either way the distinct rows come in ascending order.
    """
    space = math.prod(sizes)
    if space >= 1 << 62:
        table, inverse = np.unique(np.column_stack(columns), axis=0, return_inverse=True)
        return [table[:, j] for j in range(len(columns))], inverse.ravel()
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for column, size in zip(columns, sizes, strict=True):
        key = key * size + column
    unique, inverse = relabel(key, space)
    decoded = []
    for size in reversed(sizes):
        decoded.append(unique % size)
        unique = unique // size
    return decoded[::-1], inverse


@dataclass(frozen=True)
class Level:
    """Sums per (unit, by-variable codes); code -1 stands for a missing value."""

    unit: np.ndarray
    codes: dict[str, np.ndarray]
    sums: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.unit)

    def rollup(self, variables: Sequence[str], sizes: dict[str, int], n_units: int) -> Level:
        """This level summed over every by-variable not in ``variables``."""
        rows, row = unique_rows(
            [self.unit, *(self.codes[v] + 1 for v in variables)],
            [n_units, *(sizes[v] + 1 for v in variables)],
        )
        sums = {
            name: np.bincount(row, weights=values, minlength=len(rows[0]))
            for name, values in self.sums.items()
        }
        codes = {v: rows[j + 1] - 1 for j, v in enumerate(variables)}
        return Level(rows[0], codes, sums)


@dataclass(frozen=True)
class Groups:
    """One grouping set: its (unit, domain) groups, their sums, and the domains' labels."""

    level: Level
    inside: np.ndarray | None  # groups of the level inside a domain (None: all)
    domain: np.ndarray  # domain of each group inside
    unit: np.ndarray  # unit of each group inside
    labels: dict[str, np.ndarray]  # by-variable -> value of each domain (object arrays)
    count: int  # number of domains

    def codes(self, column: str) -> np.ndarray:
        """The code of by-variable ``column`` of each group inside a domain."""
        values = self.level.codes[column]
        return values if self.inside is None else values[self.inside]

    def sum(self, name: str) -> np.ndarray:
        """The sums of column ``name`` per group inside a domain."""
        values = self.level.sums[name]
        return values if self.inside is None else values[self.inside]


class Cube:
    """Builds the groups of any grouping set from the cell table, reusing coarser roll-ups."""

    def __init__(
        self,
        cells: pd.DataFrame,
        by_columns: Sequence[str],
        unit_of_cell: np.ndarray,
        n_units: int,
        sum_columns: Sequence[str],
    ) -> None:
        self.n_units = n_units
        self.labels: dict[str, pd.Index] = {}
        codes = {}
        for column in by_columns:
            found, labels = pd.factorize(cells[column], sort=True, use_na_sentinel=True)
            codes[column] = found.astype(np.int64)
            self.labels[column] = pd.Index(labels)
        self.sizes = {c: len(labels) for c, labels in self.labels.items()}
        sums = {c: cells[c].to_numpy(dtype=float) for c in sum_columns}
        self.kept = [Level(unit_of_cell.astype(np.int64), codes, sums)]

    def groups(self, grouping: Sequence[str]) -> Groups:
        """The groups of ``grouping``; a group with a missing value in it is in no domain."""
        parent = min((lv for lv in self.kept if set(grouping) <= set(lv.codes)), key=len)
        level = parent.rollup(grouping, self.sizes, self.n_units)
        if 2 * len(level) <= len(parent):
            self.kept.append(level)
        inside = np.ones(len(level), dtype=bool)
        for column in grouping:
            inside &= level.codes[column] >= 0
        mask = None if inside.all() else inside
        if grouping:
            values, domain = unique_rows(
                [level.codes[c] if mask is None else level.codes[c][mask] for c in grouping],
                [self.sizes[c] for c in grouping],
            )
        else:
            values, domain = [], np.zeros(len(level), dtype=np.int64)
        labels = {
            c: self.labels[c][values[j]].to_numpy(dtype=object) for j, c in enumerate(grouping)
        }
        unit = level.unit if mask is None else level.unit[mask]
        count = len(next(iter(labels.values()))) if labels else 1
        return Groups(level, mask, domain, unit, labels, count)

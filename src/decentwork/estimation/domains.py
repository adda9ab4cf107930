"""Domains of a grouping set, computed on the cell table (never on the microdata)."""

from __future__ import annotations

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


@dataclass(frozen=True)
class Domains:
    """Which domain each cell belongs to (-1: none) and the labels of each domain."""

    index: np.ndarray
    labels: dict[str, np.ndarray]  # by-variable -> value of each domain (object arrays)
    count: int


class DomainCoder:
    """Factorises the by-columns of the cell table once, then builds any grouping set."""

    def __init__(self, cells: pd.DataFrame, by_columns: Sequence[str]) -> None:
        self.n_cells = len(cells)
        self.codes: dict[str, np.ndarray] = {}
        self.levels: dict[str, pd.Index] = {}
        for column in by_columns:
            codes, levels = pd.factorize(cells[column], sort=True, use_na_sentinel=True)
            self.codes[column] = codes.astype(np.int64)
            self.levels[column] = pd.Index(levels)

    def domains(self, grouping: Sequence[str]) -> Domains:
        """Domains of ``grouping``; cells with a missing value in it belong to none."""
        if not grouping:
            return Domains(np.zeros(self.n_cells, dtype=np.int64), {}, 1)
        combined = np.zeros(self.n_cells, dtype=np.int64)
        inside = np.ones(self.n_cells, dtype=bool)
        space = 1
        for column in grouping:
            codes = self.codes[column]
            inside &= codes >= 0
            combined = combined * len(self.levels[column]) + codes
            space *= len(self.levels[column])
        index = np.full(self.n_cells, -1, dtype=np.int64)
        unique, index[inside] = relabel(combined[inside], space)
        labels = {}
        count = len(unique)
        for column in reversed(grouping):
            size = len(self.levels[column])
            labels[column] = self.levels[column][unique % size].to_numpy(dtype=object)
            unique = unique // size
        return Domains(index, labels, count)


@dataclass(frozen=True)
class Groups:
    """The cells of a grouping set collapsed to (unit, domain) groups.

    A unit is a PSU, or a stratum when records are the PSUs, or the whole sample for
    replicate designs. Every per-statistic computation after the one pass works on these
    groups, which are at most (units x domains) and usually far fewer than the cells.
    """

    cell_group: np.ndarray  # group of each cell inside a domain
    inside: np.ndarray | None  # cells inside a domain (None: all of them)
    domain: np.ndarray  # domain of each group
    unit: np.ndarray  # unit of each group
    count: int

    @classmethod
    def build(cls, domains: Domains, unit_of_cell: np.ndarray, n_units: int) -> Groups:
        inside = domains.index >= 0
        mask = None if inside.all() else inside
        dom = domains.index if mask is None else domains.index[mask]
        units = unit_of_cell if mask is None else unit_of_cell[mask]
        unique, cell_group = relabel(units * domains.count + dom, n_units * domains.count)
        return cls(cell_group, mask, unique % domains.count, unique // domains.count, len(unique))

    def sum(self, values: np.ndarray) -> np.ndarray:
        """Per-group sums of a cell column."""
        if self.inside is not None:
            values = values[self.inside]
        return np.bincount(self.cell_group, weights=values, minlength=self.count)


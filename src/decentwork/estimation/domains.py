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

"""The building blocks of the matching index: codes as numbers, provinces of areas, postings
(rows by key), sets of skills as a sparse 0/1 matrix, and free texts as unit vectors.

Everything a ranking compares is a number in a numpy array, so that one comparison covers
every candidate at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date

import numpy as np
import pycountry
import scipy.sparse as sp

from decentwork.classifications.text_features import counts

NO_CODE = -1
"""An absent code (area, currency, wage period, text)."""
NO_LEVEL = -9
"""An absent ISCED level (none given, or 9: not elsewhere classified)."""
NO_DAY = -1
"""An absent date."""
NEVER = np.iinfo(np.int32).max
"""The expiry of a vacancy that does not expire."""


class Codes:
    """Texts (areas, currencies, wage periods) as numbers, the same number for the same text
    wherever it occurs in one index."""

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}

    def number(self, text: str | None) -> int:
        """The number of ``text`` (:data:`NO_CODE` for None)."""
        if text is None:
            return NO_CODE
        return self._numbers.setdefault(text, len(self._numbers))

    def numbers(self, texts: Iterable[str | None]) -> np.ndarray:
        """The numbers of ``texts``."""
        return np.fromiter((self.number(t) for t in texts), dtype=np.int32)

    def numbers_where(self, chosen: Callable[[str], bool]) -> frozenset[int]:
        """The numbers of the texts met so far that ``chosen`` accepts."""
        return frozenset(n for text, n in self._numbers.items() if chosen(text))


class Places:
    """The province of each area: the top-level ISO 3166-2 subdivision it lies in, through
    the districts a ministry added (``{code: parent}``)."""

    def __init__(self, districts: Mapping[str, str]) -> None:
        self.districts = dict(districts)
        self._provinces: dict[str, str] = {}

    def update(self, districts: Mapping[str, str]) -> None:
        """Take in the districts as they are now."""
        if districts != self.districts:
            self.districts = dict(districts)
            self._provinces.clear()

    def province(self, area: str) -> str:
        """The top-level subdivision ``area`` lies in (itself when it is one, or when its
        parents are unknown)."""
        if area not in self._provinces:
            self._provinces[area] = self._climb(area)
        return self._provinces[area]

    def _climb(self, area: str) -> str:
        seen = {area}
        code = area
        while code in self.districts and self.districts[code] not in seen:
            code = self.districts[code]
            seen.add(code)
        subdivision = pycountry.subdivisions.get(code=code)
        while subdivision is not None and subdivision.parent_code:
            code = subdivision.parent_code
            subdivision = pycountry.subdivisions.get(code=code)
        return code


def level(code: str | None) -> int:
    """An ISCED 2011 level as a number: ``X`` (no schooling) -1, ``0``...``8`` as such;
    :data:`NO_LEVEL` for none or ``9`` (not elsewhere classified)."""
    if code is None or code == "9":
        return NO_LEVEL
    return -1 if code == "X" else int(code)


def day(value: date | None, absent: int = NO_DAY) -> int:
    """A date as its proleptic Gregorian ordinal (``absent`` for None)."""
    return absent if value is None else value.toordinal()


def padded(lists: Sequence[Sequence[float]], fill: float, dtype: type) -> np.ndarray:
    """Lists of numbers as a matrix, one row each, padded with ``fill`` (one column at least)."""
    width = max((len(each) for each in lists), default=0) or 1
    matrix: np.ndarray = np.full((len(lists), width), fill, dtype=dtype)
    for row, each in enumerate(lists):
        matrix[row, : len(each)] = each
    return matrix


class Postings:
    """Rows by key: for each key (an occupation group, a job centre) the rows that have it,
    sorted, as slices of one array."""

    def __init__(self, keys: np.ndarray, rows: np.ndarray) -> None:
        order = np.lexsort((rows, keys))
        keys, rows = keys[order], rows[order]
        first = np.ones(len(keys), dtype=bool)
        first[1:] = (keys[1:] != keys[:-1]) | (rows[1:] != rows[:-1])
        keys, self.rows = keys[first], rows[first].astype(np.int64)
        found, starts = np.unique(keys, return_index=True)
        ends = np.append(starts[1:], len(keys)) if len(starts) else starts
        self._slices = {
            int(k): (int(s), int(e)) for k, s, e in zip(found, starts, ends, strict=True)
        }

    def get(self, key: int) -> np.ndarray:
        """The rows with ``key`` (none when no row has it)."""
        start, end = self._slices.get(key, (0, 0))
        return self.rows[start:end]


class SkillCount:
    """How many of some skills (``columns`` of a :class:`SkillSets`) each row has."""

    def __init__(self, sets: SkillSets, columns: list[int]) -> None:
        self.sets, self.columns = sets, columns

    def of(self, rows: np.ndarray) -> np.ndarray:
        """The count of each of ``rows``."""
        if not self.columns:
            return np.zeros(len(rows))
        indicator = np.zeros(self.sets.matrix.shape[1], dtype=np.float32)
        indicator[self.columns] = 1
        return np.asarray(self.sets.matrix[rows] @ indicator, dtype=np.float64)

    def held(self) -> np.ndarray | None:
        """Each row's count (None when no row has any of the skills)."""
        if not self.columns:
            return None
        pointers, rows = self.sets.by_skill.indptr, self.sets.by_skill.indices
        counts = np.zeros(self.sets.matrix.shape[0], dtype=np.uint8)  # 200 skills at most
        for column in self.columns:
            counts[rows[pointers[column] : pointers[column + 1]]] += 1
        return counts


class SkillSets:
    """A set of ESCO skill URIs per row, as a sparse 0/1 matrix over a vocabulary of the
    URIs met, and the rows of each skill (to count a few skills over many rows)."""

    def __init__(self, sets: Sequence[Sequence[str]]) -> None:
        self.vocabulary: dict[str, int] = {}
        columns = np.fromiter(
            (
                self.vocabulary.setdefault(uri, len(self.vocabulary))
                for each in sets
                for uri in each
            ),
            dtype=np.int32,
        )
        pointers = np.zeros(len(sets) + 1, dtype=np.int64)
        np.cumsum([len(each) for each in sets], out=pointers[1:])
        self.matrix = sp.csr_matrix(
            (np.ones(len(columns), dtype=np.float32), columns, pointers),
            shape=(len(sets), len(self.vocabulary)),
        )
        self.by_skill = self.matrix.tocsc()
        self.by_skill.sort_indices()
        self.sizes = np.diff(pointers).astype(np.float64)
        self._uris = list(self.vocabulary)

    def uris(self, row: int) -> list[str]:
        """The skills of ``row``."""
        start, end = self.matrix.indptr[row], self.matrix.indptr[row + 1]
        return [self._uris[i] for i in self.matrix.indices[start:end]]

    def count(self, uris: Iterable[str]) -> SkillCount:
        """How many of ``uris`` each row has."""
        return SkillCount(self, sorted({self.vocabulary[u] for u in uris if u in self.vocabulary}))


class Texts:
    """Distinct free texts (job titles) as unit vectors of hashed character n-grams and
    words (the occupation coder's features, :mod:`decentwork.classifications.text_features`),
    so that the cosine of two is a dot product. Each text is a number: its row. The
    matrix's columns are the features the texts have (``features``, sorted); it is kept by
    feature too, so that a text of another set meets only the texts sharing its features."""

    def __init__(self, texts: Sequence[str]) -> None:
        found = counts(texts) if texts else sp.csr_matrix((0, 1))
        self.features = np.unique(found.indices)
        local = np.searchsorted(self.features, found.indices)
        self.matrix = _unit_rows(
            sp.csr_matrix(
                (found.data, local, found.indptr), shape=(found.shape[0], len(self.features))
            )
        )
        self.by_feature = self.matrix.tocsc()

    def similarity(self, other: Texts, rows: Sequence[int] | np.ndarray) -> np.ndarray:
        """The cosine of each of these texts with each text ``rows`` of ``other``, in
        [0, 1]: a (texts x rows) array."""
        found = np.zeros((self.matrix.shape[0], len(rows)))
        for column, row in enumerate(rows):
            start, end = other.matrix.indptr[row], other.matrix.indptr[row + 1]
            features = other.features[other.matrix.indices[start:end]]
            where = np.minimum(
                np.searchsorted(self.features, features), max(len(self.features) - 1, 0)
            )
            shared = (
                (self.features[where] == features)
                if len(self.features)
                else np.zeros(len(features), dtype=bool)
            )
            if shared.any():
                found[:, column] = (
                    self.by_feature[:, where[shared]] @ other.matrix.data[start:end][shared]
                )
        return np.clip(found, 0, 1)


def _unit_rows(matrix: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1
    return sp.csr_matrix(sp.diags(1 / norms) @ matrix)


def numbered(texts: Iterable[str]) -> tuple[dict[str, int], list[str]]:
    """Each distinct text's number, and the texts in the order of their numbers."""
    numbers: dict[str, int] = {}
    for text in texts:
        numbers.setdefault(text, len(numbers))
    return numbers, list(numbers)

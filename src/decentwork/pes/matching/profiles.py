"""The skills ESCO v1.1.1 links to each ISCO-08 unit group, for vacancies that list no
required skills.

ESCO links each of its occupations (``occupations_en.csv`` in the classification archive,
with the ISCO-08 unit group it belongs to) to skills, as essential or optional
(``occupationSkillRelations.csv`` in the relations archive). A unit group gathers several
ESCO occupations (six sewing machine operators' occupations in 8153, say): a skill is
essential for the unit group when it is essential to at least ``essential_share`` of them,
and optional when it is linked to any of them otherwise.

Both archives are read from the data directory where ``decentwork classifications fetch``
puts them. ESCO v1.1.1 is © European Union, published by the European Commission under the
Creative Commons Attribution 4.0 International licence; the files are used unmodified.
"""

from __future__ import annotations

import csv
import functools
import io
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from decentwork.classifications.sources import FetchError, located
from decentwork.pes.references import ESCO_CLASSIFICATION, ESCO_VERSION

ESCO_RELATIONS = f"esco/{ESCO_VERSION}/ESCO dataset - {ESCO_VERSION} - relations - csv.zip"
OCCUPATIONS = "occupations_en.csv"
RELATIONS = "occupationSkillRelations.csv"


@dataclass(frozen=True)
class SkillProfiles:
    """The essential and optional skills of each unit group, as sets and as 0/1 matrices
    (one row per unit group, one column per skill of ``vocabulary``; by column) for counting
    a seeker's skills against every unit group at once."""

    essential: dict[str, frozenset[str]]
    optional: dict[str, frozenset[str]]
    vocabulary: dict[str, int]
    """Skill URI: column."""
    rows: np.ndarray
    """ISCO-08 unit group (as a number, 0 to 9999): row of the matrices, or -1."""
    essential_matrix: sp.csc_matrix
    optional_matrix: sp.csc_matrix
    essential_sizes: np.ndarray
    """The number of essential skills of each unit group (by row)."""
    optional_sizes: np.ndarray

    def counts(self, skills: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """How many of ``skills`` are essential, and optional, for each unit group (by row)."""
        columns = [self.vocabulary[uri] for uri in skills if uri in self.vocabulary]
        return _rows_of(self.essential_matrix, columns), _rows_of(self.optional_matrix, columns)


def _rows_of(matrix: sp.csc_matrix, columns: list[int]) -> np.ndarray:
    """How many of ``columns`` each row of the 0/1 ``matrix`` has."""
    rows = [matrix.indices[matrix.indptr[c] : matrix.indptr[c + 1]] for c in columns]
    found = np.concatenate(rows) if rows else np.empty(0, dtype=np.int32)
    return np.bincount(found, minlength=matrix.shape[0]).astype(np.float64)


def skill_profiles(folder: Path | None, essential_share: float) -> SkillProfiles:
    """The unit groups' skills from the ESCO archives in the data directory (or ``folder``,
    laid out the same way); a skill is essential for a unit group when it is essential to at
    least ``essential_share`` of ESCO's occupations in it.

    Raises:
        FetchError: an archive is missing, damaged or lacks its file.
    """
    return _profiles(
        located(ESCO_CLASSIFICATION, folder), located(ESCO_RELATIONS, folder), essential_share
    )


@functools.cache
def _profiles(classification: Path, relations: Path, essential_share: float) -> SkillProfiles:
    groups = {
        uri: group for uri, group in _rows(classification, OCCUPATIONS, "conceptUri", "iscoGroup")
    }
    size = Counter(groups.values())
    essential_to: defaultdict[str, Counter[str]] = defaultdict(Counter)
    linked: defaultdict[str, set[str]] = defaultdict(set)
    for occupation, kind, skill in _rows(
        relations, RELATIONS, "occupationUri", "relationType", "skillUri"
    ):
        group = groups.get(occupation)
        if group is None:
            continue
        linked[group].add(skill)
        if kind == "essential":
            essential_to[group][skill] += 1
    essential = {
        group: frozenset(
            s for s, n in essential_to[group].items() if n >= essential_share * size[group]
        )
        for group in linked
    }
    optional = {group: frozenset(linked[group] - essential[group]) for group in linked}
    vocabulary = {uri: i for i, uri in enumerate(sorted(set().union(*linked.values())))}
    codes = sorted(linked)
    rows = np.full(10_000, -1, dtype=np.int32)
    rows[[int(code) for code in codes]] = np.arange(len(codes))
    essential_matrix = _matrix([essential[c] for c in codes], vocabulary)
    optional_matrix = _matrix([optional[c] for c in codes], vocabulary)
    return SkillProfiles(
        essential,
        optional,
        vocabulary,
        rows,
        essential_matrix.tocsc(),
        optional_matrix.tocsc(),
        np.diff(essential_matrix.indptr).astype(np.float64),
        np.diff(optional_matrix.indptr).astype(np.float64),
    )


def _matrix(sets: list[frozenset[str]], vocabulary: dict[str, int]) -> sp.csr_matrix:
    columns = np.array([vocabulary[uri] for each in sets for uri in sorted(each)], dtype=np.int32)
    pointers = np.zeros(len(sets) + 1, dtype=np.int64)
    np.cumsum([len(each) for each in sets], out=pointers[1:])
    return sp.csr_matrix(
        (np.ones(len(columns), dtype=np.float32), columns, pointers),
        shape=(len(sets), len(vocabulary)),
    )


def _rows(archive: Path, member: str, *columns: str) -> Iterator[tuple[str, ...]]:
    """The ``columns`` of each row of the CSV file ``member`` of ``archive``.

    Raises:
        FetchError: the archive is damaged or lacks the file or a column.
    """
    try:
        with zipfile.ZipFile(archive) as opened, opened.open(member) as handle:
            for row in csv.DictReader(io.TextIOWrapper(handle, encoding="utf-8", newline="")):
                yield tuple(row[column] for column in columns)
    except (zipfile.BadZipFile, KeyError, UnicodeDecodeError) as error:
        raise FetchError(
            f"{archive}: not ESCO's archive with {member} ({error})",
            given=str(archive),
            hint="fetch the classification files again ('decentwork classifications fetch')",
        ) from None

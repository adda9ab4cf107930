"""The best ``k`` records for one query (a vacancy's best seekers, a seeker's best vacancies),
found without scoring the records that cannot be among them; and the batch mode, every
seeker's best vacancies.

For each segment, the candidates are reached in stages through the postings by occupation
group: the records without any occupation (whose occupation factor is missing, so nothing
bounds their score), then those sharing the query's unit group, its minor group, its
sub-major group, its major group, and last all the others. Each stage is scored at once
(numpy). A record of a later stage shares no finer group than the stage's, so its occupation
value, and with it its score, has a ceiling (:func:`~.factors.ceiling`); as soon as the
``k``-th best score found is above the ceiling of the records left, they are not scored.
The result is exactly the top ``k`` of scoring every record: ties are broken by confidence,
then by the smaller id.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

import numpy as np

from decentwork.pes.matching.factors import Pairs, ceiling, evaluate
from decentwork.pes.matching.segments import LEVELS, Segment, group
from decentwork.pes.matching.weights import Weights

S = TypeVar("S", bound=Segment)
S_contra = TypeVar("S_contra", bound=Segment, contravariant=True)


class Query(Protocol[S_contra]):
    """One record against the records of segments of the other side."""

    def codes(self) -> list[int]:
        """The query's occupations (ISCO-08 codes as numbers), to reach records by them."""
        ...

    def pairs(self, segment: S_contra, rows: np.ndarray) -> Pairs:
        """The pairs of the query with ``rows`` of ``segment``."""
        ...


@dataclass(frozen=True)
class Scope:
    """Which records a ranking may return: of these job centres (None: any), in these areas
    (numbers; None: any), not these ids, current on day ``today`` (an ordinal)."""

    today: int
    centres: frozenset[int] | None = None
    areas: frozenset[int] | None = None
    excluded: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Hit:
    """A record ranked: where it is (segment and row), its id, score and confidence."""

    segment: int
    row: int
    id: int
    score: float
    confidence: float


class _Best:
    """The best ``k`` (segment, row) found so far, by score, confidence, then smaller id."""

    def __init__(self, k: int) -> None:
        self.k = k
        self.columns = [
            np.empty(0, dtype=np.int64),
            np.empty(0, dtype=np.int64),
            np.empty(0, dtype=np.int64),
            np.empty(0),
            np.empty(0),
        ]

    def add(
        self,
        segment: int,
        rows: np.ndarray,
        ids: np.ndarray,
        scores: np.ndarray,
        confidences: np.ndarray,
    ) -> None:
        segment_column = np.full(len(rows), segment, dtype=np.int64)
        self.columns = [
            np.concatenate([old, new])
            for old, new in zip(
                self.columns, (segment_column, rows, ids, scores, confidences), strict=True
            )
        ]
        scores = self.columns[3]
        if len(scores) > self.k:
            kth = np.partition(scores, len(scores) - self.k)[len(scores) - self.k]
            keep = scores >= kth
            self.columns = [column[keep] for column in self.columns]
        order = np.lexsort((self.columns[2], -self.columns[4], -self.columns[3]))[: self.k]
        self.columns = [column[order] for column in self.columns]

    def above(self, score: float) -> bool:
        """Whether ``k`` records are found whose scores are all above ``score``."""
        return len(self.columns[3]) == self.k and bool(self.columns[3][-1] > score)

    def hits(self) -> list[Hit]:
        return [
            Hit(int(s), int(r), int(i), float(score), float(c))
            for s, r, i, score, c in zip(*self.columns, strict=True)
        ]


def rank(
    query: Query[S], segments: Sequence[S], k: int, weights: Weights, scope: Scope
) -> list[Hit]:
    """The best ``k`` records of ``segments`` for ``query`` within ``scope``, best first."""
    best = _Best(k)
    for number, segment in enumerate(segments):
        if len(segment):
            _rank_segment(query, number, segment, best, weights, scope)
    return best.hits()


def _rank_segment(
    query: Query[S], number: int, segment: S, best: _Best, weights: Weights, scope: Scope
) -> None:
    codes = query.codes()
    scored = np.zeros(len(segment), dtype=bool)
    for rows, ceiling_tier in _stages(segment, codes, weights, scope):
        rows = rows[~scored[rows]]
        scored[rows] = True
        rows = _within(segment, rows, scope)
        if len(rows):
            found = evaluate(query.pairs(segment, rows), weights)
            best.add(number, rows, segment.ids[rows], found.score, found.confidence)
        if codes and ceiling_tier is not None and best.above(ceiling(weights, ceiling_tier)):
            return


def _stages(
    segment: Segment, codes: list[int], weights: Weights, scope: Scope
) -> Iterator[tuple[np.ndarray, float | None]]:
    """The candidates of each stage, and the tier value no record left shares more of (None
    after the last stage)."""
    tiers = weights.occupation.tiers()
    yield segment.unplaced, tiers[0]
    for level, digits in enumerate(LEVELS):
        found = [segment.by_occupation[level].get(int(group(code, digits))) for code in codes]
        rows = (
            np.unique(np.concatenate(found))
            if len(found) > 1
            else (found[0] if found else np.empty(0, dtype=np.int64))
        )
        yield rows, tiers[level + 1]
    if scope.centres is None:
        yield np.arange(len(segment)), None
    else:
        yield (
            np.concatenate(
                [np.empty(0, dtype=np.int64)]
                + [segment.by_centre.get(centre) for centre in sorted(scope.centres)]
            ),
            None,
        )


def _within(segment: Segment, rows: np.ndarray, scope: Scope) -> np.ndarray:
    """Those of ``rows`` within ``scope``."""
    keep = segment.current(rows, scope.today)
    if scope.centres is not None:
        keep &= np.isin(segment.centre[rows], sorted(scope.centres))
    if scope.areas is not None:
        keep &= np.isin(segment.area[rows], sorted(scope.areas))
    if scope.excluded:
        keep &= ~np.isin(segment.ids[rows], sorted(scope.excluded))
    return rows[keep]

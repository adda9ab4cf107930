"""The best ``k`` records for one query (a vacancy's best seekers, a seeker's best vacancies),
found without scoring the records that cannot be among them; and the batch mode, every
seeker's best vacancies.

For each segment, the candidates are reached in stages through postings (the query's,
:mod:`.queries`: records sharing its occupation's groups from the finest, then its skills,
then its province), and last all the others. Each stage is scored at once (numpy). A record
no stage has reached yet has bounds on some factors (it shares no finer occupation group, has
none of the skills, is in another province), so its score has a ceiling
(:class:`~.factors.Ceiling`); as soon as the ``k``-th best score found is above the ceiling
of the records left, they are not scored. The result is exactly the top ``k`` of scoring
every record: ties are broken by confidence, then by the smaller id.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import numpy as np

from decentwork.pes.matching.factors import Pairs, evaluate
from decentwork.pes.matching.queries import DENSE, Stage, Stages
from decentwork.pes.matching.segments import Segment
from decentwork.pes.matching.weights import Weights

BATCH = 4_096
"""Rows waiting to be scored, once ``k`` are: more are scored at once."""
PROBE = 256
"""Rows waiting to be scored while fewer than ``k`` are: more are scored at once, to learn
the ``k``-th best."""
S = TypeVar("S", bound=Segment)
Q = TypeVar("Q", bound="Query[Any]")
S_contra = TypeVar("S_contra", bound=Segment, contravariant=True)


class Query(Protocol[S_contra]):
    """One record against the records of segments of the other side (:mod:`.queries`)."""

    def stages(self, segment: S_contra) -> Stages:
        """The postings of ``segment`` to score in turn, each with the ceiling of the rows
        not reached after it."""
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

    def full(self) -> bool:
        """Whether ``k`` records are found."""
        return len(self.columns[3]) == self.k

    def above(self, score: float) -> bool:
        """Whether ``k`` records are found whose scores are all above ``score``."""
        return len(self.columns[3]) == self.k and bool(self.columns[3][-1] > score)

    def hits(self) -> list[Hit]:
        return [
            Hit(int(s), int(r), int(i), float(score), float(c))
            for s, r, i, score, c in zip(*self.columns, strict=True)
        ]


def rank(
    query: Query[S],
    segments: Sequence[S],
    k: int,
    weights: Weights,
    scope: Scope,
    hint: float | None = None,
) -> list[Hit]:
    """The best ``k`` records of ``segments`` for ``query`` within ``scope``, best first.
    ``hint``, a guess of the ``k``-th best score (a similar query's), saves scoring rows in
    several rounds when it is close; the result does not depend on it."""
    best = _Best(k)
    for number, segment in enumerate(segments):
        if len(segment):
            steps = _steps(query, number, segment, best, scope, hint)
            rows = next(steps, None)
            while rows is not None:
                found = evaluate(query.pairs(segment, rows), weights)
                rows = _resume(steps, found.score, found.confidence)
    return best.hits()


def rank_many(
    queries: Sequence[Q],
    segments: Sequence[S],
    k: int,
    weights: Weights,
    scope: Scope,
    pairs: Callable[[Sequence[tuple[Q, np.ndarray]], S], Pairs],
) -> list[list[Hit]]:
    """What :func:`rank` gives for each of ``queries`` (without a hint: a neighbour's k-th
    best made the batch score more rows, not fewer), their rows scored together in rounds:
    ``pairs`` gives the pairs of several queries with their rows of a segment, one after the
    other."""
    bests = [_Best(k) for _ in queries]
    for number, segment in enumerate(segments):
        if not len(segment):
            continue
        steps = {
            i: _steps(q, number, segment, bests[i], scope, None) for i, q in enumerate(queries)
        }
        asked = {
            i: rows
            for i, rows in ((i, next(s, None)) for i, s in steps.items())
            if rows is not None
        }
        while asked:
            found = evaluate(
                pairs([(queries[i], rows) for i, rows in asked.items()], segment), weights
            )
            ends = np.cumsum([len(rows) for rows in asked.values()])
            answers = {
                i: _resume(
                    steps[i],
                    found.score[end - len(rows) : end],
                    found.confidence[end - len(rows) : end],
                )
                for (i, rows), end in zip(asked.items(), ends, strict=True)
            }
            asked = {i: rows for i, rows in answers.items() if rows is not None}
    return [best.hits() for best in bests]


Steps = Generator[np.ndarray, tuple[np.ndarray, np.ndarray], None]
"""A ranking of one segment: it gives rows to score and takes their scores and
confidences."""


def _resume(steps: Steps, scores: np.ndarray, confidences: np.ndarray) -> np.ndarray | None:
    """The next rows ``steps`` asks for, given the scores of the last; None when it is
    done."""
    try:
        return steps.send((scores, confidences))
    except StopIteration:
        return None


def _steps(
    query: Query[S],
    number: int,
    segment: S,
    best: _Best,
    scope: Scope,
    hint: float | None,
) -> Steps:
    """Score the stages of ``segment`` into ``best`` until the ceiling of the rows not
    reached is below the ``k``-th best: then the rows reached but waiting are scored, and no
    other can enter. While fewer than ``k`` are scored, rows wait until the ceiling of the
    rest is below ``hint`` (without a hint, until there are :data:`PROBE` of them, to learn
    the ``k``-th best); after, until there are :data:`BATCH`. A wide or large stage is not
    reached before the rows waiting are scored. The rows to score are given out, their
    scores and confidences taken back."""
    reached = np.zeros(len(segment), dtype=bool)
    waiting: list[np.ndarray] = []
    pending = 0
    ceiling: float | None = None

    def score_waiting() -> Steps:
        nonlocal pending
        chosen = np.concatenate(waiting) if len(waiting) > 1 else waiting[0]
        waiting.clear()
        pending = 0
        scores, confidences = yield chosen
        best.add(number, chosen, segment.ids[chosen], scores, confidences)

    def settled() -> Generator[np.ndarray, tuple[np.ndarray, np.ndarray], bool]:
        if ceiling is None or not best.above(ceiling):
            return False
        if waiting:
            yield from score_waiting()
        return True

    last = Stage(lambda: _everything(segment, scope), None, wide=len(segment) >= DENSE)
    for stage in (*query.stages(segment), last):
        if stage.wide and waiting:
            yield from score_waiting()
            if (yield from settled()):
                return
        rows = stage.rows()
        if len(rows):
            rows = rows[~reached[rows]]
            if waiting and len(rows) >= BATCH:
                yield from score_waiting()
                if (yield from settled()):
                    return
            reached[rows] = True
            rows = _within(segment, rows, scope)
            if len(rows):
                waiting.append(rows)
                pending += len(rows)
        ceiling = stage.ceiling
        if waiting and (
            ceiling is None
            or pending >= BATCH
            or (not best.full() and (pending >= PROBE if hint is None else ceiling < hint))
        ):
            yield from score_waiting()
        if (yield from settled()):
            return


def _everything(segment: Segment, scope: Scope) -> np.ndarray:
    """Every row of ``segment`` within the scope's job centres."""
    if scope.centres is None:
        return np.arange(len(segment))
    return np.concatenate(
        [np.empty(0, dtype=np.int64)]
        + [segment.by_centre.get(centre) for centre in sorted(scope.centres)]
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

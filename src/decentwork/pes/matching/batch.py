"""The batch mode: every active seeker's best vacancies, on one process or several.

Seekers with the same job titles are ranked one after the other, so that their titles'
similarities with the vacancies' titles, and their occupations' fit with the vacancies', are
computed once (:class:`~.queries.Memo`). With ``processes`` above 1 (where the
operating system forks processes: Linux, not Windows), the seekers are shared out in chunks
among worker processes that inherit the index from the one that forks them, without copying
it; the results come back in the same order.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from decentwork.pes.matching.index import MatchIndex
from decentwork.pes.matching.profiles import SkillProfiles
from decentwork.pes.matching.queries import Memo, SeekerQuery, seekers_against
from decentwork.pes.matching.ranking import Hit, Scope, rank_many
from decentwork.pes.matching.weights import Weights

CHUNK = 1_024
"""Seekers a worker ranks at a time."""
BLOCK = 32
"""Seekers whose rows are scored together."""
MEMO = 2**26
"""Values a process keeps for the next seekers alike (2**26 doubles: 512 MB), over the
whole batch."""

Ranked = list[tuple[int, list[Hit]]]


@dataclass(frozen=True)
class _Batch:
    """What a batch ranks with."""

    index: MatchIndex
    k: int
    weights: Weights
    profiles: SkillProfiles
    scope: Scope


_FORKED: _Batch | None = None
"""The batch the worker processes rank (set before they are forked: they inherit it)."""
_WORKER_MEMO: Memo | None = None
"""A worker process's memo (made in the worker, on its first chunk)."""


def every_seeker(
    index: MatchIndex,
    k: int,
    weights: Weights,
    profiles: SkillProfiles,
    scope: Scope,
    processes: int = 1,
) -> Iterator[tuple[int, list[Hit]]]:
    """Every active seeker's id and best ``k`` vacancies within ``scope``, with
    ``processes`` processes."""
    global _FORKED
    batch = _Batch(index, k, weights, profiles, scope)
    order = _order(index)
    if processes <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        memo = Memo(MEMO)
        for start in range(0, len(order), CHUNK):
            yield from _rank(batch, order[start : start + CHUNK], memo)
        return
    _FORKED = batch
    gc.freeze()  # the workers' collector then leaves the inherited objects (and pages) alone
    try:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            chunks = (order[start : start + CHUNK] for start in range(0, len(order), CHUNK))
            for ranked in pool.imap(_forked, chunks):
                yield from ranked
    finally:
        gc.unfreeze()
        _FORKED = None


def _order(index: MatchIndex) -> list[tuple[int, int]]:
    """The active seekers as (segment, row), those with the same titles together."""
    found = []
    for number, segment in enumerate(index.seekers.segments()):
        rows = np.flatnonzero(segment.alive)
        rows = rows[np.lexsort((segment.ids[rows], *segment.texts[rows].T[::-1]))]
        found += [(number, int(row)) for row in rows]
    return found


def _rank(batch: _Batch, chunk: list[tuple[int, int]], memo: Memo) -> Ranked:
    """The seekers of ``chunk`` ranked, :data:`BLOCK` at a time (their rows scored
    together)."""
    segments = batch.index.seekers.segments()
    vacancies = batch.index.vacancies.segments()
    ranked: Ranked = []
    for start in range(0, len(chunk), BLOCK):
        block = chunk[start : start + BLOCK]
        queries = [
            SeekerQuery(segments[number], row, batch.profiles, batch.weights, memo)
            for number, row in block
        ]
        found = rank_many(queries, vacancies, batch.k, batch.weights, batch.scope, seekers_against)
        ranked += [
            (int(segments[number].ids[row]), hits)
            for (number, row), hits in zip(block, found, strict=True)
        ]
    return ranked


def _forked(chunk: list[tuple[int, int]]) -> Ranked:
    """A worker's ranking of ``chunk``, with the batch it inherited."""
    global _WORKER_MEMO
    assert _FORKED is not None, "set before the workers are forked"
    if _WORKER_MEMO is None:
        _WORKER_MEMO = Memo(MEMO)
    return _rank(_FORKED, chunk, _WORKER_MEMO)

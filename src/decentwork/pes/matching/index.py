"""The matching index: the active seekers and open vacancies held in memory as numpy arrays
(:mod:`.segments`), built once from the PES database (or from facts a caller made), kept
current with the records changed since, and ranked (:mod:`.ranking`).

Changes come in as small segments: a record changed since it was indexed is marked dead
where it was and comes back, as it is now, in a new segment of the records changed since the
last refresh; small segments are merged when there are more than :data:`MAX_SMALL` of them,
and the whole index is rebuilt once they hold more than a quarter of the records (or at
least :data:`REBUILD_AFTER` after the last build). A refresh reads the records stamped as
changed from :data:`MARGIN` before the previous refresh, so that a transaction which
committed after it, having stamped its changes earlier, is not missed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Generic, TypeVar

import sqlalchemy as sa

from decentwork.pes.matching import facts as stored
from decentwork.pes.matching.columns import Codes, Places
from decentwork.pes.matching.facts import Change, SeekerFacts, VacancyFacts
from decentwork.pes.matching.profiles import SkillProfiles
from decentwork.pes.matching.queries import SeekerQuery, VacancyQuery
from decentwork.pes.matching.ranking import Hit, Scope, rank
from decentwork.pes.matching.segments import SeekerSegment, VacancySegment
from decentwork.pes.matching.weights import Weights
from decentwork.pes.tables import areas

MARGIN = timedelta(hours=1)
REBUILD_AFTER = timedelta(hours=24)
MAX_SMALL = 4
MIN_REBUILD = 10_000
"""Records in small segments below which the index is never rebuilt for their number."""

F = TypeVar("F", SeekerFacts, VacancyFacts)
S = TypeVar("S", SeekerSegment, VacancySegment)


@dataclass
class _Side(Generic[F, S]):
    """One side of the index: a large segment, then small ones with the facts they were
    built from (to merge them)."""

    build: Callable[[Sequence[F]], S]
    large: S
    small: list[tuple[S, dict[int, F]]] = field(default_factory=list)

    def segments(self) -> list[S]:
        return [self.large] + [segment for segment, _ in self.small]

    def find(self, record: int) -> tuple[int, int] | None:
        """The segment and row of ``record`` where it is alive."""
        for number, segment in enumerate(self.segments()):
            row = segment.row_of(record)
            if row is not None:
                return number, row
        return None

    def version(self, record: int) -> int | None:
        found = self.find(record)
        return None if found is None else int(self.segments()[found[0]].versions[found[1]])

    def stale(self, changes: Sequence[Change]) -> list[Change]:
        """The changes the index does not hold yet."""
        return [c for c in changes if self.version(c.id) != (c.version if c.matched else None)]

    def replace(self, records: Sequence[int], current: Sequence[F]) -> None:
        """Drop ``records`` where they are and add ``current`` (some of them, as they are
        now) in a new small segment."""
        for record in records:
            found = self.find(record)
            if found is not None:
                self.segments()[found[0]].alive[found[1]] = False
        dropped = set(records)
        for _, held in self.small:
            for record in dropped & set(held):
                del held[record]
        if current:
            self.small.append((self.build(current), {f.id: f for f in current}))
        if len(self.small) > MAX_SMALL:
            merged = {k: v for _, held in self.small for k, v in held.items()}
            self.small = [(self.build(list(merged.values())), merged)] if merged else []

    def small_size(self) -> int:
        return sum(len(held) for _, held in self.small)


class MatchIndex:
    """The active seekers and open vacancies, ready to rank (see the module's
    description)."""

    def __init__(
        self,
        seekers: Sequence[SeekerFacts],
        vacancies: Sequence[VacancyFacts],
        districts: dict[str, str],
        built_at: datetime,
    ) -> None:
        self.codes = Codes()
        self.places = Places(districts)
        self.seekers: _Side[SeekerFacts, SeekerSegment] = _Side(
            self._seeker_segment, self._seeker_segment(seekers)
        )
        self.vacancies: _Side[VacancyFacts, VacancySegment] = _Side(
            self._vacancy_segment, self._vacancy_segment(vacancies)
        )
        self.built_at = self.refreshed_at = built_at

    def _seeker_segment(self, found: Sequence[SeekerFacts]) -> SeekerSegment:
        return SeekerSegment.build(found, self.codes, self.places)

    def _vacancy_segment(self, found: Sequence[VacancyFacts]) -> VacancySegment:
        return VacancySegment.build(found, self.codes, self.places)

    @classmethod
    def load(cls, connection: sa.Connection, now: datetime) -> MatchIndex:
        """The index of the active seekers and open vacancies in the PES database."""
        return cls(
            stored.active_seekers(connection),
            stored.open_vacancies(connection),
            _districts(connection),
            now,
        )

    def __len__(self) -> int:
        return sum(int(s.alive.sum()) for s in self.seekers.segments())

    def stale(self, now: datetime) -> bool:
        """Whether the index is due for a rebuild: small segments holding a quarter of the
        records, or :data:`REBUILD_AFTER` since it was built."""
        large = len(self.seekers.large) + len(self.vacancies.large)
        small = self.seekers.small_size() + self.vacancies.small_size()
        return small > max(MIN_REBUILD, large // 4) or now - self.built_at > REBUILD_AFTER

    def refresh(self, connection: sa.Connection, now: datetime) -> None:
        """Take in the records changed since the last refresh (see the module's
        description)."""
        since = self.refreshed_at - MARGIN
        self.places.update(_districts(connection))
        seekers = self.seekers.stale(stored.seeker_changes(connection, since))
        if seekers:
            self.update_seekers(
                [c.id for c in seekers],
                stored.active_seekers(connection, [c.id for c in seekers if c.matched]),
            )
        vacancies = self.vacancies.stale(stored.vacancy_changes(connection, since))
        if vacancies:
            self.update_vacancies(
                [c.id for c in vacancies],
                stored.open_vacancies(connection, [c.id for c in vacancies if c.matched]),
            )
        self.refreshed_at = max(self.refreshed_at, now)

    def update_seekers(self, records: Sequence[int], current: Sequence[SeekerFacts]) -> None:
        """Replace seekers ``records`` by ``current`` (those still active, as they are
        now)."""
        self.seekers.replace(records, current)

    def update_vacancies(self, records: Sequence[int], current: Sequence[VacancyFacts]) -> None:
        """Replace vacancies ``records`` by ``current`` (those still open)."""
        self.vacancies.replace(records, current)

    def seeker(self, record: int) -> tuple[SeekerSegment, int] | None:
        """Where active seeker ``record`` is (segment and row), or None."""
        found = self.seekers.find(record)
        return None if found is None else (self.seekers.segments()[found[0]], found[1])

    def vacancy(self, record: int) -> tuple[VacancySegment, int] | None:
        """Where open vacancy ``record`` is (segment and row), or None."""
        found = self.vacancies.find(record)
        return None if found is None else (self.vacancies.segments()[found[0]], found[1])

    def area_numbers(self, area: str) -> frozenset[int]:
        """The numbers of ``area`` and of the districts in it (their codes begin with its
        code and a hyphen)."""
        return self.codes.numbers_where(lambda code: code == area or code.startswith(area + "-"))

    def best_seekers(
        self, vacancy: int, k: int, weights: Weights, profiles: SkillProfiles, scope: Scope
    ) -> tuple[VacancyQuery, list[Hit]]:
        """The best ``k`` seekers for open vacancy ``vacancy`` within ``scope``, and the
        query (to explain them).

        Raises:
            KeyError: the vacancy is not in the index (callers check first).
        """
        found = self.vacancy(vacancy)
        if found is None:
            raise KeyError(vacancy)
        query = VacancyQuery(*found, profiles, weights)
        return query, rank(query, self.seekers.segments(), k, weights, scope)

    def best_vacancies(
        self, seeker: int, k: int, weights: Weights, profiles: SkillProfiles, scope: Scope
    ) -> tuple[SeekerQuery, list[Hit]]:
        """The best ``k`` vacancies for active seeker ``seeker`` within ``scope``, and the
        query.

        Raises:
            KeyError: the seeker is not in the index (callers check first).
        """
        found = self.seeker(seeker)
        if found is None:
            raise KeyError(seeker)
        query = SeekerQuery(*found, profiles, weights)
        return query, rank(query, self.vacancies.segments(), k, weights, scope)


def _districts(connection: sa.Connection) -> dict[str, str]:
    return {
        row.code: row.parent for row in connection.execute(sa.select(areas.c.code, areas.c.parent))
    }

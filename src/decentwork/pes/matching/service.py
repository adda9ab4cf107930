"""Matching as the service layer offers it, with an :class:`~decentwork.pes.access.Actor` per
call like every other operation: a vacancy's best seekers, a seeker's best vacancies, and
every seeker's best vacancies as a CSV file (the batch mode). Each call is logged.

Administrators and officers match; an officer gets only the seekers and vacancies of their
own centres (a vacancy or seeker they may not see is "not found"). Employers and analysts
see no person, so they do not match. Only active seekers and open vacancies that have not
expired and have openings left are ranked; asking for the matches of another is a
``Conflict`` naming why.

The index of the active records (:mod:`.index`) is built on the first call for a database and
kept in memory, brought up to date at each call with the records changed since.
"""

from __future__ import annotations

import csv
import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import sqlalchemy as sa

from decentwork.errors import BadInput, Conflict
from decentwork.pes import audit, referrals, seekers, vacancies
from decentwork.pes.access import Actor, Role, not_found, require, seeker_scope, vacancy_scope
from decentwork.pes.matching.batch import every_seeker
from decentwork.pes.matching.explanation import SeekerMatch, VacancyMatch, factors, skill_gap
from decentwork.pes.matching.factors import evaluate
from decentwork.pes.matching.index import MatchIndex
from decentwork.pes.matching.profiles import SkillProfiles, skill_profiles
from decentwork.pes.matching.queries import SeekerQuery, VacancyQuery
from decentwork.pes.matching.ranking import Hit, Scope
from decentwork.pes.matching.weights import Weights, load_weights
from decentwork.pes.models import SeekerStatus
from decentwork.pes.registry import Registry
from decentwork.pes.tables import seekers as seeker_table
from decentwork.pes.tables import vacancies as vacancy_table

MAX_K = 500
_INDEXES: weakref.WeakKeyDictionary[sa.Engine, MatchIndex] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


@dataclass(frozen=True)
class MatchFilters:
    """What to rank besides the hard filters: the records of one job centre, of one area (or
    a district in it), and only those not referred to each other yet."""

    centre: int | None = None
    area: str | None = None
    unreferred: bool = False

    def used(self) -> str:
        """The names of the filters given, for the log."""
        names = [
            name
            for name, value in (
                ("centre", self.centre),
                ("area", self.area),
                ("unreferred", self.unreferred or None),
            )
            if value is not None
        ]
        return ", ".join(names) or "none"


@contextmanager
def current_index(registry: Registry, connection: sa.Connection) -> Iterator[MatchIndex]:
    """The index of ``registry``'s database, built or brought up to date through
    ``connection``, held for the caller alone."""
    with _LOCK:
        now = registry.clock()
        index = _INDEXES.get(registry.engine)
        if index is None or index.stale(now):
            index = MatchIndex.load(connection, now)
            _INDEXES[registry.engine] = index
        else:
            index.refresh(connection, now)
        yield index


def best_seekers(
    registry: Registry,
    actor: Actor,
    vacancy_id: int,
    k: int = 20,
    filters: MatchFilters | None = None,
    weights: Weights | None = None,
) -> list[SeekerMatch]:
    """The ``k`` best active seekers for vacancy ``vacancy_id``, best first, each with the
    explanation of its score and its skill gap; among the seekers the actor may see and
    ``filters``; scored with ``weights`` (default: :func:`~.weights.load_weights`).

    Raises:
        BadInput: ``k`` out of range, or a malformed filter.
        Refused: the actor is neither an administrator nor an officer.
        NotFound: no such vacancy, or one the officer may not see.
        Conflict: the vacancy is not open, has expired or has no opening left.
        FetchError: ESCO's archives are not in the data directory.
    """
    chosen, filters = _arguments(k, weights, filters)
    with audit.audited(registry, actor, "match.seekers", vacancies.KIND, vacancy_id) as step:
        require(step.actor, Role.ADMINISTRATOR, Role.OFFICER, to="match job seekers")
        connection, today = step.connection, registry.clock().date()
        vacancy = (
            connection.execute(
                sa.select(vacancy_table).where(
                    vacancy_table.c.id == vacancy_id, vacancy_scope(step.actor)
                )
            )
            .mappings()
            .first()
        )
        if vacancy is None:
            raise not_found(vacancies.KIND, vacancy_id)
        referrals.check_open(vacancy, today)
        profiles = _profiles(registry, chosen)
        with current_index(registry, connection) as index:
            excluded = (
                _referred(connection, vacancy_id=vacancy_id) if filters.unreferred else frozenset()
            )
            query, hits = index.best_seekers(
                vacancy_id, k, chosen, profiles, _scope(index, step.actor, filters, today, excluded)
            )
            explained = _explain(query, hits, index, chosen, registry, profiles)
        found = seekers.summaries(connection, [hit.id for hit in hits])
        status = referrals.latest_statuses(
            connection, vacancy_id=vacancy_id, others=[hit.id for hit in hits]
        )
        step.detail = f"{len(hits)} seekers; filters: {filters.used()}"
        return [
            SeekerMatch(**fields, seeker=found[hit.id], referral=status.get(hit.id))
            for hit, fields in zip(hits, explained, strict=True)
        ]


def best_vacancies(
    registry: Registry,
    actor: Actor,
    seeker_id: int,
    k: int = 20,
    filters: MatchFilters | None = None,
    weights: Weights | None = None,
) -> list[VacancyMatch]:
    """The ``k`` best open vacancies for seeker ``seeker_id``, best first, each with the
    explanation of its score and the seeker's skill gap; among the vacancies the actor may
    see and ``filters``.

    Raises:
        BadInput: ``k`` out of range, or a malformed filter.
        Refused: the actor is neither an administrator nor an officer.
        NotFound: no such seeker, or one the officer may not see.
        Conflict: the seeker is not active.
        FetchError: ESCO's archives are not in the data directory.
    """
    chosen, filters = _arguments(k, weights, filters)
    with audit.audited(registry, actor, "match.vacancies", seekers.KIND, seeker_id) as step:
        require(step.actor, Role.ADMINISTRATOR, Role.OFFICER, to="match job seekers")
        connection, today = step.connection, registry.clock().date()
        status = connection.execute(
            sa.select(seeker_table.c.status).where(
                seeker_table.c.id == seeker_id, seeker_scope(step.actor)
            )
        ).scalar()
        if status is None:
            raise not_found(seekers.KIND, seeker_id)
        if status != SeekerStatus.ACTIVE:
            raise Conflict(
                f"seeker {seeker_id} is {status}: only active seekers are matched",
                parameter="seeker",
                given=seeker_id,
            )
        profiles = _profiles(registry, chosen)
        with current_index(registry, connection) as index:
            excluded = (
                _referred(connection, seeker_id=seeker_id) if filters.unreferred else frozenset()
            )
            query, hits = index.best_vacancies(
                seeker_id, k, chosen, profiles, _scope(index, step.actor, filters, today, excluded)
            )
            explained = _explain(query, hits, index, chosen, registry, profiles)
        statuses = referrals.latest_statuses(
            connection, seeker_id=seeker_id, others=[hit.id for hit in hits]
        )
        step.detail = f"{len(hits)} vacancies; filters: {filters.used()}"
        return [
            VacancyMatch(
                **fields, vacancy=vacancies.load(connection, hit.id), referral=statuses.get(hit.id)
            )
            for hit, fields in zip(hits, explained, strict=True)
        ]


def write_every_seeker(
    registry: Registry,
    actor: Actor,
    out: Path,
    k: int = 20,
    weights: Weights | None = None,
    on_progress: Callable[[int, int], None] = lambda *_: None,
    processes: int = 1,
) -> int:
    """Batch mode: the best ``k`` vacancies of every active seeker, as a CSV file ``out``
    (``seeker``, ``rank``, ``vacancy``, ``score``, ``confidence``; seekers with the same job
    titles together), ranked by ``processes`` processes; the number of seekers.
    ``on_progress(done, total)`` reports the seekers ranked. Administrators only; logged.

    Raises:
        BadInput: ``k`` out of range, or ``out`` cannot be written.
        Refused: the actor is not an administrator.
        FetchError: ESCO's archives are not in the data directory.
    """
    chosen, _ = _arguments(k, weights, None)
    with audit.audited(registry, actor, "match.batch") as step:
        require(step.actor, Role.ADMINISTRATOR, to="match every job seeker")
        today = registry.clock().date()
        profiles = _profiles(registry, chosen)
        with current_index(registry, step.connection) as index:
            total = len(index)
            try:
                with out.open("w", encoding="utf-8", newline="") as handle:
                    writer = csv.writer(handle, lineterminator="\n")
                    writer.writerow(["seeker", "rank", "vacancy", "score", "confidence"])
                    ranked = every_seeker(
                        index, k, chosen, profiles, Scope(today.toordinal()), processes
                    )
                    for done, (seeker, hits) in enumerate(ranked, start=1):
                        writer.writerows(
                            [seeker, rank, hit.id, f"{hit.score:.6f}", f"{hit.confidence:.4f}"]
                            for rank, hit in enumerate(hits, start=1)
                        )
                        if done % 1000 == 0 or done == total:
                            on_progress(done, total)
            except OSError as error:
                raise BadInput(
                    f"{out}: cannot be written ({error.strerror or error})",
                    parameter="out",
                    given=str(out),
                ) from None
        step.detail = f"{total} seekers, top {k}"
        return total


def _arguments(
    k: int, weights: Weights | None, filters: MatchFilters | None
) -> tuple[Weights, MatchFilters]:
    """The weights and filters to use.

    Raises:
        BadInput: ``k`` out of range.
    """
    if not 1 <= k <= MAX_K:
        raise BadInput(
            f"k {k} is not between 1 and {MAX_K}", parameter="k", given=k, expected=f"1 to {MAX_K}"
        )
    return weights or load_weights(), filters or MatchFilters()


def _profiles(registry: Registry, weights: Weights) -> SkillProfiles:
    return skill_profiles(registry.references.folder, weights.skills.essential_share)


def _scope(
    index: MatchIndex, actor: Actor, filters: MatchFilters, today: date, excluded: frozenset[int]
) -> Scope:
    """The records ``actor`` may get with ``filters``: an officer's centres only."""
    centres = None if actor.role == Role.ADMINISTRATOR else actor.centres
    if filters.centre is not None:
        centres = frozenset({filters.centre}) & (centres or frozenset({filters.centre}))
    areas = None if filters.area is None else index.area_numbers(filters.area.strip().upper())
    return Scope(today.toordinal(), centres, areas, excluded)


def _referred(
    connection: sa.Connection, *, vacancy_id: int | None = None, seeker_id: int | None = None
) -> frozenset[int]:
    """The seekers referred to vacancy ``vacancy_id`` (or the vacancies seeker ``seeker_id``
    was referred to), whatever the outcome."""
    table = referrals.table
    if vacancy_id is not None:
        query = sa.select(table.c.seeker_id).where(table.c.vacancy_id == vacancy_id)
    else:
        query = sa.select(table.c.vacancy_id).where(table.c.seeker_id == seeker_id)
    return frozenset(connection.execute(query).scalars())


def _explain(
    query: VacancyQuery | SeekerQuery,
    hits: Sequence[Hit],
    index: MatchIndex,
    weights: Weights,
    registry: Registry,
    profiles: SkillProfiles,
) -> list[dict[str, Any]]:
    """The explanation of each hit: score, confidence, factors, missing factors, skill
    gap."""
    labels: dict[str, str] = {}
    explained = []
    for hit in hits:
        rows = np.array([hit.row])
        if isinstance(query, VacancyQuery):
            seekers_of = index.seekers.segments()[hit.segment]
            pairs = query.pairs(seekers_of, rows)
            wanted, essential = query.required, query.essential
            held = seekers_of.skills.uris(hit.row)
            occupations = (seekers_of.occupations(hit.row), int(query.segment.isco[query.row]))
        else:
            vacancies_of = index.vacancies.segments()[hit.segment]
            pairs = query.pairs(vacancies_of, rows)
            wanted = vacancies_of.required.uris(hit.row)
            code = int(vacancies_of.isco[hit.row])
            essential = sorted(profiles.essential.get(f"{code:04d}", frozenset()))
            held = query.skills
            occupations = (query.segment.occupations(query.row), code)
        listed = factors(pairs, evaluate(pairs, weights), 0, weights, *occupations)
        if not labels and (wanted or essential):
            labels = registry.references.skills()
        explained.append(
            {
                "score": hit.score,
                "confidence": hit.confidence,
                "factors": listed,
                "missing": [f.factor for f in listed if f.value is None],
                "skill_gap": skill_gap(wanted, essential, held, labels),
            }
        )
    return explained

"""Likely duplicate job seekers: the same national ID, or the same date of birth and a
similar name (:mod:`decentwork.pes.names`). They are shown to the caller, never merged: a
seeker with a national ID registered already cannot be registered again, and one with a
similar name and the same date of birth only when the caller confirms it is another person.

Duplicates are looked for among all seekers, whatever their centre: a candidate the caller
may not see is shown by its job centre alone, without its id.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from decentwork.errors import Conflict
from decentwork.pes.access import Actor, Role
from decentwork.pes.names import THRESHOLD, similarity
from decentwork.pes.tables import seekers


@dataclass(frozen=True)
class Candidate:
    """A seeker registered already who may be the same person: its id (None when the caller
    may not see it), job centre, why, and the names' similarity (for a name match)."""

    seeker_id: int | None
    centre: int
    reason: str
    similarity: float | None = None

    def __str__(self) -> str:
        who = (
            f"seeker {self.seeker_id}"
            if self.seeker_id is not None
            else f"a seeker of job centre {self.centre}"
        )
        return f"{who} ({self.reason})"


class LikelyDuplicate(Conflict):
    """A registration refused because the person may be registered already; ``candidates``
    says who."""

    def __init__(self, candidates: list[Candidate], *, confirmable: bool) -> None:
        listed = "; ".join(map(str, candidates))
        super().__init__(
            f"likely registered already: {listed}",
            parameter="national_id" if not confirmable else "confirm_not_duplicate",
            hint=(
                "register with confirm_not_duplicate=True if this is another person"
                if confirmable
                else "a national ID is registered once; open that record"
            ),
        )
        self.candidates = candidates
        self.confirmable = confirmable


def _shown(actor: Actor, seeker_id: int, centre: int) -> int | None:
    visible = actor.role == Role.ADMINISTRATOR or centre in actor.centres
    return seeker_id if visible else None


def holders(
    connection: sa.Connection, actor: Actor, national_ids: Iterable[str]
) -> dict[str, tuple[int, Candidate]]:
    """The seekers holding any of ``national_ids``: (id, candidate) by national ID."""
    wanted = sorted(set(national_ids))
    found = {}
    for start in range(0, len(wanted), 500):
        for row in connection.execute(
            sa.select(seekers.c.national_id, seekers.c.id, seekers.c.centre_id).where(
                seekers.c.national_id.in_(wanted[start : start + 500])
            )
        ):
            found[row.national_id] = (
                row.id,
                Candidate(_shown(actor, row.id, row.centre_id), row.centre_id, "same national ID"),
            )
    return found


def same_national_id(
    connection: sa.Connection, actor: Actor, national_id: str | None, exclude: int | None = None
) -> list[Candidate]:
    """The seeker with ``national_id`` (other than ``exclude``), if any."""
    if national_id is None:
        return []
    return [
        candidate
        for seeker_id, candidate in holders(connection, actor, [national_id]).values()
        if seeker_id != exclude
    ]


def similar_names(
    actor: Actor, key: str, registered: Iterable[tuple[int, int, str]]
) -> list[Candidate]:
    """Those of the ``registered`` seekers (id, centre, name key), all born on the same day
    as the seeker whose name key is ``key``, whose names are similar to it."""
    found = []
    for seeker_id, centre, other in registered:
        score = similarity(key, other)
        if score >= THRESHOLD:
            found.append(
                Candidate(
                    _shown(actor, seeker_id, centre),
                    centre,
                    f"same date of birth, similar name ({score:.2f})",
                    score,
                )
            )
    return found


def born_on(
    connection: sa.Connection, days: Iterable[date]
) -> dict[date, list[tuple[int, int, str]]]:
    """The seekers born on each of ``days``: (id, centre, name key) by date of birth."""
    found: dict[date, list[tuple[int, int, str]]] = {}
    wanted = sorted(set(days))
    for start in range(0, len(wanted), 500):
        rows = connection.execute(
            sa.select(
                seekers.c.id, seekers.c.centre_id, seekers.c.name_key, seekers.c.birth_date
            ).where(seekers.c.birth_date.in_(wanted[start : start + 500]))
        )
        for row in rows:
            found.setdefault(row.birth_date, []).append((row.id, row.centre_id, row.name_key))
    return found

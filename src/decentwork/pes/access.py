"""Who may do what: roles, the :class:`Actor` every operation is called with, and the rules.

- an **administrator** may do everything;
- an **officer** sees and changes only the seekers and vacancies of their own job centres:
  any other seeker or vacancy is :class:`~decentwork.errors.NotFound`, exactly as one that
  does not exist, so that guessing ids reveals nothing;
- an **employer** user sees and changes only its own employer's vacancies;
- an **analyst** gets aggregates only, never a person.

An actor is what an interface knows about its caller; every operation loads the user again
in its own transaction (:func:`load_actor`), so a user disabled meanwhile, or whose role or
centres changed, is refused or restricted at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa

from decentwork.errors import NotFound, Refused
from decentwork.pes.tables import seekers, user_centres, users, vacancies

if TYPE_CHECKING:
    from decentwork.pes.registry import Registry


class Role(StrEnum):
    """What a user is allowed to do (see the module's description)."""

    ADMINISTRATOR = "administrator"
    OFFICER = "officer"
    EMPLOYER = "employer"
    ANALYST = "analyst"


class Interface(StrEnum):
    """Through what a user acts; recorded in the audit log."""

    CLI = "cli"
    WEB = "web"
    API = "api"


@dataclass(frozen=True)
class Actor:
    """The user an operation is done for, as the interface authenticated them."""

    user_id: int
    username: str
    role: Role
    centres: frozenset[int]
    """The job centres of an officer (empty for other roles)."""
    employer: int | None
    """The employer of an employer user (None for other roles)."""
    interface: Interface


def load_actor(connection: sa.Connection, user_id: int, interface: Interface) -> Actor:
    """The user ``user_id`` as an actor, read from the database now.

    Raises:
        Refused: there is no such user, or the user is disabled.
    """
    row = connection.execute(sa.select(users).where(users.c.id == user_id)).mappings().first()
    if row is None or row["disabled"]:
        raise Refused(
            f"user {user_id} is disabled or does not exist",
            hint="an administrator can enable the user or create a new one",
        )
    centres = connection.execute(
        sa.select(user_centres.c.centre_id).where(user_centres.c.user_id == user_id)
    ).scalars()
    return Actor(
        user_id,
        row["username"],
        Role(row["role"]),
        frozenset(centres),
        row["employer_id"],
        interface,
    )


@contextmanager
def acting(registry: Registry, actor: Actor) -> Iterator[tuple[sa.Connection, Actor]]:
    """A transaction for ``actor``, not logged (for what is neither a person's record nor a
    change: the list of job centres, say), with the actor as the database knows it now.

    Raises:
        Refused: the actor's user is disabled or gone.
    """
    with registry.engine.begin() as connection:
        yield connection, load_actor(connection, actor.user_id, actor.interface)


def require(actor: Actor, *roles: Role, to: str) -> None:
    """Refuse ``actor`` unless its role is one of ``roles``; ``to`` says what it tried (``"read
    a seeker"``).

    Raises:
        Refused: naming the role and what it may not do.
    """
    if actor.role not in roles:
        raise Refused(
            f"{_article(actor.role)} {actor.role} may not {to}", expected=" or ".join(roles)
        )


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def seeker_scope(actor: Actor) -> sa.ColumnElement[bool]:
    """The seekers ``actor`` may see: all (administrator) or those of its centres (officer).

    Raises:
        Refused: employers and analysts see no person.
    """
    require(actor, Role.ADMINISTRATOR, Role.OFFICER, to="see job seekers")
    if actor.role == Role.ADMINISTRATOR:
        return sa.true()
    return seekers.c.centre_id.in_(sorted(actor.centres))


def vacancy_scope(actor: Actor) -> sa.ColumnElement[bool]:
    """The vacancies ``actor`` may see: all, its centres' (officer) or its employer's.

    Raises:
        Refused: analysts see aggregates only.
    """
    require(actor, Role.ADMINISTRATOR, Role.OFFICER, Role.EMPLOYER, to="see vacancies")
    if actor.role == Role.ADMINISTRATOR:
        return sa.true()
    if actor.role == Role.OFFICER:
        return vacancies.c.centre_id.in_(sorted(actor.centres))
    return vacancies.c.employer_id == actor.employer


def require_centre(actor: Actor, centre: int) -> None:
    """Refuse an officer acting at a job centre that is not theirs (an administrator may act
    at any).

    Raises:
        Refused: the centre is not one of the officer's.
    """
    if actor.role == Role.OFFICER and centre not in actor.centres:
        raise Refused(
            f"job centre {centre} is not one of this officer's centres",
            parameter="centre",
            given=centre,
            expected=", ".join(map(str, sorted(actor.centres))),
        )


def not_found(kind: str, record: int) -> NotFound:
    """The error for a record that does not exist or that the actor may not see (the same
    message, so that existence does not leak)."""
    return NotFound(f"no {kind} {record}", given=record)

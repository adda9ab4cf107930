"""Users: their passwords (Argon2id hashes, ``argon2-cffi``), creating, listing, disabling
and enabling them, the first administrator, and the actor the command line acts as.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from decentwork.errors import BadInput, Conflict, NotFound, Refused
from decentwork.pes import audit
from decentwork.pes.access import Actor, Interface, Role, load_actor, require
from decentwork.pes.models import UserIn, validated
from decentwork.pes.registry import Registry
from decentwork.pes.tables import employers, job_centres, sessions, user_centres, users
from decentwork.pes.times import as_utc

HASHER = PasswordHasher()
"""Argon2id with argon2-cffi's default parameters (RFC 9106's second recommended option:
3 passes over 64 MiB)."""


@dataclass(frozen=True)
class User:
    """A user as listed: no password hash."""

    id: int
    username: str
    role: Role
    disabled: bool
    centres: tuple[int, ...]
    employer: int | None
    created_at: datetime


def hash_password(password: str) -> str:
    """The Argon2id hash of ``password`` (salted, with its parameters)."""
    return HASHER.hash(password)


def password_matches(stored: str, password: str) -> bool:
    """Whether ``password`` is the one ``stored`` is the hash of (constant time)."""
    try:
        return HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def create_first_administrator(registry: Registry, username: str, password: str) -> User:
    """The registry's first user, an administrator (on the command line, ``decentwork pes
    init``); logged as done through the command line by no user.

    Raises:
        Conflict: the registry has users already.
        InvalidRecord: the name or password is not acceptable.
    """
    data = validated(
        UserIn,
        {"username": username, "role": Role.ADMINISTRATOR, "password": password},
        None,
        "user",
    )
    with registry.engine.begin() as connection:
        if connection.execute(sa.select(sa.func.count()).select_from(users)).scalar_one():
            raise Conflict(
                "the PES registry has users already; an administrator adds more",
                hint="add users with 'decentwork pes users add'",
            )
        user_id = _insert(connection, registry, data)
        audit.append(
            connection,
            at=registry.clock(),
            user_id=None,
            role=None,
            interface=Interface.CLI.value,
            action="user.create",
            kind="user",
            record_id=user_id,
            outcome="ok",
            detail="first administrator",
        )
        return _user(connection, user_id)


def add_user(registry: Registry, actor: Actor, data: Mapping[str, Any]) -> User:
    """Create a user (``username``, ``role``, ``password``, an officer's ``centres`` ids, an
    employer user's ``employer`` id). Administrators only.

    Raises:
        Refused: the actor is not an administrator.
        InvalidRecord: a field is not acceptable.
        Conflict: the username is taken.
        BadInput: a centre or the employer does not exist.
    """
    with audit.audited(registry, actor, "user.create", "user") as step:
        require(step.actor, Role.ADMINISTRATOR, to="create users")
        user = validated(UserIn, data, None, "user")
        for centre in user.centres:
            if (
                step.connection.execute(
                    sa.select(job_centres.c.id).where(job_centres.c.id == centre)
                ).first()
                is None
            ):
                raise BadInput(f"no job centre {centre}", parameter="centres", given=centre)
        if (
            user.employer is not None
            and step.connection.execute(
                sa.select(employers.c.id).where(employers.c.id == user.employer)
            ).first()
            is None
        ):
            raise BadInput(
                f"no employer {user.employer}", parameter="employer", given=user.employer
            )
        step.record_id = _insert(step.connection, registry, user)
        return _user(step.connection, step.record_id)


def _insert(connection: sa.Connection, registry: Registry, user: UserIn) -> int:
    taken = connection.execute(sa.select(users.c.id).where(users.c.username == user.username))
    if taken.first() is not None:
        raise Conflict(
            f"username {user.username!r} is taken", parameter="username", given=user.username
        )
    now = registry.clock()
    user_id = connection.execute(
        sa.insert(users)
        .values(
            username=user.username,
            role=user.role.value,
            password_hash=hash_password(user.password),
            disabled=False,
            employer_id=user.employer,
            created_at=now,
            updated_at=now,
        )
        .returning(users.c.id)
    ).scalar_one()
    if user.centres:
        connection.execute(
            sa.insert(user_centres), [{"user_id": user_id, "centre_id": c} for c in user.centres]
        )
    return int(user_id)


def _user(connection: sa.Connection, user_id: int) -> User:
    row = connection.execute(sa.select(users).where(users.c.id == user_id)).mappings().one()
    centres = connection.execute(
        sa.select(user_centres.c.centre_id)
        .where(user_centres.c.user_id == user_id)
        .order_by(user_centres.c.centre_id)
    ).scalars()
    return User(
        row["id"],
        row["username"],
        Role(row["role"]),
        row["disabled"],
        tuple(centres),
        row["employer_id"],
        as_utc(row["created_at"]),
    )


def list_users(registry: Registry, actor: Actor) -> list[User]:
    """Every user, by name. Administrators only.

    Raises:
        Refused: the actor is not an administrator.
    """
    with audit.audited(registry, actor, "user.list", "user") as step:
        require(step.actor, Role.ADMINISTRATOR, to="list users")
        ids = step.connection.execute(sa.select(users.c.id).order_by(users.c.username)).scalars()
        return [_user(step.connection, user_id) for user_id in ids.all()]


def set_disabled(registry: Registry, actor: Actor, username: str, disabled: bool = True) -> User:
    """Disable (or enable again) the user ``username``: a disabled user cannot log in, and
    their sessions end and their API tokens stop working at once. Administrators only; an
    administrator cannot disable themselves.

    Raises:
        Refused: the actor is not an administrator, or disables themselves.
        NotFound: no such user.
    """
    with audit.audited(
        registry, actor, "user.disable" if disabled else "user.enable", "user"
    ) as step:
        require(step.actor, Role.ADMINISTRATOR, to="disable or enable users")
        user_id = user_id_of(step.connection, username)
        step.record_id = user_id
        if user_id == step.actor.user_id and disabled:
            raise Refused(
                "an administrator cannot disable themselves", parameter="username", given=username
            )
        step.connection.execute(
            sa.update(users)
            .where(users.c.id == user_id)
            .values(disabled=disabled, updated_at=registry.clock())
        )
        if disabled:
            step.connection.execute(sa.delete(sessions).where(sessions.c.user_id == user_id))
        return _user(step.connection, user_id)


def set_password(registry: Registry, actor: Actor, username: str, password: str) -> None:
    """Give ``username`` a new password: an administrator for anyone, a user for
    themselves. Their other sessions end.

    Raises:
        Refused: neither an administrator nor the user.
        NotFound: no such user.
        InvalidRecord: the password is too short or too long.
    """
    with audit.audited(registry, actor, "user.password", "user") as step:
        user_id = user_id_of(step.connection, username)
        step.record_id = user_id
        if user_id != step.actor.user_id:
            require(step.actor, Role.ADMINISTRATOR, to="change another user's password")
        validated(
            UserIn, {"username": username, "role": Role.ANALYST, "password": password}, None, "user"
        )
        step.connection.execute(
            sa.update(users)
            .where(users.c.id == user_id)
            .values(password_hash=hash_password(password), updated_at=registry.clock())
        )
        step.connection.execute(sa.delete(sessions).where(sessions.c.user_id == user_id))


def user_id_of(connection: sa.Connection, username: str) -> int:
    """The id of the user ``username``.

    Raises:
        NotFound: no such user.
    """
    found = connection.execute(
        sa.select(users.c.id).where(users.c.username == username.strip().lower())
    ).scalar()
    if found is None:
        raise NotFound(f"no user {username!r}", parameter="username", given=username)
    return int(found)


def cli_actor(registry: Registry, username: str | None = None) -> Actor:
    """The administrator the command line acts as: ``username``, or by default the first
    administrator created who is not disabled.

    Raises:
        NotFound: no such user, or no administrator at all (the registry is not initialised).
        Refused: the user is disabled or not an administrator.
    """
    with registry.engine.connect() as connection:
        if username is None:
            first = connection.execute(
                sa.select(users.c.id)
                .where(users.c.role == Role.ADMINISTRATOR.value, sa.not_(users.c.disabled))
                .order_by(users.c.id)
            ).scalar()
            if first is None:
                raise NotFound(
                    "the PES registry has no administrator",
                    hint="'decentwork pes init' creates the first one",
                )
            user_id = int(first)
        else:
            user_id = user_id_of(connection, username)
        actor = load_actor(connection, user_id, Interface.CLI)
    if actor.role != Role.ADMINISTRATOR:
        raise Refused(
            f"user {actor.username!r} is not an administrator; the command line "
            "acts as an administrator",
            parameter="as_user",
            given=actor.username,
        )
    return actor

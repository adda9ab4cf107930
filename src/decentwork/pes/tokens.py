"""API tokens, for employers' systems and other integrations: a random secret shown once when
it is created, kept only as its SHA-256 hash (with its first characters, to recognise it in
a list), revocable, with the time it was last used.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from decentwork.errors import BadInput
from decentwork.pes import audit
from decentwork.pes.access import Actor, Interface, Role, load_actor, not_found, require
from decentwork.pes.accounts import user_id_of
from decentwork.pes.registry import Registry
from decentwork.pes.sessions import NotAuthenticated, digest
from decentwork.pes.tables import api_tokens
from decentwork.pes.times import as_utc

PREFIX = "dwpes_"
SHOWN = 12
"""Characters of a token kept in clear (its prefix and a few more), to recognise it."""


@dataclass(frozen=True)
class Token:
    """A token as listed (never the secret)."""

    id: int
    user_id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True)
class NewToken:
    """A token just created: ``secret`` is shown this once and kept nowhere."""

    token: Token
    secret: str


def create_token(
    registry: Registry, actor: Actor, name: str, username: str | None = None
) -> NewToken:
    """A new API token named ``name`` for ``username`` (default: the actor). An
    administrator may create tokens for anyone, other users for themselves.

    Raises:
        BadInput: the name is empty or longer than 100 characters.
        NotFound: no such user.
        Refused: a token for another user, by someone not an administrator.
    """
    name = name.strip()
    if not 1 <= len(name) <= 100:
        raise BadInput("a token's name must have 1 to 100 characters", parameter="name", given=name)
    with audit.audited(registry, actor, "token.create", "token") as step:
        owner = step.actor.user_id if username is None else user_id_of(step.connection, username)
        if owner != step.actor.user_id:
            require(step.actor, Role.ADMINISTRATOR, to="create tokens for other users")
        secret = PREFIX + secrets.token_urlsafe(32)
        step.record_id = int(
            step.connection.execute(
                sa.insert(api_tokens)
                .values(
                    user_id=owner,
                    name=name,
                    prefix=secret[:SHOWN],
                    token_hash=digest("token", secret),
                    created_at=registry.clock(),
                )
                .returning(api_tokens.c.id)
            ).scalar_one()
        )
        return NewToken(_token(step.connection, step.record_id), secret)


def list_tokens(registry: Registry, actor: Actor, username: str | None = None) -> list[Token]:
    """The tokens of ``username`` (default: the actor; an administrator may list anyone's,
    and everyone's with ``username="*"``).

    Raises:
        NotFound: no such user.
        Refused: another user's tokens, by someone not an administrator.
    """
    with audit.audited(registry, actor, "token.list", "token") as step:
        query = sa.select(api_tokens.c.id).order_by(api_tokens.c.id)
        if username != "*":
            owner = (
                step.actor.user_id if username is None else user_id_of(step.connection, username)
            )
            query = query.where(api_tokens.c.user_id == owner)
            if owner != step.actor.user_id:
                require(step.actor, Role.ADMINISTRATOR, to="list other users' tokens")
        else:
            require(step.actor, Role.ADMINISTRATOR, to="list other users' tokens")
        ids = step.connection.execute(query).scalars().all()
        return [_token(step.connection, token_id) for token_id in ids]


def revoke_token(registry: Registry, actor: Actor, token_id: int) -> Token:
    """Revoke token ``token_id``: it stops working at once. Its owner or an administrator.

    Raises:
        NotFound: no such token, or another user's for someone not an administrator.
    """
    with audit.audited(registry, actor, "token.revoke", "token", token_id) as step:
        owner = step.connection.execute(
            sa.select(api_tokens.c.user_id).where(api_tokens.c.id == token_id)
        ).scalar()
        if owner is None or (owner != step.actor.user_id and step.actor.role != Role.ADMINISTRATOR):
            raise not_found("token", token_id)
        step.connection.execute(
            sa.update(api_tokens)
            .where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=registry.clock())
        )
        return _token(step.connection, token_id)


def token_actor(registry: Registry, secret: str, *, interface: Interface = Interface.API) -> Actor:
    """The actor an API token stands for; the token's last use is recorded.

    Raises:
        NotAuthenticated: no such token, or it is revoked.
        Refused: its user is disabled.
    """
    with registry.engine.begin() as connection:
        row = (
            connection.execute(
                sa.select(api_tokens).where(api_tokens.c.token_hash == digest("token", secret))
            )
            .mappings()
            .first()
        )
        if row is not None and row["revoked_at"] is None:
            actor = load_actor(connection, int(row["user_id"]), interface)
            connection.execute(
                sa.update(api_tokens)
                .where(api_tokens.c.id == row["id"])
                .values(last_used_at=registry.clock())
            )
            return actor
    raise NotAuthenticated(
        "the API token is unknown or revoked", hint="ask an administrator for a new token"
    )


def _token(connection: sa.Connection, token_id: int) -> Token:
    row = (
        connection.execute(sa.select(api_tokens).where(api_tokens.c.id == token_id))
        .mappings()
        .one()
    )
    return Token(
        row["id"],
        row["user_id"],
        row["name"],
        row["prefix"],
        as_utc(row["created_at"]),
        None if row["last_used_at"] is None else as_utc(row["last_used_at"]),
        None if row["revoked_at"] is None else as_utc(row["revoked_at"]),
    )

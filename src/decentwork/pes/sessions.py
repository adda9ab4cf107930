"""Logging in: passwords checked against their Argon2id hashes, throttling of repeated
failures, server-side sessions that expire, and a CSRF token per session.

- **Throttling.** After :data:`FAILURES` failed logins for one username from one address
  within :data:`WINDOW`, that username is refused from that address for :data:`LOCKOUT`;
  after :data:`ADDRESS_FAILURES` failures from one address (whatever the usernames), the
  address is refused for as long. Attempts refused meanwhile are not counted (so they do
  not prolong the lockout) and the password is not even checked. Failures are kept as
  SHA-256 hashes of the username and address, never in clear.
- **Sessions.** A session's id is a random secret given to the browser once; the database
  keeps only its SHA-256 hash. It expires after :data:`IDLE` without use, and at the latest
  :data:`LONGEST` after login; logging out, disabling the user or changing their password
  ends it.
- **CSRF.** Each session has a random secret that the pages put in every form; a form's
  token is checked against it in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from decentwork.errors import Refused
from decentwork.pes import audit
from decentwork.pes.access import Actor, Interface, load_actor
from decentwork.pes.accounts import HASHER, password_matches
from decentwork.pes.registry import Registry
from decentwork.pes.tables import login_failures, sessions, users
from decentwork.pes.times import as_utc

FAILURES = 5
ADDRESS_FAILURES = 20
WINDOW = timedelta(minutes=15)
LOCKOUT = timedelta(minutes=15)
IDLE = timedelta(minutes=30)
LONGEST = timedelta(hours=12)
FORGET_FAILURES = timedelta(days=1)
_DUMMY_HASH = HASHER.hash("a password no one has")
"""Checked against when the username is unknown, so that unknown and known names take the
same time to refuse."""


class NotAuthenticated(Refused):
    """No valid session or token: not logged in, expired, logged out, or revoked."""


@dataclass(frozen=True)
class Session:
    """A session just opened: its id and CSRF token (secrets to give the browser; the
    database keeps neither the id nor anything it could be recovered from), the actor and
    when the session expires unless used."""

    id: str
    csrf_token: str
    actor: Actor
    expires_at: datetime


def digest(kind: str, text: str) -> str:
    """The SHA-256 hash (hex) of ``text``, kept in place of a secret or a name."""
    return hashlib.sha256(f"{kind}:{text}".encode()).hexdigest()


def login(
    registry: Registry,
    username: str,
    password: str,
    *,
    address: str,
    interface: Interface = Interface.WEB,
) -> Session:
    """Check ``username`` and ``password`` for a login from ``address`` (the client's IP
    address) and open a session. Every attempt is logged.

    Raises:
        Refused: throttled after repeated failures, or a wrong username or password, or a
            disabled user (one message for all three kinds of mistake).
    """
    now = registry.clock()
    name = username.strip().lower()
    keys = {"username_hash": digest("username", name), "address_hash": digest("address", address)}
    with registry.engine.begin() as connection:
        connection.execute(
            sa.delete(login_failures).where(login_failures.c.at < now - FORGET_FAILURES)
        )
        user = (
            connection.execute(sa.select(users).where(users.c.username == name)).mappings().first()
        )
        user_id = None if user is None else user["id"]
        if _throttled(connection, keys, now):
            _log(connection, now, user, interface, "refused", "throttled")
            outcome = "throttled"
        elif (
            user is None
            or not password_matches(user["password_hash"], password)
            or user["disabled"]
        ):
            if user is None:
                password_matches(_DUMMY_HASH, password)
            connection.execute(sa.insert(login_failures).values(**keys, at=now))
            _log(
                connection,
                now,
                user,
                interface,
                "refused",
                "unknown user"
                if user is None
                else "disabled"
                if user["disabled"]
                else "wrong password",
            )
            outcome = "refused"
        else:
            connection.execute(
                sa.delete(login_failures).where(
                    login_failures.c.username_hash == keys["username_hash"],
                    login_failures.c.address_hash == keys["address_hash"],
                )
            )
            session_id, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
            connection.execute(
                sa.insert(sessions).values(
                    id_hash=digest("session", session_id),
                    user_id=user_id,
                    csrf_secret=csrf,
                    created_at=now,
                    expires_at=now + IDLE,
                )
            )
            _log(connection, now, user, interface, "ok", "")
            return Session(
                session_id, csrf, load_actor(connection, int(user["id"]), interface), now + IDLE
            )
    if outcome == "throttled":
        raise Refused(f"too many failed logins: try again in {LOCKOUT.seconds // 60} minutes")
    raise Refused("wrong username or password, or the user is disabled")


def _log(
    connection: sa.Connection,
    now: datetime,
    user: sa.RowMapping | None,
    interface: Interface,
    outcome: str,
    detail: str,
) -> None:
    user_id = None if user is None else int(user["id"])
    audit.append(
        connection,
        at=now,
        user_id=user_id,
        role=None if user is None else user["role"],
        interface=interface.value,
        action="login",
        kind="user",
        record_id=user_id,
        outcome=outcome,
        detail=detail,
    )


def _throttled(connection: sa.Connection, keys: dict[str, str], now: datetime) -> bool:
    """Whether the username and address, or the address alone, are locked out now."""
    pair = (
        login_failures.c.username_hash == keys["username_hash"],
        login_failures.c.address_hash == keys["address_hash"],
    )
    return _locked(connection, pair, FAILURES, now) or _locked(
        connection, pair[1:], ADDRESS_FAILURES, now
    )


def _locked(
    connection: sa.Connection, where: tuple[sa.ColumnElement[bool], ...], limit: int, now: datetime
) -> bool:
    """Whether the latest ``limit`` failures matching ``where`` fell within :data:`WINDOW`
    and the latest of them less than :data:`LOCKOUT` ago."""
    times = [
        as_utc(t)
        for t in connection.execute(
            sa.select(login_failures.c.at)
            .where(*where)
            .order_by(login_failures.c.at.desc())
            .limit(limit)
        ).scalars()
    ]
    return len(times) == limit and times[0] - times[-1] <= WINDOW and now - times[0] < LOCKOUT


def session_actor(
    registry: Registry, session_id: str, *, interface: Interface = Interface.WEB
) -> Actor:
    """The actor of the session ``session_id``, whose expiry moves :data:`IDLE` ahead (up to
    :data:`LONGEST` after login).

    Raises:
        NotAuthenticated: no such session, or it has expired (it is then deleted).
        Refused: the user has been disabled.
    """
    now = registry.clock()
    key = digest("session", session_id)
    with registry.engine.begin() as connection:
        row = (
            connection.execute(sa.select(sessions).where(sessions.c.id_hash == key))
            .mappings()
            .first()
        )
        live = (
            row is not None
            and now < as_utc(row["expires_at"])
            and now < as_utc(row["created_at"]) + LONGEST
        )
        if row is not None and live:
            connection.execute(
                sa.update(sessions)
                .where(sessions.c.id_hash == key)
                .values(expires_at=min(now + IDLE, as_utc(row["created_at"]) + LONGEST))
            )
            return load_actor(connection, int(row["user_id"]), interface)
        if row is not None:
            connection.execute(sa.delete(sessions).where(sessions.c.id_hash == key))
    raise NotAuthenticated("not logged in, or the session has expired", hint="log in again")


def csrf_token(registry: Registry, session_id: str) -> str:
    """The CSRF token of the session ``session_id``, to put in its forms.

    Raises:
        NotAuthenticated: no such session.
    """
    with registry.engine.connect() as connection:
        secret = connection.execute(
            sa.select(sessions.c.csrf_secret).where(
                sessions.c.id_hash == digest("session", session_id)
            )
        ).scalar()
    if secret is None:
        raise NotAuthenticated("not logged in, or the session has expired", hint="log in again")
    return str(secret)


def check_csrf(registry: Registry, session_id: str, token: str | None) -> None:
    """Check a form's CSRF ``token`` against its session's, in constant time.

    Raises:
        Refused: the token is missing or wrong (or the session does not exist).
    """
    with registry.engine.connect() as connection:
        secret = connection.execute(
            sa.select(sessions.c.csrf_secret).where(
                sessions.c.id_hash == digest("session", session_id)
            )
        ).scalar()
    expected = (secret or secrets.token_urlsafe(32)).encode()
    if not hmac.compare_digest(expected, (token or "").encode()) or secret is None:
        raise Refused(
            "the form's security token is missing or wrong",
            hint="reload the page and submit the form again",
        )


def logout(registry: Registry, session_id: str) -> None:
    """End the session ``session_id`` (nothing if it has ended already)."""
    key = digest("session", session_id)
    with registry.engine.begin() as connection:
        user_id = connection.execute(
            sa.select(sessions.c.user_id).where(sessions.c.id_hash == key)
        ).scalar()
        if user_id is None:
            return
        connection.execute(sa.delete(sessions).where(sessions.c.id_hash == key))
        audit.append(
            connection,
            at=registry.clock(),
            user_id=user_id,
            role=None,
            interface=Interface.WEB.value,
            action="logout",
            kind="user",
            record_id=user_id,
            outcome="ok",
        )

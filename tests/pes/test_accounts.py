"""Users, passwords, logins with throttling, sessions that expire, CSRF tokens and API tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from decentwork.errors import Conflict, NotFound, Refused
from decentwork.pes import accounts, audit, sessions, tokens
from decentwork.pes.access import Interface, Role
from decentwork.pes.models import InvalidRecord
from decentwork.pes.registry import Registry
from decentwork.pes.sessions import NotAuthenticated
from decentwork.pes.tables import login_failures, users
from tests.pes.conftest import PASSWORD, World


def test_passwords_are_hashed_with_argon2id_by_default() -> None:
    from argon2 import PasswordHasher

    stored = PasswordHasher().hash("a password")  # the production parameters
    assert accounts.HASHER.hash("x").startswith("$argon2id$")
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert accounts.password_matches(stored, "a password")
    assert not accounts.password_matches(stored, "a Password")
    assert not accounts.password_matches("not a hash", "a password")


def test_the_first_administrator_is_created_once(registry: Registry) -> None:
    with pytest.raises(NotFound, match="no administrator"):
        accounts.cli_actor(registry)
    admin = accounts.create_first_administrator(registry, "Root", PASSWORD)
    assert (admin.username, admin.role) == ("root", Role.ADMINISTRATOR)
    with pytest.raises(Conflict, match="has users already"):
        accounts.create_first_administrator(registry, "other", PASSWORD)
    with registry.engine.connect() as connection:
        stored = connection.execute(sa.select(users.c.password_hash)).scalar_one()
    assert PASSWORD not in stored and stored.startswith("$argon2id$")
    actor = accounts.cli_actor(registry)
    assert (actor.username, actor.interface) == ("root", Interface.CLI)


def test_a_weak_password_or_bad_name_is_refused_without_repeating_it(registry: Registry) -> None:
    with pytest.raises(InvalidRecord) as caught:
        accounts.create_first_administrator(registry, "admin", "secret")
    assert caught.value.parameter == "password" and "secret" not in str(caught.value)
    with pytest.raises(InvalidRecord, match="username"):
        accounts.create_first_administrator(registry, "the admin", PASSWORD)


def test_users_are_added_listed_and_their_names_unique(world: World) -> None:
    registry = world.registry
    listed = accounts.list_users(registry, world.admin)
    assert [(u.username, u.role.value) for u in listed] == [
        ("admin", "administrator"),
        ("analyst", "analyst"),
        ("employer.1", "employer"),
        ("employer.2", "employer"),
        ("officer.a", "officer"),
        ("officer.b", "officer"),
    ]
    assert listed[4].centres == (world.centre_a,)
    assert listed[2].employer == world.employer_1_id
    with pytest.raises(Conflict, match=r"username 'officer\.a' is taken"):
        accounts.add_user(
            registry,
            world.admin,
            {"username": "Officer.A", "role": "analyst", "password": PASSWORD},
        )
    with pytest.raises(ValueError, match="no job centre 99"):
        accounts.add_user(
            registry,
            world.admin,
            {"username": "o2", "role": "officer", "password": PASSWORD, "centres": [99]},
        )
    with pytest.raises(ValueError, match="no employer 99"):
        accounts.add_user(
            registry,
            world.admin,
            {"username": "e3", "role": "employer", "password": PASSWORD, "employer": 99},
        )


def test_the_command_line_acts_as_an_administrator(world: World) -> None:
    assert accounts.cli_actor(world.registry, "admin").user_id == world.admin.user_id
    with pytest.raises(Refused, match="not an administrator") as caught:
        accounts.cli_actor(world.registry, "officer.a")
    assert caught.value.parameter == "as_user"
    with pytest.raises(NotFound, match="no user 'nobody'"):
        accounts.cli_actor(world.registry, "nobody")


def test_login_opens_a_session_that_expires_when_idle_or_too_old(world: World) -> None:
    registry, clock = world.registry, world.clock
    opened = sessions.login(registry, "Officer.A ", PASSWORD, address="10.0.0.1")
    assert opened.actor.user_id == world.officer_a.user_id
    assert sessions.session_actor(registry, opened.id).role == Role.OFFICER
    clock.advance(minutes=29)
    sessions.session_actor(registry, opened.id)  # use moves the expiry
    clock.advance(minutes=29)
    sessions.session_actor(registry, opened.id)
    clock.advance(minutes=31)
    with pytest.raises(NotAuthenticated, match="expired"):
        sessions.session_actor(registry, opened.id)
    with pytest.raises(NotAuthenticated):  # deleted once expired
        sessions.session_actor(registry, opened.id)
    busy = sessions.login(registry, "officer.a", PASSWORD, address="10.0.0.1")
    logged_in = clock.now
    while clock.now + timedelta(minutes=20) < logged_in + sessions.LONGEST:
        clock.advance(minutes=20)
        sessions.session_actor(registry, busy.id)  # used every 20 minutes, all day
    clock.advance(minutes=20)
    with pytest.raises(NotAuthenticated):
        sessions.session_actor(registry, busy.id)


def test_the_database_keeps_no_session_id_nor_token(world: World) -> None:
    opened = sessions.login(world.registry, "officer.a", PASSWORD, address="10.0.0.1")
    made = tokens.create_token(world.registry, world.admin, "partner", "employer.1")
    with world.registry.engine.connect() as connection:
        dump = repr(connection.execute(sa.text("SELECT * FROM sessions")).all()) + repr(
            connection.execute(sa.text("SELECT * FROM api_tokens")).all()
        )
    assert opened.id not in dump and made.secret not in dump
    assert made.secret[: tokens.SHOWN] in dump


def test_logout_disabling_and_a_new_password_end_sessions(world: World) -> None:
    registry = world.registry
    first = sessions.login(registry, "officer.a", PASSWORD, address="10.0.0.1")
    sessions.logout(registry, first.id)
    sessions.logout(registry, first.id)  # twice is harmless
    with pytest.raises(NotAuthenticated):
        sessions.session_actor(registry, first.id)
    second = sessions.login(registry, "officer.a", PASSWORD, address="10.0.0.1")
    accounts.set_password(registry, world.officer_a, "officer.a", "another long password")
    with pytest.raises(NotAuthenticated):
        sessions.session_actor(registry, second.id)
    with pytest.raises(Refused, match="wrong username or password"):
        sessions.login(registry, "officer.a", PASSWORD, address="10.0.0.1")
    third = sessions.login(registry, "officer.a", "another long password", address="10.0.0.1")
    accounts.set_disabled(registry, world.admin, "officer.a")
    with pytest.raises(NotAuthenticated):
        sessions.session_actor(registry, third.id)
    with pytest.raises(Refused, match="wrong username or password, or the user is disabled"):
        sessions.login(registry, "officer.a", "another long password", address="10.0.0.1")
    with pytest.raises(Refused, match="another user's password"):
        accounts.set_password(registry, world.officer_b, "officer.a", "yet another password")


def test_repeated_failures_throttle_the_login_for_fifteen_minutes(world: World) -> None:
    registry, clock = world.registry, world.clock
    for _ in range(sessions.FAILURES):
        with pytest.raises(Refused, match="wrong username or password"):
            sessions.login(registry, "officer.a", "guess", address="10.0.0.9")
    # refused now even with the right password, and the attempt is not counted
    with pytest.raises(Refused, match="too many failed logins: try again in 15 minutes"):
        sessions.login(registry, "officer.a", PASSWORD, address="10.0.0.9")
    # another address, or another user from this address, is not affected
    sessions.login(registry, "officer.a", PASSWORD, address="10.0.0.10")
    sessions.login(registry, "officer.b", PASSWORD, address="10.0.0.9")
    clock.advance(minutes=14)
    with pytest.raises(Refused, match="too many failed logins"):
        sessions.login(registry, "officer.a", PASSWORD, address="10.0.0.9")
    clock.advance(minutes=1, seconds=1)
    assert (
        sessions.login(registry, "officer.a", PASSWORD, address="10.0.0.9").actor.role
        == Role.OFFICER
    )
    with registry.engine.connect() as connection:  # a success forgets the pair's failures
        left = connection.execute(sa.select(sa.func.count()).select_from(login_failures))
        assert left.scalar_one() == 0
    logins = audit.entries(registry, world.admin, action="login")
    assert [e.detail for e in logins[:7]] == ["wrong password"] * 5 + ["throttled", ""]


def test_failures_spread_over_time_do_not_throttle(world: World) -> None:
    registry, clock = world.registry, world.clock
    for _ in range(sessions.FAILURES * 2):
        with pytest.raises(Refused, match="wrong username"):
            sessions.login(registry, "officer.a", "guess", address="10.0.0.9")
        clock.advance(minutes=4)
    sessions.login(registry, "officer.a", PASSWORD, address="10.0.0.9")


def test_guessing_many_usernames_from_one_address_is_throttled(world: World) -> None:
    registry = world.registry
    for number in range(sessions.ADDRESS_FAILURES):
        with pytest.raises(Refused, match="wrong username"):
            sessions.login(registry, f"user{number}", "guess", address="10.0.0.66")
    with pytest.raises(Refused, match="too many failed logins"):
        sessions.login(registry, "officer.b", PASSWORD, address="10.0.0.66")
    entries = audit.entries(registry, world.admin, action="login")
    assert {e.user_id for e in entries[:-1]} == {None}  # unknown names are not kept
    with registry.engine.connect() as connection:
        kept = repr(connection.execute(sa.text("SELECT * FROM login_failures")).all())
    assert "user1" not in kept and "10.0.0.66" not in kept


def test_the_csrf_token_is_checked_against_the_session(world: World) -> None:
    registry = world.registry
    opened = sessions.login(registry, "officer.a", PASSWORD, address="10.0.0.1")
    other = sessions.login(registry, "officer.b", PASSWORD, address="10.0.0.2")
    assert sessions.csrf_token(registry, opened.id) == opened.csrf_token
    sessions.check_csrf(registry, opened.id, opened.csrf_token)
    for wrong in (None, "", other.csrf_token, opened.csrf_token[:-1]):
        with pytest.raises(Refused, match="security token is missing or wrong"):
            sessions.check_csrf(registry, opened.id, wrong)
    sessions.logout(registry, opened.id)
    with pytest.raises(Refused):
        sessions.check_csrf(registry, opened.id, opened.csrf_token)
    with pytest.raises(NotAuthenticated):
        sessions.csrf_token(registry, opened.id)


def test_api_tokens_work_until_revoked_or_their_user_is_disabled(world: World) -> None:
    registry, clock = world.registry, world.clock
    made = tokens.create_token(registry, world.admin, "payroll system", "employer.1")
    assert made.secret.startswith(tokens.PREFIX) and made.token.last_used_at is None
    clock.advance(minutes=5)
    actor = tokens.token_actor(registry, made.secret)
    assert (actor.username, actor.interface, actor.employer) == (
        "employer.1",
        Interface.API,
        world.employer_1_id,
    )
    listed = tokens.list_tokens(registry, world.employer_1)
    assert [(t.name, t.last_used_at) for t in listed] == [("payroll system", clock.now)]
    with pytest.raises(NotAuthenticated):
        tokens.token_actor(registry, made.secret + "x")
    with pytest.raises(Refused):
        tokens.create_token(registry, world.employer_2, "theirs", "employer.1")
    with pytest.raises(Refused):
        tokens.list_tokens(registry, world.employer_2, "employer.1")
    with pytest.raises(NotFound):  # another user's token is not found, not refused
        tokens.revoke_token(registry, world.employer_2, made.token.id)
    accounts.set_disabled(registry, world.admin, "employer.1")
    with pytest.raises(Refused, match="disabled"):
        tokens.token_actor(registry, made.secret)
    accounts.set_disabled(registry, world.admin, "employer.1", disabled=False)
    assert tokens.token_actor(registry, made.secret).username == "employer.1"
    revoked = tokens.revoke_token(registry, world.employer_1, made.token.id)
    assert revoked.revoked_at == clock.now
    with pytest.raises(NotAuthenticated, match="unknown or revoked"):
        tokens.token_actor(registry, made.secret)
    own = tokens.create_token(registry, world.officer_a, "my script")
    assert [t.id for t in tokens.list_tokens(registry, world.admin, "*")] == [
        made.token.id,
        own.token.id,
    ]
    with pytest.raises(ValueError, match="1 to 100 characters"):
        tokens.create_token(registry, world.admin, " ")

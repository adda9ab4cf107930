"""Shared fixtures of the PES tests.

Every test touching the database runs on SQLite (a file in the test's folder) and on
PostgreSQL (the server at 127.0.0.1:5432, trust auth, as on the developers' and CI
machines). PostgreSQL tests never touch the warehouse tests' database ``test``: each session
migrates a database ``pes_test_<random>`` once, and each test gets a copy of it
(``CREATE DATABASE ... TEMPLATE``) that is dropped afterwards. A missing server fails the
tests (CI provides it), it does not skip them.

Passwords are hashed with cheap Argon2 parameters here (the production parameters are
tested once), and the registry's clock is one the tests move.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from sqlalchemy.pool import NullPool

from decentwork.pes import accounts, centres, employers
from decentwork.pes.access import Actor, Interface, load_actor
from decentwork.pes.database import engine
from decentwork.pes.references import References
from decentwork.pes.registry import Registry

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
DATABASES = ["sqlite", "postgresql"]
PASSWORD = "correct horse battery staple"
SKILL = "http://data.europa.eu/esco/skill/0005c151-5b5a-4a66-8aac-60e734beb1ab"
"""An ESCO v1.1.1 skill: 'manage musical staff'."""
OTHER_SKILL = "http://data.europa.eu/esco/skill/00064735-8fad-454b-90c7-ed858cc993f2"


@pytest.fixture(autouse=True, scope="session")
def _cheap_hashes() -> Iterator[None]:
    production = accounts.HASHER
    accounts.HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    yield
    accounts.HASHER = production


class Clock:
    """A clock the tests move: it starts now and stands still until moved."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def _admin() -> sa.Engine:
    return sa.create_engine(f"{SERVER}/test", poolclass=NullPool, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A migrated SQLite file and a migrated PostgreSQL database to copy for each test."""
    folder = tmp_path_factory.mktemp("pes-template")
    sqlite = engine(f"sqlite:///{folder}/template.sqlite")
    with sqlite.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    sqlite.dispose()
    name = f"pes_test_{uuid.uuid4().hex[:12]}"
    admin = _admin()
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as error:
        pytest.fail(f"PostgreSQL at {SERVER} is unreachable (CI provides it): {error}")
    migrated = engine(f"{SERVER}/{name}")
    migrated.dispose()
    yield {"sqlite": str(folder / "template.sqlite"), "postgresql": name}
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture(params=DATABASES)
def url(request: pytest.FixtureRequest, tmp_path: Path, templates: dict[str, str]) -> Iterator[str]:
    """The URL of a fresh, migrated, empty PES database on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        shutil.copyfile(templates["sqlite"], tmp_path / "pes.sqlite")
        yield f"sqlite:///{tmp_path}/pes.sqlite"
        return
    name = f"{templates['postgresql']}_{uuid.uuid4().hex[:8]}"
    admin = _admin()
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{templates["postgresql"]}"')
    try:
        yield f"{SERVER}/{name}"
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def registry(url: str) -> Iterator[Registry]:
    """An empty registry on ``url``, its codes checked against the shared data folder, with a
    clock the test moves."""
    opened = Registry(engine(url), References(SHARED), Clock())
    yield opened
    opened.close()


def is_sqlite(registry: Registry) -> bool:
    return registry.engine.dialect.name == "sqlite"


@dataclass
class World:
    """A registry with two job centres (A in Phnom Penh, B in Siem Reap), an officer of
    each, an administrator, an analyst, two employers each with a user, and the actors of
    all of them (through the web)."""

    registry: Registry
    admin: Actor
    officer_a: Actor
    officer_b: Actor
    analyst: Actor
    employer_1: Actor
    employer_2: Actor
    centre_a: int
    centre_b: int
    employer_1_id: int
    employer_2_id: int

    @property
    def clock(self) -> Clock:
        """The registry's clock, which the test moves."""
        assert isinstance(self.registry.clock, Clock)
        return self.registry.clock

    def actor(self, username: str, interface: Interface = Interface.WEB) -> Actor:
        with self.registry.engine.connect() as connection:
            return load_actor(connection, accounts.user_id_of(connection, username), interface)


@pytest.fixture
def world(registry: Registry) -> World:
    accounts.create_first_administrator(registry, "admin", PASSWORD)
    admin = accounts.cli_actor(registry)
    centre_a = centres.add_centre(
        registry, admin, {"code": "PNH", "name": "Phnom Penh job centre", "area": "KH-12"}
    ).id
    centre_b = centres.add_centre(
        registry, admin, {"code": "REP", "name": "Siem Reap job centre", "area": "KH-17"}
    ).id
    employer_1 = employers.add_employer(registry, admin, employer_data()).id
    employer_2 = employers.add_employer(
        registry,
        admin,
        employer_data(name="Angkor Hotel", registration_number="H-2002", isic="5510", area="KH-17"),
    ).id
    for username, role, extra in (
        ("officer.a", "officer", {"centres": [centre_a]}),
        ("officer.b", "officer", {"centres": [centre_b]}),
        ("analyst", "analyst", {}),
        ("employer.1", "employer", {"employer": employer_1}),
        ("employer.2", "employer", {"employer": employer_2}),
    ):
        accounts.add_user(
            registry, admin, {"username": username, "role": role, "password": PASSWORD, **extra}
        )
    partial = World(
        registry,
        admin,
        admin,
        admin,
        admin,
        admin,
        admin,
        centre_a,
        centre_b,
        employer_1,
        employer_2,
    )
    return World(
        registry,
        admin,
        partial.actor("officer.a"),
        partial.actor("officer.b"),
        partial.actor("analyst"),
        partial.actor("employer.1"),
        partial.actor("employer.2"),
        centre_a,
        centre_b,
        employer_1,
        employer_2,
    )


def seeker_data(**changes: Any) -> dict[str, Any]:
    """A valid seeker (a Khmer name) at centre ``centre`` (give it), changed by ``changes``."""
    data: dict[str, Any] = {
        "family_name": "ចាន់",
        "given_names": "សុភា",
        "national_id": "010203040",
        "birth_date": "1998-04-12",
        "sex": "F",
        "disability": False,
        "phone": "+855 12 345 678",
        "email": "sophea@example.org",
        "address": "Street 271, Tuol Kork",
        "area": "KH-12",
        "education": "3",
        "languages": ["km", "en"],
        "occupations": [{"isco": "7531", "text": "ជាងកាត់ដេរ (tailor)"}],
        "skills": [SKILL],
        "work_history": [{"isco": "8153", "years": 3}],
        "available_from": "2026-01-05",
        "expected_wage": 250,
        "wage_currency": "USD",
        "wage_period": "month",
        "consent": {
            "purpose": "registration and referral to vacancies",
            "given_at": "2025-11-02T09:30:00+07:00",
        },
        "registered_on": (date.today() - timedelta(days=30)).isoformat(),
    }
    data.update(changes)
    return data


def employer_data(**changes: Any) -> dict[str, Any]:
    """A valid employer, changed by ``changes``."""
    data: dict[str, Any] = {
        "name": "Mekong Garments Co., Ltd.",
        "registration_number": "G-1001",
        "isic": "1410",
        "area": "KH-12",
        "contact_name": "Dara Keo",
        "phone": "023 456 789",
        "email": "hr@mekong-garments.example",
        "address": "National Road 4, Pur Senchey",
    }
    data.update(changes)
    return data


def vacancy_data(employer: int, centre: int, **changes: Any) -> dict[str, Any]:
    """A valid vacancy of ``employer`` at ``centre``, changed by ``changes``."""
    data: dict[str, Any] = {
        "employer": employer,
        "centre": centre,
        "title": "Sewing machine operators (20)",
        "description": "Operate industrial sewing machines; day shift.",
        "isco": "8153",
        "area": "KH-12",
        "openings": 20,
        "education": "1",
        "experience_years": 1,
        "skills": [SKILL],
        "wage_min": 204,
        "wage_max": 260,
        "wage_currency": "USD",
        "wage_period": "month",
        "contract": "fixed-term",
        "posted_on": date.today().isoformat(),
        "expires_on": (date.today() + timedelta(days=30)).isoformat(),
    }
    data.update(changes)
    return data

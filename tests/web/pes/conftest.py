"""Fixtures of the PES pages' and API's tests: the dashboard's application on an empty
warehouse, with the PES installed on the registry of ``tests/pes`` (its two job centres, users
of every role and employers; SQLite and PostgreSQL), a small fake occupation coder in place of
the real one, and clients that log in through the login page or carry an API token.

The dashboard's answer cache is on, as in production: the PES must never be served from it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from decentwork.errors import BadInput
from decentwork.pes import seekers, tokens, vacancies
from decentwork.pes.records import SeekerRecord, VacancyRecord
from decentwork.warehouse import engine as warehouse_engine
from decentwork.web.app import create_app
from decentwork.web.pes import install
from decentwork.web.pes.coding import SUGGESTIONS, Suggestion
from tests.pes.conftest import OTHER_SKILL, SHARED, World
from tests.pes.conftest import PASSWORD as PASSWORD
from tests.pes.conftest import SKILL as SKILL
from tests.pes.conftest import _cheap_hashes as _cheap_hashes
from tests.pes.conftest import registry as registry
from tests.pes.conftest import seeker_data as seeker_data
from tests.pes.conftest import templates as templates
from tests.pes.conftest import url as url
from tests.pes.conftest import vacancy_data as vacancy_data
from tests.pes.conftest import world as world

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
TITLES = {
    "tailor": [
        ("7531", "Tailors, Dressmakers, Furriers and Hatters", 0.82),
        ("8153", "Sewing Machine Operators", 0.11),
    ],
    "ជាងកាត់ដេរ": [
        ("7531", "Tailors, Dressmakers, Furriers and Hatters", 0.64),
        ("7533", "Sewing, Embroidery and Related Workers", 0.2),
    ],
    "sewing": [
        ("8153", "Sewing Machine Operators", 0.93),
        ("7533", "Sewing, Embroidery and Related Workers", 0.04),
    ],
    "driver": [("8322", "Car, Taxi and Van Drivers", 0.58)],
}


class FakeSuggester:
    """Suggests codes for the few words of :data:`TITLES` (each code once, at its best
    confidence), at once; refuses an empty text as the coder does."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def suggest(self, text: str, k: int = SUGGESTIONS) -> list[Suggestion]:
        self.asked.append(text)
        if not text.strip():
            raise BadInput("text 1: empty (nothing but spaces or punctuation)")
        found: dict[str, Suggestion] = {}
        for word, listed in TITLES.items():
            for code, title, confidence in listed if word in text.lower() else []:
                if code not in found or confidence > found[code].confidence:
                    found[code] = Suggestion(code, title, confidence)
        best = sorted(found.values(), key=lambda s: -s.confidence)[:k]
        return best or [Suggestion("9629", "Elementary Workers Not Elsewhere Classified", 0.05)]


@pytest.fixture(scope="session")
def warehouse_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An empty warehouse (the dashboard's application needs one)."""
    address = f"sqlite:///{tmp_path_factory.mktemp('warehouse')}/warehouse.sqlite"
    warehouse_engine(address).dispose()
    return address


@dataclass
class Site:
    """The served application, the world it serves and the suggester it asks."""

    app: Any
    world: World
    suggester: FakeSuggester

    def client(self, **options: Any) -> TestClient:
        """A new browser: a client with cookies of its own."""
        return TestClient(self.app, follow_redirects=False, **options)

    def token(self, username: str) -> str:
        """A new API token of ``username``."""
        actor = self.world.actor(username)
        return tokens.create_token(self.world.registry, actor, "tests").secret


@pytest.fixture
def site(world: World, url: str, warehouse_url: str) -> Iterator[Site]:
    app = create_app(warehouse_url)
    suggester = FakeSuggester()
    install(app, url, classifications=SHARED, suggester=suggester)
    with TestClient(app):  # runs the application's start and end (the registry is closed)
        yield Site(app, world, suggester)


def csrf(page: Response) -> str:
    """The CSRF token of a page's forms."""
    found = CSRF.search(page.text)
    assert found, f"no CSRF token in {page.url}"
    return found[1]


def log_in(client: TestClient, username: str, password: str = PASSWORD) -> Response:
    """Log in through the login page, as a browser would; the answer to the form."""
    form = client.get("/pes/login")
    return client.post(
        "/pes/login", data={"csrf": csrf(form), "username": username, "password": password}
    )


def logged_in(site: Site, username: str) -> TestClient:
    """A browser logged in as ``username``."""
    client = site.client()
    answer = log_in(client, username)
    assert answer.status_code == 303, answer.text
    return client


def post_form(
    client: TestClient, path: str, data: dict[str, Any], page: str | None = None
) -> Response:
    """Submit a form of the page at ``page`` (default: ``path``) with its CSRF token."""
    return client.post(path, data={"csrf": csrf(client.get(page or path)), **data})


def bearer(token: str) -> dict[str, str]:
    """The headers of an API request with ``token``."""
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Matched:
    """A vacancy of employer 1 at centre A (ISCO 8153, requiring ``SKILL``, one opening)
    and three active seekers: ``best`` (8153, with the skill) and ``sibling`` (8154, another
    skill) at centre A, ``elsewhere`` (8153) at centre B."""

    vacancy: VacancyRecord
    best: SeekerRecord
    sibling: SeekerRecord
    elsewhere: SeekerRecord


def matched_seeker(
    world: World, number: int, isco: str, centre: int, **changes: Any
) -> SeekerRecord:
    """A distinct active seeker wanting ``isco``."""
    return seekers.register(
        world.registry,
        world.admin,
        seeker_data(
            centre=centre,
            national_id=f"KH{number:07d}",
            given_names=f"Seeker {number}",
            birth_date=f"{1980 + number}-01-01",
            occupations=[{"isco": isco, "text": "sewing machinist"}],
            work_history=[],
            **changes,
        ),
    )


@pytest.fixture
def matched(world: World) -> Matched:
    """The records of :class:`Matched`."""
    return Matched(
        vacancies.post(
            world.registry,
            world.admin,
            vacancy_data(world.employer_1_id, world.centre_a, openings=1),
        ),
        matched_seeker(world, 1, "8153", world.centre_a),
        matched_seeker(world, 2, "8154", world.centre_a, skills=[OTHER_SKILL]),
        matched_seeker(world, 3, "8153", world.centre_b),
    )

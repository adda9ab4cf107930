"""Every form is refused (403) with a forged, another session's or no CSRF token, and nothing
is written: a page elsewhere cannot act through a logged-in officer's browser."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from decentwork.pes import seekers, tokens, vacancies
from tests.web.pes.conftest import (
    Site,
    csrf,
    logged_in,
    seeker_data,
    vacancy_data,
)

FORGED = "the form&#39;s security token is missing or wrong"


def forms(site: Site) -> dict[str, tuple[str, dict[str, Any]]]:
    """Each form of the pages, by name: its address and fields that would be accepted."""
    world = site.world
    seeker = seekers.register(world.registry, world.admin, seeker_data(centre=world.centre_a))
    vacancy = vacancies.post(
        world.registry, world.admin, vacancy_data(world.employer_1_id, world.centre_a)
    )
    token = tokens.create_token(world.registry, world.admin, "kept")
    return {
        "search": ("/pes/seekers", {"name": "x"}),
        "register": (
            "/pes/seekers/new",
            {
                "centre": str(world.centre_a),
                "given_names": "Dara",
                "birth_date": "1980-01-01",
                "sex": "M",
                "area": "KH-12",
                "consent_purpose": "registration",
                "consent_date": "2025-01-01",
                "action": "save",
            },
        ),
        "edit": (f"/pes/seekers/{seeker.id}/edit", {"version": "1", "phone": "", "action": "save"}),
        "erase": (f"/pes/seekers/{seeker.id}/erase", {"confirm": "yes"}),
        "post vacancy": (
            "/pes/vacancies/new",
            {
                "employer": str(world.employer_1_id),
                "centre": str(world.centre_a),
                "title": "Cooks",
                "isco": "5120",
                "area": "KH-12",
                "action": "save",
            },
        ),
        "edit vacancy": (
            f"/pes/vacancies/{vacancy.id}/edit",
            {"version": "1", "openings": "3", "action": "save"},
        ),
        "create token": ("/pes/tokens", {"name": "new"}),
        "revoke token": (f"/pes/tokens/{token.token.id}/revoke", {}),
        "logout": ("/pes/logout", {}),
    }


def unchanged(site: Site) -> Callable[[], tuple[Any, ...]]:
    """What the forms would change, now."""
    world = site.world

    def state() -> tuple[Any, ...]:
        return (
            seekers.search(world.registry, world.admin),
            [
                seekers.read(world.registry, world.admin, s.id)
                for s in seekers.search(world.registry, world.admin)
            ],
            vacancies.search(world.registry, world.admin),
            tokens.list_tokens(world.registry, world.admin),
        )

    return state


@pytest.mark.parametrize(
    "name",
    [
        "search",
        "register",
        "edit",
        "erase",
        "post vacancy",
        "edit vacancy",
        "create token",
        "revoke token",
        "logout",
    ],
)
def test_a_form_without_its_sessions_token_is_refused(site: Site, name: str) -> None:
    path, fields = forms(site)[name]
    state = unchanged(site)
    before = state()
    admin = logged_in(site, "admin")
    someone_else = csrf(logged_in(site, "officer.a").get("/pes/seekers"))
    for token in (None, "", "forged-token", someone_else):
        data = fields if token is None else {**fields, "csrf": token}
        answer = admin.post(path, data=data)
        assert answer.status_code == 403, (name, token)
        assert FORGED in answer.text
        assert state() == before, (name, token)
    # the session is still alive after the refusals, and the form with its token passes
    good = admin.post(path, data={**fields, "csrf": csrf(admin.get("/pes/seekers"))})
    assert good.status_code in (200, 303), name
    if name == "logout":
        assert admin.get("/pes/seekers").status_code == 303
    elif name != "search":
        assert state() != before, name

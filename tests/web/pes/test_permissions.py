"""Permissions of every role through the pages, the API and the exports: an officer of centre A
cannot list, read, export or change a seeker of centre B (also by guessing ids: the answer is
the one a seeker that does not exist gets); an employer sees only its own vacancies; an
analyst gets counts and never a name; unauthenticated requests are refused (pages lead to the
login page, the API answers 401); a revoked token stops working."""

from __future__ import annotations

import re

import pytest

from decentwork.pes import accounts, seekers, tokens, vacancies
from decentwork.pes.records import SeekerRecord
from tests.web.pes.conftest import (
    Site,
    bearer,
    logged_in,
    post_form,
    seeker_data,
    vacancy_data,
)


def masked(text: str, seeker: int) -> str:
    """A page with the seeker's id it names (in words and addresses) replaced."""
    return re.sub(rf"(seeker |seekers/){seeker}\b", r"\1N", text)


def seeker_of_b(site: Site) -> SeekerRecord:
    world = site.world
    return seekers.register(world.registry, world.officer_b, seeker_data(centre=world.centre_b))


def test_an_officer_cannot_reach_another_centres_seeker_through_the_pages(site: Site) -> None:
    theirs = seeker_of_b(site)
    client = logged_in(site, "officer.a")
    missing = theirs.id + 1000
    for path in ("/pes/seekers/{}", "/pes/seekers/{}/export", "/pes/seekers/{}/edit"):
        seen, guessed = client.get(path.format(theirs.id)), client.get(path.format(missing))
        assert seen.status_code == guessed.status_code == 404, path
        assert masked(seen.text, theirs.id) == masked(guessed.text, missing)
        assert f"no seeker {theirs.id}" in seen.text
        assert theirs.family_name not in seen.text
    listed = client.get("/pes/seekers")
    assert theirs.given_names not in listed.text and "No job seekers found." in listed.text
    for search in (
        {"national_id": theirs.national_id},
        {"name": theirs.given_names},
        {"centre": str(site.world.centre_b)},
    ):
        found = post_form(client, "/pes/seekers", search)
        assert found.status_code == 200, search
        assert "No job seekers found." in found.text, search
        assert f"/pes/seekers/{theirs.id}" not in found.text, search
    changed = post_form(
        client,
        f"/pes/seekers/{theirs.id}/edit",
        {"version": "1", "phone": "012 999 999", "action": "save"},
        page="/pes/seekers",
    )
    assert changed.status_code == 404
    record = seekers.read(site.world.registry, site.world.officer_b, theirs.id)
    assert record.version == 1 and record.phone == theirs.phone
    # the officer of B sees it
    assert logged_in(site, "officer.b").get(f"/pes/seekers/{theirs.id}").status_code == 200


def test_an_officer_cannot_reach_another_centres_seeker_through_the_api(site: Site) -> None:
    theirs = seeker_of_b(site)
    headers = bearer(site.token("officer.a"))
    client = site.client()
    missing = theirs.id + 1000
    for method, path, body in (
        ("GET", "/api/v1/pes/seekers/{}", None),
        ("GET", "/api/v1/pes/seekers/{}/export", None),
        ("PATCH", "/api/v1/pes/seekers/{}", {"version": 1, "changes": {"phone": None}}),
    ):
        seen = client.request(method, path.format(theirs.id), json=body, headers=headers)
        guessed = client.request(method, path.format(missing), json=body, headers=headers)
        assert seen.status_code == guessed.status_code == 404
        assert seen.json() == {"detail": f"no seeker {theirs.id}", "given": str(theirs.id)}
        assert guessed.json() == {"detail": f"no seeker {missing}", "given": str(missing)}
    assert client.get("/api/v1/pes/seekers", headers=headers).json()["seekers"] == []
    found = client.post(
        "/api/v1/pes/seekers/search", headers=headers, json={"national_id": theirs.national_id}
    )
    assert found.status_code == 200 and found.json()["seekers"] == []
    assert seekers.read(site.world.registry, site.world.admin, theirs.id).version == 1


def test_an_officer_cannot_register_at_another_centre(site: Site) -> None:
    world = site.world
    headers = bearer(site.token("officer.a"))
    answer = site.client().post(
        "/api/v1/pes/seekers", headers=headers, json=seeker_data(centre=world.centre_b)
    )
    assert answer.status_code == 403
    assert answer.json()["parameter"] == "centre"
    assert seekers.search(world.registry, world.admin) == []


def test_an_employer_sees_only_its_own_vacancies(site: Site) -> None:
    world = site.world
    own = vacancies.post(
        world.registry, world.employer_1, vacancy_data(world.employer_1_id, world.centre_a)
    )
    other = vacancies.post(
        world.registry,
        world.admin,
        vacancy_data(
            world.employer_2_id,
            world.centre_b,
            title="Hotel housekeepers",
            isco="9112",
            area="KH-17",
        ),
    )
    client = logged_in(site, "employer.1")
    listed = client.get("/pes/vacancies")
    assert own.title in listed.text and other.title not in listed.text
    assert client.get(f"/pes/vacancies/{own.id}").status_code == 200
    for path in (f"/pes/vacancies/{other.id}", f"/pes/vacancies/{other.id}/edit"):
        assert client.get(path).status_code == 404
    form = client.get("/pes/vacancies/new")
    assert "Mekong Garments" in form.text and "Angkor Hotel" not in form.text
    api, headers = site.client(), bearer(site.token("employer.1"))
    assert [
        v["id"] for v in api.get("/api/v1/pes/vacancies", headers=headers).json()["vacancies"]
    ] == [own.id]
    assert api.get(f"/api/v1/pes/vacancies/{other.id}", headers=headers).status_code == 404
    changed = api.patch(
        f"/api/v1/pes/vacancies/{other.id}",
        headers=headers,
        json={"version": 1, "changes": {"openings": 1}},
    )
    assert changed.status_code == 404
    posted = api.post(
        "/api/v1/pes/vacancies",
        headers=headers,
        json=vacancy_data(world.employer_2_id, world.centre_a),
    )
    assert posted.status_code == 403
    assert posted.json()["detail"] == "an employer user posts vacancies of its own employer only"
    assert (
        api.get(f"/api/v1/pes/employers/{world.employer_2_id}", headers=headers).status_code == 404
    )
    # and it sees no person at all
    assert client.get("/pes/seekers").status_code == 403
    assert api.get("/api/v1/pes/seekers", headers=headers).status_code == 403


def test_an_analyst_gets_counts_and_never_a_name(site: Site) -> None:
    world = site.world
    record = seekers.register(world.registry, world.admin, seeker_data(centre=world.centre_a))
    client = logged_in(site, "analyst")
    counts = client.get("/pes/counts?seekers_by=sex&seekers_by=age_band")
    assert counts.status_code == 200
    assert "25-34" in counts.text
    assert record.given_names not in counts.text and record.family_name not in counts.text
    for path in (
        "/pes/seekers",
        f"/pes/seekers/{record.id}",
        f"/pes/seekers/{record.id}/export",
        "/pes/vacancies",
        "/pes/seekers/new",
    ):
        answer = client.get(path)
        assert answer.status_code == 403, path
        assert record.given_names not in answer.text
    api, headers = site.client(), bearer(site.token("analyst"))
    assert api.get("/api/v1/pes/counts/seekers?by=sex", headers=headers).json() == [
        {"sex": "F", "seekers": 1}
    ]
    for path in (
        "/api/v1/pes/seekers",
        f"/api/v1/pes/seekers/{record.id}",
        f"/api/v1/pes/seekers/{record.id}/export",
    ):
        answer = api.get(path, headers=headers)
        assert answer.status_code == 403, path
        assert answer.json()["detail"] == "an analyst may not see job seekers"
    refused = api.post("/api/v1/pes/seekers/search", headers=headers, json={"name": "x"})
    assert refused.status_code == 403


@pytest.mark.parametrize(
    "path",
    ["/api/v1/pes/seekers", "/api/v1/pes/vacancies", "/api/v1/pes/me", "/api/v1/pes/seekers/1"],
)
def test_the_api_refuses_a_request_without_a_valid_token(site: Site, path: str) -> None:
    client = site.client()
    for headers in ({}, bearer("dwpes_made-up"), {"Authorization": "Basic YWRtaW46eA=="}):
        answer = client.get(path, headers=headers)
        assert answer.status_code == 401, headers
        assert answer.headers["www-authenticate"].startswith("Bearer")
        assert "token" in answer.json()["detail"]
    # a session cookie is no API credential
    browser = logged_in(site, "admin")
    assert browser.get(path).status_code == 401


def test_a_revoked_token_stops_working(site: Site) -> None:
    world = site.world
    secret = site.token("officer.a")
    client = site.client()
    assert client.get("/api/v1/pes/me", headers=bearer(secret)).json()["username"] == "officer.a"
    [token] = client.get("/api/v1/pes/tokens", headers=bearer(secret)).json()
    assert "secret" not in token
    assert (
        client.delete(f"/api/v1/pes/tokens/{token['id']}", headers=bearer(secret)).status_code
        == 200
    )
    assert client.get("/api/v1/pes/me", headers=bearer(secret)).status_code == 401
    # revoked through the tokens page
    other = tokens.create_token(world.registry, world.officer_a, "page")
    assert client.get("/api/v1/pes/me", headers=bearer(other.secret)).status_code == 200
    browser = logged_in(site, "officer.a")
    revoked = post_form(browser, f"/pes/tokens/{other.token.id}/revoke", {}, page="/pes/tokens")
    assert revoked.status_code == 303
    assert client.get("/api/v1/pes/me", headers=bearer(other.secret)).status_code == 401
    # nor can one revoke another user's token
    theirs = tokens.create_token(world.registry, world.officer_b, "theirs")
    assert (
        post_form(
            browser, f"/pes/tokens/{theirs.token.id}/revoke", {}, page="/pes/tokens"
        ).status_code
        == 404
    )
    assert client.get("/api/v1/pes/me", headers=bearer(theirs.secret)).status_code == 200


def test_a_disabled_users_session_and_tokens_stop_at_once(site: Site) -> None:
    world = site.world
    secret = site.token("officer.a")
    browser = logged_in(site, "officer.a")
    accounts.set_disabled(world.registry, world.admin, "officer.a")
    assert browser.get("/pes/seekers").status_code == 303
    answer = site.client().get("/api/v1/pes/me", headers=bearer(secret))
    assert answer.status_code == 403 and "disabled" in answer.json()["detail"]


@pytest.mark.parametrize(
    ("username", "path"),
    [
        ("officer.a", "/pes/audit"),
        ("officer.a", "/pes/audit/export"),
        ("officer.a", "/pes/counts"),
        ("employer.1", "/pes/audit"),
        ("officer.a", "/pes/seekers/1/erase"),
    ],
)
def test_administrators_pages_are_refused_to_others(site: Site, username: str, path: str) -> None:
    seekers.register(
        site.world.registry, site.world.officer_a, seeker_data(centre=site.world.centre_a)
    )
    assert logged_in(site, username).get(path).status_code == 403

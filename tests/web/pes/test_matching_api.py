"""Matching and referrals in the PES JSON API: a vacancy's ranked candidates and a seeker's
ranked vacancies with their explanations (the contributions add up to the score), skill gaps
and missing factors; referring, listing, reading and recording an outcome (a hire fills the
vacancy); refusals with the API's JSON errors (no token, wrong role, another centre's or
employer's record, bad k, unknown outcome); the audit log (as done through ``api``); and no
personal value in the server's logs."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from decentwork.pes import audit, referrals, seekers, vacancies
from tests.web.pes.conftest import SKILL, Matched, Site, bearer, logged_in

API = "/api/v1/pes"


def call(site: Site, username: str, method: str, path: str, **options: Any) -> Any:
    """An API request of ``username``'s (a new token): the response."""
    return site.client().request(
        method, API + path, headers=bearer(site.token(username)), **options
    )


def test_a_vacancys_candidates_are_ranked_and_explained(site: Site, matched: Matched) -> None:
    world = site.world
    answer = call(site, "officer.a", "GET", f"/vacancies/{matched.vacancy.id}/candidates")
    assert answer.status_code == 200, answer.text
    found = answer.json()
    assert [m["seeker"]["id"] for m in found] == [matched.best.id, matched.sibling.id]
    for match in found:
        assert sum(f["contribution"] for f in match["factors"]) == pytest.approx(match["score"])
        assert [f["factor"] for f in match["factors"]] == [
            "occupation",
            "skills",
            "location",
            "education",
            "experience",
            "wage",
            "availability",
        ]
        assert 0 < match["confidence"] <= 1 and match["referral"] is None
    assert found[0]["skill_gap"] == []
    assert found[1]["skill_gap"] == [{"uri": SKILL, "label": "manage musical staff"}]
    assert found[1]["factors"][0]["detail"]["shared"] == "minor group"
    assert found[0]["score"] > found[1]["score"]
    one = call(site, "officer.a", "GET", f"/vacancies/{matched.vacancy.id}/candidates?k=1")
    assert [m["seeker"]["id"] for m in one.json()] == [matched.best.id]
    everyone = call(
        site, "admin", "GET", f"/vacancies/{matched.vacancy.id}/candidates?centre={world.centre_b}"
    )
    assert [m["seeker"]["id"] for m in everyone.json()] == [matched.elsewhere.id]
    entry = audit.entries(world.registry, world.admin, action="match.seekers")[0]
    assert (entry.interface, entry.user_id, entry.record_id, entry.detail) == (
        "api",
        world.officer_a.user_id,
        matched.vacancy.id,
        "2 seekers; filters: none",
    )


def test_a_seekers_vacancies_are_ranked_with_the_seekers_skill_gap(
    site: Site, matched: Matched
) -> None:
    answer = call(site, "officer.a", "GET", f"/seekers/{matched.sibling.id}/vacancies")
    assert answer.status_code == 200
    [match] = answer.json()
    assert match["vacancy"]["id"] == matched.vacancy.id
    assert [g["uri"] for g in match["skill_gap"]] == [SKILL]
    unreferred = call(
        site, "officer.a", "GET", f"/seekers/{matched.sibling.id}/vacancies?unreferred=true"
    )
    assert len(unreferred.json()) == 1
    world = site.world
    referrals.refer(world.registry, world.officer_a, matched.sibling.id, matched.vacancy.id)
    assert (
        call(
            site, "officer.a", "GET", f"/seekers/{matched.sibling.id}/vacancies?unreferred=true"
        ).json()
        == []
    )
    assert (
        call(site, "officer.a", "GET", f"/seekers/{matched.sibling.id}/vacancies").json()[0][
            "referral"
        ]
        == "referred"
    )


def test_matching_refusals_are_json_errors(site: Site, matched: Matched) -> None:
    world = site.world
    candidates = f"/vacancies/{matched.vacancy.id}/candidates"
    anonymous = site.client().get(API + candidates)
    assert anonymous.status_code == 401 and anonymous.headers["www-authenticate"].startswith(
        "Bearer"
    )
    forged = site.client().get(API + candidates, headers=bearer("dwpes_forged"))
    assert forged.status_code == 401
    refused = call(site, "employer.1", "GET", candidates)
    assert refused.status_code == 403 and refused.json()["detail"].endswith("match job seekers")
    assert call(site, "analyst", "GET", candidates).status_code == 403
    other = call(site, "officer.b", "GET", candidates)
    assert other.status_code == 404
    assert other.json()["detail"] == f"no vacancy {matched.vacancy.id}"
    assert (
        call(site, "officer.b", "GET", f"/seekers/{matched.best.id}/vacancies").status_code == 404
    )
    for k in ("0", "501", "-1"):
        bad = call(site, "officer.a", "GET", f"{candidates}?k={k}")
        assert bad.status_code == 422, k
        assert bad.json()["parameter"] == "k" and bad.json()["expected"] == "1 to 500", k
    typed = call(site, "officer.a", "GET", f"{candidates}?k=many")
    assert typed.status_code == 422 and typed.json()["parameter"] == "k"
    assert call(site, "officer.a", "GET", f"{candidates}?centre=0").status_code == 422
    assert call(site, "officer.a", "GET", f"{candidates}?colour=red").status_code == 422
    vacancies.update(world.registry, world.admin, matched.vacancy.id, 1, {"status": "closed"})
    closed = call(site, "officer.a", "GET", candidates)
    assert closed.status_code == 409
    assert closed.json()["detail"].endswith("only open vacancies take referrals and are matched")
    seekers.update(world.registry, world.admin, matched.best.id, 1, {"status": "inactive"})
    inactive = call(site, "officer.a", "GET", f"/seekers/{matched.best.id}/vacancies")
    assert inactive.status_code == 409 and inactive.json()["parameter"] == "seeker"
    outcomes = [
        (e.user_id, e.interface, e.outcome)
        for e in audit.entries(world.registry, world.admin, action="match.seekers")
    ]
    assert (world.employer_1.user_id, "api", "refused") in outcomes
    assert (world.officer_b.user_id, "api", "not found") in outcomes


def test_a_referral_is_made_listed_read_and_its_hire_fills_the_vacancy(
    site: Site, matched: Matched
) -> None:
    world = site.world
    token = bearer(site.token("officer.a"))
    client = site.client()
    created = client.post(
        f"{API}/referrals",
        headers=token,
        json={
            "seeker": matched.best.id,
            "vacancy": matched.vacancy.id,
            "source": "match",
            "score": 0.8125,
        },
    )
    assert created.status_code == 201, created.text
    made = created.json()
    assert (made["seeker"], made["vacancy"], made["source"], made["status"]) == (
        matched.best.id,
        matched.vacancy.id,
        "match",
        "referred",
    )
    assert float(made["score"]) == 0.8125 and made["seeker_name"] == "Seeker 1 ចាន់"
    again = client.post(
        f"{API}/referrals",
        headers=token,
        json={"seeker": matched.best.id, "vacancy": matched.vacancy.id},
    )
    assert again.status_code == 409 and "awaiting its outcome" in again.json()["detail"]
    listing = client.get(f"{API}/referrals?status=referred&centre={world.centre_a}", headers=token)
    assert listing.status_code == 200
    assert [r["id"] for r in listing.json()["referrals"]] == [made["id"]]
    assert listing.json()["next"] is None
    assert client.get(f"{API}/referrals/{made['id']}", headers=token).json() == made
    # the employer of the vacancy sees it and records the hire
    employer = bearer(site.token("employer.1"))
    assert [
        r["id"] for r in client.get(f"{API}/referrals", headers=employer).json()["referrals"]
    ] == [made["id"]]
    hired = client.post(
        f"{API}/referrals/{made['id']}/outcome",
        headers=employer,
        json={"version": made["version"], "outcome": "hired"},
    )
    assert hired.status_code == 200, hired.text
    assert (
        hired.json()["status"] == "hired" and hired.json()["outcome_by"] == world.employer_1.user_id
    )
    vacancy = client.get(f"{API}/vacancies/{matched.vacancy.id}", headers=token).json()
    assert (vacancy["filled"], vacancy["status"]) == (1, "filled")
    assert (
        client.get(f"{API}/seekers/{matched.best.id}", headers=token).json()["status"] == "placed"
    )
    second = client.post(
        f"{API}/referrals/{made['id']}/outcome",
        headers=employer,
        json={"version": 2, "outcome": "withdrawn"},
    )
    assert second.status_code == 409 and "has its outcome already" in second.json()["detail"]
    rows = [
        (e.action, e.interface, e.user_id, e.outcome)
        for e in audit.entries(world.registry, world.admin, kind="referral")
    ]
    a, e1 = world.officer_a.user_id, world.employer_1.user_id
    assert rows == [
        ("referral.create", "api", a, "ok"),
        ("referral.create", "api", a, "conflict"),
        ("referral.list", "api", a, "ok"),
        ("referral.read", "api", a, "ok"),
        ("referral.list", "api", e1, "ok"),
        ("referral.outcome", "api", e1, "ok"),
        ("referral.outcome", "api", e1, "conflict"),
    ]


def test_referral_refusals_are_json_errors(site: Site, matched: Matched) -> None:
    world = site.world
    made = referrals.refer(world.registry, world.officer_a, matched.best.id, matched.vacancy.id)
    body = {"seeker": matched.sibling.id, "vacancy": matched.vacancy.id}
    assert site.client().post(f"{API}/referrals", json=body).status_code == 401
    assert site.client().get(f"{API}/referrals").status_code == 401
    assert call(site, "employer.1", "POST", "/referrals", json=body).status_code == 403
    assert call(site, "analyst", "GET", "/referrals").status_code == 403
    assert call(site, "officer.b", "POST", "/referrals", json=body).status_code == 404
    for wrong, parameter in (
        ({"score": 2}, "score"),
        ({"source": "rumour"}, "source"),
        ({"seeker": 0}, "seeker"),
        ({"colour": "red"}, "colour"),
    ):
        bad = call(site, "officer.a", "POST", "/referrals", json={**body, **wrong})
        assert bad.status_code == 422, wrong
        assert bad.json()["parameter"] == parameter, (wrong, bad.json())
    # another employer sees none of them, and cannot read or decide this one
    assert call(site, "employer.2", "GET", "/referrals").json()["referrals"] == []
    assert (
        call(site, "employer.2", "GET", f"/referrals?vacancy={matched.vacancy.id}").json()[
            "referrals"
        ]
        == []
    )
    hidden = call(site, "employer.2", "GET", f"/referrals/{made.id}")
    assert hidden.status_code == 404 and hidden.json()["detail"] == f"no referral {made.id}"
    decided = call(
        site,
        "employer.2",
        "POST",
        f"/referrals/{made.id}/outcome",
        json={"version": 1, "outcome": "hired"},
    )
    assert decided.status_code == 404
    assert call(site, "officer.b", "GET", f"/referrals/{made.id}").status_code == 404
    outcome = f"/referrals/{made.id}/outcome"
    unknown = call(site, "officer.a", "POST", outcome, json={"version": 1, "outcome": "promoted"})
    assert unknown.status_code == 422
    assert unknown.json()["parameter"] == "outcome"
    assert unknown.json()["expected"] == "hired, not selected, did not attend, withdrawn"
    missing = call(site, "officer.a", "POST", outcome, json={"outcome": "hired"})
    assert missing.status_code == 422 and missing.json()["parameter"] == "version"
    future = call(
        site,
        "officer.a",
        "POST",
        outcome,
        json={"version": 1, "outcome": "hired", "on": "2999-01-01"},
    )
    assert future.status_code == 422 and future.json()["parameter"] == "on"
    stale = call(site, "officer.a", "POST", outcome, json={"version": 5, "outcome": "hired"})
    assert stale.status_code == 409 and stale.json()["parameter"] == "version"
    for query in ("status=lost", "limit=0", "limit=501", "offset=-1", "centre=x"):
        assert call(site, "officer.a", "GET", f"/referrals?{query}").status_code == 422, query
    assert referrals.read_referral(world.registry, world.admin, made.id).status == "referred"
    seen = [
        (e.user_id, e.outcome)
        for e in audit.entries(world.registry, world.admin, action="referral.read")
    ]
    assert (world.employer_2.user_id, "not found") in seen


def test_the_matching_api_is_in_the_openapi_page(site: Site) -> None:
    paths = site.client().get("/api/openapi.json").json()["paths"]
    for path in (
        "/vacancies/{vacancy_id}/candidates",
        "/seekers/{seeker_id}/vacancies",
        "/referrals",
        "/referrals/{referral_id}",
        "/referrals/{referral_id}/outcome",
    ):
        assert API + path in paths, path


def test_no_personal_value_reaches_the_logs_when_matching_and_referring(
    site: Site, matched: Matched, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy")
    token = bearer(site.token("officer.a"))
    client = site.client()
    client.get(f"{API}/vacancies/{matched.vacancy.id}/candidates", headers=token)
    client.get(f"{API}/seekers/{matched.best.id}/vacancies", headers=token)
    made = client.post(
        f"{API}/referrals",
        headers=token,
        json={"seeker": matched.best.id, "vacancy": matched.vacancy.id},
    ).json()
    client.get(f"{API}/referrals", headers=token)
    browser = logged_in(site, "officer.a")  # and through the pages
    for path in (
        f"/pes/vacancies/{matched.vacancy.id}/candidates",
        f"/pes/seekers/{matched.sibling.id}/vacancies",
        "/pes/referrals",
        f"/pes/referrals/{made['id']}",
    ):
        assert browser.get(path).status_code == 200, path
    hired = client.post(
        f"{API}/referrals/{made['id']}/outcome",
        headers=token,
        json={"version": 1, "outcome": "hired"},
    )
    assert hired.status_code == 200
    text = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert "sqlalchemy.engine" in text
    record = matched.best
    assert made["seeker_name"] == f"{record.given_names} {record.family_name}"
    personal = [
        record.family_name,
        record.given_names,
        record.national_id,
        record.phone,
        record.email,
    ]
    assert not [value for value in personal if value and value in text]

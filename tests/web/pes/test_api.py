"""The PES JSON API: registering (201), refusals with the error family's status and fields
(each field's problem, likely duplicates with their candidates, never a value given), changes
once per version, searches by name in a POST body, exports and erasure, vacancies, suggested
codes, counts, the audit log, and its documentation in the OpenAPI page."""

from __future__ import annotations

from typing import Any

import pytest

from decentwork.pes import seekers
from tests.web.pes.conftest import Site, bearer, seeker_data, vacancy_data

API = "/api/v1/pes"


def call(site: Site, username: str, method: str, path: str, **options: Any) -> Any:
    """An API request of ``username``'s (a new token): the response."""
    headers = {**bearer(site.token(username)), **options.pop("headers", {})}
    return site.client().request(method, API + path, headers=headers, **options)


def test_a_seeker_is_registered_read_and_changed_once_per_version(site: Site) -> None:
    world = site.world
    created = call(site, "officer.a", "POST", "/seekers", json=seeker_data(centre=world.centre_a))
    assert created.status_code == 201
    record = created.json()
    assert record["given_names"] == "សុភា" and record["version"] == 1
    assert record["occupations"][0]["confirmed_by"] == world.officer_a.user_id
    token = site.token("officer.a")
    client = site.client()
    read = client.get(f"{API}/seekers/{record['id']}", headers=bearer(token))
    assert read.json() == record
    changed = client.patch(
        f"{API}/seekers/{record['id']}",
        headers=bearer(token),
        json={"version": 1, "changes": {"phone": "012 222 333"}},
    )
    assert changed.status_code == 200 and changed.json()["version"] == 2
    stale = client.patch(
        f"{API}/seekers/{record['id']}",
        headers=bearer(token),
        json={"version": 1, "changes": {"phone": "012 444 555"}},
    )
    assert stale.status_code == 409
    assert stale.json() == {
        "detail": f"seeker {record['id']} was changed by someone else after version 1 was read "
        "(it is at version 2 now)",
        "parameter": "version",
        "given": "1",
        "expected": "2",
        "hint": f"read seeker {record['id']} again and make the change on it",
    }
    assert seekers.read(world.registry, world.admin, record["id"]).phone == "012 222 333"


def test_a_refused_record_names_each_field_and_never_repeats_a_value(site: Site) -> None:
    world = site.world
    data = seeker_data(
        centre=world.centre_a,
        area="KH-99",
        phone="not a phone 5551234",
        national_id="1",
        occupations=[{"isco": "753", "text": "tailor"}],
    )
    answer = call(site, "officer.a", "POST", "/seekers", json=data)
    assert answer.status_code == 422
    body = answer.json()
    fields = [p["field"] for p in body["problems"]]
    assert fields == ["national_id", "phone", "area", "occupations[0].isco"]
    assert body["parameter"] == "national_id"
    assert "5551234" not in answer.text and "not a phone" not in answer.text
    shapeless = call(
        site, "officer.a", "POST", "/seekers", json={**seeker_data(centre="A"), "nickname": "Dee"}
    )
    assert shapeless.status_code == 422
    problems = {p["field"]: p["message"] for p in shapeless.json()["problems"]}
    assert "centre" in problems and problems["nickname"] == "unknown field"
    assert "Dee" not in shapeless.text
    for body in ("[1, 2]", "{not json"):
        answer = call(
            site,
            "officer.a",
            "POST",
            "/seekers",
            content=body,
            headers={"Content-Type": "application/json"},
        )
        assert answer.status_code == 422
        assert answer.json()["detail"] == "the request body is not a JSON object"
    # FastAPI's checks of the other bodies answer alike
    change = call(site, "officer.a", "PATCH", "/seekers/1", json={"changes": {}})
    assert change.status_code == 422
    assert change.json()["problems"] == [{"field": "version", "message": "required"}]
    assert seekers.search(world.registry, world.admin) == []


def test_a_likely_duplicate_is_answered_with_its_candidates(site: Site) -> None:
    world = site.world
    first = seekers.register(world.registry, world.officer_a, seeker_data(centre=world.centre_a))
    similar = seeker_data(centre=world.centre_a, national_id=None, family_name="ចន់")
    answer = call(site, "officer.a", "POST", "/seekers", json=similar)
    assert answer.status_code == 409
    body = answer.json()
    assert body["confirmable"] is True and body["parameter"] == "confirm_not_duplicate"
    [candidate] = body["candidates"]
    assert candidate["seeker"] == first.id and candidate["reason"].startswith("same date")
    confirmed = call(site, "officer.a", "POST", "/seekers?confirm_not_duplicate=true", json=similar)
    assert confirmed.status_code == 201
    same_id = call(
        site,
        "officer.b",
        "POST",
        "/seekers",
        json=seeker_data(centre=world.centre_b, given_names="Dara"),
    )
    assert same_id.status_code == 409
    assert same_id.json()["confirmable"] is False
    assert same_id.json()["candidates"] == [
        {"seeker": None, "centre": world.centre_a, "reason": "same national ID", "similarity": None}
    ]


def test_seekers_are_searched_by_name_in_the_body_and_listed_by_page(site: Site) -> None:
    world = site.world
    record = seekers.register(world.registry, world.officer_a, seeker_data(centre=world.centre_a))
    for day in range(1, 4):
        seekers.register(
            world.registry,
            world.officer_a,
            seeker_data(
                centre=world.centre_a,
                national_id=None,
                given_names=f"Dara {day}",
                family_name="Keo",
                birth_date=f"1990-02-0{day}",
            ),
        )
    found = call(site, "officer.a", "POST", "/seekers/search", json={"name": "សុភា ចាន់"})
    assert [s["id"] for s in found.json()["seekers"]] == [record.id]
    page = call(site, "officer.a", "GET", "/seekers?limit=2&area=KH-12")
    assert len(page.json()["seekers"]) == 2 and page.json()["next"] == 2
    last = call(site, "officer.a", "GET", "/seekers?limit=2&offset=2")
    assert len(last.json()["seekers"]) == 2 and last.json()["next"] == 2 + 2
    # a name is never a query parameter
    assert call(site, "officer.a", "GET", "/seekers?name=Keo").status_code == 422
    bad = call(site, "officer.a", "POST", "/seekers/search", json={"occupation": "cook"})
    assert bad.status_code == 422 and bad.json()["parameter"] == "occupation"


def test_export_and_erasure_through_the_api(site: Site) -> None:
    world = site.world
    record = seekers.register(world.registry, world.officer_a, seeker_data(centre=world.centre_a))
    exported = call(site, "officer.a", "GET", f"/seekers/{record.id}/export")
    assert exported.status_code == 200
    assert exported.json()["seeker"]["national_id"] == "010203040"
    refused = call(site, "officer.a", "POST", f"/seekers/{record.id}/erasure")
    assert refused.status_code == 403
    erased = call(site, "admin", "POST", f"/seekers/{record.id}/erasure")
    assert erased.status_code == 200
    assert erased.json()["status"] == "erased" and erased.json()["given_names"] == ""
    again = call(site, "admin", "POST", f"/seekers/{record.id}/erasure")
    assert again.status_code == 409


def test_vacancies_through_the_api(site: Site) -> None:
    world = site.world
    posted = call(
        site,
        "employer.1",
        "POST",
        "/vacancies",
        json=vacancy_data(world.employer_1_id, world.centre_a),
    )
    assert posted.status_code == 201
    vacancy = posted.json()
    assert vacancy["employer"] == world.employer_1_id and vacancy["created_by"] == (
        world.employer_1.user_id
    )
    changed = call(
        site,
        "employer.1",
        "PATCH",
        f"/vacancies/{vacancy['id']}",
        json={"version": 1, "changes": {"status": "filled"}},
    )
    assert changed.json()["status"] == "filled"
    listed = call(site, "officer.a", "GET", "/vacancies?status=filled")
    assert [v["id"] for v in listed.json()["vacancies"]] == [vacancy["id"]]
    assert call(site, "employer.1", "GET", "/me").json() == {
        "user_id": world.employer_1.user_id,
        "username": "employer.1",
        "role": "employer",
        "centres": [],
        "employer": world.employer_1_id,
    }
    assert [c["code"] for c in call(site, "employer.1", "GET", "/centres").json()] == ["PNH", "REP"]


def test_codes_are_suggested_for_a_title(site: Site) -> None:
    answer = call(site, "employer.1", "GET", "/occupations?text=tailor&k=1")
    assert answer.json() == [
        {"code": "7531", "title": "Tailors, Dressmakers, Furriers and Hatters", "confidence": 0.82}
    ]
    empty = call(site, "employer.1", "GET", "/occupations?text=%20")
    assert empty.status_code == 422 and "empty" in empty.json()["detail"]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (
            "/counts/vacancies?by=isco&by=status",
            [{"isco": "8153", "status": "open", "vacancies": 1, "openings": 20}],
        ),
        ("/counts/seekers", []),
    ],
)
def test_counts_through_the_api(site: Site, path: str, expected: list[Any]) -> None:
    world = site.world
    call(
        site, "admin", "POST", "/vacancies", json=vacancy_data(world.employer_1_id, world.centre_a)
    )
    assert call(site, "analyst", "GET", path).json() == expected
    unknown = call(site, "analyst", "GET", "/counts/seekers?by=given_names")
    assert unknown.status_code == 422 and unknown.json()["parameter"] == "by"


def test_the_api_is_documented_in_the_openapi_page(site: Site) -> None:
    schema = site.client().get("/api/openapi.json").json()
    pes = {path: operations for path, operations in schema["paths"].items() if path.startswith(API)}
    assert {
        f"{API}/seekers",
        f"{API}/seekers/search",
        f"{API}/seekers/{{seeker_id}}",
        f"{API}/seekers/{{seeker_id}}/export",
        f"{API}/vacancies",
        f"{API}/audit",
        f"{API}/tokens/{{token_id}}",
    } <= set(pes)
    for operations in pes.values():
        for operation in operations.values():
            assert operation["tags"] == ["PES"]
            assert operation["security"] == [{"PES API token": []}]
    assert schema["components"]["securitySchemes"]["PES API token"]["scheme"] == "bearer"
    body = pes[f"{API}/seekers"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"]["properties"]["consent"]["required"] == ["purpose", "given_at"]
    assert not any(path.startswith("/pes") for path in schema["paths"])  # pages are not API

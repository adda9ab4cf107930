"""The seeker pages: registering with an occupation typed in free text and coded by picking one
of the coder's suggestions, errors summarised and tied to their fields, likely duplicates shown
and confirmed explicitly, searching by a Khmer name, editing once per version (a stale save is
refused and writes nothing), a person's export and erasure (after a confirmation), and pages
that are never stored by a cache."""

from __future__ import annotations

import json
import re
from typing import Any

from decentwork.pes import seekers
from decentwork.pes.access import Interface
from tests.web.pes.conftest import Site, csrf, logged_in, post_form, seeker_data


def form_data(site: Site, **changes: str) -> dict[str, Any]:
    """The registration form filled in for a seeker with a Khmer name at centre A."""
    data = {
        "action": "save",
        "centre": str(site.world.centre_a),
        "family_name": "ចាន់",
        "given_names": "សុភា",
        "national_id": "0102 030 40",
        "birth_date": "1998-04-12",
        "sex": "F",
        "disability": "no",
        "phone": "+855 12 345 678",
        "area": "KH-12",
        "education": "3",
        "languages": "km en",
        "consent_purpose": "registration",
        "consent_date": "2025-11-02",
        "status": "active",
        "occupation-0-text": "ជាងកាត់ដេរ (tailor)",
        "occupation-0-code": "7531",
    }
    data.update(changes)
    return data


def test_an_occupation_typed_in_words_is_coded_by_picking_a_suggestion(site: Site) -> None:
    client = logged_in(site, "officer.a")
    asked = post_form(client, "/pes/seekers/new", {**form_data(site), "action": "suggest-0"})
    assert asked.status_code == 200
    assert site.suggester.asked == ["ជាងកាត់ដេរ (tailor)"]
    assert re.search(
        r'type="radio" id="occupation-0-pick-1" name="occupation-0-pick" '
        r'value="7531"[^>]* autofocus',
        asked.text,
    )
    assert "Tailors, Dressmakers, Furriers and Hatters" in asked.text
    assert 'value="សុភា"' in asked.text  # what was typed is kept
    saved = client.post(
        "/pes/seekers/new",
        data={
            **form_data(site),
            "occupation-0-code": "",
            "occupation-0-pick": "7531",
            "csrf": csrf(asked),
        },
    )
    assert saved.status_code == 303
    seeker_id = int(saved.headers["location"].split("/")[-1].split("?")[0])
    record = seekers.read(site.world.registry, site.world.admin, seeker_id)
    [wanted] = record.occupations
    assert (wanted.isco, wanted.text) == ("7531", "ជាងកាត់ដេរ (tailor)")
    assert wanted.confirmed_by == site.world.officer_a.user_id
    assert record.national_id == "010203040" and record.languages == ["km", "en"]
    page = client.get(saved.headers["location"])
    assert "The job seeker is registered." in page.text
    assert "ចាន់ សុភា" in page.text and "7531" in page.text


def test_a_code_can_be_typed_and_an_empty_text_gets_no_suggestion(site: Site) -> None:
    client = logged_in(site, "officer.a")
    empty = post_form(
        client,
        "/pes/seekers/new",
        {**form_data(site), "occupation-0-text": "", "action": "suggest-0"},
    )
    assert empty.status_code == 200
    assert "text 1: empty" in empty.text
    saved = post_form(client, "/pes/seekers/new", {**form_data(site), "occupation-0-code": "8153"})
    assert saved.status_code == 303


def test_errors_are_summarised_and_tied_to_their_fields(site: Site) -> None:
    client = logged_in(site, "officer.a")
    answer = post_form(
        client,
        "/pes/seekers/new",
        {
            **form_data(site),
            "given_names": "",
            "area": "KH-99",
            "birth_date": "1998-13-01",
            "occupation-0-text": "tailor",
            "occupation-0-code": "",
            "occupation-1-code": "753",
        },
    )
    assert answer.status_code == 422
    summary = answer.text[answer.text.index('id="error-summary"') :]
    summary = summary[: summary.index("</div>")]
    for target in ("given_names", "area", "birth_date", "occupation-0-code", "occupation-1-code"):
        assert f'href="#{target}"' in summary, target
        assert re.search(
            rf'id="{target}"[^>]*aria-describedby="[^"]*{target}-error"', answer.text
        ), target
        assert re.search(rf'id="{target}"[^>]*aria-invalid="true"', answer.text), target
    assert "not a date" in summary and "753 is a minor group" in summary
    assert "Occupation 1" in answer.text and "Occupation 2" in answer.text
    assert seekers.search(site.world.registry, site.world.admin) == []


def test_a_likely_duplicate_is_shown_and_registered_only_when_confirmed(site: Site) -> None:
    world = site.world
    first = seekers.register(world.registry, world.officer_b, seeker_data(centre=world.centre_b))
    client = logged_in(site, "officer.a")
    similar = form_data(site, national_id="", given_names="សុភា", family_name="ចន់")
    answer = post_form(client, "/pes/seekers/new", similar)
    assert answer.status_code == 409
    assert "This person may be registered already" in answer.text
    assert "A job seeker of REP Siem Reap job centre" in answer.text  # another centre's: no id
    assert f"/pes/seekers/{first.id}" not in answer.text
    assert 'name="confirm_not_duplicate"' in answer.text
    assert len(seekers.search(world.registry, world.admin)) == 1
    confirmed = client.post(
        "/pes/seekers/new", data={**similar, "confirm_not_duplicate": "yes", "csrf": csrf(answer)}
    )
    assert confirmed.status_code == 303
    assert len(seekers.search(world.registry, world.admin)) == 2
    # the same national ID is refused outright, and the administrator is shown which record
    admin = logged_in(site, "admin")
    same = post_form(
        admin, "/pes/seekers/new", form_data(site, national_id="010203040", given_names="Dara")
    )
    assert same.status_code == 409
    assert f'href="/pes/seekers/{first.id}"' in same.text
    assert "A national ID is registered once" in same.text
    assert 'name="confirm_not_duplicate"' not in same.text


def test_a_khmer_name_finds_the_seeker_and_stays_out_of_addresses(site: Site) -> None:
    world = site.world
    record = seekers.register(world.registry, world.officer_a, seeker_data(centre=world.centre_a))
    seekers.register(
        world.registry,
        world.officer_a,
        seeker_data(centre=world.centre_a, national_id=None, family_name="Keo", given_names="Dara"),
    )
    client = logged_in(site, "officer.a")
    found = post_form(client, "/pes/seekers", {"name": "សុភា"})
    assert found.status_code == 200
    assert f'href="/pes/seekers/{record.id}"' in found.text and "Dara" not in found.text
    assert 'method="post" action="/pes/seekers"' in found.text
    by_id = post_form(client, "/pes/seekers", {"national_id": "0102-030-40"})
    assert f'href="/pes/seekers/{record.id}"' in by_id.text
    bad = post_form(client, "/pes/seekers", {"occupation": "tailor"})
    assert bad.status_code == 422 and 'href="#occupation"' in bad.text


def test_the_list_pages_through_the_seekers(site: Site) -> None:
    world = site.world
    for day in range(1, 56):
        seekers.register(
            world.registry,
            world.officer_a,
            seeker_data(
                centre=world.centre_a,
                national_id=None,
                given_names=f"Person {day:02}",
                birth_date=f"1990-01-{day % 28 + 1:02}",
                family_name=f"F{day:02}",
            ),
        )
    client = logged_in(site, "officer.a")
    first = client.get("/pes/seekers")
    assert (
        first.text.count('href="/pes/seekers/') - first.text.count('href="/pes/seekers/new"') == 50
    )
    assert 'name="offset" value="50"' in first.text
    second = post_form(client, "/pes/seekers", {"offset": "50"})
    assert second.text.count('<th scope="row">') == 5
    assert 'name="offset" value="0"' in second.text


def test_two_officers_editing_one_seeker_cannot_overwrite_each_other(site: Site) -> None:
    world = site.world
    record = seekers.register(world.registry, world.officer_a, seeker_data(centre=world.centre_a))
    both = logged_in(site, "admin"), logged_in(site, "officer.a")
    forms = [client.get(f"/pes/seekers/{record.id}/edit") for client in both]
    assert all('name="version" value="1"' in form.text for form in forms)
    path = f"/pes/seekers/{record.id}/edit"
    fields = {
        "action": "save",
        "version": "1",
        "centre": str(world.centre_a),
        "family_name": "ចាន់",
        "given_names": "សុភា",
        "national_id": "010203040",
        "birth_date": "1998-04-12",
        "sex": "F",
        "disability": "no",
        "phone": "+855 12 345 678",
        "email": "sophea@example.org",
        "address": "Street 271, Tuol Kork",
        "area": "KH-12",
        "education": "3",
        "languages": "km en",
        "skills": seeker_data()["skills"][0],
        "available_from": "2026-01-05",
        "expected_wage": "250.00",
        "wage_currency": "USD",
        "wage_period": "month",
        "consent_purpose": "registration and referral to vacancies",
        "consent_date": "2025-11-02",
        "registered_on": record.registered_on.isoformat(),
        "status": "active",
        "occupation-0-text": "ជាងកាត់ដេរ (tailor)",
        "occupation-0-code": "7531",
    }
    first = both[0].post(path, data={**fields, "phone": "012 111 111", "csrf": csrf(forms[0])})
    assert first.status_code == 303
    second = both[1].post(path, data={**fields, "email": "new@example.org", "csrf": csrf(forms[1])})
    assert second.status_code == 409
    assert "was changed by someone else after version 1 was read" in second.text
    now = seekers.read(world.registry, world.admin, record.id)
    assert (now.version, now.phone, now.email) == (2, "012 111 111", "sophea@example.org")
    # only the field changed was written: the occupation keeps who confirmed it
    assert now.occupations == record.occupations
    assert now.consent_at == record.consent_at


def test_an_erasure_needs_a_confirmation(site: Site) -> None:
    world = site.world
    record = seekers.register(world.registry, world.officer_a, seeker_data(centre=world.centre_a))
    admin = logged_in(site, "admin")
    ask = admin.get(f"/pes/seekers/{record.id}/erase")
    assert ask.status_code == 200 and "ចាន់ សុភា" in ask.text
    unconfirmed = admin.post(f"/pes/seekers/{record.id}/erase", data={"csrf": csrf(ask)})
    assert unconfirmed.status_code == 422 and 'href="#confirm"' in unconfirmed.text
    assert seekers.read(world.registry, world.admin, record.id).status == "active"
    erased = admin.post(
        f"/pes/seekers/{record.id}/erase", data={"csrf": csrf(ask), "confirm": "yes"}
    )
    assert erased.status_code == 303
    page = admin.get(erased.headers["location"])
    assert "The person's personal data are erased." in page.text
    assert "ចាន់" not in page.text and "(erased)" in page.text
    assert f"/pes/seekers/{record.id}/edit" not in page.text
    after = seekers.read(world.registry, world.admin, record.id)
    assert (after.status, after.given_names, after.national_id) == ("erased", "", None)


def test_a_persons_export_is_a_json_download_of_everything_held(site: Site) -> None:
    world = site.world
    record = seekers.register(
        world.registry, world.actor("admin", Interface.CLI), seeker_data(centre=world.centre_a)
    )
    client = logged_in(site, "officer.a")
    client.get(f"/pes/seekers/{record.id}")
    answer = client.get(f"/pes/seekers/{record.id}/export")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["content-disposition"] == (
        f'attachment; filename="seeker-{record.id}.json"'
    )
    exported = json.loads(answer.content)
    assert exported["seeker"]["given_names"] == "សុភា"
    assert exported["job_centre"]["code"] == "PNH"
    assert [(e["action"], e["interface"]) for e in exported["audit_log"]] == [
        ("seeker.create", "cli"),
        ("seeker.read", "web"),
    ]  # the export itself is logged after


def test_pages_are_never_stored_nor_replayed_by_a_cache(site: Site) -> None:
    world = site.world
    record = seekers.register(world.registry, world.officer_a, seeker_data(centre=world.centre_a))
    officer = logged_in(site, "officer.a")
    for path in (
        f"/pes/seekers/{record.id}",
        "/pes/seekers",
        f"/pes/seekers/{record.id}/export",
        "/pes/login",
        "/pes/static/pes.css",
    ):
        answer = officer.get(path)
        assert answer.status_code == 200, path
        assert "x-cache" not in answer.headers, path
        if "static" not in path:
            assert answer.headers["cache-control"] == "no-store", path
            assert "etag" not in answer.headers, path
        assert "script-src 'self'" in answer.headers["content-security-policy"]
        assert answer.headers["x-frame-options"] == "DENY"
    for stranger in (site.client(), logged_in(site, "officer.b")):
        again = stranger.get(f"/pes/seekers/{record.id}")
        assert again.status_code in (303, 404)
        assert "ចាន់" not in again.text
    # the dashboard's own pages keep their cache
    assert officer.get("/").headers["cache-control"] == "no-cache"

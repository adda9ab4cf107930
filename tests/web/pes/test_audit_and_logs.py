"""The audit log through the web: every read and change made through the pages and the API is
in it (as done through ``web`` or ``api``); an administrator queries it on its page and
downloads it as CSV. And no personal value ever reaches the server's logs."""

from __future__ import annotations

import csv
import io
import logging

import pytest

from decentwork.pes import audit, seekers
from tests.web.pes.conftest import (
    Site,
    bearer,
    logged_in,
    post_form,
    seeker_data,
)


def test_reads_and_changes_through_the_web_and_the_api_are_audited(site: Site) -> None:
    world = site.world
    record = seekers.register(world.registry, world.officer_a, seeker_data(centre=world.centre_a))
    browser = logged_in(site, "officer.a")
    browser.get(f"/pes/seekers/{record.id}")
    post_form(browser, "/pes/seekers", {"name": "សុភា"}, page="/pes/tokens")
    browser.get(f"/pes/seekers/{record.id}/export")
    logged_in(site, "officer.b").get(f"/pes/seekers/{record.id}")  # another centre's officer
    api = site.client()
    token = bearer(site.token("officer.a"))
    api.get(f"/api/v1/pes/seekers/{record.id}", headers=token)
    api.patch(
        f"/api/v1/pes/seekers/{record.id}",
        headers=token,
        json={"version": 1, "changes": {"phone": "012 222 333", "email": None}},
    )
    rows = [
        (e.user_id, e.interface, e.action, e.record_id, e.outcome, e.detail)
        for e in audit.entries(world.registry, world.admin, kind="seeker")
        if e.action != "seeker.create"
    ]
    a, b = world.officer_a.user_id, world.officer_b.user_id
    assert rows == [
        (a, "web", "seeker.read", record.id, "ok", ""),
        (a, "web", "seeker.list", None, "ok", "1 results; filters: name"),
        (a, "web", "seeker.export", record.id, "ok", ""),
        (b, "web", "seeker.read", record.id, "not found", ""),
        (a, "api", "seeker.read", record.id, "ok", ""),
        (a, "api", "seeker.update", record.id, "ok", "fields: email, phone"),
    ]
    logins = audit.entries(world.registry, world.admin, action="login")
    assert [(e.user_id, e.interface, e.outcome) for e in logins] == [
        (a, "web", "ok"),
        (b, "web", "ok"),
    ]


def test_an_edit_through_the_page_logs_the_fields_it_changed(site: Site) -> None:
    world = site.world
    record = seekers.register(world.registry, world.officer_a, seeker_data(centre=world.centre_a))
    browser = logged_in(site, "officer.a")
    form = browser.get(f"/pes/seekers/{record.id}/edit")
    assert form.status_code == 200
    saved = post_form(
        browser,
        f"/pes/seekers/{record.id}/edit",
        {"version": "1", "phone": "", "address": "Street 63", "action": "save"},
    )
    assert saved.status_code == 303
    [entry] = audit.entries(world.registry, world.admin, action="seeker.update")
    assert (entry.interface, entry.detail) == ("web", "fields: address, phone")


def test_the_audit_log_page_filters_and_exports(site: Site) -> None:
    world = site.world
    record = seekers.register(world.registry, world.officer_a, seeker_data(centre=world.centre_a))
    logged_in(site, "officer.a").get(f"/pes/seekers/{record.id}")
    admin = logged_in(site, "admin")
    page = admin.get(f"/pes/audit?kind=seeker&record={record.id}&user=officer.a")
    assert page.status_code == 200
    assert f'href="/pes/seekers/{record.id}">seeker {record.id}</a>' in page.text
    assert "seeker.read" in page.text and "seeker.create" in page.text
    assert "ចាន់" not in page.text  # ids, never names
    export = admin.get(f"/pes/audit/export?kind=seeker&record={record.id}")
    assert export.headers["content-type"] == "text/csv; charset=utf-8"
    assert export.headers["content-disposition"] == 'attachment; filename="audit-log.csv"'
    rows = list(csv.DictReader(io.StringIO(export.text)))
    assert [(r["action"], r["interface"]) for r in rows] == [
        ("seeker.create", "web"),
        ("seeker.read", "web"),
    ]
    for query, target in (
        ("since=yesterday", "since"),
        ("record=x", "record"),
        ("user=nobody", "user"),
    ):
        bad = admin.get(f"/pes/audit?{query}")
        assert bad.status_code == 422, query
        assert f'href="#{target}"' in bad.text, query
    # the administrator's queries are audited too
    assert audit.entries(world.registry, world.admin, action="audit.read")[-1].interface == "web"


def test_no_personal_value_reaches_the_servers_logs(
    site: Site, caplog: pytest.LogCaptureFixture
) -> None:
    world = site.world
    caplog.set_level(logging.DEBUG)  # every logger: uvicorn's, decentwork's...
    # ...and SQLAlchemy's statements (WARN unless set; at DEBUG it would log result rows)
    caplog.set_level(logging.INFO, logger="sqlalchemy")
    data = seeker_data(centre=world.centre_a)
    personal = [
        data["family_name"],
        data["given_names"],
        data["national_id"],
        data["phone"],
        data["email"],
        data["address"],
        data["birth_date"],
        "Dara",
        "Keo",
    ]
    browser = logged_in(site, "officer.a")
    created = (
        site.client()
        .post("/api/v1/pes/seekers", json=data, headers=bearer(site.token("officer.a")))
        .json()
    )
    post_form(browser, "/pes/seekers", {"name": data["given_names"]})
    post_form(browser, "/pes/seekers", {"national_id": data["national_id"]})
    browser.get(f"/pes/seekers/{created['id']}")
    browser.get(f"/pes/seekers/{created['id']}/export")
    refused = post_form(
        browser,
        "/pes/seekers/new",
        {
            "centre": str(world.centre_a),
            "given_names": "Dara",
            "family_name": "Keo",
            "birth_date": "1799-01-01",
            "sex": "M",
            "area": "KH-12",
            "action": "save",
        },
    )
    assert refused.status_code == 422
    duplicate = site.client().post(
        "/api/v1/pes/seekers", json=data, headers=bearer(site.token("officer.a"))
    )
    assert duplicate.status_code == 409
    text = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert "sqlalchemy.engine" in text  # the statements were logged...
    assert not [value for value in personal if value in text]  # ...never their values

"""Installing the PES on the dashboard's application: refused without a PES database (nothing
created); PES addresses handed to the PES application, the dashboard's left alone; its static
files, error answers and security headers."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from decentwork.pes.database import NoPesDatabase
from decentwork.web.app import create_app
from decentwork.web.pes import install
from decentwork.web.pes.application import is_pes
from tests.web.pes.conftest import Site, bearer, logged_in, post_form


def test_without_a_pes_database_nothing_is_installed_or_created(
    tmp_path: Path, warehouse_url: str
) -> None:
    app = create_app(warehouse_url, cache_bytes=0)
    with pytest.raises(NoPesDatabase, match="no PES database at"):
        install(app, f"sqlite:///{tmp_path}/pes.sqlite")
    assert list(tmp_path.iterdir()) == []
    with TestClient(app) as client:
        assert client.get("/pes/login").status_code == 404


@pytest.mark.parametrize(
    ("path", "pes"),
    [
        ("/pes", True),
        ("/pes/", True),
        ("/pes/seekers/3", True),
        ("/api/v1/pes", True),
        ("/api/v1/pes/seekers", True),
        ("/pesky", False),
        ("/api/v1/pesos", False),
        ("/api/v1/observations", False),
        ("/", False),
        ("/static/style.css", False),
    ],
)
def test_which_addresses_are_the_pes(path: str, pes: bool) -> None:
    assert is_pes(path) is pes


def test_the_dashboard_is_left_alone(site: Site) -> None:
    client = logged_in(site, "admin")
    home = client.get("/")
    assert home.status_code == 200
    assert "etag" in home.headers and home.headers["cache-control"] != "no-store"
    assert client.get("/api/v1/releases").status_code == 200
    assert client.get("/api/docs").status_code == 200


def test_static_files_errors_and_headers(site: Site) -> None:
    client = site.client()
    script = client.get("/pes/static/pes.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert "cache-control" not in script.headers
    assert client.get("/pes/static/pes.css").headers["content-type"].startswith("text/css")
    missing = logged_in(site, "admin").get("/pes/no-such-page")
    assert missing.status_code == 404 and missing.headers["cache-control"] == "no-store"
    assert "<h1>Not found (404)</h1>" in missing.text
    api = client.get("/api/v1/pes/no-such-thing")
    assert api.status_code == 404 and api.json() == {"detail": "Not Found"}
    wrong = client.delete("/api/v1/pes/me")
    assert wrong.status_code == 405
    for answer in (missing, api, script):
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    unknown_language = logged_in(site, "admin").get("/pes/seekers?lang=xx")
    assert unknown_language.status_code == 422
    assert "lang &#39;xx&#39;: expected one of en, zh, fr, es, km, lo" in unknown_language.text


HUGE = "99999999999999999999999"


@pytest.mark.parametrize(
    "path",
    [
        f"/pes/seekers/{HUGE}",
        f"/pes/seekers?offset={HUGE}",
        "/pes/seekers?centre=%C2%B2",
        f"/pes/vacancies?employer={HUGE}",
        f"/pes/audit?record={HUGE}",
        "/pes/seekers/0",
        f"/api/v1/pes/seekers/{HUGE}",
        f"/api/v1/pes/seekers?offset={HUGE}",
        f"/api/v1/pes/vacancies?centre={HUGE}",
        f"/api/v1/pes/audit?record={HUGE}",
        "/api/v1/pes/seekers/x",
    ],
)
def test_numbers_no_database_holds_are_bad_input(site: Site, path: str) -> None:
    browser = logged_in(site, "admin")
    answer = (
        site.client().get(path, headers=bearer(site.token("admin")))
        if path.startswith("/api/")
        else browser.get(path)
    )
    assert answer.status_code == 422, answer.text


def test_a_form_asking_for_suggestions_of_no_row_is_not_an_error_of_the_server(site: Site) -> None:
    browser = logged_in(site, "officer.a")
    for action in ("suggest-x", "suggest-99", "suggest-", "something"):
        answer = post_form(
            browser, "/pes/seekers/new", {"action": action, "occupation-9-text": "tailor"}
        )
        assert answer.status_code in (200, 422), action
    versions = post_form(browser, "/pes/seekers/new", {"version": HUGE, "action": "save"})
    assert versions.status_code == 422

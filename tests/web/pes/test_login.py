"""Logging in and out through the pages: the session cookie (HttpOnly, SameSite=Lax, Secure
over https), one message for every kind of failure (no user enumeration), the login form's own
token, throttling after repeated failures, logging out, and pages that send a visitor without
a live session to the login page."""

from __future__ import annotations

import pytest

from tests.web.pes.conftest import PASSWORD, Site, csrf, log_in, logged_in, post_form

WRONG = "wrong username or password, or the user is disabled"


def test_a_login_opens_a_session_in_a_protected_cookie(site: Site) -> None:
    client = site.client()
    form = client.get("/pes/login")
    assert form.status_code == 200
    assert 'autocomplete="current-password"' in form.text
    answer = client.post(
        "/pes/login", data={"csrf": csrf(form), "username": "Officer.A", "password": PASSWORD}
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/pes/seekers"
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("pes_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/pes" in cookie
    assert "Secure" not in cookie  # plain http here
    page = client.get("/pes/seekers")
    assert page.status_code == 200
    assert "Logged in as officer.a" in page.text


def test_the_session_cookie_is_secure_over_https(site: Site) -> None:
    client = site.client(base_url="https://testserver")
    answer = log_in(client, "officer.a")
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("pes_session="))
    assert "Secure" in cookie and "HttpOnly" in cookie


@pytest.mark.parametrize(
    ("username", "password"), [("officer.a", "not the password"), ("nobody", PASSWORD), ("", "")]
)
def test_every_failed_login_gets_the_same_answer(site: Site, username: str, password: str) -> None:
    client = site.client()
    answer = log_in(client, username, password)
    assert answer.status_code == 403
    assert WRONG in answer.text
    assert "pes_session" not in client.cookies
    assert 'id="error-summary"' in answer.text


@pytest.mark.parametrize("token", ["forged", ""])
def test_a_login_without_its_form_token_is_refused(site: Site, token: str) -> None:
    client = site.client()
    client.get("/pes/login")  # the browser holds a login cookie...
    answer = client.post(
        "/pes/login", data={"csrf": token, "username": "officer.a", "password": PASSWORD}
    )  # ...the form another
    assert answer.status_code == 403
    assert "security token is missing or wrong" in answer.text
    assert "pes_session" not in client.cookies
    # a form posted from another site, whose visitor has no login cookie at all
    stranger = site.client()
    answer = stranger.post(
        "/pes/login", data={"csrf": "x", "username": "officer.a", "password": PASSWORD}
    )
    assert answer.status_code == 403


def test_repeated_failures_throttle_logins_through_the_page(site: Site) -> None:
    client = site.client()
    for _ in range(5):
        assert WRONG in log_in(client, "officer.a", "a wrong guess").text
    answer = log_in(client, "officer.a")  # the right password, too late
    assert answer.status_code == 403
    assert "too many failed logins: try again in 15 minutes" in answer.text
    assert "pes_session" not in client.cookies
    # another user from the same address is not locked out by officer.a's failures
    assert log_in(site.client(), "officer.b").status_code == 303


def test_logging_out_ends_the_session(site: Site) -> None:
    client = logged_in(site, "officer.a")
    session = client.cookies["pes_session"]
    answer = post_form(client, "/pes/logout", {}, page="/pes/seekers")
    assert answer.status_code == 303 and answer.headers["location"] == "/pes/login"
    assert "pes_session" not in client.cookies
    replay = site.client(cookies={"pes_session": session})  # the old cookie, kept by someone
    assert replay.get("/pes/seekers").status_code == 303


@pytest.mark.parametrize(
    "path",
    ["/pes/", "/pes/seekers", "/pes/seekers/1", "/pes/vacancies/new", "/pes/audit", "/pes/tokens"],
)
def test_a_page_without_a_live_session_leads_to_the_login_page(site: Site, path: str) -> None:
    for client in (site.client(), site.client(cookies={"pes_session": "made-up"})):
        answer = client.get(path)
        assert answer.status_code == 303
        assert answer.headers["location"] == f"/pes/login?next={path}"
    form = site.client().get(f"/pes/login?next={path}")
    assert f'name="next" value="{path}"' in form.text


def test_after_login_the_page_asked_for_opens_never_another_site(site: Site) -> None:
    client = site.client()
    form = client.get("/pes/login")
    answer = client.post(
        "/pes/login",
        data={"csrf": csrf(form), "username": "admin", "password": PASSWORD, "next": "/pes/audit"},
    )
    assert answer.headers["location"] == "/pes/audit"
    for elsewhere in ("https://evil.example/", "//evil.example/pes/", "/data"):
        client = site.client()
        form = client.get("/pes/login")
        answer = client.post(
            "/pes/login",
            data={"csrf": csrf(form), "username": "admin", "password": PASSWORD, "next": elsewhere},
        )
        assert answer.headers["location"] == "/pes/", elsewhere


@pytest.mark.parametrize(
    ("username", "home"),
    [("admin", "/pes/seekers"), ("employer.1", "/pes/vacancies"), ("analyst", "/pes/counts")],
)
def test_each_role_starts_on_its_own_page(site: Site, username: str, home: str) -> None:
    assert log_in(site.client(), username).headers["location"] == home
    assert logged_in(site, username).get("/pes/").headers["location"] == home

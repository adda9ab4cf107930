"""The PES pages in Chromium: an officer logs in, registers a job seeker whose occupation is
typed in free text and coded by picking one of the suggestions the page's script shows while
typing, finds the seeker again by a Khmer name, and logs out; an officer of another centre
cannot open that seeker's page. axe-core finds no serious or critical violation on the PES
pages, and the server's log (access log on) holds no personal value.

The server is uvicorn in a subprocess running the dashboard's application on an empty
warehouse with the PES installed on a registry made here (two job centres, an officer of
each, an administrator). It suggests codes with the real occupation coder when its model is
cached in the data directory, else with the small fake coder of the other PES tests (the
real one would take minutes to fit)."""

from __future__ import annotations

import contextlib
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from decentwork.classifications.occupation_coder import models_dir
from decentwork.classifications.sources import data_dir
from decentwork.pes import accounts, centres
from decentwork.pes.database import engine as pes_engine
from decentwork.pes.references import References
from decentwork.pes.registry import Registry
from decentwork.warehouse import engine as warehouse_engine
from tests.pes.conftest import SHARED
from tests.web.browser.conftest import REPO, STARTUP, Visit, _free_port, screenshot, settle

PASSWORD = "correct horse battery staple"
SERIOUS = ("serious", "critical")
SERVER = """
import sys
from pathlib import Path

import uvicorn

from decentwork.web.app import create_app
from decentwork.web.pes import install

warehouse, pes, shared, port, fake = sys.argv[1:]
suggester = None
if fake == "fake":
    from tests.web.pes.conftest import FakeSuggester

    suggester = FakeSuggester()
app = create_app(warehouse)
install(app, pes, classifications=Path(shared), suggester=suggester)
uvicorn.run(app, host="127.0.0.1", port=int(port), access_log=True, log_level="info")
"""
"""The server: the dashboard's application with the PES installed."""


@dataclass(frozen=True)
class PesSite:
    """The served PES: its address and the server's log."""

    url: str
    log: Path


def _real_coder_cached() -> bool:
    """Whether the occupation coder's model is cached and its files fetched (else the fake
    coder suggests)."""
    return any(models_dir().glob("isco08-*.npz")) and (data_dir() / "isco08").is_dir()


@pytest.fixture(scope="module")
def pes_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PesSite]:
    folder = tmp_path_factory.mktemp("pes-browser")
    warehouse = f"sqlite:///{folder}/warehouse.sqlite"
    warehouse_engine(warehouse).dispose()
    pes = f"sqlite:///{folder}/pes.sqlite"
    registry = Registry(pes_engine(pes), References(SHARED))
    accounts.create_first_administrator(registry, "admin", PASSWORD)
    admin = accounts.cli_actor(registry)
    for code, name, area, officer in (
        ("PNH", "Phnom Penh job centre", "KH-12", "officer.a"),
        ("REP", "Siem Reap job centre", "KH-17", "officer.b"),
    ):
        centre = centres.add_centre(registry, admin, {"code": code, "name": name, "area": area})
        accounts.add_user(
            registry,
            admin,
            {"username": officer, "role": "officer", "password": PASSWORD, "centres": [centre.id]},
        )
    registry.close()
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = folder / "server.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [
                sys.executable,
                "-c",
                SERVER,
                warehouse,
                pes,
                str(SHARED.resolve()),
                str(port),
                "real" if _real_coder_cached() else "fake",
            ],
            cwd=REPO,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_answering(server, f"{url}/pes/login", log)
        yield PesSite(url, log)
    finally:
        server.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=10)
        server.kill()  # only if it did not stop: once it has, this does nothing
        server.wait()


def _wait_until_answering(server: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the PES server exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"the PES server did not answer within {STARTUP:.0f} s:\n{log.read_text()}")


def new_page(browser: Browser, site: PesSite) -> tuple[Page, Visit]:
    """A page in a browser context of its own (its own cookies), and what goes wrong on it."""
    context = browser.new_context(
        base_url=site.url, viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    visit = Visit()
    visit.watch(page)
    return page, visit


def log_in(page: Page, username: str) -> None:
    page.goto("/pes/login")
    settle(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/pes/seekers")
    settle(page)


def test_an_officer_registers_finds_and_only_their_centre_sees_a_seeker(
    browser: Browser, pes_site: PesSite
) -> None:
    page, visit = new_page(browser, pes_site)
    log_in(page, "officer.a")
    expect(page.get_by_text("Logged in as officer.a")).to_be_visible()
    page.get_by_role("link", name="Register a job seeker").click()
    page.wait_for_url("**/pes/seekers/new")
    settle(page)
    page.get_by_label("Family name").fill("ចាន់")
    page.get_by_label("Given names").fill("សុភា")
    page.get_by_label("Date of birth").fill("1998-04-12")
    page.get_by_label("Sex").select_option("F")
    page.get_by_label("Area").fill("KH-12")
    page.get_by_label("Consent: what was agreed").fill("registration and referral")
    # the occupation in the person's words; the page's script asks for suggestions as it is
    # typed, and the officer picks one
    page.get_by_label("Occupation", exact=True).press_sequentially("tailor ជាងកាត់ដេរ", delay=20)
    suggestion = page.get_by_role("radio").first
    expect(suggestion).to_be_visible(timeout=60_000)  # the real coder loads on first use
    code = suggestion.get_attribute("value")
    assert code and re.fullmatch(r"\d{4}", code)
    suggestion.check()
    expect(page.get_by_label("ISCO-08 code", exact=True)).to_have_value(code)
    screenshot(page, "pes-register")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(re.compile(r"/pes/seekers/\d+\?registered=1"))
    settle(page)
    expect(page.get_by_role("status")).to_have_text("The job seeker is registered.")
    expect(page.get_by_role("heading", level=1)).to_have_text("ចាន់ សុភា")
    expect(page.locator("main li").filter(has_text=code).first).to_be_visible()
    seeker = page.url.split("?")[0]

    # found again by the Khmer given name alone
    page.get_by_role("navigation", name="Employment service").get_by_role(
        "link", name="Job seekers"
    ).click()
    page.wait_for_url("**/pes/seekers")
    page.get_by_label("Name", exact=True).fill("សុភា")
    page.get_by_role("button", name="Search", exact=True).click()
    settle(page)
    found = page.get_by_role("link", name="ចាន់ សុភា")
    expect(found).to_have_count(1)
    found.click()
    page.wait_for_url(seeker)
    screenshot(page, "pes-seeker")

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/pes/login")
    settle(page)
    page.goto(seeker)
    expect(page).to_have_url(re.compile(r"/pes/login\?next=/pes/seekers/\d+$"))
    assert visit.problems == []

    # an officer of the other centre cannot open the page
    other, _ = new_page(browser, pes_site)
    log_in(other, "officer.b")
    answer = other.goto(seeker)
    assert answer is not None and answer.status == 404
    expect(other.get_by_role("heading", level=1)).to_have_text("Not found (404)")
    assert "ចាន់" not in other.content()

    # the server's access log has the addresses asked for, and never the person
    log = pes_site.log.read_text(encoding="utf-8", errors="replace")
    assert '"POST /pes/seekers HTTP/1.1" 200' in log
    for value in ("ចាន់", "សុភា", "%E1%9E%85", "1998-04-12"):
        assert value not in log, value


PAGES = [
    "/pes/login",
    "/pes/seekers",
    "/pes/seekers/new",
    "/pes/seekers/1",
    "/pes/seekers/1/edit",
    "/pes/seekers/1/erase",
    "/pes/vacancies",
    "/pes/vacancies/new",
    "/pes/audit",
    "/pes/counts",
    "/pes/tokens",
    "/pes/seekers?lang=km",
    "/pes/seekers/new?lang=lo",
]


@pytest.fixture(scope="module")
def administrator(browser: Browser, pes_site: PesSite) -> Iterator[Page]:
    """An administrator's page, logged in, with a seeker registered (through the form)."""
    page, _ = new_page(browser, pes_site)
    log_in(page, "admin")
    page.goto("/pes/seekers/new")
    for label, value in (
        ("Given names", "Dara"),
        ("Family name", "Keo"),
        ("Date of birth", "1990-02-02"),
        ("Area", "KH-12"),
        ("Consent: what was agreed", "registration"),
    ):
        page.get_by_label(label).fill(value)
    page.get_by_label("ISCO-08 code", exact=True).fill("8322")
    page.get_by_label("Sex").select_option("M")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(re.compile(r"/pes/seekers/\d+\?registered=1"))
    yield page
    page.context.close()


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_accessibility_violation(administrator: Page, path: str) -> None:
    administrator.goto(path)
    settle(administrator)
    results = Axe().run(administrator)
    serious = [
        f"{v['impact']} {v['id']}: {v['help']} at {[node['target'] for node in v['nodes'][:5]]}"
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]
    assert serious == [], "\n".join(serious)


def test_the_error_summary_takes_the_focus_and_links_to_the_fields(administrator: Page) -> None:
    administrator.goto("/pes/seekers/new?lang=en")  # the language pages above may have set
    settle(administrator)
    administrator.get_by_role("button", name="Save", exact=True).click()
    settle(administrator)
    summary = administrator.locator("#error-summary")
    expect(summary).to_be_focused()
    results = Axe().run(administrator)
    assert [v["id"] for v in results.response["violations"] if v["impact"] in SERIOUS] == []
    summary.get_by_role("link", name="Given names").click()
    expect(administrator.get_by_label("Given names")).to_be_focused()
    # the keyboard alone: Enter in a field saves the form (it does not ask for suggestions)
    administrator.get_by_label("Given names").fill("Sok")
    administrator.get_by_label("Given names").press("Enter")
    settle(administrator)
    expect(administrator.locator("#error-summary")).to_be_visible()
    expect(administrator.get_by_label("Given names")).to_have_value("Sok")
    assert administrator.locator(".suggestions fieldset").count() == 0

"""Matching and referrals in Chromium: an officer opens a vacancy, sees its ranked candidates
with the explanation of each score and their skill gaps, refers the best one, and records the
hire on the referral's page; the vacancy's page then shows the opening filled and the vacancy
filled. axe-core finds no serious or critical violation on the new pages.

The server is the one of ``test_pes.py`` (the dashboard's application with the PES installed
on a registry of two job centres and their officers), to whose registry this module adds an
employer, a vacancy and two job seekers before the first ranking."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Locator, Page, expect

from decentwork.pes import accounts, centres, employers, seekers, vacancies
from decentwork.pes.database import engine as pes_engine
from decentwork.pes.references import References
from decentwork.pes.registry import Registry
from tests.pes.conftest import OTHER_SKILL, SHARED, SKILL, employer_data, seeker_data, vacancy_data
from tests.web.browser.conftest import screenshot, settle
from tests.web.browser.test_pes import SERIOUS, PesSite, log_in, new_page
from tests.web.browser.test_pes import pes_site as pes_site


@dataclass(frozen=True)
class Records:
    """The vacancy (one opening, requiring ``SKILL``, posted today) and its two candidates,
    registered on day ``registered_on`` (thirty days ago): ``best`` has the vacancy's
    occupation and skill, ``second`` a sibling occupation and another skill."""

    vacancy: int
    best: int
    second: int
    registered_on: date


def pes_database(site: PesSite) -> Path:
    """The served registry's database file (beside the server's log)."""
    return site.log.parent / "pes.sqlite"


@pytest.fixture(scope="module")
def records(pes_site: PesSite) -> Iterator[Records]:
    """The records added to the served registry."""
    registry = Registry(pes_engine(f"sqlite:///{pes_database(pes_site)}"), References(SHARED))
    admin = accounts.cli_actor(registry)
    centre = next(c.id for c in centres.list_centres(registry, admin) if c.code == "PNH")
    employer = employers.add_employer(registry, admin, employer_data()).id
    vacancy = vacancies.post(registry, admin, vacancy_data(employer, centre, openings=1))
    registered_on = date.today() - timedelta(days=30)
    added = [
        seekers.register(
            registry,
            admin,
            seeker_data(
                centre=centre,
                family_name=family,
                given_names=given,
                national_id=f"KH-M-{number}",
                birth_date=f"{1990 + number}-03-03",
                occupations=[{"isco": isco, "text": "sewing machinist"}],
                work_history=[],
                skills=skills,
                registered_on=registered_on.isoformat(),
            ),
        ).id
        for number, (family, given, isco, skills) in enumerate(
            (("Keo", "Dara", "8153", [SKILL]), ("Chan", "Sok", "8154", [OTHER_SKILL]))
        )
    ]
    registry.close()
    best, second = added
    yield Records(vacancy.id, best, second, registered_on)


def serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['impact']} {v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]


TITLE = "Sewing machine operators (20)"
"""The vacancy's title, as its links read."""


def open_vacancy(page: Page, vacancy: int) -> None:
    """A signed-in officer opens the vacancy's page from the list of vacancies."""
    page.get_by_role("navigation", name="Employment service").get_by_role(
        "link", name="Vacancies"
    ).click()
    page.wait_for_url("**/pes/vacancies")
    page.get_by_role("link", name=TITLE).click()
    page.wait_for_url(f"**/pes/vacancies/{vacancy}")
    settle(page)


def open_candidates(page: Page, vacancy: int) -> Locator:
    """From the vacancy's page, its ranked candidates: the rows of their table, best first."""
    page.get_by_role("link", name="Ranked candidates").click()
    page.wait_for_url(f"**/pes/vacancies/{vacancy}/candidates")
    settle(page)
    return page.locator("table.matches > tbody > tr")


def refer(page: Page, rows: Locator, rank: int) -> None:
    """Refers the candidate ranked ``rank`` (from 1) of the candidates' ``rows``; the
    referral's page opens."""
    rows.nth(rank - 1).get_by_role("button", name=f"Refer: match {rank}").click()
    page.wait_for_url(re.compile(r"/pes/referrals/\d+\?referred=1$"))
    settle(page)


def record_the_hire(page: Page) -> None:
    """On a referral's page, records its outcome: hired, on the day the form proposes
    (today, UTC)."""
    page.get_by_label("Outcome (required)").select_option("hired")
    page.get_by_role("button", name="Record the outcome").click()
    page.wait_for_url(re.compile(r"/pes/referrals/\d+\?recorded=1$"))
    settle(page)


def test_an_officer_refers_the_best_candidate_and_records_the_hire(
    browser: Browser, pes_site: PesSite, records: Records
) -> None:
    page, visit = new_page(browser, pes_site)
    log_in(page, "officer.a")
    open_vacancy(page, records.vacancy)
    expect(page.locator("#filled")).to_have_text("0")
    expect(page.locator("#status")).to_have_text("Open")

    rows = open_candidates(page, records.vacancy)
    expect(rows).to_have_count(2)
    expect(rows.nth(0).get_by_role("link").first).to_have_text("Keo Dara")
    expect(rows.nth(1).get_by_role("link").first).to_have_text("Chan Sok")
    # the second lacks the vacancy's skill: its gap names it, by ESCO's label
    expect(rows.nth(1).get_by_role("link", name="manage musical staff")).to_be_visible()
    expect(rows.nth(0).locator("> td").nth(4)).to_have_text("none")
    # the explanation is shown on demand: each factor's value, weight and contribution
    explanation = rows.nth(1).locator("details.explanation")
    expect(explanation.locator("table")).to_be_hidden()
    explanation.get_by_text("Why this score").click()
    factors = explanation.locator("tbody tr")
    expect(factors).to_have_count(7)
    expect(factors.nth(0)).to_contain_text("same minor group")
    expect(factors.nth(1)).to_contain_text("0 of 1 required skills")
    contributions = [float(factors.nth(i).locator("td").nth(2).inner_text()) for i in range(7)]
    score = float(rows.nth(1).locator("> td").nth(1).inner_text())
    assert sum(contributions) == pytest.approx(score, abs=0.01)
    screenshot(page, "pes-candidates")
    assert serious_violations(page) == []

    refer(page, rows, 1)
    expect(page.get_by_role("status")).to_have_text("The job seeker is referred to the vacancy.")
    expect(page.locator("dl.record")).to_contain_text("Dara Keo")
    assert serious_violations(page) == []
    record_the_hire(page)
    expect(page.get_by_role("status")).to_have_text("The outcome is recorded.")
    expect(page.locator("dl.record")).to_contain_text("Hired")
    screenshot(page, "pes-referral")

    page.locator("dl.record").get_by_role("link", name=TITLE).click()
    page.wait_for_url(f"**/pes/vacancies/{records.vacancy}")
    settle(page)
    expect(page.locator("#filled")).to_have_text("1")
    expect(page.locator("#status")).to_have_text("Filled")
    expect(page.get_by_role("link", name="Ranked candidates")).to_have_count(0)
    page.get_by_role("link", name="Referrals").last.click()
    settle(page)
    expect(page.locator("main table tbody tr")).to_have_count(1)
    expect(page.locator("main table tbody tr")).to_contain_text("Hired")
    assert serious_violations(page) == []
    assert visit.problems == []

    # the server's access log has the addresses asked for, and never the person
    log = pes_site.log.read_text(encoding="utf-8", errors="replace")
    assert f'"GET /pes/vacancies/{records.vacancy}/candidates HTTP/1.1" 200' in log
    for value in ("Dara", "Keo", "KH-M-0"):
        assert value not in log, value

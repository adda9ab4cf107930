"""From the officer's placement to the public page (issue 15's acceptance): an officer of the
served PES refers a vacancy's best candidate and records the hire in Chromium, as in
``test_pes_matching.py`` (whose steps and records this module reuses); the statistics job
(``decentwork pes statistics --month <the hire's month> --load``, run as a user runs it)
counts the placement and loads the month into a fresh warehouse; ``decentwork serve`` on that
warehouse alone, without the PES database, shows it on the public page
``/pes-statistics/KHM``; and the page still answers, with the same figures, once the PES
database file is removed.

The job runs with ``--threshold 1``: the register holds two job seekers, one vacancy, one
referral and one placement, all counts from 1 to 4 that the default threshold (5) would
suppress, so that the page would show "suppressed (C)" where the placement should be. A
threshold of 1 suppresses nothing, and every figure has a known answer.

The public server runs with ``--cache-mb 0`` (so that each visit reads the warehouse again
rather than an answer kept from before the PES database was removed) and one worker."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from playwright.sync_api import Browser, FloatRect, Locator, Page, expect

from decentwork.pes.database import ENVIRONMENT
from decentwork.pes.statistics import Month
from tests.web.browser.conftest import Visit, _command, screenshot, served, settle
from tests.web.browser.test_pes import PesSite, log_in, new_page
from tests.web.browser.test_pes import pes_site as pes_site
from tests.web.browser.test_pes_matching import (
    Records,
    open_candidates,
    open_vacancy,
    pes_database,
    record_the_hire,
    refer,
)
from tests.web.browser.test_pes_matching import records as records

COUNTRY = "KHM"
"""The country of the served registry's job centres (KH-12 and KH-17)."""
PAGE = f"/pes-statistics/{COUNTRY}"


@dataclass(frozen=True)
class Placement:
    """The hire recorded in the browser: the day the referral's page gives it, and its
    month."""

    day: date

    @property
    def month(self) -> Month:
        return Month(self.day.year, self.day.month)


@dataclass(frozen=True)
class Job:
    """What the statistics job did: the warehouse it loaded, the observations it printed
    (CSV rows) and what it said on standard error."""

    warehouse: str
    rows: list[dict[str, str]]
    said: str


@pytest.fixture(scope="module")
def placement(browser: Browser, pes_site: PesSite, records: Records) -> Placement:
    """An officer refers the best-ranked candidate to the vacancy and records the hire."""
    page, visit = new_page(browser, pes_site)
    try:
        log_in(page, "officer.a")
        open_vacancy(page, records.vacancy)
        rows = open_candidates(page, records.vacancy)
        expect(rows.nth(0).get_by_role("link").first).to_have_text("Keo Dara")
        refer(page, rows, 1)
        record_the_hire(page)
        record = page.locator("dl.record")
        expect(record).to_contain_text("Hired")
        day = date.fromisoformat(record.locator("dt:text-is('Outcome on') + dd").inner_text())
        assert visit.problems == []
    finally:
        page.context.close()
    return Placement(day)


@pytest.fixture(scope="module")
def job(pes_site: PesSite, placement: Placement, tmp_path_factory: pytest.TempPathFactory) -> Job:
    """``decentwork pes statistics`` for the placement's month, loaded into a new warehouse."""
    warehouse = f"sqlite:///{tmp_path_factory.mktemp('pes-end-to-end')}/warehouse.sqlite"
    ran = subprocess.run(
        _command(
            "pes",
            "statistics",
            "--month",
            str(placement.month),
            "--load",
            "--threshold",
            "1",
            "--pes-db",
            f"sqlite:///{pes_database(pes_site)}",
            "--db",
            warehouse,
            "--operator",
            "end-to-end test",
        ),
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.returncode == 0, f"decentwork pes statistics failed:\n{ran.stdout}\n{ran.stderr}"
    return Job(warehouse, list(csv.DictReader(io.StringIO(ran.stdout))), ran.stderr)


@pytest.fixture(scope="module")
def public(job: Job, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PesSite]:
    """``decentwork serve`` on the job's warehouse, without the PES database: no
    ``--pes-db``, and ``$DECENTWORK_PES_DB`` naming a file that does not exist (so that
    neither the environment nor an embedded PES database of this machine gives it one). Its
    address and log, as ``new_page`` opens pages on."""
    folder = tmp_path_factory.mktemp("pes-public")
    nowhere = folder / "no-pes.sqlite"
    env = {**os.environ, ENVIRONMENT: f"sqlite:///{nowhere}"}
    log = folder / "serve.log"
    with served(job.warehouse, log, "--workers", "1", "--cache-mb", "0", env=env) as url:
        assert not nowhere.exists()  # looked for, not made
        yield PesSite(url, log)


@pytest.fixture
def tab(browser: Browser, public: PesSite) -> Iterator[tuple[Page, Visit]]:
    """A page of a fresh browser context on the public server, and what goes wrong on it."""
    page, visit = new_page(browser, public)
    try:
        yield page, visit
    finally:
        page.context.close()


def _total(rows: list[dict[str, str]], indicator: str) -> dict[str, str]:
    """The indicator's one row for both sexes and no breakdown."""
    found = [
        r for r in rows if r["indicator"] == indicator and r["sex"] == "SEX_T" and not r["classif1"]
    ]
    assert len(found) == 1, (indicator, found)
    return found[0]


def _new_registrations(records: Records, placement: Placement) -> int:
    """Both seekers registered on the same day: in the month of the hire, or before it."""
    return 2 if records.registered_on in placement.month else 0


def test_the_job_counts_the_placement(job: Job, placement: Placement, records: Records) -> None:
    time = placement.month.time
    assert {r["time"] for r in job.rows} == {time}
    assert {r["ref_area"] for r in job.rows} == {COUNTRY}
    assert {r["source"] for r in job.rows} == {f"PES:{COUNTRY}"}
    assert [r for r in job.rows if r["obs_status"] == "C"] == []  # threshold 1
    days = (placement.day - records.registered_on).days
    expected = {
        "PES_PLC_NB": 1,
        "PES_REF_NB": 1,
        "PES_PLC_LVR_RT": 100,  # the one leaver left by the hire
        "PES_PLC_REF_RT": 100,  # the one referral with an outcome was a hire
        "PES_PLC_DUR_MD": days,
        "PES_SKR_REG_NB": 1,  # the other candidate is still registered
        "PES_SKR_NEW_NB": _new_registrations(records, placement),
        "PES_VAC_NEW_NB": 1,
        "PES_VAC_OPN_NB": 1,
    }
    found = {code: float(_total(job.rows, code)["obs_value"]) for code in expected}
    assert found == {code: float(value) for code, value in expected.items()}
    placements = {
        r["classif1"]: float(r["obs_value"])
        for r in job.rows
        if r["indicator"] == "PES_PLC_NB" and r["classif1"] and float(r["obs_value"])
    }
    # the vacancy's ISCO-08 major group (8153) and the seeker's area
    assert placements == {"OCU_ISCO08_8": 1.0, "GEO_PES_KH-12": 1.0}
    assert "Loaded 1 month(s) of PES statistics" in job.said


def _check_the_page(tab: Page, placement: Placement, records: Records) -> None:
    """The page shows the placement's month: its monthly figures, its placement rates and
    median time to placement, and the placement in Phnom Penh (KH-12)."""
    time = placement.month.time
    expect(
        tab.get_by_role("heading", level=1, name=re.compile("Public employment service"))
    ).to_be_visible()
    monthly = tab.locator("#monthly tbody tr")
    expect(monthly).to_have_count(1)
    expect(monthly.locator("th")).to_have_text(time)
    # new registrations, registered job seekers, vacancies, placements
    new = str(_new_registrations(records, placement))
    expect(monthly.locator("td")).to_have_text([new, "1", "1", "1"])
    expect(tab.get_by_role("heading", name=f"Placements in {time}")).to_be_visible()
    rates = tab.locator("#rates tbody tr")
    expect(rates).to_have_count(3)
    days = (placement.day - records.registered_on).days
    for row, (code, value) in enumerate(
        (
            ("PES_PLC_LVR_RT", "100.0 %"),
            ("PES_PLC_REF_RT", "100.0 %"),
            ("PES_PLC_DUR_MD", f"{days} days"),
        )
    ):
        expect(rates.nth(row).locator("th small")).to_have_text(code)
        expect(rates.nth(row).locator("td")).to_have_text(value)
    # registered, new registrations, vacancies, openings, placements by area
    phnom_penh = tab.locator("#areas tbody tr").filter(has_text="GEO_PES_KH-12")
    expect(phnom_penh.locator("td")).to_have_text(["1", new, "1", "1", "1"])
    placed = tab.locator("#areas tbody tr td:nth-of-type(5)").all_inner_texts()
    assert sum(int(n) for n in placed) == 1
    expect(tab.locator("main .suppressed")).to_have_count(0)
    # the flows chart draws the month's placements, and its legend's keys, named by the
    # indicators' full labels, do not run into one another
    flows = tab.locator("main svg.time-series").nth(0)
    expect(flows.get_by_role("button", name="Placements in the month")).to_be_visible()
    expect(flows.locator("circle")).to_have_count(3)
    keys = [_box(key) for key in flows.locator(".series .key + text").all()]
    assert len(keys) == 3
    for n, one in enumerate(keys):
        for other in keys[n + 1 :]:
            assert not _overlap(one, other), (one, other)


def _box(element: Locator) -> FloatRect:
    """Where ``element`` is drawn."""
    box = element.bounding_box()
    assert box is not None
    return box


def _overlap(one: FloatRect, other: FloatRect) -> bool:
    """Whether two boxes share some area."""
    return (
        one["x"] < other["x"] + other["width"]
        and other["x"] < one["x"] + one["width"]
        and one["y"] < other["y"] + other["height"]
        and other["y"] < one["y"] + one["height"]
    )


def test_the_public_page_shows_the_placement(
    tab: tuple[Page, Visit], placement: Placement, records: Records
) -> None:
    page, visit = tab
    page.goto(PAGE)
    settle(page)
    _check_the_page(page, placement, records)
    screenshot(page, "pes-statistics-end-to-end")
    assert visit.problems == []


def test_the_public_page_answers_without_the_pes_database(
    tab: tuple[Page, Visit],
    public: PesSite,
    pes_site: PesSite,
    placement: Placement,
    records: Records,
) -> None:
    database = pes_database(pes_site)
    assert database.exists()  # the statistics were read from it
    for file in (database, *database.parent.glob(f"{database.name}-*")):
        file.unlink()
    assert not database.exists()
    page, visit = tab
    page.goto(PAGE)
    settle(page)
    _check_the_page(page, placement, records)
    assert visit.problems == []
    # the public server has no PES pages: it was never given the database
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{public.url}/pes/login", timeout=10)
    assert refused.value.code == 404

"""The public PES statistics page in Chromium: its charts (with their legend keys), the
monthly table, the shortage and surplus lists and the sub-national table render, suppressed
cells read "suppressed", in English and Khmer, without console errors or failed requests and
without serious accessibility violations. ``decentwork serve`` runs on a warehouse of the
constructed statistics of tests/monitoring/pes_statistics.py (no PES database, no demo)."""

from __future__ import annotations

import contextlib
import re
import subprocess
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.monitoring.pes_statistics import sqlite_url, warehouse_with_pes
from tests.web.browser.conftest import (
    Visit,
    _command,
    _free_port,
    _wait_until_answering,
    screenshot,
    settle,
    translated,
)

PAGE = "/pes-statistics/KHM"
SERIOUS = ("serious", "critical")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``decentwork serve`` on the constructed statistics; its address."""
    folder = tmp_path_factory.mktemp("browser-pes")
    db = warehouse_with_pes(sqlite_url(folder), folder)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = folder / "serve.log"
    with log.open("wb") as output:
        served = subprocess.Popen(
            _command("serve", "--db", db, "--port", str(port), "--workers", "1"),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_answering(served, url, log)
        yield url
    finally:
        served.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            served.wait(timeout=10)
        served.kill()  # only if it did not stop: once it has, this does nothing
        served.wait()


@pytest.fixture
def tab(browser: Browser, server: str) -> Iterator[Page]:
    """A page of a fresh browser context on the server (not the demo's dashboard)."""
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()


def test_the_page_renders_its_charts_and_lists(tab: Page) -> None:
    visit = Visit()
    visit.watch(tab)
    tab.goto(PAGE)
    settle(tab)
    expect(
        tab.get_by_role("heading", name=re.compile("Public employment service statistics"))
    ).to_be_visible()
    charts = tab.locator("main svg.time-series")
    expect(charts).to_have_count(2)
    # 23 new registrations, 23 vacancies, 22 placements (one month suppressed); 23 seekers
    expect(charts.nth(0).locator("circle")).to_have_count(68)
    expect(charts.nth(1).locator("circle")).to_have_count(23)
    expect(tab.locator("#monthly tbody tr")).to_have_count(23)
    expect(tab.locator("#shortage tbody tr")).to_have_count(3)
    expect(tab.locator("#shortage tbody tr").first).to_contain_text("2. Professionals")
    expect(tab.locator("#surplus tbody tr")).to_have_count(3)
    expect(tab.locator("#surplus tbody tr").first).to_contain_text("9. Elementary occupations")
    expect(tab.locator("#areas tbody tr")).to_have_count(2)
    expect(tab.locator("#areas tbody tr").last).to_contain_text("Phnom Penh")
    expect(tab.locator("main .suppressed")).to_have_count(1 + 1 + 2)
    expect(tab.locator("#monthly tbody tr").nth(1).locator(".suppressed")).to_have_text(
        "suppressed (C)"
    )
    # a legend key hides its series and shows it again
    key = charts.nth(0).get_by_role("button", name="Placements")
    expect(key).to_have_attribute("aria-pressed", "true")
    key.click()
    expect(key).to_have_attribute("aria-pressed", "false")
    expect(charts.nth(0).locator(".series.hidden")).to_have_count(1)
    key.press("Enter")
    expect(key).to_have_attribute("aria-pressed", "true")
    screenshot(tab, "pes-statistics")
    assert visit.problems == []


def test_the_page_in_khmer(tab: Page) -> None:
    visit = Visit()
    visit.watch(tab)
    tab.goto(f"{PAGE}?lang=km")
    settle(tab)
    expect(tab.locator("html")).to_have_attribute("lang", "km")
    heading = translated("km", "Public employment service statistics")
    expect(tab.get_by_role("heading", level=1)).to_contain_text(heading)
    expect(tab.locator("#shortage caption")).to_have_text(translated("km", "Shortage occupations"))
    expect(tab.locator("main .suppressed").first).to_contain_text(translated("km", "suppressed"))
    screenshot(tab, "pes-statistics-km")
    assert visit.problems == []


@pytest.mark.parametrize("path", [PAGE, f"{PAGE}?lang=km"])
def test_no_serious_accessibility_violation(tab: Page, path: str) -> None:
    tab.goto(path)
    settle(tab)
    results = Axe().run(tab)
    serious = [
        f"{v['impact']} {v['id']}: {v['help']} at {[node['target'] for node in v['nodes'][:5]]}"
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]
    assert serious == [], "\n".join(serious)

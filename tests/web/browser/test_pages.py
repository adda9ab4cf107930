"""Every page type of the dashboard in Chromium: its heading and content, no console error or
failed request, a full-page screenshot (``build/screenshots/``), and no serious or critical
axe-core accessibility violation."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from tests.web.browser.conftest import Visit, screenshot, serious_violations, settle

INDICATOR = "/indicators/SDG_0852_SEX_AGE_RT"


@dataclass(frozen=True)
class PageType:
    """A page to open: its address, its heading, and a piece of its content (a locator that
    must match at least ``count`` elements)."""

    name: str
    path: str
    heading: str
    content: str
    count: int = 1

    def open(self, page: Page) -> None:
        page.goto(self.path)
        settle(page)
        if self.path == "/api/docs":  # Swagger UI draws the page from the OpenAPI schema
            page.locator(".opblock").first.wait_for()


PAGES = [
    PageType("home", "/", "Labour market information", f'main a[href="{INDICATOR}"]'),
    PageType("search", "/search?q=cambodia", "Search", 'main li a[href="/areas/KHM"]'),
    PageType("area", "/areas/KHM", "Cambodia", "main table tbody tr", 3),
    PageType("indicator", INDICATOR, "Unemployment rate", "main svg.time-series circle", 10),
    PageType("data", "/data", "Data", "main table tbody tr", 100),
    PageType("releases", "/releases", "Sources and releases", "main table tbody tr", 8),
    PageType("release", "/releases/1", "Release 1", "main table tbody tr", 10),
    PageType("progress", "/progress/sdg8?area=KHM,LAO", "SDG 8", "main table.grid tbody tr", 12),
    PageType(
        "indicator-progress",
        "/progress/sdg8/8.5.2?area=LAO",
        "Unemployment rate",
        "main svg.progress-chart",
        1,
    ),
    PageType("api-docs", "/api/docs", "decentwork", '[data-path="/api/v1/observations"]'),
]


@pytest.mark.parametrize("shown", PAGES, ids=lambda p: p.name)
def test_every_page_type_opens_without_errors(page: Page, visit: Visit, shown: PageType) -> None:
    shown.open(page)
    expect(page.get_by_role("heading", name=re.compile(shown.heading)).first).to_be_visible()
    assert page.locator(shown.content).count() >= shown.count
    if shown.path != "/api/docs":
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.get_by_role("navigation", name="Language")).to_be_visible()
    screenshot(page, shown.name)
    assert visit.problems == []


@pytest.mark.parametrize(
    "shown",
    [
        *PAGES,
        PageType("area-km", "/areas/KHM?lang=km", "កម្ពុជា|Cambodia", "main table"),
        PageType("indicator-zh", f"{INDICATOR}?lang=zh", "SDG_0852", "main svg"),
    ],
    ids=lambda p: p.name,
)
def test_no_serious_accessibility_violation(page: Page, shown: PageType) -> None:
    shown.open(page)
    serious = serious_violations(page)
    assert serious == [], "\n".join(serious)

"""The home, area, indicator and progress pages in English, Khmer, Lao and Chinese, in
Chromium (issue 21): each opens without errors in its language, with every label translated
(none falls back to English), no serious or critical axe-core violation, and lines broken
between words: a short Chinese label such as 无数据 ("no data") is never split, and no page
is wider than a phone's screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from decentwork import names
from tests.web.browser.conftest import Visit, screenshot, serious_violations, settle

LANGS = ("en", "km", "lo", "zh")
PAGES = {
    "home": "/",
    "area": "/areas/KHM",
    "area-synthetic": "/areas/X_DW",
    "indicator": "/indicators/SDG_0852_SEX_AGE_RT",
    "progress": "/progress/sdg8?area=KHM,LAO,X_DW",
    "indicator-progress": "/progress/sdg8/8.5.2?area=KHM,LAO",
}
PHONE = {"width": 360, "height": 740}
LINES = """element => {
    const range = document.createRange();
    range.selectNodeContents(element);
    return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
}"""
"""The number of lines an element's text is laid out on."""


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", PAGES)
def test_each_page_in_each_language(page: Page, visit: Visit, name: str, lang: str) -> None:
    separator = "&" if "?" in PAGES[name] else "?"
    page.goto(f"{PAGES[name]}{separator}lang={lang}")
    settle(page)
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    if lang != "en":
        assert page.locator(".fallback").count() == 0, page.locator(".fallback").all_inner_texts()
    if name == "area":
        expect(page.get_by_role("heading", level=1)).to_contain_text(
            names.area("KHM", lang, english="Cambodia").text
        )
    serious = serious_violations(page)
    assert serious == [], "\n".join(serious)
    screenshot(page, f"translated-{name}-{lang}")
    assert visit.problems == []


@pytest.mark.parametrize("lang", ["km", "lo", "zh"])
@pytest.mark.parametrize("name", ["home", "area", "progress"])
def test_lines_break_between_words_on_a_phone(page: Page, name: str, lang: str) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{PAGES[name]}{'&' if '?' in PAGES[name] else '?'}lang={lang}")
    settle(page)
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    statuses = page.locator("main .status")
    for status in statuses.all():
        if len(status.inner_text()) <= 8:  # a short label is never split
            assert status.evaluate(LINES) == 1, status.inner_text()


def test_no_data_in_chinese_stays_whole_in_a_narrow_column(page: Page) -> None:
    page.set_viewport_size(PHONE)
    page.goto("/progress/sdg8?area=KHM,LAO,X_DW&lang=zh")
    settle(page)
    missing = page.locator("main .status", has_text=names.text("No data", "zh").text)
    assert missing.count() > 0
    assert {cell.evaluate(LINES) for cell in missing.all()} == {1}
    screenshot(page, "progress-zh-phone")
    # the style sheet is what keeps it whole: breaking anywhere, the columns split it
    page.evaluate(
        "() => document.querySelectorAll('main *')"
        ".forEach(e => e.style.setProperty('word-break', 'normal', 'important'))"
    )
    assert max(cell.evaluate(LINES) for cell in missing.all()) > 1

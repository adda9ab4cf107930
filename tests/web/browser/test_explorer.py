"""The indicator explorer in Chromium: its filter form (with the mouse and with the keyboard
alone) changes the address and the table, and the CSV it offers for download is, row for row,
the API's answer to the same filters."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.web.browser.conftest import Visit, settle, translated

CODE = "SDG_0852_SEX_AGE_RT"
INDICATOR = f"/indicators/{CODE}"
SEX = 3
"""The column of the sex code in the observation table."""


def table(page: Page) -> list[list[str]]:
    """The cells of the observation table, row by row."""
    return page.locator("section[aria-labelledby=table] tbody tr").evaluate_all(
        "rows => rows.map(r => [...r.cells].map(c => c.textContent.trim()))"
    )


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_filter_by_sex_and_download_what_is_shown(page: Page, visit: Visit) -> None:
    page.goto(INDICATOR)
    settle(page)
    before = table(page)
    assert before and {row[SEX] for row in before} == {"SEX_T"}

    page.get_by_label("Sex").select_option("SEX_F")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"[?&]sex=SEX_F(&|$)"))
    settle(page)
    after = table(page)
    assert after and {row[SEX] for row in after} == {"SEX_F"}
    assert [row[7] for row in after] != [row[7] for row in before]  # obs_value: women's rates
    expect(page.locator("section[aria-labelledby=table] caption")).to_have_text(
        f"{len(after)} observations"
    )

    with page.expect_download() as started:
        page.get_by_role("region", name="Download what is shown").get_by_role(
            "link", name="CSV", exact=True
        ).click()
    download = started.value
    assert download.suggested_filename == f"{CODE}.csv"
    downloaded = rows(Path(download.path()).read_text(encoding="utf-8"))

    shown = {
        name: page.locator(f"#{name}").input_value()
        for name in ("ref_area", "sex", "classif1", "time")
    }
    assert shown["sex"] == "SEX_F"
    answer = page.request.get(
        "/api/v1/observations.csv",
        params={"indicator": CODE, **{k: v for k, v in shown.items() if v}, "limit": 10_000},
    )
    assert answer.ok, answer.text()
    expected = rows(answer.text())
    assert downloaded == expected
    assert int(answer.headers["x-total-count"]) == len(after) == len(downloaded) - 1
    # The table shows those very rows: area, source, sex and period, in the same order.
    assert [[r[0], r[2], r[3], r[6]] for r in after] == [
        [r[0], r[2], r[3], r[6]] for r in downloaded[1:]
    ]
    assert visit.problems == []


def tab_to(page: Page, selector: str, most: int = 60) -> None:
    """Presses Tab until the element matching ``selector`` has the focus."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"{selector} not reached after {most} presses of Tab")


def test_the_keyboard_alone_operates_the_switcher_and_the_filters(page: Page, visit: Visit) -> None:
    page.goto("/")
    settle(page)
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    tab_to(page, 'nav.languages a[hreflang="km"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/?lang=km")
    expect(page.locator("html")).to_have_attribute("lang", "km")

    page.keyboard.press("Tab")  # the skip link shows when it has the focus, and works
    skip = page.get_by_role("link", name=translated("km", "Skip to content"))
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    page.goto(INDICATOR)  # the cookie keeps Khmer
    settle(page)
    expect(page.locator("html")).to_have_attribute("lang", "km")
    tab_to(page, "#sex")
    expect(page.locator("#sex")).to_have_value("SEX_T")
    for _ in range(3):  # SEX_T, SEX_O, SEX_M, SEX_F: up the list without opening it
        page.keyboard.press("ArrowUp")
    expect(page.locator("#sex")).to_have_value("SEX_F")
    tab_to(page, "form.filters button[type=submit]")
    expect(page.locator("form.filters button")).to_have_text(translated("km", "Apply"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"[?&]sex=SEX_F(&|$)"))
    settle(page)
    assert {row[SEX] for row in table(page)} == {"SEX_F"}

    # The chart's legend keys are toggle buttons: Space hides a series, Enter shows it again.
    tab_to(page, ".chart .series .key")
    key = page.locator(".chart .series .key").first
    expect(key).to_have_attribute("aria-pressed", "true")
    page.keyboard.press(" ")
    expect(key).to_have_attribute("aria-pressed", "false")
    expect(page.locator(".chart .series").first).to_have_class(re.compile(r"\bhidden\b"))
    page.keyboard.press("Enter")
    expect(key).to_have_attribute("aria-pressed", "true")
    assert visit.problems == []

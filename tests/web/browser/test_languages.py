"""Languages in Chromium: the language switcher, clicked as a visitor would, translates the
page (the strings of the ``.po`` catalogues) and the cookie keeps the language on the next
page; Khmer, Lao and Chinese glyphs are drawn with the fonts the app serves."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.web.browser.conftest import Visit, screenshot, settle, translated

FONTS = {"km": "Noto Sans Khmer", "lo": "Noto Sans Lao", "zh": "Noto Sans SC"}
"""The family the app serves for each script (``/static/fonts.css``)."""
NAMES = {"km": "ខ្មែរ", "lo": "ລາວ", "zh": "中文"}


@pytest.mark.parametrize("lang", ["km", "zh"])
def test_the_language_switcher_translates_and_the_cookie_remembers(
    page: Page, visit: Visit, lang: str
) -> None:
    page.goto("/")
    switcher = page.get_by_role("navigation", name="Language")
    switcher.get_by_role("link", name=NAMES[lang], exact=True).click()
    page.wait_for_url(f"**/?lang={lang}")
    settle(page)
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        translated(lang, "Labour market information")
    )
    expect(page.get_by_role("heading", name=translated(lang, "Latest releases"))).to_be_visible()
    switcher = page.get_by_role("navigation", name=translated(lang, "Language"))
    expect(switcher.get_by_role("link", name=NAMES[lang])).to_have_attribute("aria-current", "true")
    assert {c["name"]: c["value"] for c in page.context.cookies()}["lang"] == lang
    screenshot(page, f"home-{lang}")

    # The next page, reached through the main menu (no ?lang= in its address), keeps it.
    menu = page.get_by_role("navigation", name=translated(lang, "Main"))
    menu.get_by_role("link", name=translated(lang, "Data"), exact=True).click()
    page.wait_for_url("**/data")
    settle(page)
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.get_by_role("heading", level=1)).to_have_text(translated(lang, "Data"))
    expect(page.get_by_role("button", name=translated(lang, "Apply"))).to_be_visible()
    expect(page.get_by_role("link", name=translated(lang, "Next page"))).to_be_visible()
    screenshot(page, f"data-{lang}")
    assert visit.problems == []


def rendered_with(page: Page, selector: str) -> set[str]:
    """The fonts Chromium drew the text of ``selector`` with: the family of each web font
    (as its file names it: ``Noto Sans SC Thin`` for Fontsource's Noto Sans SC files), and
    ``local: NAME`` for each of the machine's fonts."""
    session = page.context.new_cdp_session(page)
    try:
        session.send("DOM.enable")
        session.send("CSS.enable")
        root = session.send("DOM.getDocument")["root"]["nodeId"]
        node = session.send("DOM.querySelector", {"nodeId": root, "selector": selector})
        fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})
    finally:
        session.detach()
    return {
        font["familyName"] if font["isCustomFont"] else f"local: {font['familyName']}"
        for font in fonts["fonts"]
    }


def served(fonts: set[str], family: str) -> bool:
    """Whether ``fonts`` (:func:`rendered_with`) are only the web font ``family``."""
    return len(fonts) == 1 and next(iter(fonts)).startswith(family)


@pytest.mark.parametrize("lang", ["km", "lo", "zh"])
def test_each_script_is_drawn_with_the_served_font(page: Page, lang: str) -> None:
    fetched: dict[str, int] = {}
    page.on(
        "response",
        lambda r: (
            "/static/fonts/" in r.url and fetched.__setitem__(r.url.rsplit("/", 1)[1], r.status)
        ),
    )
    page.goto(f"/?lang={lang}")
    settle(page)
    family = FONTS[lang]
    # Every glyph of the heading (bold) and of the search label (regular) is the web font's.
    assert served(rendered_with(page, "h1"), family), rendered_with(page, "h1")
    assert served(rendered_with(page, 'label[for="q"]'), family)
    assert page.evaluate(
        "f => document.fonts.check(`bold 16px \"${f}\"`, document.querySelector('h1').textContent)",
        family,
    )
    loaded = page.evaluate(
        "[...document.fonts].filter(f => f.status === 'loaded').map(f => `${f.family} ${f.weight}`)"
    )
    assert f"{family} 400" in loaded and f"{family} 700" in loaded
    prefix = family.lower().replace(" ", "-")
    ours = {name: status for name, status in fetched.items() if name.startswith(prefix)}
    assert {name.rsplit("-", 2)[1] for name in ours} == {"400", "700"}
    assert set(ours.values()) == {200}
    if lang == "zh":  # Chinese is split into many subsets; only a few are needed here
        assert 2 <= len(ours) < 40, sorted(ours)


def test_the_switcher_names_every_language_in_its_own_script(page: Page) -> None:
    page.goto("/")
    settle(page)
    for lang, family in FONTS.items():
        link = f'nav.languages a[hreflang="{lang}"]'
        assert page.locator(link).text_content() == NAMES[lang]
        assert served(rendered_with(page, link), family), rendered_with(page, link)

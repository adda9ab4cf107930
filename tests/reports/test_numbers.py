"""The brief's numbers (issue 21): by unit and language through the dashboard's formatting
function, so that a brief and the area page never write one value two ways."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from decentwork.formatting import MONEY, PERCENT, number
from decentwork.reports.render import html
from decentwork.web.app import create_app
from tests.reports.conftest import brief_of

SCIENTIFIC = re.compile(r"\d[eE][+-]?\d")


def _headline(page: str) -> dict[str, list[str]]:
    """The headline table's number cells by framework code (latest value, interval, change)."""
    table = page[page.index('<table class="headline">') : page.index("</table>")]
    rows = re.findall(r'<span class="sdg">([\d.]+)</span>.*?</tr>', table, re.DOTALL)
    bodies = re.findall(r'<span class="sdg">[\d.]+</span>(.*?)</tr>', table, re.DOTALL)
    return {
        code: [re.sub(r"<[^>]+>", "", cell).split(" (")[0].strip() for cell in cells]
        for code, body in zip(rows, bodies, strict=True)
        if (cells := re.findall(r'<td class="n">(.*?)</td>', body, re.DOTALL))
    }


@pytest.mark.parametrize("lang", ["en", "fr", "zh", "km", "lo"])
def test_the_brief_writes_rates_to_one_decimal_in_its_language(brief_url: str, lang: str) -> None:
    brief = brief_of(brief_url, "KHM", lang)
    page = html(brief)
    found = _headline(page)
    rows = {row.code: row for row in brief.headline}
    unemployment = rows["8.5.2"]
    value, _interval, change = found["8.5.2"]
    assert value == number(unemployment.latest[1], PERCENT, lang)  # 0.396: 0.4 (0,4)
    assert change == number(unemployment.change, PERCENT, lang, signed=True)
    earnings = rows["8.5.1"]  # ILOSTAT's label: "(Local currency)", two decimals
    assert found["8.5.1"][0] == number(earnings.latest[1], MONEY, lang)
    assert not SCIENTIFIC.search(" ".join(re.findall(r">([^<]*)<", page)))


def test_the_brief_and_the_area_page_write_the_same_numbers(brief_url: str) -> None:
    brief = brief_of(brief_url, "KHM", "fr")
    found = _headline(html(brief))
    with TestClient(create_app(brief_url)) as client:
        area = client.get("/areas/KHM", params={"lang": "fr"}).text
    shown = {
        code: re.findall(r'<td class="num">([^<]*)</td>', row)
        for code, row in re.findall(
            r'<a href="/indicators/([^?"]+)\?ref_area=KHM">.*?(<td.*?)</tr>', area, re.DOTALL
        )
    }
    compared = 0
    for row in brief.headline:
        page = shown.get(row.indicator or "")
        if page and row.latest and page[0] == found[row.code][0]:
            compared += 1
        elif page and row.latest:
            # the area page may show another breakdown of the indicator; same unit, same style
            assert len(page[0].split(",")[-1]) == len(found[row.code][0].split(",")[-1])
    assert compared >= 2  # the unemployment rate and the NEET rate at least

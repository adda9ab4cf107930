"""Numbers and charts a statistical office would print (issue 21): one formatting function by
unit and language (Babel), the same on the pages, in the charts and in the briefs; chart
titles by the indicator's name; an area named by its code alone named once; each table of
the area page titled once."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from decentwork import formatting, observations
from decentwork.formatting import (
    COUNT,
    GROWTH,
    MONEY,
    NUMBER,
    PERCENT,
    THOUSANDS,
    Units,
    number,
    style_of,
)
from decentwork.observations import writers
from decentwork.warehouse import engine, load_file
from decentwork.warehouse.descriptions import IndicatorMetadata
from decentwork.web.app import create_app
from tests.web.conftest import Served

SCIENTIFIC = re.compile(r"\d[eE][+-]?\d")
"""A number in scientific notation (1.674e+04)."""
UNEMPLOYMENT = "SDG_0852_SEX_AGE_RT"
EN = {"lang": "en"}
"""Pages in English (the clients remember the language a test asked for before)."""


# The formatting function -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "level", "rate", "count"),
    [
        ("en", "16,740.3", "6.4", "1,220"),
        ("fr", "16\u202f740,3", "6,4", "1\u202f220"),  # a narrow no-break space groups
        ("zh", "16,740.3", "6.4", "1,220"),
        ("km", "16,740.3", "6.4", "1,220"),  # CLDR's default digits for Khmer are Latin
        ("lo", "16.740,3", "6,4", "1.220"),  # Lao: a dot groups, a comma is the decimal sign
        ("es", "16.740,3", "6,4", "1.220"),
    ],
)
def test_numbers_per_language(lang: str, level: str, rate: str, count: str) -> None:
    assert number(16_740.25, THOUSANDS, lang) == level  # not 1.674e+04
    assert number(6.442, PERCENT, lang) == rate
    assert number(1_220, COUNT, lang) == count
    assert not SCIENTIFIC.search(number(16_740.25, THOUSANDS, lang))
    assert not SCIENTIFIC.search(number(1.5e-7, NUMBER, lang))
    assert not SCIENTIFIC.search(number(3.2e12, THOUSANDS, lang))


def test_decimals_come_from_the_unit_not_the_value() -> None:
    # the area page showed 6.213, 40.8 and 8905: four significant digits, whatever the unit
    assert [number(v, PERCENT) for v in (6.213, 40.8, 0.396)] == ["6.2", "40.8", "0.4"]
    assert [number(v, THOUSANDS) for v in (8905, 16_740.25, 0.5)] == ["8,905.0", "16,740.3", "0.5"]
    assert number(4_023.456, MONEY) == "4,023.46" and number(12.5, COUNT) == "13"
    assert number(2.5, NUMBER) == "2.5" and number(2.0, NUMBER) == "2"  # unknown: up to 2
    assert number(0.25, PERCENT) == "0.3" and number(-0.25, PERCENT) == "-0.3"  # half up


def test_changes_are_signed_and_a_nil_change_is_not() -> None:
    assert number(1.162, PERCENT, signed=True) == "+1.2"
    assert number(-0.2, PERCENT, "fr", signed=True) == "-0,2"
    assert number(0.003, PERCENT, signed=True) == "0.0"  # 0.393 -> 0.396 is no change
    assert number(-0.003, PERCENT) == "0.0"  # never "-0.0"
    assert number(-0.35, GROWTH, signed=True) == "-0.35"


def test_missing_numbers_and_intervals() -> None:
    assert number(None) == formatting.DASH and number(float("nan")) == formatting.DASH
    assert number(None, missing="") == ""
    assert formatting.interval(16_400.0, 17_080.0, THOUSANDS) == "16,400.0 \u2013 17,080.0"
    assert formatting.interval(6.1, 6.8, PERCENT, "fr") == "6,1 \u2013 6,8"
    assert formatting.interval(None, 1.0, PERCENT) == formatting.DASH


def test_the_unit_of_an_indicator() -> None:
    assert style_of("percent") is PERCENT and style_of("thousands") is THOUSANDS
    assert style_of("persons") is COUNT and style_of("local currency") is MONEY
    # ILOSTAT's labels end with the unit
    assert style_of(None, "Employment by sex and age (thousands)") is THOUSANDS
    assert style_of(None, "SDG indicator 8.5.2 - Unemployment rate (%)") is PERCENT
    assert style_of(None, "SDG indicator 8.5.1 - Average hourly earnings (Local currency)") is (
        MONEY
    )
    # else the code: a rate; else a number of unknown unit
    assert style_of(None, None, "SDG_0861_SEX_RT") is PERCENT
    assert style_of(None, "Something", "XYZ_NB") is NUMBER
    units = Units.of({"EMP": ("thousands", "...")}, {("indicator", "PES_NB"): "Seekers (%)"})
    assert units("EMP") is THOUSANDS and units("PES_NB") is PERCENT and units(None) is NUMBER


def test_axis_labels_take_the_decimals_of_their_step() -> None:
    assert formatting.tick(0.5, 0.5) == "0.5" and formatting.tick(20_000, 5_000) == "20,000"
    assert formatting.tick(0.25, 0.05, "fr") == "0,25"
    assert formatting.tick_decimals(2) == 0 and formatting.tick_decimals(0.2) == 1


# The pages --------------------------------------------------------------------------------------


def _shown_numbers(html: str) -> list[str]:
    """The text of every table cell and SVG text or title of a page."""
    return re.findall(r"<(?:td|text|title|desc)[^>]*>([^<]*)<", html)


@pytest.mark.parametrize("lang", ["en", "fr", "zh", "km", "lo"])
def test_area_and_indicator_pages_write_no_number_in_scientific_notation(
    served: Served, lang: str
) -> None:
    for path in ("/areas/KHM", "/areas/CHN", f"/indicators/{UNEMPLOYMENT}", "/"):
        html = served.client.get(path, params={"lang": lang}).text
        found = [text for text in _shown_numbers(html) if SCIENTIFIC.search(text)]
        assert not found, (path, found[:5])


def _area_values(html: str) -> dict[str, list[str]]:
    """The area page's number cells (latest value, interval, change) by indicator code."""
    rows = re.findall(r'<a href="/indicators/([^?"]+)\?ref_area=[^"]*">.*?</tr>', html, re.DOTALL)
    cells = re.findall(r'<a href="/indicators/[^?"]+\?ref_area=[^"]*">(.*?)</tr>', html, re.DOTALL)
    return {
        code: re.findall(r'<td class="num">([^<]*)</td>', row)
        for code, row in zip(rows, cells, strict=True)
    }


def test_the_area_page_writes_each_unit_with_its_decimals(served: Served) -> None:
    shown = served.client.get("/areas/KHM.json").json()
    found = _area_values(served.client.get("/areas/KHM", params=EN).text)
    rates = [s for s in shown["indicators"] if s["indicator"].endswith("_RT")]
    assert rates
    for s in rates:  # rates to one decimal, the change with the value's decimals
        value, _interval, change = found[s["indicator"]]
        assert value == number(s["obs_value"], PERCENT) and re.fullmatch(r"\d+\.\d", value)
        if s["change"] is not None:
            assert change.startswith(number(s["change"], PERCENT, signed=True) + " (")
    # hourly earnings (ILOSTAT's label: "(Local currency)"): two decimals, grouped
    [earnings] = [s for s in shown["indicators"] if s["indicator"] == "SDG_0851_SEX_OCU_NB"]
    assert found["SDG_0851_SEX_OCU_NB"][0] == number(earnings["obs_value"], MONEY)
    assert re.fullmatch(r"[\d,]+\.\d\d", found["SDG_0851_SEX_OCU_NB"][0])
    french = served.client.get("/areas/KHM", params={"lang": "fr"}).text
    assert (
        number(rates[0]["obs_value"], PERCENT, "fr") in _area_values(french)[rates[0]["indicator"]]
    )


def test_each_table_of_the_area_page_is_titled_once(served: Served) -> None:
    html = served.client.get("/areas/KHM", params=EN).text
    assert html.count("Headline indicators") == 1
    assert html.count("SDG 8 indicators") == 1
    assert '<table aria-labelledby="headline">' in html and "<caption>" not in html


def test_charts_are_titled_by_the_indicator_name(served: Served) -> None:
    shown = served.client.get(f"/indicators/{UNEMPLOYMENT}.json").json()
    html = served.client.get(f"/indicators/{UNEMPLOYMENT}", params=EN).text
    assert shown["label"] != UNEMPLOYMENT
    assert f"<title>{shown['label']} over time</title>" in html.replace("&#39;", "'")
    assert f"{UNEMPLOYMENT} over time" not in html
    assert f"{UNEMPLOYMENT} by area" not in html
    area = served.client.get("/areas/KHM", params=EN).text
    assert f"Trend of {UNEMPLOYMENT}" not in area and "<title>Trend of SDG indicator" in area


# A warehouse of levels in thousands, and an area with no name ----------------------------------


@pytest.fixture(scope="module")
def levels(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A warehouse with an employment level in thousands (16,740.25 in 2024, with its
    interval and standard error) for Canada and for X_DW, an area no dictionary names."""
    folder = tmp_path_factory.mktemp("levels")
    rows = [
        {
            "ref_area": area,
            "indicator": "EMP_TEMP_SEX_AGE_NB",
            "source": "BA:147",
            "sex": "SEX_T",
            "classif1": "AGE_YTHADULT_YGE15",
            "time": time,
            "obs_value": value,
            "se": 86.6,
            "lower_bound": value - 169.7,
            "upper_bound": value + 169.7,
        }
        for area in ("CAN", "X_DW")
        for time, value in (("2022", 16_190.5), ("2023", 16_510.0), ("2024", 16_740.25))
    ]
    table = observations.frame(pd.DataFrame(rows, columns=list(observations.COLUMNS)))
    path = Path(folder / "levels.csv")
    path.write_text(writers.csv_text(table), encoding="utf-8")
    url = f"sqlite:///{folder / 'w.sqlite'}"
    target = engine(url)
    described = IndicatorMetadata("EMP_TEMP_SEX_AGE_NB", "thousands", "Employment", "Employment")
    load_file(target, path, metadata=[described])
    target.dispose()
    with TestClient(create_app(url)) as client:
        yield client


@pytest.mark.parametrize(
    ("lang", "value", "bounds", "change"),
    [
        ("en", "16,740.3", "16,570.6 \u2013 16,910.0", "+230.3"),
        ("fr", "16\u202f740,3", "16\u202f570,6 \u2013 16\u202f910,0", "+230,3"),
        ("lo", "16.740,3", "16.570,6 \u2013 16.910,0", "+230,3"),
        ("zh", "16,740.3", "16,570.6 \u2013 16,910.0", "+230.3"),
        ("km", "16,740.3", "16,570.6 \u2013 16,910.0", "+230.3"),
    ],
)
def test_levels_in_thousands_on_the_pages(
    levels: TestClient, lang: str, value: str, bounds: str, change: str
) -> None:
    area = levels.get("/areas/CAN", params={"lang": lang}).text
    assert f'<td class="num">{value}</td>' in area
    assert f'<td class="num">{bounds}</td>' in area
    assert f'<td class="num">{change} (' in area
    assert not SCIENTIFIC.search(" ".join(_shown_numbers(area)))
    page = levels.get("/indicators/EMP_TEMP_SEX_AGE_NB", params={"lang": lang}).text
    assert not SCIENTIFIC.search(" ".join(_shown_numbers(page)))
    cells = re.findall(r'<td class="num">([^<]*)</td>', page)
    assert value in cells and number(86.6, THOUSANDS, lang) in cells  # SE: the value's decimals
    ticks = re.findall(r'<text class="tick"[^>]*>([^<]*)</text>', page)
    assert ticks == [number(t, COUNT, lang) for t in (0, 5_000, 10_000, 15_000, 20_000)]
    data = levels.get("/data", params={"ref_area": "CAN", "lang": lang}).text
    assert value in re.findall(r'<td class="num">([^<]*)</td>', data)


def test_an_area_named_by_its_code_is_named_once(levels: TestClient) -> None:
    html = levels.get("/areas/X_DW", params=EN).text
    [heading] = re.findall(r"<h1>(.*?)</h1>", html, re.DOTALL)
    assert heading.count("X_DW") == 1
    named = levels.get("/areas/CAN", params=EN).text
    [heading] = re.findall(r"<h1>(.*?)</h1>", named, re.DOTALL)
    assert "<small>CAN</small>" in heading or heading.count("CAN") == 1


def test_the_ranking_names_areas_and_writes_values_in_their_unit(served: Served) -> None:
    shown = served.client.get(f"/indicators/{UNEMPLOYMENT}.json", params={"ref_area": "KHM"})
    ranked = shown.json()["ranking"]["areas"]
    html = served.client.get(
        f"/indicators/{UNEMPLOYMENT}", params={"ref_area": "KHM", "lang": "en"}
    ).text
    bars = html[html.index('class="chart ranked-bars"') :]
    first = ranked[0]
    assert first["label"] != first["code"]
    title = f"<title>{first['label']}: {number(first['obs_value'], PERCENT)}</title>"
    assert title in bars.replace("&#39;", "'").replace("&#x27;", "'")
    assert f"<title>{first['code']}:" not in bars

"""One series per source and frequency on the dashboard (issue 21): Cambodia's progress pages
keep to one survey and say which; Canada's area page, with Statistics Canada's March 2024
public-use file computed beside ILOSTAT's annual figures in one warehouse, never compares the
month with a year; the explorer draws the month apart, with its interval as a bar."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from html import unescape

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from decentwork.indicators.compute import WEIGHTS_ONLY_NOTE
from decentwork.warehouse import engine, load_file
from decentwork.web.app import create_app
from tests.warehouse.conftest import SHARED, assert_ok, bulk_file, invoke
from tests.web.conftest import Served

UNEMPLOYMENT = "SDG_0852_SEX_AGE_RT"


# Cambodia: one survey per series ---------------------------------------------------------------


def test_cambodia_progress_keeps_to_one_source_and_says_which(served: Served) -> None:
    shown = served.client.get("/progress/sdg8/8.5.2.json", params={"area": "KHM"}).json()
    rows = shown["assessments"]
    assert rows and {r["source"] for r in rows} == {"BB:3064"}
    assert {r["other_sources"] for r in rows} == {"AA:1320 BA:1321"}
    assert "AA:1320 BA:1321 BB:3064" not in str(shown)
    [total] = [r for r in rows if r["breakdown"] == "total" and r["method"] == "open-sdg"]
    assert (total["baseline_value"], total["latest_value"]) == (0.393, 0.396)
    assert "values flagged unreliable (U) left out: 1999, 2017" in total["notes"]
    table = pd.read_csv(
        io.StringIO(served.client.get("/progress/sdg8/8.5.2.csv", params={"area": "KHM"}).text)
    )
    assert set(table["source"]) == {"BB:3064"}
    page = served.client.get("/progress/sdg8/8.6.1", params={"area": "KHM"}).text
    # the chart: the household survey is the series, the census and the LFS their own lines
    [series] = re.findall(r'<g class="series"><polyline points="([^"]*)"', page)
    neet = pd.read_csv(bulk_file("SDG_0861_SEX_RT_A.csv"), encoding="utf-8-sig")
    hies = neet[(neet.ref_area == "KHM") & (neet.sex == "SEX_T") & (neet.source == "BB:3064")]
    assert len(series.split()) == len(hies) == 14  # the household survey's years, only
    assert re.findall(r'data-source="([^"]+)"', page) == ["AA:1320", "BA:1321"]
    assert "AA:1320 2008: 79.2" in page  # the census value (79.17), apart
    assert ">Series BB:3064</text>" in page
    assert '<p class="source">Sources: <span lang="en">source BB:3064 (' in page


def test_unreliable_values_count_when_the_visitor_asks(served: Served) -> None:
    asked = served.client.get(
        "/progress/sdg8/8.5.2.json", params={"area": "KHM", "unreliable": "true"}
    ).json()
    [total] = [
        r for r in asked["assessments"] if r["breakdown"] == "total" and r["method"] == "open-sdg"
    ]
    assert asked["unreliable"] is True and "unreliable" not in total["notes"]
    grid = served.client.get("/progress/sdg8", params={"area": "KHM", "unreliable": "true"})
    assert 'name="unreliable" value="true" checked' in grid.text
    assert "0.4 (2021, BB:3064)" in grid.text  # each cell names its source (0.396)


# Canada: a month beside the years ---------------------------------------------------------------


@pytest.fixture(scope="module")
def canada(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A warehouse with ILOSTAT's annual unemployment rates of Canada (BA:147, the bulk
    file's rows for CAN) and the rate computed from Statistics Canada's March 2024 public-use
    file (source BA:147 too, period 2024M03)."""
    folder = tmp_path_factory.mktemp("canada")
    month = folder / "2024-03.csv"
    pumf = SHARED / "statcan_lfs" / "pumf" / "2024-03-CSV.zip"
    assert_ok(invoke("compute", "statcan-lfs", pumf, "--indicators", UNEMPLOYMENT, "--out", month))
    # Statistics Canada's definition only: the profile's ICLS variant is a series of its own.
    rows = pd.read_csv(month, dtype=str, keep_default_na=False)
    rows[rows["source"] == "BA:147"].to_csv(month, index=False)
    with bulk_file("SDG_0852_SEX_AGE_RT_A.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = [row for row in csv.reader(f)]
    annual = folder / "SDG_0852_SEX_AGE_RT_A.csv"
    with annual.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([rows[0], *(row for row in rows[1:] if row[0] == "CAN")])
    url = f"sqlite:///{folder / 'w.sqlite'}"
    target = engine(url)
    load_file(target, annual)
    load_file(target, month)
    target.dispose()
    with TestClient(create_app(url)) as client:
        yield client


def test_the_area_page_never_compares_a_month_with_a_year(canada: TestClient) -> None:
    found = canada.get("/areas/CAN.json").json()
    [rate] = [s for s in found["indicators"] if s["indicator"] == UNEMPLOYMENT]
    # the latest figure is the month's; nothing of its own frequency and source before it
    assert (rate["time"], rate["frequency"], rate["source"]) == ("2024M03", "monthly", "BA:147")
    assert rate["obs_value"] == pytest.approx(6.442, abs=5e-4)
    assert rate["change"] is None and rate["previous_time"] is None
    assert rate["lower_bound"] < rate["obs_value"] < rate["upper_bound"]
    assert found["trends"][UNEMPLOYMENT] == [rate["obs_value"]]  # no year in its trend
    page = canada.get("/areas/CAN").text
    assert "since 2022" not in page and "+1.162" not in page
    # the annual figures are still in the warehouse: 2022 at 5.28, as the bulk file has it
    annual = canada.get(
        "/api/v1/observations.json",
        params={"ref_area": "CAN", "indicator": UNEMPLOYMENT, "sex": "SEX_T", "time": "2022"},
    )
    values = {(r["classif1"], r["time"]): r["obs_value"] for r in annual.json()["observations"]}
    assert values[("AGE_YTHADULT_YGE15", "2022")] == 5.28


def test_the_explorer_draws_the_month_apart_with_its_interval(canada: TestClient) -> None:
    page = canada.get(f"/indicators/{UNEMPLOYMENT}", params={"ref_area": "CAN"}).text
    names = re.findall(r'font-size="12">([^<]*)</text></g>', page)
    # one line per frequency, each named by its source (no area dictionary: the CLDR's name)
    assert names == ["Canada BA:147 A", "Canada BA:147 M"]
    monthly = page[page.index('data-series="1"') :]
    monthly = monthly[: monthly.index("</g>", monthly.index('class="key"'))]
    assert 'class="band"' not in monthly
    assert re.search(r'<g class="interval"[^>]*>.*?<title>2024M03: \[', monthly)
    annual = page[page.index('data-series="0"') : page.index('data-series="1"')]
    assert "2024M03" not in annual  # the year line never reaches the month


def test_the_weights_only_note_is_shown_with_the_month(canada: TestClient) -> None:
    page = canada.get(f"/indicators/{UNEMPLOYMENT}", params={"ref_area": "CAN"}).text
    listed = {
        k: unescape(note) for k, note in re.findall(r'<li id="note-(\d+)">([^<]*)</li>', page)
    }
    [weights_only] = [k for k, note in listed.items() if note == WEIGHTS_ONLY_NOTE]
    [national] = [k for k, note in listed.items() if note.startswith("National definition")]
    month_rows = [row for row in page.split("<tr>") if "<td>2024M03</td>" in row]
    assert month_rows
    for row in month_rows:  # each monthly row links to both of its notes
        assert f'<a href="#note-{national}">' in row
        assert f'<a href="#note-{weights_only}">' in row
    year_rows = [row for row in page.split("<tr>") if "<td>2022</td>" in row]
    assert year_rows and all(f"#note-{weights_only}" not in row for row in year_rows)
    # the observations keep it: the CSV and the API give the note with every monthly value
    found = canada.get(
        "/api/v1/observations.json",
        params={"ref_area": "CAN", "indicator": UNEMPLOYMENT, "time": "2024"},
    ).json()["observations"]
    monthly = [r for r in found if r["time"] == "2024M03"]
    assert monthly and {r["note_source"] for r in monthly} == {WEIGHTS_ONLY_NOTE}


def test_a_framework_page_opens_on_areas_with_data(canada: TestClient) -> None:
    # none of the focus areas (KHM, LAO...) is in this warehouse: the page opens on Canada,
    # not on its provinces (their March figures are no annual series to assess)
    found = canada.get("/progress/sdg8.json").json()
    assert found["areas"] == ["CAN"]
    [rate] = [r for r in found["assessments"] if r["code"] == "8.5.2"]
    assert rate["status"] != "no_data"
    # an area asked for is shown even without data
    assert canada.get("/progress/sdg8.json", params={"area": "KHM"}).json()["areas"] == ["KHM"]

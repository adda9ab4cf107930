"""The monitoring pages: the frameworks, a framework's status grid and an indicator's progress
page, each also as JSON and CSV, in the visitor's language, with errors for bad addresses."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest

from decentwork.monitoring.frameworks import load_framework
from decentwork.monitoring.tracking import track
from decentwork.warehouse import engine
from tests.web.conftest import Served


def test_the_frameworks_are_listed(served: Served) -> None:
    page = served.client.get("/progress")
    assert page.status_code == 200
    for name in ("sdg8", "ilo-china-partnership-2016", "dwcp-template"):
        assert f'href="/progress/{name}"' in page.text
    listed = served.client.get("/progress.json").json()["frameworks"]
    assert [f["code"] for f in listed] == ["dwcp-template", "ilo-china-partnership-2016", "sdg8"]
    assert 'href="/progress"' in served.client.get("/").text  # in the menu


def test_the_status_grid_equals_the_tracking(served: Served) -> None:
    page = served.client.get("/progress/sdg8", params={"area": "KHM,LAO"})
    assert page.status_code == 200
    grid = page.text
    assert "<caption>Status of each indicator by Open SDG / Statistics Canada</caption>" in grid
    # statuses in words (colour only repeats them)
    assert re.search(r'<span class="status good">Substantial progress / on track</span>', grid)
    assert '<span class="status none">No data</span>' in grid
    assert 'href="/progress/sdg8/8.5.2?area=KHM,LAO"' in grid
    shown = served.client.get("/progress/sdg8.json", params={"area": "KHM,LAO"}).json()
    target = engine(served.url)
    with target.connect() as connection:
        expected = track(
            connection, load_framework("sdg8"), ["KHM", "LAO"], ["open-sdg"], breakdowns=False
        )
    target.dispose()
    assert [(r["area"], r["code"], r["status"]) for r in shown["assessments"]] == [
        (r.area, r.code, r.assessment.status) for r in expected.rows
    ]
    table = pd.read_csv(
        io.StringIO(served.client.get("/progress/sdg8.csv", params={"area": "KHM,LAO"}).text)
    )
    assert len(table) == len(expected.rows) and set(table["method"]) == {"open-sdg"}


def test_the_partnership_grid_has_its_areas_and_milestones(served: Served) -> None:
    page = served.client.get("/progress/ilo-china-partnership-2016")
    assert page.status_code == 200
    for area in ("CHN", "KHM", "LAO"):
        assert f'href="/areas/{area}"' in page.text
    assert "<time>2013</time>" in page.text and "Cambodia and Lao PDR" in page.text
    shown = served.client.get("/progress/ilo-china-partnership-2016.json").json()
    placements = [r for r in shown["assessments"] if r["code"] == "A2.2.1"]
    assert {r["status"] for r in placements} == {"no_data"} and len(placements) == 3


def test_a_method_without_target_says_why(served: Served) -> None:
    shown = served.client.get(
        "/progress/sdg8.json", params={"area": "LAO", "method": "unsd"}
    ).json()
    row = next(r for r in shown["assessments"] if r["code"] == "8.5.2")
    assert row["status"] == "no_assessment" and "no numeric target" in row["reason"]


def test_an_indicator_progress_page(served: Served) -> None:
    page = served.client.get("/progress/sdg8/8.5.2", params={"area": "LAO"})
    assert page.status_code == 200
    text = page.text
    assert "<h1>8.5.2 Unemployment rate</h1>" in text
    assert re.search(r'<svg[^>]*role="(img|group)"', text) and "<title>" in text
    assert "3.3 (2017)" in text and "1.2 (2022)" in text  # 3.269, 1.209: rates to one decimal
    assert "Gaps between groups" in text and "women" in text
    rows = pd.read_csv(
        io.StringIO(served.client.get("/progress/sdg8/8.5.2.csv", params={"area": "LAO"}).text)
    )
    assert set(rows["breakdown"]) == {"total", "women", "men", "youth 15-24", "adults 25+"}
    # LAO has no numeric target: the methods that need one are left out, and named
    assert set(rows["method"]) == {"open-sdg"}
    shown = served.client.get("/progress/sdg8/8.5.2.json", params={"area": "LAO"}).json()
    assert shown["without_target"] == ["escap", "unsd", "unsd-cagr"]
    assert "Not shown, for want of a numeric target" in text
    one = served.client.get(
        "/progress/sdg8/8.5.2.json", params={"area": "LAO", "method": "escap"}
    ).json()
    assert one["methods"] == ["escap"] and one["direction"] == "decrease"


def test_progress_pages_speak_the_visitors_language(served: Served) -> None:
    try:
        page = served.client.get("/progress/sdg8", params={"area": "LAO", "lang": "km"})
        assert "វឌ្ឍនភាពគួរឱ្យកត់សម្គាល់ / ស្របតាមគោលដៅ" in page.text  # substantial progress
        chinese = served.client.get("/progress/sdg8/8.5.2", params={"area": "LAO", "lang": "zh"})
        assert "基线" in chinese.text and "显著进展\uff0f步入正轨" in chinese.text
    finally:
        served.client.cookies.clear()  # the other tests read English pages


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/progress/sdg9.json", 404, "framework 'sdg9': not a bundled framework"),
        ("/progress/sdg8/9.9.9.json", 404, "framework sdg8: no indicator '9.9.9'"),
        ("/progress/sdg8.json?method=fast", 422, "method 'fast': expected one of"),
        ("/progress/sdg8.json?colour=red", 422, "colour"),
    ],
)
def test_bad_addresses(served: Served, path: str, status: int, message: str) -> None:
    answer = served.client.get(path)
    assert answer.status_code == status
    assert message in answer.json()["detail"]


def test_the_default_areas_are_the_focus_areas_with_data(served: Served) -> None:
    areas = served.client.get("/progress/sdg8.json").json()["areas"]
    held = {a["code"] for a in served.client.get("/api/v1/areas").json()["areas"]}
    assert areas and set(areas) <= held
    assert areas == [a for a in ("KHM", "LAO", "CHN", "THA", "VNM") if a in held]

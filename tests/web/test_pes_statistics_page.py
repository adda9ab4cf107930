"""The public PES statistics page, ``/pes-statistics/{area}``: its trends, rates,
occupation lists and sub-national table against the constructed statistics' known answers
(tests/monitoring/pes_statistics.py), its JSON and CSV twins, its languages, suppressed cells
shown as suppressed (never as zero), its refusals, caching and headers; all from a warehouse
alone, with no PES database anywhere."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from decentwork.web import languages
from decentwork.web.app import create_app
from decentwork.web.protocol import SECURITY_HEADERS
from tests.monitoring.pes_statistics import LATEST, MONTHS, sqlite_url, warehouse_with_pes

PAGE = "/pes-statistics/KHM"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The application on a warehouse holding the constructed KHM statistics, asked to
    serve the PES too while no PES database exists (so none is served)."""
    folder = tmp_path_factory.mktemp("pes-page")
    url = warehouse_with_pes(sqlite_url(folder), folder)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DECENTWORK_PES_DB", f"sqlite:///{folder}/no-pes-here.sqlite")
        with TestClient(create_app(url, pes=True)) as served:
            yield served
    assert not (folder / "no-pes-here.sqlite").exists()


@pytest.fixture(scope="module")
def page(client: TestClient) -> dict:
    response = client.get(f"{PAGE}.json")
    assert response.status_code == 200
    return response.json()


def trend(page: dict, code: str) -> dict[str, dict]:
    [found] = [t for t in page["trends"] if t["indicator"] == code]
    return {month["time"]: month for month in found["values"]}


def test_the_monthly_trends(page: dict) -> None:
    assert page["code"] == "KHM" and page["source"] == "PES:KHM"
    assert page["months"] == list(MONTHS) and page["latest"] == LATEST == "2026M11"
    assert [t["indicator"] for t in page["trends"]] == [
        "PES_SKR_NEW_NB",
        "PES_SKR_REG_NB",
        "PES_VAC_NEW_NB",
        "PES_PLC_NB",
    ]
    registered = trend(page, "PES_SKR_REG_NB")
    # both sexes, no breakdown: not the women's 660 nor the age total twice
    assert registered["2026M11"]["obs_value"] == 1220.0
    assert registered["2025M01"]["obs_value"] == 1000.0
    assert trend(page, "PES_SKR_NEW_NB")["2025M06"]["obs_value"] == 105.0
    assert trend(page, "PES_VAC_NEW_NB")["2026M11"]["obs_value"] == 94.0
    assert trend(page, "PES_PLC_NB")["2025M03"]["obs_value"] == 22.0
    assert [t["unit"] for t in page["trends"]] == ["persons", "persons", "vacancies", "persons"]
    assert [t["label"] for t in page["trends"]][:2] == [
        "New registrations",
        "Registered job seekers",
    ]


def test_a_suppressed_month_is_suppressed_not_zero(client: TestClient, page: dict) -> None:
    placed = trend(page, "PES_PLC_NB")["2025M02"]
    assert placed == {
        "time": "2025M02",
        "obs_value": None,
        "obs_status": "C",
        "suppressed": True,
        "note_source": "suppressed: primary rule",
    }
    html = client.get(PAGE).text
    monthly = html[html.index('id="monthly"') : html.index("</table>", html.index('id="monthly"'))]
    row = monthly[monthly.index('<th scope="row">2025M02</th>') :].split("</tr>")[0]
    assert row.count("suppressed <small>(C)</small>") == 1
    assert ">0<" not in row
    # the chart leaves the month out rather than drawing it at zero
    assert "Placements 2025M02" not in html and "Placements 2025M03: 22" in html


def test_the_latest_rates_and_time_to_placement(client: TestClient, page: dict) -> None:
    rates = {r["indicator"]: r for r in page["rates"]}
    assert list(rates) == ["PES_PLC_LVR_RT", "PES_PLC_REF_RT", "PES_PLC_DUR_MD"]
    assert rates["PES_PLC_LVR_RT"]["obs_value"] == 51.0  # 40 + 0.5 * 22
    assert rates["PES_PLC_LVR_RT"]["time"] == "2026M11"
    assert rates["PES_PLC_DUR_MD"]["obs_value"] == 45.0
    assert rates["PES_PLC_DUR_MD"]["unit"] == "days"
    referred = rates["PES_PLC_REF_RT"]
    assert (referred["obs_value"], referred["obs_status"], referred["suppressed"]) == (
        None,
        "C",
        True,
    )
    html = client.get(PAGE).text
    table = html[html.index('id="rates"') :].split("</table>")[0]
    assert "51.0 %" in table and "45 days" in table
    assert table.count("suppressed <small>(C)</small>") == 1


def test_the_shortage_and_surplus_occupations(client: TestClient, page: dict) -> None:
    lists = page["occupations"]
    assert (lists["time"], lists["shortage_threshold"], lists["surplus_threshold"]) == (
        "2026M11",
        1.5,
        0.5,
    )
    # major groups first, most acute first; the thresholds themselves count; the suppressed
    # group (3) and the month before's ratio of group 5 (5.0) put nothing on either list
    assert [(o["code"], o["obs_value"], o["level"]) for o in lists["shortage"]] == [
        ("OCU_ISCO08_2", 2.0, "major"),
        ("OCU_ISCO08_7", 1.5, "major"),
        ("OCU_ISCO08SUB_21", 3.0, "sub-major"),
    ]
    assert [(o["code"], o["obs_value"]) for o in lists["surplus"]] == [
        ("OCU_ISCO08_9", 0.25),
        ("OCU_ISCO08_4", 0.5),
        ("OCU_ISCO08SUB_93", 0.1),
    ]
    assert lists["shortage"][0]["label"] == "Occupation (ISCO-08): 2. Professionals"
    assert lists["shortage"][2]["label"] == "OCU_ISCO08SUB_21"  # no label: the code
    html = client.get(PAGE).text
    shortage = html[html.index('id="shortage"') :].split("</table>")[0]
    assert "Occupation (ISCO-08): 7. Craft and related trades workers" in shortage
    assert "OCU_ISCO08_5" not in html and "OCU_ISCO08_3" not in html


def test_the_sub_national_table(client: TestClient, page: dict) -> None:
    areas = {a["code"]: a for a in page["areas"]}
    assert list(areas) == ["GEO_PES_KH-1", "GEO_PES_KH-12"]
    assert areas["GEO_PES_KH-12"]["label"] == "Phnom Penh"
    values = areas["GEO_PES_KH-12"]["values"]
    assert values["PES_SKR_REG_NB"]["obs_value"] == 600.0
    assert values["PES_SKR_NEW_NB"]["obs_value"] == 60.0
    assert values["PES_PLC_NB"]["suppressed"] and values["PES_PLC_NB"]["obs_value"] is None
    assert values["PES_VAC_NEW_NB"] == {
        "obs_value": None,
        "obs_status": "",
        "suppressed": False,
        "note_source": "",
    }
    rule = areas["GEO_PES_KH-1"]["values"]["PES_PLC_NB"]["note_source"]
    assert rule == "suppressed: secondary rule"
    html = client.get(PAGE).text
    table = html[html.index('id="areas"') :].split("</table>")[0]
    assert "Banteay Meanchey" in table and ">600<" in table
    assert table.count("suppressed <small>(C)</small>") == 2


def test_the_csv_twin_has_the_observations_shown(client: TestClient, page: dict) -> None:
    response = client.get(f"{PAGE}.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows[0].keys() >= {"ref_area", "indicator", "source", "time", "obs_value"}
    assert {r["source"] for r in rows} == {"PES:KHM"}
    # four trends over 23 months, three rates, eight ratios, two areas' three figures each
    assert len(rows) == 4 * 23 + 3 + 8 + 6
    suppressed = [r for r in rows if r["obs_status"] == "C"]
    assert len(suppressed) == 1 + 1 + 1 + 2 and all(r["obs_value"] == "" for r in suppressed)
    same = client.get(PAGE, params={"format": "csv"})
    assert same.text == response.text


def test_the_page_and_its_headers(client: TestClient) -> None:
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.text
    assert html.count('<svg class="chart time-series"') == 2
    assert "<h1>Public employment service statistics: " in html
    assert 'href="/areas/KHM"' in html and f'href="{PAGE}.csv"' in html
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    assert response.headers["content-language"] == "en"
    again = client.get(PAGE)
    assert again.headers["x-cache"] == "hit" and again.text == html
    tag = response.headers["etag"]
    assert client.get(PAGE, headers={"If-None-Match": tag}).status_code == 304


def catalogue(lang: str) -> dict[str, str]:
    with languages.catalogue_path(lang).open("rb") as po:
        return {m.id: m.string for m in read_po(po, locale=lang) if m.id}


@pytest.mark.parametrize("lang", ["fr", "es", "zh", "km", "lo"])
def test_the_page_in_each_language(client: TestClient, lang: str) -> None:
    try:
        response = client.get(PAGE, params={"lang": lang})
    finally:
        client.cookies.clear()
    assert response.status_code == 200
    words = catalogue(lang)
    html = response.text
    assert f'<html lang="{lang}">' in html
    for message in ("Public employment service statistics", "Shortage occupations", "suppressed"):
        assert words[message] and words[message] in html, message
    assert "Shortage occupations" not in html
    assert response.headers["content-language"] == lang


def test_linked_from_the_area_and_home_pages(client: TestClient) -> None:
    assert f'href="{PAGE}"' in client.get("/areas/KHM").text
    assert "/pes-statistics/" not in client.get("/areas/LAO").text
    home = client.get("/").text
    section = home[home.index('id="services"') :].split("</section>")[0]
    assert f'href="{PAGE}"' in section and "LAO" not in section


def test_no_pes_database_is_needed(client: TestClient) -> None:
    # the fixture's application was asked to serve the PES, whose database does not exist
    assert client.get("/pes/").status_code == 404
    assert client.get(PAGE).status_code == 200


@pytest.mark.parametrize(
    ("path", "status", "detail"),
    [
        (
            "/pes-statistics/LAO",
            404,
            "area 'LAO': no public employment service statistics in the warehouse",
        ),
        ("/pes-statistics/ZZZ", 404, "area 'ZZZ': no observations in the warehouse"),
        ("/pes-statistics/KHM?month=2026M11", 422, "month"),
        ("/pes-statistics/KHM?lang=xx", 422, "lang 'xx': expected one of"),
        ("/pes-statistics/KHM.csv?format=json", 422, "contradicts the path's .csv suffix"),
        ("/pes-statistics/KHM' OR 1=1 --", 404, "no observations in the warehouse"),
    ],
)
def test_refusals(client: TestClient, path: str, status: int, detail: str) -> None:
    base, _, query = path.partition("?")
    html = client.get(path)
    assert html.status_code == status
    asked = "application/json" if base.endswith(".csv") else "text/html"  # a twin's error
    assert html.headers["content-type"].startswith(asked)
    twin = client.get(base if base.endswith(".csv") else f"{base}.json", params=query or None)
    assert twin.status_code == status and detail in str(twin.json()), twin.json()


def test_on_postgresql_and_sqlite_alike(url: str, tmp_path: Path, page: dict) -> None:
    warehouse_with_pes(url, tmp_path)
    with TestClient(create_app(url, cache_bytes=0)) as served:
        found = served.get(f"{PAGE}.json").json()
    assert found == page

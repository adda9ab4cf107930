"""The dashboard's pages on the five ILOSTAT SDG 8 bulk files: every page type, filters in the
address, the JSON and CSV twins, downloads, errors and offline-ness."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest

from decentwork import observations
from decentwork.warehouse.views import Filters
from tests.warehouse.conftest import assert_same
from tests.web.conftest import Served, from_json

INDICATOR = "/indicators/SDG_0852_SEX_AGE_RT"


def page(served: Served, path: str, **params: object) -> str:
    response = served.client.get(path, params=params or None)
    assert response.status_code == 200, response.text
    return response.text


def table(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", "SDG_0852_SEX_AGE_RT"),
        ("/search?q=cambodia", "/areas/KHM"),
        ("/search?q=unemployment", INDICATOR),
        ("/areas/KHM", "Cambodia"),
        (INDICATOR, "Unemployment"),
        ("/data", "<table>"),
        ("/releases", "SDG_0852_SEX_AGE_RT_A.csv"),
        ("/releases/1", "Rows read"),
    ],
)
def test_every_page_type(served: Served, path: str, expected: str) -> None:
    text = page(served, path)
    assert expected in text
    for landmark in ("<header>", "<nav", "<main", "<footer>", 'class="skip"', 'hreflang="km"'):
        assert landmark in text


def test_the_indicator_page_filtered_to_khm(served: Served) -> None:
    found = served.client.get(f"{INDICATOR}.json", params={"ref_area": "KHM"}).json()
    assert found["filters"] == {
        "ref_area": "KHM",
        "time": "",
        "sex": "SEX_T",
        "classif1": "AGE_YTHADULT_YGE15",
        "classif2": None,
        "source": None,
    }
    rows = [r for r in found["observations"] if r["time"] == "2019" and r["source"] == "BA:1321"]
    assert [r["obs_value"] for r in rows] == [0.499]
    html = page(served, INDICATOR, ref_area="KHM")
    assert '<td class="num">0.5</td>' in html and "<svg" in html and "<title>" in html  # 0.499
    assert f'href="{INDICATOR}.csv?ref_area=KHM"' in html


def test_filters_in_the_address_change_the_table(served: Served) -> None:
    women = served.client.get(
        f"{INDICATOR}.json",
        params={
            "ref_area": "KHM,LAO",
            "sex": "SEX_F",
            "classif1": "AGE_YTHADULT_Y15-24",
            "time": "2010:2019",
        },
    ).json()
    expected = served.view(
        Filters.parse(
            {
                "indicator": ["SDG_0852_SEX_AGE_RT"],
                "ref_area": ["KHM", "LAO"],
                "sex": ["SEX_F"],
                "classif1": ["AGE_YTHADULT_Y15-24"],
            },
            "2010:2019",
        )
    )
    assert women["total"] == len(expected) > 0
    assert_same(from_json(women["observations"]), expected)
    html = page(served, INDICATOR, ref_area="KHM", sex="SEX_F")
    assert '<option value="SEX_F" selected>' in html


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/search?q=asia",
        "/areas/KHM",
        f"{INDICATOR}?ref_area=KHM,THA",
        "/releases",
        "/releases/2",
    ],
)
def test_json_and_csv_twins_agree(served: Served, path: str) -> None:
    base, _, query = path.partition("?")
    suffixed = f"{'/index' if base == '/' else base}.json" + (f"?{query}" if query else "")
    data = served.client.get(suffixed).json()
    by_format = served.client.get(f"{path}{'&' if query else '?'}format=json").json()
    assert data == by_format
    csv = served.client.get(suffixed.replace(".json", ".csv"))
    assert csv.headers["content-type"].startswith("text/csv")
    rows = table(csv.text)
    listed = next(
        data[k]
        for k in ("observations", "contents", "results", "indicators", "releases")
        if isinstance(data.get(k), list)
    )
    assert len(rows) == len(listed) > 0
    assert list(rows.columns) == list(listed[0])
    assert rows.iloc[0].tolist() == ["" if v is None else str(v) for v in listed[0].values()]


def test_data_equals_the_api_for_the_same_filters(served: Served) -> None:
    params = {
        "ref_area": "KHM,LAO",
        "indicator": "SDG_0861_SEX_RT",
        "sex": "SEX_F",
        "limit": 7,
        "offset": 3,
    }
    api = served.client.get("/api/v1/observations", params=params).json()
    json = served.client.get("/data.json", params=params).json()
    assert json["observations"] == api["observations"]
    assert json["total"] == api["total"]
    csv = served.client.get("/data", params={**params, "format": "csv"}).text
    assert csv == served.client.get("/api/v1/observations.csv", params=params).text


def test_data_sorts_by_a_column(served: Served) -> None:
    found = served.client.get(
        "/data.json", params={"indicator": "SDG_0861_SEX_RT", "sort": "-obs_value", "limit": 50}
    ).json()
    values = [r["obs_value"] for r in found["observations"]]
    assert values == sorted(values, reverse=True)
    html = page(served, "/data", indicator="SDG_0861_SEX_RT", sort="-obs_value")
    assert 'href="/data?indicator=SDG_0861_SEX_RT&amp;sort=obs_value&amp;offset=0"' in html


@pytest.mark.parametrize(
    ("path", "previous", "following"),
    [
        ("/data?indicator=SDG_0861_SEX_RT&limit=5&offset=7", 2, 12),
        ("/data?indicator=SDG_0861_SEX_RT&limit=5&offset=3", 0, 8),
        ("/data?indicator=SDG_0861_SEX_RT&limit=5", None, 5),
        ("/releases?limit=2&offset=6", 4, None),
        ("/releases?limit=2", None, 2),
    ],
)
def test_pages_link_the_previous_and_next_pages_as_the_json_does(
    served: Served, path: str, previous: int | None, following: int | None
) -> None:
    html = page(served, path)
    base, _, query = path.partition("?")
    kept = "&amp;".join(p for p in query.split("&") if not p.startswith("offset="))
    for rel, offset in (("prev", previous), ("next", following)):
        link = f'<a href="{base}?{kept}&amp;offset={offset}" rel="{rel}">'
        assert (link in html) == (offset is not None), (rel, html)
        assert (f'rel="{rel}"' in html) == (offset is not None)
    data = served.client.get(f"{base}.json?{query}").json()
    for key, offset in (("previous", previous), ("next", following)):
        assert (data[key] is None) == (offset is None)
        assert offset is None or data[key].endswith(f"offset={offset}")


def test_downloads_of_the_indicator_page(served: Served) -> None:
    shown = {"ref_area": "KHM", "sex": "SEX_T"}
    sdmx = served.client.get(f"{INDICATOR}.sdmx-csv", params=shown)
    assert sdmx.status_code == 200 and "STRUCTURE_ID" in sdmx.text
    workbook = served.client.get(f"{INDICATOR}.xlsx", params=shown)
    assert workbook.status_code == 200 and workbook.content[:2] == b"PK"
    csv = observations.frame(
        table(served.client.get(f"{INDICATOR}.csv", params=shown).text)
        .replace("", None)
        .astype({"obs_value": float})
    )
    assert len(csv) == served.client.get(f"{INDICATOR}.json", params=shown).json()["total"]


@pytest.mark.parametrize(
    ("path", "status", "detail"),
    [
        ("/areas/ZZZ", 404, "area 'ZZZ': no observations in the warehouse"),
        ("/indicators/NOPE", 404, "indicator 'NOPE': not in the warehouse"),
        ("/releases/999", 404, "release 999: no such release"),
        ("/data?time=2015-2023", 422, "time '2015-2023': expected YEAR"),
        ("/data?limit=20000", 422, "limit: input should be less than or equal to 10000"),
        ("/data?area=KHM", 422, "area: unknown parameter"),
        ("/data?sort=nope", 422, "sort 'nope': expected observation columns"),
        ("/areas/KHM.json?format=csv", 422, "format: 'csv' contradicts the path's .json suffix"),
        ("/?lang=xx", 422, "lang 'xx': expected one of en, zh, fr, es, km, lo"),
    ],
)
def test_errors_as_pages_and_as_json(served: Served, path: str, status: int, detail: str) -> None:
    response = served.client.get(path)
    assert response.status_code == status
    assert detail.replace("'", "&#39;") in response.text or detail in response.text
    base, _, query = path.partition("?")
    if "." not in base:
        twin = served.client.get(f"{'/index' if base == '/' else base}.json?{query}")
        assert twin.status_code == status and twin.json()["detail"].startswith(detail)


def test_the_api_errors_stay_json(served: Served) -> None:
    response = served.client.get("/api/v1/areas/ZZZ")
    assert response.status_code == 404 and response.json()["detail"].startswith("area 'ZZZ'")


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/areas/KHM",
        INDICATOR,
        "/data",
        "/releases",
        "/releases/1",
        "/search?q=lao",
        "/nothing",
    ],
)
def test_no_page_loads_anything_from_elsewhere(served: Served, path: str) -> None:
    html = served.client.get(path).text
    assert not re.search(r"""\b(src|href|action)\s*=\s*["']?(https?:)?//""", html)
    assert "@import" not in html and "url(" not in html
    for asset in re.findall(r"""(?:src|href)="(/static/[^"]+)""", html):
        assert served.client.get(asset).status_code == 200


def test_static_files_have_no_external_references(served: Served) -> None:
    for asset in ("/static/style.css", "/static/charts.js"):
        assert not re.search(r"https?://", served.client.get(asset).text)


def test_charts_have_text_alternatives(served: Served) -> None:
    html = page(served, INDICATOR, ref_area="KHM,LAO")
    charts = re.findall(r"<svg.*?</svg>", html, re.S)
    assert len(charts) == 2
    assert all(re.search(r'role="img"><title>[^<]+</title><desc>', c) for c in charts)
    area = page(served, "/areas/KHM")
    assert area.count('class="sparkline"') >= 2


@pytest.mark.parametrize("area", ["KHM", "LAO", "BRA", "ZAF"])
def test_an_area_profile_summarises_its_observations(served: Served, area: str) -> None:
    profile = served.client.get(f"/areas/{area}.json").json()
    found = served.view(Filters.parse({"ref_area": [area]}, None))
    assert profile["observations"] == len(found)
    assert {s["indicator"] for s in profile["indicators"]} == set(
        found.dropna(subset=["obs_value"])["indicator"]
    )
    for summary in profile["indicators"]:
        series = found[
            (found["indicator"] == summary["indicator"])
            & (found["sex"] == summary["sex"])
            & (found["classif1"] == summary["classif1"])
            & (found["classif2"] == summary["classif2"])
            & (found["source"] == summary["source"])
        ].dropna(subset=["obs_value"])
        series = series.sort_values("time")
        assert summary["time"] == series["time"].iloc[-1]
        assert summary["obs_value"] == series["obs_value"].iloc[-1]
        assert profile["trends"][summary["indicator"]] == series["obs_value"].tolist()
        if "SEX_T" in set(found[found["indicator"] == summary["indicator"]]["sex"]):
            assert summary["sex"] == "SEX_T"


def test_the_explorers_ranking_is_the_latest_year_by_value(served: Served) -> None:
    ranking = served.client.get(f"{INDICATOR}.json").json()["ranking"]
    found = served.view(
        Filters.parse(
            {
                "indicator": ["SDG_0852_SEX_AGE_RT"],
                "sex": ["SEX_T"],
                "classif1": ["AGE_YTHADULT_YGE15"],
            },
            None,
        )
    )
    annual = found[found["time"].str.len() == 4].dropna(subset=["obs_value"])
    assert ranking["time"] == annual["time"].max()
    latest = annual[annual["time"] == ranking["time"]]
    assert [a["code"] for a in ranking["areas"]] == sorted(
        set(latest["ref_area"]),
        key=lambda code: (-latest[latest["ref_area"] == code]["obs_value"].iloc[0], code),
    )
    for entry in ranking["areas"][:10]:
        assert (
            entry["obs_value"] == latest[latest["ref_area"] == entry["code"]]["obs_value"].iloc[0]
        )


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/releases",
        "/releases.json",
        "/releases.csv",
        "/releases/1.json",
        "/releases/1",
        "/index.json",
        "/",
    ],
)
def test_public_pages_name_no_folder_and_no_operator(served: Served, path: str) -> None:
    """Releases show their file's name, not the server's folders nor who loaded them."""
    text = served.client.get(path).text
    assert "/shared/data" not in text and "bulk_sdg8" not in text
    assert "loaded_by" not in text and "@" not in text
    assert "SDG_0852_SEX_AGE_RT_A.csv" in text or path.startswith("/releases/1")


def test_csv_twins_make_formula_like_text_inert(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A label that a spreadsheet would run (``=HYPERLINK(...)``) stays text in a page's CSV
    (the OWASP rule, :func:`decentwork.observations.writers.inert`)."""
    from decentwork.names import Name
    from decentwork.web.rendering import Labels

    monkeypatch.setattr(Labels, "name", lambda self, kind, code: Name(f"=HYPERLINK({code})", "en"))
    rows = table(served.client.get("/search.csv", params={"q": "KHM"}).text)
    assert rows["label"].tolist() == ["'=HYPERLINK(KHM)"]

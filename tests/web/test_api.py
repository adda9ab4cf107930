"""The REST API on the five ILOSTAT SDG 8 bulk files: every filter, time ranges, pages,
``as_of``, JSON and CSV, indicators, areas, groups and releases, and the errors."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from decentwork import observations
from decentwork.warehouse import engine, load_file
from decentwork.warehouse.views import Filters
from decentwork.web.app import create_app
from tests.warehouse.conftest import BULK_FILES, assert_same, read_observations, write_csv
from tests.web.conftest import DICTIONARIES, Served, from_json

API = "/api/v1"
KHM_0852 = {"ref_area": "KHM", "indicator": "SDG_0852_SEX_AGE_RT"}


def get(served: Served, path: str, **params: object) -> dict:
    response = served.client.get(f"{API}{path}", params=params)
    assert response.status_code == 200, response.text
    return response.json()


# Observations --------------------------------------------------------------------------------


def test_the_issues_example_observation(served: Served) -> None:
    found = get(
        served,
        "/observations",
        ref_area="KHM",
        indicator="SDG_0852_SEX_AGE_RT",
        source="BA:1321",
        sex="SEX_T",
        classif1="AGE_YTHADULT_YGE15",
        time="2019",
    )
    assert found["total"] == 1
    (row,) = found["observations"]
    assert list(row) == list(observations.COLUMNS)
    assert (row["time"], row["obs_value"], row["obs_status"], row["classif2"]) == (
        "2019",
        0.499,
        "B",
        "",
    )
    assert row["se"] is None and row["sample_count"] is None


@pytest.mark.parametrize(
    ("column", "codes"),
    [
        ("ref_area", "KHM"),
        ("ref_area", "KHM, LAO"),
        ("indicator", "SDG_0861_SEX_RT"),
        ("source", "BA:1321"),
        ("sex", "SEX_F"),
        ("classif1", "AGE_YTHADULT_Y15-24,ECO_AGGREGATE_AGR"),
    ],
)
def test_each_filter_gives_what_the_warehouse_view_gives(
    served: Served, column: str, codes: str
) -> None:
    wanted = [c.strip() for c in codes.split(",")]
    found = get(served, "/observations", **{column: codes}, limit=10_000)
    expected = served.view(Filters({column: wanted}))
    assert found["total"] == len(expected) > 0
    assert {row[column] for row in found["observations"]} == set(wanted)
    assert_same(from_json(found["observations"]), expected.head(10_000))


def test_filters_combine(served: Served) -> None:
    found = get(
        served,
        "/observations",
        **KHM_0852,
        sex="SEX_M,SEX_F",
        classif1="AGE_YTHADULT_YGE15",
        time="2010:2019",
    )
    expected = served.view(
        Filters.parse(
            {
                "ref_area": ["KHM"],
                "indicator": ["SDG_0852_SEX_AGE_RT"],
                "sex": ["SEX_M", "SEX_F"],
                "classif1": ["AGE_YTHADULT_YGE15"],
            },
            "2010:2019",
        )
    )
    assert found["total"] == len(expected) > 0
    assert_same(from_json(found["observations"]), expected)


@pytest.mark.parametrize(
    ("time", "first", "last"),
    [
        ("2019", 2019, 2019),
        ("2015:2023", 2015, 2023),
        ("2015:", 2015, 9999),
        (":2000", 0, 2000),
    ],
)
def test_time_ranges(served: Served, time: str, first: int, last: int) -> None:
    found = get(served, "/observations", indicator="SDG_0861_SEX_RT", time=time, limit=10_000)
    years = {int(row["time"][:4]) for row in found["observations"]}
    assert years and all(first <= y <= last for y in years)
    expected = served.view(Filters.parse({"indicator": ["SDG_0861_SEX_RT"]}, time))
    assert found["total"] == len(expected)
    assert_same(from_json(found["observations"]), expected)


def test_pages_follow_the_next_links_to_the_whole_view(served: Served) -> None:
    whole = get(served, "/observations", **KHM_0852, limit=10_000)
    assert whole["next"] is None and whole["previous"] is None
    rows, address, pages = (
        [],
        f"{API}/observations?ref_area=KHM&indicator=SDG_0852_SEX_AGE_RT&limit=7",
        0,
    )
    while address:
        page = served.client.get(address).json()
        assert page["total"] == whole["total"]
        assert (page["offset"], page["limit"]) == (7 * pages, 7)
        assert (page["previous"] is None) == (pages == 0)
        rows += page["observations"]
        address, pages = page["next"], pages + 1
    assert pages == -(-whole["total"] // 7)
    assert rows == whole["observations"]
    expected = served.view(Filters({"ref_area": ["KHM"], "indicator": ["SDG_0852_SEX_AGE_RT"]}))
    assert_same(from_json(rows), expected)


def test_a_page_in_the_middle_and_past_the_end(served: Served) -> None:
    whole = get(served, "/observations", **KHM_0852, limit=10_000)["observations"]
    middle = get(served, "/observations", **KHM_0852, limit=5, offset=10)
    assert middle["observations"] == whole[10:15]
    assert "offset=15" in middle["next"] and "offset=5" in middle["previous"]
    beyond = get(served, "/observations", **KHM_0852, offset=len(whole) + 3)
    assert beyond["observations"] == [] and beyond["next"] is None


def test_the_default_page_is_1000_rows_of_the_whole_view(served: Served) -> None:
    found = get(served, "/observations")
    assert found["limit"] == 1000 and len(found["observations"]) == 1000
    assert found["total"] == len(served.view())
    assert found["next"].endswith("offset=1000")


def test_as_of_a_release_and_a_date(served: Served) -> None:
    first = get(served, "/observations", as_of="1", limit=10_000)
    assert {r["indicator"] for r in first["observations"]} == {"SDG_0831_SEX_ECO_RT"}
    assert first["total"] == len(served.view(as_of="1"))
    third = get(served, "/observations", as_of="3", **KHM_0852, time="2019")
    assert (
        third["total"]
        == len(
            served.view(
                Filters.parse({"ref_area": ["KHM"], "indicator": ["SDG_0852_SEX_AGE_RT"]}, "2019")
            )
        )
        > 0
    )
    today = datetime.now(UTC).date().isoformat()
    assert (
        get(served, "/observations", as_of=today)["total"] == get(served, "/observations")["total"]
    )


def revised(url: str, folder: Path) -> TestClient:
    """A client on the warehouse at ``url`` holding two observations, one revised by a second
    release of the same file (with ``classif2`` codes, which the bulk files have none of)."""
    header = (
        "ref_area",
        "indicator",
        "source",
        "sex",
        "classif1",
        "classif2",
        "time",
        "obs_value",
        "obs_status",
    )
    rows = [
        ("KHM", "UNE_DEAP_SEX_AGE_RT", "BA:1", "SEX_T", "AGE_a", "EDU_X", "2019", "1.5", ""),
        ("KHM", "UNE_DEAP_SEX_AGE_RT", "BA:1", "SEX_T", "AGE_B", "EDU_Y", "2019", "2.5", ""),
    ]
    target = engine(url)
    load_file(target, write_csv(folder / "v1" / "une.csv", header, rows))
    load_file(
        target, write_csv(folder / "v2" / "une.csv", header, [rows[0], (*rows[1][:7], "3.5", "B")])
    )
    target.dispose()
    return TestClient(create_app(url))


def test_as_of_shows_what_a_revision_replaced(url: str, tmp_path: Path) -> None:
    with revised(url, tmp_path) as client:
        latest = client.get(f"{API}/observations").json()["observations"]
        before = client.get(f"{API}/observations", params={"as_of": "1"}).json()["observations"]
        one = client.get(f"{API}/observations", params={"classif2": "EDU_Y"}).json()
    assert [r["classif1"] for r in latest] == ["AGE_B", "AGE_a"]  # code point order
    assert [(r["obs_value"], r["obs_status"]) for r in latest] == [(3.5, "B"), (1.5, "")]
    assert [(r["obs_value"], r["obs_status"]) for r in before] == [(2.5, ""), (1.5, "")]
    assert [(r["classif2"], r["obs_value"]) for r in one["observations"]] == [("EDU_Y", 3.5)]


# Formats -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"ref_area": "KHM", "limit": 10_000},
        {
            "indicator": "SDG_0851_SEX_OCU_NB",
            "sex": "SEX_F",
            "time": "2015:2020",
            "limit": 500,
            "offset": 100,
        },
        {"indicator": "SDG_A821_NOC_RT"},
    ],
)
def test_csv_equals_json_for_the_same_filters(served: Served, params: dict) -> None:
    answer = get(served, "/observations", **params)
    by_suffix = served.client.get(f"{API}/observations.csv", params=params)
    by_format = served.client.get(f"{API}/observations", params={**params, "format": "csv"})
    assert by_suffix.status_code == by_format.status_code == 200
    assert by_suffix.text == by_format.text
    assert by_suffix.headers["content-type"] == "text/csv; charset=utf-8"
    assert by_suffix.text.splitlines()[0] == ",".join(observations.COLUMNS)
    assert by_suffix.headers["x-total-count"] == str(answer["total"])
    table = read_observations(by_suffix.text)
    assert len(table) == len(answer["observations"]) > 0
    assert_same(table, from_json(answer["observations"]))
    assert table[list(observations.KEY_COLUMNS)].values.tolist() == [
        [r[c] for c in observations.KEY_COLUMNS] for r in answer["observations"]
    ]
    by_json_suffix = get(served, "/observations.json", **params)
    assert (by_json_suffix["total"], by_json_suffix["observations"]) == (
        answer["total"],
        answer["observations"],
    )


def test_csv_pages_are_linked(served: Served) -> None:
    response = served.client.get(
        f"{API}/observations.csv", params={**KHM_0852, "limit": 5, "offset": 5}
    )
    links = response.headers["link"]
    assert 'offset=10>; rel="next"' in links and 'offset=0>; rel="previous"' in links
    assert "/observations.csv?" in links
    assert len(pd.read_csv(io.StringIO(response.text))) == 5


# Indicators, areas, groups, releases -----------------------------------------------------------


def test_indicators(served: Served) -> None:
    found = get(served, "/indicators")
    codes = [i["code"] for i in found["indicators"]]
    assert codes == sorted(name.removesuffix("_A.csv") for name in BULK_FILES)
    assert found["total"] == 5
    youth = next(i for i in found["indicators"] if i["code"] == "SDG_0861_SEX_RT")
    assert youth["label"].startswith("SDG indicator 8.6.1")
    assert youth["unit"] == "percent" and youth["definition"]
    assert youth["observations"] == len(served.view(Filters({"indicator": ["SDG_0861_SEX_RT"]})))
    assert youth["first"] <= youth["last"]


def test_one_indicator_says_which_areas_and_years_have_data(served: Served) -> None:
    found = get(served, "/indicators/SDG_0852_SEX_AGE_RT")
    expected = served.view(Filters({"indicator": ["SDG_0852_SEX_AGE_RT"]}))
    assert found["observations"] == len(expected)
    assert found["times"] == sorted(set(expected["time"]))
    areas = {a["code"]: a for a in found["areas"]}
    assert set(areas) == set(expected["ref_area"])
    khm = expected[expected.ref_area == "KHM"]
    assert areas["KHM"]["label"] == "Cambodia"
    assert areas["KHM"]["times"] == sorted(set(khm["time"])) and "2019" in areas["KHM"]["times"]
    assert areas["KHM"]["observations"] == len(khm)


def test_areas_and_one_area_with_its_groups(served: Served) -> None:
    listed = {a["code"]: a for a in get(served, "/areas")["areas"]}
    assert set(listed) == set(served.view()["ref_area"])
    assert listed["KHM"]["label"] == "Cambodia"
    khm = get(served, "/areas/KHM")
    groups = {g["code"] for g in khm["groups"]}
    assert {"X_ASEAN", "X_MEKONG", "X40", "X49"} <= groups and "X_G20" not in groups
    indicators = {i["code"]: i for i in khm["indicators"]}
    assert "2019" in indicators["SDG_0852_SEX_AGE_RT"]["times"]
    assert (
        khm["observations"]
        == listed["KHM"]["observations"]
        == len(served.view(Filters({"ref_area": ["KHM"]})))
    )


def test_groups(served: Served) -> None:
    listed = {g["code"]: g for g in get(served, "/groups")["groups"]}
    assert "KHM" in listed["X_ASEAN"]["members"] and listed["X_ASEAN"]["bundled"]
    mekong = get(served, "/groups/X_MEKONG")
    assert (mekong["members"], mekong["bundled"]) == (["KHM", "LAO"], True)
    assert mekong["source"]


def test_releases_newest_first_a_page_at_a_time(served: Served) -> None:
    found = get(served, "/releases")
    names = [*BULK_FILES, *DICTIONARIES]
    assert found["total"] == len(names)
    assert [r["file"] for r in found["releases"]] == names[::-1]
    assert [r["id"] for r in found["releases"]] == list(range(len(names), 0, -1))
    newest = found["releases"][0]
    assert newest["format"] == "ilostat-dictionary" and newest["full"] is True
    assert datetime.fromisoformat(newest["loaded_at"]).tzinfo is not None
    page = get(served, "/releases", limit=2, offset=2)
    assert page["releases"] == found["releases"][2:4]
    assert page["next"].endswith("offset=4") and page["previous"].endswith("offset=0")


def test_the_openapi_schema_and_docs(served: Served) -> None:
    schema = served.client.get("/api/openapi.json").json()
    assert {
        f"{API}/observations",
        f"{API}/observations.csv",
        f"{API}/observations.json",
        f"{API}/indicators",
        f"{API}/indicators/{{code}}",
        f"{API}/areas",
        f"{API}/areas/{{ref_area}}",
        f"{API}/groups",
        f"{API}/groups/{{code}}",
        f"{API}/releases",
    } <= set(schema["paths"])
    parameters = {p["name"] for p in schema["paths"][f"{API}/observations"]["get"]["parameters"]}
    assert {
        "ref_area",
        "indicator",
        "source",
        "sex",
        "classif1",
        "classif2",
        "time",
        "as_of",
        "limit",
        "offset",
        "format",
    } == parameters
    assert served.client.get("/api/docs").status_code == 200


def test_the_docs_page_loads_nothing_from_elsewhere(served: Served) -> None:
    page = served.client.get("/api/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    addresses = re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)["']""", page.text)
    assert addresses, page.text
    assert all(a.startswith("/static/") for a in addresses), addresses
    assert "http://" not in page.text and "https://" not in page.text
    assert "url: '/api/openapi.json'" in page.text
    for name, kind in [
        ("swagger-ui-bundle.js", "javascript"),
        ("swagger-ui.css", "text/css"),
        ("favicon-32x32.png", "image/png"),
    ]:
        answer = served.client.get(f"/static/swagger/{name}")
        assert answer.status_code == 200, name
        assert kind in answer.headers["content-type"]
        assert f"/static/swagger/{name}" in addresses
    assert served.client.get("/api/redoc").status_code == 404


# Errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"time": "2015-2023"}, "time '2015-2023': expected YEAR, FIRST:LAST, FIRST: or :LAST"),
        ({"time": "2023:2015"}, "time '2023:2015': the first year comes after the last"),
        ({"limit": "0"}, "limit: input should be greater than or equal to 1 (got '0')"),
        ({"limit": "10001"}, "limit: input should be less than or equal to 10000 (got '10001')"),
        ({"limit": "all"}, "limit: input should be a valid integer"),
        ({"offset": "-1"}, "offset: input should be greater than or equal to 0 (got '-1')"),
        ({"format": "xml"}, "format: input should be 'json' or 'csv' (got 'xml')"),
        ({"as_of": "yesterday"}, "as_of 'yesterday': expected a release number or a date"),
        ({"as_of": "2024-13-01"}, "as_of '2024-13-01': expected a release number or a date"),
        ({"as_of": "999"}, "as_of 999: no release 999"),
        ({"as_of": "1999-12-31"}, "as_of 1999-12-31: the warehouse had no release yet"),
        ({"area": "KHM"}, "area: unknown parameter"),
        ({"offset": str(10**13)}, "offset: input should be less than or equal to 1000000000000"),
        ({"as_of": "²"}, "as_of '²': expected a release number or a date"),
        ({"as_of": str(10**20)}, f"as_of {10**20}: no release {10**20}"),
        ({"ref_area": "KHM\x00"}, "ref_area 'KHM\\x00': a code cannot contain a NUL character"),
    ],
)
def test_bad_parameters_give_422_naming_the_parameter(
    served: Served, params: dict, message: str
) -> None:
    response = served.client.get(f"{API}/observations", params=params)
    assert response.status_code == 422
    assert message in response.json()["detail"]


def test_a_format_that_contradicts_the_suffix_gives_422(served: Served) -> None:
    response = served.client.get(f"{API}/observations.csv", params={"format": "json"})
    assert response.status_code == 422
    assert response.json() == {
        "detail": "format: 'json' contradicts the path's .csv suffix (give one or the other)",
        "parameter": "format",
        "given": "json",
        "expected": "csv or nothing",
    }


def test_bad_release_pages_give_422(served: Served) -> None:
    response = served.client.get(f"{API}/releases", params={"limit": "20000"})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("limit: input should be less than or equal")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/areas/ZZZ", "area 'ZZZ': no observations in the warehouse"),
        ("/indicators/NO_SUCH_RT", "indicator 'NO_SUCH_RT': not in the warehouse"),
        ("/groups/X_NONE", "group 'X_NONE': no such group"),
    ],
)
def test_unknown_area_indicator_or_group_gives_404(served: Served, path: str, message: str) -> None:
    response = served.client.get(f"{API}{path}")
    assert response.status_code == 404
    assert response.json()["detail"].startswith(message)


# Input that looks like SQL injection -------------------------------------------------------


INJECTIONS = [
    "KHM' OR 1=1 --",
    "KHM' OR '1'='1",
    "x'); DROP TABLE observations; --",
    'KHM" OR ""="',
    "1 UNION SELECT * FROM releases",
]


@pytest.mark.parametrize("text", INJECTIONS)
@pytest.mark.parametrize("column", ["ref_area", "indicator", "source", "sex", "classif1"])
def test_sql_injection_in_a_filter_finds_nothing(served: Served, column: str, text: str) -> None:
    """No rows; an area or indicator code the warehouse never held is refused (404)."""
    if column in ("ref_area", "indicator"):
        response = served.client.get(f"{API}/observations", params={column: text})
        assert response.status_code == 404
        assert response.json()["given"] == text
        return
    found = get(served, "/observations", **{column: text})
    assert (found["total"], found["observations"]) == (0, [])


@pytest.mark.parametrize("text", INJECTIONS)
def test_sql_injection_elsewhere_is_harmless(served: Served, text: str) -> None:
    for path in (f"/areas/{text}", f"/indicators/{text}", f"/groups/{text}"):
        assert served.client.get(f"{API}{path}").status_code == 404
    for name in ("time", "as_of"):
        assert served.client.get(f"{API}/observations", params={name: text}).status_code == 422
    assert get(served, "/observations", limit=1)["total"] == len(served.view())
    assert get(served, "/releases")["total"] == len(BULK_FILES) + len(DICTIONARIES)


def test_odd_input_is_harmless_on_both_databases(url: str, tmp_path: Path) -> None:
    with revised(url, tmp_path) as client:
        for column in ("classif1", "classif2"):
            found = client.get(f"{API}/observations", params={column: INJECTIONS[0]}).json()
            assert (found["total"], found["observations"]) == (0, [])
        refused = client.get(f"{API}/observations", params={"ref_area": INJECTIONS[0]})
        assert refused.status_code == 404
        for params in (
            {"ref_area": "KHM\x00"},
            {"as_of": str(10**20)},
            {"offset": str(10**13)},
            {"time": INJECTIONS[1]},
        ):
            assert client.get(f"{API}/observations", params=params).status_code == 422
        assert client.get(f"{API}/areas/KHM%00").status_code == 422
        assert client.get(f"{API}/indicators/{INJECTIONS[2]}").status_code == 404
        assert client.get(f"{API}/observations").json()["total"] == 2

"""One handler answers every :class:`~decentwork.errors.DecentworkError`: its HTTP status, JSON
with its structured fields for the API and the pages' JSON and CSV twins, the error page for
the pages; anything else is a server error, never reported as the user's fault."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from decentwork.errors import BadInput, Conflict, DecentworkError, NotFound, Refused, Unavailable
from decentwork.warehouse import engine, load_file
from decentwork.warehouse.tables import indicators
from decentwork.web.app import create_app
from tests.warehouse.conftest import ILOSTAT_HEADER, write_csv
from tests.web.conftest import Served


@pytest.mark.parametrize(
    "error",
    [
        BadInput("limit 'x': expected a number", parameter="limit", given="x", expected="a number"),
        NotFound("thing 'y': no such thing", hint="GET /things lists them"),
        Conflict("release 3 changed meanwhile", hint="ask again"),
        Unavailable("the database does not answer"),
        Refused("not yours to see"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_a_family_error_is_answered_with_its_status_and_fields(
    sdg8_url: str, error: DecentworkError
) -> None:
    def failing() -> None:
        raise error

    app = create_app(sdg8_url, cache_bytes=0)
    app.add_api_route("/api/v1/failing", failing)
    app.add_api_route("/failing", failing)
    with TestClient(app) as client:
        api, page, twin = (
            client.get(path) for path in ("/api/v1/failing", "/failing", "/failing.json")
        )
    assert api.status_code == page.status_code == twin.status_code == error.status
    assert api.json() == twin.json() == {"detail": error.message, **error.details()}
    assert page.headers["content-type"].startswith("text/html")
    assert error.message.replace("'", "&#39;") in page.text
    assert (error.hint or "") in page.text


def test_a_programming_error_is_a_server_error(sdg8_url: str) -> None:
    def failing() -> None:
        raise KeyError("a bug")

    app = create_app(sdg8_url, cache_bytes=0)
    app.add_api_route("/api/v1/failing", failing)
    with TestClient(app, raise_server_exceptions=False) as client:
        answer = client.get("/api/v1/failing")
    assert answer.status_code == 500
    assert "a bug" not in answer.text


def test_not_found_says_what_was_given_and_where_to_look(served: Served) -> None:
    answer = served.client.get("/api/v1/areas/ZZZ").json()
    assert answer == {
        "detail": "area 'ZZZ': no observations in the warehouse",
        "parameter": "ref_area",
        "given": "ZZZ",
        "hint": "GET /api/v1/areas lists the areas with data",
    }
    page = served.client.get("/releases/999")
    assert page.status_code == 404
    assert "release 999: no such release" in page.text
    assert "GET /api/v1/releases lists the releases" in page.text


def test_an_indicator_is_found_by_its_observations_on_pages_and_in_the_api(tmp_path: Path) -> None:
    """An indicator the warehouse describes but holds no observations of is found neither by
    the API nor by the pages (as neither lists it)."""
    url = f"sqlite:///{tmp_path}/w.sqlite"
    row = [
        "KHM",
        "EAP_DWAP_SEX_AGE_RT",
        "BA:1",
        "SEX_T",
        "AGE_YTHADULT_YGE15",
        "2019",
        "61.5",
        "",
        "",
        "",
        "",
    ]
    target = engine(url)
    load_file(target, write_csv(tmp_path / "eap.csv", ILOSTAT_HEADER, [row]))
    with target.begin() as connection:
        connection.execute(
            indicators.insert().values(
                code="UNE_DEAP_SEX_AGE_RT", unit="percent", definition="The unemployment rate."
            )
        )
    target.dispose()
    with TestClient(create_app(url)) as client:
        for path in (
            "/api/v1/indicators/UNE_DEAP_SEX_AGE_RT",
            "/indicators/UNE_DEAP_SEX_AGE_RT.json",
        ):
            answer = client.get(path)
            assert answer.status_code == 404, path
            assert (
                answer.json()["detail"] == "indicator 'UNE_DEAP_SEX_AGE_RT': not in the warehouse"
            )
        assert client.get("/api/v1/indicators/EAP_DWAP_SEX_AGE_RT").status_code == 200
        assert client.get("/indicators/EAP_DWAP_SEX_AGE_RT").status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "status", "detail"),
    [
        ("GET", "/api/v1/nothing", 404, "Not Found"),
        ("GET", "/api/nothing", 404, "Not Found"),
        ("POST", "/api/v1/observations", 405, "Method Not Allowed"),
        ("DELETE", "/api/v1/areas/KHM", 405, "Method Not Allowed"),
        ("GET", "/api/v1/failing", 500, "internal error: the server could not answer this request"),
    ],
)
def test_every_api_failure_is_json(
    sdg8_url: str, method: str, path: str, status: int, detail: str
) -> None:
    def failing() -> None:
        raise TypeError("a bug")

    app = create_app(sdg8_url, cache_bytes=0)
    app.add_api_route("/api/v1/failing", failing)
    with TestClient(app, raise_server_exceptions=False) as client:
        answer = client.request(method, path)
    assert answer.status_code == status
    assert answer.headers["content-type"] == "application/json"
    assert answer.json()["detail"] == detail
    assert "a bug" not in answer.text


def test_a_page_that_fails_is_an_error_page(sdg8_url: str) -> None:
    def failing() -> None:
        raise TypeError("a bug")

    app = create_app(sdg8_url, cache_bytes=0)
    app.add_api_route("/failing", failing)
    with TestClient(app, raise_server_exceptions=False) as client:
        page, twin = client.get("/failing"), client.get("/failing.json")
    assert page.status_code == twin.status_code == 500
    assert page.headers["content-type"].startswith("text/html") and "a bug" not in page.text
    assert twin.json()["detail"].startswith("internal error")
    assert page.headers["x-frame-options"] == "DENY"


def test_a_warehouse_that_cannot_be_read_is_a_503(tmp_path: Path) -> None:
    """The database failing under a route (here: its file gone) is the server's
    unavailability, not a programming error: 503 with JSON, the cause in the log only."""
    url = f"sqlite:///{tmp_path}/w.sqlite"
    engine(url).dispose()
    app = create_app(url, cache_bytes=0)
    with TestClient(app) as client:
        assert client.get("/api/v1/areas").status_code == 200
        app.state.engine.dispose()
        (tmp_path / "w.sqlite").unlink()
        answer = client.get("/api/v1/areas")
        page = client.get("/areas/KHM")
    assert answer.status_code == page.status_code == 503
    assert answer.json() == {
        "detail": "the warehouse cannot be read at the moment",
        "hint": "try again in a moment; GET /health says whether it can be read",
    }
    assert str(tmp_path) not in answer.text + page.text


@pytest.mark.parametrize(
    "as_of",
    [
        "0001-01-01T00:00+14:00",
        "9999-12-31T23:59:59-14:00",
        "99999999999999999999",
        "-1",
        "2024-02-30",
    ],
)
def test_an_extreme_as_of_is_a_json_answer(served: Served, as_of: str) -> None:
    """An extreme ``as_of`` gave a plain-text 500 (issue 22)."""
    for path in ("/api/v1/observations", "/data.json"):
        answer = served.client.get(path, params={"as_of": as_of, "limit": 1})
        assert answer.headers["content-type"] == "application/json", (path, answer.text)
        assert answer.status_code in (200, 422), (path, answer.text)
        if answer.status_code == 422:
            assert answer.json()["parameter"] == "as_of"

"""Issue 21's quiet failures, on the command line and the API: an area or indicator code the
warehouse never held is refused (exit 2, 404) with the nearest known codes and labels, not
answered with no rows; ports outside 1-65535 are refused before anything starts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from decentwork.web.app import create_app
from tests.warehouse.conftest import (
    DICTIONARY,
    ILOSTAT_HEADER,
    assert_ok,
    assert_refused,
    flat,
    invoke,
    write_csv,
)
from tests.warehouse.conftest import url as url  # the SQLite and PostgreSQL fixture

UNEMPLOYMENT = "SDG_0852_SEX_AGE_RT"
AREAS = ("KHM", "LAO", "THA")


@pytest.fixture
def small(url: str, tmp_path: Path) -> str:
    """A warehouse holding youth unemployment for Cambodia, Laos and Thailand (2019), with
    ILOSTAT's English area and indicator labels (of every area: Viet Nam has a label but no
    observations)."""
    rows = [
        [area, UNEMPLOYMENT, "BA:1", "SEX_T", "AGE_YTHADULT_Y15-24", "2019", "1.5", "", "", "", ""]
        for area in AREAS
    ]
    data = write_csv(tmp_path / "une.csv", ILOSTAT_HEADER, rows)
    labels = [DICTIONARY / "ref_area_en.csv", DICTIONARY / "indicator_en.csv"]
    assert_ok(invoke("load", "--db", url, data, *labels))
    return url


@pytest.fixture
def client(small: str) -> Iterator[TestClient]:
    with TestClient(create_app(small)) as served:
        yield served


def test_query_refuses_an_unknown_area_naming_the_nearest(small: str) -> None:
    result = invoke("query", "--db", small, "--area", "KHN")
    assert_refused(result, "--area: no area KHN in the warehouse; nearest: KHM (Cambodia)")
    assert "Traceback" not in result.output and "observations" not in result.stdout


def test_an_area_named_by_its_label_points_to_its_code(small: str) -> None:
    result = invoke("query", "--db", small, "--area", "Thailand", "-f", "csv")
    assert_refused(result, "no area Thailand in the warehouse; nearest: THA (Thailand)")


def test_an_area_with_a_label_but_no_observations_is_refused(small: str) -> None:
    result = invoke("query", "--db", small, "--area", "KHM,VNM")
    assert_refused(result, "no area VNM in the warehouse")
    assert "no area KHM" not in flat(result.stderr)


def test_far_codes_say_none_is_close(small: str) -> None:
    result = invoke("query", "--db", small, "--area", "QQQQQQ")
    assert_refused(result, "no area QQQQQQ in the warehouse; nearest: none close among the 3 held")


def test_query_refuses_an_unknown_indicator(small: str) -> None:
    result = invoke("query", "--db", small, "--indicator", "SDG_0852_SEX_AGE_R")
    assert_refused(
        result,
        f"--indicator: no indicator SDG_0852_SEX_AGE_R in the warehouse; nearest: {UNEMPLOYMENT}",
    )


def test_known_codes_that_filter_everything_out_still_answer_no_rows(small: str) -> None:
    result = invoke("query", "--db", small, "--area", "KHM,LAO", "--sex", "SEX_F", "-f", "csv")
    assert_ok(result)
    assert result.stdout.strip().count("\n") == 0  # the header only
    result = invoke("query", "--db", small, "--area", ",".join(AREAS), "-f", "csv")
    assert_ok(result)
    assert result.stdout.strip().count("\n") == len(AREAS)


def test_progress_refuses_an_unknown_area(small: str) -> None:
    result = invoke("progress", "sdg8", "--db", small, "--areas", "KHM,XYZ")
    assert_refused(result, "--areas: no area XYZ in the warehouse; nearest:")
    assert_ok(invoke("progress", "sdg8", "--db", small, "--areas", "KHM", "-f", "csv"))


def test_the_api_answers_an_unknown_code_404_with_the_nearest(client: TestClient) -> None:
    for path in ("/api/v1/observations", "/api/v1/observations.csv"):
        response = client.get(path, params={"ref_area": "KHN,LAO"})
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/json")
        body = response.json()
        assert body["detail"] == "no area KHN in the warehouse; nearest: KHM (Cambodia)"
        assert (body["parameter"], body["given"]) == ("ref_area", "KHN")
        assert body["expected"] == "the code of an area with observations"
        assert "/api/v1/areas" in body["hint"]
    response = client.get("/api/v1/observations", params={"indicator": "SDG_0852"})
    assert response.status_code == 404
    assert response.json()["parameter"] == "indicator"
    assert UNEMPLOYMENT in response.json()["detail"]
    found = client.get("/api/v1/observations", params={"ref_area": "KHM", "sex": "SEX_F"})
    assert (found.status_code, found.json()["total"]) == (200, 0)


@pytest.mark.parametrize("command", ["serve", "demo"])
@pytest.mark.parametrize("port", ["0", "65536", "99999", "-1"])
def test_ports_outside_1_to_65535_are_refused_before_starting(command: str, port: str) -> None:
    result = invoke(command, "--port", port)
    assert result.exit_code == 2, result.output
    assert "--port" in result.output

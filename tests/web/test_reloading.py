"""Pages follow the warehouse: what they share (areas and indicators with data, labels, an
area's profile, the explorer's ranking) is computed once per state of the warehouse, and a
load changes it within a second, on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from pathlib import Path

from fastapi.testclient import TestClient

from decentwork.warehouse import engine, load_file
from decentwork.web.app import create_app
from tests.warehouse.conftest import ILOSTAT_HEADER, write_csv

INDICATOR = "UNE_DEAP_SEX_AGE_RT"


def rows(value: str, *areas: str) -> list[list[str]]:
    return [
        [area, INDICATOR, "BA:1", "SEX_T", "AGE_YTHADULT_YGE15", "2020", value, "", "", "", ""]
        for area in areas
    ]


def test_a_load_changes_what_pages_share(url: str, tmp_path: Path) -> None:
    target = engine(url)
    load_file(
        target, write_csv(tmp_path / "v1" / "une.csv", ILOSTAT_HEADER, rows("5.5", "KHM", "LAO"))
    )
    with TestClient(create_app(url, cache_bytes=0)) as client:

        def shown() -> tuple[float, list[str], int]:
            profile = client.get("/areas/KHM.json").json()
            ranking = client.get(f"/indicators/{INDICATOR}.json").json()["ranking"]
            home = client.get("/index.json").json()
            return (
                profile["indicators"][0]["obs_value"],
                [a["code"] for a in ranking["areas"]],
                home["areas"],
            )

        assert shown() == (5.5, ["KHM", "LAO"], 2)
        assert client.get("/areas/THA").status_code == 404
        load_file(
            target,
            write_csv(
                tmp_path / "v2" / "une.csv",
                ILOSTAT_HEADER,
                rows("7.5", "KHM", "THA") + rows("1.5", "LAO"),
            ),
        )
        time.sleep(1.1)  # the state is read again once a second
        assert shown() == (7.5, ["KHM", "THA", "LAO"], 3)
        assert client.get("/areas/THA").status_code == 200
    target.dispose()

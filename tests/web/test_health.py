"""``/health``: 200 with the warehouse's state while it can be read, 503 when it cannot, on
SQLite and PostgreSQL; never kept by the answer cache, never held back by admission."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from fastapi.testclient import TestClient

from decentwork import __version__
from decentwork.warehouse import engine, load_file
from decentwork.web.app import create_app
from tests.warehouse.conftest import ILOSTAT_HEADER, write_csv

ROW = [
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


def test_health_says_what_the_warehouse_holds(url: str, tmp_path: Path) -> None:
    target = engine(url)
    app = create_app(url)
    with TestClient(app) as client:
        empty = client.get("/health")
        assert empty.status_code == 200
        assert empty.json() == {
            "status": "ok",
            "version": __version__,
            "warehouse": {
                "database": url.split(":")[0].split("+")[0],
                "releases": 0,
                "latest_release": 0,
                "latest_change": 0,
            },
        }
        assert empty.headers["cache-control"] == "no-store" and "etag" not in empty.headers
        load_file(target, write_csv(tmp_path / "eap.csv", ILOSTAT_HEADER, [ROW]))
        loaded = client.get("/health").json()["warehouse"]
        assert (loaded["releases"], loaded["latest_release"]) == (1, 1)
        assert client.head("/health").status_code == 200
    target.dispose()


def test_health_is_503_when_the_warehouse_cannot_be_read(url: str) -> None:
    engine(url).dispose()
    app = create_app(url)
    with TestClient(app) as client:
        assert client.get("/health").status_code == 200
        app.state.watch.dispose()
        app.state.watch = sa.create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
        answer = client.get("/health")
    assert answer.status_code == 503
    assert answer.json() == {"status": "unavailable", "detail": "the warehouse cannot be read"}
    assert "127.0.0.1" not in answer.text

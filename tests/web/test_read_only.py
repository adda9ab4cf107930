"""The web application only reads: it opens the warehouse read-only, refuses one that does not
exist (creating nothing), and nothing can be written through its own engine, on SQLite and
on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from decentwork.warehouse import NoWarehouse, engine
from decentwork.web.app import create_app

INSERT = (
    "INSERT INTO releases (dataset, file, checksum, format, loaded_at, loaded_by, "
    '"full", rows_read, rows_added, rows_changed, rows_unchanged, rows_withdrawn) '
    "VALUES ('mine', 'mine.csv', 'x', 'ilostat-bulk', CURRENT_TIMESTAMP, 'me', TRUE, "
    "0, 0, 0, 0, 0)"
)


@pytest.mark.parametrize("statement", [INSERT, "CREATE TABLE intruder (x INTEGER)"])
def test_nothing_can_be_written_through_the_app(url: str, statement: str) -> None:
    engine(url).dispose()
    app = create_app(url)
    with TestClient(app) as client:
        with pytest.raises(sa.exc.DBAPIError), app.state.engine.begin() as connection:
            connection.execute(sa.text(statement))
        assert client.get("/api/v1/releases").json()["total"] == 0
    looker = engine(url)
    try:
        assert "intruder" not in sa.inspect(looker).get_table_names()
    finally:
        looker.dispose()


def test_a_missing_warehouse_is_refused_and_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "folder" / "w.sqlite"
    with pytest.raises(NoWarehouse, match="no warehouse at"):
        create_app(f"sqlite:///{missing}")
    assert list(tmp_path.iterdir()) == []

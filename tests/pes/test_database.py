"""The PES database: its own file or database, its schema from the migrations (which agree with
the tables the code queries), opening without creating, and the append-only audit log."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from decentwork.errors import NotFound, Unavailable
from decentwork.pes import database
from decentwork.pes.database import NoPesDatabase, PesDatabaseError, engine
from decentwork.pes.tables import metadata
from decentwork.warehouse.database import default_path as warehouse_path


def test_the_migrations_make_the_tables_the_code_queries(url: str) -> None:
    opened = engine(url)
    with opened.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = [
            d
            for d in compare_metadata(context, metadata)
            if not (d[0] == "remove_table" and d[1].name in (database.VERSION_TABLE, "pes_lock"))
        ]
    opened.dispose()
    assert differences == []


def test_the_schema_revision_is_kept_in_a_table_of_the_pes_own(url: str) -> None:
    opened = engine(url)
    names = set(sa.inspect(opened).get_table_names())
    assert database.VERSION_TABLE in names and "alembic_version" not in names
    assert database.schema_revision(opened) == database.head_revision()
    opened.dispose()


def test_the_default_database_lies_beside_the_warehouse(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(database.ENVIRONMENT, raising=False)
    assert database.default_path().parent == warehouse_path().parent
    assert database.default_path().name == "pes.sqlite"
    assert database.database_url() == f"sqlite:///{database.default_path()}"
    monkeypatch.setenv(database.ENVIRONMENT, "postgresql+psycopg://pes@db/pes")
    assert database.database_url() == "postgresql+psycopg://pes@db/pes"
    assert database.database_url("sqlite:///x.sqlite") == "sqlite:///x.sqlite"


def test_opening_without_creating_refuses_a_missing_file_and_creates_nothing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "folder" / "pes.sqlite"
    with pytest.raises(NoPesDatabase, match="no PES database at") as caught:
        engine(f"sqlite:///{path}", create=False)
    assert isinstance(caught.value, NotFound) and isinstance(caught.value, Unavailable)
    assert "pes init" in (caught.value.hint or "")
    assert not path.parent.exists()


def test_opening_without_creating_refuses_a_database_without_pes_tables(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    sa.create_engine(f"sqlite:///{path}").connect().close()
    with pytest.raises(NoPesDatabase, match="has no PES tables"):
        engine(f"sqlite:///{path}", create=False)


def test_opening_without_creating_accepts_a_current_database(url: str) -> None:
    engine(url, create=False).dispose()


def test_a_malformed_url_or_an_unknown_revision_is_refused(url: str) -> None:
    with pytest.raises(PesDatabaseError, match="not valid") as caught:
        engine("no-such-scheme:/x")
    assert caught.value.parameter == "url"
    opened = engine(url)
    with opened.begin() as connection:
        connection.execute(sa.text(f"UPDATE {database.VERSION_TABLE} SET version_num = '9999'"))
    opened.dispose()
    with pytest.raises(PesDatabaseError, match="revision 9999, which this decentwork does not"):
        engine(url)
    with pytest.raises(PesDatabaseError, match="revision 9999"):
        engine(url, create=False)


def test_a_file_that_is_not_a_database_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "pes.sqlite"
    path.write_text("not a database\n" * 100)
    with pytest.raises(PesDatabaseError, match=f"cannot open the PES database sqlite:///{path}"):
        engine(f"sqlite:///{path}")


def test_the_audit_log_refuses_changes_and_deletions(url: str) -> None:
    opened = engine(url)
    with opened.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO audit_log (at, interface, action, outcome, detail) "
                "VALUES (CURRENT_TIMESTAMP, 'cli', 'test', 'ok', '')"
            )
        )
    for statement in ("UPDATE audit_log SET outcome = 'changed'", "DELETE FROM audit_log"):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), opened.begin() as connection:
            connection.execute(sa.text(statement))
    with opened.connect() as connection:
        assert connection.execute(sa.text("SELECT outcome FROM audit_log")).scalars().all() == [
            "ok"
        ]
    opened.dispose()


def test_a_database_error_never_shows_the_values_written(url: str) -> None:
    opened = engine(url)
    with pytest.raises(sa.exc.IntegrityError) as caught, opened.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO areas (code, name, parent, created_at) "
                "VALUES (:code, :name, :parent, CURRENT_TIMESTAMP)"
            ),
            [
                {"code": "KH-12-01", "name": "Chamkar Mon", "parent": "KH-12"},
                {"code": "KH-12-01", "name": "Sensitive Name", "parent": "KH-12"},
            ],
        )
    opened.dispose()
    assert "Sensitive Name" not in str(caught.value)
    assert "hidden due to hide_parameters" in str(caught.value)

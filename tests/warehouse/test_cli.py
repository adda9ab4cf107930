"""The warehouse's commands on small data: ``info`` and ``releases`` on an empty and a loaded
warehouse, ``$DECENTWORK_DB``, ``load``'s summary, and ``--db`` URLs that cannot be opened
(exit 2, a clear message, no traceback). The commands on the real bulk data are in
``test_bulk.py``."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from decentwork.warehouse import engine
from tests.warehouse.conftest import (
    ILOSTAT_HEADER,
    assert_ok,
    assert_refused,
    assert_same,
    counts,
    flat,
    invoke,
    read_observations,
    write_csv,
)

UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/test"


def small_file(folder: Path, name: str = "small.csv", area: str = "KHM") -> Path:
    return write_csv(
        folder / name,
        ILOSTAT_HEADER,
        [
            [
                area,
                "SDG_0852_SEX_AGE_RT",
                "BA:1321",
                sex,
                "AGE_YTHADULT_YGE15",
                "2019",
                value,
                status,
                "",
                "",
                "",
            ]
            for sex, value, status in (
                ("SEX_T", "0.499", "B"),
                ("SEX_M", "0.5", ""),
                ("SEX_F", "0.75", "U"),
            )
        ],
    )


def test_commands_have_help() -> None:
    for command in ("info", "migrate", "load", "query", "export", "releases"):
        result = invoke(command, "--help")
        assert_ok(result)
        assert "Usage" in result.output and "--db" in result.output


def test_info_on_an_empty_warehouse(warehouse: sa.Engine, url: str) -> None:
    result = invoke("info", "--db", url)
    assert_ok(result)
    text = flat(result.stdout)
    assert f"Warehouse: {sa.make_url(url).render_as_string()}" in text
    assert "Embedded default file:" in text and "warehouse.sqlite" in text
    assert "Schema revision: None" not in text
    assert (
        "Releases: 0; observation rows (all revisions): 0; indicators: 0; areas: 0; labels: 0"
    ) in text


def test_the_database_from_the_environment(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DECENTWORK_DB", url)
    assert_ok(invoke("load", small_file(tmp_path)))
    result = invoke("info")
    assert_ok(result)
    text = flat(result.stdout)
    assert f"Warehouse: {sa.make_url(url).render_as_string()}" in text
    assert "Releases: 1; observation rows (all revisions): 3; indicators: 1; areas: 1" in text


def test_load_prints_what_it_did(url: str, tmp_path: Path) -> None:
    first = small_file(tmp_path, "one.csv")
    second = small_file(tmp_path, "two.csv", area="LAO")
    result = invoke("load", "--db", url, first, second)
    assert_ok(result)
    assert "Loading 2 file(s) in one transaction" in result.stderr
    lines = [flat(line.replace("\u2502", " ")) for line in result.stdout.splitlines()]
    assert "one.csv ilostat-bulk one 1 3 3 0 0 0 0" in lines
    assert "two.csv ilostat-bulk two 2 3 3 0 0 0 0" in lines
    result = invoke("load", "--db", url, "--dataset", "one", second)
    assert_ok(result)
    lines = [flat(line.replace("\u2502", " ")) for line in result.stdout.splitlines()]
    # the dataset 'one' now holds LAO only: its KHM rows are withdrawn, and LAO's rows,
    # identical, pass from dataset 'two' to 'one' (counted as changed)
    assert "two.csv ilostat-bulk one 3 3 0 3 0 3 0" in lines
    result = invoke("query", "--db", url, "--format", "csv")
    assert_ok(result)
    assert_same(read_observations(result.stdout), read_observations(second))


def test_releases_on_an_empty_and_a_loaded_warehouse(
    warehouse: sa.Engine, url: str, tmp_path: Path
) -> None:
    result = invoke("releases", "--db", url)
    assert_ok(result)
    assert "Releases" in result.stdout and "small" not in result.stdout
    assert_ok(invoke("load", "--db", url, small_file(tmp_path)))
    result = invoke("releases", "--db", url)
    assert_ok(result)
    text = flat(result.stdout.replace("\u2502", " "))
    assert " 1 " in text and "small ilostat-bulk small.csv 3 3 0 0" in text


def test_query_on_an_empty_warehouse(warehouse: sa.Engine, url: str) -> None:
    result = invoke("query", "--db", url)
    assert_ok(result)
    assert "0 observations" in result.stdout
    result = invoke("query", "--db", url, "--format", "csv")
    assert_ok(result)
    assert result.stdout.splitlines()[0].startswith("ref_area,indicator,source,sex")


@pytest.mark.parametrize("command", ["info", "load", "query", "export", "releases"])
def test_an_unreachable_server(command: str, tmp_path: Path) -> None:
    extra: list[str | Path] = {
        "load": [small_file(tmp_path)],
        "export": ["--out", tmp_path / "x.csv"],
    }.get(command, [])
    result = invoke(command, "--db", UNREACHABLE, *extra)
    assert_refused(result, f"cannot open the warehouse {UNREACHABLE}", "Connection refused")
    assert not (tmp_path / "x.csv").exists()


@pytest.mark.parametrize(
    ("address", "culprit"),
    [
        ("not a url", "database URL 'not a url' is not valid"),
        ("nosuchdb://host/db", "cannot open the warehouse nosuchdb://host/db"),
        (
            "postgresql+psycopg://postgres@127.0.0.1:5432/no_such_database_here",
            'database "no_such_database_here" does not exist',
        ),
    ],
)
def test_a_database_url_that_cannot_be_opened(address: str, culprit: str) -> None:
    assert_refused(invoke("info", "--db", address), culprit)


@pytest.mark.parametrize("kind", ["folder is a file", "not a database"])
def test_a_sqlite_file_that_cannot_be_opened(kind: str, tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("not a folder, not a database\n")
    address = (
        f"sqlite:///{blocker}/w.sqlite" if kind == "folder is a file" else f"sqlite:///{blocker}"
    )
    assert_refused(invoke("info", "--db", address), "cannot open the warehouse")


def test_load_refused_leaves_the_counts(url: str, tmp_path: Path) -> None:
    good = small_file(tmp_path)
    assert_ok(invoke("load", "--db", url, good))
    bad = write_csv(
        tmp_path / "bad.csv",
        ILOSTAT_HEADER,
        [["ZZZ", "SDG_0852_SEX_AGE_RT", "BA:1", "SEX_T", "", "2019", "1", "", "", "", ""]],
    )
    assert_refused(invoke("load", "--db", url, bad), f"{bad}:2: ref_area: unknown area 'ZZZ'")
    target = engine(url)
    try:
        assert counts(target) == (1, 3)
    finally:
        target.dispose()

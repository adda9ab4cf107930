"""The warehouse's refusals are decentwork errors of the right kind (bad input, not found,
unavailable), with their structured fields, speaking of parameters (the command line names
its own options); files that cannot be read or written are named."""

from __future__ import annotations

import functools
import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from decentwork import download
from decentwork.errors import BadInput, DecentworkError, NotFound, Unavailable
from decentwork.warehouse import (
    LoadError,
    QueryError,
    UnreadableFile,
    WarehouseError,
    engine,
    ilostat,
    load_file,
    load_files,
    view,
)
from decentwork.warehouse.aggregate import AggregateError, aggregate
from decentwork.warehouse.excel import write_workbook
from decentwork.warehouse.groups import GroupError, UnknownGroup, define, delete, group
from decentwork.warehouse.importers import MissingFile
from decentwork.warehouse.views import Filters, sort_columns
from tests.warehouse.conftest import (
    ILOSTAT_HEADER,
    assert_ok,
    assert_refused,
    invoke,
    write_csv,
)


def small_file(folder: Path) -> Path:
    return write_csv(
        folder / "small.csv",
        ILOSTAT_HEADER,
        [
            [
                "KHM",
                "SDG_0852_SEX_AGE_RT",
                "BA:1321",
                "SEX_T",
                "AGE_YTHADULT_YGE15",
                "2019",
                "0.5",
                "",
                "",
                "",
                "",
            ]
        ],
    )


@pytest.fixture
def loaded(warehouse: sa.Engine, tmp_path: Path) -> sa.Engine:
    load_file(warehouse, small_file(tmp_path))
    return warehouse


# Queries -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("yesterday", "as_of 'yesterday': expected a release number or a date"),
        ("99", "as_of 99: no release 99"),
        ("1999-12-31", "as_of 1999-12-31: the warehouse had no release yet"),
    ],
)
def test_a_bad_cut_names_the_parameter(loaded: sa.Engine, as_of: str, message: str) -> None:
    with loaded.connect() as connection, pytest.raises(QueryError) as refused:
        view(connection, None, as_of)
    error = refused.value
    assert error.message.startswith(message)
    assert "--" not in error.message
    assert (error.parameter, error.given, error.status) == ("as_of", as_of, 422)
    assert isinstance(error, BadInput) and isinstance(error, ValueError)


@pytest.mark.parametrize(
    ("time", "problem"),
    [
        ("2015-2023", "expected YEAR, FIRST:LAST, FIRST: or :LAST"),
        ("2023:2015", "the first year comes after the last"),
    ],
)
def test_a_bad_time_range(time: str, problem: str) -> None:
    with pytest.raises(QueryError, match=problem) as refused:
        Filters.parse({}, time)
    assert (refused.value.parameter, refused.value.given) == ("time", time)
    assert refused.value.expected == "YEAR, FIRST:LAST, FIRST: or :LAST"


def test_bad_filters_and_sorts() -> None:
    with pytest.raises(QueryError, match="cannot filter on area") as refused:
        Filters.parse({"area": ["KHM"]}, None)
    assert refused.value.given == "area" and refused.value.parameter is None
    with pytest.raises(QueryError, match="a code cannot contain a NUL character"):
        Filters.parse({"ref_area": ["KH\x00M"]}, None)
    with pytest.raises(QueryError, match="sort 'value': expected observation columns") as bad:
        sort_columns("value,-time")
    assert (bad.value.parameter, bad.value.given) == ("sort", "value,-time")


def test_the_command_line_names_its_option(loaded: sa.Engine, url: str) -> None:
    result = invoke("query", "--db", url, "--as-of", "yesterday")
    assert_refused(result, "--as-of 'yesterday': expected a release number or a date")
    result = invoke("query", "--db", url, "--time", "2023:2015")
    assert_refused(result, "--time '2023:2015': the first year comes after the last")


# Loads ---------------------------------------------------------------------------------------


def test_a_refused_load_says_nothing_was_loaded(warehouse: sa.Engine, tmp_path: Path) -> None:
    good = small_file(tmp_path)
    bad = write_csv(
        tmp_path / "bad.csv",
        ILOSTAT_HEADER,
        [["ZZZ", "SDG_0852_SEX_AGE_RT", "BA:1", "SEX_T", "", "2019", "1", "", "", "", ""]],
    )
    with pytest.raises(LoadError) as refused:
        load_files(warehouse, [good, bad])
    assert refused.value.hint is not None
    assert refused.value.hint.startswith("Nothing was loaded")
    assert "skip_bad loads the good rows" in refused.value.message
    assert "--" not in refused.value.message
    assert refused.value.status == 422


def test_a_missing_file_is_not_found(warehouse: sa.Engine, tmp_path: Path) -> None:
    missing = tmp_path / "missing.csv"
    with pytest.raises(MissingFile, match=re.escape(f"{missing}: no such file")) as refused:
        load_file(warehouse, missing)
    assert isinstance(refused.value, UnreadableFile) and isinstance(refused.value, NotFound)
    assert refused.value.status == 404 and refused.value.given == str(missing)


def test_a_long_dataset_name_names_the_parameter(
    warehouse: sa.Engine, tmp_path: Path, url: str
) -> None:
    with pytest.raises(
        LoadError, match="a dataset name of 201 characters: 1 to 200 are allowed"
    ) as refused:
        load_file(warehouse, small_file(tmp_path), dataset="D" * 201)
    assert refused.value.parameter == "dataset"
    assert_refused(
        invoke("load", "--db", url, "--dataset", "D" * 201, small_file(tmp_path)),
        "--dataset: a dataset name of 201 characters",
    )


# Output files --------------------------------------------------------------------------------


def test_a_workbook_that_cannot_be_written(loaded: sa.Engine, tmp_path: Path) -> None:
    with loaded.connect() as connection:
        found = view(connection)
    with pytest.raises(NotFound, match=r"the folder .* does not exist") as missing:
        write_workbook(found, tmp_path / "no" / "x.xlsx", loaded)
    assert missing.value.parameter == "out"
    taken_path = tmp_path / "taken.xlsx"
    taken_path.mkdir()
    with pytest.raises(BadInput, match=re.escape(f"cannot write {taken_path}")) as taken:
        write_workbook(found, taken_path, loaded)
    assert taken.value.parameter == "out"


@pytest.mark.parametrize("fmt", ["json", "xlsx", "csv"])
def test_query_to_a_file_that_cannot_be_written(
    loaded: sa.Engine, url: str, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / "no" / f"x.{fmt}"
    assert_refused(
        invoke("query", "--db", url, "--format", fmt, "--out", out),
        f"--out: {out}: the folder {out.parent} does not exist",
    )
    taken = tmp_path / f"taken.{fmt}"
    taken.mkdir()
    assert_refused(
        invoke("query", "--db", url, "--format", fmt, "--out", taken),
        f"--out: cannot write {taken}",
    )
    written = tmp_path / f"ok.{fmt}"
    assert_ok(invoke("query", "--db", url, "--format", fmt, "--out", written))
    assert written.stat().st_size > 0


# Groups and aggregates -----------------------------------------------------------------------


def test_group_errors_have_their_kinds(warehouse: sa.Engine) -> None:
    with warehouse.begin() as connection:
        with pytest.raises(UnknownGroup, match="no group 'X_NONE'") as unknown:
            group(connection, "X_NONE")
        assert unknown.value.status == 404 and isinstance(unknown.value, GroupError)
        with pytest.raises(UnknownGroup, match="no user-defined group 'X_G20'"):
            delete(connection, "X_G20")
        with pytest.raises(GroupError, match="not areas: ZZZ") as bad:
            define(connection, "X_BAD", "bad", ["KHM", "ZZZ"])
        assert (bad.value.parameter, bad.value.given, bad.value.status) == ("members", "ZZZ", 422)
        with pytest.raises(GroupError, match="none given") as empty:
            define(connection, "X_BAD", "bad", [" "])
        assert empty.value.given is None


def test_aggregate_errors_name_their_parameters(loaded: sa.Engine, url: str) -> None:
    with loaded.begin() as connection:
        asean = group(connection, "X_ASEAN")
        with pytest.raises(AggregateError, match="expected a share") as coverage:
            aggregate(connection, asean, "SDG_0852_SEX_AGE_RT", min_coverage=1.5)
        assert coverage.value.parameter == "min_coverage"
        with pytest.raises(AggregateError, match="no default weight") as weight:
            aggregate(connection, asean, "SDG_0861_SEX_RT")
        assert weight.value.parameter == "weight"
        with pytest.raises(
            AggregateError,
            match="no member of X_ASEAN has both the rate and its weight EAP_TEAP_SEX_AGE_NB",
        ):
            aggregate(connection, asean, "SDG_0852_SEX_AGE_RT", weight="EAP_TEAP_SEX_AGE_NB")
    assert_refused(
        invoke("aggregate", "X_ASEAN", "SDG_0852_SEX_AGE_RT", "--db", url, "--min-coverage", "0"),
        "--min-coverage: minimum coverage 0.0",
    )
    assert_refused(
        invoke("aggregate", "X_NONE", "SDG_0852_SEX_AGE_RT", "--db", url), "no group 'X_NONE'"
    )


# Downloads and ILOSTAT -----------------------------------------------------------------------


@pytest.fixture
def folder_server(tmp_path: Path) -> Iterator[str]:
    """A local HTTP server serving an empty folder (every file: 404)."""
    (tmp_path / "served").mkdir()
    handler = functools.partial(_Quiet, directory=str(tmp_path / "served"))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *_: object) -> None:
        pass


def test_download_errors_have_their_kinds(
    folder_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(download, "RETRY_DELAYS", (0.01,))
    with pytest.raises(download.NotFound, match="not found \\(404\\)") as missing:
        download.download(f"{folder_server}/x.csv", tmp_path / "x.csv")
    assert isinstance(missing.value, NotFound) and isinstance(missing.value, download.DownloadError)
    assert missing.value.status == 404
    with pytest.raises(download.DownloadError, match=r"cannot reach 127\.0\.0\.1:1") as offline:
        download.download("http://127.0.0.1:1/x.csv", tmp_path / "x.csv")
    assert offline.value.status == 503 and isinstance(offline.value, Unavailable)
    blocker = tmp_path / "file"
    blocker.write_text("a file, not a folder\n")
    with pytest.raises(
        download.Unwritable,
        match=re.escape(
            f"cannot write the download of {folder_server}/x.csv to {blocker}/x.csv.partial"
        ),
    ):
        download.download(f"{folder_server}/x.csv", blocker / "x.csv")


def test_pull_errors_have_their_kinds(
    folder_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with pytest.raises(BadInput, match="not an ILOSTAT indicator code"):
        ilostat.fetch(["rate; drop"])
    with pytest.raises(ilostat.NotPublished, match="SDG_0861_SEX_RT_A: not found") as absent:
        ilostat.fetch(["SDG_0861_SEX_RT"], mirror=folder_server)
    assert absent.value.status == 404 and isinstance(absent.value, ilostat.PullError)
    with pytest.raises(ilostat.NotPublished, match="no such folder"):
        ilostat.fetch(["SDG_0861_SEX_RT"], mirror=str(tmp_path / "nowhere"))
    damaged = ilostat.Fetched("X_A", write_csv(tmp_path / "cut.csv", ["ref_area"], []), "here")
    damaged.path.write_bytes(b"ref_area\nKHM")
    with pytest.raises(ilostat.PullError, match="does not end with a line break") as cut:
        ilostat.split_by_area(damaged, ["KHM"], tmp_path / "areas")
    assert cut.value.hint == "download it again (refresh)" and cut.value.status == 503


# The database --------------------------------------------------------------------------------


def test_warehouse_errors_are_unavailable() -> None:
    with pytest.raises(WarehouseError, match="database URL 'not a url' is not valid") as bad:
        engine("not a url")
    assert bad.value.status == 503 and bad.value.given == "not a url"
    with pytest.raises(WarehouseError, match="cannot open the warehouse"):
        engine("postgresql+psycopg://postgres@127.0.0.1:1/test")


def test_every_refusal_is_a_decentwork_error_on_the_command_line(url: str, tmp_path: Path) -> None:
    """Nothing the warehouse refuses reaches the user as a traceback."""
    result = invoke("load", "--db", url, tmp_path / "missing.csv")
    assert_refused(result, "missing.csv: no such file", "Hint: Nothing was loaded")
    assert isinstance(result.exception, SystemExit)
    for family in (
        LoadError,
        QueryError,
        UnreadableFile,
        WarehouseError,
        GroupError,
        AggregateError,
        ilostat.PullError,
        download.DownloadError,
    ):
        assert issubclass(family, DecentworkError), family

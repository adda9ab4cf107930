"""The issue's acceptance test on the real data: the five ILOSTAT SDG 8 bulk files (about 127k
rows) loaded once per database; the latest view and ``decentwork export`` give them back row
for row; loading them again adds nothing; ``decentwork info``, ``query`` (every filter, every
format, ``--as-of``) and ``releases`` on them."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import sqlalchemy as sa

from decentwork import observations
from decentwork.warehouse import LoadReport, engine, view
from decentwork.warehouse.load import load_files
from decentwork.warehouse.views import Filters
from tests.warehouse.conftest import (
    BULK_FILES,
    BULK_ROWS,
    DATABASES,
    assert_ok,
    assert_refused,
    assert_same,
    bulk_file,
    counts,
    database,
    flat,
    invoke,
    read_observations,
)


@dataclass(frozen=True)
class Bulk:
    """The five bulk files loaded into one warehouse."""

    url: str
    engine: sa.Engine
    files: list[Path]
    reports: list[LoadReport]
    expected: pd.DataFrame
    """The input files' rows as observations (absent columns empty)."""

    def release(self, name: str) -> int:
        """The release a bulk file was loaded as."""
        (found,) = [r.release for r in self.reports if Path(r.file).name == name]
        assert found is not None
        return found


@pytest.fixture(scope="module")
def inputs() -> dict[str, pd.DataFrame]:
    return {name: read_observations(bulk_file(name)) for name in BULK_FILES}


@pytest.fixture(scope="module", params=DATABASES)
def bulk(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    inputs: dict[str, pd.DataFrame],
) -> Iterator[Bulk]:
    with database(request.param, tmp_path_factory.mktemp(f"bulk-{request.param}")) as url:
        target = engine(url)
        files = [bulk_file(name) for name in BULK_FILES]
        reports = load_files(target, files)
        expected = pd.concat(list(inputs.values()), ignore_index=True)
        yield Bulk(url, target, files, reports, expected)
        target.dispose()


def latest(bulk: Bulk, filters: Filters | None = None, as_of: str | None = None) -> pd.DataFrame:
    with bulk.engine.connect() as connection:
        return view(connection, filters, as_of)


# Acceptance ----------------------------------------------------------------------------------


def test_each_file_is_one_release_with_every_row(
    bulk: Bulk, inputs: dict[str, pd.DataFrame]
) -> None:
    assert len(bulk.expected) == BULK_ROWS
    assert [Path(r.file).name for r in bulk.reports] == list(BULK_FILES)
    assert len({r.release for r in bulk.reports}) == len(BULK_FILES)
    for report in bulk.reports:
        rows = len(inputs[Path(report.file).name])
        assert report.format == "ilostat-bulk"
        assert report.dataset == Path(report.file).name.removesuffix(".csv")
        assert (
            report.rows_read,
            report.added,
            report.changed,
            report.withdrawn,
            report.rejected,
            report.already_loaded,
        ) == (rows, rows, 0, 0, 0, False)
    assert counts(bulk.engine) == (len(BULK_FILES), BULK_ROWS)


def test_latest_view_equals_the_input_row_for_row(bulk: Bulk) -> None:
    assert_same(latest(bulk), bulk.expected)


def test_the_issues_example_observation(bulk: Bulk) -> None:
    found = latest(
        bulk,
        Filters.parse(
            {
                "ref_area": ["KHM"],
                "indicator": ["SDG_0852_SEX_AGE_RT"],
                "source": ["BA:1321"],
                "sex": ["SEX_T"],
                "classif1": ["AGE_YTHADULT_YGE15"],
            },
            "2019",
        ),
    )
    assert len(found) == 1
    row = found.iloc[0]
    assert (row.time, row.obs_value, row.obs_status, row.classif2) == ("2019", 0.499, "B", "")


def test_export_equals_the_input_row_for_row(bulk: Bulk, tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    assert_ok(invoke("export", "--out", out, "--db", bulk.url))
    assert out.read_text("utf-8").splitlines()[0] == ",".join(observations.COLUMNS)
    exported = read_observations(out)
    assert_same(exported, bulk.expected)
    khm = exported[
        (exported.ref_area == "KHM")
        & (exported.indicator == "SDG_0852_SEX_AGE_RT")
        & (exported.source == "BA:1321")
        & (exported.sex == "SEX_T")
        & (exported.classif1 == "AGE_YTHADULT_YGE15")
        & (exported.time == "2019")
    ]
    assert khm[["obs_value", "obs_status"]].values.tolist() == [[0.499, "B"]]


def test_export_of_one_dataset(bulk: Bulk, tmp_path: Path, inputs: dict[str, pd.DataFrame]) -> None:
    out = tmp_path / "x.csv"
    assert_ok(
        invoke(
            "export",
            "--out",
            out,
            "--db",
            bulk.url,
            "--dataset",
            "SDG_0861_SEX_RT_A,SDG_A821_NOC_RT_A",
        )
    )
    expected = pd.concat([inputs["SDG_0861_SEX_RT_A.csv"], inputs["SDG_A821_NOC_RT_A.csv"]])
    assert_same(read_observations(out), expected)


def test_loading_the_same_files_again_adds_nothing(bulk: Bulk) -> None:
    again = load_files(bulk.engine, bulk.files)
    assert all(r.already_loaded for r in again)
    assert [r.release for r in again] == [r.release for r in bulk.reports]
    assert sum(r.added + r.changed + r.withdrawn for r in again) == 0
    assert counts(bulk.engine) == (len(BULK_FILES), BULK_ROWS)
    result = invoke("load", "--db", bulk.url, bulk.files[-1])
    assert_ok(result)
    assert "already loaded" in result.stdout
    assert counts(bulk.engine) == (len(BULK_FILES), BULK_ROWS)


def test_as_of_the_first_release_is_its_file(bulk: Bulk, inputs: dict[str, pd.DataFrame]) -> None:
    first = bulk.release(BULK_FILES[0])
    assert_same(latest(bulk, as_of=str(first)), inputs[BULK_FILES[0]])
    second = bulk.release(BULK_FILES[1])
    khm = Filters.parse({"ref_area": ["KHM"]}, None)
    both = pd.concat([inputs[BULK_FILES[0]], inputs[BULK_FILES[1]]])
    assert_same(latest(bulk, khm, as_of=str(second)), both[both.ref_area == "KHM"])


# The command line on the bulk data ----------------------------------------------------------


def test_info_prints_the_url_and_counts(bulk: Bulk) -> None:
    result = invoke("info", "--db", bulk.url)
    assert_ok(result)
    text = flat(result.stdout)
    assert f"Warehouse: {sa.make_url(bulk.url).render_as_string()}" in text
    assert f"Releases: {len(BULK_FILES)};" in text
    assert f"observation rows (all revisions): {BULK_ROWS:,};" in text
    assert f"indicators: {len(BULK_FILES)};" in text
    areas = bulk.expected["ref_area"].nunique()
    assert f"areas: {areas:,};" in text
    assert "Schema revision:" in text


def test_releases_lists_every_release_newest_first(bulk: Bulk) -> None:
    result = invoke("releases", "--db", bulk.url)
    assert_ok(result)
    text = flat(result.stdout.replace("\u2502", " "))  # without the table's column rules
    assert text.count("ilostat-bulk") == len(BULK_FILES)
    for report in bulk.reports:
        assert (
            f"{report.dataset} ilostat-bulk {Path(report.file).name} {report.rows_read:,}" in text
        )
    positions = [text.index(f" {r.dataset} ") for r in bulk.reports]
    assert positions == sorted(positions, reverse=True)


QUERY = (
    "--area",
    "KHM",
    "--indicator",
    "SDG_0852_SEX_AGE_RT",
    "--sex",
    "SEX_T",
    "--classif1",
    "AGE_YTHADULT_YGE15",
    "--time",
    "2015:2023",
)


def expected_query(bulk: Bulk) -> pd.DataFrame:
    e = bulk.expected
    years = e["time"].str[:4].astype(int)
    chosen = e[
        (e.ref_area == "KHM")
        & (e.indicator == "SDG_0852_SEX_AGE_RT")
        & (e.sex == "SEX_T")
        & (e.classif1 == "AGE_YTHADULT_YGE15")
        & (years >= 2015)
        & (years <= 2023)
    ]
    assert len(chosen) > 1
    return chosen


def test_query_filters_to_csv_on_stdout(bulk: Bulk) -> None:
    result = invoke("query", "--db", bulk.url, *QUERY, "--format", "csv")
    assert_ok(result)
    found = read_observations(result.stdout)
    assert_same(found, expected_query(bulk))
    assert "2019" in set(found["time"])


def test_query_with_several_codes_and_open_ranges(bulk: Bulk) -> None:
    result = invoke(
        "query",
        "--db",
        bulk.url,
        "--area",
        "KHM, LAO",
        "--indicator",
        "SDG_0861_SEX_RT",
        "--sex",
        "SEX_M,SEX_F",
        "--time",
        "2018:",
        "-f",
        "csv",
    )
    assert_ok(result)
    e = bulk.expected
    expected = e[
        e.ref_area.isin(["KHM", "LAO"])
        & (e.indicator == "SDG_0861_SEX_RT")
        & e.sex.isin(["SEX_M", "SEX_F"])
        & (e.time.str[:4].astype(int) >= 2018)
    ]
    assert len(expected) > 0
    assert_same(read_observations(result.stdout), expected)
    result = invoke(
        "query",
        "--db",
        bulk.url,
        "--area",
        "KHM",
        "--indicator",
        "SDG_A821_NOC_RT",
        "--time",
        ":2010",
        "-f",
        "csv",
    )
    assert_ok(result)
    expected = e[
        (e.ref_area == "KHM")
        & (e.indicator == "SDG_A821_NOC_RT")
        & (e.time.str[:4].astype(int) <= 2010)
    ]
    assert len(expected) > 0
    assert_same(read_observations(result.stdout), expected)


def test_query_by_source_and_classif2(bulk: Bulk) -> None:
    result = invoke(
        "query",
        "--db",
        bulk.url,
        "--area",
        "KHM",
        "--source",
        "BA:1321",
        "--classif2",
        "",
        "--indicator",
        "SDG_0852_SEX_AGE_RT",
        "-f",
        "csv",
    )
    assert_ok(result)
    e = bulk.expected
    expected = e[
        (e.ref_area == "KHM") & (e.source == "BA:1321") & (e.indicator == "SDG_0852_SEX_AGE_RT")
    ]
    assert_same(read_observations(result.stdout), expected)
    result = invoke("query", "--db", bulk.url, "--classif2", "GEO_COV_URB", "-f", "csv")
    assert_ok(result)
    assert read_observations(result.stdout).empty


def test_query_as_of_a_release(bulk: Bulk, inputs: dict[str, pd.DataFrame]) -> None:
    first = bulk.release(BULK_FILES[0])
    result = invoke("query", "--db", bulk.url, "--area", "KHM", "--as-of", str(first), "-f", "csv")
    assert_ok(result)
    e = inputs[BULK_FILES[0]]
    assert_same(read_observations(result.stdout), e[e.ref_area == "KHM"])
    result = invoke("query", "--db", bulk.url, *QUERY, "--as-of", str(first), "-f", "csv")
    assert_ok(result)
    assert read_observations(result.stdout).empty  # SDG_0852 came in a later release


def test_query_json(bulk: Bulk) -> None:
    result = invoke("query", "--db", bulk.url, *QUERY, "--format", "json")
    assert_ok(result)
    records = json.loads(result.stdout)
    expected = expected_query(bulk)
    assert len(records) == len(expected)
    assert set(records[0]) == set(observations.COLUMNS)
    by_time = {r["time"]: r for r in records}
    assert by_time["2019"]["obs_value"] == 0.499
    assert by_time["2019"]["obs_status"] == "B"
    assert by_time["2019"]["source"] == "BA:1321"


def test_query_sdmx_csv(bulk: Bulk) -> None:
    result = invoke("query", "--db", bulk.url, *QUERY, "--format", "sdmx-csv")
    assert_ok(result)
    table = pd.read_csv(io.StringIO(result.stdout), dtype=str, keep_default_na=False)
    assert list(table.columns[:3]) == ["STRUCTURE", "STRUCTURE_ID", "ACTION"]
    assert len(table) == len(expected_query(bulk))
    assert set(table["STRUCTURE_ID"]) == {"ILO:DF_SDG_0852_SEX_AGE_RT(1.0)"}
    assert set(table["REF_AREA"]) == {"KHM"}
    assert set(table["AGE"]) == {"AGE_YTHADULT_YGE15"}
    row = table[table["TIME_PERIOD"] == "2019"].iloc[0]
    assert (float(row["OBS_VALUE"]), row["OBS_STATUS"], row["SOURCE"]) == (0.499, "B", "BA:1321")


def test_query_parquet_to_a_file(bulk: Bulk, tmp_path: Path) -> None:
    out = tmp_path / "q.parquet"
    result = invoke("query", "--db", bulk.url, "--area", "KHM", "--format", "parquet", "--out", out)
    assert_ok(result)
    e = bulk.expected
    assert_same(observations.frame(pd.read_parquet(out)), e[e.ref_area == "KHM"])
    assert "Wrote" in result.stdout


def test_query_xlsx_to_a_file(bulk: Bulk, tmp_path: Path) -> None:
    out = tmp_path / "q.xlsx"
    result = invoke("query", "--db", bulk.url, "--area", "KHM", "--format", "xlsx", "--out", out)
    assert_ok(result)
    book = openpyxl.load_workbook(out, read_only=True)
    e = bulk.expected
    khm = e[e.ref_area == "KHM"]
    indicators = sorted(set(khm["indicator"]))
    assert [s for s in book.sheetnames if s not in ("notes", "releases")] == indicators
    for code in indicators:
        rows = list(book[code].iter_rows(values_only=True))
        header = rows[0]
        assert header[:2] == ("ref_area", "ref_area_label")
        assert len(rows) - 1 == int((khm["indicator"] == code).sum())
    notes = list(book["notes"].iter_rows(values_only=True))
    assert {r[0] for r in notes[1:]} == set(indicators)


def test_query_table_is_the_default_format(bulk: Bulk) -> None:
    result = invoke("query", "--db", bulk.url, *QUERY)
    assert_ok(result)
    text = flat(result.stdout)
    assert f"{len(expected_query(bulk))} observations" in text
    assert "0.499" in text


@pytest.mark.parametrize(
    ("args", "culprit"),
    [
        (("--time", "2015-2023"), "time '2015-2023': expected YEAR, FIRST:LAST"),
        (("--time", "soon"), "time 'soon'"),
        (("--as-of", "yesterday"), "--as-of 'yesterday': expected a release number or a date"),
        (("--as-of", "999"), "--as-of 999: no release 999"),
        (("--as-of", "1999-12-31"), "--as-of 1999-12-31: the warehouse had no release yet"),
        (("--format", "html"), "--format 'html': expected one of"),
        (("--format", "xlsx"), "--format xlsx writes a file: give --out PATH"),
        (("--format", "parquet"), "--format parquet writes a file: give --out PATH"),
    ],
)
def test_query_refuses_bad_options(bulk: Bulk, args: tuple[str, str], culprit: str) -> None:
    small = ("--area", "KHM", "--indicator", "SDG_A821_NOC_RT")
    assert_refused(invoke("query", "--db", bulk.url, *small, *args), culprit)


def test_export_refuses_a_bad_as_of(bulk: Bulk, tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    assert_refused(
        invoke("export", "--out", out, "--db", bulk.url, "--as-of", "2024-13-01"),
        "--as-of '2024-13-01'",
    )
    assert not out.exists()

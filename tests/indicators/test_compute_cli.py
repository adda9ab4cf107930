"""``decentwork compute``: output formats that round-trip against the Python API, standard
output and standard error kept apart, indicator selection, monthly to quarterly and annual
averages, reliability options, and bad inputs (exit 2, a message naming the culprit, no
traceback and no output file)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from scipy.stats import norm
from typer.testing import CliRunner, Result

from decentwork.cli import app
from decentwork.estimation.source import database
from decentwork.indicators import compute
from decentwork.indicators.reliability import UNPUBLISHABLE_NOTE, rule_set
from decentwork.observations import (
    COLUMNS,
    FLOAT_COLUMNS,
    KEY_COLUMNS,
    TEXT_COLUMNS,
)
from decentwork.survey import load_profile
from decentwork.synthetic import generate
from tests.survey.conftest import STATCAN_2024_01

runner = CliRunner()

SYNTHETIC = (
    resources.files("decentwork.survey.profiles").joinpath("synthetic.yaml").read_text("utf-8")
)
CODES = (
    "UNE_DEAP_SEX_AGE_RT",
    "EMP_TEMP_SEX_AGE_NB",
    "SDG_0861_SEX_RT",
    "UNE_DEAP_SEX_AGE_EDU_RT",
    "UNE_DEAP_SEX_AGE_GEO_RT",
)
"""Indicators of the round-trip tests: a rate, a total, one without classification, one with
a classif2, and one the no-geo profile cannot give (so something is skipped)."""
SDMX_COLUMNS = [
    "STRUCTURE",
    "STRUCTURE_ID",
    "ACTION",
    "REF_AREA",
    "FREQ",
    "MEASURE",
    "SEX",
    "AGE",
    "GEO",
    "EDU",
    "ECO",
    "OCU",
    "STE",
    "TIME_PERIOD",
    "OBS_VALUE",
    "OBS_STATUS",
    "SOURCE",
    "LOWER_BOUND",
    "UPPER_BOUND",
    "SE",
    "CV",
    "SAMPLE_COUNT",
    "NOTE_INDICATOR",
    "NOTE_SOURCE",
    "NOTE_CLASSIF",
]
SUPPRESSED = "Suppressed: fewer than 1000000 sample records"
AVERAGED = "Average of 3 monthly estimates"
GROUP = [c for c in KEY_COLUMNS if c != "time"]


def variant(old: str, new: str, text: str = SYNTHETIC) -> str:
    """``text`` (the bundled synthetic profile) with ``old`` replaced by ``new`` once."""
    assert text.count(old) == 1, old
    return text.replace(old, new)


def remap(variable: str, sql: str | None) -> str:
    """The bundled synthetic profile with the one-line mapping of ``variable`` replaced by
    ``sql`` (removed when None)."""
    line = re.compile(rf"^  {variable}: .*\n", re.MULTILINE)
    assert len(line.findall(SYNTHETIC)) == 1, variable
    return line.sub("" if sql is None else f"  {variable}: {sql}\n", SYNTHETIC)


def invoke(*args: str | Path) -> Result:
    return runner.invoke(app, ["compute", *(str(a) for a in args)])


def flat(text: str) -> str:
    """``text`` with Rich's line wrapping undone (runs of white space as one space)."""
    return " ".join(text.split())


def read_observations(source: Path | str) -> pd.DataFrame:
    """Observations from a CSV file, or from CSV text; empty text cells stay ''."""
    handle = source if isinstance(source, Path) else io.StringIO(source)
    table = pd.read_csv(
        handle, dtype=dict.fromkeys(TEXT_COLUMNS, str), keep_default_na=False, na_values=[""]
    )
    table[list(TEXT_COLUMNS)] = table[list(TEXT_COLUMNS)].fillna("")
    return table


def assert_same(actual: pd.DataFrame, expected: pd.DataFrame, rtol: float) -> None:
    """Same observations (any row order): text equal, numbers within ``rtol``."""
    assert list(actual.columns) == list(COLUMNS)
    assert not expected.duplicated(list(KEY_COLUMNS)).any()
    assert len(actual) == len(expected) > 0
    a = actual.sort_values(list(KEY_COLUMNS)).reset_index(drop=True)
    e = expected.sort_values(list(KEY_COLUMNS)).reset_index(drop=True)
    for column in TEXT_COLUMNS:
        assert a[column].fillna("").astype(str).tolist() == e[column].astype(str).tolist(), column
    for column in (*FLOAT_COLUMNS, "sample_count"):
        np.testing.assert_allclose(
            a[column].astype(float),
            e[column].astype(float),
            rtol=rtol,
            atol=0,
            equal_nan=True,
            err_msg=column,
        )


def assert_refused(result: Result, *culprits: str) -> None:
    """Exit 2 with an error naming each of ``culprits`` on standard error, no traceback."""
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    message = flat(result.stderr)
    assert "Error:" in message, result.output
    for culprit in culprits:
        assert culprit in message, (culprit, result.stderr)


# Fixtures ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Survey:
    """A small synthetic survey, a profile for it without ilo_geo, and the Python API's
    result for :data:`CODES`."""

    path: Path
    profile: Path
    expected: pd.DataFrame
    skipped: dict[str, str]


@pytest.fixture(scope="module")
def survey(tmp_path_factory: pytest.TempPathFactory) -> Survey:
    folder = tmp_path_factory.mktemp("survey")
    path = folder / "lfs.parquet"
    pq.write_table(generate(4000, seed=7), path)
    profile = folder / "nogeo.yaml"
    profile.write_text(remap("ilo_geo", None))
    result = compute(load_profile(profile), path, indicators=list(CODES))
    assert "UNE_DEAP_SEX_AGE_GEO_RT" in result.skipped
    return Survey(path, profile, result.observations, result.skipped)


@dataclass(frozen=True)
class Months:
    """Three monthly synthetic files (2024M01..M03) read by one profile whose time comes from
    an added ``month`` column, a fourth file also for 2024M01, and the profile."""

    profile: Path
    files: list[Path]
    duplicate: Path


@pytest.fixture(scope="module")
def months(tmp_path_factory: pytest.TempPathFactory) -> Months:
    folder = tmp_path_factory.mktemp("months")
    profile = folder / "monthly.yaml"
    profile.write_text(variant('time: "2024"', "time: \"'2024M0' || CAST(month AS VARCHAR)\""))

    def month_file(name: str, month: int, seed: int) -> Path:
        table = generate(3000, seed=seed)
        table = table.append_column("month", pa.array(np.full(table.num_rows, month)))
        pq.write_table(table, folder / name)
        return folder / name

    files = [month_file(f"m{m}.parquet", m, seed=100 + m) for m in (1, 2, 3)]
    return Months(profile, files, month_file("m1-again.parquet", 1, seed=200))


@pytest.fixture
def one_thread() -> Iterator[None]:
    """DuckDB on one thread for the test: its parallel sums make the last bit of a figure vary
    from run to run (about 1e-16 relative), and exact comparisons need the same bits."""
    con = database()
    [(threads,)] = con.sql("SELECT current_setting('threads')").fetchall()
    con.execute("SET threads = 1")
    yield
    con.execute(f"SET threads = {int(threads)}")


# Help, formats and standard output ---------------------------------------------------------------


def test_compute_help() -> None:
    result = runner.invoke(app, ["compute", "--help"])
    assert result.exit_code == 0, result.output
    for option in (
        "--out",
        "--format",
        "--indicators",
        "--average-to",
        "--catalogue",
        "--reliability",
        "--min-count",
        "--max-cv",
        "--suppress-below",
    ):
        assert option in result.output


def test_csv_file_round_trips(survey: Survey, tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    result = invoke(survey.profile, survey.path, "--indicators", ",".join(CODES), "--out", out)
    assert result.exit_code == 0, result.output
    assert f"to {out} (csv)" in flat(result.stdout)
    assert_same(read_observations(out), survey.expected, rtol=1e-12)  # written exactly
    assert [p.name for p in tmp_path.iterdir()] == ["x.csv"]


@pytest.mark.usefixtures("one_thread")
def test_parquet_file_round_trips_exactly(survey: Survey, tmp_path: Path) -> None:
    out = tmp_path / "x.parquet"
    result = invoke(survey.profile, survey.path, "--indicators", ",".join(CODES), "--out", out)
    assert result.exit_code == 0, result.output
    expected = compute(load_profile(survey.profile), survey.path, indicators=list(CODES))
    assert_same(pd.read_parquet(out), expected.observations, rtol=0)


def test_excel_workbook_has_observations_and_skipped(survey: Survey, tmp_path: Path) -> None:
    out = tmp_path / "x.xlsx"
    result = invoke(survey.profile, survey.path, "--indicators", ",".join(CODES), "--out", out)
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(out, read_only=True).sheetnames == ["observations", "skipped"]
    sheets = pd.read_excel(out, sheet_name=None, dtype=dict.fromkeys(TEXT_COLUMNS, str))
    assert_same(sheets["observations"], survey.expected, rtol=1e-9)
    skipped = sheets["skipped"]
    assert list(skipped.columns) == ["item", "reason"]
    assert dict(zip(skipped["item"], skipped["reason"], strict=True)) == survey.skipped
    assert "ilo_geo" in survey.skipped["UNE_DEAP_SEX_AGE_GEO_RT"]


def test_sdmx_csv_has_ilostat_dimensions(survey: Survey, tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    result = invoke(
        survey.profile,
        survey.path,
        "--indicators",
        ",".join(CODES),
        "--format",
        "sdmx-csv",
        "--out",
        out,
    )
    assert result.exit_code == 0, result.output
    sdmx = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(sdmx.columns) == SDMX_COLUMNS
    assert set(sdmx["STRUCTURE"]) == {"dataflow"}
    assert set(sdmx["ACTION"]) == {"I"}
    assert set(sdmx["FREQ"]) == {"A"}
    assert set(sdmx["TIME_PERIOD"]) == {"2024"}
    assert set(sdmx["STRUCTURE_ID"]) == {
        f"ILO:DF_{code}(1.0)" for code in CODES if code != "UNE_DEAP_SEX_AGE_GEO_RT"
    }
    indicator = sdmx["STRUCTURE_ID"].str.removeprefix("ILO:DF_").str.removesuffix("(1.0)")
    measures = dict(zip(indicator, sdmx["MEASURE"], strict=True))
    assert measures["UNE_DEAP_SEX_AGE_RT"] == "UNE_DEAP_RT"
    assert measures["UNE_DEAP_SEX_AGE_EDU_RT"] == "UNE_DEAP_RT"
    assert measures["EMP_TEMP_SEX_AGE_NB"] == "EMP_TEMP_NB"
    assert set(sdmx["SEX"]) == {"SEX_T", "SEX_M", "SEX_F"}
    assert sdmx.loc[indicator == "UNE_DEAP_SEX_AGE_RT", "AGE"].str.startswith("AGE_").all()
    assert sdmx.loc[indicator == "UNE_DEAP_SEX_AGE_EDU_RT", "EDU"].str.startswith("EDU_").all()
    assert (sdmx.loc[indicator == "SDG_0861_SEX_RT", "AGE"] == "").all()
    assert (sdmx[["GEO", "ECO", "OCU", "STE"]] == "").all().all()
    # Back to observations: the same figures as the Python API.
    back = pd.DataFrame(
        {
            "ref_area": sdmx["REF_AREA"],
            "indicator": indicator,
            "source": sdmx["SOURCE"],
            "sex": sdmx["SEX"],
            "classif1": sdmx["AGE"],
            "classif2": sdmx["EDU"],
            "time": sdmx["TIME_PERIOD"],
            "obs_value": sdmx["OBS_VALUE"].replace("", np.nan),
            "obs_status": sdmx["OBS_STATUS"],
            "se": sdmx["SE"].replace("", np.nan),
            "lower_bound": sdmx["LOWER_BOUND"].replace("", np.nan),
            "upper_bound": sdmx["UPPER_BOUND"].replace("", np.nan),
            "cv": sdmx["CV"].replace("", np.nan),
            "sample_count": sdmx["SAMPLE_COUNT"],
            "note_indicator": sdmx["NOTE_INDICATOR"],
            "note_source": "",
            "note_classif": "",
        }
    )
    assert_same(back, survey.expected, rtol=1e-12)


def test_csv_on_standard_output_without_progress_or_skips(survey: Survey) -> None:
    result = invoke(survey.profile, survey.path, "--indicators", ",".join(CODES))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(",".join(COLUMNS) + "\n")
    for noise in ("Done", "Skipped", "Wrote", "━"):
        assert noise not in result.stdout
    assert_same(read_observations(result.stdout), survey.expected, rtol=1e-12)
    # What was skipped, and why, goes to standard error.
    errors = flat(result.stderr)
    assert "UNE_DEAP_SEX_AGE_GEO_RT" in errors and "ilo_geo" in errors


def test_indicators_option_restricts(survey: Survey) -> None:
    result = invoke("synthetic", survey.path, "--indicators", "UNE_DEAP_SEX_AGE_RT,SDG_0861_SEX_RT")
    assert result.exit_code == 0, result.output
    table = read_observations(result.stdout)
    assert set(table["indicator"]) == {"UNE_DEAP_SEX_AGE_RT", "SDG_0861_SEX_RT"}
    expected = survey.expected[survey.expected["indicator"].isin(table["indicator"])]
    assert_same(table, expected, rtol=1e-8)


def test_unknown_indicator_is_refused_with_a_suggestion(survey: Survey) -> None:
    result = invoke("synthetic", survey.path, "--indicators", "UNE_DEAP_SEX_AGE_R,SDG_0861_SEX_RT")
    assert_refused(result, "UNE_DEAP_SEX_AGE_R ", "did you mean UNE_DEAP_SEX_AGE_RT")
    assert result.stdout == ""


# Averages ----------------------------------------------------------------------------------------


@pytest.mark.usefixtures("one_thread")
def test_quarterly_average_of_three_months(months: Months, tmp_path: Path) -> None:
    out = tmp_path / "q.parquet"
    codes = "UNE_DEAP_SEX_AGE_RT,EMP_TEMP_SEX_AGE_NB,UNE_TUNE_SEX_AGE_NB,EAP_TEAP_SEX_AGE_NB"
    result = invoke(
        months.profile,
        *months.files,
        "--indicators",
        codes,
        "--average-to",
        "quarter",
        "--out",
        out,
    )
    assert result.exit_code == 0, result.output
    table = pd.read_parquet(out)
    assert set(table["time"]) == {"2024M01", "2024M02", "2024M03", "2024Q1"}
    # The monthly rows are each file's own computation.
    profile = load_profile(months.profile)
    monthly = table[table["time"] != "2024Q1"]
    expected = pd.concat(
        [compute(profile, f, indicators=codes.split(",")).observations for f in months.files],
        ignore_index=True,
    )
    assert_same(monthly, expected, rtol=0)
    # Levels: mean of the three months, SE sqrt(sum of squared SEs) / 3.
    full = monthly.groupby(GROUP).filter(lambda g: g["obs_value"].notna().sum() == 3)
    wanted = full.groupby(GROUP).agg(
        obs_value=("obs_value", "mean"),
        se=("se", lambda s: np.sqrt(np.sum(s**2)) / 3),
        sample_count=("sample_count", "sum"),
    )
    quarter = table[table["time"] == "2024Q1"].set_index(GROUP).sort_index()
    assert len(quarter) > 100
    assert list(quarter.index) == list(wanted.index)
    levels = quarter.index.get_level_values("indicator") != "UNE_DEAP_SEX_AGE_RT"
    for column in ("obs_value", "se"):
        np.testing.assert_allclose(quarter[column][levels], wanted[column][levels], rtol=1e-12)
    assert quarter["sample_count"].tolist() == wanted["sample_count"].tolist()
    # The rate: the averaged unemployed over the averaged labour force, not the mean rate.
    rates = quarter[~levels].reset_index("indicator", drop=True)
    unemployed, labour_force = (
        quarter.xs(code, level="indicator")["obs_value"]
        for code in ("UNE_TUNE_SEX_AGE_NB", "EAP_TEAP_SEX_AGE_NB")
    )
    from_levels = (100 * unemployed / labour_force).reindex(rates.index)
    np.testing.assert_allclose(rates["obs_value"], from_levels, rtol=1e-9)
    mean_rates = wanted[~levels].reset_index("indicator", drop=True)["obs_value"]
    assert (rates["obs_value"] - mean_rates).abs().max() > 1e-3
    assert (rates["se"] > 0).all()
    z = norm.ppf(0.975)
    np.testing.assert_allclose(
        quarter["lower_bound"], quarter["obs_value"] - z * quarter["se"], rtol=1e-12
    )
    np.testing.assert_allclose(
        quarter["upper_bound"], quarter["obs_value"] + z * quarter["se"], rtol=1e-12
    )
    assert quarter["note_indicator"].str.contains(AVERAGED).all()
    unreliable = (quarter["sample_count"] < 15) | (quarter["cv"] > 33.3)
    assert (quarter["obs_status"] == np.where(unreliable, "U", "")).all()
    # The months carry only the default rule's caution notes, which the averages, judged
    # afresh, do not inherit.
    rule = rule_set("default")
    assert monthly["note_indicator"].str.startswith("Use with caution: ").any()
    assert (rule.without_its_notes(monthly["note_indicator"]) == "").all()
    averaged = rule.without_its_notes(quarter["note_indicator"])
    assert averaged.iloc[0].startswith(AVERAGED) and (averaged == averaged.iloc[0]).all()


def test_sdmx_periods_of_months_and_quarters(months: Months) -> None:
    result = invoke(
        months.profile,
        *months.files,
        "--indicators",
        "SDG_0861_SEX_RT",
        "--average-to",
        "quarter",
        "--format",
        "sdmx-csv",
    )
    assert result.exit_code == 0, result.output
    sdmx = pd.read_csv(io.StringIO(result.stdout), dtype=str, keep_default_na=False)
    periods = set(zip(sdmx["TIME_PERIOD"], sdmx["FREQ"], strict=True))
    assert periods == {("2024-01", "M"), ("2024-02", "M"), ("2024-03", "M"), ("2024-Q1", "Q")}
    assert set(sdmx["MEASURE"]) == {"SDG_0861_RT"}


def test_annual_average_of_three_months_is_skipped(months: Months) -> None:
    result = invoke(
        months.profile, *months.files, "--indicators", "UNE_DEAP_SEX_AGE_RT", "--average-to", "year"
    )
    assert result.exit_code == 0, result.output
    table = read_observations(result.stdout)
    assert set(table["time"]) == {"2024M01", "2024M02", "2024M03"}
    errors = flat(result.stderr)
    assert "year 2024" in errors and "only 3 of 12 months" in errors


def test_two_files_of_the_same_month_are_refused(months: Months, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    result = invoke(
        months.profile,
        months.files[0],
        months.duplicate,
        "--indicators",
        "UNE_DEAP_SEX_AGE_RT",
        "--out",
        out,
    )
    assert_refused(result, str(months.files[0]), str(months.duplicate), "2024M01")
    assert list(tmp_path.iterdir()) == []


def test_averaging_a_time_that_is_not_a_month_is_refused(survey: Survey, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    result = invoke(
        "synthetic",
        survey.path,
        "--indicators",
        "UNE_DEAP_SEX_AGE_RT",
        "--average-to",
        "quarter",
        "--out",
        out,
    )
    assert_refused(result, "'2024' is not a month")
    assert list(tmp_path.iterdir()) == []


def test_unknown_average_period_is_refused(survey: Survey) -> None:
    result = invoke("synthetic", survey.path, "--average-to", "month")
    assert_refused(result, "--average-to 'month'", "year or quarter")


# Reliability options -----------------------------------------------------------------------------


def test_min_count_flags_everything(survey: Survey) -> None:
    result = invoke(
        "synthetic", survey.path, "--indicators", "UNE_DEAP_SEX_AGE_RT", "--min-count", "100000"
    )
    assert result.exit_code == 0, result.output
    table = read_observations(result.stdout)
    assert len(table) > 0
    assert set(table["obs_status"]) == {"U"}
    assert table["obs_value"].notna().all()


def test_default_rule_flags_small_or_imprecise_estimates(survey: Survey) -> None:
    table = survey.expected
    unreliable = (table["sample_count"] < 15) | (table["cv"] > 33.3)
    assert unreliable.any() and not unreliable.all()
    assert (table["obs_status"] == np.where(unreliable, "U", "")).all()


def test_suppress_below_blanks_values(survey: Survey, tmp_path: Path) -> None:
    result = invoke(
        "synthetic",
        survey.path,
        "--indicators",
        "UNE_DEAP_SEX_AGE_RT",
        "--suppress-below",
        "1000000",
    )
    assert result.exit_code == 0, result.output
    table = read_observations(result.stdout)
    assert len(table) > 0
    for column in FLOAT_COLUMNS:
        assert table[column].isna().all(), column
    assert table["sample_count"].notna().all()
    assert set(table["note_indicator"]) == {SUPPRESSED}
    assert set(table["obs_status"]) == {"U"}


def test_reliability_chooses_a_rule_set_and_options_override_it(survey: Survey) -> None:
    arguments = ["synthetic", survey.path, "--indicators", "UNE_DEAP_SEX_AGE_RT"]
    result = invoke(*arguments, "--reliability", "statcan-lfs")
    assert result.exit_code == 0, result.output
    table = read_observations(result.stdout)
    unpublished = table["note_indicator"] == UNPUBLISHABLE_NOTE
    assert unpublished.any() and table.loc[unpublished, "obs_value"].isna().all()
    assert (table.loc[unpublished, "obs_status"] == "U").all()
    assert table["note_indicator"].str.startswith("E: use with caution: ").any()
    result = invoke(*arguments, "--reliability", "statcan-lfs", "--max-cv", "1000")
    assert result.exit_code == 0, result.output
    assert not (read_observations(result.stdout)["note_indicator"] == UNPUBLISHABLE_NOTE).any()


# Bad inputs --------------------------------------------------------------------------------------

Arguments = list[str | Path]
Case = Callable[[Path, Survey, Path], tuple[Arguments, list[str]]]
"""A bad input: given a folder for inputs, the survey and an output path, (the arguments
after ``compute``, what the message must name)."""


def _profile(folder: Path, text: str) -> Path:
    path = folder / "bad.yaml"
    path.write_text(text)
    return path


def _missing_column(folder: Path, survey: Survey, out: Path) -> tuple[Arguments, list[str]]:
    profile = _profile(folder, remap("ilo_sex", "sexx"))
    return (
        [profile, survey.path, "--out", out],
        [str(profile), "ilo_sex", "'sexx'", "did you mean sex"],
    )


def _invalid_sql(folder: Path, survey: Survey, out: Path) -> tuple[Arguments, list[str]]:
    profile = _profile(folder, remap("ilo_sex", "CASE WHEN sex = THEN 1 END"))
    return [profile, survey.path, "--out", out], [
        str(profile),
        "variables.ilo_sex",
        "not valid SQL",
    ]


def _two_statements(folder: Path, survey: Survey, out: Path) -> tuple[Arguments, list[str]]:
    profile = _profile(folder, remap("ilo_sex", "sex; DROP TABLE x"))
    return [profile, survey.path, "--out", out], [str(profile), "variables.ilo_sex", "2 statements"]


def _csv_for_parquet(folder: Path, survey: Survey, out: Path) -> tuple[Arguments, list[str]]:
    path = folder / "lfs.csv"
    pd.read_parquet(survey.path).head(200).to_csv(path, index=False)
    return ["synthetic", path, "--out", out], [str(path), "reads parquet files"]


def _text_named_parquet(folder: Path, survey: Survey, out: Path) -> tuple[Arguments, list[str]]:
    path = folder / "notes.parquet"
    path.write_text("sex,age\n1,20\n")
    return ["synthetic", path, "--out", out], [str(path), "cannot read as parquet"]


def _missing_weights(folder: Path, survey: Survey, out: Path) -> tuple[Arguments, list[str]]:
    table = pq.read_table(survey.path)
    weights = table.column("weight").to_pylist()
    weights[3] = weights[40] = weights[41] = None
    path = folder / "weights.parquet"
    pq.write_table(
        table.set_column(
            table.column_names.index("weight"), "weight", pa.array(weights, pa.float64())
        ),
        path,
    )
    return ["synthetic", path, "--out", out], [str(path), "'weight'", "3 missing value"]


def _corrupt_zip(folder: Path, survey: Survey, out: Path) -> tuple[Arguments, list[str]]:
    path = folder / "2024-01-CSV.zip"
    path.write_bytes(np.random.default_rng(5).bytes(4096))
    return ["statcan-lfs", path, "--out", out], [str(path), "not a readable zip"]


def _no_such_file(folder: Path, survey: Survey, out: Path) -> tuple[Arguments, list[str]]:
    path = folder / "absent.parquet"
    return ["synthetic", path, "--out", out], [str(path), "no such file"]


def _missing_status(folder: Path, survey: Survey, out: Path) -> tuple[Arguments, list[str]]:
    profile = _profile(
        folder, variant("WHEN age < 15 THEN NULL", "WHEN age < 15 OR household % 7 = 0 THEN NULL")
    )
    raw = pd.read_parquet(survey.path, columns=["age", "household"])
    count = int(((raw["age"] >= 15) & (raw["household"] % 7 == 0)).sum())
    assert count > 0
    return (
        [profile, survey.path, "--out", out],
        [str(survey.path), "ilo_lfs is missing", f": {count:,} records"],
    )


def _unknown_format(folder: Path, survey: Survey, out: Path) -> tuple[Arguments, list[str]]:
    return (
        ["synthetic", survey.path, "--format", "json", "--out", out],
        ["--format: unknown format 'json'", "csv, parquet, xlsx, sdmx-csv"],
    )


def _binary_to_standard_output(
    folder: Path, survey: Survey, out: Path
) -> tuple[Arguments, list[str]]:
    return (
        ["synthetic", survey.path, "--format", "parquet"],
        ["--out: the parquet format writes a file"],
    )


def _no_output_folder(folder: Path, survey: Survey, out: Path) -> tuple[Arguments, list[str]]:
    target = out.parent / "absent" / "out.csv"
    return (
        ["synthetic", survey.path, "--out", target],
        [f"--out: {target}: the folder {target.parent} does not exist"],
    )


def _output_is_a_folder(folder: Path, survey: Survey, out: Path) -> tuple[Arguments, list[str]]:
    target = folder / "out.csv"
    target.mkdir()
    return ["synthetic", survey.path, "--out", target], [f"--out: cannot write {target}"]


def _negative_min_count(folder: Path, survey: Survey, out: Path) -> tuple[Arguments, list[str]]:
    return (
        ["synthetic", survey.path, "--min-count", "-1", "--max-cv", "0", "--out", out],
        [
            "--min-count: Input should be greater than or equal to 0",
            "--max-cv: Input should be greater than 0",
        ],
    )


def _unknown_rule_set(folder: Path, survey: Survey, out: Path) -> tuple[Arguments, list[str]]:
    return (
        ["synthetic", survey.path, "--reliability", "strict", "--out", out],
        ["--reliability: no reliability rule set 'strict'", "default, statcan-lfs, one-tier"],
    )


def _missing_catalogue(folder: Path, survey: Survey, out: Path) -> tuple[Arguments, list[str]]:
    path = folder / "absent.yaml"
    return (
        ["synthetic", survey.path, "--catalogue", path, "--out", out],
        [f"{path}: no such catalogue file"],
    )


def _bad_catalogue(folder: Path, survey: Survey, out: Path) -> tuple[Arguments, list[str]]:
    path = folder / "catalogue.yaml"
    path.write_text(
        "variables: {}\nclassifications: {}\n"
        "indicators:\n  - {code: MY_RT, label: mine, ratio: [a, b]}\n"
    )
    return (
        ["synthetic", survey.path, "--catalogue", path, "--out", out],
        [str(path), "MY_RT", "'a'"],
    )


BAD_INPUTS: dict[str, Case] = {
    "profile names a missing column": _missing_column,
    "invalid SQL": _invalid_sql,
    "two SQL statements": _two_statements,
    "CSV for a parquet profile": _csv_for_parquet,
    "text file named .parquet": _text_named_parquet,
    "missing weights": _missing_weights,
    "corrupt zip": _corrupt_zip,
    "no such input file": _no_such_file,
    "working age without ilo_lfs": _missing_status,
    "unknown format": _unknown_format,
    "binary format without --out": _binary_to_standard_output,
    "output folder does not exist": _no_output_folder,
    "output is a folder": _output_is_a_folder,
    "reliability options out of range": _negative_min_count,
    "unknown reliability rule set": _unknown_rule_set,
    "missing catalogue": _missing_catalogue,
    "invalid catalogue": _bad_catalogue,
}


@pytest.mark.parametrize("case", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_exits_2_without_output(case: Case, survey: Survey, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    written = tmp_path / "out"
    folder.mkdir()
    written.mkdir()
    arguments, culprits = case(folder, survey, written / "out.csv")
    result = invoke(*arguments, "--indicators", "UNE_DEAP_SEX_AGE_RT")
    assert_refused(result, *culprits)
    assert result.stdout == ""
    # Nothing written: no output file and no temporary .out.csv.* beside it.
    assert list(written.iterdir()) == []
    if "--out" in arguments:
        target = Path(arguments[arguments.index("--out") + 1])
        assert not target.is_file()
        if target.parent.is_dir():
            assert list(target.parent.glob(f".{target.name}.*")) == []


def test_unknown_indicator_code_is_named_with_its_option(survey: Survey, tmp_path: Path) -> None:
    result = invoke(
        "synthetic",
        survey.path,
        "--indicators",
        "UNE_DEAP_SEX_AG_RT",
        "--out",
        tmp_path / "out.csv",
    )
    assert_refused(
        result,
        "--indicators: unknown indicator code(s): UNE_DEAP_SEX_AG_RT "
        "(did you mean UNE_DEAP_SEX_AGE_RT",
    )
    assert list(tmp_path.iterdir()) == []


def test_invalid_recipe_in_catalogue_is_named(survey: Survey, tmp_path: Path) -> None:
    path = tmp_path / "catalogue.yaml"
    path.write_text(
        "variables:\n  une: {label: u, reference: r, recipes: ['ilo_lfs; DROP "
        "TABLE x']}\nclassifications: {}\n"
        "indicators:\n  - {code: MY_NB, label: mine, total: une}\n"
    )
    out = tmp_path / "out.csv"
    result = invoke("synthetic", survey.path, "--catalogue", path, "--out", out)
    assert_refused(result, str(path), "variables.une", "2 statements")
    assert not out.exists()


# Real data ---------------------------------------------------------------------------------------


def test_statcan_month_on_standard_output() -> None:
    assert STATCAN_2024_01.is_file(), f"{STATCAN_2024_01} is missing: tests need ../shared/data"
    result = invoke(
        "statcan-lfs",
        STATCAN_2024_01,
        "--indicators",
        "UNE_DEAP_SEX_AGE_RT,EMP_NIFL_SEX_RT,UNE_DEAP_SEX_AGE_GEO_RT",
        "--average-to",
        "quarter",
    )
    assert result.exit_code == 0, result.output
    table = read_observations(result.stdout)
    assert set(table["indicator"]) == {"UNE_DEAP_SEX_AGE_RT"}
    assert set(table["time"]) == {"2024M01"}
    national = table.query(
        "ref_area == 'CAN' and sex == 'SEX_T' and classif1 == 'AGE_YTHADULT_YGE15'"
    ).set_index("source")["obs_value"]
    # Statistics Canada's definition, and the ICLS one (temporary layoffs who did not look
    # for work are not unemployed).
    assert national["BA:147"] == pytest.approx(6.14, abs=0.005)
    assert national["BA:147-ICLS"] < national["BA:147"]
    assert {"CA-ON", "CA-QC", "CA-NL"} <= set(table["ref_area"])
    errors = flat(result.stderr)
    for item in (
        "EMP_NIFL_SEX_RT",
        "ilo_job1_ife_nature",
        "UNE_DEAP_SEX_AGE_GEO_RT",
        "ilo_geo",
        "quarter 2024Q1",
        "only 1 of 3 months",
    ):
        assert item in errors, item

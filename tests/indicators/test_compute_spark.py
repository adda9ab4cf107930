"""``decentwork compute --engine spark``: the catalogue on Spark equals the DuckDB engine's.

The tests that run Spark share the session's local Spark (``spark`` in tests/conftest.py),
which the command uses instead of starting its own; the others start nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest

from decentwork.estimation.engine import DuckDBTable
from decentwork.indicators import compute
from decentwork.survey import harmonise, load_profile
from decentwork.survey.errors import ProfileError
from decentwork.survey.spark import harmonised_on_spark
from decentwork.synthetic import generate
from tests.indicators.test_compute_cli import (
    assert_refused,
    assert_same,
    invoke,
    read_observations,
)
from tests.survey.conftest import STATCAN_2024_01

pytestmark = [
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]


@pytest.fixture(scope="module")
def survey(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic survey of 4,000 records as Parquet."""
    path = tmp_path_factory.mktemp("spark") / "survey.parquet"
    pq.write_table(generate(4_000, seed=21, strata=4, psus=40), path)
    return path


def test_synthetic_catalogue_on_spark_equals_duckdb(
    survey: Path, spark: Any, tmp_path: Path
) -> None:
    on_duckdb = invoke("synthetic", survey, "--out", tmp_path / "duckdb.csv")
    on_spark = invoke("synthetic", survey, "--out", tmp_path / "spark.csv", "--engine", "spark")
    assert on_duckdb.exit_code == 0, on_duckdb.output
    assert on_spark.exit_code == 0, on_spark.output
    expected = read_observations(tmp_path / "duckdb.csv")
    assert expected["indicator"].nunique() > 30
    assert_same(read_observations(tmp_path / "spark.csv"), expected, rtol=1e-12)
    assert spark.catalog.listTables() == []  # every view dropped; the session still runs


def test_statcan_catalogue_on_spark_equals_duckdb(spark: Any) -> None:
    """Every indicator of the Statistics Canada file (and its icls variant)."""
    profile = load_profile("statcan-lfs")
    expected = compute(profile, STATCAN_2024_01).observations
    actual = compute(profile, STATCAN_2024_01, spark=spark).observations
    assert expected["indicator"].nunique() > 30
    assert set(expected["source"]) == {"BA:147", "BA:147-ICLS"}
    assert_same(actual, expected, rtol=1e-12)


def test_profile_expressions_give_the_same_records_on_spark(survey: Path, spark: Any) -> None:
    """The synthetic profile's expressions, transpiled to Spark SQL, harmonise the file as
    DuckDB does (record for record; Spark's FLOOR gives integers where DuckDB's gives
    doubles, of the same values)."""
    profile = load_profile("synthetic")
    expected = harmonise(profile, survey).df()
    with harmonised_on_spark(profile, survey, spark) as table:
        types = table.types()
        actual = table.query(f"SELECT * FROM {table.source}")
    differ = {
        name: (kind, types[name])
        for name, kind in DuckDBTable(harmonise(profile, survey)).types().items()
        if types[name] != kind
    }
    assert differ == {"ilo_job1_ocu_isco08_2digits": ("DOUBLE", "BIGINT")}
    order = list(expected.columns)
    pd.testing.assert_frame_equal(
        actual[order].sort_values(order, ignore_index=True),
        expected.sort_values(order, ignore_index=True),
        check_dtype=False,
    )


def test_spark_reads_only_csv_and_parquet(tmp_path: Path) -> None:
    """Refused before the session is used (none is given here)."""
    profile = load_profile("psa-lfs")  # CSPro data
    with (
        pytest.raises(ProfileError, match="engine 'spark' reads CSV and Parquet files"),
        harmonised_on_spark(profile, tmp_path / "lfs.dat", None),
    ):
        pass


def test_an_unknown_engine_is_refused(survey: Path) -> None:
    assert_refused(invoke("synthetic", survey, "--engine", "polars"), "--engine", "polars")


def test_without_pyspark_compute_says_how_to_install_it(
    survey: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    result = invoke("synthetic", survey, "--engine", "spark")
    assert_refused(result, "decentwork[spark]")

"""The one pass on Apache Spark gives DuckDB's estimates; without PySpark or Java, a clear error.

The tests that need Spark share one local session (``spark`` in tests/conftest.py; its JVM
start makes them slow). Those that simulate a missing PySpark or Java start nothing.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest

from decentwork.demo import labour_sql
from decentwork.estimation import Design, EstimationError, estimate
from decentwork.estimation.cells import CellPlan, Statistic, build_sql
from decentwork.estimation.errors import EngineUnavailable, QueryFailed
from decentwork.estimation.spark import session, spark_table
from decentwork.synthetic import generate

pytestmark = [
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]

BY = [(), ("sex",), ("sex", "region")]
NUMBERS = ["estimate", "se", "lower", "upper", "cv", "df", "n", "numerator_total", "deff"]


@pytest.fixture(scope="module")
def persons() -> pd.DataFrame:
    """3,000 synthetic persons 15+ (6 strata, 30 PSUs) with an FPC, a second stage (``ssu``:
    three units per PSU, from the age, of 6 in the population: ``fpc2``), 8 bootstrap
    replicate weights and ``hours`` missing for those not employed."""
    con = duckdb.connect()
    con.register("people", generate(3_000, seed=11, strata=6, psus=30))
    frame = con.sql(
        "SELECT stratum, psu, weight, sex, region, unemp, lf, hours, "
        "10 * COUNT(DISTINCT psu) OVER (PARTITION BY stratum) AS fpc, "
        "CAST(age AS INTEGER) % 3 AS ssu, 6 AS fpc2 "
        f"FROM ({labour_sql('people')})"
    ).df()
    rng = np.random.default_rng(4)
    factors = rng.poisson(1.0, (frame["psu"].max() + 1, 8)).astype(float)
    for r in range(8):
        frame[f"boot_{r}"] = frame["weight"] * factors[frame["psu"], r]
    return frame


SHAPES = {
    "strata and PSUs": (
        Design(weight="weight", strata="stratum", psu="psu"),
        {"missing": "drop", "deff": True},
    ),
    "FPC and missing values": (
        Design(weight="weight", strata="stratum", psu="psu", fpc="fpc"),
        {"missing": "drop"},
    ),
    "no PSU": (Design(weight="weight", strata="stratum"), {"missing": "drop"}),
    "two stages with FPC": (
        Design(weight="weight", strata="stratum", psu=("psu", "ssu"), fpc=("fpc", "fpc2")),
        {"missing": "drop"},
    ),
    "replicate weights, t intervals": (
        Design(weight="weight", replicate_weights="boot_", replicate_method="bootstrap"),
        {"missing": "drop", "ci": "t"},
    ),
}


def run(data: Any, design: Design, **options: Any) -> pd.DataFrame:
    return estimate(
        data,
        design,
        ratios={"ur": ("unemp", "lf")},
        totals=["lf"],
        means=["hours"],
        by=BY,
        **options,
    )


def in_order(result: pd.DataFrame) -> pd.DataFrame:
    """The rows in one order (each engine returns the cells in its own)."""
    keys = ["statistic", "sex", "region"]
    return result.sort_values(keys, na_position="first").reset_index(drop=True)


@pytest.mark.parametrize("shape", SHAPES)
def test_spark_equals_duckdb_for_each_design_shape(
    shape: str, persons: pd.DataFrame, spark: Any
) -> None:
    design, options = SHAPES[shape]
    on_duckdb = in_order(run(persons, design, **options))
    on_spark = in_order(run(spark.createDataFrame(persons), design, **options))
    assert len(on_spark) == len(on_duckdb) > 3 * (1 + 2 + 2 * 2)
    for column in ["statistic", "kind", "sex", "region", "interval"]:
        assert on_spark[column].tolist() == on_duckdb[column].tolist(), column
    for column in NUMBERS:
        np.testing.assert_allclose(
            on_spark[column].to_numpy(float),
            on_duckdb[column].to_numpy(float),
            rtol=1e-12,
            atol=0,
            err_msg=column,
        )
    if shape == "replicate weights, t intervals":
        assert on_spark["df"].notna().all()


def test_the_generated_sql_runs_on_both_engines(persons: pd.DataFrame, spark: Any) -> None:
    """The kernel's aggregate, written for each dialect, executed (not only transpiled) by
    DuckDB and by Spark: the same cell table."""
    plan = CellPlan(
        design=Design(weight="weight", strata="stratum", psu="psu", fpc="fpc"),
        statistics=(Statistic("ur", "ratio", "unemp", "lf"), Statistic("hours", "mean", "hours")),
        by_columns=("sex", "region"),
        replicate_columns=(),
        moments=False,
        gram=False,
        missing="drop",
    )
    relation = duckdb.connect().from_df(persons)
    types = {c: str(t) for c, t in zip(relation.columns, relation.types, strict=True)}
    on_duckdb = relation.query("cells", build_sql(plan, "cells", types)).df()
    spark.createDataFrame(persons).createOrReplaceTempView("decentwork_test_cells")
    try:
        spark_sql = build_sql(plan, "decentwork_test_cells", types, dialect="spark")
        on_spark = spark.sql(spark_sql).toPandas()
    finally:
        spark.catalog.dropTempView("decentwork_test_cells")
    assert '"' not in spark_sql and "`weight`" in spark_sql
    keys = plan.keys
    on_duckdb = on_duckdb.sort_values(keys).reset_index(drop=True)
    on_spark = on_spark.sort_values(keys).reset_index(drop=True)
    assert list(on_spark.columns) == list(on_duckdb.columns)
    assert len(on_duckdb) >= 30  # at least both sexes in each of the 30 PSUs
    np.testing.assert_allclose(
        on_spark.to_numpy(float), on_duckdb.to_numpy(float), rtol=1e-12, atol=0
    )


def test_spark_reads_a_path_and_drops_its_views(
    persons: pd.DataFrame, spark: Any, tmp_path: Path
) -> None:
    path = tmp_path / "persons.parquet"
    persons.to_parquet(path, index=False)
    views = {t.name for t in spark.catalog.listTables()}
    design = Design(weight="weight", strata="stratum", psu="psu")
    on_spark = in_order(run(path, design, engine="spark", spark=spark, missing="drop"))
    on_duckdb = in_order(run(path, design, missing="drop"))
    np.testing.assert_allclose(on_spark["se"], on_duckdb["se"], rtol=1e-12)
    assert {t.name for t in spark.catalog.listTables()} == views


def test_precision_fallback_numbers_records_on_spark(spark: Any) -> None:
    """Values around 1e9 that differ by units: the exact re-read with a record number."""
    i = np.arange(2_000)
    frame = pd.DataFrame({"w": 1.0 + i % 3, "y": 1e9 + i % 2})
    on_spark = estimate(spark.createDataFrame(frame), Design(weight="w"), means=["y"])
    on_duckdb = estimate(frame, Design(weight="w"), means=["y"])
    assert on_spark["se"].iloc[0] == pytest.approx(on_duckdb["se"].iloc[0], rel=1e-12)


def test_kernel_errors_have_the_same_message_on_spark(persons: pd.DataFrame, spark: Any) -> None:
    design = Design(weight="weight", strata="stratum", psu="psu")
    messages = []
    for data in (persons, spark.createDataFrame(persons)):
        with pytest.raises(EstimationError) as error:
            estimate(data, design, totals=["nope"])
        messages.append(str(error.value))
        with pytest.raises(EstimationError) as error:
            estimate(data, design, totals=["hours"])
        messages.append(str(error.value))
    assert messages[:2] == messages[2:]
    assert "unknown column 'nope'" in messages[0]
    assert "column 'hours' has" in messages[1] and "missing" in messages[1]


def test_a_query_spark_cannot_run_is_an_estimation_error(spark: Any) -> None:
    frame = spark.createDataFrame(pd.DataFrame({"w": [1.0, 2.0]}))
    with spark_table(frame) as table:
        view = table.source
        with pytest.raises(QueryFailed, match=r"^Spark cannot run the query: .*nope"):
            table.rows(f"SELECT nope FROM {view}")
    assert view not in {t.name for t in spark.catalog.listTables()}


# --- no Spark here: the documented errors, nothing started -----------------------------------


def test_without_pyspark_the_error_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    path = tmp_path / "x.csv"
    path.write_text("w,y\n1,2\n")
    with pytest.raises(EngineUnavailable, match=r"needs PySpark.*decentwork\[spark\]") as error:
        estimate(path, Design(weight="w"), totals=["y"], engine="spark")
    assert error.value.parameter == "engine"
    with pytest.raises(EngineUnavailable, match="needs PySpark"):
        session("local[1]")


def test_without_java_the_error_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    with pytest.raises(EngineUnavailable, match=r"bin/java.*openjdk-17-jre-headless"):
        session("local[1]")
    monkeypatch.delenv("JAVA_HOME")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(EngineUnavailable, match="no java on the PATH"):
        session("local[1]")


def test_spark_without_a_session_is_refused_not_started(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from pyspark.sql import SparkSession

    monkeypatch.setattr(SparkSession, "getActiveSession", classmethod(lambda cls: None))
    path = tmp_path / "x.csv"
    path.write_text("w,y\n1,2\n")
    with pytest.raises(EstimationError, match="no Spark session") as error:
        estimate(path, Design(weight="w"), totals=["y"], engine="spark")
    assert error.value.parameter == "spark"


def test_an_unknown_engine_is_refused() -> None:
    frame = pd.DataFrame({"w": [1.0, 2.0], "y": [1.0, 0.0]})
    with pytest.raises(EstimationError, match="engine='polars' must be one of") as error:
        estimate(frame, Design(weight="w"), totals=["y"], engine="polars")  # type: ignore[arg-type]
    assert error.value.parameter == "engine"


def test_the_default_engine_does_not_import_pyspark() -> None:
    script = (
        "import sys, pandas as pd\n"
        "from decentwork.estimation import Design, estimate\n"
        "estimate(pd.DataFrame({'w': [1.0, 2.0], 'y': [1, 0]}), Design(weight='w'), "
        "totals=['y'])\n"
        "assert not any(m.startswith('pyspark') for m in sys.modules), 'pyspark imported'\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)

"""The kernel's one pass on Apache Spark: a PySpark DataFrame as a :class:`~.engine.Table`.

Imported only when Spark is asked for (``engine="spark"``, a PySpark DataFrame), so PySpark
is an optional extra (``pip install 'decentwork[spark]'``). No session is ever started here
except by :func:`session`, which the command line calls for ``--engine spark``: ``estimate``
uses the DataFrame's own session, the one given, or the active one. Each table is a
temporary view of a unique name, dropped when the kernel is done; the session's settings are
not changed. Only the aggregate's rows (sums per stratum, PSU and cell) come to the driver.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from decentwork.errors import NotFound
from decentwork.estimation.engine import Dialect, Table, is_spark_dataframe
from decentwork.estimation.errors import EngineUnavailable, EstimationError, QueryFailed
from decentwork.estimation.source import CSV_SUFFIXES, PARQUET_SUFFIXES

INSTALL_HINT = "pip install 'decentwork[spark]'"
JAVA_HINT = (
    "install Java 17 or later (Debian: apt-get install openjdk-17-jre-headless) or set JAVA_HOME"
)

SIMPLE_TYPES = {
    "tinyint": "TINYINT",
    "smallint": "SMALLINT",
    "int": "INTEGER",
    "bigint": "BIGINT",
    "float": "FLOAT",
    "double": "DOUBLE",
    "boolean": "BOOLEAN",
    "string": "VARCHAR",
    "binary": "BLOB",
    "date": "DATE",
    "timestamp": "TIMESTAMP WITH TIME ZONE",
    "timestamp_ntz": "TIMESTAMP",
    "void": "NULL",
}
"""Spark SQL's type names (``DataType.simpleString``) -> DuckDB's, which the kernel reads."""


def pyspark_sql() -> Any:
    """The ``pyspark.sql`` module.

    Raises:
        EngineUnavailable: PySpark is not installed.
    """
    try:
        import pyspark.sql
    except ImportError:
        raise EngineUnavailable(
            f"engine='spark' needs PySpark, which is not installed: {INSTALL_HINT}",
            parameter="engine",
            given="spark",
            hint=INSTALL_HINT,
        ) from None
    return pyspark.sql


def java() -> str:
    """The ``java`` command a local Spark session would start.

    Raises:
        EngineUnavailable: no Java (neither ``JAVA_HOME`` nor ``java`` on the path).
    """
    home = os.environ.get("JAVA_HOME")
    command = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    if command is None or not Path(command).is_file():
        where = f"JAVA_HOME={home} has no bin/java" if home else "no java on the PATH"
        raise EngineUnavailable(
            f"engine='spark' needs Java to run Spark ({where}): {JAVA_HINT}",
            parameter="engine",
            given="spark",
            hint=JAVA_HINT,
        )
    return command


def session(master: str, app_name: str = "decentwork") -> Any:
    """A Spark session on ``master`` (``local[2]``, ``spark://host:7077``, ``yarn``, or
    ``sc://host`` for Spark Connect), the web UI off; an existing session is reused.

    Raises:
        EngineUnavailable: PySpark or (for a JVM master) Java is missing.
    """
    sql = pyspark_sql()
    builder = sql.SparkSession.builder.appName(app_name)
    if master.startswith("sc://"):
        return builder.remote(master).getOrCreate()
    java()
    return builder.master(master).config("spark.ui.enabled", "false").getOrCreate()


DDL_TYPES = {
    **{duckdb: spark.upper() for spark, duckdb in SIMPLE_TYPES.items()},
    "INTEGER": "INT",
    "VARCHAR": "STRING",
    "UTINYINT": "SMALLINT",
    "USMALLINT": "INT",
    "UINTEGER": "BIGINT",
    "UBIGINT": "DECIMAL(20,0)",
    "HUGEINT": "DECIMAL(38,0)",
    "NULL": "STRING",
}
"""DuckDB's type names -> Spark SQL's (for a schema in DDL), unsigned types widened."""


def spark_type(duckdb_type: str) -> str:
    """The Spark SQL type (DDL) holding DuckDB's ``duckdb_type``; text for any other."""
    if duckdb_type.upper().startswith("DECIMAL"):
        return duckdb_type.upper()
    return DDL_TYPES.get(duckdb_type.upper(), "STRING")


def type_name(kind: Any) -> str:
    """The DuckDB name of the Spark data type ``kind`` (``DECIMAL(p,s)``, ``STRUCT``...)."""
    simple = kind.simpleString()
    if simple.startswith("decimal"):
        return simple.upper()
    for prefix, name in (("array", "LIST"), ("struct", "STRUCT"), ("map", "MAP")):
        if simple.startswith(prefix):
            return name
    return SIMPLE_TYPES.get(simple, simple.upper())


PANDAS_TYPES = {
    "tinyint": "int8",
    "smallint": "int16",
    "int": "int32",
    "bigint": "int64",
    "boolean": "bool",
    "string": "str",
}
"""Spark types -> the pandas dtype DuckDB's ``.df()`` gives them (integers and booleans with a
missing value take the nullable dtype: ``Int32``, ``boolean``)."""


def like_duckdb(frame: pd.DataFrame, schema: Any) -> pd.DataFrame:
    """``frame`` (Spark's ``toPandas``) with the dtypes DuckDB's ``.df()`` would give, so that
    what follows (labels, codes written as text) is the same on both engines."""
    for field in schema.fields:
        dtype = PANDAS_TYPES.get(field.dataType.simpleString())
        if dtype is None:
            continue
        column = frame[field.name]
        if dtype != "str" and column.isna().any():
            dtype = "boolean" if dtype == "bool" else dtype.capitalize()
        frame[field.name] = column.astype(dtype)
    return frame


class SparkTable:
    """A Spark DataFrame as a :class:`~.engine.Table`, seen by queries as a temporary view.

    The views it creates (its own and those of :meth:`numbered`) are dropped by
    :meth:`close`.
    """

    dialect: Dialect = "spark"

    def __init__(self, frame: Any, views: list[str] | None = None) -> None:
        self.frame = frame
        self.views = [] if views is None else views
        self.source = f"decentwork_{uuid.uuid4().hex}"  # a name no dialect needs to quote
        frame.createTempView(self.source)
        self.views.append(self.source)

    @property
    def columns(self) -> list[str]:
        return list(self.frame.columns)

    def types(self) -> dict[str, str]:
        return {field.name: type_name(field.dataType) for field in self.frame.schema.fields}

    def query(self, sql: str) -> pd.DataFrame:
        frame = self._run(sql)
        return like_duckdb(frame.toPandas(), frame.schema)

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self._run(sql).collect()]

    def numbered(self, column: str) -> Table:
        functions = pyspark_sql().functions
        numbered = self.frame.withColumn(column, functions.monotonically_increasing_id())
        return SparkTable(numbered, self.views)

    def derive(self, sql: str) -> Any:
        return self._run(sql)

    def close(self) -> None:
        """Drop the temporary views of this table and of its numbered copies."""
        for view in self.views:
            self.frame.sparkSession.catalog.dropTempView(view)
        self.views.clear()

    def _run(self, sql: str) -> Any:
        from pyspark.errors import PySparkException

        try:
            return self.frame.sparkSession.sql(sql)
        except PySparkException as error:
            lines = str(error).strip().splitlines() or ["unknown error"]
            raise QueryFailed(f"Spark cannot run the query: {lines[0]}") from None


@contextlib.contextmanager
def spark_table(data: Any, spark: Any = None) -> Iterator[SparkTable]:
    """``data`` (a PySpark DataFrame, a path, or a pandas DataFrame) as a :class:`SparkTable`
    whose views are dropped when the block ends.

    Raises:
        EngineUnavailable: no PySpark.
        EstimationError: no session to read a path or a pandas DataFrame with, another type
            of data, an unreadable file.
        NotFound: no file at a local path.
    """
    sql = pyspark_sql()
    if is_spark_dataframe(data):
        frame = data
    else:
        active = spark if spark is not None else sql.SparkSession.getActiveSession()
        if active is None:
            raise EstimationError(
                "engine='spark' has no Spark session to read the data with: pass spark=, "
                "start one (SparkSession.builder...getOrCreate()), or give a Spark DataFrame",
                parameter="spark",
            )
        frame = _read(active, data)
    table = SparkTable(frame)
    try:
        yield table
    finally:
        table.close()


def _read(spark: Any, data: Any) -> Any:
    """A Spark DataFrame of ``data``: a CSV or Parquet path (a folder is partitioned
    Parquet; URLs such as ``hdfs://`` or ``s3a://`` go to Spark's reader as they are) or a
    pandas DataFrame."""
    from pyspark.errors import PySparkException

    if type(data).__module__.split(".")[0] == "pandas":
        return spark.createDataFrame(data)
    if not isinstance(data, str | Path):
        raise EstimationError(
            f"unsupported data of type {type(data).__name__} for engine='spark': give a "
            "Spark DataFrame, a CSV or Parquet path, or a pandas DataFrame",
            parameter="data",
            given=type(data).__name__,
        )
    location = str(data)
    name = location.rstrip("/").lower()
    local = "://" not in location
    if local and not Path(location).exists():
        raise NotFound(f"{location}: no such file", parameter="data", given=location)
    try:
        if name.endswith(PARQUET_SUFFIXES) or (local and Path(location).is_dir()):
            return spark.read.parquet(location)
        if name.endswith(CSV_SUFFIXES):
            return spark.read.csv(location, header=True, inferSchema=True)
    except PySparkException as error:
        raise EstimationError(
            f"{location}: Spark cannot read the file: {str(error).strip().splitlines()[0]}",
            parameter="data",
            given=location,
        ) from None
    raise EstimationError(
        f"{location}: expected a .csv or .parquet file or a folder of Parquet files",
        parameter="data",
        given=location,
        expected="a .csv or .parquet file",
    )

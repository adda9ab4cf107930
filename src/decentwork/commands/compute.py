"""``decentwork compute --engine``: where the passes over the survey files run."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

ENGINE_HELP = (
    "Where the passes over the data run: duckdb (in this process) or spark (a Spark session "
    "on --spark-master; needs pip install 'decentwork[spark]' and Java)."
)
MASTER_ENV = "DECENTWORK_SPARK_MASTER"
MASTER_HELP = (
    "With --engine spark: the Spark master, e.g. local[2], spark://host:7077, yarn, or "
    "sc://host:15002 for Spark Connect (default: local[*], every core of this machine)."
)
DEFAULT_MASTER = "local[*]"


@contextlib.contextmanager
def engine_session(engine: str, master: str | None) -> Iterator[Any]:
    """None for DuckDB; for Spark, a session on ``master``, stopped when the block ends if
    it started it (a session already active in this process is used and left running).

    Raises:
        EstimationError: an unknown engine.
        EngineUnavailable: PySpark or Java is missing.
    """
    from decentwork.estimation.engine import check_engine

    if check_engine(engine) == "duckdb":
        yield None
        return
    from decentwork.estimation.spark import pyspark_sql, session

    active = pyspark_sql().SparkSession.getActiveSession()
    if active is not None:
        yield active
        return
    spark = session(master or DEFAULT_MASTER, app_name="decentwork compute")
    try:
        yield spark
    finally:
        spark.stop()

"""Turn any supported input into a DuckDB relation, without copying data where possible."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import duckdb

from decentwork.estimation.errors import EstimationError

CSV_SUFFIXES = (".csv", ".csv.gz", ".tsv", ".txt")
PARQUET_SUFFIXES = (".parquet", ".pq")


@functools.cache
def database() -> duckdb.DuckDBPyConnection:
    """One in-memory DuckDB database per process (opening one costs ~50 ms)."""
    return duckdb.connect()


def as_relation(data: Any) -> duckdb.DuckDBPyRelation:
    """Return ``data`` as a DuckDB relation.

    ``data`` is a path to a CSV or Parquet file, a DuckDB relation, a pandas or Polars
    DataFrame, or an Arrow table or record-batch stream. Each call gets its own cursor on a
    shared in-memory database, so concurrent calls do not share a connection.
    """
    if isinstance(data, duckdb.DuckDBPyRelation):
        return data
    con = database().cursor()
    if isinstance(data, str | Path):
        path = Path(data)
        if not path.exists():
            raise EstimationError(f"{path}: no such file")
        name = path.name.lower()
        if name.endswith(PARQUET_SUFFIXES):
            return con.read_parquet(str(path))
        if name.endswith(CSV_SUFFIXES):
            return con.read_csv(str(path))
        raise EstimationError(f"{path}: expected a .csv or .parquet file")
    module = type(data).__module__.split(".")[0]
    if module == "polars":
        return con.from_arrow(data.to_arrow())
    if module == "pyarrow":
        return con.from_arrow(data)
    if module == "pandas":
        return con.from_df(data)
    raise EstimationError(
        f"unsupported data of type {type(data).__name__}: give a CSV/Parquet path, a DuckDB "
        "relation, a pandas or Polars DataFrame, or an Arrow table"
    )

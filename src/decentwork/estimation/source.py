"""Turn any supported input into a DuckDB relation, without copying data where possible."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import duckdb

from decentwork.errors import NotFound
from decentwork.estimation.errors import EstimationError

CSV_SUFFIXES = (".csv", ".csv.gz", ".tsv", ".txt")
PARQUET_SUFFIXES = (".parquet", ".pq")


@functools.cache
def database() -> duckdb.DuckDBPyConnection:
    """One in-memory DuckDB database per process (opening one costs ~50 ms)."""
    return duckdb.connect()


def select(relation: duckdb.DuckDBPyRelation, sql: str, alias: str) -> duckdb.DuckDBPyRelation:
    """The result of the query ``sql`` over ``relation``, which it calls ``alias``."""
    result = relation.query(alias, sql)
    if result is None:  # DuckDB gives no relation only for a statement that is not a query
        raise RuntimeError(f"not a query: {sql}")
    return result


def as_relation(data: Any) -> duckdb.DuckDBPyRelation:
    """Return ``data`` as a DuckDB relation.

    ``data`` is a path to a CSV or Parquet file, a DuckDB relation, a pandas or Polars
    DataFrame, or an Arrow table or record-batch stream. Each call gets its own cursor on a
    shared in-memory database, so concurrent calls do not share a connection.

    Raises:
        NotFound: no file at the path.
        EstimationError: a file that is neither CSV nor Parquet, or that DuckDB cannot read
            as its suffix says; data of another type.
    """
    if isinstance(data, duckdb.DuckDBPyRelation):
        return data
    con = database().cursor()
    if isinstance(data, str | Path):
        return _read_file(con, Path(data))
    module = type(data).__module__.split(".")[0]
    if module == "polars":
        return con.from_arrow(data.to_arrow())
    if module == "pyarrow":
        return con.from_arrow(data)
    if module == "pandas":
        return con.from_df(data)
    raise EstimationError(
        f"unsupported data of type {type(data).__name__}: give a CSV/Parquet path, a DuckDB "
        "relation, a pandas or Polars DataFrame, or an Arrow table",
        parameter="data",
        given=type(data).__name__,
    )


def _read_file(con: duckdb.DuckDBPyConnection, path: Path) -> duckdb.DuckDBPyRelation:
    """A lazy scan of the CSV or Parquet file ``path``."""
    if not path.exists():
        raise NotFound(f"{path}: no such file", parameter="data", given=path)
    name = path.name.lower()
    try:
        if name.endswith(PARQUET_SUFFIXES):
            return con.read_parquet(str(path))
        if name.endswith(CSV_SUFFIXES):
            return con.read_csv(str(path))
    except duckdb.Error as error:
        raise EstimationError(
            f"{path}: cannot read the file: {str(error).strip().splitlines()[0]}",
            parameter="data",
            given=path,
        ) from None
    raise EstimationError(
        f"{path}: expected a .csv or .parquet file",
        parameter="data",
        given=path,
        expected="a .csv or .parquet file",
    )

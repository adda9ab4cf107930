"""Where the one pass runs: a small table interface, with DuckDB the default engine.

The kernel needs four things of the microdata: their columns, each column's type (named as
DuckDB names it, which the kernel's checks read), one aggregate query run to a small pandas
table, and the same data with a record number (the exact re-read when records are the PSUs).
:class:`Table` says so; :class:`DuckDBTable` gives it on DuckDB, and
:mod:`decentwork.estimation.spark` on Apache Spark, imported only when Spark is asked for (or
given a PySpark DataFrame), so the default path never loads PySpark or starts a JVM.

SQL is written for the table's dialect (:func:`quote`): the kernel's query is otherwise the
same text on both engines.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any, Literal, Protocol

import duckdb
import pandas as pd
import sqlglot

from decentwork.estimation.errors import EstimationError
from decentwork.estimation.source import as_relation, select

Dialect = Literal["duckdb", "spark"]
Engine = Literal["duckdb", "spark"]
ENGINES: tuple[Engine, ...] = ("duckdb", "spark")


def quote(name: str, dialect: Dialect = "duckdb") -> str:
    """Quote an SQL identifier for ``dialect``: ``"x"`` in DuckDB, ```x``` in Spark SQL,
    which reads a double-quoted name as a string literal."""
    if dialect == "spark":
        return "`" + name.replace("`", "``") + "`"
    return '"' + name.replace('"', '""') + '"'


class Table(Protocol):
    """The microdata as the kernel reads them, on one engine."""

    dialect: Dialect
    source: str
    """The name the table has in the queries given to :meth:`query` and :meth:`rows`."""

    @property
    def columns(self) -> list[str]:
        """The column names, in order."""
        ...

    def types(self) -> dict[str, str]:
        """Column name -> type, named as DuckDB names it (``DOUBLE``, ``VARCHAR``...)."""
        ...

    def query(self, sql: str) -> pd.DataFrame:
        """The result of the query ``sql`` (over :attr:`source`) as a pandas DataFrame."""
        ...

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        """The result of the query ``sql`` (over :attr:`source`) as tuples."""
        ...

    def numbered(self, column: str) -> Table:
        """The same records with a unique record number in the new column ``column``."""
        ...

    def derive(self, sql: str) -> Any:
        """The query ``sql`` (over :attr:`source`, in :attr:`dialect`) as data that
        :func:`~decentwork.estimation.estimate` takes, evaluated lazily on the same engine."""
        ...


class DuckDBTable:
    """A DuckDB relation as a :class:`Table` (queries see it as ``_microdata``)."""

    dialect: Dialect = "duckdb"
    source = "_microdata"

    def __init__(self, relation: duckdb.DuckDBPyRelation) -> None:
        self.relation = relation

    @property
    def columns(self) -> list[str]:
        return list(self.relation.columns)

    def types(self) -> dict[str, str]:
        return {c: str(t) for c, t in zip(self.relation.columns, self.relation.types, strict=True)}

    def query(self, sql: str) -> pd.DataFrame:
        return select(self.relation, sql, self.source).df()

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return select(self.relation, sql, self.source).fetchall()

    def numbered(self, column: str) -> Table:
        sql = f"SELECT *, ROW_NUMBER() OVER () AS {quote(column)} FROM {self.source}"
        return DuckDBTable(self.derive(sql))

    def derive(self, sql: str) -> duckdb.DuckDBPyRelation:
        return select(self.relation, sql, self.source)


def transpile(sql: str, dialect: Dialect) -> str:
    """``sql``, written in DuckDB's dialect (as survey profiles and the indicator catalogue
    are), in ``dialect`` (through sqlglot)."""
    if dialect == "duckdb":
        return sql
    return str(sqlglot.transpile(sql, read="duckdb", write=dialect)[0])


def is_spark_dataframe(data: Any) -> bool:
    """Whether ``data`` is a PySpark DataFrame (classic or Spark Connect), without importing
    PySpark."""
    return any(
        cls.__module__.startswith("pyspark.") and cls.__name__ == "DataFrame"
        for cls in type(data).__mro__
    )


def check_engine(engine: str) -> Engine:
    """``engine`` if it names an engine.

    Raises:
        EstimationError: another name (``parameter="engine"``).
    """
    if engine not in ENGINES:
        raise EstimationError(
            f"engine={engine!r} must be one of {', '.join(map(repr, ENGINES))}",
            parameter="engine",
            given=engine,
            expected=" or ".join(ENGINES),
        )
    return engine


@contextlib.contextmanager
def open_table(data: Any, engine: Engine | None = None, spark: Any = None) -> Iterator[Table]:
    """``data`` as a :class:`Table` on ``engine`` for the duration of the block.

    ``engine=None`` picks Spark for a PySpark DataFrame and DuckDB for anything else. On
    Spark the table is a temporary view of a unique name, dropped when the block ends; the
    session is ``spark``, else the DataFrame's own, else the active one (none is started).

    Raises:
        EstimationError: an unknown engine, a PySpark DataFrame given to DuckDB, ``spark=``
            without the Spark engine, or (Spark) no PySpark, no session, unreadable data.
        NotFound: no file at a local path.
    """
    if engine is None:
        engine = "spark" if is_spark_dataframe(data) or spark is not None else "duckdb"
    if check_engine(engine) == "duckdb":
        if spark is not None or is_spark_dataframe(data):
            raise EstimationError(
                "a Spark session or DataFrame runs on the Spark engine, not DuckDB: give "
                "engine='spark' (or leave engine unset)",
                parameter="engine",
                given=engine,
                expected="spark",
            )
        yield DuckDBTable(as_relation(data))
        return
    from decentwork.estimation import spark as spark_engine  # PySpark only when asked for

    with spark_engine.spark_table(data, spark) as table:
        yield table

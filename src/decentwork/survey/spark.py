"""Harmonisation on Apache Spark: a survey file read by a Spark session through its profile.

The profile's expressions are DuckDB's SQL; here they are transpiled to Spark SQL (sqlglot)
and run over the file as Spark reads it, with the column types DuckDB gives the file (its
CSV sniffer reads a sample, not the file), so both engines see the same values. The
harmonised records are cached in the cluster: every pass of ``decentwork compute`` reads them
there, and only the cells' sums come back to the driver.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from decentwork.estimation.engine import quote, transpile
from decentwork.estimation.errors import QueryFailed
from decentwork.estimation.spark import SparkTable, spark_type
from decentwork.survey import readers
from decentwork.survey.errors import ProfileError
from decentwork.survey.harmonise import harmonised_columns
from decentwork.survey.profile import Profile

FORMATS = ("csv", "parquet")
"""The formats Spark reads itself."""


@contextlib.contextmanager
def harmonised_on_spark(profile: Profile, path: str | Path, session: Any) -> Iterator[SparkTable]:
    """The file at ``path`` harmonised through ``profile`` on ``session``, as a cached
    :class:`~decentwork.estimation.spark.SparkTable` (the columns of
    :func:`decentwork.survey.harmonise`), released when the block ends.

    Raises:
        NotFound: no such file.
        ProfileError: a format Spark does not read (Stata, SPSS, CSPro), a column the file
            lacks, or an expression Spark cannot run.
    """
    spec = profile.input
    if spec.format not in FORMATS:
        raise ProfileError(
            f"{path}: engine 'spark' reads CSV and Parquet files; the profile "
            f"{profile.origin} reads {spec.format} files (convert the file to Parquet, or use "
            "the DuckDB engine)",
            parameter="engine",
            given="spark",
            expected="a CSV or Parquet file",
        )
    file, scan = readers.scan_file(spec, path)
    available = list(scan.columns)
    needed = profile.raw_columns(available, str(path))
    raw = _read(session, spec.format, file, spec.delimiter, scan)
    with contextlib.ExitStack() as stack:
        table = SparkTable(raw.select(*needed))
        stack.callback(table.close)
        sql = f"SELECT {', '.join(harmonised_columns(profile, available))} FROM {table.source}"
        if profile.metadata.scope:
            sql += f" WHERE ({profile.metadata.scope})"
        try:
            frame = table.derive(transpile(sql, "spark"))
        except QueryFailed as error:
            raise ProfileError(
                f"{profile.origin}: the expressions fail on {path}: {error}"
            ) from None
        harmonised = SparkTable(frame.cache(), table.views)
        stack.callback(frame.unpersist)
        yield harmonised


def _read(session: Any, format: str, file: Path, delimiter: str | None, scan: Any) -> Any:
    """The raw file as a Spark DataFrame: Parquet as it is, CSV with DuckDB's column types."""
    if format == "parquet":
        return session.read.parquet(str(file))
    schema = ", ".join(
        f"{quote(c, 'spark')} {spark_type(str(t))}"
        for c, t in zip(scan.columns, scan.types, strict=True)
    )
    return session.read.csv(
        str(file),
        header=True,
        schema=schema,
        sep=delimiter or ",",
        escape='"',
        mode="FAILFAST",
    )

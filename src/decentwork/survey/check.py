"""``profile check``: what a profile maps on a given file, value distributions and problems."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from decentwork.estimation.engine import DuckDBTable, Table, quote, transpile
from decentwork.estimation.errors import QueryFailed
from decentwork.estimation.source import database
from decentwork.survey import readers
from decentwork.survey.errors import ProfileError
from decentwork.survey.expressions import bare_column, expression_columns, literal
from decentwork.survey.harmonise import expressions_fail, harmonise
from decentwork.survey.profile import REQUIRED_VARIABLES, Profile

TOP_VALUES = 8
SUMMARY_ABOVE = 20
"""Numeric variables with more distinct values than this are summarised (min/mean/max)."""


@dataclass(frozen=True)
class Distribution:
    """The values of one harmonised column: top values, or a numeric summary."""

    variable: str
    raw_columns: tuple[str, ...]
    missing: int
    top: list[tuple[object, int, float]] = field(default_factory=list)
    """(value, unweighted count, weighted share in percent), most frequent first."""
    summary: tuple[float, float, float] | None = None
    """(min, mean, max) of a numeric variable with many values."""
    labels: dict[object, str] = field(default_factory=dict)
    """Labels of the top values, when the variable is a raw column with value labels (a
    Stata or SPSS file's, a CSPro dictionary's value sets)."""


@dataclass(frozen=True)
class CheckReport:
    """The result of checking a profile against a file."""

    records: int
    """The records in the profile's scope (all the file's records when it sets none)."""
    distributions: list[Distribution]
    """Each harmonised column, then each variant's variables (named ``variable (variant)``)."""
    unused_columns: list[str]
    problems: list[str]
    out_of_scope: int = 0
    """The file's records left out by ``metadata.scope``."""


def check_profile(
    profile: Profile, path: str | Path, dictionary: str | Path | None = None
) -> CheckReport:
    """Harmonise ``path`` with ``profile`` (a CSPro file through ``dictionary``, by default
    the ``.dcf`` beside it) and report what maps, how, and what looks wrong.

    Raises:
        NotFound: no such file, or no CSPro dictionary.
        ProfileError: the profile cannot read the file at all, or its expressions fail on
            the data.
    """
    available = readers.columns(profile.input, path, dictionary)
    labels = readers.value_labels(profile.input, path, dictionary)
    used = profile.columns_used()
    con = database().cursor()
    table, types = _materialise(profile, path, dictionary)
    con.register("harmonised", table)
    records = int(_value(con, "SELECT COUNT(*) FROM harmonised"))
    total_weight = float(_value(con, "SELECT SUM(weight) FROM harmonised WHERE weight > 0") or 0)
    distributions = [
        _distribution(
            con,
            name,
            tuple(sorted(used[name])),
            _numeric(types[name]),
            total_weight,
            _labels(profile.expressions()[name], labels),
        )
        for name in used
        if name != "weight"
    ]
    variant_problems = []
    for variant in profile.variants:
        varied, varied_types = _materialise(profile.with_variant(variant), path, dictionary)
        con.register("harmonised", varied)
        variant_problems += [
            f"variant {variant}: {problem}" for problem in _record_problems(con, profile)
        ]
        distributions += [
            dataclasses.replace(
                _distribution(
                    con,
                    name,
                    tuple(sorted(expression_columns(sql))),
                    _numeric(varied_types[name]),
                    total_weight,
                    _labels(sql, labels),
                ),
                variable=f"{name} ({variant})",
            )
            for name, sql in profile.variants[variant].variables.items()
        ]
        con.register("harmonised", table)
    wanted = {c.lower() for columns in used.values() for c in columns}
    wanted |= {
        c.lower()
        for v in profile.variants.values()
        for sql in v.variables.values()
        for c in expression_columns(sql)
    }
    if profile.metadata.scope:
        wanted |= {c.lower() for c in expression_columns(profile.metadata.scope)}
    wanted |= {c.lower() for c in profile.replicate_columns(available)}
    problems = [
        f"{name}: required standard variable not mapped"
        for name in REQUIRED_VARIABLES
        if name not in profile.variables
    ]
    problems += [
        f"{d.variable}: expression is NULL for every record"
        for d in distributions
        if records and d.missing == records
    ]
    bad_weights = _value(con, "SELECT COUNT(*) FROM harmonised WHERE NOT (weight > 0)")
    null_weights = _value(con, "SELECT COUNT(*) FROM harmonised WHERE weight IS NULL")
    if null_weights:
        problems.append(f"weight: missing for {null_weights:,} records")
    if bad_weights:
        problems.append(f"weight: zero or negative for {bad_weights:,} records")
    design_columns = profile.design.design().columns()[1:]
    problems += [
        f"{d.variable}: design variable missing for {d.missing:,} records"
        for d in distributions
        if d.variable in design_columns and d.missing and d.missing < records
    ]
    problems += _record_problems(con, profile) + variant_problems
    con.unregister("harmonised")
    return CheckReport(
        records=records,
        distributions=distributions,
        unused_columns=[c for c in available if c.lower() not in wanted],
        problems=problems,
        out_of_scope=_out_of_scope(profile, path, dictionary, records),
    )


def _record_problems(con: duckdb.DuckDBPyConnection, profile: Profile) -> list[str]:
    """:func:`record_problems` of the table ``harmonised``, or why they cannot be checked."""
    try:
        return record_problems(con.table("harmonised"), profile)
    except ProfileError as error:
        return [f"the records cannot be checked: {error}"]


def _materialise(
    profile: Profile, path: str | Path, dictionary: str | Path | None
) -> tuple[pa.Table, dict[str, str]]:
    """The harmonised records as an Arrow table, and each column's DuckDB type."""
    relation = harmonise(profile, path, dictionary)
    types = {name: str(kind) for name, kind in zip(relation.columns, relation.types, strict=True)}
    try:
        return relation.to_arrow_table(), types
    except duckdb.Error as error:
        raise expressions_fail(profile, path, error) from None


def _out_of_scope(
    profile: Profile, path: str | Path, dictionary: str | Path | None, records: int
) -> int:
    """How many of the file's records ``metadata.scope`` leaves out."""
    if not profile.metadata.scope:
        return 0
    available = readers.columns(profile.input, path, dictionary)
    every = readers.read(profile.input, path, available[:1], dictionary)
    return int(every.aggregate("COUNT(*)").fetchall()[0][0]) - records


def _labels(sql: str, labels: dict[str, dict[Any, str]]) -> dict[Any, str]:
    """The value labels of the raw column that the expression ``sql`` is (if it is one)."""
    column = bare_column(sql)
    if column is None:
        return {}
    folded = {name.lower(): values for name, values in labels.items()}
    return folded.get(column.lower(), {})


WORKING_AGE = 15
TIME_FORMAT = r"^[0-9]{4}(Q[1-4]|M(0[1-9]|1[0-2]))?$"


def record_problems(relation: duckdb.DuckDBPyRelation | Table, profile: Profile) -> list[str]:
    """What makes the harmonised records unusable for labour statistics, one line per problem
    with the number of records: ages missing, NaN or negative; time missing or not ``YYYY``,
    ``YYYYQn`` or ``YYYYMmm``; persons of working age (15+) without a valid sex or labour
    force status; regions without an area in ``metadata.regions``.

    ``relation`` is DuckDB's, or a table on another engine (Spark), where the checks'
    SQL runs transpiled.

    Raises:
        ProfileError: an expression fails on the data (e.g. a text value where a number is
            expected).
    """
    table = DuckDBTable(relation) if isinstance(relation, duckdb.DuckDBPyRelation) else relation

    def rows(sql: str) -> list[tuple[Any, ...]]:
        return table.rows(transpile(sql, table.dialect))

    age, source = "ilo_age", table.source
    checks = {
        "ilo_age is missing or NaN": f"{age} IS NULL OR isnan(CAST({age} AS DOUBLE))",
        "ilo_age is negative": f"{age} < 0",
        "time is missing": "time IS NULL",
        "time is not YYYY, YYYYQn or YYYYMmm": f"NOT regexp_matches(time, {literal(TIME_FORMAT)})",
        "ilo_sex is missing (working age)": f"{age} >= {WORKING_AGE} AND ilo_sex IS NULL",
        "ilo_sex is not 1 (male) or 2 (female) (working age)": (
            f"{age} >= {WORKING_AGE} AND ilo_sex NOT IN (1, 2)"
        ),
        "ilo_lfs is missing (working age)": f"{age} >= {WORKING_AGE} AND ilo_lfs IS NULL",
        "ilo_lfs is not 1, 2 or 3 (working age)": (
            f"{age} >= {WORKING_AGE} AND ilo_lfs NOT IN (1, 2, 3)"
        ),
    }
    present = set(table.columns)
    usable = {
        what: test
        for what, test in checks.items()
        if all(v in present for v in re.findall(r"\b(ilo_\w+|time)\b", test))
    }
    problems = []
    try:
        if usable:
            sql = ", ".join(f"COUNT(CASE WHEN {test} THEN 1 END)" for test in usable.values())
            counts = rows(f"SELECT {sql} FROM {source}")[0]
            for (what, test), count in zip(usable.items(), counts, strict=True):
                if not count:
                    continue
                example = (
                    rows(f"SELECT CAST(MIN(time) AS VARCHAR) FROM {source} WHERE {test}")[0][0]
                    if what.startswith("time is not")
                    else None
                )
                problems.append(
                    f"{what}: {count:,} records" + (f" (e.g. {example!r})" if example else "")
                )
        if profile.metadata.regions and {"ilo_region", age} <= present:
            codes = [str(c) for c in profile.metadata.regions]
            unknown = rows(
                f"SELECT DISTINCT CAST(ilo_region AS VARCHAR) FROM {source} "
                f"WHERE {age} >= {WORKING_AGE} AND (ilo_region IS NULL OR "
                f"CAST(ilo_region AS VARCHAR) NOT IN ({', '.join(map(literal, codes))})) "
                "ORDER BY 1 LIMIT 10"
            )
            if unknown:
                values = ", ".join("NULL" if v is None else str(v) for (v,) in unknown)
                problems.append(
                    f"ilo_region has values without an area in metadata.regions: "
                    f"{values} (known: {', '.join(codes)})"
                )
    except (duckdb.Error, QueryFailed) as error:
        raise ProfileError(
            f"{profile.origin}: the expressions fail on the data: {str(error).splitlines()[0]}"
        ) from None
    return problems


def _numeric(kind: str) -> bool:
    """Whether a DuckDB type name is numeric."""
    return kind.startswith("DECIMAL") or kind in {
        "TINYINT",
        "SMALLINT",
        "INTEGER",
        "BIGINT",
        "HUGEINT",
        "UTINYINT",
        "USMALLINT",
        "UINTEGER",
        "UBIGINT",
        "FLOAT",
        "DOUBLE",
    }


def _value(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    """The one value that the query ``sql`` selects."""
    rows = con.execute(sql).fetchall()
    return rows[0][0] if rows else None


def _distribution(
    con: duckdb.DuckDBPyConnection,
    name: str,
    raw: tuple[str, ...],
    numeric: bool,
    total_weight: float,
    labels: dict[Any, str],
) -> Distribution:
    """Top values (unweighted counts, weighted shares, labels) or min/mean/max of ``name``."""
    column = quote(name)
    missing, distinct = con.execute(
        f"SELECT COUNT(*) - COUNT({column}), COUNT(DISTINCT {column}) FROM harmonised"
    ).fetchall()[0]
    if numeric and distinct > SUMMARY_ABOVE:
        low, mean, high = con.execute(
            f"SELECT MIN({column}), AVG({column}), MAX({column}) FROM harmonised"
        ).fetchall()[0]
        return Distribution(name, raw, missing, summary=(low, mean, high))
    rows = con.execute(
        f"SELECT {column}, COUNT(*) AS n, SUM(CASE WHEN weight > 0 THEN weight END) AS w "
        f"FROM harmonised GROUP BY {column} ORDER BY n DESC, {column} LIMIT {TOP_VALUES}"
    ).fetchall()
    top = [
        (value, n, 100.0 * (w or 0.0) / total_weight if total_weight else 0.0)
        for value, n, w in rows
    ]
    shown = {value: labels[value] for value, _, _ in top if value is not None and value in labels}
    return Distribution(name, raw, missing, top=top, labels=shown)

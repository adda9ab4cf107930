"""``profile check``: what a profile maps on a given file, value distributions and problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from decentwork.estimation.source import database
from decentwork.survey import readers
from decentwork.survey.harmonise import harmonise
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


@dataclass(frozen=True)
class CheckReport:
    """The result of checking a profile against a file."""

    records: int
    distributions: list[Distribution]
    unused_columns: list[str]
    problems: list[str]


def check_profile(profile: Profile, path: str | Path) -> CheckReport:
    """Harmonise ``path`` with ``profile`` and report what maps, how, and what looks wrong.

    Raises:
        ProfileError: the profile cannot read the file at all.
    """
    available = readers.columns(profile.input, path)
    used = profile.columns_used()
    con = database().cursor()
    relation = harmonise(profile, path)
    types = {name: str(kind) for name, kind in zip(relation.columns, relation.types, strict=True)}
    con.register("harmonised", relation.to_arrow_table())
    records = _scalar(con, "SELECT COUNT(*) FROM harmonised")
    total_weight = _scalar(con, "SELECT SUM(weight) FROM harmonised WHERE weight > 0") or 0.0
    distributions = [
        _distribution(con, name, tuple(sorted(used[name])), _numeric(types[name]), total_weight)
        for name in used
        if name != "weight"
    ]
    wanted = {c.lower() for columns in used.values() for c in columns}
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
    bad_weights = _scalar(con, "SELECT COUNT(*) FROM harmonised WHERE NOT (weight > 0)")
    null_weights = _scalar(con, "SELECT COUNT(*) FROM harmonised WHERE weight IS NULL")
    if null_weights:
        problems.append(f"weight: missing for {null_weights:,} records")
    if bad_weights:
        problems.append(f"weight: zero or negative for {bad_weights:,} records")
    problems += [
        f"{d.variable}: design variable missing for {d.missing:,} records"
        for d in distributions
        if d.variable in ("strata", "psu", "fpc") and d.missing and d.missing < records
    ]
    con.unregister("harmonised")
    return CheckReport(
        records=records,
        distributions=distributions,
        unused_columns=[c for c in available if c.lower() not in wanted],
        problems=problems,
    )


def _numeric(kind: str) -> bool:
    """Whether a DuckDB type name is numeric."""
    return kind.startswith("DECIMAL") or kind in {
        "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
        "UINTEGER", "UBIGINT", "FLOAT", "DOUBLE",
    }


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    rows = con.execute(sql).fetchall()
    return rows[0][0] if rows else 0


def _distribution(
    con: duckdb.DuckDBPyConnection,
    name: str,
    raw: tuple[str, ...],
    numeric: bool,
    total_weight: float,
) -> Distribution:
    """Top values (unweighted counts, weighted shares) or min/mean/max of ``name``."""
    missing, distinct = con.execute(
        f"SELECT COUNT(*) - COUNT({name}), COUNT(DISTINCT {name}) FROM harmonised"
    ).fetchall()[0]
    if numeric and distinct > SUMMARY_ABOVE:
        low, mean, high = con.execute(
            f"SELECT MIN({name}), AVG({name}), MAX({name}) FROM harmonised"
        ).fetchall()[0]
        return Distribution(name, raw, missing, summary=(low, mean, high))
    rows = con.execute(
        f"SELECT {name}, COUNT(*) AS n, SUM(CASE WHEN weight > 0 THEN weight END) AS w "
        f"FROM harmonised GROUP BY {name} ORDER BY n DESC, {name} LIMIT {TOP_VALUES}"
    ).fetchall()
    top = [(value, n, 100.0 * (w or 0.0) / total_weight if total_weight else 0.0)
           for value, n, w in rows]
    return Distribution(name, raw, missing, top=top)

"""The one pass over the microdata: a single SQL aggregate to sums per (stratum, PSU, cell).

The query uses only portable SQL (CAST, CASE, SUM, COUNT, MIN, MAX, GROUP BY over a derived
table, and ``isnan``), so the same text can run on a distributed SQL engine such as Spark.
Everything after this pass works on the small table it returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import duckdb
import numpy as np
import pandas as pd

from decentwork.estimation.design import Design
from decentwork.estimation.errors import EstimationError

Kind = Literal["ratio", "total", "mean"]

NUMERIC_TYPES = (
    "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
    "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE", "BOOLEAN",
)
FLOAT_TYPES = ("FLOAT", "DOUBLE")


@dataclass(frozen=True)
class Statistic:
    """One requested statistic: a ratio of two variables, a total or a mean of one."""

    name: str
    kind: Kind
    numerator: str
    denominator: str | None = None

    @property
    def variables(self) -> tuple[str, ...]:
        return (self.numerator, self.denominator) if self.denominator else (self.numerator,)


@dataclass(frozen=True)
class CellPlan:
    """What the aggregate computes: its grouping keys and which sums each statistic needs."""

    design: Design
    statistics: tuple[Statistic, ...]
    by_columns: tuple[str, ...]
    replicate_columns: tuple[str, ...]
    moments: bool
    gram: bool
    missing: Literal["error", "drop"] = "error"

    @property
    def keys(self) -> list[str]:
        """Grouping columns of the aggregate, design keys first, without repeats."""
        design = [] if self.design.is_replicate else [self.design.strata, self.design.psu]
        return list(dict.fromkeys(c for c in [*design, *self.by_columns] if c))


def quote(name: str) -> str:
    """Quote an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def check_columns(plan: CellPlan, columns: Sequence[str], types: Sequence[str]) -> None:
    """Refuse unknown columns and non-numeric analysis or weight variables."""
    type_of = dict(zip(columns, types, strict=True))
    numeric = [
        *plan.design.columns(),
        *plan.replicate_columns,
        *(v for s in plan.statistics for v in s.variables),
    ]
    numeric = [c for c in numeric if c not in (plan.design.strata, plan.design.psu)]
    for column in dict.fromkeys([*plan.keys, *numeric]):
        if column.startswith("__"):
            raise EstimationError(f"column {column!r}: names starting with '__' are reserved")
        if column not in type_of:
            raise EstimationError(
                f"unknown column {column!r}; the data have: {', '.join(columns)}"
            )
    for column in dict.fromkeys(numeric):
        base = type_of[column].split("(")[0].upper()
        if base not in NUMERIC_TYPES and not base.startswith("DECIMAL"):
            raise EstimationError(
                f"column {column!r} has type {type_of[column]}; expected numbers"
            )


def _is_float(type_name: str) -> bool:
    return type_name.upper() in FLOAT_TYPES


def build_sql(plan: CellPlan, source: str, types: dict[str, str]) -> str:
    """The portable aggregate query over table ``source``."""
    design = plan.design
    inner: dict[str, str] = {}  # alias -> expression in the derived table
    outer: dict[str, str] = {}  # alias -> aggregate expression

    def value(column: str) -> str:
        alias = f"__c{list(types).index(column)}"
        inner.setdefault(alias, f"CAST({quote(column)} AS DOUBLE)")
        return alias

    def missing(column: str) -> str:
        test = f"{quote(column)} IS NULL"
        if _is_float(types[column]):
            test += f" OR isnan({quote(column)})"
        return f"({test})"

    def valid(stat_vars: Sequence[str]) -> str:
        return " AND ".join(f"NOT {missing(c)}" for c in stat_vars)

    def add_sum(alias: str, condition: str, term: str) -> None:
        outer[alias] = f"SUM(CASE WHEN {condition} THEN {term} ELSE 0 END)"

    w = value(design.weight)
    outer["__records"] = "COUNT(*)"
    checked = [design.weight, *plan.replicate_columns, *plan.by_columns]
    checked += [c for c in (design.strata, design.psu, design.fpc) if c and not design.is_replicate]
    checked += [v for s in plan.statistics for v in s.variables]
    for j, column in enumerate(dict.fromkeys(checked)):
        inner[f"__m{j}"] = f"CASE WHEN {missing(column)} THEN 1 ELSE 0 END"
        outer[f"__miss{j}"] = f"SUM(__m{j})"
    outer["__negative_weights"] = f"SUM(CASE WHEN {w} < 0 THEN 1 ELSE 0 END)"
    if design.fpc and not design.is_replicate:
        outer["__fpc_min"] = f"MIN({value(design.fpc)})"
        outer["__fpc_max"] = f"MAX({value(design.fpc)})"
    replicates = [value(c) for c in plan.replicate_columns]
    for i, stat in enumerate(plan.statistics):
        ok = f"__v{i}"
        inner[ok] = f"({valid(stat.variables)})"
        y = value(stat.numerator)
        x = value(stat.denominator) if stat.denominator else ("1" if stat.kind == "mean" else None)
        add_sum(f"__s{i}_nv", ok, "1")
        if stat.kind == "ratio":
            add_sum(f"__s{i}_n", f"{ok} AND {x} <> 0", "1")
        add_sum(f"__s{i}_y", ok, f"{w} * {y}")
        if x:
            add_sum(f"__s{i}_x", ok, f"{w} * {x}")
        if plan.moments:
            add_sum(f"__s{i}_yy", ok, f"{w} * {w} * {y} * {y}")
            if x:
                add_sum(f"__s{i}_xy", ok, f"{w} * {w} * {x} * {y}")
                add_sum(f"__s{i}_xx", ok, f"{w} * {w} * {x} * {x}")
        for r, wr in enumerate(replicates):
            add_sum(f"__s{i}_y_r{r}", ok, f"{wr} * {y}")
            if x:
                add_sum(f"__s{i}_x_r{r}", ok, f"{wr} * {x}")
    if plan.gram:
        for r, wr in enumerate(replicates):
            for s in range(r, len(replicates)):
                outer[f"__g{r}_{s}"] = f"SUM({wr} * {replicates[s]})"
    keys = [quote(k) for k in plan.keys]
    inner_list = [*keys, *(f"{expr} AS {alias}" for alias, expr in inner.items())]
    outer_list = [*keys, *(f"{expr} AS {alias}" for alias, expr in outer.items())]
    sql = (
        f"SELECT {', '.join(outer_list)}\nFROM (SELECT {', '.join(inner_list)} "
        f"FROM {source}) AS t"
    )
    if keys:
        sql += f"\nGROUP BY {', '.join(keys)}"
    return sql


def aggregate(plan: CellPlan, relation: duckdb.DuckDBPyRelation) -> pd.DataFrame:
    """Run the one-pass aggregate and check the data it saw (missing values, weights)."""
    types = {c: str(t) for c, t in zip(relation.columns, relation.types, strict=True)}
    check_columns(plan, list(types), list(types.values()))
    sql = build_sql(plan, "_microdata", types)
    cells = relation.query("_microdata", sql).df()
    _check_data(plan, cells)
    return cells


def _check_data(plan: CellPlan, cells: pd.DataFrame) -> None:
    design = plan.design
    checked = [design.weight, *plan.replicate_columns, *plan.by_columns]
    checked += [c for c in (design.strata, design.psu, design.fpc) if c and not design.is_replicate]
    stat_vars = [v for s in plan.statistics for v in s.variables]
    checked += stat_vars
    always = set(checked) - set(stat_vars) - set(plan.by_columns)
    for j, column in enumerate(dict.fromkeys(checked)):
        count = int(cells[f"__miss{j}"].sum())
        if not count:
            continue
        if column in always:
            raise EstimationError(
                f"design column {column!r} has {count} missing value(s); weights, strata, PSUs, "
                "FPC and replicate weights must be complete"
            )
        if plan.missing == "error":
            raise EstimationError(
                f"column {column!r} has {count} missing value(s); use missing='drop' to leave "
                "them out of the statistics and domains they affect"
            )
    negative = int(cells["__negative_weights"].sum())
    if negative:
        raise EstimationError(f"weight column {design.weight!r} has {negative} negative value(s)")
    sums = [c for c in cells.columns if c.startswith("__s")]
    finite = np.isfinite(cells[sums].to_numpy(dtype=float)).all(axis=0)
    bad = [c for c, ok in zip(sums, finite, strict=True) if not ok]
    if bad:
        stat = plan.statistics[int(bad[0][3:].split("_")[0])]
        raise EstimationError(
            f"statistic {stat.name!r}: infinite values in {', '.join(stat.variables)} or "
            f"{design.weight!r}"
        )

"""The one pass over the microdata: a single SQL aggregate to sums per (stratum, PSU, cell).

The query uses only portable SQL (CAST, CASE, SUM, COUNT, MIN, MAX, GROUP BY, and ``isnan``),
written for the table's dialect (identifiers quoted as it quotes them), so the same query runs
on DuckDB and on Spark (:mod:`decentwork.estimation.engine`). Everything after this pass works
on the small table it returns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import duckdb
import numpy as np
import pandas as pd

from decentwork.estimation.design import Design
from decentwork.estimation.engine import Dialect, Table, quote
from decentwork.estimation.errors import EmptyData, EstimationError

Kind = Literal["ratio", "total", "mean"]

NUMERIC_TYPES = (
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
    "UHUGEINT",
    "FLOAT",
    "DOUBLE",
    "BOOLEAN",
)
FLOAT_TYPES = ("FLOAT", "DOUBLE")
MAX_SUMS = 2_000
"""Most aggregates in one query: the aggregate runs as slices of at most this many sums, so
no query is as wide as the ~17,000 sums that killed DuckDB in issue 20 (500 replicate weights
with t intervals need 125,250)."""


@dataclass(frozen=True)
class Statistic:
    """One requested statistic: a ratio of two variables, a total or a mean of one."""

    name: str
    kind: Kind
    numerator: str
    denominator: str | None = None
    grouping: tuple[str, ...] | None = None
    """The one grouping set the statistic is computed in (None: every one)."""
    observed: tuple[str, ...] | None = None
    """With ``missing="drop"``, the columns a record needs observed to enter the statistic
    (None: its variables). A quantile's indicator is missing exactly where its variable is,
    so its indicator means name the variable and share its degrees of freedom."""

    @property
    def variables(self) -> tuple[str, ...]:
        return (self.numerator, self.denominator) if self.denominator else (self.numerator,)

    @property
    def entering(self) -> tuple[str, ...]:
        """The columns a record needs observed to enter the statistic."""
        return self.variables if self.observed is None else self.observed


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
    deff: bool = False

    @property
    def keys(self) -> list[str]:
        """Grouping columns of the aggregate, design keys first, without repeats."""
        design = [] if self.design.is_replicate else self.design.key_columns()
        controls = self.design.calibration.variables if self.design.calibration else ()
        return list(dict.fromkeys(c for c in [*design, *self.by_columns, *controls] if c))

    @property
    def calibrated(self) -> bool:
        return self.design.calibration is not None


WEIGHT_POWERS = {"y": 1, "x": 1, "yy": 2, "xy": 2, "xx": 2, "ww": 2, "wwy": 2, "wwx": 2}
"""Power of the full-sample weight in each per-statistic sum ``__s<i>_<name>`` (the others
are counts or unweighted sums)."""
FULL = -1
"""The full-sample weight in :func:`weights_in`; replicate ``r`` is ``r``."""


def weights_in(column: str) -> tuple[int, ...]:
    """The weights multiplied in a cell-table sum: :data:`FULL` for the full-sample weight,
    ``r`` for replicate weight ``r``, once per factor (``()``: a count or an unweighted sum)."""
    replicate = re.fullmatch(r"__(?:s\d+_[xy]|w)_r(\d+)", column)
    if replicate:
        return (int(replicate.group(1)),)
    gram = re.fullmatch(r"__g\d*_(\d+)_(\d+)", column)
    if gram:
        return (int(gram.group(1)), int(gram.group(2)))
    if column in ("__w", "__ww"):
        return (FULL,) * (len(column) - 2)
    if column.startswith("__s"):
        return (FULL,) * WEIGHT_POWERS.get(column.split("_", 3)[-1], 0)
    return ()


def check_columns(plan: CellPlan, columns: Sequence[str], types: Sequence[str]) -> None:
    """Refuse unknown columns and non-numeric analysis or weight variables."""
    type_of = dict(zip(columns, types, strict=True))
    numeric = [c for c in plan.design.columns() if c not in plan.design.key_columns()]
    numeric += [*plan.replicate_columns, *(v for s in plan.statistics for v in s.variables)]
    controls = plan.design.calibration.variables if plan.design.calibration else ()
    for column in controls:
        if column not in type_of:
            raise EstimationError(
                f"calibration control variable {column!r} is not a column of the data; the "
                f"data have: {', '.join(columns)}",
                parameter="calibration",
                given=column,
                expected="control variables that are columns of the data",
            )
    for column in dict.fromkeys([*plan.keys, *numeric]):
        if column not in type_of:
            raise EstimationError(f"unknown column {column!r}; the data have: {', '.join(columns)}")
    for column in dict.fromkeys(numeric):
        base = type_of[column].split("(")[0].upper()
        if base not in NUMERIC_TYPES and not base.startswith("DECIMAL"):
            hint = (
                " (a CSV column holding text such as 'NA' for missing values reads as text: "
                "read it with DuckDB's nullstr option and pass the relation)"
                if base == "VARCHAR"
                else ""
            )
            raise EstimationError(
                f"column {column!r} has type {type_of[column]}; expected numbers{hint}"
            )
    for column in plan.keys:
        kind = type_of[column].upper()
        if kind.endswith("]") or kind.startswith(("STRUCT", "MAP", "UNION", "LIST")):
            raise EstimationError(
                f"column {column!r} has type {type_of[column]}; strata, PSUs and by-variables "
                "must hold single values"
            )


def _is_float(type_name: str) -> bool:
    return type_name.upper() in FLOAT_TYPES


def checked_columns(plan: CellPlan) -> list[str]:
    """Non-key columns whose missing values the aggregate counts, in a stable order."""
    design = plan.design
    columns = [design.weight, *plan.replicate_columns]
    if not design.is_replicate:
        columns += design.stage_fpcs
    columns += [v for s in plan.statistics for v in s.variables]
    return list(dict.fromkeys(columns))


def fpc_prefix(stage: int) -> str:
    """Column prefix of the FPC range (``_min``, ``_max``) of sampling stage ``stage`` (from 1)."""
    return "__fpc" if stage == 1 else f"__fpc{stage}"


def gram_prefix(plan: CellPlan, i: int) -> str:
    """Column prefix of the replicate-weight Gram sums of statistic ``i``.

    Under ``missing="drop"`` each set of columns a statistic needs observed has its own (over
    its observed records, as R's ``degf`` of the subset), named after the first statistic
    with that set; otherwise all statistics share one.
    """
    if plan.missing != "drop":
        return "__g_"
    entering = plan.statistics[i].entering
    first = next(j for j, stat in enumerate(plan.statistics) if stat.entering == entering)
    return f"__g{first}_"


def build_sql(
    plan: CellPlan, source: str, types: dict[str, str], dialect: Dialect = "duckdb"
) -> str:
    """The portable aggregate query over table ``source`` in ``dialect``, every sum in one
    query."""
    items = list(_aggregates(plan, types, dialect).items())
    return _query(plan, items, source, dialect, ordered=False)


def build_sql_chunks(
    plan: CellPlan,
    source: str,
    types: dict[str, str],
    max_sums: int = MAX_SUMS,
    dialect: Dialect = "duckdb",
) -> list[str]:
    """The aggregate as queries of at most ``max_sums`` aggregates each, over ``source``.

    One query when it fits (:func:`build_sql`); otherwise each query computes a slice of the
    sums with the same keys, its rows ordered by the keys so the slices line up. The checks
    (counts, minimum weight, FPC range) come in the first.
    """
    items = list(_aggregates(plan, types, dialect).items())
    if len(items) <= max_sums:
        return [build_sql(plan, source, types, dialect)]
    return [
        _query(plan, items[start : start + max_sums], source, dialect, ordered=True)
        for start in range(0, len(items), max_sums)
    ]


def _query(
    plan: CellPlan, items: list[tuple[str, str]], source: str, dialect: Dialect, *, ordered: bool
) -> str:
    """``SELECT keys, aggregates FROM source GROUP BY keys`` (``ORDER BY keys`` if ordered)."""
    keys = [quote(k, dialect) for k in plan.keys]
    sql = f"SELECT {', '.join([*keys, *(f'{e} AS {a}' for a, e in items)])}\nFROM {source}"
    if keys:
        sql += f"\nGROUP BY {', '.join(keys)}"
        if ordered:
            sql += f"\nORDER BY {', '.join(keys)}"
    return sql


def _aggregates(plan: CellPlan, types: dict[str, str], dialect: Dialect) -> dict[str, str]:
    """Alias -> aggregate expression of every sum, count and check the cell table holds.

    With ``missing="error"`` the sums need no conditions (a missing value is refused after
    the pass, from the counts); with ``missing="drop"`` each statistic sums over the records
    whose variables are all observed.
    """
    design = plan.design
    outer: dict[str, str] = {}  # alias -> aggregate expression

    def name(column: str) -> str:
        return quote(column, dialect)

    def value(column: str) -> str:
        if types[column].upper() == "DOUBLE":
            return name(column)
        return f"CAST({name(column)} AS DOUBLE)"  # integer products would overflow

    def observed(column: str) -> str:
        test = f"{name(column)} IS NOT NULL"
        if _is_float(types[column]):
            test += f" AND NOT isnan({name(column)})"
        return test

    def complete(stat: Statistic) -> str | None:
        """The condition a record meets to enter ``stat`` (None: every record does)."""
        if plan.missing == "error":
            return None
        return " AND ".join(observed(c) for c in stat.entering)

    def add_sum(alias: str, term: str, condition: str | None) -> None:
        if condition:
            outer[alias] = f"SUM(CASE WHEN {condition} THEN {term} ELSE 0 END)"
        else:
            outer[alias] = f"SUM({term})"

    w = value(design.weight)
    outer["__records"] = "COUNT(*)"
    for j, column in enumerate(checked_columns(plan)):
        outer[f"__count{j}"] = f"COUNT({name(column)})"
    outer["__min_weight"] = f"MIN({w})"
    if plan.calibrated:
        outer["__w"] = f"SUM({w})"
        if plan.moments:
            outer["__ww"] = f"SUM({w} * {w})"
        for r, column in enumerate(plan.replicate_columns):
            outer[f"__w_r{r}"] = f"SUM({value(column)})"
    for stage, fpc in enumerate([] if design.is_replicate else design.stage_fpcs, start=1):
        outer[f"{fpc_prefix(stage)}_min"] = f"MIN({value(fpc)})"
        outer[f"{fpc_prefix(stage)}_max"] = f"MAX({value(fpc)})"
    replicates = [value(c) for c in plan.replicate_columns]
    for i, stat in enumerate(plan.statistics):
        ok = complete(stat)
        y = value(stat.numerator)
        x = value(stat.denominator) if stat.denominator else None
        if ok:
            add_sum(f"__s{i}_nv", "1", ok)
        if stat.kind == "ratio":
            add_sum(f"__s{i}_n", "1", f"{ok} AND {x} <> 0" if ok else f"{x} <> 0")
        add_sum(f"__s{i}_y", f"{w} * {y}", ok)
        if stat.kind == "total":
            outer[f"__min{i}"] = f"MIN(CASE WHEN {ok} THEN {y} END)" if ok else f"MIN({y})"
        if stat.kind != "total":
            add_sum(f"__s{i}_x", f"{w} * {x}" if x else w, ok)
        if plan.moments:
            add_sum(f"__s{i}_yy", f"{w} * {w} * {y} * {y}", ok)
            if stat.kind != "total":
                add_sum(f"__s{i}_xy", f"{w} * {w} * {x} * {y}" if x else f"{w} * {w} * {y}", ok)
                add_sum(f"__s{i}_xx", f"{w} * {w} * {x} * {x}" if x else f"{w} * {w}", ok)
        if plan.deff:  # the weighted (not squared-weight) moments of an SRS variance
            add_sum(f"__s{i}_w", w, ok)
            add_sum(f"__s{i}_wyy", f"{w} * {y} * {y}", ok)
            if stat.kind == "ratio":
                add_sum(f"__s{i}_wxy", f"{w} * {x} * {y}", ok)
                add_sum(f"__s{i}_wxx", f"{w} * {x} * {x}", ok)
        calibration = design.calibration
        if calibration and calibration.method == "rake" and not design.is_replicate:
            add_sum(f"__s{i}_uy", y, ok)  # the unweighted sums of the raking adjustment
            if stat.kind != "total":
                add_sum(f"__s{i}_ux", x or "1", ok)
        if calibration and plan.moments:  # the moments of the calibration adjustment
            if ok:  # the squared weights of the records entering the statistic
                add_sum(f"__s{i}_ww", f"{w} * {w}", ok)
            add_sum(f"__s{i}_wwy", f"{w} * {w} * {y}", ok)
            if stat.kind != "total":
                add_sum(f"__s{i}_wwx", f"{w} * {w} * {x}" if x else f"{w} * {w}", ok)
        for r, wr in enumerate(replicates):
            add_sum(f"__s{i}_y_r{r}", f"{wr} * {y}", ok)
            if stat.kind != "total":
                add_sum(f"__s{i}_x_r{r}", f"{wr} * {x}" if x else wr, ok)
    if plan.gram:
        owned = set()
        for i, stat in enumerate(plan.statistics):
            prefix = gram_prefix(plan, i)
            if prefix in owned:
                continue  # the statistic shares the Gram sums of an earlier one
            owned.add(prefix)
            ok = complete(stat)
            for r, wr in enumerate(replicates):
                for s in range(r, len(replicates)):
                    add_sum(f"{prefix}{r}_{s}", f"{wr} * {replicates[s]}", ok)
    return outer


def aggregate(plan: CellPlan, table: Table) -> pd.DataFrame:
    """Run the one-pass aggregate on ``table``'s engine and check the data it saw (missing
    values, weights).

    A second pass over the data happens only to explain a failure (NaN or infinite values).
    """
    types = table.types()
    check_columns(plan, list(types), list(types.values()))
    queries = build_sql_chunks(plan, table.source, types, dialect=table.dialect)
    cells = _run_chunks(plan, table, queries)
    if cells.empty or not cells["__records"].sum():
        raise EmptyData("the data have no records")
    records = cells["__records"].to_numpy()
    for i, _ in enumerate(plan.statistics):
        if f"__s{i}_nv" not in cells:
            cells[f"__s{i}_nv"] = records
    _check_keys(plan, cells)
    for j, column in enumerate(checked_columns(plan)):
        refuse_missing(plan, column, int((records - cells[f"__count{j}"].to_numpy()).sum()))
    low = float(cells["__min_weight"].min()) if len(cells) else 0.0
    if low < 0:
        raise EstimationError(
            f"weight column {plan.design.weight!r} has negative values (lowest {low})"
        )
    sums = [c for c in cells.columns if c.startswith(("__s", "__g"))]
    if not np.isfinite(cells[sums].to_numpy(dtype=float)).all():
        _explain_non_finite(plan, table, types)
    return cells


def _run_chunks(plan: CellPlan, table: Table, queries: list[str]) -> pd.DataFrame:
    """Run the aggregate's queries and put their sums side by side (their keys line up)."""
    first = table.query(queries[0])
    if len(queries) == 1:
        return first
    keys = first[plan.keys]
    pieces = [first]
    for sql in queries[1:]:
        try:
            piece = table.query(sql)
        except duckdb.InvalidInputException:
            raise EstimationError(
                f"the aggregate has more than {MAX_SUMS} sums (many replicate weights) and "
                "reads the data once per slice of them, which a one-shot stream cannot give: "
                "pass a table, a DataFrame or a file",
                parameter="data",
            ) from None
        assert piece[plan.keys].equals(keys), "the aggregate's slices do not line up"
        pieces.append(piece.drop(columns=plan.keys))
    return pd.concat(pieces, axis=1)


def refuse_missing(plan: CellPlan, column: str, count: int, what: str = "missing") -> None:
    """Refuse ``count`` missing values of ``column``: always for a design column, with
    ``missing="error"`` for the others."""
    if not count:
        return
    design = plan.design
    if column in (*design.columns(), *plan.replicate_columns):
        raise EstimationError(
            f"design column {column!r} has {count} {what} value(s); weights, strata, PSUs, "
            "FPC and replicate weights must be complete"
        )
    if plan.missing == "error":
        raise EstimationError(
            f"column {column!r} has {count} {what} value(s); use missing='drop' to leave "
            "them out of the statistics and domains they affect"
        )


def _check_keys(plan: CellPlan, cells: pd.DataFrame) -> None:
    records = cells["__records"].to_numpy()
    controls = plan.design.calibration.variables if plan.design.calibration else ()
    for column in plan.keys:
        absent = cells[column].isna().to_numpy()
        count = int(records[absent].sum())
        if count and column in controls:
            raise EstimationError(
                f"calibration control variable {column!r} has {count} missing value(s); "
                "every record needs its calibration cell",
                parameter="calibration",
                given=column,
            )
        refuse_missing(plan, column, count)


def _explain_non_finite(plan: CellPlan, table: Table, types: dict[str, str]) -> None:
    floats = [c for c in checked_columns(plan) if _is_float(types[c])]
    quoted = [quote(c, table.dialect) for c in floats]
    counts = ", ".join(
        f"SUM(CASE WHEN isnan({c}) THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN abs({c}) = CAST('Infinity' AS DOUBLE) THEN 1 ELSE 0 END)"
        for c in quoted
    )
    found = table.rows(f"SELECT {counts} FROM {table.source}")[0]
    for k, column in enumerate(floats):
        refuse_missing(plan, column, int(found[2 * k] or 0), "missing (NaN)")
        if found[2 * k + 1]:
            raise EstimationError(f"column {column!r} has {found[2 * k + 1]} infinite value(s)")
    raise EstimationError(
        "the weighted sums overflowed to infinity: check the scale of the weights and variables"
    )

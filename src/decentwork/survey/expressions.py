"""Validation of the SQL expressions of a survey profile, and the quoting of values in SQL.

Each standard variable is one scalar SQL expression over the raw columns of the survey file,
in a small portable subset of SQL that DuckDB and Spark SQL both run: no statements, queries,
aggregates or window functions, and only the functions of :data:`ALLOWED_FUNCTIONS`.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterable, Mapping

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from decentwork.survey.errors import ProfileError

DIALECT = "duckdb"

ALLOWED_FUNCTIONS: dict[type[exp.Expression], str] = {
    exp.Case: "CASE",
    exp.If: "CASE WHEN",
    exp.Coalesce: "COALESCE",
    exp.Nullif: "NULLIF",
    exp.Cast: "CAST",
    exp.Abs: "ABS",
    exp.Round: "ROUND",
    exp.Floor: "FLOOR",
    exp.Ceil: "CEIL",
    exp.Least: "LEAST",
    exp.Greatest: "GREATEST",
    exp.Substring: "SUBSTRING",
    exp.Lower: "LOWER",
    exp.Upper: "UPPER",
    exp.Trim: "TRIM",
    exp.Length: "LENGTH",
    exp.Concat: "CONCAT",
}
"""The functions an expression may call (sqlglot node -> SQL name)."""

OPERATORS: tuple[type[exp.Expression], ...] = (
    exp.Column,
    exp.Identifier,
    exp.Literal,
    exp.Null,
    exp.Boolean,
    exp.DataType,
    exp.Paren,
    exp.Neg,
    exp.Not,
    exp.And,
    exp.Or,
    exp.Add,
    exp.Sub,
    exp.Mul,
    exp.Div,
    exp.Mod,
    exp.EQ,
    exp.NEQ,
    exp.GT,
    exp.GTE,
    exp.LT,
    exp.LTE,
    exp.Is,
    exp.In,
    exp.Between,
    exp.DPipe,
)
"""Operators and operands allowed anywhere in an expression."""


def _refusal(node: exp.Expr) -> str:
    """Why ``node`` may not appear in a profile expression."""
    if isinstance(node, exp.Query | exp.Subquery):
        return "a query (SELECT or subquery) is not allowed; give a single scalar expression"
    if isinstance(node, exp.Window):
        return "window functions are not allowed"
    if isinstance(node, exp.AggFunc):
        return f"aggregate function {node.sql(DIALECT)!r} is not allowed"
    if isinstance(node, exp.DDL | exp.DML | exp.Command):
        return "statements are not allowed; give a single scalar expression"
    if isinstance(node, exp.Star):
        return "'*' is not allowed; name the columns"
    if isinstance(node, exp.Func):
        name = node.name if isinstance(node, exp.Anonymous) else node.sql_name()
        allowed = ", ".join(sorted(set(ALLOWED_FUNCTIONS.values()) - {"CASE WHEN"}))
        return f"function {name.upper()} is not allowed (allowed: {allowed})"
    return f"{node.sql(DIALECT)!r} ({type(node).__name__}) is not allowed"


@functools.lru_cache(maxsize=1024)
def expression_columns(sql: str) -> frozenset[str]:
    """Check ``sql`` is one allowed scalar expression and return the raw columns it uses.

    Raises:
        ProfileError: the problem (the caller adds the profile file and variable).
    """
    if not isinstance(sql, str) or not sql.strip():
        raise ProfileError("empty expression")
    try:
        statements = [s for s in sqlglot.parse(sql, read=DIALECT) if s is not None]
    except SqlglotError as error:
        raise ProfileError(f"not valid SQL: {str(error).splitlines()[0]}") from None
    if len(statements) != 1:
        raise ProfileError(f"{len(statements)} statements; give exactly one expression (no ';')")
    root = statements[0]
    for node in root.walk():
        if isinstance(node, OPERATORS) or type(node) in ALLOWED_FUNCTIONS:
            continue
        raise ProfileError(_refusal(node))
    columns = set()
    for column in root.find_all(exp.Column):
        if column.table:
            raise ProfileError(f"qualified column {column.sql(DIALECT)!r}; name the column alone")
        columns.add(column.name)
    return frozenset(columns)


def missing_columns(
    used: Mapping[str, Iterable[str]], available: Iterable[str], data: str = "the data"
) -> list[str]:
    """Problems with expressions naming columns absent from ``available``, one per column.

    ``used`` maps each variable to the raw columns its expression uses. Names match without
    regard to case, as in DuckDB; each problem suggests close matches.
    """
    folded = {name.lower(): name for name in available}
    problems = []
    for variable, columns in used.items():
        for column in sorted(columns):
            if column.lower() in folded:
                continue
            close = difflib.get_close_matches(column.lower(), list(folded))
            hint = f"; did you mean {', '.join(folded[c] for c in close)}?" if close else ""
            problems.append(f"{variable}: no column {column!r} in {data}{hint}")
    return problems


def literal(value: object) -> str:
    """``value`` as an SQL string literal (``O'Neil`` -> ``'O''Neil'``)."""
    return exp.Literal.string(str(value)).sql(DIALECT)


def bare_column(sql: str) -> str | None:
    """The raw column that the expression ``sql`` is, alone or cast (``SEX``,
    ``CAST(SEX AS INTEGER)``), else None."""
    node = sqlglot.parse_one(sql, read=DIALECT)
    while isinstance(node, exp.Cast | exp.Paren):
        node = node.this
    return node.name if isinstance(node, exp.Column) else None

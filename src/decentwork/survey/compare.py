"""Comparing a profile's derived variables with each other, or with the office's own derived
variable in the file: a cross-tabulation of the records in scope."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import duckdb
import pandas as pd

from decentwork.estimation.cells import quote
from decentwork.estimation.source import select
from decentwork.survey.errors import ProfileError
from decentwork.survey.expressions import expression_columns
from decentwork.survey.harmonise import expressions_fail, in_scope
from decentwork.survey.profile import Profile


def crosstab(
    profile: Profile,
    path: str | Path,
    expressions: Mapping[str, str],
    dictionary: str | Path | None = None,
) -> pd.DataFrame:
    """The records in the profile's scope counted by the values of ``expressions`` (name ->
    SQL over the raw columns: a profile variable's expression, a variant's, or an item of
    the file such as the office's own labour force status), unweighted (``records``) and
    weighted by the profile's weight (``weighted``), one row per combination that occurs,
    sorted by the values (missing last).

    Raises:
        ProfileError: an expression is not allowed, names a column the file lacks or fails
            on the data.
    """
    if not expressions:
        raise ProfileError("crosstab: give at least one expression", parameter="expressions")
    columns: set[str] = set()
    for name, sql in expressions.items():
        try:
            columns |= expression_columns(sql)
        except ProfileError as error:
            raise ProfileError(
                f"crosstab: {name}: {error}", parameter="expressions", given=sql
            ) from None
    relation = in_scope(profile, path, dictionary, sorted(columns))
    names = [quote(name) for name in expressions]
    weight = f"CAST(({profile.design.weight}) AS DOUBLE) * {profile.design.weight_scale!r}"
    selects = [f"({sql}) AS {quote(name)}" for name, sql in expressions.items()]
    grouped = (
        f"SELECT {', '.join(selects)}, COUNT(*) AS records, SUM({weight}) AS weighted "
        f"FROM _records GROUP BY ALL ORDER BY {', '.join(f'{n} NULLS LAST' for n in names)}"
    )
    try:
        return select(relation, grouped, "_records").df()
    except duckdb.Error as error:
        raise expressions_fail(profile, path, error) from None

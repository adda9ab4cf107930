"""Expression validation: allowed SQL, columns used, missing columns with suggestions."""

from __future__ import annotations

import pytest

from decentwork.survey import ProfileError
from decentwork.survey.expressions import expression_columns, missing_columns


@pytest.mark.parametrize(
    ("sql", "columns"),
    [
        ("CASE WHEN a IN (1, 2) THEN 1 WHEN b BETWEEN 3 AND 4 THEN 2 END", {"a", "b"}),
        ("COALESCE(NULLIF(x, 0), ABS(y) + ROUND(z / 10.0, 1))", {"x", "y", "z"}),
        ("CAST(year AS VARCHAR) || 'M' || LOWER(TRIM(month))", {"year", "month"}),
        ("LEAST(GREATEST(FLOOR(h), 0), CEIL(h)) % 7", {"h"}),
        ("SUBSTRING(code, 1, 2) = 'AB' AND NOT LENGTH(code) <> 4 OR code IS NULL", {"code"}),
        ("CONCAT(UPPER(a), b)", {"a", "b"}),
        ("'2024M01'", set()),
    ],
)
def test_allowed_expressions_report_their_columns(sql: str, columns: set[str]) -> None:
    assert expression_columns(sql) == columns


@pytest.mark.parametrize(
    ("sql", "problem"),
    [
        ("a; b", "2 statements"),
        ("(SELECT 1)", "a query"),
        ("count(*)", "aggregate"),
        ("random()", "function RAND"),
        ("*", "'*' is not allowed"),
        ("", "empty expression"),
        ("a +", "not valid SQL"),
    ],
)
def test_refused_expressions(sql: str, problem: str) -> None:
    with pytest.raises(ProfileError, match="^" + problem.replace("*", r"\*").replace("(", r"\(")):
        expression_columns(sql)


def test_missing_columns_suggest_close_names_case_insensitively() -> None:
    problems = missing_columns(
        {"ilo_sex": {"sex"}, "ilo_age": {"AGE12"}}, ["SEX", "AGE_12", "PROV"], "pub0124.csv"
    )
    assert problems == ["ilo_age: no column 'AGE12' in pub0124.csv; did you mean AGE_12?"]

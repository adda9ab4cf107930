"""The demo: a synthetic survey, its labour force status, and headline rates with uncertainty.

Until survey profiles and the indicator catalogue exist, the demo derives labour force status
from the synthetic questionnaire with one SQL projection (19th ICLS: employed = worked at least
one hour or temporarily absent; unemployed = not employed, looked for work and available).
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pandas as pd
import pyarrow as pa

from decentwork.estimation import Design, estimate

#: Area code of the synthetic demo survey (fictional; ILOSTAT uses no X_DW code).
DEMO_AREA = "X_DW"

AGE_BANDS = {1: "15-24", 2: "25-34", 3: "35-44", 4: "45-54", 5: "55-64", 6: "65+"}

LABOUR_SQL = """
SELECT stratum, psu, weight, region, urban, sex, age,
       CASE WHEN age < 25 THEN 1 WHEN age < 35 THEN 2 WHEN age < 45 THEN 3
            WHEN age < 55 THEN 4 WHEN age < 65 THEN 5 ELSE 6 END AS ageband,
       1 AS pop,
       CASE WHEN worked = 1 OR absent = 1 THEN 1 ELSE 0 END AS employed,
       CASE WHEN NOT (worked = 1 OR absent = 1) AND looked = 1 AND available = 1
            THEN 1 ELSE 0 END AS unemp,
       CASE WHEN worked = 1 OR absent = 1 OR (looked = 1 AND available = 1)
            THEN 1 ELSE 0 END AS lf,
       CASE WHEN worked = 1 OR absent = 1 THEN hours END AS hours
FROM {source} WHERE age >= {min_age}
"""


def labour_sql(source: str, min_age: int = 15) -> str:
    """SQL for the persons of a synthetic survey aged ``min_age``+, with 0/1 labour status.

    ``source`` is a table name or a table function such as ``read_parquet('lfs.parquet')``.
    Columns: the design and domain variables, ``age``, ``ageband`` (1-6: 15-24 ... 65+),
    ``pop`` (1), ``employed``, ``unemp``, ``lf`` and ``hours`` (employed only).
    """
    return LABOUR_SQL.format(source=source, min_age=int(min_age))


def headline(people: pa.Table, on_step: Callable[[str], None] = lambda _: None) -> pd.DataFrame:
    """Headline labour market rates (percent) and the labour force (thousands), with SEs."""
    con = duckdb.connect()
    con.register("people", people)
    on_step("Deriving labour force status")
    persons = con.sql(labour_sql("people"))
    on_step("Estimating with the full design")
    result = estimate(
        persons,
        Design(weight="weight", strata="stratum", psu="psu"),
        ratios={
            "Unemployment rate %": ("unemp", "lf"),
            "Participation rate %": ("lf", "pop"),
            "Employment ratio %": ("employed", "pop"),
        },
        totals=["lf"],
        by=[(), ("sex",), ("ageband",), ("urban",)],
    )
    result.loc[result["statistic"] == "lf", "statistic"] = "Labour force '000"
    percent = result["kind"] == "ratio"
    for column in ("estimate", "se", "lower", "upper"):
        result[column] = result[column].where(~percent, result[column] * 100)
        result[column] = result[column].where(percent, result[column] / 1000)
    result["domain"] = [_domain(row) for _, row in result.iterrows()]
    return result[["statistic", "domain", "estimate", "se", "lower", "upper", "cv", "n"]]


def _domain(row: pd.Series) -> str:
    if row["sex"] is not None:
        return {1: "Men", 2: "Women"}[int(row["sex"])]
    if row["ageband"] is not None:
        return f"Age {AGE_BANDS[int(row['ageband'])]}"
    if row["urban"] is not None:
        return {1: "Urban", 2: "Rural"}[int(row["urban"])]
    return "Total"

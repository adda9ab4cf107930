"""The demo: a synthetic survey, its labour force status, and headline rates with uncertainty.

``headline`` runs the real pipeline: the synthetic survey through the bundled ``synthetic``
profile and the indicator catalogue (``decentwork.indicators.compute``). ``labour_sql`` gives
the same labour force status as one SQL projection over the raw synthetic columns, for the
estimation kernel's own tests and benchmark, which exercise the kernel without the survey
layer.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from decentwork.indicators import compute, load_catalogue
from decentwork.indicators.catalogue import inline
from decentwork.survey import load_profile

#: Area code of the synthetic demo survey (fictional; ILOSTAT uses no X_DW code).
DEMO_AREA = "X_DW"



def labour_sql(source: str, min_age: int = 15) -> str:
    """SQL for the persons of a synthetic survey aged ``min_age``+, with 0/1 labour status.

    The status columns are the indicator catalogue's derivations (``emp``, ``une``, ``eap``)
    written over the raw synthetic columns through the bundled ``synthetic`` profile.
    ``source`` is a table name or a table function such as ``read_parquet('lfs.parquet')``.
    Columns: the design and domain variables, ``age``, ``ageband`` (1-6: 15-24 ... 65+),
    ``pop`` (1), ``employed``, ``unemp``, ``lf`` and ``hours`` (employed only).
    """
    profile = load_profile("synthetic")
    derived = load_catalogue().resolve(set(profile.variables)).variables

    def raw(name: str) -> str:
        return inline(derived[name], profile.variables)

    return f"""
SELECT stratum, psu, weight, region, urban, sex, age,
       CASE WHEN age < 25 THEN 1 WHEN age < 35 THEN 2 WHEN age < 45 THEN 3
            WHEN age < 55 THEN 4 WHEN age < 65 THEN 5 ELSE 6 END AS ageband,
       1 AS pop,
       {raw("emp")} AS employed,
       {raw("une")} AS unemp,
       {raw("eap")} AS lf,
       CASE WHEN {raw("emp")} = 1 THEN hours END AS hours
FROM {source} WHERE age >= {int(min_age)}
"""


HEADLINE = {
    "UNE_DEAP_SEX_AGE_GEO_RT": "Unemployment rate %",
    "EAP_DWAP_SEX_AGE_GEO_RT": "Participation rate %",
    "EMP_DWAP_SEX_AGE_GEO_RT": "Employment ratio %",
    "EAP_TEAP_SEX_AGE_GEO_NB": "Labour force '000",
}
DOMAINS = {
    ("SEX_T", "AGE_YTHADULT_YGE15", "GEO_COV_NAT"): "Total",
    ("SEX_M", "AGE_YTHADULT_YGE15", "GEO_COV_NAT"): "Men",
    ("SEX_F", "AGE_YTHADULT_YGE15", "GEO_COV_NAT"): "Women",
    ("SEX_T", "AGE_YTHADULT_Y15-24", "GEO_COV_NAT"): "Age 15-24",
    ("SEX_T", "AGE_YTHADULT_YGE25", "GEO_COV_NAT"): "Age 25+",
    ("SEX_T", "AGE_YTHADULT_YGE15", "GEO_COV_URB"): "Urban",
    ("SEX_T", "AGE_YTHADULT_YGE15", "GEO_COV_RUR"): "Rural",
}


def headline(people: pa.Table, on_step: Callable[[str], None] = lambda _: None) -> pd.DataFrame:
    """Headline labour market rates (percent) and the labour force (thousands), with SEs, for
    the whole area and by sex, youth and urban/rural areas, from the synthetic profile and the
    indicator catalogue. Columns: statistic, domain, estimate, se, lower, upper, cv (percent),
    n, obs_status (U: unreliable)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "survey.parquet"
        pq.write_table(people, path)
        result = compute(load_profile("synthetic"), path, indicators=list(HEADLINE),
                         on_step=on_step)
    rows = result.observations
    rows = rows[rows["ref_area"] == DEMO_AREA]
    keys = list(zip(rows["sex"], rows["classif1"], rows["classif2"], strict=True))
    rows = rows[[key in DOMAINS for key in keys]].copy()
    rows["domain"] = [DOMAINS[key] for key in zip(rows["sex"], rows["classif1"],
                                                  rows["classif2"], strict=True)]
    rows["statistic"] = rows["indicator"].map(HEADLINE)
    order = {name: k for k, name in enumerate([*DOMAINS.values(), *HEADLINE.values()])}
    rows = rows.sort_values(by=["domain", "statistic"], key=lambda d: d.map(order))
    return rows.rename(columns={"obs_value": "estimate", "lower_bound": "lower",
                                "upper_bound": "upper", "sample_count": "n"})[
        ["statistic", "domain", "estimate", "se", "lower", "upper", "cv", "n", "obs_status"]
    ].reset_index(drop=True)

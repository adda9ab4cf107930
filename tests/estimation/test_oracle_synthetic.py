"""decentwork against R survey on a seeded synthetic survey: 200k records, 50 strata, 500 PSUs.

Full design, FPC, records as PSUs, weights only, every lonely-PSU option and every replicate
method (with and without mse), over several grouping sets, with design degrees of freedom.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from decentwork.demo import labour_sql
from decentwork.estimation import Design, EstimationError, estimate
from decentwork.synthetic import generate
from tests.estimation.r_oracle import compare, run_r

pytestmark = pytest.mark.oracle

REPLICATES = 20
METHODS = ("bootstrap", "jk1", "brr", "fay", "sdr")
LONELY_STRATA = (1, 2, 3, 4)

DERIVE = f"""
SELECT *, 8 * COUNT(DISTINCT psu) OVER (PARTITION BY stratum) AS fpc
FROM ({labour_sql("people", min_age=0)}) AS persons
"""


def replicate_factors(psus: np.ndarray, strata: np.ndarray, seed: int) -> pd.DataFrame:
    """Per-PSU replicate factors for each method (any factors test the variance formulas)."""
    rng = np.random.default_rng(seed)
    n = len(psus)
    half = np.zeros((n, REPLICATES), dtype=bool)
    for h in np.unique(strata):
        members = np.flatnonzero(strata == h)
        for r in range(REPLICATES):
            half[rng.permutation(members)[: len(members) // 2], r] = True
    group = np.arange(n) % REPLICATES
    factors = {
        "bootstrap": rng.poisson(1.0, (n, REPLICATES)).astype(float),
        "jk1": np.where(
            group[:, None] == np.arange(REPLICATES), 0.0, REPLICATES / (REPLICATES - 1)
        ),
        "brr": np.where(half, 2.0, 0.0),
        "fay": np.where(half, 1.7, 0.3),
        "sdr": 1.0 + 0.7 * rng.choice([-1.0, 0.0, 1.0], (n, REPLICATES)),
    }
    columns = {"psu": psus}
    for method, values in factors.items():
        for r in range(REPLICATES):
            columns[f"{method}_{r + 1}"] = values[:, r]
    return pd.DataFrame(columns)


@dataclass(frozen=True)
class Oracle:
    data: pd.DataFrame
    lonely: pd.DataFrame
    factors: pd.DataFrame
    expected: pd.DataFrame
    lonely_fail: str


@pytest.fixture(scope="module")
def oracle(tmp_path_factory: pytest.TempPathFactory) -> Oracle:
    workdir: Path = tmp_path_factory.mktemp("synthetic")
    con = duckdb.connect()
    con.register("people", generate(200_000, seed=20261127, strata=50, psus=500))
    data = con.sql(DERIVE).df().sort_values(["stratum", "psu"], kind="stable")
    first_psu = data.groupby("stratum")["psu"].transform("min")
    lonely = data[~data["stratum"].isin(LONELY_STRATA) | (data["psu"] == first_psu)]
    units = data[["psu", "stratum"]].drop_duplicates().sort_values("psu")
    factors = replicate_factors(units["psu"].to_numpy(), units["stratum"].to_numpy(), 7)
    data.to_csv(workdir / "synthetic.csv", index=False)
    lonely.to_csv(workdir / "lonely.csv", index=False)
    factors.to_csv(workdir / "factors.csv", index=False)
    run_r("synthetic.R", workdir)
    expected = pd.read_csv(
        workdir / "synthetic_oracle.csv", keep_default_na=False, na_values=["NA"]
    )
    fail = (workdir / "lonely_fail.txt").read_text().strip()
    return Oracle(data, lonely, factors, expected, fail)


def with_replicates(data: pd.DataFrame, factors: pd.DataFrame, method: str) -> pd.DataFrame:
    columns = [f"{method}_{r + 1}" for r in range(REPLICATES)]
    merged = data.merge(factors[["psu", *columns]], on="psu", how="left")
    for column in columns:
        merged[column] = merged["weight"] * merged[column]
    return merged


FULL = Design(weight="weight", strata="stratum", psu="psu")
TAYLOR = {
    "full": FULL,
    "full_fpc": Design(weight="weight", strata="stratum", psu="psu", fpc="fpc"),
    "records_as_psu": Design(weight="weight", strata="stratum"),
    "weights_only": Design(weight="weight"),
}
BY = [(), ("sex",), ("sex", "region"), ("urban", "ageband")]


def run(data: pd.DataFrame, design: Design, ci: str = "t", mean: bool = True) -> pd.DataFrame:
    return estimate(
        data,
        design,
        ratios={"ur": ("unemp", "lf")},
        totals=["lf"],
        means=["hours"] if mean else [],
        by=BY,
        ci=ci,
        missing="drop",
    )


def expected_rows(oracle: Oracle, case: str) -> pd.DataFrame:
    rows = oracle.expected[oracle.expected["case"] == case]
    assert len(rows) > 0, case
    return rows


@pytest.mark.parametrize("case", TAYLOR)
def test_taylor_designs_match_r(oracle: Oracle, case: str) -> None:
    expected = expected_rows(oracle, case)
    assert compare(run(oracle.data, TAYLOR[case]), expected) == 2 * len(expected)


@pytest.mark.parametrize("option", ["remove", "certainty", "adjust", "average"])
def test_lonely_psu_options_match_r(oracle: Oracle, option: str) -> None:
    design = Design(weight="weight", strata="stratum", psu="psu", lonely_psu=option)
    expected = expected_rows(oracle, f"lonely_{option}")
    assert compare(run(oracle.lonely, design, mean=False), expected) == 2 * len(expected)


def test_lonely_psu_fail_names_the_stratum_like_r(oracle: Oracle) -> None:
    assert "has only one PSU" in oracle.lonely_fail
    with pytest.raises(EstimationError, match=r"stratum 1, 2, 3, 4 has only one PSU"):
        run(oracle.lonely, FULL)


@pytest.mark.parametrize("mse", [False, True])
@pytest.mark.parametrize("method", METHODS)
def test_replicate_methods_match_r(oracle: Oracle, method: str, mse: bool) -> None:
    design = Design(
        weight="weight",
        replicate_weights=f"{method}_",
        replicate_method=method,
        fay_rho=0.3 if method == "fay" else None,
        mse=mse,
    )
    data = with_replicates(oracle.data, oracle.factors, method)
    expected = expected_rows(oracle, method + ("_mse" if mse else ""))
    assert compare(run(data, design), expected) == 2 * len(expected)


def test_t_intervals_use_domain_degrees_of_freedom(oracle: Oracle) -> None:
    result = run(oracle.data, FULL)
    expected = expected_rows(oracle, "full")
    ratio = expected[(expected["statistic"] == "ur") & (expected["grouping"] == "sex+region")]
    ours = result[(result["statistic"] == "ur") & result["sex"].notna() & result["region"].notna()]
    assert len(ours) == len(ratio) == 20
    q = stats.t.ppf(0.975, ours["df"].to_numpy(float))
    np.testing.assert_allclose(ours["upper"] - ours["estimate"], q * ours["se"], rtol=1e-12)
    assert sorted(ours["df"]) == sorted(ratio["df"])

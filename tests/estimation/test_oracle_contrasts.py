"""Covariances, contrasts and changes against R (``svyby(covmat=TRUE)``, ``svycontrast``).

A seeded three-month file whose months share the strata and PSUs of one design (a panel that
keeps 90 % of its persons from one month to the next, some changing status): the covariance
matrix of a ratio, a total and a mean by (), month, sex and month x sex, changes between
months, their average and women - men, on a stratified cluster design, records as PSUs with
strata, and 30 bootstrap replicate weights made by R's ``as.svrepdesign``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from decentwork.estimation import (
    Design,
    Estimates,
    change,
    contrast,
    difference,
    estimate_change,
    estimate_covariance,
)
from tests.estimation.r_oracle import RTOL, read_oracle, run_r

pytestmark = pytest.mark.oracle

BY = [(), ("month",), ("sex",), ("month", "sex")]
CASES = ("taylor", "records", "replicate")


def write_months(path: Path, seed: int = 2033, months: int = 3) -> None:
    """Persons 15+ of a seeded synthetic survey observed in ``months`` months in the same
    PSUs: each month keeps 90 % of the previous month's persons, and some change status
    (unemployed find work, employed lose it, inactive persons start looking); weights vary a
    little from month to month. Written as CSV at ``path``."""
    from decentwork.demo import labour_sql
    from decentwork.synthetic import generate

    con = duckdb.connect()
    con.register("people", generate(6000, seed=seed, strata=6, psus=36))
    columns = "stratum, psu, weight, sex, unemp, lf, employed"
    people = con.sql(f"SELECT {columns} FROM ({labour_sql('people', min_age=15)})").df()
    rng = np.random.default_rng(seed)
    frames = []
    for month in range(1, months + 1):
        frames.append(people.assign(month=month))
        people = people[rng.random(len(people)) < 0.9].copy()
        draw = rng.random(len(people))
        unemp = people["unemp"].to_numpy().copy()
        lf = people["lf"].to_numpy().copy()
        finds = (unemp == 1) & (draw < 0.3)
        loses = (lf == 1) & (unemp == 0) & (draw < 0.04)
        looks = (lf == 0) & (draw < 0.05)
        unemp[finds], unemp[loses | looks], lf[looks] = 0, 1, 1
        people["unemp"], people["lf"], people["employed"] = unemp, lf, lf - unemp
        people["weight"] = people["weight"] * rng.uniform(0.95, 1.05, len(people))
    pd.concat(frames).to_csv(path, index=False)


@dataclass(frozen=True)
class Oracle:
    data: pd.DataFrame  # the months with R's bootstrap weights
    scale: float
    covariance: pd.DataFrame
    contrasts: pd.DataFrame

    def design(self, case: str) -> Design:
        if case == "replicate":
            return Design(
                weight="weight",
                replicate_weights="boot_",
                replicate_method="bootstrap",
                scale=self.scale,
            )
        if case == "records":
            return Design(weight="weight", strata="stratum")
        return Design(weight="weight", strata="stratum", psu="psu")

    def matrix(self, case: str, what: str) -> pd.DataFrame:
        rows = self.covariance[
            (self.covariance["case"] == case) & (self.covariance["what"] == what)
        ]
        return rows.pivot(index="row", columns="col", values="value")

    def contrast(self, case: str, name: str) -> pd.Series:
        rows = self.contrasts[(self.contrasts["case"] == case) & (self.contrasts["name"] == name)]
        assert len(rows) == 1, name
        return rows.iloc[0]


@pytest.fixture(scope="module")
def oracle(tmp_path_factory: pytest.TempPathFactory) -> Oracle:
    workdir = tmp_path_factory.mktemp("contrasts")
    write_months(workdir / "contrasts.csv")
    run_r("contrasts.R", workdir)
    return Oracle(
        pd.read_csv(workdir / "contrasts_data.csv"),
        float((workdir / "contrasts_scale.txt").read_text()),
        read_oracle(workdir / "contrasts_covariance.csv"),
        read_oracle(workdir / "contrasts_oracle.csv"),
    )


MONTHS = {"ratios": {"ur": ("unemp", "lf")}, "totals": ["lf"], "means": ["employed"], "by": BY}


@pytest.fixture(scope="module")
def months(oracle: Oracle) -> dict[str, Estimates]:
    """The estimates of every case with their covariances (one call each)."""
    return {case: estimate_covariance(oracle.data, oracle.design(case), **MONTHS) for case in CASES}


def _key(row: pd.Series, variables: list[str]) -> str:
    """R's label of an estimate: ``statistic|grouping|domain``."""
    grouping = [v for v in variables if pd.notna(row[v])]
    domain = ";".join(f"{v}={int(row[v])}" for v in grouping)
    return f"{row['statistic']}|{'+'.join(grouping)}|{domain}"


@pytest.mark.parametrize("case", CASES)
def test_covariance_matrix_matches_r(
    oracle: Oracle, months: dict[str, Estimates], case: str
) -> None:
    ours = months[case]
    keys = [_key(row, ["month", "sex"]) for _, row in ours.table.iterrows()]
    expected = oracle.matrix(case, "all").loc[keys, keys].to_numpy()
    assert expected.shape == (36, 36)
    np.testing.assert_allclose(ours.matrix, expected, rtol=RTOL, atol=0)
    months_only = ours.table["month"].notna() & ours.table["sex"].isna()
    ur = np.flatnonzero(months_only & (ours.table["statistic"] == "ur"))
    between = ours.matrix[np.ix_(ur, ur)][~np.eye(3, dtype=bool)]
    if case != "records":  # records as PSUs: the months share no PSU
        assert (between > 0).all(), "shared PSUs: the months covary"
    np.testing.assert_allclose(np.sqrt(np.diag(ours.matrix)), ours.table["se"], rtol=1e-12)
    assert ours.covariance.index.equals(ours.table.index)


@pytest.mark.parametrize("case", CASES)
def test_two_statistics_in_one_domain_match_r(oracle: Oracle, case: str) -> None:
    totals = estimate_covariance(oracle.data, oracle.design(case), totals=["lf", "employed"])
    expected = oracle.matrix(case, "two_totals").loc[["lf", "employed"], ["lf", "employed"]]
    np.testing.assert_allclose(totals.matrix, expected.to_numpy(), rtol=RTOL)
    ratios = estimate_covariance(
        oracle.data, oracle.design(case), ratios={"ur": ("unemp", "lf"), "er": ("employed", "lf")}
    )
    expected = oracle.matrix(case, "two_ratios").loc[["ur", "er"], ["ur", "er"]]
    np.testing.assert_allclose(ratios.matrix, expected.to_numpy(), rtol=RTOL)


@pytest.mark.parametrize("case", CASES)
def test_changes_and_averages_match_r(
    oracle: Oracle, months: dict[str, Estimates], case: str
) -> None:
    ours = months[case]
    monthly = change(ours, "month")
    since_two = change(ours, "month", lag=2)
    checks = {
        "ur month 2 - 1": _one(monthly, "ur", month=2, sex=None),
        "ur month 3 - 2": _one(monthly, "ur", month=3, sex=None),
        "ur month 3 - 1": _one(since_two, "ur", month=3, sex=None),
        "lf month 2 - 1": _one(monthly, "lf", month=2, sex=None),
        "lf month 3 - 2": _one(monthly, "lf", month=3, sex=None),
    }
    rows = [ours.row("ur", {"month": m}) for m in (1, 2, 3)]
    average = contrast(ours, {"ur average": dict.fromkeys(rows, 1 / 3)}).iloc[0]
    checks["ur average"] = average
    for name, row in checks.items():
        expected = oracle.contrast(case, name)
        np.testing.assert_allclose(
            [row["estimate"], row["se"]], [expected["estimate"], expected["se"]], rtol=RTOL
        )
    assert _one(monthly, "ur", month=2, sex=None)["since"] == 1
    table, pairwise = estimate_change(
        oracle.data, oracle.design(case), period="month", **MONTHS
    )  # only the pairs' covariances
    pd.testing.assert_frame_equal(table, ours.table)
    pd.testing.assert_frame_equal(pairwise, monthly, rtol=1e-10)
    assert _one(since_two, "ur", month=3, sex=None)["since"] == 1
    assert len(since_two) == len(monthly) / 2  # one pair of months two apart, two one apart


@pytest.mark.parametrize("case", CASES)
def test_women_minus_men_matches_r(oracle: Oracle, months: dict[str, Estimates], case: str) -> None:
    ours = difference(months[case], "sex", 2, 1)
    checks = {"ur women - men": _one(ours, "ur", month=None)}
    for month in (1, 2, 3):
        checks[f"ur women - men in month {month}"] = _one(ours, "ur", month=month)
    for name, row in checks.items():
        expected = oracle.contrast(case, name)
        np.testing.assert_allclose(
            [row["estimate"], row["se"]], [expected["estimate"], expected["se"]], rtol=RTOL
        )
        assert row["sex"] == 2 and row["minus"] == 1


def _one(result: pd.DataFrame, statistic: str, **domain: int | None) -> pd.Series:
    mask = result["statistic"] == statistic
    for variable, value in domain.items():
        mask &= result[variable].isna() if value is None else result[variable] == value
    assert mask.sum() == 1, (statistic, domain)
    return result[mask].iloc[0]

"""Quantiles against R's ``svyquantile`` (survey 4.1.1 defaults), in domains.

Earnings with ties (rounded to 10, a fifth of them to 1,000) and missing values (people not
employed), on a seeded synthetic design: a stratified cluster design, a stratified design
whose records are the PSUs, and 30 bootstrap replicate weights made by R's
``as.svrepdesign``; probabilities 0.1, 0.25, 0.5 and 0.9 in every domain of (), sex and
sex x region, with ``ci="t"`` and ``"normal"``; and the cluster design with a finite
population correction.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from decentwork.estimation import Design, estimate
from decentwork.estimation.comparisons import gap, share_below
from tests.estimation.r_oracle import RTOL, compare, read_oracle, rows_of, run_r, write_persons

pytestmark = pytest.mark.oracle

BY = [(), ("sex",), ("sex", "region")]
PROBABILITIES = {"q10": 0.1, "q25": 0.25, "q50": 0.5, "q90": 0.9}
DESIGNS = {
    "taylor": Design(weight="weight", strata="stratum", psu="psu"),
    "records": Design(weight="weight", strata="stratum"),
    "fpc": Design(weight="weight", strata="stratum", psu="psu", fpc="fpc"),
}


def earnings(persons: pd.DataFrame, seed: int) -> np.ndarray:
    """Monthly earnings of the employed: log-normal, rounded to 10, a fifth of them heaped
    on multiples of 1,000; NA for the others."""
    rng = np.random.default_rng(seed)
    values = np.exp(rng.normal(7.2 + 0.15 * (persons["sex"] == 1), 0.6, len(persons)))
    heaped = rng.random(len(persons)) < 0.2
    values = np.where(heaped, np.round(values, -3), np.round(values, -1))
    return np.where(persons["employed"] == 1, values, np.nan)


@pytest.fixture(scope="module")
def oracle(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    workdir: Path = tmp_path_factory.mktemp("quantiles")
    path = workdir / "quantiles.csv"
    write_persons(path, 2031, 15, "stratum, psu, weight, sex, region, employed")
    persons = pd.read_csv(path)
    persons["earnings"] = earnings(persons, 2031)
    persons["fpc"] = 4 * persons.groupby("stratum")["psu"].transform("nunique")
    persons.to_csv(path, index=False)
    run_r("quantiles.R", workdir)
    return {
        "data": pd.read_csv(workdir / "quantiles_data.csv"),
        "scale": float((workdir / "quantiles_scale.txt").read_text()),
        "quantiles": read_oracle(workdir / "quantiles_oracle.csv"),
        "pay": read_oracle(workdir / "pay_oracle.csv"),
    }


def design_of(oracle: dict[str, object], case: str) -> Design:
    if case == "replicate":
        scale = oracle["scale"]
        assert isinstance(scale, float)
        return Design(
            weight="weight", replicate_weights="boot_", replicate_method="bootstrap", scale=scale
        )
    return DESIGNS[case]


@pytest.mark.parametrize("ci", ["t", "normal"])
@pytest.mark.parametrize("case", ["taylor", "records", "fpc"])
def test_quantiles_match_svyquantile(oracle: dict[str, object], case: str, ci: str) -> None:
    compare_quantiles(oracle, case, ci)


@pytest.mark.parametrize("ci", ["t", "normal"])
def test_replicate_quantiles_match_svyquantile(oracle: dict[str, object], ci: str) -> None:
    compare_quantiles(oracle, "replicate", ci)


def compare_quantiles(oracle: dict[str, object], case: str, ci: str) -> None:
    """decentwork's quantiles by () , sex and sex x region against R's for one design."""
    result = estimate(
        oracle["data"],
        design_of(oracle, case),
        quantiles={name: ("earnings", p) for name, p in PROBABILITIES.items()},
        by=BY,
        ci=ci,  # type: ignore[arg-type]
        missing="drop",
    )
    assert set(result["kind"]) == {"quantile"}
    assert set(result["interval"]) == {"woodruff"}
    expected = oracle["quantiles"]
    assert isinstance(expected, pd.DataFrame)
    expected = expected[(expected["case"] == case) & (expected["ci"] == ci)]
    compared = 0
    for (name, grouping), rows in expected.groupby(["statistic", "grouping"]):
        variables = [v for v in str(grouping).split("+") if v]
        ours = rows_of(result, name, "quantile", variables)
        rows = rows.set_index("key")
        assert sorted(ours.index) == sorted(rows.index)
        ours = ours.loc[rows.index]
        where = f"{name} by {grouping or '()'} ({case}, {ci})"
        for column in ("estimate", "se", "lower", "upper"):
            np.testing.assert_allclose(
                ours[column], rows[column], rtol=RTOL, err_msg=f"{column} of {where}"
            )
        if case != "replicate" or ci == "t":
            np.testing.assert_array_equal(ours["df"], rows["df"], err_msg=where)
        compared += len(rows)
    assert compared == len(PROBABILITIES) * (1 + 2 + 20)


@pytest.mark.parametrize("case", ["taylor", "records", "replicate"])
def test_low_pay_rate_matches_svymean_below_the_fixed_threshold(
    oracle: dict[str, object], case: str
) -> None:
    expected = oracle["pay"]
    assert isinstance(expected, pd.DataFrame)
    expected = expected[(expected["case"] == case) & (expected["statistic"] == "low_pay")]
    result = share_below(
        oracle["data"],
        design_of(oracle, case),
        "earnings",
        name="low_pay",
        by=[(), ("region",)],
        missing="drop",
    )
    np.testing.assert_allclose(result["threshold"], expected["threshold"].iloc[0], rtol=RTOL)
    assert compare(result.drop(columns="threshold"), expected) == 2 * (1 + 10)


@pytest.mark.parametrize("statistic", ["mean", "median"])
@pytest.mark.parametrize("case", ["taylor", "records"])
def test_pay_gaps_match_r(oracle: dict[str, object], case: str, statistic: str) -> None:
    """Means: R's svycontrast of svyby(covmat=TRUE). Medians: R's Woodruff SEs with the
    covariance of the shares below the medians (svyby covmat), by the delta method."""
    name = "gap" if statistic == "mean" else "median_gap"
    expected = oracle["pay"]
    assert isinstance(expected, pd.DataFrame)
    expected = expected[(expected["case"] == case) & (expected["statistic"] == name)]
    result = gap(
        oracle["data"],
        design_of(oracle, case),
        "earnings",
        group="sex",
        reference=1,
        compared=2,
        statistic=statistic,  # type: ignore[arg-type]
        name=name,
        by=[(), ("region",)],
        missing="drop",
    )
    assert compare(result, expected) == 2 * (1 + 10)
    np.testing.assert_allclose(
        result["upper"] - result["estimate"], 1.959963984540054 * result["se"], rtol=1e-12
    )

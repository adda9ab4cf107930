"""Covariances and contrasts: consistency with ``estimate`` and bad input (R's answers are in
``test_oracle_contrasts.py``)."""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import numpy as np
import pandas as pd
import pytest

from decentwork.estimation import (
    Design,
    Estimates,
    EstimationError,
    change,
    contrast,
    difference,
    estimate,
    estimate_change,
    estimate_covariance,
)

BY = [(), ("month",), ("sex",), ("month", "sex")]
REQUEST = {"ratios": {"ur": ("unemp", "lf")}, "totals": ["lf"], "means": ["employed"], "by": BY}


@pytest.fixture(scope="module")
def people() -> pd.DataFrame:
    """Persons 15+ of a small seeded survey, each in one of three months."""
    from decentwork.demo import labour_sql
    from decentwork.synthetic import generate

    con = duckdb.connect()
    con.register("people", generate(1500, seed=41, strata=4, psus=16))
    columns = "stratum, psu, weight, sex, unemp, lf, employed"
    data = con.sql(f"SELECT {columns} FROM ({labour_sql('people', min_age=15)})").df()
    data["month"] = np.random.default_rng(41).integers(1, 4, len(data))
    data["fpc"] = 60
    return data


@pytest.fixture(scope="module")
def monthly(people: pd.DataFrame) -> Estimates:
    return estimate_covariance(
        people, Design(weight="weight", strata="stratum", psu="psu"), **REQUEST
    )


@pytest.mark.parametrize(
    "design",
    [
        Design(weight="weight", strata="stratum", psu="psu"),
        Design(weight="weight", strata="stratum", psu="psu", fpc="fpc"),
        Design(weight="weight", strata="stratum"),
        Design(weight="weight"),
    ],
    ids=["psu", "fpc", "records", "weights-only"],
)
def test_the_table_is_estimates_and_the_diagonal_its_variances(
    people: pd.DataFrame, design: Design
) -> None:
    ours = estimate_covariance(people, design, **REQUEST)
    pd.testing.assert_frame_equal(ours.table, estimate(people, design, **REQUEST), rtol=1e-11)
    np.testing.assert_allclose(np.diag(ours.matrix), ours.table["se"] ** 2, rtol=1e-11)
    np.testing.assert_array_equal(ours.matrix, ours.matrix.T)
    assert np.linalg.eigvalsh(ours.matrix).min() > -1e-9 * np.abs(ours.matrix).max()


def test_the_population_total_is_the_sum_of_its_domains(monthly: Estimates) -> None:
    """Three totals of disjoint domains that make the population: the SE of their sum is the
    population's SE, which needs their covariances."""
    months = [monthly.row("lf", {"month": m}) for m in (1, 2, 3)]
    summed = contrast(monthly, {"sum": dict.fromkeys(months, 1.0)}).iloc[0]
    population = monthly.table.iloc[monthly.row("lf")]
    assert summed["estimate"] == pytest.approx(population["estimate"], rel=1e-12)
    assert summed["se"] == pytest.approx(population["se"], rel=1e-10)
    independent = np.sqrt((monthly.table.iloc[months]["se"] ** 2).sum())
    assert abs(independent - population["se"]) > 1e-3 * population["se"]


def test_a_full_coefficient_vector_is_the_mapping(monthly: Estimates) -> None:
    later, earlier = monthly.row("ur", {"month": 2}), monthly.row("ur", {"month": 1})
    vector = np.zeros(len(monthly.table))
    vector[[later, earlier]] = [1, -1]
    both = contrast(monthly, {"vector": list(vector), "mapping": {later: 1, earlier: -1}})
    pd.testing.assert_series_equal(both.iloc[0, 1:], both.iloc[1, 1:], check_names=False)
    changed = change(monthly, "month")
    row = changed[(changed["statistic"] == "ur") & (changed["month"] == 2) & changed["sex"].isna()]
    assert row["estimate"].iloc[0] == pytest.approx(both["estimate"].iloc[0], rel=1e-14)
    assert row["se"].iloc[0] == pytest.approx(both["se"].iloc[0], rel=1e-14)
    assert bool(row["significant"].iloc[0]) == (
        row["lower"].iloc[0] > 0 or row["upper"].iloc[0] < 0
    )


def test_an_estimate_that_is_na_makes_its_contrasts_na(people: pd.DataFrame) -> None:
    data = people.assign(lf=np.where(people["month"] == 3, 0, people["lf"]))
    data["unemp"] = np.where(data["lf"] == 0, 0, data["unemp"])
    ours = estimate_covariance(
        data,
        Design(weight="weight", strata="stratum", psu="psu"),
        ratios={"ur": ("unemp", "lf")},
        by=["month"],
    )
    third = ours.row("ur", {"month": 3})
    assert np.isnan(ours.matrix[third]).all() and np.isnan(ours.matrix[:, third]).all()
    changes = change(ours, "month").set_index("month")
    assert np.isnan(changes.loc[3, ["estimate", "se"]].astype(float)).all()
    assert changes.loc[3, "significant"] is pd.NA
    assert np.isfinite(changes.loc[2, ["estimate", "se"]].astype(float)).all()


@pytest.mark.parametrize("rule", ["remove", "certainty", "adjust"])
def test_lonely_psus_follow_the_variance(people: pd.DataFrame, rule: str) -> None:
    lonely = people.assign(
        stratum=np.where(people["psu"] == people["psu"].max(), 99, people["stratum"])
    )
    design = Design(weight="weight", strata="stratum", psu="psu", lonely_psu=rule)
    ours = estimate_covariance(lonely, design, **REQUEST)
    np.testing.assert_allclose(np.diag(ours.matrix), ours.table["se"] ** 2, rtol=1e-11)


def test_lonely_psu_average_is_refused_with_its_reason(people: pd.DataFrame) -> None:
    lonely = people.assign(
        stratum=np.where(people["psu"] == people["psu"].max(), 99, people["stratum"])
    )
    design = Design(weight="weight", strata="stratum", psu="psu", lonely_psu="average")
    with pytest.raises(EstimationError, match="lonely_psu='average'") as raised:
        estimate_covariance(lonely, design, **REQUEST)
    assert raised.value.parameter == "covariance"
    estimate(lonely, design, **REQUEST)  # the estimates themselves are fine


def test_the_replicate_covariance_diagonal_is_the_variance(people: pd.DataFrame) -> None:
    rng = np.random.default_rng(5)
    data = people.copy()
    for r in range(8):
        data[f"rep{r}"] = data["weight"] * rng.choice([0.0, 2.0], len(data))
    design = Design(weight="weight", replicate_weights="rep", replicate_method="jk1")
    ours = estimate_covariance(data, design, **REQUEST)
    np.testing.assert_allclose(np.diag(ours.matrix), ours.table["se"] ** 2, rtol=1e-11)
    np.testing.assert_array_equal(ours.matrix, ours.matrix.T)


@pytest.mark.parametrize(
    ("call", "parameter", "message"),
    [
        (lambda e: e.row("nope"), "statistic", "no statistic 'nope'"),
        (lambda e: e.row("ur", {"region": 1}), "domain", "'region' is not a by-variable"),
        (lambda e: e.row("ur", {"month": 7}), "domain", "no estimate of 'ur' in month=7"),
        (lambda e: contrast(e, {}), "contrasts", "give a mapping"),
        (lambda e: contrast(e, {"c": [1, -1]}), "contrasts", "has 2 coefficients for 36"),
        (lambda e: contrast(e, {"c": {36: 1}}), "contrasts", "36 is not a row"),
        (lambda e: contrast(e, {"c": {0: "1"}}), "contrasts", "'1' is not a number"),
        (lambda e: contrast(e, {"c": {0: float("inf")}}), "contrasts", "not finite"),
        (lambda e: contrast(e, {"c": "ur"}), "contrasts", "one coefficient per estimate"),
        (lambda e: contrast(e, {"c": {0: 1}}, level=1.5), "level", "between 0 and 1"),
        (lambda e: change(e, "year"), "period", "'year' is not a by-variable"),
        (lambda e: change(e, "month", lag=0), "lag", "at least 1"),
        (lambda e: change(e, "month", lag=3), "lag", "3 value(s) of 'month'"),
        (lambda e: difference(e, "sex", 3, 1), "first", "first=3 is not a value of 'sex'"),
        (lambda e: difference(e, "sex", 2, "x"), "second", "second='x'"),
    ],
)
def test_bad_requests_name_what_is_wrong(
    monthly: Estimates, call: Callable[[Estimates], object], parameter: str, message: str
) -> None:
    with pytest.raises(EstimationError) as raised:
        call(monthly)
    assert message in str(raised.value)
    assert raised.value.parameter == parameter


def test_a_difference_needs_both_values_in_one_domain(people: pd.DataFrame) -> None:
    """Men only in month 1, women only in month 2: no month has both."""
    data = people[people["month"] < 3].assign(sex=lambda d: d["month"])
    design = Design(weight="weight", strata="stratum", psu="psu")
    ours = estimate_covariance(data, design, totals=["lf"], by=[("month", "sex")])
    with pytest.raises(EstimationError, match="no two estimates") as raised:
        difference(ours, "sex", 2, 1)
    assert raised.value.parameter == "by"


def test_estimates_refuse_a_matrix_of_another_size(monthly: Estimates) -> None:
    with pytest.raises(EstimationError, match="36 estimates") as raised:
        Estimates(monthly.table, monthly.matrix[:3, :3])
    assert raised.value.parameter == "matrix"


def test_a_matrix_of_too_many_estimates_is_refused_but_changes_are_not(
    people: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("decentwork.estimation.covariance.MAX_ESTIMATES", 20)
    design = Design(weight="weight", strata="stratum", psu="psu")
    with pytest.raises(EstimationError, match="covariance matrix of 36 estimates") as raised:
        estimate_covariance(people, design, **REQUEST)
    assert raised.value.parameter == "covariance"
    table, changes = estimate_change(people, design, period="month", **REQUEST)
    assert len(table) == 36
    assert len(changes) == 2 * 3 * 3  # 2 changes x 3 statistics x (all, men, women)
    assert changes["se"].notna().all()


def test_a_change_needs_the_period_in_a_grouping_set(people: pd.DataFrame) -> None:
    design = Design(weight="weight", strata="stratum", psu="psu")
    with pytest.raises(EstimationError, match="period='month' is in no grouping set") as raised:
        estimate_change(people, design, period="month", totals=["lf"], by=[(), ("sex",)])
    assert raised.value.parameter == "period"

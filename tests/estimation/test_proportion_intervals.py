"""The ``interval`` option: methods recorded, totals' lower bounds at 0, bad input refused.

The bounds themselves are checked against R's ``svyciprop`` in test_oracle_proportions.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import special, stats

from decentwork.estimation import Design, EstimationError, estimate

RNG = np.random.default_rng(31)
N = 60
DATA = pd.DataFrame(
    {
        "w": RNG.uniform(1, 3, N),
        "stratum": np.repeat([1, 2], N // 2),
        "psu": np.repeat(np.arange(12), N // 12),
        "lf": (RNG.uniform(size=N) < 0.7).astype(int),
        "g": RNG.choice(["a", "b"], N),
        "x": RNG.normal(size=N),
    }
)
DATA["unemp"] = DATA["lf"] * (RNG.uniform(size=N) < 0.2)
DATA["y"] = DATA["x"] + 10
DESIGN = Design(weight="w", strata="stratum", psu="psu")


def test_the_method_is_recorded_and_totals_stay_wald() -> None:
    result = estimate(DATA, DESIGN, ratios={"ur": ("unemp", "lf")}, totals=["lf"], interval="logit")
    assert dict(zip(result["kind"], result["interval"], strict=True)) == {
        "ratio": "logit",
        "total": "wald",
    }
    assert (estimate(DATA, DESIGN, totals=["lf"])["interval"] == "wald").all()


def test_logit_bounds_are_the_wald_bounds_of_the_logit() -> None:
    row = estimate(DATA, DESIGN, ratios={"ur": ("unemp", "lf")}, interval="logit", ci="t").iloc[0]
    p, se, df = row["estimate"], row["se"], row["df"]
    half = stats.t.ppf(0.975, df) * se / (p * (1 - p))
    assert row["lower"] == pytest.approx(special.expit(special.logit(p) - half), rel=1e-12)
    assert row["upper"] == pytest.approx(special.expit(special.logit(p) + half), rel=1e-12)
    assert 0 < row["lower"] < p < row["upper"] < 1


def test_a_small_domain_rate_keeps_its_bounds_inside_0_1() -> None:
    small = DATA[DATA["g"] == "a"].head(8).assign(unemp=[0, 1, 0, 0, 1, 0, 0, 0], lf=1)
    design = Design(weight="w")
    wald = estimate(small, design, means=["unemp"]).iloc[0]
    assert wald["lower"] < 0  # the Wald interval of a rate from 8 records goes below 0
    for method in ("logit", "beta"):
        row = estimate(small, design, means=["unemp"], interval=method).iloc[0]  # type: ignore[arg-type]
        assert 0 < row["lower"] < row["estimate"] < row["upper"] < 1, method


def test_a_total_of_a_variable_never_negative_has_its_lower_bound_at_0() -> None:
    small = DATA.head(10).assign(lf=[1, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    row = estimate(small, Design(weight="w"), totals=["lf"]).iloc[0]
    assert row["estimate"] - 1.96 * row["se"] < 0
    assert row["lower"] == 0.0
    signed = estimate(small, Design(weight="w"), totals=["x"]).iloc[0]
    q = stats.norm.ppf(0.975)
    assert signed["lower"] == pytest.approx(signed["estimate"] - q * signed["se"], rel=1e-12)


def test_a_proportion_of_zero_gets_no_bounds() -> None:
    zero = DATA.assign(unemp=0)
    for method in ("logit", "beta"):
        row = estimate(zero, DESIGN, means=["unemp"], interval=method).iloc[0]  # type: ignore[arg-type]
        assert row["estimate"] == 0 and row["se"] == 0
        assert np.isnan(row["lower"]) and np.isnan(row["upper"]), method


@pytest.mark.parametrize("method", ["Logit", "wilson", None])
def test_an_unknown_method_is_refused(method: object) -> None:
    with pytest.raises(EstimationError, match="interval=") as raised:
        estimate(DATA, DESIGN, totals=["lf"], interval=method)  # type: ignore[arg-type]
    assert raised.value.parameter == "interval"


def test_a_statistic_that_is_not_a_proportion_is_refused() -> None:
    with pytest.raises(EstimationError, match="mean 'y' has the estimate") as raised:
        estimate(DATA, DESIGN, means=["y"], interval="beta")
    assert raised.value.parameter == "interval"

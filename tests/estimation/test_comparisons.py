"""The share below a fraction of a quantile and the gap between two groups: what R cannot
check (the gap of medians, the threshold's rule) and bad input (the comparisons with R are
in ``test_oracle_quantiles.py``)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from decentwork.estimation import Design, EstimationError, estimate
from decentwork.estimation.comparisons import gap, share_below

TAYLOR = Design(weight="w", strata="stratum", psu="psu")


def survey(seed: int = 8, n: int = 600) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sex = rng.integers(1, 3, n)
    return pd.DataFrame(
        {
            "stratum": rng.integers(1, 4, n),
            "psu": rng.integers(1, 6, n),
            "w": rng.uniform(1, 3, n),
            "sex": sex,
            "region": rng.choice(["north", "south"], n),
            "pay": np.round(rng.lognormal(3 + 0.2 * (sex == 1), 0.5, n)),
        }
    )


def test_the_share_is_the_weighted_share_below_the_fraction_of_the_median() -> None:
    data = survey()
    result = share_below(data, TAYLOR, "pay", fraction=0.5, name="low", by=[(), ("sex",)])
    median = estimate(data, TAYLOR, quantiles={"m": ("pay", 0.5)})["estimate"].item()
    assert (result["threshold"] == 0.5 * median).all()
    below = data["pay"] < 0.5 * median
    population = result[result["sex"].isna()]
    expected = (data["w"] * below).sum() / data["w"].sum()
    np.testing.assert_allclose(population["estimate"], expected, rtol=1e-12)
    assert set(result["statistic"]) == {"low"} and len(result) == 3


def test_the_gap_of_medians_and_its_se_without_shared_psus() -> None:
    """Records as PSUs in one stratum: the two groups share no PSU, so the shares below their
    medians are uncorrelated and the SE is the delta method's with independent medians."""
    data = survey()
    design = Design(weight="w")
    result = gap(
        data,
        design,
        "pay",
        group="sex",
        reference=1,
        compared=2,
        statistic="median",
        by=[(), ("region",)],
        ci="t",
    )
    medians = estimate(
        data, design, quantiles={"m": ("pay", 0.5)}, by=[("sex",), ("region", "sex")], ci="t"
    )
    for _, row in result.iterrows():
        region = row["region"]
        inside = medians["region"].isna() if pd.isna(region) else medians["region"] == region
        q, se = (medians[inside].set_index("sex")[c] for c in ("estimate", "se"))
        assert row["estimate"] == 1 - q[2] / q[1]
        expected = np.hypot(se[2] / q[1], q[2] * se[1] / q[1] ** 2)
        np.testing.assert_allclose(row["se"], expected, rtol=1e-9)
        assert row["n"] == (len(data) if pd.isna(region) else (data["region"] == region).sum())
    assert set(result["kind"]) == {"gap"} and result["df"].notna().all()


def test_a_group_value_absent_from_a_domain_gives_na() -> None:
    data = survey()
    data = data[~((data["region"] == "south") & (data["sex"] == 2))]
    result = gap(data, TAYLOR, "pay", group="sex", reference=1, compared=2, by=[("region",)])
    assert result.loc[result["region"] == "south", "estimate"].isna().all()
    assert result.loc[result["region"] == "north", "estimate"].notna().all()


@pytest.mark.parametrize(
    ("options", "parameter"),
    [
        ({"statistic": "mode"}, "statistic"),
        ({"compared": [2]}, "compared"),
        ({"compared": True}, "compared"),
        ({"by": [("sex",)]}, "by"),
        ({"by": "region"}, "by"),
    ],
)
def test_bad_gap_options_are_refused(options: dict[str, Any], parameter: str) -> None:
    arguments: dict[str, Any] = {"group": "sex", "reference": 1, "compared": 2, **options}
    with pytest.raises(EstimationError) as raised:
        gap(survey(), TAYLOR, "pay", **arguments)
    assert raised.value.parameter == parameter


def test_replicate_designs_and_bad_fractions_are_refused() -> None:
    data = survey()
    data["r1"], data["r2"] = data["w"], data["w"] * 1.1
    replicate = Design(weight="w", replicate_weights=["r1", "r2"], replicate_method="bootstrap")
    with pytest.raises(EstimationError, match="replicate designs are not supported") as raised:
        gap(data, replicate, "pay", group="sex", reference=1, compared=2)
    assert raised.value.parameter == "design"
    for fraction in (0, -1, "half", True):
        with pytest.raises(EstimationError, match="positive number") as raised:
            share_below(data, TAYLOR, "pay", fraction=fraction)  # type: ignore[arg-type]
        assert raised.value.parameter == "fraction"

"""Edge cases against R survey: certainty strata, cancellation, replicate df and Inf replicates."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from decentwork.estimation import Design, estimate
from tests.estimation.r_oracle import compare, run_r

pytestmark = pytest.mark.oracle

CERTAINTY = pd.DataFrame(
    {
        "h": [1, 1, 1, 1, 2, 2, 2, 2, 3, 3],
        "psu": [1, 1, 2, 2, 1, 1, 2, 2, 1, 1],
        "w": [2.0, 3, 1, 4, 2, 2, 5, 1, 1, 1],
        "y": [1.0, 0, 3, 2, 5, 1, 0, 2, 4, 1],
        "N": [10.0, 10, 10, 10, 10, 10, 10, 10, 1, 1],
    }
)


def cancellation() -> pd.DataFrame:
    """A variable whose spread (0..6) is tiny next to its mean (1e6)."""
    i = np.arange(20_000)
    rng = np.random.default_rng(11)
    return pd.DataFrame(
        {
            "h": i % 5,
            "grp": i % 3,
            "w": rng.uniform(100, 3000, len(i)),
            "y": 1e6 + i % 7,
        }
    )


def replicates() -> pd.DataFrame:
    """JK1 over 4 PSUs; PSU 2 misses y; in domain 'b' only PSU 1 has a denominator."""
    data = pd.DataFrame(
        {
            "psu": [1, 1, 2, 2, 3, 3, 4, 4],
            "w": [1.0, 2, 1, 2, 1, 2, 1, 2],
            "y": [1.0, 2, np.nan, np.nan, 3, 1, 2, 5],
            "dom": ["a", "b", "a", "b", "a", "b", "a", "b"],
            "num": [1.0, 2, 3, 1, 2, 4, 1, 2],
            "den": [1.0, 1, 2, 0, 1, 0, 3, 0],
        }
    )
    for r in range(4):
        data[f"jk_{r + 1}"] = data["w"] * np.where(data["psu"] == r + 1, 0, 4 / 3)
    return data


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    workdir: Path = tmp_path_factory.mktemp("edge")
    CERTAINTY.to_csv(workdir / "certainty.csv", index=False)
    cancellation().to_csv(workdir / "cancellation.csv", index=False)
    replicates().to_csv(workdir / "replicates.csv", index=False)
    run_r("edge_cases.R", workdir)
    return pd.read_csv(workdir / "edge_oracle.csv", keep_default_na=False, na_values=["NA"])


def of(expected: pd.DataFrame, case: str) -> pd.DataFrame:
    rows = expected[expected["case"] == case]
    assert len(rows) > 0
    return rows


def test_average_counts_a_certainty_stratum_as_valid(expected: pd.DataFrame) -> None:
    design = Design(weight="w", strata="h", psu="psu", fpc="N", lonely_psu="average")
    rows = of(expected, "average_certainty")
    assert compare(estimate(CERTAINTY, design, totals=["y"]), rows) == 2


@pytest.mark.parametrize(
    ("case", "design"),
    [("weights_only", Design(weight="w")), ("strata", Design(weight="w", strata="h"))],
)
def test_tiny_spread_next_to_the_mean_keeps_every_digit(
    expected: pd.DataFrame, case: str, design: Design
) -> None:
    rows = of(expected, f"cancel_{case}")
    result = estimate(cancellation(), design, totals=["y"], means=["y"], by=[(), ("grp",)])
    assert compare(result, rows) == 2 * len(rows)


def test_replicate_df_counts_observed_records_and_infinite_replicates_give_na(
    expected: pd.DataFrame,
) -> None:
    design = Design(weight="w", replicate_weights="jk_", replicate_method="jk1")
    data = replicates()
    result = estimate(
        data,
        design,
        ratios={"r": ("num", "den")},
        means=["y"],
        by=[(), ("dom",)],
        ci="t",
        missing="drop",
    )
    rows = of(expected, "replicates")
    population = rows[rows["grouping"] == ""]
    ratio_rows = rows[rows["grouping"] == "dom"]
    assert compare(result, population) == 2
    assert compare(result, ratio_rows) == 4
    b = result[(result["statistic"] == "r") & (result["dom"] == "b")]
    assert np.isnan(b["se"].iloc[0]) and np.isnan(ratio_rows["se"]).sum() == 1

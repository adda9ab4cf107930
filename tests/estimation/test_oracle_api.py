"""decentwork against R survey on survey's own api data (apistrat, apiclus1, apiclus2)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from decentwork.estimation import Design, estimate
from tests.estimation.r_oracle import compare, run_r

pytestmark = pytest.mark.oracle

DESIGNS = {
    "strat_fpc": ("apistrat", Design(weight="pw", strata="stype", fpc="fpc")),
    "strat": ("apistrat", Design(weight="pw", strata="stype")),
    "clus1_fpc": ("apiclus1", Design(weight="pw", psu="dnum", fpc="fpc")),
    "clus1": ("apiclus1", Design(weight="pw", psu="dnum")),
    "clus2": ("apiclus2", Design(weight="pw", psu="dnum")),
    "weights_only": ("apistrat", Design(weight="pw")),
}


@pytest.fixture(scope="module")
def oracle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workdir = tmp_path_factory.mktemp("api")
    run_r("api.R", workdir)
    return workdir


@pytest.mark.parametrize("case", DESIGNS)
def test_api_designs_match_r(oracle: Path, case: str) -> None:
    dataset, design = DESIGNS[case]
    data = pd.read_csv(oracle / f"{dataset}.csv")
    expected = pd.read_csv(oracle / "api_oracle.csv", keep_default_na=False, na_values=["NA"])
    expected = expected[expected["case"] == case]
    result = estimate(
        data,
        design,
        ratios={"r": ("api00", "api99")},
        totals=["enroll", "api00"],
        means=["api00"],
        by=[(), ("sch.wide",), ("sch.wide", "awards")],
        missing="drop",
    )
    assert compare(result, expected) == 2 * len(expected)

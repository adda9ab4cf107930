"""Design effects against R's ``deff=TRUE`` (svytotal, svymean, svyratio; by () and domains).

On a stratified cluster design, a weights-only design and 30 bootstrap replicate weights made
by R's ``as.svrepdesign``; the effective sample size is ``n / deff``.
"""

from __future__ import annotations

import numpy as np
import pytest

from decentwork.estimation import Design, EstimationError, estimate
from tests.estimation.r_oracle import RTOL, BootstrapOracle, compare, rows_of

pytestmark = pytest.mark.oracle

BY = [(), ("sex",), ("sex", "region")]


@pytest.fixture(scope="module")
def oracle(tmp_path_factory: pytest.TempPathFactory) -> BootstrapOracle:
    workdir = tmp_path_factory.mktemp("deff")
    columns = "stratum, psu, weight, sex, region, unemp, lf, hours"
    return BootstrapOracle.run(workdir, "deff", 2028, columns)


def design(oracle: BootstrapOracle, case: str) -> Design:
    if case == "replicate":
        return oracle.bootstrap()
    if case == "taylor":
        return Design(weight="weight", strata="stratum", psu="psu")
    return Design(weight="weight")


@pytest.mark.parametrize("case", ["taylor", "weights_only", "replicate"])
def test_design_effects_match_r(oracle: BootstrapOracle, case: str) -> None:
    result = estimate(
        oracle.data,
        design(oracle, case),
        ratios={"ur": ("unemp", "lf")},
        totals=["lf"],
        means=["hours"],
        by=BY,
        missing="drop",
        deff=True,
    )
    expected = oracle.expected[oracle.expected["case"] == case]
    assert compare(result, expected) == 2 * len(expected)
    for (name, kind, grouping), rows in expected.groupby(["statistic", "kind", "grouping"]):
        variables = [v for v in str(grouping).split("+") if v]
        ours = rows_of(result, name, kind, variables).loc[rows["key"].fillna("")]
        np.testing.assert_allclose(
            ours["deff"], rows["deff"], rtol=RTOL, err_msg=f"deff of {name} by {grouping}"
        )
    entering = result["n"].where(result["kind"] != "ratio")
    mean_rows = result["kind"] == "mean"
    np.testing.assert_allclose(
        result.loc[mean_rows, "n_effective"],
        entering[mean_rows] / result.loc[mean_rows, "deff"],
        rtol=1e-14,
    )


def test_without_deff_the_columns_are_missing(oracle: BootstrapOracle) -> None:
    result = estimate(oracle.data, design(oracle, "taylor"), totals=["lf"])
    assert result[["deff", "n_effective"]].isna().all().all()
    with pytest.raises(EstimationError, match="deff=") as raised:
        estimate(oracle.data, design(oracle, "taylor"), totals=["lf"], deff="yes")  # type: ignore[arg-type]
    assert raised.value.parameter == "deff"

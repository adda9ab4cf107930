"""Proportion intervals against R's ``svyciprop``: logit and beta, t and normal, in domains.

A mean of a 0/1 variable and a ratio of 0/1 variables (R: ``svyciprop`` over the subset where
the denominator is 1) in every domain of (), sex and sex x region, on a stratified cluster
design and on 30 bootstrap replicate weights made by R's ``as.svrepdesign``.
"""

from __future__ import annotations

import numpy as np
import pytest

from decentwork.estimation import Design, estimate
from tests.estimation.r_oracle import RTOL, BootstrapOracle, rows_of

pytestmark = pytest.mark.oracle

BY = [(), ("sex",), ("sex", "region")]
NAMES = {"p": "unemp", "ur": "ur"}
TAYLOR = Design(weight="weight", strata="stratum", psu="psu")


@pytest.fixture(scope="module")
def oracle(tmp_path_factory: pytest.TempPathFactory) -> BootstrapOracle:
    workdir = tmp_path_factory.mktemp("proportions")
    columns = "stratum, psu, weight, sex, region, unemp, lf"
    return BootstrapOracle.run(workdir, "proportions", 2027, columns)


@pytest.mark.parametrize("ci", ["t", "normal"])
@pytest.mark.parametrize("method", ["logit", "beta"])
@pytest.mark.parametrize("case", ["taylor", "replicate"])
def test_proportion_intervals_match_svyciprop(
    oracle: BootstrapOracle, case: str, method: str, ci: str
) -> None:
    result = estimate(
        oracle.data,
        oracle.bootstrap() if case == "replicate" else TAYLOR,
        ratios={"ur": ("unemp", "lf")},
        means=["unemp"],
        by=BY,
        ci=ci,  # type: ignore[arg-type]
        interval=method,  # type: ignore[arg-type]
    )
    assert set(result["interval"]) == {method}
    expected = oracle.expected
    expected = expected[(expected["case"] == case) & (expected["ci"] == ci)]
    compared = 0
    for (name, kind, grouping), rows in expected.groupby(["statistic", "kind", "grouping"]):
        variables = [v for v in str(grouping).split("+") if v]
        ours = rows_of(result, NAMES[name], kind, variables)
        exact_mean = rows[rows["method"] == "beta"].set_index("key")  # R's logit estimate is
        rows = rows[rows["method"] == method].set_index("key")  # expit of a GLM coefficient
        assert sorted(ours.index) == sorted(rows.index)
        ours = ours.loc[rows.index]
        where = f"{name} by {grouping or '()'} ({case}, {method}, {ci})"
        for column, reference in (("estimate", exact_mean), ("se", rows)):
            np.testing.assert_allclose(
                ours[column], reference.loc[rows.index, column], rtol=RTOL, err_msg=where
            )
        if ci == "t" or method == "beta":
            np.testing.assert_array_equal(ours["df"], rows["df"], err_msg=where)
        for bound in ("lower", "upper"):
            np.testing.assert_allclose(
                ours[bound], rows[f"{bound}_exact"], rtol=RTOL, err_msg=f"{bound} of {where}"
            )
            # svyciprop's own logit bounds carry its GLM's convergence tolerance (1e-8)
            np.testing.assert_allclose(ours[bound], rows[bound], rtol=1e-6, err_msg=where)
        compared += len(rows)
    assert compared == 2 * (1 + 2 + 20)

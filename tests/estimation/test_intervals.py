"""Normal quantiles: the one function every normal interval in decentwork uses."""

from __future__ import annotations

import numpy as np
import pytest

from decentwork.estimation import Design, EstimationError, estimate
from decentwork.estimation.intervals import normal_quantile
from tests.estimation.test_bad_input import sample


@pytest.mark.parametrize(
    ("level", "quantile"),
    [(0.95, 1.959963984540054), (0.90, 1.6448536269514722), (0.99, 2.5758293035489004)],
)
def test_normal_quantile_matches_r_qnorm(level: float, quantile: float) -> None:
    assert normal_quantile(level) == pytest.approx(quantile, rel=1e-15)


@pytest.mark.parametrize("level", [0.0, 1.0, 95, "0.95"])
def test_normal_quantile_refuses_a_level_outside_0_1(level: object) -> None:
    with pytest.raises(EstimationError, match="level=") as raised:
        normal_quantile(level)  # type: ignore[arg-type]
    assert raised.value.parameter == "level"


def test_normal_bounds_of_estimate_use_it() -> None:
    result = estimate(
        sample(), Design(weight="w", strata="stratum", psu="psu"), totals=["lf"], level=0.9
    )
    half = result["upper"] - result["estimate"]
    np.testing.assert_allclose(half, normal_quantile(0.9) * result["se"], rtol=1e-14)
    np.testing.assert_allclose(result["estimate"] - result["lower"], half, rtol=1e-14)

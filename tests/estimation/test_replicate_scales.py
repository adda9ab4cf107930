"""Replicate designs' own scales: what ``scale`` and ``rscales`` do, and bad values refused.

The values against R are in test_oracle_replicate_scales.py; here the formula is checked by
hand on a small design, and bad input is refused with the option named.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from decentwork.estimation import Design, EstimationError, estimate
from decentwork.estimation.cells import MAX_SUMS
from decentwork.survey.profile import DesignSection

RNG = np.random.default_rng(20)
DATA = pd.DataFrame(
    {
        "w": RNG.uniform(1, 3, 40),
        "y": RNG.normal(size=40),
        **{f"r{k}": RNG.uniform(0, 4, 40) for k in range(4)},
    }
)
REPS = [f"r{k}" for k in range(4)]


def replicate_totals() -> tuple[float, np.ndarray]:
    full = float((DATA["w"] * DATA["y"]).sum())
    return full, np.array([(DATA[r] * DATA["y"]).sum() for r in REPS])


def test_jkn_rscales_weigh_each_replicate() -> None:
    rscales = [0.5, 0.5, 2 / 3, 0.0]
    full, theta = replicate_totals()
    centre = theta[:3].mean()  # R's svrVar: the mean over replicates with rscale > 0
    expected = np.sqrt(np.sum(np.array(rscales) * (theta - centre) ** 2))
    design = Design(weight="w", replicate_weights=REPS, replicate_method="jkn", rscales=rscales)
    result = estimate(DATA, design, totals=["y"])
    assert result["estimate"].iloc[0] == pytest.approx(full, rel=1e-12)
    assert result["se"].iloc[0] == pytest.approx(expected, rel=1e-12)


def test_a_given_scale_replaces_the_methods_scale() -> None:
    _, theta = replicate_totals()
    spread = np.sum((theta - theta.mean()) ** 2)
    for method, scale in (("bootstrap", 0.3), ("jk1", 0.3), ("other", 0.3), ("bootstrap", None)):
        design = Design(weight="w", replicate_weights=REPS, replicate_method=method, scale=scale)  # type: ignore[arg-type]
        se = estimate(DATA, design, totals=["y"])["se"].iloc[0]
        assert se == pytest.approx(np.sqrt((scale or 1 / 3) * spread), rel=1e-12), method


def test_one_rscale_applies_to_every_replicate_as_in_r() -> None:
    one = Design(weight="w", replicate_weights="r", replicate_method="jkn", rscales=[0.75])
    four = Design(weight="w", replicate_weights="r", replicate_method="jkn", rscales=[0.75] * 4)
    assert estimate(DATA, one, totals=["y"])["se"].equals(estimate(DATA, four, totals=["y"])["se"])


@pytest.mark.parametrize(
    ("options", "parameter", "message"),
    [
        ({"replicate_method": "jkn"}, "rscales", r"replicate_method='jkn' needs rscales"),
        ({"replicate_method": "other"}, "scale", r"replicate_method='other' needs scale"),
        ({"replicate_method": "jk1", "scale": -1.0}, "scale", r"scale=-1.0 must be a positive"),
        ({"replicate_method": "jk1", "scale": 0}, "scale", r"scale=0 must be a positive"),
        ({"replicate_method": "jk1", "scale": float("nan")}, "scale", "positive number"),
        ({"replicate_method": "jk1", "scale": "1"}, "scale", "positive number"),
        ({"replicate_method": "jkn", "rscales": [0.5, -0.5, 1, 1]}, "rscales", ">= 0"),
        ({"replicate_method": "jkn", "rscales": []}, "rscales", ">= 0"),
        ({"replicate_method": "jkn", "rscales": 0.5}, "rscales", "a list of numbers"),
        ({"replicate_method": "jkn", "rscales": [0.5] * 3}, "rscales", r"3 values for 4 replicate"),
        ({"replicate_method": "brr", "scale": 0.5}, "scale", r"'brr' fixes its own scale"),
        ({"replicate_method": "sdr", "rscales": [1] * 4}, "rscales", r"'sdr' fixes its own"),
        ({"replicate_method": "fay", "fay_rho": 0.5, "scale": 1.0}, "scale", "'fay' fixes"),
    ],
)
def test_bad_scales_are_refused_with_the_option_named(
    options: dict[str, object], parameter: str, message: str
) -> None:
    with pytest.raises(EstimationError, match=message) as raised:
        Design(weight="w", replicate_weights=REPS, **options)  # type: ignore[arg-type]
    assert raised.value.parameter == parameter


def test_scales_without_replicate_weights_are_refused() -> None:
    for option, value in (("scale", 1.0), ("rscales", [1.0])):
        with pytest.raises(EstimationError, match=f"{option} given without replicate_weights"):
            Design(weight="w", **{option: value})  # type: ignore[arg-type]


def test_rscales_length_against_a_pattern_is_checked_on_the_data() -> None:
    design = Design(weight="w", replicate_weights="r", replicate_method="jkn", rscales=[1.0] * 5)
    with pytest.raises(EstimationError, match="rscales has 5 values for 4 replicate") as raised:
        estimate(DATA, design, totals=["y"])
    assert raised.value.parameter == "rscales"


def test_a_profile_sets_scale_and_rscales_through_the_one_list_of_options() -> None:
    section = DesignSection(
        weight="w", replicate_weights=REPS, replicate_method="jkn", rscales=[0.5] * 4, scale=2
    )
    design = section.design()
    assert (design.scale, design.rscales, design.replicate_method) == (2.0, (0.5,) * 4, "jkn")
    with pytest.raises(ValueError, match="rscales has 3 values for 4"):
        DesignSection(weight="w", replicate_weights=REPS, replicate_method="jkn", rscales=[1] * 3)


def test_many_replicates_run_as_slices_that_line_up() -> None:
    """More sums than one query may hold: the slices give the same answer as one query."""
    rng = np.random.default_rng(5)
    n, reps = 300, 70
    data = pd.DataFrame(
        {
            "w": rng.uniform(1, 2, n),
            "y": rng.integers(0, 2, n),
            "x": np.ones(n),
            "g": rng.choice(["a", "b", None], n),
            **{f"rw{k}": rng.uniform(0, 3, n) for k in range(reps)},
        }
    )
    design = Design(weight="w", replicate_weights="rw", replicate_method="bootstrap")
    assert reps * (reps + 1) // 2 > MAX_SUMS
    result = estimate(
        data, design, ratios={"p": ("y", "x")}, by=[(), ("g",)], ci="t", missing="drop"
    )
    theta_all = np.array(
        [(data[f"rw{k}"] * data["y"]).sum() / data[f"rw{k}"].sum() for k in range(reps)]
    )
    se = np.sqrt(np.sum((theta_all - theta_all.mean()) ** 2) / (reps - 1))
    whole = result[result["g"].isna()].iloc[0]
    assert whole["se"] == pytest.approx(se, rel=1e-12)
    assert whole["df"] == reps - 1
    assert len(result) == 3  # (), a, b: records missing g leave the g domains


def test_a_one_shot_stream_with_many_replicates_is_refused_with_the_reason() -> None:
    rng = np.random.default_rng(6)
    table = pa.table(
        {
            "w": rng.uniform(1, 2, 50),
            "y": rng.normal(size=50),
            **{f"rw{k}": rng.uniform(0, 3, 50) for k in range(70)},
        }
    )
    stream = pa.RecordBatchReader.from_batches(table.schema, table.to_batches())
    design = Design(weight="w", replicate_weights="rw", replicate_method="bootstrap")
    with pytest.raises(EstimationError, match="one-shot stream") as raised:
        estimate(stream, design, totals=["y"], ci="t")
    assert raised.value.parameter == "data"

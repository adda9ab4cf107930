"""A profile's design section names a calibration: method, control variables as SQL and the
controls tables (a CSV beside the profile, or inline rows), checked when the profile loads."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from decentwork.estimation import Design, estimate
from decentwork.estimation.calibration import Calibration
from decentwork.survey import ProfileError, design_of, harmonise, load_profile
from tests.survey.conftest import PROFILE, write_profile

CALIBRATION = """design:
  weight: w
  calibration:
    method: {method}
    variables:
      gender: sex
      band: CASE WHEN age < 40 THEN 'young' ELSE 'old' END
    controls:
      - controls.csv
      - [{{band: young, total: 600}}, {{band: old, total: 400}}]
"""


def profile_text(method: str = "rake", design: str = CALIBRATION) -> str:
    return PROFILE.format(format="csv").replace(
        "design:\n  weight: w\n", design.format(method=method)
    )


@pytest.fixture
def survey(tmp_path: Path) -> Path:
    """A small survey file and, beside it, the gender controls."""
    rng = np.random.default_rng(5)
    n = 400
    pd.DataFrame(
        {
            "sex": rng.integers(1, 3, n),
            "age": rng.integers(15, 70, n),
            "status": rng.integers(1, 3, n),
            "w": rng.uniform(1.0, 4.0, n),
        }
    ).to_csv(tmp_path / "survey.csv", index=False)
    pd.DataFrame({"gender": [1, 2], "total": [480, 520]}).to_csv(
        tmp_path / "controls.csv", index=False
    )
    return tmp_path / "survey.csv"


@pytest.mark.parametrize("method", ["rake", "linear"])
def test_a_profile_calibrates_as_the_kernel(survey: Path, method: str) -> None:
    profile = load_profile(write_profile(survey.parent, profile_text(method)))
    people = harmonise(profile, survey)
    assert {"gender", "band"} <= set(people.columns)
    design = design_of(profile)
    assert design.calibration is not None and design.calibration.method == method
    ours = estimate(people, design, totals=["ilo_lfs"], by=[(), ("band",)])
    margins = [
        pd.DataFrame({"gender": [1, 2], "total": [480.0, 520.0]}),
        pd.DataFrame({"band": ["young", "old"], "total": [600.0, 400.0]}),
    ]
    kernel = Design(weight="weight", calibration=Calibration(method, margins))  # type: ignore[arg-type]
    expected = estimate(people, kernel, totals=["ilo_lfs"], by=[(), ("band",)])
    pd.testing.assert_frame_equal(ours, expected)
    population = estimate(people, design, totals=["weight"], by=[("band",)])
    assert population["n"].sum() == 400


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("controls.csv", "nowhere.csv"), "design.calibration: .*controls\\[0\\]: cannot read"),
        (("band: old, total: 400", "band: old, total: -4"), "not negative"),
        (("band: old, total: 400", "band: old, size: 4"), "size are neither calibration"),
        (("band", "time"), "time is the name of a harmonised column"),
        (("      - controls.csv\n", ""), "gender in no controls table"),
        (("method: linear", "method: rakes"), "design.calibration.method"),
        (("    method:", "    maxit: 3\n    method:"), "maxit=3 must be None"),
        (("    method:", "    bounds: 3\n    method:"), "unknown key \\(allowed: method,"),
    ],
)
def test_a_bad_calibration_section_is_refused_on_load(
    survey: Path, change: tuple[str, str], message: str
) -> None:
    text = profile_text("linear").replace(*change)
    with pytest.raises(ProfileError, match=message):
        load_profile(write_profile(survey.parent, text))


def test_indicators_are_computed_on_the_calibrated_weights(survey: Path) -> None:
    """``compute`` passes the control variables to the kernel: the working-age population
    by sex is the controls' 480 men and 520 women (in thousands), with an SE of 0."""
    from decentwork.indicators.compute import compute

    profile = load_profile(write_profile(survey.parent, profile_text("linear")))
    table = compute(profile, survey, indicators=["POP_XWAP_SEX_AGE_NB"]).observations
    totals = table[table["classif1"] == "AGE_AGGREGATE_TOTAL"].set_index("sex")
    np.testing.assert_allclose(
        totals.loc[["SEX_T", "SEX_M", "SEX_F"], "obs_value"], [1.0, 0.48, 0.52], rtol=1e-12
    )
    assert (totals["se"] < 1e-12).all()

"""A profile's design section and the estimation kernel's ``Design`` share one list of
options: every option of the kernel can be set from a profile, with the same meaning."""

from __future__ import annotations

import dataclasses
import typing
from pathlib import Path

import numpy as np
import pytest

from decentwork.estimation import Design, estimate
from decentwork.estimation.design import COLUMN_OPTIONS
from decentwork.survey import ProfileError, design_of, harmonise, load_profile, parse_profile
from decentwork.survey.profile import DesignSection
from tests.estimation.test_bad_input import sample
from tests.survey.conftest import PROFILE

PROFILE_ONLY = ("weight_scale",)
"""Design keys of a profile that are not options of the kernel's design."""

PARQUET = """
metadata:
  name: Design test
  ref_area: XYZ
  source: "BA:1"
  time: "2024"
input:
  format: parquet
"""
"""The metadata and input sections of the design tests' profiles."""

REPLICATES = (
    PARQUET
    + """design:
  weight: w
  replicate_weights: "jk_[0-9]+"
  replicate_method: jk1
{extra}variables:
  ilo_sex: CASE WHEN sex = 'female' THEN 1 ELSE 2 END
  ilo_lf: lf
  ilo_unemp: unemp
"""
)
"""A replicate-weight profile of the estimation tests' sample (ilo_sex codes its sex labels
in their sorted order, so the domains line up with the kernel's on the raw labels)."""


def _section(**keys: object) -> str:
    """The test profile with the design section given by ``keys``."""
    design = "".join(f"  {key}: {value}\n" for key, value in {"weight": "w", **keys}.items())
    return PROFILE.format(format="csv").replace("design:\n  weight: w\n", f"design:\n{design}")


def test_the_design_section_has_every_option_of_the_kernel_and_no_other() -> None:
    kernel = {f.name: f for f in dataclasses.fields(Design)}
    section = {f.name: f for f in dataclasses.fields(DesignSection)}
    assert list(section) == [*kernel, *PROFILE_ONLY]
    hints = typing.get_type_hints(Design)
    for name, option in kernel.items():
        assert section[name].default == option.default, name
        if name not in (*COLUMN_OPTIONS, "calibration"):  # SQL, and a section of tables
            assert typing.get_type_hints(DesignSection)[name] == hints[name], name


@pytest.mark.parametrize("option", COLUMN_OPTIONS)
def test_column_options_are_checked_sql_expressions(option: str) -> None:
    with pytest.raises(ProfileError, match=rf"design\.{option}: 2 statements"):
        parse_profile(_section(**{option: "w; DROP TABLE x"}))


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (
            {"strata": "s", "psu": "p", "nest": "false"},
            {"strata": "strata", "psu": "psu", "nest": False},
        ),
        ({"strata": "s", "lonely_psu": "adjust"}, {"strata": "strata", "lonely_psu": "adjust"}),
        ({"strata": "s", "fpc": "N"}, {"strata": "strata", "fpc": "fpc"}),
        (
            {"replicate_weights": "repw", "replicate_method": "fay", "fay_rho": 0.5},
            {"replicate_weights": "repw", "replicate_method": "fay", "fay_rho": 0.5},
        ),
        (
            {"replicate_weights": "[r1, r2]", "replicate_method": "bootstrap", "mse": "true"},
            {"replicate_weights": ("r1", "r2"), "replicate_method": "bootstrap", "mse": True},
        ),
    ],
    ids=["nest", "lonely_psu", "fpc", "fay", "mse"],
)
def test_every_option_reaches_the_kernel(
    keys: dict[str, object], expected: dict[str, object]
) -> None:
    design = design_of(parse_profile(_section(**keys)))
    defaults = {f.name: f.default for f in dataclasses.fields(Design)}
    assert dataclasses.asdict(design) == {**defaults, "weight": "weight", **expected}


def test_mse_from_a_profile_gives_the_kernels_mse_standard_errors(tmp_path: Path) -> None:
    data = sample()
    path = tmp_path / "replicates.parquet"
    data.to_parquet(path)
    ratios = {"ur": ("ilo_unemp", "ilo_lf")}
    results = {}
    for mse in (False, True):
        profile_path = tmp_path / f"mse-{mse}.yaml"
        profile_path.write_text(REPLICATES.format(extra=f"  mse: {str(mse).lower()}\n"))
        profile = load_profile(profile_path)
        assert design_of(profile).mse is mse
        results[mse] = estimate(
            harmonise(profile, path), design_of(profile), ratios=ratios, by=[(), ("ilo_sex",)]
        )
    kernel = estimate(
        data,
        Design(weight="w", replicate_weights="jk_[0-9]+", replicate_method="jk1", mse=True),
        ratios={"ur": ("unemp", "lf")},
        by=[(), ("sex",)],
    )
    np.testing.assert_allclose(results[True]["se"], kernel["se"], rtol=1e-12)
    np.testing.assert_allclose(results[True]["estimate"], kernel["estimate"], rtol=1e-12)
    assert not np.allclose(results[False]["se"], results[True]["se"], rtol=1e-9, atol=0)


def test_an_unknown_design_key_lists_every_option() -> None:
    with pytest.raises(ProfileError, match=r"design\.mse_: unknown key") as raised:
        parse_profile(_section(mse_="true"))
    allowed = str(raised.value).split("allowed: ")[1]
    assert allowed.rstrip(")").split(", ") == [
        *(f.name for f in dataclasses.fields(Design)),
        *PROFILE_ONLY,
    ]


def test_a_convention_of_the_wrong_type_is_named() -> None:
    with pytest.raises(ProfileError, match=r"design\.mse: Input should be a valid boolean"):
        parse_profile(_section(mse="perhaps"))


MULTISTAGE = (
    PARQUET
    + """design:
  weight: weight
  strata: s1
{stages}variables:
  ilo_sex: sex
  ilo_lf: lf
"""
)


def test_a_multistage_design_takes_one_expression_per_stage(tmp_path: Path) -> None:
    from tests.estimation.multistage_sample import multistage_sample

    data = multistage_sample()
    path = tmp_path / "multistage.parquet"
    data.to_parquet(path)
    profile_path = tmp_path / "multistage.yaml"
    profile_path.write_text(MULTISTAGE.format(stages="  psu: [psu, ssu]\n  fpc: [n1, n2 * 1]\n"))
    profile = load_profile(profile_path)
    design = design_of(profile)
    assert (design.psu, design.fpc, design.strata) == (("psu", "psu2"), ("fpc", "fpc2"), "strata")
    assert profile.expressions()["psu2"] == "ssu" and profile.expressions()["fpc2"] == "n2 * 1"
    ours = estimate(harmonise(profile, path), design, totals=["ilo_lf"], by=[(), ("ilo_sex",)])
    kernel = estimate(
        data,
        Design(weight="weight", strata="s1", psu=("psu", "ssu"), fpc=("n1", "n2")),
        totals=["lf"],
        by=[(), ("sex",)],
    )
    np.testing.assert_allclose(ours["se"], kernel["se"], rtol=1e-12)


@pytest.mark.parametrize(
    ("stages", "message"),
    [
        ("  psu: [psu, ssu]\n  fpc: n1\n", r"design: a 2-stage design .* needs one fpc column"),
        ("  psu: [psu, ssu]\n  fpc: [n1, 7]\n  lonely_psu: [a]\n", r"design\.lonely_psu"),
        ("  psu: [psu, 'x; DROP TABLE y']\n", r"design\.psu: stage 2: 2 statements"),
        ("  psu: psu\n  fpc: [n1, n2]\n", r"design: fpc gives 2 stages but psu 1"),
    ],
)
def test_a_bad_multistage_design_section_is_named(stages: str, message: str) -> None:
    with pytest.raises(ProfileError, match=message):
        parse_profile(MULTISTAGE.format(stages=stages))

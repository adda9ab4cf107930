"""Multi-stage designs with an FPC at every stage against R's default multistage variance
(``svydesign(ids=~psu+ssu, strata=~s1+s2, fpc=~fpc1+fpc2)``, ``survey.ultimate.cluster=FALSE``).

A seeded sample (:mod:`tests.estimation.multistage_sample`): two stages with first-stage
strata and population sizes, without strata and with sampling fractions, with strata at both
stages, three stages, a lonely second-stage unit under ``adjust`` and ``remove``, and two
stages without FPC (the first stage only, as in R); a ratio, a total and a mean by (), sex
and sex x region: estimates and SEs within 1e-9, degrees of freedom equal.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from decentwork.estimation import Design, EstimationError, estimate
from tests.estimation.multistage_sample import multistage_sample
from tests.estimation.r_oracle import compare, read_oracle, run_r

pytestmark = pytest.mark.oracle

BY = [(), ("sex",), ("sex", "region")]
STATISTICS = {"ratios": {"ur": ("unemp", "lf")}, "totals": ["lf"], "means": ["hours"]}
LONELY = {"lonely_adjust": "adjust", "lonely_remove": "remove"}


def design(case: str) -> Design:
    """The decentwork design of an oracle case."""
    stages = ("psu", "ssu")
    if case == "no_strata_fractions":
        return Design(weight="weight", psu=("psu_all", "ssu"), fpc=("f1_all", "f2"))
    if case == "two_strata":
        return Design(weight="weight", strata=("s1", "s2"), psu=stages, fpc=("n1", "n2s"))
    if case == "three_stages":
        return Design(
            weight="weight",
            strata=["s1", "s2"],
            psu=["psu", "ssu", "hh"],
            fpc=["n1", "n2s", "n3"],
        )
    if case == "no_fpc":
        return Design(weight="weight", strata="s1", psu=stages)
    lonely = LONELY.get(case, "fail")
    return Design(weight="weight", strata="s1", psu=stages, fpc=("n1", "n2"), lonely_psu=lonely)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    data = multistage_sample()
    data["psu_all"] = data["s1"] * 100 + data["psu"]
    return data


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory, sample: pd.DataFrame) -> pd.DataFrame:
    workdir = tmp_path_factory.mktemp("multistage")
    sample.drop(columns="psu_all").to_csv(workdir / "multistage.csv", index=False)
    run_r("multistage.R", workdir)
    return read_oracle(Path(workdir) / "multistage_oracle.csv")


def data_of(sample: pd.DataFrame, case: str) -> pd.DataFrame:
    return sample[sample["one_ssu"] == 1] if case in LONELY else sample


@pytest.mark.parametrize(
    "case",
    [
        "strata_sizes",
        "no_strata_fractions",
        "two_strata",
        "three_stages",
        "lonely_adjust",
        "lonely_remove",
        "no_fpc",
    ],
)
def test_multistage_matches_r(sample: pd.DataFrame, expected: pd.DataFrame, case: str) -> None:
    result = estimate(data_of(sample, case), design(case), by=BY, ci="t", **STATISTICS)  # type: ignore[arg-type]
    rows = expected[expected["case"] == case]
    assert len(rows) == 3 * (1 + 2 + 6)
    assert compare(result, rows) == 2 * len(rows)


def test_later_stages_add_to_the_first_stage(sample: pd.DataFrame, expected: pd.DataFrame) -> None:
    """What the second stage adds: the first stage alone (R's ultimate cluster) is smaller."""
    full = expected[(expected["case"] == "strata_sizes") & (expected["statistic"] == "ur")]
    first = expected[expected["case"] == "ultimate_cluster"]
    assert (first["se"].to_numpy() < full["se"].to_numpy()).all()
    result = estimate(sample, design("strata_sizes"), ratios=STATISTICS["ratios"], by=BY)  # type: ignore[arg-type]
    np.testing.assert_allclose(np.sort(result["se"]), np.sort(full["se"]), rtol=1e-9)


def test_one_stage_design_given_as_a_one_element_tuple_is_the_one_stage_design(
    sample: pd.DataFrame,
) -> None:
    one = Design(weight="weight", strata=("s1",), psu=["psu"], fpc=("n1",))
    assert one == Design(weight="weight", strata="s1", psu="psu", fpc="n1")
    assert not one.is_multistage


def test_a_lonely_later_stage_unit_fails_by_default(sample: pd.DataFrame) -> None:
    with pytest.raises(EstimationError, match=r"stage 2 .*only one sampled unit.*psu=1") as raised:
        estimate(data_of(sample, "lonely_adjust"), design("strata_sizes"), totals=["lf"])
    assert raised.value.parameter == "lonely_psu"
    average = Design(
        weight="weight", strata="s1", psu=("psu", "ssu"), fpc=("n1", "n2"), lonely_psu="average"
    )
    with pytest.raises(EstimationError, match="'average' is offered at the first stage only"):
        estimate(data_of(sample, "lonely_adjust"), average, totals=["lf"])


@pytest.mark.parametrize(
    ("options", "parameter", "message"),
    [
        ({"psu": ("psu", "ssu"), "fpc": "n1"}, "fpc", "needs one fpc column per stage"),
        ({"psu": ("psu", "ssu"), "fpc": ("n1", "n2", "n3")}, "fpc", "needs one fpc column"),
        ({"psu": "psu", "fpc": ("n1", "n2")}, "fpc", "fpc gives 2 stages but psu 1"),
        ({"psu": ("psu", "ssu"), "strata": ("s1", "s2", "hh")}, "strata", "strata gives 3"),
        ({"strata": ("s1", "s2")}, "strata", "strata gives 2 stages but psu 1"),
        ({"psu": ("psu", "psu")}, "psu", "a different column for each stage"),
        ({"psu": ("psu", "")}, "psu", "one per stage"),
        ({"psu": ()}, "psu", "one per stage"),
        (
            {"psu": ("psu", "ssu"), "replicate_weights": ["a", "b"], "replicate_method": "jk1"},
            "replicate_weights",
            "give either replicate_weights or strata/psu/fpc",
        ),
    ],
)
def test_bad_multistage_options(options: dict, parameter: str, message: str) -> None:
    with pytest.raises(EstimationError, match=message) as raised:
        Design(weight="weight", **options)
    assert raised.value.parameter == parameter


def test_bad_later_stage_fpc(sample: pd.DataFrame) -> None:
    varying = sample.assign(n2=sample["n2"] + (sample["ssu"] == 1))
    with pytest.raises(EstimationError, match=r"'n2' varies within stratum stage 2, s1=\d+, psu="):
        estimate(varying, design("strata_sizes"), totals=["lf"])
    small = sample.assign(n2=np.where(sample["psu"] == 1, 1, sample["n2"]))
    with pytest.raises(EstimationError, match=r"'n2': stratum stage 2.*more than 100% sampling"):
        estimate(small, design("strata_sizes"), totals=["lf"])
    mixed = sample.assign(n2=sample["f2"])
    with pytest.raises(EstimationError, match="fpc columns 'n1', 'n2' mixes sampling fractions"):
        estimate(mixed, design("strata_sizes"), totals=["lf"])
    missing = sample.assign(n2=np.where(sample["psu"] == 2, np.nan, sample["n2"]))
    with pytest.raises(EstimationError, match=r"design column 'n2' has .* missing"):
        estimate(missing, design("strata_sizes"), totals=["lf"])
